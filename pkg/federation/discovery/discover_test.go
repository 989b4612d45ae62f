package discovery

import (
	"math/rand"
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

func TestParseImage(t *testing.T) {
	tests := []struct {
		image     string
		name, tag string
	}{
		{"quay.io/solo-io/gloo:1.18.6", "gloo", "1.18.6"},
		{"quay.io/solo-io/gloo-ee:1.17.2", "gloo-ee", "1.17.2"},
		{"my.reg:5000/solo-io/gloo:1.18.6", "gloo", "1.18.6"},
		{"my.reg:5000/solo-io/gloo", "gloo", "latest"},
		{"localhost:5000/gloo-envoy-wrapper:1.0.0-ci1", "gloo-envoy-wrapper", "1.0.0-ci1"},
		{"quay.io/solo-io/gloo-ee@sha256:0123abcd", "gloo-ee", ""},
		{"quay.io/solo-io/gloo-ee:1.17.0@sha256:0123abcd", "gloo-ee", "1.17.0"},
		{"my.reg:5000/solo-io/gloo@sha256:0123abcd", "gloo", ""},
		{"gloo", "gloo", "latest"},
		{"gloo:1.2.3", "gloo", "1.2.3"},
		{"gloo-mirror.example.com/library/busybox:1.36", "busybox", "1.36"},
		{"  quay.io/solo-io/gloo:1.18.6  ", "gloo", "1.18.6"},
		{"", "", "latest"},
		{"@", "", "latest"}, // empty digest: none
		{":::/", "", "latest"},
	}
	for _, tt := range tests {
		got := parseImage(tt.image)
		if got.name != tt.name || got.tag != tt.tag {
			t.Errorf("parseImage(%q) = {%q, %q}, want {%q, %q}", tt.image, got.name, got.tag, tt.name, tt.tag)
		}
	}
}

func TestControlPlaneDetection(t *testing.T) {
	relabel := func(d *appsv1.Deployment, labels map[string]string) *appsv1.Deployment {
		d.Labels = labels
		return d
	}
	rename := func(d *appsv1.Deployment, name string) *appsv1.Deployment {
		d.Name = name
		return d
	}
	tests := []struct {
		name       string
		deployment *appsv1.Deployment
		found      bool
		enterprise bool
		version    string
	}{
		{"OSS", glooDeployment("gloo-system", "quay.io/solo-io/gloo:1.18.6"), true, false, "1.18.6"},
		{"enterprise", glooDeployment("gloo-system", "quay.io/solo-io/gloo-ee:1.17.2"), true, true, "1.17.2"},
		{"registry with port", glooDeployment("gloo-system", "my.reg:5000/solo-io/gloo-ee:1.18.0"), true, true, "1.18.0"},
		{"digest only", glooDeployment("gloo-system", "quay.io/solo-io/gloo@sha256:0123abcd"), true, false, ""},
		{"tag and digest", glooDeployment("gloo-system", "quay.io/solo-io/gloo:1.18.6@sha256:0123abcd"), true, false, "1.18.6"},
		{"first gloo container after a sidecar", glooDeployment("gloo-system", "docker.io/istio/proxyv2:1.22.0", "quay.io/solo-io/gloo-ee:1.17.2", "quay.io/solo-io/gloo:9.9.9"), true, true, "1.17.2"},
		{"gloo in registry host only", glooDeployment("gloo-system", "gloo.example.com/library/busybox:1.36"), false, false, ""},
		{"not a gloo image", glooDeployment("gloo-system", "nginx:1.27"), false, false, ""},
		{"no containers", glooDeployment("gloo-system"), false, false, ""},
		{"wrong name", rename(glooDeployment("gloo-system", "quay.io/solo-io/gloo:1.18.6"), "gloo-fed"), false, false, ""},
		{"missing gloo=gloo", relabel(glooDeployment("gloo-system", "quay.io/solo-io/gloo:1.18.6"), map[string]string{"app": "gloo"}), false, false, ""},
		{"missing app=gloo", relabel(glooDeployment("gloo-system", "quay.io/solo-io/gloo:1.18.6"), map[string]string{"gloo": "gloo"}), false, false, ""},
		{"nil labels", relabel(glooDeployment("gloo-system", "quay.io/solo-io/gloo:1.18.6"), nil), false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Discover(&Snapshot{Cluster: "east", Deployments: []*appsv1.Deployment{tt.deployment}})
			if !tt.found {
				if got != nil {
					t.Fatalf("want no instance, got %s", dump(got))
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d instances, want 1", len(got))
			}
			spec := got[0].Spec
			if spec.IsEnterprise != tt.enterprise || spec.ControlPlane.Version != tt.version {
				t.Errorf("isEnterprise=%v version=%q, want %v %q", spec.IsEnterprise, spec.ControlPlane.Version, tt.enterprise, tt.version)
			}
		})
	}
}

func TestInstanceMetadataAndSpec(t *testing.T) {
	gi := only(t, &Snapshot{
		Cluster:     "east",
		Deployments: []*appsv1.Deployment{glooDeployment("gloo-system", "quay.io/solo-io/gloo-ee:1.17.2")},
	})
	mustEqual(t, "TypeMeta", gi.TypeMeta, metav1.TypeMeta{APIVersion: "views.meridian.io/v1alpha1", Kind: "GlooInstance"})
	mustEqual(t, "ObjectMeta", gi.ObjectMeta, metav1.ObjectMeta{
		Name:              "east-gloo-system",
		Namespace:         "gloo-system",
		Labels:            map[string]string{"views.meridian.io/cluster": "east"},
		CreationTimestamp: created,
	})
	mustEqual(t, "Spec", gi.Spec, viewsv1alpha1.GlooInstanceSpec{
		Cluster:      "east",
		IsEnterprise: true,
		ControlPlane: viewsv1alpha1.ControlPlane{Version: "1.17.2", Namespace: "gloo-system"},
		Admin:        viewsv1alpha1.Admin{WriteNamespace: "gloo-system"},
		Check:        gi.Spec.Check, // covered by the check tests
	})
	mustEqual(t, "Status", gi.Status, viewsv1alpha1.GlooInstanceStatus{})
	if InstanceName("east", "gloo-system") != "east-gloo-system" {
		t.Errorf("InstanceName = %q", InstanceName("east", "gloo-system"))
	}
}

func TestNoInstances(t *testing.T) {
	if got := Discover(nil); got != nil {
		t.Errorf("Discover(nil) = %v", got)
	}
	if got := Discover(&Snapshot{Cluster: "east"}); got != nil {
		t.Errorf("Discover(empty) = %v", got)
	}
	// A cluster with proxies, Settings and Gloo resources but no control plane.
	got := Discover(&Snapshot{
		Cluster:     "east",
		Deployments: []*appsv1.Deployment{proxyDeployment("gloo-system", "gateway-proxy", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1)},
		Settings:    []SettingsInfo{{Namespace: "gloo-system", Name: "default"}},
		Gloo:        map[Kind][]Resource{Upstreams: {{Namespace: "gloo-system", Name: "us"}}},
	})
	if got != nil {
		t.Errorf("Discover without a gloo Deployment = %s", dump(got))
	}
}

func TestWatchedNamespaces(t *testing.T) {
	tests := []struct {
		name     string
		settings []SettingsInfo
		want     []string
	}{
		{"no settings", nil, nil},
		{"default settings", []SettingsInfo{{Namespace: "gloo-system", Name: "default", WatchNamespaces: []string{"apps", "gloo-system"}}}, []string{"apps", "gloo-system"}},
		{"default preferred over earlier name", []SettingsInfo{
			{Namespace: "gloo-system", Name: "aaa", WatchNamespaces: []string{"aaa"}},
			{Namespace: "gloo-system", Name: "default", WatchNamespaces: []string{"def"}},
		}, []string{"def"}},
		{"else first by name", []SettingsInfo{
			{Namespace: "gloo-system", Name: "zzz", WatchNamespaces: []string{"zzz"}},
			{Namespace: "gloo-system", Name: "mmm", WatchNamespaces: []string{"mmm"}},
		}, []string{"mmm"}},
		{"other namespace ignored", []SettingsInfo{{Namespace: "other", Name: "default", WatchNamespaces: []string{"x"}}}, nil},
		{"empty list", []SettingsInfo{{Namespace: "gloo-system", Name: "default", WatchNamespaces: []string{}}}, nil},
		{"all-namespaces entry", []SettingsInfo{{Namespace: "gloo-system", Name: "default", WatchNamespaces: []string{""}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gi := only(t, &Snapshot{
				Cluster:     "east",
				Deployments: []*appsv1.Deployment{glooDeployment("gloo-system", "quay.io/solo-io/gloo:1.18.6")},
				Settings:    tt.settings,
			})
			mustEqual(t, "watchedNamespaces", gi.Spec.ControlPlane.WatchedNamespaces, tt.want)
		})
	}

	// The result must not alias the snapshot.
	settings := []SettingsInfo{{Namespace: "gloo-system", Name: "default", WatchNamespaces: []string{"apps"}}}
	gi := only(t, &Snapshot{Cluster: "east", Deployments: []*appsv1.Deployment{glooDeployment("gloo-system", "quay.io/solo-io/gloo:1.18.6")}, Settings: settings})
	settings[0].WatchNamespaces[0] = "changed"
	if gi.Spec.ControlPlane.WatchedNamespaces[0] != "apps" {
		t.Errorf("watchedNamespaces aliases the snapshot: %v", gi.Spec.ControlPlane.WatchedNamespaces)
	}
}

func TestWriteNamespace(t *testing.T) {
	tests := []struct {
		install string
		watched []string
		want    string
	}{
		{"gloo-system", nil, "gloo-system"},
		{"gloo", nil, "gloo"},
		{"gloo", []string{"apps", "gloo", "gloo-system"}, "gloo"},
		{"gloo", []string{"apps", "gloo-system"}, "gloo-system"},
		{"gloo", []string{"apps", "web"}, "apps"},
	}
	for _, tt := range tests {
		if got := writeNamespace(tt.install, tt.watched); got != tt.want {
			t.Errorf("writeNamespace(%q, %v) = %q, want %q", tt.install, tt.watched, got, tt.want)
		}
	}

	// Through Discover.
	gi := only(t, &Snapshot{
		Cluster:     "east",
		Deployments: []*appsv1.Deployment{glooDeployment("gloo", "quay.io/solo-io/gloo:1.18.6")},
		Settings:    []SettingsInfo{{Namespace: "gloo", Name: "default", WatchNamespaces: []string{"web", "gloo-system"}}},
	})
	if gi.Spec.Admin.WriteNamespace != "gloo-system" {
		t.Errorf("admin.writeNamespace = %q, want gloo-system", gi.Spec.Admin.WriteNamespace)
	}
}

func TestAdminProxy(t *testing.T) {
	p := func(typ viewsv1alpha1.WorkloadControllerType, ns, name string) viewsv1alpha1.InstanceProxy {
		return viewsv1alpha1.InstanceProxy{Name: name, Namespace: ns, WorkloadControllerType: typ}
	}
	ref := func(ns, name string) *viewsv1alpha1.ObjectRef {
		return &viewsv1alpha1.ObjectRef{Name: name, Namespace: ns}
	}
	dep, ds := viewsv1alpha1.WorkloadControllerTypeDeployment, viewsv1alpha1.WorkloadControllerTypeDaemonSet
	tests := []struct {
		name    string
		proxies []viewsv1alpha1.InstanceProxy
		want    *viewsv1alpha1.ObjectRef
	}{
		{"none", nil, nil},
		{"gateway-proxy preferred", []viewsv1alpha1.InstanceProxy{p(ds, "gloo-system", "aaa"), p(dep, "gloo-system", "gateway-proxy"), p(dep, "gloo-system", "zzz")}, ref("gloo-system", "gateway-proxy")},
		{"gateway-proxy elsewhere does not count", []viewsv1alpha1.InstanceProxy{p(dep, "other", "gateway-proxy"), p(dep, "gloo-system", "public")}, ref("gloo-system", "public")},
		{"first in install namespace", []viewsv1alpha1.InstanceProxy{p(dep, "other", "x"), p(dep, "gloo-system", "internal"), p(dep, "gloo-system", "public")}, ref("gloo-system", "internal")},
		{"else first", []viewsv1alpha1.InstanceProxy{p(dep, "other", "x"), p(dep, "other2", "y")}, ref("other", "x")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustEqual(t, "proxyId", adminProxy("gloo-system", tt.proxies), tt.want)
		})
	}

	// Through Discover: the DaemonSet sorts first, but gateway-proxy wins.
	gi := only(t, &Snapshot{
		Cluster: "east",
		Deployments: []*appsv1.Deployment{
			glooDeployment("gloo-system", "quay.io/solo-io/gloo:1.18.6"),
			proxyDeployment("gloo-system", "gateway-proxy", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1),
		},
		DaemonSets: []*appsv1.DaemonSet{proxyDaemonSet("gloo-system", "edge", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 3, 3, 3)},
	})
	mustEqual(t, "admin.proxyId", gi.Spec.Admin.ProxyID, ref("gloo-system", "gateway-proxy"))
	// Without gateway-proxy, the first proxy in sort order (the DaemonSet).
	gi = only(t, &Snapshot{
		Cluster: "east",
		Deployments: []*appsv1.Deployment{
			glooDeployment("gloo-system", "quay.io/solo-io/gloo:1.18.6"),
			proxyDeployment("gloo-system", "aaa", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1),
		},
		DaemonSets: []*appsv1.DaemonSet{proxyDaemonSet("gloo-system", "edge", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 3, 3, 3)},
	})
	mustEqual(t, "admin.proxyId", gi.Spec.Admin.ProxyID, ref("gloo-system", "edge"))
}

func TestTwoControlPlanesInOneCluster(t *testing.T) {
	s := &Snapshot{
		Cluster: "west",
		Deployments: []*appsv1.Deployment{
			glooDeployment("team-b", "quay.io/solo-io/gloo:1.18.6"),
			glooDeployment("team-a", "quay.io/solo-io/gloo-ee:1.17.2"),
			proxyDeployment("team-a", "gateway-proxy", "quay.io/solo-io/gloo-ee-envoy-wrapper:1.17.2", 2, 2, 2),
			proxyDeployment("team-b", "gateway-proxy", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 0),
		},
		Settings: []SettingsInfo{
			{Namespace: "team-a", Name: "default", WatchNamespaces: []string{"team-a", "apps-a"}},
			{Namespace: "team-b", Name: "default", WatchNamespaces: []string{"team-b", "apps-b"}},
		},
		Gloo: map[Kind][]Resource{Upstreams: {
			{Namespace: "apps-a", Name: "a1"}, {Namespace: "apps-a", Name: "a2"},
			{Namespace: "apps-b", Name: "b1"}, {Namespace: "elsewhere", Name: "x"},
		}},
	}
	got := Discover(s)
	if len(got) != 2 {
		t.Fatalf("got %d instances, want 2:\n%s", len(got), dump(got))
	}
	a, b := got[0], got[1]
	if a.Name != "west-team-a" || a.Namespace != "team-a" || b.Name != "west-team-b" || b.Namespace != "team-b" {
		t.Fatalf("names: %s/%s, %s/%s", a.Namespace, a.Name, b.Namespace, b.Name)
	}
	if !a.Spec.IsEnterprise || a.Spec.ControlPlane.Version != "1.17.2" || b.Spec.IsEnterprise || b.Spec.ControlPlane.Version != "1.18.6" {
		t.Errorf("control planes: %+v / %+v", a.Spec.ControlPlane, b.Spec.ControlPlane)
	}
	if len(a.Spec.Proxies) != 1 || a.Spec.Proxies[0].Namespace != "team-a" || a.Spec.Proxies[0].Replicas != 2 ||
		len(b.Spec.Proxies) != 1 || b.Spec.Proxies[0].Namespace != "team-b" || b.Spec.Proxies[0].ReadyReplicas != 0 {
		t.Errorf("proxies: %s / %s", dump(a.Spec.Proxies), dump(b.Spec.Proxies))
	}
	mustEqual(t, "a watched", a.Spec.ControlPlane.WatchedNamespaces, []string{"team-a", "apps-a"})
	mustEqual(t, "b watched", b.Spec.ControlPlane.WatchedNamespaces, []string{"team-b", "apps-b"})
	if a.Spec.Check.Upstreams.Total != 2 || b.Spec.Check.Upstreams.Total != 1 {
		t.Errorf("upstream totals %d, %d; want 2, 1", a.Spec.Check.Upstreams.Total, b.Spec.Check.Upstreams.Total)
	}
	mustEqual(t, "a proxyId", a.Spec.Admin.ProxyID, &viewsv1alpha1.ObjectRef{Name: "gateway-proxy", Namespace: "team-a"})
	mustEqual(t, "b proxyId", b.Spec.Admin.ProxyID, &viewsv1alpha1.ObjectRef{Name: "gateway-proxy", Namespace: "team-b"})
}

// fullSnapshot is a realistic cluster with every kind of input.
func fullSnapshot() *Snapshot {
	return &Snapshot{
		Cluster: "east",
		Deployments: []*appsv1.Deployment{
			glooDeployment("gloo-system", "quay.io/solo-io/gloo-ee:1.17.2"),
			proxyDeployment("gloo-system", "gateway-proxy", "quay.io/solo-io/gloo-ee-envoy-wrapper:1.17.2", 2, 2, 1),
			proxyDeployment("gloo-system", "internal-proxy", "quay.io/solo-io/gloo-ee-envoy-wrapper:1.17.2", 1, 1, 1),
			glooDeployment("gloo-b", "quay.io/solo-io/gloo:1.18.6"),
			{
				ObjectMeta: metav1.ObjectMeta{Name: "extauth", Namespace: "gloo-system", Labels: map[string]string{"app": "gloo"}},
				Status: appsv1.DeploymentStatus{Conditions: []appsv1.DeploymentCondition{
					{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionFalse, Message: "Deployment does not have minimum availability."},
				}},
			},
		},
		DaemonSets: []*appsv1.DaemonSet{proxyDaemonSet("gloo-system", "edge", "quay.io/solo-io/gloo-envoy-wasm-wrapper:1.17.2", 3, 2, 2)},
		Services: []*corev1.Service{
			withLB(service("gloo-system", "gateway-proxy", corev1.ServiceTypeLoadBalancer, gatewayProxySelector("gateway-proxy"),
				svcPort("http", 80, 30080), svcPort("https", 443, 30443), svcPort("failover", 15443, 31443)),
				corev1.LoadBalancerIngress{IP: "172.18.0.230"}),
			service("gloo-system", "gateway-proxy-config-dump-service", corev1.ServiceTypeClusterIP, gatewayProxySelector("gateway-proxy"), svcPort("http", 8082, 0)),
			service("gloo-system", "edge-np", corev1.ServiceTypeNodePort, gatewayProxySelector("edge"), svcPort("http", 80, 31080)),
			service("gloo-system", "gloo", corev1.ServiceTypeClusterIP, map[string]string{"gloo": "gloo"}, svcPort("grpc-xds", 9977, 0)),
		},
		Pods: []*corev1.Pod{
			proxyPod("gloo-system", "gateway-proxy-1", "gateway-proxy", "node-b"),
			proxyPod("gloo-system", "gateway-proxy-2", "gateway-proxy", "node-a"),
			proxyPod("gloo-system", "internal-proxy-1", "internal-proxy", ""),
			proxyPod("gloo-system", "edge-1", "edge", "node-c"),
			proxyPod("gloo-system", "edge-2", "edge", "node-a"),
			{
				ObjectMeta: metav1.ObjectMeta{Name: "gloo-7d9", Namespace: "gloo-system", Labels: map[string]string{"gloo": "gloo"}},
				Status: corev1.PodStatus{Conditions: []corev1.PodCondition{
					{Type: corev1.PodReady, Status: corev1.ConditionFalse, Message: "containers with unready status: [gloo]"},
					{Type: corev1.ContainersReady, Status: corev1.ConditionFalse, Message: "containers with unready status: [gloo]"},
				}},
			},
		},
		Nodes: []*corev1.Node{
			node("node-a", map[string]string{corev1.LabelTopologyZone: "us-east-1a", corev1.LabelTopologyRegion: "us-east-1"}, addr(corev1.NodeInternalIP, "10.0.0.1")),
			node("node-b", map[string]string{corev1.LabelTopologyZone: "us-east-1b", corev1.LabelTopologyRegion: "us-east-1"}, addr(corev1.NodeInternalIP, "10.0.0.2")),
			node("node-c", map[string]string{corev1.LabelFailureDomainBetaZone: "us-east-1c"}, addr(corev1.NodeExternalIP, "3.3.3.3"), addr(corev1.NodeInternalIP, "10.0.0.3")),
		},
		Settings: []SettingsInfo{
			{Namespace: "gloo-system", Name: "default", Status: []byte(`{"statuses":{"gloo-system":{"state":1,"reportedBy":"gloo"}}}`)},
			{Namespace: "gloo-b", Name: "default", WatchNamespaces: []string{"gloo-b"}},
		},
		Gloo: map[Kind][]Resource{
			Upstreams: {
				{Namespace: "gloo-system", Name: "us-ok", Status: []byte(`{"statuses":{"gloo-system":{"state":1}}}`)},
				{Namespace: "apps", Name: "us-bad", Status: []byte(`{"statuses":{"gloo-system":{"state":2,"reason":"bad port"}}}`)},
				{Namespace: "apps", Name: "us-warn", Status: []byte(`{"state":"Warning","reason":"no endpoints"}`)},
			},
			VirtualServices: {
				{Namespace: "gloo-b", Name: "vs", Status: []byte(`{"statuses":{"gloo-b":{"state":"REJECTED","reason":"conflict"}}}`)},
			},
			RateLimitConfigs: {
				{Namespace: "gloo-system", Name: "rl", Status: []byte(`{"state":"REJECTED","message":"bad descriptor","observedGeneration":"2"}`)},
			},
		},
	}
}

func TestDeterminism(t *testing.T) {
	want := Discover(fullSnapshot())
	if len(want) != 2 {
		t.Fatalf("got %d instances, want 2", len(want))
	}
	rng := rand.New(rand.NewSource(42))
	shuffle := func(n int, swap func(i, j int)) { rng.Shuffle(n, swap) }
	for i := 0; i < 50; i++ {
		s := fullSnapshot()
		shuffle(len(s.Deployments), func(i, j int) { s.Deployments[i], s.Deployments[j] = s.Deployments[j], s.Deployments[i] })
		shuffle(len(s.DaemonSets), func(i, j int) { s.DaemonSets[i], s.DaemonSets[j] = s.DaemonSets[j], s.DaemonSets[i] })
		shuffle(len(s.Services), func(i, j int) { s.Services[i], s.Services[j] = s.Services[j], s.Services[i] })
		shuffle(len(s.Pods), func(i, j int) { s.Pods[i], s.Pods[j] = s.Pods[j], s.Pods[i] })
		shuffle(len(s.Nodes), func(i, j int) { s.Nodes[i], s.Nodes[j] = s.Nodes[j], s.Nodes[i] })
		shuffle(len(s.Settings), func(i, j int) { s.Settings[i], s.Settings[j] = s.Settings[j], s.Settings[i] })
		for _, rs := range s.Gloo {
			shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
		}
		// nil elements are ignored.
		s.Pods = append(s.Pods, nil)
		s.Nodes = append([]*corev1.Node{nil}, s.Nodes...)
		if got := Discover(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffle %d changed the result:\n got: %s\nwant: %s", i, dump(got), dump(want))
		}
	}
}

// TestFullSnapshot pins the whole result for the realistic snapshot, as a
// cross-check of the individual rules.
func TestFullSnapshot(t *testing.T) {
	got := Discover(fullSnapshot())
	if len(got) != 2 {
		t.Fatalf("got %d instances", len(got))
	}
	b, sys := got[0], got[1]
	if b.Name != "east-gloo-b" || sys.Name != "east-gloo-system" {
		t.Fatalf("names %q %q", b.Name, sys.Name)
	}
	wantProxies := []viewsv1alpha1.InstanceProxy{
		{
			Name: "edge", Namespace: "gloo-system", Replicas: 3, AvailableReplicas: 2, ReadyReplicas: 2,
			Version: "1.17.2", WorkloadControllerType: viewsv1alpha1.WorkloadControllerTypeDaemonSet,
			Zones: []string{"us-east-1a", "us-east-1c"},
			// edge-1 (node-c) is the first scheduled pod by name: InternalIP preferred.
			IngressEndpoints: []viewsv1alpha1.IngressEndpoint{{Address: "10.0.0.3", ServiceName: "edge-np", Ports: []viewsv1alpha1.Port{{Port: 31080, Name: "http"}}}},
			WasmEnabled:      true,
		},
		{
			Name: "gateway-proxy", Namespace: "gloo-system", Replicas: 2, AvailableReplicas: 2, ReadyReplicas: 1,
			Version: "1.17.2", WorkloadControllerType: viewsv1alpha1.WorkloadControllerTypeDeployment,
			Zones: []string{"us-east-1a", "us-east-1b"},
			IngressEndpoints: []viewsv1alpha1.IngressEndpoint{{Address: "172.18.0.230", ServiceName: "gateway-proxy", Ports: []viewsv1alpha1.Port{
				{Port: 80, Name: "http"}, {Port: 443, Name: "https"}, {Port: 15443, Name: "failover"},
			}}},
			ReadConfigMulticlusterEnabled: true,
		},
		{
			Name: "internal-proxy", Namespace: "gloo-system", Replicas: 1, AvailableReplicas: 1, ReadyReplicas: 1,
			Version: "1.17.2", WorkloadControllerType: viewsv1alpha1.WorkloadControllerTypeDeployment,
		},
	}
	mustEqual(t, "gloo-system proxies", sys.Spec.Proxies, wantProxies)
	if sys.Spec.Region != "us-east-1" || b.Spec.Region != "us-east-1" {
		t.Errorf("region %q %q", sys.Spec.Region, b.Spec.Region)
	}
	mustEqual(t, "gloo-system admin", sys.Spec.Admin, viewsv1alpha1.Admin{
		WriteNamespace: "gloo-system",
		ProxyID:        &viewsv1alpha1.ObjectRef{Name: "gateway-proxy", Namespace: "gloo-system"},
	})
	mustEqual(t, "gloo-b admin", b.Spec.Admin, viewsv1alpha1.Admin{WriteNamespace: "gloo-b"})
	if b.Spec.Proxies != nil {
		t.Errorf("gloo-b proxies = %s", dump(b.Spec.Proxies))
	}

	c := sys.Spec.Check
	mustEqual(t, "upstreams", c.Upstreams, &viewsv1alpha1.Summary{
		Total:    3,
		Errors:   []viewsv1alpha1.ResourceReport{{Ref: viewsv1alpha1.ObjectRef{Name: "us-bad", Namespace: "apps"}, Message: "bad port"}},
		Warnings: []viewsv1alpha1.ResourceReport{{Ref: viewsv1alpha1.ObjectRef{Name: "us-warn", Namespace: "apps"}, Message: "no endpoints"}},
	})
	// gloo-system watches everything; gloo-b's own VirtualService verdict is
	// keyed by gloo-b, so for gloo-system it is the only reporter's (worst) state.
	mustEqual(t, "virtualServices", c.VirtualServices, &viewsv1alpha1.Summary{
		Total:  1,
		Errors: []viewsv1alpha1.ResourceReport{{Ref: viewsv1alpha1.ObjectRef{Name: "vs", Namespace: "gloo-b"}, Message: "conflict"}},
	})
	mustEqual(t, "rateLimitConfigs", c.RateLimitConfigs, &viewsv1alpha1.Summary{
		Total:  1,
		Errors: []viewsv1alpha1.ResourceReport{{Ref: viewsv1alpha1.ObjectRef{Name: "rl", Namespace: "gloo-system"}, Message: "bad descriptor"}},
	})
	mustEqual(t, "settings", c.Settings, &viewsv1alpha1.Summary{Total: 2})
	mustEqual(t, "deployments", c.Deployments, &viewsv1alpha1.Summary{
		Total: 4, // gloo, gateway-proxy, internal-proxy, extauth
		Errors: []viewsv1alpha1.ResourceReport{{
			Ref:     viewsv1alpha1.ObjectRef{Name: "extauth", Namespace: "gloo-system"},
			Message: "Deployment extauth in namespace gloo-system is not available! Message: Deployment does not have minimum availability.",
		}},
	})
	mustEqual(t, "pods", c.Pods, &viewsv1alpha1.Summary{
		Total: 6,
		Errors: []viewsv1alpha1.ResourceReport{
			{Ref: viewsv1alpha1.ObjectRef{Name: "gloo-7d9", Namespace: "gloo-system"}, Message: "Pod gloo-7d9 in namespace gloo-system is not ready! Message: containers with unready status: [gloo]"},
			{Ref: viewsv1alpha1.ObjectRef{Name: "gloo-7d9", Namespace: "gloo-system"}, Message: "Not all containers in pod gloo-7d9 in namespace gloo-system are ready! Message: containers with unready status: [gloo]"},
		},
	})

	// gloo-b watches only gloo-b.
	cb := b.Spec.Check
	if cb.Upstreams.Total != 0 || cb.RateLimitConfigs.Total != 0 || cb.Settings.Total != 1 || cb.Pods.Total != 0 || cb.Deployments.Total != 1 {
		t.Errorf("gloo-b totals: %s", dump(cb))
	}
	mustEqual(t, "gloo-b virtualServices", cb.VirtualServices, &viewsv1alpha1.Summary{
		Total:  1,
		Errors: []viewsv1alpha1.ResourceReport{{Ref: viewsv1alpha1.ObjectRef{Name: "vs", Namespace: "gloo-b"}, Message: "conflict"}},
	})
}

func TestOddInputDoesNotPanic(t *testing.T) {
	weird := &Snapshot{
		Cluster: "odd",
		Deployments: []*appsv1.Deployment{
			nil,
			glooDeployment("gloo-system", "quay.io/solo-io/gloo:1.18.6"),
			{ObjectMeta: metav1.ObjectMeta{Name: "no-spec", Namespace: "gloo-system", Labels: map[string]string{"app": "gloo"}}},
			{ // proxy with a nil selector and no template labels beyond the proxy label
				ObjectMeta: metav1.ObjectMeta{Name: "bare-proxy", Namespace: "gloo-system"},
				Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"gloo": "gateway-proxy"}},
					Spec:       corev1.PodSpec{Containers: []corev1.Container{{Image: "quay.io/solo-io/gloo-envoy-wrapper:1.18.6"}}},
				}},
			},
			{ // proxy with an invalid selector
				ObjectMeta: metav1.ObjectMeta{Name: "bad-selector", Namespace: "gloo-system"},
				Spec: appsv1.DeploymentSpec{
					Selector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "x", Operator: "Bogus"}}},
					Template: proxyTemplate("bad-selector", "quay.io/solo-io/gloo-envoy-wrapper"),
				},
			},
		},
		DaemonSets: []*appsv1.DaemonSet{nil, {ObjectMeta: metav1.ObjectMeta{Name: "ds", Namespace: "gloo-system"}}},
		Services: []*corev1.Service{
			nil,
			withLB(service("gloo-system", "lb-empty", corev1.ServiceTypeLoadBalancer, map[string]string{"gloo": "gateway-proxy"}), corev1.LoadBalancerIngress{}),
			service("gloo-system", "np-nopods", corev1.ServiceTypeNodePort, map[string]string{"gloo": "gateway-proxy"}),
		},
		Pods: []*corev1.Pod{
			nil,
			pod("gloo-system", "p-missing-node", "ghost", map[string]string{"gloo": "gateway-proxy"}),
			pod("gloo-system", "p-nolabels", "n1", nil),
		},
		Nodes:    []*corev1.Node{nil, node("n1", nil)},
		Settings: []SettingsInfo{{Namespace: "gloo-system", Name: "default", Status: []byte(`[1,2]`)}},
		Gloo: map[Kind][]Resource{
			Upstreams: {
				{Namespace: "gloo-system", Name: "garbage", Status: []byte(`{not json`)},
				{Namespace: "gloo-system", Name: "string", Status: []byte(`"Accepted"`)},
				{Namespace: "gloo-system", Name: "float-state", Status: []byte(`{"state":1.5}`)},
				{Namespace: "gloo-system", Name: "null", Status: []byte(`null`)},
				{Namespace: "gloo-system", Name: "nil"},
			},
			Kind("unknownKind"): {{Namespace: "gloo-system", Name: "x", Status: []byte(`{"state":2}`)}},
		},
	}
	gi := only(t, weird)
	if n := len(gi.Spec.Proxies); n != 2 {
		t.Fatalf("got %d proxies, want 2 (bare-proxy, bad-selector): %s", n, dump(gi.Spec.Proxies))
	}
	for _, p := range gi.Spec.Proxies {
		if p.Zones != nil || p.IngressEndpoints != nil {
			t.Errorf("proxy %s: zones %v endpoints %v, want none", p.Name, p.Zones, p.IngressEndpoints)
		}
	}
	if gi.Spec.Proxies[0].Name != "bad-selector" || gi.Spec.Proxies[0].Version != "latest" {
		t.Errorf("first proxy %+v", gi.Spec.Proxies[0])
	}
	mustEqual(t, "upstreams", gi.Spec.Check.Upstreams, &viewsv1alpha1.Summary{Total: 5})
	mustEqual(t, "settings", gi.Spec.Check.Settings, &viewsv1alpha1.Summary{Total: 1})
}

func TestKindOf(t *testing.T) {
	for _, k := range viewsv1alpha1.GlooKinds {
		got, ok := KindOf(k.Kind)
		if k.Kind == "Settings" {
			if ok {
				t.Errorf("KindOf(Settings) = %q, want not ok", got)
			}
			continue
		}
		if !ok {
			t.Errorf("KindOf(%q) not ok", k.Kind)
		}
	}
	if k, _ := KindOf("MatchableHttpGateway"); k != MatchableHTTPGateways {
		t.Errorf("KindOf(MatchableHttpGateway) = %q", k)
	}
	if k, _ := KindOf("Upstream"); k != Upstreams {
		t.Errorf("KindOf(Upstream) = %q", k)
	}
	if _, ok := KindOf("Nope"); ok {
		t.Error("KindOf(Nope) ok")
	}
	if len(Kinds) != 10 {
		t.Errorf("len(Kinds) = %d", len(Kinds))
	}
}
