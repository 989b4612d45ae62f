package placement

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	"github.com/meridianfed/meridian/pkg/registration"
)

// Options tune the controller.
type Options struct {
	// Workers reconcile in parallel (default 4).
	Workers int
	// Resync re-checks every federated object this often: drift in members,
	// Gloo's status of placed objects (default 2 minutes; one read per
	// target, writes only where something changed).
	Resync time.Duration
	// Sweep looks for objects left by deleted federated objects this often
	// (default 1 minute).
	Sweep time.Duration
}

// Controller places federated objects into members.
type Controller struct {
	mgmt     dynamic.Interface
	members  MemberClients
	recorder record.EventRecorder
	opts     Options
	log      klog.Logger
	queue    workqueue.TypedRateLimitingInterface[key]
	informer map[string]toolscache.SharedIndexInformer // by federated resource
	kinds    map[string]Kind
	views    *Views // nil: every read goes to the members
	expect   *expectations
}

// key names one federated object.
type key struct {
	Resource, Namespace, Name string
}

// New returns a controller; Register adds its informers to factory.
func New(mgmt dynamic.Interface, members MemberClients, recorder record.EventRecorder, opts Options, log klog.Logger) *Controller {
	if opts.Workers == 0 {
		opts.Workers = 4
	}
	if opts.Resync == 0 {
		opts.Resync = 2 * time.Minute
	}
	if opts.Sweep == 0 {
		opts.Sweep = time.Minute
	}
	c := &Controller{
		mgmt: mgmt, members: members, recorder: recorder, opts: opts, log: log.WithName("placement"),
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(
			// Per object: retry after 100ms, doubling up to 30s, forever.
			// Overall: at most 50 retries a second (bursts of 300).
			workqueue.NewTypedMaxOfRateLimiter(
				workqueue.NewTypedItemExponentialFailureRateLimiter[key](100*time.Millisecond, 30*time.Second),
				&workqueue.TypedBucketRateLimiter[key]{Limiter: rate.NewLimiter(rate.Limit(50), 300)},
			),
			workqueue.TypedRateLimitingQueueConfig[key]{Name: "placement"}),
		informer: map[string]toolscache.SharedIndexInformer{},
		kinds:    map[string]Kind{},
		expect:   newExpectations(),
	}
	return c
}

// UseViews makes the controller read placed objects and Gloo installations
// through the views API, and re-reconcile a federated object when what it
// placed changes in a member.
func (c *Controller) UseViews(v *Views) {
	c.views = v
	v.OnPlacedChange(func(ref string) {
		if k, ok := ownerKey(ref); ok {
			c.queue.Add(k)
		}
	})
	v.OnInstancesChange(c.ClusterChanged)
}

// Register creates the informers of every federated kind on factory.
func (c *Controller) Register(factory dynamicinformer.DynamicSharedInformerFactory) {
	for _, k := range Kinds {
		inf := factory.ForResource(k.Federated).Informer()
		res := k.Federated.Resource
		enqueue := func(obj any) {
			if d, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
				obj = d.Obj
			}
			if m, err := meta.Accessor(obj); err == nil {
				c.queue.Add(key{Resource: res, Namespace: m.GetNamespace(), Name: m.GetName()})
			}
		}
		_, _ = inf.AddEventHandlerWithResyncPeriod(toolscache.ResourceEventHandlerFuncs{
			AddFunc:    enqueue,
			UpdateFunc: func(_, o any) { enqueue(o) },
			DeleteFunc: enqueue,
		}, c.opts.Resync)
		c.informer[res] = inf
		c.kinds[res] = k
	}
}

// HasSynced reports whether every informer has listed once.
func (c *Controller) HasSynced() bool {
	for _, inf := range c.informer {
		if !inf.HasSynced() {
			return false
		}
	}
	return len(c.informer) > 0
}

// ClusterChanged re-reconciles everything (a cluster joined, left, was
// suspended or resumed).
func (c *Controller) ClusterChanged() {
	for res, inf := range c.informer {
		for _, o := range inf.GetStore().List() {
			if m, err := meta.Accessor(o); err == nil {
				c.queue.Add(key{Resource: res, Namespace: m.GetNamespace(), Name: m.GetName()})
			}
		}
	}
}

