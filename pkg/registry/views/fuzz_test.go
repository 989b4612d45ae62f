package views

// Fuzz targets for what a client sends the views: continue tokens,
// resourceVersions of lists and watches, label and field selectors, names.
// The properties: the storage never panics, every error is a Kubernetes
// status error with a 4xx code (the one 5xx Kubernetes itself defines for
// such input, a list at a resourceVersion the cache has not reached, is
// checked apart), and paging returns every object exactly once. Seeds are in
// testdata/fuzz/<FuzzName>; `go test` runs them, `make fuzz` explores.

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metainternalversion "k8s.io/apimachinery/pkg/apis/meta/internalversion"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/apiserver/pkg/authentication/user"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
)

// fuzzAccess lets the user see every cluster, or east alone, and read
// every namespace; it has no warnings, and a consistent read confirms at once.
type fuzzAccess struct{ eastOnly bool }

func (a fuzzAccess) AllowedClusters(context.Context) (func(string) bool, error) {
	return a.visible, nil
}
func (a fuzzAccess) visible(c string) bool             { return !a.eastOnly || c == "east" }
func (fuzzAccess) Warnings(func(string) bool) []string { return nil }
func (fuzzAccess) Confirm(context.Context, viewsv1alpha1.GlooKind, func(string) bool) []string {
	return nil
}
func (fuzzAccess) MayRead(context.Context) (func(resource, namespace string) bool, error) {
	return func(string, string) bool { return true }, nil
}

func fuzzDeps(a fuzzAccess) Deps {
	return Deps{Clusters: a, Reads: a, Warnings: a, Consistency: a}
}

// fuzzSource is a cache store as a Source, as pkg/apiserver wires it.
type fuzzSource struct{ *cache.Store }

func (s fuzzSource) Watch(opts cache.WatchOptions) (watch.Interface, error) {
	w, err := s.Store.Watch(opts)
	if err != nil {
		return nil, err
	}
	return w, nil
}

func fuzzUpstreamKind() viewsv1alpha1.GlooKind {
	for _, k := range viewsv1alpha1.GlooKinds {
		if k.Kind == "Upstream" {
			return k
		}
	}
	panic("no Upstream kind")
}

// fuzzUpstream is the view of a member Upstream, as a member connection makes it.
func fuzzUpstream(cluster, ns, name string, labels map[string]string) cache.Object {
	l := map[string]string{viewsv1alpha1.ClusterLabel: cluster}
	for k, v := range labels {
		l[k] = v
	}
	return &viewsv1alpha1.Upstream{ObjectMeta: metav1.ObjectMeta{
		Namespace: ns, Name: viewsv1alpha1.ClusterName(cluster, name), Labels: l, ResourceVersion: "5",
	}, Spec: viewsv1alpha1.RawJSON(`{"kube":{"serviceName":"` + name + `","serviceNamespace":"` + ns + `","servicePort":80}}`),
		Status: viewsv1alpha1.RawJSON(`{"statuses":{"gloo-system":{"state":1}}}`)}
}

// fuzzUpstreamREST is the Upstream views' storage (a Gloo kind: lists
// without a resourceVersion are consistent reads) over store.
func fuzzUpstreamREST(store *cache.Store, access fuzzAccess) *REST {
	k := fuzzUpstreamKind()
	return NewREST(Kind{
		Resource: viewsv1alpha1.Resource(k.Resource), Kind: k.Kind, Singular: "upstream",
		New: k.New, NewList: k.NewList, Table: UpstreamTable(), Gloo: &k,
	}, fuzzSource{store}, fuzzDeps(access))
}

