package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("make verify", func() {
	It("fails on a hand-edited generated file, and says how to fix it", func(ctx SpecContext) {
		// A copy of the tree as a fresh git repository, so the real work tree
		// is never touched.
		dir := GinkgoT().TempDir()
		list := exec.CommandContext(ctx, "git", "ls-files", "-co", "--exclude-standard")
		list.Dir = repoRoot
		out, err := list.Output()
		Expect(err).NotTo(HaveOccurred())
		for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			data, err := os.ReadFile(filepath.Join(repoRoot, f))
			if os.IsNotExist(err) {
				continue // deleted in the work tree, not yet in git
			}
			Expect(err).NotTo(HaveOccurred())
			info, err := os.Stat(filepath.Join(repoRoot, f))
			Expect(err).NotTo(HaveOccurred())
			Expect(os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(dir, f), data, info.Mode())).To(Succeed())
		}
		for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}} {
			git := exec.CommandContext(ctx, "git", args...)
			git.Dir = dir
			Expect(git.Run()).To(Succeed())
		}

		generated := filepath.Join(dir, "pkg", "generated", "clientset", "versioned", "typed", "views", "v1alpha1", "glooinstance.go")
		data, err := os.ReadFile(generated)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(generated, []byte(strings.Replace(string(data), "package v1alpha1", "package v1alpha1\n\n// edited by hand", 1)), 0o644)).To(Succeed())

		verify := exec.CommandContext(ctx, "bash", "hack/verify.sh")
		verify.Dir = dir
		output, err := verify.CombinedOutput()
		Expect(err).To(HaveOccurred(), "verify passed with a hand-edited generated file:\n%s", output)
		Expect(string(output)).To(ContainSubstring("glooinstance.go"))
		Expect(string(output)).To(ContainSubstring("make generate"))
	}, SpecTimeout(5*time.Minute))
})
