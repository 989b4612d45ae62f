package views

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metainternalversion "k8s.io/apimachinery/pkg/apis/meta/internalversion"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/authentication/user"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
)

func upstreamView(cluster, ns, name string) cache.Object {
	return &viewsv1alpha1.Upstream{ObjectMeta: metav1.ObjectMeta{
		Namespace: ns, Name: viewsv1alpha1.ClusterName(cluster, name),
		Labels: map[string]string{viewsv1alpha1.ClusterLabel: cluster},
	}}
}

// upstreamREST is the storage of Upstreams over a cache store holding objs,
// with deps (fakes for what is unset: every cluster visible, no warnings).
func upstreamREST(t *testing.T, deps Deps, objs map[string][]cache.Object) (*REST, *cache.Store) {
	t.Helper()
	store := cache.NewStore(func() cache.Object { return &viewsv1alpha1.Upstream{} }, 0)
	rv := uint64(10)
	for _, cluster := range slices.Sorted(maps.Keys(objs)) {
		store.Replace(cluster, objs[cluster], rv)
		rv++
	}
	if deps.Clusters == nil {
		deps.Clusters = fakeClusters{}
	}
	if deps.Consistency == nil {
		deps.Consistency = &fakeConfirmer{}
	}
	k := upstreamKind(t)
	return NewREST(Kind{
		Resource: viewsv1alpha1.Resource("upstreams"), Kind: "Upstream",
		New:     func() runtime.Object { return &viewsv1alpha1.Upstream{} },
		NewList: func() runtime.Object { return &viewsv1alpha1.UpstreamList{} },
		Gloo:    &k,
	}, storeSource{store}, deps), store
}

func requestContext(ns string) context.Context {
	ctx := genericapirequest.WithUser(context.Background(), &user.DefaultInfo{Name: "alice"})
	return genericapirequest.WithNamespace(ctx, ns)
}

func names(t *testing.T, list runtime.Object) []string {
	t.Helper()
	var out []string
	for _, u := range list.(*viewsv1alpha1.UpstreamList).Items {
		out = append(out, u.Namespace+"/"+u.Name)
	}
	return out
}

// Paging with any limit returns every object exactly once, in order, for
// namespaces and names that sort differently as one "namespace/name" string
// than as a (namespace, name) pair: "prod" and "prod-eu" ('-' sorts before
// '/'), "a" and "a.b", "a" and "a-b".
func TestListPagesEveryObjectExactlyOnce(t *testing.T) {
	objs := map[string][]cache.Object{}
	for _, cluster := range []string{"east", "west"} {
		for _, ns := range []string{"prod", "prod-eu", "prod0", "p", "q"} {
			for _, name := range []string{"a", "a.b", "a-b", "a0", "b"} {
				objs[cluster] = append(objs[cluster], upstreamView(cluster, ns, name))
			}
		}
	}
	r, _ := upstreamREST(t, Deps{}, objs)
	ctx := requestContext("")
	full, err := r.List(ctx, &metainternalversion.ListOptions{ResourceVersion: "0"})
	if err != nil {
		t.Fatal(err)
	}
	want := names(t, full)
	if len(want) != 2*5*5 {
		t.Fatalf("full list has %d items", len(want))
	}
	for limit := int64(1); limit <= int64(len(want))+1; limit++ {
		var got []string
		opts := &metainternalversion.ListOptions{ResourceVersion: "0", Limit: limit}
		for pages := 0; ; pages++ {
			if pages > len(want)+1 {
				t.Fatalf("limit %d: more pages than objects: %v", limit, got)
			}
			page, err := r.List(ctx, opts)
			if err != nil {
				t.Fatalf("limit %d: %v", limit, err)
			}
			got = append(got, names(t, page)...)
			next := page.(*viewsv1alpha1.UpstreamList).Continue
			if next == "" {
				break
			}
			opts = &metainternalversion.ListOptions{Limit: limit, Continue: next}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("limit %d: paged\n%v\nwant\n%v", limit, got, want)
		}
	}
}

