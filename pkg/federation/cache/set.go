package cache

import (
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// Set is the whole federation cache: one Store per view kind.
type Set struct {
	// GlooInstances holds the computed GlooInstances of every member; its
	// positions are this replica's own (NewReplicaLocalStore).
	GlooInstances *Store
	// Gloo holds the views of Gloo's kinds, by view resource name.
	Gloo map[string]*Store
}

// NewSet returns an empty cache for every view kind; history and
// historyBytes bound the events, and the size of their objects, kept per
// cluster and kind (0 for DefaultHistory and DefaultHistoryBytes).
func NewSet(history int, historyBytes int64) *Set {
	s := &Set{
		GlooInstances: NewReplicaLocalStore(func() Object { return &viewsv1alpha1.GlooInstance{} }, history, historyBytes),
		Gloo:          map[string]*Store{},
	}
	for _, k := range viewsv1alpha1.GlooKinds {
		s.Gloo[k.Resource] = NewStoreWithLimits(func() Object { return k.New().(Object) }, history, historyBytes)
	}
	return s
}

// RemoveCluster drops a member from every store.
func (s *Set) RemoveCluster(cluster string) {
	s.GlooInstances.RemoveCluster(cluster)
	for _, st := range s.Gloo {
		st.RemoveCluster(cluster)
	}
}
