package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// GlooInstance is one Gloo Edge installation (a control plane and its proxies)
// discovered in one registered member cluster. It is computed live from the
// member's Deployments, DaemonSets, Services, Pods, Nodes and Gloo resources,
// following Gloo Federation's discovery rules, and is never stored.
//
// +genclient
// +genclient:onlyVerbs=get,list,watch
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type GlooInstance struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   GlooInstanceSpec   `json:"spec"`
	Status GlooInstanceStatus `json:"status,omitempty"`
}

// GlooInstanceSpec describes a discovered Gloo installation.
type GlooInstanceSpec struct {
	// Cluster is the name of the registered member cluster the installation runs in.
	Cluster string `json:"cluster"`
	// IsEnterprise is true when the control plane runs the gloo-ee image.
	IsEnterprise bool `json:"isEnterprise"`
	// ControlPlane is the gloo Deployment.
	ControlPlane ControlPlane `json:"controlPlane"`
	// Proxies are the gateway-proxy Deployments and DaemonSets in the control plane's namespace.
	// +optional
	Proxies []InstanceProxy `json:"proxies,omitempty"`
	// Region is the topology.kubernetes.io/region label of the cluster's nodes.
	// +optional
	Region string `json:"region,omitempty"`
	// Admin names where Meridian writes admin resources for this installation.
	Admin Admin `json:"admin"`
	// Check summarises the health of the installation's resources, per kind.
	Check Check `json:"check"`
}

// ControlPlane is the gloo control-plane Deployment of an installation.
type ControlPlane struct {
	// Version is the image tag of the gloo container.
	Version string `json:"version"`
	// Namespace is the namespace the gloo Deployment runs in.
	Namespace string `json:"namespace"`
	// WatchedNamespaces is Settings spec.watchNamespaces; empty means all namespaces.
	// +optional
	WatchedNamespaces []string `json:"watchedNamespaces,omitempty"`
}

// WorkloadControllerType says which kind of workload runs a proxy.
// +enum
type WorkloadControllerType string

const (
	// WorkloadControllerTypeUndefined is an unknown workload kind.
	WorkloadControllerTypeUndefined WorkloadControllerType = "UNDEFINED"
	// WorkloadControllerTypeDeployment is a Deployment.
	WorkloadControllerTypeDeployment WorkloadControllerType = "DEPLOYMENT"
	// WorkloadControllerTypeDaemonSet is a DaemonSet.
	WorkloadControllerTypeDaemonSet WorkloadControllerType = "DAEMON_SET"
)

// InstanceProxy is one gateway-proxy workload of an installation.
type InstanceProxy struct {
	// Name of the Deployment or DaemonSet.
	Name string `json:"name"`
	// Namespace of the Deployment or DaemonSet.
	Namespace string `json:"namespace"`
	// Replicas is the desired number of proxy pods.
	Replicas int32 `json:"replicas"`
	// AvailableReplicas is the number of available proxy pods.
	AvailableReplicas int32 `json:"availableReplicas"`
	// ReadyReplicas is the number of ready proxy pods.
	ReadyReplicas int32 `json:"readyReplicas"`
	// Version is the image tag of the proxy container.
	Version string `json:"version"`
	// WorkloadControllerType is DEPLOYMENT or DAEMON_SET.
	WorkloadControllerType WorkloadControllerType `json:"workloadControllerType"`
	// Zones are the distinct topology.kubernetes.io/zone labels of the nodes running the proxy's pods.
	// +optional
	Zones []string `json:"zones,omitempty"`
	// IngressEndpoints are the externally reachable addresses of Services selecting the proxy's pods.
	// +optional
	IngressEndpoints []IngressEndpoint `json:"ingressEndpoints,omitempty"`
	// WasmEnabled is true when the proxy runs the Wasm-enabled Envoy image.
	WasmEnabled bool `json:"wasmEnabled"`
	// ReadConfigMulticlusterEnabled is true when a <proxy>-config-dump-service Service exists.
	ReadConfigMulticlusterEnabled bool `json:"readConfigMulticlusterEnabled"`
}

