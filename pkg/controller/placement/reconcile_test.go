package placement

import (
	"testing"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

var upstreams = upstreamKind.Member

// Every target is placed and reported; the placed object carries the
// ownership marks.
func TestReconcilePlacesEveryTargetAndReportsIt(t *testing.T) {
	e := newTestEnv(t, Options{}, "east", "west")
	e.create(fedUpstream("petstore", []string{"east", "west"}, []string{"a", "b"}))
	e.eventually("placed 4/4", func() bool { return e.status(upstreamKind, "petstore").Placed == "4/4" })
	for _, c := range []string{"east", "west"} {
		for _, ns := range []string{"a", "b"} {
			u, err := e.member(c).get(upstreams, ns, "petstore")
			if err != nil {
				t.Fatalf("%s/%s: %v", c, ns, err)
			}
			if got := u.GetAnnotations()[OwnerAnnotation]; got != "FederatedUpstream/fed/petstore" {
				t.Errorf("%s/%s: owner %q", c, ns, got)
			}
		}
	}
	for target, s := range states(e.status(upstreamKind, "petstore")) {
		if s != fedv1alpha1.PlacementPlaced {
			t.Errorf("%s: %s", target, s)
		}
	}
}
