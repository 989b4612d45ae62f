package v1

import "github.com/meridianfed/meridian/pkg/apis/gloo/core"

// Every struct of this package decodes and encodes itself through
// core.UnmarshalPreserving and core.MarshalPreserving, so that JSON members it
// does not model (and modelled members present with zero values) are kept in
// its Unknown field and written back. The "plain" conversion drops the
// methods, so that encoding/json handles the fields without recursing here.

// UnmarshalJSON decodes a AuthConfig, keeping members it does not model in Unknown.
func (in *AuthConfig) UnmarshalJSON(b []byte) error {
	type plain AuthConfig
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a AuthConfig together with the members kept in Unknown.
func (in AuthConfig) MarshalJSON() ([]byte, error) {
	type plain AuthConfig
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a AuthConfigSpec, keeping members it does not model in Unknown.
func (in *AuthConfigSpec) UnmarshalJSON(b []byte) error {
	type plain AuthConfigSpec
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a AuthConfigSpec together with the members kept in Unknown.
func (in AuthConfigSpec) MarshalJSON() ([]byte, error) {
	type plain AuthConfigSpec
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a AuthConfigSpecConfig, keeping members it does not model in Unknown.
func (in *AuthConfigSpecConfig) UnmarshalJSON(b []byte) error {
	type plain AuthConfigSpecConfig
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a AuthConfigSpecConfig together with the members kept in Unknown.
func (in AuthConfigSpecConfig) MarshalJSON() ([]byte, error) {
	type plain AuthConfigSpecConfig
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a BasicAuth, keeping members it does not model in Unknown.
func (in *BasicAuth) UnmarshalJSON(b []byte) error {
	type plain BasicAuth
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a BasicAuth together with the members kept in Unknown.
func (in BasicAuth) MarshalJSON() ([]byte, error) {
	type plain BasicAuth
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a BasicAuthApr, keeping members it does not model in Unknown.
func (in *BasicAuthApr) UnmarshalJSON(b []byte) error {
	type plain BasicAuthApr
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a BasicAuthApr together with the members kept in Unknown.
func (in BasicAuthApr) MarshalJSON() ([]byte, error) {
	type plain BasicAuthApr
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a SaltedHashedPassword, keeping members it does not model in Unknown.
func (in *SaltedHashedPassword) UnmarshalJSON(b []byte) error {
	type plain SaltedHashedPassword
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a SaltedHashedPassword together with the members kept in Unknown.
func (in SaltedHashedPassword) MarshalJSON() ([]byte, error) {
	type plain SaltedHashedPassword
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a ApiKeyAuth, keeping members it does not model in Unknown.
func (in *ApiKeyAuth) UnmarshalJSON(b []byte) error {
	type plain ApiKeyAuth
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a ApiKeyAuth together with the members kept in Unknown.
func (in ApiKeyAuth) MarshalJSON() ([]byte, error) {
	type plain ApiKeyAuth
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a ApiKeyMetadataEntry, keeping members it does not model in Unknown.
func (in *ApiKeyMetadataEntry) UnmarshalJSON(b []byte) error {
	type plain ApiKeyMetadataEntry
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a ApiKeyMetadataEntry together with the members kept in Unknown.
func (in ApiKeyMetadataEntry) MarshalJSON() ([]byte, error) {
	type plain ApiKeyMetadataEntry
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a K8sSecretApiKeyStorage, keeping members it does not model in Unknown.
func (in *K8sSecretApiKeyStorage) UnmarshalJSON(b []byte) error {
	type plain K8sSecretApiKeyStorage
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a K8sSecretApiKeyStorage together with the members kept in Unknown.
func (in K8sSecretApiKeyStorage) MarshalJSON() ([]byte, error) {
	type plain K8sSecretApiKeyStorage
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a OAuth2, keeping members it does not model in Unknown.
func (in *OAuth2) UnmarshalJSON(b []byte) error {
	type plain OAuth2
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a OAuth2 together with the members kept in Unknown.
func (in OAuth2) MarshalJSON() ([]byte, error) {
	type plain OAuth2
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a OidcAuthorizationCode, keeping members it does not model in Unknown.
func (in *OidcAuthorizationCode) UnmarshalJSON(b []byte) error {
	type plain OidcAuthorizationCode
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a OidcAuthorizationCode together with the members kept in Unknown.
func (in OidcAuthorizationCode) MarshalJSON() ([]byte, error) {
	type plain OidcAuthorizationCode
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a OidcHeaderConfiguration, keeping members it does not model in Unknown.
func (in *OidcHeaderConfiguration) UnmarshalJSON(b []byte) error {
	type plain OidcHeaderConfiguration
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a OidcHeaderConfiguration together with the members kept in Unknown.
func (in OidcHeaderConfiguration) MarshalJSON() ([]byte, error) {
	type plain OidcHeaderConfiguration
	return core.MarshalPreserving(plain(in), in.Unknown)
}
