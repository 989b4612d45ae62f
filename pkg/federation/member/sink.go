package member

import (
	"encoding/json"
	"sync"

	"github.com/meridianfed/meridian/pkg/federation/cache"
	"github.com/meridianfed/meridian/pkg/federation/discovery"
)

// Sink receives one view kind's objects of members, as a connection's
// watches see them: the federation cache's store of the kind implements
// it. Data flows one way, into the sink: a connection never reads back what
// it published (what it needs itself it keeps, see glooInputs).
type Sink interface {
	// Replace sets a cluster's whole state as of member resourceVersion rv.
	Replace(cluster string, objs []cache.Object, rv uint64)
	// Upsert records that an object was added or changed at rv.
	Upsert(cluster string, obj cache.Object, rv uint64)
	// Delete records that the view object namespace/name was deleted at rv.
	Delete(cluster, namespace, name string, rv uint64)
	// Progress records that the member is current up to rv, unchanged.
	Progress(cluster string, rv uint64)
	// RemoveCluster drops a cluster's objects.
	RemoveCluster(cluster string)
}

// Sinks are where a connection publishes.
type Sinks struct {
	// GlooInstances receives the GlooInstances the connection computes.
	GlooInstances Sink
	// Gloo receives the views of each Gloo kind, by view resource.
	Gloo map[string]Sink
}

// glooInput is what GlooInstance discovery needs of one member Gloo object.
type glooInput struct {
	key inputKey
	glooValue
}

// inputKey is a member object's namespace and name, in the member. Its
// strings are those of the published view (see viewStore.toView), so a
// key costs no copy of them.
type inputKey struct{ namespace, name string }

// glooValue is what discovery reads of one object. It is kept for every
// Gloo object of every member, so it holds no more than that.
type glooValue struct {
	status          []byte // raw, shared with the published view
	watchNamespaces []string
}

// glooInputs is what discovery needs of the member's Gloo objects, kept
// from the connection's own reflector events: per kind, by member
// namespace/name. It mirrors what the connection published.
type glooInputs struct {
	mu    sync.Mutex
	kinds map[string]map[inputKey]glooValue
}

func inputOf(kind string, key inputKey, o cache.Object) glooInput {
	in := glooInput{key: key}
	if g, ok := o.(interface {
		RawSpec() []byte
		RawStatus() []byte
	}); ok {
		in.status = g.RawStatus()
		if kind == "Settings" {
			var spec struct {
				WatchNamespaces []string `json:"watchNamespaces"`
			}
			_ = json.Unmarshal(g.RawSpec(), &spec)
			in.watchNamespaces = spec.WatchNamespaces
		}
	}
	return in
}

func (g *glooInputs) replace(kind string, ins []glooInput) {
	m := make(map[inputKey]glooValue, len(ins))
	for _, in := range ins {
		m[in.key] = in.glooValue
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.kinds == nil {
		g.kinds = map[string]map[inputKey]glooValue{}
	}
	g.kinds[kind] = m
}

func (g *glooInputs) upsert(kind string, in glooInput) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.kinds == nil {
		g.kinds = map[string]map[inputKey]glooValue{}
	}
	if g.kinds[kind] == nil {
		g.kinds[kind] = map[inputKey]glooValue{}
	}
	g.kinds[kind][in.key] = in.glooValue
}

func (g *glooInputs) delete(kind string, key inputKey) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.kinds[kind], key)
}

// clear forgets everything, as the connection's objects are dropped from
// the views.
func (g *glooInputs) clear() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.kinds = nil
}

// fill adds the Gloo resources and Settings to a discovery snapshot.
func (g *glooInputs) fill(snap *discovery.Snapshot) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for kind, objs := range g.kinds {
		for key, in := range objs {
			if kind == "Settings" {
				snap.Settings = append(snap.Settings, discovery.SettingsInfo{Namespace: key.namespace, Name: key.name, WatchNamespaces: in.watchNamespaces, Status: in.status})
				continue
			}
			if k, ok := discovery.KindOf(kind); ok {
				snap.Gloo[k] = append(snap.Gloo[k], discovery.Resource{Namespace: key.namespace, Name: key.name, Status: in.status})
			}
		}
	}
}
