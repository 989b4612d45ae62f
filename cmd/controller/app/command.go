package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"maps"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/record"
	"k8s.io/component-base/logs"
	"k8s.io/component-base/metrics/legacyregistry"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"  // client-go request metrics
	_ "k8s.io/component-base/metrics/prometheus/workqueue" // queue depth, retries, latency
	"k8s.io/klog/v2"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/controller/credentials"
	"github.com/meridianfed/meridian/pkg/controller/leader"
	"github.com/meridianfed/meridian/pkg/controller/placement"
	"github.com/meridianfed/meridian/pkg/failover"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
	meridianinformers "github.com/meridianfed/meridian/pkg/generated/informers/externalversions"
	"github.com/meridianfed/meridian/pkg/version"
)

// clusterSpecChanged calls changed when a registration's spec or labels
// changed (suspend, selector labels), not on status writes.
func clusterSpecChanged(oldObj, newObj any, changed func()) {
	o, ok1 := oldObj.(*fedv1alpha1.KubernetesCluster)
	n, ok2 := newObj.(*fedv1alpha1.KubernetesCluster)
	if !ok1 || !ok2 || o.Spec != n.Spec || !maps.Equal(o.Labels, n.Labels) {
		changed()
	}
}

// LeaseName is the Lease the controller's replicas elect their leader with.
const LeaseName = "meridian-controller"

// Options are the controller's flags.
type Options struct {
	Kubeconfig          string
	FederationNamespace string
	LeaderElect         bool
	HealthAddress       string
	MetricsAddress      string
	TokenRenewFraction  float64
	MemberTimeout       time.Duration
	SweepInterval       time.Duration
	Resync              time.Duration
	KubeAPIQPS          float32
	KubeAPIBurst        int
	PlacementWorkers    int
	MemberWorkers       int
}

