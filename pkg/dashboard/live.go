package dashboard

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/meridianfed/meridian/pkg/controller/placement"
)

// Live updates: a page names what it shows in its Live URL; /live watches
// those resources with the user's own credentials and sends a "change"
// event (server-sent events) when any of them changes, at most once per
// liveDebounce. The page's script then fetches the page again and swaps
// its main part (web/static/live.js).

var (
	liveDebounce = 250 * time.Millisecond
	// livePoll is how often a page that shows reachability, for a user
	// who may not watch the installations of every namespace, is told to
	// refresh anyway: the list warnings that say a cluster is unreachable
	// come with no event.
	livePoll  = 15 * time.Second
	keepAlive = 20 * time.Second
	// rewatchAfter is the pause before a watch that ended is opened again.
	rewatchAfter = time.Second
)

// liveResources maps the names a Live URL may carry to what they watch:
// a view or federated resource, glooinstances, kubernetesclusters,
// failoverschemes, or "federated" for every federated kind.
func liveResources(name string) ([]schema.GroupVersionResource, bool) {
	switch name {
	case "glooinstances":
		return []schema.GroupVersionResource{instancesGVR}, true
	case "kubernetesclusters":
		return []schema.GroupVersionResource{clustersGVR}, true
	case "failoverschemes":
		return []schema.GroupVersionResource{failoverGVR}, true
	case "federated":
		var out []schema.GroupVersionResource
		for _, k := range placement.Kinds {
			out = append(out, k.Federated)
		}
		return out, true
	}
	if k, ok := federatedKindOf(func(k placement.Kind) bool { return k.Federated.Resource == name }); ok {
		return []schema.GroupVersionResource{k.Federated}, true
	}
	if k, ok := viewKindOf(name); ok {
		return []schema.GroupVersionResource{k.GVR}, true
	}
	return nil, false
}

// liveURL is the /live URL of a page showing resources of namespace ("":
// all), with the resourceVersions its reads answered, so that the watches
// start where the page's content stands.
func liveURL(p *page, namespace string, resources []string) string {
	q := url.Values{"watch": resources}
	if namespace != "" {
		q.Set("namespace", namespace)
	}
	for _, res := range slices.Sorted(maps.Keys(p.versions)) {
		q.Add("rv", res+"="+p.versions[res])
	}
	return "/live?" + q.Encode()
}

// sawInstances records where the installations stand, for a page that
// watches them for reachability without showing them.
func (s *Server) sawInstances(ctx context.Context, rd Reader, p *page) {
	s.sawCollection(ctx, rd, p, instancesGVR, "")
}

// sawCollection records where a collection stands, read as a one-item
// list from the cache: the position a watch of the collection starts
// from (an object's own resourceVersion is where it last changed, not
// where its collection is). A user who may not list it has none recorded.
func (s *Server) sawCollection(ctx context.Context, rd Reader, p *page, gvr schema.GroupVersionResource, namespace string) {
	if l, _, err := rd.List(ctx, gvr, ListOptions{Namespace: namespace, Limit: 1}); err == nil {
		p.saw(gvr.Resource, l.GetResourceVersion())
	}
}

