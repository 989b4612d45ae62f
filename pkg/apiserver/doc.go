// Package apiserver assembles Meridian's aggregated API server: the scheme
// of views.meridian.io, the generic k8s.io/apiserver configuration, and the
// installation of one read-only storage per view kind over the federation
// cache, which the cluster registry keeps filled from the member clusters.
package apiserver
