package member

import (
	"errors"
	"sync/atomic"
	"testing"

	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
)

// A connection tells Options.OnHealthChange of every health transition, and
// only of transitions: a member failing the same way again costs nothing.
func TestOnHealthChangeIsCalledOnTransitionsOnly(t *testing.T) {
	var calls atomic.Int32
	c := NewConnection("east", &rest.Config{Host: "https://127.0.0.1:1"}, nil, Options{OnHealthChange: func() { calls.Add(1) }}, klog.Background())
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
