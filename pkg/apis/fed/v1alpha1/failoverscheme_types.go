package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FailoverScheme routes the traffic of one Upstream (the primary, in one
// member cluster) to Upstreams in other clusters when the primary's own
// endpoints are unhealthy: Meridian writes the primary's spec.failover (Gloo
// Edge Enterprise's failover API) from the scheme, one priority per failover
// group, each pointing at the failover gateways of that group's clusters.
// It is Gloo Federation's FailoverScheme (fed.solo.io/v1) with the same
// field names; docs/failover.md tells how it works.
//
// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=meridian-fed,shortName=fos
// +kubebuilder:printcolumn:name="Primary",type=string,JSONPath=`.status.primary`
// +kubebuilder:printcolumn:name="Priorities",type=integer,JSONPath=`.status.priorityCount`
// +kubebuilder:printcolumn:name="State",type=string,JSONPath=`.status.state`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FailoverScheme struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   FailoverSchemeSpec   `json:"spec"`
	Status FailoverSchemeStatus `json:"status,omitempty"`
}

// FailoverSchemeSpec names the primary Upstream and where its traffic goes
// when it fails.
type FailoverSchemeSpec struct {
	// Primary is the Upstream whose spec.failover this scheme writes.
	Primary FailoverPrimary `json:"primary"`
	// FailoverGroups are the priorities, in order: the first is tried when
	// the primary's own endpoints fail, the second when the first fails too.
	// The sizes are bounded so that admission's CEL, which checks each
	// target against RBAC, has a bounded cost.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	FailoverGroups []FailoverGroup `json:"failoverGroups"`
	// Policy tunes how traffic spills over from one priority to the next.
	// +optional
	Policy *FailoverPolicy `json:"policy,omitempty"`
}

// FailoverPrimary is an Upstream in one member cluster.
type FailoverPrimary struct {
	// ClusterName is the registered cluster (KubernetesCluster) of the Upstream.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	ClusterName string `json:"clusterName"`
	// Namespace of the Upstream in that cluster.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`
	// Name of the Upstream.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// FailoverGroup is one failover priority: Upstreams in one or more clusters.
type FailoverGroup struct {
	// PriorityGroup lists the clusters of this priority, each at most once.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=16
	// +listType=map
	// +listMapKey=cluster
	PriorityGroup []FailoverTarget `json:"priorityGroup"`
}

// FailoverTarget is the Upstreams of one cluster within a priority.
type FailoverTarget struct {
	// Cluster is a registered cluster.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Cluster string `json:"cluster"`
	// Upstreams are Upstreams of that cluster; traffic reaches them through
	// the failover gateway of the Gloo installation that owns them.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=64
	Upstreams []UpstreamRef `json:"upstreams"`
	// LocalityWeight is this cluster's share of its priority's traffic
	// (Envoy locality-weighted load balancing); unset gives every cluster
	// of the priority the same share.
	// +optional
	// +kubebuilder:validation:Minimum=1
	LocalityWeight *uint32 `json:"localityWeight,omitempty"`
}

// UpstreamRef names an Upstream in a member cluster.
type UpstreamRef struct {
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`
}

// FailoverPolicy is written to the primary's spec.failover.policy.
type FailoverPolicy struct {
	// OverprovisioningFactor (percent; Envoy's default is 140) scales how
	// healthy a priority counts as, before traffic moves to the next one.
	// +optional
	// +kubebuilder:validation:Minimum=1
	OverprovisioningFactor *uint32 `json:"overprovisioningFactor,omitempty"`
}

// FailoverState is where a FailoverScheme stands.
//
// +kubebuilder:validation:Enum=Pending;Accepted;Invalid;Failed
type FailoverState string

const (
	// FailoverPending: not written to the primary yet.
	FailoverPending FailoverState = "Pending"
	// FailoverAccepted: the primary's spec.failover is what the scheme
	// gives, from the targets' current state.
	FailoverAccepted FailoverState = "Accepted"
	// FailoverInvalid: the scheme cannot be carried out as written (the
	// message says what to fix); nothing is written until it changes or
	// what it refers to does.
	FailoverInvalid FailoverState = "Invalid"
	// FailoverFailed: writing to the primary's cluster failed; it is
	// retried with backoff.
	FailoverFailed FailoverState = "Failed"
)

// FailoverSchemeStatus is what is in force.
type FailoverSchemeStatus struct {
	// State of the scheme.
	// +optional
	State FailoverState `json:"state,omitempty"`
	// Message says why the scheme is Invalid or Failed, or what changed last.
	// +optional
	Message string `json:"message,omitempty"`
	// ObservedGeneration is the generation State reflects.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Primary is "<cluster>/<namespace>/<name>" of the primary Upstream.
	// +optional
	Primary string `json:"primary,omitempty"`
	// PriorityCount is how many priorities are written to the primary.
	// +optional
	PriorityCount int32 `json:"priorityCount,omitempty"`
	// Priorities are the endpoints written, per priority (the first is
	// priority 1: the primary's own endpoints are priority 0).
	// +optional
	Priorities []FailoverPriorityStatus `json:"priorities,omitempty"`
	// Targets report each cluster the scheme fails over to.
	// +optional
	Targets []FailoverTargetStatus `json:"targets,omitempty"`
}

// FailoverPriorityStatus is one priority as written.
type FailoverPriorityStatus struct {
	// Priority, from 1.
	Priority int32 `json:"priority"`
	// Endpoints are the failover gateways of this priority.
	// +optional
	Endpoints []FailoverEndpointStatus `json:"endpoints,omitempty"`
}

// FailoverEndpointStatus is one endpoint written to the primary.
type FailoverEndpointStatus struct {
	// Cluster the endpoint leads to.
	Cluster string `json:"cluster"`
	// Upstream is "<namespace>/<name>" of the target Upstream it serves.
	Upstream string `json:"upstream"`
	// Region and Zone are the locality written.
	// +optional
	Region string `json:"region,omitempty"`
	// +optional
	Zone string `json:"zone,omitempty"`
	// Address and Port are those of the cluster's failover gateway.
	Address string `json:"address"`
	Port    uint32 `json:"port"`
	// Weight is the locality weight written, if any.
	// +optional
	Weight *uint32 `json:"weight,omitempty"`
}

// FailoverTargetStatus reports one cluster of the scheme.
type FailoverTargetStatus struct {
	// Cluster is the target cluster.
	Cluster string `json:"cluster"`
	// Reachable says whether Meridian reaches the cluster now.
	Reachable bool `json:"reachable"`
	// GlooInstance is the name of the Gloo installation (views.meridian.io
	// GlooInstance) that owns the cluster's target Upstreams.
	// +optional
	GlooInstance string `json:"glooInstance,omitempty"`
	// Healthy says whether that installation's proxy has ready replicas.
	Healthy bool `json:"healthy"`
	// Message says what is wrong with the target, if anything.
	// +optional
	Message string `json:"message,omitempty"`
}

// FailoverSchemeList is a list of FailoverScheme.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
type FailoverSchemeList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []FailoverScheme `json:"items"`
}
