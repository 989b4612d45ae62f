package main

import (
	"archive/tar"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// The images as a user gets them: each one's config runs its binary as the
// non-root user, the binary taken out of the layer runs, and the docker
// tarball is the same image as the OCI layout's.
func TestImagesRunTheirBinaryAsNonRoot(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Fatalf("the images' binaries are linux ones: run this test on linux (GOOS=%s)", runtime.GOOS)
	}
	out := t.TempDir()
	o := options{root: "../..", out: out, repository: "example.com/meridian", version: "v9.9.9-test",
		certificates: "/etc/ssl/certs/ca-certificates.crt", arches: []string{runtime.GOARCH}}
	built, err := build(o, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if len(built) != len(images) {
		t.Fatalf("built %d images, want %d", len(built), len(images))
	}
	for i, b := range built {
		img := images[i]
		if b.Reference != "example.com/meridian/"+img.Name+":v9.9.9-test" {
			t.Errorf("reference %q", b.Reference)
		}
		p, err := layout.FromPath(filepath.Join(out, img.Name))
		if err != nil {
			t.Fatal(err)
		}
		index, err := p.ImageIndex()
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := index.Digest(); d != b.Digest {
			t.Errorf("%s: printed digest %s, the layout's index is %s", img.Name, b.Digest, d)
		}
		im, err := index.IndexManifest()
		if err != nil {
			t.Fatal(err)
		}
		if len(im.Manifests) != 1 || im.Manifests[0].Platform == nil || im.Manifests[0].Platform.Architecture != runtime.GOARCH || im.Manifests[0].Platform.OS != "linux" {
			t.Fatalf("%s: index manifests %+v, want one for linux/%s", img.Name, im.Manifests, runtime.GOARCH)
		}
		image, err := index.Image(im.Manifests[0].Digest)
		if err != nil {
			t.Fatal(err)
		}
		cf, err := image.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		wantEntry := append([]string{"/usr/local/bin/" + img.Binary}, img.Args...)
		if !slices.Equal(cf.Config.Entrypoint, wantEntry) || cf.Config.User != "65532:65532" || cf.Architecture != runtime.GOARCH || cf.OS != "linux" {
			t.Errorf("%s: config entrypoint %q user %q platform %s/%s", img.Name, cf.Config.Entrypoint, cf.Config.User, cf.OS, cf.Architecture)
		}
		for _, label := range []string{"org.opencontainers.image.title", "org.opencontainers.image.source", "org.opencontainers.image.version"} {
			if cf.Config.Labels[label] == "" {
				t.Errorf("%s: no label %s", img.Name, label)
			}
		}
		if cf.Config.Labels["org.opencontainers.image.version"] != "v9.9.9-test" {
			t.Errorf("%s: version label %q", img.Name, cf.Config.Labels["org.opencontainers.image.version"])
		}

		files := filesOf(t, image)
		for _, want := range []string{"etc/passwd", "etc/ssl/certs/ca-certificates.crt", "usr/local/bin/" + img.Binary} {
			if _, ok := files[want]; !ok {
				t.Errorf("%s: no %s in the image", img.Name, want)
			}
		}
		for path := range files {
			if strings.HasSuffix(path, "/sh") || strings.HasSuffix(path, "/bash") || strings.HasSuffix(path, "/busybox") {
				t.Errorf("%s: a shell in the image: %s", img.Name, path)
			}
		}
		bin := filepath.Join(t.TempDir(), img.Binary)
		if err := os.WriteFile(bin, files["usr/local/bin/"+img.Binary], 0o755); err != nil {
			t.Fatal(err)
		}
		version, err := exec.Command(bin, "--version").CombinedOutput()
		if err != nil || !strings.Contains(string(version), "v9.9.9-test") {
			t.Errorf("%s: the binary from the layer, --version: %v\n%s", img.Name, err, version)
		}

		loaded, err := tarball.ImageFromPath(filepath.Join(out, img.Name+"-"+runtime.GOARCH+".tar"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := digestOf(t, loaded), digestOf(t, image); a != b {
			t.Errorf("%s: the docker tarball's image %s is not the layout's %s", img.Name, a, b)
		}
	}
}

func digestOf(t *testing.T, img v1.Image) v1.Hash {
	t.Helper()
	cfg, err := img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// filesOf reads every regular file of an image's layers.
func filesOf(t *testing.T, img v1.Image) map[string][]byte {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(tr)
			out[strings.TrimSuffix(h.Name, "/")] = data
		}
		rc.Close()
	}
	return out
}
