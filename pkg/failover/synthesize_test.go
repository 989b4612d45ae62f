package failover

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	gloov1 "github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// fakeInputs is a federation of clusters, each with its Gloo installations
// and Upstreams, as the views show them.
type fakeInputs struct {
	clusters  map[string]bool // registered → reachable
	instances map[string][]*viewsv1alpha1.GlooInstance
	upstreams map[string]*viewsv1alpha1.Upstream  // "cluster/namespace/name"
	gateways  map[string][]*viewsv1alpha1.Gateway // "cluster/namespace"
	schemes   []*fedv1alpha1.FailoverScheme
}

func (f *fakeInputs) Gateways(cluster, namespace string) []*viewsv1alpha1.Gateway {
	return f.gateways[cluster+"/"+namespace]
}

func (f *fakeInputs) Cluster(name string) (bool, bool, string) {
	reachable, ok := f.clusters[name]
	return ok, reachable, "connection refused"
}

func (f *fakeInputs) Instances(cluster string) []*viewsv1alpha1.GlooInstance {
	return f.instances[cluster]
}

func (f *fakeInputs) Upstream(cluster, namespace, name string) *viewsv1alpha1.Upstream {
	return f.upstreams[cluster+"/"+namespace+"/"+name]
}

func (f *fakeInputs) SchemesFor(p fedv1alpha1.FailoverPrimary) []*fedv1alpha1.FailoverScheme {
	var out []*fedv1alpha1.FailoverScheme
	for _, s := range f.schemes {
		if s.Spec.Primary == p {
			out = append(out, s)
		}
	}
	return out
}

func instance(cluster, region, address string, zones ...string) *viewsv1alpha1.GlooInstance {
	return &viewsv1alpha1.GlooInstance{
		ObjectMeta: metav1.ObjectMeta{Name: cluster + "-gloo-system", Namespace: "gloo-system"},
		Spec: viewsv1alpha1.GlooInstanceSpec{
			Cluster:      cluster,
			ControlPlane: viewsv1alpha1.ControlPlane{Namespace: "gloo-system"},
			Region:       region,
			Admin:        viewsv1alpha1.Admin{WriteNamespace: "gloo-system", ProxyID: &viewsv1alpha1.ObjectRef{Name: "gateway-proxy", Namespace: "gloo-system"}},
			Proxies: []viewsv1alpha1.InstanceProxy{{
				Name: "gateway-proxy", Namespace: "gloo-system", Replicas: 1, ReadyReplicas: 1, Zones: zones,
				IngressEndpoints: []viewsv1alpha1.IngressEndpoint{{Address: address, ServiceName: "gateway-proxy",
					Ports: []viewsv1alpha1.Port{{Port: 80, Name: "http"}, {Port: 15443, Name: "failover"}}}},
			}},
		},
	}
}

func upstream(cluster, namespace, name, spec string) *viewsv1alpha1.Upstream {
	return &viewsv1alpha1.Upstream{
		ObjectMeta: metav1.ObjectMeta{Name: viewsv1alpha1.ClusterName(cluster, name), Namespace: namespace},
		Spec:       viewsv1alpha1.RawJSON(spec),
	}
}

const withHealthChecks = `{"kube":{"serviceName":"blue","serviceNamespace":"default","servicePort":8080},"healthChecks":[{"timeout":"1s","interval":"1s","unhealthyThreshold":1,"healthyThreshold":1,"httpHealthCheck":{"path":"/"}}]}`

// federation is east (the primary, blue), west (green) and central (red),
// each with one Gloo installation in gloo-system.
func federation() *fakeInputs {
	f := &fakeInputs{
		clusters: map[string]bool{"east": true, "west": true, "central": true},
		instances: map[string][]*viewsv1alpha1.GlooInstance{
			"east":    {instance("east", "us-east-1", "172.18.0.10", "us-east-1a")},
			"west":    {instance("west", "us-west-2", "172.18.0.20", "us-west-2b", "us-west-2c")},
			"central": {instance("central", "eu-central-1", "172.18.0.30", "eu-central-1a")},
		},
		upstreams: map[string]*viewsv1alpha1.Upstream{},
	}
	f.upstreams["east/gloo-system/blue"] = upstream("east", "gloo-system", "blue", withHealthChecks)
	f.upstreams["west/gloo-system/green"] = upstream("west", "gloo-system", "green", `{}`)
	f.upstreams["central/gloo-system/red"] = upstream("central", "gloo-system", "red", `{}`)
	f.upstreams["central/apps/red"] = upstream("central", "apps", "red", `{}`)
	return f
}

