package member

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
	"github.com/meridianfed/meridian/pkg/federation/discovery"
)

// fakeSink records what a connection publishes into it, one line per call.
type fakeSink struct {
	mu    sync.Mutex
	calls []string
}

func (s *fakeSink) record(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, fmt.Sprintf(format, args...))
}

func (s *fakeSink) Replace(cluster string, objs []cache.Object, _ uint64) {
	var names []string
	for _, o := range objs {
		names = append(names, o.GetNamespace()+"/"+o.GetName())
	}
	slices.Sort(names)
	s.record("replace %s %v", cluster, names)
}
func (s *fakeSink) Upsert(cluster string, o cache.Object, _ uint64) {
	s.record("upsert %s %s/%s", cluster, o.GetNamespace(), o.GetName())
}
func (s *fakeSink) Delete(cluster, namespace, name string, _ uint64) {
	s.record("delete %s %s/%s", cluster, namespace, name)
}
func (s *fakeSink) Progress(string, uint64)      {}
func (s *fakeSink) RemoveCluster(cluster string) { s.record("remove %s", cluster) }

func (s *fakeSink) got() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// waitFor waits until the sink has recorded want after the call at index
// from, and returns the index after it.
func (s *fakeSink) waitFor(t *testing.T, from int, want string, within time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		calls := s.got()
		for i := from; i < len(calls); i++ {
			if calls[i] == want {
				return i + 1
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the sink never got %q after call %d; it got %q", want, from, calls)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// hungMember is a fake member cluster: it lists and watch-lists every kind
// a connection reads (Upstreams from upstreams, the rest empty) and then
// holds its watches open without an event. hung makes it fail its health
// checks while those watches stay open, as a member that hangs does; down
// makes it refuse everything and end its watches, as a member that
// restarts does; stalled makes its health checks wait for ever, as those
// of a member stopped with SIGSTOP do.
type hungMember struct {
	hung      atomic.Bool
	stalled   atomic.Bool
	down      atomic.Bool
	ended     chan struct{} // closed to end the open watches
	endedMu   sync.Mutex
	lists     sync.Map // path → *atomic.Int64: lists and watch-lists served
	upstreams atomic.Pointer[[]string]
	rv        atomic.Int64
	stop      chan struct{}
}

func newHungMember(t *testing.T, upstreams ...string) (*hungMember, *httptest.Server) {
	m := &hungMember{stop: make(chan struct{}), ended: make(chan struct{})}
	m.upstreams.Store(&upstreams)
	m.rv.Store(100)
	kinds := map[string][2]string{ // path → apiVersion, kind
		"/apis/apps/v1/deployments": {"apps/v1", "Deployment"}, "/apis/apps/v1/daemonsets": {"apps/v1", "DaemonSet"},
		"/api/v1/pods": {"v1", "Pod"}, "/api/v1/services": {"v1", "Service"}, "/api/v1/nodes": {"v1", "Node"},
	}
	for _, k := range viewsv1alpha1.GlooKinds {
		kinds["/apis/"+k.Member.Group+"/"+k.Member.Version+"/"+k.Member.Resource] = [2]string{k.Member.GroupVersion().String(), k.Kind}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m.down.Load() {
			http.Error(w, "restarting", http.StatusServiceUnavailable)
			return
		}
		if r.URL.Path == "/readyz" {
			if m.stalled.Load() {
				select {
				case <-r.Context().Done():
				case <-m.stop:
				}
				return
			}
			if m.hung.Load() {
				http.Error(w, "hung", http.StatusServiceUnavailable)
				return
			}
			_, _ = w.Write([]byte("ok"))
			return
		}
		gvk, ok := kinds[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if q := r.URL.Query(); q.Get("watch") != "true" || q.Get("sendInitialEvents") == "true" {
			n, _ := m.lists.LoadOrStore(r.URL.Path, new(atomic.Int64))
			n.(*atomic.Int64).Add(1)
		}
		var items []map[string]any
		if gvk[1] == "Upstream" {
			for _, name := range *m.upstreams.Load() {
				items = append(items, map[string]any{"apiVersion": gvk[0], "kind": gvk[1],
					"metadata": map[string]any{"namespace": "apps", "name": name, "resourceVersion": "90"}, "spec": map[string]any{}})
			}
		}
		rv := fmt.Sprint(m.rv.Add(1))
		w.Header().Set("Content-Type", "application/json")
		q := r.URL.Query()
		if q.Get("watch") != "true" {
			_ = json.NewEncoder(w).Encode(map[string]any{"apiVersion": gvk[0], "kind": gvk[1] + "List", "metadata": map[string]any{"resourceVersion": rv}, "items": items})
			return
		}
		enc := json.NewEncoder(w)
		if q.Get("sendInitialEvents") == "true" {
			for _, item := range items {
				_ = enc.Encode(map[string]any{"type": "ADDED", "object": item})
			}
			_ = enc.Encode(map[string]any{"type": "BOOKMARK", "object": map[string]any{"apiVersion": gvk[0], "kind": gvk[1],
				"metadata": map[string]any{"resourceVersion": rv, "annotations": map[string]any{"k8s.io/initial-events-end": "true"}}}})
		}
		w.(http.Flusher).Flush()
		m.endedMu.Lock()
		ended := m.ended
		m.endedMu.Unlock()
		select { // a watch that never tells anything again
		case <-r.Context().Done():
		case <-m.stop:
		case <-ended:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(m.stop) })
	return m, srv
}

// restart takes the member down, ending its watches, until up.
func (m *hungMember) restart() (up func()) {
	m.down.Store(true)
	m.endedMu.Lock()
	close(m.ended)
	m.ended = make(chan struct{})
	m.endedMu.Unlock()
	return func() { m.down.Store(false) }
}

// listed returns how many lists (or watch-lists) of each path it served.
func (m *hungMember) listed() map[string]int64 {
	got := map[string]int64{}
	m.lists.Range(func(k, v any) bool { got[k.(string)] = v.(*atomic.Int64).Load(); return true })
	return got
}

func fakeSinks() (Sinks, map[string]*fakeSink) {
	fakes := map[string]*fakeSink{}
	sinks := Sinks{GlooInstances: &fakeSink{}, Gloo: map[string]Sink{}}
	for _, k := range viewsv1alpha1.GlooKinds {
		fakes[k.Resource] = &fakeSink{}
		sinks.Gloo[k.Resource] = fakes[k.Resource]
	}
	return sinks, fakes
}

// syncedWithHungMember connects to a fake member holding Upstream a, with a
// grace of 100 ms before its objects are dropped, and waits until the
// connection is synced. It returns the Upstreams' sink and the index after
// its first list.
func syncedWithHungMember(t *testing.T) (*hungMember, *Connection, *fakeSink, int) {
	t.Helper()
	m, srv := newHungMember(t, "a")
	sinks, fakes := fakeSinks()
	c := NewConnection("east", &rest.Config{Host: srv.URL}, sinks, Options{
		RemoveAfter: 100 * time.Millisecond, ProbeInterval: 50 * time.Millisecond, ProbeTimeout: time.Second, RecomputeDelay: 10 * time.Millisecond,
	}, klog.Background())
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	upstreams := fakes["upstreams"]
	next := upstreams.waitFor(t, 0, "replace east [apps/east.a]", 10*time.Second)
	for deadline := time.Now().Add(10 * time.Second); !c.Health().Synced; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never synced: %+v", c.Health())
		}
	}
	return m, c, upstreams, next
}

// A member's objects are dropped RemoveAfter after it last answered, not
// RemoveAfter after a health check first gave up on it: a member that hangs
// is only noticed once a check has waited ProbeTimeout, and that wait is
// part of the grace, not added to it.
func TestHungMemberIsDroppedTheGraceAfterItLastAnswered(t *testing.T) {
	const grace, probeTimeout = 2 * time.Second, 2 * time.Second
	m, srv := newHungMember(t, "a")
	sinks, fakes := fakeSinks()
	c := NewConnection("east", &rest.Config{Host: srv.URL}, sinks, Options{
		RemoveAfter: grace, ProbeInterval: 50 * time.Millisecond, ProbeTimeout: probeTimeout, RecomputeDelay: 10 * time.Millisecond,
	}, klog.Background())
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	upstreams := fakes["upstreams"]
	next := upstreams.waitFor(t, 0, "replace east [apps/east.a]", 10*time.Second)
	for deadline := time.Now().Add(10 * time.Second); !c.Health().Synced; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never synced: %+v", c.Health())
		}
	}

	hung := time.Now()
	m.stalled.Store(true)
	upstreams.waitFor(t, next, "remove east", 15*time.Second)
	// The connection's loop looks once a second, so the drop comes up to a
	// second after the grace; counted from the first failed check it would
	// come no sooner than grace+probeTimeout.
	if took := time.Since(hung); took < grace-100*time.Millisecond || took >= grace+probeTimeout {
		t.Errorf("objects dropped %v after the member last answered, want at least the grace (%v) and less than the grace plus the probe timeout (%v)", took.Round(time.Millisecond), grace, grace+probeTimeout)
	}
}

