package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// Unknown holds, for one JSON object, the members that must be written back
// verbatim although the Go struct it belongs to does not carry them in typed
// fields:
//
//   - members the struct does not model at all (fields Gloo added in a release
//     Meridian does not know, enterprise-only fields, deep option blobs), and
//   - members the struct does model but that were present with a value that
//     omitempty would drop on encoding ("", 0, false, null, [], {}), so that
//     `useTls: false` or `statuses: {}` survive a round trip.
//
// Keys are JSON member names, values the raw JSON text as read. A typed struct
// declares a field `Unknown core.Unknown` tagged `json:"-"` and implements
// UnmarshalJSON and MarshalJSON with UnmarshalPreserving and MarshalPreserving. Code that changes a
// modelled field does not need to touch Unknown: a field set to a non-zero value
// always wins over a remembered zero value.
//
// +k8s:deepcopy-gen=false
type Unknown map[string]json.RawMessage

// DeepCopyInto copies the receiver into out, duplicating every raw value.
func (in Unknown) DeepCopyInto(out *Unknown) {
	if in == nil {
		*out = nil
		return
	}
	m := make(Unknown, len(in))
	for k, v := range in {
		if v == nil {
			m[k] = nil
			continue
		}
		m[k] = append(json.RawMessage(make([]byte, 0, len(v))), v...)
	}
	*out = m
}

// DeepCopy returns a copy of the receiver that shares no memory with it.
func (in Unknown) DeepCopy() Unknown {
	if in == nil {
		return nil
	}
	var out Unknown
	in.DeepCopyInto(&out)
	return out
}

// Names returns the member names held, sorted.
func (in Unknown) Names() []string {
	names := make([]string, 0, len(in))
	for k := range in {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Has reports whether a member with this name is held.
func (in Unknown) Has(name string) bool {
	_, ok := in[name]
	return ok
}

// Get decodes the member with this name into v. It reports false, and leaves v
// alone, if no such member is held.
func (in Unknown) Get(name string, v any) (bool, error) {
	raw, ok := in[name]
	if !ok {
		return false, nil
	}
	if len(raw) == 0 {
		raw = json.RawMessage("null")
	}
	return true, json.Unmarshal(raw, v)
}

// Set encodes v and stores it as the member with this name, for members the
// struct does not model. (A member the struct does model is written from its
// typed field whenever that field is non-zero.)
func (in *Unknown) Set(name string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if *in == nil {
		*in = Unknown{}
	}
	(*in)[name] = raw
	return nil
}

// Delete removes the member with this name.
func (in Unknown) Delete(name string) { delete(in, name) }

// UnmarshalPreserving decodes the JSON object in data into the struct that into
// points to, exactly like encoding/json would, and collects into unknown every
// member the struct has no field for, plus every modelled member whose decoded
// value would be dropped again by omitempty/omitzero on encoding. Member names
// are matched case-sensitively (as Kubernetes does); a member whose name differs
// from a field's JSON name only in case is kept as unknown.
//
// Unlike encoding/json, which merges into an existing value, the struct is reset
// to its zero value first, so stale fields or unknown members never survive a
// decode. JSON null leaves the struct untouched. Members are located with a
// light scanner and each is decoded once, straight into its field: scalars
// directly, Gloo structs by calling their UnmarshalJSON, everything else with
// encoding/json; unknown members are only validated and kept as raw bytes.
//
// A typed struct uses it from its UnmarshalJSON:
//
//	func (in *UpstreamSpec) UnmarshalJSON(b []byte) error {
//		type plain UpstreamSpec
//		return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
//	}
func UnmarshalPreserving(data []byte, into any, unknown *Unknown) error {
	rv := reflect.ValueOf(into)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("core.UnmarshalPreserving: need a non-nil pointer to a struct, got %T", into)
	}
	if unknown == nil {
		return errors.New("core.UnmarshalPreserving: nil *Unknown")
	}
	sv := rv.Elem()
	i := skipSpace(data, 0)
	if i == len(data) {
		return errors.New("core.UnmarshalPreserving: unexpected end of JSON input")
	}
	if data[i] != '{' {
		if bytes.Equal(bytes.TrimSpace(data), nullLiteral) {
			return nil
		}
		var probe any
		if err := json.Unmarshal(data, &probe); err != nil {
			return err // a syntax error, reported as encoding/json reports it
		}
		return &json.UnmarshalTypeError{Value: jsonKind(data[i]), Type: sv.Type()}
	}
	info := structInfoFor(sv.Type())
	sv.SetZero()
	*unknown = nil

	var u Unknown
	var typeErr error
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		i++
	} else {
		for {
			// "name"
			if i >= len(data) || data[i] != '"' {
				return syntaxError(data, i, "looking for beginning of object key string")
			}
			keyEnd, escaped, err := skipString(data, i)
			if err != nil {
				return err
			}
			key := data[i+1 : keyEnd-1]
			if escaped {
				var name string
				if err := json.Unmarshal(data[i:keyEnd], &name); err != nil {
					return err
				}
				key = []byte(name)
			}
			// :
			i = skipSpace(data, keyEnd)
			if i >= len(data) || data[i] != ':' {
				return syntaxError(data, i, "after object key")
			}
			i = skipSpace(data, i+1)
			// value
			end, err := skipValue(data, i)
			if err != nil {
				return err
			}
			raw := data[i:end]
			if f := info.byName[string(key)]; f == nil {
				name := string(key)
				if u == nil {
					u = Unknown{}
				}
				u[name] = append(json.RawMessage(nil), raw...)
			} else {
				name := f.name
				fv, err := fieldForDecode(sv, f.index)
				if err != nil {
					return err
				}
				if err := f.decode(raw, fv); err != nil {
					var te *json.UnmarshalTypeError
					if !errors.As(err, &te) {
						return err
					}
					// Like encoding/json: remember the first type mismatch, keep decoding.
					if typeErr == nil {
						if te.Field == "" {
							te.Field = name
						} else if !strings.HasPrefix(te.Field, name+".") {
							te.Field = name + "." + te.Field
						}
						if te.Struct == "" {
							te.Struct = sv.Type().Name()
						}
						typeErr = te
					}
				} else if f.omitted(fv) {
					if u == nil {
						u = Unknown{}
					}
					u[name] = append(json.RawMessage(nil), raw...)
				} else if u != nil {
					delete(u, name) // a later duplicate member replaced a zero value
				}
			}
			// , or }
			i = skipSpace(data, end)
			if i < len(data) && data[i] == ',' {
				i = skipSpace(data, i+1)
				continue
			}
			if i < len(data) && data[i] == '}' {
				i++
				break
			}
			return syntaxError(data, i, "after object member value")
		}
	}
	if i = skipSpace(data, i); i != len(data) {
		return syntaxError(data, i, "after top-level value")
	}
	*unknown = u
	return typeErr
}

