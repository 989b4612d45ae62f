package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// GlooKind ties a view kind to the member-side Gloo kind it shows.
//
// +k8s:deepcopy-gen=false
// +k8s:openapi-gen=false
type GlooKind struct {
	// Kind is the view's kind in views.meridian.io (the same name as Gloo's).
	Kind string
	// Resource is the view's resource name in views.meridian.io.
	Resource string
	// Member is the Gloo resource in the member clusters.
	Member schema.GroupVersionResource
	// ShortNames of the view: Gloo's own with an "m" in front, so that
	// Gloo's short names keep meaning Gloo's local objects.
	ShortNames []string
	// New returns an empty view object; NewList an empty list.
	New     func() runtime.Object
	NewList func() runtime.Object
}

// GlooKinds lists every Gloo kind Meridian serves a view of.
var GlooKinds = []GlooKind{
	{Kind: "Upstream", Resource: "upstreams", Member: schema.GroupVersionResource{Group: "gloo.solo.io", Version: "v1", Resource: "upstreams"}, ShortNames: []string{"mus"},
		New: func() runtime.Object { return &Upstream{} }, NewList: func() runtime.Object { return &UpstreamList{} }},
	{Kind: "UpstreamGroup", Resource: "upstreamgroups", Member: schema.GroupVersionResource{Group: "gloo.solo.io", Version: "v1", Resource: "upstreamgroups"}, ShortNames: []string{"mug"},
		New: func() runtime.Object { return &UpstreamGroup{} }, NewList: func() runtime.Object { return &UpstreamGroupList{} }},
	{Kind: "Settings", Resource: "settings", Member: schema.GroupVersionResource{Group: "gloo.solo.io", Version: "v1", Resource: "settings"}, ShortNames: []string{"mst"},
		New: func() runtime.Object { return &Settings{} }, NewList: func() runtime.Object { return &SettingsList{} }},
	{Kind: "Proxy", Resource: "proxies", Member: schema.GroupVersionResource{Group: "gloo.solo.io", Version: "v1", Resource: "proxies"}, ShortNames: []string{"mpx"},
		New: func() runtime.Object { return &Proxy{} }, NewList: func() runtime.Object { return &ProxyList{} }},
	{Kind: "Gateway", Resource: "gateways", Member: schema.GroupVersionResource{Group: "gateway.solo.io", Version: "v1", Resource: "gateways"}, ShortNames: []string{"mgw"},
		New: func() runtime.Object { return &Gateway{} }, NewList: func() runtime.Object { return &GatewayList{} }},
	{Kind: "VirtualService", Resource: "virtualservices", Member: schema.GroupVersionResource{Group: "gateway.solo.io", Version: "v1", Resource: "virtualservices"}, ShortNames: []string{"mvs"},
		New: func() runtime.Object { return &VirtualService{} }, NewList: func() runtime.Object { return &VirtualServiceList{} }},
	{Kind: "RouteTable", Resource: "routetables", Member: schema.GroupVersionResource{Group: "gateway.solo.io", Version: "v1", Resource: "routetables"}, ShortNames: []string{"mrt"},
		New: func() runtime.Object { return &RouteTable{} }, NewList: func() runtime.Object { return &RouteTableList{} }},
	{Kind: "MatchableHttpGateway", Resource: "httpgateways", Member: schema.GroupVersionResource{Group: "gateway.solo.io", Version: "v1", Resource: "httpgateways"}, ShortNames: []string{"mhgw"},
		New: func() runtime.Object { return &MatchableHttpGateway{} }, NewList: func() runtime.Object { return &MatchableHttpGatewayList{} }},
	{Kind: "MatchableTcpGateway", Resource: "tcpgateways", Member: schema.GroupVersionResource{Group: "gateway.solo.io", Version: "v1", Resource: "tcpgateways"}, ShortNames: []string{"mtgw"},
		New: func() runtime.Object { return &MatchableTcpGateway{} }, NewList: func() runtime.Object { return &MatchableTcpGatewayList{} }},
	{Kind: "AuthConfig", Resource: "authconfigs", Member: schema.GroupVersionResource{Group: "enterprise.gloo.solo.io", Version: "v1", Resource: "authconfigs"}, ShortNames: []string{"mac"},
		New: func() runtime.Object { return &AuthConfig{} }, NewList: func() runtime.Object { return &AuthConfigList{} }},
	{Kind: "RateLimitConfig", Resource: "ratelimitconfigs", Member: schema.GroupVersionResource{Group: "ratelimit.solo.io", Version: "v1alpha1", Resource: "ratelimitconfigs"}, ShortNames: []string{"mrlc"},
		New: func() runtime.Object { return &RateLimitConfig{} }, NewList: func() runtime.Object { return &RateLimitConfigList{} }},
}
