package v1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
)

// +genclient
// +genclient:noStatus
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// AuthConfig is an external-auth policy of Gloo Edge Enterprise: a list of
// auth steps (basic auth, API keys, OAuth2/OIDC, OPA, LDAP, ...) that Gloo's
// ext-auth server runs for every virtual host or route that references it
// (options.extauth.configRef).
type AuthConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the auth policy.
	Spec AuthConfigSpec `json:"spec"`
	// Status is written by Gloo: whether the policy was accepted.
	Status core.NamespacedStatuses `json:"status,omitzero"`

	// Unknown keeps top-level members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// AuthConfigList is a list of AuthConfigs.
type AuthConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	// Items are the auth configs.
	Items []AuthConfig `json:"items"`
}

// AuthConfigSpec is Gloo's AuthConfig message.
type AuthConfigSpec struct {
	// Configs are the auth steps. Without BooleanExpr all must pass, in order.
	Configs []AuthConfigSpecConfig `json:"configs,omitempty"`
	// BooleanExpr combines the steps by name, e.g. "basic || apikey".
	BooleanExpr *string `json:"booleanExpr,omitempty"`
	// FailOnRedirect fails instead of redirecting to the OIDC login page
	// (for APIs).
	FailOnRedirect bool `json:"failOnRedirect,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// AuthConfigSpecConfig is one auth step. Exactly one mechanism is set.
type AuthConfigSpecConfig struct {
	// Name identifies the step in BooleanExpr.
	Name *string `json:"name,omitempty"`
	// BasicAuth checks HTTP basic credentials against a user list.
	BasicAuth *BasicAuth `json:"basicAuth,omitempty"`
	// ApiKeyAuth checks an API key against keys stored in Secrets.
	ApiKeyAuth *ApiKeyAuth `json:"apiKeyAuth,omitempty"`
	// Oauth2 authenticates with OAuth2/OIDC (login flow or token validation).
	Oauth2 *OAuth2 `json:"oauth2,omitempty"`
	// Oauth is the deprecated OIDC configuration.
	Oauth *apiextensionsv1.JSON `json:"oauth,omitempty"`
	// OpaAuth evaluates OPA policies from ConfigMaps.
	OpaAuth *apiextensionsv1.JSON `json:"opaAuth,omitempty"`
	// OpaServerAuth asks an OPA server.
	OpaServerAuth *apiextensionsv1.JSON `json:"opaServerAuth,omitempty"`
	// Ldap authenticates against an LDAP server.
	Ldap *apiextensionsv1.JSON `json:"ldap,omitempty"`
	// Jwt passes through requests that carry a JWT (validated by the jwt filter).
	Jwt *apiextensionsv1.JSON `json:"jwt,omitempty"`
	// PluginAuth runs a Go plugin.
	PluginAuth *apiextensionsv1.JSON `json:"pluginAuth,omitempty"`
	// PassThroughAuth calls a custom auth service over gRPC or HTTP.
	PassThroughAuth *apiextensionsv1.JSON `json:"passThroughAuth,omitempty"`
	// HmacAuth checks HMAC request signatures.
	HmacAuth *apiextensionsv1.JSON `json:"hmacAuth,omitempty"`
	// PortalAuth authenticates developer-portal users.
	PortalAuth *apiextensionsv1.JSON `json:"portalAuth,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// BasicAuth checks HTTP basic credentials.
type BasicAuth struct {
	// Realm is sent in the WWW-Authenticate challenge.
	Realm string `json:"realm,omitempty"`
	// Apr holds users with APR1-hashed passwords.
	Apr *BasicAuthApr `json:"apr,omitempty"`

	// Unknown keeps members this type does not model (e.g. encryption,
	// userList); see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// BasicAuthApr holds users with APR1 (htpasswd) password hashes.
type BasicAuthApr struct {
	// Users maps user names to their salted hashes.
	Users map[string]SaltedHashedPassword `json:"users,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// SaltedHashedPassword is an APR1 hash split into salt and hash.
type SaltedHashedPassword struct {
	// Salt of the hash.
	Salt string `json:"salt,omitempty"`
	// HashedPassword is the hash without the salt.
	HashedPassword string `json:"hashedPassword,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// ApiKeyAuth checks an API key sent in a header against keys stored in
// Kubernetes Secrets.
type ApiKeyAuth struct {
	// LabelSelector selects the Secrets holding valid keys.
	LabelSelector map[string]string `json:"labelSelector,omitempty"`
	// ApiKeySecretRefs lists Secrets holding valid keys.
	ApiKeySecretRefs []core.ResourceRef `json:"apiKeySecretRefs,omitempty"`
	// HeaderName is the header carrying the key (default "api-key").
	HeaderName string `json:"headerName,omitempty"`
	// HeadersFromMetadataEntry adds headers from Secret data keys.
	HeadersFromMetadataEntry map[string]ApiKeyMetadataEntry `json:"headersFromMetadataEntry,omitempty"`
	// SkipMetadataValidation tolerates keys without the metadata entries.
	SkipMetadataValidation bool `json:"skipMetadataValidation,omitempty"`
	// K8sSecretApikeyStorage selects the key Secrets (newer form of
	// LabelSelector/ApiKeySecretRefs).
	K8sSecretApikeyStorage *K8sSecretApiKeyStorage `json:"k8sSecretApikeyStorage,omitempty"`

	// Unknown keeps members this type does not model (e.g. aerospike
	// storage, headersFromMetadata); see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// ApiKeyMetadataEntry names a Secret data key whose value is sent as a header.
type ApiKeyMetadataEntry struct {
	// Name is the Secret data key.
	Name string `json:"name,omitempty"`
	// Required rejects keys whose Secret lacks the entry.
	Required bool `json:"required,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// K8sSecretApiKeyStorage selects the Secrets holding API keys.
type K8sSecretApiKeyStorage struct {
	// LabelSelector selects the Secrets by labels.
	LabelSelector map[string]string `json:"labelSelector,omitempty"`
	// ApiKeySecretRefs lists the Secrets.
	ApiKeySecretRefs []core.ResourceRef `json:"apiKeySecretRefs,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// OAuth2 authenticates with OAuth2/OIDC. Exactly one of
// OidcAuthorizationCode, AccessTokenValidation and Oauth2 is set.
type OAuth2 struct {
	// OidcAuthorizationCode runs the OIDC authorization-code login flow.
	OidcAuthorizationCode *OidcAuthorizationCode `json:"oidcAuthorizationCode,omitempty"`
	// AccessTokenValidation validates bearer tokens (JWT, introspection,
	// userinfo).
	AccessTokenValidation *apiextensionsv1.JSON `json:"accessTokenValidation,omitempty"`
	// Oauth2 runs a plain OAuth2 authorization-code flow.
	Oauth2 *apiextensionsv1.JSON `json:"oauth2,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// OidcAuthorizationCode runs the OIDC authorization-code flow: unauthenticated
// browsers are redirected to the identity provider and back to CallbackPath.
type OidcAuthorizationCode struct {
	// ClientId is the OAuth client id.
	ClientId string `json:"clientId,omitempty"`
	// ClientSecretRef names the Secret holding the client secret.
	ClientSecretRef *core.ResourceRef `json:"clientSecretRef,omitempty"`
	// IssuerUrl is the OIDC issuer; discovery is read from
	// <issuerUrl>/.well-known/openid-configuration.
	IssuerUrl string `json:"issuerUrl,omitempty"`
	// AppUrl is the public URL of the application.
	AppUrl string `json:"appUrl,omitempty"`
	// CallbackPath receives the identity provider's redirect.
	CallbackPath string `json:"callbackPath,omitempty"`
	// LogoutPath logs the user out.
	LogoutPath string `json:"logoutPath,omitempty"`
	// AfterLogoutUrl is where users go after logout.
	AfterLogoutUrl string `json:"afterLogoutUrl,omitempty"`
	// Scopes requested besides "openid".
	Scopes []string `json:"scopes,omitempty"`
	// AuthEndpointQueryParams are added to the authorization request.
	AuthEndpointQueryParams map[string]string `json:"authEndpointQueryParams,omitempty"`
	// Headers forward the tokens to the upstream.
	Headers *OidcHeaderConfiguration `json:"headers,omitempty"`
	// Session configures where the session is stored (cookie or Redis).
	Session *apiextensionsv1.JSON `json:"session,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// OidcHeaderConfiguration forwards OIDC tokens to the upstream.
type OidcHeaderConfiguration struct {
	// IdTokenHeader receives the ID token.
	IdTokenHeader string `json:"idTokenHeader,omitempty"`
	// AccessTokenHeader receives the access token.
	AccessTokenHeader string `json:"accessTokenHeader,omitempty"`
	// UseBearerSchemaForAuthorization prefixes the Authorization header
	// value with "Bearer ".
	UseBearerSchemaForAuthorization *bool `json:"useBearerSchemaForAuthorization,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}
