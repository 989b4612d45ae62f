package app

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// Every command a user can reach has examples, and the examples name the
// program the way it was invoked (kubectl plugins are "kubectl meridian").
func TestHelpHasExamplesAndPluginName(t *testing.T) {
	for _, name := range []string{"meridianctl", "kubectl-meridian"} {
		root := NewCommand(name, streams{in: strings.NewReader(""), out: &bytes.Buffer{}, err: &bytes.Buffer{}})
		want := "meridianctl"
		if name == "kubectl-meridian" {
			want = "kubectl meridian"
		}
		var walk func(c *cobra.Command)
		walk = func(c *cobra.Command) {
			if c.Hidden || c.Name() == "help" || c.Name() == "completion" || c.Parent() != nil && c.Parent().Name() == "completion" {
				return
			}
			if c.Example == "" {
				t.Errorf("%s %q has no examples", name, c.CommandPath())
			} else if !strings.Contains(c.Example, want+" ") {
				t.Errorf("%s %q examples do not say %q:\n%s", name, c.CommandPath(), want, c.Example)
			}
			for _, sub := range c.Commands() {
				walk(sub)
			}
		}
		walk(root)
	}
}

func TestVersionClientOnlyNeedsNoCluster(t *testing.T) {
	var out, errOut bytes.Buffer
	code := Main([]string{"meridianctl", "version", "--client"}, strings.NewReader(""), &out, &errOut)
	if code != 0 || !strings.HasPrefix(out.String(), "Client: meridianctl v") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}
