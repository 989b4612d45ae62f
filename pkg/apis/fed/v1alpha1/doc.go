// Package v1alpha1 is fed.meridian.io/v1alpha1: the CustomResourceDefinitions
// that users and meridianctl write into the management cluster. KubernetesCluster
// registers a member cluster; the Federated* kinds place Gloo config into members.
//
// CRDs are generated from these types by controller-gen (hack/update-codegen.sh)
// into charts/meridian/files/crds, and rendered from the chart into artifacts/crds.
//
// +k8s:deepcopy-gen=package
// +groupName=fed.meridian.io
package v1alpha1
