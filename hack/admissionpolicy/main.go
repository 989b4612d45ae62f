// Command admissionpolicy writes the ValidatingAdmissionPolicies that decide,
// by plain RBAC, who may place federated objects and fail traffic over
// (charts/meridian/files/placement-policy.yaml, rendered into artifacts/controller/40-placement-policy.yaml; explained in docs/rbac.md).
//
// CEL has no loop that may call the authorizer once per element, so each
// target is its own validation: the template says one, and this unrolls it
// MaxChecks times. The federated resources the placement policy matches are
// read from the generated CRDs, so a new federated kind is covered by
// regenerating. hack/update-codegen.sh runs it after controller-gen; make
// verify catches a stale result.
package main

import (
	"bytes"
	_ "embed"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"text/template"

	"sigs.k8s.io/yaml"
)

// MaxChecks is how many targets a request may name and be checked one by
// one. Each check is one authorizer call, and CEL bounds a request's
// expression cost; beyond this a request needs the grant everywhere.
const MaxChecks = 20

//go:embed policy.yaml.tmpl
var policyTemplate string

func main() {
	crds := flag.String("crds", "charts/meridian/files/crds", "directory of Meridian's generated CRDs")
	out := flag.String("out", "charts/meridian/files/placement-policy.yaml", "file to write")
	flag.Parse()
	if err := run(*crds, *out); err != nil {
		fmt.Fprintln(os.Stderr, "admissionpolicy:", err)
		os.Exit(1)
	}
}

func run(crdDir, out string) error {
	resources, err := federatedResources(crdDir)
	if err != nil {
		return err
	}
	data, err := render(resources, MaxChecks)
	if err != nil {
		return err
	}
	return os.WriteFile(out, data, 0o644)
}

// render fills the template: one validation per check index below max.
func render(resources []string, max int) ([]byte, error) {
	if len(resources) == 0 {
		return nil, fmt.Errorf("no federated resources: the placement policy would match nothing")
	}
	tmpl, err := template.New("policy").Option("missingkey=error").Parse(policyTemplate)
	if err != nil {
		return nil, err
	}
	checks := make([]int, max)
	for i := range checks {
		checks[i] = i
	}
	var buf bytes.Buffer
	err = tmpl.Execute(&buf, map[string]any{
		"FederatedResources": resources,
		"Checks":             checks,
		"Max":                max,
	})
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// federatedResources is the plural of every Federated* CRD in dir, sorted.
func federatedResources(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "fed.meridian.io_federated*.yaml"))
	if err != nil {
		return nil, err
	}
	var plurals []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var crd struct {
			Spec struct {
				Names struct {
					Plural string `json:"plural"`
				} `json:"names"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(data, &crd); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if crd.Spec.Names.Plural == "" {
			return nil, fmt.Errorf("%s: no spec.names.plural", f)
		}
		plurals = append(plurals, crd.Spec.Names.Plural)
	}
	sort.Strings(plurals)
	return plurals, nil
}
