// Package leader is the one leader election of Meridian's replicated
// components (the controller; the aggregated server's KubernetesCluster
// status writer): a Lease, the same timings, the same rule on loss.
package leader

import (
	"context"
	"errors"
	"os"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	coordinationv1 "k8s.io/client-go/kubernetes/typed/coordination/v1"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
	"k8s.io/klog/v2"
)

// ErrLost: the lease was lost while leading. Whoever else now leads may
// already act, so the caller must stop what it led at once (lead's
// context is cancelled by then).
var ErrLost = errors.New("leadership lost")

// Config is one election.
type Config struct {
	// Namespace and Name are the Lease's.
	Namespace, Name string
	// Identity is this replica's; empty: hostname_uuid.
	Identity string
	// Timings; zero: a leader that stops renewing is replaced within 15s
	// (lease 15s, renew deadline 10s, retry 2s).
	LeaseDuration, RenewDeadline, RetryPeriod time.Duration
}

// Identity is a replica identity unique to this process.
func Identity() string {
	host, _ := os.Hostname()
	return host + "_" + uuid.NewString()
}

// Run waits to lead, then runs lead with a context that ends when the lease
// is lost or ctx ends. It returns nil when ctx ends, ErrLost when the lease
// was lost while leading, or an error in the configuration. The lease is
// released when ctx ends, so that another replica takes over at once.
func Run(ctx context.Context, leases coordinationv1.LeasesGetter, cfg Config, lead func(ctx context.Context), log klog.Logger) error {
	if cfg.Identity == "" {
		cfg.Identity = Identity()
	}
	if cfg.LeaseDuration == 0 {
		cfg.LeaseDuration, cfg.RenewDeadline, cfg.RetryPeriod = 15*time.Second, 10*time.Second, 2*time.Second
	}
	lost := make(chan struct{})
	var led atomic.Bool // lead runs in a goroutine of the elector's
	le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock: &resourcelock.LeaseLock{
			LeaseMeta:  metav1.ObjectMeta{Namespace: cfg.Namespace, Name: cfg.Name},
			Client:     leases,
			LockConfig: resourcelock.ResourceLockConfig{Identity: cfg.Identity},
		},
		LeaseDuration:   cfg.LeaseDuration,
		RenewDeadline:   cfg.RenewDeadline,
		RetryPeriod:     cfg.RetryPeriod,
		ReleaseOnCancel: true,
		Name:            cfg.Name,
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(ctx context.Context) {
				led.Store(true)
				lead(ctx)
			},
			// Called when Run returns, whether it led or not.
			OnStoppedLeading: func() { close(lost) },
			OnNewLeader: func(identity string) {
				if identity != cfg.Identity {
					log.Info("standing by", "lease", cfg.Namespace+"/"+cfg.Name, "leader", identity)
				}
			},
		},
	})
	if err != nil {
		return err
	}
	log.Info("waiting to lead", "lease", cfg.Namespace+"/"+cfg.Name, "identity", cfg.Identity)
	le.Run(ctx)
	<-lost
	if ctx.Err() != nil || !led.Load() {
		return nil
	}
	return ErrLost
}
