package failover

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/client-go/dynamic"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	gloov1 "github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	fedclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned/typed/fed/v1alpha1"
	fedinformers "github.com/meridianfed/meridian/pkg/generated/informers/externalversions/fed/v1alpha1"
	viewsinformers "github.com/meridianfed/meridian/pkg/generated/informers/externalversions/views/v1alpha1"
)

// FieldManager is the server-side apply field manager of everything the
// failover controller writes in members. On a primary Upstream it owns
// spec.failover and nothing else, so that whoever owns the rest of the
// Upstream (its author, or the placement of a FederatedUpstream) keeps it.
const FieldManager = "meridian-failover"

// Finalizer holds a scheme until what it wrote is removed (or recorded for
// the sweeper, when the primary's cluster cannot be reached).
const Finalizer = "fed.meridian.io/failover"

var upstreams = viewsv1alpha1.GlooKinds[0].Member // gloo.solo.io/v1 upstreams

// Members are the registered member clusters and clients for them,
// written with each member's registered credential.
type Members interface {
	// Namespace is the federation namespace.
	Namespace() string
	// Registered returns the registered clusters (not being deleted).
	Registered() (map[string]*fedv1alpha1.KubernetesCluster, error)
	// Client returns a client for a registered member.
	Client(kc *fedv1alpha1.KubernetesCluster) (dynamic.Interface, error)
}

// Options tune the controller.
type Options struct {
	// Workers reconcile schemes in parallel (default 2).
	Workers int
	// WriteTimeout bounds the requests of one reconcile to a member
	// (default 15s): a hung primary cluster holds one worker that long.
	WriteTimeout time.Duration
	// DeletionWait is how long a deletion tries to clear the primary before
	// it leaves that to the sweeper (default 30s).
	DeletionWait time.Duration
	// Sweep retries the clean-up of deleted schemes this often (default 1 minute).
	Sweep time.Duration
	// DataPlane are informers of the federation namespace's
	// FederatedSecrets and FederatedGateways: the placement's reports on
	// the data plane come back through them into the schemes' status.
	DataPlane []toolscache.SharedIndexInformer
}

// Controller carries out FailoverSchemes (see the package comment).
type Controller struct {
	schemes  fedclient.FailoverSchemesGetter
	members  Members
	mgmt     dynamic.Interface // the leftovers records
	store    DataPlaneStore
	now      func() time.Time
	recorder record.EventRecorder
	opts     Options
	log      klog.Logger
	inputs   *informerInputs
	reports  pieceReports
	last     lastInForce
	synced   []toolscache.InformerSynced
	queue    workqueue.TypedRateLimitingInterface[string]
	writing  clusterClaims
	// busy counts the keys being processed (tests wait for the queue to
	// settle: empty, and nothing in hand).
	busy atomic.Int32
}

// clusterClaims are the clusters a worker is writing to now. One write per
// cluster at a time: a cluster that hangs holds one worker, never all of
// them, and the schemes of other clusters go on.
type clusterClaims struct {
	mu sync.Mutex
	m  map[string]bool
}

func (c *clusterClaims) claim(cluster string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m[cluster] {
		return false
	}
	if c.m == nil {
		c.m = map[string]bool{}
	}
	c.m[cluster] = true
	return true
}

func (c *clusterClaims) release(cluster string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, cluster)
}

// errClusterBusy is writePrimary's answer while another worker writes to
// the same cluster: try again later.
var errClusterBusy = errors.New("another write to the cluster is in flight")

