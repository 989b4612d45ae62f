package v1alpha1_test

import (
	"encoding/json"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	"github.com/meridianfed/meridian/pkg/apis/gloo/internal/fixturetest"
	ratelimitv1alpha1 "github.com/meridianfed/meridian/pkg/apis/gloo/ratelimit/v1alpha1"
)

func TestRateLimitConfigFixtures(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range fixturetest.Load(t, "ratelimitconfigs.yaml", "RateLimitConfig") {
		rlc := fixturetest.RoundTrip(t, d, func(c *ratelimitv1alpha1.RateLimitConfig) {
			c.Spec.Raw.Descriptors[0].Key = "mutated"
			c.Status.Message = "mutated"
		})
		seen[rlc.Name] = true
		raw := rlc.Spec.Raw
		switch rlc.Name {
		case "payments-limits":
			if raw.Descriptors[0].Key != "generic_key" || raw.Descriptors[0].RateLimit.RequestsPerUnit != 100 ||
				*raw.Descriptors[0].RateLimit.Unit != intstr.FromString("MINUTE") ||
				raw.RateLimits[0].Actions[0].GenericKey.DescriptorValue != "counter" {
				t.Errorf("%v: raw %+v", d, raw)
			}
			// RateLimitConfig's own status form: upper-case state, quoted observedGeneration.
			if rlc.Status.State.Code != core.StateAccepted || rlc.Status.State.Text() != "ACCEPTED" ||
				rlc.Status.ObservedGeneration != (core.Int64{Value: 1, Quoted: true}) {
				t.Errorf("%v: status %+v", d, rlc.Status)
			}
			if code, reason := rlc.Status.Summary(); code != core.StateAccepted || reason != "" {
				t.Errorf("%v: summary %v %q", d, code, reason)
			}
		case "per-user-limits":
			nested := raw.Descriptors[1]
			if nested.Weight != 1 || !nested.AlwaysApply || nested.Descriptors[0].Key != "x-user-id" ||
				nested.Descriptors[0].RateLimit.RequestsPerUnit != 1000 || raw.RateLimits[0].Actions[0].RemoteAddress == nil ||
				raw.RateLimits[1].Actions[1].RequestHeaders.DescriptorKey != "x-user-id" ||
				raw.RateLimits[2].SetActions[1].HeaderValueMatch == nil ||
				raw.SetDescriptors[0].SimpleDescriptors[1].Value != "write" || raw.SetDescriptors[0].AlwaysApply ||
				!raw.SetDescriptors[0].Unknown.Has("alwaysApply") {
				t.Errorf("%v: raw %+v", d, raw)
			}
			if code, reason := rlc.Status.Summary(); code != core.StateRejected || reason != rlc.Status.Message || reason == "" {
				t.Errorf("%v: summary %v %q", d, code, reason)
			}
			if rlc.Status.ObservedGeneration != (core.Int64{Value: 3}) {
				t.Errorf("%v: observedGeneration %+v", d, rlc.Status.ObservedGeneration)
			}
		case "catalog-limits":
			if raw.RateLimits[0].Limit == nil {
				t.Errorf("%v: limit not kept", d)
			}
			st, ok := rlc.Status.For("gloo-system")
			if !ok || st.State.Code != core.StatePending || st.State.Text() != "PENDING" {
				t.Errorf("%v: namespaced status %+v", d, st)
			}
		}
	}
	if len(seen) != 3 {
		t.Errorf("want 3 rate limit configs, got %v", seen)
	}
}

// The RateLimitConfig CRD preserves unknown fields from the root, so members
// next to spec and status must survive as well.
func TestTopLevelUnknownMembers(t *testing.T) {
	in := `{"apiVersion":"ratelimit.solo.io/v1alpha1","kind":"RateLimitConfig","metadata":{"name":"x","namespace":"y"},
		"spec":{"raw":{"descriptors":[{"key":"k","rateLimit":{"unit":2,"requestsPerUnit":1}}]},"future":{"a":1}},
		"annotationsV2":{"owner":"team"},"status":{"state":"ACCEPTED","message":""}}`
	var rlc ratelimitv1alpha1.RateLimitConfig
	if err := json.Unmarshal([]byte(in), &rlc); err != nil {
		t.Fatal(err)
	}
	if !rlc.Unknown.Has("annotationsV2") || !rlc.Spec.Unknown.Has("future") || *rlc.Spec.Raw.Descriptors[0].RateLimit.Unit != intstr.FromInt32(2) {
		t.Errorf("decoded %+v", rlc)
	}
	out, err := json.Marshal(rlc)
	if err != nil {
		t.Fatal(err)
	}
	fixturetest.AssertSameJSON(t, "top-level unknown members", []byte(in), out)
}

func TestSchemeRegistration(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := ratelimitv1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"RateLimitConfig", "RateLimitConfigList"} {
		if obj, err := scheme.New(ratelimitv1alpha1.SchemeGroupVersion.WithKind(k)); err != nil || obj.DeepCopyObject() == nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	if ratelimitv1alpha1.SchemeGroupVersion.String() != "ratelimit.solo.io/v1alpha1" {
		t.Errorf("group version %v", ratelimitv1alpha1.SchemeGroupVersion)
	}
}

func TestEveryStructPreservesUnknownMembers(t *testing.T) {
	fixturetest.AssertAllPreserving(t, ratelimitv1alpha1.RateLimitConfig{}, ratelimitv1alpha1.RateLimitConfigList{})
}
