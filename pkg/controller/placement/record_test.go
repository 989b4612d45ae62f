package placement

import (
	"strings"
	"sync/atomic"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	clienttesting "k8s.io/client-go/testing"
)

// A Secret left in an unreachable member that cannot be recorded keeps the
// deletion waiting, with an Event saying why, and the record is retried:
// once it can be written, the deletion completes.
func TestLeftoverRecordFailureIsVisibleAndRetried(t *testing.T) {
	e := newTestEnv(t, Options{}, "east", "west")
	e.create(fedSecret("tls", []string{"east", "west"}, []string{"x"}))
	e.eventually("placed", func() bool { return e.status(secretKind, "tls").Placed == "2/2" })
	e.member("west").setHook(func(clienttesting.Action) error { return apierrors.NewServiceUnavailable("west is down") })
	var failing atomic.Bool
	failing.Store(true)
	e.mgmt.PrependReactor("*", "configmaps", func(a clienttesting.Action) (bool, runtime.Object, error) {
		if failing.Load() && (a.GetVerb() == "create" || a.GetVerb() == "update") {
			return true, nil, apierrors.NewForbidden(configMaps.GroupResource(), LeftoversConfigMap, errFromString("quota"))
		}
		return false, nil, nil
	})
	e.remove(secretKind, "tls")
	e.eventually("an Event says why the deletion waits", func() bool {
		for {
			select {
			case ev := <-e.recorder.Events:
				if strings.Contains(ev, "LeftoversNotRecorded") && strings.Contains(ev, "west/x") && strings.Contains(ev, "quota") {
					return true
				}
			default:
				return false
			}
		}
	})
	if e.gone(secretKind, "tls") {
		t.Fatal("deleted although what it left in west is recorded nowhere")
	}
	failing.Store(false)
	e.eventually("deleted once recorded", func() bool { return e.gone(secretKind, "tls") })
}
