package cache

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// Object is a view object: a typed API object with ObjectMeta.
type Object interface {
	runtime.Object
	metav1.Object
}

// DefaultHistory is how many events a Store keeps per cluster for watches
// that resume from an earlier resourceVersion.
const DefaultHistory = 4096

// DefaultHistoryBytes bounds the size of the objects a Store's history keeps
// per cluster: Gloo Proxies are often megabytes and rewritten often, so a
// bound by count alone lets the history grow with their size. At the bound
// the oldest steps are forgotten, and a watch resuming from before them is
// answered 410, so its client relists.
const DefaultHistoryBytes = 8 << 20

// objectOverhead approximates what an object costs beyond its spec and
// status (metadata, maps, the struct itself).
const objectOverhead = 512

// sizeOf approximates the memory an object holds: the raw spec and status of
// a Gloo view, plus a fixed overhead.
func sizeOf(o Object) int64 {
	n := int64(objectOverhead)
	if v, ok := o.(interface {
		RawSpec() []byte
		RawStatus() []byte
	}); ok {
		n += int64(len(v.RawSpec()) + len(v.RawStatus()))
	}
	return n
}

// eventSize is what an event may keep alive: its new object and its old
// one. Counting the old copy matters: an object shrunk after being large
// leaves its large previous version in the event. An object rewritten
// again and again is counted twice per version this way (as one event's
// new object and the next one's old): the bound errs towards forgetting.
func eventSize(e event) int64 {
	n := sizeOf(e.obj)
	if e.old != nil && e.old != e.obj {
		n += sizeOf(e.old)
	}
	return n
}

// event is one change of one member's state.
type event struct {
	typ watch.EventType
	obj Object // the new object (for DELETED: the last known object)
	old Object // the previous object (MODIFIED, DELETED), nil for ADDED
	rv  uint64 // the member resourceVersion of the change
}

// clusterState is what a Store holds of one member cluster.
type clusterState struct {
	objects map[string]Object // by namespace/name of the view object
	rv      uint64            // the member resourceVersion the objects reflect
	// historyFrom: every event with rv > historyFrom is in history.
	historyFrom uint64
	history     []event
	// historyBytes is the size of the objects history holds (eventSize).
	historyBytes int64
}

// Store holds the view objects of one kind for every member cluster, and
// serves lists and watches of them.
type Store struct {
	newObject  func() Object
	limit      int
	limitBytes int64
	// replica, when set, makes the store's positions this process's own
	// (see NewReplicaLocalStore).
	replica uint64

	mu       sync.RWMutex
	clusters map[string]*clusterState
	watchers map[*Watcher]struct{}
}

// NewStore returns an empty store. newObject returns an empty object of the
// store's kind (used for bookmarks); history bounds the events kept per cluster.
func NewStore(newObject func() Object, history int) *Store {
	return NewStoreWithLimits(newObject, history, 0)
}

// NewStoreWithLimits is NewStore with the history bounded by both a number
// of events and the size of their objects, per cluster (0: the defaults).
func NewStoreWithLimits(newObject func() Object, history int, historyBytes int64) *Store {
	if history <= 0 {
		history = DefaultHistory
	}
	if historyBytes <= 0 {
		historyBytes = DefaultHistoryBytes
	}
	return &Store{newObject: newObject, limit: history, limitBytes: historyBytes, clusters: map[string]*clusterState{}, watchers: map[*Watcher]struct{}{}}
}

// NewReplicaLocalStore is NewStoreWithLimits for objects each replica
// computes itself rather than copies from a member (GlooInstances): their
// content at a member position depends on when the replica computed it, so
// a position given out by another replica, or by this process before a
// restart, is not resumable here. Its positions carry a random identity of
// this store, and a watch or list from another's is answered 410 Gone, so
// that the client relists instead of silently missing a change.
func NewReplicaLocalStore(newObject func() Object, history int, historyBytes int64) *Store {
	s := NewStoreWithLimits(newObject, history, historyBytes)
	s.replica = rand.Uint64() | 1 // never 0, which means "not replica-local"
	return s
}

// shareUnchanged lets obj, which replaces old, hold old's spec and status
// bytes where they are equal: Gloo rewrites status far more often than spec,
// and a Proxy's spec is often megabytes.
func shareUnchanged(obj, old Object) {
	if g, ok := obj.(viewsv1alpha1.GlooView); ok {
		if og, ok := old.(viewsv1alpha1.GlooView); ok {
			g.ShareUnchanged(og)
		}
	}
}

