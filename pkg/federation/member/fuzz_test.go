package member

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
	"github.com/meridianfed/meridian/pkg/registry/views"
)

// fuzzMember answers every request of a member client with body.
type fuzzMember struct{ body []byte }

func (m fuzzMember) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: http.StatusOK, Request: req,
		Header: http.Header{"Content-Type": []string{runtime.ContentTypeJSON}},
		Body:   io.NopCloser(bytes.NewReader(m.body)),
	}, nil
}

// fuzzMemberClient is the REST client a member connection reads a Gloo
// kind with (startGlooReflector's configuration: JSON straight into the
// view types through memberCodecs), talking to a member that answers body.
func fuzzMemberClient(t *testing.T, k viewsv1alpha1.GlooKind, body []byte) *rest.RESTClient {
	t.Helper()
	gv := k.Member.GroupVersion()
	cfg := &rest.Config{Host: "https://member.invalid", Transport: fuzzMember{body: body}}
	cfg.GroupVersion = &gv
	cfg.APIPath = "/apis"
	cfg.NegotiatedSerializer = memberCodecs.WithoutConversion()
	cfg.ContentType = runtime.ContentTypeJSON
	cfg.AcceptContentTypes = runtime.ContentTypeJSON
	client, err := rest.RESTClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// fuzzViewStore is the store a member connection's reflector writes into,
// publishing into the federation cache's store of the kind.
func fuzzViewStore(k viewsv1alpha1.GlooKind) (*viewStore, *cache.Store) {
	caches := cache.NewSet(0, 0)
	sinks := Sinks{GlooInstances: caches.GlooInstances, Gloo: map[string]Sink{}}
	for resource, st := range caches.Gloo {
		sinks.Gloo[resource] = st
	}
	conn := NewConnection("east", &rest.Config{Host: "https://member.invalid"}, sinks, Options{}, klog.Background())
	st := caches.Gloo[k.Resource]
	return &viewStore{cluster: "east", kind: k.Kind, sink: st, conn: conn, ctx: context.Background()}, st
}

// fuzzCheckView checks what the views serve of a member object: named
// <cluster>.<name> (and named back by MemberName), labelled with its
// cluster, no managed fields, found by its name, spec and status valid JSON as the member served them, and
// it encodes as the API server encodes it and renders as a table row.
func fuzzCheckView(t *testing.T, k viewsv1alpha1.GlooKind, st *cache.Store, memberName, namespace string) {
	t.Helper()
	viewName := viewsv1alpha1.ClusterName("east", memberName)
	o, cluster, _, ok := st.Get(namespace, viewName)
	if !ok || cluster != "east" {
		t.Fatalf("%s %s/%s: not in the views as %s (found %v in %q)", k.Kind, namespace, memberName, viewName, ok, cluster)
	}
	if o.GetLabels()[viewsv1alpha1.ClusterLabel] != "east" || o.GetManagedFields() != nil || !o.GetObjectKind().GroupVersionKind().Empty() {
		t.Fatalf("%s %s: labels %v, managed fields %v, kind %v", k.Kind, viewName, o.GetLabels(), o.GetManagedFields(), o.GetObjectKind().GroupVersionKind())
	}
	if memberName != "" {
		if c, n, err := viewsv1alpha1.MemberName(o); err != nil || c != "east" || n != memberName {
			t.Fatalf("%s %s: MemberName gives %q %q %v, want east %q", k.Kind, viewName, c, n, err, memberName)
		}
	}
	g := o.(viewsv1alpha1.GlooView)
	for part, raw := range map[string][]byte{"spec": g.RawSpec(), "status": g.RawStatus()} {
		if len(raw) > 0 && !json.Valid(raw) {
			t.Fatalf("%s %s: %s is not JSON: %q", k.Kind, viewName, part, raw)
		}
	}
	served := cache.WithResourceVersion(o, cache.Vector{"east": 1}.Encode())
	if _, err := json.Marshal(served); err != nil {
		t.Fatalf("%s %s: the view does not encode (the server would answer 500): %v", k.Kind, viewName, err)
	}
	table := views.StatusTable()
	switch k.Kind {
	case "Upstream":
		table = views.UpstreamTable()
	case "VirtualService":
		table = views.VirtualServiceTable()
	}
	tbl, err := table.ConvertToTable(context.Background(), served, nil)
	if err != nil || len(tbl.Rows) != 1 || len(tbl.Rows[0].Cells) != len(tbl.ColumnDefinitions) {
		t.Fatalf("%s %s: table %v, %v", k.Kind, viewName, tbl, err)
	}
}

// FuzzMemberList feeds a member's list answer of any bytes (odd and huge
// Gloo objects, deep nesting, unicode, nulls) through the decode and the
// conversion a member connection applies, into the views: never a panic,
// and every object of a list that is accepted is served as a view.
// Seeds: testdata/fuzz/FuzzMemberList.
func FuzzMemberList(f *testing.F) {
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		k := viewsv1alpha1.GlooKinds[int(kind)%len(viewsv1alpha1.GlooKinds)]
		list := k.NewList()
		if err := fuzzMemberClient(t, k, body).Get().Resource(k.Member.Resource).Do(context.Background()).Into(list); err != nil {
			return // the reflector retries; nothing reaches the views
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			t.Fatal(err)
		}
		lm, err := meta.ListAccessor(list)
		if err != nil {
			t.Fatal(err)
		}
		// What the reflector hands its store, and what it keeps of it.
		type key struct{ ns, name string }
		var members []key
		anys := make([]any, len(items))
		for i, it := range items {
			m, err := meta.Accessor(it)
			if err != nil {
				t.Fatal(err)
			}
			members = append(members, key{m.GetNamespace(), m.GetName()})
			anys[i] = it
		}
		vs, st := fuzzViewStore(k)
		if err := vs.Replace(anys, lm.GetResourceVersion()); err != nil {
			return // an object without a member resourceVersion: the list fails, and is retried
		}
		for _, m := range members {
			fuzzCheckView(t, k, st, m.name, m.ns)
		}
	})
}