// IngressEndpoint is one address at which a proxy is reachable from outside its cluster.
type IngressEndpoint struct {
	// Address is an IP address or host name.
	Address string `json:"address"`
	// ServiceName is the Service that exposes the address.
	ServiceName string `json:"serviceName"`
	// Ports are the Service's ports at that address.
	// +optional
	Ports []Port `json:"ports,omitempty"`
}

// Port is a named port of an ingress endpoint.
type Port struct {
	// Port number.
	Port uint32 `json:"port"`
	// Name of the Service port, e.g. http, https, failover.
	Name string `json:"name"`
}

// Admin names where Meridian writes admin resources (such as failover Secrets)
// for an installation, and which proxy it uses by default.
type Admin struct {
	// WriteNamespace is the namespace for admin resources.
	WriteNamespace string `json:"writeNamespace"`
	// ProxyID is the default proxy of the installation.
	// +optional
	ProxyID *ObjectRef `json:"proxyId,omitempty"`
}

// ObjectRef is a reference to a namespaced object in the same cluster.
type ObjectRef struct {
	// Name of the object.
	Name string `json:"name"`
	// Namespace of the object.
	Namespace string `json:"namespace"`
}

// Check holds one health summary per resource kind of an installation.
type Check struct {
	Gateways              *Summary `json:"gateways,omitempty"`
	VirtualServices       *Summary `json:"virtualServices,omitempty"`
	RouteTables           *Summary `json:"routeTables,omitempty"`
	Upstreams             *Summary `json:"upstreams,omitempty"`
	UpstreamGroups        *Summary `json:"upstreamGroups,omitempty"`
	Settings              *Summary `json:"settings,omitempty"`
	Proxies               *Summary `json:"proxies,omitempty"`
	AuthConfigs           *Summary `json:"authConfigs,omitempty"`
	RateLimitConfigs      *Summary `json:"rateLimitConfigs,omitempty"`
	MatchableHTTPGateways *Summary `json:"matchableHttpGateways,omitempty"`
	MatchableTCPGateways  *Summary `json:"matchableTcpGateways,omitempty"`
	Deployments           *Summary `json:"deployments,omitempty"`
	Pods                  *Summary `json:"pods,omitempty"`
}

// Summary is the health of all resources of one kind in an installation.
type Summary struct {
	// Total is how many resources of the kind the installation watches.
	Total int32 `json:"total"`
	// Errors are the resources Gloo rejected, or workloads that are not healthy.
	// +optional
	Errors []ResourceReport `json:"errors,omitempty"`
	// Warnings are the resources Gloo accepted with warnings.
	// +optional
	Warnings []ResourceReport `json:"warnings,omitempty"`
	// HiddenErrors is how many reports this reply leaves out of Errors:
	// they name objects in namespaces the requesting user may not read.
	// +optional
	HiddenErrors int32 `json:"hiddenErrors,omitempty"`
	// HiddenWarnings is how many reports this reply leaves out of Warnings,
	// for the same reason.
	// +optional
	HiddenWarnings int32 `json:"hiddenWarnings,omitempty"`
}

// ResourceReport names one resource and what is wrong with it.
type ResourceReport struct {
	// Ref is the resource.
	Ref ObjectRef `json:"ref"`
	// Message is Gloo's reason, or the workload's failing condition.
	Message string `json:"message"`
}

// GlooInstanceStatus says how fresh the instance's data is.
type GlooInstanceStatus struct {
	// Reachable is false when the member cluster did not answer Meridian's last attempt.
	Reachable bool `json:"reachable"`
	// LastSyncTime is when Meridian last saw the member's state in full.
	// +optional
	LastSyncTime *metav1.Time `json:"lastSyncTime,omitempty"`
	// Message explains why the cluster is unreachable, if it is.
	// +optional
	Message string `json:"message,omitempty"`
}

// GlooInstanceList is a list of GlooInstances.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type GlooInstanceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []GlooInstance `json:"items"`
}
