package v1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
)

// +genclient
// +genclient:noStatus
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// Proxy is the complete configuration of one Envoy fleet (e.g.
// "gateway-proxy"), compiled by Gloo's gateway translator from Gateways,
// VirtualServices and RouteTables. Since Gloo 1.12 Proxies are only written to
// the cluster when Settings.spec.gateway.persistProxySpec is true.
type Proxy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the proxy configuration.
	Spec ProxySpec `json:"spec"`
	// Status is written by Gloo: whether the configuration was accepted.
	Status core.NamespacedStatuses `json:"status,omitzero"`

	// Unknown keeps top-level members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ProxyList is a list of Proxies.
type ProxyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	// Items are the proxies.
	Items []Proxy `json:"items"`
}

// ProxySpec is Gloo's Proxy message.
type ProxySpec struct {
	// Listeners are the Envoy listeners, one per gateway bind address/port.
	Listeners []Listener `json:"listeners,omitempty"`
	// CompressedSpec holds the listeners compressed and base64-encoded
	// when Settings.spec.gateway.compressedProxySpec is true.
	CompressedSpec string `json:"compressedSpec,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// Listener is one Envoy listener. Exactly one of HttpListener, TcpListener,
// HybridListener and AggregateListener is set.
type Listener struct {
	// Name is unique within the proxy (usually "listener-<address>-<port>").
	Name string `json:"name,omitempty"`
	// BindAddress is the address to listen on ("::" for all).
	BindAddress string `json:"bindAddress,omitempty"`
	// BindPort is the port to listen on.
	BindPort uint32 `json:"bindPort,omitempty"`
	// HttpListener serves HTTP virtual hosts.
	HttpListener *HttpListener `json:"httpListener,omitempty"`
	// TcpListener serves TCP hosts.
	TcpListener *TcpListener `json:"tcpListener,omitempty"`
	// HybridListener serves HTTP and TCP on one port, selected by matchers.
	HybridListener *apiextensionsv1.JSON `json:"hybridListener,omitempty"`
	// AggregateListener is the listener form Gloo 1.12+ generates by default.
	AggregateListener *apiextensionsv1.JSON `json:"aggregateListener,omitempty"`
	// SslConfigurations are the TLS configurations served, selected by SNI.
	SslConfigurations []SslConfig `json:"sslConfigurations,omitempty"`
	// UseProxyProto expects a PROXY protocol header (deprecated).
	UseProxyProto *bool `json:"useProxyProto,omitempty"`
	// Options are the listener-level options.
	Options *ListenerOptions `json:"options,omitempty"`
	// RouteOptions tune the listener's route table.
	RouteOptions *RouteConfigurationOptions `json:"routeOptions,omitempty"`
	// MetadataStatic records which Gloo objects this listener came from.
	MetadataStatic *SourceMetadata `json:"metadataStatic,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// HttpListener serves HTTP virtual hosts.
type HttpListener struct {
	// VirtualHosts are the virtual hosts, selected by Host header.
	VirtualHosts []VirtualHost `json:"virtualHosts,omitempty"`
	// Options are the HTTP filter-chain options.
	Options *HttpListenerOptions `json:"options,omitempty"`
	// StatPrefix prefixes the listener's HTTP stats.
	StatPrefix string `json:"statPrefix,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// VirtualHost is a compiled virtual host of a Proxy (one per VirtualService).
type VirtualHost struct {
	// Name is "<virtual service namespace>.<virtual service name>" or similar.
	Name string `json:"name,omitempty"`
	// Domains are the Host header values served ("*" for all).
	Domains []string `json:"domains,omitempty"`
	// Routes are the compiled routes, in match order.
	Routes []Route `json:"routes,omitempty"`
	// Options are the virtual host's policies.
	Options *VirtualHostOptions `json:"options,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// Route is a compiled route of a Proxy. Exactly one of RouteAction,
// RedirectAction and DirectResponseAction is set.
type Route struct {
	// Matchers select the requests of this route.
	Matchers []Matcher `json:"matchers,omitempty"`
	// RouteAction forwards the request.
	RouteAction *RouteAction `json:"routeAction,omitempty"`
	// RedirectAction answers with a redirect.
	RedirectAction *RedirectAction `json:"redirectAction,omitempty"`
	// DirectResponseAction answers directly.
	DirectResponseAction *DirectResponseAction `json:"directResponseAction,omitempty"`
	// Options are the route's policies.
	Options *RouteOptions `json:"options,omitempty"`
	// Name identifies the route in stats and logs.
	Name string `json:"name,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// TcpListener serves TCP hosts.
type TcpListener struct {
	// TcpHosts are the TCP hosts, selected by SNI.
	TcpHosts []TcpHost `json:"tcpHosts,omitempty"`
	// Options are the TCP options.
	Options *TcpListenerOptions `json:"options,omitempty"`
	// StatPrefix prefixes the listener's TCP stats.
	StatPrefix string `json:"statPrefix,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// SourceMetadata records the Gloo objects a generated element came from.
type SourceMetadata struct {
	// Sources are the originating objects.
	Sources []SourceRef `json:"sources,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// SourceRef is one originating object.
type SourceRef struct {
	// ResourceRef is the object.
	ResourceRef *core.ResourceRef `json:"resourceRef,omitempty"`
	// ResourceKind is its kind, e.g. "*v1.Gateway".
	ResourceKind string `json:"resourceKind,omitempty"`
	// ObservedGeneration is the object's generation that was translated.
	ObservedGeneration core.Int64 `json:"observedGeneration,omitzero"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}