// A continue token that is not one this API gave out is a clear 400, never
// a 5xx or a silently wrong page.
func TestListRefusesBadContinueTokens(t *testing.T) {
	r, _ := upstreamREST(t, Deps{}, map[string][]cache.Object{"east": {upstreamView("east", "prod", "a")}})
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for name, token := range map[string]string{
		"not base64":          "%%%",
		"not JSON":            enc("nope"),
		"no resourceVersion":  enc(`{"after":"prod/east.a"}`),
		"bad resourceVersion": enc(`{"rv":"garbage!","after":"prod/east.a"}`),
		"no position":         enc(`{"rv":"` + cache.Vector{"east": 10}.Encode() + `"}`),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := r.List(requestContext(""), &metainternalversion.ListOptions{Limit: 1, Continue: token})
			if !apierrors.IsBadRequest(err) {
				t.Fatalf("want 400 BadRequest, got %v", err)
			}
		})
	}
}

// A watch from a resourceVersion that cannot be one of ours is a 400 with a
// clear message, as kube-apiserver answers; one that is well formed but
// older than the history is a 410 so that the client relists.
func TestWatchResourceVersionInput(t *testing.T) {
	r, _ := upstreamREST(t, Deps{}, map[string][]cache.Object{"east": {upstreamView("east", "prod", "a")}})
	for _, rv := range []string{"garbage", "12", "-1", "\x00"} {
		_, err := r.Watch(requestContext(""), &metainternalversion.ListOptions{ResourceVersion: rv})
		if !apierrors.IsBadRequest(err) {
			t.Errorf("resourceVersion %q: want 400 BadRequest, got %v", rv, err)
		}
	}
	_, err := r.Watch(requestContext(""), &metainternalversion.ListOptions{ResourceVersion: cache.Vector{"east": 1}.Encode()})
	if !apierrors.IsResourceExpired(err) && !apierrors.IsGone(err) {
		t.Errorf("a resourceVersion older than the history: want 410, got %v", err)
	}
	w, err := r.Watch(requestContext(""), &metainternalversion.ListOptions{ResourceVersion: cache.Vector{"east": 10}.Encode()})
	if err != nil {
		t.Fatalf("a resourceVersion this API gave out: %v", err)
	}
	w.Stop()
}

// A list at a resourceVersion is served as Kubernetes defines it: unset
// match or NotOlderThan returns state at least that new; Exact is served
// when it is the current state and refused with 410 otherwise (the views
// keep no old snapshots); a malformed one is a 400.
func TestListResourceVersionSemantics(t *testing.T) {
	r, store := upstreamREST(t, Deps{}, map[string][]cache.Object{"east": {upstreamView("east", "prod", "a")}})
	ctx := requestContext("")
	current := cache.Vector{"east": 10}.Encode()
	older := cache.Vector{"east": 9}.Encode()
	newer := cache.Vector{"east": 11}.Encode()

	list := func(rv string, match metav1.ResourceVersionMatch) (string, error) {
		got, err := r.List(ctx, &metainternalversion.ListOptions{ResourceVersion: rv, ResourceVersionMatch: match})
		if err != nil {
			return "", err
		}
		return got.(*viewsv1alpha1.UpstreamList).ResourceVersion, nil
	}
	for _, c := range []struct {
		rv    string
		match metav1.ResourceVersionMatch
	}{{older, ""}, {older, metav1.ResourceVersionMatchNotOlderThan}, {current, ""}, {current, metav1.ResourceVersionMatchExact}} {
		if got, err := list(c.rv, c.match); err != nil || got != current {
			t.Errorf("rv %s match %q: got %q, %v; want the current state %s", c.rv, c.match, got, err, current)
		}
	}
	if _, err := list(older, metav1.ResourceVersionMatchExact); !apierrors.IsResourceExpired(err) && !apierrors.IsGone(err) {
		t.Errorf("Exact at an older state: want 410, got %v", err)
	}
	if _, err := list("garbage", ""); !apierrors.IsBadRequest(err) {
		t.Errorf("malformed resourceVersion: want 400, got %v", err)
	}
	// Newer than the cache: wait for it, and say so when it does not come.
	start := time.Now()
	_, err := list(newer, metav1.ResourceVersionMatchNotOlderThan)
	if !apierrors.IsTimeout(err) && !apierrors.IsServerTimeout(err) {
		t.Errorf("a resourceVersion the cache has not reached: want a timeout, got %v", err)
	}
	if waited := time.Since(start); waited < listWaitForFresh/2 {
		t.Errorf("gave up after %s without waiting for the cache", waited)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		store.Upsert("east", upstreamView("east", "prod", "b"), 11)
	}()
	if got, err := list(newer, ""); err != nil || got != newer {
		t.Errorf("once the cache reaches it: got %q, %v", got, err)
	}
}