// fuzzFixedStores are the stores the request fuzzers read: Upstreams of
// east (at 10) and west (at 11) in namespaces and names that sort
// differently as one "namespace/name" string than as a pair, and
// GlooInstances in a replica-local store (positions carry its identity).
// Without west when withWest is false.
func fuzzFixedStores(withWest bool) (upstreams, instances *cache.Store) {
	upstreams = cache.NewStore(func() cache.Object { return &viewsv1alpha1.Upstream{} }, 0)
	set := cache.NewSet(0, 0)
	instances = set.GlooInstances
	clusters := []string{"east", "west"}
	if !withWest {
		clusters = clusters[:1]
	}
	for i, cluster := range clusters {
		var ups, gis []cache.Object
		for _, ns := range []string{"prod", "prod-eu", "prod0", "q"} {
			for _, name := range []string{"a", "a.b", "a-b", "b"} {
				ups = append(ups, fuzzUpstream(cluster, ns, name, map[string]string{"app": name, "tier": ns}))
			}
		}
		gis = append(gis, &viewsv1alpha1.GlooInstance{ObjectMeta: metav1.ObjectMeta{
			Namespace: "gloo-system", Name: viewsv1alpha1.ClusterName(cluster, "gloo"),
			Labels: map[string]string{viewsv1alpha1.ClusterLabel: cluster},
		}, Spec: viewsv1alpha1.GlooInstanceSpec{Cluster: cluster}})
		upstreams.Replace(cluster, ups, uint64(10+i))
		instances.Replace(cluster, gis, uint64(10+i))
	}
	return upstreams, instances
}

// fuzzRESTs returns the storage a fuzz input asks for (mode: bit 0 shows
// the user east alone, bit 1 picks the GlooInstances), its access and store.
func fuzzRESTs(upstreams, instances *cache.Store, mode uint8) (*REST, fuzzAccess, *cache.Store) {
	access := fuzzAccess{eastOnly: mode&1 != 0}
	if mode&2 != 0 {
		return NewREST(Kind{
			Resource: viewsv1alpha1.Resource("glooinstances"), Kind: "GlooInstance", Singular: "glooinstance",
			New:     func() runtime.Object { return &viewsv1alpha1.GlooInstance{} },
			NewList: func() runtime.Object { return &viewsv1alpha1.GlooInstanceList{} },
			Table:   GlooInstanceTable(),
		}, fuzzSource{instances}, fuzzDeps(access)), access, instances
	}
	return fuzzUpstreamREST(upstreams, access), access, upstreams
}

func fuzzContext(ns string) context.Context {
	ctx := genericapirequest.WithUser(context.Background(), &user.DefaultInfo{Name: "alice"})
	return genericapirequest.WithNamespace(ctx, ns)
}

// fuzzSelectors parses selector strings as the generic API server does
// before calling the storage (metainternalversion's conversions); a string
// it refuses never reaches the storage (the server answers 400 itself).
func fuzzSelectors(label, field string) (labels.Selector, fields.Selector, bool) {
	var lsel labels.Selector
	var fsel fields.Selector
	var err error
	if label != "" {
		if lsel, err = labels.Parse(label); err != nil {
			return nil, nil, false
		}
	}
	if field != "" {
		if fsel, err = fields.ParseSelector(field); err != nil {
			return nil, nil, false
		}
	}
	return lsel, fsel, true
}

// fuzzCheckStatus fails unless err is a Kubernetes API status error with a
// 4xx code: what the generic server answers for any other error is a 500.
func fuzzCheckStatus(t *testing.T, what string, err error) {
	t.Helper()
	status, ok := err.(apierrors.APIStatus)
	if !ok {
		t.Fatalf("%s: error %T %v is not an API status error (the server would answer 500)", what, err, err)
	}
	if code := status.Status().Code; code < 400 || code >= 500 {
		t.Fatalf("%s: answered %d %s: %v", what, code, status.Status().Reason, err)
	}
}

