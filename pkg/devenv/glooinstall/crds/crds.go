// Package crds holds Gloo Edge's real CustomResourceDefinitions (solo-kit
// generated, structural schemas), copied unchanged from Gloo's release
// manifests, so that the demo, the e2e suite and the schema unit tests run
// against exactly what a Gloo installation serves. The YAML files beside this
// one are the project's only copy; nothing reads Gloo's CRDs from anywhere
// else.
package crds

import (
	"embed"
	"io/fs"
	"sort"
)

//go:embed *.yaml
var files embed.FS

// Files returns the CRD manifests by file name, and the names sorted.
func Files() (map[string][]byte, []string, error) {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil, nil, err
	}
	out := map[string][]byte{}
	var names []string
	for _, e := range entries {
		data, err := fs.ReadFile(files, e.Name())
		if err != nil {
			return nil, nil, err
		}
		out[e.Name()] = data
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return out, names, nil
}

// File returns one manifest by file name (for example
// "gloo.solo.io_v1_Upstream.yaml").
func File(name string) ([]byte, error) {
	return fs.ReadFile(files, name)
}
