package helmchart

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/meridianfed/meridian/pkg/version"
)

const root = "../.."

func loadChart(t *testing.T) *chart.Chart {
	t.Helper()
	ch, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// objects renders the chart and decodes every object.
func objects(t *testing.T, values map[string]any) []*unstructured.Unstructured {
	t.Helper()
	rendered, err := Render(loadChart(t), "fed-system", values)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	var out []*unstructured.Unstructured
	for _, doc := range splitDocuments(string(Manifest(rendered))) {
		var m map[string]any
		if err := utilyaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatalf("rendered YAML does not parse: %v\n%s", err, doc)
		}
		if len(m) > 0 {
			out = append(out, &unstructured.Unstructured{Object: m})
		}
	}
	return out
}

func find(objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	for _, o := range objs {
		if o.GetKind() == kind && o.GetName() == name {
			return o
		}
	}
	return nil
}

func mustFind(t *testing.T, objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	t.Helper()
	o := find(objs, kind, name)
	if o == nil {
		t.Fatalf("no %s %s rendered", kind, name)
	}
	return o
}

func containerArgs(t *testing.T, d *unstructured.Unstructured) []string {
	t.Helper()
	cs, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	args, _, _ := unstructured.NestedStringSlice(cs[0].(map[string]any), "args")
	return args
}

// The chart installs the images of the release the sources are heading
// for: appVersion is the binaries' version without its -dev suffix, so
// make images IMAGE_VERSION=<appVersion> builds what the chart pulls.
func TestAppVersionIsTheBinariesRelease(t *testing.T) {
	if got, want := loadChart(t).Metadata.AppVersion, strings.TrimSuffix(version.Version, "-dev"); got != want {
		t.Errorf("Chart.yaml appVersion %q, the binaries' release %q (pkg/version): change both together", got, want)
	}
}

func TestLintIsClean(t *testing.T) {
	for name, values := range map[string]map[string]any{
		"defaults":  nil,
		"artifacts": ArtifactValues(),
		"everything": {
			"dashboard":          map[string]any{"enabled": true, "oauth2Proxy": map[string]any{"issuerURL": "https://login.example.com"}},
			"serviceMonitor":     map[string]any{"enabled": true},
			"servingCertificate": map[string]any{"source": "certManager"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			l := lint.RunAll(filepath.Join(root, Dir), values, "fed-system")
			for _, m := range l.Messages {
				if m.Severity >= support.WarningSev {
					t.Errorf("helm lint: %s", m)
				} else {
					t.Logf("helm lint: %s", m)
				}
			}
		})
	}
}

// artifacts/ must be exactly the chart rendered (make generate writes it).
func TestArtifactsAreTheRenderedChart(t *testing.T) {
	rendered, err := Render(loadChart(t), "meridian-system", ArtifactValues())
	if err != nil {
		t.Fatal(err)
	}
	files, err := Artifacts(rendered)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(root, "artifacts", name))
		if err != nil || string(got) != string(want) {
			t.Errorf("artifacts/%s differs from the chart rendered (run make generate): %v", name, err)
		}
	}
	onDisk, _ := filepath.Glob(filepath.Join(root, "artifacts", "*", "*.yaml"))
	top, _ := filepath.Glob(filepath.Join(root, "artifacts", "*.yaml"))
	for _, f := range append(onDisk, top...) {
		rel, _ := filepath.Rel(filepath.Join(root, "artifacts"), f)
		if _, ok := files[filepath.ToSlash(rel)]; !ok {
			t.Errorf("artifacts/%s is not rendered from the chart (run make generate)", rel)
		}
	}
	if len(files) < 20 {
		t.Errorf("only %d files rendered", len(files))
	}
}

