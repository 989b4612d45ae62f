package views

import (
	"context"

	"k8s.io/apimachinery/pkg/watch"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
)

// The interfaces the REST storage consumes, declared where they are used (as
// metrics-server's pkg/api does): the storage serves what a Source holds, and
// never learns how it is filled. pkg/apiserver wires the implementations in:
// the federation cache is the Source, the cluster registry warns and
// confirms, the delegated authorizer decides.

// Source holds one view kind's objects of every member cluster: the
// federation cache's store of that kind. Objects it returns are shared and
// never modified by the storage.
type Source interface {
	// Snapshot returns the objects keep accepts, sorted by namespace and
	// name, and the position they reflect.
	Snapshot(keep func(cluster string, o cache.Object) bool) ([]cache.Object, cache.Vector)
	// Position is the position a Snapshot taken now would reflect, at the
	// cost of reading it alone.
	Position() cache.Vector
	// Get returns the object with that namespace and name, its cluster and
	// the current position.
	Get(namespace, name string) (o cache.Object, cluster string, at cache.Vector, ok bool)
	// Watch opens a watch; a position it no longer has the history for is
	// a *cache.ErrGone.
	Watch(opts cache.WatchOptions) (watch.Interface, error)
}

// ClusterAuthorizer decides which member clusters a request may see.
type ClusterAuthorizer interface {
	// AllowedClusters returns a function reporting whether the requesting
	// user may see a cluster's objects. It is called for every object of a
	// list and every event of a watch, for as long as the request lasts.
	AllowedClusters(ctx context.Context) (func(cluster string) bool, error)
}

// ClusterWarner says which clusters a reply should warn about.
type ClusterWarner interface {
	// Warnings returns one message per registered cluster that is not
	// fully served (unreachable, misregistered), among the allowed ones.
	Warnings(allowed func(cluster string) bool) []string
}

// Confirmer makes a consistent read of a Gloo kind consistent.
type Confirmer interface {
	// Confirm makes the Source of kind current with the allowed members
	// (a live fan-out) and returns warnings for the members it could not
	// confirm in time. It never fails the read.
	Confirm(ctx context.Context, kind viewsv1alpha1.GlooKind, allowed func(cluster string) bool) []string
}

// ReadAuthorizer decides which namespaces a request may read objects of a
// view resource in. GlooInstance replies use it to leave out the check
// reports that name objects the user could not get directly.
type ReadAuthorizer interface {
	// MayRead returns a function reporting whether the requesting user may
	// get objects of a views.meridian.io resource in a namespace. It is
	// called for every report of every GlooInstance a reply carries, watch
	// events included, for as long as the request lasts.
	MayRead(ctx context.Context) (func(resource, namespace string) bool, error)
}

// Deps are what a REST storage consumes besides its Source.
type Deps struct {
	// Clusters is required.
	Clusters ClusterAuthorizer
	// Reads is required for GlooInstances.
	Reads ReadAuthorizer
	// Warnings, when set, adds warnings to lists and watches.
	Warnings ClusterWarner
	// Consistency is required for the views of Gloo kinds (Kind.Gloo).
	Consistency Confirmer
}
