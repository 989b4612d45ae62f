package v1

import (
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
)

// HealthCheck is an active health check Envoy runs against every host of an
// upstream (solo.io.envoy.api.v2.core.HealthCheck). Exactly one of
// HttpHealthCheck, TcpHealthCheck and GrpcHealthCheck (or a custom check) is set.
type HealthCheck struct {
	// Timeout is how long to wait for a probe response.
	Timeout core.Duration `json:"timeout,omitempty"`
	// Interval is the time between probes; required and positive.
	Interval core.Duration `json:"interval,omitempty"`
	// InitialJitter delays the first probe by up to this much.
	InitialJitter core.Duration `json:"initialJitter,omitempty"`
	// IntervalJitter adds up to this much to every interval.
	IntervalJitter core.Duration `json:"intervalJitter,omitempty"`
	// IntervalJitterPercent adds up to this percentage of the interval.
	IntervalJitterPercent uint32 `json:"intervalJitterPercent,omitempty"`
	// UnhealthyThreshold is the number of failed probes before a host is
	// marked unhealthy.
	UnhealthyThreshold *uint32 `json:"unhealthyThreshold,omitempty"`
	// HealthyThreshold is the number of passed probes before a host is
	// marked healthy again.
	HealthyThreshold *uint32 `json:"healthyThreshold,omitempty"`
	// ReuseConnection reuses the probe connection (default true).
	ReuseConnection *bool `json:"reuseConnection,omitempty"`
	// HttpHealthCheck probes with an HTTP request.
	HttpHealthCheck *HttpHealthCheck `json:"httpHealthCheck,omitempty"`
	// TcpHealthCheck probes by connecting (and optionally exchanging bytes).
	TcpHealthCheck *TcpHealthCheck `json:"tcpHealthCheck,omitempty"`
	// GrpcHealthCheck probes with the gRPC health checking protocol.
	GrpcHealthCheck *GrpcHealthCheck `json:"grpcHealthCheck,omitempty"`
	// NoTrafficInterval is the probe interval for hosts of a cluster that
	// receives no traffic.
	NoTrafficInterval core.Duration `json:"noTrafficInterval,omitempty"`
	// UnhealthyInterval is the probe interval for unhealthy hosts.
	UnhealthyInterval core.Duration `json:"unhealthyInterval,omitempty"`
	// UnhealthyEdgeInterval is the interval right after a host turns unhealthy.
	UnhealthyEdgeInterval core.Duration `json:"unhealthyEdgeInterval,omitempty"`
	// HealthyEdgeInterval is the interval right after a host turns healthy.
	HealthyEdgeInterval core.Duration `json:"healthyEdgeInterval,omitempty"`
	// EventLogPath is a file Envoy logs health-check events to.
	EventLogPath string `json:"eventLogPath,omitempty"`
	// AlwaysLogHealthCheckFailures logs every failure, not only transitions.
	AlwaysLogHealthCheckFailures bool `json:"alwaysLogHealthCheckFailures,omitempty"`

	// Unknown keeps members this type does not model (e.g.
	// customHealthCheck); see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// HttpHealthCheck probes with an HTTP request.
type HttpHealthCheck struct {
	// Host is the Host header of the probe (default: the cluster name).
	Host string `json:"host,omitempty"`
	// Path is the request path; required.
	Path string `json:"path,omitempty"`
	// ServiceName, if set, must match the x-envoy-upstream-healthchecked-cluster
	// response header.
	ServiceName string `json:"serviceName,omitempty"`
	// RequestHeadersToAdd are added to the probe request.
	RequestHeadersToAdd []HeaderValueOption `json:"requestHeadersToAdd,omitempty"`
	// RequestHeadersToRemove are removed from the probe request.
	RequestHeadersToRemove []string `json:"requestHeadersToRemove,omitempty"`
	// UseHttp2 probes over HTTP/2.
	UseHttp2 bool `json:"useHttp2,omitempty"`
	// Method is the HTTP method of the probe (name or number; default GET).
	Method *intstr.IntOrString `json:"method,omitempty"`

	// Unknown keeps members this type does not model (e.g.
	// expectedStatuses, responseAssertions); see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// TcpHealthCheck probes by connecting and optionally exchanging payloads.
type TcpHealthCheck struct {
	// Send is written after connecting.
	Send *HealthCheckPayload `json:"send,omitempty"`
	// Receive must all be found in the response.
	Receive []HealthCheckPayload `json:"receive,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// HealthCheckPayload is a TCP health-check payload.
type HealthCheckPayload struct {
	// Text is the payload as hex text.
	Text string `json:"text,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// GrpcHealthCheck probes with grpc.health.v1.Health/Check.
type GrpcHealthCheck struct {
	// ServiceName is the service to ask about.
	ServiceName string `json:"serviceName,omitempty"`
	// Authority is the :authority of the probe.
	Authority string `json:"authority,omitempty"`
	// InitialMetadata is sent with the probe.
	InitialMetadata []HeaderValueOption `json:"initialMetadata,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// OutlierDetection ejects hosts that return errors, without active probes.
// Failover needs it (or health checks) to notice failed endpoints.
type OutlierDetection struct {
	// Consecutive5xx ejects a host after this many consecutive 5xx (default 5).
	Consecutive5xx *uint32 `json:"consecutive5xx,omitempty"`
	// Interval is the analysis sweep interval (default 10s).
	Interval core.Duration `json:"interval,omitempty"`
	// BaseEjectionTime is multiplied by the number of ejections (default 30s).
	BaseEjectionTime core.Duration `json:"baseEjectionTime,omitempty"`
	// MaxEjectionPercent caps the share of ejected hosts (default 10).
	MaxEjectionPercent *uint32 `json:"maxEjectionPercent,omitempty"`
	// EnforcingConsecutive5xx is the chance (%) a 5xx ejection is enforced.
	EnforcingConsecutive5xx *uint32 `json:"enforcingConsecutive5xx,omitempty"`
	// EnforcingSuccessRate is the chance (%) a success-rate ejection is enforced.
	EnforcingSuccessRate *uint32 `json:"enforcingSuccessRate,omitempty"`
	// SuccessRateMinimumHosts is the number of hosts needed for success-rate
	// detection.
	SuccessRateMinimumHosts *uint32 `json:"successRateMinimumHosts,omitempty"`
	// SuccessRateRequestVolume is the number of requests per host needed for
	// success-rate detection.
	SuccessRateRequestVolume *uint32 `json:"successRateRequestVolume,omitempty"`
	// SuccessRateStdevFactor sets the success-rate ejection threshold
	// (divided by 1000).
	SuccessRateStdevFactor *uint32 `json:"successRateStdevFactor,omitempty"`
	// ConsecutiveGatewayFailure ejects after this many consecutive 502/503/504.
	ConsecutiveGatewayFailure *uint32 `json:"consecutiveGatewayFailure,omitempty"`
	// EnforcingConsecutiveGatewayFailure is the chance (%) such an ejection
	// is enforced.
	EnforcingConsecutiveGatewayFailure *uint32 `json:"enforcingConsecutiveGatewayFailure,omitempty"`
	// SplitExternalLocalOriginErrors counts local (connection) errors
	// separately from upstream responses.
	SplitExternalLocalOriginErrors bool `json:"splitExternalLocalOriginErrors,omitempty"`
	// ConsecutiveLocalOriginFailure ejects after this many local errors.
	ConsecutiveLocalOriginFailure *uint32 `json:"consecutiveLocalOriginFailure,omitempty"`
	// EnforcingConsecutiveLocalOriginFailure is the chance (%) such an
	// ejection is enforced.
	EnforcingConsecutiveLocalOriginFailure *uint32 `json:"enforcingConsecutiveLocalOriginFailure,omitempty"`
	// EnforcingLocalOriginSuccessRate is the chance (%) a local-origin
	// success-rate ejection is enforced.
	EnforcingLocalOriginSuccessRate *uint32 `json:"enforcingLocalOriginSuccessRate,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}
