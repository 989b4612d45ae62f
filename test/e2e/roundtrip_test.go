package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	enterprisev1 "github.com/meridianfed/meridian/pkg/apis/gloo/enterprise/v1"
	gatewayv1 "github.com/meridianfed/meridian/pkg/apis/gloo/gateway/v1"
	gloov1 "github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1"
	ratelimitv1alpha1 "github.com/meridianfed/meridian/pkg/apis/gloo/ratelimit/v1alpha1"
	"github.com/meridianfed/meridian/pkg/devenv"
	glooclient "github.com/meridianfed/meridian/pkg/generated/gloo/clientset/versioned"
	"github.com/meridianfed/meridian/pkg/manifest"
)

// typedClient is the shape of every generated Gloo client.
type typedClient[T any] interface {
	Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error)
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	Update(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
}

// statusWriter writes the status subresource (only RateLimitConfig's CRD has one).
type statusWriter[T any] interface {
	UpdateStatus(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
}

// roundTripCase exercises one Gloo kind: every object of its fixture file is
// decoded into the typed Go object, created through the generated client with
// strict field validation against Gloo's real CRD, read back raw, read back
// typed and written again; nothing may change or be lost on the way.
type roundTripCase struct {
	file string
	gvr  schema.GroupVersionResource
	run  func(ctx context.Context, docs [][]byte, check func(ns, name string, want map[string]any))
}

func roundTrip[T interface {
	metav1.Object
	*E
}, E any](clientFor func(ns string) typedClient[T], statusSubresource bool) func(context.Context, [][]byte, func(string, string, map[string]any)) {
	return func(ctx context.Context, docs [][]byte, check func(ns, name string, want map[string]any)) {
		for _, doc := range docs {
			var want map[string]any
			Expect(yaml.Unmarshal(doc, &want)).To(Succeed())
			jsonDoc, err := yaml.YAMLToJSON(doc)
			Expect(err).NotTo(HaveOccurred())
			obj := T(new(E))
			Expect(json.Unmarshal(jsonDoc, obj)).To(Succeed(), "decoding into the typed object:\n%s", doc)
			ns, name := obj.GetNamespace(), obj.GetName()
			ensureNamespace(ctx, ns)
			client := clientFor(ns)

			created, err := client.Create(ctx, obj, metav1.CreateOptions{FieldValidation: "Strict"})
			Expect(err).NotTo(HaveOccurred(), "creating %s/%s from the typed object", ns, name)
			if sw, ok := client.(statusWriter[T]); ok && statusSubresource {
				// The status subresource drops status on create; Gloo's
				// controllers write it separately, and so does this test.
				status := T(new(E))
				Expect(json.Unmarshal(jsonDoc, status)).To(Succeed())
				status.SetResourceVersion(created.GetResourceVersion())
				_, err := sw.UpdateStatus(ctx, status, metav1.UpdateOptions{FieldValidation: "Strict"})
				Expect(err).NotTo(HaveOccurred(), "writing the status of %s/%s", ns, name)
			}
			check(ns, name, want)

			By("reading it back typed and writing it again unchanged: " + ns + "/" + name)
			got, err := client.Get(ctx, name, metav1.GetOptions{})
			Expect(err).NotTo(HaveOccurred())
			_, err = client.Update(ctx, got, metav1.UpdateOptions{FieldValidation: "Strict"})
			Expect(err).NotTo(HaveOccurred())
			check(ns, name, want)
		}
	}
}

func ensureNamespace(ctx context.Context, ns string) {
	ensureNamespaceIn(ctx, env.Member("north"), ns)
}

// ensureManagementNamespace creates a namespace in the management cluster
// (where RBAC for the views is granted) unless it exists.
func ensureManagementNamespace(ctx context.Context, ns string) {
	ensureNamespaceIn(ctx, env.Management, ns)
}

func ensureNamespaceIn(ctx context.Context, c *devenv.Cluster, ns string) {
	kube := kubernetes.NewForConfigOrDie(c.RESTConfig())
	_, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	if !apierrors.IsAlreadyExists(err) {
		Expect(err).NotTo(HaveOccurred())
	}
}

// subset reports the first path at which want is not contained in got.
func subset(path string, want, got any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path
		}
		for k, v := range w {
			if p := subset(path+"."+k, v, g[k]); p != "" {
				return p
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return path
		}
		for i := range w {
			if p := subset(path+"[]", w[i], g[i]); p != "" {
				return p
			}
		}
		return ""
	default:
		if !reflect.DeepEqual(normalize(want), normalize(got)) {
			return path
		}
		return ""
	}
}

