package failover

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/meridianfed/meridian/pkg/generated/clientset/versioned/fake"
)

// fakeAPI is the federation of federation() as the management cluster's
// API serves it: registrations, GlooInstance and Upstream views.
func fakeAPI() *fake.Clientset {
	f := federation()
	var objs []runtime.Object
	for _, name := range []string{"east", "west", "central"} {
		objs = append(objs, kubernetesCluster(name))
		for _, gi := range f.instances[name] {
			objs = append(objs, gi)
		}
	}
	for _, u := range f.upstreams {
		objs = append(objs, u)
	}
	return fake.NewSimpleClientset(objs...)
}

// Explain shows what the controller would write, computed from what the
// API serves, and where each endpoint comes from.
func TestExplainShowsTheFailoverAndItsSources(t *testing.T) {
	in, err := NewClientInputs(context.Background(), fakeAPI(), fedNamespace)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ok, err := Explain(&out, twoPriorities(), in)
	if err != nil || !ok {
		t.Fatalf("ok %v, err %v:\n%s", ok, err, out.String())
	}
	for _, want := range []string{
		"FailoverScheme gloo-system/blue: primary Upstream gloo-system/blue of cluster east",
		"field manager meridian-failover",
		"      prioritizedLocalities:",
		"sni: green_gloo-system",
		"loadBalancingWeight: 10",
		"1         west     gloo-system/green",
		"2         central  apps/red",
		"Secret gloo-system/failover-upstream in cluster east (Gloo installation east-gloo-system)",
		"  west: reachable, healthy (west-gloo-system)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in:\n%s", want, out.String())
		}
	}
	row := regexp.MustCompile(`west\s+gloo-system/green\s+west-gloo-system\s+gloo-system/gateway-proxy\s+gateway-proxy\s+172\.18\.0\.20:15443\s+us-west-2\s+us-west-2b \(the first of the proxy's zones \[us-west-2b us-west-2c\]\)`)
	if !row.MatchString(out.String()) {
		t.Errorf("no row for west's endpoint matching %s in:\n%s", row, out.String())
	}
}

// An Invalid scheme is explained by its reason, and is not ok.
func TestExplainSaysWhyAnInvalidSchemeIs(t *testing.T) {
	in, err := NewClientInputs(context.Background(), fakeAPI(), fedNamespace)
	if err != nil {
		t.Fatal(err)
	}
	s := twoPriorities()
	s.Spec.FailoverGroups[1].PriorityGroup[0].Cluster = "mars"
	var out bytes.Buffer
	ok, err := Explain(&out, s, in)
	if err != nil || ok {
		t.Fatalf("ok %v, err %v", ok, err)
	}
	if !strings.Contains(out.String(), `Invalid: priority 2: cluster "mars" is not registered`) || strings.Contains(out.String(), "Would write") {
		t.Errorf("output:\n%s", out.String())
	}
}
