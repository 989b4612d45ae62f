package apiserver

import (
	"context"
	"fmt"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
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

// clusterAccess implements the per-cluster visibility rule with the
// delegated authorizer (SubjectAccessReviews against the management
// cluster, cached by k8s.io/apiserver's delegating authorizer).
type clusterAccess struct {
	authz       authorizer.Authorizer
	registry    *clusters.Registry
	liveTimeout time.Duration
}

func newClusterAccess(authz authorizer.Authorizer, registry *clusters.Registry, liveTimeout time.Duration) *clusterAccess {
	if liveTimeout == 0 {
		liveTimeout = 3 * time.Second
	}
	return &clusterAccess{authz: authz, registry: registry, liveTimeout: liveTimeout}
}

// Confirm implements views.ClusterAccess with the registry's live fan-out.
func (a *clusterAccess) Confirm(ctx context.Context, kind viewsv1alpha1.GlooKind, store *cache.Store, allowed func(string) bool) []string {
	return a.registry.Confirm(ctx, kind, store, allowed, a.liveTimeout)
}

// Allowed decides every registered cluster up front, in parallel, so the
// returned function is a map lookup (it runs for every object of a list).
// A cluster that registers later is decided when first asked about; that
// happens in a watcher's own goroutine, never under the cache's lock.
func (a *clusterAccess) Allowed(ctx context.Context) (func(string) bool, error) {
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
	for _, c := range a.registry.Clusters() {
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

// Warnings names every visible cluster that is not fully served.
func (a *clusterAccess) Warnings(allowed func(string) bool) []string {
	var out []string
	for _, c := range a.registry.Clusters() {
		if !allowed(c.Name) {
			continue
		}
		switch {
		case c.Problem != "":
			out = append(out, fmt.Sprintf("cluster %s is not connected: %s", c.Name, c.Problem))
		case !c.Health.Reachable && c.Health.Message != "":
			out = append(out, fmt.Sprintf("cluster %s is unreachable since %s (%s): its objects are from before then, or missing", c.Name, c.Health.Since.UTC().Format("15:04:05Z"), c.Health.Message))
		case !c.Health.Synced:
			out = append(out, fmt.Sprintf("cluster %s is still being read: its objects may be incomplete", c.Name))
		}
	}
	return out
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
