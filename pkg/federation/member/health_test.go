package member

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
)

// A connection tells Options.OnHealthChange of every health transition, and
// only of transitions: a member failing the same way again costs nothing.
func TestOnHealthChangeIsCalledOnTransitionsOnly(t *testing.T) {
	var calls atomic.Int32
	c := NewConnection("east", &rest.Config{Host: "https://127.0.0.1:1"}, Sinks{}, Options{OnHealthChange: func() { calls.Add(1) }}, klog.Background())
	step := func(what string, f func(), want int32) {
		t.Helper()
		f()
		if got := calls.Load(); got != want {
			t.Fatalf("%s: %d calls, want %d", what, got, want)
		}
	}
	down := errors.New("dial tcp 127.0.0.1:1: connection refused")
	step("first success", func() { c.health.observe("", nil) }, 1)
	step("success again", func() { c.health.observe("Upstream", nil) }, 1)
	step("synced", c.health.setSynced, 2)
	step("synced again", c.health.setSynced, 2)
	step("unreachable", func() { c.health.observe("", down) }, 3)
	step("unreachable the same way", func() { c.health.observe("", down) }, 3)
	step("back", func() { c.health.observe("", nil) }, 4)
	if h := c.Health(); !h.Reachable || !h.Synced {
		t.Fatalf("health %+v", h)
	}
}

// A relist counts itself: the member is synced again once every replaced
// watch has listed, even when a relist is itself replaced before it synced
// (a second outage during the first recovery).
func TestSyncedAgainAfterRelists(t *testing.T) {
	c := NewConnection("east", &rest.Config{Host: "https://127.0.0.1:1"}, Sinks{}, Options{}, klog.Background())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var a, b atomic.Bool
	c.watchSynced(ctx, "A", a.Load)
	c.watchSynced(ctx, "B", b.Load)
	a.Store(true)
	b.Store(true)
	waitSynced := func(want bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for c.Health().Synced != want {
			if time.Now().After(deadline) {
				t.Fatalf("Synced never became %v", want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitSynced(true)

	// A relist of A that is itself replaced before it lists.
	c.synced.Delete("A")
	c.health.setUnsynced()
	first, stopFirst := context.WithCancel(ctx)
	c.watchSynced(first, "A", func() bool { return false })
	stopFirst()
	var again atomic.Bool
	c.watchSynced(ctx, "A", again.Load)
	time.Sleep(300 * time.Millisecond)
	if c.Health().Synced {
		t.Fatal("synced before the relist listed")
	}
	again.Store(true)
	waitSynced(true)
	if !c.everSynced.Load() {
		t.Fatal("everSynced not kept")
	}
}
