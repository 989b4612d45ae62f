// Package artifacts embeds Meridian's deploy manifests, so that the demo and
// meridianctl install exactly what artifacts/ holds. Every YAML file here is
// rendered from the Helm chart charts/meridian by make generate
// (hack/renderchart); edit the chart, not these files.
package artifacts

import (
	"embed"
	"io/fs"
	"path"
	"sort"
)

// FS holds crds/*.yaml, apiserver/*.yaml and controller/*.yaml.
//
//go:embed crds/*.yaml apiserver/*.yaml controller/*.yaml
var FS embed.FS

// Files returns the manifests of one folder (crds, apiserver or controller), in file name order.
func Files(dir string) ([][]byte, error) {
	entries, err := fs.ReadDir(FS, dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		// kustomization.yaml is for kustomize, not a manifest.
		if e.Name() != "kustomization.yaml" {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var out [][]byte
	for _, n := range names {
		data, err := fs.ReadFile(FS, path.Join(dir, n))
		if err != nil {
			return nil, err
		}
		out = append(out, data)
	}
	return out, nil
}