func TestDefaultsInstallAVerifiedAPIService(t *testing.T) {
	objs := objects(t, nil)
	api := mustFind(t, objs, "APIService", "v1alpha1.views.meridian.io")
	if v, _, _ := unstructured.NestedBool(api.Object, "spec", "insecureSkipTLSVerify"); v {
		t.Fatal("the APIService skips TLS verification")
	}
	if ns, _, _ := unstructured.NestedString(api.Object, "spec", "service", "namespace"); ns != "fed-system" {
		t.Errorf("APIService service namespace %q, want the release's", ns)
	}
	bundle, _, _ := unstructured.NestedString(api.Object, "spec", "caBundle")
	secret := mustFind(t, objs, "Secret", "meridian-apiserver-serving")
	data, _, _ := unstructured.NestedStringMap(secret.Object, "data")
	if bundle == "" || bundle != data["ca.crt"] {
		t.Fatalf("the APIService's caBundle is not the serving Secret's ca.crt")
	}
	caPEM, _ := base64.StdEncoding.DecodeString(bundle)
	crtPEM, _ := base64.StdEncoding.DecodeString(data["tls.crt"])
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("caBundle holds no certificate")
	}
	block, _ := pem.Decode(crtPEM)
	if block == nil {
		t.Fatal("tls.crt is not PEM")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	// kube-aggregator dials <service>.<namespace>.svc and checks that name.
	if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, DNSName: "meridian-apiserver.fed-system.svc"}); err != nil {
		t.Errorf("the serving certificate does not verify for the Service's name: %v", err)
	}
	if find(objs, "Namespace", "fed-system") != nil {
		t.Error("the release namespace is rendered by default: helm uninstall would delete the registrations with it")
	}
	for _, kind := range []string{"Deployment", "PodDisruptionBudget"} {
		for _, name := range []string{"meridian-apiserver", "meridian-controller"} {
			mustFind(t, objs, kind, name)
		}
	}
	if find(objs, "Deployment", "meridian-dashboard") != nil {
		t.Error("the dashboard is on by default")
	}
	if find(objs, "ServiceMonitor", "meridian-apiserver") != nil {
		t.Error("a ServiceMonitor is rendered by default")
	}
	crds := 0
	for _, o := range objs {
		if o.GetKind() == "CustomResourceDefinition" {
			crds++
			if o.GetAnnotations()["helm.sh/resource-policy"] != "keep" {
				t.Errorf("CRD %s is not kept on uninstall", o.GetName())
			}
		}
	}
	if want := len(mustGlob(t, filepath.Join(root, Dir, "files", "crds", "*.yaml"))); crds != want || crds == 0 {
		t.Errorf("%d CRDs rendered, %d generated", crds, want)
	}
	mustFind(t, objs, "ValidatingAdmissionPolicy", "meridian-placement")
	mustFind(t, objs, "ClusterRole", "meridian-view")
}