// New wires the controller to its informers: the schemes (of every
// namespace), the registrations (of the federation namespace), and the
// GlooInstance and Upstream views. Events on any
// of them requeue the schemes they concern.
func New(schemes fedclient.FailoverSchemesGetter, mgmt dynamic.Interface, store DataPlaneStore, members Members, schemeInformer fedinformers.FailoverSchemeInformer, clusterInf fedinformers.KubernetesClusterInformer, views viewsinformers.Interface, recorder record.EventRecorder, opts Options, log klog.Logger) (*Controller, error) {
	if opts.Workers == 0 {
		opts.Workers = 2
	}
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = 15 * time.Second
	}
	if opts.DeletionWait == 0 {
		opts.DeletionWait = 30 * time.Second
	}
	if opts.Sweep == 0 {
		opts.Sweep = time.Minute
	}
	schemeInf := schemeInformer.Informer()
	instanceInf := views.GlooInstances().Informer()
	upstreamInf := views.Upstreams().Informer()
	gatewayInf := views.Gateways().Informer()
	if err := schemeInf.AddIndexers(schemeIndexers); err != nil {
		return nil, err
	}
	if err := instanceInf.AddIndexers(instanceIndexers); err != nil {
		return nil, err
	}
	c := &Controller{
		schemes: schemes, members: members, mgmt: mgmt, store: store, now: time.Now, recorder: recorder, opts: opts, log: log.WithName("failover"),
		inputs: &informerInputs{
			namespace: members.Namespace(), clusters: clusterInf.Lister(),
			instances: instanceInf.GetIndexer(), upstreams: upstreamInf.GetIndexer(), gateways: gatewayInf.GetIndexer(), schemes: schemeInf.GetIndexer(),
		},
		synced: []toolscache.InformerSynced{schemeInf.HasSynced, clusterInf.Informer().HasSynced, instanceInf.HasSynced, upstreamInf.HasSynced, gatewayInf.HasSynced},
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.NewTypedMaxOfRateLimiter(
				workqueue.NewTypedItemExponentialFailureRateLimiter[string](200*time.Millisecond, 30*time.Second),
				&workqueue.TypedBucketRateLimiter[string]{Limiter: rate.NewLimiter(rate.Limit(20), 100)},
			),
			workqueue.TypedRateLimitingQueueConfig[string]{Name: "failover"}),
	}
	for _, inf := range opts.DataPlane {
		_, _ = inf.AddEventHandler(toolscache.FilteringResourceEventHandler{
			FilterFunc: func(o any) bool {
				m, err := apimeta.Accessor(unwrap(o))
				return err == nil && m.GetLabels()[DataPlaneLabel] != ""
			},
			Handler: toolscache.ResourceEventHandlerFuncs{
				AddFunc:    func(any) { c.queue.Add(dataPlaneKey) },
				UpdateFunc: func(_, _ any) { c.queue.Add(dataPlaneKey) },
				DeleteFunc: func(any) { c.queue.Add(dataPlaneKey) },
			},
		})
		c.synced = append(c.synced, inf.HasSynced)
	}
	_, _ = schemeInf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc: c.enqueue,
		UpdateFunc: func(_, n any) {
			c.enqueue(n)
		},
		DeleteFunc: func(o any) {
			// Another scheme for the same primary may now be the first.
			if s := asScheme(o); s != nil {
				c.enqueueIndexed(byPrimary, primaryKey(s.Spec.Primary))
			}
		},
	})
	_, _ = instanceInf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc: func(o any) { c.instanceChanged(nil, o) },
		UpdateFunc: func(o, n any) {
			c.instanceChanged(o, n)
		},
		DeleteFunc: func(o any) { c.instanceChanged(nil, o) },
	})
	_, _ = upstreamInf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { c.upstreamChanged(nil, o) },
		UpdateFunc: func(o, n any) { c.upstreamChanged(o, n) },
		DeleteFunc: func(o any) { c.upstreamChanged(nil, o) },
	})
	_, _ = gatewayInf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { c.gatewayChanged(nil, o) },
		UpdateFunc: c.gatewayChanged,
		DeleteFunc: func(o any) { c.gatewayChanged(nil, o) },
	})
	_, _ = clusterInf.Informer().AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { c.clusterChanged(o) },
		UpdateFunc: func(_, n any) { c.clusterChanged(n) },
		DeleteFunc: func(o any) { c.clusterChanged(o) },
	})
	return c, nil
}

// unwrap returns the last known object of a deletion the informer missed
// (a tombstone), or o itself.
func unwrap(o any) any {
	if d, ok := o.(toolscache.DeletedFinalStateUnknown); ok {
		return d.Obj
	}
	return o
}

