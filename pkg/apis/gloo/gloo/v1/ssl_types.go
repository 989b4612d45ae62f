package v1

import (
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
)

// UpstreamSslConfig is the TLS configuration Envoy uses when it connects to
// an upstream (Upstream.spec.sslConfig, a failover endpoint's
// upstreamSslConfig, httpConnectSslConfig). Exactly one of SecretRef, SslFiles
// and Sds provides the client certificate and/or trusted CA.
type UpstreamSslConfig struct {
	// SecretRef names a Kubernetes TLS Secret (tls.crt, tls.key, ca.crt) in
	// Gloo's watched namespaces.
	SecretRef *core.ResourceRef `json:"secretRef,omitempty"`
	// SslFiles points at certificate files mounted into the Envoy pod.
	SslFiles *SslFiles `json:"sslFiles,omitempty"`
	// Sds fetches the certificates from a secret discovery service.
	Sds *SDSConfig `json:"sds,omitempty"`
	// Sni is the server name Envoy sends in the TLS handshake. Meridian's
	// failover endpoints set it to "<upstream name>_<upstream namespace>".
	Sni string `json:"sni,omitempty"`
	// VerifySubjectAltName lists subject alternative names the server
	// certificate must carry.
	VerifySubjectAltName []string `json:"verifySubjectAltName,omitempty"`
	// Parameters restrict TLS versions, cipher suites and curves.
	Parameters *SslParameters `json:"parameters,omitempty"`
	// AlpnProtocols are offered to the server during ALPN negotiation.
	AlpnProtocols []string `json:"alpnProtocols,omitempty"`
	// AllowRenegotiation lets the server renegotiate TLS.
	AllowRenegotiation *bool `json:"allowRenegotiation,omitempty"`
	// OneWayTls verifies the server only, without presenting a client
	// certificate.
	OneWayTls *bool `json:"oneWayTls,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// SslConfig is the TLS configuration a listener presents to downstream
// clients (VirtualService.spec.sslConfig, a TCP host's sslConfig, a Proxy
// listener's sslConfigurations). Exactly one of SecretRef, SslFiles and Sds
// provides the server certificate.
type SslConfig struct {
	// SecretRef names a Kubernetes TLS Secret holding the server certificate
	// (and ca.crt to require client certificates).
	SecretRef *core.ResourceRef `json:"secretRef,omitempty"`
	// SslFiles points at certificate files mounted into the Envoy pod.
	SslFiles *SslFiles `json:"sslFiles,omitempty"`
	// Sds fetches the certificates from a secret discovery service.
	Sds *SDSConfig `json:"sds,omitempty"`
	// SniDomains are the SNI server names this configuration serves.
	SniDomains []string `json:"sniDomains,omitempty"`
	// VerifySubjectAltName lists subject alternative names client
	// certificates must carry.
	VerifySubjectAltName []string `json:"verifySubjectAltName,omitempty"`
	// Parameters restrict TLS versions, cipher suites and curves.
	Parameters *SslParameters `json:"parameters,omitempty"`
	// AlpnProtocols are offered to clients during ALPN negotiation.
	AlpnProtocols []string `json:"alpnProtocols,omitempty"`
	// OneWayTls does not request client certificates even if a CA is set.
	OneWayTls *bool `json:"oneWayTls,omitempty"`
	// DisableTlsSessionResumption turns off TLS session resumption.
	DisableTlsSessionResumption *bool `json:"disableTlsSessionResumption,omitempty"`
	// TransportSocketConnectTimeout bounds the TLS handshake.
	TransportSocketConnectTimeout core.Duration `json:"transportSocketConnectTimeout,omitempty"`
	// OcspStaplePolicy is LENIENT_STAPLING, STRICT_STAPLING or
	// MUST_STAPLE (name or number).
	OcspStaplePolicy *intstr.IntOrString `json:"ocspStaplePolicy,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// SslFiles are paths of certificate files inside the Envoy container.
type SslFiles struct {
	// TlsCert is the certificate chain file.
	TlsCert string `json:"tlsCert,omitempty"`
	// TlsKey is the private key file.
	TlsKey string `json:"tlsKey,omitempty"`
	// RootCa is the trusted CA bundle file.
	RootCa string `json:"rootCa,omitempty"`
	// OcspStaple is a DER-encoded OCSP response file to staple.
	OcspStaple string `json:"ocspStaple,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// SDSConfig fetches certificates from a secret discovery service (e.g. an
// Istio or cert agent sidecar).
type SDSConfig struct {
	// TargetUri is the address of the SDS server.
	TargetUri string `json:"targetUri,omitempty"`
	// CertificatesSecretName is the SDS name of the certificate/key pair.
	CertificatesSecretName string `json:"certificatesSecretName,omitempty"`
	// ValidationContextName is the SDS name of the trusted CA.
	ValidationContextName string `json:"validationContextName,omitempty"`
	// ClusterName is the Envoy cluster name of the SDS server.
	ClusterName string `json:"clusterName,omitempty"`

	// Unknown keeps members this type does not model (e.g. callCredentials);
	// see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// SslParameters restrict the TLS handshake.
type SslParameters struct {
	// MinimumProtocolVersion is TLS_AUTO, TLSv1_0, TLSv1_1, TLSv1_2 or
	// TLSv1_3 (name or number).
	MinimumProtocolVersion *intstr.IntOrString `json:"minimumProtocolVersion,omitempty"`
	// MaximumProtocolVersion is TLS_AUTO, TLSv1_0, TLSv1_1, TLSv1_2 or
	// TLSv1_3 (name or number).
	MaximumProtocolVersion *intstr.IntOrString `json:"maximumProtocolVersion,omitempty"`
	// CipherSuites allowed, in OpenSSL names.
	CipherSuites []string `json:"cipherSuites,omitempty"`
	// EcdhCurves allowed.
	EcdhCurves []string `json:"ecdhCurves,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}
