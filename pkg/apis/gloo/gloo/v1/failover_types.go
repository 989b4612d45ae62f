package v1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
)

// Failover lists endpoints Envoy uses when the upstream's own endpoints are
// unhealthy (Gloo Edge Enterprise). The upstream's own endpoints are priority
// 0; PrioritizedLocalities[i] is priority i+1. Meridian writes this from a
// FailoverScheme: one PrioritizedLocality per failover group, pointing at the
// failover gateways (port 15443) of the target clusters.
type Failover struct {
	// PrioritizedLocalities are the failover endpoints, by priority.
	PrioritizedLocalities []PrioritizedLocality `json:"prioritizedLocalities,omitempty"`
	// Policy tunes how traffic spills over between priorities.
	Policy *FailoverPolicy `json:"policy,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// FailoverPolicy tunes spill-over between failover priorities.
type FailoverPolicy struct {
	// OverprovisioningFactor (percent, Envoy default 140) scales how much of a
	// priority's health counts before traffic moves to the next one.
	OverprovisioningFactor *uint32 `json:"overprovisioningFactor,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// PrioritizedLocality is one failover priority: endpoints grouped by locality.
type PrioritizedLocality struct {
	// LocalityEndpoints are the endpoint groups of this priority.
	LocalityEndpoints []LocalityLbEndpoints `json:"localityEndpoints,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// LocalityLbEndpoints are the endpoints of one locality within a priority.
type LocalityLbEndpoints struct {
	// Locality is where the endpoints run.
	Locality *Locality `json:"locality,omitempty"`
	// LbEndpoints are the endpoints.
	LbEndpoints []LbEndpoint `json:"lbEndpoints,omitempty"`
	// LoadBalancingWeight is the locality's weight within its priority
	// (needs loadBalancerConfig.localityWeightedLbConfig).
	LoadBalancingWeight *uint32 `json:"loadBalancingWeight,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// Locality identifies where endpoints run.
type Locality struct {
	// Region, e.g. "us-east-1" (a node's topology.kubernetes.io/region).
	Region string `json:"region,omitempty"`
	// Zone, e.g. "us-east-1c" (a node's topology.kubernetes.io/zone).
	Zone string `json:"zone,omitempty"`
	// SubZone further subdivides a zone.
	SubZone string `json:"subZone,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// LbEndpoint is one failover endpoint, typically the failover gateway of a
// remote Gloo.
type LbEndpoint struct {
	// Address is an IP address or DNS name (re-resolved periodically).
	Address string `json:"address,omitempty"`
	// Port is the port to connect to (15443 for Gloo failover gateways).
	Port uint32 `json:"port,omitempty"`
	// HealthCheckConfig overrides health-check settings for this endpoint.
	HealthCheckConfig *LbEndpointHealthCheckConfig `json:"healthCheckConfig,omitempty"`
	// UpstreamSslConfig is the TLS (normally mTLS with secret
	// failover-upstream and SNI "<upstream>_<namespace>") used for this endpoint.
	UpstreamSslConfig *UpstreamSslConfig `json:"upstreamSslConfig,omitempty"`
	// LoadBalancingWeight is the endpoint's weight within its locality.
	LoadBalancingWeight *uint32 `json:"loadBalancingWeight,omitempty"`
	// Metadata is Envoy endpoint metadata, by filter name. The keys
	// envoy.transport_socket_match and io.solo.health_checkers.advanced_http
	// are reserved by Gloo.
	Metadata map[string]apiextensionsv1.JSON `json:"metadata,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// LbEndpointHealthCheckConfig overrides health checking for one failover endpoint.
type LbEndpointHealthCheckConfig struct {
	// PortValue is the port to probe instead of the endpoint's port.
	PortValue uint32 `json:"portValue,omitempty"`
	// Hostname is the Host header of HTTP probes.
	Hostname string `json:"hostname,omitempty"`
	// Path is the HTTP path to probe (Gloo Edge Enterprise).
	Path string `json:"path,omitempty"`
	// Method is the HTTP method to probe with (Gloo Edge Enterprise).
	Method string `json:"method,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}
