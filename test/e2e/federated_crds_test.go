package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/controller/placement"
	"github.com/meridianfed/meridian/pkg/manifest"
	"github.com/meridianfed/meridian/pkg/migrate"
)

// The federated CRDs validate template.spec with Gloo's own schema for the
// wrapped kind: every real Gloo object of the fixtures must be accepted as a
// template and kept exactly; a misspelled field must be refused.
var _ = Describe("Federated CRDs on the management cluster", func() {
	fixtures := map[string]string{
		"federatedupstreams":             "upstreams.yaml",
		"federatedupstreamgroups":        "upstreamgroups.yaml",
		"federatedsettings":              "settings.yaml",
		"federatedgateways":              "gateways.yaml",
		"federatedvirtualservices":       "virtualservices.yaml",
		"federatedroutetables":           "routetables.yaml",
		"federatedmatchablehttpgateways": "httpgateways.yaml",
		"federatedmatchabletcpgateways":  "tcpgateways.yaml",
		"federatedauthconfigs":           "authconfigs.yaml",
		"federatedratelimitconfigs":      "ratelimitconfigs.yaml",
	}

	It("accept every real Gloo object as a template, keep it exactly, and refuse unknown fields and empty placements", func(ctx SpecContext) {
		cfg := env.Management.RESTConfig()
		dyn := dynamic.NewForConfigOrDie(cfg)
		kube := kubernetes.NewForConfigOrDie(cfg)
		_, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "fed-crds"}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		strict := metav1.CreateOptions{FieldValidation: metav1.FieldValidationStrict}
		for resource, file := range fixtures {
			data, err := os.ReadFile(filepath.Join(repoRoot, "test", "testdata", "gloo", file))
			Expect(err).NotTo(HaveOccurred())
			docs, err := manifest.SplitYAML(data)
			Expect(err).NotTo(HaveOccurred())
			objs, err := manifest.Decode(docs)
			Expect(err).NotTo(HaveOccurred())
			client := dyn.Resource(fedv1alpha1.SchemeGroupVersion.WithResource(resource)).Namespace("fed-crds")
			for i, o := range objs {
				spec := o.Object["spec"]
				fed := &unstructured.Unstructured{Object: map[string]any{
					"apiVersion": fedv1alpha1.SchemeGroupVersion.String(),
					"kind":       "Federated" + o.GetKind(),
					"metadata":   map[string]any{"name": strings.ToLower(o.GetKind()) + "-" + string(rune('a'+i))},
					"spec": map[string]any{
						"template": map[string]any{"metadata": map[string]any{"name": o.GetName(), "labels": map[string]any{"team": "a"}}, "spec": spec},
						// A cluster that is not registered: the controller places nothing
						// into the shared environment.
						"placement": map[string]any{"clusters": []any{"nowhere"}, "namespaces": []any{"gloo-system"}},
					},
				}}
				created, err := client.Create(ctx, fed, strict)
				Expect(err).NotTo(HaveOccurred(), "%s %s as a template", o.GetKind(), o.GetName())
				got, _, _ := unstructured.NestedFieldNoCopy(created.Object, "spec", "template", "spec")
				gotJSON, err := json.Marshal(got)
				Expect(err).NotTo(HaveOccurred())
				wantJSON, err := json.Marshal(spec)
				Expect(err).NotTo(HaveOccurred())
				Expect(gotJSON).To(MatchJSON(wantJSON), "%s %s is kept exactly", o.GetKind(), o.GetName())
			}

			if file == "ratelimitconfigs.yaml" {
				continue // Gloo publishes RateLimitConfig without a schema: anything goes, as in Gloo
			}
			bad := &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": fedv1alpha1.SchemeGroupVersion.String(),
				"kind":       "Federated" + objs[0].GetKind(),
				"metadata":   map[string]any{"name": "typo"},
				"spec": map[string]any{
					"template":  map[string]any{"spec": map[string]any{"notAGlooField": true}},
					"placement": map[string]any{"clusters": []any{"nowhere"}, "namespaces": []any{"gloo-system"}},
				},
			}}
			_, err = client.Create(ctx, bad, strict)
			Expect(apierrors.IsBadRequest(err) || apierrors.IsInvalid(err)).To(BeTrue(), "a misspelled field in a %s template is refused: %v", objs[0].GetKind(), err)
			Expect(err.Error()).To(ContainSubstring(`unknown field "spec.template.spec.notAGlooField"`))
		}

		// What meridianctl migrate makes of Gloo Federation's manifests is
		// accepted as it is.
		entries, err := os.ReadDir(filepath.Join(repoRoot, "pkg", "migrate", "testdata"))
		Expect(err).NotTo(HaveOccurred())
		var docs []migrate.Document
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(repoRoot, "pkg", "migrate", "testdata", e.Name()))
			Expect(err).NotTo(HaveOccurred())
			docs = append(docs, migrate.Read(e.Name(), data)...)
		}
		converted := migrate.Convert(docs, migrate.Options{Namespace: "fed-crds"})
		federatedKinds := 0
		for _, o := range converted.Objects {
			if o.GetKind() == "KubernetesCluster" {
				continue // would register a cluster in the shared environment
			}
			if o.GetKind() == "FailoverScheme" {
				// Accepted as it is, and created by the API server's dry run
				// only: the controller would carry it out.
				dry := strict
				dry.DryRun = []string{metav1.DryRunAll}
				_, err := dyn.Resource(fedv1alpha1.SchemeGroupVersion.WithResource("failoverschemes")).Namespace("fed-crds").Create(ctx, o, dry)
				Expect(err).NotTo(HaveOccurred(), "migrated FailoverScheme %s", o.GetName())
				continue
			}
			_ = unstructured.SetNestedStringSlice(o.Object, []string{"nowhere"}, "spec", "placement", "clusters")
			var resource schema.GroupVersionResource
			for _, k := range placement.Kinds {
				if k.FederatedKind == o.GetKind() {
					resource = k.Federated
				}
			}
			Expect(resource.Resource).NotTo(BeEmpty(), "migrate made a %s, which is not a federated kind", o.GetKind())
			_, err := dyn.Resource(resource).Namespace("fed-crds").Create(ctx, o, strict)
			Expect(err).NotTo(HaveOccurred(), "migrated %s %s", o.GetKind(), o.GetName())
			federatedKinds++
		}
		Expect(federatedKinds).To(BeNumerically(">=", 3))

		noClusters := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": fedv1alpha1.SchemeGroupVersion.String(),
			"kind":       "FederatedUpstream",
			"metadata":   map[string]any{"name": "nowhere"},
			"spec": map[string]any{
				"template":  map[string]any{"spec": map[string]any{}},
				"placement": map[string]any{"namespaces": []any{"gloo-system"}},
			},
		}}
		_, err = dyn.Resource(fedv1alpha1.SchemeGroupVersion.WithResource("federatedupstreams")).Namespace("fed-crds").Create(ctx, noClusters, strict)
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "a placement selecting no cluster is refused: %v", err)
		Expect(err.Error()).To(ContainSubstring("select clusters with clusters"))
	})
})
