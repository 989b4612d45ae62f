package migrate

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

// Severity says whether a finding needs the user to act.
type Severity string

const (
	// Info: something changed as Meridian needs it (status dropped,
	// namespace set); nothing to do.
	Info Severity = "info"
	// Warning: something was not converted; the user decides what, if
	// anything, replaces it.
	Warning Severity = "warning"
	// Error: a document could not be read, or Meridian would refuse the
	// object it holds; that object was not converted.
	Error Severity = "error"
)

// Finding is one thing the conversion did not carry over as it was.
type Finding struct {
	Severity Severity
	// Object is the source object, "Kind namespace/name"; empty when the
	// document could not be read.
	Object string
	// Source is where the object was read (Document.Source).
	Source string
	// Path is the field the finding is about ("status",
	// "spec.providerInfo"); empty when it is about the whole object.
	Path string
	// Message says what happened, and what to do when something is to be done.
	Message string
}

// String formats the finding as one line, e.g.
//
//	warning: MultiClusterRole gloo-system/foo: no equivalent in Meridian (...); not converted
//
// Errors also name the document, since the object may be too broken to be
// found by its name.
func (f Finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", f.Severity)
	switch {
	case f.Object == "":
		b.WriteString(f.Source)
	case f.Severity == Error && f.Source != "":
		fmt.Fprintf(&b, "%s (%s)", f.Object, f.Source)
	default:
		b.WriteString(f.Object)
	}
	if f.Path != "" {
		fmt.Fprintf(&b, ": %s", f.Path)
	}
	fmt.Fprintf(&b, ": %s", f.Message)
	return b.String()
}

// DefaultFederationNamespace is where Meridian keeps cluster registrations
// unless installed elsewhere (install.DefaultNamespace; not imported, to keep
// this package free of client code).
const DefaultFederationNamespace = "meridian-system"

// Options change where converted objects go.
type Options struct {
	// Namespace, when not empty, is the namespace of every converted
	// federated object; otherwise each keeps its own.
	Namespace string
	// FederationNamespace is Meridian's federation namespace, where
	// KubernetesClusters go (DefaultFederationNamespace when empty).
	FederationNamespace string
}

// Result is what Convert made of its documents.
type Result struct {
	// Objects are the converted objects, in the order of their documents.
	Objects []*unstructured.Unstructured
	// Findings are in the order of the documents too.
	Findings []Finding
}

// Count returns the number of findings of a severity.
func (r Result) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// rule says what becomes of one Gloo Federation kind.
type rule struct {
	// version is the only version Gloo Federation served the kind in: an
	// object of another version may have another shape.
	version string
	// convert converts the object; nil when the kind is not converted.
	convert func(*converter, *object) *unstructured.Unstructured
	// severity and reason are reported for a kind that is not converted.
	severity Severity
	reason   string
}

const noRBAC = "no equivalent in Meridian (use Kubernetes RBAC, see docs/rbac.md); not converted"

// kinds is every kind of Gloo Federation's API (the CRDs its chart ships).
var kinds = map[schema.GroupKind]rule{
	{Group: "fed.gloo.solo.io", Kind: "FederatedUpstream"}:                {version: "v1", convert: federated},
	{Group: "fed.gloo.solo.io", Kind: "FederatedUpstreamGroup"}:           {version: "v1", convert: federated},
	{Group: "fed.gloo.solo.io", Kind: "FederatedSettings"}:                {version: "v1", convert: federated},
	{Group: "fed.gateway.solo.io", Kind: "FederatedGateway"}:              {version: "v1", convert: federated},
	{Group: "fed.gateway.solo.io", Kind: "FederatedVirtualService"}:       {version: "v1", convert: federated},
	{Group: "fed.gateway.solo.io", Kind: "FederatedRouteTable"}:           {version: "v1", convert: federated},
	{Group: "fed.gateway.solo.io", Kind: "FederatedMatchableHttpGateway"}: {version: "v1", convert: federated},
	{Group: "fed.gateway.solo.io", Kind: "FederatedMatchableTcpGateway"}:  {version: "v1", convert: federated},
	{Group: "fed.enterprise.gloo.solo.io", Kind: "FederatedAuthConfig"}:   {version: "v1", convert: federated},
	{Group: "fed.ratelimit.solo.io", Kind: "FederatedRateLimitConfig"}:    {version: "v1alpha1", convert: federated},
	{Group: "multicluster.solo.io", Kind: "KubernetesCluster"}:            {version: "v1alpha1", convert: kubernetesCluster},

	{Group: "fed.solo.io", Kind: "GlooInstance"}: {version: "v1", severity: Info,
		reason: "skipped: discovered by Meridian, not configuration (see kubectl get glooinstances.views.meridian.io -A)"},
	{Group: "fed.solo.io", Kind: "FailoverScheme"}:                   {version: "v1", convert: failoverScheme},
	{Group: "multicluster.solo.io", Kind: "MultiClusterRole"}:        {version: "v1alpha1", severity: Warning, reason: noRBAC},
	{Group: "multicluster.solo.io", Kind: "MultiClusterRoleBinding"}: {version: "v1alpha1", severity: Warning, reason: noRBAC},
}

