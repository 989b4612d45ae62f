// Package apis holds Meridian's API types, one folder per audience:
//
//   - gloo: Gloo Edge's own member-side kinds (gloo.solo.io, gateway.solo.io,
//     enterprise.gloo.solo.io, ratelimit.solo.io), written here because solo-io's
//     Go modules are not available; field names follow Gloo's CRDs exactly.
//   - fed: fed.meridian.io, the CRDs users write in the management cluster
//     (registered clusters and federated config).
//   - views: views.meridian.io, the read-only objects the aggregated API server
//     computes live from the member clusters; never stored.
package apis
