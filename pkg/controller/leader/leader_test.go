package leader

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/klog/v2"
)

var fast = Config{Namespace: "ns", Name: "lease", LeaseDuration: 400 * time.Millisecond, RenewDeadline: 300 * time.Millisecond, RetryPeriod: 50 * time.Millisecond}

// Of two replicas one leads; when its context ends it releases the lease
// and returns nil, and the other takes over.
func TestOneLeadsAndTheOtherTakesOverOnRelease(t *testing.T) {
	kube := fake.NewClientset()
	var leading atomic.Int32
	ctxA, stopA := context.WithCancel(context.Background())
	ctxB, stopB := context.WithCancel(context.Background())
	defer stopB()
	started := make(chan string, 2)
	run := func(ctx context.Context, id string) chan error {
		done := make(chan error, 1)
		cfg := fast
		cfg.Identity = id
		go func() {
			done <- Run(ctx, kube.CoordinationV1(), cfg, func(ctx context.Context) {
				if leading.Add(1) != 1 {
					t.Errorf("%s leads along with another", id)
				}
				started <- id
				<-ctx.Done()
				leading.Add(-1)
			}, klog.Background())
		}()
		return done
	}
	doneA := run(ctxA, "a")
	if first := <-started; first != "a" {
		t.Fatalf("%s led first", first)
	}
	doneB := run(ctxB, "b")
	stopA()
	if err := <-doneA; err != nil {
		t.Fatalf("a, its context ended: %v", err)
	}
	if next := <-started; next != "b" {
		t.Fatalf("%s took over", next)
	}
	stopB()
	if err := <-doneB; err != nil {
		t.Fatal(err)
	}
}

// A leader that cannot renew its lease stops leading and returns ErrLost.
func TestLeaderThatCannotRenewReturnsErrLost(t *testing.T) {
	kube := fake.NewClientset()
	var renewing atomic.Bool
	renewing.Store(true)
	kube.PrependReactor("update", "leases", func(clienttesting.Action) (bool, runtime.Object, error) {
		if renewing.Load() {
			return false, nil, nil
		}
		return true, nil, apierrors.NewServiceUnavailable("management cluster unreachable")
	})
	err := Run(context.Background(), kube.CoordinationV1(), fast, func(ctx context.Context) {
		renewing.Store(false)
		<-ctx.Done() // the lead's context ends with the lease
	}, klog.Background())
	if !errors.Is(err, ErrLost) {
		t.Fatalf("got %v", err)
	}
}