func asScheme(o any) *fedv1alpha1.FailoverScheme {
	o = unwrap(o)
	s, _ := o.(*fedv1alpha1.FailoverScheme)
	return s
}

func (c *Controller) enqueue(o any) {
	if s := asScheme(o); s != nil {
		c.queue.Add(s.Namespace + "/" + s.Name)
	}
}

func (c *Controller) enqueueIndexed(index, value string) {
	objs, _ := c.inputs.schemes.ByIndex(index, value)
	for _, o := range objs {
		c.enqueue(o)
	}
}

// instanceChanged requeues the schemes naming the installation's cluster
// when what synthesis reads of it changed (not its check summaries).
func (c *Controller) instanceChanged(old, cur any) {
	cur = unwrap(cur)
	gi, ok := cur.(*viewsv1alpha1.GlooInstance)
	if !ok {
		return
	}
	if o, ok := old.(*viewsv1alpha1.GlooInstance); ok && reflect.DeepEqual(o.Spec.Proxies, gi.Spec.Proxies) &&
		o.Spec.Region == gi.Spec.Region && reflect.DeepEqual(o.Spec.Admin, gi.Spec.Admin) &&
		reflect.DeepEqual(o.Spec.ControlPlane.WatchedNamespaces, gi.Spec.ControlPlane.WatchedNamespaces) {
		return
	}
	c.enqueueIndexed(byCluster, gi.Spec.Cluster)
}

// upstreamChanged requeues the schemes naming an Upstream when it comes,
// goes or its spec changes (Gloo's status of it changes nothing here).
func (c *Controller) upstreamChanged(old, cur any) {
	cur = unwrap(cur)
	u, ok := cur.(*viewsv1alpha1.Upstream)
	if !ok {
		return
	}
	if o, ok := old.(*viewsv1alpha1.Upstream); ok && string(o.Spec) == string(u.Spec) {
		return
	}
	cluster, name, err := viewsv1alpha1.MemberName(u)
	if err != nil {
		return
	}
	c.enqueueIndexed(byUpstream, upstreamKey(cluster, u.Namespace, name))
}

// gatewayChanged requeues the schemes naming a Gateway's cluster when it
// comes, goes, or its spec or owner changes: it may be an installation's
// own failover gateway, which the data plane then uses instead of one of
// its own.
func (c *Controller) gatewayChanged(old, cur any) {
	cur = unwrap(cur)
	g, ok := cur.(*viewsv1alpha1.Gateway)
	if !ok {
		return
	}
	if o, ok := old.(*viewsv1alpha1.Gateway); ok && string(o.Spec) == string(g.Spec) &&
		o.Annotations[fedv1alpha1.OwnerAnnotation] == g.Annotations[fedv1alpha1.OwnerAnnotation] {
		return // Gloo's status of it changes nothing here
	}
	c.enqueueIndexed(byCluster, g.Labels[viewsv1alpha1.ClusterLabel])
}

func (c *Controller) clusterChanged(o any) {
	o = unwrap(o)
	if kc, ok := o.(*fedv1alpha1.KubernetesCluster); ok {
		c.enqueueIndexed(byCluster, kc.Name)
	}
}

// HasSynced reports whether the informers have listed once.
func (c *Controller) HasSynced() bool {
	for _, s := range c.synced {
		if !s() {
			return false
		}
	}
	return true
}

// Run reconciles until ctx ends.
func (c *Controller) Run(ctx context.Context) {
	defer utilruntime.HandleCrash()
	defer c.queue.ShutDown()
	if !toolscache.WaitForCacheSync(ctx.Done(), c.synced...) {
		return
	}
	for range c.opts.Workers {
		go func() {
			for c.next(ctx) {
			}
		}()
	}
	go c.sweepEvery(ctx)
	<-ctx.Done()
}

