// Package fixturetest holds the test helpers shared by the tests of Meridian's
// Gloo API packages: loading the realistic Gloo objects in test/testdata/gloo,
// checking that decoding and re-encoding them loses nothing, that DeepCopy
// produces independent copies, that every Go struct keeps unknown members, and
// that the Go types agree with Gloo's CRD schemas. It is only imported by tests.
package fixturetest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	k8syaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
)

// Doc is one object of a fixture file.
type Doc struct {
	// File is the fixture file name.
	File string
	// Kind, Name and Namespace identify the object.
	Kind, Name, Namespace string
	// JSON is the object converted from YAML.
	JSON []byte
}

// String names the document in test output.
func (d Doc) String() string {
	return fmt.Sprintf("%s: %s %s/%s", d.File, d.Kind, d.Namespace, d.Name)
}

// Dir returns the absolute path of test/testdata/gloo.
func Dir() string {
	_, self, _, _ := runtime.Caller(0)
	// self is <repo>/pkg/apis/gloo/internal/fixturetest/fixturetest.go
	return filepath.Join(filepath.Dir(self), "..", "..", "..", "..", "..", "test", "testdata", "gloo")
}

// Load reads every object of test/testdata/gloo/<file>, fails the test if the
// file holds none, and checks that every object is of the given kind.
func Load(t testing.TB, file, kind string) []Doc {
	t.Helper()
	f, err := os.Open(filepath.Join(Dir(), file))
	if err != nil {
		t.Fatalf("open fixture: %v", err)
	}
	defer f.Close()
	r := k8syaml.NewYAMLReader(bufio.NewReader(f))
	var docs []Doc
	for {
		chunk, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if len(bytes.TrimSpace(stripComments(chunk))) == 0 {
			continue
		}
		js, err := k8syaml.ToJSON(chunk)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var head struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(js, &head); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		d := Doc{File: file, Kind: head.Kind, Name: head.Metadata.Name, Namespace: head.Metadata.Namespace, JSON: js}
		if d.Kind != kind {
			t.Fatalf("%v: want only %s objects in this file", d, kind)
		}
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		t.Fatalf("%s holds no objects", file)
	}
	return docs
}

func stripComments(b []byte) []byte {
	var out []byte
	for _, line := range bytes.Split(b, []byte("\n")) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			out = append(out, line...)
			out = append(out, '\n')
		}
	}
	return out
}

// Generic decodes JSON into maps, slices and json.Numbers, for comparison.
func Generic(t testing.TB, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, b)
	}
	return v
}

// AssertSameJSON fails unless want and got hold the same JSON value (member
// order and formatting aside), and shows the first difference.
func AssertSameJSON(t testing.TB, what string, want, got []byte) {
	t.Helper()
	w, g := Generic(t, want), Generic(t, got)
	if reflect.DeepEqual(w, g) {
		return
	}
	t.Errorf("%s: JSON differs at %s\nwant: %s\n got: %s", what, firstDiff("$", w, g), want, got)
}

func firstDiff(path string, a, b any) string {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s (object vs %T)", path, b)
		}
		for k, x := range av {
			y, ok := bv[k]
			if !ok {
				return fmt.Sprintf("%s.%s (missing)", path, k)
			}
			if !reflect.DeepEqual(x, y) {
				return firstDiff(path+"."+k, x, y)
			}
		}
		for k := range bv {
			if _, ok := av[k]; !ok {
				return fmt.Sprintf("%s.%s (added)", path, k)
			}
		}
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return fmt.Sprintf("%s (array length or type)", path)
		}
		for i := range av {
			if !reflect.DeepEqual(av[i], bv[i]) {
				return firstDiff(fmt.Sprintf("%s[%d]", path, i), av[i], bv[i])
			}
		}
	}
	return fmt.Sprintf("%s (%v vs %v)", path, a, b)
}

// DeepCopier is a Gloo kind's pointer type.
type DeepCopier[T any] interface {
	*T
	DeepCopy() *T
}