// fuzzCheckTooLarge checks the answer to a list at a resourceVersion the
// cache has not reached, once the wait for it is over: Kubernetes answers
// 504 Timeout with the ResourceVersionTooLarge cause, which client-go's
// reflector looks for to relist without a resourceVersion (without the
// cause it retries the same resourceVersion, waiting again, indefinitely).
func fuzzCheckTooLarge(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: a list at a resourceVersion the cache has not reached succeeded", what)
	}
	status, ok := err.(apierrors.APIStatus)
	if !ok {
		t.Fatalf("%s: error %T %v is not an API status error (the server would answer 500)", what, err, err)
	}
	if code := status.Status().Code; code >= 400 && code < 500 {
		return
	}
	if !apierrors.IsTimeout(err) {
		t.Fatalf("%s: answered %d %s: %v", what, status.Status().Code, status.Status().Reason, err)
	}
	if !apierrors.HasStatusCause(err, metav1.CauseTypeResourceVersionTooLarge) {
		t.Fatalf("%s: 504 without the %s cause, so client-go's reflector retries the same resourceVersion instead of relisting: %v",
			what, metav1.CauseTypeResourceVersionTooLarge, err)
	}
}

// fuzzAhead reports whether a list at resourceVersion rv (without a
// continue token) should wait for the cache: a well-formed position of this
// store, newer than the cache for a cluster the cache holds and the user
// may see (what rv says of the others must not matter).
func fuzzAhead(store *cache.Store, rv string, visible func(string) bool) bool {
	if rv == "" || rv == "0" {
		return false
	}
	at, err := cache.DecodeVector(rv)
	if err != nil {
		return false
	}
	_, current := store.Snapshot(func(string, cache.Object) bool { return false })
	if current.Comparable(at) != nil {
		return false
	}
	for cluster, n := range at {
		if cur, ok := current[cluster]; ok && cur < n && visible(cluster) {
			return true
		}
	}
	return false
}

// fuzzItems returns a list's items.
func fuzzItems(t *testing.T, list runtime.Object) []metav1.Object {
	t.Helper()
	objs, err := meta.ExtractList(list)
	if err != nil {
		t.Fatalf("list %T: %v", list, err)
	}
	out := make([]metav1.Object, len(objs))
	for i, o := range objs {
		if out[i], err = meta.Accessor(o); err != nil {
			t.Fatalf("item %T: %v", o, err)
		}
	}
	return out
}

// fuzzCheckRV fails unless rv is a position of this API naming only
// clusters the user may see.
func fuzzCheckRV(t *testing.T, what, rv string, access fuzzAccess) {
	t.Helper()
	v, err := cache.DecodeVector(rv)
	if err != nil {
		t.Fatalf("%s: resourceVersion %q does not decode: %v", what, rv, err)
	}
	for c := range v {
		if !strings.HasPrefix(c, "@") && !access.visible(c) {
			t.Fatalf("%s: resourceVersion %v names hidden cluster %s", what, v, c)
		}
	}
}

// fuzzCheckItem fails unless an item is one the request may see.
func fuzzCheckItem(t *testing.T, what string, o metav1.Object, ns string, lsel labels.Selector, fsel fields.Selector, access fuzzAccess) {
	t.Helper()
	cluster := viewsv1alpha1.ClusterOf(o)
	switch {
	case ns != "" && o.GetNamespace() != ns:
		t.Fatalf("%s: %s/%s is not in namespace %q", what, o.GetNamespace(), o.GetName(), ns)
	case !access.visible(cluster):
		t.Fatalf("%s: %s/%s of hidden cluster %s", what, o.GetNamespace(), o.GetName(), cluster)
	case lsel != nil && !lsel.Matches(labels.Set(o.GetLabels())):
		t.Fatalf("%s: %s/%s labels %v do not match %q", what, o.GetNamespace(), o.GetName(), o.GetLabels(), lsel)
	case fsel != nil && !fsel.Matches(fields.Set{"metadata.name": o.GetName(), "metadata.namespace": o.GetNamespace(), viewsv1alpha1.ClusterField: cluster}):
		t.Fatalf("%s: %s/%s does not match fields %q", what, o.GetNamespace(), o.GetName(), fsel)
	}
	fuzzCheckRV(t, what+" item", o.GetResourceVersion(), access)
}