// normalize folds YAML's and JSON's number types together.
func normalize(v any) any {
	switch n := v.(type) {
	case int:
		return float64(n)
	case int64:
		return float64(n)
	}
	return v
}

var _ = Describe("Gloo's member-side types", func() {
	It("round-trip real Gloo objects of every kind through a real kube-apiserver with Gloo's CRDs, losing nothing", func(ctx SpecContext) {
		cfg := env.Member("north").RESTConfig()
		gloo := glooclient.NewForConfigOrDie(cfg)
		dyn := dynamic.NewForConfigOrDie(cfg)
		gv := func(g, v, r string) schema.GroupVersionResource {
			return schema.GroupVersionResource{Group: g, Version: v, Resource: r}
		}
		cases := []roundTripCase{
			{"upstreams.yaml", gv("gloo.solo.io", "v1", "upstreams"), roundTrip(func(ns string) typedClient[*gloov1.Upstream] { return gloo.GlooV1().Upstreams(ns) }, false)},
			{"upstreamgroups.yaml", gv("gloo.solo.io", "v1", "upstreamgroups"), roundTrip(func(ns string) typedClient[*gloov1.UpstreamGroup] { return gloo.GlooV1().UpstreamGroups(ns) }, false)},
			{"settings.yaml", gv("gloo.solo.io", "v1", "settings"), roundTrip(func(ns string) typedClient[*gloov1.Settings] { return gloo.GlooV1().Settings(ns) }, false)},
			{"proxies.yaml", gv("gloo.solo.io", "v1", "proxies"), roundTrip(func(ns string) typedClient[*gloov1.Proxy] { return gloo.GlooV1().Proxies(ns) }, false)},
			{"gateways.yaml", gv("gateway.solo.io", "v1", "gateways"), roundTrip(func(ns string) typedClient[*gatewayv1.Gateway] { return gloo.GatewayV1().Gateways(ns) }, false)},
			{"virtualservices.yaml", gv("gateway.solo.io", "v1", "virtualservices"), roundTrip(func(ns string) typedClient[*gatewayv1.VirtualService] { return gloo.GatewayV1().VirtualServices(ns) }, false)},
			{"routetables.yaml", gv("gateway.solo.io", "v1", "routetables"), roundTrip(func(ns string) typedClient[*gatewayv1.RouteTable] { return gloo.GatewayV1().RouteTables(ns) }, false)},
			{"httpgateways.yaml", gv("gateway.solo.io", "v1", "httpgateways"), roundTrip(func(ns string) typedClient[*gatewayv1.MatchableHttpGateway] {
				return gloo.GatewayV1().MatchableHttpGateways(ns)
			}, false)},
			{"tcpgateways.yaml", gv("gateway.solo.io", "v1", "tcpgateways"), roundTrip(func(ns string) typedClient[*gatewayv1.MatchableTcpGateway] {
				return gloo.GatewayV1().MatchableTcpGateways(ns)
			}, false)},
			{"authconfigs.yaml", gv("enterprise.gloo.solo.io", "v1", "authconfigs"), roundTrip(func(ns string) typedClient[*enterprisev1.AuthConfig] { return gloo.EnterpriseV1().AuthConfigs(ns) }, false)},
			{"ratelimitconfigs.yaml", gv("ratelimit.solo.io", "v1alpha1", "ratelimitconfigs"), roundTrip(func(ns string) typedClient[*ratelimitv1alpha1.RateLimitConfig] {
				return gloo.RatelimitV1alpha1().RateLimitConfigs(ns)
			}, true)},
		}
		for _, c := range cases {
			By("round-tripping " + c.file)
			data, err := os.ReadFile(filepath.Join(repoRoot, "test", "testdata", "gloo", c.file))
			Expect(err).NotTo(HaveOccurred())
			docs, err := manifest.SplitYAML(data)
			Expect(err).NotTo(HaveOccurred())
			Expect(docs).NotTo(BeEmpty())
			check := func(ns, name string, want map[string]any) {
				got, err := dyn.Resource(c.gvr).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
				Expect(err).NotTo(HaveOccurred())
				for _, field := range []string{"spec", "status"} {
					Expect(subset(field, want[field], got.Object[field])).To(BeEmpty(),
						"%s %s/%s: the server holds something other than the fixture at the path shown", c.gvr.Resource, ns, name)
				}
				wantMeta, _ := want["metadata"].(map[string]any)
				for _, field := range []string{"labels", "annotations"} {
					Expect(subset("metadata."+field, wantMeta[field], got.Object["metadata"].(map[string]any)[field])).To(BeEmpty())
				}
			}
			c.run(ctx, docs, check)
		}
	})
})
