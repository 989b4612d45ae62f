package member

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
	"github.com/meridianfed/meridian/pkg/federation/discovery"
)

// Options tune a connection.
type Options struct {
	// RemoveAfter is how long after its last answer an unreachable member's
	// Gloo objects are dropped from the views (its GlooInstances stay, marked
	// unreachable). Until then lists serve what was last seen, with a warning.
	RemoveAfter time.Duration
	// RecomputeDelay batches the events that trigger a GlooInstance
	// recomputation of this member.
	RecomputeDelay time.Duration
	// RecomputeInterval is the least time between two recomputations of
	// this member's GlooInstances. Each one reads every object of the
	// member: under a steady stream of changes (a large federated rollout)
	// recomputing after every small batch would cost more than serving.
	RecomputeInterval time.Duration
	// ProbeInterval is how often the member's health is checked (GET
	// /readyz), and ProbeTimeout how long a check may take. The member's
	// reachability is judged by these checks and by the connection's own
	// watches, never by a user's request timing out.
	ProbeInterval time.Duration
	ProbeTimeout  time.Duration
	// OnHealthChange, if set, is called whenever the member's Health
	// changes (reachability, first sync, problems), so that what reports
	// health (KubernetesCluster status) need not poll for it.
	OnHealthChange func()
}

// Connection watches one member cluster and publishes its objects, and the
// GlooInstances it computes from them, into its Sinks.
type Connection struct {
	name   string
	config *rest.Config
	sinks  Sinks
	opts   Options
	log    klog.Logger

	// inputs is what GlooInstance discovery needs of the member's Gloo
	// objects, kept from this connection's own watches.
	inputs glooInputs

	health    *healthTracker
	recompute chan struct{}
	// maxRV is the highest member resourceVersion seen on any watch: all
	// of a member's kinds share its etcd revision, so it orders the
	// member's GlooInstance recomputations.
	maxRV   atomic.Uint64
	lastKey uint64
	removed bool // Gloo objects dropped for unreachability
	// glooCancel ends the current Gloo reflectors (nil while there are
	// none): a member whose objects were dropped has none until it answers
	// again, then new ones (a full relist).
	glooCancel  context.CancelFunc
	watchConfig *rest.Config
	everSynced  atomic.Bool
	synced      sync.Map
	nSyncing    atomic.Int32
	workloads   struct {
		deployments, daemonSets, services, pods, nodes toolscache.SharedIndexInformer
	}

	// live shares the live lists of each kind among consistent readers.
	live liveFlights

	metaOnce sync.Once
	meta     metadata.Interface
	metaErr  error

	cancel context.CancelFunc
	done   chan struct{}
}

// NewConnection prepares a connection publishing into sinks; Start runs it.
func NewConnection(name string, config *rest.Config, sinks Sinks, opts Options, log klog.Logger) *Connection {
	if opts.RemoveAfter == 0 {
		opts.RemoveAfter = 30 * time.Second
	}
	if opts.RecomputeDelay == 0 {
		opts.RecomputeDelay = 100 * time.Millisecond
	}
	if opts.RecomputeInterval == 0 {
		opts.RecomputeInterval = time.Second
	}
	if opts.ProbeInterval == 0 {
		opts.ProbeInterval = 2 * time.Second
	}
	if opts.ProbeTimeout == 0 {
		opts.ProbeTimeout = 3 * time.Second
	}
	c := &Connection{
		name: name, config: rest.CopyConfig(config), sinks: sinks, opts: opts,
		log:       log.WithValues("cluster", name),
		recompute: make(chan struct{}, 1),
		done:      make(chan struct{}),
	}
	c.health = newHealthTracker(func() {
		c.trigger()
		if opts.OnHealthChange != nil {
			opts.OnHealthChange()
		}
	})
	return c
}

// Name is the member's name.
func (c *Connection) Name() string { return c.name }

// Health reports the member's reachability.
func (c *Connection) Health() Health { return c.health.get() }

// Start begins watching. It returns at once; Stop ends everything it started.
func (c *Connection) Start(ctx context.Context) error {
	ctx, c.cancel = context.WithCancel(ctx)
	// Watches run uncompressed: a gzip stream pins a decompressor (about
	// 75 KB) for as long as it is open, one per watch, which per member cost
	// more than its cached objects. Watch events are small; the consistent
	// reads' metadata lists (LiveVersions) keep compression.
	watchConfig := rest.CopyConfig(c.config)
	watchConfig.DisableCompression = true
	kube, err := kubernetes.NewForConfig(watchConfig)
	if err != nil {
		return fmt.Errorf("cluster %s: %w", c.name, err)
	}
	c.watchConfig = watchConfig
	if err := c.startGloo(ctx); err != nil {
		return err
	}
	c.startWorkloadInformers(ctx, kube)
	go c.probe(ctx, kube.Discovery().RESTClient())
	go c.loop(ctx)
	return nil
}

