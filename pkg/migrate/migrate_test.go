package migrate

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/install"
)

// want is an expected finding; msg is a part of its message.
type want struct {
	sev        Severity
	object     string
	path       string
	msg        string
	wantSource string // checked when not empty
}

func checkFindings(t *testing.T, got []Finding, wants ...want) {
	t.Helper()
	for i := 0; i < len(got) || i < len(wants); i++ {
		switch {
		case i >= len(got):
			t.Errorf("finding %d missing: want %+v", i, wants[i])
		case i >= len(wants):
			t.Errorf("unexpected finding %d: %s", i, got[i])
		default:
			g, w := got[i], wants[i]
			if g.Severity != w.sev || g.Object != w.object || g.Path != w.path || !strings.Contains(g.Message, w.msg) ||
				(w.wantSource != "" && g.Source != w.wantSource) {
				t.Errorf("finding %d:\n got  %s (source %q)\n want %s: %s: %s: ...%s... (source %q)", i, g, g.Source, w.sev, w.object, w.path, w.msg, w.wantSource)
			}
		}
	}
}

func readTestdata(t *testing.T, name string) []Document {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Read(name, data)
}

// only returns the object of a stream of one document.
func only(t *testing.T, docs []Document) *unstructured.Unstructured {
	t.Helper()
	if len(docs) != 1 || docs[0].Err != nil {
		t.Fatalf("want one readable document, got %+v", docs)
	}
	return docs[0].Object
}

func field(t *testing.T, obj *unstructured.Unstructured, path ...string) any {
	t.Helper()
	v, ok, err := unstructured.NestedFieldNoCopy(obj.Object, path...)
	if err != nil || !ok {
		t.Fatalf("%s: %s missing (%v)", obj.GetKind(), strings.Join(path, "."), err)
	}
	return v
}

func keys(m map[string]any) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	return k
}

func sameKeys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	got := keys(m)
	if len(got) != len(want) {
		t.Errorf("%s has fields %v, want exactly %v", what, got, want)
		return
	}
	for _, w := range want {
		if _, ok := m[w]; !ok {
			t.Errorf("%s has fields %v, want exactly %v", what, got, want)
		}
	}
}

// preserved checks that template and placement came through unchanged.
func preserved(t *testing.T, in, out *unstructured.Unstructured) {
	t.Helper()
	for _, f := range []string{"template", "placement"} {
		if g, w := field(t, out, "spec", f), field(t, in, "spec", f); !reflect.DeepEqual(g, w) {
			t.Errorf("spec.%s changed:\n got  %#v\n want %#v", f, g, w)
		}
	}
	sameKeys(t, "spec", field(t, out, "spec").(map[string]any), "template", "placement")
}

func TestFederatedUpstreamWithStatus(t *testing.T) {
	docs := readTestdata(t, "federatedupstream.yaml")
	in := only(t, docs)
	res := Convert(docs, Options{})
	if len(res.Objects) != 1 {
		t.Fatalf("want 1 object, got %d", len(res.Objects))
	}
	out := res.Objects[0]
	if out.GetAPIVersion() != "fed.meridian.io/v1alpha1" || out.GetKind() != "FederatedUpstream" {
		t.Errorf("converted to %s %s", out.GetAPIVersion(), out.GetKind())
	}
	sameKeys(t, "object", out.Object, "apiVersion", "kind", "metadata", "spec")
	meta := field(t, out, "metadata").(map[string]any)
	sameKeys(t, "metadata", meta, "name", "namespace", "labels")
	if out.GetName() != "default-service-blue" || out.GetNamespace() != "gloo-system" {
		t.Errorf("converted to %s/%s", out.GetNamespace(), out.GetName())
	}
	if got := out.GetLabels(); !reflect.DeepEqual(got, map[string]string{"team": "payments"}) {
		t.Errorf("labels %v", got)
	}
	preserved(t, in, out)
	if got := field(t, out, "spec", "template", "spec", "kube", "servicePort"); got != int64(10000) {
		t.Errorf("servicePort is %#v, want int64 10000 (integers must stay integers)", got)
	}

	obj := "FederatedUpstream gloo-system/default-service-blue"
	checkFindings(t, res.Findings,
		want{Info, obj, "metadata.annotations[kubectl.kubernetes.io/last-applied-configuration]", "dropped: kubectl's record", "federatedupstream.yaml, document 1"},
		want{Info, obj, "metadata.finalizers[fed.solo.io/finalizer]", "dropped: Gloo Federation's own", ""},
		want{Info, obj, "status", "dropped: status is recomputed by Meridian", ""},
	)

	// The output shares nothing with the input.
	unstructured.SetNestedField(in.Object, "changed", "spec", "template", "spec", "kube", "serviceName")
	unstructured.SetNestedField(in.Object, "changed", "spec", "template", "metadata", "labels", "color")
	if field(t, out, "spec", "template", "spec", "kube", "serviceName") != "service-blue" ||
		field(t, out, "spec", "template", "metadata", "labels", "color") != "blue" {
		t.Error("changing the input changed the output")
	}
}

