package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/retry"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/controller/placement"
	"github.com/meridianfed/meridian/pkg/devenv"
	"github.com/meridianfed/meridian/pkg/failover"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
)

var _ = Describe("Failover: a FailoverScheme writes its primary's spec.failover", Ordered, func() {
	const ns = "failover-demo"
	var meridianCS *meridianclient.Clientset
	healthChecks := []any{map[string]any{"timeout": "1s", "interval": "1s", "unhealthyThreshold": int64(1), "healthyThreshold": int64(1), "httpHealthCheck": map[string]any{"path": "/"}}}
	kubeSpec := func(svc string) map[string]any {
		return map[string]any{"serviceName": svc, "serviceNamespace": "team-a", "servicePort": int64(8080)}
	}
	putUpstream := func(ctx context.Context, cluster, name string, spec map[string]any) {
		u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "gloo.solo.io/v1", "kind": "Upstream",
			"metadata": map[string]any{"name": name, "namespace": "team-a"}, "spec": spec}}
		_, err := member(env, cluster).Resource(upstreamsGVR).Namespace("team-a").Create(ctx, u, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
	}
	// putUpstreamForSpec is putUpstream for one spec: the Upstream is
	// deleted when that spec ends.
	putUpstreamForSpec := func(ctx context.Context, cluster, name string, spec map[string]any) {
		putUpstream(ctx, cluster, name, spec)
		DeferCleanup(func(ctx SpecContext) {
			err := member(env, cluster).Resource(upstreamsGVR).Namespace("team-a").Delete(ctx, name, metav1.DeleteOptions{})
			if !apierrors.IsNotFound(err) {
				Expect(err).NotTo(HaveOccurred())
			}
		})
	}
	// centralOwn is central's Gloo installation's own failover-downstream
	// Secret, deleted by a spec to let Meridian place its own; it is put
	// back once Meridian's is gone, so that central's failover Gateway is
	// left Accepted, as the suite found it.
	var centralOwn *corev1.Secret
	primarySpec := func(ctx context.Context) map[string]any {
		u, err := member(env, "east").Resource(upstreamsGVR).Namespace("team-a").Get(ctx, "blue", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		spec, _, _ := unstructured.NestedMap(u.Object, "spec")
		return spec
	}
	schemeStatus := func(ctx context.Context, name string) fedv1alpha1.FailoverSchemeStatus {
		s, err := meridianCS.FedV1alpha1().FailoverSchemes(ns).Get(ctx, name, metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		return s.Status
	}
	scheme := func(name, primary string) *fedv1alpha1.FailoverScheme {
		return &fedv1alpha1.FailoverScheme{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: fedv1alpha1.FailoverSchemeSpec{
				Primary: fedv1alpha1.FailoverPrimary{ClusterName: "east", Namespace: "team-a", Name: primary},
				FailoverGroups: []fedv1alpha1.FailoverGroup{
					{PriorityGroup: []fedv1alpha1.FailoverTarget{{Cluster: "west", Upstreams: []fedv1alpha1.UpstreamRef{{Namespace: "team-a", Name: "green"}}}}},
					{PriorityGroup: []fedv1alpha1.FailoverTarget{{Cluster: "central", Upstreams: []fedv1alpha1.UpstreamRef{{Namespace: "team-a", Name: "teal"}}}}},
				},
			},
		}
	}

	BeforeAll(func(ctx SpecContext) {
		meridianCS = meridianclient.NewForConfigOrDie(env.Management.RESTConfig())
		_, err := kubernetes.NewForConfigOrDie(env.Management.RESTConfig()).CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		putUpstream(ctx, "east", "blue", map[string]any{"kube": kubeSpec("blue"), "healthChecks": healthChecks})
		putUpstream(ctx, "east", "unchecked", map[string]any{"kube": kubeSpec("unchecked")})
		putUpstream(ctx, "west", "green", map[string]any{"kube": kubeSpec("green")})
		putUpstream(ctx, "central", "teal", map[string]any{"kube": kubeSpec("teal")})
	})

	It("writes spec.failover from west's and central's Gloo installations, kept whole by Gloo's Upstream CRD, and is Accepted", func(ctx SpecContext) {
		_, err := meridianCS.FedV1alpha1().FailoverSchemes(ns).Create(ctx, scheme("blue", "blue"), metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		instance := func(cluster string) *viewsv1alpha1.GlooInstance {
			var gi *viewsv1alpha1.GlooInstance
			Eventually(func() error {
				var err error
				gi, err = meridianCS.ViewsV1alpha1().GlooInstances("gloo-system").Get(ctx, cluster+"-gloo-system", metav1.GetOptions{})
				return err
			}).WithTimeout(30*time.Second).Should(Succeed(), "%s's Gloo installation in the views", cluster)
			Expect(gi.Spec.Proxies[0].Zones).NotTo(BeEmpty())
			return gi
		}
		priority := func(gi *viewsv1alpha1.GlooInstance, upstream string) any {
			proxy := gi.Spec.Proxies[0]
			return map[string]any{"localityEndpoints": []any{map[string]any{
				"locality": map[string]any{"region": gi.Spec.Region, "zone": proxy.Zones[0]},
				"lbEndpoints": []any{map[string]any{
					"address": proxy.IngressEndpoints[0].Address, "port": int64(15443),
					"upstreamSslConfig": map[string]any{
						"secretRef":            map[string]any{"name": "failover-upstream", "namespace": "gloo-system"},
						"sni":                  upstream + "_team-a",
						"verifySubjectAltName": []any{gi.Spec.Cluster + ".failover.meridian.io"},
					},
				}},
			}}}
		}
		west, central := instance("west"), instance("central")
		want := map[string]any{"prioritizedLocalities": []any{priority(west, "green"), priority(central, "teal")}}
		Eventually(func(g Gomega) {
			g.Expect(schemeStatus(ctx, "blue").State).To(Equal(fedv1alpha1.FailoverAccepted))
		}).WithTimeout(30 * time.Second).Should(Succeed())
		spec := primarySpec(ctx)
		Expect(spec["failover"]).To(Equal(want), "field by field, as the member's Gloo CRD stored it")
		Expect(spec["kube"]).To(Equal(kubeSpec("blue")))
		Expect(spec["healthChecks"]).To(HaveLen(1))
		// Reachable once the registrations say Ready (a cluster may still be
		// read for the first time when the scheme is first Accepted).
		// Central's Gloo was installed with a failover-downstream Secret of
		// its own, which Meridian may not overwrite: its target says so.
		Eventually(func(g Gomega) {
			st := schemeStatus(ctx, "blue")
			g.Expect(st.PriorityCount).To(Equal(int32(2)))
			g.Expect(st.Targets).To(ConsistOf(
				fedv1alpha1.FailoverTargetStatus{Cluster: "west", Reachable: true, GlooInstance: "west-gloo-system", Healthy: true},
				And(
					HaveField("Cluster", "central"), HaveField("Reachable", true), HaveField("GlooInstance", "central-gloo-system"), HaveField("Healthy", true),
					HaveField("Message", And(ContainSubstring("server certificate (Secret) failover-downstream in central/gloo-system"), ContainSubstring("has fields someone else set: left untouched"))),
				),
			))
		}).WithTimeout(60 * time.Second).Should(Succeed())
		proxy := west.Spec.Proxies[0]
		gi := west

		out, err := kubectl(ctx, env.Management.Kubeconfig, "get", "failoverschemes", "-n", ns)
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(MatchRegexp(`NAME\s+PRIMARY\s+PRIORITIES\s+STATE\s+AGE`))
		Expect(out).To(MatchRegexp(`blue\s+east/team-a/blue\s+2\s+Accepted`))

		// meridianctl explains the same, from the same views.
		cli := buildBinary(ctx, "./cmd/meridianctl")
		explain := exec.CommandContext(ctx, cli, "--kubeconfig", env.Management.Kubeconfig, "failover", "explain", "blue", "-n", ns)
		explained, err := explain.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(explained))
		Expect(string(explained)).To(ContainSubstring("In force now: Accepted"))
		Expect(string(explained)).To(MatchRegexp(`1\s+west\s+team-a/green\s+west-gloo-system\s+gloo-system/gateway-proxy\s+gateway-proxy\s+` + regexp.QuoteMeta(proxy.IngressEndpoints[0].Address) + `:15443\s+` + gi.Spec.Region + `\s+` + proxy.Zones[0]))
		Expect(string(explained)).To(MatchRegexp(`2\s+central\s+team-a/teal\s+central-gloo-system\s+gloo-system/gateway-proxy\s+gateway-proxy\s+` + regexp.QuoteMeta(central.Spec.Proxies[0].IngressEndpoints[0].Address) + `:15443\s+` + central.Spec.Region + `\s+` + central.Spec.Proxies[0].Zones[0]))
		dry := filepath.Join(GinkgoT().TempDir(), "scheme.yaml")
		Expect(os.WriteFile(dry, []byte("apiVersion: fed.meridian.io/v1alpha1\nkind: FailoverScheme\nmetadata: {name: again, namespace: "+ns+"}\n"+
			"spec:\n  primary: {clusterName: east, namespace: team-a, name: blue}\n  failoverGroups:\n  - priorityGroup:\n    - cluster: west\n      upstreams: [{name: green, namespace: team-a}]\n"), 0o600)).To(Succeed())
		again, err := exec.CommandContext(ctx, cli, "--kubeconfig", env.Management.Kubeconfig, "failover", "explain", "--dry-run", "-f", dry).CombinedOutput()
		Expect(err).To(HaveOccurred(), "a second scheme for blue's primary cannot be carried out")
		Expect(string(again)).To(ContainSubstring("already the primary of FailoverScheme " + ns + "/blue"))
	})

	It("places the data plane: west's server certificate for the failover Gateway its Gloo has, east's client certificate, both from Meridian's CA", func(ctx SpecContext) {
		mgmtKube := kubernetes.NewForConfigOrDie(env.Management.RESTConfig())
		var caPool *x509.CertPool
		Eventually(func(g Gomega) {
			ca, err := mgmtKube.CoreV1().Secrets(devenv.MeridianNamespace).Get(ctx, failover.CASecret, metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			caPool = x509.NewCertPool()
			g.Expect(caPool.AppendCertsFromPEM(ca.Data[corev1.TLSCertKey])).To(BeTrue())
		}).WithTimeout(30*time.Second).Should(Succeed(), "the failover CA, made on first use")
		memberSecret := func(g Gomega, cluster, name string) *corev1.Secret {
			s, err := kubernetes.NewForConfigOrDie(env.Member(cluster).RESTConfig()).CoreV1().Secrets("gloo-system").Get(ctx, name, metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			return s
		}
		verify := func(g Gomega, s *corev1.Secret, dnsName string, usage x509.ExtKeyUsage) {
			g.Expect(s.Type).To(Equal(corev1.SecretTypeTLS))
			block, _ := pem.Decode(s.Data[corev1.TLSCertKey])
			g.Expect(block).NotTo(BeNil())
			cert, err := x509.ParseCertificate(block.Bytes)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(cert.DNSNames).To(Equal([]string{dnsName}))
			_, err = cert.Verify(x509.VerifyOptions{Roots: caPool, DNSName: dnsName, KeyUsages: []x509.ExtKeyUsage{usage}})
			g.Expect(err).NotTo(HaveOccurred(), "chains to Meridian's CA")
			g.Expect(s.Data).To(HaveKey("ca.crt"))
			_, err = tls.X509KeyPair(s.Data[corev1.TLSCertKey], s.Data[corev1.TLSPrivateKeyKey])
			g.Expect(err).NotTo(HaveOccurred(), "the key is the certificate's")
		}
		Eventually(func(g Gomega) {
			verify(g, memberSecret(g, "west", failover.DownstreamSecret), failover.GatewaySAN("west"), x509.ExtKeyUsageServerAuth)
			verify(g, memberSecret(g, "east", failover.UpstreamSecret), failover.ClientSAN("east"), x509.ExtKeyUsageClientAuth)
		}).WithTimeout(60 * time.Second).Should(Succeed())

		By("leaving central's own failover-downstream Secret untouched until its owner deletes it")
		foreign := memberSecret(Default, "central", failover.DownstreamSecret)
		Expect(foreign.Annotations).NotTo(HaveKey(placement.OwnerAnnotation), "made by central's Gloo installation, not by Meridian")
		block, _ := pem.Decode(foreign.Data[corev1.TLSCertKey])
		Expect(block).NotTo(BeNil())
		own, err := x509.ParseCertificate(block.Bytes)
		Expect(err).NotTo(HaveOccurred())
		Expect(own.DNSNames).To(Equal([]string{"central.failover.meridian.invalid"}), "still the installation's own certificate, not Meridian's")
		centralOwn = &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: foreign.Name, Namespace: foreign.Namespace, Labels: foreign.Labels, Annotations: foreign.Annotations},
			Type: foreign.Type, Data: foreign.Data}
		Expect(kubernetes.NewForConfigOrDie(env.Member("central").RESTConfig()).CoreV1().Secrets("gloo-system").Delete(ctx, failover.DownstreamSecret, metav1.DeleteOptions{})).To(Succeed())
		Eventually(func(g Gomega) {
			verify(g, memberSecret(g, "central", failover.DownstreamSecret), failover.GatewaySAN("central"), x509.ExtKeyUsageServerAuth)
			for _, t := range schemeStatus(ctx, "blue").Targets {
				g.Expect(t.Message).To(BeEmpty(), "target %s", t.Cluster)
			}
		}).WithTimeout(60*time.Second).Should(Succeed(), "placed at the next resync (--resync=10s here), and the target's message cleared")

		// Each target's Gloo has its own failover Gateway (as Gloo's Helm
		// chart makes it): Meridian adds none beside it, and west's, which
		// lacked its Secret, is Accepted now, as central's stays.
		feds, err := meridianCS.FedV1alpha1().FederatedGateways(devenv.MeridianNamespace).List(ctx, metav1.ListOptions{LabelSelector: failover.DataPlaneLabel})
		Expect(err).NotTo(HaveOccurred())
		Expect(feds.Items).To(BeEmpty())
		Eventually(func(g Gomega) {
			for _, cluster := range []string{"west", "central"} {
				out, err := kubectl(ctx, env.Member(cluster).Kubeconfig, "get", "gateways.gateway.solo.io", "-n", "gloo-system", "gateway-proxy-failover",
					"-o", "jsonpath={.status.statuses.gloo-system.state}")
				g.Expect(err).NotTo(HaveOccurred(), out)
				g.Expect(out).To(Equal("1"), "%s: state 1 is Accepted", cluster)
			}
		}).WithTimeout(60 * time.Second).Should(Succeed())
	})

	It("rewrites the primary when west's gateway address changes, and says so", func(ctx SpecContext) {
		kube := kubernetes.NewForConfigOrDie(env.Member("west").RESTConfig())
		svc, err := kube.CoreV1().Services("gloo-system").Get(ctx, "gateway-proxy", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		was := svc.Status.LoadBalancer.Ingress
		svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "198.51.100.99"}}
		_, err = kube.CoreV1().Services("gloo-system").UpdateStatus(ctx, svc, metav1.UpdateOptions{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx SpecContext) {
			svc, err := kube.CoreV1().Services("gloo-system").Get(ctx, "gateway-proxy", metav1.GetOptions{})
			Expect(err).NotTo(HaveOccurred())
			svc.Status.LoadBalancer.Ingress = was
			_, err = kube.CoreV1().Services("gloo-system").UpdateStatus(ctx, svc, metav1.UpdateOptions{})
			Expect(err).NotTo(HaveOccurred())
		})
		Eventually(func(g Gomega) {
			addr, _, _ := unstructured.NestedSlice(primarySpec(ctx), "failover", "prioritizedLocalities")
			raw, _ := json.Marshal(addr)
			g.Expect(string(raw)).To(ContainSubstring(`"address":"198.51.100.99"`))
			g.Expect(schemeStatus(ctx, "blue").Message).To(ContainSubstring("west's gateway moved from"))
		}).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("rewrites the primary when central's zone changes, and says so", func(ctx SpecContext) {
		kube := kubernetes.NewForConfigOrDie(env.Member("central").RESTConfig())
		gi, err := meridianCS.ViewsV1alpha1().GlooInstances("gloo-system").Get(ctx, "central-gloo-system", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		zones := gi.Spec.Proxies[0].Zones
		Expect(len(zones)).To(BeNumerically(">=", 2), "central's proxies run in two zones")
		// The node holding the first zone moves to a zone sorting last: the
		// proxy's first zone, which the locality carries, becomes the second.
		nodes, err := kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: corev1.LabelTopologyZone + "=" + zones[0]})
		Expect(err).NotTo(HaveOccurred())
		Expect(nodes.Items).NotTo(BeEmpty())
		relabel := func(ctx context.Context, zone string) {
			for _, n := range nodes.Items {
				patch := []byte(`{"metadata":{"labels":{"` + corev1.LabelTopologyZone + `":"` + zone + `"}}}`)
				_, err := kube.CoreV1().Nodes().Patch(ctx, n.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
				Expect(err).NotTo(HaveOccurred())
			}
		}
		centralZone := func(ctx context.Context, g Gomega) string {
			localities, _, _ := unstructured.NestedSlice(primarySpec(ctx), "failover", "prioritizedLocalities")
			g.Expect(localities).To(HaveLen(2))
			raw, _ := json.Marshal(localities[1])
			return string(raw)
		}
		relabel(ctx, "zz-moved")
		DeferCleanup(func(ctx SpecContext) {
			relabel(ctx, zones[0])
			Eventually(func(g Gomega) string { return centralZone(ctx, g) }).WithTimeout(30*time.Second).
				Should(ContainSubstring(`"zone":"`+zones[0]+`"`), "the primary as central is again, for the next specs")
		})
		Eventually(func(g Gomega) {
			g.Expect(centralZone(ctx, g)).To(ContainSubstring(`"zone":"` + zones[1] + `"`))
			g.Expect(schemeStatus(ctx, "blue").Message).To(ContainSubstring(
				"central's locality changed from " + gi.Spec.Region + "/" + zones[0] + " to " + gi.Spec.Region + "/" + zones[1]))
		}).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("shows a stopped target cluster in status, keeps its endpoints as last seen, and clears it when it is back", func(ctx SpecContext) {
		// The primary as west's gateway Service is now (the previous spec
		// put its address back).
		svc, err := kubernetes.NewForConfigOrDie(env.Member("west").RESTConfig()).CoreV1().Services("gloo-system").Get(ctx, "gateway-proxy", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		var before any
		Eventually(func(g Gomega) {
			before = primarySpec(ctx)["failover"]
			raw, _ := json.Marshal(before)
			g.Expect(string(raw)).To(ContainSubstring(`"address":"` + svc.Status.LoadBalancer.Ingress[0].IP + `"`))
		}).WithTimeout(30 * time.Second).Should(Succeed())
		west := env.Member("west")
		west.Stop()
		DeferCleanup(func(ctx SpecContext) {
			if !west.Running() {
				Expect(west.Start(ctx)).To(Succeed())
			}
		})
		centralOK := fedv1alpha1.FailoverTargetStatus{Cluster: "central", Reachable: true, GlooInstance: "central-gloo-system", Healthy: true}
		Eventually(func(g Gomega) {
			st := schemeStatus(ctx, "blue")
			g.Expect(st.State).To(Equal(fedv1alpha1.FailoverAccepted))
			g.Expect(st.Targets).To(ConsistOf(
				And(HaveField("Cluster", "west"), HaveField("Reachable", false), HaveField("Message", ContainSubstring("unreachable"))),
				centralOK))
		}).WithTimeout(90*time.Second).Should(Succeed(), "west's outage in the scheme's status, and central as it is")
		Expect(primarySpec(ctx)["failover"]).To(Equal(before), "its endpoints as last seen: Envoy's health checks judge the gateway")
		Expect(west.Start(ctx)).To(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(schemeStatus(ctx, "blue").Targets).To(ConsistOf(
				fedv1alpha1.FailoverTargetStatus{Cluster: "west", Reachable: true, GlooInstance: "west-gloo-system", Healthy: true},
				centralOK))
		}).WithTimeout(90*time.Second).Should(Succeed(), "reachable again")
	}, SpecTimeout(4*time.Minute))

	It("is Invalid, saying what to fix, for a primary without health checks, and writes nothing", func(ctx SpecContext) {
		_, err := meridianCS.FedV1alpha1().FailoverSchemes(ns).Create(ctx, scheme("unchecked", "unchecked"), metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		Eventually(func(g Gomega) {
			st := schemeStatus(ctx, "unchecked")
			g.Expect(st.State).To(Equal(fedv1alpha1.FailoverInvalid))
			g.Expect(st.Message).To(ContainSubstring("neither healthChecks nor outlierDetection"))
		}).WithTimeout(30 * time.Second).Should(Succeed())
		u, err := member(env, "east").Resource(upstreamsGVR).Namespace("team-a").Get(ctx, "unchecked", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		_, has, _ := unstructured.NestedFieldNoCopy(u.Object, "spec", "failover")
		Expect(has).To(BeFalse())
		Expect(meridianCS.FedV1alpha1().FailoverSchemes(ns).Delete(ctx, "unchecked", metav1.DeleteOptions{})).To(Succeed())
		Eventually(func() bool {
			_, err := meridianCS.FedV1alpha1().FailoverSchemes(ns).Get(ctx, "unchecked", metav1.GetOptions{})
			return err != nil
		}).WithTimeout(30*time.Second).Should(BeTrue(), "an Invalid scheme can be deleted")
	})

	It("is Invalid, saying what to fix, for each scheme it cannot carry out, and each is deleted", func(ctx SpecContext) {
		// north's team-a stays: other specs use it too, and one deleted
		// here would still be terminating when they create in it.
		_, err := kubernetes.NewForConfigOrDie(env.Member("north").RESTConfig()).CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}, metav1.CreateOptions{})
		if !apierrors.IsAlreadyExists(err) {
			Expect(err).NotTo(HaveOccurred())
		}
		putUpstreamForSpec(ctx, "north", "lonely", map[string]any{"kube": kubeSpec("lonely")})
		cases := map[string]struct {
			edit func(*fedv1alpha1.FailoverScheme)
			says string
		}{
			"unknown-primary-cluster": {func(s *fedv1alpha1.FailoverScheme) { s.Spec.Primary.ClusterName = "nowhere" },
				`the primary's cluster "nowhere" is not registered`},
			"unknown-target-cluster": {func(s *fedv1alpha1.FailoverScheme) { s.Spec.FailoverGroups[1].PriorityGroup[0].Cluster = "nowhere" },
				`priority 2: cluster "nowhere" is not registered`},
			"unknown-target-upstream": {func(s *fedv1alpha1.FailoverScheme) {
				s.Spec.FailoverGroups[0].PriorityGroup[0].Upstreams[0].Name = "gone"
			},
				"priority 1: Upstream team-a/gone is not in cluster west"},
			"no-gloo-installation": {func(s *fedv1alpha1.FailoverScheme) {
				s.Spec.FailoverGroups[1].PriorityGroup[0] = fedv1alpha1.FailoverTarget{Cluster: "north", Upstreams: []fedv1alpha1.UpstreamRef{{Namespace: "team-a", Name: "lonely"}}}
			}, "no Gloo installation of cluster north watches namespace team-a"},
			"second-for-blue": {func(*fedv1alpha1.FailoverScheme) {}, "is already the primary of FailoverScheme " + ns + "/blue"},
		}
		blueBefore := primarySpec(ctx)["failover"]
		Expect(blueBefore).NotTo(BeNil())
		for name, c := range cases {
			// Each its own primary (one scheme per primary), but the one
			// that names blue's again.
			primary := "blue"
			if name != "second-for-blue" {
				primary = name
				putUpstreamForSpec(ctx, "east", name, map[string]any{"kube": kubeSpec(name), "healthChecks": healthChecks})
			}
			s := scheme(name, primary)
			c.edit(s)
			_, err := meridianCS.FedV1alpha1().FailoverSchemes(ns).Create(ctx, s, metav1.CreateOptions{})
			Expect(err).NotTo(HaveOccurred(), name)
		}
		for name, c := range cases {
			Eventually(func(g Gomega) {
				st := schemeStatus(ctx, name)
				g.Expect(st.State).To(Equal(fedv1alpha1.FailoverInvalid))
				g.Expect(st.Message).To(ContainSubstring(c.says))
			}).WithTimeout(30*time.Second).Should(Succeed(), name)
		}
		Expect(primarySpec(ctx)["failover"]).To(Equal(blueBefore), "blue's own scheme stays in force, unchanged")
		Expect(schemeStatus(ctx, "blue").State).To(Equal(fedv1alpha1.FailoverAccepted))
		for name := range cases {
			Expect(meridianCS.FedV1alpha1().FailoverSchemes(ns).Delete(ctx, name, metav1.DeleteOptions{})).To(Succeed())
		}
		Eventually(func(g Gomega) {
			for name := range cases {
				_, err := meridianCS.FedV1alpha1().FailoverSchemes(ns).Get(ctx, name, metav1.GetOptions{})
				g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "%s: %v", name, err)
			}
		}).WithTimeout(30*time.Second).Should(Succeed(), "no Invalid scheme blocks its deletion")
	})

	It("lets a user make a primary only where RBAC lets them place, with a clear denial", func(ctx SpecContext) {
		cfg := env.Management.RESTConfig()
		kube := kubernetes.NewForConfigOrDie(cfg)
		_, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}, metav1.CreateOptions{})
		if !apierrors.IsAlreadyExists(err) {
			Expect(err).NotTo(HaveOccurred())
		}
		// dave keeps schemes in the scheme namespace, and may place into
		// namespace team-a of clusters west and central only.
		_, err = kube.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{
			ObjectMeta: metav1.ObjectMeta{Name: "scheme-editor"},
			Rules:      []rbacv1.PolicyRule{{APIGroups: []string{"fed.meridian.io"}, Resources: []string{"failoverschemes"}, Verbs: []string{"get", "create", "update"}}},
		}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		_, err = kube.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "dave"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "scheme-editor"},
			Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "dave"}},
		}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		_, err = kube.RbacV1().Roles("team-a").Create(ctx, &rbacv1.Role{
			ObjectMeta: metav1.ObjectMeta{Name: "dave-place-west"},
			Rules:      []rbacv1.PolicyRule{{APIGroups: []string{"fed.meridian.io"}, Resources: []string{"kubernetesclusters"}, ResourceNames: []string{"west", "central"}, Verbs: []string{"place"}}},
		}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		_, err = kube.RbacV1().RoleBindings("team-a").Create(ctx, &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "dave-place-west"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "dave-place-west"},
			Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "dave"}},
		}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		asDave := rest.CopyConfig(cfg)
		asDave.Impersonate = rest.ImpersonationConfig{UserName: "dave"}
		dave := meridianclient.NewForConfigOrDie(asDave).FedV1alpha1().FailoverSchemes(ns)
		dryRun := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}
		Eventually(func() error {
			_, err := dave.Create(ctx, scheme("dave-east", "blue"), dryRun)
			return err
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(MatchError(ContainSubstring(
			`dave may not make Upstream team-a/blue of cluster east a failover primary: it needs verb "place" on fed.meridian.io kubernetesclusters/east in namespace team-a`)))
		inWest := scheme("dave-west", "green")
		inWest.Spec.Primary.ClusterName = "west"
		inWest.Spec.FailoverGroups = inWest.Spec.FailoverGroups[1:]
		_, err = dave.Create(ctx, inWest, dryRun)
		Expect(err).NotTo(HaveOccurred(), "west/team-a failing over to central/team-a is allowed")

		By("refusing a target dave may not place into: the scheme would route to it and open its Gloo to the primary")
		toEast := inWest.DeepCopy()
		toEast.Spec.FailoverGroups = append(toEast.Spec.FailoverGroups, fedv1alpha1.FailoverGroup{PriorityGroup: []fedv1alpha1.FailoverTarget{{
			Cluster: "east", Upstreams: []fedv1alpha1.UpstreamRef{{Namespace: "team-a", Name: "blue"}},
		}}})
		_, err = dave.Create(ctx, toEast, dryRun)
		Expect(err).To(MatchError(ContainSubstring(
			`dave may not fail traffic over to Upstreams in namespace team-a of cluster east: it needs verb "place" on fed.meridian.io kubernetesclusters/east in namespace team-a`)))
		toOtherNamespace := inWest.DeepCopy()
		toOtherNamespace.Spec.FailoverGroups[0].PriorityGroup[0].Upstreams = append(toOtherNamespace.Spec.FailoverGroups[0].PriorityGroup[0].Upstreams,
			fedv1alpha1.UpstreamRef{Namespace: "team-b", Name: "teal"})
		_, err = dave.Create(ctx, toOtherNamespace, dryRun)
		Expect(err).To(MatchError(ContainSubstring(`dave may not fail traffic over to Upstreams in namespace team-b of cluster central`)))

		By("refusing dave's change of one side of a scheme an admin made, when he may not place on the other")
		admins := meridianCS.FedV1alpha1().FailoverSchemes(ns)
		eastPrimary := scheme("admins-east", "admins-only") // east/team-a, failing over to west and central
		_, err = admins.Create(ctx, eastPrimary, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		toEastTargets := inWest.DeepCopy()
		toEastTargets.Name = "admins-to-east"
		toEastTargets.Spec.FailoverGroups[0].PriorityGroup[0] = fedv1alpha1.FailoverTarget{Cluster: "east", Upstreams: []fedv1alpha1.UpstreamRef{{Namespace: "team-a", Name: "blue"}}}
		_, err = admins.Create(ctx, toEastTargets, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx SpecContext) {
			for _, name := range []string{eastPrimary.Name, toEastTargets.Name} {
				Expect(admins.Delete(ctx, name, metav1.DeleteOptions{})).To(Succeed())
			}
		})
		updateAsDave := func(name string, edit func(*fedv1alpha1.FailoverScheme)) error {
			// Again on a conflict: the controller writes the scheme too.
			return retry.RetryOnConflict(retry.DefaultRetry, func() error {
				s, err := dave.Get(ctx, name, metav1.GetOptions{})
				Expect(err).NotTo(HaveOccurred())
				edit(s)
				_, err = dave.Update(ctx, s, metav1.UpdateOptions{DryRun: []string{metav1.DryRunAll}})
				return err
			})
		}
		Expect(updateAsDave(eastPrimary.Name, func(s *fedv1alpha1.FailoverScheme) {
			s.Spec.FailoverGroups = s.Spec.FailoverGroups[1:] // targets only, all in central/team-a, which dave may place into
		})).To(MatchError(ContainSubstring("dave may not make Upstream team-a/admins-only of cluster east a failover primary")),
			"a new target list redirects the primary's traffic")
		Expect(updateAsDave(toEastTargets.Name, func(s *fedv1alpha1.FailoverScheme) {
			s.Spec.Primary.ClusterName = "central" // a primary dave may place on
		})).To(MatchError(ContainSubstring("dave may not fail traffic over to Upstreams in namespace team-a of cluster east")),
			"a new primary gets a client the targets' gateways accept")
	})

	It("checks each of 20 targets by name, and asks for the grant everywhere beyond 20", func(ctx SpecContext) {
		cfg := env.Management.RESTConfig()
		// erin may make schemes here, and place into every namespace of
		// east, west and central by name.
		grantInNamespace(ctx, ns, "erin", rbacv1.PolicyRule{APIGroups: []string{"fed.meridian.io"}, Resources: []string{"failoverschemes"}, Verbs: []string{"create"}})
		grantPlaceInEveryNamespace(ctx, "erin", "east", "west", "central")
		asErin := rest.CopyConfig(cfg)
		asErin.Impersonate = rest.ImpersonationConfig{UserName: "erin"}
		erin := meridianclient.NewForConfigOrDie(asErin).FedV1alpha1().FailoverSchemes(ns)
		// toCentral fails east's blue over to an Upstream in each of the
		// given namespaces of central, then to north's, if any.
		toCentral := func(namespaces []string, north ...string) *fedv1alpha1.FailoverScheme {
			s := scheme("erin-many", "blue")
			target := fedv1alpha1.FailoverTarget{Cluster: "central"}
			for _, n := range namespaces {
				target.Upstreams = append(target.Upstreams, fedv1alpha1.UpstreamRef{Namespace: n, Name: "teal"})
			}
			s.Spec.FailoverGroups = []fedv1alpha1.FailoverGroup{{PriorityGroup: []fedv1alpha1.FailoverTarget{target}}}
			if len(north) > 0 {
				n := fedv1alpha1.FailoverTarget{Cluster: "north"}
				for _, ns := range north {
					n.Upstreams = append(n.Upstreams, fedv1alpha1.UpstreamRef{Namespace: ns, Name: "teal"})
				}
				s.Spec.FailoverGroups = append(s.Spec.FailoverGroups, fedv1alpha1.FailoverGroup{PriorityGroup: []fedv1alpha1.FailoverTarget{n}})
			}
			return s
		}
		dryRun := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}
		Eventually(func() error {
			_, err := erin.Create(ctx, toCentral(tenantNamespaces(20)), dryRun)
			return err
		}).WithContext(ctx).WithTimeout(30*time.Second).Should(Succeed(), "20 targets, each allowed by name")
		_, err := erin.Create(ctx, toCentral(tenantNamespaces(19), "team-a"), dryRun)
		Expect(err).To(MatchError(ContainSubstring("erin may not fail traffic over to Upstreams in namespace team-a of cluster north")),
			"the 20th target is checked")
		_, err = erin.Create(ctx, toCentral(tenantNamespaces(21)), dryRun)
		Expect(err).To(MatchError(ContainSubstring(
			`erin may not fail over to 21 (cluster, namespace) targets: beyond 20, a scheme needs verb "place" on every fed.meridian.io kubernetescluster in every namespace`)))
		_, err = erin.Create(ctx, toCentral(tenantNamespaces(65)), dryRun)
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "a target's Upstreams are bounded, as the cost of admission's checks: %v", err)
		Expect(err).To(MatchError(ContainSubstring("must have at most 64 items")))
	})

	It("composes with a FederatedUpstream primary: each owns its fields, neither counts the other's as drift", func(ctx SpecContext) {
		mgmt := dynamic.NewForConfigOrDie(env.Management.RESTConfig())
		fed := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": fedv1alpha1.SchemeGroupVersion.String(), "kind": "FederatedUpstream",
			"metadata": map[string]any{"name": "fed-blue", "namespace": ns},
			"spec": map[string]any{
				"template":  map[string]any{"spec": map[string]any{"kube": kubeSpec("fed-blue"), "healthChecks": healthChecks}},
				"placement": placementOf([]string{"east"}, []string{"team-a"}),
			},
		}}
		_, err := mgmt.Resource(fedUpstreamsGVR).Namespace(ns).Create(ctx, fed, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		placed := func(g Gomega) *unstructured.Unstructured {
			u, err := member(env, "east").Resource(upstreamsGVR).Namespace("team-a").Get(ctx, "fed-blue", metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			return u
		}
		Eventually(func(g Gomega) { placed(g) }).WithTimeout(30 * time.Second).Should(Succeed())
		_, err = meridianCS.FedV1alpha1().FailoverSchemes(ns).Create(ctx, scheme("fed-blue", "fed-blue"), metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		Eventually(func(g Gomega) {
			g.Expect(schemeStatus(ctx, "fed-blue").State).To(Equal(fedv1alpha1.FailoverAccepted))
			_, has, _ := unstructured.NestedFieldNoCopy(placed(g).Object, "spec", "failover")
			g.Expect(has).To(BeTrue())
		}).WithTimeout(30 * time.Second).Should(Succeed())
		// Through the placement's resyncs (--resync=10s here): the field
		// stays, the copy is not drift, and each manager owns its own.
		Consistently(func(g Gomega) {
			u := placed(g)
			_, has, _ := unstructured.NestedFieldNoCopy(u.Object, "spec", "failover")
			g.Expect(has).To(BeTrue(), "spec.failover")
			got, _, _ := unstructured.NestedMap(u.Object, "spec", "kube")
			g.Expect(got).To(Equal(kubeSpec("fed-blue")))
			f, err := mgmt.Resource(fedUpstreamsGVR).Namespace(ns).Get(ctx, "fed-blue", metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			placements, _, _ := unstructured.NestedSlice(f.Object, "status", "placements")
			g.Expect(placements).To(HaveLen(1))
			g.Expect(placements[0]).To(HaveKeyWithValue("state", "Placed"))
			g.Expect(placements[0]).NotTo(HaveKey("drifted"))
		}).WithTimeout(15 * time.Second).WithPolling(time.Second).Should(Succeed())
		managers := map[string]string{}
		for _, mf := range placed(Default).GetManagedFields() {
			managers[mf.Manager] = string(mf.FieldsV1.Raw)
		}
		Expect(managers).To(HaveKeyWithValue(failover.FieldManager, ContainSubstring(`"f:failover"`)))
		Expect(managers[failover.FieldManager]).NotTo(ContainSubstring(`"f:kube"`))
		Expect(managers).To(HaveKeyWithValue(placement.FieldManager, ContainSubstring(`"f:kube"`)))
		Expect(managers[placement.FieldManager]).NotTo(ContainSubstring(`"f:failover"`))

		Expect(meridianCS.FedV1alpha1().FailoverSchemes(ns).Delete(ctx, "fed-blue", metav1.DeleteOptions{})).To(Succeed())
		Eventually(func(g Gomega) {
			_, has, _ := unstructured.NestedFieldNoCopy(placed(g).Object, "spec", "failover")
			g.Expect(has).To(BeFalse())
		}).WithTimeout(30 * time.Second).Should(Succeed())
		Expect(mgmt.Resource(fedUpstreamsGVR).Namespace(ns).Delete(ctx, "fed-blue", metav1.DeleteOptions{})).To(Succeed())
	})

	It("removes spec.failover, and nothing else, when the scheme is deleted", func(ctx SpecContext) {
		Expect(meridianCS.FedV1alpha1().FailoverSchemes(ns).Delete(ctx, "blue", metav1.DeleteOptions{})).To(Succeed())
		Eventually(func() bool {
			_, err := meridianCS.FedV1alpha1().FailoverSchemes(ns).Get(ctx, "blue", metav1.GetOptions{})
			return err != nil
		}).WithTimeout(30 * time.Second).Should(BeTrue())
		Expect(primarySpec(ctx)).To(Equal(map[string]any{"kube": kubeSpec("blue"), "healthChecks": healthChecks}))
		// No scheme needs the data plane now: it leaves the members; the
		// CA stays for the next scheme.
		Eventually(func(g Gomega) {
			for cluster, name := range map[string]string{"west": failover.DownstreamSecret, "central": failover.DownstreamSecret, "east": failover.UpstreamSecret} {
				_, err := kubernetes.NewForConfigOrDie(env.Member(cluster).RESTConfig()).CoreV1().Secrets("gloo-system").Get(ctx, name, metav1.GetOptions{})
				g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "%s/%s: %v", cluster, name, err)
			}
		}).WithTimeout(60 * time.Second).Should(Succeed())
	})

	AfterAll(func(ctx SpecContext) {
		if centralOwn == nil {
			return
		}
		// Whatever the specs left: no scheme needs central's data plane, so
		// Meridian's Secret leaves it, and the installation's own goes back.
		if err := meridianCS.FedV1alpha1().FailoverSchemes(ns).Delete(ctx, "blue", metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			Expect(err).NotTo(HaveOccurred())
		}
		secrets := kubernetes.NewForConfigOrDie(env.Member("central").RESTConfig()).CoreV1().Secrets("gloo-system")
		Eventually(func(g Gomega) {
			_, err := secrets.Get(ctx, failover.DownstreamSecret, metav1.GetOptions{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "Meridian's copy in central: %v", err)
		}).WithTimeout(60 * time.Second).Should(Succeed())
		_, err := secrets.Create(ctx, centralOwn, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred(), "central's own Secret put back")
	})
})
