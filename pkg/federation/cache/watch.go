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
	// SendInitialEvents sends the current state as ADDED events, then a
	// bookmark annotated InitialEventsEndAnnotation.
	SendInitialEvents bool
	// Bookmarks asks for BOOKMARK events when a member progresses without a
	// change that passes the filter.
	Bookmarks bool
	// Filter selects objects (label, field and permission filters); nil keeps all.
	Filter func(cluster string, o Object) bool
}

// Watcher is one open watch on a Store. It implements watch.Interface.
type Watcher struct {
	store   *Store
	opts    WatchOptions
	result  chan watch.Event
	done    chan struct{}
	stopped sync.Once

	// Guarded by store.mu (written only while the store holds it).
	vector Vector            // the running position, encoded into every event
	floor  map[string]uint64 // per cluster: events at or below are already known to the client
	closed bool
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
		result: make(chan watch.Event, watchBuffer),
		done:   make(chan struct{}),
		vector: Vector{},
		floor:  map[string]uint64{},
	}
	var initial []watch.Event
	if opts.From != nil {
		for cluster, rv := range opts.From {
			cs := s.clusters[cluster]
			if cs == nil {
				return nil, gone("cluster %q left the federation (or this server has not connected to it yet)", cluster)
			}
			if rv < cs.historyFrom {
				return nil, gone("the history of cluster %q starts after %d", cluster, rv)
			}
		}
		names := sortedClusters(s.clusters)
		for _, cluster := range names {
			cs := s.clusters[cluster]
			rv, known := opts.From[cluster]
			if !known {
				// Joined since the client's position: all of it is new.
				w.vector[cluster] = cs.rv
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
	if opts.SendInitialEvents {
		initial = append(initial, w.bookmark(true))
	}
	if len(initial) > cap(w.result) {
		// More backlog than the buffer: size this watcher's buffer to fit, so
		// that the initial state is never cut short.
		w.result = make(chan watch.Event, len(initial)+watchBuffer)
	}
	for _, ev := range initial {
		w.result <- ev
	}
	s.watchers[w] = struct{}{}
	return w, nil
}

// ResultChan implements watch.Interface.
func (w *Watcher) ResultChan() <-chan watch.Event { return w.result }

// Stop implements watch.Interface.
func (w *Watcher) Stop() {
	w.stopped.Do(func() {
		w.store.mu.Lock()
		defer w.store.mu.Unlock()
		delete(w.store.watchers, w)
		w.closeLocked()
	})
}

func (w *Watcher) closeLocked() {
	if !w.closed {
		w.closed = true
		close(w.done)
		close(w.result)
	}
}

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
	return watch.Event{Type: t, Object: WithResourceVersion(o, w.vector.Encode())}
}

func (w *Watcher) bookmark(initialEnd bool) watch.Event {
	o := w.store.newObject()
	o.SetResourceVersion(w.vector.Encode())
	if initialEnd {
		o.SetAnnotations(map[string]string{InitialEventsEndAnnotation: "true"})
	}
	return watch.Event{Type: watch.Bookmark, Object: o}
}

// send delivers a store event; called with the store's lock held.
func (w *Watcher) send(cluster string, e event) {
	if w.closed || e.rv <= w.floor[cluster] {
		return
	}
	if ev, ok := w.translate(cluster, e); ok {
		w.push(ev)
	}
}

// progress advances the watcher's position; called with the store's lock held.
func (w *Watcher) progress(cluster string, rv uint64) {
	if w.closed || rv <= w.vector[cluster] {
		return
	}
	w.vector[cluster] = rv
	if w.opts.Bookmarks {
		w.push(w.bookmark(false))
	}
}

// removeCluster sends DELETED for a leaving cluster's objects and forgets
// the cluster; called with the store's lock held.
func (w *Watcher) removeCluster(cluster string, objs []Object) {
	for _, o := range objs {
		if !w.closed && w.keep(cluster, o) {
			w.push(w.event(watch.Deleted, o))
		}
	}
	w.forget(cluster)
}

// forget drops a cluster that left; called with the store's lock held.
func (w *Watcher) forget(cluster string) {
	delete(w.vector, cluster)
	delete(w.floor, cluster)
}

func (w *Watcher) push(ev watch.Event) {
	select {
	case w.result <- ev:
	default:
		// The client is too slow: close the watch; it resumes from its last
		// resourceVersion. Removing it from the store happens here because
		// the store's lock is already held.
		delete(w.store.watchers, w)
		w.closeLocked()
	}
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