var nullLiteral = []byte("null")

// MarshalPreserving encodes v (a struct, or a pointer to one, normally the
// "plain" conversion of the typed struct so that its own MarshalJSON is not
// called again) with encoding/json and adds the members held in unknown:
// members the struct does not model are always written; remembered zero values
// of modelled members are written only while the field is still omitted, so a
// field changed to a non-zero value wins. Added members follow the struct's own,
// sorted by name.
//
// A typed struct uses it from its MarshalJSON:
//
//	func (in UpstreamSpec) MarshalJSON() ([]byte, error) {
//		type plain UpstreamSpec
//		return core.MarshalPreserving(plain(in), in.Unknown)
//	}
func MarshalPreserving(v any, unknown Unknown) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(unknown) == 0 {
		return b, err
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return b, nil
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct || len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return nil, fmt.Errorf("core.MarshalPreserving: %T does not encode as a JSON object", v)
	}
	info := structInfoFor(rv.Type())

	names := make([]string, 0, len(unknown))
	size := len(b)
	for name, raw := range unknown {
		if f := info.byName[name]; f != nil {
			if fv, ok := fieldForEncode(rv, f.index); ok && !f.omitted(fv) {
				continue // the typed field is set: it wins
			}
		}
		names = append(names, name)
		size += len(name) + len(raw) + 8
	}
	if len(names) == 0 {
		return b, nil
	}
	sort.Strings(names)

	out := make([]byte, 0, size)
	out = append(out, b[:len(b)-1]...)
	comma := len(b) > 2
	for _, name := range names {
		if comma {
			out = append(out, ',')
		}
		comma = true
		key, err := json.Marshal(name)
		if err != nil {
			return nil, err
		}
		out = append(out, key...)
		out = append(out, ':')
		if raw := unknown[name]; len(raw) > 0 {
			out = append(out, raw...)
		} else {
			out = append(out, "null"...)
		}
	}
	return append(out, '}'), nil
}

// fieldInfo is what encoding/json knows about one struct field.
type fieldInfo struct {
	name      string
	index     []int
	omitEmpty bool
	omitZero  bool
	plan      decodePlan
}

type structInfo struct {
	byName map[string]*fieldInfo
}

var structInfoCache sync.Map // reflect.Type -> *structInfo