// The STATUS column says what core.Verdict decides, for every status form,
// unreadable ones included (one answer for one status everywhere).
func TestStatusColumnIsTheVerdict(t *testing.T) {
	for _, raw := range []string{``, `null`, `{"state":`, `"Rejected"`, `{"statuses":{"gloo-system":{"state":2,"reason":"r"}}}`, `{"state":3,"reason":"w"}`} {
		state, reason := glooStatus([]byte(raw))
		code, want := core.Verdict([]byte(raw), "")
		if state != code.String() || reason != want {
			t.Errorf("%s: column %s %q, verdict %s %q", raw, state, reason, code, want)
		}
	}
}

// A user who may see only east learns nothing of west from what a list or
// a get carries: resourceVersions of the list, its items and its continue
// token name east alone.
func TestRepliesNameNoHiddenCluster(t *testing.T) {
	r, _ := upstreamREST(t, Deps{Clusters: fakeClusters{visible: map[string]bool{"east": true}}}, map[string][]cache.Object{
		"east": {upstreamView("east", "prod", "a"), upstreamView("east", "prod", "b")},
		"west": {upstreamView("west", "prod", "c")},
	})
	ctx := requestContext("prod")
	noWest := func(what, rv string) {
		t.Helper()
		v, err := cache.DecodeVector(rv)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if _, ok := v["west"]; ok || v["east"] == 0 {
			t.Errorf("%s resourceVersion is %v", what, v)
		}
	}
	page, err := r.List(ctx, &metainternalversion.ListOptions{ResourceVersion: "0", Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	list := page.(*viewsv1alpha1.UpstreamList)
	noWest("list", list.ResourceVersion)
	for _, u := range list.Items {
		noWest("item", u.ResourceVersion)
	}
	raw, err := base64.RawURLEncoding.DecodeString(list.Continue)
	if err != nil {
		t.Fatal(err)
	}
	var token continueToken
	if err := json.Unmarshal(raw, &token); err != nil {
		t.Fatal(err)
	}
	noWest("continue token", token.RV)
	got, err := r.Get(ctx, "east.a", &metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	noWest("get", got.(*viewsv1alpha1.Upstream).ResourceVersion)
	if _, err := r.Get(ctx, "west.c", &metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("west's object: want 404, got %v", err)
	}
	// The list is consistent with itself at that resourceVersion.
	if _, err := r.List(ctx, &metainternalversion.ListOptions{ResourceVersion: list.ResourceVersion, ResourceVersionMatch: metav1.ResourceVersionMatchExact}); err != nil {
		t.Errorf("Exact at the list's own resourceVersion: %v", err)
	}
}

// A list at a GlooInstance resourceVersion another replica (or this one
// before a restart) gave out cannot be judged newer or older: 410, so that
// a reflector relists without one, rather than a wait that times out or a
// state older than what the client saw.
func TestListAtAnotherReplicasPositionIsGone(t *testing.T) {
	other := cache.NewSet(0, 0)
	other.GlooInstances.Replace("east", nil, 10)
	_, foreign := other.GlooInstances.Snapshot(nil)

	mine := cache.NewSet(0, 0)
	mine.GlooInstances.Replace("east", nil, 10)
	r := NewREST(Kind{
		Resource: viewsv1alpha1.Resource("glooinstances"), Kind: "GlooInstance",
		New:     func() runtime.Object { return &viewsv1alpha1.GlooInstance{} },
		NewList: func() runtime.Object { return &viewsv1alpha1.GlooInstanceList{} },
	}, storeSource{mine.GlooInstances}, Deps{Clusters: fakeClusters{}, Reads: fakeReads{}})
	for _, match := range []metav1.ResourceVersionMatch{"", metav1.ResourceVersionMatchNotOlderThan, metav1.ResourceVersionMatchExact} {
		start := time.Now()
		_, err := r.List(requestContext(""), &metainternalversion.ListOptions{ResourceVersion: foreign.Encode(), ResourceVersionMatch: match})
		if !apierrors.IsResourceExpired(err) && !apierrors.IsGone(err) {
			t.Errorf("match %q: got %v, want 410", match, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("match %q: answered after %v, want at once", match, d)
		}
	}
	_, own := mine.GlooInstances.Snapshot(nil)
	if _, err := r.List(requestContext(""), &metainternalversion.ListOptions{ResourceVersion: own.Encode()}); err != nil {
		t.Errorf("list at this replica's own position: %v", err)
	}
}

// A page after the first, asked of a replica whose cache is behind the
// token's position (the other replica served the first page), waits for
// the cache to get there, or answers 410 so the client lists again: it
// never serves a page that lacks objects the first page's position holds.
func TestAContinuedPageOnAReplicaBehindWaitsOr410(t *testing.T) {
	ahead, aheadStore := upstreamREST(t, Deps{}, map[string][]cache.Object{"east": {upstreamView("east", "prod", "a")}})
	aheadStore.Upsert("east", upstreamView("east", "prod", "b"), 11)
	aheadStore.Upsert("east", upstreamView("east", "prod", "c"), 12)
	ctx := requestContext("")
	first, err := ahead.List(ctx, &metainternalversion.ListOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	token := first.(*viewsv1alpha1.UpstreamList).Continue
	if token == "" {
		t.Fatal("no continue token")
	}
	// A replica that has not read east at all yet is behind as well.
	empty, _ := upstreamREST(t, Deps{}, map[string][]cache.Object{})
	if _, err := empty.List(ctx, &metainternalversion.ListOptions{Limit: 1, Continue: token}); !apierrors.IsResourceExpired(err) && !apierrors.IsGone(err) {
		t.Fatalf("a replica that does not hold the token's cluster: want 410, got %v", err)
	}
	behind, behindStore := upstreamREST(t, Deps{}, map[string][]cache.Object{"east": {upstreamView("east", "prod", "a")}})
	_, err = behind.List(ctx, &metainternalversion.ListOptions{Limit: 1, Continue: token})
	if !apierrors.IsResourceExpired(err) && !apierrors.IsGone(err) {
		t.Fatalf("a replica that does not reach the token's position: want 410, got %v", err)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		behindStore.Upsert("east", upstreamView("east", "prod", "b"), 11)
		behindStore.Upsert("east", upstreamView("east", "prod", "c"), 12)
	}()
	page, err := behind.List(ctx, &metainternalversion.ListOptions{Limit: 1, Continue: token})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(t, page); fmt.Sprint(got) != "[prod/east.b]" {
		t.Errorf("once the replica gets there: %v", got)
	}
}

// countingSource counts the snapshots taken of a store.
type countingSource struct {
	storeSource
	snapshots atomic.Int32
}

func (s *countingSource) Snapshot(keep func(string, cache.Object) bool) ([]cache.Object, cache.Vector) {
	s.snapshots.Add(1)
	return s.storeSource.Snapshot(keep)
}

// A list at a position the cache has not reached waits by watching the
// position, not by copying and sorting every object again and again: a
// client sending a resourceVersion from the future costs one snapshot.
func TestWaitingForAPositionTakesNoSnapshotPerPoll(t *testing.T) {
	_, store := upstreamREST(t, Deps{}, map[string][]cache.Object{"east": {upstreamView("east", "prod", "a")}})
	src := &countingSource{storeSource: storeSource{store}}
	k := upstreamKind(t)
	r := NewREST(Kind{
		Resource: viewsv1alpha1.Resource("upstreams"), Kind: "Upstream",
		New:     func() runtime.Object { return &viewsv1alpha1.Upstream{} },
		NewList: func() runtime.Object { return &viewsv1alpha1.UpstreamList{} },
		Gloo:    &k,
	}, src, Deps{Clusters: fakeClusters{}, Consistency: &fakeConfirmer{}})
	future := cache.Vector{"east": 99}.Encode()
	if _, err := r.List(requestContext(""), &metainternalversion.ListOptions{ResourceVersion: future}); err == nil {
		t.Fatal("a position never reached was served")
	}
	if n := src.snapshots.Load(); n > 2 {
		t.Errorf("%d snapshots of the whole cache while waiting", n)
	}
}