// Run reconciles until ctx ends. Failures are retried with backoff, never
// given up.
func (c *Controller) Run(ctx context.Context) {
	defer c.queue.ShutDown()
	var syncs []toolscache.InformerSynced
	for _, inf := range c.informer {
		syncs = append(syncs, inf.HasSynced)
	}
	if !toolscache.WaitForCacheSync(ctx.Done(), syncs...) {
		return
	}
	var wg sync.WaitGroup
	for range c.opts.Workers {
		wg.Go(func() {
			for c.next(ctx) {
			}
		})
	}
	wg.Go(func() { c.sweepLoop(ctx) })
	<-ctx.Done()
	c.queue.ShutDown()
	wg.Wait()
}

func (c *Controller) next(ctx context.Context) bool {
	k, quit := c.queue.Get()
	if quit {
		return false
	}
	defer c.queue.Done(k)
	start := time.Now()
	err := c.reconcile(ctx, k)
	reconcileDuration.WithLabelValues(k.Resource).Observe(time.Since(start).Seconds())
	if err != nil {
		reconcileErrors.WithLabelValues(k.Resource).Inc()
		c.log.Info("reconcile failed; retrying", "resource", k.Resource, "object", k.Namespace+"/"+k.Name, "err", err.Error())
		c.queue.AddRateLimited(k)
		return true
	}
	c.queue.Forget(k)
	return true
}

// reconcile brings one federated object's targets in line.
func (c *Controller) reconcile(ctx context.Context, k key) error {
	kind := c.kinds[k.Resource]
	obj, exists, err := c.informer[k.Resource].GetStore().GetByKey(k.Namespace + "/" + k.Name)
	if err != nil || !exists {
		return err // gone: the sweeper removes what may be left
	}
	u := obj.(*unstructured.Unstructured).DeepCopy()
	f, err := readFederated(kind, u)
	if err != nil {
		return c.writeStatus(ctx, u, kind, f, invalidStatus(f, err.Error()))
	}
	registered, err := c.members.Registered()
	if err != nil {
		return err
	}
	if f.Deleting {
		return c.finalize(ctx, u, f, registered)
	}
	if !slices.Contains(f.Finalizers, Finalizer) {
		if err := c.mergePatch(ctx, kind, u, map[string]any{"metadata": map[string]any{"finalizers": append(u.GetFinalizers(), Finalizer)}}); err != nil {
			return err
		}
		return nil // the update comes back as an event
	}
	selected, unknown, err := resolveClusters(f.Placement, registered)
	if err != nil {
		return c.writeStatus(ctx, u, kind, f, invalidStatus(f, err.Error()))
	}
	results := make([][]fedv1alpha1.PlacementStatus, len(selected))
	var wg sync.WaitGroup
	for i, cluster := range selected {
		wg.Go(func() { results[i] = c.placeCluster(ctx, f, registered[cluster]) })
	}
	// Clusters no longer selected: remove what was placed there.
	var stale []fedv1alpha1.PlacementStatus
	var mu sync.Mutex
	for _, cluster := range previousClusters(f.Status, selected) {
		kc, ok := registered[cluster]
		if !ok {
			continue // deregistered: the sweeper cleans it if it comes back
		}
		wg.Go(func() {
			left := c.removeFrom(ctx, f, kc, nil)
			mu.Lock()
			stale = append(stale, left...)
			mu.Unlock()
		})
	}
	wg.Wait()
	var placements []fedv1alpha1.PlacementStatus
	for _, name := range unknown {
		for _, ns := range f.Placement.Namespaces {
			placements = append(placements, fedv1alpha1.PlacementStatus{Cluster: name, Namespace: ns, State: fedv1alpha1.PlacementInvalid,
				Message: fmt.Sprintf("cluster %s is not registered (meridianctl cluster list shows the registered ones)", name), ObservedGeneration: f.Generation})
		}
	}
	for _, r := range results {
		placements = append(placements, r...)
	}
	placements = append(placements, stale...)
	st := summarize(f, placements)
	// An Event when a target turns Failed or Invalid (not on every retry).
	before := map[target]fedv1alpha1.PlacementState{}
	for _, p := range f.Status.Placements {
		before[target{p.Cluster, p.Namespace}] = p.State
	}
	for _, p := range placements {
		if (p.State == fedv1alpha1.PlacementFailed || p.State == fedv1alpha1.PlacementInvalid) && before[target{p.Cluster, p.Namespace}] != p.State {
			c.recorder.Eventf(u, corev1.EventTypeWarning, "Placement"+string(p.State), "%s/%s: %s", p.Cluster, p.Namespace, p.Message)
		}
	}
	return c.writeStatus(ctx, u, kind, f, st)
}

