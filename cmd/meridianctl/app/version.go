package app

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/meridianfed/meridian/pkg/install"
	"github.com/meridianfed/meridian/pkg/version"
)

// serverVersion is what version reports of the management cluster.
type serverVersion struct {
	Kubernetes string `json:"kubernetes,omitempty"`
	// APIServerImage is the image of Meridian's Deployment; empty when it
	// runs outside the cluster or is not installed.
	APIServerImage string `json:"apiServerImage,omitempty"`
	APIService     string `json:"apiService"`
	Error          string `json:"error,omitempty"`
}

func newVersionCommand(use string, kube *kubeFlags, s streams) *cobra.Command {
	var (
		client    bool
		output    string
		namespace string
	)
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the client's and the installed server's versions",
		Example: ex(use, `
  {cmd} version
  {cmd} version --client -o json`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := struct {
				Client version.Info   `json:"client"`
				Server *serverVersion `json:"server,omitempty"`
			}{Client: version.Get()}
			if !client {
				out.Server = &serverVersion{}
				if err := readServer(cmd, kube, namespace, out.Server); err != nil {
					out.Server.Error = err.Error()
				}
			}
			if output == "json" {
				data, err := json.MarshalIndent(out, "", "  ")
				if err != nil {
					return err
				}
				fmt.Fprintf(s.out, "%s\n", data)
				return nil
			}
			fmt.Fprintf(s.out, "Client: meridianctl %s\n", out.Client)
			if sv := out.Server; sv != nil {
				if sv.Error != "" {
					fmt.Fprintf(s.out, "Server: unknown: %s\n", sv.Error)
					return nil
				}
				image := sv.APIServerImage
				if image == "" {
					image = "no Deployment (not installed, or running outside the cluster)"
				}
				fmt.Fprintf(s.out, "Server: Kubernetes %s; meridian-apiserver %s; APIService %s %s\n", sv.Kubernetes, image, install.APIServiceName, sv.APIService)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&client, "client", false, "Only the client's version (no cluster needed).")
	cmd.Flags().StringVarP(&output, "output", "o", "", "json for a machine-readable answer.")
	cmd.Flags().StringVarP(&namespace, "namespace", "n", install.DefaultNamespace, "Namespace Meridian is installed in.")
	return cmd
}

func readServer(cmd *cobra.Command, kube *kubeFlags, namespace string, sv *serverVersion) error {
	cfg, err := kube.config()
	if err != nil {
		return err
	}
	k, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	v, err := k.Discovery().ServerVersion()
	if err != nil {
		return fmt.Errorf("cannot reach the management cluster: %w", err)
	}
	sv.Kubernetes = v.GitVersion
	d, err := k.AppsV1().Deployments(namespace).Get(cmd.Context(), install.APIServerName, metav1.GetOptions{})
	switch {
	case err == nil && len(d.Spec.Template.Spec.Containers) > 0:
		sv.APIServerImage = d.Spec.Template.Spec.Containers[0].Image
	case err != nil && !apierrors.IsNotFound(err):
		return err
	}
	sv.APIService = install.APIServiceStatus(cmd.Context(), cfg)
	return nil
}
