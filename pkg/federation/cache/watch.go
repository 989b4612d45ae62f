package cache

import (
	"slices"
	"strings"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
)

// watchBuffer is how many events a watcher may fall behind before it is
// closed. A closed watch is resumed by its client from the last
// resourceVersion it saw, so a slow client costs a reconnect, never memory
// without bound nor a stalled store.
const watchBuffer = 1024

// InitialEventsEndAnnotation marks the bookmark that ends the initial events
// of a watch with sendInitialEvents=true (what client-go's WatchList expects).
const InitialEventsEndAnnotation = metav1.InitialEventsAnnotationKey

// WatchOptions shape a watch.
type WatchOptions struct {
	// From is where the watch resumes; nil means "now": only changes after the
	// watch starts are sent (or, with SendInitialEvents, the current state).
	From Vector
	// SendInitialEvents sends the current state as ADDED events first.
	SendInitialEvents bool
	// InitialEventsBookmark follows the initial events with a bookmark
	// annotated InitialEventsEndAnnotation (client-go's watch-list).
	InitialEventsBookmark bool
	// Bookmarks asks for BOOKMARK events when a member progresses without a
	// change that passes the filter.
	Bookmarks bool
	// Filter selects objects (label, field and permission filters); nil keeps all.
	Filter func(cluster string, o Object) bool
	// Visible reports the clusters the client may see (nil: all). The
	// resourceVersions the watch sends name only those, and bookmarks move
	// only on their progress: nothing in the stream tells of another cluster.
	Visible func(cluster string) bool
}

// Watcher is one open watch on a Store. It implements watch.Interface.
//
// The store hands events to the watcher's input without blocking and without
// filtering; the watcher's own goroutine filters them (selectors, and the
// permission checks, which may call the authorizer) and delivers them. So a
// slow client or a slow authorizer never holds the store's lock.
type Watcher struct {
	store   *Store
	opts    WatchOptions
	input   chan input
	result  chan watch.Event
	done    chan struct{}
	stopped sync.Once

	// Owned by the watcher's goroutine after Watch returns.
	vector Vector            // the running position, encoded into every event
	floor  map[string]uint64 // per cluster: events at or below are already known to the client

	closed bool // guarded by store.mu
}

// input is one thing the store tells a watcher.
type input struct {
	cluster  string
	e        event
	progress uint64   // a bookmark position, when e.typ is empty
	removed  []Object // a cluster leaving, when set
	leaving  bool
}

var _ watch.Interface = (*Watcher)(nil)

// Watch opens a watch. It fails with *ErrGone when opts.From names a
// position this store no longer has the history for.
func (s *Store) Watch(opts WatchOptions) (*Watcher, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := &Watcher{
		store:  s,
		opts:   opts,
		input:  make(chan input, watchBuffer),
		done:   make(chan struct{}),
		vector: Vector{},
		floor:  map[string]uint64{},
	}
	var initial []watch.Event
	if len(opts.From) > 0 {
		if err := s.vectorLocked().Comparable(opts.From); err != nil {
			return nil, gone("%v", err)
		}
		if s.replica != 0 {
			w.vector[replicaKey] = s.replica
		}
		for cluster, rv := range opts.From {
			if cluster == replicaKey {
				continue
			}
			cs := s.clusters[cluster]
			if cs == nil {
				return nil, gone("a cluster of that resourceVersion left the federation, or this server has not connected to it yet")
			}
			if rv < cs.historyFrom {
				return nil, gone("the history kept of a cluster of that resourceVersion starts after it")
			}
		}
		for _, cluster := range sortedClusters(s.clusters) {
			cs := s.clusters[cluster]
			rv, known := opts.From[cluster]
			if !known {
				// Joined since the client's position: all of it is new.
				w.vector[cluster] = cs.rv
				w.floor[cluster] = cs.rv
				for _, o := range sortedObjects(cs.objects) {
					if w.keep(cluster, o) {
						initial = append(initial, w.event(watch.Added, o))
					}
				}
				continue
			}
			w.vector[cluster] = rv
			w.floor[cluster] = rv
			for _, e := range cs.history {
				if e.rv > rv {
					if ev, ok := w.translate(cluster, e); ok {
						initial = append(initial, ev)
					}
				}
			}
			if cs.rv > rv {
				w.floor[cluster] = cs.rv
			}
		}
	} else if opts.From != nil {
		// "Any" position (resourceVersion 0): every object is new.
		w.vector = s.vectorLocked()
		w.floor = map[string]uint64(w.vector.Clone())
		for _, cluster := range sortedClusters(s.clusters) {
			for _, o := range sortedObjects(s.clusters[cluster].objects) {
				if w.keep(cluster, o) {
					initial = append(initial, w.event(watch.Added, o))
				}
			}
		}
	} else {
		w.vector = s.vectorLocked()
		w.floor = map[string]uint64(w.vector.Clone())
		if opts.SendInitialEvents {
			for _, cluster := range sortedClusters(s.clusters) {
				for _, o := range sortedObjects(s.clusters[cluster].objects) {
					if w.keep(cluster, o) {
						initial = append(initial, w.event(watch.Added, o))
					}
				}
			}
		}
	}
	if opts.SendInitialEvents && opts.InitialEventsBookmark {
		initial = append(initial, w.bookmark(true))
	}
	// The result channel holds the whole backlog, so the initial state is
	// never cut short by a client that has not started reading yet.
	w.result = make(chan watch.Event, len(initial)+watchBuffer)
	for _, ev := range initial {
		w.result <- ev
	}
	s.watchers[w] = struct{}{}
	go w.run()
	return w, nil
}

