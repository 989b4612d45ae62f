package dashboard

import (
	"fmt"
	"maps"
	"net/http"
	"slices"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/controller/placement"
)

type federatedRow struct {
	Kind      string
	Namespace string
	Name      string
	Placed    string
	Accepted  string
	Ready     bool
	Message   string
	URL       string
}

type federatedListPage struct {
	Rows []federatedRow
	// Denied lists the kinds the user may not list here.
	Denied []string
	// NotPlaced: only those not fully placed.
	NotPlaced bool
}

// federatedList lists every federated object with its placement summary;
// ?notplaced=1 keeps those not fully placed.
func (s *Server) federatedList(w http.ResponseWriter, r *http.Request) {
	rd := s.reader(w, r)
	if rd == nil {
		return
	}
	p := s.newPage(r, "Federated objects", "federated")
	d := &federatedListPage{NotPlaced: r.URL.Query().Get("notplaced") == "1"}
	for _, k := range placement.Kinds {
		objs, err := listAll(r.Context(), rd, k.Federated, p.Namespace, p, typed[federatedObject])
		if denied(err) {
			d.Denied = append(d.Denied, k.FederatedKind)
			continue
		}
		if err != nil {
			s.apiError(w, r, k.FederatedKind+"s", err)
			return
		}
		for i := range objs {
			o := &objs[i]
			ready := o.ready()
			if d.NotPlaced && o.fullyPlaced() {
				continue
			}
			row := federatedRow{Kind: k.FederatedKind, Namespace: o.Namespace, Name: o.Name, Placed: o.Status.Placed, Accepted: o.Status.Accepted, Ready: ready,
				URL: p.URL("/federated/" + k.Federated.Resource + "/" + o.Namespace + "/" + o.Name)}
			if c := meta.FindStatusCondition(o.Status.Conditions, "Ready"); c != nil {
				row.Message = c.Message
			}
			d.Rows = append(d.Rows, row)
		}
	}
	p.Data = d
	p.Live = liveURL(p, p.Namespace, []string{"federated"})
	s.render(w, r, http.StatusOK, "federated", p)
}

// matrixCell is one (cluster, namespace) target of a placement.
type matrixCell struct {
	fedv1alpha1.PlacementStatus
	Present bool
	// ViewURL links to the placed object's view.
	ViewURL string
}

type federatedPage struct {
	Kind       placement.Kind
	Object     federatedObject
	Raw        map[string]any
	Clusters   []string
	Namespaces []string
	// Matrix is indexed [namespace][cluster].
	Matrix  [][]matrixCell
	Ready   bool
	Message string
}

// federatedDetail shows one federated object: its placement as a matrix of
// cluster × namespace, each target's state and Gloo's verdict there.
func (s *Server) federatedDetail(w http.ResponseWriter, r *http.Request) {
	resource, namespace, name := r.PathValue("resource"), r.PathValue("namespace"), r.PathValue("name")
	k, ok := federatedKindOf(func(k placement.Kind) bool { return k.Federated.Resource == resource })
	what := fmt.Sprintf("%s %s/%s", k.FederatedKind, namespace, name)
	if !ok || !validPath(namespace, name) {
		s.notFound(w, r, fmt.Sprintf("%s/%s/%s does not name a federated object.", resource, namespace, name))
		return
	}
	rd := s.reader(w, r)
	if rd == nil {
		return
	}
	// Where the collection stands first, then the object: the page's
	// watch then misses no change made after the object was read.
	p := s.newPage(r, k.FederatedKind+" "+name, "federated")
	s.sawCollection(r.Context(), rd, p, k.Federated, namespace)
	obj, err := rd.Get(r.Context(), k.Federated, namespace, name)
	if err != nil {
		s.apiError(w, r, what, err)
		return
	}
	o, err := typed[federatedObject](obj.Object)
	if err != nil {
		s.serverError(w, r, fmt.Errorf("reading %s: %w", what, err))
		return
	}
	d := &federatedPage{Kind: k, Object: o, Raw: shown(obj.Object, k.Secret), Ready: o.ready()}
	if c := meta.FindStatusCondition(o.Status.Conditions, "Ready"); c != nil {
		d.Message = c.Message
	}
	clusters, namespaces := map[string]bool{}, map[string]bool{}
	for _, ps := range o.Status.Placements {
		clusters[ps.Cluster], namespaces[ps.Namespace] = true, true
	}
	d.Clusters, d.Namespaces = slices.Sorted(maps.Keys(clusters)), slices.Sorted(maps.Keys(namespaces))
	for _, ns := range d.Namespaces {
		row := make([]matrixCell, len(d.Clusters))
		for j, c := range d.Clusters {
			for _, ps := range o.Status.Placements {
				if ps.Cluster == c && ps.Namespace == ns {
					row[j] = matrixCell{PlacementStatus: ps, Present: true}
					if !k.Secret {
						row[j].ViewURL = p.URL("/views/" + k.View.Resource + "/" + ns + "/" + viewsv1alpha1.ClusterName(c, o.Spec.Template.Metadata.NameFor(o.Name)))
					}
				}
			}
		}
		d.Matrix = append(d.Matrix, row)
	}
	p.Data = d
	p.Live = liveURL(p, namespace, []string{k.Federated.Resource})
	s.render(w, r, http.StatusOK, "federatedobject", p)
}

