package migrate

import (
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

// federated converts a Gloo Federation Federated* object: Meridian's kinds
// have the same template and placement, so both are copied as they are.
func federated(c *converter, o *object) *unstructured.Unstructured {
	return o.build(c.namespaceOf(o), o.federatedSpec)
}

// namespaceOf is the converted object's namespace: the source's, unless
// another was asked for.
func (c *converter) namespaceOf(o *object) string {
	ns := o.in.GetNamespace()
	if c.opts.Namespace != "" && c.opts.Namespace != ns {
		o.report(Info, "metadata.namespace", "changed from %q to %q, as asked", ns, c.opts.Namespace)
		ns = c.opts.Namespace
	}
	return ns
}

// failoverScheme converts a Gloo Federation FailoverScheme: Meridian's has
// the same fields (primary, failoverGroups, policy), so they are copied,
// and the result must fit Meridian's type exactly.
func failoverScheme(c *converter, o *object) *unstructured.Unstructured {
	return o.build(c.namespaceOf(o), func(v any) map[string]any {
		spec, ok := v.(map[string]any)
		if !ok {
			o.report(Error, "spec", "not an object; not converted")
			return nil
		}
		out := map[string]any{}
		for _, k := range slices.Sorted(maps.Keys(spec)) {
			switch k {
			case "primary", "failoverGroups", "policy":
				out[k] = runtime.DeepCopyJSONValue(spec[k])
			default:
				o.report(Warning, "spec."+k, "no equivalent in Meridian; not converted")
			}
		}
		var typed fedv1alpha1.FailoverSchemeSpec
		if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(out, &typed, true); err != nil {
			o.report(Error, "spec", "does not fit Meridian's FailoverScheme: %v; fix it in the source and run migrate again", err)
		}
		if _, ok := spec["primary"]; !ok {
			o.report(Error, "spec.primary", "missing; not converted")
		}
		return out
	})
}

func (o *object) federatedSpec(v any) map[string]any {
	spec, ok := v.(map[string]any)
	if !ok {
		o.report(Error, "spec", "not an object; not converted")
		return nil
	}
	out := map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(spec)) {
		switch k {
		case "template":
			out[k] = o.template(spec[k])
		case "placement":
			out[k] = o.placement(spec[k])
		case "overrides":
			// Gloo Federation had no overrides (its CRDs keep unknown
			// fields, and its controller ignored them): converting them
			// would start applying what never applied.
			o.report(Warning, "spec.overrides", "not a Gloo Federation field (it ignored it, Meridian would apply it); not converted")
		default:
			o.report(Warning, "spec."+k, "no equivalent in Meridian; not converted")
		}
	}
	if _, ok := spec["template"]; !ok {
		o.report(Error, "spec.template", "missing (Gloo Federation placed nothing without one; Meridian requires it); not converted")
	}
	if _, ok := spec["placement"]; !ok {
		o.report(Error, "spec.placement", "missing (Gloo Federation placed nothing without one; Meridian requires clusters and namespaces); not converted")
	}
	return out
}

func (o *object) template(v any) map[string]any {
	t, ok := v.(map[string]any)
	if !ok {
		o.report(Error, "spec.template", "not an object; not converted")
		return nil
	}
	out := map[string]any{}
	name := ""
	for _, k := range slices.Sorted(maps.Keys(t)) {
		path := "spec.template." + k
		switch k {
		case "metadata":
			m, ok := t[k].(map[string]any)
			if !ok {
				o.report(Error, path, "not an object; not converted")
				continue
			}
			out[k] = o.templateMetadata(m)
			name, _ = m["name"].(string)
		case "spec":
			// The wrapped Gloo kind's spec, copied whole: Meridian validates
			// it with Gloo's own schema, as Gloo did.
			if _, ok := t[k].(map[string]any); !ok {
				o.report(Error, path, "not an object; not converted")
				continue
			}
			out[k] = runtime.DeepCopyJSONValue(t[k])
		default:
			o.report(Warning, path, "no equivalent in Meridian; not converted")
		}
	}
	if _, ok := t["spec"]; !ok {
		o.report(Error, "spec.template.spec", "missing (Gloo Federation placed nothing without it; Meridian requires it); not converted")
	}
	if name == "" {
		o.report(Info, "spec.template.metadata.name", "changed: empty, so Gloo Federation placed nothing; Meridian names the placed objects %q, after the federated object", o.in.GetName())
	}
	return out
}

