// Package helmchart loads and renders Meridian's Helm chart (charts/meridian)
// with the Helm SDK, in-process. The chart is the one source of Meridian's
// deploy manifests: artifacts/ is the chart rendered with ArtifactValues
// (make generate writes it, make verify fails when it is stale), and
// meridianctl install and the demo apply artifacts/.
package helmchart

import (
	"bytes"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	chartcommon "helm.sh/helm/v4/pkg/chart/common"
	chartutil "helm.sh/helm/v4/pkg/chart/common/util"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	"sigs.k8s.io/yaml"
)

// Dir is the chart's folder, relative to the repository root.
const Dir = "charts/meridian"

// ReleaseName is the release name artifacts/ is rendered for; the chart's
// object names do not depend on it.
const ReleaseName = "meridian"

// Load reads the chart from the repository at root.
func Load(root string) (*chart.Chart, error) {
	ch, err := loader.LoadDir(filepath.Join(root, Dir))
	if err != nil {
		return nil, fmt.Errorf("loading the chart %s: %w", Dir, err)
	}
	return ch, nil
}

// ArtifactValues are the values artifacts/ is rendered with: the namespace
// is part of the manifests; the serving Secret and the APIService's
// caBundle are left to the installer (meridianctl install writes the
// Secret and replaces CA_BUNDLE); the dashboard's manifests are rendered
// (with a placeholder issuer) so that artifacts/dashboard exists.
func ArtifactValues() map[string]any {
	return map[string]any{
		"createNamespace": true,
		"servingCertificate": map[string]any{
			"source":   "secret",
			"caBundle": "CA_BUNDLE",
		},
		"dashboard": map[string]any{
			"enabled":     true,
			"oauth2Proxy": map[string]any{"issuerURL": "https://issuer.example.com"},
		},
	}
}

// Render renders the chart client-side (as `helm template`: no cluster, so
// lookup finds nothing) into namespace with values over the chart's
// defaults, checked against values.schema.json. It returns each template's
// output by its path inside the chart (templates/...), without templates
// that render to nothing.
func Render(ch *chart.Chart, namespace string, values map[string]any) (map[string]string, error) {
	vals, err := chartutil.ToRenderValues(ch, values,
		chartcommon.ReleaseOptions{Name: ReleaseName, Namespace: namespace, IsInstall: true, Revision: 1}, nil)
	if err != nil {
		return nil, err
	}
	out, err := engine.Render(ch, vals)
	if err != nil {
		return nil, err
	}
	rendered := map[string]string{}
	for name, text := range out {
		// Keys are <chart name>/templates/...; partials render to nothing.
		rel := strings.TrimPrefix(name, ch.Name()+"/")
		if path.Base(rel)[0] == '_' {
			continue
		}
		if t := strings.TrimSpace(text); t != "" && t != "---" {
			rendered[rel] = t + "\n"
		}
	}
	return rendered, nil
}

// Manifest joins rendered templates into one YAML stream, in path order.
func Manifest(rendered map[string]string) []byte {
	var names []string
	for n := range rendered {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	for _, n := range names {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s", n, strings.TrimPrefix(rendered[n], "---\n"))
	}
	return b.Bytes()
}

// chartOnly are the templates artifacts/ leaves out: optional parts that
// need more than Kubernetes (the Prometheus Operator's ServiceMonitors).
var chartOnly = []string{"servicemonitor.yaml"}

// Artifacts maps rendered templates to the files of artifacts/:
// templates/<dir>/<file> becomes <dir>/<file>, and the CRDs (templates/crds.yaml)
// one file each, crds/<group>_<plural>.yaml, as controller-gen names them.
// Each folder also gets a kustomization.yaml listing its files, and
// artifacts/ one naming the default install (crds, apiserver, controller).
func Artifacts(rendered map[string]string) (map[string][]byte, error) {
	files := map[string][]byte{}
	for name, text := range rendered {
		rel, ok := strings.CutPrefix(name, "templates/")
		if !ok {
			return nil, fmt.Errorf("rendered %s is not under templates/", name)
		}
		if rel == "crds.yaml" {
			for _, doc := range splitDocuments(text) {
				var crd struct {
					Spec struct {
						Group string `json:"group"`
						Names struct {
							Plural string `json:"plural"`
						} `json:"names"`
					} `json:"spec"`
				}
				if err := yaml.Unmarshal([]byte(doc), &crd); err != nil || crd.Spec.Group == "" || crd.Spec.Names.Plural == "" {
					return nil, fmt.Errorf("a rendered CRD has no spec.group or spec.names.plural (%v)", err)
				}
				files["crds/"+crd.Spec.Group+"_"+crd.Spec.Names.Plural+".yaml"] = []byte(doc)
			}
			continue
		}
		if !strings.Contains(rel, "/") {
			if !slices.Contains(chartOnly, rel) {
				return nil, fmt.Errorf("rendered %s has no place in artifacts/: put it in a folder of templates/, or name it in chartOnly", name)
			}
			continue
		}
		files[rel] = []byte(text)
	}
	dirs := map[string][]string{}
	for f := range files {
		dirs[path.Dir(f)] = append(dirs[path.Dir(f)], path.Base(f))
	}
	for dir, names := range dirs {
		files[dir+"/kustomization.yaml"] = kustomization(names, "artifacts/"+dir)
	}
	var base []string
	for _, dir := range []string{"crds", "apiserver", "controller"} {
		if _, ok := dirs[dir]; !ok {
			return nil, fmt.Errorf("the rendered chart has no %s", dir)
		}
		base = append(base, dir)
	}
	files["kustomization.yaml"] = kustomization(base, "Meridian's default install: the CRDs, the aggregated API server and the controller (artifacts/dashboard is apart)")
	return files, nil
}

func kustomization(resources []string, what string) []byte {
	sort.Strings(resources)
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Generated from charts/meridian by make generate; do not edit.\n# %s, for kustomize: kubectl apply --server-side -k\n# (client-side apply would copy each object into an annotation, and the largest CRDs exceed its 256 KiB).\n", what)
	b.WriteString("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n")
	for _, r := range resources {
		fmt.Fprintf(&b, "- %s\n", r)
	}
	return b.Bytes()
}

// splitDocuments splits a YAML stream at its document separators,
// dropping empty documents.
func splitDocuments(stream string) []string {
	var docs []string
	for _, d := range strings.Split("\n"+stream, "\n---\n") {
		if t := strings.TrimSpace(d); t != "" {
			docs = append(docs, t+"\n")
		}
	}
	return docs
}
