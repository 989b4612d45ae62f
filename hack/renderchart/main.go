// Command renderchart writes artifacts/ from the Helm chart charts/meridian
// (pkg/helmchart.ArtifactValues), replacing every YAML file there; make
// generate runs it after controller-gen has written the chart's CRDs.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/meridianfed/meridian/pkg/helmchart"
)

func main() {
	root := flag.String("root", ".", "the repository root")
	out := flag.String("out", "artifacts", "the folder to write, relative to the root")
	flag.Parse()
	if err := run(*root, *out); err != nil {
		fmt.Fprintf(os.Stderr, "renderchart: %v\n", err)
		os.Exit(1)
	}
}

func run(root, out string) error {
	ch, err := helmchart.Load(root)
	if err != nil {
		return err
	}
	rendered, err := helmchart.Render(ch, "meridian-system", helmchart.ArtifactValues())
	if err != nil {
		return err
	}
	files, err := helmchart.Artifacts(rendered)
	if err != nil {
		return err
	}
	dir := filepath.Join(root, out)
	// Stale files (a template renamed or removed) must not stay behind.
	old, _ := filepath.Glob(filepath.Join(dir, "*", "*.yaml"))
	top, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	for _, f := range append(old, top...) {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if !strings.HasSuffix(string(data), "\n") {
			data = append(data, '\n')
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("renderchart: wrote %d files under %s from %s\n", len(files), out, helmchart.Dir)
	return nil
}
