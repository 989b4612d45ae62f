package v1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
)

// Destination is where a route, TCP host or upstream group sends traffic.
// Exactly one of Upstream, Kube and Consul is set.
type Destination struct {
	// Upstream references an Upstream object.
	Upstream *core.ResourceRef `json:"upstream,omitempty"`
	// Kube references a Kubernetes Service directly (no Upstream needed).
	Kube *KubernetesServiceDestination `json:"kube,omitempty"`
	// Consul references a Consul service.
	Consul *ConsulServiceDestination `json:"consul,omitempty"`
	// DestinationSpec configures function-level routing (AWS Lambda, Azure,
	// REST, gRPC) for the destination.
	DestinationSpec *apiextensionsv1.JSON `json:"destinationSpec,omitempty"`
	// Subset selects a subset of the upstream's endpoints by label values.
	Subset *Subset `json:"subset,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// KubernetesServiceDestination routes to a Kubernetes Service port.
type KubernetesServiceDestination struct {
	// Ref is the Service.
	Ref *core.ResourceRef `json:"ref,omitempty"`
	// Port is the Service port.
	Port uint32 `json:"port,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// ConsulServiceDestination routes to instances of a Consul service.
type ConsulServiceDestination struct {
	// ServiceName is the Consul service.
	ServiceName string `json:"serviceName,omitempty"`
	// Tags restrict the instances to those carrying all of these tags.
	Tags []string `json:"tags,omitempty"`
	// DataCenters restrict the instances to these data centers.
	DataCenters []string `json:"dataCenters,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// Subset selects endpoints by label values (see KubeUpstreamSpec.SubsetSpec).
type Subset struct {
	// Values are the label values the endpoints must have.
	Values map[string]string `json:"values,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// MultiDestination splits traffic over several weighted destinations.
type MultiDestination struct {
	// Destinations are the weighted destinations.
	Destinations []WeightedDestination `json:"destinations,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// WeightedDestination is a destination with a traffic weight, used by
// multi-destination routes and by UpstreamGroups.
type WeightedDestination struct {
	// Destination is where the traffic goes.
	Destination *Destination `json:"destination,omitempty"`
	// Weight is the destination's share relative to the others' weights.
	Weight *uint32 `json:"weight,omitempty"`
	// Options apply to requests sent to this destination.
	Options *WeightedDestinationOptions `json:"options,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// WeightedDestinationOptions apply to the requests one weighted destination gets.
type WeightedDestinationOptions struct {
	// HeaderManipulation adds or removes headers.
	HeaderManipulation *HeaderManipulation `json:"headerManipulation,omitempty"`
	// Extauth overrides external auth for this destination.
	Extauth *ExtAuthExtension `json:"extauth,omitempty"`

	// Unknown keeps members this type does not model (transformations,
	// bufferPerRoute, csrf, ...); see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// Matcher selects requests for a route (matchers.core.gloo.solo.io.Matcher).
// At most one of Prefix, Exact, Regex and ConnectMatcher is set; with none,
// the route matches the prefix "/".
type Matcher struct {
	// Prefix matches paths starting with this string.
	Prefix string `json:"prefix,omitempty"`
	// Exact matches this path exactly.
	Exact string `json:"exact,omitempty"`
	// Regex matches paths against this RE2 regular expression.
	Regex string `json:"regex,omitempty"`
	// ConnectMatcher matches HTTP CONNECT requests.
	ConnectMatcher *core.Empty `json:"connectMatcher,omitempty"`
	// CaseSensitive makes path matching case-sensitive (default true).
	CaseSensitive *bool `json:"caseSensitive,omitempty"`
	// Headers must all match.
	Headers []HeaderMatcher `json:"headers,omitempty"`
	// QueryParameters must all match.
	QueryParameters []QueryParameterMatcher `json:"queryParameters,omitempty"`
	// Methods, if set, restrict the HTTP methods matched.
	Methods []string `json:"methods,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// HeaderMatcher matches a request header.
type HeaderMatcher struct {
	// Name of the header.
	Name string `json:"name,omitempty"`
	// Value to match; empty matches any value (presence).
	Value string `json:"value,omitempty"`
	// Regex treats Value as a regular expression.
	Regex bool `json:"regex,omitempty"`
	// InvertMatch matches requests where the header does not match.
	InvertMatch bool `json:"invertMatch,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// QueryParameterMatcher matches a query parameter.
type QueryParameterMatcher struct {
	// Name of the parameter.
	Name string `json:"name,omitempty"`
	// Value to match; empty matches any value (presence).
	Value string `json:"value,omitempty"`
	// Regex treats Value as a regular expression.
	Regex bool `json:"regex,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// RouteAction forwards matched requests. Exactly one of Single, Multi,
// UpstreamGroup, ClusterHeader and DynamicForwardProxy is set.
type RouteAction struct {
	// Single sends everything to one destination.
	Single *Destination `json:"single,omitempty"`
	// Multi splits traffic over weighted destinations.
	Multi *MultiDestination `json:"multi,omitempty"`
	// UpstreamGroup references an UpstreamGroup.
	UpstreamGroup *core.ResourceRef `json:"upstreamGroup,omitempty"`
	// ClusterHeader names a request header holding the Envoy cluster to use.
	ClusterHeader string `json:"clusterHeader,omitempty"`
	// DynamicForwardProxy forwards to the host the request names.
	DynamicForwardProxy *apiextensionsv1.JSON `json:"dynamicForwardProxy,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// RedirectAction answers matched requests with an HTTP redirect.
type RedirectAction struct {
	// HostRedirect replaces the host.
	HostRedirect string `json:"hostRedirect,omitempty"`
	// PathRedirect replaces the whole path.
	PathRedirect string `json:"pathRedirect,omitempty"`
	// PrefixRewrite replaces the matched prefix.
	PrefixRewrite string `json:"prefixRewrite,omitempty"`
	// RegexRewrite rewrites the path with a regular expression.
	RegexRewrite *RegexRewrite `json:"regexRewrite,omitempty"`
	// ResponseCode is MOVED_PERMANENTLY (default), FOUND, SEE_OTHER,
	// TEMPORARY_REDIRECT or PERMANENT_REDIRECT (name or number).
	ResponseCode *intstr.IntOrString `json:"responseCode,omitempty"`
	// HttpsRedirect switches the scheme to https.
	HttpsRedirect bool `json:"httpsRedirect,omitempty"`
	// StripQuery drops the query string.
	StripQuery bool `json:"stripQuery,omitempty"`
	// PortRedirect replaces the port.
	PortRedirect *uint32 `json:"portRedirect,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// DirectResponseAction answers matched requests directly.
type DirectResponseAction struct {
	// Status is the HTTP status code.
	Status uint32 `json:"status,omitempty"`
	// Body is the response body.
	Body string `json:"body,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// RegexRewrite rewrites a path (or host) with a regular expression.
type RegexRewrite struct {
	// Pattern is the regular expression.
	Pattern *RegexMatcher `json:"pattern,omitempty"`
	// Substitution replaces every match; may use capture groups (\1).
	Substitution string `json:"substitution,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// RegexMatcher is an RE2 regular expression.
type RegexMatcher struct {
	// Regex is the expression.
	Regex string `json:"regex,omitempty"`

	// Unknown keeps members this type does not model (e.g. googleRe2); see
	// core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// TcpHost is a TCP (or TLS-passthrough/terminating) route of a TCP gateway or
// listener.
type TcpHost struct {
	// Name identifies the host within its gateway.
	Name string `json:"name,omitempty"`
	// SslConfig terminates TLS and selects the host by SNI.
	SslConfig *SslConfig `json:"sslConfig,omitempty"`
	// Destination is where the connection goes.
	Destination *TcpAction `json:"destination,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// TcpAction is where a TCP host forwards connections. Exactly one of Single,
// Multi, UpstreamGroup and ForwardSniClusterName is set.
type TcpAction struct {
	// Single forwards to one destination.
	Single *Destination `json:"single,omitempty"`
	// Multi splits connections over weighted destinations.
	Multi *MultiDestination `json:"multi,omitempty"`
	// UpstreamGroup references an UpstreamGroup.
	UpstreamGroup *core.ResourceRef `json:"upstreamGroup,omitempty"`
	// ForwardSniClusterName forwards to the Envoy cluster named by the SNI
	// server name; this is how failover gateways reach "<upstream>_<namespace>".
	ForwardSniClusterName *core.Empty `json:"forwardSniClusterName,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// CidrRange is an IP address prefix.
type CidrRange struct {
	// AddressPrefix is the IPv4 or IPv6 address.
	AddressPrefix string `json:"addressPrefix,omitempty"`
	// PrefixLen is the prefix length in bits.
	PrefixLen *uint32 `json:"prefixLen,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}
