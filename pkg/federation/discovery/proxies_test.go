package discovery

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

const ns = "gloo-system"

func withControlPlane(s *Snapshot) *Snapshot {
	s.Cluster = "east"
	s.Deployments = append(s.Deployments, glooDeployment(ns, "quay.io/solo-io/gloo:1.18.6"))
	return s
}

func TestProxyDetection(t *testing.T) {
	type want struct {
		name                string
		typ                 viewsv1alpha1.WorkloadControllerType
		version             string
		wasm                bool
		replicas, avail, rd int32
	}
	otherLabel := proxyDeployment(ns, "not-gateway", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1)
	otherLabel.Spec.Template.Labels = map[string]string{"gloo": "something-else"}
	sidecarFirst := proxyDeployment(ns, "sidecar-first", "docker.io/library/nginx:1.27", 1, 1, 1)
	sidecarFirst.Spec.Template.Spec.Containers = append(sidecarFirst.Spec.Template.Spec.Containers, container("quay.io/solo-io/gloo-envoy-wrapper:1.18.7"))
	noContainers := proxyDeployment(ns, "no-containers", "x", 1, 1, 1)
	noContainers.Spec.Template.Spec.Containers = nil

	tests := []struct {
		name string
		snap Snapshot
		want []want
	}{
		{"OSS deployment", Snapshot{Deployments: []*appsv1.Deployment{
			proxyDeployment(ns, "gateway-proxy", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 2, 1, 1)}},
			[]want{{"gateway-proxy", viewsv1alpha1.WorkloadControllerTypeDeployment, "1.18.6", false, 2, 1, 1}}},
		{"EE deployment", Snapshot{Deployments: []*appsv1.Deployment{
			proxyDeployment(ns, "gateway-proxy", "quay.io/solo-io/gloo-ee-envoy-wrapper:1.17.2", 3, 3, 2)}},
			[]want{{"gateway-proxy", viewsv1alpha1.WorkloadControllerTypeDeployment, "1.17.2", false, 3, 3, 2}}},
		{"wasm deployment", Snapshot{Deployments: []*appsv1.Deployment{
			proxyDeployment(ns, "gateway-proxy", "quay.io/solo-io/gloo-envoy-wasm-wrapper:1.9.0", 1, 1, 1)}},
			[]want{{"gateway-proxy", viewsv1alpha1.WorkloadControllerTypeDeployment, "1.9.0", true, 1, 1, 1}}},
		{"DaemonSet", Snapshot{DaemonSets: []*appsv1.DaemonSet{
			proxyDaemonSet(ns, "edge", "my.reg:5000/solo-io/gloo-envoy-wrapper:1.18.6", 5, 4, 3)}},
			[]want{{"edge", viewsv1alpha1.WorkloadControllerTypeDaemonSet, "1.18.6", false, 5, 4, 3}}},
		{"first matching container", Snapshot{Deployments: []*appsv1.Deployment{sidecarFirst}},
			[]want{{"sidecar-first", viewsv1alpha1.WorkloadControllerTypeDeployment, "1.18.7", false, 1, 1, 1}}},
		{"not gateway-proxy label", Snapshot{Deployments: []*appsv1.Deployment{otherLabel}}, nil},
		{"no containers", Snapshot{Deployments: []*appsv1.Deployment{noContainers}}, nil},
		{"not an envoy image", Snapshot{Deployments: []*appsv1.Deployment{
			proxyDeployment(ns, "gateway-proxy", "docker.io/envoyproxy/envoy:v1.30.0", 1, 1, 1)}}, nil},
		{"other namespace", Snapshot{Deployments: []*appsv1.Deployment{
			proxyDeployment("apps", "gateway-proxy", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1)}}, nil},
		{"sorted by type then namespace.name", Snapshot{
			Deployments: []*appsv1.Deployment{
				proxyDeployment(ns, "zeta", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1),
				proxyDeployment(ns, "alpha", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1),
			},
			DaemonSets: []*appsv1.DaemonSet{proxyDaemonSet(ns, "omega", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1)},
		}, []want{
			{"omega", viewsv1alpha1.WorkloadControllerTypeDaemonSet, "1.18.6", false, 1, 1, 1},
			{"alpha", viewsv1alpha1.WorkloadControllerTypeDeployment, "1.18.6", false, 1, 1, 1},
			{"zeta", viewsv1alpha1.WorkloadControllerTypeDeployment, "1.18.6", false, 1, 1, 1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := tt.snap
			gi := only(t, withControlPlane(&snap))
			var got []want
			for _, p := range gi.Spec.Proxies {
				if p.Namespace != ns {
					t.Errorf("proxy %s in namespace %s", p.Name, p.Namespace)
				}
				got = append(got, want{p.Name, p.WorkloadControllerType, p.Version, p.WasmEnabled, p.Replicas, p.AvailableReplicas, p.ReadyReplicas})
			}
			mustEqual(t, "proxies", got, tt.want)
		})
	}
}

func TestReadConfigMulticlusterEnabled(t *testing.T) {
	gi := only(t, withControlPlane(&Snapshot{
		Deployments: []*appsv1.Deployment{
			proxyDeployment(ns, "gateway-proxy", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1),
			proxyDeployment(ns, "internal", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1),
			proxyDeployment(ns, "third", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1),
		},
		DaemonSets: []*appsv1.DaemonSet{proxyDaemonSet(ns, "edge", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1)},
		Services: []*corev1.Service{
			service(ns, "gateway-proxy-config-dump-service", corev1.ServiceTypeClusterIP, nil),
			service(ns, "edge-config-dump-service", corev1.ServiceTypeClusterIP, nil),
			service("apps", "internal-config-dump-service", corev1.ServiceTypeClusterIP, nil), // wrong namespace
			service(ns, "third-config-dump", corev1.ServiceTypeClusterIP, nil),                // wrong name
		},
	}))
	got := map[string]bool{}
	for _, p := range gi.Spec.Proxies {
		got[p.Name] = p.ReadConfigMulticlusterEnabled
	}
	mustEqual(t, "readConfigMulticlusterEnabled", got, map[string]bool{"gateway-proxy": true, "edge": true, "internal": false, "third": false})
}

func TestZones(t *testing.T) {
	nodes := []*corev1.Node{
		node("n-stable-a", map[string]string{corev1.LabelTopologyZone: "zone-a"}),
		node("n-stable-a2", map[string]string{corev1.LabelTopologyZone: "zone-a"}),
		node("n-beta-b", map[string]string{corev1.LabelFailureDomainBetaZone: "zone-b"}),
		node("n-both", map[string]string{corev1.LabelTopologyZone: "zone-c", corev1.LabelFailureDomainBetaZone: "zone-old"}),
		node("n-none", map[string]string{"kubernetes.io/hostname": "n-none"}),
		node("n-x", map[string]string{corev1.LabelTopologyZone: "zone-x"}),
	}
	exprDeployment := proxyDeployment(ns, "expr", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1)
	exprDeployment.Spec.Selector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
		{Key: "gateway-proxy-id", Operator: metav1.LabelSelectorOpIn, Values: []string{"expr", "expr-canary"}},
		{Key: "skip", Operator: metav1.LabelSelectorOpDoesNotExist},
	}}
	nilSelector := proxyDeployment(ns, "nilsel", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1)
	nilSelector.Spec.Selector = nil
	emptySelector := proxyDaemonSet(ns, "emptysel", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1)
	emptySelector.Spec.Selector = &metav1.LabelSelector{}

	canary := proxyPod(ns, "expr-canary-1", "expr-canary", "n-both")
	skipped := proxyPod(ns, "expr-skip", "expr", "n-stable-a")
	skipped.Labels["skip"] = "yes"

	gi := only(t, withControlPlane(&Snapshot{
		Deployments: []*appsv1.Deployment{
			proxyDeployment(ns, "gateway-proxy", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1),
			exprDeployment, nilSelector,
			proxyDeployment(ns, "unscheduled", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1),
		},
		DaemonSets: []*appsv1.DaemonSet{emptySelector},
		Nodes:      nodes,
		Pods: []*corev1.Pod{
			proxyPod(ns, "gp-1", "gateway-proxy", "n-stable-a"),
			proxyPod(ns, "gp-2", "gateway-proxy", "n-stable-a2"),    // same zone: de-duplicated
			proxyPod(ns, "gp-3", "gateway-proxy", "n-beta-b"),       // beta label
			proxyPod(ns, "gp-4", "gateway-proxy", "n-both"),         // stable wins
			proxyPod(ns, "gp-5", "gateway-proxy", "n-none"),         // no zone label
			proxyPod(ns, "gp-6", "gateway-proxy", "n-gone"),         // node not in snapshot
			proxyPod("apps", "gp-other-ns", "gateway-proxy", "n-x"), // other namespace
			proxyPod(ns, "expr-1", "expr", "n-beta-b"),
			canary, skipped,
			proxyPod(ns, "nilsel-1", "nilsel", "n-stable-a"),
			proxyPod(ns, "emptysel-1", "emptysel", "n-both"),
			proxyPod(ns, "unscheduled-1", "unscheduled", ""),
		},
	}))
	got := map[string][]string{}
	for _, p := range gi.Spec.Proxies {
		got[p.Name] = p.Zones
	}
	mustEqual(t, "zones", got, map[string][]string{
		"gateway-proxy": {"zone-a", "zone-b", "zone-c"},
		"expr":          {"zone-b", "zone-c"}, // matchExpressions: In admits the canary (zone-c), DoesNotExist excludes expr-skip (zone-a)
		"nilsel":        {"zone-a"},           // template labels used
		"emptysel":      {"zone-c"},           // template labels used
		"unscheduled":   nil,
	})
}

