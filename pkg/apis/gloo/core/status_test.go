package core

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestStateReadsAndWritesEveryForm(t *testing.T) {
	cases := []struct {
		in     string
		code   StateCode
		name   string
		reason string
	}{
		{`0`, StatePending, "Pending", "int"},
		{`1`, StateAccepted, "Accepted", "int"},
		{`2`, StateRejected, "Rejected", "int"},
		{`3`, StateWarning, "Warning", "int"},
		{`7`, StateCode(7), "State(7)", "unknown int"},
		{`"Pending"`, StatePending, "Pending", "title"},
		{`"Accepted"`, StateAccepted, "Accepted", "title"},
		{`"Rejected"`, StateRejected, "Rejected", "title"},
		{`"Warning"`, StateWarning, "Warning", "title"},
		{`"ACCEPTED"`, StateAccepted, "Accepted", "RateLimitConfig upper case"},
		{`"REJECTED"`, StateRejected, "Rejected", "RateLimitConfig upper case"},
		{`"PENDING"`, StatePending, "Pending", "RateLimitConfig upper case"},
		{`"warning"`, StateWarning, "Warning", "lower case"},
		{`"1"`, StateAccepted, "Accepted", "quoted number"},
		{`"INVALID"`, StateUnrecognized, "INVALID", "unrecognized text"},
	}
	for _, c := range cases {
		var s State
		if err := json.Unmarshal([]byte(c.in), &s); err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if s.Code != c.code || s.String() != c.name || !s.Is(c.code) {
			t.Errorf("%s (%s): got code %d name %q", c.in, c.reason, s.Code, s.String())
		}
		out, err := json.Marshal(s)
		if err != nil || string(out) != c.in {
			t.Errorf("%s (%s): written back as %s (%v)", c.in, c.reason, out, err)
		}
	}
}

func TestStateKeepsFormWhenChanged(t *testing.T) {
	cases := map[string]string{
		`1`:          `2`,
		`"Accepted"`: `"Rejected"`,
		`"ACCEPTED"`: `"REJECTED"`,
		`"accepted"`: `"rejected"`,
		`"1"`:        `"2"`,
	}
	for in, want := range cases {
		var s State
		if err := json.Unmarshal([]byte(in), &s); err != nil {
			t.Fatal(err)
		}
		s.Code = StateRejected
		out, _ := json.Marshal(s)
		if string(out) != want {
			t.Errorf("%s changed to Rejected: got %s, want %s", in, out, want)
		}
	}
	if out, _ := json.Marshal(StateOf(StateWarning)); string(out) != `3` {
		t.Errorf("StateOf writes integers like solo-kit, got %s", out)
	}
	if out, _ := json.Marshal(ParseState("ACCEPTED")); string(out) != `"ACCEPTED"` {
		t.Errorf("ParseState keeps the text, got %s", out)
	}
	var s State
	if err := json.Unmarshal([]byte(`"oops`), &s); err == nil {
		t.Errorf("broken string must fail")
	}
	if err := json.Unmarshal([]byte(`1.5`), &s); err == nil {
		t.Errorf("non-integer must fail")
	}
}

