package views

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metainternalversion "k8s.io/apimachinery/pkg/apis/meta/internalversion"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apiserver/pkg/warning"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
)

// warnings collects the warnings a request adds.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) AddWarning(_, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, text)
}

func (w *warnings) got() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.msgs)
}

func withWarnings(ctx context.Context) (context.Context, *warnings) {
	w := &warnings{}
	return warning.WithWarningRecorder(ctx, w), w
}

func labelled(cluster, ns, name string, lbls map[string]string) cache.Object {
	o := upstreamView(cluster, ns, name)
	for k, v := range lbls {
		o.GetLabels()[k] = v
	}
	return o
}

// Label and field selectors (metadata.name, metadata.namespace, cluster)
// and the request's namespace pick objects, alone and together; any other
// field selector is a 400 naming the fields that work.
func TestListSelectors(t *testing.T) {
	r, _ := upstreamREST(t, Deps{}, map[string][]cache.Object{
		"east": {labelled("east", "prod", "a", map[string]string{"team": "a"}), labelled("east", "dev", "b", map[string]string{"team": "b"})},
		"west": {labelled("west", "prod", "a", map[string]string{"team": "a"}), labelled("west", "prod", "c", nil)},
	})
	for _, c := range []struct {
		ns, label, field string
		want             []string
	}{
		{"", "", "", []string{"dev/east.b", "prod/east.a", "prod/west.a", "prod/west.c"}},
		{"prod", "", "", []string{"prod/east.a", "prod/west.a", "prod/west.c"}},
		{"", "team=a", "", []string{"prod/east.a", "prod/west.a"}},
		{"", "team", "", []string{"dev/east.b", "prod/east.a", "prod/west.a"}},
		{"", "!team", "", []string{"prod/west.c"}},
		{"", viewsv1alpha1.ClusterLabel + "=west", "", []string{"prod/west.a", "prod/west.c"}},
		{"", "", "cluster=east", []string{"dev/east.b", "prod/east.a"}},
		{"", "", "cluster!=east", []string{"prod/west.a", "prod/west.c"}},
		{"", "", "metadata.name=west.a", []string{"prod/west.a"}},
		{"", "", "metadata.namespace=dev", []string{"dev/east.b"}},
		{"prod", "team=a", "cluster=west", []string{"prod/west.a"}},
		{"dev", "team=a", "", nil},
	} {
		opts := &metainternalversion.ListOptions{ResourceVersion: "0"}
		if c.label != "" {
			sel, err := labels.Parse(c.label)
			if err != nil {
				t.Fatal(err)
			}
			opts.LabelSelector = sel
		}
		if c.field != "" {
			sel, err := fields.ParseSelector(c.field)
			if err != nil {
				t.Fatal(err)
			}
			opts.FieldSelector = sel
		}
		list, err := r.List(requestContext(c.ns), opts)
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if got := names(t, list); !slices.Equal(got, c.want) {
			t.Errorf("ns %q label %q field %q: %v, want %v", c.ns, c.label, c.field, got, c.want)
		}
	}
	_, err := r.List(requestContext(""), &metainternalversion.ListOptions{FieldSelector: fields.OneTermEqualSelector("spec.type", "kube")})
	if !apierrors.IsBadRequest(err) || !strings.Contains(err.Error(), "metadata.name") {
		t.Errorf("unsupported field selector: want a 400 naming the supported ones, got %v", err)
	}
}

// A continue token from a position this server cannot compare with its own
// (another replica's GlooInstances) is a 410: the client lists again.
func TestContinueTokenFromAnotherReplicaIsGone(t *testing.T) {
	other := cache.NewSet(0, 0)
	other.GlooInstances.Replace("east", nil, 10)
	_, foreign := other.GlooInstances.Snapshot(nil)
	r, _ := instanceREST(t, fakeReads{}, instance("east-gloo-system"))
	raw, _ := json.Marshal(continueToken{RV: foreign.Encode(), After: "gloo-system/a"})
	_, err := r.List(requestContext(""), &metainternalversion.ListOptions{Limit: 1, Continue: base64.RawURLEncoding.EncodeToString(raw)})
	if !apierrors.IsResourceExpired(err) && !apierrors.IsGone(err) {
		t.Fatalf("got %v, want 410", err)
	}
}