// NewCommand returns the controller's command.
func NewCommand() *cobra.Command {
	o := Options{FederationNamespace: "meridian-system", LeaderElect: true, HealthAddress: ":8081", MetricsAddress: ":8080", TokenRenewFraction: credentials.DefaultRenewFraction, MemberTimeout: 15 * time.Second, SweepInterval: time.Minute, Resync: 2 * time.Minute, KubeAPIQPS: 100, KubeAPIBurst: 200, PlacementWorkers: placement.DefaultWorkers, MemberWorkers: placement.DefaultMemberWorkers}
	cmd := &cobra.Command{
		Use: "meridian-controller",
		// --version prints the build (pkg/version).
		Version: version.Get().String(),
		Short:   "Meridian's federation controller",
		Long: `meridian-controller runs in the management cluster and keeps member clusters as
the fed.meridian.io objects say. Replicas elect a leader with the Lease
meridian-controller in the federation namespace; the others stand by.

It places every federated object (Federated*) into the clusters and
namespaces its placement selects, reports each target in its status, removes
what is no longer selected, restores objects edited by hand in members, and
renews the short-lived member tokens registration stores before they expire.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return Run(ctx, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "The management cluster's kubeconfig (empty: in-cluster).")
	f.StringVar(&o.FederationNamespace, "federation-namespace", o.FederationNamespace, "Namespace of the cluster registrations.")
	f.BoolVar(&o.LeaderElect, "leader-elect", o.LeaderElect, "Elect a leader among replicas (only the leader works).")
	f.StringVar(&o.HealthAddress, "health-bind-address", o.HealthAddress, "Address of /healthz and /readyz.")
	f.StringVar(&o.MetricsAddress, "metrics-bind-address", o.MetricsAddress, `Address of /metrics ("0" disables it).`)
	f.Float64Var(&o.TokenRenewFraction, "token-renew-fraction", o.TokenRenewFraction, "Renew a member token once this part of its lifetime has passed.")
	f.DurationVar(&o.MemberTimeout, "member-timeout", o.MemberTimeout, "Bound on each request to a member cluster: a slow member never holds up the others.")
	f.DurationVar(&o.SweepInterval, "sweep-interval", o.SweepInterval, "How often members are searched for objects left by deleted federated objects.")
	f.DurationVar(&o.Resync, "resync", o.Resync, "How often every federated object is re-checked against the members (drift, Gloo's status of placed objects).")
	f.Float32Var(&o.KubeAPIQPS, "kube-api-qps", o.KubeAPIQPS, "Requests per second to the management cluster.")
	f.IntVar(&o.KubeAPIBurst, "kube-api-burst", o.KubeAPIBurst, "Burst of requests to the management cluster.")
	f.IntVar(&o.PlacementWorkers, "placement-workers", o.PlacementWorkers, "Federated objects reconciled, and statuses written, in parallel.")
	f.IntVar(&o.MemberWorkers, "member-workers", o.MemberWorkers, "Requests in flight to each member cluster (each member has its own workers: a hung member holds up only its own).")
	logs.AddFlags(f)
	return cmd
}

// Run runs the controller until ctx ends or leadership is lost.
func Run(ctx context.Context, o Options) error {
	log := klog.Background()
	if o.PlacementWorkers < 1 || o.MemberWorkers < 1 {
		return fmt.Errorf("--placement-workers and --member-workers must be at least 1 (got %d and %d)", o.PlacementWorkers, o.MemberWorkers)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", o.Kubeconfig)
	if err != nil {
		return fmt.Errorf("management cluster: %w", err)
	}
	cfg.UserAgent = "meridian-controller"
	// Every placement writes the federated object's status (and its
	// finalizer once): client-go's default of 5 requests per second would
	// make the management cluster the bottleneck.
	cfg.QPS, cfg.Burst = o.KubeAPIQPS, o.KubeAPIBurst
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	// Only the kubeconfig Secrets: the renewer and the member clients read
	// no other, and Helm's release records share the namespace.
	factory := informers.NewSharedInformerFactoryWithOptions(kube, 10*time.Minute, informers.WithNamespace(o.FederationNamespace),
		informers.WithTweakListOptions(fedv1alpha1.OnlyKubeconfigSecrets))
	renewer := credentials.NewRenewer(kube, o.FederationNamespace, o.TokenRenewFraction, log)
	renewer.Start(factory)

	meridian, err := meridianclient.NewForConfig(cfg)
	if err != nil {
		return err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	fedFactory := meridianinformers.NewSharedInformerFactoryWithOptions(meridian, 10*time.Minute, meridianinformers.WithNamespace(o.FederationNamespace))
	clusterInformer := fedFactory.Fed().V1alpha1().KubernetesClusters()
	members := placement.NewMembers(o.FederationNamespace, clusterInformer.Lister(), factory.Core().V1().Secrets().Lister(), o.MemberTimeout)
	broadcaster := record.NewBroadcaster(record.WithContext(ctx))
	broadcaster.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: kube.CoreV1().Events("")})
	defer broadcaster.Shutdown()
	// Events name their object by kind: the typed ones (FailoverScheme)
	// are found in this scheme; the federated kinds are unstructured and
	// carry theirs.
	scheme := runtime.NewScheme()
	if err := fedv1alpha1.AddToScheme(scheme); err != nil {
		return err
	}
	recorder := broadcaster.NewRecorder(scheme, corev1.EventSource{Component: "meridian-controller"})
	// A deletion waits for a member's removal as long as two requests
	// (read, then delete) may take there; past that, the sweeper finishes.
	placer := placement.New(dyn, members, recorder, placement.Options{Workers: o.PlacementWorkers, MemberWorkers: o.MemberWorkers, Sweep: o.SweepInterval, Resync: o.Resync, DeletionWait: 2 * o.MemberTimeout}, log)
	dynFactory := dynamicinformer.NewDynamicSharedInformerFactory(dyn, 10*time.Minute)
	placer.Register(dynFactory)
	// What was placed, and the Gloo installations, are read through the
	// views API like any other client reads them (see placement.Views).
	viewsFactory := meridianinformers.NewSharedInformerFactoryWithOptions(meridian, 0, placement.OwnedOnly())
	instancesFactory := meridianinformers.NewSharedInformerFactory(meridian, 0)
	views, err := placement.NewViews(viewsFactory, instancesFactory)
	if err != nil {
		return err
	}
	placer.UseViews(views)
	// Failover reads every Upstream and GlooInstance of every member
	// through the views (not only what Meridian placed).
	schemesFactory := meridianinformers.NewSharedInformerFactory(meridian, 10*time.Minute)
	failoverCtl, err := failover.New(meridian.FedV1alpha1(), dyn, failover.NewStore(dyn, o.FederationNamespace), members, schemesFactory.Fed().V1alpha1().FailoverSchemes(), clusterInformer, instancesFactory.Views().V1alpha1(), recorder,
		failover.Options{DataPlane: []toolscache.SharedIndexInformer{fedFactory.Fed().V1alpha1().FederatedSecrets().Informer(), fedFactory.Fed().V1alpha1().FederatedGateways().Informer()}, Sweep: o.SweepInterval, DeletionWait: 2 * o.MemberTimeout, WriteTimeout: o.MemberTimeout}, log)
	if err != nil {
		return err
	}
	_, _ = clusterInformer.Informer().AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { placer.ClusterChanged() },
		UpdateFunc: func(o, n any) { clusterSpecChanged(o, n, placer.ClusterChanged) },
		DeleteFunc: func(any) { placer.ClusterChanged() },
	})
	factory.Start(ctx.Done())
	fedFactory.Start(ctx.Done())
	dynFactory.Start(ctx.Done())
	viewsFactory.Start(ctx.Done())
	instancesFactory.Start(ctx.Done())
	schemesFactory.Start(ctx.Done())
	synced := func() bool {
		return renewer.HasSynced() && placer.HasSynced() && clusterInformer.Informer().HasSynced() && failoverCtl.HasSynced()
	}

	var leading atomic.Bool
	serve(ctx, o.HealthAddress, healthMux(synced, &leading))
	if o.MetricsAddress != "0" && o.MetricsAddress != "" {
		mux := http.NewServeMux()
		mux.Handle("/metrics", legacyregistry.Handler())
		serve(ctx, o.MetricsAddress, mux)
	}

	work := func(ctx context.Context) {
		leading.Store(true)
		log.Info("leading: running the controllers")
		go renewer.Run(ctx)
		go failoverCtl.Run(ctx)
		placer.Run(ctx)
	}
	if !o.LeaderElect {
		work(ctx)
		return nil
	}
	// A lost lease is an error (leader.ErrLost): another replica may
	// already act, so this one stops at once rather than race it; the
	// Deployment restarts it as a stand-by.
	return leader.Run(ctx, kube.CoordinationV1(), leader.Config{Namespace: o.FederationNamespace, Name: LeaseName}, work, log)
}

// healthMux serves /healthz (the process runs) and /readyz (its caches are
// read; a stand-by replica is ready too, to take over at once).
func healthMux(synced func() bool, leading *atomic.Bool) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !synced() {
			http.Error(w, "caches not synced", http.StatusServiceUnavailable)
			return
		}
		role := "stand-by"
		if leading.Load() {
			role = "leader"
		}
		_, _ = w.Write([]byte("ok (" + role + ")"))
	})
	return mux
}

func serve(ctx context.Context, addr string, h http.Handler) {
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			klog.Background().Error(err, "serving", "address", addr)
		}
	}()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
}
