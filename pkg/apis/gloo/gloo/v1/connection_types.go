package v1

import (
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
)

// CircuitBreakerConfig limits what Envoy sends to an upstream at once.
type CircuitBreakerConfig struct {
	// MaxConnections is the maximum number of connections (default 1024).
	MaxConnections *uint32 `json:"maxConnections,omitempty"`
	// MaxPendingRequests is the maximum number of queued requests (default 1024).
	MaxPendingRequests *uint32 `json:"maxPendingRequests,omitempty"`
	// MaxRequests is the maximum number of parallel requests (default 1024).
	MaxRequests *uint32 `json:"maxRequests,omitempty"`
	// MaxRetries is the maximum number of parallel retries (default 3).
	MaxRetries *uint32 `json:"maxRetries,omitempty"`
	// TrackRemaining publishes the remaining capacity as stats.
	TrackRemaining bool `json:"trackRemaining,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// LoadBalancerConfig selects and tunes how Envoy spreads requests over the
// upstream's hosts. At most one policy (RoundRobin, LeastRequest, Random,
// RingHash, Maglev) is set; the default is round robin.
type LoadBalancerConfig struct {
	// HealthyPanicThreshold is the percentage of healthy hosts below which
	// Envoy balances over all hosts regardless of health.
	HealthyPanicThreshold *float64 `json:"healthyPanicThreshold,omitempty"`
	// UpdateMergeWindow batches host-set updates over this period.
	UpdateMergeWindow core.Duration `json:"updateMergeWindow,omitempty"`
	// RoundRobin balances in turn.
	RoundRobin *LoadBalancerConfigRoundRobin `json:"roundRobin,omitempty"`
	// LeastRequest prefers hosts with fewer active requests.
	LeastRequest *LoadBalancerConfigLeastRequest `json:"leastRequest,omitempty"`
	// Random picks a random host.
	Random *core.Empty `json:"random,omitempty"`
	// RingHash uses consistent hashing (with route hash policies).
	RingHash *LoadBalancerConfigRingHash `json:"ringHash,omitempty"`
	// Maglev uses Maglev consistent hashing.
	Maglev *core.Empty `json:"maglev,omitempty"`
	// LocalityWeightedLbConfig weights localities by their
	// loadBalancingWeight; needed for weighted failover localities
	// (Gloo Edge Enterprise).
	LocalityWeightedLbConfig *core.Empty `json:"localityWeightedLbConfig,omitempty"`
	// UseHostnameForHashing hashes on host names rather than addresses.
	UseHostnameForHashing *bool `json:"useHostnameForHashing,omitempty"`
	// CloseConnectionsOnHostSetChange drains connections when hosts change.
	CloseConnectionsOnHostSetChange bool `json:"closeConnectionsOnHostSetChange,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// LoadBalancerConfigRoundRobin tunes round-robin balancing.
type LoadBalancerConfigRoundRobin struct {
	// SlowStartConfig ramps traffic up to new hosts.
	SlowStartConfig *SlowStartConfig `json:"slowStartConfig,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// LoadBalancerConfigLeastRequest tunes least-request balancing.
type LoadBalancerConfigLeastRequest struct {
	// ChoiceCount is how many random hosts are compared (default 2).
	ChoiceCount uint32 `json:"choiceCount,omitempty"`
	// SlowStartConfig ramps traffic up to new hosts.
	SlowStartConfig *SlowStartConfig `json:"slowStartConfig,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// SlowStartConfig ramps traffic up to newly added hosts.
type SlowStartConfig struct {
	// SlowStartWindow is how long the ramp lasts.
	SlowStartWindow core.Duration `json:"slowStartWindow,omitempty"`
	// Aggression shapes the ramp (1.0 is linear).
	Aggression *float64 `json:"aggression,omitempty"`
	// MinWeightPercent is the weight a new host starts at.
	MinWeightPercent *float64 `json:"minWeightPercent,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// LoadBalancerConfigRingHash tunes ring-hash balancing.
type LoadBalancerConfigRingHash struct {
	// RingHashConfig sizes the hash ring.
	RingHashConfig *RingHashConfig `json:"ringHashConfig,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// RingHashConfig bounds the size of the hash ring.
type RingHashConfig struct {
	// MinimumRingSize is the minimum number of ring entries.
	MinimumRingSize core.Int64 `json:"minimumRingSize,omitzero"`
	// MaximumRingSize is the maximum number of ring entries.
	MaximumRingSize core.Int64 `json:"maximumRingSize,omitzero"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// ConnectionConfig tunes the connections Envoy opens to an upstream.
type ConnectionConfig struct {
	// MaxRequestsPerConnection closes a connection after this many requests
	// (0 = unlimited).
	MaxRequestsPerConnection uint32 `json:"maxRequestsPerConnection,omitempty"`
	// ConnectTimeout bounds connection establishment.
	ConnectTimeout core.Duration `json:"connectTimeout,omitempty"`
	// TcpKeepalive enables TCP keepalive probes.
	TcpKeepalive *TcpKeepAlive `json:"tcpKeepalive,omitempty"`
	// PerConnectionBufferLimitBytes is the soft read/write buffer limit.
	PerConnectionBufferLimitBytes *uint32 `json:"perConnectionBufferLimitBytes,omitempty"`
	// CommonHttpProtocolOptions apply to HTTP/1 and HTTP/2 connections.
	CommonHttpProtocolOptions *HttpProtocolOptions `json:"commonHttpProtocolOptions,omitempty"`
	// Http1ProtocolOptions apply to HTTP/1 connections.
	Http1ProtocolOptions *Http1ProtocolOptions `json:"http1ProtocolOptions,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// TcpKeepAlive configures TCP keepalive probes.
type TcpKeepAlive struct {
	// KeepaliveProbes is the number of unanswered probes before the
	// connection is dropped.
	KeepaliveProbes uint32 `json:"keepaliveProbes,omitempty"`
	// KeepaliveTime is the idle time before probing starts.
	KeepaliveTime core.Duration `json:"keepaliveTime,omitempty"`
	// KeepaliveInterval is the time between probes.
	KeepaliveInterval core.Duration `json:"keepaliveInterval,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// HttpProtocolOptions apply to every HTTP connection to the upstream.
type HttpProtocolOptions struct {
	// IdleTimeout closes connections idle for this long.
	IdleTimeout core.Duration `json:"idleTimeout,omitempty"`
	// MaxHeadersCount limits the number of response headers.
	MaxHeadersCount uint32 `json:"maxHeadersCount,omitempty"`
	// MaxStreamDuration bounds the lifetime of a stream.
	MaxStreamDuration core.Duration `json:"maxStreamDuration,omitempty"`
	// HeadersWithUnderscoresAction is ALLOW, REJECT_CLIENT_REQUEST or
	// DROP_HEADER (name or number).
	HeadersWithUnderscoresAction *intstr.IntOrString `json:"headersWithUnderscoresAction,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// Http1ProtocolOptions apply to HTTP/1 connections to the upstream.
type Http1ProtocolOptions struct {
	// EnableTrailers forwards HTTP/1 trailers.
	EnableTrailers bool `json:"enableTrailers,omitempty"`
	// ProperCaseHeaderKeyFormat writes header names in Proper-Case.
	ProperCaseHeaderKeyFormat bool `json:"properCaseHeaderKeyFormat,omitempty"`
	// PreserveCaseHeaderKeyFormat keeps header names as received.
	PreserveCaseHeaderKeyFormat bool `json:"preserveCaseHeaderKeyFormat,omitempty"`
	// OverrideStreamErrorOnInvalidHttpMessage resets only the stream on an
	// invalid HTTP message.
	OverrideStreamErrorOnInvalidHttpMessage *bool `json:"overrideStreamErrorOnInvalidHttpMessage,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}
