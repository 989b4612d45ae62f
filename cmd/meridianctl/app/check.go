package app

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sync"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridianfed/meridian/pkg/check"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
	"github.com/meridianfed/meridian/pkg/install"
)

func newCheckCommand(use string, kube *kubeFlags, s streams) *cobra.Command {
	var (
		namespace string
		output    string
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check every Gloo installation in every registered cluster",
		Long: `Check is glooctl check across the federation: for every Gloo installation
(GlooInstance) in every registered cluster, each kind is OK or lists each error
and warning with the object's reference and Gloo's message. Clusters that cannot
be read are reported.

The exit code is 0 when nothing is wrong, 1 otherwise.`,
		Example: ex(use, `
  {cmd} check
  {cmd} check -o json`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "" && output != "json" {
				return fmt.Errorf("-o must be json, not %q", output)
			}
			mgmt, err := kube.config()
			if err != nil {
				return err
			}
			warnings := &clusterWarnings{missing: map[string]string{}}
			mgmt.WarningHandlerWithContext = warnings
			client, err := meridianclient.NewForConfig(mgmt)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			clusters, err := client.FedV1alpha1().KubernetesClusters(namespace).List(ctx, metav1.ListOptions{})
			if err != nil {
				return fmt.Errorf("listing registered clusters: %w (is Meridian installed? %s install)", err, use)
			}
			// A consistent read: every member is asked now.
			gis, err := client.ViewsV1alpha1().GlooInstances("").List(ctx, metav1.ListOptions{})
			if err != nil {
				return fmt.Errorf("listing GlooInstances: %w", err)
			}
			var names []string
			for _, c := range clusters.Items {
				names = append(names, c.Name)
			}
			report := check.Evaluate(gis.Items, names, warnings.missing)
			if output == "json" {
				data, err := json.MarshalIndent(report, "", "  ")
				if err != nil {
					return err
				}
				fmt.Fprintf(s.out, "%s\n", data)
			} else {
				report.Print(s.out)
			}
			if !report.OK {
				return exitError{code: 1}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&namespace, "federation-namespace", install.DefaultNamespace, "Namespace on the management cluster holding registrations.")
	cmd.Flags().StringVarP(&output, "output", "o", "", "json for a machine-readable report.")
	return cmd
}

// clusterWarnings collects the views' Warning headers that name a cluster
// the answer lacks.
type clusterWarnings struct {
	mu      sync.Mutex
	missing map[string]string
}

// clusterWarning matches the views' warnings about a cluster: "cluster east is unreachable since ...".
var clusterWarning = regexp.MustCompile(`^cluster ([a-z0-9-]+):? (.*)$`)

func (w *clusterWarnings) HandleWarningHeaderWithContext(_ context.Context, _ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if m := clusterWarning.FindStringSubmatch(text); m != nil {
		w.missing[m[1]] = m[2]
	}
}
