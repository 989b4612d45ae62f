package placement

import (
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clienttesting "k8s.io/client-go/testing"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

// hang makes every request to m wait until the test ends (a member that
// accepted the connection and never answers).
func hang(t *testing.T, m *fakeMember) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	m.setHook(func(clienttesting.Action) error {
		<-release
		return apierrors.NewServiceUnavailable("released")
	})
}

// A member that never answers holds up neither the other members nor the
// other federated objects: their targets are placed and reported while its
// own say Pending.
func TestHungMemberHoldsUpNoOtherMember(t *testing.T) {
	e := newTestEnv(t, Options{Workers: 2}, "east", "west")
	hang(t, e.member("west"))
	names := []string{"a1", "a2", "a3", "a4", "a5", "a6"} // more than the workers
	for _, n := range names {
		e.create(fedUpstream(n, []string{"east", "west"}, []string{"x", "y"}))
	}
	for _, n := range names {
		e.eventually(n+": east placed while west hangs", func() bool {
			s := states(e.status(upstreamKind, n))
			return s["east/x"] == fedv1alpha1.PlacementPlaced && s["east/y"] == fedv1alpha1.PlacementPlaced &&
				s["west/x"] == fedv1alpha1.PlacementPending && s["west/y"] == fedv1alpha1.PlacementPending
		})
		if _, err := e.member("east").get(upstreams, "y", n); err != nil {
			t.Errorf("%s in east: %v", n, err)
		}
	}
	for _, p := range e.status(upstreamKind, "a1").Placements {
		if p.Cluster == "west" && !strings.Contains(p.Message, "west") {
			t.Errorf("a Pending target says where it waits: %q", p.Message)
		}
	}
}

// A failed target is retried with backoff, not at the next resync (an hour
// here): once the object in its way is deleted, it is placed.
func TestFailedTargetIsRetriedWithBackoff(t *testing.T) {
	e := newTestEnv(t, Options{}, "east", "west")
	e.member("west").put(t, upstreams, upstream("x", "petstore"))
	e.create(fedUpstream("petstore", []string{"east", "west"}, []string{"x"}))
	e.eventually("west Failed", func() bool {
		return states(e.status(upstreamKind, "petstore"))["west/x"] == fedv1alpha1.PlacementFailed
	})
	// No event reaches the controller: the object was not Meridian's.
	if err := e.member("west").Resource(upstreams).Namespace("x").Delete(e.ctx, "petstore", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	e.eventually("west placed once the foreign object is gone", func() bool {
		return e.status(upstreamKind, "petstore").Placed == "2/2"
	})
}

// Deleting a federated object waits for a hung member only a bounded
// time: the deletion completes, and an Event says what was left where.
func TestDeletionDoesNotWaitForAHungMember(t *testing.T) {
	e := newTestEnv(t, Options{DeletionWait: 300 * time.Millisecond}, "east", "west")
	e.create(fedUpstream("petstore", []string{"east", "west"}, []string{"x"}))
	e.eventually("placed", func() bool { return e.status(upstreamKind, "petstore").Placed == "2/2" })
	hang(t, e.member("west"))
	e.remove(upstreamKind, "petstore")
	e.eventually("the deletion completes", func() bool { return e.gone(upstreamKind, "petstore") })
	if _, err := e.member("east").get(upstreams, "x", "petstore"); !apierrors.IsNotFound(err) {
		t.Errorf("east still holds its copy: %v", err)
	}
	found := false
	for len(e.recorder.Events) > 0 {
		ev := <-e.recorder.Events
		found = found || (strings.Contains(ev, "CleanupDeferred") && strings.Contains(ev, "west/x"))
	}
	if !found {
		t.Error("no CleanupDeferred Event names west/x")
	}
}
