package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/meridianfed/meridian/pkg/version"
)

// image is one of Meridian's images: which command it carries and how it
// starts.
type image struct {
	Name string
	// Package is the main package built into /usr/local/bin/<Binary>.
	Package, Binary string
	// Args follow the binary in the entrypoint.
	Args  []string
	Title string
}

// images are the images Meridian ships. The dashboard's is meridianctl,
// started as `meridianctl dashboard` (artifacts/dashboard adds its flags).
var images = []image{
	{Name: "meridian-apiserver", Package: "./cmd/apiserver", Binary: "meridian-apiserver", Title: "Meridian aggregated API server (views.meridian.io)"},
	{Name: "meridian-controller", Package: "./cmd/controller", Binary: "meridian-controller", Title: "Meridian federation controller"},
	{Name: "meridian-dashboard", Package: "./cmd/meridianctl", Binary: "meridianctl", Args: []string{"dashboard"}, Title: "Meridian dashboard (meridianctl dashboard)"},
}

func names() []string {
	var out []string
	for _, i := range images {
		out = append(out, i.Name)
	}
	return out
}

// User is the images' non-root user and group (distroless's "nonroot").
const User = 65532

type options struct {
	// root is the repository the packages are built from.
	root                                   string
	out, repository, version, certificates string
	arches, only                           []string
}

// built is one image written.
type built struct {
	Name, Reference string
	Digest          v1.Hash
}

func build(o options, logf func(string, ...any)) ([]built, error) {
	if o.version == "" {
		o.version = version.Version
	}
	for _, n := range o.only {
		if !slices.Contains(names(), n) {
			return nil, fmt.Errorf("no image %q (images: %s)", n, strings.Join(names(), ", "))
		}
	}
	certs, err := os.ReadFile(o.certificates)
	if err != nil {
		return nil, fmt.Errorf("the CA bundle for the images: %w (install Debian's ca-certificates, or pass --ca-certificates)", err)
	}
	commit, created := gitCommit(o.root)
	files, err := baseLayer(certs, created)
	if err != nil {
		return nil, err
	}
	var out []built
	for _, img := range images {
		if len(o.only) > 0 && !slices.Contains(o.only, img.Name) {
			continue
		}
		ref, err := name.NewTag(o.repository + "/" + img.Name + ":" + o.version)
		if err != nil {
			return nil, err
		}
		index := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
		for _, arch := range o.arches {
			logf(">> %s linux/%s: building %s", img.Name, arch, img.Package)
			bin, err := goBuild(o.root, img, arch, o.version)
			if err != nil {
				return nil, err
			}
			platformImage, err := assemble(img, arch, bin, files, o.version, commit, created)
			if err != nil {
				return nil, err
			}
			// One tarball per platform, tagged with its architecture, so
			// that loading both keeps both.
			archRef, err := name.NewTag(ref.Context().String() + ":" + o.version + "-" + arch)
			if err != nil {
				return nil, err
			}
			tarPath := filepath.Join(o.out, img.Name+"-"+arch+".tar")
			if err := os.MkdirAll(o.out, 0o755); err != nil {
				return nil, err
			}
			if err := tarball.WriteToFile(tarPath, archRef, platformImage); err != nil {
				return nil, fmt.Errorf("writing %s: %w", tarPath, err)
			}
			index = mutate.AppendManifests(index, mutate.IndexAddendum{Add: platformImage, Descriptor: v1.Descriptor{
				Platform: &v1.Platform{OS: "linux", Architecture: arch},
			}})
		}
		dir := filepath.Join(o.out, img.Name)
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
		// The layout's index.json names the image index by its reference
		// (org.opencontainers.image.ref.name), as crane and skopeo read it.
		p, err := layout.Write(dir, empty.Index)
		if err == nil {
			err = p.AppendIndex(index, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": ref.String()}))
		}
		if err != nil {
			return nil, fmt.Errorf("writing the OCI layout %s: %w", dir, err)
		}
		digest, err := index.Digest()
		if err != nil {
			return nil, err
		}
		out = append(out, built{Name: img.Name, Reference: ref.String(), Digest: digest})
	}
	return out, nil
}

// goBuild compiles img's binary for linux/arch: static (no cgo), without
// the builder's paths.
func goBuild(root string, img image, arch, ver string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "meridian-image-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, img.Binary)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X github.com/meridianfed/meridian/pkg/version.Version="+ver, "-o", out, img.Package)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	if output, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build %s for linux/%s: %v\n%s", img.Package, arch, err, output)
	}
	return os.ReadFile(out)
}