func TestStatusRoundTripsBothForms(t *testing.T) {
	cases := map[string]string{
		"namespaced, int states": `{"statuses":{"gloo-system":{"state":1,"reportedBy":"gloo",
			"subresourceStatuses":{"*v1.Proxy.gloo-system.gateway-proxy":{"state":1,"reportedBy":"gloo"}},
			"details":{"k":["v",1]},"messages":["m"],"futureMember":{"x":1}}}}`,
		"namespaced, string states": `{"statuses":{"gloo-system":{"state":"Rejected","reason":"bad","reportedBy":"gateway"},
			"gloo-canary":{"state":"Accepted","reportedBy":"gloo"}}}`,
		"flat legacy":             `{"state":2,"reason":"Error: x","reportedBy":"gloo"}`,
		"rate limit config":       `{"state":"ACCEPTED","message":"","observedGeneration":"3"}`,
		"rate limit config ints":  `{"state":"REJECTED","message":"bad","observedGeneration":4}`,
		"apiserver default":       `{"statuses":{}}`,
		"explicit pending zero":   `{"state":0}`,
		"both forms and extras":   `{"statuses":{"gloo-system":{"state":3,"reason":"w"}},"state":1,"somethingElse":true}`,
		"empty":                   `{}`,
		"zero members everywhere": `{"statuses":{"ns":{"state":0,"reason":"","messages":[],"subresourceStatuses":{},"details":null}}}`,
	}
	for name, in := range cases {
		obj, out := roundTrip[NamespacedStatuses](t, in)
		if !reflect.DeepEqual(semantic(t, []byte(in)), semantic(t, out)) {
			t.Errorf("%s: round trip changed\nwant: %s\n got: %s", name, in, out)
		}
		c := obj.DeepCopy()
		if !reflect.DeepEqual(c, obj) {
			t.Errorf("%s: DeepCopy differs", name)
		}
	}

	var rlc NamespacedStatuses
	if err := json.Unmarshal([]byte(`{"state":"REJECTED","message":"bad descriptor","observedGeneration":"4"}`), &rlc); err != nil {
		t.Fatal(err)
	}
	if rlc.State.Code != StateRejected || rlc.Message != "bad descriptor" || rlc.ObservedGeneration != (Int64{Value: 4, Quoted: true}) {
		t.Errorf("RateLimitConfig status decoded as %+v", rlc)
	}
	flat, ok := rlc.Flat()
	if !ok || flat.Explanation() != "bad descriptor" {
		t.Errorf("Flat = %+v %v", flat, ok)
	}
}

func st(code StateCode, reason string) Status {
	return Status{State: StateOf(code), Reason: reason}
}

func TestEffectiveIsWorstState(t *testing.T) {
	cases := []struct {
		name   string
		in     NamespacedStatuses
		code   StateCode
		reason string
	}{
		{"nothing reported", NamespacedStatuses{}, StatePending, ""},
		{"apiserver default", NamespacedStatuses{Statuses: map[string]Status{}}, StatePending, ""},
		{"accepted", NamespacedStatuses{Statuses: map[string]Status{"gloo-system": st(StateAccepted, "")}}, StateAccepted, ""},
		{"warning beats accepted", NamespacedStatuses{Statuses: map[string]Status{
			"a": st(StateAccepted, ""), "b": st(StateWarning, "route has no upstream")}}, StateWarning, "route has no upstream"},
		{"pending beats accepted", NamespacedStatuses{Statuses: map[string]Status{
			"a": st(StateAccepted, ""), "b": st(StatePending, "")}}, StatePending, ""},
		{"warning beats pending", NamespacedStatuses{Statuses: map[string]Status{
			"a": st(StatePending, ""), "b": st(StateWarning, "w")}}, StateWarning, "w"},
		{"rejected beats everything, reasons in namespace order", NamespacedStatuses{Statuses: map[string]Status{
			"c": st(StateRejected, "r-c"), "a": st(StateRejected, "r-a"), "b": st(StateWarning, "w"), "d": st(StateRejected, "r-a")}},
			StateRejected, "r-a; r-c"},
		{"flat legacy counts", NamespacedStatuses{Statuses: map[string]Status{"a": st(StateAccepted, "")},
			State: StateOf(StateRejected), Reason: "legacy"}, StateRejected, "legacy"},
		{"flat only", NamespacedStatuses{State: StateOf(StateWarning), Reason: "w"}, StateWarning, "w"},
		{"rate limit config message", NamespacedStatuses{State: ParseState("REJECTED"), Message: "m"}, StateRejected, "m"},
		{"unknown state ranks as pending", NamespacedStatuses{Statuses: map[string]Status{
			"a": st(StateAccepted, ""), "b": {State: ParseState("FOO"), Reason: "?"}}}, StateUnrecognized, "?"},
	}
	for _, c := range cases {
		code, reason := c.in.Summary()
		if code != c.code || reason != c.reason {
			t.Errorf("%s: Summary = %v %q, want %v %q", c.name, code, reason, c.code, c.reason)
		}
		if e := c.in.Effective(); e.State.Code != c.code || e.Reason != c.reason {
			t.Errorf("%s: Effective = %+v", c.name, e)
		}
	}

	// Effective copies the worst reporter and does not alias it.
	in := NamespacedStatuses{Statuses: map[string]Status{"a": {State: StateOf(StateWarning), ReportedBy: "gateway", Messages: []string{"m"}}}}
	e := in.Effective()
	if e.ReportedBy != "gateway" {
		t.Errorf("Effective = %+v", e)
	}
	e.Messages[0] = "changed"
	if in.Statuses["a"].Messages[0] != "m" {
		t.Errorf("Effective aliases the original")
	}

	// An explicit `state: 0` flat status is a reported Pending.
	var zero NamespacedStatuses
	if err := json.Unmarshal([]byte(`{"state":0,"statuses":{"a":{"state":1}}}`), &zero); err != nil {
		t.Fatal(err)
	}
	if code, _ := zero.Summary(); code != StatePending {
		t.Errorf("explicit flat pending ignored: %v", code)
	}
}