// shown is a federated object as its page shows it: without managed
// fields and kubectl's last-applied copy (which would repeat the spec),
// and for a FederatedSecret without the Secret's data: the keys stay, the
// values and the overrides' patch values are replaced. The failover data plane's
// FederatedSecrets carry private keys, and a page is easily shared.
func shown(obj map[string]any, secret bool) map[string]any {
	out := runtime.DeepCopyJSON(obj)
	if md, ok := out["metadata"].(map[string]any); ok {
		delete(md, "managedFields")
		if ann, ok := md["annotations"].(map[string]any); ok {
			delete(ann, "kubectl.kubernetes.io/last-applied-configuration")
		}
	}
	if !secret {
		return out
	}
	spec, _ := out["spec"].(map[string]any)
	if tmpl, ok := spec["template"].(map[string]any); ok {
		for _, field := range []string{"data", "stringData"} {
			if values, ok := tmpl[field].(map[string]any); ok {
				for k := range values {
					values[k] = "(hidden)"
				}
			}
		}
	}
	if overrides, ok := spec["overrides"].([]any); ok {
		for _, o := range overrides {
			patches, _ := o.(map[string]any)["patches"].([]any)
			for _, p := range patches {
				if pm, ok := p.(map[string]any); ok && pm["value"] != nil {
					pm["value"] = "(hidden)"
				}
			}
		}
	}
	return out
}

type failoverRow struct {
	fedv1alpha1.FailoverScheme
	URL string
}

type failoverListPage struct {
	Rows        []failoverRow
	NotAccepted bool
}

// failoverList lists the FailoverSchemes; ?notaccepted=1 keeps those not
// Accepted.
func (s *Server) failoverList(w http.ResponseWriter, r *http.Request) {
	rd := s.reader(w, r)
	if rd == nil {
		return
	}
	p := s.newPage(r, "Failover schemes", "failover")
	schemes, err := listAll(r.Context(), rd, failoverGVR, p.Namespace, p, typed[fedv1alpha1.FailoverScheme])
	if denied(err) {
		p.Data = errorPage{Heading: "Not permitted", Message: "You may not list failover schemes " + where(p.Namespace) + ". Pick a namespace you may read above."}
		s.render(w, r, http.StatusForbidden, "error", p)
		return
	}
	if err != nil {
		s.apiError(w, r, "failover schemes", err)
		return
	}
	d := &failoverListPage{NotAccepted: r.URL.Query().Get("notaccepted") == "1"}
	for _, fs := range schemes {
		if d.NotAccepted && fs.Status.State == fedv1alpha1.FailoverAccepted {
			continue
		}
		d.Rows = append(d.Rows, failoverRow{FailoverScheme: fs, URL: p.URL("/failover/" + fs.Namespace + "/" + fs.Name)})
	}
	p.Data = d
	p.Live = liveURL(p, p.Namespace, []string{"failoverschemes"})
	s.render(w, r, http.StatusOK, "failover", p)
}

type failoverPage struct {
	Scheme     fedv1alpha1.FailoverScheme
	PrimaryURL string
}

func (s *Server) failoverDetail(w http.ResponseWriter, r *http.Request) {
	namespace, name := r.PathValue("namespace"), r.PathValue("name")
	what := fmt.Sprintf("FailoverScheme %s/%s", namespace, name)
	if !validPath(namespace, name) {
		s.notFound(w, r, what+" is not a name a FailoverScheme can have.")
		return
	}
	rd := s.reader(w, r)
	if rd == nil {
		return
	}
	// Positions first, then the object (see federatedDetail).
	p := s.newPage(r, "FailoverScheme "+name, "failover")
	s.sawCollection(r.Context(), rd, p, failoverGVR, namespace)
	s.sawInstances(r.Context(), rd, p)
	obj, err := rd.Get(r.Context(), failoverGVR, namespace, name)
	if err != nil {
		s.apiError(w, r, what, err)
		return
	}
	fs, err := typed[fedv1alpha1.FailoverScheme](obj.Object)
	if err != nil {
		s.serverError(w, r, fmt.Errorf("reading %s: %w", what, err))
		return
	}
	pr := fs.Spec.Primary
	p.Data = &failoverPage{Scheme: fs, PrimaryURL: p.URL("/views/upstreams/" + pr.Namespace + "/" + viewsv1alpha1.ClusterName(pr.ClusterName, pr.Name))}
	p.Live = liveURL(p, namespace, []string{"failoverschemes", "glooinstances"})
	s.render(w, r, http.StatusOK, "failoverscheme", p)
}
