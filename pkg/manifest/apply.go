package manifest

import (
	"context"
	"encoding/json"
	"fmt"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

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
	// DryRun makes every write a server-side dry run: validated and
	// answered by the server, persisted nowhere.
	DryRun bool
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
	ri, err := a.resource(obj)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(obj.Object)
	if err != nil {
		return nil, err
	}
	force := true
	out, err := ri.Patch(ctx, obj.GetName(), types.ApplyPatchType, body, metav1.PatchOptions{FieldManager: a.FieldManager, Force: &force, DryRun: a.dryRun()})
	if err != nil {
		return nil, fmt.Errorf("applying %s %s: %w", obj.GetKind(), qualified(obj), err)
	}
	return out, nil
}

// Get returns the cluster's current copy of obj, or nil when there is none
// (or its kind is not served).
func (a *Applier) Get(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	ri, err := a.resource(obj)
	if meta.IsNoMatchError(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	cur, err := ri.Get(ctx, obj.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	return cur, err
}

// Delete deletes obj (in the foreground, so that what it owns goes first).
// It reports false when there was nothing to delete.
func (a *Applier) Delete(ctx context.Context, obj *unstructured.Unstructured) (bool, error) {
	ri, err := a.resource(obj)
	if meta.IsNoMatchError(err) {
		return false, nil // its CRD is gone: so is the object
	}
	if err != nil {
		return false, err
	}
	fg := metav1.DeletePropagationForeground
	err = ri.Delete(ctx, obj.GetName(), metav1.DeleteOptions{PropagationPolicy: &fg, DryRun: a.dryRun()})
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("deleting %s %s: %w", obj.GetKind(), qualified(obj), err)
	}
	return true, nil
}

func (a *Applier) dryRun() []string {
	if a.DryRun {
		return []string{metav1.DryRunAll}
	}
	return nil
}

// resource finds where obj's kind is served.
func (a *Applier) resource(obj *unstructured.Unstructured) (dynamic.ResourceInterface, error) {
	gvk := obj.GroupVersionKind()
	mapping, err := a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		// A CRD applied (or deleted) a moment ago: look again.
		a.mapper.Reset()
		mapping, err = a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", gvk.Kind, obj.GetName(), err)
	}
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		return a.client.Resource(mapping.Resource).Namespace(obj.GetNamespace()), nil
	}
	return a.client.Resource(mapping.Resource), nil
}

// Describe names an object for people: "Kind namespace/name" or "Kind name".
func Describe(obj *unstructured.Unstructured) string {
	return obj.GetKind() + " " + qualified(obj)
}

func qualified(obj *unstructured.Unstructured) string {
	if obj.GetNamespace() == "" {
		return obj.GetName()
	}
	return obj.GetNamespace() + "/" + obj.GetName()
}
