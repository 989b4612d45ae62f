package placement

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

// federated is what the controller reads of a federated object, whatever
// its kind.
type federated struct {
	Kind       Kind
	Namespace  string
	Name       string
	UID        string
	Generation int64
	Deleting   bool
	Finalizers []string
	Metadata   fedv1alpha1.TemplateMetadata
	// Body is the placed object's content besides metadata: {"spec": ...}
	// for Gloo kinds; {"type", "data", "stringData"} for Secrets.
	Body      map[string]any
	Placement fedv1alpha1.Placement
	Overrides []fedv1alpha1.ClusterOverride
	Status    fedv1alpha1.FederatedStatus
}

// readFederated decodes a federated object of kind k.
func readFederated(k Kind, u *unstructured.Unstructured) (*federated, error) {
	f := &federated{Kind: k, Namespace: u.GetNamespace(), Name: u.GetName(), UID: string(u.GetUID()), Generation: u.GetGeneration(),
		Deleting: u.GetDeletionTimestamp() != nil, Finalizers: u.GetFinalizers()}
	spec, _, _ := unstructured.NestedMap(u.Object, "spec")
	if k.Secret {
		var s fedv1alpha1.FederatedSecretSpec
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(spec, &s); err != nil {
			return nil, err
		}
		f.Metadata, f.Placement, f.Overrides = s.Template.Metadata, s.Placement, s.Overrides
		body := map[string]any{}
		if s.Template.Type != "" {
			body["type"] = string(s.Template.Type)
		}
		if tmpl, ok := spec["template"].(map[string]any); ok {
			for _, key := range []string{"data", "stringData"} {
				if v, ok := tmpl[key]; ok {
					body[key] = v
				}
			}
		}
		f.Body = body
	} else {
		var s fedv1alpha1.FederatedSpec
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(spec, &s); err != nil {
			return nil, err
		}
		f.Metadata, f.Placement, f.Overrides = s.Template.Metadata, s.Placement, s.Overrides
		tmplSpec, _, _ := unstructured.NestedFieldCopy(u.Object, "spec", "template", "spec")
		if tmplSpec == nil {
			tmplSpec = map[string]any{}
		}
		f.Body = map[string]any{"spec": tmplSpec}
	}
	if st, ok := u.Object["status"].(map[string]any); ok {
		_ = runtime.DefaultUnstructuredConverter.FromUnstructured(st, &f.Status)
	}
	return f, nil
}

// placedName is the name of the placed objects.
func (f *federated) placedName() string {
	return f.Metadata.NameFor(f.Name)
}

// target is one (cluster, namespace) pair.
type target struct{ Cluster, Namespace string }

// resolveClusters returns the selected registered clusters, and the named
// clusters that are not registered.
func resolveClusters(p fedv1alpha1.Placement, registered map[string]*fedv1alpha1.KubernetesCluster) (selected, unknown []string, err error) {
	set := map[string]bool{}
	for _, c := range p.Clusters {
		if c == "*" {
			for name := range registered {
				set[name] = true
			}
			continue
		}
		if _, ok := registered[c]; ok {
			set[c] = true
		} else {
			unknown = append(unknown, c)
		}
	}
	if p.ClusterSelector != nil {
		sel, err := metav1.LabelSelectorAsSelector(p.ClusterSelector)
		if err != nil {
			return nil, nil, fmt.Errorf("placement.clusterSelector: %w", err)
		}
		for name, kc := range registered {
			if sel.Matches(labels.Set(kc.Labels)) {
				set[name] = true
			}
		}
	}
	selected = slices.Sorted(maps.Keys(set))
	slices.Sort(unknown)
	return selected, unknown, nil
}

// desired builds the object to place in one target: the template, the
// ownership marks, the cluster's overrides applied.
func (f *federated) desired(cluster, namespace string) (*unstructured.Unstructured, error) {
	ref := ownerRef(f.Kind, f.Namespace, f.Name)
	lbls := maps.Clone(f.Metadata.Labels)
	if lbls == nil {
		lbls = map[string]string{}
	}
	lbls[OwnerLabel] = ownerHash(ref)
	ann := maps.Clone(f.Metadata.Annotations)
	if ann == nil {
		ann = map[string]string{}
	}
	ann[OwnerAnnotation] = ref
	ann[GenerationAnnotation] = strconv.FormatInt(f.Generation, 10)
	obj := map[string]any{
		"apiVersion": f.Kind.Member.GroupVersion().String(),
		"kind":       f.Kind.MemberKind,
		"metadata": map[string]any{
			"name": f.placedName(), "namespace": namespace,
			"labels": toAny(lbls), "annotations": toAny(ann),
		},
	}
	for k, v := range runtime.DeepCopyJSON(f.Body) {
		obj[k] = v
	}
	for _, o := range f.Overrides {
		if o.ClusterName != cluster {
			continue
		}
		patched, err := applyPatch(obj, o.Patches)
		if err != nil {
			return nil, fmt.Errorf("overrides for cluster %s: %w", cluster, err)
		}
		obj = patched
	}
	u := &unstructured.Unstructured{Object: obj}
	// Overrides may not move the object or remove its ownership marks.
	u.SetNamespace(namespace)
	u.SetName(f.placedName())
	l := u.GetLabels()
	if l == nil {
		l = map[string]string{}
	}
	l[OwnerLabel] = lbls[OwnerLabel]
	u.SetLabels(l)
	a := u.GetAnnotations()
	if a == nil {
		a = map[string]string{}
	}
	a[OwnerAnnotation], a[GenerationAnnotation] = ann[OwnerAnnotation], ann[GenerationAnnotation]
	u.SetAnnotations(a)
	return u, nil
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func applyPatch(obj map[string]any, ops []fedv1alpha1.JSONPatchOperation) (map[string]any, error) {
	doc, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	patchJSON, err := json.Marshal(ops)
	if err != nil {
		return nil, err
	}
	patch, err := jsonpatch.DecodePatch(patchJSON)
	if err != nil {
		return nil, err
	}
	out, err := patch.Apply(doc)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// content is what drift compares: everything but metadata and status.
func content(obj map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range obj {
		switch k {
		case "apiVersion", "kind", "metadata", "status":
		default:
			out[k] = v
		}
	}
	return out
}
