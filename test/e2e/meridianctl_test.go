package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	applycorev1 "k8s.io/client-go/applyconfigurations/core/v1"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/check"
	"github.com/meridianfed/meridian/pkg/devenv"
	"github.com/meridianfed/meridian/pkg/install"
	"github.com/meridianfed/meridian/pkg/registration"
)

// cliResult is what one meridianctl run printed and returned.
type cliResult struct {
	stdout, stderr string
	code           int
}

func (r cliResult) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// clusterState lists every object of every listable resource of a cluster
// (kind, namespace, name), for "left as it was" comparisons. Events come and
// go on their own and are left out.
func clusterState(ctx context.Context, cfg *rest.Config) []string {
	disco, err := discovery.NewDiscoveryClientForConfig(cfg)
	Expect(err).NotTo(HaveOccurred())
	dyn, err := dynamic.NewForConfig(cfg)
	Expect(err).NotTo(HaveOccurred())
	lists, err := disco.ServerPreferredResources()
	Expect(err).NotTo(HaveOccurred())
	var out []string
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		Expect(err).NotTo(HaveOccurred())
		for _, r := range l.APIResources {
			if !slices.Contains(r.Verbs, "list") || r.Name == "events" || r.Name == "componentstatuses" {
				continue
			}
			items, err := dyn.Resource(gv.WithResource(r.Name)).List(ctx, metav1.ListOptions{})
			if err != nil {
				out = append(out, fmt.Sprintf("%s.%s: list failed: %v", r.Name, gv.Group, err))
				continue
			}
			for _, it := range items.Items {
				out = append(out, fmt.Sprintf("%s.%s %s/%s", r.Name, gv.Group, it.GetNamespace(), it.GetName()))
			}
		}
	}
	slices.Sort(out)
	return out
}