func fuzzCompareKeys(a, b metav1.Object) int {
	if c := cmp.Compare(a.GetNamespace(), b.GetNamespace()); c != 0 {
		return c
	}
	return cmp.Compare(a.GetName(), b.GetName())
}

func fuzzKey(o metav1.Object) string { return o.GetNamespace() + "/" + o.GetName() }

// FuzzList sends a list every input a client controls: namespace, label and
// field selectors, resourceVersion and its match, continue token, limit.
func FuzzList(f *testing.F) {
	upstreams, instances := fuzzFixedStores(true)
	eastUpstreams, _ := fuzzFixedStores(false)
	f.Fuzz(func(t *testing.T, mode uint8, ns, labelSel, fieldSel, rv, match, cont string, limit int64) {
		lsel, fsel, ok := fuzzSelectors(labelSel, fieldSel)
		if !ok {
			return
		}
		r, access, store := fuzzRESTs(upstreams, instances, mode)
		opts := func(cont string) *metainternalversion.ListOptions {
			return &metainternalversion.ListOptions{
				LabelSelector: lsel, FieldSelector: fsel, ResourceVersion: rv,
				ResourceVersionMatch: metav1.ResourceVersionMatch(match), Continue: cont, Limit: limit,
			}
		}
		what := fmt.Sprintf("list ns=%q labels=%q fields=%q rv=%q match=%q continue=%q limit=%d", ns, labelSel, fieldSel, rv, match, cont, limit)
		ctx := fuzzContext(ns)
		list1 := func(r *REST, store *cache.Store) (runtime.Object, bool, error) {
			ctx := ctx
			ahead := cont == "" && fuzzAhead(store, rv, access.visible)
			if ahead {
				// The list would wait (seconds) for the cache to get there;
				// a request whose client gave up gets the same answer at once.
				c, cancel := context.WithCancel(ctx)
				cancel()
				ctx = c
			}
			list, err := r.List(ctx, opts(cont))
			return list, ahead, err
		}
		list, ahead, err := list1(r, store)
		if mode&3 == 1 {
			// A user who sees east alone gets the same answer whatever
			// west holds, or whether it is a member at all.
			r2, _, store2 := fuzzRESTs(eastUpstreams, nil, mode)
			list2, _, err2 := list1(r2, store2)
			if a, b := fuzzListOutcome(t, list, err), fuzzListOutcome(t, list2, err2); a != b {
				t.Fatalf("%s: a user who sees east alone is answered\n%s\nwith west in the federation, and\n%s\nwithout it: the answer tells of west", what, a, b)
			}
		}
		if ahead {
			fuzzCheckTooLarge(t, what, err)
			return
		}
		if err != nil {
			fuzzCheckStatus(t, what, err)
			return
		}
		lm, err := meta.ListAccessor(list)
		if err != nil {
			t.Fatal(err)
		}
		fuzzCheckRV(t, what, lm.GetResourceVersion(), access)
		items := fuzzItems(t, list)
		if limit > 0 && int64(len(items)) > limit {
			t.Fatalf("%s: %d items over the limit", what, len(items))
		}
		for i, o := range items {
			fuzzCheckItem(t, what, o, ns, lsel, fsel, access)
			if i > 0 && fuzzCompareKeys(items[i-1], o) >= 0 {
				t.Fatalf("%s: items out of order or repeated: %s then %s", what, fuzzKey(items[i-1]), fuzzKey(o))
			}
		}
		if cont != "" || lm.GetContinue() == "" {
			return
		}
		// A first page: the pages that follow, with the same selectors and
		// limit, list every object of the whole list exactly once.
		full, err := r.List(ctx, &metainternalversion.ListOptions{LabelSelector: lsel, FieldSelector: fsel, ResourceVersion: "0"})
		if err != nil {
			t.Fatalf("%s: the whole list: %v", what, err)
		}
		var want, got []string
		for _, o := range fuzzItems(t, full) {
			want = append(want, fuzzKey(o))
		}
		for _, o := range items {
			got = append(got, fuzzKey(o))
		}
		next := lm.GetContinue()
		for pages := 1; next != ""; pages++ {
			if pages > len(want)+1 {
				t.Fatalf("%s: more pages than objects", what)
			}
			page, err := r.List(ctx, &metainternalversion.ListOptions{LabelSelector: lsel, FieldSelector: fsel, Limit: limit, Continue: next})
			if err != nil {
				t.Fatalf("%s: page %d: %v", what, pages+1, err)
			}
			for _, o := range fuzzItems(t, page) {
				got = append(got, fuzzKey(o))
			}
			pm, _ := meta.ListAccessor(page)
			next = pm.GetContinue()
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s: pages listed\n%v\nthe whole list is\n%v", what, got, want)
		}
	})
}