func TestRegion(t *testing.T) {
	tests := []struct {
		name  string
		nodes []*corev1.Node
		want  string
	}{
		{"none", nil, ""},
		{"no labels", []*corev1.Node{node("a", nil)}, ""},
		{"stable", []*corev1.Node{node("a", map[string]string{corev1.LabelTopologyRegion: "eu-west-1"})}, "eu-west-1"},
		{"beta fallback", []*corev1.Node{node("a", map[string]string{corev1.LabelFailureDomainBetaRegion: "eu-west-2"})}, "eu-west-2"},
		{"stable preferred on a node", []*corev1.Node{node("a", map[string]string{corev1.LabelFailureDomainBetaRegion: "old", corev1.LabelTopologyRegion: "new"})}, "new"},
		{"first node by name that has one", []*corev1.Node{
			node("c", map[string]string{corev1.LabelTopologyRegion: "region-c"}),
			node("a", nil),
			node("b", map[string]string{corev1.LabelFailureDomainBetaRegion: "region-b"}),
		}, "region-b"},
		{"empty value ignored", []*corev1.Node{
			node("a", map[string]string{corev1.LabelTopologyRegion: ""}),
			node("b", map[string]string{corev1.LabelTopologyRegion: "region-b"}),
		}, "region-b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gi := only(t, withControlPlane(&Snapshot{Nodes: tt.nodes}))
			if gi.Spec.Region != tt.want {
				t.Errorf("region = %q, want %q", gi.Spec.Region, tt.want)
			}
		})
	}
}