var _ = Describe("meridianctl on a real management cluster: install, register, list, check, deregister, uninstall", Ordered, func() {
	var (
		cli        string
		server     string
		controller string
		cenv       *devenv.Environment
		port       int
		before     []string
		mgmtCfg    *rest.Config
	)

	run := func(ctx context.Context, stdin string, args ...string) cliResult {
		cmd := exec.CommandContext(ctx, cli, args...)
		cmd.Env = append(os.Environ(), "KUBECONFIG="+cenv.Management.Kubeconfig)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		cmd.Stdin = strings.NewReader(stdin)
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			Expect(err).NotTo(HaveOccurred())
		}
		fmt.Fprintf(GinkgoWriter, "$ meridianctl %s\n%s\n", strings.Join(args, " "), cliResult{stdout.String(), stderr.String(), code})
		return cliResult{stdout.String(), stderr.String(), code}
	}

	BeforeAll(func(ctx SpecContext) {
		cli = buildBinary(ctx, "./cmd/meridianctl")
		server = buildBinary(ctx, "./cmd/apiserver")
		controller = buildBinary(ctx, "./cmd/controller")
		dir := GinkgoT().TempDir()
		var err error
		cenv, err = devenv.Start(ctx, devenv.Options{Dir: dir, Members: []string{"east", "west", "north"}, Progress: GinkgoWriter})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(cenv.Stop)
		for i, m := range cenv.Members {
			Expect(devenv.InstallCRDs(ctx, m.RESTConfig(), glooCRDs()...)).To(Succeed())
			if m.Name != "north" {
				installGloo(ctx, m, i)
			}
		}
		mgmtCfg = cenv.Management.RESTConfig()
		before = clusterState(ctx, mgmtCfg)
		port, err = devenv.FreePort()
		Expect(err).NotTo(HaveOccurred())
	}, NodeTimeout(4*time.Minute))

	It("install applies everything, waits with progress until Meridian serves, and changes nothing when run again", func(ctx SpecContext) {
		// The aggregated server runs on this machine (no kubelet here), so
		// install gets --external-apiserver and the test starts the server
		// once install has issued its certificate.
		cmd := exec.CommandContext(ctx, cli, "install", "--external-apiserver", "localhost:"+strconv.Itoa(port), "--external-controller", "--timeout", "2m")
		cmd.Env = append(os.Environ(), "KUBECONFIG="+cenv.Management.Kubeconfig)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		Expect(cmd.Start()).To(Succeed())
		// The APIService is applied last: then the certificate and the
		// server's ServiceAccount exist.
		Eventually(func() string { return install.APIServiceStatus(ctx, mgmtCfg) }).
			WithContext(ctx).WithTimeout(time.Minute).ShouldNot(Equal("not found"), "install applies the APIService")
		opts := devenv.MeridianOptions{
			APIServer: server, Controller: controller, Port: port,
			ExtraArgs: []string{"--member-remove-after=3s"},
			// east registers with a 10-minute token: renewed after 30s.
			ControllerArgs: []string{"--token-renew-fraction=0.05"},
		}
		m, err := cenv.RunMeridianAPIServer(ctx, opts)
		Expect(err).NotTo(HaveOccurred())
		AddReportEntry("meridianctl spec: apiserver log", m.APIServerLog)
		Expect(m.RunController(ctx, cenv, opts)).To(Succeed())
		AddReportEntry("meridianctl spec: controller log", m.ControllerLog)
		err = cmd.Wait()
		fmt.Fprintf(GinkgoWriter, "install:\n%s\n%s\n", stdout.String(), stderr.String())
		Expect(err).NotTo(HaveOccurred(), "install succeeds: %s", stderr.String())
		Expect(stderr.String()).To(ContainSubstring("waiting for Meridian to be ready"))
		Expect(stderr.String()).To(ContainSubstring("APIService v1alpha1.views.meridian.io: Available"))
		Expect(stderr.String()).To(ContainSubstring("controller: leading"))
		Expect(stdout.String()).To(ContainSubstring("Meridian is installed"))

		again := run(ctx, "", "install", "--external-apiserver", "localhost:"+strconv.Itoa(port), "--external-controller")
		Expect(again.code).To(Equal(0), again.String())
		Expect(again.stderr).To(ContainSubstring("nothing changed"))

		dry := run(ctx, "", "install", "--dry-run=client", "-o", "yaml")
		Expect(dry.code).To(Equal(0), dry.String())
		Expect(dry.stdout).To(ContainSubstring("kind: APIService"))
		Expect(dry.stdout).To(ContainSubstring("caBundle: "))
		Expect(dry.stdout).NotTo(ContainSubstring("PRIVATE KEY"), "the serving key is never printed")
		Expect(dry.stdout).NotTo(ContainSubstring("insecureSkipTLSVerify"))
	}, SpecTimeout(4*time.Minute))

	It("registers two members from their kubeconfigs; cluster list and kubectl get glooinstances show them", func(ctx SpecContext) {
		for _, name := range []string{"east", "west"} {
			ttl := "24h"
			if name == "east" {
				ttl = "10m" // the shortest TokenRequest allows; the renewal spec watches it
			}
			r := run(ctx, "", "cluster", "register", "--cluster-name", name, "--remote-kubeconfig", cenv.Member(name).Kubeconfig, "--token-ttl", ttl,
				"--secret-namespaces", "gloo-system")
			Expect(r.code).To(Equal(0), r.String())
			Expect(r.stdout).To(ContainSubstring("cluster " + name + " registered"))
		}
		Eventually(func(g Gomega) {
			r := run(ctx, "", "cluster", "list")
			g.Expect(r.code).To(Equal(0), r.String())
			for _, name := range []string{"east", "west"} {
				g.Expect(r.stdout).To(MatchRegexp(`(?m)^%s\s+True\s+v1\.37\.2\s+gloo-system/%s-gloo-system\s+\d+s ago`, name, name))
			}
		}).WithContext(ctx).WithTimeout(90 * time.Second).WithPolling(2 * time.Second).Should(Succeed())
		out, err := kubectl(ctx, cenv.Management.Kubeconfig, "get", "glooinstances", "-A")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(ContainSubstring("east-gloo-system"))
		Expect(out).To(ContainSubstring("west-gloo-system"))
	}, SpecTimeout(3*time.Minute))

	It("the member ServiceAccount can do nothing beyond its ClusterRole", func(ctx SpecContext) {
		sa := "system:serviceaccount:meridian-system:" + registration.ServiceAccountName("east")
		canI := func(args ...string) bool {
			out, err := kubectl(ctx, cenv.Member("east").Kubeconfig, append([]string{"auth", "can-i", "--as", sa}, args...)...)
			if err != nil {
				lines := strings.Split(strings.TrimSpace(out), "\n")
				Expect(lines[len(lines)-1]).To(Equal("no"), "kubectl auth can-i %v: %s", args, out)
				return false
			}
			return true
		}
		allowed := [][]string{
			{"list", "upstreams.gloo.solo.io", "-A"},
			{"watch", "virtualservices.gateway.solo.io", "-A"},
			{"list", "proxies.gloo.solo.io", "-A"},
			{"create", "upstreams.gloo.solo.io", "-n", "team-a"},
			{"delete", "virtualservices.gateway.solo.io", "-n", "team-a"},
			{"patch", "ratelimitconfigs.ratelimit.solo.io", "-n", "gloo-system"},
			{"list", "pods", "-A"},
			{"list", "nodes"},
			{"watch", "deployments.apps", "-A"},
			// Renewing its own token; deregistration (deleting the
			// ServiceAccount) revokes every token it ever got.
			{"create", "serviceaccounts/" + registration.ServiceAccountName("east"), "--subresource=token", "-n", "meridian-system"},
			{"create", "secrets", "-n", "gloo-system"}, // FederatedSecret, in the opted-in namespace only
			{"delete", "secrets", "-n", "gloo-system"},
		}
		denied := [][]string{
			{"create", "proxies.gloo.solo.io", "-n", "gloo-system"},
			{"get", "secrets/gloo-tls", "-n", "gloo-system"},
			{"get", "secrets", "-n", "kube-system"},
			{"list", "secrets", "-n", "gloo-system"},
			{"list", "secrets", "-A"},
			{"watch", "secrets", "-n", "meridian-system"},
			{"create", "secrets", "-n", "kube-system"},
			{"update", "secrets", "-n", "default"},
			{"create", "serviceaccounts/token", "-n", "kube-system"},
			{"create", "serviceaccounts/default", "--subresource=token", "-n", "kube-system"},
			{"create", "rolebindings.rbac.authorization.k8s.io", "-n", "gloo-system"},
			{"create", "clusterrolebindings.rbac.authorization.k8s.io"},
			{"create", "pods", "-n", "gloo-system"},
			{"delete", "validatingadmissionpolicies.admissionregistration.k8s.io"},
			{"create", "deployments.apps", "-n", "gloo-system"},
			{"delete", "pods", "-n", "gloo-system"},
			{"list", "configmaps", "-A"},
			{"create", "namespaces"},
			{"update", "clusterroles.rbac.authorization.k8s.io"},
			{"create", "serviceaccounts/default", "--subresource=token", "-n", "meridian-system"},
		}
		for _, a := range allowed {
			Expect(canI(a...)).To(BeTrue(), "the member credential may %v", a)
		}
		for _, d := range denied {
			Expect(canI(d...)).To(BeFalse(), "the member credential may not %v", d)
		}

		By("writing as the member credential: the admission policy refuses every Secret Meridian did not place, and token Secrets")
		admin := kubernetes.NewForConfigOrDie(cenv.Member("east").RESTConfig())
		asMeridian := rest.CopyConfig(cenv.Member("east").RESTConfig())
		asMeridian.Impersonate = rest.ImpersonationConfig{UserName: sa}
		meridianKube := kubernetes.NewForConfigOrDie(asMeridian)
		foreign := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "not-meridians", Namespace: "gloo-system"}, StringData: map[string]string{"password": "hunter2"}}
		_, err := admin.CoreV1().Secrets("gloo-system").Create(ctx, foreign, metav1.CreateOptions{})
		if !apierrors.IsAlreadyExists(err) {
			Expect(err).NotTo(HaveOccurred())
		}
		owned := func(name string, typ corev1.SecretType) *corev1.Secret {
			return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "gloo-system",
				Annotations: map[string]string{fedv1alpha1.OwnerAnnotation: "FederatedSecret/fed/" + name}}, Type: typ}
		}
		refusals := map[string]error{}
		_, refusals["create without the owner annotation"] = meridianKube.CoreV1().Secrets("gloo-system").Create(ctx,
			&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "unmarked", Namespace: "gloo-system"}}, metav1.CreateOptions{})
		tokenSecret := owned("steal-a-token", corev1.SecretTypeServiceAccountToken)
		tokenSecret.Annotations[corev1.ServiceAccountNameKey] = "default"
		_, refusals["create a token Secret"] = meridianKube.CoreV1().Secrets("gloo-system").Create(ctx, tokenSecret, metav1.CreateOptions{})
		marked := foreign.DeepCopy()
		marked.Annotations = map[string]string{fedv1alpha1.OwnerAnnotation: "FederatedSecret/fed/x"}
		_, refusals["apply over a foreign Secret"] = meridianKube.CoreV1().Secrets("gloo-system").Apply(ctx,
			applycorev1.Secret("not-meridians", "gloo-system").WithAnnotations(marked.Annotations), metav1.ApplyOptions{FieldManager: "meridian-controller", Force: true})
		refusals["delete a foreign Secret"] = meridianKube.CoreV1().Secrets("gloo-system").Delete(ctx, "not-meridians", metav1.DeleteOptions{})
		_, refusals["read a Secret"] = meridianKube.CoreV1().Secrets("gloo-system").Get(ctx, "not-meridians", metav1.GetOptions{})
		_, refusals["create in a namespace not opted in"] = meridianKube.CoreV1().Secrets("kube-system").Create(ctx, owned("x", corev1.SecretTypeOpaque), metav1.CreateOptions{})
		for what, err := range refusals {
			Expect(apierrors.IsForbidden(err)).To(BeTrue(), "%s: got %v", what, err)
			Expect(err.Error()).NotTo(ContainSubstring("hunter2"), "%s: the refusal carries the Secret's content", what)
		}
		got, err := admin.CoreV1().Secrets("gloo-system").Get(ctx, "not-meridians", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred(), "the foreign Secret is still there")
		Expect(got.Annotations).NotTo(HaveKey(fedv1alpha1.OwnerAnnotation), "and untouched")

		By("what Meridian places it may update and delete")
		_, err = meridianKube.CoreV1().Secrets("gloo-system").Create(ctx, owned("placed-by-meridian", corev1.SecretTypeOpaque), metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		moved := owned("placed-by-meridian", corev1.SecretTypeOpaque)
		moved.Annotations[fedv1alpha1.OwnerAnnotation] = "FederatedSecret/other/placed-by-meridian"
		_, err = meridianKube.CoreV1().Secrets("gloo-system").Update(ctx, moved, metav1.UpdateOptions{})
		Expect(apierrors.IsForbidden(err)).To(BeTrue(), "a Secret never moves to another owner: got %v", err)
		Expect(meridianKube.CoreV1().Secrets("gloo-system").Delete(ctx, "placed-by-meridian", metav1.DeleteOptions{})).To(Succeed())

		By("changing the opted-in namespaces later")
		r := run(ctx, "", "cluster", "secret-namespaces", "team-a", "--cluster-name", "east", "--remote-kubeconfig", cenv.Member("east").Kubeconfig)
		Expect(r.code).To(Equal(0), r.String())
		Expect(canI("create", "secrets", "-n", "team-a")).To(BeTrue())
		Expect(canI("create", "secrets", "-n", "gloo-system")).To(BeFalse())
		r = run(ctx, "", "cluster", "secret-namespaces", "gloo-system", "--cluster-name", "east", "--remote-kubeconfig", cenv.Member("east").Kubeconfig)
		Expect(r.code).To(Equal(0), r.String())
		Expect(canI("create", "secrets", "-n", "gloo-system")).To(BeTrue())
		Expect(canI("create", "secrets", "-n", "team-a")).To(BeFalse())
	}, SpecTimeout(2*time.Minute))

	It("check reports the Rejected VirtualService in west with its reference and exits non-zero", func(ctx SpecContext) {
		r := run(ctx, "", "check")
		Expect(r.code).To(Equal(1), r.String())
		Expect(r.stdout).To(ContainSubstring("Gloo 1.17.12 in cluster west"))
		Expect(r.stdout).To(MatchRegexp(`error:\s+team-a/orders: .*InvalidDestinationErr`))
		Expect(r.stdout).To(ContainSubstring("Problems detected!"))

		j := run(ctx, "", "check", "-o", "json")
		Expect(j.code).To(Equal(1), j.String())
		var report check.Report
		Expect(json.Unmarshal([]byte(j.stdout), &report)).To(Succeed())
		Expect(report.OK).To(BeFalse())
		var refs []string
		for _, in := range report.Instances {
			for _, k := range in.Kinds {
				if k.Kind == "VirtualServices" {
					for _, e := range k.Errors {
						refs = append(refs, in.Cluster+":"+e.Ref)
					}
				}
			}
		}
		Expect(refs).To(ConsistOf("west:team-a/orders"))
	}, SpecTimeout(time.Minute))

	It("the controller renews a member's token before it expires, and the member stays connected", func(ctx SpecContext) {
		kube := kubernetes.NewForConfigOrDie(mgmtCfg)
		tokenOf := func() (string, time.Time) {
			s, err := kube.CoreV1().Secrets(install.DefaultNamespace).Get(ctx, registration.SecretName("east"), metav1.GetOptions{})
			Expect(err).NotTo(HaveOccurred())
			cfg, err := clientcmd.Load(s.Data["kubeconfig"])
			Expect(err).NotTo(HaveOccurred())
			tok := cfg.AuthInfos[cfg.Contexts[cfg.CurrentContext].AuthInfo].Token
			parts := strings.Split(tok, ".")
			Expect(parts).To(HaveLen(3))
			payload, err := base64.RawURLEncoding.DecodeString(parts[1])
			Expect(err).NotTo(HaveOccurred())
			var claims struct{ Exp int64 }
			Expect(json.Unmarshal(payload, &claims)).To(Succeed())
			return tok, time.Unix(claims.Exp, 0)
		}
		first, firstExp := tokenOf()
		Eventually(func() string { tok, _ := tokenOf(); return tok }).WithContext(ctx).WithTimeout(2*time.Minute).WithPolling(2*time.Second).
			ShouldNot(Equal(first), "the 10-minute token is renewed once 5%% of its life has passed")
		_, exp := tokenOf()
		Expect(exp).To(BeTemporally(">", firstExp), "the new token lives longer")
		Expect(exp.Sub(time.Now())).To(BeNumerically(">", 9*time.Minute), "and as long as the first was issued for")
		Eventually(func(g Gomega) {
			r := run(ctx, "", "cluster", "list")
			g.Expect(r.stdout).To(MatchRegexp(`(?m)^east\s+True\s+`))
		}).WithContext(ctx).WithTimeout(time.Minute).Should(Succeed(), "the aggregated server reconnects with the new token")
	}, SpecTimeout(4*time.Minute))

	It("register refuses a wrong context, an unreachable member, missing permissions and a name in use, leaving nothing behind", func(ctx SpecContext) {
		kube := kubernetes.NewForConfigOrDie(mgmtCfg)
		registrations := func() []string {
			var out []string
			secrets, err := kube.CoreV1().Secrets(install.DefaultNamespace).List(ctx, metav1.ListOptions{})
			Expect(err).NotTo(HaveOccurred())
			for _, s := range secrets.Items {
				out = append(out, "Secret "+s.Name)
			}
			kcs := run(ctx, "", "cluster", "list", "-o", "json")
			Expect(kcs.code).To(Equal(0), kcs.String())
			var rows []struct{ Name string }
			Expect(json.Unmarshal([]byte(kcs.stdout), &rows)).To(Succeed())
			for _, r := range rows {
				out = append(out, "KubernetesCluster "+r.Name)
			}
			slices.Sort(out)
			return out
		}
		mgmtBefore := registrations()
		north := cenv.Member("north")
		northKube := kubernetes.NewForConfigOrDie(north.RESTConfig())
		nothingOnNorth := func(g Gomega) {
			_, err := northKube.CoreV1().Namespaces().Get(ctx, "meridian-system", metav1.GetOptions{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "namespace meridian-system on north: %v", err)
			_, err = northKube.RbacV1().ClusterRoleBindings().Get(ctx, registration.ServiceAccountName("north"), metav1.GetOptions{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "ClusterRoleBinding on north: %v", err)
			_, err = northKube.RbacV1().ClusterRoles().Get(ctx, registration.MemberClusterRole, metav1.GetOptions{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "ClusterRole on north: %v", err)
		}

		r := run(ctx, "", "cluster", "register", "--cluster-name", "north", "--remote-kubeconfig", north.Kubeconfig, "--remote-context", "nope")
		Expect(r.code).NotTo(Equal(0), r.String())
		Expect(r.stderr).To(ContainSubstring(`context "nope"`))

		closed, err := devenv.FreePort()
		Expect(err).NotTo(HaveOccurred())
		unreachable := writeKubeconfig(GinkgoT().TempDir(), "gone", "https://127.0.0.1:"+strconv.Itoa(closed), north.CAData, &clientcmdapi.AuthInfo{Token: "irrelevant"})
		r = run(ctx, "", "cluster", "register", "--cluster-name", "gone", "--remote-kubeconfig", unreachable)
		Expect(r.code).NotTo(Equal(0), r.String())
		Expect(r.stderr).To(ContainSubstring("cannot reach the member cluster"))

		// The token would travel in clear: refused before anything is written.
		r = run(ctx, "", "cluster", "register", "--cluster-name", "north", "--remote-kubeconfig", north.Kubeconfig, "--server-override", "http://127.0.0.1:1")
		Expect(r.code).NotTo(Equal(0), r.String())
		Expect(r.stderr).To(ContainSubstring("is not an https URL"))

		r = run(ctx, "", "cluster", "register", "--cluster-name", "east", "--remote-kubeconfig", north.Kubeconfig)
		Expect(r.code).NotTo(Equal(0), r.String())
		Expect(r.stderr).To(ContainSubstring(`a cluster named "east" is already registered`))

		// A member credential that may create the namespace and the
		// ServiceAccount but not the RBAC: register gets halfway on the
		// member, fails, and removes what it made.
		limited := limitedKubeconfig(ctx, north, northKube)
		r = run(ctx, "", "cluster", "register", "--cluster-name", "north", "--remote-kubeconfig", limited)
		Expect(r.code).NotTo(Equal(0), r.String())
		Expect(r.stderr).To(ContainSubstring("ClusterRole meridian-member on the member"))
		Expect(r.stderr).To(ContainSubstring("forbidden"))

		Eventually(nothingOnNorth).WithContext(ctx).WithTimeout(time.Minute).Should(Succeed())
		_, err = northKube.CoreV1().ServiceAccounts("meridian-system").Get(ctx, registration.ServiceAccountName("north"), metav1.GetOptions{})
		Expect(apierrors.IsNotFound(err)).To(BeTrue(), "ServiceAccount on north: %v", err)
		Expect(registrations()).To(Equal(mgmtBefore), "the management cluster is untouched")
	}, SpecTimeout(3*time.Minute))

	It("deregister removes every object register created, on both sides", func(ctx SpecContext) {
		east := kubernetes.NewForConfigOrDie(cenv.Member("east").RESTConfig())
		kube := kubernetes.NewForConfigOrDie(mgmtCfg)
		name := registration.ServiceAccountName("east")
		type object struct {
			what string
			get  func() error
		}
		created := []object{
			{"member Namespace meridian-system", func() error {
				_, err := east.CoreV1().Namespaces().Get(ctx, "meridian-system", metav1.GetOptions{})
				return err
			}},
			{"member ServiceAccount", func() error {
				_, err := east.CoreV1().ServiceAccounts("meridian-system").Get(ctx, name, metav1.GetOptions{})
				return err
			}},
			{"member Role", func() error {
				_, err := east.RbacV1().Roles("meridian-system").Get(ctx, name, metav1.GetOptions{})
				return err
			}},
			{"member RoleBinding", func() error {
				_, err := east.RbacV1().RoleBindings("meridian-system").Get(ctx, name, metav1.GetOptions{})
				return err
			}},
			{"member ClusterRoleBinding", func() error {
				_, err := east.RbacV1().ClusterRoleBindings().Get(ctx, name, metav1.GetOptions{})
				return err
			}},
			{"member ClusterRole", func() error {
				_, err := east.RbacV1().ClusterRoles().Get(ctx, registration.MemberClusterRole, metav1.GetOptions{})
				return err
			}},
			{"management Secret", func() error {
				_, err := kube.CoreV1().Secrets(install.DefaultNamespace).Get(ctx, registration.SecretName("east"), metav1.GetOptions{})
				return err
			}},
			{"management KubernetesCluster", func() error {
				_, err := dynamic.NewForConfigOrDie(mgmtCfg).Resource(schema.GroupVersionResource{Group: "fed.meridian.io", Version: "v1alpha1", Resource: "kubernetesclusters"}).
					Namespace(install.DefaultNamespace).Get(ctx, "east", metav1.GetOptions{})
				return err
			}},
		}
		for _, o := range created {
			Expect(o.get()).To(Succeed(), "register created the %s", o.what)
		}
		r := run(ctx, "", "cluster", "deregister", "--cluster-name", "east", "--remote-kubeconfig", cenv.Member("east").Kubeconfig)
		Expect(r.code).To(Equal(0), r.String())
		for _, o := range created {
			Eventually(func() bool { return apierrors.IsNotFound(o.get()) }).WithContext(ctx).WithTimeout(time.Minute).Should(BeTrue(), "deregister removes the %s", o.what)
		}
		Eventually(func() string {
			out, _ := kubectl(ctx, cenv.Management.Kubeconfig, "get", "glooinstances", "-A")
			return out
		}).WithContext(ctx).WithTimeout(30 * time.Second).ShouldNot(ContainSubstring("east-gloo-system"))
	}, SpecTimeout(3*time.Minute))

	It("deregister --force removes the management side of a member that is gone, and says what stays", func(ctx SpecContext) {
		cenv.Member("west").Stop()
		DeferCleanup(func(ctx SpecContext) { Expect(cenv.Member("west").Start(ctx)).To(Succeed()) })
		r := run(ctx, "", "cluster", "deregister", "--cluster-name", "west", "--remote-kubeconfig", cenv.Member("west").Kubeconfig)
		Expect(r.code).NotTo(Equal(0), r.String())
		Expect(r.stderr).To(ContainSubstring("--force"))

		r = run(ctx, "", "cluster", "deregister", "--cluster-name", "west", "--force")
		Expect(r.code).To(Equal(0), r.String())
		Expect(r.stderr).To(ContainSubstring("leaving the member side of west"))
		list := run(ctx, "", "cluster", "list", "-o", "json")
		Expect(list.stdout).To(MatchJSON("[]"))
	}, SpecTimeout(2*time.Minute))

	It("uninstall --all asks first, then leaves the management cluster as it was", func(ctx SpecContext) {
		r := run(ctx, "n\n", "uninstall", "--all")
		Expect(r.code).NotTo(Equal(0), r.String())
		Expect(r.stderr).To(ContainSubstring("Proceed?"))
		Expect(install.APIServiceStatus(ctx, mgmtCfg)).To(Equal("Available"), "answering no removes nothing")

		// A federated object the controller keeps a finalizer on: --all
		// must let the controller release it before removing the controller,
		// or the CRD and the namespace stay Terminating.
		fed := dynamic.NewForConfigOrDie(mgmtCfg).Resource(fedUpstreamsGVR).Namespace("default")
		up := federatedObject("FederatedUpstream", "left-behind", map[string]any{
			"template":  map[string]any{"spec": map[string]any{"static": map[string]any{"hosts": []any{map[string]any{"addr": "10.0.0.1", "port": int64(80)}}}}},
			"placement": placementOf([]string{"north"}, []string{"default"}),
		}, nil, nil)
		up.SetNamespace("default")
		_, err := fed.Create(ctx, up, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		Eventually(func(g Gomega) {
			u, err := fed.Get(ctx, "left-behind", metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(u.GetFinalizers()).NotTo(BeEmpty())
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())

		r = run(ctx, "", "uninstall", "--all", "--yes")
		Expect(r.code).To(Equal(0), r.String())
		Expect(r.stderr).To(MatchRegexp(`deleted APIService v1alpha1.views.meridian.io(.|\n)*deleted CustomResourceDefinition(.|\n)*deleted Namespace meridian-system`))
		Eventually(func() []string { return clusterState(ctx, mgmtCfg) }).WithContext(ctx).WithTimeout(time.Minute).WithPolling(2 * time.Second).Should(Equal(before))
	}, SpecTimeout(3*time.Minute))
})

// writeKubeconfig writes a one-context kubeconfig and returns its path.
func writeKubeconfig(dir, name, server string, ca []byte, user *clientcmdapi.AuthInfo) string {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[name] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos[name] = user
	cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
	cfg.CurrentContext = name
	path := filepath.Join(dir, name+".kubeconfig")
	Expect(clientcmd.WriteToFile(*cfg, path)).To(Succeed())
	return path
}

// limitedKubeconfig is a kubeconfig for a ServiceAccount of the member that
// may create and delete namespaces and ServiceAccounts, and nothing else.
func limitedKubeconfig(ctx context.Context, member *devenv.Cluster, kube kubernetes.Interface) string {
	_, err := kube.CoreV1().ServiceAccounts("default").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "limited"}}, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred())
	_, err = kube.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "limited"},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"namespaces", "serviceaccounts"}, Verbs: []string{"get", "create", "delete"}},
		},
	}, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred())
	_, err = kube.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "limited"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "limited"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "limited", Namespace: "default"}},
	}, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred())
	ttl := int64(3600)
	tr, err := kube.CoreV1().ServiceAccounts("default").CreateToken(ctx, "limited", &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &ttl}}, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred())
	return writeKubeconfig(GinkgoT().TempDir(), "limited", member.URL, member.CAData, &clientcmdapi.AuthInfo{Token: tr.Status.Token})
}
