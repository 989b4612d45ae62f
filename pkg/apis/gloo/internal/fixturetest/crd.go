package fixturetest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	"github.com/meridianfed/meridian/pkg/devenv/glooinstall/crds"
)

// LoadCRDSchema returns the openAPIV3Schema of the given version in one of
// Gloo's CRD files, from the project's copy (package glooinstall/crds). A
// missing file or version fails the test: a schema test that cannot find its
// fixture must never pass by doing nothing.
func LoadCRDSchema(t *testing.T, file, version string) map[string]any {
	t.Helper()
	b, err := crds.File(file)
	if err != nil {
		t.Fatalf("Gloo CRD %s: %v", file, err)
	}
	js, err := yaml.YAMLToJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	var crd apiextensionsv1.CustomResourceDefinition
	if err := json.Unmarshal(js, &crd); err != nil {
		t.Fatal(err)
	}
	for _, v := range crd.Spec.Versions {
		if v.Name == version && v.Schema != nil && v.Schema.OpenAPIV3Schema != nil {
			raw, _ := json.Marshal(v.Schema.OpenAPIV3Schema)
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
	}
	t.Fatalf("%s has no schema for version %s", file, version)
	return nil
}

var (
	jsonType     = reflect.TypeFor[apiextensionsv1.JSON]()
	intstrType   = reflect.TypeFor[intstr.IntOrString]()
	int64Type    = reflect.TypeFor[core.Int64]()
	stateType    = reflect.TypeFor[core.State]()
	durationType = reflect.TypeFor[core.Duration]()
)

// AssertMatchesSchema requires every typed field reachable from the kind to
// exist in the CRD schema under the same JSON name, with a compatible JSON
// type: integers for Go integers (within the schema's bounds), strings for Go
// strings and durations, int-or-string for enums (intstr.IntOrString) and
// protobuf int64s (core.Int64), arrays for slices, maps for additional
// properties. Nullable scalars (protobuf wrappers) must be Go pointers and
// plain scalars must not be. Fields under x-kubernetes-preserve-unknown-fields
// without a schema are not checked further.
func AssertMatchesSchema(t *testing.T, kind any, schema map[string]any) {
	t.Helper()
	c := schemaChecker{t: t}
	c.check(reflect.TypeOf(kind), schema, reflect.TypeOf(kind).String(), false)
	if c.fields == 0 {
		t.Errorf("no field checked")
	}
}

type schemaChecker struct {
	t      *testing.T
	fields int
}

func (c *schemaChecker) fail(path, format string, args ...any) {
	c.t.Helper()
	c.t.Errorf("%s: %s", path, fmt.Sprintf(format, args...))
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }
func flag(m map[string]any, k string) bool  { b, _ := m[k].(bool); return b }

func (c *schemaChecker) check(rt reflect.Type, s map[string]any, path string, isPtr bool) {
	for rt.Kind() == reflect.Pointer {
		rt, isPtr = rt.Elem(), true
	}
	typ, intOrString, nullable := str(s, "type"), flag(s, "x-kubernetes-int-or-string"), flag(s, "nullable")
	preserve := flag(s, "x-kubernetes-preserve-unknown-fields")
	scalar := func(want string) {
		if typ != want {
			c.fail(path, "Go %v but schema type %q", rt, typ)
		}
		if intOrString {
			c.fail(path, "schema is int-or-string; Go %v cannot hold both (use intstr.IntOrString or core.Int64)", rt)
		}
		if nullable && !isPtr {
			c.fail(path, "schema is nullable (a protobuf wrapper) but Go %v is not a pointer", rt)
		}
		if !nullable && isPtr {
			c.fail(path, "Go pointer to %v but the schema is not nullable", rt)
		}
	}
	switch {
	case rt == jsonType:
		return // any JSON
	case rt == intstrType || rt == int64Type:
		if !intOrString {
			c.fail(path, "Go %v but schema is %q without x-kubernetes-int-or-string", rt, typ)
		}
		return
	case rt == stateType:
		c.fail(path, "core.State outside a status")
		return
	}
	switch rt.Kind() {
	case reflect.String:
		scalar("string")
		if rt == durationType && typ != "string" {
			c.fail(path, "duration must be a string")
		}
	case reflect.Bool:
		scalar("boolean")
	case reflect.Float32, reflect.Float64:
		scalar("number")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		scalar("integer")
		if maxV, ok := s["maximum"].(float64); ok {
			if bits := rt.Bits(); rt.Kind() >= reflect.Uint && maxV > float64(uint64(1)<<bits-1) ||
				rt.Kind() < reflect.Uint && maxV > float64(int64(1)<<(bits-1)-1) {
				c.fail(path, "Go %v is narrower than the schema maximum %v", rt, maxV)
			}
			if minV, ok := s["minimum"].(float64); ok && minV < 0 && rt.Kind() >= reflect.Uint {
				c.fail(path, "Go %v is unsigned but the schema allows %v", rt, minV)
			}
		}
	case reflect.Slice:
		if typ != "array" {
			c.fail(path, "Go slice but schema type %q", typ)
			return
		}
		items, _ := s["items"].(map[string]any)
		c.check(rt.Elem(), items, path+"[]", false)
	case reflect.Map:
		if typ != "object" {
			c.fail(path, "Go map but schema type %q", typ)
			return
		}
		if ap, ok := s["additionalProperties"].(map[string]any); ok {
			c.check(rt.Elem(), ap, path+"{}", false)
		} else if !preserve {
			c.fail(path, "Go map but the schema has no additionalProperties")
		}
	case reflect.Struct:
		if typ != "object" && !(typ == "" && preserve) {
			c.fail(path, "Go struct but schema type %q", typ)
			return
		}
		props, _ := s["properties"].(map[string]any)
		if rt.PkgPath() == "github.com/meridianfed/meridian/pkg/apis/gloo/core" && rt.Name() == "NamespacedStatuses" {
			if !preserve {
				c.fail(path, "status schema does not preserve unknown fields")
			}
			return // the status schema is x-kubernetes-preserve-unknown-fields
		}
		for i := 0; i < rt.NumField(); i++ {
			sf := rt.Field(i)
			if sf.Anonymous || !sf.IsExported() {
				continue // TypeMeta, ObjectMeta
			}
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			fpath := path + "." + name
			ps, ok := props[name].(map[string]any)
			if !ok {
				if !preserve {
					c.fail(fpath, "typed field not in the CRD schema")
				}
				continue
			}
			c.fields++
			c.check(sf.Type, ps, fpath, false)
		}
	default:
		c.fail(path, "unexpected Go kind %v", rt.Kind())
	}
}
