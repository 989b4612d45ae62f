// Package views is the REST storage of views.meridian.io: one read-only
// storage per view kind, serving get, list and watch from the federation
// cache (the shape of metrics-server's storage: no etcd, data fed from
// elsewhere). Writes are not implemented, so the API server answers every
// write verb with 405 MethodNotAllowed.
package views

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metainternalversion "k8s.io/apimachinery/pkg/apis/meta/internalversion"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/warning"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
)

// Category is shared by every view: `kubectl get meridian -A` lists them all.
const Category = "meridian"

// Kind describes one view kind to the storage.
type Kind struct {
	Resource   schema.GroupResource
	Kind       string
	Singular   string
	ShortNames []string
	New        func() runtime.Object
	NewList    func() runtime.Object
	Table      *TableConverter
	// Gloo is set for the views of Gloo kinds: their lists without a
	// resourceVersion are consistent reads, confirmed live with the members.
	Gloo *viewsv1alpha1.GlooKind
}

// REST is the storage of one view kind.
type REST struct {
	kind   Kind
	source Source
	deps   Deps
}

var (
	_ rest.Storage              = (*REST)(nil)
	_ rest.Scoper               = (*REST)(nil)
	_ rest.KindProvider         = (*REST)(nil)
	_ rest.Getter               = (*REST)(nil)
	_ rest.Lister               = (*REST)(nil)
	_ rest.Watcher              = (*REST)(nil)
	_ rest.ShortNamesProvider   = (*REST)(nil)
	_ rest.CategoriesProvider   = (*REST)(nil)
	_ rest.SingularNameProvider = (*REST)(nil)
)

// NewREST returns the storage of a view kind over its source. It panics
// when deps lacks what the kind needs: a storage that could not decide who
// sees what must not serve.
func NewREST(kind Kind, source Source, deps Deps) *REST {
	_, instances := kind.New().(*viewsv1alpha1.GlooInstance)
	switch {
	case source == nil || deps.Clusters == nil:
		panic(fmt.Sprintf("views.NewREST(%s): a source and a cluster authorizer are required", kind.Kind))
	case instances && deps.Reads == nil:
		panic(fmt.Sprintf("views.NewREST(%s): a read authorizer is required for GlooInstances", kind.Kind))
	case kind.Gloo != nil && deps.Consistency == nil:
		panic(fmt.Sprintf("views.NewREST(%s): a confirmer is required for a Gloo kind", kind.Kind))
	}
	return &REST{kind: kind, source: source, deps: deps}
}

func (r *REST) New() runtime.Object     { return r.kind.New() }
func (r *REST) NewList() runtime.Object { return r.kind.NewList() }
func (r *REST) Destroy()                {}
func (r *REST) NamespaceScoped() bool   { return true }
func (r *REST) Kind() string            { return r.kind.Kind }
func (r *REST) ShortNames() []string    { return r.kind.ShortNames }
func (r *REST) Categories() []string    { return []string{Category} }
func (r *REST) GetSingularName() string { return r.kind.Singular }
func (r *REST) ConvertToTable(ctx context.Context, obj runtime.Object, opts runtime.Object) (*metav1.Table, error) {
	return r.kind.Table.ConvertToTable(ctx, obj, opts)
}

// Get returns one view object.
func (r *REST) Get(ctx context.Context, name string, _ *metav1.GetOptions) (runtime.Object, error) {
	allowed, err := r.deps.Clusters.AllowedClusters(ctx)
	if err != nil {
		return nil, err
	}
	ns := genericapirequest.NamespaceValue(ctx)
	o, cluster, v, ok := r.source.Get(ns, name)
	if !ok || !allowed(cluster) {
		return nil, apierrors.NewNotFound(r.kind.Resource, name)
	}
	mayRead, err := r.mayRead(ctx)
	if err != nil {
		return nil, err
	}
	return redact(cache.WithResourceVersion(o, v.Restrict(allowed).Encode()), mayRead), nil
}

// mayRead returns, for the storage of GlooInstances, which (view resource,
// namespace) pairs the user may read: their check reports name objects of
// other kinds and namespaces. Other kinds get nil: nothing to leave out.
func (r *REST) mayRead(ctx context.Context) (func(resource, namespace string) bool, error) {
	if _, ok := r.kind.New().(*viewsv1alpha1.GlooInstance); !ok {
		return nil, nil
	}
	return r.deps.Reads.MayRead(ctx)
}

