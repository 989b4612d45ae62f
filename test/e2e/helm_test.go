package e2e

import (
	"context"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"helm.sh/helm/v4/pkg/action"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	helmkube "helm.sh/helm/v4/pkg/kube"
	"helm.sh/helm/v4/pkg/release"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	certutil "k8s.io/client-go/util/cert"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/devenv"
	"github.com/meridianfed/meridian/pkg/helmchart"
	"github.com/meridianfed/meridian/pkg/install"
)

// The chart is installed with the Helm SDK into a management cluster of its
// own (the suite's already holds Meridian, installed by meridianctl's code,
// and an APIService is cluster-wide), with one member running Gloo. No
// kubelet runs here, so the chart's Deployments never get pods: with
// apiserver.external the chart's Service points at the aggregated server
// and the controller, run as local processes with the chart's
// ServiceAccounts and serving Secret, as the pods would.
var _ = Describe("The Helm chart (charts/meridian), installed with the Helm SDK", Ordered, func() {
	const (
		ns      = devenv.MeridianNamespace
		relName = helmchart.ReleaseName
		member  = "solo"
		fedNS   = "fed-helm"
		teamNS  = "team-h"
	)
	var (
		henv     *devenv.Environment
		ch       *chart.Chart
		cfg      *action.Configuration
		kube     kubernetes.Interface
		mgmt     dynamic.Interface
		port     int
		uids     map[string]types.UID
		servingA map[string][]byte
	)
	values := func() map[string]any {
		return map[string]any{"apiserver": map[string]any{"external": map[string]any{"host": "localhost", "port": port}}}
	}
	apiServiceAvailable := func(ctx context.Context) error {
		out, err := kubectl(ctx, henv.Management.Kubeconfig, "get", "apiservice", install.APIServiceName,
			"-o", `jsonpath={.status.conditions[?(@.type=="Available")].status}`)
		if err != nil {
			return err
		}
		if strings.TrimSpace(out) != "True" {
			return fmt.Errorf("APIService %s Available=%q", install.APIServiceName, out)
		}
		return nil
	}
	glooInstances := func(ctx context.Context) (string, error) {
		return kubectl(ctx, henv.Management.Kubeconfig, "get", "glooinstances", "-A")
	}
	// record returns the UIDs of what must outlive upgrade and uninstall.
	record := func(ctx context.Context) map[string]types.UID {
		GinkgoHelper()
		got := map[string]types.UID{}
		kc, err := mgmt.Resource(fedv1alpha1.SchemeGroupVersion.WithResource("kubernetesclusters")).Namespace(ns).Get(ctx, member, metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred(), "the registration of %s", member)
		got["KubernetesCluster "+member] = kc.GetUID()
		up, err := mgmt.Resource(fedUpstreamsGVR).Namespace(fedNS).Get(ctx, "petstore", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred(), "the FederatedUpstream")
		got["FederatedUpstream petstore"] = up.GetUID()
		placed, err := dynamic.NewForConfigOrDie(henv.Member(member).RESTConfig()).Resource(upstreamsGVR).Namespace(teamNS).Get(ctx, "petstore", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred(), "the Upstream placed into %s", member)
		got["placed Upstream"] = placed.GetUID()
		return got
	}

	BeforeAll(func(ctx SpecContext) {
		dir, err := os.MkdirTemp("", "meridian-helm-")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() {
			if !CurrentSpecReport().Failed() {
				os.RemoveAll(dir)
			}
		})
		henv, err = devenv.Start(ctx, devenv.Options{Dir: dir, Members: []string{member}, Progress: GinkgoWriter})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(henv.Stop)
		AddReportEntry("helm environment", dir)
		m := henv.Member(member)
		Expect(devenv.InstallCRDs(ctx, m.RESTConfig(), glooCRDs()...)).To(Succeed())
		installGloo(ctx, m, 0)

		kube = kubernetes.NewForConfigOrDie(henv.Management.RESTConfig())
		mgmt = dynamic.NewForConfigOrDie(henv.Management.RESTConfig())
		ch, err = helmchart.Load(repoRoot)
		Expect(err).NotTo(HaveOccurred())
		port, err = devenv.FreePort()
		Expect(err).NotTo(HaveOccurred())

		getter := genericclioptions.NewConfigFlags(false)
		getter.KubeConfig = &henv.Management.Kubeconfig
		namespace, cache := ns, filepath.Join(dir, "kube-cache")
		getter.Namespace, getter.CacheDir = &namespace, &cache
		// Helm's SDK logs with slog; into the spec's output, not stderr.
		cfg = action.NewConfiguration(action.ConfigurationSetLogger(slog.NewTextHandler(GinkgoWriter, nil)))
		Expect(cfg.Init(getter, ns, "secret")).To(Succeed())
		// The field manager the helm CLI uses, so a later `helm upgrade` owns the same fields.
		helmkube.ManagedFieldsManager = "helm"
	}, NodeTimeout(3*time.Minute))

	It("renders manifests the management cluster accepts (kubectl apply --dry-run=server), and so does the kustomize base", func(ctx SpecContext) {
		_, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		dir := GinkgoT().TempDir()
		for name, vals := range map[string]map[string]any{
			"defaults.yaml":  nil,
			"dashboard.yaml": {"dashboard": map[string]any{"enabled": true, "oauth2Proxy": map[string]any{"issuerURL": "https://login.example.com"}}},
		} {
			rendered, err := helmchart.Render(ch, ns, vals)
			Expect(err).NotTo(HaveOccurred())
			file := filepath.Join(dir, name)
			Expect(os.WriteFile(file, helmchart.Manifest(rendered), 0o600)).To(Succeed())
			out, err := kubectl(ctx, henv.Management.Kubeconfig, "apply", "--dry-run=server", "--server-side", "--field-manager=helm-e2e", "-f", file)
			Expect(err).NotTo(HaveOccurred(), "%s: %s", name, out)
			Expect(out).To(ContainSubstring("apiservice.apiregistration.k8s.io/v1alpha1.views.meridian.io serverside-applied (server dry run)"))
			Expect(out).To(ContainSubstring("deployment.apps/meridian-apiserver serverside-applied (server dry run)"))
		}
		// The kustomize base through the documented overlay
		// (docs/examples/kustomize), with a certificate of the user's own:
		// the overlay and artifacts/ copied side by side, as in the repository.
		tree := GinkgoT().TempDir()
		overlay := filepath.Join(tree, "docs", "examples", "kustomize")
		Expect(os.CopyFS(filepath.Join(tree, "artifacts"), os.DirFS(filepath.Join(repoRoot, "artifacts")))).To(Succeed())
		Expect(os.MkdirAll(overlay, 0o755)).To(Succeed())
		k, err := os.ReadFile(filepath.Join(repoRoot, "docs", "examples", "kustomize", "kustomization.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(filepath.Join(overlay, "kustomization.yaml"), k, 0o644)).To(Succeed())
		chain, key, err := certutil.GenerateSelfSignedCertKey("meridian-apiserver.meridian-system.svc", nil, nil)
		Expect(err).NotTo(HaveOccurred())
		crt, rest := pem.Decode(chain)
		ca, _ := pem.Decode(rest)
		Expect(crt).NotTo(BeNil())
		Expect(ca).NotTo(BeNil(), "the self-signed chain holds its CA")
		for name, data := range map[string][]byte{"tls.crt": pem.EncodeToMemory(crt), "tls.key": key, "ca.crt": pem.EncodeToMemory(ca)} {
			Expect(os.WriteFile(filepath.Join(overlay, name), data, 0o600)).To(Succeed())
		}
		built, err := kubectl(ctx, henv.Management.Kubeconfig, "kustomize", overlay)
		Expect(err).NotTo(HaveOccurred(), built)
		dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(built), 4096)
		var caBundle string
		for {
			var o unstructured.Unstructured
			if err := dec.Decode(&o.Object); err != nil {
				Expect(err).To(MatchError(io.EOF))
				break
			}
			if o.GetKind() == "APIService" {
				caBundle, _, _ = unstructured.NestedString(o.Object, "spec", "caBundle")
			}
		}
		// kustomize wraps base64 in lines, which base64 decoding skips.
		decoded, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(caBundle), ""))
		Expect(err).NotTo(HaveOccurred(), "caBundle %q", caBundle)
		Expect(decoded).To(Equal(pem.EncodeToMemory(ca)), "the APIService verifies with the overlay's CA")
		out, err := kubectl(ctx, henv.Management.Kubeconfig, "apply", "--dry-run=server", "--server-side", "--field-manager=helm-e2e", "-k", overlay)
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(ContainSubstring("customresourcedefinition.apiextensions.k8s.io/federatedupstreams.fed.meridian.io serverside-applied (server dry run)"))
		Expect(out).To(ContainSubstring("validatingadmissionpolicy.admissionregistration.k8s.io/meridian-placement serverside-applied (server dry run)"))
		Expect(out).To(ContainSubstring("secret/meridian-apiserver-serving serverside-applied (server dry run)"))
		// Nothing was persisted: the install below starts from an empty cluster.
		_, err = kube.RbacV1().ClusterRoles().Get(ctx, "meridian-view", metav1.GetOptions{})
		Expect(apierrors.IsNotFound(err)).To(BeTrue(), "a dry run persisted meridian-view: %v", err)
	})

	It("installs; with the demo's processes for the pods the APIService becomes Available and kubectl get glooinstances -A answers", func(ctx SpecContext) {
		in := action.NewInstall(cfg)
		in.ReleaseName, in.Namespace = relName, ns
		in.WaitStrategy = helmkube.HookOnlyStrategy
		in.Timeout = 2 * time.Minute
		rel, err := in.RunWithContext(ctx, ch, values())
		Expect(err).NotTo(HaveOccurred())
		acc, err := release.NewAccessor(rel)
		Expect(err).NotTo(HaveOccurred())
		Expect(acc.Version()).To(Equal(1))

		// Helm keeps the release (chart files and manifest, the CRDs in
		// both) in one Secret, which may hold 1 MiB.
		relSecret, err := kube.CoreV1().Secrets(ns).Get(ctx, "sh.helm.release.v1."+relName+".v1", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		size := len(relSecret.Data["release"])
		AddReportEntry("helm release record bytes", size)
		Expect(size).To(BeNumerically("<", 1<<20))
		serving, err := kube.CoreV1().Secrets(ns).Get(ctx, install.ServingSecret, metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred(), "the chart issues the serving Secret")
		servingA = serving.Data
		// The processes below stand in for the pods: the server's
		// Deployment is not rendered with apiserver.external; the
		// controller's is, and its pods never start here.
		_, err = kube.AppsV1().Deployments(ns).Get(ctx, install.APIServerName, metav1.GetOptions{})
		Expect(apierrors.IsNotFound(err)).To(BeTrue(), "no server Deployment with apiserver.external: %v", err)
		ctl, err := kube.AppsV1().Deployments(ns).Get(ctx, install.ControllerName, metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(*ctl.Spec.Replicas).To(Equal(int32(2)))

		opts := meridianOptions
		opts.Port = port
		m, err := henv.RunMeridianAPIServer(ctx, opts)
		Expect(err).NotTo(HaveOccurred())
		AddReportEntry("helm: meridian-apiserver log", m.APIServerLog)
		Expect(m.RunController(ctx, henv, opts)).To(Succeed())
		Expect(m.WaitAvailable(ctx, henv, time.Minute)).To(Succeed(), "the APIService the chart registered, verified with the chart's CA")
		Expect(henv.RegisterMembers(ctx)).To(Succeed())
		Expect(henv.WaitClustersReady(ctx, time.Minute)).To(Succeed())
		Eventually(glooInstances).WithContext(ctx).WithTimeout(time.Minute).Should(ContainSubstring(member))

		// A federated object, to see upgrade and uninstall keep it.
		for _, n := range []string{fedNS} {
			_, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: n}}, metav1.CreateOptions{})
			Expect(err).NotTo(HaveOccurred())
		}
		_, err = kubernetes.NewForConfigOrDie(henv.Member(member).RESTConfig()).CoreV1().Namespaces().Create(ctx,
			&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: teamNS}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		up := federatedObject("FederatedUpstream", "petstore", map[string]any{
			"template": map[string]any{
				"spec": map[string]any{"kube": map[string]any{"serviceName": "petstore", "serviceNamespace": "default", "servicePort": int64(8080)}},
			},
			"placement": placementOf([]string{member}, []string{teamNS}),
		}, nil, nil)
		up.SetNamespace(fedNS)
		_, err = mgmt.Resource(fedUpstreamsGVR).Namespace(fedNS).Create(ctx, up, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() error {
			_, err := dynamic.NewForConfigOrDie(henv.Member(member).RESTConfig()).Resource(upstreamsGVR).Namespace(teamNS).Get(ctx, "petstore", metav1.GetOptions{})
			return err
		}).WithContext(ctx).WithTimeout(time.Minute).Should(Succeed(), "the controller places the FederatedUpstream")
		uids = record(ctx)
	}, SpecTimeout(4*time.Minute))

	It("upgrades to a newer chart version and keeps every registration, federated object and the serving CA", func(ctx SpecContext) {
		// No earlier release of the chart exists: the upgrade is to this
		// chart under a newer version, with changed values.
		next := *ch
		meta := *ch.Metadata
		meta.Version = "0.1.1"
		next.Metadata = &meta
		up := action.NewUpgrade(cfg)
		up.Namespace = ns
		up.WaitStrategy = helmkube.HookOnlyStrategy
		up.Timeout = 2 * time.Minute
		vals := values()
		vals["controller"] = map[string]any{"logLevel": 4, "resync": "1m"}
		rel, err := up.RunWithContext(ctx, relName, &next, vals)
		Expect(err).NotTo(HaveOccurred())
		acc, err := release.NewAccessor(rel)
		Expect(err).NotTo(HaveOccurred())
		Expect(acc.Version()).To(Equal(2))

		ctl, err := kube.AppsV1().Deployments(ns).Get(ctx, install.ControllerName, metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(ctl.Spec.Template.Spec.Containers[0].Args).To(ContainElements("--v=4", "--resync=1m"))
		serving, err := kube.CoreV1().Secrets(ns).Get(ctx, install.ServingSecret, metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(serving.Data).To(Equal(servingA), "the upgrade reuses the serving certificate (a new CA would cut off the running replicas)")
		Expect(record(ctx)).To(Equal(uids))
		Expect(apiServiceAvailable(ctx)).To(Succeed())
		Expect(glooInstances(ctx)).To(ContainSubstring(member))
	}, SpecTimeout(3*time.Minute))

	It("uninstalls what it created, keeps the CRDs with their data, and leaves no APIService to block namespace deletion", func(ctx SpecContext) {
		un := action.NewUninstall(cfg)
		un.WaitStrategy = helmkube.HookOnlyStrategy
		un.Timeout = 2 * time.Minute
		_, err := un.Run(relName)
		Expect(err).NotTo(HaveOccurred())

		out, err := kubectl(ctx, henv.Management.Kubeconfig, "get", "apiservice", install.APIServiceName)
		Expect(err).To(HaveOccurred(), "the APIService is gone")
		Expect(out).To(ContainSubstring("(NotFound)"), "the APIService is gone, not unreadable")
		for _, get := range []func() error{
			func() error {
				_, err := kube.AppsV1().Deployments(ns).Get(ctx, install.APIServerName, metav1.GetOptions{})
				return err
			},
			func() error {
				_, err := kube.AppsV1().Deployments(ns).Get(ctx, install.ControllerName, metav1.GetOptions{})
				return err
			},
			func() error {
				_, err := kube.CoreV1().ServiceAccounts(ns).Get(ctx, install.APIServerName, metav1.GetOptions{})
				return err
			},
			func() error {
				_, err := kube.RbacV1().ClusterRoles().Get(ctx, "meridian-view", metav1.GetOptions{})
				return err
			},
			func() error {
				_, err := kube.CoreV1().Secrets(ns).Get(ctx, install.ServingSecret, metav1.GetOptions{})
				return err
			},
		} {
			Expect(apierrors.IsNotFound(get())).To(BeTrue(), "helm uninstall removes what the chart created")
		}
		Expect(record(ctx)).To(Equal(uids), "the CRDs stay, and with them the registrations and federated objects")
		for _, name := range []string{"meridian-placement", "meridian-failover-primary", "meridian-failover-targets"} {
			_, err := kube.AdmissionregistrationV1().ValidatingAdmissionPolicies().Get(ctx, name, metav1.GetOptions{})
			Expect(err).NotTo(HaveOccurred(), "the placement policy %s stays with the CRDs it guards", name)
			_, err = kube.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().Get(ctx, name, metav1.GetOptions{})
			Expect(err).NotTo(HaveOccurred(), "its binding %s stays too", name)
		}

		// Discovery is whole (no unavailable group), so the namespace
		// controller can delete a namespace's content and the namespace.
		_, _, err = kube.Discovery().ServerGroupsAndResources()
		Expect(err).NotTo(HaveOccurred())
		_, err = kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "after-uninstall"}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		_, err = kube.CoreV1().ConfigMaps("after-uninstall").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c"}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(kube.CoreV1().Namespaces().Delete(ctx, "after-uninstall", metav1.DeleteOptions{})).To(Succeed())
		Eventually(func() bool {
			_, err := kube.CoreV1().Namespaces().Get(ctx, "after-uninstall", metav1.GetOptions{})
			return apierrors.IsNotFound(err)
		}).WithContext(ctx).WithTimeout(time.Minute).Should(BeTrue(), "a namespace deletion completes after uninstall")
	}, SpecTimeout(3*time.Minute))
})