func (c *Controller) next(ctx context.Context) bool {
	key, quit := c.queue.Get()
	if quit {
		return false
	}
	c.busy.Add(1)
	defer c.busy.Add(-1) // after Done: a key added meanwhile is queued by then
	defer c.queue.Done(key)
	var retry bool
	var err error
	if key == dataPlaneKey {
		retry, err = c.syncDataPlane(ctx)
	} else {
		retry, err = c.reconcile(ctx, key)
		// What the schemes need of the data plane may have changed.
		c.queue.Add(dataPlaneKey)
	}
	switch {
	case err != nil:
		c.log.Error(err, "reconciling", "scheme", key)
		c.queue.AddRateLimited(key)
	case retry:
		c.queue.AddRateLimited(key)
	default:
		c.queue.Forget(key)
	}
	return true
}

// reconcile carries out one scheme. It returns retry when the scheme must
// be looked at again with backoff (a write that failed or conflicted).
func (c *Controller) reconcile(ctx context.Context, key string) (retry bool, err error) {
	ns, _, err := toolscache.SplitMetaNamespaceKey(key)
	if err != nil {
		return false, nil
	}
	obj, ok, err := c.inputs.schemes.GetByKey(key)
	if err != nil || !ok {
		return false, err
	}
	s := obj.(*fedv1alpha1.FailoverScheme).DeepCopy()
	if s.DeletionTimestamp != nil {
		return c.finalize(ctx, s)
	}
	if !hasFinalizer(s) {
		s.Finalizers = append(s.Finalizers, Finalizer)
		if s, err = c.schemes.FailoverSchemes(ns).Update(ctx, s, metav1.UpdateOptions{}); err != nil {
			return false, err
		}
	}
	r := Synthesize(s, c.inputs)
	st := fedv1alpha1.FailoverSchemeStatus{
		ObservedGeneration: s.Generation,
		Primary:            primaryKey(s.Spec.Primary),
	}
	p := s.Spec.Primary
	registered, reachable, why := c.inputs.Cluster(p.ClusterName)
	pending := func(targets []fedv1alpha1.FailoverTargetStatus) (bool, error) {
		// Not dialed: the registration's health check says it would not
		// answer. Its change of state requeues the scheme. What is in
		// force stays what was last written.
		st.State = fedv1alpha1.FailoverPending
		st.Message = fmt.Sprintf("the primary's cluster %s is unreachable (%s): spec.failover is written when it answers", p.ClusterName, why)
		st.Priorities, st.Targets, st.PriorityCount = s.Status.Priorities, targets, s.Status.PriorityCount
		return false, c.setStatus(ctx, s, st)
	}
	if r.Invalid != "" {
		if registered && !reachable && c.inputs.Upstream(p.ClusterName, p.Namespace, p.Name) == nil {
			// The primary left the views with the rest of its cluster
			// (past --member-remove-after): it is not missing, it is away.
			return pending(s.Status.Targets)
		}
		// What was written stays as it was: an Invalid scheme writes
		// nothing until it, or what it refers to, changes.
		st.State, st.Message = fedv1alpha1.FailoverInvalid, r.Invalid
		st.Priorities, st.Targets, st.PriorityCount = s.Status.Priorities, s.Status.Targets, s.Status.PriorityCount
		return false, c.setStatus(ctx, s, st)
	}
	st.Priorities, st.Targets, st.PriorityCount = r.Priorities, r.Targets, int32(len(r.Priorities))
	if !c.viewHolds(p, r.Failover) {
		if !reachable {
			return pending(r.Targets)
		}
		err = c.writePrimary(ctx, s.Spec.Primary, r.Failover)
	}
	switch {
	case errors.Is(err, errClusterBusy):
		return true, nil
	case apierrors.IsConflict(err):
		// Someone changed the Upstream between the read and the write:
		// read and write again (never left Failed for it).
		return true, nil
	case err != nil:
		st.State, st.Message = fedv1alpha1.FailoverFailed, err.Error()
		st.Priorities, st.Targets, st.PriorityCount = s.Status.Priorities, r.Targets, s.Status.PriorityCount
		return true, c.setStatus(ctx, s, st)
	}
	st.State = fedv1alpha1.FailoverAccepted
	st.Message = acceptedMessage(s, r)
	c.reportDataPlane(s, r, &st)
	return false, c.setStatus(ctx, s, st)
}

