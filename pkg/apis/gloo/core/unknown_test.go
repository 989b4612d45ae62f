package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// Test types mimicking a Gloo message with a nested message.

type testInner struct {
	A       string   `json:"a,omitempty"`
	N       *int     `json:"n,omitempty"`
	Unknown Unknown  `json:"-"`
	private []string // unexported fields must be ignored
}

func (in *testInner) UnmarshalJSON(b []byte) error {
	type plain testInner
	return UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

func (in testInner) MarshalJSON() ([]byte, error) {
	type plain testInner
	return MarshalPreserving(plain(in), in.Unknown)
}

type testOuter struct {
	Name     string               `json:"name,omitempty"`
	Flag     bool                 `json:"flag,omitempty"`
	Count    int                  `json:"count,omitempty"`
	Ratio    float64              `json:"ratio,omitempty"`
	List     []string             `json:"list,omitempty"`
	M        map[string]string    `json:"m,omitempty"`
	Inner    *testInner           `json:"inner,omitempty"`
	Inners   []testInner          `json:"inners,omitempty"`
	ByName   map[string]testInner `json:"byName,omitempty"`
	State    State                `json:"state,omitzero"`
	Required string               `json:"required"`
	Unknown  Unknown              `json:"-"`
}

func (in *testOuter) UnmarshalJSON(b []byte) error {
	type plain testOuter
	return UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

func (in testOuter) MarshalJSON() ([]byte, error) {
	type plain testOuter
	return MarshalPreserving(plain(in), in.Unknown)
}

// testBase is embedded (inline) the way metav1.TypeMeta is.
type testBase struct {
	Kind       string `json:"kind,omitempty"`
	APIVersion string `json:"apiVersion,omitempty"`
}

type EmbeddedExtra struct {
	Extra string `json:"extra,omitempty"`
}

type testEmbedding struct {
	testBase       `json:",inline"`
	*EmbeddedExtra `json:",inline"`
	Spec           testInner `json:"spec"`
	Unknown        Unknown   `json:"-"`
}

func (in *testEmbedding) UnmarshalJSON(b []byte) error {
	type plain testEmbedding
	return UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

func (in testEmbedding) MarshalJSON() ([]byte, error) {
	type plain testEmbedding
	return MarshalPreserving(plain(in), in.Unknown)
}

// semantic decodes JSON generically (numbers kept exact) for comparison.
func semantic(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("invalid JSON %s: %v", b, err)
	}
	return v
}

func assertJSONEqual(t *testing.T, want, got []byte) {
	t.Helper()
	if !reflect.DeepEqual(semantic(t, want), semantic(t, got)) {
		t.Fatalf("JSON differs\nwant: %s\n got: %s", want, got)
	}
}

func roundTrip[T any](t *testing.T, in string) (*T, []byte) {
	t.Helper()
	obj := new(T)
	if err := json.Unmarshal([]byte(in), obj); err != nil {
		t.Fatalf("unmarshal %s: %v", in, err)
	}
	out, err := json.Marshal(obj)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return obj, out
}

func TestUnknownMembersSurviveAtEveryLevel(t *testing.T) {
	in := `{
		"name": "petstore",
		"required": "r",
		"futureField": {"deep": [1, 2.5, "three", null, {"x": true}]},
		"bigNumber": 123456789012345678901234567890,
		"escaped": "a\"b\\c\u00e9\n<>&",
		"inner": {"a": "x", "innerUnknown": [], "n": 7},
		"inners": [{"a": "1", "u1": 1}, {"u2": {"k": "v"}}],
		"byName": {"k": {"a": "v", "u3": false}},
		"Name": "case differs, so not the name field"
	}`
	obj, out := roundTrip[testOuter](t, in)
	assertJSONEqual(t, []byte(in), out)

	if obj.Name != "petstore" || obj.Inner.A != "x" || *obj.Inner.N != 7 {
		t.Errorf("typed fields not decoded: %+v", obj)
	}
	if got := obj.Unknown.Names(); !reflect.DeepEqual(got, []string{"Name", "bigNumber", "escaped", "futureField"}) {
		t.Errorf("top-level unknown members = %v", got)
	}
	if string(obj.Unknown["bigNumber"]) != "123456789012345678901234567890" {
		t.Errorf("big number not kept verbatim: %s", obj.Unknown["bigNumber"])
	}
	if !obj.Inner.Unknown.Has("innerUnknown") || !obj.Inners[1].Unknown.Has("u2") || !obj.ByName["k"].Unknown.Has("u3") {
		t.Errorf("nested unknown members missing: %v %v %v", obj.Inner.Unknown, obj.Inners[1].Unknown, obj.ByName["k"].Unknown)
	}
}

func TestZeroValuedKnownMembersAreReEmitted(t *testing.T) {
	in := `{"name":"","flag":false,"count":0,"ratio":0.0,"list":[],"m":{},"inner":null,"inners":[],
		"byName":{},"state":0,"required":"","n":null}`
	obj, out := roundTrip[testOuter](t, in)
	assertJSONEqual(t, []byte(in), out)
	for _, m := range []string{"name", "flag", "count", "ratio", "list", "m", "inner", "inners", "byName", "state"} {
		if !obj.Unknown.Has(m) {
			t.Errorf("present zero member %q not remembered", m)
		}
	}
	if obj.Unknown.Has("required") {
		t.Errorf("member without omitempty is always written and must not be remembered")
	}
	if string(obj.Unknown["ratio"]) != "0.0" {
		t.Errorf("zero value not kept verbatim: %s", obj.Unknown["ratio"])
	}

	// A nested pointer present as {} is a non-nil empty struct and written as {}.
	_, out = roundTrip[testOuter](t, `{"inner":{},"required":""}`)
	assertJSONEqual(t, []byte(`{"inner":{},"required":""}`), out)
}

func TestChangedFieldsWin(t *testing.T) {
	var obj testOuter
	if err := json.Unmarshal([]byte(`{"name":"","flag":false,"list":[],"inner":null,"state":0,"required":"","gone":1}`), &obj); err != nil {
		t.Fatal(err)
	}
	obj.Name = "set"
	obj.Flag = true
	obj.List = []string{"a"}
	obj.Inner = &testInner{A: "new"}
	obj.State = StateOf(StateRejected)
	obj.Unknown.Delete("gone")
	out, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	assertJSONEqual(t, []byte(`{"name":"set","flag":true,"list":["a"],"inner":{"a":"new"},"state":2,"required":""}`), out)

	// A field that was non-zero and is cleared disappears (nothing remembered).
	if err := json.Unmarshal([]byte(`{"name":"x","count":3,"required":""}`), &obj); err != nil {
		t.Fatal(err)
	}
	obj.Name, obj.Count = "", 0
	out, _ = json.Marshal(obj)
	assertJSONEqual(t, []byte(`{"required":""}`), out)
}

func TestUnmarshalReplacesPreviousContent(t *testing.T) {
	obj := testOuter{Name: "stale", Count: 9, Unknown: Unknown{"stale": json.RawMessage(`1`)}}
	if err := json.Unmarshal([]byte(`{"flag":true,"new":2}`), &obj); err != nil {
		t.Fatal(err)
	}
	if obj.Name != "" || obj.Count != 0 || !obj.Flag {
		t.Errorf("fields not reset: %+v", obj)
	}
	if !reflect.DeepEqual(obj.Unknown.Names(), []string{"new"}) {
		t.Errorf("unknown members not reset: %v", obj.Unknown.Names())
	}
}

func TestNullIsNoOp(t *testing.T) {
	obj := testOuter{Name: "keep"}
	if err := obj.UnmarshalJSON([]byte(" null ")); err != nil {
		t.Fatal(err)
	}
	if obj.Name != "keep" {
		t.Errorf("null changed the value: %+v", obj)
	}
}

func TestDuplicateMembersLastWins(t *testing.T) {
	var obj testOuter
	if err := json.Unmarshal([]byte(`{"flag":false,"flag":true,"x":1,"x":2}`), &obj); err != nil {
		t.Fatal(err)
	}
	if !obj.Flag || obj.Unknown.Has("flag") {
		t.Errorf("later non-zero duplicate must win: flag=%v unknown=%v", obj.Flag, obj.Unknown)
	}
	if string(obj.Unknown["x"]) != "2" {
		t.Errorf("unknown duplicate: %s", obj.Unknown["x"])
	}
}

func TestErrors(t *testing.T) {
	var obj testOuter
	for _, bad := range []string{`[]`, `"s"`, `12`, `true`} {
		err := obj.UnmarshalJSON([]byte(bad))
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			t.Errorf("%s: want *json.UnmarshalTypeError, got %v", bad, err)
		}
	}
	for _, bad := range []string{``, `{`, `{"a":}`, `{"a":1,}`, `{"a":1} x`, `{"a":1}{}`} {
		if err := obj.UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
	// A type mismatch is reported, the rest is still decoded (like encoding/json).
	err := json.Unmarshal([]byte(`{"count":"seven","name":"n","inner":{"n":"x"}}`), &obj)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || !strings.HasPrefix(te.Field, "count") {
		t.Fatalf("want a type error on count, got %v", err)
	}
	if obj.Name != "n" {
		t.Errorf("decoding must continue after a type error: %+v", obj)
	}
	if err := UnmarshalPreserving([]byte(`{}`), obj, &obj.Unknown); err == nil {
		t.Errorf("non-pointer target must be rejected")
	}
}

func TestEmbeddedStructsArePromoted(t *testing.T) {
	in := `{"kind":"Upstream","apiVersion":"gloo.solo.io/v1","extra":"e","spec":{"a":"x"},"status":{"statuses":{}}}`
	obj, out := roundTrip[testEmbedding](t, in)
	assertJSONEqual(t, []byte(in), out)
	if obj.Kind != "Upstream" || obj.EmbeddedExtra == nil || obj.Extra != "e" || obj.Spec.A != "x" {
		t.Errorf("embedded fields not decoded: %+v", obj)
	}
	if !reflect.DeepEqual(obj.Unknown.Names(), []string{"status"}) {
		t.Errorf("unknown = %v", obj.Unknown.Names())
	}

	// A nil embedded pointer hides its fields: a remembered zero is written back.
	var e testEmbedding
	if err := json.Unmarshal([]byte(`{"extra":"","spec":{}}`), &e); err != nil {
		t.Fatal(err)
	}
	e.EmbeddedExtra = nil
	out, _ = json.Marshal(e)
	assertJSONEqual(t, []byte(`{"extra":"","spec":{}}`), out)
}

func TestMarshalWithoutUnknownIsPlainEncoding(t *testing.T) {
	obj := testOuter{Name: "n", Inner: &testInner{A: "a"}}
	out, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"name":"n","inner":{"a":"a"},"required":""}` {
		t.Errorf("got %s", out)
	}
	// Only unknown members: the comma logic must still produce valid JSON.
	empty := testInner{Unknown: Unknown{"b": json.RawMessage(`2`), "a2": json.RawMessage(`"x"`), "nil": nil}}
	out, err = json.Marshal(empty)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"a2":"x","b":2,"nil":null}` {
		t.Errorf("got %s", out)
	}
	// A remembered zero for a field that is now set is not written twice.
	set := testInner{A: "now", Unknown: Unknown{"a": json.RawMessage(`""`)}}
	out, _ = json.Marshal(set)
	if string(out) != `{"a":"now"}` {
		t.Errorf("got %s", out)
	}
}

func TestUnknownHelpersAndDeepCopy(t *testing.T) {
	var u Unknown
	if err := u.Set("obj", map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	if err := u.Set("s", "x"); err != nil {
		t.Fatal(err)
	}
	var got map[string]int
	if ok, err := u.Get("obj", &got); !ok || err != nil || got["a"] != 1 {
		t.Errorf("Get = %v %v %v", ok, err, got)
	}
	if ok, _ := u.Get("missing", &got); ok {
		t.Errorf("Get of a missing member reported true")
	}
	if !u.Has("s") || u.Has("nope") {
		t.Errorf("Has is wrong")
	}

	c := u.DeepCopy()
	if !reflect.DeepEqual(c, u) {
		t.Fatalf("copy differs")
	}
	c["obj"][2] = 'Z'
	c.Delete("s")
	if !u.Has("s") || string(u["obj"]) != `{"a":1}` {
		t.Errorf("copy shares memory with the original: %s", u["obj"])
	}
	if Unknown(nil).DeepCopy() != nil {
		t.Errorf("copy of nil must be nil")
	}
	u.Delete("s")
	if !reflect.DeepEqual(u.Names(), []string{"obj"}) {
		t.Errorf("Delete did not delete: %v", u.Names())
	}
}

func TestStructInfoFollowsEncodingJSONRules(t *testing.T) {
	// Built with reflect so that vet does not flag the deliberate conflicts.
	tagged := func(tag string) reflect.Type {
		return reflect.StructOf([]reflect.StructField{{Name: "X", Type: reflect.TypeFor[string](), Tag: reflect.StructTag(tag)}})
	}
	s := reflect.StructOf([]reflect.StructField{
		{Name: "A", Type: tagged(`json:"x"`), Anonymous: true},
		{Name: "B", Type: tagged(`json:"x"`), Anonymous: true},
		{Name: "C", Type: tagged(`json:"y"`), Anonymous: true},
		{Name: "D", Type: tagged(``), Anonymous: true},
		{Name: "Y", Type: reflect.TypeFor[string](), Tag: `json:"-"`},
		{Name: "Z", Type: reflect.TypeFor[string]()},
		{Name: "W", Type: reflect.TypeFor[string](), Tag: `json:",omitempty"`},
		{Name: "V", Type: reflect.TypeFor[string](), Tag: `json:"y"`},
	})
	si := buildStructInfo(s)
	if _, ok := si.byName["x"]; ok {
		t.Errorf("two tagged fields at the same depth must cancel out")
	}
	if f := si.byName["y"]; f == nil || len(f.index) != 1 {
		t.Errorf("the shallower field must win: %+v", f)
	}
	if f := si.byName["X"]; f == nil || len(f.index) != 2 {
		t.Errorf("untagged embedded field must be promoted under its Go name: %+v", f)
	}
	if _, ok := si.byName["Y"]; ok {
		t.Errorf(`json:"-" must be skipped`)
	}
	if _, ok := si.byName["Z"]; !ok {
		t.Errorf("untagged field must use its Go name")
	}
	if f := si.byName["W"]; f == nil || !f.omitEmpty {
		t.Errorf("options without a name: %+v", f)
	}
	type hidden struct {
		visible string //nolint:unused
	}
	if len(buildStructInfo(reflect.TypeFor[hidden]()).byName) != 0 {
		t.Errorf("unexported fields must be skipped")
	}
}

func BenchmarkRoundTrip(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"name":"x","required":"","inners":[`)
	for i := 0; i < 500; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"a":"endpoint","n":15443,"u":{"deep":{"deeper":[1,2,3]}}}`)
	}
	sb.WriteString(`],"other":{"k":"v"}}`)
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var o testOuter
		if err := json.Unmarshal(data, &o); err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(o); err != nil {
			b.Fatal(err)
		}
	}
}