// A member that hung long enough for its objects to be dropped from the
// views, and that answers again, is listed afresh, and the fresh list is
// published: its watches outlived the outage and would only ever bring
// back objects that change (here, b was created meanwhile and never
// changes again).
func TestRecoveredMemberIsListedAfresh(t *testing.T) {
	m, c, upstreams, next := syncedWithHungMember(t)

	m.hung.Store(true)
	next = upstreams.waitFor(t, next, "remove east", 10*time.Second)
	m.upstreams.Store(&[]string{"a", "b"})
	m.hung.Store(false)
	upstreams.waitFor(t, next, "replace east [apps/east.a apps/east.b]", 10*time.Second)
	for deadline := time.Now().Add(10 * time.Second); !c.Health().Synced; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never synced again after the relist: %+v", c.Health())
		}
	}
}

// Discovery reads the connection's own record of its watches, not the
// views it published: member names (dots and all), statuses, Settings'
// watchNamespaces, as adds, updates, deletes and relists left them, and
// nothing from a replaced reflector.
func TestDiscoveryInputsComeFromTheConnectionsOwnWatches(t *testing.T) {
	sinks, _ := fakeSinks()
	c := NewConnection("east", &rest.Config{Host: "https://127.0.0.1:1"}, sinks, Options{}, klog.Background())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := func(ctx context.Context, kind, resource string) *viewStore {
		return &viewStore{cluster: "east", kind: kind, sink: sinks.Gloo[resource], conn: c, ctx: ctx}
	}
	up := func(name, rv, status string) any {
		return &viewsv1alpha1.Upstream{ObjectMeta: metaOf("apps", name, rv), Status: viewsv1alpha1.RawJSON(status)}
	}
	us, st := store(ctx, "Upstream", "upstreams"), store(ctx, "Settings", "settings")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(us.Replace([]any{up("a.b", "10", `{"state":1}`), up("gone", "10", `{}`)}, "10"))
	must(us.Update(up("a.b", "11", `{"state":2,"reason":"bad"}`)))
	must(us.Delete(up("gone", "12", `{}`)))
	must(st.Add(&viewsv1alpha1.Settings{ObjectMeta: metaOf("gloo-system", "default", "13"), Spec: viewsv1alpha1.RawJSON(`{"watchNamespaces":["apps","gloo-system"]}`)}))
	stale, stop := context.WithCancel(ctx)
	old := store(stale, "Upstream", "upstreams")
	stop()
	must(old.Add(up("from-a-replaced-reflector", "14", `{}`)))

	snap := &discovery.Snapshot{Cluster: "east", Gloo: map[discovery.Kind][]discovery.Resource{}}
	c.inputs.fill(snap)
	kind, _ := discovery.KindOf("Upstream")
	got := snap.Gloo[kind]
	if len(got) != 1 || got[0].Namespace != "apps" || got[0].Name != "a.b" || string(got[0].Status) != `{"state":2,"reason":"bad"}` {
		t.Errorf("upstreams %+v", got)
	}
	if len(snap.Settings) != 1 || snap.Settings[0].Name != "default" || strings.Join(snap.Settings[0].WatchNamespaces, ",") != "apps,gloo-system" {
		t.Errorf("settings %+v", snap.Settings)
	}
}

