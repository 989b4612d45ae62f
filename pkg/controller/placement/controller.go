package placement

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"
)

// Options tune the controller.
type Options struct {
	// Workers reconcile federated objects in parallel (default
	// DefaultWorkers): they read the object, hand its work to the member
	// queues and write its status, and never wait for a member.
	Workers int
	// MemberWorkers write into each member in parallel (default
	// DefaultMemberWorkers per member): a member that hangs holds up only
	// its own queue.
	MemberWorkers int
	// Resync re-checks every federated object this often: drift in members,
	// Gloo's status of placed objects (default 2 minutes; one read per
	// target, writes only where something changed).
	Resync time.Duration
	// Sweep looks for objects left by deleted federated objects this often
	// (default 1 minute).
	Sweep time.Duration
	// DeletionWait bounds how long a deletion waits for a member to report
	// its removal (default 30s): past it, what that member holds is left to
	// the sweeper and the deletion completes.
	DeletionWait time.Duration
}

// Controller places federated objects into members.
//
// Work flows one way, in three queues: the object queue (one key per
// federated object) reads the object and hands it to the queue of every
// member concerned; each member's queue (memberQueue) places or removes the
// object's copies in that member and records the outcome (results); the
// status queue turns the outcomes into the object's status. A member's
// failed targets are retried from its queue with backoff.
type Controller struct {
	mgmt     dynamic.Interface
	members  MemberClients
	recorder record.EventRecorder
	opts     Options
	log      klog.Logger
	queue    workqueue.TypedRateLimitingInterface[key]
	status   workqueue.TypedRateLimitingInterface[key]
	informer map[string]toolscache.SharedIndexInformer // by federated resource
	kinds    map[string]Kind
	views    *Views // nil: every read goes to the members
	expect   *expectations
	results  *results
	memberQs *memberQueues
	now      func() time.Time
}

// key names one federated object.
type key struct {
	Resource, Namespace, Name string
}

// The default parallelism. Each worker mostly waits on a request (a
// status write to the management cluster, an apply to a member), so more
// workers than cores pay: with 16 instead of 4, 1,000 objects placed into
// 10 members took 43.7 s instead of 47.0 s (one run each, on a 2-core
// machine whose every server was busy); the request rate stays bounded by
// each client's QPS.
const (
	DefaultWorkers       = 16
	DefaultMemberWorkers = 16
)

// New returns a controller; Register adds its informers to factory.
func New(mgmt dynamic.Interface, members MemberClients, recorder record.EventRecorder, opts Options, log klog.Logger) *Controller {
	if opts.Workers == 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.MemberWorkers == 0 {
		opts.MemberWorkers = DefaultMemberWorkers
	}
	if opts.Resync == 0 {
		opts.Resync = 2 * time.Minute
	}
	if opts.Sweep == 0 {
		opts.Sweep = time.Minute
	}
	if opts.DeletionWait == 0 {
		opts.DeletionWait = 30 * time.Second
	}
	c := &Controller{
		mgmt: mgmt, members: members, recorder: recorder, opts: opts, log: log.WithName("placement"),
		queue:    newQueue("placement"),
		status:   newQueue("placement-status"),
		informer: map[string]toolscache.SharedIndexInformer{},
		kinds:    map[string]Kind{},
		expect:   newExpectations(),
		results:  newResults(),
		now:      time.Now,
	}
	c.memberQs = newMemberQueues(c.syncMember, opts.MemberWorkers, c.log)
	return c
}

// newQueue is a queue whose failures are retried after 100ms, doubling up
// to 30s, forever; at most 50 retries a second overall (bursts of 300).
func newQueue(name string) workqueue.TypedRateLimitingInterface[key] {
	return workqueue.NewTypedRateLimitingQueueWithConfig(
		workqueue.NewTypedMaxOfRateLimiter(
			workqueue.NewTypedItemExponentialFailureRateLimiter[key](100*time.Millisecond, 30*time.Second),
			&workqueue.TypedBucketRateLimiter[key]{Limiter: rate.NewLimiter(rate.Limit(50), 300)},
		),
		workqueue.TypedRateLimitingQueueConfig[key]{Name: name})
}

// UseViews makes the controller read placed objects and Gloo installations
// through the views API, and sync a federated object again in a member
// when what it placed there changes: in that member only (the others'
// copies did not change; a placement of N clusters would otherwise cost N
// syncs per copy written).
func (c *Controller) UseViews(v *Views) {
	c.views = v
	v.OnPlacedChange(func(ref, cluster string) {
		k, ok := ownerKey(ref)
		if !ok {
			return
		}
		if registered, err := c.members.Registered(); err == nil && registered[cluster] != nil {
			c.memberQs.add(cluster, k)
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
	if registered, err := c.members.Registered(); err == nil {
		c.memberQs.keepOnly(registered)
	}
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
	defer c.status.ShutDown()
	var syncs []toolscache.InformerSynced
	for _, inf := range c.informer {
		syncs = append(syncs, inf.HasSynced)
	}
	if !toolscache.WaitForCacheSync(ctx.Done(), syncs...) {
		return
	}
	c.memberQs.start(ctx)
	var wg sync.WaitGroup
	for range c.opts.Workers {
		wg.Go(func() {
			for c.next(ctx, c.queue, "reconcile", c.reconcile) {
			}
		})
		wg.Go(func() {
			for c.next(ctx, c.status, "status", c.syncStatus) {
			}
		})
	}
	wg.Go(func() { c.sweepLoop(ctx) })
	<-ctx.Done()
	c.queue.ShutDown()
	c.status.ShutDown()
	c.memberQs.shutDown()
	wg.Wait()
}

// next processes one key of q with sync; an error retries it with backoff.
func (c *Controller) next(ctx context.Context, q workqueue.TypedRateLimitingInterface[key], what string, sync func(context.Context, key) error) bool {
	k, quit := q.Get()
	if quit {
		return false
	}
	defer q.Done(k)
	start := time.Now()
	err := sync(ctx, k)
	if what == "reconcile" {
		reconcileDuration.WithLabelValues(k.Resource).Observe(time.Since(start).Seconds())
	}
	if err != nil {
		reconcileErrors.WithLabelValues(k.Resource).Inc()
		c.log.Info(what+" failed; retrying", "resource", k.Resource, "object", k.Namespace+"/"+k.Name, "err", err.Error())
		q.AddRateLimited(k)
		return true
	}
	q.Forget(k)
	return true
}
