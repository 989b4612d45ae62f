// Command images builds Meridian's container images without a daemon and
// without a base image (`make images`): for each platform, a static Go
// binary, the CA certificates of the machine that builds them, and
// /etc/passwd and /etc/group naming one non-root user, assembled with
// go-containerregistry into an OCI image whose config runs the binary as
// that user. It writes, under --out:
//
//   - <name>/: an OCI image layout whose index.json names the
//     multi-platform image index by its reference
//     (`crane push bin/images/<name> <ref>`);
//   - <name>-<arch>.tar: one platform's image as a tarball for
//     `docker load` and `podman load`, tagged <version>-<arch>;
//
// and prints every image's reference and digest. The images have no shell:
// the only file that runs is the binary. Run it with a read-only root
// filesystem (the manifests in artifacts/ do).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

func main() {
	o := options{root: "."}
	flag.StringVar(&o.out, "out", "bin/images", "directory to write the images into")
	flag.StringVar(&o.repository, "repository", "ghcr.io/meridianfed", "registry and path the image references name")
	flag.StringVar(&o.version, "version", "", "the images' tag and the binaries' version (default: pkg/version's)")
	platforms := flag.String("platforms", "linux/amd64,linux/arm64", "comma-separated os/arch to build for")
	flag.StringVar(&o.certificates, "ca-certificates", "/etc/ssl/certs/ca-certificates.crt", "the CA bundle to put into the images")
	pushTo := flag.Bool("push", false, "push each image's multi-platform index to its reference (--repository) after building, with docker's or podman's registry credentials")
	only := flag.String("images", "", "comma-separated images to build (default: all of "+strings.Join(names(), ", ")+")")
	flag.Parse()
	for _, p := range strings.Split(*platforms, ",") {
		os, arch, ok := strings.Cut(strings.TrimSpace(p), "/")
		if !ok || os != "linux" || arch == "" {
			fmt.Fprintf(flag.CommandLine.Output(), "images: --platforms wants linux/<arch>, not %q\n", p)
			exitf("")
		}
		o.arches = append(o.arches, arch)
	}
	for _, n := range strings.Split(*only, ",") {
		if n = strings.TrimSpace(n); n != "" {
			o.only = append(o.only, n)
		}
	}
	built, err := build(o, func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) })
	if err != nil {
		exitf("images: %v", err)
	}
	for _, b := range built {
		if *pushTo {
			ref, err := name.ParseReference(b.Reference)
			if err == nil {
				fmt.Fprintf(os.Stderr, ">> pushing %s\n", b.Reference)
				err = push(filepath.Join(o.out, b.Name), b.Digest, ref)
			}
			if err != nil {
				exitf("images: %v", err)
			}
		}
		fmt.Printf("%s@%s\t%s\n", b.Reference, b.Digest, filepath.Join(o.out, b.Name))
	}
}

func exitf(format string, args ...any) {
	if format != "" {
		fmt.Fprintf(os.Stderr, format+"\n", args...)
	}
	os.Exit(1)
}
