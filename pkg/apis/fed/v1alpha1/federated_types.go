package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// FederatedSpec is what a federated Gloo object places and where.
type FederatedSpec struct {
	// Template is the object placed into every target.
	Template Template `json:"template"`
	// Placement selects the targets: every (cluster, namespace) pair.
	Placement Placement `json:"placement"`
	// Overrides change the placed object in some clusters.
	// +optional
	// +listType=map
	// +listMapKey=clusterName
	Overrides []ClusterOverride `json:"overrides,omitempty"`
}

// Template is a Gloo object without its namespace (which the placement gives).
type Template struct {
	// Metadata of the placed objects.
	// +optional
	Metadata TemplateMetadata `json:"metadata,omitempty"`
	// Spec is the placed object's spec: the wrapped Gloo kind's spec,
	// validated with Gloo's own schema for it.
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	Spec runtime.RawExtension `json:"spec"`
}

// TemplateMetadata is copied onto every placed object (with Meridian's
// ownership label and annotation added).
type TemplateMetadata struct {
	// Name of the placed objects; the federated object's name when empty.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name,omitempty"`
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Placement selects member clusters and the namespaces in each. Targets are
// every pair of a selected cluster and a listed namespace.
//
// +kubebuilder:validation:XValidation:rule="(has(self.clusters) && size(self.clusters) > 0) || has(self.clusterSelector)",message="select clusters with clusters (names, or \"*\" for every registered cluster) or clusterSelector"
type Placement struct {
	// Clusters are names of registered clusters; "*" selects every
	// registered cluster.
	// +optional
	// +listType=set
	Clusters []string `json:"clusters,omitempty"`
	// ClusterSelector selects registered clusters by their KubernetesCluster's
	// labels (in addition to Clusters).
	// +optional
	ClusterSelector *metav1.LabelSelector `json:"clusterSelector,omitempty"`
	// Namespaces in each selected cluster.
	// +kubebuilder:validation:MinItems=1
	// +listType=set
	Namespaces []string `json:"namespaces"`
}

// ClusterOverride patches the placed objects in one cluster.
type ClusterOverride struct {
	// ClusterName is the cluster the patches apply in.
	ClusterName string `json:"clusterName"`
	// Patches is a JSON patch (RFC 6902) applied to the placed object
	// (paths like /spec/... or /metadata/labels/...).
	// +kubebuilder:validation:MinItems=1
	Patches []JSONPatchOperation `json:"patches"`
}

// JSONPatchOperation is one RFC 6902 operation.
type JSONPatchOperation struct {
	// +kubebuilder:validation:Enum=add;remove;replace;test
	Op string `json:"op"`
	// Path is a JSON pointer into the placed object.
	// +kubebuilder:validation:Pattern=`^/`
	Path string `json:"path"`
	// Value for add, replace and test.
	// +optional
	Value *apiextensionsv1.JSON `json:"value,omitempty"`
}

// FederatedSecretSpec is what a FederatedSecret places and where.
type FederatedSecretSpec struct {
	// Template is the Secret placed into every target.
	Template SecretTemplate `json:"template"`
	// Placement selects the targets.
	Placement Placement `json:"placement"`
	// Overrides change the placed Secret in some clusters.
	// +optional
	// +listType=map
	// +listMapKey=clusterName
	Overrides []ClusterOverride `json:"overrides,omitempty"`
}

// SecretTemplate is a Secret without its namespace.
type SecretTemplate struct {
	// +optional
	Metadata TemplateMetadata `json:"metadata,omitempty"`
	// +optional
	Type corev1.SecretType `json:"type,omitempty"`
	// +optional
	Data map[string][]byte `json:"data,omitempty"`
	// +optional
	StringData map[string]string `json:"stringData,omitempty"`
}

// PlacementState is the state of one target.
//
// +kubebuilder:validation:Enum=Pending;Placed;Failed;Stale;Invalid;Suspended
type PlacementState string

const (
	// PlacementPending: not written yet.
	PlacementPending PlacementState = "Pending"
	// PlacementPlaced: the object in the target is as specified.
	PlacementPlaced PlacementState = "Placed"
	// PlacementFailed: the object could not be written (message says why).
	PlacementFailed PlacementState = "Failed"
	// PlacementStale: the target is no longer selected, and the object
	// placed there could not be deleted yet (the cluster is unreachable).
	PlacementStale PlacementState = "Stale"
	// PlacementInvalid: the target cannot be placed into as specified (an
	// unknown cluster, a template the member refuses).
	PlacementInvalid PlacementState = "Invalid"
	// PlacementSuspended: the cluster is suspended; nothing is written there.
	PlacementSuspended PlacementState = "Suspended"
)

// MemberAnsweredSeparator separates, in a target's message, what Meridian
// says from the member's own answer that follows it. That answer may name
// the member's other writers (its field managers), so what is shown to
// readers of other objects (a FailoverScheme's status) stops before it.
const MemberAnsweredSeparator = "; the member answered: "

// FederatedStatus reports every target of a federated object.
type FederatedStatus struct {
	// ObservedGeneration is the generation the placements reflect.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Placed is "placed/targets".
	// +optional
	Placed string `json:"placed,omitempty"`
	// Accepted is "accepted/targets": placed objects Gloo reports Accepted.
	// +optional
	Accepted string `json:"accepted,omitempty"`
	// Conditions: Ready is True when every target is Placed (and, for Gloo
	// kinds, Accepted by Gloo).
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// Placements has one entry per target, and per object left in a target
	// no longer selected.
	// +optional
	// +listType=map
	// +listMapKey=cluster
	// +listMapKey=namespace
	Placements []PlacementStatus `json:"placements,omitempty"`
}

// PlacementStatus is the state of one (cluster, namespace) target.
type PlacementStatus struct {
	Cluster   string         `json:"cluster"`
	Namespace string         `json:"namespace"`
	State     PlacementState `json:"state"`
	// +optional
	Message string `json:"message,omitempty"`
	// +optional
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty"`
	// ObservedGeneration is the federated object's generation last placed here.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// GlooState is the state Gloo reports for the placed object
	// (Accepted, Rejected, Warning, Pending).
	// +optional
	GlooState string `json:"glooState,omitempty"`
	// GlooReason is Gloo's reason for a Rejected or Warning state.
	// +optional
	GlooReason string `json:"glooReason,omitempty"`
	// Drifted is true when the placed object was found changed by hand (it
	// is then restored).
	// +optional
	Drifted bool `json:"drifted,omitempty"`
}

// NameFor is the name of the objects placed for the federated object
// named federated: the template's name, or else the federated object's.
func (m TemplateMetadata) NameFor(federated string) string {
	if m.Name != "" {
		return m.Name
	}
	return federated
}