func (s *Server) live(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var gvrs []schema.GroupVersionResource
	for _, name := range q["watch"] {
		res, ok := liveResources(name)
		if !ok {
			http.Error(w, fmt.Sprintf("%q is not something the dashboard watches", name), http.StatusBadRequest)
			return
		}
		for _, g := range res {
			if !slices.Contains(gvrs, g) {
				gvrs = append(gvrs, g)
			}
		}
	}
	if len(gvrs) == 0 {
		http.Error(w, "name what to watch: /live?watch=upstreams", http.StatusBadRequest)
		return
	}
	versions := map[string]string{}
	for _, kv := range q["rv"] {
		res, rv, ok := strings.Cut(kv, "=")
		if !ok || rv == "" {
			http.Error(w, fmt.Sprintf("rv=%q: want resource=resourceVersion", kv), http.StatusBadRequest)
			return
		}
		versions[res] = rv
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming is not supported here", http.StatusInternalServerError)
		return
	}
	rd, err := s.opts.Readers.For(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	namespace := q.Get("namespace")
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	flusher.Flush()

	changed := make(chan struct{}, 1)
	notify := func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	var (
		mu       sync.Mutex
		watching = map[schema.GroupVersionResource]bool{}
	)
	for _, gvr := range gvrs {
		ns := namespace
		switch gvr {
		case instancesGVR:
			// Reachability is read from every installation, whatever
			// namespace the page shows.
			ns = ""
		case clustersGVR:
			ns = s.opts.FederationNamespace
		}
		go func() {
			if s.follow(ctx, rd, gvr, ns, versions[gvr.Resource], notify, func() {
				mu.Lock()
				watching[gvr] = true
				mu.Unlock()
			}) == errSignedOut {
				// End the stream: the browser's EventSource comes back
				// through the proxy, with the user's current credentials.
				cancel()
			}
		}()
	}
	poll := time.NewTicker(livePoll)
	defer poll.Stop()
	alive := time.NewTicker(keepAlive)
	defer alive.Stop()
	var pending <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-changed:
			if pending == nil {
				pending = time.After(liveDebounce)
			}
		case <-pending:
			pending = nil
			fmt.Fprint(w, "event: change\ndata: {}\n\n")
			flusher.Flush()
		case <-poll.C:
			mu.Lock()
			blind := slices.Contains(gvrs, instancesGVR) && !watching[instancesGVR]
			mu.Unlock()
			if blind {
				notify()
			}
		case <-alive.C:
			fmt.Fprint(w, ": keep-alive\n\n")
			flusher.Flush()
		}
	}
}

// errSignedOut is follow's answer when the user's credentials are no
// longer accepted.
var errSignedOut = errors.New("the management cluster no longer accepts the credentials")

// follow watches gvr until ctx ends, calling notify on every change. It
// starts at resourceVersion, where the page's content stands; without one,
// or once that is gone (410), it starts from a one-item list and notifies,
// since what happened in between is unknown. A watch that ends is opened
// again from the last resourceVersion it delivered; every failure waits
// longer before the next try, up to 30 s (two replicas whose
// resourceVersions do not compare would otherwise answer 410 in a loop).
// watching is called once a watch is open. It gives up when the user may
// not watch gvr, and returns errSignedOut when they are signed out.
func (s *Server) follow(ctx context.Context, rd Reader, gvr schema.GroupVersionResource, namespace, resourceVersion string, notify, watching func()) error {
	announced, wait := false, rewatchAfter
	for ctx.Err() == nil {
		rv, err := resourceVersion, error(nil)
		if rv == "" {
			var l interface{ GetResourceVersion() string }
			if l, _, err = rd.List(ctx, gvr, ListOptions{Namespace: namespace, Limit: 1}); err == nil {
				rv = l.GetResourceVersion()
			}
		}
		var wi watch.Interface
		if err == nil {
			wi, err = rd.Watch(ctx, gvr, namespace, rv)
		}
		switch {
		case apierrors.IsUnauthorized(err):
			return errSignedOut
		case apierrors.IsForbidden(err), apierrors.IsNotFound(err):
			return err
		case apierrors.IsResourceExpired(err), apierrors.IsGone(err):
			resourceVersion = ""
			notify()
		case err == nil:
			if !announced {
				announced = true
				watching()
			}
			if resourceVersion == "" {
				notify() // from an unknown point: the page may be behind
			}
			resourceVersion = rv
			opened := time.Now()
			for ev := range wi.ResultChan() {
				switch ev.Type {
				case watch.Error:
					resourceVersion = "" // 410 or worse: start over
				case watch.Bookmark:
				default:
					notify()
				}
				if m, ok := ev.Object.(interface{ GetResourceVersion() string }); ok && ev.Type != watch.Error && m.GetResourceVersion() != "" {
					resourceVersion = m.GetResourceVersion()
				}
			}
			wi.Stop()
			if resourceVersion != "" && time.Since(opened) > 10*time.Second {
				wait = rewatchAfter // a watch that served a while, then ended
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(2*wait, 30*time.Second)
	}
	return ctx.Err()
}