func TestFederatedVirtualService(t *testing.T) {
	docs := readTestdata(t, "federatedvirtualservice.yaml")
	in := only(t, docs)
	res := Convert(docs, Options{})
	checkFindings(t, res.Findings)
	if len(res.Objects) != 1 {
		t.Fatalf("want 1 object, got %d", len(res.Objects))
	}
	out := res.Objects[0]
	preserved(t, in, out)
	wantObj := map[string]any{
		"apiVersion": "fed.meridian.io/v1alpha1",
		"kind":       "FederatedVirtualService",
		"metadata":   map[string]any{"name": "my-federated-vs", "namespace": "gloo-system"},
		"spec": map[string]any{
			"placement": map[string]any{"clusters": []any{"local", "remote"}, "namespaces": []any{"gloo-system"}},
			"template": map[string]any{
				"metadata": map[string]any{
					"name":        "fed-virtualservice",
					"labels":      map[string]any{"app": "solo"},
					"annotations": map[string]any{"owner": "platform-team"},
				},
				"spec": map[string]any{
					"virtualHost": map[string]any{
						"domains": []any{"*"},
						"routes": []any{map[string]any{
							"matchers":    []any{map[string]any{"exact": "/solo"}},
							"options":     map[string]any{"prefixRewrite": "/"},
							"routeAction": map[string]any{"single": map[string]any{"upstream": map[string]any{"name": "fed-upstream", "namespace": "gloo-system"}}},
						}},
					},
				},
			},
		},
	}
	if !reflect.DeepEqual(out.Object, wantObj) {
		t.Errorf("converted:\n got  %#v\n want %#v", out.Object, wantObj)
	}
}

func TestFederatedRateLimitConfig(t *testing.T) {
	docs := readTestdata(t, "federatedratelimitconfig.yaml")
	in := only(t, docs)
	res := Convert(docs, Options{})
	if len(res.Objects) != 1 {
		t.Fatalf("want 1 object, got %d", len(res.Objects))
	}
	out := res.Objects[0]
	if out.GetKind() != "FederatedRateLimitConfig" || out.GetAPIVersion() != "fed.meridian.io/v1alpha1" {
		t.Errorf("converted to %s %s", out.GetAPIVersion(), out.GetKind())
	}
	preserved(t, in, out)
	if got := field(t, out, "spec", "placement", "clusters"); !reflect.DeepEqual(got, []any{"*"}) {
		t.Errorf(`clusters %v, want ["*"] kept`, got)
	}
	if got := field(t, out, "spec", "placement", "namespaces"); !reflect.DeepEqual(got, []any{"gloo-system", "team-a"}) {
		t.Errorf("namespaces %v", got)
	}
	checkFindings(t, res.Findings,
		want{Info, "FederatedRateLimitConfig gloo-system/per-user", "spec.placement.clusters", `Gloo Federation did not expand "*"`, ""})
}

