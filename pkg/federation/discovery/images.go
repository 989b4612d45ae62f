package discovery

import "strings"

// Image names (the last path component of a container image reference) that
// identify Gloo workloads, as in Gloo Federation. Matching is by substring, like Gloo does, so
// that renamed mirrors such as "mirror/solo-io-gloo-ee" are still recognised.
const (
	controlPlaneImage    = "gloo"
	enterpriseImage      = "gloo-ee"
	proxyImageOSS        = "gloo-envoy-wrapper"
	proxyImageEnterprise = "gloo-ee-envoy-wrapper"
	proxyImageWasm       = "gloo-envoy-wasm-wrapper"
	defaultImageTag      = "latest"
)

// imageRef is a parsed container image reference.
type imageRef struct {
	// name is the last path component of the repository ("gloo-ee" for
	// "quay.io/solo-io/gloo-ee:1.18.6").
	name string
	// tag is the tag; "latest" when the reference has neither tag nor digest,
	// "" when it has only a digest.
	tag string
}

// parseImage splits a container image reference such as
// "my.reg:5000/solo-io/gloo:1.18.6@sha256:abc" into its image name and tag.
//
// Gloo uses docker/distribution's parser and matches on the full repository
// including the registry host; Meridian matches on the last path component
// only, so that a registry host or organisation containing "gloo"
// (gloo-mirror.example.com/library/busybox) is not mistaken for a Gloo image.
// The parser is lenient: it never fails, malformed references just give
// names that match nothing.
func parseImage(image string) imageRef {
	image = strings.TrimSpace(image)
	digest := ""
	if i := strings.IndexByte(image, '@'); i >= 0 {
		image, digest = image[:i], image[i+1:]
	}
	// A ':' after the last '/' separates the tag; one before it belongs to a
	// registry host's port (my.reg:5000/gloo).
	tag := ""
	lastSlash := strings.LastIndexByte(image, '/')
	if i := strings.LastIndexByte(image, ':'); i > lastSlash {
		image, tag = image[:i], image[i+1:]
	}
	if tag == "" && digest == "" {
		tag = defaultImageTag
	}
	return imageRef{name: image[lastSlash+1:], tag: tag}
}