func mustGlob(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestValuesReachTheFlags(t *testing.T) {
	objs := objects(t, map[string]any{
		"image":      map[string]any{"registry": "registry.example.com/team", "tag": "v9.9.9"},
		"apiserver":  map[string]any{"replicas": 3, "memberTimeout": "7s", "memberRemoveAfter": "1m", "logLevel": 4},
		"controller": map[string]any{"replicas": 1, "memberTimeout": "20s", "resync": "5m", "logLevel": 1, "image": "other.example.com/c@sha256:" + strings.Repeat("a", 64)},
	})
	api := mustFind(t, objs, "Deployment", "meridian-apiserver")
	if r, _, _ := unstructured.NestedInt64(api.Object, "spec", "replicas"); r != 3 {
		t.Errorf("apiserver replicas %d", r)
	}
	args := containerArgs(t, api)
	for _, want := range []string{"--member-timeout=7s", "--member-remove-after=1m", "--v=4", "--federation-namespace=fed-system"} {
		if !slices.Contains(args, want) {
			t.Errorf("apiserver args %v lack %s", args, want)
		}
	}
	cs, _, _ := unstructured.NestedSlice(api.Object, "spec", "template", "spec", "containers")
	if img := cs[0].(map[string]any)["image"]; img != "registry.example.com/team/meridian-apiserver:v9.9.9" {
		t.Errorf("apiserver image %v", img)
	}
	ctl := mustFind(t, objs, "Deployment", "meridian-controller")
	args = containerArgs(t, ctl)
	for _, want := range []string{"--member-timeout=20s", "--resync=5m", "--v=1", "--leader-elect=true"} {
		if !slices.Contains(args, want) {
			t.Errorf("controller args %v lack %s", args, want)
		}
	}
	cs, _, _ = unstructured.NestedSlice(ctl.Object, "spec", "template", "spec", "containers")
	if img := cs[0].(map[string]any)["image"]; !strings.HasPrefix(img.(string), "other.example.com/c@sha256:") {
		t.Errorf("controller image %v", img)
	}
	if find(objs, "PodDisruptionBudget", "meridian-controller") != nil {
		t.Error("a PodDisruptionBudget for one replica would block every drain")
	}
	mustFind(t, objs, "PodDisruptionBudget", "meridian-apiserver")

	// Empty values leave the binaries' defaults: no flag at all.
	for _, a := range containerArgs(t, mustFind(t, objects(t, nil), "Deployment", "meridian-apiserver")) {
		if strings.HasPrefix(a, "--member-timeout") || strings.HasPrefix(a, "--member-remove-after") {
			t.Errorf("default render passes %s", a)
		}
	}
}

func TestServingCertificateSources(t *testing.T) {
	t.Run("certManager", func(t *testing.T) {
		objs := objects(t, map[string]any{"servingCertificate": map[string]any{"source": "certManager"}})
		api := mustFind(t, objs, "APIService", "v1alpha1.views.meridian.io")
		if got := api.GetAnnotations()["cert-manager.io/inject-ca-from"]; got != "fed-system/meridian-apiserver-serving" {
			t.Errorf("inject-ca-from %q", got)
		}
		if _, ok, _ := unstructured.NestedString(api.Object, "spec", "caBundle"); ok {
			t.Error("caBundle set although cert-manager injects it")
		}
		crt := mustFind(t, objs, "Certificate", "meridian-apiserver-serving")
		names, _, _ := unstructured.NestedStringSlice(crt.Object, "spec", "dnsNames")
		if !slices.Contains(names, "meridian-apiserver.fed-system.svc") {
			t.Errorf("dnsNames %v", names)
		}
		if find(objs, "Secret", "meridian-apiserver-serving") != nil {
			t.Error("the chart writes the Secret cert-manager owns")
		}
		mustFind(t, objs, "Issuer", "meridian-apiserver-ca")
		// A given issuer: no Issuers of the chart's own.
		objs = objects(t, map[string]any{"servingCertificate": map[string]any{"source": "certManager", "certManager": map[string]any{"issuerRef": map[string]any{"name": "corp", "kind": "ClusterIssuer"}}}})
		if find(objs, "Issuer", "meridian-apiserver-ca") != nil {
			t.Error("own Issuer rendered although one is given")
		}
		ref, _, _ := unstructured.NestedStringMap(mustFind(t, objs, "Certificate", "meridian-apiserver-serving").Object, "spec", "issuerRef")
		if ref["name"] != "corp" || ref["kind"] != "ClusterIssuer" {
			t.Errorf("issuerRef %v", ref)
		}
	})
	t.Run("secret", func(t *testing.T) {
		objs := objects(t, map[string]any{"servingCertificate": map[string]any{"source": "secret", "secretName": "mine", "caBundle": "Q0E="}})
		api := mustFind(t, objs, "APIService", "v1alpha1.views.meridian.io")
		if b, _, _ := unstructured.NestedString(api.Object, "spec", "caBundle"); b != "Q0E=" {
			t.Errorf("caBundle %q", b)
		}
		if find(objs, "Secret", "mine") != nil {
			t.Error("the chart writes the Secret the user gives")
		}
		vols, _, _ := unstructured.NestedSlice(mustFind(t, objs, "Deployment", "meridian-apiserver").Object, "spec", "template", "spec", "volumes")
		if name, _, _ := unstructured.NestedString(vols[0].(map[string]any), "secret", "secretName"); name != "mine" {
			t.Errorf("the server mounts %q", name)
		}
		// Neither a caBundle nor a Secret to read it from: a clear failure.
		_, err := Render(loadChart(t), "fed-system", map[string]any{"servingCertificate": map[string]any{"source": "secret", "secretName": "mine"}})
		if err == nil || !strings.Contains(err.Error(), "create Secret fed-system/mine") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestExternalServer(t *testing.T) {
	objs := objects(t, map[string]any{"apiserver": map[string]any{"external": map[string]any{"host": "localhost", "port": 9443}}})
	svc := mustFind(t, objs, "Service", "meridian-apiserver")
	if typ, _, _ := unstructured.NestedString(svc.Object, "spec", "type"); typ != "ExternalName" {
		t.Errorf("Service type %q", typ)
	}
	api := mustFind(t, objs, "APIService", "v1alpha1.views.meridian.io")
	if p, _, _ := unstructured.NestedInt64(api.Object, "spec", "service", "port"); p != 9443 {
		t.Errorf("APIService port %d", p)
	}
}

// Each refusal names what is wrong, so a user knows which value to fix
// (and the test knows the right check refused it).
func TestBadValuesAreRefused(t *testing.T) {
	for name, c := range map[string]struct {
		values map[string]any
		want   string
	}{
		"unknown key":           {map[string]any{"apiserver": map[string]any{"replica": 2}}, "'replica'"},
		"bad duration":          {map[string]any{"controller": map[string]any{"resync": "five minutes"}}, "/controller/resync"},
		"bad source":            {map[string]any{"servingCertificate": map[string]any{"source": "insecure"}}, "/servingCertificate/source"},
		"negative replicas":     {map[string]any{"apiserver": map[string]any{"replicas": -1}}, "/apiserver/replicas"},
		"no server replicas":    {map[string]any{"apiserver": map[string]any{"replicas": 0}}, "/apiserver/replicas"},
		"dashboard, no issuer":  {map[string]any{"dashboard": map[string]any{"enabled": true}}, "set dashboard.oauth2Proxy.issuerURL"},
		"plain http issuer":     {map[string]any{"dashboard": map[string]any{"enabled": true, "oauth2Proxy": map[string]any{"issuerURL": "http://login.example.com"}}}, "issuerURL"},
		"extra arg not a flag":  {map[string]any{"apiserver": map[string]any{"extraArgs": []any{"rm -rf"}}}, "/apiserver/extraArgs/0"},
		"log level beyond 10":   {map[string]any{"controller": map[string]any{"logLevel": 11}}, "/controller/logLevel"},
		"issuer without a name": {map[string]any{"servingCertificate": map[string]any{"source": "certManager", "certManager": map[string]any{"issuerRef": map[string]any{"kind": "ClusterIssuer"}}}}, "missing property 'name'"},
		"maxUnavailable words":  {map[string]any{"apiserver": map[string]any{"podDisruptionBudget": map[string]any{"maxUnavailable": "lots"}}}, "/apiserver/podDisruptionBudget/maxUnavailable"},
		"Prometheus interval":   {map[string]any{"serviceMonitor": map[string]any{"enabled": true, "interval": "1.5m"}}, "/serviceMonitor/interval"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Render(loadChart(t), "fed-system", c.values)
			if err == nil {
				t.Fatalf("values %v rendered", c.values)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("values %v refused with %q, which does not name %s", c.values, err, c.want)
			}
		})
	}
}

func TestOptionalParts(t *testing.T) {
	objs := objects(t, map[string]any{
		"dashboard":       map[string]any{"enabled": true, "oauth2Proxy": map[string]any{"issuerURL": "https://login.example.com"}},
		"serviceMonitor":  map[string]any{"enabled": true},
		"placementPolicy": map[string]any{"enabled": false},
		"userRoles":       map[string]any{"enabled": false},
		"crds":            map[string]any{"install": false},
		"createNamespace": true,
	})
	d := mustFind(t, objs, "Deployment", "meridian-dashboard")
	cs, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	proxyArgs, _, _ := unstructured.NestedStringSlice(cs[1].(map[string]any), "args")
	if !slices.Contains(proxyArgs, "--oidc-issuer-url=https://login.example.com") {
		t.Errorf("oauth2-proxy args %v", proxyArgs)
	}
	mustFind(t, objs, "ServiceMonitor", "meridian-apiserver")
	mustFind(t, objs, "ServiceMonitor", "meridian-controller")
	mustFind(t, objs, "Namespace", "fed-system")
	for _, o := range objs {
		switch {
		case o.GetKind() == "CustomResourceDefinition",
			o.GetKind() == "ValidatingAdmissionPolicy",
			o.GetKind() == "ClusterRole" && o.GetName() == "meridian-view":
			t.Errorf("%s %s rendered although disabled", o.GetKind(), o.GetName())
		}
	}
}

// The CRDs go through fromYaml and toYaml in the chart: what is rendered
// must be what controller-gen wrote, but for the labels and annotation the
// chart adds.
func TestCRDsRenderAsGenerated(t *testing.T) {
	objs := objects(t, nil)
	files := mustGlob(t, filepath.Join(root, Dir, "files", "crds", "*.yaml"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		if err := utilyaml.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		name, _, _ := unstructured.NestedString(want, "metadata", "name")
		got := find(objs, "CustomResourceDefinition", name)
		if got == nil {
			t.Errorf("%s: CRD %s not rendered", f, name)
			continue
		}
		rendered := got.DeepCopy().Object
		unstructured.RemoveNestedField(rendered, "metadata", "labels", "app.kubernetes.io/part-of")
		unstructured.RemoveNestedField(rendered, "metadata", "annotations", "helm.sh/resource-policy")
		if labels, _, _ := unstructured.NestedMap(rendered, "metadata", "labels"); len(labels) == 0 {
			unstructured.RemoveNestedField(rendered, "metadata", "labels")
		}
		if !reflect.DeepEqual(rendered, want) {
			t.Errorf("CRD %s renders differently from %s", name, f)
		}
	}
}

func TestPlacementPoliciesStayWithTheCRDs(t *testing.T) {
	count := func(values map[string]any) (kept, all int) {
		for _, o := range objects(t, values) {
			if strings.HasPrefix(o.GetKind(), "ValidatingAdmissionPolicy") {
				all++
				if o.GetAnnotations()["helm.sh/resource-policy"] == "keep" {
					kept++
				}
			}
		}
		return kept, all
	}
	if kept, all := count(nil); all != 6 || kept != all {
		t.Errorf("%d of %d policies and bindings kept on uninstall, want all of 6", kept, all)
	}
	if kept, all := count(map[string]any{"crds": map[string]any{"keep": false}}); all != 6 || kept != 0 {
		t.Errorf("with crds.keep false %d of %d kept, want none", kept, all)
	}
}

func TestDashboardImpersonatesOnlyWhomItIsTold(t *testing.T) {
	dash := map[string]any{"enabled": true, "oauth2Proxy": map[string]any{"issuerURL": "https://login.example.com"}}
	rules := func(values map[string]any) map[string][]string {
		role := mustFind(t, objects(t, values), "ClusterRole", "meridian-dashboard-impersonator")
		out := map[string][]string{}
		rs, _, _ := unstructured.NestedSlice(role.Object, "rules")
		for _, r := range rs {
			m := r.(map[string]any)
			res, _, _ := unstructured.NestedStringSlice(m, "resources")
			names, _, _ := unstructured.NestedStringSlice(m, "resourceNames")
			for _, x := range res {
				out[x] = names
			}
		}
		return out
	}
	narrow := rules(map[string]any{"dashboard": map[string]any{"enabled": true, "oauth2Proxy": dash["oauth2Proxy"],
		"impersonate": map[string]any{"users": []any{"alice@example.com"}, "groups": []any{"platform", "team-a"}}}})
	if !slices.Equal(narrow["users"], []string{"alice@example.com"}) || !slices.Equal(narrow["groups"], []string{"platform", "team-a"}) {
		t.Errorf("impersonation rules %v", narrow)
	}
	// The dashboard passes on only the groups it may impersonate, or
	// Kubernetes would refuse every user with one more group.
	narrowArgs := containerArgs(t, mustFind(t, objects(t, map[string]any{"dashboard": map[string]any{"enabled": true, "oauth2Proxy": dash["oauth2Proxy"],
		"impersonate": map[string]any{"groups": []any{"platform", "team-a"}}}}), "Deployment", "meridian-dashboard"))
	if !slices.Contains(narrowArgs, "--impersonate-groups=platform,team-a") {
		t.Errorf("dashboard args %v lack --impersonate-groups=platform,team-a", narrowArgs)
	}
	wideArgs := containerArgs(t, mustFind(t, objects(t, map[string]any{"dashboard": dash}), "Deployment", "meridian-dashboard"))
	for _, a := range wideArgs {
		if strings.HasPrefix(a, "--impersonate-groups") {
			t.Errorf("default dashboard args pass %s", a)
		}
	}
	// It reads the registrations in the release's namespace, as the server
	// and controller do.
	if !slices.Contains(wideArgs, "--federation-namespace=fed-system") {
		t.Errorf("dashboard args %v lack --federation-namespace=fed-system", wideArgs)
	}
	if wide := rules(map[string]any{"dashboard": dash}); len(wide) != 2 || wide["users"] != nil || wide["groups"] != nil {
		t.Errorf("default impersonation rules %v, want users and groups without resourceNames", wide)
	}
}

func TestExternalServerHasNoDeployment(t *testing.T) {
	objs := objects(t, map[string]any{"apiserver": map[string]any{"external": map[string]any{"host": "localhost"}}})
	if find(objs, "Deployment", "meridian-apiserver") != nil || find(objs, "PodDisruptionBudget", "meridian-apiserver") != nil {
		t.Error("a Deployment (or its PodDisruptionBudget) for a server that runs outside the cluster")
	}
	mustFind(t, objs, "Deployment", "meridian-controller")
	cs, _, _ := unstructured.NestedSlice(mustFind(t, objs, "Deployment", "meridian-controller").Object, "spec", "template", "spec", "containers")
	if p, ok := cs[0].(map[string]any)["imagePullPolicy"]; ok {
		t.Errorf("imagePullPolicy %v set by default: Kubernetes' own default is lost", p)
	}
}