func key(namespace, name string) string { return namespace + "/" + name }

func keyOf(o Object) string { return key(o.GetNamespace(), o.GetName()) }

// Replace sets a cluster's whole state, as of member resourceVersion rv (a
// list or relist). Watchers get the difference as events of one step.
func (s *Store) Replace(cluster string, objs []Object, rv uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.clusters[cluster]
	joining := cs == nil
	if joining {
		cs = &clusterState{objects: map[string]Object{}, historyFrom: rv}
		s.clusters[cluster] = cs
	}
	next := make(map[string]Object, len(objs))
	var events []event
	for _, o := range objs {
		k := keyOf(o)
		next[k] = o
		if old, ok := cs.objects[k]; !ok {
			events = append(events, event{typ: watch.Added, obj: o, rv: rv})
		} else if shareUnchanged(o, old); old.GetResourceVersion() != o.GetResourceVersion() || !reflect.DeepEqual(old, o) {
			events = append(events, event{typ: watch.Modified, obj: o, old: old, rv: rv})
		}
	}
	for k, old := range cs.objects {
		if _, ok := next[k]; !ok {
			events = append(events, event{typ: watch.Deleted, obj: old, old: old, rv: rv})
		}
	}
	// Deterministic event order within the step.
	slices.SortFunc(events, func(a, b event) int { return strings.Compare(keyOf(a.obj), keyOf(b.obj)) })
	cs.objects = next
	if rv > cs.rv || joining {
		cs.rv = rv
	}
	for _, e := range events {
		if joining {
			// Not kept in history: a watch resuming from a position without
			// this cluster gets all of its current objects (see Watch), and
			// history only serves positions after historyFrom (rv).
			s.broadcast(cluster, e)
			continue
		}
		s.record(cluster, cs, e)
	}
	if len(events) == 0 {
		s.progressLocked(cluster)
	}
}

// Upsert records that a member object was added or changed at rv.
func (s *Store) Upsert(cluster string, obj Object, rv uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.ensure(cluster, rv)
	k := keyOf(obj)
	old, existed := cs.objects[k]
	if existed {
		shareUnchanged(obj, old)
	}
	cs.objects[k] = obj
	if rv > cs.rv {
		cs.rv = rv
	}
	e := event{typ: watch.Added, obj: obj, rv: rv}
	if existed {
		e = event{typ: watch.Modified, obj: obj, old: old, rv: rv}
	}
	s.record(cluster, cs, e)
}

// Delete records that a member object was deleted at rv.
func (s *Store) Delete(cluster, namespace, name string, rv uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.ensure(cluster, rv)
	k := key(namespace, name)
	old, existed := cs.objects[k]
	if rv > cs.rv {
		cs.rv = rv
	}
	if !existed {
		return
	}
	delete(cs.objects, k)
	s.record(cluster, cs, event{typ: watch.Deleted, obj: old, old: old, rv: rv})
}

// Progress records that a member is known to be current up to rv with no
// change (a bookmark).
func (s *Store) Progress(cluster string, rv uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.clusters[cluster]
	if cs == nil || rv <= cs.rv {
		return
	}
	cs.rv = rv
	if len(cs.history) == 0 {
		cs.historyFrom = rv
	}
	s.progressLocked(cluster)
}

// RemoveCluster drops a member's objects: open watches get DELETED events.
func (s *Store) RemoveCluster(cluster string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.clusters[cluster]
	if cs == nil {
		return
	}
	delete(s.clusters, cluster)
	objs := sortedObjects(cs.objects)
	for w := range s.watchers {
		w.removeCluster(cluster, objs)
	}
}