func u32(v uint32) *uint32 { return &v }

func scheme(groups ...fedv1alpha1.FailoverGroup) *fedv1alpha1.FailoverScheme {
	return &fedv1alpha1.FailoverScheme{
		ObjectMeta: metav1.ObjectMeta{Namespace: "gloo-system", Name: "blue", CreationTimestamp: metav1.NewTime(time.Unix(1000, 0))},
		Spec: fedv1alpha1.FailoverSchemeSpec{
			Primary:        fedv1alpha1.FailoverPrimary{ClusterName: "east", Namespace: "gloo-system", Name: "blue"},
			FailoverGroups: groups,
		},
	}
}

func group(targets ...fedv1alpha1.FailoverTarget) fedv1alpha1.FailoverGroup {
	return fedv1alpha1.FailoverGroup{PriorityGroup: targets}
}

func target(cluster string, weight *uint32, upstreams ...string) fedv1alpha1.FailoverTarget {
	t := fedv1alpha1.FailoverTarget{Cluster: cluster, LocalityWeight: weight}
	for _, u := range upstreams {
		ns, name, _ := strings.Cut(u, "/")
		t.Upstreams = append(t.Upstreams, fedv1alpha1.UpstreamRef{Namespace: ns, Name: name})
	}
	return t
}

func endpoint(address string, cluster, sni string) gloov1.LbEndpoint {
	return gloov1.LbEndpoint{Address: address, Port: 15443, UpstreamSslConfig: &gloov1.UpstreamSslConfig{
		SecretRef:            &core.ResourceRef{Name: "failover-upstream", Namespace: "gloo-system"},
		Sni:                  sni,
		VerifySubjectAltName: []string{cluster + ".failover.meridian.io"},
	}}
}

