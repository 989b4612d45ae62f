package glooinstall

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"text/template"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/yaml"

	"github.com/meridianfed/meridian/pkg/manifest"
)

//go:embed config/gloo-config.yaml.tmpl
var configTemplate string

var glooConfig = template.Must(template.New("gloo-config").Parse(configTemplate))

// renderConfig returns the installation's Gloo configuration as YAML documents.
func (in Installation) renderConfig() ([][]byte, error) {
	var buf bytes.Buffer
	if err := glooConfig.Execute(&buf, in); err != nil {
		return nil, err
	}
	return manifest.SplitYAML(buf.Bytes())
}

// installConfig creates the installation's Gloo objects, statuses included
// (Gloo's CRDs have no status subresource: Gloo writes status with the object),
// with strict field validation, so a field Gloo's schema does not know fails.
func (in Installation) installConfig(ctx context.Context, cfg *rest.Config) error {
	docs, err := in.renderConfig()
	if err != nil {
		return err
	}
	disco, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disco))
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	for _, doc := range docs {
		obj := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(doc, &obj.Object); err != nil {
			return fmt.Errorf("decoding demo config: %w", err)
		}
		gvk := obj.GroupVersionKind()
		mapping, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return fmt.Errorf("%s is not served by the cluster (are Gloo's CRDs installed?): %w", gvk, err)
		}
		_, err = client.Resource(mapping.Resource).Namespace(obj.GetNamespace()).Create(ctx, obj, metav1.CreateOptions{FieldValidation: "Strict"})
		if err != nil {
			return fmt.Errorf("creating %s %s/%s: %w", gvk.Kind, obj.GetNamespace(), obj.GetName(), err)
		}
	}
	return nil
}
