package dashboard

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/controller/placement"
)

// surveyPageSize is how many rows one API page of a count carries.
const surveyPageSize = 1000

// count is how many objects of one kind a user sees, by Gloo state.
type count struct {
	Kind     string
	Plural   string
	Resource string
	Total    int
	Rejected int
	Warning  int
	Pending  int
	// Denied says the user may not list the kind in the namespace shown.
	Denied bool
	// Problems are the first Rejected and Warning objects, to go to in one
	// click.
	Problems []problemRow
}

// problemRow is an object Gloo rejected or warned about.
type problemRow struct {
	Name, Namespace, Cluster, State, Reason, URL string
}

// maxProblems is how many problem objects of a kind the overview lists.
const maxProblems = 10

// clusterRow is one cluster as the user sees it.
type clusterRow struct {
	Name string
	// Reachable is "Yes", "No", or "Reading" (the first read is not done),
	// or "Unknown".
	Reachable string
	Message   string
	// Registered is true when the user may read the registration.
	Registered        bool
	KubernetesVersion string
	LastSync          *time.Time
	Instances         []string
}

// survey is everything the overview and the clusters page show.
type survey struct {
	Counts    []count
	Clusters  []clusterRow
	Instances []viewsv1alpha1.GlooInstance
	// Registrations are the KubernetesClusters the user may read.
	Registrations []fedv1alpha1.KubernetesCluster
	// InstancesDenied: the user may not list GlooInstances here.
	InstancesDenied bool
	// Filtered: the page shows only what is not well (?unreachable=1,
	// ?unhealthy=1).
	Filtered        bool
	Healthy         int
	Federated       int
	FederatedBad    int
	FederatedDenied bool
	Failover        int
	FailoverBad     int
	FailoverDenied  bool
}

// ReachableClusters counts the clusters shown reachable.
func (s *survey) ReachableClusters() int {
	n := 0
	for _, c := range s.Clusters {
		if c.Reachable == "Yes" {
			n++
		}
	}
	return n
}

// denied reports whether err is the user's RBAC saying no.
func denied(err error) bool { return apierrors.IsForbidden(err) }

// countKind reads every page of a view kind's table and counts its rows by
// the Status column (the server's verdict, core.Verdict), noting the
// clusters its rows come from.
func countKind(ctx context.Context, rd Reader, k viewKind, ns string, p *page, seen map[string]bool) (count, error) {
	c := count{Kind: k.Kind, Plural: k.Plural, Resource: k.Resource}
	opts := ListOptions{Namespace: ns, Limit: surveyPageSize}
	for {
		pg, err := rd.Table(ctx, k.GVR, opts)
		if denied(err) {
			c.Denied = true
			return c, nil
		}
		if err != nil {
			return c, err
		}
		p.warn(pg.Warnings)
		p.saw(k.Resource, pg.Table.ResourceVersion)
		status, cluster := column(pg.Table, "Status"), column(pg.Table, "Cluster")
		name, reason := column(pg.Table, "Name"), column(pg.Table, "Reason")
		for _, row := range pg.Table.Rows {
			c.Total++
			state := cell(row, status)
			switch state {
			case "Rejected":
				c.Rejected++
			case "Warning":
				c.Warning++
			case "Pending":
				c.Pending++
			}
			if (state == "Rejected" || state == "Warning") && len(c.Problems) < maxProblems {
				ns := namespaceOf(row)
				c.Problems = append(c.Problems, problemRow{Name: cell(row, name), Namespace: ns, Cluster: cell(row, cluster), State: state, Reason: cell(row, reason),
					URL: p.URL("/views/" + k.Resource + "/" + ns + "/" + cell(row, name))})
			}
			if cl := cell(row, cluster); cl != "" {
				seen[cl] = true
			}
		}
		if opts.Continue = pg.Table.Continue; opts.Continue == "" {
			return c, nil
		}
	}
}

