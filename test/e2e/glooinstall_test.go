package e2e

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
)

// The demo's Gloo installations are what Meridian's discovery, views and
// checks will be judged on, so their shape is asserted here, through kubectl
// as a user would see it.
var _ = Describe("The demo's Gloo Edge installations", func() {
	It("serve Gloo's kinds in every member: kubectl lists the demo's Upstreams", func(ctx SpecContext) {
		out, err := kubectl(ctx, env.Member("east").Kubeconfig, "get", "upstreams.gloo.solo.io", "-A")
		Expect(err).NotTo(HaveOccurred(), out)
		for _, name := range []string{"default-petstore-8080", "jsonplaceholder-80", "httpbin-443", "team-a-orders-8080", "team-b-catalog-9090"} {
			Expect(out).To(ContainSubstring(name))
		}
		out, err = kubectl(ctx, env.Member("east").Kubeconfig, "get", "gateways.gateway.solo.io", "-n", "gloo-system", "-o", "name")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(strings.Fields(out)).To(ConsistOf(
			"gateway.gateway.solo.io/gateway-proxy", "gateway.gateway.solo.io/gateway-proxy-ssl", "gateway.gateway.solo.io/gateway-proxy-failover"))
	})

	It("report Gloo-style statuses, including a Rejected VirtualService in west", func(ctx SpecContext) {
		Eventually(func(g Gomega) {
			out, err := kubectl(ctx, env.Member("west").Kubeconfig, "get", "virtualservices.gateway.solo.io", "-n", "team-a", "orders",
				"-o", "jsonpath={.status.statuses.gloo-system.state} {.status.statuses.gloo-system.reportedBy} {.status.statuses.gloo-system.reason}")
			g.Expect(err).NotTo(HaveOccurred(), out)
			g.Expect(out).To(HavePrefix("2 gateway "), "state 2 is Rejected, reported by Gloo's gateway controller")
			g.Expect(out).To(ContainSubstring("*v1.Upstream { team-a.team-a-orders-v2-8080 } not found"))

			out, err = kubectl(ctx, env.Member("east").Kubeconfig, "get", "virtualservices.gateway.solo.io", "-n", "team-a", "orders",
				"-o", "jsonpath={.status.statuses.gloo-system.state}")
			g.Expect(err).NotTo(HaveOccurred(), out)
			g.Expect(out).To(Equal("1"), "east's copy is Accepted")

			out, err = kubectl(ctx, env.Member("west").Kubeconfig, "get", "gateways.gateway.solo.io", "-n", "gloo-system", "gateway-proxy-failover",
				"-o", "jsonpath={.status.statuses.gloo-system.state} {.status.statuses.gloo-system.reason}")
			g.Expect(err).NotTo(HaveOccurred(), out)
			g.Expect(out).To(Equal("3 SSL secret not found: list did not find secret gloo-system.failover-downstream"), "west lacks the failover Secret: Warning")
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("recompute their Proxies like Gloo: one per proxy name, a listener per Gateway, following config changes", func(ctx SpecContext) {
		// port -> the virtual hosts of its listener
		listeners := func(g Gomega) map[string][]string {
			out, err := kubectl(ctx, env.Member("east").Kubeconfig, "get", "proxies.gloo.solo.io", "-n", "gloo-system", "gateway-proxy",
				"-o", "jsonpath={range .spec.listeners[*]}{.bindPort}:{range .httpListener.virtualHosts[*]}{.name},{end} {end}")
			g.Expect(err).NotTo(HaveOccurred(), out)
			byPort := map[string][]string{}
			for _, l := range strings.Fields(out) {
				port, hosts, _ := strings.Cut(l, ":")
				byPort[port] = strings.FieldsFunc(hosts, func(r rune) bool { return r == ',' })
			}
			return byPort
		}
		Eventually(func(g Gomega) {
			l := listeners(g)
			g.Expect(l).To(HaveLen(3))
			g.Expect(l["8080"]).To(ContainElements("gloo-system.default", "team-a.orders"))
			g.Expect(l["8443"]).To(ContainElement("team-b.catalog"))
			g.Expect(l).To(HaveKeyWithValue("15443", BeEmpty()), "the TCP failover listener")
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())
		out, err := kubectl(ctx, env.Member("east").Kubeconfig, "get", "proxies.gloo.solo.io", "-A", "-o", "name")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(strings.Fields(out)).To(ConsistOf("proxy.gloo.solo.io/gateway-proxy"))

		// A new VirtualService joins the 8080 listener, and leaves it again.
		vs := `{"apiVersion":"gateway.solo.io/v1","kind":"VirtualService","metadata":{"name":"proxy-probe","namespace":"team-b"},` +
			`"spec":{"virtualHost":{"domains":["probe.example.com"]}}}`
		cmd := kubectlCommand(ctx, env.Member("east").Kubeconfig, "apply", "-f", "-")
		cmd.Stdin = strings.NewReader(vs)
		b, err := cmd.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(b))
		Eventually(func(g Gomega) []string { return listeners(g)["8080"] }).WithContext(ctx).WithTimeout(30 * time.Second).Should(ContainElement("team-b.proxy-probe"))
		out, err = kubectl(ctx, env.Member("east").Kubeconfig, "delete", "virtualservices.gateway.solo.io", "-n", "team-b", "proxy-probe")
		Expect(err).NotTo(HaveOccurred(), out)
		Eventually(func(g Gomega) []string { return listeners(g)["8080"] }).WithContext(ctx).WithTimeout(30 * time.Second).ShouldNot(ContainElement("team-b.proxy-probe"))
	})

	It("look like a running cluster: control plane and proxies with Gloo's labels, status, pods on zoned nodes and a load balancer", func(ctx SpecContext) {
		kube := kubernetes.NewForConfigOrDie(env.Member("west").RESTConfig())
		gloo, err := kube.AppsV1().Deployments("gloo-system").Get(ctx, "gloo", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(gloo.Labels).To(HaveKeyWithValue("app", "gloo"))
		Expect(gloo.Labels).To(HaveKeyWithValue("gloo", "gloo"))
		Expect(gloo.Spec.Template.Spec.Containers[0].Image).To(Equal("quay.io/solo-io/gloo-ee:1.17.12"))

		proxy, err := kube.AppsV1().Deployments("gloo-system").Get(ctx, "gateway-proxy", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(proxy.Spec.Template.Labels).To(HaveKeyWithValue("gloo", "gateway-proxy"))
		Expect(proxy.Status.Replicas).To(BeEquivalentTo(2))
		Expect(proxy.Status.ReadyReplicas).To(BeEquivalentTo(1), "west runs with one proxy replica down")

		pods, err := kube.CoreV1().Pods("gloo-system").List(ctx, metav1.ListOptions{LabelSelector: labels.SelectorFromSet(proxy.Spec.Selector.MatchLabels).String()})
		Expect(err).NotTo(HaveOccurred())
		Expect(pods.Items).To(HaveLen(2))
		zones := map[string]bool{}
		for _, p := range pods.Items {
			Expect(p.Spec.NodeName).NotTo(BeEmpty())
			node, err := kube.CoreV1().Nodes().Get(ctx, p.Spec.NodeName, metav1.GetOptions{})
			Expect(err).NotTo(HaveOccurred())
			Expect(node.Labels).To(HaveKeyWithValue("topology.kubernetes.io/region", "us-west-2"))
			zones[node.Labels["topology.kubernetes.io/zone"]] = true
		}
		Expect(zones).To(HaveLen(2), "the proxy pods run in two zones")

		svc, err := kube.CoreV1().Services("gloo-system").Get(ctx, "gateway-proxy", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(svc.Status.LoadBalancer.Ingress).To(HaveLen(1))
		Expect(svc.Status.LoadBalancer.Ingress[0].IP).NotTo(BeEmpty())
		var failoverPort int32
		for _, p := range svc.Spec.Ports {
			if p.Name == "failover" {
				failoverPort = p.Port
			}
		}
		Expect(failoverPort).To(BeEquivalentTo(15443))
	})
})
