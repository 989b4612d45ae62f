// Package v1alpha1 is views.meridian.io/v1alpha1: the read-only objects that
// Meridian's aggregated API server computes live from the registered member
// clusters. Nothing here is stored; every object is derived from what the
// members hold at the time it is served.
//
// +k8s:deepcopy-gen=package
// +k8s:openapi-gen=true
// +k8s:openapi-model-package=io.meridian.views.v1alpha1
// +groupName=views.meridian.io
package v1alpha1
