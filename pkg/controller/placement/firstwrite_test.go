package placement

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

func upstreamActions(m *fakeMember) map[string]int {
	out := map[string]int{}
	for _, a := range m.Actions() {
		if a.GetResource().Resource == "upstreams" {
			out[a.GetVerb()]++
		}
	}
	return out
}

// With the views synced and showing no copy, a first placement is one
// request to the member: an apply that may only create (a foreign object
// there makes it a conflict), not a read and then an apply.
func TestFirstPlacementIsOneRequest(t *testing.T) {
	e := newTestEnvWithViews(t, "east")
	e.create(fedUpstream("petstore", []string{"east"}, []string{"a", "b"}))
	e.eventually("placed", func() bool {
		s := states(e.status(Kinds[0], "petstore"))
		return s["east/a"] == fedv1alpha1.PlacementPlaced && s["east/b"] == fedv1alpha1.PlacementPlaced
	})
	if got := upstreamActions(e.member("east")); got["get"] != 0 || got["patch"] != 2 {
		t.Errorf("member requests %v, want 2 applies and no read", got)
	}
}

// The one-request first placement never takes over an object it did not
// create: the views do not show an object without Meridian's owner label,
// and the create-only apply meets it as a conflict, then judges it.
func TestFirstPlacementLeavesAForeignObject(t *testing.T) {
	e := newTestEnvWithViews(t, "east")
	foreign := upstream("a", "petstore")
	_ = unstructured.SetNestedField(foreign.Object, "handmade", "spec", "kube", "serviceName")
	e.member("east").put(t, Kinds[0].Member, foreign)
	e.create(fedUpstream("petstore", []string{"east"}, []string{"a"}))
	e.eventually("Failed", func() bool { return states(e.status(Kinds[0], "petstore"))["east/a"] == fedv1alpha1.PlacementFailed })
	if p := e.status(Kinds[0], "petstore").Placements[0]; !strings.Contains(p.Message, "that Meridian did not create exists there: left untouched") {
		t.Errorf("message %q", p.Message)
	}
	got, err := e.member("east").get(Kinds[0].Member, "a", "petstore")
	if err != nil {
		t.Fatal(err)
	}
	if name, _, _ := unstructured.NestedString(got.Object, "spec", "kube", "serviceName"); name != "handmade" || got.GetAnnotations()[OwnerAnnotation] != "" {
		t.Errorf("the foreign object was touched: %v", got.Object)
	}
}
