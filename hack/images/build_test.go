package main

import (
	"archive/tar"
	"errors"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	cranecmd "github.com/google/go-containerregistry/cmd/crane/cmd"
	"github.com/google/go-containerregistry/pkg/crane"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// The images as a user gets them: each one's config runs its binary as the
// non-root user, every file is root's but that user's home, the binary
// taken out of the layer runs, and the docker tarball is the same image as
// the OCI layout's.
func TestImagesConfigLayersAndBinary(t *testing.T) {
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
		top, err := p.ImageIndex()
		if err != nil {
			t.Fatal(err)
		}
		entries, err := top.IndexManifest()
		if err != nil {
			t.Fatal(err)
		}
		// index.json holds one entry, the image index, named by its
		// reference, with the digest printed.
		if len(entries.Manifests) != 1 || entries.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != b.Reference || entries.Manifests[0].Digest != b.Digest || !entries.Manifests[0].MediaType.IsIndex() {
			t.Fatalf("%s: index.json entries %+v, want the index %s named %s", img.Name, entries.Manifests, b.Digest, b.Reference)
		}
		index, err := top.ImageIndex(b.Digest)
		if err != nil {
			t.Fatal(err)
		}
		pushWithCrane(t, filepath.Join(out, img.Name), b.Digest)
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

		files, headers := filesOf(t, image)
		for path, h := range headers {
			owner := 0
			if path == "home/nonroot" {
				owner = User
			}
			if h.Uid != owner || h.Gid != owner {
				t.Errorf("%s: %s owned by %d:%d, want %d:%d", img.Name, path, h.Uid, h.Gid, owner, owner)
			}
		}
		for path, mode := range map[string]int64{"tmp": 0o1777, "etc/passwd": 0o644, "usr/local/bin/" + img.Binary: 0o755} {
			if h, ok := headers[path]; !ok || h.Mode != mode {
				t.Errorf("%s: %s mode %o, want %o", img.Name, path, headers[path].Mode, mode)
			}
		}
		if cf.Config.WorkingDir != "/" {
			t.Errorf("%s: working directory %q, want / (readable whatever user the pod runs as)", img.Name, cf.Config.WorkingDir)
		}
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

		tag, err := name.NewTag(b.Reference + "-" + runtime.GOARCH)
		if err != nil {
			t.Fatal(err)
		}
		loaded, err := tarball.ImageFromPath(filepath.Join(out, img.Name+"-"+runtime.GOARCH+".tar"), &tag)
		if err != nil {
			t.Fatalf("%s: the docker tarball has no image tagged %s: %v", img.Name, tag, err)
		}
		if a, b := digestOf(t, loaded), digestOf(t, image); a != b {
			t.Errorf("%s: the docker tarball's config %s is not the layout's %s", img.Name, a, b)
		}
		if a, b := diffIDs(t, loaded), diffIDs(t, image); !slices.Equal(a, b) {
			t.Errorf("%s: the docker tarball's layers %v are not the layout's %v", img.Name, a, b)
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

func diffIDs(t *testing.T, img v1.Image) []v1.Hash {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	return cf.RootFS.DiffIDs
}

// filesOf reads every entry of an image's layers: the files' contents and
// every entry's header, by path.
func filesOf(t *testing.T, img v1.Image) (map[string][]byte, map[string]*tar.Header) {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	out, headers := map[string][]byte{}, map[string]*tar.Header{}
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
			headers[strings.TrimSuffix(h.Name, "/")] = h
		}
		rc.Close()
	}
	return out, headers
}

// pushWithCrane pushes an image's OCI layout as a user would, with crane's
// own push command (go-containerregistry's cmd/crane), into a registry in
// this process, and checks that the registry then serves the index by the
// digest make images printed, and the host's image from it.
func pushWithCrane(t *testing.T, dir string, digest v1.Hash) {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	ref := strings.TrimPrefix(srv.URL, "http://") + "/meridian/" + filepath.Base(dir) + ":pushed"
	var opts []crane.Option
	cranePush := cranecmd.NewCmdPush(&opts)
	var stdout strings.Builder
	cranePush.SetOut(&stdout)
	cranePush.SetArgs([]string{dir, ref})
	if err := cranePush.Execute(); err != nil {
		t.Fatalf("crane push %s %s: %v", dir, ref, err)
	}
	parsed, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if want := parsed.Context().Digest(digest.String()).String(); strings.TrimSpace(stdout.String()) != want {
		t.Errorf("crane push printed %q, want %s", stdout.String(), want)
	}
	checkPushed(t, parsed, digest)

	// make push-images: the same index, pushed by hack/images itself.
	ours, err := name.ParseReference(strings.TrimSuffix(ref, ":pushed") + ":ours")
	if err != nil {
		t.Fatal(err)
	}
	if err := push(dir, digest, ours); err != nil {
		t.Fatal(err)
	}
	checkPushed(t, ours, digest)
}

// checkPushed checks that the registry serves ref as the index digest, and
// the host's image in it.
func checkPushed(t *testing.T, ref name.Reference, digest v1.Hash) {
	t.Helper()
	pushed, err := remote.Index(ref)
	if err != nil {
		t.Fatalf("the registry does not serve %s as an index: %v", ref, err)
	}
	if d, err := pushed.Digest(); err != nil || d != digest {
		t.Errorf("%s: pushed index digest %s (%v), want %s", ref, d, err, digest)
	}
	if _, err := remote.Image(ref, remote.WithPlatform(v1.Platform{OS: "linux", Architecture: runtime.GOARCH})); err != nil {
		t.Errorf("no linux/%s image under %s: %v", runtime.GOARCH, ref, err)
	}
}