func TestNamespacedStatusesAccessors(t *testing.T) {
	var s NamespacedStatuses
	s.Set("gloo-system", st(StateAccepted, ""))
	s.Set("gloo-canary", st(StateRejected, "x"))
	if got := s.Reporters(); !reflect.DeepEqual(got, []string{"gloo-canary", "gloo-system"}) {
		t.Errorf("Reporters = %v", got)
	}
	if got, ok := s.For("gloo-canary"); !ok || got.Reason != "x" {
		t.Errorf("For = %+v %v", got, ok)
	}
	if _, ok := s.For("nope"); ok {
		t.Errorf("For of a missing namespace reported true")
	}
	if _, ok := s.Flat(); ok {
		t.Errorf("no flat status set, Flat reported one")
	}
	out, _ := json.Marshal(s)
	assertJSONEqual(t, []byte(`{"statuses":{"gloo-canary":{"state":2,"reason":"x"},"gloo-system":{"state":1}}}`), out)
}

func TestInt64(t *testing.T) {
	for _, in := range []string{`"3"`, `3`, `"-9223372036854775808"`, `9223372036854775807`} {
		var v Int64
		if err := json.Unmarshal([]byte(in), &v); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		out, _ := json.Marshal(v)
		if string(out) != in {
			t.Errorf("%s written back as %s", in, out)
		}
	}
	var v Int64
	if err := json.Unmarshal([]byte(`"3"`), &v); err != nil || v.Value != 3 || !v.Quoted {
		t.Errorf("got %+v %v", v, err)
	}
	for _, bad := range []string{`"x"`, `1.5`, `true`, `"99999999999999999999"`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s: want an error", bad)
		}
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]Duration{
		0:                                       "0s",
		5 * time.Second:                         "5s",
		1500 * time.Millisecond:                 "1.500s",
		time.Microsecond:                        "0.000001s",
		time.Second + time.Nanosecond:           "1.000000001s",
		-(2*time.Minute + 250*time.Millisecond): "-120.250s",
	} {
		if got := DurationOf(d); got != want {
			t.Errorf("DurationOf(%v) = %q, want %q", d, got, want)
		}
		back, err := want.Duration()
		if err != nil || back != d {
			t.Errorf("%q.Duration() = %v %v, want %v", want, back, err, d)
		}
	}
	if d, err := Duration("").Duration(); d != 0 || err != nil {
		t.Errorf("empty duration: %v %v", d, err)
	}
	if _, err := Duration("soon").Duration(); err == nil {
		t.Errorf("invalid duration parsed")
	}
}

func TestResourceRefAndEmpty(t *testing.T) {
	ref, out := roundTrip[ResourceRef](t, `{"name":"default-petstore-8080","namespace":"gloo-system","kind":"future"}`)
	if ref.Key() != "gloo-system.default-petstore-8080" || ref.String() != ref.Key() {
		t.Errorf("Key = %q", ref.Key())
	}
	assertJSONEqual(t, []byte(`{"name":"default-petstore-8080","namespace":"gloo-system","kind":"future"}`), out)

	e, out := roundTrip[Empty](t, `{}`)
	if string(out) != `{}` || len(e.Unknown) != 0 {
		t.Errorf("Empty round trip: %s", out)
	}
	_, out = roundTrip[Empty](t, `{"newOption":1}`)
	assertJSONEqual(t, []byte(`{"newOption":1}`), out)
}

