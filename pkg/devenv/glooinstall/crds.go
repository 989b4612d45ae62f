package glooinstall

import (
	"embed"
	"io/fs"
	"sort"
)

// CRDs are Gloo Edge's real CustomResourceDefinitions (solo-kit generated,
// structural schemas), copied unchanged so that the demo and the tests run
// against exactly what a Gloo installation serves. A unit test keeps the
// copy identical to the reference set the project was given.
//
//go:embed crds/*.yaml
var CRDs embed.FS

// CRDFiles returns the embedded CRD manifests, sorted by file name.
func CRDFiles() (map[string][]byte, []string, error) {
	entries, err := fs.ReadDir(CRDs, "crds")
	if err != nil {
		return nil, nil, err
	}
	files := map[string][]byte{}
	var names []string
	for _, e := range entries {
		data, err := fs.ReadFile(CRDs, "crds/"+e.Name())
		if err != nil {
			return nil, nil, err
		}
		files[e.Name()] = data
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return files, names, nil
}

// CRDDocuments returns Gloo's CRDs in file name order, ready for
// devenv.InstallCRDs.
func CRDDocuments() ([][]byte, error) {
	files, names, err := CRDFiles()
	if err != nil {
		return nil, err
	}
	docs := make([][]byte, 0, len(names))
	for _, n := range names {
		docs = append(docs, files[n])
	}
	return docs, nil
}
