package placement

import (
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	clienttesting "k8s.io/client-go/testing"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

// refuse makes m refuse, as its schema would, any object written with
// word in it.
func refuse(m *fakeMember, word string) {
	m.setHook(func(a clienttesting.Action) error {
		if pa, ok := a.(clienttesting.PatchActionImpl); ok && strings.Contains(string(pa.GetPatch()), word) {
			return apierrors.NewInvalid(schema.GroupKind{Group: a.GetResource().Group, Kind: "Object"}, pa.GetName(),
				field.ErrorList{field.Invalid(field.NewPath("spec", word), "x", "field not declared in schema")})
		}
		return nil
	})
}

var bogus = map[string]any{"op": "add", "path": "/spec/bogusField", "value": "x"}

// A target that turned Invalid (an override its member refuses) keeps the
// copy placed before; once the cluster leaves the placement, that copy is
// removed, by this controller or the next leader.
func TestInvalidTargetIsRemovedOnceNoLongerTargeted(t *testing.T) {
	e := newTestEnv(t, Options{}, "east", "west")
	refuse(e.member("west"), "bogusField")
	e.create(fedUpstream("petstore", []string{"east", "west"}, []string{"x"}))
	e.eventually("placed", func() bool { return e.status(upstreamKind, "petstore").Placed == "2/2" })
	e.edit(upstreamKind, "petstore", func(u *unstructured.Unstructured) {
		_ = unstructured.SetNestedSlice(u.Object, []any{override("west", bogus)}, "spec", "overrides")
	})
	e.eventually("west Invalid", func() bool {
		return states(e.status(upstreamKind, "petstore"))["west/x"] == fedv1alpha1.PlacementInvalid
	})
	if _, err := e.member("west").get(upstreams, "x", "petstore"); err != nil {
		t.Fatalf("the earlier copy is still in west: %v", err)
	}
	e.restart() // what is known of west is the status
	e.edit(upstreamKind, "petstore", func(u *unstructured.Unstructured) {
		_ = unstructured.SetNestedStringSlice(u.Object, []string{"east"}, "spec", "placement", "clusters")
	})
	e.eventually("west's copy removed", func() bool {
		_, err := e.member("west").get(upstreams, "x", "petstore")
		return apierrors.IsNotFound(err)
	})
	e.eventually("status names only east", func() bool {
		s := states(e.status(upstreamKind, "petstore"))
		return len(s) == 1 && s["east/x"] == fedv1alpha1.PlacementPlaced
	})
}

// A placement that cannot be resolved (a selector the controller cannot
// read) keeps the record of what was placed: deleting the object later
// still removes it, a Secret too (Secrets are found by that record only).
func TestUnresolvablePlacementKeepsTheRecordOfWhatWasPlaced(t *testing.T) {
	e := newTestEnv(t, Options{}, "east")
	e.create(fedSecret("tls", []string{"east"}, []string{"x"}))
	e.eventually("placed", func() bool { return e.status(secretKind, "tls").Placed == "1/1" })
	e.edit(secretKind, "tls", func(u *unstructured.Unstructured) {
		_ = unstructured.SetNestedField(u.Object, map[string]any{"matchExpressions": []any{map[string]any{"key": "a", "operator": "Bogus"}}}, "spec", "placement", "clusterSelector")
	})
	e.eventually("Invalid", func() bool {
		for _, c := range e.status(secretKind, "tls").Conditions {
			if c.Type == "Ready" && c.Reason == "Invalid" {
				return true
			}
		}
		return false
	})
	if got := states(e.status(secretKind, "tls")); got["east/x"] == "" {
		t.Errorf("the placement in east is no longer recorded: %v", got)
	}
	e.remove(secretKind, "tls")
	e.eventually("deleted", func() bool { return e.gone(secretKind, "tls") })
	if _, err := e.member("east").get(secrets, "x", "tls"); !apierrors.IsNotFound(err) {
		t.Errorf("the Secret placed in east stays: %v", err)
	}
}

// A Secret placed in a cluster that was then deregistered (its target turns
// Invalid: not registered) is recorded as a leftover when the
// FederatedSecret is deleted, and swept once the cluster is back.
func TestSecretInADeregisteredClusterIsRecordedAndSwept(t *testing.T) {
	e := newTestEnv(t, Options{}, "east", "west")
	e.create(fedSecret("tls", []string{"east", "west"}, []string{"x"}))
	e.eventually("placed", func() bool { return e.status(secretKind, "tls").Placed == "2/2" })
	e.members.mu.Lock()
	westKC := e.members.clusters["west"]
	delete(e.members.clusters, "west")
	e.members.mu.Unlock()
	e.c.ClusterChanged()
	e.eventually("west not registered", func() bool {
		return states(e.status(secretKind, "tls"))["west/x"] == fedv1alpha1.PlacementInvalid
	})
	e.remove(secretKind, "tls")
	e.eventually("deleted", func() bool { return e.gone(secretKind, "tls") })
	cm, err := e.mgmt.Resource(configMaps).Namespace(testNamespace).Get(e.ctx, leftoversName("FederatedSecret/fed/tls"), metav1.GetOptions{})
	if err != nil {
		t.Fatalf("no leftovers recorded: %v", err)
	}
	data, _, _ := unstructured.NestedStringMap(cm.Object, "data")
	if data["west_x_tls"] != "FederatedSecret/fed/tls" {
		t.Fatalf("the Secret in west is not recorded: %v", data)
	}
	e.members.mu.Lock()
	e.members.clusters["west"] = westKC
	e.members.mu.Unlock()
	e.c.sweep(e.ctx)
	if _, err := e.member("west").get(secrets, "x", "tls"); !apierrors.IsNotFound(err) {
		t.Errorf("the Secret left in west is not swept: %v", err)
	}
}
