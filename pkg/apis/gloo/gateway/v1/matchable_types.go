package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	gloov1 "github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1"
)

// +genclient
// +genclient:noStatus
// +resourceName=httpgateways
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// MatchableHttpGateway (resource "httpgateways") is an HTTP gateway plus a
// connection matcher that a hybrid Gateway delegates to
// (hybridGateway.delegatedHttpGateways), so HTTP listeners can be owned
// separately from the Gateway.
type MatchableHttpGateway struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the gateway's configuration.
	Spec MatchableHttpGatewaySpec `json:"spec"`
	// Status is written by Gloo: whether the gateway was accepted.
	Status core.NamespacedStatuses `json:"status,omitzero"`

	// Unknown keeps top-level members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// MatchableHttpGatewayList is a list of MatchableHttpGateways.
type MatchableHttpGatewayList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	// Items are the gateways.
	Items []MatchableHttpGateway `json:"items"`
}

// MatchableHttpGatewaySpec is Gloo's MatchableHttpGateway message.
type MatchableHttpGatewaySpec struct {
	// Matcher selects the connections this gateway serves.
	Matcher *MatchableHttpGatewayMatcher `json:"matcher,omitempty"`
	// HttpGateway selects the VirtualServices served.
	HttpGateway *HttpGateway `json:"httpGateway,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// MatchableHttpGatewayMatcher selects the connections of a MatchableHttpGateway.
type MatchableHttpGatewayMatcher struct {
	// SslConfig matches TLS connections by SNI (and terminates TLS).
	SslConfig *gloov1.SslConfig `json:"sslConfig,omitempty"`
	// SourcePrefixRanges match the client address.
	SourcePrefixRanges []gloov1.CidrRange `json:"sourcePrefixRanges,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// +genclient
// +genclient:noStatus
// +resourceName=tcpgateways
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// MatchableTcpGateway (resource "tcpgateways") is a TCP gateway plus a
// connection matcher that a hybrid Gateway delegates to
// (hybridGateway.delegatedTcpGateways).
type MatchableTcpGateway struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the gateway's configuration.
	Spec MatchableTcpGatewaySpec `json:"spec"`
	// Status is written by Gloo: whether the gateway was accepted.
	Status core.NamespacedStatuses `json:"status,omitzero"`

	// Unknown keeps top-level members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// MatchableTcpGatewayList is a list of MatchableTcpGateways.
type MatchableTcpGatewayList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	// Items are the gateways.
	Items []MatchableTcpGateway `json:"items"`
}

// MatchableTcpGatewaySpec is Gloo's MatchableTcpGateway message.
type MatchableTcpGatewaySpec struct {
	// Matcher selects the connections this gateway serves.
	Matcher *MatchableTcpGatewayMatcher `json:"matcher,omitempty"`
	// TcpGateway lists the TCP hosts served.
	TcpGateway *TcpGateway `json:"tcpGateway,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// MatchableTcpGatewayMatcher selects the connections of a MatchableTcpGateway.
type MatchableTcpGatewayMatcher struct {
	// SslConfig matches TLS connections by SNI (and terminates TLS).
	SslConfig *gloov1.SslConfig `json:"sslConfig,omitempty"`
	// SourcePrefixRanges match the client address.
	SourcePrefixRanges []gloov1.CidrRange `json:"sourcePrefixRanges,omitempty"`
	// PassthroughCipherSuites match TLS connections by offered cipher suites.
	PassthroughCipherSuites []string `json:"passthroughCipherSuites,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}