// RoundTrip decodes d into a new T, re-encodes it and requires the same JSON;
// then it requires DeepCopy to give an equal value that encodes to the same
// JSON, and, after mutate has changed the copy, the original to still encode to
// the fixture (so the copy shares no memory with it). It returns the decoded
// object for the caller's own assertions.
func RoundTrip[T any, PT DeepCopier[T]](t *testing.T, d Doc, mutate func(PT)) PT {
	t.Helper()
	obj := PT(new(T))
	if err := json.Unmarshal(d.JSON, obj); err != nil {
		t.Fatalf("%v: decode: %v", d, err)
	}
	out, err := json.Marshal(obj)
	if err != nil {
		t.Fatalf("%v: encode: %v", d, err)
	}
	AssertSameJSON(t, d.String()+" round trip", d.JSON, out)

	cp := PT(obj.DeepCopy())
	if !reflect.DeepEqual(cp, obj) {
		t.Errorf("%v: DeepCopy is not equal to the original", d)
	}
	cpOut, err := json.Marshal(cp)
	if err != nil {
		t.Fatalf("%v: encode copy: %v", d, err)
	}
	AssertSameJSON(t, d.String()+" copy", d.JSON, cpOut)
	if mutate != nil {
		mutate(cp)
		mutated, _ := json.Marshal(cp)
		if bytes.Equal(Compact(t, mutated), Compact(t, cpOut)) {
			t.Errorf("%v: the mutation changed nothing; the independence check is void", d)
		}
		again, err := json.Marshal(obj)
		if err != nil {
			t.Fatalf("%v: encode: %v", d, err)
		}
		AssertSameJSON(t, d.String()+" original after mutating the copy", d.JSON, again)
	}
	return obj
}

// Compact returns b compacted.
func Compact(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatalf("compact: %v", err)
	}
	return buf.Bytes()
}

// ScrambleUnknown overwrites, in place, every raw value held in u and then
// replaces it, to prove that a copy's Unknown does not alias the original's
// bytes (an aliased original would no longer encode). It reports whether u
// held anything.
func ScrambleUnknown(u core.Unknown) bool {
	for k, v := range u {
		for i := range v {
			v[i] = '}'
		}
		u[k] = json.RawMessage(`"scrambled"`)
	}
	return len(u) > 0
}

const modulePrefix = "github.com/meridianfed/meridian/"

var (
	unknownType     = reflect.TypeFor[core.Unknown]()
	marshalerType   = reflect.TypeFor[json.Marshaler]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// AssertAllPreserving walks every struct type reachable from the roots that is
// defined in this module and requires it to carry `Unknown core.Unknown`
// tagged `json:"-"`, a value-receiver MarshalJSON and a pointer-receiver
// UnmarshalJSON, so that nothing is dropped at any depth.
func AssertAllPreserving(t *testing.T, roots ...any) {
	t.Helper()
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type, string)
	walk = func(rt reflect.Type, path string) {
		for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice || rt.Kind() == reflect.Map || rt.Kind() == reflect.Array {
			rt = rt.Elem()
		}
		if rt.Kind() != reflect.Struct || seen[rt] || !strings.HasPrefix(rt.PkgPath(), modulePrefix) {
			return
		}
		seen[rt] = true
		if strings.HasSuffix(rt.Name(), "List") {
			if f, ok := rt.FieldByName("Items"); ok {
				walk(f.Type, path+".Items")
			}
			return
		}
		if rt.PkgPath() == modulePrefix+"pkg/apis/gloo/core" && (rt.Name() == "State" || rt.Name() == "Int64") {
			return // scalar wrappers with their own lossless encoding
		}
		f, ok := rt.FieldByName("Unknown")
		if !ok || f.Type != unknownType || f.Tag.Get("json") != "-" {
			t.Errorf("%s (%v) has no `Unknown core.Unknown` field tagged json:\"-\"", path, rt)
		}
		if !rt.Implements(marshalerType) {
			t.Errorf("%s (%v) has no value-receiver MarshalJSON", path, rt)
		}
		if !reflect.PointerTo(rt).Implements(unmarshalerType) {
			t.Errorf("%s (%v) has no UnmarshalJSON", path, rt)
		}
		for i := 0; i < rt.NumField(); i++ {
			sf := rt.Field(i)
			if sf.Anonymous || !sf.IsExported() {
				continue
			}
			walk(sf.Type, path+"."+sf.Name)
		}
	}
	for _, r := range roots {
		rt := reflect.TypeOf(r)
		walk(rt, rt.String())
	}
	if len(seen) < len(roots) {
		t.Errorf("walked only %d types", len(seen))
	}
}