func structInfoFor(t reflect.Type) *structInfo {
	if si, ok := structInfoCache.Load(t); ok {
		return si.(*structInfo)
	}
	si, _ := structInfoCache.LoadOrStore(t, buildStructInfo(t))
	return si.(*structInfo)
}

// buildStructInfo applies encoding/json's field rules: exported fields, `json`
// tag names, "-" skipped, untagged embedded structs flattened, and the
// shallowest (then the only tagged) field winning a name conflict.
func buildStructInfo(t reflect.Type) *structInfo {
	type candidate struct {
		fieldInfo
		depth  int
		tagged bool
	}
	var all []candidate
	type queued struct {
		t     reflect.Type
		index []int
		count int // how often t is embedded at this depth; >1 means conflicts
	}
	current := []*queued{{t: t, count: 1}}
	visited := map[reflect.Type]bool{}
	for depth := 0; len(current) > 0; depth++ {
		var next []*queued
		nextByType := map[reflect.Type]*queued{}
		for _, q := range current {
			if visited[q.t] {
				continue
			}
			visited[q.t] = true
			for i := 0; i < q.t.NumField(); i++ {
				sf := q.t.Field(i)
				ft := sf.Type
				if sf.Anonymous {
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				index := append(append([]int(nil), q.index...), i)
				if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
					if n := nextByType[ft]; n != nil {
						n.count++
					} else {
						n = &queued{t: ft, index: index, count: 1}
						nextByType[ft] = n
						next = append(next, n)
					}
					continue
				}
				tagged := name != ""
				if name == "" {
					name = sf.Name
				}
				c := candidate{
					fieldInfo: fieldInfo{
						name:      name,
						index:     index,
						omitEmpty: hasOption(opts, "omitempty"),
						omitZero:  hasOption(opts, "omitzero"),
						plan:      planFor(sf.Type),
					},
					depth:  depth,
					tagged: tagged,
				}
				all = append(all, c)
				if q.count > 1 {
					all = append(all, c) // the same field reached twice: a conflict
				}
			}
		}
		current = next
	}

	byDepth := map[string][]candidate{}
	for _, c := range all {
		byDepth[c.name] = append(byDepth[c.name], c)
	}
	si := &structInfo{byName: make(map[string]*fieldInfo, len(byDepth))}
	for name, cs := range byDepth {
		minDepth := cs[0].depth
		for _, c := range cs {
			minDepth = min(minDepth, c.depth)
		}
		var top, tagged []candidate
		for _, c := range cs {
			if c.depth == minDepth {
				top = append(top, c)
				if c.tagged {
					tagged = append(tagged, c)
				}
			}
		}
		switch {
		case len(top) == 1:
			fi := top[0].fieldInfo
			si.byName[name] = &fi
		case len(tagged) == 1:
			fi := tagged[0].fieldInfo
			si.byName[name] = &fi
		}
	}
	return si
}

func hasOption(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}

// fieldForDecode walks index from the addressable struct v, allocating nil
// embedded pointers on the way.
func fieldForDecode(v reflect.Value, index []int) (reflect.Value, error) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !v.CanSet() {
					return reflect.Value{}, fmt.Errorf("core.UnmarshalPreserving: cannot set embedded pointer to unexported struct %v", v.Type().Elem())
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, nil
}

// fieldForEncode walks index from the struct v; ok is false when a nil
// embedded pointer hides the field (encoding/json then omits it).
func fieldForEncode(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

type isZeroer interface{ IsZero() bool }

var isZeroerType = reflect.TypeFor[isZeroer]()

// omitted reports whether encoding/json leaves this field value out.
func (f *fieldInfo) omitted(v reflect.Value) bool {
	if f.omitZero && isZeroValue(v) {
		return true
	}
	return f.omitEmpty && isEmptyValue(v)
}

// isZeroValue mirrors encoding/json's omitzero test, including IsZero methods.
func isZeroValue(v reflect.Value) bool {
	t := v.Type()
	switch {
	case t.Implements(isZeroerType):
		if (t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface) && v.IsNil() {
			return true
		}
		return v.Interface().(isZeroer).IsZero()
	case reflect.PointerTo(t).Implements(isZeroerType):
		if !v.CanAddr() {
			v2 := reflect.New(t).Elem()
			v2.Set(v)
			v = v2
		}
		return v.Addr().Interface().(isZeroer).IsZero()
	default:
		return v.IsZero()
	}
}

// isEmptyValue mirrors encoding/json's omitempty test.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64,
		reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

func jsonKind(first byte) string {
	switch first {
	case '"':
		return "string"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	default:
		return "number"
	}
}
