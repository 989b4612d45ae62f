package e2e

import (
	"strings"

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
		out, err := kubectl(ctx, env.Member("west").Kubeconfig, "get", "virtualservices.gateway.solo.io", "-n", "team-a", "orders",
			"-o", "jsonpath={.status.statuses.gloo-system.state} {.status.statuses.gloo-system.reason}")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(HavePrefix("2 "), "state 2 is Rejected")
		Expect(out).To(ContainSubstring("team-a-orders-v2-8080 } not found"))

		out, err = kubectl(ctx, env.Member("east").Kubeconfig, "get", "virtualservices.gateway.solo.io", "-n", "team-a", "orders",
			"-o", "jsonpath={.status.statuses.gloo-system.state}")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(Equal("1"), "east's copy is Accepted")
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
