package glooinstall

import (
	"os/exec"
	"strings"
	"testing"
)

// The stand-in for Gloo is for the local environment only: no command
// Meridian ships may link it (or anything else of pkg/devenv).
func TestNoShippedBinaryImportsTheLocalEnvironment(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/meridianfed/meridian/cmd/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 100 {
		t.Fatalf("go list -deps found only %d packages: %s", len(deps), out)
	}
	for _, dep := range deps {
		if strings.HasPrefix(dep, "github.com/meridianfed/meridian/pkg/devenv") {
			t.Errorf("a shipped command depends on %s", dep)
		}
	}
}
