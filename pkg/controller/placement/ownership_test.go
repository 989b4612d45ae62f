package placement

import (
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

// untouched checks that west/x/petstore is still the hand-made object.
func untouched(t *testing.T, e *testEnv) {
	t.Helper()
	u, err := e.member("west").get(upstreams, "x", "petstore")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := u.GetAnnotations()[OwnerAnnotation]; ok {
		t.Errorf("the object created by someone else was adopted: %v", u.GetAnnotations())
	}
	if host, _, _ := unstructured.NestedSlice(u.Object, "spec", "static", "hosts"); len(host) != 1 {
		t.Errorf("the object created by someone else was overwritten: %v", u.Object["spec"])
	}
}

// An object created by someone else between the controller's read (none
// there) and its write is never overwritten: the write creates only if
// absent.
func TestObjectCreatedBetweenReadAndWriteIsNeverAdopted(t *testing.T) {
	e := newTestEnv(t, Options{}, "east", "west")
	m := e.member("west")
	m.before("patch", "petstore", func() { m.replace(upstreams, upstream("x", "petstore"), false) })
	e.create(fedUpstream("petstore", []string{"east", "west"}, []string{"x"}))
	e.eventually("west Failed", func() bool {
		return states(e.status(upstreamKind, "petstore"))["west/x"] == fedv1alpha1.PlacementFailed
	})
	untouched(t, e)
}

// An object of Meridian's replaced by someone else's between the read and
// the write is never overwritten: the write updates only the object judged.
func TestObjectReplacedBetweenReadAndWriteIsNeverOverwritten(t *testing.T) {
	e := newTestEnv(t, Options{}, "east", "west")
	e.create(fedUpstream("petstore", []string{"east", "west"}, []string{"x"}))
	e.eventually("placed", func() bool { return e.status(upstreamKind, "petstore").Placed == "2/2" })
	m := e.member("west")
	m.before("patch", "petstore", func() { m.replace(upstreams, upstream("x", "petstore"), false) })
	e.edit(upstreamKind, "petstore", func(u *unstructured.Unstructured) {
		_ = unstructured.SetNestedField(u.Object, int64(9090), "spec", "template", "spec", "kube", "servicePort")
	})
	e.eventually("west Failed", func() bool {
		return states(e.status(upstreamKind, "petstore"))["west/x"] == fedv1alpha1.PlacementFailed
	})
	untouched(t, e)
}

// An object of Meridian's that someone takes over (edits away its owner
// marks) between the read and the delete is not deleted: the delete
// applies only to the object judged.
func TestObjectTakenOverBetweenReadAndDeleteIsKept(t *testing.T) {
	e := newTestEnv(t, Options{}, "east", "west")
	e.create(fedUpstream("petstore", []string{"east", "west"}, []string{"x"}))
	e.eventually("placed", func() bool { return e.status(upstreamKind, "petstore").Placed == "2/2" })
	m := e.member("west")
	m.before("delete", "petstore", func() { m.replace(upstreams, upstream("x", "petstore"), true) })
	e.remove(upstreamKind, "petstore")
	e.eventually("deleted", func() bool { return e.gone(upstreamKind, "petstore") })
	if _, err := e.member("east").get(upstreams, "x", "petstore"); !apierrors.IsNotFound(err) {
		t.Errorf("east's copy stays: %v", err)
	}
	untouched(t, e)
}
