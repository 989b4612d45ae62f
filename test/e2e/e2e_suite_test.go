package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/meridianfed/meridian/pkg/devenv"
	"github.com/meridianfed/meridian/pkg/devenv/glooinstall"
)

// Members of the shared environment. east, west and central carry the
// demo's Gloo installations, each with the stand-in for Gloo's translation
// loop writing statuses; north has only Gloo's CRDs (nothing reports on its
// objects) and is where specs create their own objects.
var memberNames = []string{"east", "west", "central", "north"}

// secretNamespaces are where the members let FederatedSecrets place
// Secrets: the placement specs' namespaces, one the credential specs
// check the admission policy in, and Gloo's, where failover places its
// certificates.
var secretNamespaces = []string{"team-x", "team-y", "meridian-secrets", "gloo-system"}

var (
	env             *devenv.Environment
	meridian        *devenv.Meridian
	meridianOptions devenv.MeridianOptions
	repoRoot        string
)

func TestE2E(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Meridian e2e")
}

var _ = BeforeSuite(func(ctx SpecContext) {
	var err error
	repoRoot, err = devenv.RepoRoot()
	Expect(err).NotTo(HaveOccurred())
	dir, err := os.MkdirTemp("", "meridian-e2e-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		if !CurrentSpecReport().Failed() {
			os.RemoveAll(dir)
		}
	})

	env, err = devenv.Start(ctx, devenv.Options{Dir: dir, Members: memberNames, Progress: GinkgoWriter, SecretNamespaces: secretNamespaces})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(env.Stop)
	env.StopWhenOrphaned()
	AddReportEntry("environment", dir)

	crds := glooCRDs()
	for i, m := range env.Members {
		Expect(devenv.InstallCRDs(ctx, m.RESTConfig(), crds...)).To(Succeed(), "installing Gloo CRDs into %s", m.Name)
		if m.Name != "north" {
			installGloo(ctx, m, i)
		}
	}

	apiserver := buildBinary(ctx, "./cmd/apiserver")
	meridianOptions = devenv.MeridianOptions{
		APIServer:  apiserver,
		Controller: buildBinary(ctx, "./cmd/controller"),
		// Short, so the deletion spec sees leftovers swept soon after a
		// member returns.
		ControllerArgs: []string{"--sweep-interval=5s", "--resync=10s"},
		// Short, so the fault specs see an unreachable member leave the views.
		ExtraArgs: []string{"--member-remove-after=3s"},
	}
	meridian, err = env.StartMeridian(ctx, meridianOptions)
	Expect(err).NotTo(HaveOccurred())
	AddReportEntry("meridian-apiserver log", meridian.APIServerLog)
	AddReportEntry("meridian-controller log", meridian.ControllerLog)
	Expect(env.RegisterMembers(ctx)).To(Succeed())
	// A second replica, as the Deployment runs (artifacts/apiserver): the
	// specs that move a client between replicas reach each one directly.
	second, err := meridian.RunAPIServerReplica(ctx, env)
	Expect(err).NotTo(HaveOccurred(), "the second meridian-apiserver replica (see its log)")
	AddReportEntry("meridian-apiserver second replica log", second.Log)
}, NodeTimeout(5*time.Minute))

// installGloo puts the demo's i-th Gloo installation into member m and runs
// the stand-in for Gloo's translation loop there until the node that called
// it (the suite, or an Ordered container's BeforeAll) is cleaned up.
func installGloo(ctx context.Context, m *devenv.Cluster, i int) {
	in := glooinstall.ForMember(m.Name, i)
	Expect(glooinstall.Install(ctx, m.RESTConfig(), in)).To(Succeed(), "installing Gloo into %s", m.Name)
	standIn, stop := context.WithCancel(context.Background())
	DeferCleanup(stop)
	Expect(glooinstall.RunStandIn(standIn, m.RESTConfig(), glooinstall.StandInOptions{
		Namespace: in.Namespace,
		Logf:      func(format string, args ...any) { GinkgoWriter.Printf(m.Name+": "+format+"\n", args...) },
	})).To(Succeed(), "starting the Gloo stand-in in %s", m.Name)
}

func glooCRDs() [][]byte {
	crds, err := glooinstall.CRDDocuments()
	Expect(err).NotTo(HaveOccurred())
	return crds
}

// kubectlCommand is kubectl as a user would run it: the one `make tools`
// builds from the pinned Kubernetes release into bin/ (MERIDIAN_BIN_DIR), so
// the suite needs no kubectl on the machine and drives the servers with
// their own version.
func kubectlCommand(ctx context.Context, kubeconfig string, args ...string) *exec.Cmd {
	dir := os.Getenv("MERIDIAN_BIN_DIR")
	if dir == "" {
		dir = filepath.Join(repoRoot, "bin")
	}
	path := filepath.Join(dir, "kubectl")
	_, err := os.Stat(path)
	Expect(err).NotTo(HaveOccurred(), "the e2e suite runs bin/kubectl: run `make tools` (make e2e does)")
	return exec.CommandContext(ctx, path, append([]string{"--kubeconfig", kubeconfig}, args...)...)
}

// kubectl runs kubectl and returns its combined output.
func kubectl(ctx context.Context, kubeconfig string, args ...string) (string, error) {
	out, err := kubectlCommand(ctx, kubeconfig, args...).CombinedOutput()
	return string(out), err
}

// buildBinary compiles a main package of the repository into a temp dir.
func buildBinary(ctx context.Context, pkg string) string {
	out := filepath.Join(GinkgoT().TempDir(), filepath.Base(pkg))
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = repoRoot
	output, err := cmd.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "go build %s: %s", pkg, output)
	return out
}
