package placement

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
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
	e.reactOnManagement("*", "configmaps", func(a clienttesting.Action) (bool, runtime.Object, error) {
		if failing.Load() && (a.GetVerb() == "create" || a.GetVerb() == "update") {
			return true, nil, apierrors.NewForbidden(configMaps.GroupResource(), "meridian-leftovers-x", errFromString("quota"))
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

// The record of leftovers scales with the number of deletions: each deleted
// FederatedSecret's leftovers are recorded apart, so a record already
// holding other deletions' leftovers up to what one ConfigMap may hold does
// not keep a further deletion waiting for ever. Old records (the single
// ConfigMap of earlier versions) are still swept, and every record goes
// once its Secrets are.
func TestLeftoverRecordScalesPastOneConfigMap(t *testing.T) {
	e := newTestEnv(t, Options{}, "east", "west")
	full := map[string]string{}
	for i := 0; recordSize(full) <= maxRecordBytes; i++ {
		full[fmt.Sprintf("west_team-%d_%s", i, strings.Repeat("s", 40))] = fmt.Sprintf("FederatedSecret/fed/gone-%d", i)
	}
	legacy := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": LegacyLeftoversConfigMap, "namespace": testNamespace}}}
	_ = unstructured.SetNestedStringMap(legacy.Object, full, "data")
	if _, err := e.mgmt.Resource(configMaps).Namespace(testNamespace).Create(e.ctx, legacy, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.create(fedSecret("tls", []string{"east", "west"}, []string{"x"}))
	e.eventually("placed", func() bool { return e.status(secretKind, "tls").Placed == "2/2" })
	var down atomic.Bool
	down.Store(true)
	e.member("west").setHook(func(clienttesting.Action) error {
		if down.Load() {
			return apierrors.NewServiceUnavailable("west is down")
		}
		return nil
	})
	e.remove(secretKind, "tls")
	e.eventually("deleted, its leftover recorded", func() bool { return e.gone(secretKind, "tls") })
	down.Store(false)
	if _, err := e.member("west").get(secrets, "x", "tls"); err != nil {
		t.Fatalf("the Secret in west should still be there, west was down: %v", err)
	}
	e.c.sweep(e.ctx)
	if _, err := e.member("west").get(secrets, "x", "tls"); !apierrors.IsNotFound(err) {
		t.Errorf("the Secret left in west is not swept: %v", err)
	}
	left, err := e.mgmt.Resource(configMaps).Namespace(testNamespace).List(e.ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, cm := range left.Items {
		t.Errorf("record %s stays after its Secrets were swept", cm.GetName())
	}
}
