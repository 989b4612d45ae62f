package v1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
)

// +genclient
// +genclient:noStatus
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// Upstream is a destination Envoy can route to: a Kubernetes Service
// (discovered ones are named "<namespace>-<service>-<port>"), a static list of
// hosts, a cloud function, ... It also carries the connection settings for that
// destination (TLS, health checks, outlier detection, circuit breakers, load
// balancing) and, in Gloo Edge Enterprise, prioritized failover endpoints.
type Upstream struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the upstream's configuration.
	Spec UpstreamSpec `json:"spec"`
	// Status is written by Gloo: whether the upstream was accepted.
	Status core.NamespacedStatuses `json:"status,omitzero"`

	// Unknown keeps top-level members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// UpstreamList is a list of Upstreams.
type UpstreamList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	// Items are the upstreams.
	Items []Upstream `json:"items"`
}

// UpstreamSpec is Gloo's Upstream message. Exactly one of the upstream types
// (Kube, Static, Aws, Azure, Consul, AwsEc2, Gcp, Pipe, Ai) is set.
type UpstreamSpec struct {
	// Kube routes to the endpoints of a Kubernetes Service.
	Kube *KubeUpstreamSpec `json:"kube,omitempty"`
	// Static routes to a fixed list of hosts.
	Static *StaticUpstreamSpec `json:"static,omitempty"`
	// Aws routes to AWS Lambda functions.
	Aws *apiextensionsv1.JSON `json:"aws,omitempty"`
	// Azure routes to Azure Functions.
	Azure *apiextensionsv1.JSON `json:"azure,omitempty"`
	// Consul routes to a Consul service.
	Consul *apiextensionsv1.JSON `json:"consul,omitempty"`
	// AwsEc2 routes to EC2 instances selected by tags.
	AwsEc2 *apiextensionsv1.JSON `json:"awsEc2,omitempty"`
	// Gcp routes to Google Cloud Functions or Cloud Run.
	Gcp *apiextensionsv1.JSON `json:"gcp,omitempty"`
	// Pipe routes to a Unix domain socket.
	Pipe *apiextensionsv1.JSON `json:"pipe,omitempty"`
	// Ai routes to an LLM provider.
	Ai *apiextensionsv1.JSON `json:"ai,omitempty"`

	// SslConfig makes Envoy originate TLS to the upstream.
	SslConfig *UpstreamSslConfig `json:"sslConfig,omitempty"`
	// CircuitBreakers limit connections and requests to the upstream.
	CircuitBreakers *CircuitBreakerConfig `json:"circuitBreakers,omitempty"`
	// LoadBalancerConfig selects and tunes the load-balancing policy.
	LoadBalancerConfig *LoadBalancerConfig `json:"loadBalancerConfig,omitempty"`
	// ConnectionConfig tunes connections (timeouts, keepalive, buffers).
	ConnectionConfig *ConnectionConfig `json:"connectionConfig,omitempty"`
	// HealthChecks are active health checks. Failover needs health checks or
	// outlier detection.
	HealthChecks []HealthCheck `json:"healthChecks,omitempty"`
	// OutlierDetection ejects misbehaving hosts passively.
	OutlierDetection *OutlierDetection `json:"outlierDetection,omitempty"`
	// Failover lists endpoints, by priority, to use when the upstream's own
	// endpoints are unhealthy (Gloo Edge Enterprise). Meridian writes it from
	// FailoverSchemes.
	Failover *Failover `json:"failover,omitempty"`
	// UseHttp2 makes Envoy speak HTTP/2 to the upstream (needed for gRPC).
	UseHttp2 *bool `json:"useHttp2,omitempty"`
	// InitialStreamWindowSize is the HTTP/2 initial stream window, in bytes.
	InitialStreamWindowSize *uint32 `json:"initialStreamWindowSize,omitempty"`
	// InitialConnectionWindowSize is the HTTP/2 initial connection window, in bytes.
	InitialConnectionWindowSize *uint32 `json:"initialConnectionWindowSize,omitempty"`
	// MaxConcurrentStreams is the HTTP/2 concurrent stream limit.
	MaxConcurrentStreams *uint32 `json:"maxConcurrentStreams,omitempty"`
	// OverrideStreamErrorOnInvalidHttpMessage resets only the stream, not the
	// connection, on an invalid HTTP/2 message.
	OverrideStreamErrorOnInvalidHttpMessage *bool `json:"overrideStreamErrorOnInvalidHttpMessage,omitempty"`
	// ProtocolSelection is USE_CONFIGURED_PROTOCOL or USE_DOWNSTREAM_PROTOCOL
	// (name or number).
	ProtocolSelection *intstr.IntOrString `json:"protocolSelection,omitempty"`
	// HttpProxyHostname tunnels connections through an HTTP CONNECT proxy
	// at this host.
	HttpProxyHostname *string `json:"httpProxyHostname,omitempty"`
	// HttpConnectSslConfig is the TLS configuration towards the CONNECT proxy.
	HttpConnectSslConfig *UpstreamSslConfig `json:"httpConnectSslConfig,omitempty"`
	// HttpConnectHeaders are sent with the CONNECT request.
	HttpConnectHeaders []HeaderValue `json:"httpConnectHeaders,omitempty"`
	// IgnoreHealthOnHostRemoval removes hosts from the load balancer as soon
	// as service discovery drops them, even if they are still healthy.
	IgnoreHealthOnHostRemoval *bool `json:"ignoreHealthOnHostRemoval,omitempty"`
	// RespectDnsTtl refreshes DNS-resolved hosts according to the record TTL.
	RespectDnsTtl *bool `json:"respectDnsTtl,omitempty"`
	// DnsRefreshRate is how often DNS-resolved hosts are re-resolved.
	DnsRefreshRate core.Duration `json:"dnsRefreshRate,omitempty"`
	// ProxyProtocolVersion, "V1" or "V2", sends a PROXY protocol header.
	ProxyProtocolVersion *string `json:"proxyProtocolVersion,omitempty"`
	// PreconnectPolicy opens connections ahead of demand.
	PreconnectPolicy *PreconnectPolicy `json:"preconnectPolicy,omitempty"`
	// DisableIstioAutoMtls opts the upstream out of Istio automatic mTLS.
	DisableIstioAutoMtls *bool `json:"disableIstioAutoMtls,omitempty"`
	// DiscoveryMetadata is what Gloo's discovery recorded about the source
	// (e.g. the Service labels).
	DiscoveryMetadata *DiscoveryMetadata `json:"discoveryMetadata,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// UpstreamType names the upstream type that is set ("kube", "static", "aws",
// "azure", "consul", "awsEc2", "gcp", "pipe", "ai"), or "" if none is.
func (in *UpstreamSpec) UpstreamType() string {
	switch {
	case in.Kube != nil:
		return "kube"
	case in.Static != nil:
		return "static"
	case in.Aws != nil:
		return "aws"
	case in.Azure != nil:
		return "azure"
	case in.Consul != nil:
		return "consul"
	case in.AwsEc2 != nil:
		return "awsEc2"
	case in.Gcp != nil:
		return "gcp"
	case in.Pipe != nil:
		return "pipe"
	case in.Ai != nil:
		return "ai"
	}
	return ""
}

// KubeUpstreamSpec routes to the endpoints of a Kubernetes Service.
type KubeUpstreamSpec struct {
	// ServiceName is the name of the Service.
	ServiceName string `json:"serviceName,omitempty"`
	// ServiceNamespace is the namespace of the Service.
	ServiceNamespace string `json:"serviceNamespace,omitempty"`
	// ServicePort is the Service port (not the target port).
	ServicePort uint32 `json:"servicePort,omitempty"`
	// Selector restricts the endpoints to pods with these labels.
	Selector map[string]string `json:"selector,omitempty"`
	// SubsetSpec enables subset load balancing over pod labels.
	SubsetSpec *SubsetSpec `json:"subsetSpec,omitempty"`

	// Unknown keeps members this type does not model (e.g. serviceSpec); see
	// core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// StaticUpstreamSpec routes to a fixed list of hosts.
type StaticUpstreamSpec struct {
	// Hosts are the addresses to route to.
	Hosts []Host `json:"hosts,omitempty"`
	// UseTls originates plain TLS (without a client certificate); Gloo
	// turns it on automatically for port 443.
	UseTls *bool `json:"useTls,omitempty"`
	// AutoSniRewrite sets the SNI of each connection to the host's address
	// (default true).
	AutoSniRewrite *bool `json:"autoSniRewrite,omitempty"`

	// Unknown keeps members this type does not model (e.g. serviceSpec); see
	// core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// Host is one address of a static upstream.
type Host struct {
	// Addr is an IP address or DNS name.
	Addr string `json:"addr,omitempty"`
	// Port is the port to connect to.
	Port uint32 `json:"port,omitempty"`
	// SniAddr is the SNI server name for this host (overrides the address).
	SniAddr string `json:"sniAddr,omitempty"`
	// LoadBalancingWeight is the host's weight among the upstream's hosts.
	LoadBalancingWeight *uint32 `json:"loadBalancingWeight,omitempty"`
	// HealthCheckConfig overrides health-check settings for this host.
	HealthCheckConfig *HostHealthCheckConfig `json:"healthCheckConfig,omitempty"`
	// Metadata is Envoy endpoint metadata, by filter name.
	Metadata map[string]apiextensionsv1.JSON `json:"metadata,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// HostHealthCheckConfig overrides the HTTP health check for one static host.
type HostHealthCheckConfig struct {
	// Path is the HTTP path to probe.
	Path string `json:"path,omitempty"`
	// Method is the HTTP method to probe with.
	Method string `json:"method,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// SubsetSpec enables subset load balancing: routes can then pick endpoints by
// label values (Destination.subset).
type SubsetSpec struct {
	// Selectors list the label keys subsets are built from.
	Selectors []Selector `json:"selectors,omitempty"`
	// FallbackPolicy is ANY_ENDPOINT, NO_FALLBACK or DEFAULT_SUBSET (name or
	// number).
	FallbackPolicy *intstr.IntOrString `json:"fallbackPolicy,omitempty"`
	// DefaultSubset is used with the DEFAULT_SUBSET fallback policy.
	DefaultSubset *Subset `json:"defaultSubset,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// Selector is one set of label keys to build subsets from.
type Selector struct {
	// Keys are the label keys.
	Keys []string `json:"keys,omitempty"`
	// SingleHostPerSubset builds one subset per host.
	SingleHostPerSubset bool `json:"singleHostPerSubset,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// DiscoveryMetadata is what Gloo's discovery recorded about an upstream's source.
type DiscoveryMetadata struct {
	// Labels are the labels of the discovered source (e.g. the Service).
	Labels map[string]string `json:"labels,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// PreconnectPolicy makes Envoy open connections ahead of demand.
type PreconnectPolicy struct {
	// PerUpstreamPreconnectRatio is the connections-to-streams ratio kept per
	// upstream.
	PerUpstreamPreconnectRatio *float64 `json:"perUpstreamPreconnectRatio,omitempty"`
	// PredictivePreconnectRatio is the ratio used to preconnect across hosts.
	PredictivePreconnectRatio *float64 `json:"predictivePreconnectRatio,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// HeaderValue is an HTTP header name and value.
type HeaderValue struct {
	// Key is the header name.
	Key string `json:"key,omitempty"`
	// Value is the header value.
	Value string `json:"value,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// HeaderValueOption is a header to add, either literal or from a Secret.
type HeaderValueOption struct {
	// Header is the literal header to add.
	Header *HeaderValue `json:"header,omitempty"`
	// HeaderSecretRef names a Secret whose data are added as headers.
	HeaderSecretRef *core.ResourceRef `json:"headerSecretRef,omitempty"`
	// Append adds the value to an existing header instead of replacing it
	// (default true).
	Append *bool `json:"append,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}
