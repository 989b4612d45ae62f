package placement

import (
	"errors"
	"sync/atomic"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	clienttesting "k8s.io/client-go/testing"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

// A drift restored in a member stays reported for that generation even
// when the member is synced again, finding the copy as placed, before the
// status queue has written the drift: the status must not depend on which
// queue ran first.
func TestRestoredDriftIsReportedWhenTheMemberIsSyncedAgainBeforeTheStatus(t *testing.T) {
	e := newTestEnv(t, Options{}, "east")
	e.create(fedUpstream("petstore", []string{"east"}, []string{"a"}))
	e.eventually("placed 1/1", func() bool { return e.status(upstreamKind, "petstore").Placed == "1/1" })

	// The status cannot be written meanwhile (as when each write meets a
	// newer object): it is retried with backoff.
	var hold atomic.Bool
	var held atomic.Int64
	hold.Store(true)
	e.reactOnManagement("patch", upstreamKind.Federated.Resource, func(a clienttesting.Action) (bool, runtime.Object, error) {
		if a.GetSubresource() == "status" && hold.Load() {
			held.Add(1)
			return true, nil, apierrors.NewConflict(upstreamKind.Federated.GroupResource(), "petstore", errors.New("held by the test"))
		}
		return false, nil, nil
	})

	east := e.member("east")
	u, err := east.get(upstreams, "a", "petstore")
	if err != nil {
		t.Fatal(err)
	}
	_ = unstructured.SetNestedField(u.Object, int64(9999), "spec", "kube", "servicePort")
	if _, err := east.Resource(upstreams).Namespace("a").Update(e.ctx, u, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	port := func() int64 {
		u, err := east.get(upstreams, "a", "petstore")
		if err != nil {
			t.Fatal(err)
		}
		p, _, _ := unstructured.NestedInt64(u.Object, "spec", "kube", "servicePort")
		return p
	}
	e.c.ClusterChanged()
	e.eventually("restored", func() bool { return port() == 8080 })

	// Synced again: the copy is as placed now.
	reads := func() int {
		n := 0
		for _, a := range east.Actions() {
			if a.GetVerb() == "get" && a.GetResource() == upstreams {
				n++
			}
		}
		return n
	}
	before := reads()
	e.c.ClusterChanged()
	e.eventually("synced again", func() bool { return reads() > before })
	if held.Load() == 0 {
		t.Fatal("the status was never held: the test tests nothing")
	}

	hold.Store(false)
	e.eventually("the status reports the restored drift", func() bool {
		for _, p := range e.status(upstreamKind, "petstore").Placements {
			if p.Cluster == "east" && p.Namespace == "a" {
				return p.Drifted && p.State == fedv1alpha1.PlacementPlaced
			}
		}
		return false
	})
	st := e.status(upstreamKind, "petstore")
	if st.Placements[0].Message != "the placed object had been changed in the member; restored" {
		t.Errorf("message %q", st.Placements[0].Message)
	}
}