// placeCluster places f into every namespace of one cluster and removes it
// from the namespaces no longer selected there.
func (c *Controller) placeCluster(ctx context.Context, f *federated, kc *fedv1alpha1.KubernetesCluster) []fedv1alpha1.PlacementStatus {
	entry := func(ns string, state fedv1alpha1.PlacementState, msg string) fedv1alpha1.PlacementStatus {
		return fedv1alpha1.PlacementStatus{Cluster: kc.Name, Namespace: ns, State: state, Message: msg, ObservedGeneration: f.Generation}
	}
	var out []fedv1alpha1.PlacementStatus
	if kc.Spec.Suspend {
		for _, ns := range f.Placement.Namespaces {
			out = append(out, entry(ns, fedv1alpha1.PlacementSuspended, "cluster "+kc.Name+" is suspended: nothing is written there"))
		}
		return out
	}
	client, err := c.members.Client(kc)
	if err != nil {
		for _, ns := range f.Placement.Namespaces {
			out = append(out, entry(ns, fedv1alpha1.PlacementFailed, err.Error()))
		}
		return out
	}
	ri := client.Resource(f.Kind.Member)
	for _, ns := range f.Placement.Namespaces {
		want, err := f.desired(kc.Name, ns)
		if err != nil {
			out = append(out, entry(ns, fedv1alpha1.PlacementInvalid, err.Error()))
			continue
		}
		start := time.Now()
		p := c.placeOne(ctx, ri.Namespace(ns), f, want, entry(ns, fedv1alpha1.PlacementPlaced, ""))
		if p.State == fedv1alpha1.PlacementPlaced && p.GlooState == core.StatePending.String() && p.GlooReason == "" {
			p.GlooReason = c.views.PendingReason(kc.Name, ns)
		}
		writeDuration.WithLabelValues(kc.Name).Observe(time.Since(start).Seconds())
		out = append(out, p)
	}
	return append(out, c.removeFrom(ctx, f, kc, f.Placement.Namespaces)...)
}

// placeOne applies one object, unless an object of that name exists that
// Meridian does not own.
func (c *Controller) placeOne(ctx context.Context, ri dynamic.ResourceInterface, f *federated, want *unstructured.Unstructured, p fedv1alpha1.PlacementStatus) fedv1alpha1.PlacementStatus {
	ek := expectKey{Resource: f.Kind.Federated.Resource, Cluster: p.Cluster, Namespace: p.Namespace, Name: want.GetName()}
	cur, fromMember, err := c.current(ctx, ri, f.Kind, ek, false)
	p, write := judge(f, want, cur, err, p)
	if write && !fromMember {
		// A write is decided on the member's own answer: the views may lag,
		// and an object replaced meanwhile by one Meridian did not create
		// must never be overwritten.
		cur, _, err = c.current(ctx, ri, f.Kind, ek, true)
		p, write = judge(f, want, cur, err, p)
	}
	if !write {
		return p
	}
	if p.Drifted {
		driftTotal.WithLabelValues(f.Kind.Federated.Resource).Inc()
	}
	body, err := json.Marshal(want.Object)
	if err != nil {
		p.State, p.Message = fedv1alpha1.PlacementInvalid, err.Error()
		return p
	}
	force := true
	applied, err := ri.Patch(ctx, want.GetName(), types.ApplyPatchType, body, metav1.PatchOptions{FieldManager: FieldManager, Force: &force})
	if err != nil {
		p.State = fedv1alpha1.PlacementFailed
		if refused(err) {
			p.State = fedv1alpha1.PlacementInvalid
		}
		p.Message = "writing to the member: " + err.Error()
		return p
	}
	if c.views.Synced(f.Kind) {
		c.expect.set(ek, applied)
	}
	if p.Drifted {
		p.Message = "the placed object had been changed in the member; restored"
	}
	if !f.Kind.Secret {
		p.GlooState, p.GlooReason = glooState(applied)
	}
	return p
}