// dataPlaneNote starts what the message says of the primary's data plane
// (what reportDataPlane adds: not part of what is in force).
const dataPlaneNote = "; data plane: "

// reportDataPlane adds to st what keeps the data plane r needs from
// working: a target's gateway or certificate to that target's message, the
// primary's client certificate to the scheme's.
func (c *Controller) reportDataPlane(s *fedv1alpha1.FailoverScheme, r Result, st *fedv1alpha1.FailoverSchemeStatus) {
	for _, p := range Needed([]InForce{{PrimaryCluster: s.Spec.Primary.ClusterName, Result: r}}) {
		problem := c.reports.problem(p)
		if problem == "" {
			continue
		}
		if p.Kind == UpstreamPiece {
			if !strings.Contains(st.Message, dataPlaneNote) {
				st.Message += dataPlaneNote
			} else {
				st.Message += "; "
			}
			st.Message += problem
			continue
		}
		for i := range st.Targets {
			if t := &st.Targets[i]; t.Cluster == p.Cluster {
				t.Message = strings.TrimPrefix(t.Message+"; "+problem, "; ")
			}
		}
	}
}

// acceptedMessage says what changed in what is in force, judged against
// what the status said was in force rather than against what this
// reconcile wrote: a status update lost to a conflict is written again by
// the next reconcile with the same message, though that one writes
// nothing to the primary.
func acceptedMessage(s *fedv1alpha1.FailoverScheme, r Result) string {
	if was, _, _ := strings.Cut(s.Status.Message, dataPlaneNote); s.Status.State == fedv1alpha1.FailoverAccepted && was != "" && reflect.DeepEqual(s.Status.Priorities, r.Priorities) {
		return was
	}
	return fmt.Sprintf("spec.failover of %s: %s", primaryKey(s.Spec.Primary), describeChange(s.Status, r))
}

// describeChange tells what differs between what status said was in force
// and what was just written.
func describeChange(old fedv1alpha1.FailoverSchemeStatus, r Result) string {
	if len(old.Priorities) == 0 {
		return fmt.Sprintf("%d priorities written", len(r.Priorities))
	}
	was := map[string]fedv1alpha1.FailoverEndpointStatus{}
	for _, p := range old.Priorities {
		for _, e := range p.Endpoints {
			was[fmt.Sprintf("%d/%s/%s", p.Priority, e.Cluster, e.Upstream)] = e
		}
	}
	var changes []string
	for _, p := range r.Priorities {
		for _, e := range p.Endpoints {
			k := fmt.Sprintf("%d/%s/%s", p.Priority, e.Cluster, e.Upstream)
			o, ok := was[k]
			delete(was, k)
			switch {
			case !ok:
				changes = append(changes, fmt.Sprintf("priority %d gains %s %s", p.Priority, e.Cluster, e.Upstream))
			case o.Address != e.Address || o.Port != e.Port:
				changes = append(changes, fmt.Sprintf("%s's gateway moved from %s:%d to %s:%d", e.Cluster, o.Address, o.Port, e.Address, e.Port))
			case o.Region != e.Region || o.Zone != e.Zone:
				changes = append(changes, fmt.Sprintf("%s's locality changed from %s/%s to %s/%s", e.Cluster, o.Region, o.Zone, e.Region, e.Zone))
			case !reflect.DeepEqual(o.Weight, e.Weight):
				changes = append(changes, fmt.Sprintf("%s's locality weight changed", e.Cluster))
			}
		}
	}
	for k := range was {
		changes = append(changes, "removed "+k)
	}
	if len(changes) == 0 {
		return "in force, unchanged"
	}
	slices.Sort(changes)
	return strings.Join(changes, "; ")
}

// viewHolds reports whether the primary's view already holds f as its
// spec.failover: then there is nothing to read or write in the member. The
// views may lag behind the member; a change there comes as a view event,
// and with it another reconcile.
func (c *Controller) viewHolds(p fedv1alpha1.FailoverPrimary, f *gloov1.Failover) bool {
	v := c.inputs.Upstream(p.ClusterName, p.Namespace, p.Name)
	if v == nil {
		return false
	}
	var spec struct {
		Failover map[string]any `json:"failover"`
	}
	if err := utiljson.Unmarshal(v.Spec, &spec); err != nil {
		return false
	}
	want, err := toMap(f)
	return err == nil && reflect.DeepEqual(spec.Failover, want)
}

