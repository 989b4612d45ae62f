package discovery

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// Kind names a kind of Gloo resource whose statuses feed one field of a
// GlooInstance's spec.check. Its value is that field's JSON name.
type Kind string

// The Gloo resource kinds summarised in spec.check. Settings are not a Kind:
// they come in Snapshot.Settings because discovery also needs their
// spec.watchNamespaces.
const (
	Gateways              Kind = "gateways"
	VirtualServices       Kind = "virtualServices"
	RouteTables           Kind = "routeTables"
	Upstreams             Kind = "upstreams"
	UpstreamGroups        Kind = "upstreamGroups"
	Proxies               Kind = "proxies"
	AuthConfigs           Kind = "authConfigs"
	RateLimitConfigs      Kind = "rateLimitConfigs"
	MatchableHTTPGateways Kind = "matchableHttpGateways"
	MatchableTCPGateways  Kind = "matchableTcpGateways"
)

// Kinds lists every Kind, in the order of the GlooInstance check fields.
var Kinds = []Kind{
	Gateways, VirtualServices, RouteTables, Upstreams, UpstreamGroups,
	Proxies, AuthConfigs, RateLimitConfigs, MatchableHTTPGateways, MatchableTCPGateways,
}

// kindsByGlooKind maps the Gloo kind names used by viewsv1alpha1.GlooKinds to
// the Kind they feed.
var kindsByGlooKind = map[string]Kind{
	"Gateway":              Gateways,
	"VirtualService":       VirtualServices,
	"RouteTable":           RouteTables,
	"Upstream":             Upstreams,
	"UpstreamGroup":        UpstreamGroups,
	"Proxy":                Proxies,
	"AuthConfig":           AuthConfigs,
	"RateLimitConfig":      RateLimitConfigs,
	"MatchableHttpGateway": MatchableHTTPGateways,
	"MatchableTcpGateway":  MatchableTCPGateways,
}

// KindOf returns the Kind fed by objects of the Gloo kind named glooKind, as
// spelled in viewsv1alpha1.GlooKinds (e.g. "Upstream", "MatchableHttpGateway").
// ok is false for "Settings" (use Snapshot.Settings) and unknown names.
func KindOf(glooKind string) (kind Kind, ok bool) {
	kind, ok = kindsByGlooKind[glooKind]
	return kind, ok
}

// Resource is one Gloo object as discovery needs it: where it is and what
// Gloo reported about it.
type Resource struct {
	Namespace string
	Name      string
	// Status is the raw JSON of the object's .status as the member served it.
	// Empty or null means Gloo has not reported on it yet (Pending). Both
	// status forms are understood: the namespaced {"statuses": {ns: {...}}} of
	// Gloo >= 1.8 and the flat legacy/RateLimitConfig {"state": ..., ...}, with
	// integer or string states.
	Status []byte
}

// SettingsInfo is one gloo.solo.io Settings object.
type SettingsInfo struct {
	Namespace string
	Name      string
	// WatchNamespaces is the Settings' spec.watchNamespaces.
	WatchNamespaces []string
	// Status is the raw JSON of the Settings' .status, like Resource.Status.
	Status []byte
}

// Snapshot is everything discovery reads from one member cluster. Slices may
// be in any order and may contain nil elements (they are ignored). Discover
// does not modify the snapshot or keep references into it.
type Snapshot struct {
	// Cluster is the registered name of the member cluster.
	Cluster string

	Deployments []*appsv1.Deployment
	DaemonSets  []*appsv1.DaemonSet
	Services    []*corev1.Service
	Pods        []*corev1.Pod
	Nodes       []*corev1.Node

	// Settings are the cluster's Settings objects. The one in a control
	// plane's namespace gives controlPlane.watchedNamespaces, which also
	// filters the check summaries.
	Settings []SettingsInfo

	// Gloo holds the cluster's Gloo objects per Kind. Kinds that are absent
	// (e.g. CRDs not installed on the member) get a Summary with Total 0.
	Gloo map[Kind][]Resource
}
