package glooinstall

import "github.com/meridianfed/meridian/pkg/devenv/glooinstall/crds"

// CRDDocuments returns Gloo's CRDs (package crds) in file name order, ready
// for devenv.InstallCRDs.
func CRDDocuments() ([][]byte, error) {
	files, names, err := crds.Files()
	if err != nil {
		return nil, err
	}
	docs := make([][]byte, 0, len(names))
	for _, n := range names {
		docs = append(docs, files[n])
	}
	return docs, nil
}
