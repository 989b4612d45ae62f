package views

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	metainternalversion "k8s.io/apimachinery/pkg/apis/meta/internalversion"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/apiserver/pkg/authentication/user"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
)

// fakeReads lets every user read everything, except those in readable,
// who may read only the (resource, namespace) pairs listed for them
// ("*" for every resource). It records every question asked.
type fakeReads struct {
	readable map[string]map[[2]string]bool
	asked    chan [3]string
}

func (f fakeReads) MayRead(ctx context.Context) (func(string, string) bool, error) {
	u, _ := genericapirequest.UserFrom(ctx)
	grants, scoped := f.readable[u.GetName()]
	return func(resource, namespace string) bool {
		if f.asked != nil {
			f.asked <- [3]string{u.GetName(), resource, namespace}
		}
		return !scoped || grants[[2]string{resource, namespace}] || grants[[2]string{"*", namespace}]
	}, nil
}

func report(ns, name string) viewsv1alpha1.ResourceReport {
	return viewsv1alpha1.ResourceReport{Ref: viewsv1alpha1.ObjectRef{Namespace: ns, Name: name}, Message: "bad " + name}
}

// instance is a GlooInstance of east watching team-a, team-b and
// gloo-system, with reports in all three.
func instance(name string) *viewsv1alpha1.GlooInstance {
	return &viewsv1alpha1.GlooInstance{
		ObjectMeta: metav1.ObjectMeta{Namespace: "gloo-system", Name: name, Labels: map[string]string{viewsv1alpha1.ClusterLabel: "east"}},
		Spec: viewsv1alpha1.GlooInstanceSpec{Cluster: "east", Check: viewsv1alpha1.Check{
			Upstreams: &viewsv1alpha1.Summary{Total: 7,
				Errors:   []viewsv1alpha1.ResourceReport{report("team-a", "us-a"), report("team-b", "us-b")},
				Warnings: []viewsv1alpha1.ResourceReport{report("team-b", "us-b2"), report("team-a", "us-a2")}},
			VirtualServices: &viewsv1alpha1.Summary{Total: 2, Errors: []viewsv1alpha1.ResourceReport{report("team-b", "vs-b")}},
			Deployments:     &viewsv1alpha1.Summary{Total: 1, Errors: []viewsv1alpha1.ResourceReport{report("gloo-system", "gloo")}},
			Settings:        &viewsv1alpha1.Summary{Total: 1},
		}},
	}
}

func instanceREST(t *testing.T, reads ReadAuthorizer, objs ...cache.Object) (*REST, *cache.Store) {
	t.Helper()
	store := cache.NewReplicaLocalStore(func() cache.Object { return &viewsv1alpha1.GlooInstance{} }, 0, 0)
	store.Replace("east", objs, 10)
	return NewREST(Kind{
		Resource: viewsv1alpha1.Resource("glooinstances"), Kind: "GlooInstance",
		New:     func() runtime.Object { return &viewsv1alpha1.GlooInstance{} },
		NewList: func() runtime.Object { return &viewsv1alpha1.GlooInstanceList{} },
		Table:   GlooInstanceTable(),
	}, storeSource{store}, Deps{Clusters: fakeClusters{}, Reads: reads}), store
}

func userContext(name, ns string) context.Context {
	return genericapirequest.WithNamespace(genericapirequest.WithUser(context.Background(), &user.DefaultInfo{Name: name}), ns)
}

// refs lists a summary's reports as namespace/name.
func refs(rs []viewsv1alpha1.ResourceReport) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Ref.Namespace+"/"+r.Ref.Name)
	}
	return out
}

// checkTeamA asserts what a user who may read team-a (every view) and
// upstreams in team-b, nothing else, sees of instance(): the reports of
// those, counts of the others, totals unchanged.
func checkTeamA(t *testing.T, what string, gi *viewsv1alpha1.GlooInstance) {
	t.Helper()
	c := gi.Spec.Check
	if got, want := refs(c.Upstreams.Errors), []string{"team-a/us-a", "team-b/us-b"}; !slices.Equal(got, want) {
		t.Errorf("%s: upstream errors %v, want %v", what, got, want)
	}
	if got, want := refs(c.Upstreams.Warnings), []string{"team-b/us-b2", "team-a/us-a2"}; !slices.Equal(got, want) {
		t.Errorf("%s: upstream warnings %v, want %v", what, got, want)
	}
	if c.Upstreams.HiddenErrors != 0 || c.Upstreams.HiddenWarnings != 0 || c.Upstreams.Total != 7 {
		t.Errorf("%s: upstreams %+v", what, c.Upstreams)
	}
	// team-b's VirtualService and gloo-system's Deployment are not theirs to read.
	if len(c.VirtualServices.Errors) != 0 || c.VirtualServices.HiddenErrors != 1 || c.VirtualServices.Total != 2 {
		t.Errorf("%s: virtual services %+v, want the team-b report hidden and counted", what, c.VirtualServices)
	}
	if len(c.Deployments.Errors) != 0 || c.Deployments.HiddenErrors != 1 || c.Deployments.Total != 1 {
		t.Errorf("%s: deployments %+v, want the gloo-system report hidden and counted", what, c.Deployments)
	}
	if c.Settings == nil || c.Settings.Total != 1 {
		t.Errorf("%s: settings %+v", what, c.Settings)
	}
}

var teamA = map[string]map[[2]string]bool{"alice": {{"*", "team-a"}: true, {"upstreams", "team-b"}: true}}