// glooFedGroups are the groups of Gloo Federation's API: a kind of theirs
// missing from kinds is one migrate does not know, not a foreign object.
var glooFedGroups = func() map[string]bool {
	g := map[string]bool{}
	for gk := range kinds {
		g[gk.Group] = true
	}
	return g
}()

// Convert converts Gloo Federation objects into Meridian's. It never fails:
// what cannot be converted is reported in the result's findings, and the
// rest is converted regardless.
func Convert(docs []Document, opts Options) Result {
	if opts.FederationNamespace == "" {
		opts.FederationNamespace = DefaultFederationNamespace
	}
	c := &converter{opts: opts, seen: map[string]string{}}
	for _, d := range docs {
		c.document(d)
	}
	return c.res
}

type converter struct {
	opts Options
	res  Result
	// seen maps each converted object's identity to its source, to catch
	// two sources converting to the same object.
	seen map[string]string
}

// object is one source object being converted, with its findings.
type object struct {
	in       *unstructured.Unstructured
	id       string
	source   string
	findings []Finding
	failed   bool
}

func (o *object) report(s Severity, path, format string, args ...any) {
	o.findings = append(o.findings, Finding{Severity: s, Object: o.id, Source: o.source, Path: path, Message: fmt.Sprintf(format, args...)})
	if s == Error {
		o.failed = true
	}
}

func (c *converter) document(d Document) {
	if d.Err != nil {
		c.res.Findings = append(c.res.Findings, Finding{Severity: Error, Source: d.Source,
			Message: d.Err.Error() + "; fix the document and run migrate again"})
		return
	}
	o := &object{in: d.Object, id: describe(d.Object), source: d.Source}
	out := c.convert(o)
	if o.failed {
		// For an object not converted at all, keep only what says why: the
		// rest is reported once that is fixed.
		out = nil
		o.findings = slices.DeleteFunc(o.findings, func(f Finding) bool { return f.Severity != Error })
	}
	if out != nil {
		key := out.GetAPIVersion() + "/" + out.GetKind() + " " + out.GetNamespace() + "/" + out.GetName()
		if first, dup := c.seen[key]; dup {
			o.findings = slices.DeleteFunc(o.findings, func(f Finding) bool { return f.Severity == Info })
			o.report(Warning, "", "converts to the same %s %s as the object of %s; not converted: convert one namespace at a time, or rename one of them",
				out.GetKind(), nsName(out), first)
			out = nil
		} else {
			c.seen[key] = o.source
		}
	}
	c.res.Findings = append(c.res.Findings, o.findings...)
	if out != nil {
		c.res.Objects = append(c.res.Objects, out)
	}
}

func (c *converter) convert(o *object) *unstructured.Unstructured {
	gvk := o.in.GroupVersionKind()
	r, known := kinds[gvk.GroupKind()]
	switch {
	case !known && glooFedGroups[gvk.Group]:
		o.report(Warning, "", "a kind of a Gloo Federation group that migrate does not know; not converted")
		return nil
	case !known:
		o.report(Info, "", "not a Gloo Federation object, left out")
		return nil
	case gvk.Version != r.version:
		o.report(Warning, "apiVersion", "%s is not a version Gloo Federation served (%s/%s), its shape is unknown; not converted",
			o.in.GetAPIVersion(), gvk.Group, r.version)
		return nil
	case r.convert == nil:
		o.report(r.severity, "", "%s", r.reason)
		return nil
	}
	if name, ok, _ := unstructured.NestedString(o.in.Object, "metadata", "name"); !ok || name == "" {
		o.report(Error, "metadata.name", "missing; not converted")
		return nil
	}
	return r.convert(c, o)
}