// startGloo starts one reflector per Gloo kind, under a context of their own.
func (c *Connection) startGloo(ctx context.Context) error {
	gctx, cancel := context.WithCancel(ctx)
	for _, k := range viewsv1alpha1.GlooKinds {
		if err := c.startGlooReflector(gctx, c.watchConfig, k); err != nil {
			cancel()
			return err
		}
	}
	c.glooCancel = cancel
	return nil
}

// stopGloo ends the Gloo reflectors: once the member's objects are dropped
// from the views, nothing they would bring is wanted, and left running they
// would list the member again on their own when it is back, beside the
// fresh reflectors startGloo makes then (a second full list of every kind).
// Until the new ones have listed, the member counts as not synced, so
// replies say its objects may be incomplete.
func (c *Connection) stopGloo() {
	if c.glooCancel != nil {
		c.glooCancel()
		c.glooCancel = nil
	}
	for _, k := range viewsv1alpha1.GlooKinds {
		c.synced.Delete(k.Kind)
	}
	c.health.setUnsynced()
}

// probe checks the member's health every ProbeInterval with GET /readyz,
// bounded by ProbeTimeout: how a hung member is noticed (its watches just
// go quiet) and how its recovery is noticed (nothing else may ask it).
func (c *Connection) probe(ctx context.Context, client rest.Interface) {
	t := time.NewTicker(c.opts.ProbeInterval)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, c.opts.ProbeTimeout)
		err := client.Get().AbsPath("/readyz").Do(pctx).Error()
		cancel()
		if ctx.Err() != nil {
			return
		}
		c.health.observe("", err)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Stop ends the connection's watches. The member's objects stay in the cache
// until the caller removes them (a restart with new credentials keeps them).
func (c *Connection) Stop() {
	if c.cancel != nil {
		c.cancel()
		<-c.done
	}
}

func (c *Connection) trigger() {
	select {
	case c.recompute <- struct{}{}:
	default:
	}
}

// observeRV notes a member resourceVersion seen on any watch.
func (c *Connection) observeRV(rv string) {
	n, err := cache.ParseMemberRV(rv)
	if err != nil {
		return
	}
	for {
		cur := c.maxRV.Load()
		if n <= cur || c.maxRV.CompareAndSwap(cur, n) {
			return
		}
	}
}

// loop recomputes the member's GlooInstances when its inputs change, and
// drops its Gloo objects when it has been unreachable for too long.
func (c *Connection) loop(ctx context.Context) {
	defer close(c.done)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.recompute:
			// Let a burst of events settle into one recomputation, and
			// space recomputations out while changes keep coming.
			wait := max(c.opts.RecomputeDelay, time.Until(last.Add(c.opts.RecomputeInterval)))
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return
			}
			c.recomputeInstances()
			last = time.Now()
		case <-tick.C:
			h := c.health.get()
			// The grace runs from the member's last answer: a hung member is
			// only seen unreachable once a health check has waited
			// ProbeTimeout, and that wait is part of the grace.
			if !h.Reachable && !c.removed && time.Since(h.LastSync) >= c.opts.RemoveAfter && c.everSynced.Load() {
				c.log.Info("member unreachable: dropping its Gloo objects from the views until it is back", "lastAnswered", time.Since(h.LastSync).Round(time.Second), "reason", h.Message)
				// The reflectors stop first, so that nothing they still
				// deliver lands after the objects are dropped.
				c.stopGloo()
				for _, st := range c.sinks.Gloo {
					st.RemoveCluster(c.name)
				}
				// Discovery sees what the views show: none of its Gloo objects.
				c.inputs.clear()
				c.removed = true
			}
			if h.Reachable && c.removed {
				c.log.Info("member answering again after its Gloo objects were dropped: listing them afresh")
				if err := c.startGloo(ctx); err != nil {
					c.log.Error(err, "listing the member's Gloo objects afresh")
				} else {
					c.removed = false
				}
			}
		}
	}
}