func TestIngressEndpoints(t *testing.T) {
	sel := gatewayProxySelector("gateway-proxy")
	ports := []corev1.ServicePort{svcPort("http", 80, 30080), svcPort("https", 443, 30443), svcPort("failover", 15443, 32000)}
	lbPorts := []viewsv1alpha1.Port{{Port: 80, Name: "http"}, {Port: 443, Name: "https"}, {Port: 15443, Name: "failover"}}
	npPorts := []viewsv1alpha1.Port{{Port: 30080, Name: "http"}, {Port: 30443, Name: "https"}, {Port: 32000, Name: "failover"}}
	nodes := []*corev1.Node{
		node("n-int", nil, addr(corev1.NodeHostName, "n-int"), addr(corev1.NodeExternalIP, "34.1.1.1"), addr(corev1.NodeInternalIP, "10.1.1.1")),
		node("n-ext", nil, addr(corev1.NodeHostName, "n-ext"), addr(corev1.NodeExternalIP, "34.2.2.2")),
		node("n-host", nil, addr(corev1.NodeHostName, "n-host.local")),
		node("n-none", nil),
	}
	podsOn := func(nodeNames ...string) []*corev1.Pod {
		var ps []*corev1.Pod
		for i, n := range nodeNames {
			ps = append(ps, proxyPod(ns, "gateway-proxy-"+string(rune('a'+i)), "gateway-proxy", n))
		}
		return ps
	}
	tests := []struct {
		name     string
		services []*corev1.Service
		pods     []*corev1.Pod
		want     []viewsv1alpha1.IngressEndpoint
	}{
		{"LoadBalancer IP",
			[]*corev1.Service{withLB(service(ns, "gateway-proxy", corev1.ServiceTypeLoadBalancer, sel, ports...), corev1.LoadBalancerIngress{IP: "172.18.0.230", Hostname: "ignored.example.com"}, corev1.LoadBalancerIngress{IP: "9.9.9.9"})},
			nil,
			[]viewsv1alpha1.IngressEndpoint{{Address: "172.18.0.230", ServiceName: "gateway-proxy", Ports: lbPorts}}},
		{"LoadBalancer hostname",
			[]*corev1.Service{withLB(service(ns, "gateway-proxy", corev1.ServiceTypeLoadBalancer, sel, ports...), corev1.LoadBalancerIngress{Hostname: "abc.elb.amazonaws.com"})},
			nil,
			[]viewsv1alpha1.IngressEndpoint{{Address: "abc.elb.amazonaws.com", ServiceName: "gateway-proxy", Ports: lbPorts}}},
		{"LoadBalancer pending",
			[]*corev1.Service{service(ns, "gateway-proxy", corev1.ServiceTypeLoadBalancer, sel, ports...)},
			nil, nil},
		{"NodePort InternalIP preferred",
			[]*corev1.Service{service(ns, "gateway-proxy", corev1.ServiceTypeNodePort, sel, ports...)},
			podsOn("n-int"),
			[]viewsv1alpha1.IngressEndpoint{{Address: "10.1.1.1", ServiceName: "gateway-proxy", Ports: npPorts}}},
		{"NodePort ExternalIP fallback",
			[]*corev1.Service{service(ns, "gateway-proxy", corev1.ServiceTypeNodePort, sel, ports...)},
			podsOn("n-ext"),
			[]viewsv1alpha1.IngressEndpoint{{Address: "34.2.2.2", ServiceName: "gateway-proxy", Ports: npPorts}}},
		{"NodePort any address fallback",
			[]*corev1.Service{service(ns, "gateway-proxy", corev1.ServiceTypeNodePort, sel, ports...)},
			podsOn("n-host"),
			[]viewsv1alpha1.IngressEndpoint{{Address: "n-host.local", ServiceName: "gateway-proxy", Ports: npPorts}}},
		{"NodePort first scheduled pod by name",
			[]*corev1.Service{service(ns, "gateway-proxy", corev1.ServiceTypeNodePort, sel, ports...)},
			podsOn("", "n-ext", "n-int"), // a: unscheduled, b: n-ext, c: n-int
			[]viewsv1alpha1.IngressEndpoint{{Address: "34.2.2.2", ServiceName: "gateway-proxy", Ports: npPorts}}},
		{"NodePort skips nodes without addresses or unknown",
			[]*corev1.Service{service(ns, "gateway-proxy", corev1.ServiceTypeNodePort, sel, ports...)},
			podsOn("n-none", "n-unknown", "n-int"),
			[]viewsv1alpha1.IngressEndpoint{{Address: "10.1.1.1", ServiceName: "gateway-proxy", Ports: npPorts}}},
		{"NodePort without scheduled pods",
			[]*corev1.Service{service(ns, "gateway-proxy", corev1.ServiceTypeNodePort, sel, ports...)},
			podsOn(""), nil},
		{"ClusterIP skipped",
			[]*corev1.Service{service(ns, "gateway-proxy", corev1.ServiceTypeClusterIP, sel, ports...), service(ns, "default-type", "", sel, ports...)},
			podsOn("n-int"), nil},
		{"ExternalName skipped",
			[]*corev1.Service{service(ns, "gateway-proxy", corev1.ServiceTypeExternalName, sel, ports...)},
			nil, nil},
		{"empty selector skipped",
			[]*corev1.Service{withLB(service(ns, "manual", corev1.ServiceTypeLoadBalancer, nil, ports...), corev1.LoadBalancerIngress{IP: "1.1.1.1"})},
			nil, nil},
		{"selector not matching the proxy skipped",
			[]*corev1.Service{withLB(service(ns, "other", corev1.ServiceTypeLoadBalancer, gatewayProxySelector("other"), ports...), corev1.LoadBalancerIngress{IP: "1.1.1.1"})},
			nil, nil},
		{"other namespace skipped",
			[]*corev1.Service{withLB(service("apps", "gateway-proxy", corev1.ServiceTypeLoadBalancer, sel, ports...), corev1.LoadBalancerIngress{IP: "1.1.1.1"})},
			nil, nil},
		{"partial selector matches, sorted by service name",
			[]*corev1.Service{
				withLB(service(ns, "zz-lb", corev1.ServiceTypeLoadBalancer, map[string]string{"gloo": "gateway-proxy"}, svcPort("http", 8080, 0)), corev1.LoadBalancerIngress{IP: "2.2.2.2"}),
				service(ns, "aa-np", corev1.ServiceTypeNodePort, sel, svcPort("http", 80, 31111)),
			},
			podsOn("n-int"),
			[]viewsv1alpha1.IngressEndpoint{
				{Address: "10.1.1.1", ServiceName: "aa-np", Ports: []viewsv1alpha1.Port{{Port: 31111, Name: "http"}}},
				{Address: "2.2.2.2", ServiceName: "zz-lb", Ports: []viewsv1alpha1.Port{{Port: 8080, Name: "http"}}},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gi := only(t, withControlPlane(&Snapshot{
				Deployments: []*appsv1.Deployment{proxyDeployment(ns, "gateway-proxy", "quay.io/solo-io/gloo-envoy-wrapper:1.18.6", 1, 1, 1)},
				Services:    tt.services,
				Pods:        tt.pods,
				Nodes:       nodes,
			}))
			if len(gi.Spec.Proxies) != 1 {
				t.Fatalf("proxies: %s", dump(gi.Spec.Proxies))
			}
			mustEqual(t, "ingressEndpoints", gi.Spec.Proxies[0].IngressEndpoints, tt.want)
		})
	}
}