// Clusters returns the names of the clusters the store holds.
func (s *Store) Clusters() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := make([]string, 0, len(s.clusters))
	for n := range s.clusters {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (s *Store) ensure(cluster string, rv uint64) *clusterState {
	cs := s.clusters[cluster]
	if cs == nil {
		cs = &clusterState{objects: map[string]Object{}, rv: rv, historyFrom: rv}
		if rv > 0 {
			cs.historyFrom = rv - 1
		}
		s.clusters[cluster] = cs
	}
	return cs
}

// record appends an event to the cluster's history and sends it to watchers.
// The history then forgets its oldest steps (whole steps only, so that
// historyFrom stays a step boundary) while it holds more events, or more
// bytes of objects, than the store's limits.
func (s *Store) record(cluster string, cs *clusterState, e event) {
	cs.history = append(cs.history, e)
	cs.historyBytes += eventSize(e)
	cut := 0
	for cut < len(cs.history) && (len(cs.history)-cut > s.limit || cs.historyBytes > s.limitBytes) {
		rv := cs.history[cut].rv
		for cut < len(cs.history) && cs.history[cut].rv == rv {
			cs.historyBytes -= eventSize(cs.history[cut])
			cut++
		}
		cs.historyFrom = rv
	}
	// slices.Delete zeroes the vacated tail, so the forgotten events'
	// objects do not stay reachable; no new array per trim on this path.
	cs.history = slices.Delete(cs.history, 0, cut)
	s.broadcast(cluster, e)
}

// broadcast sends an event to every watcher.
func (s *Store) broadcast(cluster string, e event) {
	for w := range s.watchers {
		w.send(cluster, e)
	}
}

func (s *Store) progressLocked(cluster string) {
	cs := s.clusters[cluster]
	for w := range s.watchers {
		w.progress(cluster, cs.rv)
	}
}

// vectorLocked is the store's current position.
func (s *Store) vectorLocked() Vector {
	v := make(Vector, len(s.clusters)+1)
	for n, cs := range s.clusters {
		v[n] = cs.rv
	}
	if s.replica != 0 {
		v[replicaKey] = s.replica
	}
	return v
}

// Snapshot returns the objects for which keep returns true, sorted by
// namespace and name, and the vector they reflect. The objects are shared:
// callers must not modify them (use WithResourceVersion for a copy).
func (s *Store) Snapshot(keep func(cluster string, o Object) bool) ([]Object, Vector) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Object
	for n, cs := range s.clusters {
		for _, o := range cs.objects {
			if keep == nil || keep(n, o) {
				out = append(out, o)
			}
		}
	}
	slices.SortFunc(out, func(a, b Object) int {
		if c := strings.Compare(a.GetNamespace(), b.GetNamespace()); c != 0 {
			return c
		}
		return strings.Compare(a.GetName(), b.GetName())
	})
	return out, s.vectorLocked()
}

// Position returns the vector a Snapshot taken now would reflect.
func (s *Store) Position() Vector {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.vectorLocked()
}

// Get returns the object with the given namespace and name, and its cluster.
func (s *Store) Get(namespace, name string) (Object, string, Vector, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k := key(namespace, name)
	for n, cs := range s.clusters {
		if o, ok := cs.objects[k]; ok {
			return o, n, s.vectorLocked(), true
		}
	}
	return nil, "", nil, false
}

// WithResourceVersion returns a shallow copy of o with its resourceVersion
// set. The copy shares o's maps and raw JSON, which are never modified.
func WithResourceVersion(o Object, rv string) Object {
	v := reflect.New(reflect.TypeOf(o).Elem())
	v.Elem().Set(reflect.ValueOf(o).Elem())
	c := v.Interface().(Object)
	c.SetResourceVersion(rv)
	return c
}

// ErrGone means a watch cannot resume from the resourceVersion it was given.
type ErrGone struct{ Reason string }

func (e *ErrGone) Error() string { return "too old resource version: " + e.Reason }

func gone(format string, args ...any) error { return &ErrGone{Reason: fmt.Sprintf(format, args...)} }

// Confirm reports whether the store's state of a cluster is at least as new
// as a live listing of the member taken at listRV (live: the member
// namespace and name of each object → its member resourceVersion). When it is, the cluster's position advances to
// listRV, so the list that follows carries a resourceVersion at least that new.
func (s *Store) Confirm(cluster string, live map[viewsv1alpha1.ObjectRef]uint64, listRV uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.clusters[cluster]
	if cs == nil {
		return len(live) == 0 && listRV == 0
	}
	if cs.rv < listRV {
		keys := make(map[string]bool, len(live))
		for ref, rv := range live {
			k := key(ref.Namespace, viewsv1alpha1.ClusterName(cluster, ref.Name))
			keys[k] = true
			o, ok := cs.objects[k]
			if !ok {
				return false // created in the member, not yet here
			}
			if have, err := ParseMemberRV(o.GetResourceVersion()); err != nil || have < rv {
				return false // changed in the member, not yet here
			}
		}
		for k, o := range cs.objects {
			if keys[k] {
				continue
			}
			if have, err := ParseMemberRV(o.GetResourceVersion()); err != nil || have <= listRV {
				return false // deleted in the member, not yet here
			}
		}
		cs.rv = listRV
		if len(cs.history) == 0 {
			cs.historyFrom = listRV
		}
		s.progressLocked(cluster)
	}
	return true
}
