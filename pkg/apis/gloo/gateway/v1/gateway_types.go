package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	gloov1 "github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1"
)

// +genclient
// +genclient:noStatus
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// Gateway is one listener of a Gloo proxy: an address and port plus what is
// served there (HTTP virtual services, TCP hosts, or both behind matchers).
// Gloo's Helm chart creates gateway-proxy (8080), gateway-proxy-ssl (8443,
// ssl: true) and, with failover enabled, gateway-proxy-failover (15443, TCP,
// forwarding by SNI).
type Gateway struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the gateway's configuration.
	Spec GatewaySpec `json:"spec"`
	// Status is written by Gloo: whether the gateway was accepted.
	Status core.NamespacedStatuses `json:"status,omitzero"`

	// Unknown keeps top-level members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// GatewayList is a list of Gateways.
type GatewayList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	// Items are the gateways.
	Items []Gateway `json:"items"`
}

// GatewaySpec is Gloo's Gateway message. Exactly one of HttpGateway,
// TcpGateway and HybridGateway is set.
type GatewaySpec struct {
	// BindAddress is the address to listen on ("::" for all).
	BindAddress string `json:"bindAddress,omitempty"`
	// BindPort is the port to listen on (the container port, e.g. 8080).
	BindPort uint32 `json:"bindPort,omitempty"`
	// Ssl makes the gateway serve only VirtualServices with an sslConfig
	// (and, when false, only those without).
	Ssl bool `json:"ssl,omitempty"`
	// UseProxyProto expects a PROXY protocol header (deprecated; use
	// options.proxyProtocol).
	UseProxyProto *bool `json:"useProxyProto,omitempty"`
	// ProxyNames are the Proxies (Envoy fleets) that get this listener
	// (default ["gateway-proxy"]).
	ProxyNames []string `json:"proxyNames,omitempty"`
	// Options are the listener-level options.
	Options *gloov1.ListenerOptions `json:"options,omitempty"`
	// RouteOptions tune the route table of the listener.
	RouteOptions *gloov1.RouteConfigurationOptions `json:"routeOptions,omitempty"`
	// HttpGateway serves VirtualServices.
	HttpGateway *HttpGateway `json:"httpGateway,omitempty"`
	// TcpGateway serves TCP hosts.
	TcpGateway *TcpGateway `json:"tcpGateway,omitempty"`
	// HybridGateway serves HTTP and TCP on one port, chosen by matchers.
	HybridGateway *HybridGateway `json:"hybridGateway,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// HttpGateway selects the VirtualServices a gateway serves. With no selection
// field set, it serves all VirtualServices in the watched namespaces.
type HttpGateway struct {
	// VirtualServices lists VirtualServices explicitly.
	VirtualServices []core.ResourceRef `json:"virtualServices,omitempty"`
	// VirtualServiceSelector selects VirtualServices by labels.
	VirtualServiceSelector map[string]string `json:"virtualServiceSelector,omitempty"`
	// VirtualServiceExpressions select VirtualServices by label expressions.
	VirtualServiceExpressions *VirtualServiceSelectorExpressions `json:"virtualServiceExpressions,omitempty"`
	// VirtualServiceNamespaces restricts the namespaces VirtualServices are
	// taken from ("*" for all).
	VirtualServiceNamespaces []string `json:"virtualServiceNamespaces,omitempty"`
	// Options are the HTTP filter-chain options.
	Options *gloov1.HttpListenerOptions `json:"options,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// VirtualServiceSelectorExpressions select VirtualServices by label expressions.
type VirtualServiceSelectorExpressions struct {
	// Expressions must all be satisfied.
	Expressions []Expression `json:"expressions,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// TcpGateway serves TCP hosts.
type TcpGateway struct {
	// TcpHosts are the hosts, selected by SNI when they terminate TLS.
	TcpHosts []gloov1.TcpHost `json:"tcpHosts,omitempty"`
	// Options are the TCP options.
	Options *gloov1.TcpListenerOptions `json:"options,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// HybridGateway serves HTTP and TCP on one port: each connection goes to the
// first matched gateway whose matcher fits, or to delegated gateways.
type HybridGateway struct {
	// MatchedGateways are tried in order.
	MatchedGateways []MatchedGateway `json:"matchedGateways,omitempty"`
	// DelegatedHttpGateways selects MatchableHttpGateways to serve.
	DelegatedHttpGateways *DelegatedHttpGateway `json:"delegatedHttpGateways,omitempty"`
	// DelegatedTcpGateways selects MatchableTcpGateways to serve.
	DelegatedTcpGateways *DelegatedTcpGateway `json:"delegatedTcpGateways,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// MatchedGateway is an HTTP or TCP gateway behind a connection matcher.
type MatchedGateway struct {
	// Matcher selects the connections.
	Matcher *Matcher `json:"matcher,omitempty"`
	// HttpGateway serves the matched connections as HTTP.
	HttpGateway *HttpGateway `json:"httpGateway,omitempty"`
	// TcpGateway serves the matched connections as TCP.
	TcpGateway *TcpGateway `json:"tcpGateway,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// Matcher selects connections of a hybrid gateway.
type Matcher struct {
	// SslConfig matches TLS connections by SNI (and terminates TLS).
	SslConfig *gloov1.SslConfig `json:"sslConfig,omitempty"`
	// SourcePrefixRanges match the client address.
	SourcePrefixRanges []gloov1.CidrRange `json:"sourcePrefixRanges,omitempty"`
	// PassthroughCipherSuites match TLS connections by offered cipher suites
	// (TCP gateways only).
	PassthroughCipherSuites []string `json:"passthroughCipherSuites,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// DelegatedHttpGateway selects MatchableHttpGateways for a hybrid gateway.
// Exactly one of Ref and Selector is set.
type DelegatedHttpGateway struct {
	// Ref names one MatchableHttpGateway.
	Ref *core.ResourceRef `json:"ref,omitempty"`
	// Selector picks MatchableHttpGateways by labels and namespaces.
	Selector *RouteTableSelector `json:"selector,omitempty"`
	// PreventChildOverrides keeps the parent's sslConfig and options from
	// being overridden by the children.
	PreventChildOverrides bool `json:"preventChildOverrides,omitempty"`
	// SslConfig is the parent's TLS configuration, merged into the children's.
	SslConfig *gloov1.SslConfig `json:"sslConfig,omitempty"`

	// Unknown keeps members this type does not model (e.g.
	// httpConnectionManagerSettings); see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// DelegatedTcpGateway selects MatchableTcpGateways for a hybrid gateway.
// Exactly one of Ref and Selector is set.
type DelegatedTcpGateway struct {
	// Ref names one MatchableTcpGateway.
	Ref *core.ResourceRef `json:"ref,omitempty"`
	// Selector picks MatchableTcpGateways by labels and namespaces.
	Selector *RouteTableSelector `json:"selector,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}