// gitCommit is HEAD's commit and time: the images' files and config carry
// the commit's time, not the build's; outside a repository, none and the
// epoch.
func gitCommit(root string) (string, time.Time) {
	cmd := exec.Command("git", "log", "-1", "--format=%H %ct")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return "", time.Unix(0, 0).UTC()
	}
	commit, secs, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	var t int64
	fmt.Sscan(secs, &t)
	return commit, time.Unix(t, 0).UTC()
}

// file is one entry of a layer.
type file struct {
	path string
	mode int64
	data []byte
	dir  bool
}

// baseLayer holds what every image has besides its binary.
func baseLayer(certs []byte, created time.Time) (v1.Layer, error) {
	passwd := fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%d:%d:nonroot:/home/nonroot:/sbin/nologin\n", User, User)
	group := fmt.Sprintf("root:x:0:\nnonroot:x:%d:\n", User)
	return layerOf(created, []file{
		{path: "etc", dir: true, mode: 0o755},
		{path: "etc/ssl", dir: true, mode: 0o755},
		{path: "etc/ssl/certs", dir: true, mode: 0o755},
		{path: "etc/ssl/certs/ca-certificates.crt", mode: 0o644, data: certs},
		{path: "etc/passwd", mode: 0o644, data: []byte(passwd)},
		{path: "etc/group", mode: 0o644, data: []byte(group)},
		{path: "home", dir: true, mode: 0o755},
		{path: "home/nonroot", dir: true, mode: 0o700},
		{path: "tmp", dir: true, mode: 0o1777},
	})
}

func layerOf(created time.Time, files []file) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.path, Mode: f.mode, ModTime: created, Format: tar.FormatPAX}
		if f.path == "home/nonroot" {
			h.Uid, h.Gid = User, User
		}
		if f.dir {
			h.Typeflag, h.Name = tar.TypeDir, f.path+"/"
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(f.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }, tarball.WithMediaType(types.OCILayer))
}

// assemble is img for linux/arch: the base layer, the binary's, and a
// config that runs the binary as the non-root user.
func assemble(img image, arch string, bin []byte, base v1.Layer, ver, commit string, created time.Time) (v1.Image, error) {
	binLayer, err := layerOf(created, []file{
		{path: "usr", dir: true, mode: 0o755},
		{path: "usr/local", dir: true, mode: 0o755},
		{path: "usr/local/bin", dir: true, mode: 0o755},
		{path: "usr/local/bin/" + img.Binary, mode: 0o755, data: bin},
	})
	if err != nil {
		return nil, err
	}
	i := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	i = mutate.ConfigMediaType(i, types.OCIConfigJSON)
	i, err = mutate.AppendLayers(i, base, binLayer)
	if err != nil {
		return nil, err
	}
	cf, err := i.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Created = "linux", arch, v1.Time{Time: created}
	cf.Config = v1.Config{
		Entrypoint: append([]string{"/usr/local/bin/" + img.Binary}, img.Args...),
		User:       fmt.Sprintf("%d:%d", User, User),
		WorkingDir: "/",
		Env:        []string{"PATH=/usr/local/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"},
		Labels: map[string]string{
			"org.opencontainers.image.title":    img.Title,
			"org.opencontainers.image.source":   "https://github.com/meridianfed/meridian",
			"org.opencontainers.image.version":  ver,
			"org.opencontainers.image.revision": commit,
		},
	}
	return mutate.ConfigFile(i, cf)
}

// push writes an image's multi-platform index from its OCI layout (dir) to
// a registry under ref, with the credentials docker and podman keep
// (~/.docker/config.json, $REGISTRY_AUTH_FILE).
func push(dir string, digest v1.Hash, ref name.Reference, opts ...remote.Option) error {
	p, err := layout.FromPath(dir)
	if err != nil {
		return fmt.Errorf("reading the OCI layout %s (run make images first): %w", dir, err)
	}
	index, err := p.ImageIndex()
	if err == nil {
		index, err = index.ImageIndex(digest)
	}
	if err != nil {
		return fmt.Errorf("%s holds no image index %s (run make images again): %w", dir, digest, err)
	}
	opts = append([]remote.Option{remote.WithAuthFromKeychain(authn.DefaultKeychain)}, opts...)
	if err := remote.WriteIndex(ref, index, opts...); err != nil {
		return fmt.Errorf("pushing %s: %w (log in to the registry with docker login or podman login, then run again)", ref, err)
	}
	return nil
}