// A user who may see east only learns nothing of west: not from items,
// resourceVersions, continue tokens, warnings of the registry or of a
// consistent read, errors, or watch events; the consistent read does not
// even ask west.
func TestHiddenClustersAppearNowhere(t *testing.T) {
	confirmer := &fakeConfirmer{known: []string{"east", "west"}, slow: []string{"east", "west"}}
	r, store := upstreamREST(t, Deps{
		Clusters:    fakeClusters{visible: map[string]bool{"east": true}},
		Warnings:    fakeWarner{problems: []string{"east", "west"}},
		Consistency: confirmer,
	}, map[string][]cache.Object{
		"east": {upstreamView("east", "prod", "a"), upstreamView("east", "prod", "b")},
		"west": {upstreamView("west", "prod", "c"), upstreamView("west", "prod", "d")},
	})
	var seen []string // everything a reply carried
	see := func(s ...string) { seen = append(seen, s...) }

	ctx, warned := withWarnings(requestContext("prod"))
	for opts := (&metainternalversion.ListOptions{Limit: 1}); ; {
		page, err := r.List(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		list := page.(*viewsv1alpha1.UpstreamList)
		see(list.ResourceVersion, list.Continue)
		if list.Continue != "" {
			raw, _ := base64.RawURLEncoding.DecodeString(list.Continue)
			see(string(raw))
		}
		for _, u := range list.Items {
			see(u.Name, u.ResourceVersion, fmt.Sprint(u.Labels))
			if v, _ := cache.DecodeVector(u.ResourceVersion); v["west"] != 0 {
				t.Errorf("item resourceVersion %v", v)
			}
		}
		if list.Continue == "" {
			break
		}
		opts = &metainternalversion.ListOptions{Limit: 1, Continue: list.Continue}
	}
	if got := confirmer.got(); !slices.Equal(got, []string{"Upstream [east]"}) {
		t.Errorf("consistent reads %v, want one of Upstream asking east only", got)
	}
	// The first page warns of the registry's problems and of the
	// consistent read; the page after it (no consistent read) of the first.
	if got, want := warned.got(), []string{"cluster east is unreachable", "cluster east did not answer a consistent read", "cluster east is unreachable"}; !slices.Equal(got, want) {
		t.Errorf("warnings %q, want %q", got, want)
	}
	see(warned.got()...)

	_, errHidden := r.Get(ctx, "west.c", &metav1.GetOptions{})
	_, errMissing := r.Get(ctx, "east.nothing", &metav1.GetOptions{})
	if !apierrors.IsNotFound(errHidden) || !apierrors.IsNotFound(errMissing) {
		t.Fatalf("get of a hidden object: %v; of a missing one: %v", errHidden, errMissing)
	}
	see(strings.ReplaceAll(errHidden.Error(), "west.c", "")) // the name the user asked for, and nothing more

	// A watch from a position naming west, older than west's history, is
	// answered as if west were not in it: what a client says of a cluster
	// it may not see changes nothing (else a 410 would tell west exists).
	hiddenW, err := r.Watch(ctx, &metainternalversion.ListOptions{ResourceVersion: cache.Vector{"east": 10, "west": 1}.Encode()})
	if err != nil {
		t.Fatalf("watch from a position naming hidden west: %v", err)
	}
	hiddenW.Stop()

	wctx, watchWarned := withWarnings(requestContext("prod"))
	w, err := r.Watch(wctx, &metainternalversion.ListOptions{ResourceVersion: "0", AllowWatchBookmarks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	see(watchWarned.got()...)
	store.Upsert("west", upstreamView("west", "prod", "e"), 20)
	store.Progress("west", 21)
	store.Upsert("east", upstreamView("east", "prod", "f"), 30)
	var events []string
	for len(events) < 3 {
		select {
		case e := <-w.ResultChan():
			m := e.Object.(*viewsv1alpha1.Upstream)
			events = append(events, string(e.Type)+" "+m.Name)
			see(m.Name, m.ResourceVersion)
		case <-time.After(5 * time.Second):
			t.Fatalf("events %v", events)
		}
	}
	if want := []string{"ADDED east.a", "ADDED east.b", "ADDED east.f"}; !slices.Equal(events, want) {
		t.Errorf("watch events %v, want %v", events, want)
	}
	for _, s := range seen {
		if strings.Contains(s, "west") {
			t.Errorf("a reply named west: %q", s)
		}
		if v, err := cache.DecodeVector(s); err == nil && v["west"] != 0 {
			t.Errorf("a resourceVersion names west: %v", v)
		}
	}
	if len(seen) < 10 {
		t.Fatalf("checked only %d things", len(seen))
	}
}

// A watch from a position that names only clusters the user may not see
// (west, whether older than its history or ahead of it) is answered as one
// from a position naming no cluster, and so is one naming a cluster that
// does not exist: every visible object is new. Were any of them a 410, or
// answered differently, the answer would tell which clusters exist.
func TestWatchFromAPositionNamingOnlyHiddenClusters(t *testing.T) {
	r, store := upstreamREST(t, Deps{Clusters: fakeClusters{visible: map[string]bool{"east": true}}}, map[string][]cache.Object{
		"east": {upstreamView("east", "prod", "a"), upstreamView("east", "prod", "b")},
		"west": {upstreamView("west", "prod", "c")},
	})
	store.Upsert("west", upstreamView("west", "prod", "d"), 12)
	positions := map[string]cache.Vector{
		"no cluster":                        {},
		"hidden west, before its history":   {"west": 1},
		"hidden west, at its latest change": {"west": 12},
		"hidden west, ahead of it":          {"west": 99},
		"a cluster that does not exist":     {"nosuch": 5},
	}
	want := []string{"ADDED east.a", "ADDED east.b"}
	for what, at := range positions {
		w, err := r.Watch(requestContext("prod"), &metainternalversion.ListOptions{ResourceVersion: at.Encode()})
		if err != nil {
			t.Errorf("%s: %v", what, err)
			continue
		}
		var got []string
		for len(got) < len(want) {
			select {
			case e := <-w.ResultChan():
				u := e.Object.(*viewsv1alpha1.Upstream)
				got = append(got, string(e.Type)+" "+u.Name)
				if v, err := cache.DecodeVector(u.ResourceVersion); err != nil || len(v) != 1 || v["east"] == 0 {
					t.Errorf("%s: event resourceVersion %v (%v), want one naming east alone", what, v, err)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("%s: events %v, want %v", what, got, want)
			}
		}
		w.Stop()
		if !slices.Equal(got, want) {
			t.Errorf("%s: events %v, want %v", what, got, want)
		}
	}
}