// column is the index of the table's column named name, or -1.
func column(t *metav1.Table, name string) int {
	for i, c := range t.ColumnDefinitions {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// cell is a row's cell as text ("" when there is none).
func cell(row metav1.TableRow, i int) string {
	if i < 0 || i >= len(row.Cells) {
		return ""
	}
	return cellText(row.Cells[i])
}

// listAll reads every page of a list of whole objects into out's items.
func listAll[T any](ctx context.Context, rd Reader, gvr schema.GroupVersionResource, ns string, p *page, convert func(map[string]any) (T, error)) ([]T, error) {
	var out []T
	opts := ListOptions{Namespace: ns, Limit: surveyPageSize}
	for {
		l, warnings, err := rd.List(ctx, gvr, opts)
		if err != nil {
			return nil, err
		}
		p.warn(warnings)
		p.saw(gvr.Resource, l.GetResourceVersion())
		for _, item := range l.Items {
			v, err := convert(item.Object)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		if opts.Continue = l.GetContinue(); opts.Continue == "" {
			return out, nil
		}
	}
}

// typed converts an unstructured object into T.
func typed[T any](obj map[string]any) (T, error) {
	var v T
	err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj, &v)
	return v, err
}

// takeSurvey reads what the overview shows. A kind the user may not list
// is marked denied, not failed: a tenant sees the rest.
func (s *Server) takeSurvey(ctx context.Context, rd Reader, p *page, withObjects bool) (*survey, error) {
	sv := &survey{}
	seen := map[string]bool{}
	if withObjects {
		for _, res := range overviewKinds {
			k, _ := viewKindOf(res)
			c, err := countKind(ctx, rd, k, p.Namespace, p, seen)
			if err != nil {
				return nil, err
			}
			sv.Counts = append(sv.Counts, c)
		}
	}
	instances, err := listAll(ctx, rd, instancesGVR, p.Namespace, p, typed[viewsv1alpha1.GlooInstance])
	switch {
	case denied(err):
		sv.InstancesDenied = true
	case err != nil:
		return nil, err
	}
	sv.Instances = instances
	for i := range instances {
		if instances[i].Healthy() {
			sv.Healthy++
		}
	}
	registrations, err := listAll(ctx, rd, clustersGVR, s.opts.FederationNamespace, p, typed[fedv1alpha1.KubernetesCluster])
	if err != nil && !denied(err) {
		return nil, err
	}
	sv.Registrations = registrations
	sv.Clusters = clusterRows(registrations, instances, p.Problems, seen)
	if withObjects {
		if err := s.surveyFederated(ctx, rd, p, sv); err != nil {
			return nil, err
		}
	}
	return sv, nil
}

func (s *Server) surveyFederated(ctx context.Context, rd Reader, p *page, sv *survey) error {
	for _, k := range placement.Kinds {
		objs, err := listAll(ctx, rd, k.Federated, p.Namespace, p, typed[federatedObject])
		if denied(err) {
			sv.FederatedDenied = true
			continue
		}
		if err != nil {
			return err
		}
		for _, o := range objs {
			sv.Federated++
			if !o.fullyPlaced() {
				sv.FederatedBad++
			}
		}
	}
	schemes, err := listAll(ctx, rd, failoverGVR, p.Namespace, p, typed[fedv1alpha1.FailoverScheme])
	if denied(err) {
		sv.FailoverDenied = true
		return nil
	}
	if err != nil {
		return err
	}
	for _, fs := range schemes {
		sv.Failover++
		if fs.Status.State != fedv1alpha1.FailoverAccepted {
			sv.FailoverBad++
		}
	}
	return nil
}

// federatedObject is any federated kind: they share spec and status.
type federatedObject struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Template struct {
			Metadata fedv1alpha1.TemplateMetadata `json:"metadata,omitempty"`
		} `json:"template"`
		Placement fedv1alpha1.Placement `json:"placement"`
	} `json:"spec"`
	Status fedv1alpha1.FederatedStatus `json:"status,omitempty"`
}

// ready is the Ready condition the controller sets: every target placed
// (and accepted by Gloo, for Gloo kinds) at the current generation.
func (o *federatedObject) ready() bool {
	c := meta.FindStatusCondition(o.Status.Conditions, "Ready")
	return c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration >= o.Generation
}

// fullyPlaced is whether the controller placed the current generation into
// every target ("placed/targets" with the two equal); whether Gloo accepted
// the copies is ready's question.
func (o *federatedObject) fullyPlaced() bool {
	placed, targets, ok := strings.Cut(o.Status.Placed, "/")
	return ok && placed == targets && o.Status.ObservedGeneration >= o.Generation
}

