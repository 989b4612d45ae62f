package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testKubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: mgmt
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: dana
  user: {token: not-a-real-token}
contexts:
- name: scoped
  context: {cluster: mgmt, user: dana, namespace: team-a}
- name: unscoped
  context: {cluster: mgmt, user: dana}
current-context: scoped
`

func writeKubeconfig(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(path, []byte(testKubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDashboardShowsTheContextsOwnNamespace(t *testing.T) {
	path := writeKubeconfig(t)
	for context, want := range map[string]string{"": "team-a", "scoped": "team-a", "unscoped": ""} {
		o := dashboardOptions{}
		_, ns, err := o.config(&kubeFlags{kubeconfig: path, context: context})
		if err != nil {
			t.Fatal(err)
		}
		if ns != want {
			t.Errorf("context %q: namespace %q, want %q (a context without one shows every namespace)", context, ns, want)
		}
	}
}

func TestDashboardRefusesToServeYourCredentialsBeyondLoopback(t *testing.T) {
	path := writeKubeconfig(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--address", "0.0.0.0:0"}, "loopback address only"},
		{[]string{"--address", "example.com:80"}, "loopback address only"},
		{[]string{"--address", "nonsense"}, "give host:port"},
		{[]string{"--address", "unix:/tmp/x.sock"}, "a Unix socket is for a proxy"},
		{[]string{"--auth", "impersonate", "--address", "0.0.0.0:8080"}, "a Unix socket (unix:PATH) or a loopback address only"},
		{[]string{"--auth", "none"}, "--auth must be kubeconfig, impersonate or bearer"},
	} {
		var out, errOut bytes.Buffer
		code := Main(append([]string{"meridianctl", "dashboard", "--kubeconfig", path, "--no-browser"}, c.args...), strings.NewReader(""), &out, &errOut)
		if code == 0 || !strings.Contains(errOut.String(), c.want) {
			t.Errorf("dashboard %v: exit %d, %q; want a failure saying %q", c.args, code, errOut.String(), c.want)
		}
		if strings.Contains(errOut.String(), "not-a-real-token") {
			t.Errorf("dashboard %v: the error carries the credential", c.args)
		}
	}
}