type scalars struct {
	B   bool     `json:"b,omitempty"`
	S   string   `json:"s,omitempty"`
	I8  int8     `json:"i8,omitempty"`
	I   int64    `json:"i,omitempty"`
	U32 uint32   `json:"u32,omitempty"`
	F32 float32  `json:"f32,omitempty"`
	F   float64  `json:"f,omitempty"`
	PB  *bool    `json:"pb,omitempty"`
	PS  *string  `json:"ps,omitempty"`
	PU  *uint32  `json:"pu,omitempty"`
	PF  *float64 `json:"pf,omitempty"`
	D   Duration `json:"d,omitempty"`
	St  State    `json:"st,omitzero"`
	PSt *State   `json:"pst,omitempty"`
}

type scalarsPreserving struct {
	scalars `json:",inline"`
	Unknown Unknown `json:"-"`
}

func (in *scalarsPreserving) UnmarshalJSON(b []byte) error {
	type plain scalarsPreserving
	return UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// TestDecodingMatchesEncodingJSON checks the direct decode paths against
// encoding/json on the same inputs: same values, and errors in the same cases.
func TestDecodingMatchesEncodingJSON(t *testing.T) {
	inputs := []string{
		`{"b":true,"s":"plain","i8":-128,"i":9223372036854775807,"u32":4294967295,"f32":1.5,"f":-1e-7}`,
		`{"s":"esc\"aped\\\u00e9\n","ps":"\ud83d\ude00"}`,
		"{\"s\":\"invalid utf8 \xff here\"}",
		`{"pb":false,"ps":"","pu":0,"pf":0}`,
		`{"pb":null,"ps":null,"pu":null,"pf":null,"b":null,"s":null,"i":null}`,
		`{"d":"1.5s","st":"Warning","pst":2}`,
		`{"pst":null}`,
		`{"i8":128}`,
		`{"u32":-1}`,
		`{"u32":4294967296}`,
		`{"i":1.0}`,
		`{"i":1e2}`,
		`{"f32":1e39}`,
		`{"b":"true"}`,
		`{"s":1}`,
		`{"pu":"1"}`,
		`{"f":-0}`,
		`{"f":1E+2}`,
		`{"b":tru}`,
		`{"i":+1}`,
		`{"i":01}`,
		`{"f":1.}`,
		`{"f":.5}`,
		`{"f":1e}`,
		`{"s":"bad \x escape"}`,
		"{\"s\":\"control \x01 char\"}",
		`{"s":"\u12"}`,
		`{"u":[1,2,]}`,
		`{"u":{"a" 1}}`,
		`{"u":{"a":1,}}`,
		`{"u":[}`,
		`{"u":nul}`,
		`{"u":"unterminated}`,
		`{"u":"bad \q escape"}`,
		`{"u":"\u00"}`,
		`{"u":"\u00zz"}`,
		`{"u":tru}`,
		`{"u":-}`,
		`{"u":1.e5}`,
		`{"u":1e+}`,
		`{"u":[1 2]}`,
		`{"u":{"a":1 "b":2}}`,
		`{"u":{1:2}}`,
		`{"u":]}`,
		`{"u":1,"v":{"w":[true,false,null,-0.5e-3,"\t\u00e9"]}}`,
		`{"s":"ok"`,
		`{"a":1 "b":2}`,
		`{1:2}`,
		`{"\u0062":true,"\u00e9t\u00e9":1}`,
		`  {  "b" : true , "x" : [ 1 , { } , [ ] ] }  `,
	}
	for _, in := range inputs {
		var want scalars
		wantErr := json.Unmarshal([]byte(in), &want)
		var got scalarsPreserving
		gotErr := json.Unmarshal([]byte(in), &got)
		if (wantErr == nil) != (gotErr == nil) {
			t.Errorf("%s: encoding/json error %v, UnmarshalPreserving error %v", in, wantErr, gotErr)
			continue
		}
		if wantErr != nil {
			var wantType, gotType *json.UnmarshalTypeError
			if errors.As(wantErr, &wantType) != errors.As(gotErr, &gotType) {
				t.Errorf("%s: error kinds differ: %v vs %v", in, wantErr, gotErr)
			}
			if wantType == nil {
				continue // a syntax error: the values do not matter
			}
		}
		if !reflect.DeepEqual(want, got.scalars) {
			t.Errorf("%s: values differ\nencoding/json: %+v\n     ours: %+v", in, want, got.scalars)
		}
	}

	deep := strings.Repeat("[", maxNesting+10) + strings.Repeat("]", maxNesting+10)
	var got scalarsPreserving
	if err := got.UnmarshalJSON([]byte(`{"x":` + deep + `}`)); err == nil {
		t.Errorf("excessive nesting must fail")
	}
}

type zeroByMethod struct{ V int }

// IsZero treats non-positive values as zero, so omitzero must call it.
func (z zeroByMethod) IsZero() bool { return z.V <= 0 }

type zeroByPtrMethod struct{ V int }

func (z *zeroByPtrMethod) IsZero() bool { return z == nil || z.V == 42 }

type withZeroers struct {
	A       zeroByMethod    `json:"a,omitzero"`
	B       zeroByPtrMethod `json:"b,omitzero"`
	C       *zeroByMethod   `json:"c,omitzero"`
	D       *zeroByMethod   `json:"d,omitzero"`
	Unknown Unknown         `json:"-"`
}

func (in *withZeroers) UnmarshalJSON(b []byte) error {
	type plain withZeroers
	return UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

func (in withZeroers) MarshalJSON() ([]byte, error) {
	type plain withZeroers
	return MarshalPreserving(plain(in), in.Unknown)
}

// TestOmitZeroHonoursIsZeroMethods follows encoding/json's omitzero, which
// asks a type's IsZero method (value or pointer receiver).
func TestOmitZeroHonoursIsZeroMethods(t *testing.T) {
	in := `{"a":{"V":-1},"b":{"V":42},"c":null,"d":{"V":0}}`
	obj, out := roundTrip[withZeroers](t, in)
	assertJSONEqual(t, []byte(in), out)
	if got := obj.Unknown.Names(); !reflect.DeepEqual(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("members encoding/json would omit must be remembered, got %v", got)
	}
	obj.A.V, obj.B.V, obj.D = 5, 7, &zeroByMethod{V: 3}
	out, _ = json.Marshal(obj)
	assertJSONEqual(t, []byte(`{"a":{"V":5},"b":{"V":7},"c":null,"d":{"V":3}}`), out)
}

func TestUnknownDeepCopyKeepsNilValues(t *testing.T) {
	u := Unknown{"n": nil, "v": json.RawMessage(`1`)}
	c := u.DeepCopy()
	if !reflect.DeepEqual(c, u) || c["n"] != nil {
		t.Errorf("copy = %#v", c)
	}
	var out Unknown
	Unknown(nil).DeepCopyInto(&out)
	if out != nil {
		t.Errorf("copy of nil into a variable must leave nil")
	}
	var null struct{ X int }
	if ok, err := u.Get("n", &null); !ok || err != nil {
		t.Errorf("Get of a nil raw value decodes null: %v %v", ok, err)
	}
}

func TestMarshalPreservingRejectsNonObjects(t *testing.T) {
	if _, err := MarshalPreserving([]int{1}, Unknown{"x": json.RawMessage(`1`)}); err == nil {
		t.Errorf("a slice cannot carry members")
	}
	var nilRef *ResourceRef
	if b, err := MarshalPreserving(nilRef, Unknown{"x": json.RawMessage(`1`)}); err != nil || string(b) != "null" {
		t.Errorf("nil pointer: %s %v", b, err)
	}
	if err := UnmarshalPreserving([]byte(`{}`), &testInner{}, nil); err == nil {
		t.Errorf("nil *Unknown must be rejected")
	}
}