// redact is what a reply does to each object before it leaves: a
// GlooInstance loses the check reports the user may not read.
func redact(o runtime.Object, mayRead func(resource, namespace string) bool) runtime.Object {
	if gi, ok := o.(*viewsv1alpha1.GlooInstance); ok && mayRead != nil {
		return redactInstance(gi, mayRead)
	}
	return o
}

// waitFor returns a snapshot that has reached at: the one given, or one
// taken once the cache's position gets there, waiting at most
// listWaitForFresh; reached is false when it did not. The wait reads the
// position alone, so a position from the future costs no copy of the cache.
func (r *REST) waitFor(ctx context.Context, keep func(cluster string, o cache.Object) bool, items []cache.Object, vector, at cache.Vector, reached func(current, at cache.Vector) bool) (_ []cache.Object, _ cache.Vector, reachedIt bool) {
	if reached(vector, at) {
		return items, vector, true
	}
	deadline := time.Now().Add(listWaitForFresh)
	for !reached(r.source.Position(), at) {
		if time.Now().After(deadline) || ctx.Err() != nil {
			return items, vector, false
		}
		time.Sleep(20 * time.Millisecond)
	}
	items, vector = r.source.Snapshot(keep)
	return items, vector, reached(vector, at)
}

// continueToken is the state of a paginated list: the position of the first
// page (so every page and the following watch share it) and the last key served.
type continueToken struct {
	RV    string `json:"rv"`
	After string `json:"after"`
}

