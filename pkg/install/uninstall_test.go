package install

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"
)

func fedObject(kind, ns, name string) *unstructured.Unstructured {
	o := &unstructured.Unstructured{}
	o.SetAPIVersion("fed.meridian.io/v1alpha1")
	o.SetKind(kind)
	o.SetNamespace(ns)
	o.SetName(name)
	return o
}

// fakeMeridian is a dynamic client serving Meridian's kinds with objs.
func fakeMeridian(t *testing.T, objs ...runtime.Object) (*dynamicfake.FakeDynamicClient, []*unstructured.Unstructured) {
	t.Helper()
	manifests, err := Manifests(Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	lists := map[schema.GroupVersionResource]string{}
	for _, k := range customKinds(manifests) {
		lists[k.gvr] = k.kind + "List"
	}
	return dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), lists, objs...), manifests
}

func TestUninstallAllReleasesFederatedObjectsFirst(t *testing.T) {
	dyn, manifests := fakeMeridian(t,
		fedObject("FederatedUpstream", "team-a", "petstore"),
		fedObject("FailoverScheme", "team-b", "orders"),
		fedObject("KubernetesCluster", "meridian-system", "east"),
	)
	var lines []string
	logf := func(format string, args ...any) { lines = append(lines, format) }
	if err := releaseFederated(context.Background(), dyn, manifests, "meridian-system", time.Second, logf); err != nil {
		t.Fatal(err)
	}
	var deleted []string
	for _, a := range dyn.Actions() {
		if d, ok := a.(k8stesting.DeleteAction); ok {
			deleted = append(deleted, d.GetResource().Resource+" "+d.GetNamespace()+"/"+d.GetName())
		}
	}
	want := map[string]bool{"federatedupstreams team-a/petstore": true, "failoverschemes team-b/orders": true}
	if len(deleted) != len(want) {
		t.Fatalf("deleted %v, want %v", deleted, want)
	}
	for _, d := range deleted {
		if !want[d] {
			t.Errorf("deleted %s", d)
		}
	}
	// The registrations stay for the CRDs' deletion: they carry no finalizer.
	if _, err := dyn.Resource(schema.GroupVersionResource{Group: "fed.meridian.io", Version: "v1alpha1", Resource: "kubernetesclusters"}).
		Namespace("meridian-system").Get(context.Background(), "east", metav1.GetOptions{}); err != nil {
		t.Errorf("the registration was deleted: %v", err)
	}
}

// A federated object the controller never releases (it is not running)
// stops the uninstall, which names the object and says what to do.
func TestUninstallAllStopsWhenTheControllerDoesNotRelease(t *testing.T) {
	held := fedObject("FederatedUpstream", "team-a", "petstore")
	dyn, manifests := fakeMeridian(t, held, fedObject("FederatedSecret", "team-a", "tls"))
	// The API server answers a delete of an object with finalizers by
	// setting its deletionTimestamp and keeping it.
	dyn.PrependReactor("delete", "federatedupstreams", func(a k8stesting.Action) (bool, runtime.Object, error) {
		now := metav1.Now()
		held.SetDeletionTimestamp(&now)
		held.SetFinalizers([]string{"fed.meridian.io/placement"})
		gvr := a.GetResource()
		return true, nil, dyn.Tracker().Update(gvr, held, "team-a")
	})
	err := releaseFederated(context.Background(), dyn, manifests, "fed", 1500*time.Millisecond, func(string, ...any) {})
	if err == nil {
		t.Fatal("uninstall went on with a federated object still held")
	}
	for _, want := range []string{"FederatedUpstream team-a/petstore", "kubectl -n fed get lease meridian-controller",
		"kubectl -n team-a patch federatedupstream.fed.meridian.io petstore"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "FederatedSecret") {
		t.Errorf("error names the released FederatedSecret: %v", err)
	}
	deletes := 0
	for _, a := range dyn.Actions() {
		if _, ok := a.(k8stesting.DeleteAction); ok && a.GetResource().Resource == "federatedupstreams" {
			deletes++
		}
	}
	if deletes != 1 {
		t.Errorf("the held object was deleted %d times: once is enough", deletes)
	}
}
