package dashboard

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/controller/placement"
)

// reporter is what one Gloo controller reported about an object.
type reporter struct {
	Namespace string
	State     string
	Reason    string
}

type detailPage struct {
	Kind        viewKind
	Object      *unstructured.Unstructured
	Cluster     string
	MemberName  string
	State       string
	Reason      string
	Reporters   []reporter
	Labels      []keyValue
	Annotations []keyValue
	// PlacedBy links to the federated object that placed this one, when
	// one did.
	PlacedBy    string
	PlacedByURL string
	Spec        any
	Status      any
	ListURL     string
}

type keyValue struct{ Key, Value string }

func sortedPairs(m map[string]string) []keyValue {
	var out []keyValue
	for k, v := range m {
		out = append(out, keyValue{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// validPath reports whether a namespace and name from a URL can name an
// object at all; anything else is a 404 without asking the API.
func validPath(namespace, name string) bool {
	return len(validation.IsDNS1123Label(namespace)) == 0 && name != "" && len(name) <= 507 && !strings.ContainsAny(name, "/%")
}

// detail shows one Gloo object: its Gloo state and every controller's
// reason, which federated object placed it, spec and status as YAML.
func (s *Server) detail(w http.ResponseWriter, r *http.Request) {
	k, ok := viewKindOf(r.PathValue("resource"))
	namespace, name := r.PathValue("namespace"), r.PathValue("name")
	what := fmt.Sprintf("%s %s/%s", k.Kind, namespace, name)
	if !ok || !validPath(namespace, name) {
		s.notFound(w, r, fmt.Sprintf("%s/%s/%s does not name an object Meridian shows.", r.PathValue("resource"), namespace, name))
		return
	}
	if k.Resource == "glooinstances" {
		http.Redirect(w, r, "/instances/"+namespace+"/"+name, http.StatusFound)
		return
	}
	rd := s.reader(w, r)
	if rd == nil {
		return
	}
	// Where the collection stands first, then the object: the page's
	// watch then misses no change made after the object was read.
	p := s.newPage(r, k.Kind+" "+name, k.Resource)
	s.sawCollection(r.Context(), rd, p, k.GVR, namespace)
	obj, err := rd.Get(r.Context(), k.GVR, namespace, name)
	if err != nil {
		s.apiError(w, r, what, err)
		return
	}
	d := &detailPage{Kind: k, Object: obj, Cluster: viewsv1alpha1.ClusterOf(obj), Spec: obj.Object["spec"], Status: obj.Object["status"]}
	_, d.MemberName, _ = viewsv1alpha1.SplitClusterName(obj.GetName())
	raw, _ := json.Marshal(obj.Object["status"])
	if obj.Object["status"] == nil {
		raw = nil
	}
	code, reason := core.Verdict(raw, "")
	d.State, d.Reason = code.String(), reason
	var st core.NamespacedStatuses
	if len(raw) > 0 && json.Unmarshal(raw, &st) == nil {
		for _, ns := range st.Reporters() {
			one, _ := st.For(ns)
			d.Reporters = append(d.Reporters, reporter{Namespace: ns, State: core.StateOf(one.State.Code).String(), Reason: one.Explanation()})
		}
	}
	d.Labels, d.Annotations = sortedPairs(obj.GetLabels()), sortedPairs(obj.GetAnnotations())
	if owner := obj.GetAnnotations()[fedv1alpha1.OwnerAnnotation]; owner != "" {
		d.PlacedBy = owner
		if kind, ns, n, ok := splitOwner(owner); ok {
			if fk, ok := federatedKindOf(func(f placement.Kind) bool { return f.FederatedKind == kind }); ok {
				d.PlacedByURL = p.URL("/federated/" + fk.Federated.Resource + "/" + ns + "/" + n)
			}
		}
	}
	d.ListURL = p.URL("/views/"+k.Resource, "cluster", d.Cluster)
	p.Data = d
	p.Live = liveURL(p, namespace, []string{k.Resource})
	s.render(w, r, http.StatusOK, "detail", p)
}

// splitOwner reads the owner annotation placement writes: Kind/namespace/name.
func splitOwner(owner string) (kind, namespace, name string, ok bool) {
	parts := strings.SplitN(owner, "/", 3)
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

type instancesPage struct {
	Survey *survey
}

func (s *Server) instances(w http.ResponseWriter, r *http.Request) {
	rd := s.reader(w, r)
	if rd == nil {
		return
	}
	p := s.newPage(r, "Gloo instances", "instances")
	instances, err := listAll(r.Context(), rd, instancesGVR, p.Namespace, p, typed[viewsv1alpha1.GlooInstance])
	if denied(err) {
		p.Data = errorPage{Heading: "Not permitted", Message: "You may not list Gloo instances " + where(p.Namespace) + ". Pick a namespace you may read above."}
		s.render(w, r, http.StatusForbidden, "error", p)
		return
	}
	if err != nil {
		s.apiError(w, r, "Gloo instances", err)
		return
	}
	sv := &survey{}
	unhealthy := r.URL.Query().Get("unhealthy") == "1"
	for i := range instances {
		healthy := instances[i].Healthy()
		if healthy {
			sv.Healthy++
		}
		if !unhealthy || !healthy {
			sv.Instances = append(sv.Instances, instances[i])
		}
	}
	sv.Filtered = unhealthy
	p.Data = &instancesPage{Survey: sv}
	p.Live = liveURL(p, p.Namespace, []string{"glooinstances"})
	s.render(w, r, http.StatusOK, "instances", p)
}

func where(ns string) string {
	if ns == "" {
		return "across all namespaces"
	}
	return "in namespace " + ns
}

type instancePage struct {
	Instance viewsv1alpha1.GlooInstance
	Checks   []checkRow
}

// checkRow is one kind of an installation's check summary.
type checkRow struct {
	Kind     string
	Resource string
	Summary  *viewsv1alpha1.Summary
	Errors   int
	Warnings int
}

func (s *Server) instance(w http.ResponseWriter, r *http.Request) {
	namespace, name := r.PathValue("namespace"), r.PathValue("name")
	what := fmt.Sprintf("Gloo instance %s/%s", namespace, name)
	if !validPath(namespace, name) {
		s.notFound(w, r, what+" is not a name Meridian shows.")
		return
	}
	rd := s.reader(w, r)
	if rd == nil {
		return
	}
	// Where the installations stand first, then this one (see detail).
	p := s.newPage(r, "Gloo instance "+name, "instances")
	s.sawInstances(r.Context(), rd, p)
	obj, err := rd.Get(r.Context(), instancesGVR, namespace, name)
	if err != nil {
		s.apiError(w, r, what, err)
		return
	}
	gi, err := typed[viewsv1alpha1.GlooInstance](obj.Object)
	if err != nil {
		s.serverError(w, r, fmt.Errorf("reading %s: %w", what, err))
		return
	}
	d := &instancePage{Instance: gi}
	for _, f := range d.Instance.Spec.Check.Fields() {
		if sum := *f.Summary; sum != nil {
			errs, warns := sum.Problems()
			d.Checks = append(d.Checks, checkRow{Kind: f.Kind, Resource: f.Resource, Summary: sum, Errors: errs, Warnings: warns})
		}
	}
	p.Data = d
	p.Live = liveURL(p, "", []string{"glooinstances"})
	s.render(w, r, http.StatusOK, "instance", p)
}
