package v1alpha1

import (
	"bytes"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The views of Gloo's own kinds. Each view object is one object of one member
// cluster: it keeps the member object's namespace, labels, annotations, spec
// and status unchanged (spec and status as the exact JSON the member served),
// adds the ClusterLabel, and is named ClusterName(cluster, name) so that names
// are unique across clusters and reversible (see names.go).

// GlooView is implemented by every view of a Gloo kind.
//
// +k8s:deepcopy-gen=false
// +k8s:openapi-gen=false
type GlooView interface {
	// RawSpec is the member object's spec as JSON.
	RawSpec() []byte
	// RawStatus is the member object's status as JSON.
	RawStatus() []byte
	// ShareUnchanged makes the object's spec and status the very bytes of
	// old's where they are equal, so that an object rewritten with the same
	// spec (a status update) holds one copy of it, not two.
	ShareUnchanged(old GlooView)
}

// shareIfEqual points *dst at old when they hold the same bytes.
func shareIfEqual(dst *RawJSON, old []byte) {
	if old != nil && bytes.Equal(*dst, old) {
		*dst = old
	}
}

// Upstream is an Upstream: a destination Gloo routes to (a Kubernetes service, static hosts, a cloud function, ...), as held by one member cluster (gloo.solo.io/v1 Upstream).
//
// +genclient
// +genclient:onlyVerbs=get,list,watch
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type Upstream struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the member object's spec, unchanged.
	Spec RawJSON `json:"spec,omitempty"`
	// Status is the member object's status, unchanged (Gloo's namespaced statuses).
	Status RawJSON `json:"status,omitempty"`
}

// UpstreamList is a list of Upstream views.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type UpstreamList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []Upstream `json:"items"`
}

// UpstreamGroup is an UpstreamGroup: weighted destinations routed to as one, as held by one member cluster (gloo.solo.io/v1 UpstreamGroup).
//
// +genclient
// +genclient:onlyVerbs=get,list,watch
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type UpstreamGroup struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the member object's spec, unchanged.
	Spec RawJSON `json:"spec,omitempty"`
	// Status is the member object's status, unchanged (Gloo's namespaced statuses).
	Status RawJSON `json:"status,omitempty"`
}

// UpstreamGroupList is a list of UpstreamGroup views.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type UpstreamGroupList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []UpstreamGroup `json:"items"`
}

// Settings is the Settings of a Gloo installation, as held by one member cluster (gloo.solo.io/v1 Settings).
//
// +genclient
// +genclient:onlyVerbs=get,list,watch
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type Settings struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the member object's spec, unchanged.
	Spec RawJSON `json:"spec,omitempty"`
	// Status is the member object's status, unchanged (Gloo's namespaced statuses).
	Status RawJSON `json:"status,omitempty"`
}

// SettingsList is a list of Settings views.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type SettingsList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []Settings `json:"items"`
}

// Proxy is a Proxy: the Envoy configuration Gloo translated from gateways and virtual services, as held by one member cluster (gloo.solo.io/v1 Proxy).
//
// +genclient
// +genclient:onlyVerbs=get,list,watch
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type Proxy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the member object's spec, unchanged.
	Spec RawJSON `json:"spec,omitempty"`
	// Status is the member object's status, unchanged (Gloo's namespaced statuses).
	Status RawJSON `json:"status,omitempty"`
}

// ProxyList is a list of Proxy views.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type ProxyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []Proxy `json:"items"`
}

// Gateway is a Gateway: a listener of Gloo's proxies, as held by one member cluster (gateway.solo.io/v1 Gateway).
//
// +genclient
// +genclient:onlyVerbs=get,list,watch
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type Gateway struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the member object's spec, unchanged.
	Spec RawJSON `json:"spec,omitempty"`
	// Status is the member object's status, unchanged (Gloo's namespaced statuses).
	Status RawJSON `json:"status,omitempty"`
}

// GatewayList is a list of Gateway views.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type GatewayList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []Gateway `json:"items"`
}

// VirtualService is a VirtualService: domains and the routes for them, as held by one member cluster (gateway.solo.io/v1 VirtualService).
//
// +genclient
// +genclient:onlyVerbs=get,list,watch
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type VirtualService struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the member object's spec, unchanged.
	Spec RawJSON `json:"spec,omitempty"`
	// Status is the member object's status, unchanged (Gloo's namespaced statuses).
	Status RawJSON `json:"status,omitempty"`
}

