package app

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/meridianfed/meridian/pkg/install"
	"github.com/meridianfed/meridian/pkg/manifest"
)

func newInstallCommand(use string, kube *kubeFlags, s streams) *cobra.Command {
	var (
		opts     install.Options
		external string
		output   string
		wait     bool
		timeout  time.Duration
	)
	cmd := &cobra.Command{
		Use:   "install",
		Short: "Install Meridian into the management cluster and wait until it serves",
		Long: `Install applies Meridian's CRDs, RBAC, aggregated API server (Deployment and
Service) and its APIService, from the manifests of artifacts/ built into this
binary, with server-side apply (field manager "meridianctl"). It issues the
serving certificate the APIService verifies (kept in Secret
meridian-apiserver-serving; a valid one is reused), then waits until the
APIService is Available, a controller replica leads, and the Deployments are
ready, showing progress.

Running it again changes nothing.`,
		Example: ex(use, `
  # Install and wait
  {cmd} install

  # See what would be applied, without applying
  {cmd} install --dry-run=client -o yaml

  # Validate against the cluster without persisting anything
  {cmd} install --dry-run=server

  # Run the aggregated server and the controller yourself, outside the cluster (development)
  {cmd} install --external-apiserver localhost:8443 --external-controller`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "" && output != "yaml" && output != "json" {
				return fmt.Errorf("-o must be yaml or json, not %q", output)
			}
			if external != "" {
				host, port, err := splitHostPort(external)
				if err != nil {
					return fmt.Errorf("--external-apiserver: %w", err)
				}
				opts.External = &install.External{Host: host, Port: port}
			}
			opts.Progress = s.err
			if err := opts.Validate(); err != nil {
				return err
			}
			cfg, err := kube.config()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if opts.DryRun == "" {
				fmt.Fprintf(s.err, "installing Meridian into %s (namespace %s)\n", cfg.Host, nsOr(opts.Namespace))
			}
			res, err := install.Install(ctx, cfg, opts)
			if err != nil {
				return fmt.Errorf("%w\n(nothing was removed; fix the cause and run install again)", err)
			}
			if output != "" {
				return printObjects(s, res.Objects, output)
			}
			if opts.DryRun != "" {
				for _, o := range res.Objects {
					fmt.Fprintf(s.out, "%s (dry run %s)\n", manifest.Describe(o), opts.DryRun)
				}
				return nil
			}
			if len(res.Changed) == 0 {
				fmt.Fprintln(s.err, "everything was already installed as it should be: nothing changed")
			} else {
				for _, c := range res.Changed {
					fmt.Fprintf(s.err, "  configured %s\n", c)
				}
			}
			if !wait {
				fmt.Fprintln(s.out, "Meridian is installed (not waiting for it to be ready: --wait=false)")
				return nil
			}
			fmt.Fprintln(s.err, "waiting for Meridian to be ready:")
			if err := install.WaitReady(ctx, cfg, opts, install.WaitOptions{Timeout: timeout}); err != nil {
				return err
			}
			fmt.Fprintf(s.out, "Meridian is installed and serving views.meridian.io (try: kubectl get glooinstances -A)\n")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Namespace, "namespace", "n", install.DefaultNamespace, "Namespace Meridian runs in and keeps cluster registrations in.")
	f.StringVar(&opts.Image, "image", "", "Image of the aggregated API server (default: the one the manifests name).")
	f.StringVar(&opts.DryRun, "dry-run", "", `"client": apply nothing, show what would be applied; "server": the server validates everything and persists nothing.`)
	f.StringVarP(&output, "output", "o", "", "Print the objects (yaml or json) instead of a summary.")
	f.StringVar(&opts.ControllerImage, "controller-image", "", "Image of the controller (default: the one the manifests name).")
	f.StringVar(&external, "external-apiserver", "", "HOST:PORT where you run the aggregated API server yourself, outside the cluster (development); its Deployment is not installed.")
	f.BoolVar(&opts.ExternalController, "external-controller", false, "You run the controller yourself, outside the cluster (development); its Deployment is not installed.")
	f.BoolVar(&wait, "wait", true, "Wait until the APIService is Available and the server ready.")
	f.DurationVar(&timeout, "timeout", 3*time.Minute, "How long to wait for readiness.")
	return cmd
}

func newUninstallCommand(use string, kube *kubeFlags, s streams) *cobra.Command {
	var (
		opts install.UninstallOptions
		yes  bool
	)
	cmd := &cobra.Command{
		Use:   "uninstall",
		Short: "Remove Meridian from the management cluster",
		Long: `Uninstall removes what install applied, the APIService first. The namespace
(which holds the cluster registrations), the CRDs and the placement policies
that guard them stay, so that installing again picks up where it left off.

With --all it also removes the CRDs, with every federated object and cluster
registration, and the namespace. It first lists what would be lost, and asks
for confirmation unless --yes is given. The federated objects and failover
schemes go first, while the controller still runs to remove their copies from
the members; if the controller does not release them within --timeout,
nothing else is removed and the error says what to do.`,
		Example: ex(use, `
  # Remove Meridian, keep the registrations and federated config
  {cmd} uninstall

  # Remove everything, after seeing what would be lost
  {cmd} uninstall --all

  # The same, without the question (scripts)
  {cmd} uninstall --all --yes`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := kube.config()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			ns := nsOr(opts.Namespace)
			if opts.All && !yes {
				lost, err := install.Loss(ctx, cfg, ns)
				if err != nil {
					return err
				}
				fmt.Fprintf(s.err, "uninstall --all removes Meridian's CRDs and namespace %s", ns)
				if len(lost) > 0 {
					fmt.Fprintf(s.err, ", and with them:\n")
					for _, l := range lost {
						fmt.Fprintf(s.err, "  %s\n", l)
					}
				} else {
					fmt.Fprintf(s.err, " (no registrations or federated objects exist)\n")
				}
				if !confirm(s, "Proceed? [y/N] ") {
					return fmt.Errorf("nothing removed (answer y, or pass --yes)")
				}
			}
			opts.Progress = s.err
			if err := install.Uninstall(ctx, cfg, opts); err != nil {
				return err
			}
			fmt.Fprintln(s.out, "Meridian is uninstalled")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Namespace, "namespace", "n", install.DefaultNamespace, "Namespace Meridian was installed in.")
	f.BoolVar(&opts.All, "all", false, "Also remove the CRDs (every federated object and cluster registration) and the namespace.")
	f.BoolVarP(&yes, "yes", "y", false, "Do not ask before removing with --all.")
	f.DurationVar(&opts.Timeout, "timeout", 2*time.Minute, "How long to wait for the controller to release the federated objects, and for the namespace to go (--all).")
	return cmd
}

func confirm(s streams, prompt string) bool {
	fmt.Fprint(s.err, prompt)
	line, _ := bufio.NewReader(s.in).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes"
}

func nsOr(ns string) string {
	if ns == "" {
		return install.DefaultNamespace
	}
	return ns
}

func splitHostPort(hp string) (string, int, error) {
	host, p, err := net.SplitHostPort(hp)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil || port <= 0 || port > 65535 {
		return "", 0, fmt.Errorf("port %q is not a port number", p)
	}
	return host, port, nil
}

// printObjects writes objects as a YAML stream or a JSON List.
func printObjects(s streams, objs []*unstructured.Unstructured, format string) error {
	if format == "json" {
		items := make([]any, 0, len(objs))
		for _, o := range objs {
			items = append(items, o.Object)
		}
		data, err := json.MarshalIndent(map[string]any{"apiVersion": "v1", "kind": "List", "items": items}, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(s.out, "%s\n", data)
		return err
	}
	for i, o := range objs {
		data, err := yaml.Marshal(o.Object)
		if err != nil {
			return err
		}
		if i > 0 {
			fmt.Fprintln(s.out, "---")
		}
		fmt.Fprintf(s.out, "%s", data)
	}
	return nil
}