func TestKubernetesCluster(t *testing.T) {
	for _, tc := range []struct {
		opts Options
		ns   string
	}{
		{Options{}, "meridian-system"},
		{Options{FederationNamespace: "fed", Namespace: "ignored-for-clusters"}, "fed"},
	} {
		res := Convert(readTestdata(t, "kubernetescluster.yaml"), tc.opts)
		if len(res.Objects) != 1 {
			t.Fatalf("want 1 object, got %d", len(res.Objects))
		}
		wantObj := map[string]any{
			"apiVersion": "fed.meridian.io/v1alpha1",
			"kind":       "KubernetesCluster",
			"metadata":   map[string]any{"name": "remote", "namespace": tc.ns},
			"spec":       map[string]any{"secretName": "remote", "clusterDomain": "cluster.local"},
		}
		if got := res.Objects[0].Object; !reflect.DeepEqual(got, wantObj) {
			t.Errorf("converted:\n got  %#v\n want %#v", got, wantObj)
		}
		obj := "KubernetesCluster gloo-system/remote"
		checkFindings(t, res.Findings,
			want{Info, obj, "metadata.namespace", `changed from "gloo-system" to "` + tc.ns + `"`, ""},
			want{Warning, obj, "spec.providerInfo", "no equivalent in Meridian", ""},
			want{Warning, obj, "spec.secretName", `Secret gloo-system/remote not converted (migrate reads no Secrets): copy it into ` + tc.ns + ` with type meridian.io/kubeconfig, keeping its key "kubeconfig"`, ""},
			want{Info, obj, "status", "dropped: status is recomputed by Meridian", ""},
		)
	}
}

// A FailoverScheme keeps its namespace and fields; a field Meridian does
// not have is reported, and one of the wrong shape stops it.
func TestFailoverScheme(t *testing.T) {
	res := Convert(readTestdata(t, "failoverscheme.yaml"), Options{})
	if len(res.Objects) != 1 {
		t.Fatalf("want 1 object, got %d: %v", len(res.Objects), res.Findings)
	}
	wantObj := map[string]any{
		"apiVersion": "fed.meridian.io/v1alpha1",
		"kind":       "FailoverScheme",
		"metadata":   map[string]any{"name": "failover-scheme", "namespace": "gloo-system"},
		"spec": map[string]any{
			"primary": map[string]any{"clusterName": "local", "name": "default-service-blue-10000", "namespace": "gloo-system"},
			"failoverGroups": []any{map[string]any{"priorityGroup": []any{map[string]any{
				"cluster": "remote", "localityWeight": int64(10),
				"upstreams": []any{map[string]any{"name": "default-service-green-10000", "namespace": "gloo-system"}},
			}}}},
			"policy": map[string]any{"overprovisioningFactor": int64(150)},
		},
	}
	if got := res.Objects[0].Object; !reflect.DeepEqual(got, wantObj) {
		t.Errorf("converted:\n got  %#v\n want %#v", got, wantObj)
	}
	checkFindings(t, res.Findings, want{Info, "FailoverScheme gloo-system/failover-scheme", "status", "dropped: status is recomputed by Meridian", ""})

	odd := readTestdata(t, "failoverscheme.yaml")
	_ = unstructured.SetNestedField(odd[0].Object.Object, "x", "spec", "legacy")
	res = Convert(odd, Options{Namespace: "team-a"})
	if len(res.Objects) != 1 || res.Objects[0].GetNamespace() != "team-a" {
		t.Fatalf("objects %v", res.Objects)
	}
	checkFindings(t, res.Findings,
		want{Info, "FailoverScheme gloo-system/failover-scheme", "metadata.namespace", `changed from "gloo-system" to "team-a", as asked`, ""},
		want{Warning, "FailoverScheme gloo-system/failover-scheme", "spec.legacy", "no equivalent in Meridian; not converted", ""},
		want{Info, "FailoverScheme gloo-system/failover-scheme", "status", "dropped", ""})

	bad := readTestdata(t, "failoverscheme.yaml")
	_ = unstructured.SetNestedField(bad[0].Object.Object, "ten", "spec", "policy", "overprovisioningFactor")
	res = Convert(bad, Options{})
	if len(res.Objects) != 0 {
		t.Errorf("a misshapen scheme converted: %v", res.Objects)
	}
	checkFindings(t, res.Findings, want{Error, "FailoverScheme gloo-system/failover-scheme", "spec", "does not fit Meridian's FailoverScheme", ""})
}

func TestNotConverted(t *testing.T) {
	for _, tc := range []struct {
		file  string
		wants []want
	}{
		{"multiclusterrole.yaml", []want{
			{Warning, "MultiClusterRole gloo-system/remote-admin", "", "no equivalent in Meridian (use Kubernetes RBAC, see docs/rbac.md); not converted", ""},
			{Warning, "MultiClusterRoleBinding gloo-system/remote-admin", "", "no equivalent in Meridian (use Kubernetes RBAC, see docs/rbac.md); not converted", "multiclusterrole.yaml, document 2"},
		}},
		{"glooinstance.yaml", []want{{Info, "GlooInstance gloo-system/remote-gloo-system", "", "skipped: discovered by Meridian, not configuration", ""}}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			res := Convert(readTestdata(t, tc.file), Options{})
			if len(res.Objects) != 0 {
				t.Errorf("want no output, got %v", res.Objects)
			}
			checkFindings(t, res.Findings, tc.wants...)
		})
	}
}

