package app

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
	"github.com/meridianfed/meridian/pkg/install"
	"github.com/meridianfed/meridian/pkg/registration"
)

func newClusterCommand(use string, kube *kubeFlags, s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Register, deregister and list member clusters",
		Example: ex(use, `
  {cmd} cluster register --cluster-name east --remote-context east
  {cmd} cluster list
  {cmd} cluster deregister --cluster-name east --remote-context east`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newRegisterCommand(use, kube, s), newDeregisterCommand(use, kube, s), newListCommand(use, kube, s), newSecretNamespacesCommand(use, s))
	return cmd
}

// remoteFlags pick the member cluster.
type remoteFlags struct {
	kubeconfig, context string
}

func (r *remoteFlags) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&r.context, "remote-context", "", "The member's context, in --remote-kubeconfig or else in your kubeconfig.")
	cmd.Flags().StringVar(&r.kubeconfig, "remote-kubeconfig", "", "A kubeconfig for the member (its current context unless --remote-context).")
}

func (r *remoteFlags) given() bool { return r.kubeconfig != "" || r.context != "" }

func (r *remoteFlags) config() (*rest.Config, error) {
	return loadConfig(r.kubeconfig, r.context, "member cluster")
}

func newRegisterCommand(use string, kube *kubeFlags, s streams) *cobra.Command {
	var (
		opts   registration.Options
		remote remoteFlags
	)
	cmd := &cobra.Command{
		Use:   "register",
		Short: "Register a member cluster with the federation",
		Long: `Register gives Meridian least-privilege access to a member cluster and records it.

On the member: a ServiceAccount meridian-<name> in --remote-namespace, bound to
ClusterRole meridian-member (read Gloo's kinds, Deployments, DaemonSets, Pods,
Services and Nodes; write only the Gloo kinds federation places), and a
short-lived token for it (TokenRequest) that may renew itself. It may read no
Secret anywhere, and write Secrets only in the --secret-namespaces (where
FederatedSecrets place them): an admission policy on the member refuses it
any Secret without Meridian's owner annotation and any token Secret.
On the management cluster: Secret <name>-kubeconfig holding a kubeconfig
with the member's CA inlined (TLS is always verified), and the
KubernetesCluster <name>.

A name already in use, an unreachable member or missing permissions fail
with nothing left behind on either side.`,
		Example: ex(use, `
  # A member from a context of your kubeconfig
  {cmd} cluster register --cluster-name east --remote-context kind-east

  # A member from its own kubeconfig file
  {cmd} cluster register --cluster-name west --remote-kubeconfig west.kubeconfig

  # The management cluster reaches the member at another address than you do
  {cmd} cluster register --cluster-name east --remote-context east --server-override https://10.0.0.5:6443

  # FederatedSecrets may place Secrets into gloo-system and team-a there
  {cmd} cluster register --cluster-name east --remote-context east --secret-namespaces gloo-system,team-a`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.ClusterName == "" {
				return fmt.Errorf("--cluster-name is required")
			}
			if !remote.given() {
				return fmt.Errorf("say which cluster to register: --remote-context or --remote-kubeconfig")
			}
			member, err := remote.config()
			if err != nil {
				return err
			}
			mgmt, err := kube.config()
			if err != nil {
				return err
			}
			opts.Member = member
			opts.Progress = s.err
			if err := registration.Register(cmd.Context(), mgmt, opts); err != nil {
				return err
			}
			fmt.Fprintf(s.out, "cluster %s registered (see: %s cluster list)\n", opts.ClusterName, use)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.ClusterName, "cluster-name", "", "The member's name in the federation (a DNS label). Required.")
	remote.bind(cmd)
	f.StringVar(&opts.RemoteNamespace, "remote-namespace", install.DefaultNamespace, "Namespace on the member for Meridian's ServiceAccount.")
	f.StringVar(&opts.FederationNamespace, "federation-namespace", install.DefaultNamespace, "Namespace on the management cluster holding registrations.")
	f.StringVar(&opts.ServerOverride, "server-override", "", "The member's API server URL as the management cluster reaches it (default: the one in the member's kubeconfig).")
	f.DurationVar(&opts.TokenTTL, "token-ttl", 24*time.Hour, "Lifetime of the member token.")
	f.StringSliceVar(&opts.SecretNamespaces, "secret-namespaces", nil, "Member namespaces where FederatedSecrets may place Secrets (none by default; change later with `cluster secret-namespaces`).")
	return cmd
}

func newSecretNamespacesCommand(use string, s streams) *cobra.Command {
	var (
		opts   registration.SecretNamespacesOptions
		remote remoteFlags
	)
	cmd := &cobra.Command{
		Use:   "secret-namespaces [NAMESPACE...]",
		Short: "Set the member namespaces where FederatedSecrets may place Secrets",
		Long: `Secret-namespaces makes the namespaces given the only ones of the member where
Meridian's credential may write Secrets (a RoleBinding to ClusterRole
meridian-member-secret-writer in each, none elsewhere). With no namespace, it
may write Secrets nowhere. Secrets Meridian placed in a namespace taken away
stay there, and Meridian can no longer update or remove them: their
FederatedSecrets' placements say so.`,
		Example: ex(use, `
  {cmd} cluster secret-namespaces gloo-system team-a --cluster-name east --remote-context east

  # No Secrets at all
  {cmd} cluster secret-namespaces --cluster-name east --remote-context east`),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.ClusterName == "" {
				return fmt.Errorf("--cluster-name is required")
			}
			if !remote.given() {
				return fmt.Errorf("say how to reach the member (--remote-context or --remote-kubeconfig): the grants live there")
			}
			cfg, err := remote.config()
			if err != nil {
				return err
			}
			member, err := kubernetes.NewForConfig(cfg)
			if err != nil {
				return err
			}
			opts.Namespaces = args
			opts.Progress = s.err
			if err := registration.SetSecretNamespaces(cmd.Context(), member, opts); err != nil {
				return err
			}
			if len(args) == 0 {
				fmt.Fprintf(s.out, "cluster %s: Meridian may write Secrets in no namespace\n", opts.ClusterName)
			} else {
				fmt.Fprintf(s.out, "cluster %s: Meridian may write the Secrets it places in %s\n", opts.ClusterName, strings.Join(args, ", "))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.ClusterName, "cluster-name", "", "The member's name in the federation. Required.")
	remote.bind(cmd)
	f.StringVar(&opts.RemoteNamespace, "remote-namespace", install.DefaultNamespace, "Namespace on the member of Meridian's ServiceAccount.")
	return cmd
}

func newDeregisterCommand(use string, kube *kubeFlags, s streams) *cobra.Command {
	var (
		opts   registration.DeregisterOptions
		remote remoteFlags
	)
	cmd := &cobra.Command{
		Use:   "deregister",
		Short: "Remove a member cluster from the federation",
		Long: `Deregister removes what register created, on the member (ServiceAccount, its
RBAC, and the namespace and ClusterRole when nothing else uses them) and on the
management cluster (KubernetesCluster and kubeconfig Secret).

A member that is gone for good cannot be cleaned: --force removes the
management side only, and says what stays on the member.`,
		Example: ex(use, `
  {cmd} cluster deregister --cluster-name east --remote-context kind-east

  # The member no longer exists
  {cmd} cluster deregister --cluster-name east --force`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.ClusterName == "" {
				return fmt.Errorf("--cluster-name is required")
			}
			if !opts.Force {
				if !remote.given() {
					return fmt.Errorf("say how to reach the member (--remote-context or --remote-kubeconfig), or pass --force to remove the management side only")
				}
				member, err := remote.config()
				if err != nil {
					return err
				}
				opts.Member = member
			}
			mgmt, err := kube.config()
			if err != nil {
				return err
			}
			opts.Progress = s.err
			if err := registration.Deregister(cmd.Context(), mgmt, opts); err != nil {
				return err
			}
			fmt.Fprintf(s.out, "cluster %s deregistered\n", opts.ClusterName)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.ClusterName, "cluster-name", "", "The member's name in the federation. Required.")
	remote.bind(cmd)
	f.StringVar(&opts.RemoteNamespace, "remote-namespace", install.DefaultNamespace, "Namespace on the member of Meridian's ServiceAccount.")
	f.StringVar(&opts.FederationNamespace, "federation-namespace", install.DefaultNamespace, "Namespace on the management cluster holding registrations.")
	f.BoolVar(&opts.Force, "force", false, "Remove the management side only (the member is gone for good).")
	return cmd
}

// clusterRow is one line of cluster list.
type clusterRow struct {
	Name              string     `json:"name"`
	Reachable         string     `json:"reachable"`
	Message           string     `json:"message,omitempty"`
	KubernetesVersion string     `json:"kubernetesVersion,omitempty"`
	GlooInstances     []string   `json:"glooInstances"`
	LastSync          *time.Time `json:"lastSync,omitempty"`
	Suspended         bool       `json:"suspended"`
}

func newListCommand(use string, kube *kubeFlags, s streams) *cobra.Command {
	var (
		namespace string
		output    string
	)
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the registered clusters, their reachability and Gloo installations",
		Example: ex(use, `
  {cmd} cluster list
  {cmd} cluster list -o json`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "" && output != "json" && output != "wide" {
				return fmt.Errorf("-o must be json or wide, not %q", output)
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
			clusters, err := client.FedV1alpha1().KubernetesClusters(namespace).List(ctx, metav1.ListOptions{})
			if err != nil {
				return fmt.Errorf("listing KubernetesClusters in %s: %w (is Meridian installed? %s install)", namespace, err, use)
			}
			instances := map[string][]string{}
			viewsErr := ""
			gis, err := client.ViewsV1alpha1().GlooInstances("").List(ctx, metav1.ListOptions{ResourceVersion: "0"})
			if err != nil {
				viewsErr = err.Error()
			} else {
				for _, gi := range gis.Items {
					instances[gi.Spec.Cluster] = append(instances[gi.Spec.Cluster], gi.Namespace+"/"+gi.Name)
				}
			}
			rows := []clusterRow{}
			for _, kc := range clusters.Items {
				rows = append(rows, rowFor(&kc, instances[kc.Name]))
			}
			sort.Slice(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
			if output == "json" {
				data, err := json.MarshalIndent(rows, "", "  ")
				if err != nil {
					return err
				}
				fmt.Fprintf(s.out, "%s\n", data)
				return nil
			}
			if len(rows) == 0 {
				fmt.Fprintf(s.err, "no clusters registered in %s (register one: %s cluster register --help)\n", namespace, use)
				return nil
			}
			tw := tabwriter.NewWriter(s.out, 0, 4, 3, ' ', 0)
			header := "NAME\tREACHABLE\tKUBERNETES\tGLOO INSTANCES\tLAST SYNC"
			if output == "wide" {
				header += "\tSUSPENDED\tMESSAGE"
			}
			fmt.Fprintln(tw, header)
			for _, r := range rows {
				last := "never"
				if r.LastSync != nil {
					last = time.Since(*r.LastSync).Round(time.Second).String() + " ago"
				}
				line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s", r.Name, r.Reachable, orDash(r.KubernetesVersion), orDash(strings.Join(r.GlooInstances, ",")), last)
				if output == "wide" {
					line += fmt.Sprintf("\t%t\t%s", r.Suspended, r.Message)
				}
				fmt.Fprintln(tw, line)
			}
			if viewsErr != "" {
				fmt.Fprintf(s.err, "warning: Gloo instances unknown, the views did not answer: %s\n", viewsErr)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&namespace, "federation-namespace", install.DefaultNamespace, "Namespace on the management cluster holding registrations.")
	cmd.Flags().StringVarP(&output, "output", "o", "", "json, or wide for more columns.")
	return cmd
}

func rowFor(kc *fedv1alpha1.KubernetesCluster, instances []string) clusterRow {
	r := clusterRow{Name: kc.Name, KubernetesVersion: kc.Status.KubernetesVersion, GlooInstances: instances, Suspended: kc.Spec.Suspend}
	if r.GlooInstances == nil {
		r.GlooInstances = []string{}
	}
	status, message := kc.Reachability()
	r.Reachable, r.Message = string(status), message
	if kc.Status.LastSyncTime != nil {
		t := kc.Status.LastSyncTime.Time
		r.LastSync = &t
	}
	return r
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
