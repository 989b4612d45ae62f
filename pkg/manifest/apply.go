package manifest

import (
	"context"
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/yaml"
)

// Decode turns YAML documents into objects.
func Decode(docs [][]byte) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, doc := range docs {
		parts, err := SplitYAML(doc)
		if err != nil {
			return nil, err
		}
		for _, p := range parts {
			obj := &unstructured.Unstructured{}
			if err := yaml.Unmarshal(p, &obj.Object); err != nil {
				return nil, fmt.Errorf("decoding manifest: %w", err)
			}
			out = append(out, obj)
		}
	}
	return out, nil
}

// Applier server-side applies objects with one field manager.
type Applier struct {
	client       dynamic.Interface
	mapper       *restmapper.DeferredDiscoveryRESTMapper
	FieldManager string
}

// NewApplier returns an applier for the cluster behind cfg.
func NewApplier(cfg *rest.Config, fieldManager string) (*Applier, error) {
	disco, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &Applier{client: client, mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disco)), FieldManager: fieldManager}, nil
}

// Apply server-side applies one object (forcing ownership of its fields).
func (a *Applier) Apply(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	gvk := obj.GroupVersionKind()
	mapping, err := a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		// A CRD applied a moment ago: look again.
		a.mapper.Reset()
		mapping, err = a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", gvk.Kind, obj.GetName(), err)
	}
	body, err := json.Marshal(obj.Object)
	if err != nil {
		return nil, err
	}
	var ri dynamic.ResourceInterface = a.client.Resource(mapping.Resource)
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		ri = a.client.Resource(mapping.Resource).Namespace(obj.GetNamespace())
	}
	force := true
	out, err := ri.Patch(ctx, obj.GetName(), types.ApplyPatchType, body, metav1.PatchOptions{FieldManager: a.FieldManager, Force: &force})
	if err != nil {
		return nil, fmt.Errorf("applying %s %s: %w", gvk.Kind, qualified(obj), err)
	}
	return out, nil
}

func qualified(obj *unstructured.Unstructured) string {
	if obj.GetNamespace() == "" {
		return obj.GetName()
	}
	return obj.GetNamespace() + "/" + obj.GetName()
}
