package failover

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	gatewayv1 "github.com/meridianfed/meridian/pkg/apis/gloo/gateway/v1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// fakeStore is the federation namespace's data plane, in memory.
type fakeStore struct {
	mu       sync.Mutex
	ca       *CA
	cas      int // CAs made
	secrets  map[string]*fedv1alpha1.FederatedSecret
	gateways map[string]*fedv1alpha1.FederatedGateway
	writes   int
}

func newFakeStore() *fakeStore {
	return &fakeStore{secrets: map[string]*fedv1alpha1.FederatedSecret{}, gateways: map[string]*fedv1alpha1.FederatedGateway{}}
}

func (f *fakeStore) CA(_ context.Context, now time.Time) (*CA, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ca == nil {
		ca, err := NewCA(now)
		if err != nil {
			return nil, err
		}
		f.ca, f.cas = ca, f.cas+1
	}
	return f.ca, nil
}

func (f *fakeStore) Existing(context.Context) (map[string]*fedv1alpha1.FederatedSecret, map[string]*fedv1alpha1.FederatedGateway, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := map[string]*fedv1alpha1.FederatedSecret{}
	for k, v := range f.secrets {
		s[k] = v.DeepCopy()
	}
	g := map[string]*fedv1alpha1.FederatedGateway{}
	for k, v := range f.gateways {
		g[k] = v.DeepCopy()
	}
	return s, g, nil
}

func (f *fakeStore) ApplySecret(_ context.Context, o *fedv1alpha1.FederatedSecret) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.secrets[o.Name], f.writes = o.DeepCopy(), f.writes+1
	return nil
}

func (f *fakeStore) ApplyGateway(_ context.Context, o *fedv1alpha1.FederatedGateway) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gateways[o.Name], f.writes = o.DeepCopy(), f.writes+1
	return nil
}

func (f *fakeStore) DeleteSecret(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.secrets, name)
	return nil
}

func (f *fakeStore) DeleteGateway(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.gateways, name)
	return nil
}

// names returns what the store holds: secrets and gateways by name.
func (f *fakeStore) names() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(maps.Keys(sets.KeySet(f.secrets).Union(sets.KeySet(f.gateways))))
}

func (f *fakeStore) counts() (cas, writes int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cas, f.writes
}

// A scheme in force gets its data plane: a gateway and a server
// certificate per target installation, a client certificate for the
// primary's; nothing is rewritten while it stays as it is; deleting the
// scheme removes it all.
func TestASchemeInForceHasItsDataPlaneAndTakesItAway(t *testing.T) {
	e := newEnv(t, Options{})
	if cas, _ := e.store.counts(); cas != 0 {
		t.Fatal("a CA before any scheme")
	}
	e.create(twoPriorities())
	e.eventually("Accepted", func() bool { return e.state("gloo-system", "blue").State == fedv1alpha1.FailoverAccepted })
	r := Synthesize(e.scheme("gloo-system", "blue"), federation())
	var want []string
	for _, p := range Needed([]InForce{{PrimaryCluster: "east", Result: r}}) {
		want = append(want, p.FederatedName())
	}
	slices.Sort(want)
	if len(want) != 5 { // west and central: a gateway and a certificate each; east: a certificate
		t.Fatalf("needed %v", want)
	}
	e.eventually("the data plane written", func() bool { return slices.Equal(e.store.names(), want) })
	_, writes := e.store.counts()
	// Another reconcile (a view changed): nothing to write.
	e.ctl.queue.Add(dataPlaneKey)
	e.ctl.queue.Add("gloo-system/blue")
	e.settled()
	if cas, again := e.store.counts(); again != writes || cas != 1 {
		t.Errorf("%d CAs made, %d writes after %d for nothing new", cas, again, writes)
	}
	e.markDeleted("gloo-system", "blue")
	e.eventually("the data plane gone", func() bool { return len(e.store.names()) == 0 })
}

