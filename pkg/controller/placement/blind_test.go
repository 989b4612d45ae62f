package placement

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clienttesting "k8s.io/client-go/testing"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/registration"
)

// newWriteOnlySecretsEnv is the test environment with Secrets WriteOnly,
// as Meridian treats them in the members.
func newWriteOnlySecretsEnv(t *testing.T, clusters ...string) *testEnv {
	return newTestEnvWithKinds(t, func(k Kind) Kind {
		if k.Secret {
			k.Access = WriteOnly
		}
		return k
	}, clusters...)
}

type errFromString string

func (e errFromString) Error() string { return string(e) }

// A kind Meridian may not read in the members (WriteOnly) is placed and
// removed without a single read; an object of that name that is not
// Meridian's, refused by the member's policy, is reported Failed and left
// untouched.
func TestWriteOnlyKindIsWrittenBlindNeverReadAndTheRefusalIsFailed(t *testing.T) {
	e := newWriteOnlySecretsEnv(t, "east", "west")
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

// ownerPolicy is the members' admission policy on Secrets (a WriteOnly
// kind) as registration installs it: Meridian's writes need the owner mark on the
// object (and on the old one, if any) and may not change its value; its
// deletes need the mark on the object, whatever its value.
func ownerPolicy(m *fakeMember) {
	refuse := func(name, why string) error {
		return apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, name,
			errFromString("ValidatingAdmissionPolicy 'meridian-member-east-secrets' denied request: "+why))
	}
	m.setHook(func(a clienttesting.Action) error {
		if a.GetResource().Resource != "secrets" {
			return nil
		}
		var name string
		var written map[string]string // the owner marks the write sets (nil: a delete)
		switch a := a.(type) {
		case clienttesting.PatchActionImpl:
			name = a.GetName()
			var patch struct {
				Metadata struct {
					Annotations map[string]string `json:"annotations"`
				} `json:"metadata"`
			}
			if err := json.Unmarshal(a.GetPatch(), &patch); err != nil {
				return err
			}
			written = patch.Metadata.Annotations
			if written == nil {
				written = map[string]string{}
			}
		case clienttesting.DeleteActionImpl:
			name = a.GetName()
		default:
			return nil
		}
		o, err := m.Tracker().Get(a.GetResource(), a.GetNamespace(), name)
		if err != nil {
			if written != nil && written[OwnerAnnotation] == "" {
				return refuse(name, registration.ForeignSecretMessage)
			}
			return nil
		}
		cur := o.(*unstructured.Unstructured).GetAnnotations()[OwnerAnnotation]
		switch {
		case cur == "":
			return refuse(name, registration.ForeignSecretMessage)
		case written != nil && written[OwnerAnnotation] != "" && written[OwnerAnnotation] != cur:
			return refuse(name, registration.OtherOwnerMessage+": Meridian leaves it untouched")
		}
		return nil
	})
}

// Two FederatedSecrets that place the same Secret: the second is refused
// by the member (its owner mark would change), and deleting it, or
// narrowing it away, leaves the first's Secret alone, although the
// member's policy would let Meridian delete any Secret that carries an
// owner mark.
func TestASecretRefusedForAnotherOwnerIsNeverDeletedForThisOne(t *testing.T) {
	e := newWriteOnlySecretsEnv(t, "east")
	ownerPolicy(e.member("east"))
	named := func(fedName string) *unstructured.Unstructured {
		u := fedSecret(fedName, []string{"east"}, []string{"x"})
		u.Object["spec"].(map[string]any)["template"].(map[string]any)["metadata"] = map[string]any{"name": "tls"}
		return u
	}
	e.create(named("first"))
	e.eventually("first placed", func() bool { return states(e.status(secretKind, "first"))["east/x"] == fedv1alpha1.PlacementPlaced })
	for _, narrow := range []bool{true, false} {
		e.create(named("second"))
		e.eventually("second refused", func() bool { return states(e.status(secretKind, "second"))["east/x"] == fedv1alpha1.PlacementFailed })
		if narrow {
			e.edit(secretKind, "second", func(u *unstructured.Unstructured) {
				u.Object["spec"].(map[string]any)["placement"] = map[string]any{"clusters": []any{"east"}, "namespaces": []any{"y"}}
			})
			// Done with east/x, as with a Secret that is not its own: not
			// Stale, nothing left to sweep.
			e.eventually("second narrowed", func() bool { _, ok := states(e.status(secretKind, "second"))["east/x"]; return !ok })
		}
		e.remove(secretKind, "second")
		e.eventually("second deleted", func() bool { return e.gone(secretKind, "second") })
		got, err := e.member("east").get(secrets, "x", "tls")
		if err != nil || got.GetAnnotations()[OwnerAnnotation] != ownerRef(secretKind, "fed", "first") {
			t.Fatalf("narrow %v: the first's Secret: %v %v", narrow, got, err)
		}
		records, err := e.mgmt.Resource(configMaps).Namespace(testNamespace).List(e.ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range records.Items {
			if strings.Contains(fmt.Sprint(r.Object["data"]), "tls") {
				t.Errorf("narrow %v: recorded as left over, to be swept: %v", narrow, r.Object["data"])
			}
		}
	}
}

// A FederatedSecret's template changing rewrites its Secret in the member,
// without a read.
func TestASecretFollowsItsTemplateBlind(t *testing.T) {
	e := newWriteOnlySecretsEnv(t, "east")
	ownerPolicy(e.member("east"))
	e.create(fedSecret("tls", []string{"east"}, []string{"x"}))
	data := func() any { // read past the member's API, so not counted as Meridian's
		got, err := e.member("east").Tracker().Get(secrets, "x", "tls")
		if err != nil {
			return nil
		}
		return got.(*unstructured.Unstructured).Object["data"].(map[string]any)["key"]
	}
	e.eventually("placed", func() bool { return data() == "dmFsdWU=" })
	e.edit(secretKind, "tls", func(u *unstructured.Unstructured) {
		u.Object["spec"].(map[string]any)["template"].(map[string]any)["data"] = map[string]any{"key": "bmV3"}
	})
	e.eventually("rewritten", func() bool { return data() == "bmV3" })
	e.eventually("Placed at the new generation", func() bool {
		for _, p := range e.status(secretKind, "tls").Placements {
			if p.State == fedv1alpha1.PlacementPlaced && p.ObservedGeneration == 2 {
				return true
			}
		}
		return false
	})
	if n := reads(e.member("east")); n != 0 {
		t.Errorf("%d reads of Secrets", n)
	}
}
