package placement

import (
	"sync"
	"time"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

// results hold what each member's queue last did with each federated
// object, until the status queue writes it into the object's status: the
// member queues never write the status themselves, so that one member's
// outcome never waits for another's.
type results struct {
	mu sync.Mutex
	m  map[key]*objectResults
}

type objectResults struct {
	clusters map[string]clusterResult
	// deletionSince is when the deletion was first seen (zero: not being
	// deleted): how long it has waited for the members.
	deletionSince time.Time
}

// clusterResult is one member's outcome for one federated object.
type clusterResult struct {
	// Generation is the federated object's generation it was computed
	// for.
	Generation int64
	// Deleting: the object was being deleted, and Placements are what
	// could not be removed.
	Deleting   bool
	Placements []fedv1alpha1.PlacementStatus
}

func newResults() *results { return &results{m: map[key]*objectResults{}} }

// entryLocked returns k's outcomes, made empty when there are none yet.
// Called with r.mu held.
func (r *results) entryLocked(k key) *objectResults {
	o := r.m[k]
	if o == nil {
		o = &objectResults{clusters: map[string]clusterResult{}}
		r.m[k] = o
	}
	return o
}

// set records a member's outcome. A drift the previous outcome restored
// stays in it for the same generation: the next sync finds the copy as
// placed, and the status queue may not have written the drift yet.
func (r *results) set(k key, cluster string, res clusterResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	o := r.entryLocked(k)
	if old, ok := o.clusters[cluster]; ok && old.Generation == res.Generation && !old.Deleting && !res.Deleting {
		prev := map[target]fedv1alpha1.PlacementStatus{}
		for _, p := range old.Placements {
			prev[target{p.Cluster, p.Namespace}] = p
		}
		for i, p := range res.Placements {
			if was, ok := prev[target{p.Cluster, p.Namespace}]; ok {
				res.Placements[i] = keepRestoredDrift(was, p)
			}
		}
	}
	o.clusters[cluster] = res
}

// keepRestoredDrift returns p, still reporting the drift that was restored
// in was if p is of the same generation, placed, and found no new drift:
// a restored drift stays reported for the generation it happened in.
func keepRestoredDrift(was, p fedv1alpha1.PlacementStatus) fedv1alpha1.PlacementStatus {
	if was.Drifted && !p.Drifted && p.State == fedv1alpha1.PlacementPlaced && was.ObservedGeneration == p.ObservedGeneration {
		p.Drifted, p.Message = true, was.Message
	}
	return p
}

// get returns the outcomes of every member for k.
func (r *results) get(k key) map[string]clusterResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]clusterResult{}
	if o := r.m[k]; o != nil {
		for c, res := range o.clusters {
			out[c] = res
		}
	}
	return out
}

// drop forgets one member's outcome (the member left).
func (r *results) drop(k key, cluster string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if o := r.m[k]; o != nil {
		delete(o.clusters, cluster)
	}
}

// forget forgets k (it is gone).
func (r *results) forget(k key) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, k)
}

// deletionStarted returns when k's deletion was first seen, now if this is
// the first time.
func (r *results) deletionStarted(k key, now time.Time) time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	o := r.entryLocked(k)
	if o.deletionSince.IsZero() {
		o.deletionSince = now
	}
	return o.deletionSince
}
