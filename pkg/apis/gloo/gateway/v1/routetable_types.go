package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
)

// +genclient
// +genclient:noStatus
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// RouteTable is a list of routes that a VirtualService (or another
// RouteTable) delegates a path prefix to, so that teams can own their routes
// in their own namespaces. Child route paths must start with the delegating
// route's prefix.
type RouteTable struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the route table's configuration.
	Spec RouteTableSpec `json:"spec"`
	// Status is written by Gloo: whether the route table was accepted.
	Status core.NamespacedStatuses `json:"status,omitzero"`

	// Unknown keeps top-level members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// RouteTableList is a list of RouteTables.
type RouteTableList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	// Items are the route tables.
	Items []RouteTable `json:"items"`
}

// RouteTableSpec is Gloo's RouteTable message.
type RouteTableSpec struct {
	// Routes are matched in order; the first match wins.
	Routes []Route `json:"routes,omitempty"`
	// Weight orders the route tables one selector picks: lower weights'
	// routes come first (default 0).
	Weight *int32 `json:"weight,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}