// refused reports whether the member refused the object itself, so that
// retrying cannot help: invalid, or not matching its schema (a field its
// Gloo does not know: an older Gloo there, or a typo in an override), which
// server-side apply reports as an internal error.
func refused(err error) bool {
	return apierrors.IsInvalid(err) || apierrors.IsBadRequest(err) ||
		(apierrors.IsInternalError(err) && strings.Contains(err.Error(), "failed to create typed patch object"))
}

// current returns the placed object as the member holds it, nil when there
// is none: what was just written there while the views do not show it yet,
// else the views' copy, else (no copy: the object may exist without
// Meridian's owner label, which the views do not watch) read from the
// member.
func (c *Controller) current(ctx context.Context, ri dynamic.ResourceInterface, k Kind, ek expectKey, memberOnly bool) (cur *unstructured.Unstructured, fromMember bool, err error) {
	if !memberOnly && c.views.Synced(k) {
		viewed, ok := c.views.Get(k, ek.Cluster, ek.Namespace, ek.Name)
		if written, pending := c.expect.pending(ek); pending {
			if ok {
				if sameGeneration, sameContent := compare(viewed, written); sameGeneration && sameContent {
					c.expect.forget(ek) // the views caught up
					placedReads.WithLabelValues("views").Inc()
					return viewed, false, nil
				}
			}
			placedReads.WithLabelValues("written").Inc()
			return written, false, nil
		}
		if ok {
			placedReads.WithLabelValues("views").Inc()
			return viewed, false, nil
		}
	}
	if k.Secret {
		// Meridian's credential may not read a member's Secrets at all: a
		// Secret is written blind, and the member's admission policy
		// refuses the write when the Secret there is not this object's
		// (see registration.SetSecretNamespaces).
		return nil, true, nil
	}
	placedReads.WithLabelValues("member").Inc()
	cur, err = ri.Get(ctx, ek.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, true, nil
	}
	return cur, true, err
}

// judge decides from the current object (nil: none) whether want must be
// written, and fills in p when it need not or must not be.
func judge(f *federated, want, cur *unstructured.Unstructured, readErr error, p fedv1alpha1.PlacementStatus) (fedv1alpha1.PlacementStatus, bool) {
	p.Drifted = false
	switch {
	case readErr != nil:
		p.State, p.Message = fedv1alpha1.PlacementFailed, "reading the member: "+readErr.Error()
		return p, false
	case cur == nil:
		return p, true
	}
	owner := cur.GetAnnotations()[OwnerAnnotation]
	if owner != ownerRef(f.Kind, f.Namespace, f.Name) {
		p.State = fedv1alpha1.PlacementFailed
		if owner == "" {
			p.Message = fmt.Sprintf("a %s %s/%s that Meridian did not create exists there: left untouched (rename the template, or delete that object to let Meridian place this one)", f.Kind.MemberKind, cur.GetNamespace(), cur.GetName())
		} else if k, ok := ownerKey(owner); ok && k.Namespace == f.Namespace {
			p.Message = fmt.Sprintf("%s %s/%s belongs to %s: left untouched", f.Kind.MemberKind, cur.GetNamespace(), cur.GetName(), owner)
		} else {
			// Whoever reads this status may not see the owner's namespace:
			// the status does not name it.
			p.Message = fmt.Sprintf("%s %s/%s belongs to a federated object of another namespace: left untouched", f.Kind.MemberKind, cur.GetNamespace(), cur.GetName())
		}
		return p, false
	}
	sameGeneration, sameContent := compare(cur, want)
	if sameGeneration && sameContent {
		// Already as placed: nothing to write.
		if !f.Kind.Secret {
			p.GlooState, p.GlooReason = glooState(cur)
		}
		return p, false
	}
	// Drift: the object says it was placed from this generation, yet
	// differs from what this generation places.
	p.Drifted = sameGeneration
	return p, true
}