// FuzzMemberWatch feeds a member's watch stream of any bytes through the
// decode and the conversion a member connection applies: never a panic
// nor a hang, and every object added is served as a view.
// Seeds: testdata/fuzz/FuzzMemberWatch.
func FuzzMemberWatch(f *testing.F) {
	f.Fuzz(func(t *testing.T, kind uint8, stream []byte) {
		k := viewsv1alpha1.GlooKinds[int(kind)%len(viewsv1alpha1.GlooKinds)]
		w, err := fuzzMemberClient(t, k, stream).Get().Resource(k.Member.Resource).Param("watch", "true").Watch(context.Background())
		if err != nil {
			return
		}
		defer w.Stop()
		vs, st := fuzzViewStore(k)
		// The store holds the cluster at its first list, as it would.
		st.Replace("east", nil, 1)
		timeout := time.After(10 * time.Second)
		for {
			var ev watch.Event
			var open bool
			select {
			case ev, open = <-w.ResultChan():
			case <-timeout:
				t.Fatalf("the watch of a finite stream did not end: %q", stream)
			}
			if !open {
				return
			}
			switch ev.Type {
			case watch.Added, watch.Modified:
				m, err := meta.Accessor(ev.Object)
				if err != nil {
					continue
				}
				ns, name := m.GetNamespace(), m.GetName()
				if vs.Update(ev.Object) == nil {
					fuzzCheckView(t, k, st, name, ns)
				}
			case watch.Deleted:
				m, err := meta.Accessor(ev.Object)
				if err != nil {
					continue
				}
				ns, name := m.GetNamespace(), m.GetName()
				if vs.Delete(ev.Object) == nil {
					if _, _, _, ok := st.Get(ns, viewsv1alpha1.ClusterName("east", name)); ok {
						t.Fatalf("%s %s/%s deleted, still in the views", k.Kind, ns, name)
					}
				}
			case watch.Bookmark:
				if m, err := meta.Accessor(ev.Object); err == nil {
					vs.UpdateResourceVersion(m.GetResourceVersion())
				}
			}
		}
	})
}
