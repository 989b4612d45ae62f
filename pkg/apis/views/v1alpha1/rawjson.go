package v1alpha1

import (
	"bytes"
	"errors"
)

// RawJSON is a JSON value served exactly as a member cluster held it. Views
// keep Gloo's spec and status as raw JSON rather than decoding them: nothing a
// Gloo version adds is ever dropped, and a cached object costs about its JSON
// size in memory.
//
// +k8s:openapi-gen=true
type RawJSON []byte

// MarshalJSON returns the raw value ("null" when empty).
func (r RawJSON) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}

// UnmarshalJSON keeps a copy of the raw value; null is kept as empty.
func (r *RawJSON) UnmarshalJSON(data []byte) error {
	if r == nil {
		return errors.New("views: UnmarshalJSON on nil RawJSON")
	}
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		*r = nil
		return nil
	}
	*r = append((*r)[:0], data...)
	return nil
}

// OpenAPISchemaType is used by openapi-gen: any JSON object.
func (RawJSON) OpenAPISchemaType() []string { return []string{"object"} }

// OpenAPISchemaFormat is used by openapi-gen.
func (RawJSON) OpenAPISchemaFormat() string { return "" }
