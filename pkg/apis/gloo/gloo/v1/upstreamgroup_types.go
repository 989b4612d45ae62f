package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
)

// +genclient
// +genclient:noStatus
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// UpstreamGroup is a named, reusable set of weighted destinations that routes
// (routeAction.upstreamGroup) and TCP hosts can send traffic to, e.g. for
// canary or blue/green splits.
type UpstreamGroup struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the group's configuration.
	Spec UpstreamGroupSpec `json:"spec"`
	// Status is written by Gloo: whether the group was accepted.
	Status core.NamespacedStatuses `json:"status,omitzero"`

	// Unknown keeps top-level members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// UpstreamGroupList is a list of UpstreamGroups.
type UpstreamGroupList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	// Items are the upstream groups.
	Items []UpstreamGroup `json:"items"`
}

// UpstreamGroupSpec is Gloo's UpstreamGroup message.
type UpstreamGroupSpec struct {
	// Destinations are the weighted destinations traffic is split over.
	Destinations []WeightedDestination `json:"destinations,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}
