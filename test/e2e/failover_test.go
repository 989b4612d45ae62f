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
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

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
				FailoverGroups: []fedv1alpha1.FailoverGroup{{PriorityGroup: []fedv1alpha1.FailoverTarget{{
					Cluster: "west", Upstreams: []fedv1alpha1.UpstreamRef{{Namespace: "team-a", Name: "green"}},
				}}}},
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
	})

	It("writes spec.failover from west's Gloo installation, kept whole by Gloo's Upstream CRD, and is Accepted", func(ctx SpecContext) {
		_, err := meridianCS.FedV1alpha1().FailoverSchemes(ns).Create(ctx, scheme("blue", "blue"), metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		var gi *viewsv1alpha1.GlooInstance
		Eventually(func() error {
			var err error
			gi, err = meridianCS.ViewsV1alpha1().GlooInstances("gloo-system").Get(ctx, "west-gloo-system", metav1.GetOptions{})
			return err
		}).WithTimeout(30*time.Second).Should(Succeed(), "west's Gloo installation in the views")
		proxy := gi.Spec.Proxies[0]
		Expect(proxy.Zones).NotTo(BeEmpty())
		want := map[string]any{"prioritizedLocalities": []any{map[string]any{"localityEndpoints": []any{map[string]any{
			"locality": map[string]any{"region": gi.Spec.Region, "zone": proxy.Zones[0]},
			"lbEndpoints": []any{map[string]any{
				"address": proxy.IngressEndpoints[0].Address, "port": int64(15443),
				"upstreamSslConfig": map[string]any{
					"secretRef":            map[string]any{"name": "failover-upstream", "namespace": "gloo-system"},
					"sni":                  "green_team-a",
					"verifySubjectAltName": []any{"west.failover.meridian.io"},
				},
			}},
		}}}}}
		Eventually(func(g Gomega) {
			g.Expect(schemeStatus(ctx, "blue").State).To(Equal(fedv1alpha1.FailoverAccepted))
		}).WithTimeout(30 * time.Second).Should(Succeed())
		spec := primarySpec(ctx)
		Expect(spec["failover"]).To(Equal(want), "field by field, as the member's Gloo CRD stored it")
		Expect(spec["kube"]).To(Equal(kubeSpec("blue")))
		Expect(spec["healthChecks"]).To(HaveLen(1))
		// Reachable once west's registration says Ready (it may still be
		// read for the first time when the scheme is first Accepted).
		Eventually(func(g Gomega) {
			st := schemeStatus(ctx, "blue")
			g.Expect(st.PriorityCount).To(Equal(int32(1)))
			g.Expect(st.Targets).To(ConsistOf(fedv1alpha1.FailoverTargetStatus{Cluster: "west", Reachable: true, GlooInstance: "west-gloo-system", Healthy: true}))
		}).WithTimeout(30 * time.Second).Should(Succeed())

		out, err := kubectl(ctx, env.Management.Kubeconfig, "get", "failoverschemes", "-n", ns)
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(MatchRegexp(`NAME\s+PRIMARY\s+PRIORITIES\s+STATE\s+AGE`))
		Expect(out).To(MatchRegexp(`blue\s+east/team-a/blue\s+1\s+Accepted`))

		// meridianctl explains the same, from the same views.
		cli := buildBinary(ctx, "./cmd/meridianctl")
		explain := exec.CommandContext(ctx, cli, "--kubeconfig", env.Management.Kubeconfig, "failover", "explain", "blue", "-n", ns)
		explained, err := explain.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(explained))
		Expect(string(explained)).To(ContainSubstring("In force now: Accepted"))
		Expect(string(explained)).To(MatchRegexp(`1\s+west\s+team-a/green\s+west-gloo-system\s+gloo-system/gateway-proxy\s+gateway-proxy\s+` + regexp.QuoteMeta(proxy.IngressEndpoints[0].Address) + `:15443\s+` + gi.Spec.Region + `\s+` + proxy.Zones[0]))
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
		// West's Gloo has its own failover Gateway (as Gloo's Helm chart
		// makes it): Meridian adds none beside it, and that Gateway, which
		// lacked its Secret, is Accepted now.
		feds, err := meridianCS.FedV1alpha1().FederatedGateways(devenv.MeridianNamespace).List(ctx, metav1.ListOptions{LabelSelector: failover.DataPlaneLabel})
		Expect(err).NotTo(HaveOccurred())
		Expect(feds.Items).To(BeEmpty())
		Eventually(func(g Gomega) {
			out, err := kubectl(ctx, env.Member("west").Kubeconfig, "get", "gateways.gateway.solo.io", "-n", "gloo-system", "gateway-proxy-failover",
				"-o", "jsonpath={.status.statuses.gloo-system.state}")
			g.Expect(err).NotTo(HaveOccurred(), out)
			g.Expect(out).To(Equal("1"), "state 1 is Accepted")
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
		Eventually(func(g Gomega) {
			st := schemeStatus(ctx, "blue")
			g.Expect(st.State).To(Equal(fedv1alpha1.FailoverAccepted))
			g.Expect(st.Targets).To(HaveLen(1))
			g.Expect(st.Targets[0].Reachable).To(BeFalse())
			g.Expect(st.Targets[0].Message).To(ContainSubstring("unreachable"))
		}).WithTimeout(90*time.Second).Should(Succeed(), "west's outage in the scheme's status")
		Expect(primarySpec(ctx)["failover"]).To(Equal(before), "its endpoints as last seen: Envoy's health checks judge the gateway")
		Expect(west.Start(ctx)).To(Succeed())
		Eventually(func(g Gomega) {
			st := schemeStatus(ctx, "blue")
			g.Expect(st.Targets).To(HaveLen(1))
			g.Expect(st.Targets[0].Reachable).To(BeTrue())
			g.Expect(st.Targets[0].Message).To(BeEmpty())
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

	It("lets a user make a primary only where RBAC lets them place, with a clear denial", func(ctx SpecContext) {
		cfg := env.Management.RESTConfig()
		kube := kubernetes.NewForConfigOrDie(cfg)
		_, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}, metav1.CreateOptions{})
		if !apierrors.IsAlreadyExists(err) {
			Expect(err).NotTo(HaveOccurred())
		}
		// dave keeps schemes in the scheme namespace, and may place into
		// namespace team-a of cluster west only.
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
			Rules:      []rbacv1.PolicyRule{{APIGroups: []string{"fed.meridian.io"}, Resources: []string{"kubernetesclusters"}, ResourceNames: []string{"west"}, Verbs: []string{"place"}}},
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
		inWest.Spec.FailoverGroups[0].PriorityGroup[0].Cluster = "east"
		_, err = dave.Create(ctx, inWest, dryRun)
		Expect(err).NotTo(HaveOccurred(), "west/team-a is allowed")
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
			for cluster, name := range map[string]string{"west": failover.DownstreamSecret, "east": failover.UpstreamSecret} {
				_, err := kubernetes.NewForConfigOrDie(env.Member(cluster).RESTConfig()).CoreV1().Secrets("gloo-system").Get(ctx, name, metav1.GetOptions{})
				g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "%s/%s: %v", cluster, name, err)
			}
		}).WithTimeout(60 * time.Second).Should(Succeed())
	})
})
