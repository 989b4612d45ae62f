// Command fedschema gives the federated CRDs Gloo's own validation: it
// copies the spec schema of each Gloo kind, from Gloo's CRDs, into the
// template.spec of the CRD that federates that kind (controller-gen can only
// say "any object" there). A FederatedVirtualService is then validated by the
// management kube-apiserver exactly as a VirtualService is by a member's.
// hack/update-codegen.sh runs it after controller-gen; make verify catches a
// stale result.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

func main() {
	crds := flag.String("crds", "charts/meridian/files/crds", "directory of Meridian's generated CRDs (rewritten in place)")
	gloo := flag.String("gloo-crds", "pkg/devenv/glooinstall/crds", "directory of Gloo's CRDs")
	flag.Parse()
	if err := run(*crds, *gloo); err != nil {
		fmt.Fprintln(os.Stderr, "fedschema:", err)
		os.Exit(1)
	}
}

func run(crdDir, glooDir string) error {
	specs, err := glooSpecSchemas(glooDir)
	if err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(crdDir, "fed.meridian.io_federated*.yaml"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	done := 0
	for _, f := range files {
		crd, err := readYAML(f)
		if err != nil {
			return err
		}
		kind, _ := get(crd, "spec", "names", "kind").(string)
		glooKind := strings.TrimPrefix(kind, "Federated")
		schema, ok := specs[glooKind]
		if !ok {
			continue // FederatedSecret: a Secret, not a Gloo kind
		}
		done++
		if schema == nil {
			continue
		}
		versions, _ := get(crd, "spec", "versions").([]any)
		for _, v := range versions {
			tmpl, ok := get(v, "schema", "openAPIV3Schema", "properties", "spec", "properties", "template", "properties").(map[string]any)
			if !ok {
				return fmt.Errorf("%s: no spec.template in the schema", f)
			}
			cur, _ := tmpl["spec"].(map[string]any)
			spec := deepCopy(schema).(map[string]any)
			if d, ok := cur["description"]; ok {
				spec["description"] = d
			}
			tmpl["spec"] = spec
		}
		out, err := yaml.Marshal(crd)
		if err != nil {
			return err
		}
		if err := os.WriteFile(f, append([]byte("---\n"), out...), 0o644); err != nil {
			return err
		}
	}
	if done != len(specs) {
		return fmt.Errorf("found %d federated CRDs of Gloo kinds for %d Gloo kinds: is every Gloo kind federated?", done, len(specs))
	}
	return nil
}

// glooSpecSchemas maps a Gloo kind to the schema of its spec. Proxy is left
// out: Gloo writes Proxies, nobody federates them.
func glooSpecSchemas(dir string) (map[string]any, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, f := range files {
		crd, err := readYAML(f)
		if err != nil {
			return nil, err
		}
		kind, _ := get(crd, "spec", "names", "kind").(string)
		if kind == "Proxy" {
			continue
		}
		versions, _ := get(crd, "spec", "versions").([]any)
		if len(versions) != 1 {
			return nil, fmt.Errorf("%s: expected one version, found %d", f, len(versions))
		}
		spec := get(versions[0], "schema", "openAPIV3Schema", "properties", "spec")
		if spec == nil {
			// Gloo publishes some kinds (RateLimitConfig) without a schema:
			// their template stays "any object", as in Gloo.
			if get(versions[0], "schema", "openAPIV3Schema", "x-kubernetes-preserve-unknown-fields") != true {
				return nil, fmt.Errorf("%s: no spec schema", f)
			}
		}
		out[kind] = spec
	}
	return out, nil
}

func readYAML(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func get(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopy(e)
		}
		return out
	default:
		return v
	}
}
