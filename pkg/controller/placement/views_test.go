package placement

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// A view read back as a member object compares equal to what the
// controller applied (no false drift): member name, no cluster label,
// integers as integers.
func TestViewComparesEqualToWhatWasPlaced(t *testing.T) {
	f := &federated{Kind: Kinds[0], Namespace: "fed", Name: "petstore", Generation: 3,
		Body: map[string]any{"spec": map[string]any{"kube": map[string]any{"serviceName": "petstore", "servicePort": int64(8080)}}}}
	want, err := f.desired("east", "team-a")
	if err != nil {
		t.Fatal(err)
	}
	lbls := want.GetLabels()
	lbls[viewsv1alpha1.ClusterLabel] = "east"
	view := &viewsv1alpha1.Upstream{
		ObjectMeta: metav1.ObjectMeta{Name: "east.petstore", Namespace: "team-a", UID: "u1", Labels: lbls, Annotations: want.GetAnnotations()},
		Spec:       viewsv1alpha1.RawJSON(`{"kube":{"serviceName":"petstore","servicePort":8080}}`),
		Status:     viewsv1alpha1.RawJSON(`{"statuses":{"gloo-system":{"state":"Accepted"}}}`),
	}
	got, err := memberObject(f.Kind, "east", view)
	if err != nil {
		t.Fatal(err)
	}
	if got.GetName() != "petstore" || got.GetNamespace() != "team-a" || got.GetUID() != "u1" {
		t.Errorf("identity: %s/%s %s", got.GetNamespace(), got.GetName(), got.GetUID())
	}
	if _, ok := got.GetLabels()[viewsv1alpha1.ClusterLabel]; ok {
		t.Errorf("the cluster label is the view's, not the member's")
	}
	if g, c := compare(got, want); !g || !c {
		t.Errorf("same generation %v, same content %v: %v vs %v", g, c, got.Object["spec"], want.Object["spec"])
	}
	if state, _ := glooState(got); state != "Accepted" {
		t.Errorf("Gloo state %q", state)
	}

	// A hand edit is a difference.
	view.Spec = viewsv1alpha1.RawJSON(`{"kube":{"serviceName":"petstore","servicePort":9999}}`)
	got, _ = memberObject(f.Kind, "east", view)
	if g, c := compare(got, want); !g || c {
		t.Errorf("a hand edit: same generation %v, same content %v", g, c)
	}
}

func TestExpectationsTrustAWriteUntilTheViewsShowIt(t *testing.T) {
	e := newExpectations()
	k := expectKey{Resource: "federatedupstreams", Cluster: "east", Namespace: "a", Name: "x"}
	if _, ok := e.pending(k); ok {
		t.Fatal("nothing written yet")
	}
	written := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{}}}
	e.set(k, written)
	if got, ok := e.pending(k); !ok || got != written {
		t.Fatal("a fresh write is pending")
	}
	e.forget(k)
	if _, ok := e.pending(k); ok {
		t.Fatal("forgotten")
	}
	e.m[k] = expectation{applied: written, at: time.Now().Add(-2 * expectTTL)}
	if _, ok := e.pending(k); ok {
		t.Fatal("an old write is not trusted over the views")
	}
	e.m[k] = expectation{applied: written, at: time.Now().Add(-2 * expectTTL)}
	e.expire()
	if len(e.m) != 0 {
		t.Fatal("expire drops old writes")
	}
}

func TestPendingReasonNamesTheInstallationThatShouldReport(t *testing.T) {
	gi := func(name string, watched ...string) *viewsv1alpha1.GlooInstance {
		return &viewsv1alpha1.GlooInstance{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: viewsv1alpha1.GlooInstanceSpec{Cluster: "east", ControlPlane: viewsv1alpha1.ControlPlane{WatchedNamespaces: watched}}}
	}
	for _, c := range []struct {
		instances []*viewsv1alpha1.GlooInstance
		want      string
	}{
		{nil, "no Gloo installation is discovered in cluster east"},
		{[]*viewsv1alpha1.GlooInstance{gi("east.gloo-system")}, "waiting for Gloo (east.gloo-system) to report on it"},
		{[]*viewsv1alpha1.GlooInstance{gi("east.gloo-a", "team-b"), gi("east.gloo-b", "team-a", "team-c")}, "waiting for Gloo (east.gloo-b)"},
		{[]*viewsv1alpha1.GlooInstance{gi("east.gloo-a", "team-b", "team-c")}, "no Gloo installation in cluster east watches namespace team-a (east.gloo-a watches team-b,team-c)"},
	} {
		if got := pendingReason("east", "team-a", c.instances); !strings.HasPrefix(got, c.want) {
			t.Errorf("got %q, want %q...", got, c.want)
		}
	}
}