// VirtualServiceList is a list of VirtualService views.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type VirtualServiceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []VirtualService `json:"items"`
}

// RouteTable is a RouteTable: routes delegated from a VirtualService, as held by one member cluster (gateway.solo.io/v1 RouteTable).
//
// +genclient
// +genclient:onlyVerbs=get,list,watch
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type RouteTable struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the member object's spec, unchanged.
	Spec RawJSON `json:"spec,omitempty"`
	// Status is the member object's status, unchanged (Gloo's namespaced statuses).
	Status RawJSON `json:"status,omitempty"`
}

// RouteTableList is a list of RouteTable views.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type RouteTableList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []RouteTable `json:"items"`
}

// MatchableHttpGateway is a MatchableHttpGateway: an HTTP gateway selected by a hybrid Gateway, as held by one member cluster (gateway.solo.io/v1 MatchableHttpGateway).
//
// +genclient
// +genclient:onlyVerbs=get,list,watch
// +resourceName=httpgateways
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type MatchableHttpGateway struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the member object's spec, unchanged.
	Spec RawJSON `json:"spec,omitempty"`
	// Status is the member object's status, unchanged (Gloo's namespaced statuses).
	Status RawJSON `json:"status,omitempty"`
}

// MatchableHttpGatewayList is a list of MatchableHttpGateway views.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type MatchableHttpGatewayList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []MatchableHttpGateway `json:"items"`
}

// MatchableTcpGateway is a MatchableTcpGateway: a TCP gateway selected by a hybrid Gateway, as held by one member cluster (gateway.solo.io/v1 MatchableTcpGateway).
//
// +genclient
// +genclient:onlyVerbs=get,list,watch
// +resourceName=tcpgateways
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type MatchableTcpGateway struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the member object's spec, unchanged.
	Spec RawJSON `json:"spec,omitempty"`
	// Status is the member object's status, unchanged (Gloo's namespaced statuses).
	Status RawJSON `json:"status,omitempty"`
}

// MatchableTcpGatewayList is a list of MatchableTcpGateway views.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type MatchableTcpGatewayList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []MatchableTcpGateway `json:"items"`
}

// AuthConfig is an AuthConfig: external authentication configuration (Gloo Enterprise), as held by one member cluster (enterprise.gloo.solo.io/v1 AuthConfig).
//
// +genclient
// +genclient:onlyVerbs=get,list,watch
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type AuthConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the member object's spec, unchanged.
	Spec RawJSON `json:"spec,omitempty"`
	// Status is the member object's status, unchanged (Gloo's namespaced statuses).
	Status RawJSON `json:"status,omitempty"`
}

// AuthConfigList is a list of AuthConfig views.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type AuthConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []AuthConfig `json:"items"`
}

// RateLimitConfig is a RateLimitConfig: rate limit descriptors and actions (Gloo Enterprise), as held by one member cluster (ratelimit.solo.io/v1alpha1 RateLimitConfig).
//
// +genclient
// +genclient:onlyVerbs=get,list,watch
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type RateLimitConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the member object's spec, unchanged.
	Spec RawJSON `json:"spec,omitempty"`
	// Status is the member object's status, unchanged (Gloo's namespaced statuses).
	Status RawJSON `json:"status,omitempty"`
}

// RateLimitConfigList is a list of RateLimitConfig views.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type RateLimitConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []RateLimitConfig `json:"items"`
}

// RawSpec implements GlooView.
func (in *Upstream) RawSpec() []byte { return in.Spec }

// RawStatus implements GlooView.
func (in *Upstream) RawStatus() []byte { return in.Status }

// RawSpec implements GlooView.
func (in *UpstreamGroup) RawSpec() []byte { return in.Spec }

// RawStatus implements GlooView.
func (in *UpstreamGroup) RawStatus() []byte { return in.Status }

// RawSpec implements GlooView.
func (in *Settings) RawSpec() []byte { return in.Spec }

// RawStatus implements GlooView.
func (in *Settings) RawStatus() []byte { return in.Status }

// RawSpec implements GlooView.
func (in *Proxy) RawSpec() []byte { return in.Spec }

