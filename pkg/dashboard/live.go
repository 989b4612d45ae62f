package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
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
	// livePoll is how often a page whose installations the user may not
	// watch is told to refresh anyway: reachability is read from the
	// installations, and the list warnings that say it otherwise come
	// with no event.
	livePoll  = 15 * time.Second
	keepAlive = 20 * time.Second
	// rewatchAfter is the pause before a watch that ended is opened again.
	rewatchAfter = time.Second
)

// liveResources maps the names a Live URL may carry to what they watch:
// "federated" is every federated kind.
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
	if k, ok := viewKindOf(name); ok {
		return []schema.GroupVersionResource{k.GVR}, true
	}
	return nil, false
}

// liveURL is the /live URL of a page showing resources.
func liveURL(p *page, resources []string) string {
	q := url.Values{"watch": resources}
	if p.Namespace != "" {
		q.Set("namespace", p.Namespace)
	}
	return "/live?" + q.Encode()
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
		go s.follow(ctx, rd, gvr, namespace, notify, func() {
			mu.Lock()
			watching[gvr] = true
			mu.Unlock()
		})
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
			// Installations live in their own namespaces: watching one
			// namespace of them rarely covers the clusters a page shows.
			blind := !watching[instancesGVR] || namespace != ""
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

// follow watches gvr until ctx ends, calling notify on every change. It
// starts from the resourceVersion of a one-item list, so that only what
// happens after the page was rendered counts; a watch that ends is opened
// again the same way (notifying, since events may have been missed).
// watching is called once a watch is open; follow gives up at once when
// the user may not watch gvr.
func (s *Server) follow(ctx context.Context, rd Reader, gvr schema.GroupVersionResource, namespace string, notify, watching func()) {
	first := true
	for ctx.Err() == nil {
		l, _, err := rd.List(ctx, gvr, ListOptions{Namespace: namespace, Limit: 1})
		if apierrors.IsForbidden(err) || apierrors.IsNotFound(err) {
			return
		}
		var wi watch.Interface
		if err == nil {
			wi, err = rd.Watch(ctx, gvr, namespace, l.GetResourceVersion())
		}
		if apierrors.IsForbidden(err) {
			return
		}
		if err == nil {
			if first {
				watching()
			} else {
				notify()
			}
			first = false
			for ev := range wi.ResultChan() {
				if ev.Type != watch.Bookmark {
					notify()
				}
			}
			wi.Stop()
		}
		select {
		case <-ctx.Done():
		case <-time.After(rewatchAfter):
		}
	}
}
