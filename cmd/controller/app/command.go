package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
	"k8s.io/component-base/logs"
	"k8s.io/component-base/metrics/legacyregistry"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"  // client-go request metrics
	_ "k8s.io/component-base/metrics/prometheus/workqueue" // queue depth, retries, latency
	"k8s.io/klog/v2"

	"github.com/meridianfed/meridian/pkg/controller/credentials"
)

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
}

// NewCommand returns the controller's command.
func NewCommand() *cobra.Command {
	o := Options{FederationNamespace: "meridian-system", LeaderElect: true, HealthAddress: ":8081", MetricsAddress: ":8080", TokenRenewFraction: credentials.DefaultRenewFraction}
	cmd := &cobra.Command{
		Use:   "meridian-controller",
		Short: "Meridian's federation controller",
		Long: `meridian-controller runs in the management cluster and keeps member clusters as
the fed.meridian.io objects say. Replicas elect a leader with the Lease
meridian-controller in the federation namespace; the others stand by.

It renews the short-lived member tokens that registration stores, before
they expire.`,
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
	logs.AddFlags(f)
	return cmd
}

// Run runs the controller until ctx ends or leadership is lost.
func Run(ctx context.Context, o Options) error {
	log := klog.Background()
	cfg, err := clientcmd.BuildConfigFromFlags("", o.Kubeconfig)
	if err != nil {
		return fmt.Errorf("management cluster: %w", err)
	}
	cfg.UserAgent = "meridian-controller"
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	factory := informers.NewSharedInformerFactoryWithOptions(kube, 10*time.Minute, informers.WithNamespace(o.FederationNamespace))
	renewer := credentials.NewRenewer(kube, o.FederationNamespace, o.TokenRenewFraction, log)
	renewer.Start(factory)
	factory.Start(ctx.Done())

	var leading atomic.Bool
	serve(ctx, o.HealthAddress, healthMux(renewer.HasSynced, &leading))
	if o.MetricsAddress != "0" && o.MetricsAddress != "" {
		mux := http.NewServeMux()
		mux.Handle("/metrics", legacyregistry.Handler())
		serve(ctx, o.MetricsAddress, mux)
	}

	work := func(ctx context.Context) {
		leading.Store(true)
		log.Info("leading: running the controllers")
		renewer.Run(ctx)
	}
	if !o.LeaderElect {
		work(ctx)
		return nil
	}
	host, _ := os.Hostname()
	id := host + "_" + uuid.NewString()
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Namespace: o.FederationNamespace, Name: LeaseName},
		Client:     kube.CoordinationV1(),
		LockConfig: resourcelock.ResourceLockConfig{Identity: id},
	}
	lost := make(chan struct{})
	le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock:            lock,
		LeaseDuration:   15 * time.Second,
		RenewDeadline:   10 * time.Second,
		RetryPeriod:     2 * time.Second,
		ReleaseOnCancel: true,
		Name:            LeaseName,
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: work,
			OnStoppedLeading: func() { close(lost) },
			OnNewLeader: func(identity string) {
				if identity != id {
					log.Info("standing by", "leader", identity)
				}
			},
		},
	})
	if err != nil {
		return err
	}
	log.Info("waiting to lead", "lease", o.FederationNamespace+"/"+LeaseName, "identity", id)
	le.Run(ctx)
	if ctx.Err() != nil {
		return nil
	}
	select {
	case <-lost:
		// Another replica may already be acting: stop at once rather than
		// race it; the Deployment restarts this one as a stand-by.
		return errors.New("leadership lost")
	default:
		return nil
	}
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