// Two priorities, over west and then central (two Upstreams there, in two
// namespaces its one installation watches), give one prioritized locality
// each, one locality per cluster with its region, zone and weight, and one
// endpoint per Upstream at the cluster's failover gateway.
func TestSynthesizeTwoPriorities(t *testing.T) {
	s := scheme(group(target("west", u32(10), "gloo-system/green")), group(target("central", nil, "gloo-system/red", "apps/red")))
	s.Spec.Policy = &fedv1alpha1.FailoverPolicy{OverprovisioningFactor: u32(150)}
	r := Synthesize(s, federation())
	if r.Invalid != "" {
		t.Fatal(r.Invalid)
	}
	want := &gloov1.Failover{
		PrioritizedLocalities: []gloov1.PrioritizedLocality{
			{LocalityEndpoints: []gloov1.LocalityLbEndpoints{{
				Locality:            &gloov1.Locality{Region: "us-west-2", Zone: "us-west-2b"},
				LoadBalancingWeight: u32(10),
				LbEndpoints:         []gloov1.LbEndpoint{endpoint("172.18.0.20", "west", "green_gloo-system")},
			}}},
			{LocalityEndpoints: []gloov1.LocalityLbEndpoints{{
				Locality: &gloov1.Locality{Region: "eu-central-1", Zone: "eu-central-1a"},
				LbEndpoints: []gloov1.LbEndpoint{
					endpoint("172.18.0.30", "central", "red_gloo-system"),
					endpoint("172.18.0.30", "central", "red_apps"),
				},
			}}},
		},
		Policy: &gloov1.FailoverPolicy{OverprovisioningFactor: u32(150)},
	}
	if diff := cmp.Diff(want, r.Failover); diff != "" {
		t.Errorf("spec.failover (-want +got):\n%s", diff)
	}
	wantTargets := []fedv1alpha1.FailoverTargetStatus{
		{Cluster: "central", Reachable: true, GlooInstance: "central-gloo-system", Healthy: true},
		{Cluster: "west", Reachable: true, GlooInstance: "west-gloo-system", Healthy: true},
	}
	if diff := cmp.Diff(wantTargets, r.Targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	if len(r.Priorities) != 2 || len(r.Priorities[1].Endpoints) != 2 || r.Priorities[0].Endpoints[0].Weight == nil || *r.Priorities[0].Endpoints[0].Weight != 10 {
		t.Errorf("priorities %+v", r.Priorities)
	}
	wantGateways := []Gateway{{Cluster: "central", Namespace: "gloo-system", Proxy: "gateway-proxy", Secret: DownstreamSecret}, {Cluster: "west", Namespace: "gloo-system", Proxy: "gateway-proxy", Secret: DownstreamSecret}}
	if diff := cmp.Diff(wantGateways, r.Gateways); diff != "" {
		t.Errorf("gateways (-want +got):\n%s", diff)
	}
	if r.SecretNamespace != "gloo-system" || r.PrimaryInstance != "east-gloo-system" || len(r.Sources) != 3 || r.Sources[0].ZoneFrom != "the first of the proxy's zones [us-west-2b us-west-2c]" {
		t.Errorf("result %+v", r)
	}
	// The spec written is Gloo's field names, nothing more.
	raw, err := json.Marshal(r.Failover)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"prioritizedLocalities":[{"localityEndpoints":[{"locality":{"region":"us-west-2","zone":"us-west-2b"},"lbEndpoints":[{"address":"172.18.0.20","port":15443,"upstreamSslConfig":{"secretRef":{"name":"failover-upstream","namespace":"gloo-system"},"sni":"green_gloo-system","verifySubjectAltName":["west.failover.meridian.io"]}}],"loadBalancingWeight":10}]}`) {
		t.Errorf("JSON %s", raw)
	}
	// Pure: the same inputs give the same result.
	if diff := cmp.Diff(r, Synthesize(s, federation())); diff != "" {
		t.Errorf("a second synthesis differs:\n%s", diff)
	}
}

// Every case Gloo (or the federation) cannot carry out is Invalid with a
// message that says what to fix, and nothing to write.
func TestSynthesizeInvalid(t *testing.T) {
	ok := func() *fedv1alpha1.FailoverScheme { return scheme(group(target("west", nil, "gloo-system/green"))) }
	cases := []struct {
		name   string
		edit   func(*fedv1alpha1.FailoverScheme, *fakeInputs)
		saying string
	}{
		{"no groups", func(s *fedv1alpha1.FailoverScheme, _ *fakeInputs) { s.Spec.FailoverGroups = nil }, "at least one priority group"},
		{"unknown primary cluster", func(s *fedv1alpha1.FailoverScheme, _ *fakeInputs) { s.Spec.Primary.ClusterName = "nowhere" }, `cluster "nowhere" is not registered`},
		{"unknown primary", func(s *fedv1alpha1.FailoverScheme, _ *fakeInputs) { s.Spec.Primary.Name = "black" }, "Upstream gloo-system/black is not in cluster east"},
		{"primary without health checks", func(_ *fedv1alpha1.FailoverScheme, f *fakeInputs) {
			f.upstreams["east/gloo-system/blue"] = upstream("east", "gloo-system", "blue", `{"kube":{}}`)
		}, "neither healthChecks nor outlierDetection"},
		{"primary without any spec", func(_ *fedv1alpha1.FailoverScheme, f *fakeInputs) {
			f.upstreams["east/gloo-system/blue"] = upstream("east", "gloo-system", "blue", ``)
		}, "neither healthChecks nor outlierDetection"},
		{"unknown target cluster", func(s *fedv1alpha1.FailoverScheme, _ *fakeInputs) {
			s.Spec.FailoverGroups[0].PriorityGroup[0].Cluster = "mars"
		}, `priority 1: cluster "mars" is not registered`},
		{"unknown target", func(s *fedv1alpha1.FailoverScheme, _ *fakeInputs) {
			s.Spec.FailoverGroups[0].PriorityGroup[0].Upstreams[0].Name = "purple"
		}, "Upstream gloo-system/purple is not in cluster west"},
		{"the primary as its own target", func(s *fedv1alpha1.FailoverScheme, _ *fakeInputs) {
			s.Spec.FailoverGroups = append(s.Spec.FailoverGroups, group(target("east", nil, "gloo-system/blue")))
		}, "priority 2: the primary cannot be its own failover target"},
		{"no owning installation", func(_ *fedv1alpha1.FailoverScheme, f *fakeInputs) {
			f.instances["west"][0].Spec.ControlPlane.WatchedNamespaces = []string{"apps"}
		}, "no Gloo installation of cluster west watches namespace gloo-system"},
		{"two owning installations", func(_ *fedv1alpha1.FailoverScheme, f *fakeInputs) {
			second := instance("west", "us-west-2", "172.18.0.21")
			second.Name = "west-gloo-two"
			f.instances["west"] = append(f.instances["west"], second)
		}, "2 Gloo installations of cluster west watch namespace gloo-system (west-gloo-system, west-gloo-two)"},
		{"no owning installation of the primary", func(_ *fedv1alpha1.FailoverScheme, f *fakeInputs) { f.instances["east"] = nil }, "the primary: no Gloo installation of cluster east"},
		{"no failover port", func(_ *fedv1alpha1.FailoverScheme, f *fakeInputs) {
			f.instances["west"][0].Spec.Proxies[0].IngressEndpoints[0].Ports = []viewsv1alpha1.Port{{Port: 80, Name: "http"}}
		}, `has a port named "failover"`},
		{"no ingress endpoint", func(_ *fedv1alpha1.FailoverScheme, f *fakeInputs) {
			f.instances["west"][0].Spec.Proxies[0].IngressEndpoints = nil
		}, "has no ingress endpoint"},
		{"no proxy", func(_ *fedv1alpha1.FailoverScheme, f *fakeInputs) { f.instances["west"][0].Spec.Admin.ProxyID = nil }, "has no gateway proxy"},
		{"a DNS name with a locality weight", func(s *fedv1alpha1.FailoverScheme, f *fakeInputs) {
			f.instances["west"][0].Spec.Proxies[0].IngressEndpoints[0].Address = "west.example.com"
			s.Spec.FailoverGroups[0].PriorityGroup[0].LocalityWeight = u32(3)
		}, `address "west.example.com" is a DNS name, and Gloo refuses a locality weight`},
		{"a second scheme for the same primary", func(s *fedv1alpha1.FailoverScheme, f *fakeInputs) {
			older := ok()
			older.Name, older.CreationTimestamp = "first", metav1.NewTime(time.Unix(10, 0))
			f.schemes = []*fedv1alpha1.FailoverScheme{s, older}
		}, "already the primary of FailoverScheme gloo-system/first"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, f := ok(), federation()
			if r := Synthesize(s, f); r.Invalid != "" {
				t.Fatalf("before the edit: %s", r.Invalid)
			}
			c.edit(s, f)
			r := Synthesize(s, f)
			if !strings.Contains(r.Invalid, c.saying) {
				t.Errorf("Invalid %q, want it to say %q", r.Invalid, c.saying)
			}
			if r.Failover != nil || r.Gateways != nil {
				t.Errorf("an invalid scheme gives something to write: %+v", r)
			}
		})
	}
}

// A DNS name without weights is fine (Gloo resolves it); so is the scheme
// that was first for a primary, whatever later ones say, and a deleted
// scheme no longer holds its primary.
func TestSynthesizeValidEdges(t *testing.T) {
	f := federation()
	f.instances["west"][0].Spec.Proxies[0].IngressEndpoints[0].Address = "west.example.com"
	s := scheme(group(target("west", nil, "gloo-system/green")))
	later := scheme(group(target("central", nil, "gloo-system/red")))
	later.Name, later.CreationTimestamp = "later", metav1.NewTime(time.Unix(5000, 0))
	f.schemes = []*fedv1alpha1.FailoverScheme{later, s}
	if r := Synthesize(s, f); r.Invalid != "" || r.Failover.PrioritizedLocalities[0].LocalityEndpoints[0].LbEndpoints[0].Address != "west.example.com" {
		t.Fatalf("%+v", r)
	}
	if r := Synthesize(later, f); r.Invalid == "" {
		t.Fatal("the later scheme for the same primary is not Invalid")
	}
	now := metav1.Now()
	s.DeletionTimestamp = &now
	if r := Synthesize(later, f); r.Invalid != "" {
		t.Fatalf("with the first scheme being deleted: %s", r.Invalid)
	}
}

// A target cluster Meridian cannot reach keeps its endpoints from its
// installation as last seen, even once its Upstreams left the views, and
// its status says so; a proxy with no ready replica is reported unhealthy.
func TestSynthesizeUnreachableAndUnhealthyTargets(t *testing.T) {
	f := federation()
	f.clusters["west"] = false
	delete(f.upstreams, "west/gloo-system/green")
	f.instances["central"][0].Spec.Proxies[0].ReadyReplicas = 0
	r := Synthesize(scheme(group(target("west", nil, "gloo-system/green"), target("central", nil, "gloo-system/red"))), f)
	if r.Invalid != "" {
		t.Fatal(r.Invalid)
	}
	if got := r.Failover.PrioritizedLocalities[0].LocalityEndpoints; len(got) != 2 || got[0].LbEndpoints[0].Address != "172.18.0.20" {
		t.Errorf("localities %+v", got)
	}
	want := []fedv1alpha1.FailoverTargetStatus{
		{Cluster: "central", Reachable: true, GlooInstance: "central-gloo-system", Healthy: false, Message: "proxy gloo-system/gateway-proxy has no ready replica"},
		{Cluster: "west", Reachable: false, GlooInstance: "west-gloo-system", Healthy: true, Message: "unreachable (connection refused): its endpoints are as last seen"},
	}
	if diff := cmp.Diff(want, r.Targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
}