func metaOf(namespace, name, rv string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: namespace, Name: name, ResourceVersion: rv}
}

// A member that restarts and stays away long enough for its objects to be
// dropped is listed once per kind when it is back, not twice: the
// reflectors that watched it before stop when its objects are dropped, so
// they do not list it again on their own beside the fresh ones (with
// 10,000 objects per member, a second full list of every kind is the
// member's load for nothing).
func TestRestartedMemberIsListedOnceWhenBack(t *testing.T) {
	m, _, upstreams, next := syncedWithHungMember(t)
	before := m.listed()

	up := m.restart()
	next = upstreams.waitFor(t, next, "remove east", 10*time.Second)
	time.Sleep(time.Second) // the old reflectors retry meanwhile, and back off
	m.upstreams.Store(&[]string{"a", "b"})
	up()
	upstreams.waitFor(t, next, "replace east [apps/east.a apps/east.b]", 10*time.Second)
	time.Sleep(5 * time.Second) // longer than the old reflectors' backoff
	after := m.listed()
	for _, k := range viewsv1alpha1.GlooKinds {
		path := "/apis/" + k.Member.Group + "/" + k.Member.Version + "/" + k.Member.Resource
		if n := after[path] - before[path]; n != 1 {
			t.Errorf("%s listed %d times once the member was back, want 1", k.Member.Resource, n)
		}
	}
}
