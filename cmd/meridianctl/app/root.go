package app

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/meridianfed/meridian/pkg/version"
)

// streams are the command's input and outputs.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

// exitError ends the program with a code, having said what it had to.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit code %d", e.code) }

// Main runs meridianctl with args (args[0] is the program name) and returns
// the exit code.
func Main(args []string, in io.Reader, out, errOut io.Writer) int {
	cmd := NewCommand(filepath.Base(args[0]), streams{in: in, out: out, err: errOut})
	cmd.SetArgs(args[1:])
	cmd.SetIn(in)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	if err := cmd.Execute(); err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		fmt.Fprintf(errOut, "Error: %v\n", err)
		return 1
	}
	return 0
}

// kubeFlags are the usual ways to pick the management cluster.
type kubeFlags struct {
	kubeconfig string
	context    string
}

func (f *kubeFlags) bind(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&f.kubeconfig, "kubeconfig", "", "Path to the management cluster's kubeconfig (default: $KUBECONFIG, then ~/.kube/config).")
	cmd.PersistentFlags().StringVar(&f.context, "context", "", "The kubeconfig context of the management cluster (default: the current context).")
}

// config returns the management cluster's client configuration.
func (f *kubeFlags) config() (*rest.Config, error) {
	return loadConfig(f.kubeconfig, f.context, "management cluster")
}

// loadConfig loads a kubeconfig the way kubectl does: an explicit file, or
// $KUBECONFIG, or ~/.kube/config; then the given context, or the current one.
func loadConfig(file, context, what string) (*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = file
	overrides := &clientcmd.ConfigOverrides{CurrentContext: context}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).ClientConfig()
	if err != nil {
		where := "the default kubeconfig"
		if file != "" {
			where = file
		}
		if context != "" {
			return nil, fmt.Errorf("%s: cannot use context %q of %s: %w", what, context, where, err)
		}
		return nil, fmt.Errorf("%s: cannot load %s: %w", what, where, err)
	}
	cfg.QPS, cfg.Burst = 50, 100
	return cfg, nil
}

// NewCommand returns meridianctl's root command. name is how it was
// invoked: as kubectl-meridian, examples say `kubectl meridian`.
func NewCommand(name string, s streams) *cobra.Command {
	use := "meridianctl"
	if strings.HasPrefix(name, "kubectl-meridian") {
		use = "kubectl meridian"
	}
	kube := &kubeFlags{}
	root := &cobra.Command{
		Use:   use,
		Short: "Install Meridian, register member clusters and check a Gloo federation",
		Long: `meridianctl manages Meridian, the multi-cluster control plane for Gloo Edge:
install it into a management cluster, register the member clusters that run
Gloo, and check every Gloo installation across them.

It talks to the management cluster the way kubectl does (--kubeconfig,
$KUBECONFIG, --context). Installed as kubectl-meridian on your PATH, it is
also "kubectl meridian".`,
		Example: ex(use, `
  # Install Meridian into the current context's cluster and wait until it serves
  {cmd} install

  # Register a member cluster from a context of your kubeconfig
  {cmd} cluster register --cluster-name east --remote-context east

  # Every Gloo installation in every cluster, checked
  {cmd} check`),
		SilenceUsage:  true,
		SilenceErrors: true,
		// --version prints the client's build, as version --client does.
		Version: version.Get().String(),
	}
	kube.bind(root)
	root.AddCommand(
		newInstallCommand(use, kube, s),
		newUninstallCommand(use, kube, s),
		newClusterCommand(use, kube, s),
		newCheckCommand(use, kube, s),
		newVersionCommand(use, kube, s),
		newMigrateCommand(use, s),
		newFailoverCommand(use, kube, s),
		newDashboardCommand(use, kube, s),
	)
	root.CompletionOptions.HiddenDefaultCmd = false
	return root
}

// ex formats examples with the command's name.
func ex(use, text string) string {
	return strings.TrimPrefix(strings.ReplaceAll(text, "{cmd}", use), "\n")
}