// fuzzParseObjects reads objects from text, one "cluster namespace name"
// per line, keeping those with valid names (a cluster is a DNS label, a
// namespace too, a member object's name a DNS subdomain) and at most 64.
func fuzzParseObjects(text string) [][3]string {
	var out [][3]string
	for line := range strings.SplitSeq(text, "\n") {
		f := strings.Fields(line)
		if len(f) != 3 || len(out) >= 64 {
			continue
		}
		if len(validation.IsDNS1123Label(f[0])) > 0 || len(validation.IsDNS1123Label(f[1])) > 0 || len(validation.IsDNS1123Subdomain(f[2])) > 0 ||
			len(validation.IsDNS1123Subdomain(viewsv1alpha1.ClusterName(f[0], f[2]))) > 0 {
			continue
		}
		out = append(out, [3]string{f[0], f[1], f[2]})
	}
	return out
}

// FuzzListPaging pages through a store of fuzzed objects with a fuzzed
// limit, while objects are created and deleted between the pages (changes:
// lines "+ cluster namespace name" or "- cluster namespace name", one
// applied after each page): no object is listed twice, the pages come in
// order, and every object present from the first page to the last is listed.
func FuzzListPaging(f *testing.F) {
	f.Fuzz(func(t *testing.T, objects, changes string, limit uint8, ns string) {
		initial := fuzzParseObjects(objects)
		type change struct {
			add bool
			obj [3]string
		}
		var churn []change
		for line := range strings.SplitSeq(changes, "\n") {
			op, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
			if op != "+" && op != "-" {
				continue
			}
			for _, o := range fuzzParseObjects(rest) {
				churn = append(churn, change{add: op == "+", obj: o})
			}
		}
		store := cache.NewStore(func() cache.Object { return &viewsv1alpha1.Upstream{} }, 0)
		byCluster := map[string][]cache.Object{}
		present := map[string]bool{} // namespace/view name
		for _, o := range initial {
			byCluster[o[0]] = append(byCluster[o[0]], fuzzUpstream(o[0], o[1], o[2], nil))
			present[o[1]+"/"+viewsv1alpha1.ClusterName(o[0], o[2])] = true
		}
		for c, objs := range byCluster {
			store.Replace(c, objs, 100)
		}
		r := fuzzUpstreamREST(store, fuzzAccess{})
		ctx := fuzzContext(ns)
		inScope := func(key string) bool { return ns == "" || strings.HasPrefix(key, ns+"/") }
		stayed := map[string]bool{} // present throughout
		for k := range present {
			if inScope(k) {
				stayed[k] = true
			}
		}
		everPresent := fuzzCopy(present)
		total := len(present) + len(churn)
		lim := int64(limit) % int64(total+2)
		opts := &metainternalversion.ListOptions{ResourceVersion: "0", Limit: lim}
		var got []string
		seen := map[string]bool{}
		rv := uint64(100)
		for page := 0; ; page++ {
			if page > total+1 {
				t.Fatalf("limit %d: more pages than objects: %v", lim, got)
			}
			list, err := r.List(ctx, opts)
			if err != nil {
				t.Fatalf("limit %d, page %d: %v", lim, page+1, err)
			}
			for _, o := range fuzzItems(t, list) {
				k := fuzzKey(o)
				if seen[k] {
					t.Fatalf("limit %d: %s listed twice: %v", lim, k, got)
				}
				if !everPresent[k] || !inScope(k) {
					t.Fatalf("limit %d: %s listed, never created in namespace %q", lim, k, ns)
				}
				if len(got) > 0 && fuzzLess(k, got[len(got)-1]) {
					t.Fatalf("limit %d: %s listed after %s", lim, k, got[len(got)-1])
				}
				seen[k] = true
				got = append(got, k)
			}
			next := list.(*viewsv1alpha1.UpstreamList).Continue
			if next == "" {
				break
			}
			if page < len(churn) {
				ch := churn[page]
				rv++
				k := ch.obj[1] + "/" + viewsv1alpha1.ClusterName(ch.obj[0], ch.obj[2])
				if ch.add {
					store.Upsert(ch.obj[0], fuzzUpstream(ch.obj[0], ch.obj[1], ch.obj[2], nil), rv)
					everPresent[k] = true
				} else {
					store.Delete(ch.obj[0], ch.obj[1], viewsv1alpha1.ClusterName(ch.obj[0], ch.obj[2]), rv)
					delete(stayed, k)
				}
			}
			opts = &metainternalversion.ListOptions{Limit: lim, Continue: next}
		}
		for k := range stayed {
			if !seen[k] {
				t.Fatalf("limit %d: %s, present throughout, never listed: %v", lim, k, got)
			}
		}
	})
}

