package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/meridianfed/meridian/pkg/install"
	"github.com/meridianfed/meridian/pkg/migrate"
)

func newMigrateCommand(use string, s streams) *cobra.Command {
	var (
		files  []string
		output string
		opts   migrate.Options
	)
	cmd := &cobra.Command{
		Use:   "migrate -f FILE|DIR|- [-f ...]",
		Short: "Convert Gloo Federation manifests into Meridian's",
		Long: `Migrate converts Gloo Federation manifests (the files you apply, or dumps
of kubectl get -o yaml) into Meridian's, and prints them for you to review
and apply. It reads no cluster and writes nothing.

  Federated* kinds           the fed.meridian.io kind of the same name:
                             template and placement unchanged, name and
                             namespace kept (--namespace moves them)
  KubernetesCluster          Meridian's KubernetesCluster, in
  (multicluster.solo.io)     --federation-namespace; copy its kubeconfig
                             Secret there yourself (type meridian.io/kubeconfig)
  GlooInstance               skipped: Meridian discovers Gloo installations
  FailoverScheme             not converted: failover is planned
  MultiClusterRole(Binding)  not converted: use Kubernetes RBAC (docs/rbac.md)
  anything else              left out

Status and Gloo Federation's own labels, annotations and finalizers are
dropped. Everything not carried over as it was is reported on standard
error, one line each: info (nothing to do), warning (not converted: decide
what replaces it) or error (unreadable, or Meridian would refuse it: fix it
and run migrate again); then a count.

Exit code: 0 when everything converted, 2 when something was not converted
(warnings), 1 on errors. What did convert is printed in every case.`,
		Example: ex(use, `
  # Convert your Gloo Federation manifests and review the findings
  {cmd} migrate -f gloo-fed/ > meridian.yaml

  # Convert what the management cluster holds
  kubectl get federatedvirtualservices.fed.gateway.solo.io,kubernetesclusters.multicluster.solo.io -A -o yaml |
    {cmd} migrate -f - > meridian.yaml

  # Several inputs, every federated object into namespace team-a, as JSON
  {cmd} migrate -f upstreams.yaml -f gateways/ --namespace team-a -o json`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(files) == 0 {
				return errors.New("give the manifests to convert with -f FILE, -f DIR or -f - (standard input)")
			}
			if output != "yaml" && output != "json" {
				return fmt.Errorf("-o must be yaml or json, not %q", output)
			}
			var docs []migrate.Document
			stdin := false
			for _, f := range files {
				if f == "-" {
					if stdin {
						return errors.New("-f - (standard input) may be given only once")
					}
					stdin = true
				}
				d, err := readManifests(f, s.in)
				if err != nil {
					return err
				}
				docs = append(docs, d...)
			}
			res := migrate.Convert(docs, opts)
			if err := printObjects(s, res.Objects, output); err != nil {
				return err
			}
			for _, f := range res.Findings {
				fmt.Fprintln(s.err, f)
			}
			errs, warnings := res.Count(migrate.Error), res.Count(migrate.Warning)
			fmt.Fprintf(s.err, "converted %s: %s, %s, %d info\n", plural(len(res.Objects), "object"),
				plural(errs, "error"), plural(warnings, "warning"), res.Count(migrate.Info))
			switch {
			case errs > 0:
				return exitError{code: 1}
			case warnings > 0:
				return exitError{code: 2}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&files, "filename", "f", nil, "A manifest file, a directory (its *.yaml, *.yml and *.json files, not subdirectories), or - for standard input. Repeatable.")
	f.StringVarP(&output, "output", "o", "yaml", "Output format: yaml (a YAML stream) or json (a List).")
	f.StringVarP(&opts.Namespace, "namespace", "n", "", "Namespace of every converted federated object (default: each keeps its own).")
	f.StringVar(&opts.FederationNamespace, "federation-namespace", install.DefaultNamespace, "Namespace on the management cluster holding registrations: where KubernetesClusters go.")
	return cmd
}

// readManifests reads path: a file, every manifest file of a directory
// (sorted by name, so that the output is the same on every run), or standard
// input for "-".
func readManifests(path string, in io.Reader) ([]migrate.Document, error) {
	if path == "-" {
		data, err := io.ReadAll(in)
		if err != nil {
			return nil, fmt.Errorf("reading standard input: %w", err)
		}
		return migrate.Read("<stdin>", data), nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return migrate.Read(path, data), nil
	}
	entries, err := os.ReadDir(path) // sorted by name
	if err != nil {
		return nil, err
	}
	var docs []migrate.Document
	read := 0
	for _, e := range entries {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".yaml", ".yml", ".json":
		default:
			continue
		}
		if e.IsDir() {
			continue
		}
		file := filepath.Join(path, e.Name())
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		docs = append(docs, migrate.Read(file, data)...)
		read++
	}
	if read == 0 {
		return nil, fmt.Errorf("%s: no .yaml, .yml or .json file in this directory (subdirectories are not read)", path)
	}
	return docs, nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
