package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Bad invocations say what to do instead, before any cluster is reached.
func TestFailoverExplainArguments(t *testing.T) {
	dir := t.TempDir()
	scheme := filepath.Join(dir, "scheme.yaml")
	if err := os.WriteFile(scheme, []byte("apiVersion: fed.meridian.io/v1alpha1\nkind: FailoverScheme\nmetadata: {name: blue}\nspec: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	upstream := filepath.Join(dir, "upstream.yaml")
	if err := os.WriteFile(upstream, []byte("apiVersion: gloo.solo.io/v1\nkind: Upstream\nmetadata: {name: blue}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	typo := filepath.Join(dir, "typo.yaml")
	if err := os.WriteFile(typo, []byte("apiVersion: fed.meridian.io/v1alpha1\nkind: FailoverScheme\nmetadata: {name: blue}\nspec: {primry: {}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		say  string
	}{
		{[]string{"failover", "explain"}, "give a scheme's NAME"},
		{[]string{"failover", "explain", "-f", scheme}, "add --dry-run"},
		{[]string{"failover", "explain", "--dry-run"}, "give it with -f FILE"},
		{[]string{"failover", "explain", "blue", "--dry-run", "-f", scheme}, "not both"},
		{[]string{"failover", "explain", "--dry-run", "-f", upstream}, "holds gloo.solo.io/v1 Upstream, not a fed.meridian.io/v1alpha1 FailoverScheme"},
		{[]string{"failover", "explain", "--dry-run", "-f", typo}, `unknown field "primry"`},
		{[]string{"failover", "explain", "--dry-run", "-f", filepath.Join(dir, "missing.yaml")}, "no such file"},
	} {
		var out, errOut bytes.Buffer
		code := Main(append([]string{"meridianctl", "--kubeconfig", filepath.Join(dir, "none")}, c.args...), strings.NewReader(""), &out, &errOut)
		if code == 0 || !strings.Contains(errOut.String(), c.say) {
			t.Errorf("%v: exit %d, stderr %q, want it to say %q", c.args, code, errOut.String(), c.say)
		}
	}
}
