package check

import (
	"bytes"
	"strings"
	"testing"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

func instance(cluster string, reachable bool, vs *viewsv1alpha1.Summary) viewsv1alpha1.GlooInstance {
	gi := viewsv1alpha1.GlooInstance{}
	gi.Name = cluster + "-gloo-system"
	gi.Namespace = "gloo-system"
	gi.Spec.Cluster = cluster
	gi.Spec.ControlPlane.Namespace = "gloo-system"
	gi.Spec.ControlPlane.Version = "1.18.6"
	gi.Spec.Check.VirtualServices = vs
	gi.Spec.Check.Upstreams = &viewsv1alpha1.Summary{Total: 4}
	gi.Status.Reachable = reachable
	return gi
}

func TestEvaluateAllGood(t *testing.T) {
	r := Evaluate([]viewsv1alpha1.GlooInstance{instance("east", true, &viewsv1alpha1.Summary{Total: 2})}, []string{"east"}, nil)
	if !r.OK {
		t.Fatalf("a healthy federation is OK: %+v", r)
	}
	var out bytes.Buffer
	r.Print(&out)
	if !strings.Contains(out.String(), "No problems detected in 1 Gloo installations") {
		t.Errorf("report:\n%s", out.String())
	}
}

func TestEvaluateReportsErrorsWarningsAndClusters(t *testing.T) {
	rejected := &viewsv1alpha1.Summary{Total: 3, Errors: []viewsv1alpha1.ResourceReport{{Ref: viewsv1alpha1.ObjectRef{Namespace: "team-a", Name: "orders"}, Message: "Route Error: InvalidDestinationErr"}}}
	r := Evaluate(
		[]viewsv1alpha1.GlooInstance{instance("west", true, rejected), instance("east", false, nil)},
		[]string{"east", "west", "north", "south"},
		map[string]string{"south": "is unreachable since 10:00:00Z (connection refused)"},
	)
	if r.OK {
		t.Fatal("errors, an unreachable instance and a missing cluster are not OK")
	}
	if len(r.Instances) != 2 || r.Instances[0].Cluster != "east" {
		t.Fatalf("instances sorted by name: %+v", r.Instances)
	}
	var vs *Kind
	for i, k := range r.Instances[1].Kinds {
		if k.Kind == "VirtualServices" {
			vs = &r.Instances[1].Kinds[i]
		}
	}
	if vs == nil || len(vs.Errors) != 1 || vs.Errors[0].Ref != "team-a/orders" {
		t.Fatalf("west's VirtualService error with its reference: %+v", vs)
	}
	want := []ClusterProblem{
		{Cluster: "south", Problem: "is unreachable since 10:00:00Z (connection refused)", Error: true},
		{Cluster: "north", Problem: "no Gloo installation found"},
	}
	if len(r.Clusters) != len(want) || r.Clusters[0] != want[0] || r.Clusters[1] != want[1] {
		t.Fatalf("cluster problems: got %+v, want %+v", r.Clusters, want)
	}
	var out bytes.Buffer
	r.Print(&out)
	for _, s := range []string{"error:   team-a/orders: Route Error", "ERROR: unreachable", "cluster south: ERROR", "cluster north: note", "Problems detected!"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("report lacks %q:\n%s", s, out.String())
		}
	}
}

func TestNoGlooAloneIsNotAnError(t *testing.T) {
	r := Evaluate(nil, []string{"north"}, nil)
	if !r.OK {
		t.Fatalf("a cluster without Gloo is worth a note, not a failure: %+v", r)
	}
}
