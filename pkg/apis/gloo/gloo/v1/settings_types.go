package v1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
)

// +genclient
// +genclient:noStatus
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// Settings is the runtime configuration of one Gloo installation, normally
// the object "default" in the install namespace (e.g. gloo-system): which
// namespaces Gloo watches, where it reads config and secrets from, discovery,
// validation, and the addresses of its auxiliary servers.
type Settings struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the installation's configuration.
	Spec SettingsSpec `json:"spec"`
	// Status is written by Gloo: whether the settings were accepted.
	Status core.NamespacedStatuses `json:"status,omitzero"`

	// Unknown keeps top-level members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// SettingsList is a list of Settings.
type SettingsList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	// Items are the settings objects.
	Items []Settings `json:"items"`
}

// SettingsSpec is Gloo's Settings message. Only the commonly used settings
// are typed; the rest (consul, vault, knative, extProc, caching, ...) is kept
// in Unknown.
type SettingsSpec struct {
	// DiscoveryNamespace is where discovered Upstreams are written
	// (default: the install namespace).
	DiscoveryNamespace string `json:"discoveryNamespace,omitempty"`
	// WatchNamespaces restricts the namespaces Gloo reads config from; empty
	// means all namespaces.
	WatchNamespaces []string `json:"watchNamespaces,omitempty"`
	// WatchNamespaceSelectors select watched namespaces by label, in
	// addition to WatchNamespaces.
	WatchNamespaceSelectors []LabelSelector `json:"watchNamespaceSelectors,omitempty"`

	// KubernetesConfigSource reads config from Kubernetes CRDs (the default).
	KubernetesConfigSource *core.Empty `json:"kubernetesConfigSource,omitempty"`
	// DirectoryConfigSource reads config from a directory.
	DirectoryConfigSource *DirectorySource `json:"directoryConfigSource,omitempty"`
	// ConsulKvSource reads config from Consul KV.
	ConsulKvSource *ConsulKvSource `json:"consulKvSource,omitempty"`
	// KubernetesSecretSource reads secrets from Kubernetes Secrets (the default).
	KubernetesSecretSource *core.Empty `json:"kubernetesSecretSource,omitempty"`
	// VaultSecretSource reads secrets from Vault.
	VaultSecretSource *apiextensionsv1.JSON `json:"vaultSecretSource,omitempty"`
	// DirectorySecretSource reads secrets from a directory.
	DirectorySecretSource *DirectorySource `json:"directorySecretSource,omitempty"`
	// SecretOptions lists several secret sources, tried in order.
	SecretOptions *apiextensionsv1.JSON `json:"secretOptions,omitempty"`
	// KubernetesArtifactSource reads artifacts from ConfigMaps (the default).
	KubernetesArtifactSource *core.Empty `json:"kubernetesArtifactSource,omitempty"`
	// DirectoryArtifactSource reads artifacts from a directory.
	DirectoryArtifactSource *DirectorySource `json:"directoryArtifactSource,omitempty"`
	// ConsulKvArtifactSource reads artifacts from Consul KV.
	ConsulKvArtifactSource *ConsulKvSource `json:"consulKvArtifactSource,omitempty"`

	// RefreshRate is how often config sources without watches are polled.
	RefreshRate core.Duration `json:"refreshRate,omitempty"`
	// DevMode enables Gloo's development endpoints.
	DevMode bool `json:"devMode,omitempty"`
	// Linkerd enables Linkerd integration.
	Linkerd bool `json:"linkerd,omitempty"`
	// IpV4Only makes listeners and clusters IPv4-only.
	IpV4Only bool `json:"ipV4Only,omitempty"`

	// Discovery configures upstream and function discovery.
	Discovery *DiscoveryOptions `json:"discovery,omitempty"`
	// Gloo configures the gloo (translation/xDS) component.
	Gloo *GlooOptions `json:"gloo,omitempty"`
	// Gateway configures the gateway translation and the validation webhook.
	Gateway *GatewayOptions `json:"gateway,omitempty"`
	// Kubernetes tunes Gloo's Kubernetes client.
	Kubernetes *KubernetesConfiguration `json:"kubernetes,omitempty"`
	// Extauth configures the default external auth server.
	Extauth *ExtAuthSettings `json:"extauth,omitempty"`
	// NamedExtauth configures additional auth servers, by name.
	NamedExtauth map[string]ExtAuthSettings `json:"namedExtauth,omitempty"`
	// RatelimitServer configures the rate-limit server.
	RatelimitServer *RateLimitServerSettings `json:"ratelimitServer,omitempty"`
	// Rbac configures RBAC enforcement.
	Rbac *RbacSettings `json:"rbac,omitempty"`
	// UpstreamOptions are defaults for all upstreams.
	UpstreamOptions *UpstreamOptions `json:"upstreamOptions,omitempty"`
	// Consul configures the Consul client.
	Consul *apiextensionsv1.JSON `json:"consul,omitempty"`
	// ConsulDiscovery configures Consul service discovery.
	ConsulDiscovery *apiextensionsv1.JSON `json:"consulDiscovery,omitempty"`
	// Ratelimit holds global rate-limit descriptors (legacy API).
	Ratelimit *apiextensionsv1.JSON `json:"ratelimit,omitempty"`
	// Extensions holds configuration of Gloo extensions, by name.
	Extensions *apiextensionsv1.JSON `json:"extensions,omitempty"`
	// ObservabilityOptions configure metrics and Grafana integration.
	ObservabilityOptions *apiextensionsv1.JSON `json:"observabilityOptions,omitempty"`
	// CachingServer configures the caching server (Enterprise).
	CachingServer *apiextensionsv1.JSON `json:"cachingServer,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// LabelSelector selects objects (here namespaces) by labels.
type LabelSelector struct {
	// MatchLabels must all be present with these values.
	MatchLabels map[string]string `json:"matchLabels,omitempty"`
	// MatchExpressions must all be satisfied.
	MatchExpressions []LabelSelectorRequirement `json:"matchExpressions,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// LabelSelectorRequirement is one label expression.
type LabelSelectorRequirement struct {
	// Key is the label key.
	Key string `json:"key,omitempty"`
	// Operator is In, NotIn, Exists or DoesNotExist.
	Operator string `json:"operator,omitempty"`
	// Values are the values for In and NotIn.
	Values []string `json:"values,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// DirectorySource reads from a directory.
type DirectorySource struct {
	// Directory is the path.
	Directory string `json:"directory,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// ConsulKvSource reads from Consul's key-value store.
type ConsulKvSource struct {
	// RootKey is the key prefix.
	RootKey string `json:"rootKey,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// DiscoveryOptions configure upstream and function discovery.
type DiscoveryOptions struct {
	// FdsMode is BLACKLIST, WHITELIST or DISABLED (name or number): whether
	// function discovery runs on all upstreams or only on labelled ones.
	FdsMode *intstr.IntOrString `json:"fdsMode,omitempty"`
	// UdsOptions configure upstream discovery.
	UdsOptions *UdsOptions `json:"udsOptions,omitempty"`

	// Unknown keeps members this type does not model (e.g. fdsOptions); see
	// core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// UdsOptions configure upstream discovery.
type UdsOptions struct {
	// Enabled turns upstream discovery on (default true).
	Enabled *bool `json:"enabled,omitempty"`
	// WatchLabels restrict discovery to Services with these labels.
	WatchLabels map[string]string `json:"watchLabels,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// GlooOptions configure the gloo component.
type GlooOptions struct {
	// XdsBindAddr is where gloo serves xDS to Envoy (e.g. "0.0.0.0:9977").
	XdsBindAddr string `json:"xdsBindAddr,omitempty"`
	// ValidationBindAddr is where gloo serves proxy validation (e.g. "0.0.0.0:9988").
	ValidationBindAddr string `json:"validationBindAddr,omitempty"`
	// RestXdsBindAddr is where gloo serves REST xDS (e.g. "0.0.0.0:9976").
	RestXdsBindAddr string `json:"restXdsBindAddr,omitempty"`
	// ProxyDebugBindAddr is where gloo serves its proxy debug API.
	ProxyDebugBindAddr string `json:"proxyDebugBindAddr,omitempty"`
	// CircuitBreakers are the defaults for all upstreams.
	CircuitBreakers *CircuitBreakerConfig `json:"circuitBreakers,omitempty"`
	// EndpointsWarmingTimeout is how long gloo waits for endpoints before
	// serving a snapshot.
	EndpointsWarmingTimeout core.Duration `json:"endpointsWarmingTimeout,omitempty"`
	// InvalidConfigPolicy decides what happens to invalid routes.
	InvalidConfigPolicy *InvalidConfigPolicy `json:"invalidConfigPolicy,omitempty"`
	// DisableKubernetesDestinations disables routing to Services directly.
	DisableKubernetesDestinations bool `json:"disableKubernetesDestinations,omitempty"`
	// DisableGrpcWeb disables the gRPC-Web filter by default.
	DisableGrpcWeb *bool `json:"disableGrpcWeb,omitempty"`
	// DisableProxyGarbageCollection keeps Proxies of deleted gateways.
	DisableProxyGarbageCollection *bool `json:"disableProxyGarbageCollection,omitempty"`
	// EnableRestEds serves endpoints over REST EDS.
	EnableRestEds *bool `json:"enableRestEds,omitempty"`
	// FailoverUpstreamDnsPollingInterval is how often DNS names of failover
	// endpoints are re-resolved (default 10s).
	FailoverUpstreamDnsPollingInterval core.Duration `json:"failoverUpstreamDnsPollingInterval,omitempty"`
	// RemoveUnusedFilters leaves out HTTP filters no route uses.
	RemoveUnusedFilters *bool `json:"removeUnusedFilters,omitempty"`
	// RegexMaxProgramSize caps the complexity of regular expressions.
	RegexMaxProgramSize *uint32 `json:"regexMaxProgramSize,omitempty"`
	// IstioOptions configure the Istio integration.
	IstioOptions *IstioOptions `json:"istioOptions,omitempty"`

	// Unknown keeps members this type does not model (e.g. awsOptions); see
	// core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// InvalidConfigPolicy decides what Envoy gets for invalid routes.
type InvalidConfigPolicy struct {
	// ReplaceInvalidRoutes serves a fixed response instead of rejecting
	// the whole proxy.
	ReplaceInvalidRoutes bool `json:"replaceInvalidRoutes,omitempty"`
	// InvalidRouteResponseCode is the status of that response.
	InvalidRouteResponseCode uint32 `json:"invalidRouteResponseCode,omitempty"`
	// InvalidRouteResponseBody is the body of that response.
	InvalidRouteResponseBody string `json:"invalidRouteResponseBody,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// IstioOptions configure the Istio integration.
type IstioOptions struct {
	// EnableIntegration turns the Istio integration on.
	EnableIntegration *bool `json:"enableIntegration,omitempty"`
	// EnableAutoMtls uses Istio mTLS towards upstreams with sidecars.
	EnableAutoMtls *bool `json:"enableAutoMtls,omitempty"`
	// AppendXForwardedHost appends x-forwarded-host on host rewrites.
	AppendXForwardedHost *bool `json:"appendXForwardedHost,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// GatewayOptions configure the gateway translation and validation.
type GatewayOptions struct {
	// ValidationServerAddr is the address of gloo's validation server
	// (deprecated; see Validation.ProxyValidationServerAddr).
	ValidationServerAddr string `json:"validationServerAddr,omitempty"`
	// Validation configures the validating admission webhook.
	Validation *ValidationOptions `json:"validation,omitempty"`
	// ReadGatewaysFromAllNamespaces reads Gateways outside the install namespace.
	ReadGatewaysFromAllNamespaces bool `json:"readGatewaysFromAllNamespaces,omitempty"`
	// AlwaysSortRouteTableRoutes sorts delegated routes by specificity.
	AlwaysSortRouteTableRoutes bool `json:"alwaysSortRouteTableRoutes,omitempty"`
	// CompressedProxySpec writes Proxy specs compressed.
	CompressedProxySpec bool `json:"compressedProxySpec,omitempty"`
	// VirtualServiceOptions are defaults for all VirtualServices.
	VirtualServiceOptions *VirtualServiceOptions `json:"virtualServiceOptions,omitempty"`
	// PersistProxySpec writes Proxy objects to the cluster (off since 1.12);
	// needed for Proxies to show up in Meridian's views.
	PersistProxySpec *bool `json:"persistProxySpec,omitempty"`
	// EnableGatewayController runs the gateway translator.
	EnableGatewayController *bool `json:"enableGatewayController,omitempty"`
	// IsolateVirtualHostsBySslConfig puts virtual hosts with different TLS
	// configurations on separate filter chains.
	IsolateVirtualHostsBySslConfig *bool `json:"isolateVirtualHostsBySslConfig,omitempty"`
	// TranslateEmptyGateways creates listeners for gateways without virtual services.
	TranslateEmptyGateways *bool `json:"translateEmptyGateways,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// ValidationOptions configure Gloo's validating admission webhook.
type ValidationOptions struct {
	// ProxyValidationServerAddr is gloo's validation gRPC address (e.g. "gloo:9988").
	ProxyValidationServerAddr string `json:"proxyValidationServerAddr,omitempty"`
	// ValidationWebhookTlsCert is the webhook's certificate file.
	ValidationWebhookTlsCert string `json:"validationWebhookTlsCert,omitempty"`
	// ValidationWebhookTlsKey is the webhook's key file.
	ValidationWebhookTlsKey string `json:"validationWebhookTlsKey,omitempty"`
	// IgnoreGlooValidationFailure accepts resources when gloo cannot be reached.
	IgnoreGlooValidationFailure bool `json:"ignoreGlooValidationFailure,omitempty"`
	// AlwaysAccept accepts every resource and only reports problems
	// (default true).
	AlwaysAccept *bool `json:"alwaysAccept,omitempty"`
	// AllowWarnings accepts resources that would get a Warning status.
	AllowWarnings *bool `json:"allowWarnings,omitempty"`
	// WarnRouteShortCircuiting warns about routes that can never match.
	WarnRouteShortCircuiting *bool `json:"warnRouteShortCircuiting,omitempty"`
	// DisableTransformationValidation skips validating transformations.
	DisableTransformationValidation *bool `json:"disableTransformationValidation,omitempty"`
	// ValidationServerGrpcMaxSizeBytes caps validation messages.
	ValidationServerGrpcMaxSizeBytes *int32 `json:"validationServerGrpcMaxSizeBytes,omitempty"`
	// ServerEnabled runs gloo's validation server (default true).
	ServerEnabled *bool `json:"serverEnabled,omitempty"`
	// WarnMissingTlsSecret reports a missing TLS Secret as a warning
	// instead of an error.
	WarnMissingTlsSecret *bool `json:"warnMissingTlsSecret,omitempty"`
	// FullEnvoyValidation also validates the generated Envoy configuration.
	FullEnvoyValidation *bool `json:"fullEnvoyValidation,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// VirtualServiceOptions are defaults for all VirtualServices.
type VirtualServiceOptions struct {
	// OneWayTls is the default of sslConfig.oneWayTls.
	OneWayTls *bool `json:"oneWayTls,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// KubernetesConfiguration tunes Gloo's Kubernetes client.
type KubernetesConfiguration struct {
	// RateLimits limit requests to the Kubernetes API server.
	RateLimits *KubernetesRateLimits `json:"rateLimits,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// KubernetesRateLimits limit requests to the Kubernetes API server.
type KubernetesRateLimits struct {
	// QPS is the sustained request rate.
	QPS float64 `json:"QPS,omitempty"`
	// Burst is the burst size.
	Burst uint32 `json:"burst,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// RateLimitServerSettings configure the rate-limit server.
type RateLimitServerSettings struct {
	// RatelimitServerRef is the Upstream of the rate-limit server.
	RatelimitServerRef *core.ResourceRef `json:"ratelimitServerRef,omitempty"`
	// RequestTimeout bounds calls to the server.
	RequestTimeout core.Duration `json:"requestTimeout,omitempty"`
	// DenyOnFail rejects requests when the server fails.
	DenyOnFail bool `json:"denyOnFail,omitempty"`
	// EnableXRatelimitHeaders adds x-ratelimit-* response headers.
	EnableXRatelimitHeaders bool `json:"enableXRatelimitHeaders,omitempty"`
	// RateLimitBeforeAuth applies rate limits before external auth.
	RateLimitBeforeAuth bool `json:"rateLimitBeforeAuth,omitempty"`

	// Unknown keeps members this type does not model (e.g. grpcService); see
	// core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// RbacSettings configure RBAC enforcement.
type RbacSettings struct {
	// RequireRbac denies requests to routes without an RBAC policy.
	RequireRbac bool `json:"requireRbac,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// UpstreamOptions are defaults for all upstreams.
type UpstreamOptions struct {
	// SslParameters are the default TLS parameters towards upstreams.
	SslParameters *SslParameters `json:"sslParameters,omitempty"`
	// GlobalAnnotations are added to every discovered upstream.
	GlobalAnnotations map[string]string `json:"globalAnnotations,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}
