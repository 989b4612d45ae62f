package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	gloov1 "github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1"
)

// +genclient
// +genclient:noStatus
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// VirtualService is the routing configuration for a set of domains: its
// virtual host lists the domains and the routes (matchers and actions) with
// their options. With sslConfig set it is served by SSL gateways (8443),
// otherwise by plain HTTP gateways (8080).
type VirtualService struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the virtual service's configuration.
	Spec VirtualServiceSpec `json:"spec"`
	// Status is written by Gloo: whether the virtual service was accepted.
	Status core.NamespacedStatuses `json:"status,omitzero"`

	// Unknown keeps top-level members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// VirtualServiceList is a list of VirtualServices.
type VirtualServiceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	// Items are the virtual services.
	Items []VirtualService `json:"items"`
}

// VirtualServiceSpec is Gloo's VirtualService message.
type VirtualServiceSpec struct {
	// VirtualHost holds the domains and routes.
	VirtualHost *VirtualHost `json:"virtualHost,omitempty"`
	// SslConfig serves the virtual host over TLS (on SSL gateways).
	SslConfig *gloov1.SslConfig `json:"sslConfig,omitempty"`
	// DisplayName is a human-readable name for UIs.
	DisplayName string `json:"displayName,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// VirtualHost is the domains and routes of a VirtualService.
type VirtualHost struct {
	// Domains are the Host header values served; "*" matches all. Two
	// virtual services on one gateway must not share a domain.
	Domains []string `json:"domains,omitempty"`
	// Routes are matched in order; the first match wins.
	Routes []Route `json:"routes,omitempty"`
	// Options are policies for all routes of the host.
	Options *gloov1.VirtualHostOptions `json:"options,omitempty"`
	// OptionsConfigRefs reference VirtualHostOption objects merged into Options.
	OptionsConfigRefs *DelegateOptionsRefs `json:"optionsConfigRefs,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// Route is one route of a VirtualService or RouteTable. Exactly one of
// RouteAction, RedirectAction, DirectResponseAction and DelegateAction is set.
type Route struct {
	// Matchers select the requests of this route (any one must match); a
	// delegating route must use prefix matchers.
	Matchers []gloov1.Matcher `json:"matchers,omitempty"`
	// InheritableMatchers makes delegated child routes inherit the headers,
	// methods and query parameters of these matchers.
	InheritableMatchers *bool `json:"inheritableMatchers,omitempty"`
	// InheritablePathMatchers makes delegated child routes inherit the path
	// matcher.
	InheritablePathMatchers *bool `json:"inheritablePathMatchers,omitempty"`
	// RouteAction forwards the request to a destination.
	RouteAction *gloov1.RouteAction `json:"routeAction,omitempty"`
	// RedirectAction answers with a redirect.
	RedirectAction *gloov1.RedirectAction `json:"redirectAction,omitempty"`
	// DirectResponseAction answers directly.
	DirectResponseAction *gloov1.DirectResponseAction `json:"directResponseAction,omitempty"`
	// DelegateAction hands the matched requests to RouteTables.
	DelegateAction *DelegateAction `json:"delegateAction,omitempty"`
	// Options are the route's policies (merged over the virtual host's).
	Options *gloov1.RouteOptions `json:"options,omitempty"`
	// Name identifies the route in stats, logs and statuses.
	Name string `json:"name,omitempty"`
	// OptionsConfigRefs reference RouteOption objects merged into Options.
	OptionsConfigRefs *DelegateOptionsRefs `json:"optionsConfigRefs,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// DelegateAction hands a route's requests to one RouteTable (Ref) or to all
// RouteTables a Selector picks. The legacy Name/Namespace form is Ref
// written flat.
type DelegateAction struct {
	// Ref names one RouteTable.
	Ref *core.ResourceRef `json:"ref,omitempty"`
	// Selector picks RouteTables by labels and namespaces.
	Selector *RouteTableSelector `json:"selector,omitempty"`
	// Name of the RouteTable (deprecated; use Ref).
	Name string `json:"name,omitempty"`
	// Namespace of the RouteTable (deprecated; use Ref).
	Namespace string `json:"namespace,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// RouteTableSelector picks RouteTables.
type RouteTableSelector struct {
	// Namespaces to look in ("*" for all; default: the delegating object's).
	Namespaces []string `json:"namespaces,omitempty"`
	// Labels the RouteTables must carry.
	Labels map[string]string `json:"labels,omitempty"`
	// Expressions the RouteTables' labels must satisfy.
	Expressions []Expression `json:"expressions,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// Expression is a label selector expression.
type Expression struct {
	// Key is the label key.
	Key string `json:"key,omitempty"`
	// Operator is Equals, DoubleEquals, NotEquals, In, NotIn, Exists,
	// DoesNotExist, GreaterThan or LessThan (name or number).
	Operator *intstr.IntOrString `json:"operator,omitempty"`
	// Values are the operands.
	Values []string `json:"values,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// DelegateOptionsRefs reference option objects to merge in.
type DelegateOptionsRefs struct {
	// DelegateOptions are the referenced objects, applied in order.
	DelegateOptions []core.ResourceRef `json:"delegateOptions,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}