// recomputeInstances runs discovery over this member's current state and
// replaces its GlooInstances in the cache. Only this member is recomputed.
func (c *Connection) recomputeInstances() {
	h := c.health.get()
	if !h.Synced && h.Reachable {
		return // wait for a full view before publishing anything
	}
	snap := &discovery.Snapshot{Cluster: c.name, Gloo: map[discovery.Kind][]discovery.Resource{}}
	for _, o := range c.workloads.deployments.GetStore().List() {
		snap.Deployments = append(snap.Deployments, o.(*appsv1.Deployment))
	}
	for _, o := range c.workloads.daemonSets.GetStore().List() {
		snap.DaemonSets = append(snap.DaemonSets, o.(*appsv1.DaemonSet))
	}
	for _, o := range c.workloads.services.GetStore().List() {
		snap.Services = append(snap.Services, o.(*corev1.Service))
	}
	for _, o := range c.workloads.pods.GetStore().List() {
		snap.Pods = append(snap.Pods, o.(*corev1.Pod))
	}
	for _, o := range c.workloads.nodes.GetStore().List() {
		snap.Nodes = append(snap.Nodes, o.(*corev1.Node))
	}
	c.inputs.fill(snap)
	instances := discovery.Discover(snap)
	objs := make([]cache.Object, 0, len(instances))
	for i := range instances {
		gi := &instances[i]
		gi.Status = viewsv1alpha1.GlooInstanceStatus{Reachable: h.Reachable, Message: h.Message}
		if !h.LastSync.IsZero() {
			t := metav1.NewTime(h.LastSync.Truncate(time.Second))
			if h.Reachable {
				// While reachable, the time the member became reachable: a
				// timestamp that moved with every event would turn every
				// event into a GlooInstance change.
				t = metav1.NewTime(h.Since.Truncate(time.Second))
			}
			gi.Status.LastSyncTime = &t
		}
		objs = append(objs, gi)
	}
	key := c.maxRV.Load()
	if key <= c.lastKey {
		key = c.lastKey + 1
	}
	c.lastKey = key
	c.sinks.GlooInstances.Replace(c.name, objs, key)
}

// startWorkloadInformers watches what discovery reads. Deployments and
// DaemonSets are filtered to app=gloo and Pods to those with a gloo label,
// as Gloo Federation does: a member's other workloads never enter memory.
func (c *Connection) startWorkloadInformers(ctx context.Context, kube kubernetes.Interface) {
	apps := informers.NewSharedInformerFactoryWithOptions(kube, 0, informers.WithTweakListOptions(func(o *metav1.ListOptions) {
		o.LabelSelector = labels.Set{"app": "gloo"}.String()
	}))
	pods := informers.NewSharedInformerFactoryWithOptions(kube, 0, informers.WithTweakListOptions(func(o *metav1.ListOptions) {
		o.LabelSelector = "gloo"
	}))
	all := informers.NewSharedInformerFactory(kube, 0)
	c.workloads.deployments = apps.Apps().V1().Deployments().Informer()
	c.workloads.daemonSets = apps.Apps().V1().DaemonSets().Informer()
	c.workloads.pods = pods.Core().V1().Pods().Informer()
	c.workloads.services = all.Core().V1().Services().Informer()
	c.workloads.nodes = all.Core().V1().Nodes().Informer()
	handler := toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { c.observeObject(o); c.trigger() },
		UpdateFunc: func(_, o any) { c.observeObject(o); c.trigger() },
		DeleteFunc: func(any) { c.trigger() },
	}
	for name, inf := range map[string]toolscache.SharedIndexInformer{
		"Deployment": c.workloads.deployments, "DaemonSet": c.workloads.daemonSets, "Pod": c.workloads.pods,
		"Service": c.workloads.services, "Node": c.workloads.nodes,
	} {
		_, _ = inf.AddEventHandler(handler)
		_ = inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *toolscache.Reflector, err error) {
			c.health.observe(name, err)
		})
		c.watchSynced(ctx, name, inf.HasSynced)
	}
	apps.Start(ctx.Done())
	pods.Start(ctx.Done())
	all.Start(ctx.Done())
}

func (c *Connection) observeObject(o any) {
	if m, ok := o.(metav1.Object); ok {
		c.observeRV(m.GetResourceVersion())
		c.health.observe("", nil)
	}
}

// watchSynced marks the member synced once every watch has listed.
func (c *Connection) watchSynced(ctx context.Context, name string, hasSynced func() bool) {
	c.nSyncing.Add(1)
	go func() {
		if !toolscache.WaitForCacheSync(ctx.Done(), hasSynced) {
			c.nSyncing.Add(-1) // stopped, or replaced by a relist that counts itself
			return
		}
		if _, loaded := c.synced.LoadOrStore(name, true); !loaded && c.nSyncing.Add(-1) == 0 {
			c.everSynced.Store(true)
			c.health.setSynced()
		}
	}()
}

func sortedStrings(s []string) []string {
	sort.Strings(s)
	return s
}