// One rule decides a Gloo object's state everywhere (Verdict); these are its
// cases, for the installation in gloo-system.
func TestVerdict(t *testing.T) {
	tests := []struct {
		name   string
		status string
		state  StateCode
		reason string
	}{
		{"empty", ``, StatePending, ""},
		{"null", `null`, StatePending, ""},
		{"empty object", `{}`, StatePending, ""},
		{"empty statuses", `{"statuses":{}}`, StatePending, ""},
		{"namespaced int accepted", `{"statuses":{"gloo-system":{"state":1,"reportedBy":"gloo"}}}`, StateAccepted, ""},
		{"namespaced int rejected", `{"statuses":{"gloo-system":{"state":2,"reason":"invalid route","reportedBy":"gloo"}}}`, StateRejected, "invalid route"},
		{"namespaced string rejected", `{"statuses":{"gloo-system":{"state":"Rejected","reason":"invalid route"}}}`, StateRejected, "invalid route"},
		{"namespaced int warning", `{"statuses":{"gloo-system":{"state":3,"reason":"missing upstream"}}}`, StateWarning, "missing upstream"},
		{"namespaced upper-case warning", `{"statuses":{"gloo-system":{"state":"WARNING","reason":"missing upstream"}}}`, StateWarning, "missing upstream"},
		{"flat int rejected", `{"state":2,"reason":"bad","reportedBy":"gateway"}`, StateRejected, "bad"},
		{"flat string warning", `{"state":"Warning","reason":"careful"}`, StateWarning, "careful"},
		{"flat int warning", `{"state":3,"reason":"careful"}`, StateWarning, "careful"},
		{"flat pending", `{"state":0}`, StatePending, ""},
		{"RateLimitConfig rejected uses message", `{"state":"REJECTED","message":"bad descriptor","observedGeneration":3}`, StateRejected, "bad descriptor"},
		{"RateLimitConfig accepted", `{"state":"ACCEPTED","observedGeneration":"3"}`, StateAccepted, ""},
		{"own namespace wins over other reporters", `{"statuses":{"gloo-system":{"state":1},"other-gloo":{"state":2,"reason":"theirs"}}}`, StateAccepted, ""},
		{"own namespace wins over stale flat", `{"state":2,"reason":"stale","statuses":{"gloo-system":{"state":3,"reason":"current"}}}`, StateWarning, "current"},
		{"no own entry: worst of all", `{"statuses":{"a":{"state":1},"b":{"state":2,"reason":"from b"},"c":{"state":3,"reason":"from c"}}}`, StateRejected, "from b"},
		{"no own entry: reasons joined", `{"statuses":{"a":{"state":2,"reason":"x"},"b":{"state":2,"reason":"y"}}}`, StateRejected, "x; y"},
		{"unknown members tolerated", `{"statuses":{"gloo-system":{"state":2,"reason":"r","newField":{"a":1}}},"future":true}`, StateRejected, "r"},
		{"unrecognised state name", `{"state":"Exploded","reason":"?"}`, StateUnrecognized, "?"},
		{"malformed JSON", `{"state":`, StatePending, "Gloo's status could not be read"},
		{"not an object", `"Rejected"`, StatePending, "Gloo's status could not be read"},
		{"array", `[{"state":2}]`, StatePending, "Gloo's status could not be read"},
		{"non-integer state", `{"state":2.5,"reason":"x"}`, StatePending, "Gloo's status could not be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state, reason := Verdict([]byte(tt.status), "gloo-system")
			if state != tt.state || !strings.HasPrefix(reason, tt.reason) || (tt.reason == "" && reason != "") {
				t.Errorf("Verdict(%s) = %v %q, want %v %q", tt.status, state, reason, tt.state, tt.reason)
			}
		})
	}
}

// Without a reporter, the worst state of every reporter decides.
func TestVerdictWithoutReporter(t *testing.T) {
	state, reason := Verdict([]byte(`{"statuses":{"gloo-system":{"state":1},"other-gloo":{"state":2,"reason":"theirs"}}}`), "")
	if state != StateRejected || reason != "theirs" {
		t.Fatalf("got %v %q", state, reason)
	}
}