// writePrimary makes the primary's spec.failover f (nil: none), reading it
// first: it writes only when f differs, and with the resourceVersion read
// as precondition, so it never creates the Upstream, and a change made in
// between is a conflict to read again, not something overwritten.
func (c *Controller) writePrimary(ctx context.Context, p fedv1alpha1.FailoverPrimary, f *gloov1.Failover) error {
	if !c.writing.claim(p.ClusterName) {
		return errClusterBusy
	}
	defer c.writing.release(p.ClusterName)
	ctx, cancel := context.WithTimeout(ctx, c.opts.WriteTimeout)
	defer cancel()
	ri, err := c.upstreamsIn(p.ClusterName, p.Namespace)
	if err != nil {
		return err
	}
	cur, err := ri.Get(ctx, p.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) && f == nil {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading Upstream %s/%s in cluster %s: %w", p.Namespace, p.Name, p.ClusterName, err)
	}
	want, err := toMap(f)
	if err != nil {
		return err
	}
	have, _, _ := unstructured.NestedFieldNoCopy(cur.Object, "spec", "failover")
	if reflect.DeepEqual(have, want) {
		return nil
	}
	spec := map[string]any{}
	if want != nil {
		spec["failover"] = want
	}
	body, err := json.Marshal(map[string]any{
		"apiVersion": upstreams.GroupVersion().String(), "kind": "Upstream",
		"metadata": map[string]any{"name": p.Name, "namespace": p.Namespace, "resourceVersion": cur.GetResourceVersion()},
		"spec":     spec,
	})
	if err != nil {
		return err
	}
	force := true // spec.failover is the scheme's, whoever set it before
	if _, err := ri.Patch(ctx, p.Name, types.ApplyPatchType, body, metav1.PatchOptions{FieldManager: FieldManager, Force: &force}); err != nil {
		if apierrors.IsConflict(err) {
			return err
		}
		return fmt.Errorf("writing spec.failover of Upstream %s/%s in cluster %s: %w", p.Namespace, p.Name, p.ClusterName, err)
	}
	return nil
}

func (c *Controller) upstreamsIn(cluster, namespace string) (dynamic.ResourceInterface, error) {
	registered, err := c.members.Registered()
	if err != nil {
		return nil, err
	}
	kc, ok := registered[cluster]
	if !ok {
		return nil, fmt.Errorf("cluster %s is not registered", cluster)
	}
	client, err := c.members.Client(kc)
	if err != nil {
		return nil, err
	}
	return client.Resource(upstreams).Namespace(namespace), nil
}

func toMap(f *gloov1.Failover) (map[string]any, error) {
	if f == nil {
		return nil, nil
	}
	raw, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	// Integers as int64, as the dynamic client decodes what the member
	// holds: the comparison with it is then exact.
	var m map[string]any
	return m, utiljson.Unmarshal(raw, &m)
}

func hasFinalizer(s *fedv1alpha1.FailoverScheme) bool {
	return slices.Contains(s.Finalizers, Finalizer)
}

// setStatus writes st when it differs from what s says.
func (c *Controller) setStatus(ctx context.Context, s *fedv1alpha1.FailoverScheme, st fedv1alpha1.FailoverSchemeStatus) error {
	if reflect.DeepEqual(s.Status, st) {
		return nil
	}
	if st.State != s.Status.State || st.Message != s.Status.Message {
		kind := "Normal"
		if st.State != fedv1alpha1.FailoverAccepted {
			kind = "Warning"
		}
		c.recorder.Event(s, kind, string(st.State), st.Message)
	}
	s.Status = st
	_, err := c.schemes.FailoverSchemes(s.Namespace).UpdateStatus(ctx, s, metav1.UpdateOptions{})
	if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
		return nil // the informer brings the newer object, and with it a reconcile
	}
	return err
}
