package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// GroupName is the API group of Meridian's CRDs.
const GroupName = "fed.meridian.io"

// SchemeGroupVersion is the group and version of every type in this package.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v1alpha1"}

// Resource takes an unqualified resource and returns a group-qualified GroupResource.
func Resource(resource string) schema.GroupResource {
	return SchemeGroupVersion.WithResource(resource).GroupResource()
}

var (
	// SchemeBuilder registers the types of this package.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)
	// AddToScheme adds the types of this package to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

func addKnownTypes(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(SchemeGroupVersion,
		&KubernetesCluster{},
		&KubernetesClusterList{},
		&FailoverScheme{},
		&FailoverSchemeList{},
		&FederatedUpstream{},
		&FederatedUpstreamList{},
		&FederatedUpstreamGroup{},
		&FederatedUpstreamGroupList{},
		&FederatedSettings{},
		&FederatedSettingsList{},
		&FederatedGateway{},
		&FederatedGatewayList{},
		&FederatedVirtualService{},
		&FederatedVirtualServiceList{},
		&FederatedRouteTable{},
		&FederatedRouteTableList{},
		&FederatedMatchableHttpGateway{},
		&FederatedMatchableHttpGatewayList{},
		&FederatedMatchableTcpGateway{},
		&FederatedMatchableTcpGatewayList{},
		&FederatedAuthConfig{},
		&FederatedAuthConfigList{},
		&FederatedRateLimitConfig{},
		&FederatedRateLimitConfigList{},
		&FederatedSecret{},
		&FederatedSecretList{},
	)
	metav1.AddToGroupVersion(scheme, SchemeGroupVersion)
	return nil
}