func (o *object) templateMetadata(m map[string]any) map[string]any {
	out := map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		path := "spec.template.metadata." + k
		switch k {
		case "name":
			if _, ok := m[k].(string); !ok {
				o.report(Error, path, "not a string; not converted")
				continue
			}
		case "labels", "annotations":
			if _, ok := stringMap(m[k]); !ok {
				o.report(Error, path, "not a map of strings; not converted")
				continue
			}
		case "namespace":
			o.report(Warning, path, "no equivalent in Meridian (nor in Gloo Federation: the placement's namespaces give the namespace); not converted")
			continue
		default:
			o.report(Warning, path, "no equivalent in Meridian; not converted")
			continue
		}
		out[k] = runtime.DeepCopyJSONValue(m[k])
	}
	return out
}

func (o *object) placement(v any) map[string]any {
	p, ok := v.(map[string]any)
	if !ok {
		o.report(Error, "spec.placement", "not an object; not converted")
		return nil
	}
	for _, k := range slices.Sorted(maps.Keys(p)) {
		path := "spec.placement." + k
		switch k {
		case "clusters", "namespaces":
		case "clusterSelector":
			o.report(Warning, path, "not a Gloo Federation field (it ignored it, Meridian would select clusters with it); not converted")
		default:
			o.report(Warning, path, "no equivalent in Meridian; not converted")
		}
	}
	out := map[string]any{}
	for _, k := range []string{"clusters", "namespaces"} {
		if set := o.placementSet("spec.placement."+k, p[k]); len(set) > 0 {
			out[k] = set
		}
	}
	return out
}

// placementSet returns the clusters or namespaces of a placement. Meridian
// requires at least one of each, as sets: the API server refuses repeats,
// which placed nothing more in Gloo Federation either.
func (o *object) placementSet(path string, v any) []any {
	l, ok := stringList(v)
	if !ok {
		o.report(Error, path, "not a list of strings; not converted")
		return nil
	}
	var set []any
	for _, s := range l {
		if slices.Contains(set, any(s)) {
			o.report(Info, path, "changed: %q was listed twice; listed once", s)
			continue
		}
		set = append(set, s)
	}
	switch {
	case len(set) == 0 && strings.HasSuffix(path, ".clusters"):
		o.report(Error, path, `empty (Gloo Federation placed nothing; Meridian requires cluster names, or "*" for every registered cluster); not converted`)
	case len(set) == 0:
		o.report(Error, path, "empty (Gloo Federation placed nothing; Meridian requires at least one); not converted")
	case strings.HasSuffix(path, ".clusters") && slices.Contains(set, any("*")):
		o.report(Info, path, `changed: Gloo Federation did not expand "*" (the object was INVALID: Cluster * is not registered); Meridian places into every registered cluster`)
	}
	return set
}

// kubernetesCluster converts a cluster registration. It moves into the
// federation namespace, the only one Meridian reads registrations from; its
// Secret has to follow, which migrate cannot do as it reads no Secrets.
func kubernetesCluster(c *converter, o *object) *unstructured.Unstructured {
	ns := c.opts.FederationNamespace
	if from := o.in.GetNamespace(); from != ns {
		o.report(Info, "metadata.namespace", "changed from %q to %q: Meridian keeps cluster registrations in its federation namespace", from, ns)
	}
	if errs := validation.IsDNS1123Label(o.in.GetName()); len(errs) > 0 {
		o.report(Error, "metadata.name", "Meridian's cluster names are DNS labels: %s; register the cluster under another name (and rename it in placements); not converted",
			strings.Join(errs, "; "))
	}
	return o.build(ns, func(v any) map[string]any { return o.clusterSpec(v, ns) })
}

func (o *object) clusterSpec(v any, ns string) map[string]any {
	spec, ok := v.(map[string]any)
	if !ok {
		o.report(Error, "spec", "not an object; not converted")
		return nil
	}
	out := map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(spec)) {
		path := "spec." + k
		switch k {
		case "secretName", "clusterDomain":
			s, ok := spec[k].(string)
			if !ok {
				o.report(Error, path, "not a string; not converted")
				continue
			}
			if s != "" {
				out[k] = s
			}
		case "providerInfo":
			o.report(Warning, path, "no equivalent in Meridian (it does not record the cloud provider); not converted")
		default:
			o.report(Warning, path, "no equivalent in Meridian; not converted")
		}
	}
	secret, _ := out["secretName"].(string)
	if secret == "" {
		o.report(Error, "spec.secretName", "missing (Meridian requires the Secret holding the member's kubeconfig); not converted")
		return out
	}
	from := o.in.GetNamespace()
	if from == "" {
		from = "<Gloo Federation's namespace>"
	}
	o.report(Warning, "spec.secretName", "Secret %s/%s not converted (migrate reads no Secrets): copy it into %s with type %s, keeping its key %q (see docs/meridianctl.md, meridianctl migrate)",
		from, secret, ns, fedv1alpha1.KubeconfigSecretType, fedv1alpha1.KubeconfigSecretKey)
	return out
}