// build makes the converted object: Meridian's kind of the same name, the
// metadata the user wrote, and the spec convertSpec makes. Other top-level
// fields are reported.
func (o *object) build(namespace string, convertSpec func(any) map[string]any) *unstructured.Unstructured {
	out := map[string]any{
		"apiVersion": fedv1alpha1.SchemeGroupVersion.String(),
		"kind":       o.in.GetKind(),
	}
	for _, k := range slices.Sorted(maps.Keys(o.in.Object)) {
		v := o.in.Object[k]
		switch k {
		case "apiVersion", "kind":
		case "metadata":
			out["metadata"] = o.metadata(namespace)
		case "spec":
			out["spec"] = convertSpec(v)
		case "status":
			if !empty(v) {
				o.report(Info, "status", "dropped: status is recomputed by Meridian")
			}
		default:
			o.report(Warning, k, "no equivalent in Meridian; not converted")
		}
	}
	if _, ok := o.in.Object["spec"]; !ok {
		o.report(Error, "spec", "missing; not converted")
	}
	return &unstructured.Unstructured{Object: out}
}

// serverSet is metadata the API server sets; it sets it again on the
// converted object.
var serverSet = map[string]bool{
	"uid": true, "resourceVersion": true, "generation": true, "creationTimestamp": true,
	"deletionTimestamp": true, "deletionGracePeriodSeconds": true, "managedFields": true, "selfLink": true,
}

// lastApplied is kubectl's copy of the object as last applied: the Gloo
// Federation object's, which would mislead the next kubectl apply of the
// converted one.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// metadata returns the converted object's metadata: its name, namespace,
// and the labels and annotations that are the user's rather than Gloo
// Federation's or kubectl's.
func (o *object) metadata(namespace string) map[string]any {
	out := map[string]any{"name": o.in.GetName()}
	if namespace != "" {
		out["namespace"] = namespace
	}
	in, _ := o.in.Object["metadata"].(map[string]any)
	for _, k := range slices.Sorted(maps.Keys(in)) {
		path := "metadata." + k
		switch v := in[k]; k {
		case "name", "namespace":
		case "labels", "annotations":
			m, ok := stringMap(v)
			if !ok {
				o.report(Error, path, "not a map of strings; not converted")
				continue
			}
			kept := map[string]any{}
			for _, key := range slices.Sorted(maps.Keys(m)) {
				switch {
				case glooFedKey(key):
					o.report(Info, fmt.Sprintf("%s[%s]", path, key), "dropped: Gloo Federation's own")
				case key == lastApplied:
					o.report(Info, fmt.Sprintf("%s[%s]", path, key), "dropped: kubectl's record of the Gloo Federation object (kubectl apply records the new one)")
				default:
					kept[key] = m[key]
				}
			}
			if len(kept) > 0 {
				out[k] = kept
			}
		case "finalizers":
			fs, _ := v.([]any)
			for _, f := range fs {
				fpath := fmt.Sprintf("%s[%v]", path, f)
				if s, _ := f.(string); glooFedKey(s) {
					o.report(Info, fpath, "dropped: Gloo Federation's own")
				} else {
					o.report(Warning, fpath, "not converted: the controller that added it watched Gloo Federation's kinds; add it again if it also handles Meridian's")
				}
			}
		case "ownerReferences":
			if !empty(v) {
				o.report(Warning, path, "not converted: owner references name their owners by uid; set them again if the owners still exist")
			}
		default:
			if !serverSet[k] {
				o.report(Warning, path, "no equivalent in Meridian; not converted")
			}
		}
	}
	return out
}

// glooFedKey says whether a label, annotation or finalizer is Gloo
// Federation's own (fed.solo.io/owner, fed.solo.io/finalizer, ...).
func glooFedKey(key string) bool {
	prefix, _, ok := strings.Cut(key, "/")
	return ok && (prefix == "fed.solo.io" || strings.HasSuffix(prefix, ".fed.solo.io"))
}

func describe(o *unstructured.Unstructured) string {
	return o.GetKind() + " " + nsName(o)
}

func nsName(o *unstructured.Unstructured) string {
	name := o.GetName()
	if name == "" {
		name = "(no name)"
	}
	if o.GetNamespace() != "" {
		return o.GetNamespace() + "/" + name
	}
	return name
}

func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(v) == 0
	case []any:
		return len(v) == 0
	case string:
		return v == ""
	}
	return false
}

// stringMap returns v as a map of strings, as labels and annotations are.
func stringMap(v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, v == nil
	}
	for _, e := range m {
		if _, ok := e.(string); !ok {
			return nil, false
		}
	}
	return m, true
}

// stringList returns v as a list of strings, as placement's lists are.
func stringList(v any) ([]string, bool) {
	l, ok := v.([]any)
	if !ok {
		return nil, v == nil
	}
	out := make([]string, 0, len(l))
	for _, e := range l {
		s, ok := e.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}
