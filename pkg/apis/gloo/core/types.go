package core

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ResourceRef points at another Gloo (or Kubernetes) object by name and
// namespace, e.g. an Upstream from a route, a Secret from an sslConfig, or a
// RouteTable from a delegating route. It is solo-kit's core.solo.io.ResourceRef.
type ResourceRef struct {
	// Name of the referenced object.
	Name string `json:"name,omitempty"`
	// Namespace of the referenced object. Gloo usually defaults an empty
	// namespace to the namespace of the referring object.
	Namespace string `json:"namespace,omitempty"`

	// Unknown keeps members this type does not model; see Unknown.
	Unknown Unknown `json:"-"`
}

// Key returns "<namespace>.<name>", the form Gloo uses in logs and status
// messages for references.
func (in ResourceRef) Key() string { return in.Namespace + "." + in.Name }

// String implements fmt.Stringer with Key.
func (in ResourceRef) String() string { return in.Key() }

// UnmarshalJSON decodes the reference, keeping unknown members.
func (in *ResourceRef) UnmarshalJSON(b []byte) error {
	type plain ResourceRef
	return UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes the reference with the members kept in Unknown.
func (in ResourceRef) MarshalJSON() ([]byte, error) {
	type plain ResourceRef
	return MarshalPreserving(plain(in), in.Unknown)
}

// Empty is a protobuf message without fields of its own, used by Gloo as a
// flag (e.g. `forwardSniClusterName: {}`, `random: {}`,
// `kubernetesConfigSource: {}`). Setting a pointer to Empty selects the option.
// Anything a newer Gloo puts inside is kept in Unknown.
type Empty struct {
	// Unknown keeps members this type does not model; see Unknown.
	Unknown Unknown `json:"-"`
}

// UnmarshalJSON decodes the message, keeping unknown members.
func (in *Empty) UnmarshalJSON(b []byte) error {
	type plain Empty
	return UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes the message with the members kept in Unknown.
func (in Empty) MarshalJSON() ([]byte, error) {
	type plain Empty
	return MarshalPreserving(plain(in), in.Unknown)
}

// Duration is a google.protobuf.Duration as written in JSON: decimal seconds
// with an "s" suffix ("5s", "0.250s", "1.500000001s"). It is kept as the text
// Gloo or the user wrote so that it round-trips byte for byte; use Duration()
// to interpret it and DurationOf to produce one.
type Duration string

// Duration parses the value. Besides protobuf's seconds form it accepts any
// string time.ParseDuration accepts ("1m30s"); the empty string is zero.
func (d Duration) Duration() (time.Duration, error) {
	if d == "" {
		return 0, nil
	}
	return time.ParseDuration(string(d))
}

// DurationOf formats a time.Duration the way protobuf's JSON encoding does:
// seconds with 0, 3, 6 or 9 fractional digits ("1s", "1.500s", "0.000001s").
func DurationOf(d time.Duration) Duration {
	sign := ""
	if d < 0 {
		sign = "-"
		d = -d
	}
	secs := int64(d / time.Second)
	nanos := int64(d % time.Second)
	var frac string
	switch {
	case nanos == 0:
	case nanos%1_000_000 == 0:
		frac = fmt.Sprintf(".%03d", nanos/1_000_000)
	case nanos%1_000 == 0:
		frac = fmt.Sprintf(".%06d", nanos/1_000)
	default:
		frac = fmt.Sprintf(".%09d", nanos)
	}
	return Duration(sign + strconv.FormatInt(secs, 10) + frac + "s")
}

// Int64 is a protobuf int64 as found in Gloo objects: protobuf's JSON encoding
// writes it as a quoted decimal string ("3"), Kubernetes-style writers as a
// number (3). Both are read, and the value is written back in the form it was
// read in (Quoted), so a round trip changes nothing.
type Int64 struct {
	// Value is the number.
	Value int64
	// Quoted writes Value as a JSON string (protobuf style) instead of a number.
	Quoted bool
}

// UnmarshalJSON accepts a JSON number or a string holding a decimal integer.
// JSON null leaves the value untouched.
func (in *Int64) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	quoted := len(b) > 0 && b[0] == '"'
	text := string(b)
	if quoted {
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
	}
	v, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
	if err != nil {
		return fmt.Errorf("core.Int64: cannot parse %s as a 64-bit integer", b)
	}
	*in = Int64{Value: v, Quoted: quoted}
	return nil
}

// MarshalJSON writes the number, quoted if it was read quoted.
func (in Int64) MarshalJSON() ([]byte, error) {
	s := strconv.FormatInt(in.Value, 10)
	if in.Quoted {
		return []byte(`"` + s + `"`), nil
	}
	return []byte(s), nil
}
