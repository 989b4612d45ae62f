package app

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/failover"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
	"github.com/meridianfed/meridian/pkg/install"
)

func newFailoverCommand(use string, kube *kubeFlags, s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "failover",
		Short: "Explain FailoverSchemes",
		Example: ex(use, `
  {cmd} failover explain blue -n gloo-system`),
	}
	cmd.AddCommand(newFailoverExplainCommand(use, kube, s))
	return cmd
}

func newFailoverExplainCommand(use string, kube *kubeFlags, s streams) *cobra.Command {
	var (
		namespace, fedNamespace, file string
		dryRun                        bool
	)
	cmd := &cobra.Command{
		Use:   "explain [NAME]",
		Short: "Show the spec.failover a FailoverScheme writes, and where each value comes from",
		Long: `Explain computes a FailoverScheme the way Meridian's controller does, from
the registrations and the views of every member: the spec.failover it writes to
its primary Upstream, and for each endpoint the Gloo installation, proxy,
Service, address and zone it comes from, or why the scheme is Invalid.

With --dry-run -f FILE the scheme is read from FILE and nothing is created:
see what a scheme would do before applying it.

The exit code is 0 when the scheme can be carried out, 1 otherwise.`,
		Example: ex(use, `
  {cmd} failover explain blue -n gloo-system
  {cmd} failover explain --dry-run -f scheme.yaml`),
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var scheme *fedv1alpha1.FailoverScheme
			switch {
			case file != "" && !dryRun:
				return fmt.Errorf("-f explains a scheme without creating it: add --dry-run to say so")
			case dryRun && file == "":
				return fmt.Errorf("--dry-run explains the scheme in a file: give it with -f FILE")
			case file != "" && len(args) > 0:
				return fmt.Errorf("give a scheme's NAME, or --dry-run -f FILE, not both")
			case file == "" && len(args) == 0:
				return fmt.Errorf("give a scheme's NAME (kubectl get failoverschemes -A lists them), or --dry-run -f FILE")
			}
			if file != "" {
				var err error
				if scheme, err = readScheme(file, s.in); err != nil {
					return err
				}
			}
			mgmt, err := kube.config()
			if err != nil {
				return err
			}
			client, err := meridianclient.NewForConfig(mgmt)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if scheme == nil {
				if scheme, err = client.FedV1alpha1().FailoverSchemes(namespace).Get(ctx, args[0], metav1.GetOptions{}); err != nil {
					return fmt.Errorf("reading FailoverScheme %s/%s: %w", namespace, args[0], err)
				}
			}
			in, err := failover.NewClientInputs(ctx, client, fedNamespace)
			if err != nil {
				return fmt.Errorf("%w (is Meridian installed? %s install)", err, use)
			}
			ok, err := failover.Explain(s.out, scheme, in)
			if err != nil {
				return err
			}
			if !ok {
				return exitError{code: 1}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&namespace, "namespace", "n", "default", "Namespace of the FailoverScheme NAME.")
	cmd.Flags().StringVar(&fedNamespace, "federation-namespace", install.DefaultNamespace, "Namespace on the management cluster holding registrations.")
	cmd.Flags().StringVarP(&file, "filename", "f", "", "A FailoverScheme manifest (YAML or JSON; - for stdin), with --dry-run.")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "Explain the scheme of -f without creating it.")
	return cmd
}

// readScheme reads one FailoverScheme from path (- for in).
func readScheme(path string, in io.Reader) (*fedv1alpha1.FailoverScheme, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(in)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	var s fedv1alpha1.FailoverScheme
	if err := yaml.UnmarshalStrict(data, &s); err != nil {
		return nil, fmt.Errorf("%s: not a FailoverScheme: %w", path, err)
	}
	if s.Kind != "FailoverScheme" || s.APIVersion != fedv1alpha1.SchemeGroupVersion.String() {
		return nil, fmt.Errorf("%s: holds %s %s, not a %s FailoverScheme", path, s.APIVersion, s.Kind, fedv1alpha1.SchemeGroupVersion)
	}
	if s.Namespace == "" {
		s.Namespace = "default"
	}
	// Created now, were it applied: a scheme already naming its primary
	// is older, and keeps it.
	s.CreationTimestamp = metav1.Now()
	return &s, nil
}
