package placement

import (
	"testing"

	"k8s.io/klog/v2"
)

// A failed reconcile is requeued with backoff; the rate limiter must work
// (a limiter without its token bucket panicked the worker).
func TestFailedReconcilesAreRequeuedWithBackoff(t *testing.T) {
	c := New(nil, nil, nil, Options{}, klog.Background())
	defer c.queue.ShutDown()
	k := key{Resource: "federatedupstreams", Namespace: "ns", Name: "a"}
	for range 5 {
		c.queue.AddRateLimited(k)
	}
	if n := c.queue.NumRequeues(k); n != 5 {
		t.Fatalf("requeues: %d", n)
	}
	c.queue.Forget(k)
	if n := c.queue.NumRequeues(k); n != 0 {
		t.Fatalf("after Forget: %d", n)
	}
}
