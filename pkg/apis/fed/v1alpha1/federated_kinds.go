package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The federated kinds: each places one Gloo object (or Secret) of its
// template into every (cluster, namespace) its placement selects. They share
// FederatedSpec and FederatedStatus; only the template's spec differs, and
// the CRDs validate it with Gloo's own schema for that kind (hack/fedschema
// copies it from Gloo's CRDs into ours).

// FederatedUpstream places an Upstream (gloo.solo.io/v1) into member clusters.
//
// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=meridian-fed,shortName=fus
// +kubebuilder:printcolumn:name="Placed",type=string,JSONPath=`.status.placed`
// +kubebuilder:printcolumn:name="Accepted",type=string,JSONPath=`.status.accepted`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedUpstream struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   FederatedSpec   `json:"spec"`
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedUpstreamList is a list of FederatedUpstream.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
type FederatedUpstreamList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []FederatedUpstream `json:"items"`
}

// FederatedUpstreamGroup places an UpstreamGroup (gloo.solo.io/v1) into member clusters.
//
// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=meridian-fed,shortName=fug
// +kubebuilder:printcolumn:name="Placed",type=string,JSONPath=`.status.placed`
// +kubebuilder:printcolumn:name="Accepted",type=string,JSONPath=`.status.accepted`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedUpstreamGroup struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   FederatedSpec   `json:"spec"`
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedUpstreamGroupList is a list of FederatedUpstreamGroup.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
type FederatedUpstreamGroupList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []FederatedUpstreamGroup `json:"items"`
}

// FederatedSettings places a Settings (gloo.solo.io/v1) into member clusters.
//
// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=meridian-fed,shortName=fst,path=federatedsettings,singular=federatedsettings
// +kubebuilder:printcolumn:name="Placed",type=string,JSONPath=`.status.placed`
// +kubebuilder:printcolumn:name="Accepted",type=string,JSONPath=`.status.accepted`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedSettings struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   FederatedSpec   `json:"spec"`
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedSettingsList is a list of FederatedSettings.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
type FederatedSettingsList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []FederatedSettings `json:"items"`
}

// FederatedGateway places a Gateway (gateway.solo.io/v1) into member clusters.
//
// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=meridian-fed,shortName=fgw
// +kubebuilder:printcolumn:name="Placed",type=string,JSONPath=`.status.placed`
// +kubebuilder:printcolumn:name="Accepted",type=string,JSONPath=`.status.accepted`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedGateway struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   FederatedSpec   `json:"spec"`
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedGatewayList is a list of FederatedGateway.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
type FederatedGatewayList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []FederatedGateway `json:"items"`
}

// FederatedVirtualService places a VirtualService (gateway.solo.io/v1) into member clusters.
//
// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=meridian-fed,shortName=fvs
// +kubebuilder:printcolumn:name="Placed",type=string,JSONPath=`.status.placed`
// +kubebuilder:printcolumn:name="Accepted",type=string,JSONPath=`.status.accepted`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedVirtualService struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   FederatedSpec   `json:"spec"`
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedVirtualServiceList is a list of FederatedVirtualService.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
type FederatedVirtualServiceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []FederatedVirtualService `json:"items"`
}

// FederatedRouteTable places a RouteTable (gateway.solo.io/v1) into member clusters.
//
// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=meridian-fed,shortName=frt
// +kubebuilder:printcolumn:name="Placed",type=string,JSONPath=`.status.placed`
// +kubebuilder:printcolumn:name="Accepted",type=string,JSONPath=`.status.accepted`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedRouteTable struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   FederatedSpec   `json:"spec"`
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedRouteTableList is a list of FederatedRouteTable.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
type FederatedRouteTableList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []FederatedRouteTable `json:"items"`
}

// FederatedMatchableHttpGateway places a MatchableHttpGateway (gateway.solo.io/v1) into member clusters.
//
// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=meridian-fed,shortName=fhgw
// +kubebuilder:printcolumn:name="Placed",type=string,JSONPath=`.status.placed`
// +kubebuilder:printcolumn:name="Accepted",type=string,JSONPath=`.status.accepted`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedMatchableHttpGateway struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   FederatedSpec   `json:"spec"`
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedMatchableHttpGatewayList is a list of FederatedMatchableHttpGateway.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
type FederatedMatchableHttpGatewayList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []FederatedMatchableHttpGateway `json:"items"`
}

// FederatedMatchableTcpGateway places a MatchableTcpGateway (gateway.solo.io/v1) into member clusters.
//
// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=meridian-fed,shortName=ftgw
// +kubebuilder:printcolumn:name="Placed",type=string,JSONPath=`.status.placed`
// +kubebuilder:printcolumn:name="Accepted",type=string,JSONPath=`.status.accepted`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedMatchableTcpGateway struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   FederatedSpec   `json:"spec"`
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedMatchableTcpGatewayList is a list of FederatedMatchableTcpGateway.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
type FederatedMatchableTcpGatewayList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []FederatedMatchableTcpGateway `json:"items"`
}

// FederatedAuthConfig places an AuthConfig (enterprise.gloo.solo.io/v1) into member clusters.
//
// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=meridian-fed,shortName=fac
// +kubebuilder:printcolumn:name="Placed",type=string,JSONPath=`.status.placed`
// +kubebuilder:printcolumn:name="Accepted",type=string,JSONPath=`.status.accepted`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedAuthConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   FederatedSpec   `json:"spec"`
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedAuthConfigList is a list of FederatedAuthConfig.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
type FederatedAuthConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []FederatedAuthConfig `json:"items"`
}

// FederatedRateLimitConfig places a RateLimitConfig (ratelimit.solo.io/v1alpha1) into member clusters.
//
// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=meridian-fed,shortName=frlc
// +kubebuilder:printcolumn:name="Placed",type=string,JSONPath=`.status.placed`
// +kubebuilder:printcolumn:name="Accepted",type=string,JSONPath=`.status.accepted`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedRateLimitConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   FederatedSpec   `json:"spec"`
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedRateLimitConfigList is a list of FederatedRateLimitConfig.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
type FederatedRateLimitConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []FederatedRateLimitConfig `json:"items"`
}

// FederatedSecret places a Secret into member clusters: TLS certificates and
// credentials the federated Gloo config refers to must exist where it lands.
// Reading a FederatedSecret reveals the Secret: grant it as narrowly as
// Secrets themselves.
//
// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=meridian-fed,shortName=fsec
// +kubebuilder:printcolumn:name="Placed",type=string,JSONPath=`.status.placed`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedSecret struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   FederatedSecretSpec `json:"spec"`
	Status FederatedStatus     `json:"status,omitempty"`
}

// FederatedSecretList is a list of FederatedSecret.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
type FederatedSecretList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []FederatedSecret `json:"items"`
}
