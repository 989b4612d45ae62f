package install

import (
	"encoding/base64"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func find(objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	for _, o := range objs {
		if o.GetKind() == kind && o.GetName() == name {
			return o
		}
	}
	return nil
}

func TestManifestsInAnotherNamespace(t *testing.T) {
	objs, err := Manifests(Options{Namespace: "fed", Image: "registry.example/meridian:v9"}, []byte("CA PEM"))
	if err != nil {
		t.Fatal(err)
	}
	if objs[0].GetKind() != "CustomResourceDefinition" {
		t.Errorf("CRDs come first, got %s", objs[0].GetKind())
	}
	if find(objs, "Namespace", "fed") == nil || find(objs, "Namespace", "meridian-system") != nil {
		t.Error("the namespace is renamed")
	}
	for _, o := range objs {
		if o.GetNamespace() == "meridian-system" {
			t.Errorf("%s %s left in meridian-system", o.GetKind(), o.GetName())
		}
		subjects, _, _ := unstructured.NestedSlice(o.Object, "subjects")
		for _, s := range subjects {
			if s.(map[string]any)["namespace"] == "meridian-system" {
				t.Errorf("%s %s binds a subject in meridian-system", o.GetKind(), o.GetName())
			}
		}
	}
	d := find(objs, "Deployment", APIServerName)
	c := d.Object["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
	if c["image"] != "registry.example/meridian:v9" {
		t.Errorf("image: %v", c["image"])
	}
	found := false
	for _, a := range c["args"].([]any) {
		if a == "--federation-namespace=fed" {
			found = true
		}
	}
	if !found {
		t.Errorf("the server is told its namespace: %v", c["args"])
	}
	api := find(objs, "APIService", APIServiceName)
	ns, _, _ := unstructured.NestedString(api.Object, "spec", "service", "namespace")
	bundle, _, _ := unstructured.NestedString(api.Object, "spec", "caBundle")
	if ns != "fed" || bundle != base64.StdEncoding.EncodeToString([]byte("CA PEM")) {
		t.Errorf("APIService service namespace %q, caBundle %q", ns, bundle)
	}
	if skip, _, _ := unstructured.NestedBool(api.Object, "spec", "insecureSkipTLSVerify"); skip {
		t.Error("TLS to the server is verified")
	}
}

func TestManifestsExternalServer(t *testing.T) {
	objs, err := Manifests(Options{External: &External{Host: "localhost", Port: 9443}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if find(objs, "Deployment", APIServerName) != nil || find(objs, "PodDisruptionBudget", APIServerName) != nil {
		t.Error("no Deployment, and no PodDisruptionBudget for it, when the server runs outside the cluster")
	}
	if find(objs, "PodDisruptionBudget", ControllerName) == nil {
		t.Error("the controller's PodDisruptionBudget goes with its Deployment")
	}
	svc := find(objs, "Service", APIServerName)
	typ, _, _ := unstructured.NestedString(svc.Object, "spec", "type")
	name, _, _ := unstructured.NestedString(svc.Object, "spec", "externalName")
	if typ != "ExternalName" || name != "localhost" {
		t.Errorf("Service %s -> %s", typ, name)
	}
	port, _, _ := unstructured.NestedInt64(find(objs, "APIService", APIServiceName).Object, "spec", "service", "port")
	if port != 9443 {
		t.Errorf("APIService port %d", port)
	}
	objs, err = Manifests(Options{ExternalController: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if find(objs, "Deployment", ControllerName) != nil || find(objs, "PodDisruptionBudget", ControllerName) != nil {
		t.Error("no controller Deployment or PodDisruptionBudget when it runs outside")
	}
	if find(objs, "PodDisruptionBudget", APIServerName) == nil {
		t.Error("the server's PodDisruptionBudget goes with its Deployment")
	}
}

func TestValidate(t *testing.T) {
	if err := (Options{DryRun: "yes"}).Validate(); err == nil {
		t.Error("--dry-run=yes is refused")
	}
	if err := (Options{Namespace: "Not_A_Namespace"}).Validate(); err == nil {
		t.Error("an invalid namespace is refused")
	}
}
