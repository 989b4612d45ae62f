package crds

import (
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// Every embedded file is one of Gloo's structural CRDs, and every Gloo kind
// Meridian serves a view of is among them.
func TestFilesAreGloosCRDs(t *testing.T) {
	files, names, err := Files()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, name := range names {
		var crd apiextensionsv1.CustomResourceDefinition
		if err := yaml.UnmarshalStrict(files[name], &crd); err != nil {
			t.Errorf("%s: not a CustomResourceDefinition: %v", name, err)
			continue
		}
		if !strings.HasSuffix(crd.Spec.Group, "solo.io") {
			t.Errorf("%s: group %q is not one of Gloo's", name, crd.Spec.Group)
		}
		for _, v := range crd.Spec.Versions {
			if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
				t.Errorf("%s: version %s has no schema", name, v.Name)
			}
		}
		kinds[crd.Spec.Group+"/"+crd.Spec.Names.Kind] = true
	}
	for _, want := range []string{
		"gloo.solo.io/Upstream", "gloo.solo.io/UpstreamGroup", "gloo.solo.io/Settings", "gloo.solo.io/Proxy",
		"gateway.solo.io/Gateway", "gateway.solo.io/VirtualService", "gateway.solo.io/RouteTable",
		"gateway.solo.io/MatchableHttpGateway", "gateway.solo.io/MatchableTcpGateway",
		"enterprise.gloo.solo.io/AuthConfig", "ratelimit.solo.io/RateLimitConfig",
	} {
		if !kinds[want] {
			t.Errorf("no CRD for %s", want)
		}
	}
	if _, err := File("gloo.solo.io_v1_Upstream.yaml"); err != nil {
		t.Errorf("File: %v", err)
	}
}