// A scheme that turns Invalid for a while (a view lags, a cluster is out)
// keeps its data plane: its primary keeps what was written, and so do the
// gateways it points at.
func TestAnInvalidSchemeKeepsTheDataPlaneOfItsClusters(t *testing.T) {
	e := newEnv(t, Options{})
	e.create(twoPriorities())
	e.eventually("5 pieces", func() bool { return len(e.store.names()) == 5 })
	s := e.scheme("gloo-system", "blue")
	s.Spec.FailoverGroups[0].PriorityGroup[0].Upstreams[0].Name = "missing"
	if _, err := e.fed.FedV1alpha1().FailoverSchemes("gloo-system").Update(context.Background(), s, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.eventually("Invalid", func() bool { return e.state("gloo-system", "blue").State == fedv1alpha1.FailoverInvalid })
	e.ctl.queue.Add(dataPlaneKey)
	e.settled()
	if n := len(e.store.names()); n != 5 {
		t.Errorf("%d pieces left of 5", n)
	}
}

// What keeps the data plane from working shows in the scheme's status:
// the primary's certificate in its message, a target's in that target's;
// both clear once placed, and the message does not grow with each pass.
func TestTheDataPlaneStateShowsInTheSchemeStatus(t *testing.T) {
	e := newEnv(t, Options{})
	e.create(twoPriorities())
	e.eventually("5 pieces", func() bool { return len(e.store.names()) == 5 })
	e.ctl.queue.Add(dataPlaneKey) // the fake store's objects have no status yet: being placed
	e.eventually("reported", func() bool {
		st := e.state("gloo-system", "blue")
		west := ""
		for _, tg := range st.Targets {
			if tg.Cluster == "west" {
				west = tg.Message
			}
		}
		return strings.Contains(st.Message, "; data plane: its client certificate (Secret) failover-upstream in east/gloo-system: being placed") &&
			strings.Contains(west, "its server certificate (Secret) failover-downstream in west/gloo-system: being placed") &&
			strings.Contains(west, "its failover Gateway gateway-proxy-failover in west/gloo-system: being placed")
	})
	if st := e.state("gloo-system", "blue"); strings.Count(st.Message, "data plane") != 1 {
		t.Errorf("message %q", st.Message)
	}
	e.store.mu.Lock()
	for _, s := range e.store.secrets {
		s.Status.Placements = []fedv1alpha1.PlacementStatus{{Cluster: s.Spec.Placement.Clusters[0], Namespace: s.Spec.Placement.Namespaces[0], State: fedv1alpha1.PlacementPlaced}}
	}
	for _, g := range e.store.gateways {
		g.Status.Placements = []fedv1alpha1.PlacementStatus{{Cluster: g.Spec.Placement.Clusters[0], Namespace: g.Spec.Placement.Namespaces[0], State: fedv1alpha1.PlacementPlaced}}
	}
	e.store.mu.Unlock()
	e.ctl.queue.Add(dataPlaneKey)
	e.eventually("cleared", func() bool {
		st := e.state("gloo-system", "blue")
		for _, tg := range st.Targets {
			if tg.Message != "" {
				return false
			}
		}
		return !strings.Contains(st.Message, "data plane") && st.State == fedv1alpha1.FailoverAccepted
	})
}

// gatewayClients are the primaries' clusters the store's gateway of
// cluster accepts.
func (f *fakeStore) gatewayClients(t *testing.T, name string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, ok := f.gateways[name]
	if !ok {
		return nil
	}
	var spec gatewayv1.GatewaySpec
	if err := json.Unmarshal(g.Spec.Template.Spec.Raw, &spec); err != nil {
		t.Fatal(err)
	}
	return spec.TcpGateway.TcpHosts[0].SslConfig.VerifySubjectAltName
}

// A scheme that turns Invalid keeps its place in a gateway it shares with
// another: its primary keeps what was written, and its failover traffic
// must still be let in.
func TestAnInvalidSchemeKeepsItsClientInASharedGateway(t *testing.T) {
	e := newEnv(t, Options{})
	e.create(twoPriorities())
	purple := upstream("central", "gloo-system", "purple", withHealthChecks)
	if err := e.fed.Tracker().Add(purple); err != nil {
		t.Fatal(err)
	}
	e.member("central").put("gloo-system", "purple", string(purple.Spec))
	s := scheme(group(target("west", nil, "gloo-system/green")))
	s.Name, s.Spec.Primary = "purple", fedv1alpha1.FailoverPrimary{ClusterName: "central", Namespace: "gloo-system", Name: "purple"}
	e.create(s)
	gw := "gateway-proxy-failover.west.gloo-system"
	both := []string{ClientSAN("central"), ClientSAN("east")}
	e.eventually("west's gateway accepts both primaries", func() bool { return slices.Equal(e.store.gatewayClients(t, gw), both) })
	// purple's primary leaves the views (central out past the grace):
	// purple is Invalid.
	if err := e.fed.Tracker().Delete(viewsv1alpha1.SchemeGroupVersion.WithResource("upstreams"), "gloo-system", purple.Name); err != nil {
		t.Fatal(err)
	}
	e.eventually("purple Invalid", func() bool { return e.state("gloo-system", "purple").State == fedv1alpha1.FailoverInvalid })
	e.ctl.queue.Add(dataPlaneKey)
	e.settled()
	if got := e.store.gatewayClients(t, gw); !slices.Equal(got, both) {
		t.Errorf("west's gateway accepts %v, want %v", got, both)
	}
}

// When an installation gets its own failover Gateway, the one Meridian
// placed there goes: two on one port would make Gloo reject both.
func TestMeridiansGatewayGoesWhenTheInstallationHasItsOwn(t *testing.T) {
	e := newEnv(t, Options{})
	e.create(twoPriorities())
	ours := "gateway-proxy-failover.west.gloo-system"
	e.eventually("Meridian's gateway in west", func() bool { return slices.Contains(e.store.names(), ours) })
	own := gatewayView("west", "gloo-system", "edge-failover", `{"bindPort":15443,"proxyNames":["gateway-proxy"],"tcpGateway":{"tcpHosts":[{"sslConfig":{"secretRef":{"name":"failover-downstream","namespace":"gloo-system"}}}]}}`, nil)
	// Created by resource (with Tracker().Add the views client did not
	// list it).
	if err := e.fed.Tracker().Create(viewsv1alpha1.SchemeGroupVersion.WithResource("gateways"), own, "gloo-system"); err != nil {
		t.Fatal(err)
	}
	e.eventually("Meridian's gateway gone", func() bool { return !slices.Contains(e.store.names(), ours) })
	if !slices.Contains(e.store.names(), "failover-downstream.west.gloo-system") {
		t.Error("the certificate the installation's gateway reads went too")
	}
}

// What a data plane piece's placement reports goes into a scheme's status,
// which its readers (perhaps of another namespace) see: the member's own
// answer, which names the member's other writers (field managers), stays
// in the federated object's status.
func TestPlacementProblemLeavesOutTheMembersAnswer(t *testing.T) {
	st := func(msg string) fedv1alpha1.FederatedStatus {
		return fedv1alpha1.FederatedStatus{ObservedGeneration: 1, Placements: []fedv1alpha1.PlacementStatus{{Cluster: "central", Namespace: "gloo-system", State: fedv1alpha1.PlacementFailed, Message: msg}}}
	}
	for msg, want := range map[string]string{
		`Secret gloo-system/failover-downstream has fields someone else set: left untouched` + fedv1alpha1.MemberAnsweredSeparator + `Apply failed with 1 conflict: conflict with "helm" using v1: .data.tls.crt`:                                                                                                                                                                                              "Failed: Secret gloo-system/failover-downstream has fields someone else set: left untouched",
		`the member refused Meridian's write of Secret gloo-system/x (an object of that name without Meridian's owner marks is there, or Meridian may not write it there): left untouched (rename the template, or delete that object to let Meridian place this one)` + fedv1alpha1.MemberAnsweredSeparator + `secrets "x" is forbidden: ValidatingAdmissionPolicy 'meridian-central-secrets' denied request`: "Failed: the member refused Meridian's write of Secret gloo-system/x (an object of that name without Meridian's owner marks is there, or Meridian may not write it there): left untouched (rename the template, or delete that object to let Meridian place this one)",
		"writing to the member: timed out": "Failed: writing to the member: timed out",
	} {
		if got := placementProblem(1, st(msg)); got != want {
			t.Errorf("%s:\n got %q\nwant %q", msg, got, want)
		}
	}
}