// List serves a list from the cache. Items are ordered by namespace and
// name; limit/continue pages through them, each object exactly once.
func (r *REST) List(ctx context.Context, opts *metainternalversion.ListOptions) (runtime.Object, error) {
	keep, allowed, err := r.filter(ctx, opts)
	if err != nil {
		return nil, err
	}
	var token continueToken
	if opts != nil && opts.Continue != "" {
		raw, err := base64.RawURLEncoding.DecodeString(opts.Continue)
		if err == nil {
			err = json.Unmarshal(raw, &token)
		}
		var tv cache.Vector
		if err == nil && token.RV != "" {
			tv, err = cache.DecodeVector(token.RV)
		}
		if err != nil || token.RV == "" || !strings.Contains(token.After, "/") {
			return nil, apierrors.NewBadRequest("invalid continue token: start the list again without it")
		}
		// What a client sends is read only about the clusters it may see:
		// nothing it says of another may change the answer (a continue
		// token is echoed as the pages' resourceVersion).
		token.RV = tv.Restrict(allowed).Encode()
	}
	var confirmWarnings []string
	if r.kind.Gloo != nil && opts != nil && opts.ResourceVersion == "" && token.RV == "" {
		// resourceVersion unset: a consistent read. resourceVersion="0" (and
		// the pages after the first) are served from the cache as it is.
		confirmWarnings = r.deps.Consistency.Confirm(ctx, *r.kind.Gloo, allowed)
	}
	var at cache.Vector
	if opts != nil && token.RV == "" && opts.ResourceVersion != "" && opts.ResourceVersion != "0" {
		if at, err = cache.DecodeVector(opts.ResourceVersion); err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("%v: list without a resourceVersion, or with one a list of this API returned", err))
		}
		at = at.Restrict(allowed)
	}
	items, vector := r.source.Snapshot(keep)
	if token.RV != "" {
		tv, _ := cache.DecodeVector(token.RV)
		if err := vector.Comparable(tv); err != nil {
			return nil, apierrors.NewResourceExpired(fmt.Sprintf("%v: start the list again without the continue token", err))
		}
		// The pages share the first page's position: a cache behind it (a
		// replica other than the first page's) would leave out what that
		// position holds, and the watch that follows would not bring it.
		var reachedIt bool
		if items, vector, reachedIt = r.waitFor(ctx, keep, items, vector, tv, holds); !reachedIt {
			return nil, apierrors.NewResourceExpired("the views here have not reached the continue token's position yet: start the list again without the continue token")
		}
	}
	if at != nil {
		if err := vector.Comparable(at); err != nil {
			// Neither newer nor older can be told; a reflector answered 410
			// relists without a resourceVersion.
			return nil, apierrors.NewResourceExpired(fmt.Sprintf("%v: list without a resourceVersion", err))
		}
		// NotOlderThan (the default for a resourceVersion): state at least
		// as new, waiting a moment for the cache to get there, as
		// kube-apiserver's watch cache does.
		var reachedIt bool
		if items, vector, reachedIt = r.waitFor(ctx, keep, items, vector, at, reached); !reachedIt {
			// With the cause kube-apiserver gives, so that client-go's
			// reflector relists instead of asking again for the same
			// resourceVersion.
			tooLarge := apierrors.NewTimeoutError(fmt.Sprintf("the views have not reached resourceVersion %s yet", opts.ResourceVersion), 1)
			tooLarge.ErrStatus.Details.Causes = append(tooLarge.ErrStatus.Details.Causes, metav1.StatusCause{
				Type: metav1.CauseTypeResourceVersionTooLarge, Message: "Too large resource version",
			})
			return nil, tooLarge
		}
		if opts.ResourceVersionMatch == metav1.ResourceVersionMatchExact && vector.Restrict(allowed).Encode() != at.Encode() {
			// The views keep no past snapshots to serve an older state from.
			return nil, apierrors.NewResourceExpired(fmt.Sprintf("resourceVersion %s is no longer the current state and the views keep no older snapshots: list with resourceVersionMatch=NotOlderThan, or without a resourceVersion", opts.ResourceVersion))
		}
	}
	// Only the clusters the user may see: a resourceVersion naming the
	// others would tell of them.
	rv := vector.Restrict(allowed).Encode()
	if token.RV != "" {
		rv = token.RV
		// Items are sorted by (namespace, name), so the page starts after the
		// last one served by that order; comparing "namespace/name" as one
		// string would not ('-' sorts before '/': prod-eu before prod/...).
		afterNS, afterName, _ := strings.Cut(token.After, "/")
		start, _ := slices.BinarySearchFunc(items, struct{ ns, name string }{afterNS, afterName}, func(o cache.Object, k struct{ ns, name string }) int {
			if c := cmp.Compare(o.GetNamespace(), k.ns); c != 0 {
				return c
			}
			return cmp.Compare(o.GetName(), k.name)
		})
		for start < len(items) && items[start].GetNamespace() == afterNS && items[start].GetName() == afterName {
			start++ // the last item served
		}
		items = items[start:]
	}
	next := ""
	if opts != nil && opts.Limit > 0 && int64(len(items)) > opts.Limit {
		items = items[:opts.Limit]
		raw, _ := json.Marshal(continueToken{RV: rv, After: itemKey(items[len(items)-1])})
		next = base64.RawURLEncoding.EncodeToString(raw)
	}
	mayRead, err := r.mayRead(ctx)
	if err != nil {
		return nil, err
	}
	list := r.kind.NewList()
	objs := make([]runtime.Object, len(items))
	for i, o := range items {
		objs[i] = redact(cache.WithResourceVersion(o, rv), mayRead)
	}
	if err := meta.SetList(list, objs); err != nil {
		return nil, err
	}
	lm, err := meta.ListAccessor(list)
	if err != nil {
		return nil, err
	}
	lm.SetResourceVersion(rv)
	lm.SetContinue(next)
	for _, w := range append(r.warnings(allowed), confirmWarnings...) {
		warning.AddWarning(ctx, "", w)
	}
	return list, nil
}

// listWaitForFresh bounds how long a list at a resourceVersion newer than
// the cache waits for the cache to reach it.
const listWaitForFresh = 3 * time.Second

// reached reports whether the cache's vector is at or past at for every
// cluster of at (a cluster no longer in the cache has left: nothing of it
// can be newer).
func reached(current, at cache.Vector) bool {
	for cluster, rv := range at {
		if cur, ok := current[cluster]; ok && cur < rv {
			return false
		}
	}
	return true
}

// holds is reached for a continue token's position: every cluster it names
// must also be held here (a replica that has not read a cluster yet would
// serve the next pages without it).
func holds(current, at cache.Vector) bool {
	for cluster := range at {
		if _, ok := current[cluster]; !ok {
			return false
		}
	}
	return reached(current, at)
}

