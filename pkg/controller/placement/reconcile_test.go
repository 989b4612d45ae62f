package placement

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	clienttesting "k8s.io/client-go/testing"

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

// Placing starts as soon as the finalizer is on, not when its update comes
// back as an event: on a busy management cluster that round trip is a
// queue's wait per object.
func TestPlacingStartsOnceTheFinalizerIsOnWithoutWaitingForItsEvent(t *testing.T) {
	e := newTestEnv(t, Options{}, "east")
	// The finalizer's patch is answered, and its update held back.
	e.reactOnManagement("patch", upstreamKind.Federated.Resource, func(a clienttesting.Action) (bool, runtime.Object, error) {
		pa := a.(clienttesting.PatchActionImpl)
		if pa.GetSubresource() != "" || !strings.Contains(string(pa.GetPatch()), Finalizer) {
			return false, nil, nil
		}
		o, err := e.mgmt.Tracker().Get(upstreamKind.Federated, pa.GetNamespace(), pa.GetName())
		if err != nil {
			return true, nil, err
		}
		u := o.(*unstructured.Unstructured).DeepCopy()
		u.SetFinalizers(append(u.GetFinalizers(), Finalizer))
		return true, u, nil
	})
	e.create(fedUpstream("petstore", []string{"east"}, []string{"a"}))
	e.eventually("placed in east", func() bool {
		_, err := e.member("east").get(upstreams, "a", "petstore")
		return err == nil
	})
}
