package v1alpha1

import "github.com/meridianfed/meridian/pkg/apis/gloo/core"

// Every struct of this package decodes and encodes itself through
// core.UnmarshalPreserving and core.MarshalPreserving, so that JSON members it
// does not model (and modelled members present with zero values) are kept in
// its Unknown field and written back. The "plain" conversion drops the
// methods, so that encoding/json handles the fields without recursing here.

// UnmarshalJSON decodes a RateLimitConfig, keeping members it does not model in Unknown.
func (in *RateLimitConfig) UnmarshalJSON(b []byte) error {
	type plain RateLimitConfig
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RateLimitConfig together with the members kept in Unknown.
func (in RateLimitConfig) MarshalJSON() ([]byte, error) {
	type plain RateLimitConfig
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RateLimitConfigSpec, keeping members it does not model in Unknown.
func (in *RateLimitConfigSpec) UnmarshalJSON(b []byte) error {
	type plain RateLimitConfigSpec
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RateLimitConfigSpec together with the members kept in Unknown.
func (in RateLimitConfigSpec) MarshalJSON() ([]byte, error) {
	type plain RateLimitConfigSpec
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RawRateLimitConfig, keeping members it does not model in Unknown.
func (in *RawRateLimitConfig) UnmarshalJSON(b []byte) error {
	type plain RawRateLimitConfig
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RawRateLimitConfig together with the members kept in Unknown.
func (in RawRateLimitConfig) MarshalJSON() ([]byte, error) {
	type plain RawRateLimitConfig
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Descriptor, keeping members it does not model in Unknown.
func (in *Descriptor) UnmarshalJSON(b []byte) error {
	type plain Descriptor
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Descriptor together with the members kept in Unknown.
func (in Descriptor) MarshalJSON() ([]byte, error) {
	type plain Descriptor
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RateLimit, keeping members it does not model in Unknown.
func (in *RateLimit) UnmarshalJSON(b []byte) error {
	type plain RateLimit
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RateLimit together with the members kept in Unknown.
func (in RateLimit) MarshalJSON() ([]byte, error) {
	type plain RateLimit
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RateLimitActions, keeping members it does not model in Unknown.
func (in *RateLimitActions) UnmarshalJSON(b []byte) error {
	type plain RateLimitActions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RateLimitActions together with the members kept in Unknown.
func (in RateLimitActions) MarshalJSON() ([]byte, error) {
	type plain RateLimitActions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Action, keeping members it does not model in Unknown.
func (in *Action) UnmarshalJSON(b []byte) error {
	type plain Action
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Action together with the members kept in Unknown.
func (in Action) MarshalJSON() ([]byte, error) {
	type plain Action
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RequestHeadersAction, keeping members it does not model in Unknown.
func (in *RequestHeadersAction) UnmarshalJSON(b []byte) error {
	type plain RequestHeadersAction
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RequestHeadersAction together with the members kept in Unknown.
func (in RequestHeadersAction) MarshalJSON() ([]byte, error) {
	type plain RequestHeadersAction
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a GenericKeyAction, keeping members it does not model in Unknown.
func (in *GenericKeyAction) UnmarshalJSON(b []byte) error {
	type plain GenericKeyAction
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a GenericKeyAction together with the members kept in Unknown.
func (in GenericKeyAction) MarshalJSON() ([]byte, error) {
	type plain GenericKeyAction
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a SetDescriptor, keeping members it does not model in Unknown.
func (in *SetDescriptor) UnmarshalJSON(b []byte) error {
	type plain SetDescriptor
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a SetDescriptor together with the members kept in Unknown.
func (in SetDescriptor) MarshalJSON() ([]byte, error) {
	type plain SetDescriptor
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a SimpleDescriptor, keeping members it does not model in Unknown.
func (in *SimpleDescriptor) UnmarshalJSON(b []byte) error {
	type plain SimpleDescriptor
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a SimpleDescriptor together with the members kept in Unknown.
func (in SimpleDescriptor) MarshalJSON() ([]byte, error) {
	type plain SimpleDescriptor
	return core.MarshalPreserving(plain(in), in.Unknown)
}