func itemKey(o cache.Object) string { return o.GetNamespace() + "/" + o.GetName() }

// Watch serves a watch from the cache: resumable from any resourceVersion
// this API gave out while the history lasts (else 410 Gone), with
// sendInitialEvents and bookmarks as client-go's watch-list expects.
func (r *REST) Watch(ctx context.Context, opts *metainternalversion.ListOptions) (watch.Interface, error) {
	keep, allowed, err := r.filter(ctx, opts)
	if err != nil {
		return nil, err
	}
	wo := cache.WatchOptions{Filter: keep, Visible: allowed}
	if opts != nil {
		wo.Bookmarks = opts.AllowWatchBookmarks
		// The generic server sets sendInitialEvents for a watch without a
		// resourceVersion (Kubernetes' "get state and start at most recent"),
		// and a watch-list client sets it with bookmarks; only the latter
		// expects the initial-events-end bookmark.
		send := opts.SendInitialEvents != nil && *opts.SendInitialEvents
		wo.SendInitialEvents = send
		wo.InitialEventsBookmark = send && opts.AllowWatchBookmarks
		switch rv := opts.ResourceVersion; {
		case rv == "" || send:
			// From now, after the current state if it was asked for: the
			// current state is never older than a resourceVersion we gave out.
		case rv == "0":
			// "Any": the current state, then changes.
			wo.From = cache.Vector{}
		default:
			v, err := cache.DecodeVector(rv)
			if err != nil {
				// Not one this API gave out (kube-apiserver answers a
				// malformed resourceVersion with 400 too); a well-formed
				// one too old for the history is a 410 below.
				return nil, apierrors.NewBadRequest(fmt.Sprintf("%v: watch from a resourceVersion a list of this API returned, or without one", err))
			}
			wo.From = v.Restrict(allowed)
		}
	}
	mayRead, err := r.mayRead(ctx)
	if err != nil {
		return nil, err
	}
	w, err := r.source.Watch(wo)
	if err != nil {
		if _, ok := err.(*cache.ErrGone); ok {
			return nil, apierrors.NewResourceExpired(err.Error())
		}
		return nil, err
	}
	if mayRead != nil {
		w = redactWatch(w, mayRead)
	}
	for _, msg := range r.warnings(allowed) {
		warning.AddWarning(ctx, "", msg)
	}
	return w, nil
}

func (r *REST) warnings(allowed func(string) bool) []string {
	if r.deps.Warnings == nil {
		return nil
	}
	return r.deps.Warnings.Warnings(allowed)
}

// filter builds the object filter of a request: namespace, label and field
// selectors, and the clusters the user may see.
func (r *REST) filter(ctx context.Context, opts *metainternalversion.ListOptions) (func(string, cache.Object) bool, func(string) bool, error) {
	allowed, err := r.deps.Clusters.AllowedClusters(ctx)
	if err != nil {
		return nil, nil, err
	}
	ns := genericapirequest.NamespaceValue(ctx)
	lsel, fsel := labels.Everything(), fields.Everything()
	if opts != nil && opts.LabelSelector != nil {
		lsel = opts.LabelSelector
	}
	if opts != nil && opts.FieldSelector != nil {
		fsel = opts.FieldSelector
		for _, req := range fsel.Requirements() {
			switch req.Field {
			case "metadata.name", "metadata.namespace", viewsv1alpha1.ClusterField:
			default:
				return nil, nil, apierrors.NewBadRequest(fmt.Sprintf("field selector %q is not supported: use metadata.name, metadata.namespace or %s", req.Field, viewsv1alpha1.ClusterField))
			}
		}
	}
	keep := func(cluster string, o cache.Object) bool {
		if ns != "" && o.GetNamespace() != ns {
			return false
		}
		if !allowed(cluster) {
			return false
		}
		if !lsel.Empty() && !lsel.Matches(labels.Set(o.GetLabels())) {
			return false
		}
		if !fsel.Empty() && !fsel.Matches(fields.Set{
			"metadata.name": o.GetName(), "metadata.namespace": o.GetNamespace(), viewsv1alpha1.ClusterField: cluster,
		}) {
			return false
		}
		return true
	}
	return keep, allowed, nil
}