// compare tells whether cur was placed from the same generation as want,
// and whether it holds want's content, labels and annotations.
func compare(cur, want *unstructured.Unstructured) (sameGeneration, sameContent bool) {
	sameGeneration = cur.GetAnnotations()[GenerationAnnotation] == want.GetAnnotations()[GenerationAnnotation]
	sameContent = reflect.DeepEqual(content(cur.Object), content(want.Object)) && hasAll(cur.GetLabels(), want.GetLabels()) && hasAll(cur.GetAnnotations(), want.GetAnnotations())
	return sameGeneration, sameContent
}

// hasAll reports whether have holds every key of want with the same value.
func hasAll(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// removeFrom deletes f's objects in one cluster outside keep (nil: all).
// What cannot be deleted is reported Stale.
func (c *Controller) removeFrom(ctx context.Context, f *federated, kc *fedv1alpha1.KubernetesCluster, keep []string) []fedv1alpha1.PlacementStatus {
	var out []fedv1alpha1.PlacementStatus
	stale := func(ns, msg string) {
		out = append(out, fedv1alpha1.PlacementStatus{Cluster: kc.Name, Namespace: ns, State: fedv1alpha1.PlacementStale, Message: msg, ObservedGeneration: f.Generation})
	}
	// Where it was placed before: from the status (Secrets are never listed:
	// Meridian may not list a member's Secrets), and for Gloo kinds from
	// the member itself.
	candidates := map[string]string{} // namespace -> name
	for _, p := range f.Status.Placements {
		if p.Cluster == kc.Name && !slices.Contains(keep, p.Namespace) {
			candidates[p.Namespace] = f.placedName()
		}
	}
	if kc.Spec.Suspend {
		for ns := range candidates {
			stale(ns, "cluster "+kc.Name+" is suspended: the object stays until it is resumed")
		}
		return out
	}
	client, err := c.members.Client(kc)
	if err != nil {
		for ns := range candidates {
			stale(ns, err.Error())
		}
		return out
	}
	ri := client.Resource(f.Kind.Member)
	ref := ownerRef(f.Kind, f.Namespace, f.Name)
	// What else this object placed there: from the views when they are
	// synced; else the member is listed, only when the status may not know:
	// the object is being deleted, or its spec changed since the placements
	// on record (a first generation has placed nothing else).
	specChanged := f.Generation > 1 && f.Status.ObservedGeneration != f.Generation
	if c.views.Synced(f.Kind) {
		for _, o := range c.views.Owned(f.Kind, kc.Name, ownerHash(ref)) {
			if !slices.Contains(keep, o.GetNamespace()) {
				candidates[o.GetNamespace()] = o.GetName()
			}
		}
	} else if !f.Kind.Secret && (f.Deleting || specChanged) {
		list, err := ri.List(ctx, metav1.ListOptions{LabelSelector: OwnerLabel + "=" + ownerHash(ref)})
		if err != nil {
			for ns := range candidates {
				stale(ns, "listing the member: "+err.Error())
			}
			return out
		}
		for _, o := range list.Items {
			if !slices.Contains(keep, o.GetNamespace()) {
				candidates[o.GetNamespace()] = o.GetName()
			}
		}
	}
	for ns, name := range candidates {
		if err := deleteOwned(ctx, f.Kind.Secret, ri.Namespace(ns), name, ref); err != nil {
			stale(ns, "deleting from the member: "+err.Error())
			continue
		}
		c.expect.forget(expectKey{Resource: f.Kind.Federated.Resource, Cluster: kc.Name, Namespace: ns, Name: name})
	}
	return out
}

// deleteOwned deletes one object if, and only if, Meridian owns it. A
// Secret, which Meridian may not read, is deleted by name: the member's
// admission policy refuses the deletion of one that does not carry
// Meridian's owner annotation, which leaves it untouched as for any kind.
func deleteOwned(ctx context.Context, secret bool, ri dynamic.ResourceInterface, name, ref string) error {
	if secret {
		err := ri.Delete(ctx, name, metav1.DeleteOptions{})
		if apierrors.IsNotFound(err) || apierrors.IsForbidden(err) && strings.Contains(err.Error(), registration.ForeignSecretMessage) {
			return nil
		}
		return err
	}
	cur, err := ri.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if cur.GetAnnotations()[OwnerAnnotation] != ref {
		return nil // not ours (any more): never touched
	}
	uid := cur.GetUID()
	err = ri.Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	return err
}

// finalize removes f's objects from every registered member it can reach,
// then lets the deletion finish. An unreachable member does not block it:
// the sweeper removes the leftovers when the member is back.
func (c *Controller) finalize(ctx context.Context, u *unstructured.Unstructured, f *federated, registered map[string]*fedv1alpha1.KubernetesCluster) error {
	if !slices.Contains(f.Finalizers, Finalizer) {
		return nil
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var stale []fedv1alpha1.PlacementStatus
	for _, kc := range registered {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			left := c.removeFrom(ctx, f, kc, []string{})
			mu.Lock()
			stale = append(stale, left...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if f.Kind.Secret {
		// Recorded before the deletion may finish: nothing else would know.
		if err := c.recordLeftovers(ctx, secretLeftovers(f, stale, registered)); err != nil {
			return fmt.Errorf("recording the Secrets left in unreachable members: %w", err)
		}
	}
	if len(stale) > 0 {
		var left []string
		for _, s := range stale {
			left = append(left, s.Cluster+"/"+s.Namespace+" ("+s.Message+")")
		}
		slices.Sort(left)
		c.recorder.Eventf(u, corev1.EventTypeWarning, "CleanupDeferred", "could not remove the placed objects from %s; they are removed once those clusters answer again", strings.Join(left, ", "))
	}
	rest := slices.DeleteFunc(slices.Clone(u.GetFinalizers()), func(s string) bool { return s == Finalizer })
	err := c.mergePatch(ctx, f.Kind, u, map[string]any{"metadata": map[string]any{"finalizers": rest}})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

func previousClusters(st fedv1alpha1.FederatedStatus, selected []string) []string {
	var out []string
	for _, p := range st.Placements {
		if !slices.Contains(selected, p.Cluster) && !slices.Contains(out, p.Cluster) && p.State != fedv1alpha1.PlacementInvalid {
			out = append(out, p.Cluster)
		}
	}
	return out
}

// glooState reads the state Gloo reports for a placed object.
func glooState(o *unstructured.Unstructured) (string, string) {
	var raw []byte
	if st, ok := o.Object["status"]; ok {
		raw, _ = json.Marshal(st) // a decoded object always marshals
	}
	code, reason := core.Verdict(raw, "")
	return code.String(), reason
}

// summarize computes the status from the placements.
func summarize(f *federated, placements []fedv1alpha1.PlacementStatus) fedv1alpha1.FederatedStatus {
	slices.SortFunc(placements, func(a, b fedv1alpha1.PlacementStatus) int {
		if c := strings.Compare(a.Cluster, b.Cluster); c != 0 {
			return c
		}
		return strings.Compare(a.Namespace, b.Namespace)
	})
	now := metav1.Now()
	prev := map[target]fedv1alpha1.PlacementStatus{}
	for _, p := range f.Status.Placements {
		prev[target{p.Cluster, p.Namespace}] = p
	}
	var placed, accepted, total int
	for i := range placements {
		p := &placements[i]
		old, hadOld := prev[target{p.Cluster, p.Namespace}]
		if hadOld && old.State == p.State {
			p.LastTransitionTime = old.LastTransitionTime
		} else {
			p.LastTransitionTime = now
		}
		// A restored drift stays reported for the generation it happened in.
		if hadOld && old.Drifted && !p.Drifted && p.State == fedv1alpha1.PlacementPlaced && old.ObservedGeneration == p.ObservedGeneration {
			p.Drifted, p.Message = true, old.Message
		}
		if p.State == fedv1alpha1.PlacementStale {
			continue // not a target
		}
		total++
		if p.State == fedv1alpha1.PlacementPlaced {
			placed++
			if f.Kind.Secret || p.GlooState == core.StateAccepted.String() {
				accepted++
			}
		}
	}
	st := fedv1alpha1.FederatedStatus{
		ObservedGeneration: f.Generation,
		Placed:             fmt.Sprintf("%d/%d", placed, total),
		Placements:         placements,
		Conditions:         slices.Clone(f.Status.Conditions), // SetStatusCondition edits in place
	}
	if !f.Kind.Secret {
		st.Accepted = fmt.Sprintf("%d/%d", accepted, total)
	}
	cond := metav1.Condition{Type: "Ready", Status: metav1.ConditionTrue, Reason: "Placed", Message: "placed in every target", ObservedGeneration: f.Generation}
	switch {
	case total == 0:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, "NoTargets", "the placement selects no registered cluster"
	case placed < total:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, "NotPlaced", fmt.Sprintf("placed in %d of %d targets", placed, total)
	case accepted < total:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, "NotAccepted", fmt.Sprintf("Gloo accepts %d of %d placed objects", accepted, total)
	}
	meta.SetStatusCondition(&st.Conditions, cond)
	return st
}

func invalidStatus(f *federated, msg string) fedv1alpha1.FederatedStatus {
	var gen int64
	var conds []metav1.Condition
	if f != nil {
		gen, conds = f.Generation, slices.Clone(f.Status.Conditions)
	}
	st := fedv1alpha1.FederatedStatus{ObservedGeneration: gen, Conditions: conds}
	meta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: "Ready", Status: metav1.ConditionFalse, Reason: "Invalid", Message: msg, ObservedGeneration: gen})
	return st
}

// writeStatus updates the status subresource when it changed.
func (c *Controller) writeStatus(ctx context.Context, u *unstructured.Unstructured, kind Kind, f *federated, st fedv1alpha1.FederatedStatus) error {
	if f != nil && reflect.DeepEqual(normalized(f.Status), normalized(st)) {
		return nil
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&st)
	if err != nil {
		return err
	}
	// A merge patch keeps what it does not name: a field the new status
	// no longer has is removed explicitly.
	old, _ := u.Object["status"].(map[string]any)
	for k := range old {
		if _, ok := m[k]; !ok {
			m[k] = nil
		}
	}
	err = c.mergePatch(ctx, kind, u, map[string]any{"status": m}, "status")
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// mergePatch sends patch as a JSON merge patch, with the object's
// resourceVersion as precondition: only what changes is sent and decoded,
// not the whole object (whose template can be large), and a concurrent
// change is a conflict, retried, as with an update.
func (c *Controller) mergePatch(ctx context.Context, kind Kind, u *unstructured.Unstructured, patch map[string]any, subresources ...string) error {
	md, _ := patch["metadata"].(map[string]any)
	if md == nil {
		md = map[string]any{}
		patch["metadata"] = md
	}
	md["resourceVersion"] = u.GetResourceVersion()
	body, err := json.Marshal(patch)
	if err != nil {
		return err
	}
	_, err = c.mgmt.Resource(kind.Federated).Namespace(u.GetNamespace()).Patch(ctx, u.GetName(), types.MergePatchType, body, metav1.PatchOptions{FieldManager: FieldManager}, subresources...)
	return err
}

// normalized drops timestamps, so that an unchanged state is not rewritten.
func normalized(st fedv1alpha1.FederatedStatus) fedv1alpha1.FederatedStatus {
	out := *st.DeepCopy()
	for i := range out.Placements {
		out.Placements[i].LastTransitionTime = metav1.Time{}
	}
	for i := range out.Conditions {
		out.Conditions[i].LastTransitionTime = metav1.Time{}
	}
	if len(out.Placements) == 0 {
		out.Placements = nil
	}
	return out
}
