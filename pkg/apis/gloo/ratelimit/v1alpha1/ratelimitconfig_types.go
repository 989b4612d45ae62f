package v1alpha1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
)

// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// RateLimitConfig is a set of rate limits for Gloo Edge Enterprise's
// rate-limit server: descriptors with limits, and the actions that turn
// request attributes into descriptors. Virtual hosts and routes reference it
// from options.rateLimitConfigs. Unlike the other Gloo kinds its CRD has a
// status subresource, and its controller writes the status flat
// (`{state: ACCEPTED, message, observedGeneration}`).
type RateLimitConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the rate-limit configuration.
	Spec RateLimitConfigSpec `json:"spec"`
	// Status is written by the rate-limit controller.
	Status core.NamespacedStatuses `json:"status,omitzero"`

	// Unknown keeps top-level members this type does not model (the CRD
	// accepts any); see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// RateLimitConfigList is a list of RateLimitConfigs.
type RateLimitConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	// Items are the rate-limit configs.
	Items []RateLimitConfig `json:"items"`
}

// RateLimitConfigSpec is the RateLimitConfig message; Raw is its only form.
type RateLimitConfigSpec struct {
	// Raw holds descriptors and actions in the rate-limit server's own terms.
	Raw *RawRateLimitConfig `json:"raw,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// RawRateLimitConfig holds descriptors (what is limited, and how much) and
// rate-limit actions (how requests are turned into descriptors).
type RawRateLimitConfig struct {
	// Descriptors are the limits, as a tree of key/value descriptors.
	Descriptors []Descriptor `json:"descriptors,omitempty"`
	// RateLimits are the actions producing descriptors from requests.
	RateLimits []RateLimitActions `json:"rateLimits,omitempty"`
	// SetDescriptors are limits on sets of descriptors, matched in any order.
	SetDescriptors []SetDescriptor `json:"setDescriptors,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// Descriptor is one node of the descriptor tree.
type Descriptor struct {
	// Key is the descriptor key (e.g. "generic_key", "remote_address").
	Key string `json:"key,omitempty"`
	// Value restricts the descriptor to this value; empty matches any value
	// (each value counted separately).
	Value string `json:"value,omitempty"`
	// RateLimit is the limit at this node.
	RateLimit *RateLimit `json:"rateLimit,omitempty"`
	// Descriptors are nested descriptors.
	Descriptors []Descriptor `json:"descriptors,omitempty"`
	// Weight lets this rule win over lower-weighted matching rules.
	Weight uint32 `json:"weight,omitempty"`
	// AlwaysApply applies the rule even if a higher-weighted rule matched.
	AlwaysApply bool `json:"alwaysApply,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// RateLimit is a number of requests per time unit.
type RateLimit struct {
	// Unit is SECOND, MINUTE, HOUR or DAY (name or number).
	Unit *intstr.IntOrString `json:"unit,omitempty"`
	// RequestsPerUnit is the allowed number of requests per unit.
	RequestsPerUnit uint32 `json:"requestsPerUnit,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// RateLimitActions is one list of actions; together they produce one
// descriptor for the request (or none if an action does not apply).
type RateLimitActions struct {
	// Actions produce ordered descriptor entries, matched against Descriptors.
	Actions []Action `json:"actions,omitempty"`
	// SetActions produce entries matched against SetDescriptors.
	SetActions []Action `json:"setActions,omitempty"`
	// Limit overrides the limit from dynamic metadata.
	Limit *apiextensionsv1.JSON `json:"limit,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// Action produces one descriptor entry from the request. Exactly one kind is set.
type Action struct {
	// SourceCluster produces ("source_cluster", <downstream cluster>).
	SourceCluster *core.Empty `json:"sourceCluster,omitempty"`
	// DestinationCluster produces ("destination_cluster", <upstream cluster>).
	DestinationCluster *core.Empty `json:"destinationCluster,omitempty"`
	// RequestHeaders produces (<descriptorKey>, <header value>).
	RequestHeaders *RequestHeadersAction `json:"requestHeaders,omitempty"`
	// RemoteAddress produces ("remote_address", <client address>).
	RemoteAddress *core.Empty `json:"remoteAddress,omitempty"`
	// GenericKey produces ("generic_key", <descriptorValue>).
	GenericKey *GenericKeyAction `json:"genericKey,omitempty"`
	// HeaderValueMatch produces ("header_match", <descriptorValue>) when
	// headers match.
	HeaderValueMatch *apiextensionsv1.JSON `json:"headerValueMatch,omitempty"`
	// Metadata produces an entry from dynamic or route metadata.
	Metadata *apiextensionsv1.JSON `json:"metadata,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// RequestHeadersAction produces a descriptor entry from a request header.
type RequestHeadersAction struct {
	// HeaderName is the header to read.
	HeaderName string `json:"headerName,omitempty"`
	// DescriptorKey is the key of the produced entry.
	DescriptorKey string `json:"descriptorKey,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// GenericKeyAction produces a fixed descriptor entry.
type GenericKeyAction struct {
	// DescriptorValue is the value of the produced entry.
	DescriptorValue string `json:"descriptorValue,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// SetDescriptor is a limit on a set of descriptor entries, matched in any order.
type SetDescriptor struct {
	// SimpleDescriptors are the entries that must all be present.
	SimpleDescriptors []SimpleDescriptor `json:"simpleDescriptors,omitempty"`
	// RateLimit is the limit.
	RateLimit *RateLimit `json:"rateLimit,omitempty"`
	// AlwaysApply applies the rule even if another rule matched.
	AlwaysApply bool `json:"alwaysApply,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}

// SimpleDescriptor is one key/value entry of a set descriptor.
type SimpleDescriptor struct {
	// Key is the entry key.
	Key string `json:"key,omitempty"`
	// Value restricts the entry to this value; empty matches any.
	Value string `json:"value,omitempty"`

	// Unknown keeps members this type does not model; see core.Unknown.
	Unknown core.Unknown `json:"-"`
}
