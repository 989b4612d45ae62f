package v1

import "github.com/meridianfed/meridian/pkg/apis/gloo/core"

// Every struct of this package decodes and encodes itself through
// core.UnmarshalPreserving and core.MarshalPreserving, so that JSON members it
// does not model (and modelled members present with zero values) are kept in
// its Unknown field and written back. The "plain" conversion drops the
// methods, so that encoding/json handles the fields without recursing here.

// UnmarshalJSON decodes a CircuitBreakerConfig, keeping members it does not model in Unknown.
func (in *CircuitBreakerConfig) UnmarshalJSON(b []byte) error {
	type plain CircuitBreakerConfig
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a CircuitBreakerConfig together with the members kept in Unknown.
func (in CircuitBreakerConfig) MarshalJSON() ([]byte, error) {
	type plain CircuitBreakerConfig
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a LoadBalancerConfig, keeping members it does not model in Unknown.
func (in *LoadBalancerConfig) UnmarshalJSON(b []byte) error {
	type plain LoadBalancerConfig
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a LoadBalancerConfig together with the members kept in Unknown.
func (in LoadBalancerConfig) MarshalJSON() ([]byte, error) {
	type plain LoadBalancerConfig
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a LoadBalancerConfigRoundRobin, keeping members it does not model in Unknown.
func (in *LoadBalancerConfigRoundRobin) UnmarshalJSON(b []byte) error {
	type plain LoadBalancerConfigRoundRobin
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a LoadBalancerConfigRoundRobin together with the members kept in Unknown.
func (in LoadBalancerConfigRoundRobin) MarshalJSON() ([]byte, error) {
	type plain LoadBalancerConfigRoundRobin
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a LoadBalancerConfigLeastRequest, keeping members it does not model in Unknown.
func (in *LoadBalancerConfigLeastRequest) UnmarshalJSON(b []byte) error {
	type plain LoadBalancerConfigLeastRequest
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a LoadBalancerConfigLeastRequest together with the members kept in Unknown.
func (in LoadBalancerConfigLeastRequest) MarshalJSON() ([]byte, error) {
	type plain LoadBalancerConfigLeastRequest
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a SlowStartConfig, keeping members it does not model in Unknown.
func (in *SlowStartConfig) UnmarshalJSON(b []byte) error {
	type plain SlowStartConfig
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a SlowStartConfig together with the members kept in Unknown.
func (in SlowStartConfig) MarshalJSON() ([]byte, error) {
	type plain SlowStartConfig
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a LoadBalancerConfigRingHash, keeping members it does not model in Unknown.
func (in *LoadBalancerConfigRingHash) UnmarshalJSON(b []byte) error {
	type plain LoadBalancerConfigRingHash
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a LoadBalancerConfigRingHash together with the members kept in Unknown.
func (in LoadBalancerConfigRingHash) MarshalJSON() ([]byte, error) {
	type plain LoadBalancerConfigRingHash
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RingHashConfig, keeping members it does not model in Unknown.
func (in *RingHashConfig) UnmarshalJSON(b []byte) error {
	type plain RingHashConfig
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RingHashConfig together with the members kept in Unknown.
func (in RingHashConfig) MarshalJSON() ([]byte, error) {
	type plain RingHashConfig
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a ConnectionConfig, keeping members it does not model in Unknown.
func (in *ConnectionConfig) UnmarshalJSON(b []byte) error {
	type plain ConnectionConfig
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a ConnectionConfig together with the members kept in Unknown.
func (in ConnectionConfig) MarshalJSON() ([]byte, error) {
	type plain ConnectionConfig
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a TcpKeepAlive, keeping members it does not model in Unknown.
func (in *TcpKeepAlive) UnmarshalJSON(b []byte) error {
	type plain TcpKeepAlive
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a TcpKeepAlive together with the members kept in Unknown.
func (in TcpKeepAlive) MarshalJSON() ([]byte, error) {
	type plain TcpKeepAlive
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a HttpProtocolOptions, keeping members it does not model in Unknown.
func (in *HttpProtocolOptions) UnmarshalJSON(b []byte) error {
	type plain HttpProtocolOptions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a HttpProtocolOptions together with the members kept in Unknown.
func (in HttpProtocolOptions) MarshalJSON() ([]byte, error) {
	type plain HttpProtocolOptions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Http1ProtocolOptions, keeping members it does not model in Unknown.
func (in *Http1ProtocolOptions) UnmarshalJSON(b []byte) error {
	type plain Http1ProtocolOptions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Http1ProtocolOptions together with the members kept in Unknown.
func (in Http1ProtocolOptions) MarshalJSON() ([]byte, error) {
	type plain Http1ProtocolOptions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Failover, keeping members it does not model in Unknown.
func (in *Failover) UnmarshalJSON(b []byte) error {
	type plain Failover
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Failover together with the members kept in Unknown.
func (in Failover) MarshalJSON() ([]byte, error) {
	type plain Failover
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a FailoverPolicy, keeping members it does not model in Unknown.
func (in *FailoverPolicy) UnmarshalJSON(b []byte) error {
	type plain FailoverPolicy
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a FailoverPolicy together with the members kept in Unknown.
func (in FailoverPolicy) MarshalJSON() ([]byte, error) {
	type plain FailoverPolicy
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a PrioritizedLocality, keeping members it does not model in Unknown.
func (in *PrioritizedLocality) UnmarshalJSON(b []byte) error {
	type plain PrioritizedLocality
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a PrioritizedLocality together with the members kept in Unknown.
func (in PrioritizedLocality) MarshalJSON() ([]byte, error) {
	type plain PrioritizedLocality
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a LocalityLbEndpoints, keeping members it does not model in Unknown.
func (in *LocalityLbEndpoints) UnmarshalJSON(b []byte) error {
	type plain LocalityLbEndpoints
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a LocalityLbEndpoints together with the members kept in Unknown.
func (in LocalityLbEndpoints) MarshalJSON() ([]byte, error) {
	type plain LocalityLbEndpoints
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Locality, keeping members it does not model in Unknown.
func (in *Locality) UnmarshalJSON(b []byte) error {
	type plain Locality
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Locality together with the members kept in Unknown.
func (in Locality) MarshalJSON() ([]byte, error) {
	type plain Locality
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a LbEndpoint, keeping members it does not model in Unknown.
func (in *LbEndpoint) UnmarshalJSON(b []byte) error {
	type plain LbEndpoint
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a LbEndpoint together with the members kept in Unknown.
func (in LbEndpoint) MarshalJSON() ([]byte, error) {
	type plain LbEndpoint
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a LbEndpointHealthCheckConfig, keeping members it does not model in Unknown.
func (in *LbEndpointHealthCheckConfig) UnmarshalJSON(b []byte) error {
	type plain LbEndpointHealthCheckConfig
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a LbEndpointHealthCheckConfig together with the members kept in Unknown.
func (in LbEndpointHealthCheckConfig) MarshalJSON() ([]byte, error) {
	type plain LbEndpointHealthCheckConfig
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a HealthCheck, keeping members it does not model in Unknown.
func (in *HealthCheck) UnmarshalJSON(b []byte) error {
	type plain HealthCheck
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a HealthCheck together with the members kept in Unknown.
func (in HealthCheck) MarshalJSON() ([]byte, error) {
	type plain HealthCheck
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a HttpHealthCheck, keeping members it does not model in Unknown.
func (in *HttpHealthCheck) UnmarshalJSON(b []byte) error {
	type plain HttpHealthCheck
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a HttpHealthCheck together with the members kept in Unknown.
func (in HttpHealthCheck) MarshalJSON() ([]byte, error) {
	type plain HttpHealthCheck
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a TcpHealthCheck, keeping members it does not model in Unknown.
func (in *TcpHealthCheck) UnmarshalJSON(b []byte) error {
	type plain TcpHealthCheck
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a TcpHealthCheck together with the members kept in Unknown.
func (in TcpHealthCheck) MarshalJSON() ([]byte, error) {
	type plain TcpHealthCheck
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a HealthCheckPayload, keeping members it does not model in Unknown.
func (in *HealthCheckPayload) UnmarshalJSON(b []byte) error {
	type plain HealthCheckPayload
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a HealthCheckPayload together with the members kept in Unknown.
func (in HealthCheckPayload) MarshalJSON() ([]byte, error) {
	type plain HealthCheckPayload
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a GrpcHealthCheck, keeping members it does not model in Unknown.
func (in *GrpcHealthCheck) UnmarshalJSON(b []byte) error {
	type plain GrpcHealthCheck
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a GrpcHealthCheck together with the members kept in Unknown.
func (in GrpcHealthCheck) MarshalJSON() ([]byte, error) {
	type plain GrpcHealthCheck
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a OutlierDetection, keeping members it does not model in Unknown.
func (in *OutlierDetection) UnmarshalJSON(b []byte) error {
	type plain OutlierDetection
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a OutlierDetection together with the members kept in Unknown.
func (in OutlierDetection) MarshalJSON() ([]byte, error) {
	type plain OutlierDetection
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RouteOptions, keeping members it does not model in Unknown.
func (in *RouteOptions) UnmarshalJSON(b []byte) error {
	type plain RouteOptions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RouteOptions together with the members kept in Unknown.
func (in RouteOptions) MarshalJSON() ([]byte, error) {
	type plain RouteOptions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a VirtualHostOptions, keeping members it does not model in Unknown.
func (in *VirtualHostOptions) UnmarshalJSON(b []byte) error {
	type plain VirtualHostOptions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a VirtualHostOptions together with the members kept in Unknown.
func (in VirtualHostOptions) MarshalJSON() ([]byte, error) {
	type plain VirtualHostOptions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a MaxStreamDuration, keeping members it does not model in Unknown.
func (in *MaxStreamDuration) UnmarshalJSON(b []byte) error {
	type plain MaxStreamDuration
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a MaxStreamDuration together with the members kept in Unknown.
func (in MaxStreamDuration) MarshalJSON() ([]byte, error) {
	type plain MaxStreamDuration
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RetryPolicy, keeping members it does not model in Unknown.
func (in *RetryPolicy) UnmarshalJSON(b []byte) error {
	type plain RetryPolicy
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RetryPolicy together with the members kept in Unknown.
func (in RetryPolicy) MarshalJSON() ([]byte, error) {
	type plain RetryPolicy
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RetryBackOff, keeping members it does not model in Unknown.
func (in *RetryBackOff) UnmarshalJSON(b []byte) error {
	type plain RetryBackOff
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RetryBackOff together with the members kept in Unknown.
func (in RetryBackOff) MarshalJSON() ([]byte, error) {
	type plain RetryBackOff
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a HeaderManipulation, keeping members it does not model in Unknown.
func (in *HeaderManipulation) UnmarshalJSON(b []byte) error {
	type plain HeaderManipulation
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a HeaderManipulation together with the members kept in Unknown.
func (in HeaderManipulation) MarshalJSON() ([]byte, error) {
	type plain HeaderManipulation
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a ResponseHeaderValueOption, keeping members it does not model in Unknown.
func (in *ResponseHeaderValueOption) UnmarshalJSON(b []byte) error {
	type plain ResponseHeaderValueOption
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a ResponseHeaderValueOption together with the members kept in Unknown.
func (in ResponseHeaderValueOption) MarshalJSON() ([]byte, error) {
	type plain ResponseHeaderValueOption
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a CorsPolicy, keeping members it does not model in Unknown.
func (in *CorsPolicy) UnmarshalJSON(b []byte) error {
	type plain CorsPolicy
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a CorsPolicy together with the members kept in Unknown.
func (in CorsPolicy) MarshalJSON() ([]byte, error) {
	type plain CorsPolicy
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a ExtAuthExtension, keeping members it does not model in Unknown.
func (in *ExtAuthExtension) UnmarshalJSON(b []byte) error {
	type plain ExtAuthExtension
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a ExtAuthExtension together with the members kept in Unknown.
func (in ExtAuthExtension) MarshalJSON() ([]byte, error) {
	type plain ExtAuthExtension
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a CustomAuth, keeping members it does not model in Unknown.
func (in *CustomAuth) UnmarshalJSON(b []byte) error {
	type plain CustomAuth
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a CustomAuth together with the members kept in Unknown.
func (in CustomAuth) MarshalJSON() ([]byte, error) {
	type plain CustomAuth
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RateLimitConfigRefs, keeping members it does not model in Unknown.
func (in *RateLimitConfigRefs) UnmarshalJSON(b []byte) error {
	type plain RateLimitConfigRefs
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RateLimitConfigRefs together with the members kept in Unknown.
func (in RateLimitConfigRefs) MarshalJSON() ([]byte, error) {
	type plain RateLimitConfigRefs
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a ExtAuthSettings, keeping members it does not model in Unknown.
func (in *ExtAuthSettings) UnmarshalJSON(b []byte) error {
	type plain ExtAuthSettings
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a ExtAuthSettings together with the members kept in Unknown.
func (in ExtAuthSettings) MarshalJSON() ([]byte, error) {
	type plain ExtAuthSettings
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a ListenerOptions, keeping members it does not model in Unknown.
func (in *ListenerOptions) UnmarshalJSON(b []byte) error {
	type plain ListenerOptions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a ListenerOptions together with the members kept in Unknown.
func (in ListenerOptions) MarshalJSON() ([]byte, error) {
	type plain ListenerOptions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RouteConfigurationOptions, keeping members it does not model in Unknown.
func (in *RouteConfigurationOptions) UnmarshalJSON(b []byte) error {
	type plain RouteConfigurationOptions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RouteConfigurationOptions together with the members kept in Unknown.
func (in RouteConfigurationOptions) MarshalJSON() ([]byte, error) {
	type plain RouteConfigurationOptions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a HttpListenerOptions, keeping members it does not model in Unknown.
func (in *HttpListenerOptions) UnmarshalJSON(b []byte) error {
	type plain HttpListenerOptions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a HttpListenerOptions together with the members kept in Unknown.
func (in HttpListenerOptions) MarshalJSON() ([]byte, error) {
	type plain HttpListenerOptions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a HttpConnectionManagerSettings, keeping members it does not model in Unknown.
func (in *HttpConnectionManagerSettings) UnmarshalJSON(b []byte) error {
	type plain HttpConnectionManagerSettings
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a HttpConnectionManagerSettings together with the members kept in Unknown.
func (in HttpConnectionManagerSettings) MarshalJSON() ([]byte, error) {
	type plain HttpConnectionManagerSettings
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a HealthCheckFilter, keeping members it does not model in Unknown.
func (in *HealthCheckFilter) UnmarshalJSON(b []byte) error {
	type plain HealthCheckFilter
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a HealthCheckFilter together with the members kept in Unknown.
func (in HealthCheckFilter) MarshalJSON() ([]byte, error) {
	type plain HealthCheckFilter
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a GrpcWeb, keeping members it does not model in Unknown.
func (in *GrpcWeb) UnmarshalJSON(b []byte) error {
	type plain GrpcWeb
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a GrpcWeb together with the members kept in Unknown.
func (in GrpcWeb) MarshalJSON() ([]byte, error) {
	type plain GrpcWeb
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a TcpListenerOptions, keeping members it does not model in Unknown.
func (in *TcpListenerOptions) UnmarshalJSON(b []byte) error {
	type plain TcpListenerOptions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a TcpListenerOptions together with the members kept in Unknown.
func (in TcpListenerOptions) MarshalJSON() ([]byte, error) {
	type plain TcpListenerOptions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Proxy, keeping members it does not model in Unknown.
func (in *Proxy) UnmarshalJSON(b []byte) error {
	type plain Proxy
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Proxy together with the members kept in Unknown.
func (in Proxy) MarshalJSON() ([]byte, error) {
	type plain Proxy
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a ProxySpec, keeping members it does not model in Unknown.
func (in *ProxySpec) UnmarshalJSON(b []byte) error {
	type plain ProxySpec
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a ProxySpec together with the members kept in Unknown.
func (in ProxySpec) MarshalJSON() ([]byte, error) {
	type plain ProxySpec
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Listener, keeping members it does not model in Unknown.
func (in *Listener) UnmarshalJSON(b []byte) error {
	type plain Listener
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Listener together with the members kept in Unknown.
func (in Listener) MarshalJSON() ([]byte, error) {
	type plain Listener
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a HttpListener, keeping members it does not model in Unknown.
func (in *HttpListener) UnmarshalJSON(b []byte) error {
	type plain HttpListener
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a HttpListener together with the members kept in Unknown.
func (in HttpListener) MarshalJSON() ([]byte, error) {
	type plain HttpListener
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a VirtualHost, keeping members it does not model in Unknown.
func (in *VirtualHost) UnmarshalJSON(b []byte) error {
	type plain VirtualHost
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a VirtualHost together with the members kept in Unknown.
func (in VirtualHost) MarshalJSON() ([]byte, error) {
	type plain VirtualHost
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Route, keeping members it does not model in Unknown.
func (in *Route) UnmarshalJSON(b []byte) error {
	type plain Route
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Route together with the members kept in Unknown.
func (in Route) MarshalJSON() ([]byte, error) {
	type plain Route
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a TcpListener, keeping members it does not model in Unknown.
func (in *TcpListener) UnmarshalJSON(b []byte) error {
	type plain TcpListener
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a TcpListener together with the members kept in Unknown.
func (in TcpListener) MarshalJSON() ([]byte, error) {
	type plain TcpListener
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a SourceMetadata, keeping members it does not model in Unknown.
func (in *SourceMetadata) UnmarshalJSON(b []byte) error {
	type plain SourceMetadata
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a SourceMetadata together with the members kept in Unknown.
func (in SourceMetadata) MarshalJSON() ([]byte, error) {
	type plain SourceMetadata
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a SourceRef, keeping members it does not model in Unknown.
func (in *SourceRef) UnmarshalJSON(b []byte) error {
	type plain SourceRef
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a SourceRef together with the members kept in Unknown.
func (in SourceRef) MarshalJSON() ([]byte, error) {
	type plain SourceRef
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Destination, keeping members it does not model in Unknown.
func (in *Destination) UnmarshalJSON(b []byte) error {
	type plain Destination
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Destination together with the members kept in Unknown.
func (in Destination) MarshalJSON() ([]byte, error) {
	type plain Destination
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a KubernetesServiceDestination, keeping members it does not model in Unknown.
func (in *KubernetesServiceDestination) UnmarshalJSON(b []byte) error {
	type plain KubernetesServiceDestination
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a KubernetesServiceDestination together with the members kept in Unknown.
func (in KubernetesServiceDestination) MarshalJSON() ([]byte, error) {
	type plain KubernetesServiceDestination
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a ConsulServiceDestination, keeping members it does not model in Unknown.
func (in *ConsulServiceDestination) UnmarshalJSON(b []byte) error {
	type plain ConsulServiceDestination
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a ConsulServiceDestination together with the members kept in Unknown.
func (in ConsulServiceDestination) MarshalJSON() ([]byte, error) {
	type plain ConsulServiceDestination
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Subset, keeping members it does not model in Unknown.
func (in *Subset) UnmarshalJSON(b []byte) error {
	type plain Subset
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Subset together with the members kept in Unknown.
func (in Subset) MarshalJSON() ([]byte, error) {
	type plain Subset
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a MultiDestination, keeping members it does not model in Unknown.
func (in *MultiDestination) UnmarshalJSON(b []byte) error {
	type plain MultiDestination
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a MultiDestination together with the members kept in Unknown.
func (in MultiDestination) MarshalJSON() ([]byte, error) {
	type plain MultiDestination
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a WeightedDestination, keeping members it does not model in Unknown.
func (in *WeightedDestination) UnmarshalJSON(b []byte) error {
	type plain WeightedDestination
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a WeightedDestination together with the members kept in Unknown.
func (in WeightedDestination) MarshalJSON() ([]byte, error) {
	type plain WeightedDestination
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a WeightedDestinationOptions, keeping members it does not model in Unknown.
func (in *WeightedDestinationOptions) UnmarshalJSON(b []byte) error {
	type plain WeightedDestinationOptions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a WeightedDestinationOptions together with the members kept in Unknown.
func (in WeightedDestinationOptions) MarshalJSON() ([]byte, error) {
	type plain WeightedDestinationOptions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Matcher, keeping members it does not model in Unknown.
func (in *Matcher) UnmarshalJSON(b []byte) error {
	type plain Matcher
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Matcher together with the members kept in Unknown.
func (in Matcher) MarshalJSON() ([]byte, error) {
	type plain Matcher
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a HeaderMatcher, keeping members it does not model in Unknown.
func (in *HeaderMatcher) UnmarshalJSON(b []byte) error {
	type plain HeaderMatcher
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a HeaderMatcher together with the members kept in Unknown.
func (in HeaderMatcher) MarshalJSON() ([]byte, error) {
	type plain HeaderMatcher
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a QueryParameterMatcher, keeping members it does not model in Unknown.
func (in *QueryParameterMatcher) UnmarshalJSON(b []byte) error {
	type plain QueryParameterMatcher
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a QueryParameterMatcher together with the members kept in Unknown.
func (in QueryParameterMatcher) MarshalJSON() ([]byte, error) {
	type plain QueryParameterMatcher
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RouteAction, keeping members it does not model in Unknown.
func (in *RouteAction) UnmarshalJSON(b []byte) error {
	type plain RouteAction
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RouteAction together with the members kept in Unknown.
func (in RouteAction) MarshalJSON() ([]byte, error) {
	type plain RouteAction
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RedirectAction, keeping members it does not model in Unknown.
func (in *RedirectAction) UnmarshalJSON(b []byte) error {
	type plain RedirectAction
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RedirectAction together with the members kept in Unknown.
func (in RedirectAction) MarshalJSON() ([]byte, error) {
	type plain RedirectAction
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a DirectResponseAction, keeping members it does not model in Unknown.
func (in *DirectResponseAction) UnmarshalJSON(b []byte) error {
	type plain DirectResponseAction
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a DirectResponseAction together with the members kept in Unknown.
func (in DirectResponseAction) MarshalJSON() ([]byte, error) {
	type plain DirectResponseAction
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RegexRewrite, keeping members it does not model in Unknown.
func (in *RegexRewrite) UnmarshalJSON(b []byte) error {
	type plain RegexRewrite
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RegexRewrite together with the members kept in Unknown.
func (in RegexRewrite) MarshalJSON() ([]byte, error) {
	type plain RegexRewrite
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RegexMatcher, keeping members it does not model in Unknown.
func (in *RegexMatcher) UnmarshalJSON(b []byte) error {
	type plain RegexMatcher
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RegexMatcher together with the members kept in Unknown.
func (in RegexMatcher) MarshalJSON() ([]byte, error) {
	type plain RegexMatcher
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a TcpHost, keeping members it does not model in Unknown.
func (in *TcpHost) UnmarshalJSON(b []byte) error {
	type plain TcpHost
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a TcpHost together with the members kept in Unknown.
func (in TcpHost) MarshalJSON() ([]byte, error) {
	type plain TcpHost
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a TcpAction, keeping members it does not model in Unknown.
func (in *TcpAction) UnmarshalJSON(b []byte) error {
	type plain TcpAction
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a TcpAction together with the members kept in Unknown.
func (in TcpAction) MarshalJSON() ([]byte, error) {
	type plain TcpAction
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a CidrRange, keeping members it does not model in Unknown.
func (in *CidrRange) UnmarshalJSON(b []byte) error {
	type plain CidrRange
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a CidrRange together with the members kept in Unknown.
func (in CidrRange) MarshalJSON() ([]byte, error) {
	type plain CidrRange
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Settings, keeping members it does not model in Unknown.
func (in *Settings) UnmarshalJSON(b []byte) error {
	type plain Settings
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Settings together with the members kept in Unknown.
func (in Settings) MarshalJSON() ([]byte, error) {
	type plain Settings
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a SettingsSpec, keeping members it does not model in Unknown.
func (in *SettingsSpec) UnmarshalJSON(b []byte) error {
	type plain SettingsSpec
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a SettingsSpec together with the members kept in Unknown.
func (in SettingsSpec) MarshalJSON() ([]byte, error) {
	type plain SettingsSpec
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a LabelSelector, keeping members it does not model in Unknown.
func (in *LabelSelector) UnmarshalJSON(b []byte) error {
	type plain LabelSelector
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a LabelSelector together with the members kept in Unknown.
func (in LabelSelector) MarshalJSON() ([]byte, error) {
	type plain LabelSelector
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a LabelSelectorRequirement, keeping members it does not model in Unknown.
func (in *LabelSelectorRequirement) UnmarshalJSON(b []byte) error {
	type plain LabelSelectorRequirement
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a LabelSelectorRequirement together with the members kept in Unknown.
func (in LabelSelectorRequirement) MarshalJSON() ([]byte, error) {
	type plain LabelSelectorRequirement
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a DirectorySource, keeping members it does not model in Unknown.
func (in *DirectorySource) UnmarshalJSON(b []byte) error {
	type plain DirectorySource
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a DirectorySource together with the members kept in Unknown.
func (in DirectorySource) MarshalJSON() ([]byte, error) {
	type plain DirectorySource
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a ConsulKvSource, keeping members it does not model in Unknown.
func (in *ConsulKvSource) UnmarshalJSON(b []byte) error {
	type plain ConsulKvSource
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a ConsulKvSource together with the members kept in Unknown.
func (in ConsulKvSource) MarshalJSON() ([]byte, error) {
	type plain ConsulKvSource
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a DiscoveryOptions, keeping members it does not model in Unknown.
func (in *DiscoveryOptions) UnmarshalJSON(b []byte) error {
	type plain DiscoveryOptions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a DiscoveryOptions together with the members kept in Unknown.
func (in DiscoveryOptions) MarshalJSON() ([]byte, error) {
	type plain DiscoveryOptions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a UdsOptions, keeping members it does not model in Unknown.
func (in *UdsOptions) UnmarshalJSON(b []byte) error {
	type plain UdsOptions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a UdsOptions together with the members kept in Unknown.
func (in UdsOptions) MarshalJSON() ([]byte, error) {
	type plain UdsOptions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a GlooOptions, keeping members it does not model in Unknown.
func (in *GlooOptions) UnmarshalJSON(b []byte) error {
	type plain GlooOptions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a GlooOptions together with the members kept in Unknown.
func (in GlooOptions) MarshalJSON() ([]byte, error) {
	type plain GlooOptions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a InvalidConfigPolicy, keeping members it does not model in Unknown.
func (in *InvalidConfigPolicy) UnmarshalJSON(b []byte) error {
	type plain InvalidConfigPolicy
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a InvalidConfigPolicy together with the members kept in Unknown.
func (in InvalidConfigPolicy) MarshalJSON() ([]byte, error) {
	type plain InvalidConfigPolicy
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a IstioOptions, keeping members it does not model in Unknown.
func (in *IstioOptions) UnmarshalJSON(b []byte) error {
	type plain IstioOptions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a IstioOptions together with the members kept in Unknown.
func (in IstioOptions) MarshalJSON() ([]byte, error) {
	type plain IstioOptions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a GatewayOptions, keeping members it does not model in Unknown.
func (in *GatewayOptions) UnmarshalJSON(b []byte) error {
	type plain GatewayOptions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a GatewayOptions together with the members kept in Unknown.
func (in GatewayOptions) MarshalJSON() ([]byte, error) {
	type plain GatewayOptions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a ValidationOptions, keeping members it does not model in Unknown.
func (in *ValidationOptions) UnmarshalJSON(b []byte) error {
	type plain ValidationOptions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a ValidationOptions together with the members kept in Unknown.
func (in ValidationOptions) MarshalJSON() ([]byte, error) {
	type plain ValidationOptions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a VirtualServiceOptions, keeping members it does not model in Unknown.
func (in *VirtualServiceOptions) UnmarshalJSON(b []byte) error {
	type plain VirtualServiceOptions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a VirtualServiceOptions together with the members kept in Unknown.
func (in VirtualServiceOptions) MarshalJSON() ([]byte, error) {
	type plain VirtualServiceOptions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a KubernetesConfiguration, keeping members it does not model in Unknown.
func (in *KubernetesConfiguration) UnmarshalJSON(b []byte) error {
	type plain KubernetesConfiguration
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a KubernetesConfiguration together with the members kept in Unknown.
func (in KubernetesConfiguration) MarshalJSON() ([]byte, error) {
	type plain KubernetesConfiguration
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a KubernetesRateLimits, keeping members it does not model in Unknown.
func (in *KubernetesRateLimits) UnmarshalJSON(b []byte) error {
	type plain KubernetesRateLimits
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a KubernetesRateLimits together with the members kept in Unknown.
func (in KubernetesRateLimits) MarshalJSON() ([]byte, error) {
	type plain KubernetesRateLimits
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RateLimitServerSettings, keeping members it does not model in Unknown.
func (in *RateLimitServerSettings) UnmarshalJSON(b []byte) error {
	type plain RateLimitServerSettings
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RateLimitServerSettings together with the members kept in Unknown.
func (in RateLimitServerSettings) MarshalJSON() ([]byte, error) {
	type plain RateLimitServerSettings
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RbacSettings, keeping members it does not model in Unknown.
func (in *RbacSettings) UnmarshalJSON(b []byte) error {
	type plain RbacSettings
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RbacSettings together with the members kept in Unknown.
func (in RbacSettings) MarshalJSON() ([]byte, error) {
	type plain RbacSettings
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a UpstreamOptions, keeping members it does not model in Unknown.
func (in *UpstreamOptions) UnmarshalJSON(b []byte) error {
	type plain UpstreamOptions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a UpstreamOptions together with the members kept in Unknown.
func (in UpstreamOptions) MarshalJSON() ([]byte, error) {
	type plain UpstreamOptions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a UpstreamSslConfig, keeping members it does not model in Unknown.
func (in *UpstreamSslConfig) UnmarshalJSON(b []byte) error {
	type plain UpstreamSslConfig
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a UpstreamSslConfig together with the members kept in Unknown.
func (in UpstreamSslConfig) MarshalJSON() ([]byte, error) {
	type plain UpstreamSslConfig
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a SslConfig, keeping members it does not model in Unknown.
func (in *SslConfig) UnmarshalJSON(b []byte) error {
	type plain SslConfig
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a SslConfig together with the members kept in Unknown.
func (in SslConfig) MarshalJSON() ([]byte, error) {
	type plain SslConfig
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a SslFiles, keeping members it does not model in Unknown.
func (in *SslFiles) UnmarshalJSON(b []byte) error {
	type plain SslFiles
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a SslFiles together with the members kept in Unknown.
func (in SslFiles) MarshalJSON() ([]byte, error) {
	type plain SslFiles
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a SDSConfig, keeping members it does not model in Unknown.
func (in *SDSConfig) UnmarshalJSON(b []byte) error {
	type plain SDSConfig
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a SDSConfig together with the members kept in Unknown.
func (in SDSConfig) MarshalJSON() ([]byte, error) {
	type plain SDSConfig
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a SslParameters, keeping members it does not model in Unknown.
func (in *SslParameters) UnmarshalJSON(b []byte) error {
	type plain SslParameters
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a SslParameters together with the members kept in Unknown.
func (in SslParameters) MarshalJSON() ([]byte, error) {
	type plain SslParameters
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Upstream, keeping members it does not model in Unknown.
func (in *Upstream) UnmarshalJSON(b []byte) error {
	type plain Upstream
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Upstream together with the members kept in Unknown.
func (in Upstream) MarshalJSON() ([]byte, error) {
	type plain Upstream
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a UpstreamSpec, keeping members it does not model in Unknown.
func (in *UpstreamSpec) UnmarshalJSON(b []byte) error {
	type plain UpstreamSpec
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a UpstreamSpec together with the members kept in Unknown.
func (in UpstreamSpec) MarshalJSON() ([]byte, error) {
	type plain UpstreamSpec
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a KubeUpstreamSpec, keeping members it does not model in Unknown.
func (in *KubeUpstreamSpec) UnmarshalJSON(b []byte) error {
	type plain KubeUpstreamSpec
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a KubeUpstreamSpec together with the members kept in Unknown.
func (in KubeUpstreamSpec) MarshalJSON() ([]byte, error) {
	type plain KubeUpstreamSpec
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a StaticUpstreamSpec, keeping members it does not model in Unknown.
func (in *StaticUpstreamSpec) UnmarshalJSON(b []byte) error {
	type plain StaticUpstreamSpec
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a StaticUpstreamSpec together with the members kept in Unknown.
func (in StaticUpstreamSpec) MarshalJSON() ([]byte, error) {
	type plain StaticUpstreamSpec
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Host, keeping members it does not model in Unknown.
func (in *Host) UnmarshalJSON(b []byte) error {
	type plain Host
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Host together with the members kept in Unknown.
func (in Host) MarshalJSON() ([]byte, error) {
	type plain Host
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a HostHealthCheckConfig, keeping members it does not model in Unknown.
func (in *HostHealthCheckConfig) UnmarshalJSON(b []byte) error {
	type plain HostHealthCheckConfig
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a HostHealthCheckConfig together with the members kept in Unknown.
func (in HostHealthCheckConfig) MarshalJSON() ([]byte, error) {
	type plain HostHealthCheckConfig
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a SubsetSpec, keeping members it does not model in Unknown.
func (in *SubsetSpec) UnmarshalJSON(b []byte) error {
	type plain SubsetSpec
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a SubsetSpec together with the members kept in Unknown.
func (in SubsetSpec) MarshalJSON() ([]byte, error) {
	type plain SubsetSpec
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Selector, keeping members it does not model in Unknown.
func (in *Selector) UnmarshalJSON(b []byte) error {
	type plain Selector
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Selector together with the members kept in Unknown.
func (in Selector) MarshalJSON() ([]byte, error) {
	type plain Selector
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a DiscoveryMetadata, keeping members it does not model in Unknown.
func (in *DiscoveryMetadata) UnmarshalJSON(b []byte) error {
	type plain DiscoveryMetadata
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a DiscoveryMetadata together with the members kept in Unknown.
func (in DiscoveryMetadata) MarshalJSON() ([]byte, error) {
	type plain DiscoveryMetadata
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a PreconnectPolicy, keeping members it does not model in Unknown.
func (in *PreconnectPolicy) UnmarshalJSON(b []byte) error {
	type plain PreconnectPolicy
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a PreconnectPolicy together with the members kept in Unknown.
func (in PreconnectPolicy) MarshalJSON() ([]byte, error) {
	type plain PreconnectPolicy
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a HeaderValue, keeping members it does not model in Unknown.
func (in *HeaderValue) UnmarshalJSON(b []byte) error {
	type plain HeaderValue
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a HeaderValue together with the members kept in Unknown.
func (in HeaderValue) MarshalJSON() ([]byte, error) {
	type plain HeaderValue
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a HeaderValueOption, keeping members it does not model in Unknown.
func (in *HeaderValueOption) UnmarshalJSON(b []byte) error {
	type plain HeaderValueOption
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a HeaderValueOption together with the members kept in Unknown.
func (in HeaderValueOption) MarshalJSON() ([]byte, error) {
	type plain HeaderValueOption
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a UpstreamGroup, keeping members it does not model in Unknown.
func (in *UpstreamGroup) UnmarshalJSON(b []byte) error {
	type plain UpstreamGroup
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a UpstreamGroup together with the members kept in Unknown.
func (in UpstreamGroup) MarshalJSON() ([]byte, error) {
	type plain UpstreamGroup
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a UpstreamGroupSpec, keeping members it does not model in Unknown.
func (in *UpstreamGroupSpec) UnmarshalJSON(b []byte) error {
	type plain UpstreamGroupSpec
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a UpstreamGroupSpec together with the members kept in Unknown.
func (in UpstreamGroupSpec) MarshalJSON() ([]byte, error) {
	type plain UpstreamGroupSpec
	return core.MarshalPreserving(plain(in), in.Unknown)
}
