package apiserver

import (
	"context"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
	"github.com/meridianfed/meridian/pkg/federation/clusters"
)

// ClusterViewVerb is the RBAC verb that lets a user see one member cluster's
// objects in the views: verb "view" on resource "kubernetesclusters" of
// fed.meridian.io, with the cluster's name as resourceName, granted
// cluster-wide (ClusterRole + ClusterRoleBinding). Which namespaces the user
// sees is decided as usual by RBAC on the view resource itself; the two
// combine, so "team-a in east only" is one RoleBinding plus one
// ClusterRoleBinding. See docs/rbac.md.
const ClusterViewVerb = "view"

// clusterAccess implements views.ClusterAuthorizer, the per-cluster
// visibility rule, with the delegated authorizer (SubjectAccessReviews
// against the management cluster, cached by k8s.io/apiserver's delegating
// authorizer).
type clusterAccess struct {
	authz authorizer.Authorizer
	// clusters lists the registered clusters, decided up front.
	clusters func() []clusters.Status
}

// consistency implements views.Confirmer with the registry's live fan-out
// into the cache's store of the kind.
type consistency struct {
	registry    *clusters.Registry
	caches      *cache.Set
	liveTimeout time.Duration
}

func (c consistency) Confirm(ctx context.Context, kind viewsv1alpha1.GlooKind, allowed func(string) bool) []string {
	timeout := c.liveTimeout
	if timeout == 0 {
		timeout = 3 * time.Second
	}
	return c.registry.Confirm(ctx, kind, c.caches.Gloo[kind.Resource], allowed, timeout)
}

// storeSource is a cache store as a views.Source (whose Watch returns the
// watch.Interface the storage serves).
type storeSource struct{ *cache.Store }

func (s storeSource) Watch(opts cache.WatchOptions) (watch.Interface, error) {
	w, err := s.Store.Watch(opts)
	if err != nil {
		return nil, err
	}
	return w, nil
}

// AllowedClusters decides every registered cluster up front, in parallel, so the
// returned function is a map lookup (it runs for every object of a list).
// A cluster that registers later is decided when first asked about; that
// happens in a watcher's own goroutine, never under the cache's lock.
func (a *clusterAccess) AllowedClusters(ctx context.Context) (func(string) bool, error) {
	user, ok := genericapirequest.UserFrom(ctx)
	if !ok {
		return nil, apierrors.NewUnauthorized("no user in the request")
	}
	decide := func(cluster string) bool {
		d, _, err := a.authz.Authorize(ctx, authorizer.AttributesRecord{
			User:            user,
			Verb:            ClusterViewVerb,
			APIGroup:        fedv1alpha1.GroupName,
			APIVersion:      fedv1alpha1.SchemeGroupVersion.Version,
			Resource:        "kubernetesclusters",
			Name:            cluster,
			ResourceRequest: true,
		})
		return err == nil && d == authorizer.DecisionAllow
	}
	var mu sync.Mutex
	decided := map[string]bool{}
	var wg sync.WaitGroup
	for _, c := range a.clusters() {
		wg.Go(func() {
			ok := decide(c.Name)
			mu.Lock()
			decided[c.Name] = ok
			mu.Unlock()
		})
	}
	wg.Wait()
	return func(cluster string) bool {
		mu.Lock()
		ok, known := decided[cluster]
		mu.Unlock()
		if known {
			return ok
		}
		ok = decide(cluster)
		mu.Lock()
		decided[cluster] = ok
		mu.Unlock()
		return ok
	}, nil
}

// readAccess implements views.ReadAuthorizer with the delegated authorizer:
// may the user `get` a views.meridian.io resource in a namespace, as RBAC
// decides for a direct get of that view. Each (resource, namespace) is
// decided once per request, watches included: as for a Kubernetes watch,
// a grant revoked later takes effect when the client watches again.
type readAccess struct {
	authz authorizer.Authorizer
}

// MayRead implements views.ReadAuthorizer. An authorizer error denies: a
// report the server cannot decide on is left out, never shown.
func (a readAccess) MayRead(ctx context.Context) (func(resource, namespace string) bool, error) {
	user, ok := genericapirequest.UserFrom(ctx)
	if !ok {
		return nil, apierrors.NewUnauthorized("no user in the request")
	}
	type key struct{ resource, namespace string }
	var mu sync.Mutex
	decided := map[key]bool{}
	return func(resource, namespace string) bool {
		k := key{resource, namespace}
		mu.Lock()
		ok, known := decided[k]
		mu.Unlock()
		if known {
			return ok
		}
		d, _, err := a.authz.Authorize(ctx, authorizer.AttributesRecord{
			User:            user,
			Verb:            "get",
			APIGroup:        viewsv1alpha1.GroupName,
			APIVersion:      viewsv1alpha1.SchemeGroupVersion.Version,
			Resource:        resource,
			Namespace:       namespace,
			ResourceRequest: true,
		})
		ok = err == nil && d == authorizer.DecisionAllow
		mu.Lock()
		decided[k] = ok
		mu.Unlock()
		return ok
	}, nil
}