// ResultChan implements watch.Interface.
func (w *Watcher) ResultChan() <-chan watch.Event { return w.result }

// Stop implements watch.Interface.
func (w *Watcher) Stop() {
	w.stopped.Do(func() {
		w.store.mu.Lock()
		delete(w.store.watchers, w)
		w.closeInputLocked()
		w.store.mu.Unlock()
		close(w.done)
	})
}

// closeInputLocked ends the watcher's input; its goroutine then closes the
// result channel. Called with the store's lock held.
func (w *Watcher) closeInputLocked() {
	if !w.closed {
		w.closed = true
		close(w.input)
	}
}

// run delivers the store's events until the input ends or the client stops.
func (w *Watcher) run() {
	defer close(w.result)
	for in := range w.input {
		switch {
		case in.leaving:
			// The events carry the watcher's vector without the cluster.
			delete(w.vector, in.cluster)
			delete(w.floor, in.cluster)
			for _, o := range in.removed {
				if w.keep(in.cluster, o) && !w.deliver(w.event(watch.Deleted, o)) {
					return
				}
			}
		case in.e.typ == "":
			if in.progress > w.vector[in.cluster] {
				w.vector[in.cluster] = in.progress
				if w.opts.Bookmarks && w.visible(in.cluster) && !w.deliver(w.bookmark(false)) {
					return
				}
			}
		default:
			if in.e.rv <= w.floor[in.cluster] {
				continue
			}
			if ev, ok := w.translate(in.cluster, in.e); ok && !w.deliver(ev) {
				return
			}
		}
	}
}

// deliver hands an event to the client; false once the client stopped.
func (w *Watcher) deliver(ev watch.Event) bool {
	select {
	case w.result <- ev:
		return true
	case <-w.done:
		return false
	}
}

func (w *Watcher) visible(cluster string) bool {
	return w.opts.Visible == nil || w.opts.Visible(cluster)
}

// position is the resourceVersion the watcher sends: its vector, of the
// clusters the client may see.
func (w *Watcher) position() string { return w.vector.Restrict(w.opts.Visible).Encode() }

func (w *Watcher) keep(cluster string, o Object) bool {
	return w.opts.Filter == nil || w.opts.Filter(cluster, o)
}

// translate turns a store event into what this watcher's filter sees:
// an object leaving the filter is DELETED, one entering it is ADDED.
func (w *Watcher) translate(cluster string, e event) (watch.Event, bool) {
	if e.rv > w.vector[cluster] {
		w.vector[cluster] = e.rv
	}
	newIn := e.typ != watch.Deleted && w.keep(cluster, e.obj)
	oldIn := e.old != nil && w.keep(cluster, e.old)
	switch {
	case e.typ == watch.Deleted && oldIn:
		return w.event(watch.Deleted, e.old), true
	case e.typ == watch.Added && newIn:
		return w.event(watch.Added, e.obj), true
	case e.typ == watch.Modified && newIn && oldIn:
		return w.event(watch.Modified, e.obj), true
	case e.typ == watch.Modified && newIn:
		return w.event(watch.Added, e.obj), true
	case e.typ == watch.Modified && oldIn:
		return w.event(watch.Deleted, e.old), true
	}
	return watch.Event{}, false
}

func (w *Watcher) event(t watch.EventType, o Object) watch.Event {
	return watch.Event{Type: t, Object: WithResourceVersion(o, w.position())}
}

func (w *Watcher) bookmark(initialEnd bool) watch.Event {
	o := w.store.newObject()
	o.SetResourceVersion(w.position())
	if initialEnd {
		o.SetAnnotations(map[string]string{InitialEventsEndAnnotation: "true"})
	}
	return watch.Event{Type: watch.Bookmark, Object: o}
}

// push queues input for the watcher; called with the store's lock held.
// A watcher whose input is full is closed: its client resumes from the last
// resourceVersion it received, which the history serves.
func (w *Watcher) push(in input) {
	if w.closed {
		return
	}
	select {
	case w.input <- in:
	default:
		delete(w.store.watchers, w)
		w.closeInputLocked()
	}
}

func (w *Watcher) send(cluster string, e event) { w.push(input{cluster: cluster, e: e}) }

func (w *Watcher) progress(cluster string, rv uint64) {
	w.push(input{cluster: cluster, progress: rv})
}

func (w *Watcher) removeCluster(cluster string, objs []Object) {
	w.push(input{cluster: cluster, leaving: true, removed: objs})
}

func sortedClusters(m map[string]*clusterState) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func sortedObjects(m map[string]Object) []Object {
	out := make([]Object, 0, len(m))
	for _, o := range m {
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b Object) int { return strings.Compare(keyOf(a), keyOf(b)) })
	return out
}
