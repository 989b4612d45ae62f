package placement

import (
	"errors"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/klog/v2"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

// A failed reconcile is requeued with backoff; the rate limiter must work
// (a limiter without its token bucket panicked the worker).
func TestFailedReconcilesAreRequeuedWithBackoff(t *testing.T) {
	c := New(nil, nil, nil, Options{}, klog.Background())
	defer c.queue.ShutDown()
	k := key{Resource: "federatedupstreams", Namespace: "ns", Name: "a"}
	for range 5 {
		c.queue.AddRateLimited(k)
	}
	if n := c.queue.NumRequeues(k); n != 5 {
		t.Fatalf("requeues: %d", n)
	}
	c.queue.Forget(k)
	if n := c.queue.NumRequeues(k); n != 0 {
		t.Fatalf("after Forget: %d", n)
	}
}

// judge writes only what is missing or differs, and never over an object
// Meridian does not own.
func TestJudgeWritesOnlyWhatIsMissingOrChangedAndOwned(t *testing.T) {
	f := &federated{Kind: Kinds[0], Namespace: "fed", Name: "petstore", Generation: 2,
		Body: map[string]any{"spec": map[string]any{"kube": map[string]any{"servicePort": int64(8080)}}}}
	want, err := f.desired("east", "a")
	if err != nil {
		t.Fatal(err)
	}
	placed := fedv1alpha1.PlacementStatus{Cluster: "east", Namespace: "a", State: fedv1alpha1.PlacementPlaced}
	with := func(edit func(u *unstructured.Unstructured)) *unstructured.Unstructured {
		u := want.DeepCopy()
		edit(u)
		return u
	}
	for _, c := range []struct {
		name    string
		cur     *unstructured.Unstructured
		readErr error
		write   bool
		state   fedv1alpha1.PlacementState
		drifted bool
		message string
	}{
		{name: "absent", write: true, state: fedv1alpha1.PlacementPlaced},
		{name: "as placed", cur: want.DeepCopy(), state: fedv1alpha1.PlacementPlaced},
		{name: "edited by hand", cur: with(func(u *unstructured.Unstructured) {
			_ = unstructured.SetNestedField(u.Object, int64(9999), "spec", "kube", "servicePort")
		}), write: true, state: fedv1alpha1.PlacementPlaced, drifted: true},
		// A FailoverScheme's controller owns the Upstream's spec.failover
		// (server-side apply keeps it through the placement's applies): it
		// is not drift, and nothing is written for it.
		{name: "spec.failover written by a FailoverScheme", cur: with(func(u *unstructured.Unstructured) {
			_ = unstructured.SetNestedField(u.Object, map[string]any{"prioritizedLocalities": []any{}}, "spec", "failover")
		}), state: fedv1alpha1.PlacementPlaced},
		{name: "label removed by hand", cur: with(func(u *unstructured.Unstructured) { u.SetLabels(nil) }), write: true, state: fedv1alpha1.PlacementPlaced, drifted: true},
		{name: "placed from an older generation", cur: with(func(u *unstructured.Unstructured) {
			a := u.GetAnnotations()
			a[GenerationAnnotation] = "1"
			u.SetAnnotations(a)
			_ = unstructured.SetNestedField(u.Object, int64(80), "spec", "kube", "servicePort")
		}), write: true, state: fedv1alpha1.PlacementPlaced},
		{name: "not Meridian's", cur: with(func(u *unstructured.Unstructured) { u.SetAnnotations(nil) }), state: fedv1alpha1.PlacementFailed, message: "that Meridian did not create exists there: left untouched"},
		{name: "another federated object's", cur: with(func(u *unstructured.Unstructured) {
			u.SetAnnotations(map[string]string{OwnerAnnotation: "FederatedUpstream/fed/other"})
		}), state: fedv1alpha1.PlacementFailed, message: "belongs to FederatedUpstream/fed/other: left untouched"},
		// The status is read by whoever may read this federated object: it
		// names no object of a namespace they may not see.
		{name: "another namespace's federated object's", cur: with(func(u *unstructured.Unstructured) {
			u.SetAnnotations(map[string]string{OwnerAnnotation: "FederatedUpstream/team-b/secret-project"})
		}), state: fedv1alpha1.PlacementFailed, message: "belongs to a federated object of another namespace: left untouched"},
		{name: "unreadable", readErr: errors.New("connection refused"), state: fedv1alpha1.PlacementFailed, message: "reading the member: connection refused"},
	} {
		p, write := judge(f, want, c.cur, c.readErr, placed)
		if write != c.write || p.State != c.state || p.Drifted != c.drifted || !strings.Contains(p.Message, c.message) {
			t.Errorf("%s: write %v, %s drifted=%v %q", c.name, write, p.State, p.Drifted, p.Message)
		}
		if strings.Contains(p.Message, "team-b") || strings.Contains(p.Message, "secret-project") {
			t.Errorf("%s: the message names another namespace's object: %q", c.name, p.Message)
		}
	}
}

// Every owner reference the controller writes names its federated object
// again; anything else is no reference of the controller's.
func TestOwnerKeyReadsBackEveryOwnerRef(t *testing.T) {
	for _, k := range Kinds {
		got, ok := ownerKey(ownerRef(k, "team-a", "petstore.v2"))
		if want := (key{Resource: k.Federated.Resource, Namespace: "team-a", Name: "petstore.v2"}); !ok || got != want {
			t.Errorf("%s: %v %v", k.FederatedKind, got, ok)
		}
	}
	for _, ref := range []string{"", "FederatedUpstream/only-two", "Upstream/a/b"} {
		if _, ok := ownerKey(ref); ok {
			t.Errorf("%q read as an owner reference", ref)
		}
	}
}
