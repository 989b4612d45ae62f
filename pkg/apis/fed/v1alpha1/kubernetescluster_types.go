package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// KubeconfigSecretKey is the key of the kubeconfig in a KubernetesCluster's Secret,
// the same key Gloo Federation uses, so that its Secrets can be reused.
const KubeconfigSecretKey = "kubeconfig"

// KubeconfigSecretType is the type of the Secrets that hold a member's
// kubeconfig.
const KubeconfigSecretType = "meridian.io/kubeconfig"

// KubeconfigSecretSelector is the field selector of the kubeconfig
// Secrets. Readers of the registrations list and watch only these: the
// federation namespace holds other Secrets too (Helm's release records,
// hundreds of KB each, and the serving certificate), which none needs.
const KubeconfigSecretSelector = "type=" + KubeconfigSecretType

// OnlyKubeconfigSecrets narrows a list or watch of Secrets to the
// kubeconfig Secrets (for informers.WithTweakListOptions).
func OnlyKubeconfigSecrets(o *metav1.ListOptions) { o.FieldSelector = KubeconfigSecretSelector }

// ConditionReady is the KubernetesCluster condition that says whether the
// member is reachable with its registered credentials.
const ConditionReady = "Ready"

// KubernetesCluster registers one member cluster with Meridian. The cluster's
// name is the object's name: it is what placements, views and RBAC refer to.
// The credentials live in a Secret next to it, never in the object itself.
//
// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=meridian-fed,shortName=kc
// +kubebuilder:printcolumn:name="Secret",type=string,JSONPath=`.spec.secretName`
// +kubebuilder:printcolumn:name="Suspended",type=boolean,JSONPath=`.spec.suspend`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Version",type=string,JSONPath=`.status.kubernetesVersion`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$') && size(self.metadata.name) <= 63",message="cluster names are DNS labels: lower-case letters, digits and '-', at most 63 characters"
type KubernetesCluster struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   KubernetesClusterSpec   `json:"spec"`
	Status KubernetesClusterStatus `json:"status,omitempty"`
}

// KubernetesClusterSpec says how to reach a member cluster.
type KubernetesClusterSpec struct {
	// SecretName names a Secret in the KubernetesCluster's namespace whose
	// "kubeconfig" key holds a kubeconfig for the member (one context, CA inlined).
	// +kubebuilder:validation:MinLength=1
	SecretName string `json:"secretName"`

	// ClusterDomain is the member's DNS domain, used to build service addresses.
	// +kubebuilder:default=cluster.local
	// +optional
	ClusterDomain string `json:"clusterDomain,omitempty"`

	// Suspend stops Meridian from writing to this cluster; views keep reading it.
	// +optional
	Suspend bool `json:"suspend,omitempty"`
}

// KubernetesClusterStatus is what Meridian last observed of the member.
type KubernetesClusterStatus struct {
	// KubernetesVersion is the member API server's version (gitVersion).
	// +optional
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`

	// LastSyncTime is when Meridian last completed a read of the member.
	// +optional
	LastSyncTime *metav1.Time `json:"lastSyncTime,omitempty"`

	// Conditions: Ready says whether the member is reachable with its credentials.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// KubernetesClusterList is a list of registered clusters.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +kubebuilder:object:root=true
type KubernetesClusterList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []KubernetesCluster `json:"items"`
}

// OwnerAnnotation marks every object Meridian places in a member with the
// federated object it belongs to (Kind/namespace/name). It is what proves
// ownership: the controller never touches an object without it, and on each
// member an admission policy refuses Meridian's credential any write to a
// Secret that does not carry it (see registration).
const OwnerAnnotation = "fed.meridian.io/owner"

// LeftoversLabel marks the records, ConfigMaps in the federation namespace,
// of what a deletion had to leave in members it could not reach, for the
// controller's sweepers: its value says whose ("secrets" for the
// placement's, "failover" for FailoverSchemes').
const LeftoversLabel = "meridian.io/leftovers"

// Reachability is what the registration's Ready condition says of the
// member: True, False, or Unknown (also while no condition is written yet),
// with the condition's message. `meridianctl cluster list` and the
// dashboard show it.
func (kc *KubernetesCluster) Reachability() (metav1.ConditionStatus, string) {
	for _, c := range kc.Status.Conditions {
		if c.Type == ConditionReady {
			switch c.Status {
			case metav1.ConditionTrue, metav1.ConditionFalse:
				return c.Status, c.Message
			}
			return metav1.ConditionUnknown, c.Message
		}
	}
	return metav1.ConditionUnknown, ""
}
