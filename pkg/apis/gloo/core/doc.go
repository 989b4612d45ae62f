// +k8s:deepcopy-gen=package

// Package core holds the machinery shared by Meridian's Go types for Gloo Edge's
// member-side kinds (gloo.solo.io, gateway.solo.io, enterprise.gloo.solo.io,
// ratelimit.solo.io). It is not an API group.
//
// Meridian reads Gloo objects from member clusters and writes them into members
// (the placement controller applies federated templates). Gloo's schemas are large
// and change from release to release, and Meridian only types the part of them it
// understands. A read-modify-write cycle must still never drop anything a real
// Gloo object carries, so every typed struct embeds an Unknown field and decodes
// and encodes itself with UnmarshalPreserving and MarshalPreserving: members the
// struct does not model, and modelled members that were present with a value
// omitempty would drop, are kept verbatim and written back.
//
// The package also holds the types every Gloo kind shares: ResourceRef, the
// solo-kit status (Status, NamespacedStatuses, State) in both the namespaced and
// the legacy flat form, and small wire helpers (Duration, Int64, Empty).
package core
