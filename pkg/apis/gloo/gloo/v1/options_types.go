package v1

import (
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
)

// RouteOptions are the per-route policies (RouteOptions in Gloo). Only the
// commonly used ones are typed; the others (transformations, faults, jwt,
// rbac, waf, dlp, ratelimit, shadowing, lbHash, ...) are kept in Unknown.
type RouteOptions struct {
	// PrefixRewrite replaces the matched path prefix before forwarding.
	PrefixRewrite *string `json:"prefixRewrite,omitempty"`
	// RegexRewrite rewrites the path with a regular expression.
	RegexRewrite *RegexRewrite `json:"regexRewrite,omitempty"`
	// Timeout is the whole-request timeout (default 15s; "0s" disables).
	Timeout core.Duration `json:"timeout,omitempty"`
	// IdleTimeout closes the stream when idle for this long.
	IdleTimeout core.Duration `json:"idleTimeout,omitempty"`
	// MaxStreamDuration bounds the lifetime of the stream.
	MaxStreamDuration *MaxStreamDuration `json:"maxStreamDuration,omitempty"`
	// Retries retries failed requests.
	Retries *RetryPolicy `json:"retries,omitempty"`
	// HeaderManipulation adds or removes request and response headers.
	HeaderManipulation *HeaderManipulation `json:"headerManipulation,omitempty"`
	// HostRewrite replaces the Host header.
	HostRewrite string `json:"hostRewrite,omitempty"`
	// AutoHostRewrite sets the Host header to the upstream host's name.
	AutoHostRewrite *bool `json:"autoHostRewrite,omitempty"`
	// HostRewriteHeader sets the Host header from this request header.
	HostRewriteHeader *string `json:"hostRewriteHeader,omitempty"`
	// HostRewritePathRegex sets the Host header from the path.
	HostRewritePathRegex *RegexRewrite `json:"hostRewritePathRegex,omitempty"`
	// AppendXForwardedHost appends the original host to x-forwarded-host
	// when the host is rewritten.
	AppendXForwardedHost *bool `json:"appendXForwardedHost,omitempty"`
	// Cors sets the CORS policy of the route.
	Cors *CorsPolicy `json:"cors,omitempty"`
	// Extauth selects or disables external auth for the route.
	Extauth *ExtAuthExtension `json:"extauth,omitempty"`
	// RateLimitConfigs references RateLimitConfigs applied to the route.
	RateLimitConfigs *RateLimitConfigRefs `json:"rateLimitConfigs,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// VirtualHostOptions are the policies of a virtual host, applied to all its
// routes unless a route overrides them. Only the commonly used ones are typed.
type VirtualHostOptions struct {
	// Retries retries failed requests.
	Retries *RetryPolicy `json:"retries,omitempty"`
	// HeaderManipulation adds or removes request and response headers.
	HeaderManipulation *HeaderManipulation `json:"headerManipulation,omitempty"`
	// Cors sets the CORS policy.
	Cors *CorsPolicy `json:"cors,omitempty"`
	// Extauth selects or disables external auth.
	Extauth *ExtAuthExtension `json:"extauth,omitempty"`
	// RateLimitConfigs references RateLimitConfigs applied to the host.
	RateLimitConfigs *RateLimitConfigRefs `json:"rateLimitConfigs,omitempty"`
	// IncludeRequestAttemptCount adds x-envoy-attempt-count to upstream requests.
	IncludeRequestAttemptCount *bool `json:"includeRequestAttemptCount,omitempty"`
	// IncludeAttemptCountInResponse adds x-envoy-attempt-count to responses.
	IncludeAttemptCountInResponse *bool `json:"includeAttemptCountInResponse,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// MaxStreamDuration bounds the lifetime of a stream.
type MaxStreamDuration struct {
	// MaxStreamDuration is the maximum lifetime.
	MaxStreamDuration core.Duration `json:"maxStreamDuration,omitempty"`
	// GrpcTimeoutHeaderMax caps the grpc-timeout header.
	GrpcTimeoutHeaderMax core.Duration `json:"grpcTimeoutHeaderMax,omitempty"`
	// GrpcTimeoutHeaderOffset is subtracted from the grpc-timeout header.
	GrpcTimeoutHeaderOffset core.Duration `json:"grpcTimeoutHeaderOffset,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// RetryPolicy retries failed requests.
type RetryPolicy struct {
	// RetryOn lists Envoy retry conditions, comma separated
	// (e.g. "5xx,connect-failure,retriable-status-codes").
	RetryOn string `json:"retryOn,omitempty"`
	// NumRetries is the maximum number of retries (default 1).
	NumRetries uint32 `json:"numRetries,omitempty"`
	// PerTryTimeout bounds each attempt.
	PerTryTimeout core.Duration `json:"perTryTimeout,omitempty"`
	// RetryBackOff spaces retries out.
	RetryBackOff *RetryBackOff `json:"retryBackOff,omitempty"`
	// RetriableStatusCodes are retried with the retriable-status-codes condition.
	RetriableStatusCodes []uint32 `json:"retriableStatusCodes,omitempty"`

	// Unknown keeps members this type does not model (e.g.
	// previousPriorities, rateLimitedRetryBackOff); see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// RetryBackOff spaces retries out exponentially.
type RetryBackOff struct {
	// BaseInterval is the first back-off (default 25ms).
	BaseInterval core.Duration `json:"baseInterval,omitempty"`
	// MaxInterval caps the back-off (default 10 × base).
	MaxInterval core.Duration `json:"maxInterval,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// HeaderManipulation adds and removes request and response headers.
type HeaderManipulation struct {
	// RequestHeadersToAdd are added to the request before forwarding.
	RequestHeadersToAdd []HeaderValueOption `json:"requestHeadersToAdd,omitempty"`
	// RequestHeadersToRemove are removed from the request.
	RequestHeadersToRemove []string `json:"requestHeadersToRemove,omitempty"`
	// ResponseHeadersToAdd are added to the response.
	ResponseHeadersToAdd []ResponseHeaderValueOption `json:"responseHeadersToAdd,omitempty"`
	// ResponseHeadersToRemove are removed from the response.
	ResponseHeadersToRemove []string `json:"responseHeadersToRemove,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// ResponseHeaderValueOption is a literal header to add to responses.
type ResponseHeaderValueOption struct {
	// Header is the header to add.
	Header *HeaderValue `json:"header,omitempty"`
	// Append adds the value to an existing header instead of replacing it
	// (default true).
	Append *bool `json:"append,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// CorsPolicy answers CORS preflight requests and decorates responses.
type CorsPolicy struct {
	// AllowOrigin lists allowed origins exactly.
	AllowOrigin []string `json:"allowOrigin,omitempty"`
	// AllowOriginRegex lists allowed origins as regular expressions.
	AllowOriginRegex []string `json:"allowOriginRegex,omitempty"`
	// AllowMethods is the access-control-allow-methods value.
	AllowMethods []string `json:"allowMethods,omitempty"`
	// AllowHeaders is the access-control-allow-headers value.
	AllowHeaders []string `json:"allowHeaders,omitempty"`
	// ExposeHeaders is the access-control-expose-headers value.
	ExposeHeaders []string `json:"exposeHeaders,omitempty"`
	// MaxAge is the access-control-max-age value (seconds, as text).
	MaxAge string `json:"maxAge,omitempty"`
	// AllowCredentials sets access-control-allow-credentials.
	AllowCredentials bool `json:"allowCredentials,omitempty"`
	// DisableForRoute turns CORS off for the route(s) this applies to.
	DisableForRoute bool `json:"disableForRoute,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// ExtAuthExtension selects how a virtual host or route is authenticated.
// Exactly one of Disable, ConfigRef and CustomAuth is set.
type ExtAuthExtension struct {
	// Disable turns external auth off.
	Disable bool `json:"disable,omitempty"`
	// ConfigRef references an AuthConfig (enterprise.gloo.solo.io).
	ConfigRef *core.ResourceRef `json:"configRef,omitempty"`
	// CustomAuth sends requests to a custom auth server configured in Settings.
	CustomAuth *CustomAuth `json:"customAuth,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// CustomAuth calls a custom external auth server.
type CustomAuth struct {
	// ContextExtensions are passed to the auth server.
	ContextExtensions map[string]string `json:"contextExtensions,omitempty"`
	// Name selects a server from Settings.namedExtauth.
	Name string `json:"name,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// RateLimitConfigRefs references RateLimitConfig objects.
type RateLimitConfigRefs struct {
	// Refs are the RateLimitConfigs.
	Refs []core.ResourceRef `json:"refs,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// ExtAuthSettings configure the external auth server (Settings.extauth,
// Settings.namedExtauth, a gateway's httpGateway.options.extauth).
type ExtAuthSettings struct {
	// ExtauthzServerRef is the Upstream of the auth server.
	ExtauthzServerRef *core.ResourceRef `json:"extauthzServerRef,omitempty"`
	// UserIdHeader receives the authenticated user id.
	UserIdHeader string `json:"userIdHeader,omitempty"`
	// RequestTimeout bounds calls to the auth server.
	RequestTimeout core.Duration `json:"requestTimeout,omitempty"`
	// FailureModeAllow lets requests through when the server fails.
	FailureModeAllow bool `json:"failureModeAllow,omitempty"`
	// ClearRouteCache re-matches routes after auth added headers.
	ClearRouteCache bool `json:"clearRouteCache,omitempty"`
	// StatusOnError is the HTTP status returned when the server fails.
	StatusOnError uint32 `json:"statusOnError,omitempty"`
	// TransportApiVersion is the ext_authz API version (name or number).
	TransportApiVersion *intstr.IntOrString `json:"transportApiVersion,omitempty"`
	// StatPrefix prefixes the filter's stats.
	StatPrefix string `json:"statPrefix,omitempty"`

	// Unknown keeps members this type does not model (httpService,
	// grpcService, requestBody); see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// ListenerOptions are the listener-level (TCP) options of a gateway or
// listener. Only a few are typed; access logging, socket options, proxy
// protocol etc. are kept in Unknown.
type ListenerOptions struct {
	// PerConnectionBufferLimitBytes is the soft buffer limit per connection.
	PerConnectionBufferLimitBytes *uint32 `json:"perConnectionBufferLimitBytes,omitempty"`
	// TcpStats enables TCP statistics.
	TcpStats *bool `json:"tcpStats,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// RouteConfigurationOptions tune the route table Envoy builds for a listener.
type RouteConfigurationOptions struct {
	// MaxDirectResponseBodySizeBytes caps direct-response bodies.
	MaxDirectResponseBodySizeBytes *uint32 `json:"maxDirectResponseBodySizeBytes,omitempty"`
	// MostSpecificHeaderMutationsWins lets route-level header changes win
	// over virtual-host-level ones.
	MostSpecificHeaderMutationsWins *bool `json:"mostSpecificHeaderMutationsWins,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// HttpListenerOptions are the HTTP filter-chain options of an HTTP gateway
// or listener. Only a few are typed; gzip, waf, dlp, caching, wasm etc. are
// kept in Unknown.
type HttpListenerOptions struct {
	// HttpConnectionManagerSettings tune Envoy's HTTP connection manager.
	HttpConnectionManagerSettings *HttpConnectionManagerSettings `json:"httpConnectionManagerSettings,omitempty"`
	// HealthCheck answers health checks at a path from Envoy itself.
	HealthCheck *HealthCheckFilter `json:"healthCheck,omitempty"`
	// GrpcWeb configures the gRPC-Web filter.
	GrpcWeb *GrpcWeb `json:"grpcWeb,omitempty"`
	// Extauth overrides the external auth server settings for this gateway.
	Extauth *ExtAuthSettings `json:"extauth,omitempty"`
	// LeftmostXffAddress uses the leftmost x-forwarded-for address as the
	// client address.
	LeftmostXffAddress *bool `json:"leftmostXffAddress,omitempty"`
	// SanitizeClusterHeader strips the cluster header from requests.
	SanitizeClusterHeader *bool `json:"sanitizeClusterHeader,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// HttpConnectionManagerSettings tune Envoy's HTTP connection manager. Only
// the commonly used settings are typed.
type HttpConnectionManagerSettings struct {
	// SkipXffAppend does not append the client address to x-forwarded-for.
	SkipXffAppend *bool `json:"skipXffAppend,omitempty"`
	// Via is added as a Via header.
	Via *string `json:"via,omitempty"`
	// XffNumTrustedHops is the number of trusted proxies in x-forwarded-for.
	XffNumTrustedHops *uint32 `json:"xffNumTrustedHops,omitempty"`
	// UseRemoteAddress uses the connection's address as the client address.
	UseRemoteAddress *bool `json:"useRemoteAddress,omitempty"`
	// GenerateRequestId sets x-request-id (default true).
	GenerateRequestId *bool `json:"generateRequestId,omitempty"`
	// Proxy100Continue forwards 100-continue to the upstream.
	Proxy100Continue *bool `json:"proxy100Continue,omitempty"`
	// StreamIdleTimeout closes idle streams.
	StreamIdleTimeout core.Duration `json:"streamIdleTimeout,omitempty"`
	// IdleTimeout closes idle connections.
	IdleTimeout core.Duration `json:"idleTimeout,omitempty"`
	// MaxRequestHeadersKb caps the request header size.
	MaxRequestHeadersKb *uint32 `json:"maxRequestHeadersKb,omitempty"`
	// RequestTimeout bounds receiving the whole request.
	RequestTimeout core.Duration `json:"requestTimeout,omitempty"`
	// RequestHeadersTimeout bounds receiving the request headers.
	RequestHeadersTimeout core.Duration `json:"requestHeadersTimeout,omitempty"`
	// DrainTimeout is the graceful-close period.
	DrainTimeout core.Duration `json:"drainTimeout,omitempty"`
	// ServerName is the Server header value.
	ServerName *string `json:"serverName,omitempty"`
	// AcceptHttp10 accepts HTTP/1.0 requests.
	AcceptHttp10 *bool `json:"acceptHttp10,omitempty"`
	// NormalizePath normalizes paths (RFC 3986) before routing.
	NormalizePath *bool `json:"normalizePath,omitempty"`
	// MergeSlashes collapses repeated slashes in paths.
	MergeSlashes *bool `json:"mergeSlashes,omitempty"`
	// CodecType is AUTO, HTTP1 or HTTP2 (name or number).
	CodecType *intstr.IntOrString `json:"codecType,omitempty"`
	// ServerHeaderTransformation is OVERWRITE, APPEND_IF_ABSENT or
	// PASS_THROUGH (name or number).
	ServerHeaderTransformation *intstr.IntOrString `json:"serverHeaderTransformation,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// HealthCheckFilter makes Envoy answer health checks at a path itself.
type HealthCheckFilter struct {
	// Path answered with 200 while Envoy is healthy.
	Path string `json:"path,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// GrpcWeb configures the gRPC-Web filter.
type GrpcWeb struct {
	// Disable turns the filter off.
	Disable bool `json:"disable,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// TcpListenerOptions are the options of a TCP gateway or listener
// (tcpProxySettings, connectionLimit, localRatelimit), kept in Unknown.
type TcpListenerOptions struct {
	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}