// RawStatus implements GlooView.
func (in *Proxy) RawStatus() []byte { return in.Status }

// RawSpec implements GlooView.
func (in *Gateway) RawSpec() []byte { return in.Spec }

// RawStatus implements GlooView.
func (in *Gateway) RawStatus() []byte { return in.Status }

// RawSpec implements GlooView.
func (in *VirtualService) RawSpec() []byte { return in.Spec }

// RawStatus implements GlooView.
func (in *VirtualService) RawStatus() []byte { return in.Status }

// RawSpec implements GlooView.
func (in *RouteTable) RawSpec() []byte { return in.Spec }

// RawStatus implements GlooView.
func (in *RouteTable) RawStatus() []byte { return in.Status }

// RawSpec implements GlooView.
func (in *MatchableHttpGateway) RawSpec() []byte { return in.Spec }

// RawStatus implements GlooView.
func (in *MatchableHttpGateway) RawStatus() []byte { return in.Status }

// RawSpec implements GlooView.
func (in *MatchableTcpGateway) RawSpec() []byte { return in.Spec }

// RawStatus implements GlooView.
func (in *MatchableTcpGateway) RawStatus() []byte { return in.Status }

// RawSpec implements GlooView.
func (in *AuthConfig) RawSpec() []byte { return in.Spec }

// RawStatus implements GlooView.
func (in *AuthConfig) RawStatus() []byte { return in.Status }

// RawSpec implements GlooView.
func (in *RateLimitConfig) RawSpec() []byte { return in.Spec }

// RawStatus implements GlooView.
func (in *RateLimitConfig) RawStatus() []byte { return in.Status }

// ShareUnchanged implements GlooView.
func (in *Upstream) ShareUnchanged(old GlooView) {
	shareIfEqual(&in.Spec, old.RawSpec())
	shareIfEqual(&in.Status, old.RawStatus())
}

// ShareUnchanged implements GlooView.
func (in *UpstreamGroup) ShareUnchanged(old GlooView) {
	shareIfEqual(&in.Spec, old.RawSpec())
	shareIfEqual(&in.Status, old.RawStatus())
}

// ShareUnchanged implements GlooView.
func (in *Settings) ShareUnchanged(old GlooView) {
	shareIfEqual(&in.Spec, old.RawSpec())
	shareIfEqual(&in.Status, old.RawStatus())
}

// ShareUnchanged implements GlooView.
func (in *Proxy) ShareUnchanged(old GlooView) {
	shareIfEqual(&in.Spec, old.RawSpec())
	shareIfEqual(&in.Status, old.RawStatus())
}

// ShareUnchanged implements GlooView.
func (in *Gateway) ShareUnchanged(old GlooView) {
	shareIfEqual(&in.Spec, old.RawSpec())
	shareIfEqual(&in.Status, old.RawStatus())
}

// ShareUnchanged implements GlooView.
func (in *VirtualService) ShareUnchanged(old GlooView) {
	shareIfEqual(&in.Spec, old.RawSpec())
	shareIfEqual(&in.Status, old.RawStatus())
}

// ShareUnchanged implements GlooView.
func (in *RouteTable) ShareUnchanged(old GlooView) {
	shareIfEqual(&in.Spec, old.RawSpec())
	shareIfEqual(&in.Status, old.RawStatus())
}

// ShareUnchanged implements GlooView.
func (in *MatchableHttpGateway) ShareUnchanged(old GlooView) {
	shareIfEqual(&in.Spec, old.RawSpec())
	shareIfEqual(&in.Status, old.RawStatus())
}

// ShareUnchanged implements GlooView.
func (in *MatchableTcpGateway) ShareUnchanged(old GlooView) {
	shareIfEqual(&in.Spec, old.RawSpec())
	shareIfEqual(&in.Status, old.RawStatus())
}

// ShareUnchanged implements GlooView.
func (in *AuthConfig) ShareUnchanged(old GlooView) {
	shareIfEqual(&in.Spec, old.RawSpec())
	shareIfEqual(&in.Status, old.RawStatus())
}

// ShareUnchanged implements GlooView.
func (in *RateLimitConfig) ShareUnchanged(old GlooView) {
	shareIfEqual(&in.Spec, old.RawSpec())
	shareIfEqual(&in.Status, old.RawStatus())
}