// clusterRows puts together what the user may know of each cluster: the
// registrations they may read, the clusters of the installations and
// objects they see, and those the views warned about. Reachability comes
// from the registration's Ready condition, else the installation's status,
// else the warnings; a cluster seen only through its objects and not
// warned about is being served.
func clusterRows(registrations []fedv1alpha1.KubernetesCluster, instances []viewsv1alpha1.GlooInstance, problems []clusterProblem, seen map[string]bool) []clusterRow {
	rows := map[string]*clusterRow{}
	row := func(name string) *clusterRow {
		if r, ok := rows[name]; ok {
			return r
		}
		r := &clusterRow{Name: name, Reachable: "Unknown"}
		rows[name] = r
		return r
	}
	for i := range registrations {
		kc := &registrations[i]
		r := row(kc.Name)
		r.Registered = true
		r.KubernetesVersion = kc.Status.KubernetesVersion
		if kc.Status.LastSyncTime != nil {
			t := kc.Status.LastSyncTime.Time
			r.LastSync = &t
		}
		status, message := kc.Reachability()
		r.Reachable, r.Message = map[metav1.ConditionStatus]string{metav1.ConditionTrue: "Yes", metav1.ConditionFalse: "No", metav1.ConditionUnknown: "Unknown"}[status], message
	}
	for i := range instances {
		gi := &instances[i]
		r := row(gi.Spec.Cluster)
		r.Instances = append(r.Instances, gi.Namespace+"/"+gi.Name)
		if !r.Registered {
			r.Reachable = map[bool]string{true: "Yes", false: "No"}[gi.Status.Reachable]
			r.Message = gi.Status.Message
			if gi.Status.LastSyncTime != nil && r.LastSync == nil {
				t := gi.Status.LastSyncTime.Time
				r.LastSync = &t
			}
		}
	}
	for _, p := range problems {
		r := row(p.Cluster)
		if r.Registered && r.Reachable != "Yes" {
			continue
		}
		switch viewsv1alpha1.ClusterProblem(p.Problem) {
		case viewsv1alpha1.ClusterBeingRead:
			r.Reachable = "Reading"
		default:
			r.Reachable = "No"
		}
		r.Message = p.Message
	}
	for name := range seen {
		if r := row(name); r.Reachable == "Unknown" && !r.Registered {
			r.Reachable = "Yes"
		}
	}
	out := make([]clusterRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request) {
	rd := s.reader(w, r)
	if rd == nil {
		return
	}
	p := s.newPage(r, "Overview", "overview")
	sv, err := s.takeSurvey(r.Context(), rd, p, true)
	if err != nil {
		s.apiErrorOrGone(w, r, err)
		return
	}
	p.Data = sv
	p.Live = liveURL(p, p.Namespace, append(append([]string{}, overviewKinds...), "glooinstances", "kubernetesclusters", "federated", "failoverschemes"))
	s.render(w, r, http.StatusOK, "overview", p)
}

func (s *Server) clusters(w http.ResponseWriter, r *http.Request) {
	rd := s.reader(w, r)
	if rd == nil {
		return
	}
	p := s.newPage(r, "Clusters", "clusters")
	sv, err := s.takeSurvey(r.Context(), rd, p, false)
	if err != nil {
		s.apiErrorOrGone(w, r, err)
		return
	}
	if len(sv.Clusters) == 0 || sv.InstancesDenied {
		// A tenant who may not read registrations nor installations
		// learns of clusters from the objects they see.
		seen := map[string]bool{}
		for _, res := range overviewKinds {
			k, _ := viewKindOf(res)
			if _, err := countKind(r.Context(), rd, k, p.Namespace, p, seen); err != nil {
				s.apiErrorOrGone(w, r, err)
				return
			}
		}
		sv.Clusters = clusterRows(sv.Registrations, sv.Instances, p.Problems, seen)
	}
	if r.URL.Query().Get("unreachable") == "1" {
		var keep []clusterRow
		for _, c := range sv.Clusters {
			if c.Reachable != "Yes" {
				keep = append(keep, c)
			}
		}
		sv.Clusters, sv.Filtered = keep, true
	}
	p.Data = sv
	p.Live = liveURL(p, p.Namespace, []string{"glooinstances", "kubernetesclusters"})
	s.render(w, r, http.StatusOK, "clusters", p)
}

// apiErrorOrGone answers a failed survey.
func (s *Server) apiErrorOrGone(w http.ResponseWriter, r *http.Request, err error) {
	var st apierrors.APIStatus
	if errors.As(err, &st) && apierrors.IsUnauthorized(err) {
		s.apiError(w, r, "", err)
		return
	}
	s.serverError(w, r, err)
}