func TestBrokenDocument(t *testing.T) {
	docs := readTestdata(t, "broken.yaml")
	if len(docs) != 2 || docs[0].Err != nil || docs[1].Err == nil || docs[1].Object != nil {
		t.Fatalf("want a readable document then an unreadable one, got %+v", docs)
	}
	res := Convert(docs, Options{})
	if len(res.Objects) != 0 {
		t.Errorf("want no output, got %v", res.Objects)
	}
	checkFindings(t, res.Findings,
		want{Info, "Upstream gloo-system/default-service-blue-10000", "", "not a Gloo Federation object, left out", ""},
		want{Error, "", "", "not YAML or JSON: yaml: line 5: found a tab character", "broken.yaml, document 2"},
	)
	if got := res.Findings[1].String(); !strings.HasPrefix(got, "error: broken.yaml, document 2: not YAML or JSON: ") ||
		!strings.HasSuffix(got, "; fix the document and run migrate again") {
		t.Errorf("line %q", got)
	}
}

func TestFindingString(t *testing.T) {
	for _, tc := range []struct {
		f    Finding
		want string
	}{
		{Finding{Severity: Warning, Object: "MultiClusterRole gloo-system/foo", Source: "a.yaml, document 1", Message: noRBAC},
			"warning: MultiClusterRole gloo-system/foo: no equivalent in Meridian (use Kubernetes RBAC, see docs/rbac.md); not converted"},
		{Finding{Severity: Info, Object: "FederatedUpstream ns/x", Source: "a.yaml, document 1", Path: "status", Message: "dropped: status is recomputed by Meridian"},
			"info: FederatedUpstream ns/x: status: dropped: status is recomputed by Meridian"},
		{Finding{Severity: Error, Object: "FederatedUpstream ns/x", Source: "a.yaml, document 3", Path: "spec.template", Message: "missing"},
			"error: FederatedUpstream ns/x (a.yaml, document 3): spec.template: missing"},
		{Finding{Severity: Error, Source: "-, document 2", Message: "not YAML"},
			"error: -, document 2: not YAML"},
	} {
		if got := tc.f.String(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

const upstreamTemplate = `
  template:
    metadata: {name: up}
    spec: {static: {hosts: [{addr: 10.0.0.1, port: 80}]}}`

// convertYAML reads and converts one stream, named in.yaml.
func convertYAML(t *testing.T, opts Options, manifest string) Result {
	t.Helper()
	return Convert(Read("in.yaml", []byte(manifest)), opts)
}

func TestMalformed(t *testing.T) {
	good := `apiVersion: fed.gloo.solo.io/v1
kind: FederatedUpstream
metadata: {name: good, namespace: gloo-system}
spec:
  placement: {clusters: [east], namespaces: [gloo-system]}` + upstreamTemplate
	for _, tc := range []struct {
		name, doc string
		want      want
	}{
		{"no kind", "apiVersion: fed.gloo.solo.io/v1\nmetadata: {name: x}",
			want{Error, "", "", "kind is missing", "in.yaml, document 2"}},
		{"no apiVersion nor kind", "metadata: {name: x}",
			want{Error, "", "", "apiVersion and kind are missing", ""}},
		{"not an object", "just some text",
			want{Error, "", "", "not an object", ""}},
		{"not YAML", "kind: [unclosed",
			want{Error, "", "", "not YAML or JSON", ""}},
		{"no name", "apiVersion: fed.gloo.solo.io/v1\nkind: FederatedUpstream\nmetadata: {namespace: ns}\nspec: {}",
			want{Error, "FederatedUpstream ns/(no name)", "metadata.name", "missing", ""}},
		{"no spec", "apiVersion: fed.gloo.solo.io/v1\nkind: FederatedUpstream\nmetadata: {name: x, namespace: ns}\nstatus: {placementStatus: {state: PLACED}}",
			want{Error, "FederatedUpstream ns/x", "spec", "missing", ""}},
		{"no template", "apiVersion: fed.gloo.solo.io/v1\nkind: FederatedUpstream\nmetadata: {name: x, namespace: ns}\nspec:\n  placement: {clusters: [east], namespaces: [ns]}",
			want{Error, "FederatedUpstream ns/x", "spec.template", "missing", "in.yaml, document 2"}},
		{"no template spec", "apiVersion: fed.gloo.solo.io/v1\nkind: FederatedUpstream\nmetadata: {name: x, namespace: ns}\nspec:\n  placement: {clusters: [east], namespaces: [ns]}\n  template: {metadata: {name: up}}",
			want{Error, "FederatedUpstream ns/x", "spec.template.spec", "missing", ""}},
		{"template spec not an object", "apiVersion: fed.gloo.solo.io/v1\nkind: FederatedUpstream\nmetadata: {name: x, namespace: ns}\nspec:\n  placement: {clusters: [east], namespaces: [ns]}\n  template: {metadata: {name: up}, spec: [1]}",
			want{Error, "FederatedUpstream ns/x", "spec.template.spec", "not an object", ""}},
		{"no placement", "apiVersion: fed.gloo.solo.io/v1\nkind: FederatedUpstream\nmetadata: {name: x, namespace: ns}\nspec:" + upstreamTemplate,
			want{Error, "FederatedUpstream ns/x", "spec.placement", "missing", ""}},
		{"no namespaces", "apiVersion: fed.gloo.solo.io/v1\nkind: FederatedUpstream\nmetadata: {name: x, namespace: ns}\nspec:\n  placement: {clusters: [east], namespaces: []}" + upstreamTemplate,
			want{Error, "FederatedUpstream ns/x", "spec.placement.namespaces", "empty", ""}},
		{"clusters not strings", "apiVersion: fed.gloo.solo.io/v1\nkind: FederatedUpstream\nmetadata: {name: x, namespace: ns}\nspec:\n  placement: {clusters: [{name: east}], namespaces: [ns]}" + upstreamTemplate,
			want{Error, "FederatedUpstream ns/x", "spec.placement.clusters", "not a list of strings", ""}},
		{"labels not strings", "apiVersion: fed.gloo.solo.io/v1\nkind: FederatedUpstream\nmetadata: {name: x, namespace: ns, labels: {a: {b: c}}}\nspec:\n  placement: {clusters: [east], namespaces: [ns]}" + upstreamTemplate,
			want{Error, "FederatedUpstream ns/x", "metadata.labels", "not a map of strings", ""}},
		{"cluster without secret", "apiVersion: multicluster.solo.io/v1alpha1\nkind: KubernetesCluster\nmetadata: {name: east, namespace: meridian-system}\nspec: {clusterDomain: cluster.local}",
			want{Error, "KubernetesCluster meridian-system/east", "spec.secretName", "missing", ""}},
		{"cluster name too long", "apiVersion: multicluster.solo.io/v1alpha1\nkind: KubernetesCluster\nmetadata: {name: " + strings.Repeat("a", 64) + ", namespace: meridian-system}\nspec: {secretName: s}",
			want{Error, "KubernetesCluster meridian-system/" + strings.Repeat("a", 64), "metadata.name", "Meridian's cluster names are DNS labels", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The broken document between two good ones: nothing else is lost.
			res := convertYAML(t, Options{}, good+"\n---\n"+tc.doc+"\n---\n"+strings.Replace(good, "name: good", "name: good2", 1))
			if len(res.Objects) != 2 || res.Objects[0].GetName() != "good" || res.Objects[1].GetName() != "good2" {
				t.Errorf("want the two good objects converted, got %v", res.Objects)
			}
			checkFindings(t, res.Findings, tc.want)
		})
	}
}

func TestRules(t *testing.T) {
	fu := func(meta, spec string) string {
		return "apiVersion: fed.gloo.solo.io/v1\nkind: FederatedUpstream\nmetadata: " + meta + "\nspec:\n" + spec + upstreamTemplate
	}
	placement := "  placement: {clusters: [east], namespaces: [gloo-system]}"
	for _, tc := range []struct {
		name     string
		opts     Options
		manifest string
		objects  int
		check    func(t *testing.T, out []*unstructured.Unstructured)
		wants    []want
	}{
		{
			name:     "namespace option moves federated objects, not registrations",
			opts:     Options{Namespace: "team-a"},
			manifest: fu("{name: x, namespace: gloo-system}", placement) + "\n---\napiVersion: multicluster.solo.io/v1alpha1\nkind: KubernetesCluster\nmetadata: {name: east, namespace: meridian-system}\nspec: {secretName: east}",
			objects:  2,
			check: func(t *testing.T, out []*unstructured.Unstructured) {
				if out[0].GetNamespace() != "team-a" || out[1].GetNamespace() != "meridian-system" {
					t.Errorf("namespaces %q and %q", out[0].GetNamespace(), out[1].GetNamespace())
				}
			},
			wants: []want{
				{Info, "FederatedUpstream gloo-system/x", "metadata.namespace", `changed from "gloo-system" to "team-a"`, ""},
				{Warning, "KubernetesCluster meridian-system/east", "spec.secretName", "copy it into meridian-system", ""},
			},
		},
		{
			name:     "no namespace stays none",
			manifest: fu("{name: x}", placement),
			objects:  1,
			check: func(t *testing.T, out []*unstructured.Unstructured) {
				if _, ok := out[0].Object["metadata"].(map[string]any)["namespace"]; ok {
					t.Errorf("namespace set: %v", out[0].Object["metadata"])
				}
			},
		},
		{
			name:     "fields with no equivalent are reported",
			manifest: fu("{name: x, namespace: ns, generateName: x-}", placement+"\n  overrides: [{clusterName: east}]\n  retries: 3\n  placement2: {}") + "\n    extra: true\nextraTop: 1",
			objects:  1,
			check: func(t *testing.T, out []*unstructured.Unstructured) {
				sameKeys(t, "object", out[0].Object, "apiVersion", "kind", "metadata", "spec")
				sameKeys(t, "spec", out[0].Object["spec"].(map[string]any), "template", "placement")
				sameKeys(t, "template", out[0].Object["spec"].(map[string]any)["template"].(map[string]any), "metadata", "spec")
				sameKeys(t, "metadata", out[0].Object["metadata"].(map[string]any), "name", "namespace")
			},
			wants: []want{
				{Warning, "FederatedUpstream ns/x", "extraTop", "no equivalent in Meridian; not converted", ""},
				{Warning, "FederatedUpstream ns/x", "metadata.generateName", "no equivalent in Meridian; not converted", ""},
				{Warning, "FederatedUpstream ns/x", "spec.overrides", "not a Gloo Federation field", ""},
				{Warning, "FederatedUpstream ns/x", "spec.placement2", "no equivalent in Meridian; not converted", ""},
				{Warning, "FederatedUpstream ns/x", "spec.retries", "no equivalent in Meridian; not converted", ""},
				{Warning, "FederatedUpstream ns/x", "spec.template.extra", "no equivalent in Meridian; not converted", ""},
			},
		},
		{
			name:     "placement: selector reported, repeats removed",
			manifest: fu("{name: x, namespace: ns}", "  placement: {clusters: [east, west, east], namespaces: [a, a], clusterSelector: {matchLabels: {env: prod}}}"),
			objects:  1,
			check: func(t *testing.T, out []*unstructured.Unstructured) {
				want := map[string]any{"clusters": []any{"east", "west"}, "namespaces": []any{"a"}}
				if got := out[0].Object["spec"].(map[string]any)["placement"]; !reflect.DeepEqual(got, want) {
					t.Errorf("placement %v, want %v", got, want)
				}
			},
			wants: []want{
				{Warning, "FederatedUpstream ns/x", "spec.placement.clusterSelector", "not a Gloo Federation field", ""},
				{Info, "FederatedUpstream ns/x", "spec.placement.clusters", `"east" was listed twice`, ""},
				{Info, "FederatedUpstream ns/x", "spec.placement.namespaces", `"a" was listed twice`, ""},
			},
		},
		{
			name: "template without a name, namespace in template metadata",
			manifest: "apiVersion: fed.gateway.solo.io/v1\nkind: FederatedGateway\nmetadata: {name: gw, namespace: ns}\nspec:\n" + placement +
				"\n  template:\n    metadata: {namespace: other, labels: {fed.solo.io/owner: kept}}\n    spec: {bindPort: 8080}",
			objects: 1,
			check: func(t *testing.T, out []*unstructured.Unstructured) {
				want := map[string]any{"metadata": map[string]any{"labels": map[string]any{"fed.solo.io/owner": "kept"}}, "spec": map[string]any{"bindPort": int64(8080)}}
				if got := out[0].Object["spec"].(map[string]any)["template"]; !reflect.DeepEqual(got, want) {
					t.Errorf("template %#v, want %#v", got, want)
				}
			},
			wants: []want{
				{Warning, "FederatedGateway ns/gw", "spec.template.metadata.namespace", "the placement's namespaces give the namespace", ""},
				{Info, "FederatedGateway ns/gw", "spec.template.metadata.name", `Meridian names the placed objects "gw"`, ""},
			},
		},
		{
			name: "Gloo Federation's metadata dropped, the user's kept",
			manifest: fu(`{name: x, namespace: ns, labels: {fed.solo.io/owner: a.b, app: x}, annotations: {fed.solo.io/owner: a.b, note: hi, kubectl.kubernetes.io/last-applied-configuration: "{}"},
  finalizers: [fed.solo.io/finalizer, example.com/cleanup], ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: o, uid: u}],
  uid: u, resourceVersion: "1", generation: 2, creationTimestamp: "2024-01-01T00:00:00Z", managedFields: [{manager: kubectl}]}`, placement),
			objects: 1,
			check: func(t *testing.T, out []*unstructured.Unstructured) {
				want := map[string]any{"name": "x", "namespace": "ns", "labels": map[string]any{"app": "x"}, "annotations": map[string]any{"note": "hi"}}
				if got := out[0].Object["metadata"]; !reflect.DeepEqual(got, want) {
					t.Errorf("metadata %#v, want %#v", got, want)
				}
			},
			wants: []want{
				{Info, "FederatedUpstream ns/x", "metadata.annotations[fed.solo.io/owner]", "dropped: Gloo Federation's own", ""},
				{Info, "FederatedUpstream ns/x", "metadata.annotations[kubectl.kubernetes.io/last-applied-configuration]", "dropped", ""},
				{Info, "FederatedUpstream ns/x", "metadata.finalizers[fed.solo.io/finalizer]", "dropped: Gloo Federation's own", ""},
				{Warning, "FederatedUpstream ns/x", "metadata.finalizers[example.com/cleanup]", "not converted", ""},
				{Info, "FederatedUpstream ns/x", "metadata.labels[fed.solo.io/owner]", "dropped: Gloo Federation's own", ""},
				{Warning, "FederatedUpstream ns/x", "metadata.ownerReferences", "not converted", ""},
			},
		},
		{
			name: "unknown versions and kinds",
			manifest: "apiVersion: fed.gloo.solo.io/v2\nkind: FederatedUpstream\nmetadata: {name: x, namespace: ns}\nspec: {}" +
				"\n---\napiVersion: fed.solo.io/v1\nkind: FederatedThing\nmetadata: {name: thing, namespace: ns}" +
				"\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: remote, namespace: gloo-system}\ntype: solo.io/kubeconfig",
			wants: []want{
				{Warning, "FederatedUpstream ns/x", "apiVersion", "fed.gloo.solo.io/v2 is not a version Gloo Federation served (fed.gloo.solo.io/v1)", ""},
				{Warning, "FederatedThing ns/thing", "", "a kind of a Gloo Federation group that migrate does not know; not converted", ""},
				{Info, "Secret gloo-system/remote", "", "not a Gloo Federation object, left out", ""},
			},
		},
		{
			name:     "two objects converting to one",
			opts:     Options{Namespace: "team-a"},
			manifest: fu("{name: x, namespace: a}", placement) + "\n---\n" + fu("{name: x, namespace: b}", placement),
			objects:  1,
			wants: []want{
				{Info, "FederatedUpstream a/x", "metadata.namespace", "changed", ""},
				{Warning, "FederatedUpstream b/x", "", "converts to the same FederatedUpstream team-a/x as the object of in.yaml, document 1; not converted", ""},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := convertYAML(t, tc.opts, tc.manifest)
			if len(res.Objects) != tc.objects {
				t.Fatalf("want %d objects, got %d: %v\nfindings: %v", tc.objects, len(res.Objects), res.Objects, res.Findings)
			}
			if tc.check != nil {
				tc.check(t, res.Objects)
			}
			checkFindings(t, res.Findings, tc.wants...)
		})
	}
}

func TestReadListsAndJSON(t *testing.T) {
	list := `apiVersion: v1
kind: List
items:
- apiVersion: fed.gloo.solo.io/v1
  kind: FederatedUpstream
  metadata: {name: a, namespace: ns}
  spec:
    placement: {clusters: [east], namespaces: [ns]}
    template: {metadata: {name: a}, spec: {}}
- metadata: {name: no-kind}
- 42
`
	docs := Read("dump.yaml", []byte(list))
	if len(docs) != 3 {
		t.Fatalf("want 3 documents, got %+v", docs)
	}
	for i, d := range docs {
		if want := "dump.yaml, document 1, item " + string(rune('1'+i)); d.Source != want {
			t.Errorf("source %q, want %q", d.Source, want)
		}
	}
	if docs[0].Err != nil || docs[0].Object.GetName() != "a" {
		t.Errorf("item 1: %+v", docs[0])
	}
	if docs[1].Err == nil || !strings.Contains(docs[1].Err.Error(), "apiVersion and kind are missing") || docs[1].Object != nil {
		t.Errorf("item 2: %+v", docs[1])
	}
	if docs[2].Err == nil || !strings.Contains(docs[2].Err.Error(), "not an object") {
		t.Errorf("item 3: %+v", docs[2])
	}

	js := `{"apiVersion": "fed.gateway.solo.io/v1", "kind": "FederatedRouteTable", "metadata": {"name": "rt", "namespace": "ns"},
	 "spec": {"placement": {"clusters": ["east"], "namespaces": ["ns"]}, "template": {"metadata": {"name": "rt"}, "spec": {"weight": 9007199254740993}}}}`
	res := Convert(Read("rt.json", []byte(js)), Options{})
	checkFindings(t, res.Findings)
	if len(res.Objects) != 1 {
		t.Fatalf("want 1 object, got %d", len(res.Objects))
	}
	if got := field(t, res.Objects[0], "spec", "template", "spec", "weight"); got != int64(9007199254740993) {
		t.Errorf("weight %#v: large integers must come through exactly", got)
	}

	if docs := Read("empty.yaml", []byte("# nothing\n---\n")); len(docs) != 0 {
		t.Errorf("comments only: want no documents, got %+v", docs)
	}
}

// Every kind migrate converts to exists in Meridian's API, and every
// converted object fits Meridian's Go types without a field to spare.
func TestConvertedObjectsFitMeridianTypes(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := fedv1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	for gk, r := range kinds {
		if r.convert == nil {
			continue
		}
		if gvk := fedv1alpha1.SchemeGroupVersion.WithKind(gk.Kind); !scheme.Recognizes(gvk) {
			t.Errorf("%s converts to %s, which Meridian does not have", gk, gvk)
		}
	}

	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var docs []Document
	for _, e := range entries {
		docs = append(docs, readTestdata(t, e.Name())...)
	}
	res := Convert(docs, Options{})
	if len(res.Objects) != 5 {
		t.Errorf("want 5 objects from testdata, got %d", len(res.Objects))
	}
	for _, o := range res.Objects {
		typed, err := scheme.New(schema.FromAPIVersionAndKind(o.GetAPIVersion(), o.GetKind()))
		if err != nil {
			t.Fatal(err)
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(o.Object, typed, true); err != nil {
			t.Errorf("%s %s does not fit Meridian's type: %v", o.GetKind(), o.GetName(), err)
		}
	}

	// The check above would see a field to spare.
	extra := res.Objects[0].DeepCopy()
	unstructured.SetNestedField(extra.Object, "x", "spec", "placement", "extra")
	typed, err := scheme.New(schema.FromAPIVersionAndKind(extra.GetAPIVersion(), extra.GetKind()))
	if err != nil {
		t.Fatal(err)
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(extra.Object, typed, true); err == nil {
		t.Error("an unknown field went unnoticed")
	}
}

func TestDefaultFederationNamespace(t *testing.T) {
	if DefaultFederationNamespace != install.DefaultNamespace {
		t.Errorf("DefaultFederationNamespace %q, but Meridian installs into %q", DefaultFederationNamespace, install.DefaultNamespace)
	}
}
