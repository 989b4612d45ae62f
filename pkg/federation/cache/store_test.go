package cache

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unsafe"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

func upstream(cluster, ns, name, rv string, labels map[string]string) Object {
	return &viewsv1alpha1.Upstream{ObjectMeta: metav1.ObjectMeta{
		Namespace: ns, Name: viewsv1alpha1.ClusterName(cluster, name), ResourceVersion: rv, Labels: labels,
	}, Spec: viewsv1alpha1.RawJSON(`{"static":{"hosts":[{"addr":"` + name + `","port":80}]}}`)}
}

func newTestStore() *Store {
	return NewStore(func() Object { return &viewsv1alpha1.Upstream{} }, 0)
}

// drain reads what the watcher has buffered, without waiting.
func drain(w *Watcher) []watch.Event {
	var out []watch.Event
	for {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				return out
			}
			out = append(out, ev)
		case <-time.After(20 * time.Millisecond):
			return out
		}
	}
}

func summary(evs []watch.Event) []string {
	var out []string
	for _, ev := range evs {
		o := ev.Object.(Object)
		out = append(out, fmt.Sprintf("%s %s", ev.Type, o.GetName()))
	}
	return out
}

func equal(t *testing.T, got, want []string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestVectorRoundTrip(t *testing.T) {
	v := Vector{"east": 12345, "west": 1, "a-very-long-cluster-name-of-sixty-three-characters-is-still-ok": 1 << 40}
	got, err := DecodeVector(v.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(v) {
		t.Fatalf("got %v want %v", got, v)
	}
	if Vector(nil).Encode() == "" {
		t.Fatal("an empty vector must still encode to a non-empty resourceVersion")
	}
	for _, bad := range []string{"", "0", "12345", "!!!", Vector{"east": 1}.Encode()[:3]} {
		if _, err := DecodeVector(bad); err == nil {
			t.Errorf("DecodeVector(%q) accepted a resourceVersion Meridian never gave out", bad)
		}
	}
}

func TestResumeLosesAndRepeatsNothing(t *testing.T) {
	s := newTestStore()
	s.Replace("east", []Object{upstream("east", "gloo-system", "a", "10", nil)}, 10)
	s.Replace("west", []Object{upstream("west", "gloo-system", "b", "20", nil)}, 20)
	list, v0 := s.Snapshot(nil)
	if len(list) != 2 {
		t.Fatalf("listed %d objects", len(list))
	}

	// Changes after the list: the client has seen some of them on a watch
	// that broke; it resumes from the last event's resourceVersion.
	w1, err := s.Watch(WatchOptions{From: v0})
	if err != nil {
		t.Fatal(err)
	}
	s.Upsert("east", upstream("east", "gloo-system", "a", "11", nil), 11)
	s.Upsert("west", upstream("west", "gloo-system", "c", "21", nil), 21)
	seen := drain(w1)
	equal(t, summary(seen), []string{"MODIFIED east.a", "ADDED west.c"})
	w1.Stop()
	s.Delete("east", "gloo-system", "east.a", 12)
	s.Upsert("west", upstream("west", "gloo-system", "b", "22", nil), 22)

	last, err := DecodeVector(seen[0].Object.(Object).GetResourceVersion())
	if err != nil {
		t.Fatal(err)
	}
	w2, err := s.Watch(WatchOptions{From: last})
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Stop()
	// Replayed per cluster, each in its own order.
	equal(t, summary(drain(w2)), []string{"DELETED east.a", "ADDED west.c", "MODIFIED west.b"})
}

func TestResumeOnABehindReplicaSkipsWhatTheClientHas(t *testing.T) {
	// Replica A saw east up to 15; replica B has only reached 11. A client
	// resuming on B from A's position must not get 11..15 again.
	b := newTestStore()
	b.Replace("east", []Object{upstream("east", "ns", "a", "10", nil)}, 10)
	b.Upsert("east", upstream("east", "ns", "a", "11", nil), 11)
	w, err := b.Watch(WatchOptions{From: Vector{"east": 15}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	b.Upsert("east", upstream("east", "ns", "b", "14", nil), 14)
	b.Upsert("east", upstream("east", "ns", "c", "16", nil), 16)
	equal(t, summary(drain(w)), []string{"ADDED east.c"})
}

func TestGoneWhenHistoryIsMissingOrClusterLeft(t *testing.T) {
	s := NewStore(func() Object { return &viewsv1alpha1.Upstream{} }, 2)
	s.Replace("east", nil, 10)
	for i := uint64(11); i <= 15; i++ {
		s.Upsert("east", upstream("east", "ns", fmt.Sprint("o", i), fmt.Sprint(i), nil), i)
	}
	var g *ErrGone
	if _, err := s.Watch(WatchOptions{From: Vector{"east": 11}}); !errors.As(err, &g) {
		t.Fatalf("resuming before the kept history: got %v, want ErrGone", err)
	}
	if w, err := s.Watch(WatchOptions{From: Vector{"east": 13}}); err != nil {
		t.Fatalf("resuming inside the kept history: %v", err)
	} else {
		equal(t, summary(drain(w)), []string{"ADDED east.o14", "ADDED east.o15"})
		w.Stop()
	}
	if _, err := s.Watch(WatchOptions{From: Vector{"east": 15, "gone": 3}}); !errors.As(err, &g) {
		t.Fatalf("resuming with a cluster the store does not hold: got %v, want ErrGone", err)
	}
}

func TestMembershipChangesKeepWatchesOpen(t *testing.T) {
	s := newTestStore()
	s.Replace("east", []Object{upstream("east", "ns", "a", "1", nil)}, 1)
	w, err := s.Watch(WatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	s.Replace("west", []Object{upstream("west", "ns", "x", "5", nil), upstream("west", "ns", "y", "5", nil)}, 5)
	s.RemoveCluster("east")
	evs := drain(w)
	equal(t, summary(evs), []string{"ADDED west.x", "ADDED west.y", "DELETED east.a"})
	v, _ := DecodeVector(evs[2].Object.(Object).GetResourceVersion())
	if _, ok := v["east"]; ok {
		t.Fatalf("after east left, the vector still names it: %v", v)
	}
	if v["west"] != 5 {
		t.Fatalf("vector %v, want west at 5", v)
	}
	// A client resuming from before west joined gets west in full.
	w2, err := s.Watch(WatchOptions{From: Vector{}})
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Stop()
	equal(t, summary(drain(w2)), []string{"ADDED west.x", "ADDED west.y"})
}

func TestFilterTurnsLabelChangesIntoAddedAndDeleted(t *testing.T) {
	s := newTestStore()
	s.Replace("east", []Object{upstream("east", "ns", "a", "1", map[string]string{"team": "a"})}, 1)
	w, err := s.Watch(WatchOptions{Filter: func(_ string, o Object) bool { return o.GetLabels()["team"] == "a" }})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	s.Upsert("east", upstream("east", "ns", "a", "2", map[string]string{"team": "b"}), 2)
	s.Upsert("east", upstream("east", "ns", "a", "3", map[string]string{"team": "a"}), 3)
	s.Upsert("east", upstream("east", "ns", "z", "4", map[string]string{"team": "z"}), 4)
	equal(t, summary(drain(w)), []string{"DELETED east.a", "ADDED east.a"})
}

func TestInitialEventsEndWithBookmark(t *testing.T) {
	s := newTestStore()
	s.Replace("east", []Object{upstream("east", "ns", "b", "1", nil), upstream("east", "ns", "a", "1", nil)}, 7)
	w, err := s.Watch(WatchOptions{SendInitialEvents: true, InitialEventsBookmark: true, Bookmarks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	evs := drain(w)
	if len(evs) != 3 || evs[2].Type != watch.Bookmark {
		t.Fatalf("got %v, want two ADDED and a BOOKMARK", summary(evs))
	}
	bm := evs[2].Object.(Object)
	if bm.GetAnnotations()[InitialEventsEndAnnotation] != "true" {
		t.Fatal("the initial-events bookmark is not annotated")
	}
	v, err := DecodeVector(bm.GetResourceVersion())
	if err != nil || v["east"] != 7 {
		t.Fatalf("bookmark resourceVersion %v (%v), want east at 7", v, err)
	}
	s.Progress("east", 9)
	evs = drain(w)
	if len(evs) != 1 || evs[0].Type != watch.Bookmark {
		t.Fatalf("progress without change: got %v, want a BOOKMARK", summary(evs))
	}
}

func TestSlowWatcherIsClosedNotBlocking(t *testing.T) {
	s := newTestStore()
	s.Replace("east", nil, 1)
	w, err := s.Watch(WatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		for i := uint64(2); i < 3*watchBuffer; i++ {
			s.Upsert("east", upstream("east", "ns", fmt.Sprint("o", i), fmt.Sprint(i), nil), i)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a watcher that never reads stalled the store")
	}
	n := 0
	for range w.ResultChan() {
		n++
	}
	// It got what fit in its buffers, in order, and then its watch ended:
	// the client resumes from the last resourceVersion it received.
	if n == 0 || n >= 3*watchBuffer-2 {
		t.Fatalf("the slow watcher got %d of %d events before it was closed", n, 3*watchBuffer-2)
	}
	w.Stop() // safe after the store closed it
}

func TestConfirmDetectsAStaleCluster(t *testing.T) {
	s := newTestStore()
	// Live lists name member objects; the store finds their views (a
	// member name with dots too).
	s.Replace("east", []Object{upstream("east", "ns", "a.b", "10", nil)}, 10)
	key := viewsv1alpha1.ObjectRef{Namespace: "ns", Name: "a.b"}
	keyB := viewsv1alpha1.ObjectRef{Namespace: "ns", Name: "b"}

	if !s.Confirm("east", map[viewsv1alpha1.ObjectRef]uint64{key: 10}, 30) {
		t.Fatal("the cache holds exactly the member's state: confirmed")
	}
	if _, v := s.Snapshot(nil); v["east"] != 30 {
		t.Fatalf("a confirmed list is as new as the live read: vector %v", v)
	}
	if s.Confirm("east", map[viewsv1alpha1.ObjectRef]uint64{key: 10, keyB: 31}, 32) {
		t.Fatal("an object created in the member is not in the cache yet: not confirmed")
	}
	if s.Confirm("east", map[viewsv1alpha1.ObjectRef]uint64{key: 33}, 33) {
		t.Fatal("an object changed in the member is older in the cache: not confirmed")
	}
	if s.Confirm("east", map[viewsv1alpha1.ObjectRef]uint64{}, 34) {
		t.Fatal("an object deleted in the member is still in the cache: not confirmed")
	}
	s.Upsert("east", upstream("east", "ns", "a.b", "40", nil), 40)
	if !s.Confirm("east", map[viewsv1alpha1.ObjectRef]uint64{key: 33}, 35) {
		t.Fatal("the cache is newer than the live read: confirmed")
	}
}

// A watch for a user who may see only east carries only east in every
// resourceVersion it sends, and no bookmark moves on west's activity alone:
// nothing in it tells that west exists.
func TestWatchRevealsNothingOfHiddenClusters(t *testing.T) {
	s := newTestStore()
	s.Replace("east", []Object{upstream("east", "ns", "a", "10", nil)}, 10)
	s.Replace("west", []Object{upstream("west", "ns", "b", "20", nil)}, 20)
	visible := func(c string) bool { return c == "east" }
	w, err := s.Watch(WatchOptions{
		SendInitialEvents: true, InitialEventsBookmark: true, Bookmarks: true,
		Filter:  func(c string, _ Object) bool { return visible(c) },
		Visible: visible,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	s.Upsert("west", upstream("west", "ns", "b", "21", nil), 21)
	s.Progress("west", 25)
	s.Upsert("east", upstream("east", "ns", "a", "11", nil), 11)
	s.Progress("east", 12)
	evs := drain(w)
	var kinds []string
	for _, ev := range evs {
		kinds = append(kinds, string(ev.Type))
		v, err := DecodeVector(ev.Object.(Object).GetResourceVersion())
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := v["west"]; ok {
			t.Errorf("%s event's resourceVersion names west: %v", ev.Type, v)
		}
	}
	equal(t, kinds, []string{"ADDED", "BOOKMARK", "MODIFIED", "BOOKMARK"})

	// Resuming from such a resourceVersion works, and still says nothing of west.
	last, _ := DecodeVector(evs[len(evs)-1].Object.(Object).GetResourceVersion())
	w2, err := s.Watch(WatchOptions{From: last, Filter: func(c string, _ Object) bool { return visible(c) }, Visible: visible})
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Stop()
	s.Upsert("east", upstream("east", "ns", "c", "13", nil), 13)
	got := drain(w2)
	equal(t, summary(got), []string{"ADDED east.c"})
}

// The history is bounded by the size of its objects, not only by their
// number: a 1 MiB object rewritten again and again keeps at most the bound's
// worth of changes, and a watch from before them is a 410.
func TestHistoryIsBoundedByBytes(t *testing.T) {
	s := NewStoreWithLimits(func() Object { return &viewsv1alpha1.Proxy{} }, 0, 3<<20)
	big := func(rv uint64) Object {
		return &viewsv1alpha1.Proxy{ObjectMeta: metav1.ObjectMeta{Namespace: "gloo-system", Name: "east.gateway-proxy", ResourceVersion: fmt.Sprint(rv)},
			Spec: viewsv1alpha1.RawJSON(`{"listeners":"` + strings.Repeat("x", 1<<20) + `"}`)}
	}
	s.Replace("east", []Object{big(10)}, 10)
	for rv := uint64(11); rv <= 60; rv++ {
		s.Upsert("east", big(rv), rv)
	}
	cs := s.clusters["east"]
	if cs.historyBytes > 3<<20 || len(cs.history) > 1 || len(cs.history) == 0 {
		t.Fatalf("history holds %d events, %d bytes", len(cs.history), cs.historyBytes)
	}
	var sum int64
	for _, e := range cs.history {
		sum += eventSize(e)
	}
	if sum != cs.historyBytes {
		t.Fatalf("accounted %d bytes, holds %d", cs.historyBytes, sum)
	}
	if _, err := s.Watch(WatchOptions{From: Vector{"east": 20}}); err == nil {
		t.Fatal("a watch from a forgotten position was accepted")
	} else if _, gone := err.(*ErrGone); !gone {
		t.Fatalf("want ErrGone, got %v", err)
	}
	w, err := s.Watch(WatchOptions{From: Vector{"east": 59}})
	if err != nil {
		t.Fatalf("a watch from a kept position: %v", err)
	}
	defer w.Stop()
	equal(t, summary(drain(w)), []string{"MODIFIED east.gateway-proxy"})
}

// The bound holds for what the history keeps alive, old copies included:
// Proxies created at 1 MiB and then shrunk leave their 1 MiB previous
// versions in the history's events, though each event's new object is
// small.
func TestHistoryBoundCountsOldCopies(t *testing.T) {
	const limit = 3 << 20
	s := NewStoreWithLimits(func() Object { return &viewsv1alpha1.Proxy{} }, 0, limit)
	proxy := func(name string, rv uint64, size int) Object {
		return &viewsv1alpha1.Proxy{ObjectMeta: metav1.ObjectMeta{Namespace: "gloo-system", Name: name, ResourceVersion: fmt.Sprint(rv)},
			Spec: viewsv1alpha1.RawJSON(`{"listeners":"` + strings.Repeat("x", size) + `"}`)}
	}
	s.Replace("east", nil, 10)
	rv := uint64(10)
	for i := range 10 {
		rv++
		s.Upsert("east", proxy(fmt.Sprintf("east.p%d", i), rv, 1<<20), rv)
	}
	for i := range 10 {
		rv++
		s.Upsert("east", proxy(fmt.Sprintf("east.p%d", i), rv, 10), rv)
	}
	cs := s.clusters["east"]
	live := map[Object]bool{}
	for _, o := range cs.objects {
		live[o] = true
	}
	held := map[Object]bool{}
	var kept int64
	for _, e := range cs.history {
		for _, o := range []Object{e.obj, e.old} {
			if o != nil && !live[o] && !held[o] {
				held[o] = true
				kept += sizeOf(o)
			}
		}
	}
	if kept > limit {
		t.Fatalf("the history keeps %d bytes of objects beyond the live ones (%d events), bound %d", kept, len(cs.history), limit)
	}
}

// GlooInstances are computed by each replica from its own watches, so a
// position one replica gave out says nothing exact about another's: a watch
// resumed there is a 410 (the client relists), never a silent skip or
// repeat. Gloo views carry the members' own positions and resume anywhere.
func TestReplicaLocalPositionsAreGoneOnAnotherReplica(t *testing.T) {
	a, b := NewSet(0, 0), NewSet(0, 0)
	for _, s := range []*Set{a, b} {
		s.GlooInstances.Replace("east", []Object{&viewsv1alpha1.GlooInstance{ObjectMeta: metav1.ObjectMeta{Namespace: "gloo-system", Name: "east-gloo-system"}}}, 7)
		s.Gloo["upstreams"].Replace("east", []Object{upstream("east", "ns", "a", "7", nil)}, 7)
	}
	_, fromA := a.GlooInstances.Snapshot(nil)
	var g *ErrGone
	if _, err := b.GlooInstances.Watch(WatchOptions{From: fromA}); !errors.As(err, &g) {
		t.Fatalf("GlooInstance watch resumed on another replica: got %v, want ErrGone", err)
	}
	if _, err := b.GlooInstances.Watch(WatchOptions{From: Vector{"east": 7}}); !errors.As(err, &g) {
		t.Fatalf("GlooInstance watch from a position without the replica: got %v, want ErrGone", err)
	}
	w, err := a.GlooInstances.Watch(WatchOptions{From: fromA})
	if err != nil {
		t.Fatalf("GlooInstance watch resumed on the replica that gave the position out: %v", err)
	}
	w.Stop()
	// Restricting a position to the visible clusters keeps its replica.
	if r := fromA.Restrict(func(string) bool { return false }); len(r) != 1 || r.Comparable(fromA) != nil {
		t.Fatalf("restricted position %v lost its replica", r)
	}
	_, upFromA := a.Gloo["upstreams"].Snapshot(nil)
	w, err = b.Gloo["upstreams"].Watch(WatchOptions{From: upFromA})
	if err != nil {
		t.Fatalf("Upstream watch resumed on another replica: %v", err)
	}
	w.Stop()
	if err := upFromA.Comparable(fromA); err == nil {
		t.Fatal("positions of different replicas compare")
	}
}

// A Gloo object rewritten with the same spec (a status update, the common
// case for Proxies) keeps one copy of the spec: the new object shares the
// old one's bytes, so memory and history do not hold it twice.
func TestRewriteSharesUnchangedSpec(t *testing.T) {
	s := newTestStore()
	s.Replace("east", nil, 1)
	first := upstream("east", "ns", "a", "2", nil)
	s.Upsert("east", first, 2)
	second := upstream("east", "ns", "a", "3", nil) // same spec, decoded anew
	second.(*viewsv1alpha1.Upstream).Status = viewsv1alpha1.RawJSON(`{"statuses":{}}`)
	if unsafe.SliceData(second.(*viewsv1alpha1.Upstream).Spec) == unsafe.SliceData(first.(*viewsv1alpha1.Upstream).Spec) {
		t.Fatal("test setup: the two specs already share memory")
	}
	s.Upsert("east", second, 3)
	got, _, _, _ := s.Get("ns", "east.a")
	if unsafe.SliceData(got.(*viewsv1alpha1.Upstream).Spec) != unsafe.SliceData(first.(*viewsv1alpha1.Upstream).Spec) {
		t.Error("the rewritten object holds a second copy of an unchanged spec")
	}
	third := upstream("east", "ns", "a", "4", nil)
	third.(*viewsv1alpha1.Upstream).Spec = viewsv1alpha1.RawJSON(`{"static":{"hosts":[]}}`)
	s.Upsert("east", third, 4)
	got, _, _, _ = s.Get("ns", "east.a")
	if string(got.(*viewsv1alpha1.Upstream).Spec) != `{"static":{"hosts":[]}}` {
		t.Errorf("a changed spec was not kept: %s", got.(*viewsv1alpha1.Upstream).Spec)
	}
}