func TestSecretLeftoversAreRecordedPerTarget(t *testing.T) {
	f := &federated{Kind: Kinds[len(Kinds)-1], Namespace: "fed", Name: "tls",
		Status: fedv1alpha1.FederatedStatus{Placements: []fedv1alpha1.PlacementStatus{
			{Cluster: "east", Namespace: "a", State: fedv1alpha1.PlacementPlaced, ObservedGeneration: 3},
			{Cluster: "gone", Namespace: "b", State: fedv1alpha1.PlacementPlaced, ObservedGeneration: 3},
			// Never placed (ObservedGeneration 0): nothing is left there.
			{Cluster: "typo", Namespace: "b", State: fedv1alpha1.PlacementInvalid},
			// Placed at generation 2, Invalid since: the copy of 2 is left.
			{Cluster: "left", Namespace: "c", State: fedv1alpha1.PlacementInvalid, ObservedGeneration: 2},
		}}}
	if !f.Kind.Secret {
		t.Fatal("the last kind is FederatedSecret")
	}
	registered := map[string]*fedv1alpha1.KubernetesCluster{"east": {}, "west": {}}
	stale := []fedv1alpha1.PlacementStatus{{Cluster: "west", Namespace: "a", State: fedv1alpha1.PlacementStale}}
	got := secretLeftovers(f, stale, registered)
	want := []leftover{
		{Cluster: "west", Namespace: "a", Name: "tls", Owner: "FederatedSecret/fed/tls"},
		{Cluster: "gone", Namespace: "b", Name: "tls", Owner: "FederatedSecret/fed/tls"},
		{Cluster: "left", Namespace: "c", Name: "tls", Owner: "FederatedSecret/fed/tls"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: got %v, want %v", i, got[i], want[i])
		}
		back, ok := parseLeftover(got[i].key(), got[i].Owner)
		if !ok || back != got[i] {
			t.Errorf("the record key does not read back: %q -> %v", got[i].key(), back)
		}
	}
	if _, ok := parseLeftover("no-separators", "x"); ok {
		t.Error("a foreign key is not a record")
	}
}

// The Gloo state of a target is what core.Verdict decides, for every status
// form, unreadable ones and none at all included.
func TestGlooStateIsTheVerdict(t *testing.T) {
	for _, status := range []any{nil, "Rejected", map[string]any{}, map[string]any{"state": "bogus", "reason": "r"},
		map[string]any{"statuses": map[string]any{"gloo-system": map[string]any{"state": int64(2), "reason": "bad"}}}} {
		o := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "gloo.solo.io/v1", "kind": "Upstream"}}
		var raw []byte
		if status != nil {
			o.Object["status"] = status
			raw, _ = json.Marshal(status)
		}
		state, reason := glooState(o)
		code, want := core.Verdict(raw, "")
		if state != code.String() || reason != want {
			t.Errorf("%v: glooState %q %q, verdict %s %q", status, state, reason, code, want)
		}
	}
}

// A copy changing in one member (as the views show it) is synced in that
// member only: the others are not asked again for it.
func TestAChangedCopyIsSyncedInItsOwnMemberOnly(t *testing.T) {
	e := newTestEnvWithViews(t, "east", "west")
	e.create(fedUpstream("petstore", []string{"east", "west"}, []string{"a"}))
	e.eventually("placed 2/2", func() bool { return e.status(upstreamKind, "petstore").Placed == "2/2" })

	u, err := e.member("east").get(upstreams, "a", "petstore")
	if err != nil {
		t.Fatal(err)
	}
	lbls := u.GetLabels()
	lbls[viewsv1alpha1.ClusterLabel] = "east"
	spec, err := json.Marshal(u.Object["spec"])
	if err != nil {
		t.Fatal(err)
	}
	view := &viewsv1alpha1.Upstream{
		ObjectMeta: metav1.ObjectMeta{Name: viewsv1alpha1.ClusterName("east", "petstore"), Namespace: "a", UID: u.GetUID(), Labels: lbls, Annotations: u.GetAnnotations()},
		Spec:       viewsv1alpha1.RawJSON(spec),
	}
	east, west := e.memberSyncs("east"), e.memberSyncs("west")
	if err := e.views.Tracker().Add(view); err != nil {
		t.Fatal(err)
	}
	e.eventually("east synced", func() bool { return e.memberSyncs("east") > east })
	time.Sleep(300 * time.Millisecond) // what else the change causes
	if got := e.memberSyncs("west"); got != west {
		t.Errorf("west synced %d more times for a change in east", got-west)
	}
}
