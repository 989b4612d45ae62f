package app

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/meridianfed/meridian/pkg/manifest"
)

const testdata = "../../../pkg/migrate/testdata"

func run(t *testing.T, stdin string, args ...string) (code int, out, errOut string) {
	t.Helper()
	var o, e bytes.Buffer
	code = Main(append([]string{"meridianctl"}, args...), strings.NewReader(stdin), &o, &e)
	return code, o.String(), e.String()
}

// kindsOf returns "Kind namespace/name" of each object of a YAML stream,
// checking that each is Meridian's.
func kindsOf(t *testing.T, stream string) []string {
	t.Helper()
	docs, err := manifest.SplitYAML([]byte(stream))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		var o struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct{ Name, Namespace string }
		}
		if err := yaml.Unmarshal(d, &o); err != nil {
			t.Fatalf("output is not YAML: %v\n%s", err, d)
		}
		if o.APIVersion != "fed.meridian.io/v1alpha1" {
			t.Errorf("%s has apiVersion %s", o.Kind, o.APIVersion)
		}
		got = append(got, o.Kind+" "+o.Metadata.Namespace+"/"+o.Metadata.Name)
	}
	return got
}

func TestMigrateDirectory(t *testing.T) {
	code, out, errOut := run(t, "", "migrate", "-f", testdata)
	if code != 1 {
		t.Errorf("exit code %d, want 1 (a broken document)", code)
	}
	want := []string{
		"FailoverScheme gloo-system/failover-scheme",
		"FederatedRateLimitConfig gloo-system/per-user",
		"FederatedUpstream gloo-system/default-service-blue",
		"FederatedVirtualService gloo-system/my-federated-vs",
		"KubernetesCluster meridian-system/remote",
	}
	if got := kindsOf(t, out); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("objects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	for _, w := range []string{
		"warning: MultiClusterRole gloo-system/remote-admin: no equivalent in Meridian (use Kubernetes RBAC, see docs/rbac.md); not converted",
		"info: FailoverScheme gloo-system/failover-scheme: status: dropped: status is recomputed by Meridian",
		"info: FederatedUpstream gloo-system/default-service-blue: status: dropped: status is recomputed by Meridian",
		"info: Upstream gloo-system/default-service-blue-10000: not a Gloo Federation object, left out",
	} {
		found := false
		for _, l := range lines {
			found = found || l == w
		}
		if !found {
			t.Errorf("stderr lacks %q:\n%s", w, errOut)
		}
	}
	if !strings.Contains(errOut, "error: "+filepath.Join(testdata, "broken.yaml")+", document 2: not YAML or JSON") {
		t.Errorf("stderr does not name the broken document:\n%s", errOut)
	}
	if last := lines[len(lines)-1]; last != "converted 5 objects: 1 error, 4 warnings, 9 info" {
		t.Errorf("last line %q", last)
	}
}

func TestMigrateExitCodes(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"federatedvirtualservice.yaml", "multiclusterrole.yaml"} {
		data, err := os.ReadFile(filepath.Join(testdata, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Not manifests: not read.
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("# not YAML: {"), 0o644); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := run(t, "", "migrate", "-f", dir, "--namespace", "team-a")
	if code != 2 {
		t.Errorf("exit code %d, want 2 (not converted: the MultiClusterRole): %s", code, errOut)
	}
	if got := kindsOf(t, out); len(got) != 1 || got[0] != "FederatedVirtualService team-a/my-federated-vs" {
		t.Errorf("objects %v", got)
	}
	if !strings.HasSuffix(errOut, "converted 1 object: 0 errors, 2 warnings, 1 info\n") {
		t.Errorf("stderr:\n%s", errOut)
	}

	// Everything converted, from standard input, as JSON.
	vs, err := os.ReadFile(filepath.Join(testdata, "federatedvirtualservice.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, string(vs), "migrate", "-f", "-", "-o", "json")
	if code != 0 {
		t.Errorf("exit code %d, want 0: %s", code, errOut)
	}
	var list struct {
		Kind  string
		Items []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if list.Kind != "List" || len(list.Items) != 1 || list.Items[0]["kind"] != "FederatedVirtualService" {
		t.Errorf("output %s", out)
	}
	if errOut != "converted 1 object: 0 errors, 0 warnings, 0 info\n" {
		t.Errorf("stderr %q", errOut)
	}
}

func TestMigrateFederationNamespace(t *testing.T) {
	code, out, _ := run(t, "", "migrate", "-f", filepath.Join(testdata, "kubernetescluster.yaml"), "--federation-namespace", "fed")
	if code != 2 {
		t.Errorf("exit code %d, want 2 (providerInfo, and the Secret to copy)", code)
	}
	if got := kindsOf(t, out); len(got) != 1 || got[0] != "KubernetesCluster fed/remote" {
		t.Errorf("objects %v", got)
	}
}

func TestMigrateUsageErrors(t *testing.T) {
	empty := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate"}, "Error: give the manifests to convert with -f FILE, -f DIR or -f - (standard input)"},
		{[]string{"migrate", "-f", testdata, "-o", "xml"}, `Error: -o must be yaml or json, not "xml"`},
		{[]string{"migrate", "-f", empty}, "no .yaml, .yml or .json file in this directory"},
		{[]string{"migrate", "-f", filepath.Join(empty, "missing.yaml")}, "no such file or directory"},
		{[]string{"migrate", "-f", "-", "-f", "-"}, "-f - (standard input) may be given only once"},
	} {
		code, out, errOut := run(t, "", tc.args...)
		if code != 1 || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit code %d, stdout %q, stderr %q; want 1 and %q", tc.args, code, out, errOut, tc.want)
		}
	}
}

func TestMigrateHelp(t *testing.T) {
	code, out, _ := run(t, "", "migrate", "--help")
	if code != 0 || !strings.Contains(out, "meridianctl migrate -f gloo-fed/ > meridian.yaml") {
		t.Errorf("exit code %d, help:\n%s", code, out)
	}
	var o, e bytes.Buffer
	if Main([]string{"kubectl-meridian", "migrate", "--help"}, strings.NewReader(""), &o, &e); !strings.Contains(o.String(), "kubectl meridian migrate -f gloo-fed/") {
		t.Errorf("as a kubectl plugin, examples say kubectl meridian:\n%s", o.String())
	}
}