// fuzzLess orders "namespace/name" keys as the list does: by namespace,
// then name.
func fuzzLess(a, b string) bool {
	ans, an, _ := strings.Cut(a, "/")
	bns, bn, _ := strings.Cut(b, "/")
	if ans != bns {
		return ans < bns
	}
	return an < bn
}

func fuzzCopy(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// fuzzWatchEvents opens a watch and returns what it sends at once: the
// store does not change, so that is all it sends. A cache watch queues its
// initial events before Watch returns; a watch wrapped by the storage (the
// GlooInstances' redaction) hands them on from a goroutine, so its events
// are taken until none comes for a moment. It checks the watch ends when
// stopped.
func fuzzWatchEvents(t *testing.T, what string, r *REST, ctx context.Context, opts *metainternalversion.ListOptions) ([]watch.Event, error) {
	t.Helper()
	w, err := r.Watch(ctx, opts)
	if err != nil {
		return nil, err
	}
	quiet := 50 * time.Millisecond
	if _, queued := w.(*cache.Watcher); queued {
		quiet = 0
	}
	var events []watch.Event
	for {
		var ev watch.Event
		var open, got bool
		if quiet == 0 {
			select {
			case ev, open = <-w.ResultChan():
				got = true
			default:
			}
		} else {
			select {
			case ev, open = <-w.ResultChan():
				got = true
			case <-time.After(quiet):
			}
		}
		if !got {
			break
		}
		if !open {
			t.Fatalf("%s: the watch ended by itself", what)
		}
		events = append(events, ev)
	}
	w.Stop()
	select {
	case _, open := <-w.ResultChan():
		if open {
			t.Fatalf("%s: an event after Stop", what)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: the result channel stays open after Stop", what)
	}
	return events, nil
}

// fuzzListOutcome is what a client learns from a list: its status error,
// or its items, resourceVersion and continue token.
func fuzzListOutcome(t *testing.T, list runtime.Object, err error) string {
	t.Helper()
	if err != nil {
		return fuzzErrorOutcome(err)
	}
	lm, _ := meta.ListAccessor(list)
	var keys []string
	for _, o := range fuzzItems(t, list) {
		keys = append(keys, fuzzKey(o)+"@"+o.GetResourceVersion())
	}
	return fmt.Sprintf("items %v, resourceVersion %s, continue %q", keys, lm.GetResourceVersion(), lm.GetContinue())
}

func fuzzErrorOutcome(err error) string {
	if s, ok := err.(apierrors.APIStatus); ok {
		return fmt.Sprintf("error %d %s", s.Status().Code, s.Status().Reason)
	}
	return fmt.Sprintf("error %T", err)
}

// fuzzWatchOutcome is what a client learns from a watch's first events.
func fuzzWatchOutcome(events []watch.Event, err error) string {
	if err != nil {
		return fuzzErrorOutcome(err)
	}
	var out []string
	for _, ev := range events {
		o, _ := meta.Accessor(ev.Object)
		out = append(out, fmt.Sprintf("%s %s@%s", ev.Type, fuzzKey(o), o.GetResourceVersion()))
	}
	return fmt.Sprintf("events %v", out)
}

// FuzzWatch opens a watch with every input a client controls: namespace,
// selectors, resourceVersion, sendInitialEvents and bookmarks.
func FuzzWatch(f *testing.F) {
	upstreams, instances := fuzzFixedStores(true)
	eastUpstreams, _ := fuzzFixedStores(false)
	f.Fuzz(func(t *testing.T, mode uint8, ns, labelSel, fieldSel, rv string, sendInitial, bookmarks bool) {
		lsel, fsel, ok := fuzzSelectors(labelSel, fieldSel)
		if !ok {
			return
		}
		r, access, _ := fuzzRESTs(upstreams, instances, mode)
		opts := &metainternalversion.ListOptions{
			LabelSelector: lsel, FieldSelector: fsel, ResourceVersion: rv, Watch: true, AllowWatchBookmarks: bookmarks,
		}
		if mode&4 != 0 {
			opts.SendInitialEvents = &sendInitial
		}
		what := fmt.Sprintf("watch mode=%d ns=%q labels=%q fields=%q rv=%q sendInitialEvents=%v bookmarks=%v", mode, ns, labelSel, fieldSel, rv, opts.SendInitialEvents != nil && sendInitial, bookmarks)
		events, err := fuzzWatchEvents(t, what, r, fuzzContext(ns), opts)
		if mode&3 == 1 {
			// A user who sees east alone gets the same answer whatever
			// west holds, or whether it is a member at all.
			r2, _, _ := fuzzRESTs(eastUpstreams, nil, mode)
			events2, err2 := fuzzWatchEvents(t, what, r2, fuzzContext(ns), opts)
			if a, b := fuzzWatchOutcome(events, err), fuzzWatchOutcome(events2, err2); a != b {
				t.Fatalf("%s: a user who sees east alone is answered\n%s\nwith west in the federation, and\n%s\nwithout it: the answer tells of west", what, a, b)
			}
		}
		if err != nil {
			fuzzCheckStatus(t, what, err)
			return
		}
		for i, ev := range events {
			o, err := meta.Accessor(ev.Object)
			if err != nil {
				t.Fatalf("%s: event %d: %v", what, i, err)
			}
			switch ev.Type {
			case watch.Added:
				fuzzCheckItem(t, what, o, ns, lsel, fsel, access)
			case watch.Bookmark:
				fuzzCheckRV(t, what+" bookmark", o.GetResourceVersion(), access)
				if !bookmarks {
					t.Fatalf("%s: a bookmark was not asked for", what)
				}
			default:
				t.Fatalf("%s: a %s event from a store that did not change", what, ev.Type)
			}
		}
		if opts.SendInitialEvents != nil && sendInitial && bookmarks {
			if len(events) == 0 || events[len(events)-1].Type != watch.Bookmark {
				t.Fatalf("%s: the initial events do not end with a bookmark: %v", what, events)
			}
			last, _ := meta.Accessor(events[len(events)-1].Object)
			if last.GetAnnotations()[metav1.InitialEventsAnnotationKey] != "true" {
				t.Fatalf("%s: the last bookmark is not annotated %s", what, metav1.InitialEventsAnnotationKey)
			}
		}
	})
}

// FuzzGet gets any name in any namespace: the object asked for, or a 404.
func FuzzGet(f *testing.F) {
	upstreams, instances := fuzzFixedStores(true)
	f.Fuzz(func(t *testing.T, mode uint8, ns, name string) {
		r, access, _ := fuzzRESTs(upstreams, instances, mode)
		what := fmt.Sprintf("get mode=%d %q/%q", mode, ns, name)
		obj, err := r.Get(fuzzContext(ns), name, &metav1.GetOptions{})
		if err != nil {
			fuzzCheckStatus(t, what, err)
			if !apierrors.IsNotFound(err) {
				t.Fatalf("%s: want 404, got %v", what, err)
			}
			return
		}
		o, err := meta.Accessor(obj)
		if err != nil {
			t.Fatal(err)
		}
		if o.GetNamespace() != ns || o.GetName() != name {
			t.Fatalf("%s: got %s/%s", what, o.GetNamespace(), o.GetName())
		}
		fuzzCheckItem(t, what, o, ns, nil, nil, access)
	})
}

// FuzzTable renders odd Gloo objects for kubectl get: raw spec and status
// of any bytes, any name, any creation time. Never a panic, one row per
// object with one cell per column, and the STATUS column is core.Verdict's.
func FuzzTable(f *testing.F) {
	f.Fuzz(func(t *testing.T, kind uint8, name string, spec, status []byte, created int64) {
		k := viewsv1alpha1.GlooKinds[int(kind)%len(viewsv1alpha1.GlooKinds)]
		table := StatusTable()
		switch k.Kind {
		case "Upstream":
			table = UpstreamTable()
		case "VirtualService":
			table = VirtualServiceTable()
		}
		obj := k.New()
		v := reflect.ValueOf(obj).Elem()
		v.FieldByName("Spec").SetBytes(spec)
		v.FieldByName("Status").SetBytes(status)
		m, _ := meta.Accessor(obj)
		m.SetName(name)
		m.SetCreationTimestamp(metav1.NewTime(time.Unix(created%(1<<40), 0)))
		list := k.NewList()
		if err := meta.SetList(list, []runtime.Object{obj, obj.DeepCopyObject()}); err != nil {
			t.Fatal(err)
		}
		for _, o := range []runtime.Object{obj, list} {
			tbl, err := table.ConvertToTable(context.Background(), o, nil)
			if err != nil {
				t.Fatalf("%s %q: %v", k.Kind, name, err)
			}
			want := 1
			if meta.IsListType(o) {
				want = 2
			}
			if len(tbl.Rows) != want {
				t.Fatalf("%s: %d rows, want %d", k.Kind, len(tbl.Rows), want)
			}
			for _, row := range tbl.Rows {
				if len(row.Cells) != len(tbl.ColumnDefinitions) {
					t.Fatalf("%s: %d cells for %d columns", k.Kind, len(row.Cells), len(tbl.ColumnDefinitions))
				}
				for i, c := range tbl.ColumnDefinitions {
					if c.Name == "Status" {
						if code, _ := core.Verdict(status, ""); row.Cells[i] != code.String() {
							t.Fatalf("%s: STATUS %v, verdict %s", k.Kind, row.Cells[i], code)
						}
					}
				}
			}
			// The table is served as JSON: it must encode.
			if _, err := json.Marshal(tbl); err != nil && json.Valid(spec) && json.Valid(status) {
				t.Fatalf("%s: the table does not encode: %v", k.Kind, err)
			}
		}
	})
}

// FuzzGlooInstanceTable renders GlooInstances of any content.
func FuzzGlooInstanceTable(f *testing.F) {
	table := GlooInstanceTable()
	f.Fuzz(func(t *testing.T, data []byte) {
		var gi viewsv1alpha1.GlooInstance
		if err := json.Unmarshal(data, &gi); err != nil {
			return
		}
		tbl, err := table.ConvertToTable(context.Background(), &gi, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(tbl.Rows) != 1 || len(tbl.Rows[0].Cells) != len(tbl.ColumnDefinitions) {
			t.Fatalf("%d rows, cells %v for %d columns", len(tbl.Rows), tbl.Rows, len(tbl.ColumnDefinitions))
		}
	})
}
