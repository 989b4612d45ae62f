package placement

import (
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clienttesting "k8s.io/client-go/testing"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/registration"
)

// ownerPolicy is the members' admission policy on a WriteOnly kind:
// Meridian's writes and deletes of an object without its owner marks are
// refused.
func ownerPolicy(m *fakeMember) {
	m.setHook(func(a clienttesting.Action) error {
		var name string
		switch a := a.(type) {
		case clienttesting.PatchActionImpl:
			name = a.GetName()
		case clienttesting.DeleteActionImpl:
			name = a.GetName()
		default:
			return nil
		}
		cur, err := m.Tracker().Get(a.GetResource(), a.GetNamespace(), name)
		if err != nil {
			return nil
		}
		if cur.(*unstructured.Unstructured).GetAnnotations()[OwnerAnnotation] == "" {
			return apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, name,
				errFromString("ValidatingAdmissionPolicy 'meridian-member-east-secrets' denied request: "+registration.ForeignSecretMessage+": Meridian leaves it untouched"))
		}
		return nil
	})
}

type errFromString string

func (e errFromString) Error() string { return string(e) }

// A kind Meridian may not read in the members (WriteOnly) is placed and
// removed without a single read; an object of that name that is not
// Meridian's, refused by the member's policy, is reported Failed and left
// untouched.
func TestWriteOnlyKindIsWrittenBlindNeverReadAndTheRefusalIsFailed(t *testing.T) {
	e := newTestEnvWithKinds(t, func(k Kind) Kind {
		if k.Secret {
			k.Access = WriteOnly
		}
		return k
	}, "east", "west")
	foreign := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{"name": "tls", "namespace": "x"}, "data": map[string]any{"key": "aGFuZG1hZGU="}}}
	e.member("west").put(t, secrets, foreign)
	ownerPolicy(e.member("west"))
	e.create(fedSecret("tls", []string{"east", "west"}, []string{"x"}))
	e.eventually("east placed, west Failed", func() bool {
		s := states(e.status(secretKind, "tls"))
		return s["east/x"] == fedv1alpha1.PlacementPlaced && s["west/x"] == fedv1alpha1.PlacementFailed
	})
	for _, p := range e.status(secretKind, "tls").Placements {
		if p.Cluster == "west" && !strings.Contains(p.Message, "left untouched") {
			t.Errorf("west says: %q", p.Message)
		}
	}
	e.remove(secretKind, "tls")
	e.eventually("deleted", func() bool { return e.gone(secretKind, "tls") })
	if _, err := e.member("east").get(secrets, "x", "tls"); !apierrors.IsNotFound(err) {
		t.Errorf("east's Secret stays: %v", err)
	}
	got, err := e.member("west").get(secrets, "x", "tls")
	if err != nil || got.GetAnnotations()[OwnerAnnotation] != "" || got.Object["data"].(map[string]any)["key"] != "aGFuZG1hZGU=" {
		t.Errorf("the Secret that is not Meridian's was touched: %v %v", got, err)
	}
	for _, c := range []string{"east", "west"} {
		for _, a := range e.member(c).Actions() {
			// The test's own reads above are the only ones.
			if a.GetResource().Resource == "secrets" && (a.GetVerb() == "list" || a.GetVerb() == "watch") {
				t.Errorf("%s: Meridian %s Secrets", c, a.GetVerb())
			}
		}
		if n := reads(e.member(c)); n > 1 {
			t.Errorf("%s: %d reads of Secrets (the test made 1)", c, n)
		}
	}
}

func reads(m *fakeMember) int {
	n := 0
	for _, a := range m.Actions() {
		if a.GetResource().Resource == "secrets" && a.GetVerb() == "get" {
			n++
		}
	}
	return n
}