// A user who may read team-a (and upstreams in team-b) sees, in a get, a
// list and every watch event of a GlooInstance, only the check reports of
// objects they may get themselves; the others are counted, not named. An
// admin sees every report. The cached object is never changed.
func TestGlooInstanceReportsOnlyNameWhatTheUserMayRead(t *testing.T) {
	reads := fakeReads{readable: teamA}
	r, store := instanceREST(t, reads, instance("east-gloo-system"))
	alice, admin := userContext("alice", "gloo-system"), userContext("admin", "gloo-system")

	got, err := r.Get(alice, "east-gloo-system", &metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkTeamA(t, "get", got.(*viewsv1alpha1.GlooInstance))

	list, err := r.List(alice, &metainternalversion.ListOptions{ResourceVersion: "0"})
	if err != nil {
		t.Fatal(err)
	}
	items := list.(*viewsv1alpha1.GlooInstanceList).Items
	if len(items) != 1 {
		t.Fatalf("list: %d items", len(items))
	}
	checkTeamA(t, "list", &items[0])

	// The table counts what was left out too: ERRORS and WARNINGS are the
	// installation's, whoever asks.
	table, err := r.ConvertToTable(alice, list, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cells := table.Rows[0].Cells; cells[5] != int64(4) || cells[6] != int64(2) {
		t.Errorf("table errors, warnings: %v, %v; want 4, 2", cells[5], cells[6])
	}

	w, err := r.Watch(alice, &metainternalversion.ListOptions{ResourceVersion: "0"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	next := func(what string) watch.Event {
		t.Helper()
		select {
		case e, ok := <-w.ResultChan():
			if !ok {
				t.Fatalf("%s: watch closed", what)
			}
			return e
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: no event", what)
		}
		return watch.Event{}
	}
	checkTeamA(t, "initial watch event", next("initial").Object.(*viewsv1alpha1.GlooInstance))
	changed := instance("east-gloo-system")
	changed.Spec.Check.Upstreams.Total = 7
	changed.Spec.Region = "eu"
	store.Replace("east", []cache.Object{changed}, 11)
	e := next("modified")
	if e.Type != watch.Modified {
		t.Fatalf("event %s", e.Type)
	}
	checkTeamA(t, "modified watch event", e.Object.(*viewsv1alpha1.GlooInstance))
	store.Replace("east", nil, 12)
	e = next("deleted")
	if e.Type != watch.Deleted {
		t.Fatalf("event %s", e.Type)
	}
	checkTeamA(t, "deleted watch event", e.Object.(*viewsv1alpha1.GlooInstance))

	store.Replace("east", []cache.Object{instance("east-gloo-system")}, 13)
	got, err = r.Get(admin, "east-gloo-system", &metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	full := instance("east-gloo-system")
	if c := got.(*viewsv1alpha1.GlooInstance).Spec.Check; !reflect.DeepEqual(c, full.Spec.Check) {
		t.Errorf("admin's check:\n%+v\nwant every report:\n%+v", c, full.Spec.Check)
	}
	// Alice's replies were copies: the cache still holds every report.
	if _, err := r.Get(alice, "east-gloo-system", &metav1.GetOptions{}); err != nil {
		t.Fatal(err)
	}
	cached, _, _, _ := store.Get("gloo-system", "east-gloo-system")
	if c := cached.(*viewsv1alpha1.GlooInstance).Spec.Check; !reflect.DeepEqual(c, full.Spec.Check) {
		t.Errorf("the cached instance was changed:\n%+v", c)
	}
}

// Reports are decided on the view resource of their own summary: upstreams
// for the Upstreams summary, virtualservices for the VirtualServices one,
// and glooinstances for the installation's Deployments and Pods (which have
// no view of their own), each in the report's namespace.
func TestGlooInstanceReportsAskForTheirOwnResource(t *testing.T) {
	asked := make(chan [3]string, 100)
	r, _ := instanceREST(t, fakeReads{readable: teamA, asked: asked}, instance("east-gloo-system"))
	if _, err := r.Get(userContext("alice", "gloo-system"), "east-gloo-system", &metav1.GetOptions{}); err != nil {
		t.Fatal(err)
	}
	close(asked)
	got := map[string]bool{}
	for q := range asked {
		got[fmt.Sprint(q)] = true
	}
	for _, want := range [][3]string{
		{"alice", "upstreams", "team-a"}, {"alice", "upstreams", "team-b"}, {"alice", "virtualservices", "team-b"}, {"alice", "glooinstances", "gloo-system"},
	} {
		if !got[fmt.Sprint(want)] {
			t.Errorf("never asked %v; asked %v", want, got)
		}
	}
	for q := range got {
		if q == fmt.Sprint([3]string{"alice", "upstreams", "gloo-system"}) {
			t.Errorf("asked about a namespace no report of the kind is in: %s", q)
		}
	}
}

// A watch whose client stopped reading ends when it is stopped (no
// goroutine blocked for ever on a redacted event nobody takes).
func TestRedactedWatchEndsOnStop(t *testing.T) {
	r, store := instanceREST(t, fakeReads{readable: teamA}, instance("east-gloo-system"))
	w, err := r.Watch(userContext("alice", "gloo-system"), &metainternalversion.ListOptions{ResourceVersion: "0"})
	if err != nil {
		t.Fatal(err)
	}
	store.Replace("east", []cache.Object{instance("east-gloo-system"), instance("east-other")}, 11)
	time.Sleep(50 * time.Millisecond) // the redacting goroutine now waits to deliver
	w.Stop()
	time.Sleep(50 * time.Millisecond)
	select {
	case e, ok := <-w.ResultChan():
		if ok {
			t.Fatalf("after Stop the watch still delivered %s: its goroutine was blocked on a client that had stopped reading", e.Type)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the result channel never closed after Stop")
	}
}
