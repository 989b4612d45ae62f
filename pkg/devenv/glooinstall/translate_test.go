package glooinstall

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	gatewayv1 "github.com/meridianfed/meridian/pkg/apis/gloo/gateway/v1"
	gloov1 "github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1"
)

// snapshotOf decodes Gloo YAML documents into a translation snapshot.
func snapshotOf(t *testing.T, ns string, secrets []string, docs ...[]byte) Snapshot {
	t.Helper()
	s := Snapshot{Namespace: ns, Secrets: map[string]bool{}}
	for _, sec := range secrets {
		s.Secrets[sec] = true
	}
	for _, doc := range docs {
		js, err := yaml.YAMLToJSON(doc)
		if err != nil {
			t.Fatal(err)
		}
		var meta struct{ Kind string }
		if err := json.Unmarshal(js, &meta); err != nil {
			t.Fatal(err)
		}
		decode := func(into any) {
			if err := json.Unmarshal(js, into); err != nil {
				t.Fatalf("%s: %v", meta.Kind, err)
			}
		}
		switch meta.Kind {
		case "Settings":
			s.Settings = &gloov1.Settings{}
			decode(s.Settings)
		case "Upstream":
			o := &gloov1.Upstream{}
			decode(o)
			s.Upstreams = append(s.Upstreams, o)
		case "UpstreamGroup":
			o := &gloov1.UpstreamGroup{}
			decode(o)
			s.UpstreamGroups = append(s.UpstreamGroups, o)
		case "Gateway":
			o := &gatewayv1.Gateway{}
			decode(o)
			s.Gateways = append(s.Gateways, o)
		case "VirtualService":
			o := &gatewayv1.VirtualService{}
			decode(o)
			s.VirtualServices = append(s.VirtualServices, o)
		case "RouteTable":
			o := &gatewayv1.RouteTable{}
			decode(o)
			s.RouteTables = append(s.RouteTables, o)
		case "":
		default:
			t.Fatalf("snapshotOf: unexpected kind %s", meta.Kind)
		}
	}
	return s
}

func demoSnapshot(t *testing.T, in Installation) Snapshot {
	t.Helper()
	docs, err := in.renderConfig()
	if err != nil {
		t.Fatal(err)
	}
	var secrets []string
	for _, s := range in.tlsSecrets() {
		secrets = append(secrets, key(s.namespace, s.name))
	}
	return snapshotOf(t, in.Namespace, secrets, docs...)
}

func stateOf(tr Translation, r Ref) (core.StateCode, string) {
	st, ok := tr.Statuses[r]
	if !ok {
		return -1, "no status"
	}
	return st.State.Code, st.Reason
}

// The demo's own configuration, translated: east is all Accepted; west has
// the Rejected VirtualService and the Warning failover Gateway the demo
// promises, and nothing else wrong.
func TestTranslateDemoConfig(t *testing.T) {
	vsOrders := Ref{"VirtualService", "team-a", "orders"}
	failoverGW := Ref{"Gateway", "gloo-system", "gateway-proxy-failover"}
	for i, name := range []string{"east", "west", "central"} {
		in := ForMember(name, i)
		tr := Translate(demoSnapshot(t, in))
		if len(tr.Statuses) < 12 {
			t.Fatalf("%s: only %d statuses: %v", name, len(tr.Statuses), tr.Statuses)
		}
		for ref, st := range tr.Statuses {
			want := core.StateAccepted
			switch {
			case in.Rejected && ref == vsOrders:
				want = core.StateRejected
				if st.Reason != "VirtualHost Error: ProcessingError. Reason: Route Error: InvalidDestinationErr. Reason: *v1.Upstream { team-a.team-a-orders-v2-8080 } not found" {
					t.Errorf("%s: %s reason %q", name, ref, st.Reason)
				}
			case !in.FailoverSecret && ref == failoverGW:
				want = core.StateWarning
				if !strings.Contains(st.Reason, "SSL secret not found: list did not find secret gloo-system.failover-downstream") {
					t.Errorf("%s: %s reason %q", name, ref, st.Reason)
				}
			}
			if st.State.Code != want {
				t.Errorf("%s: %s is %s (%s), want %s", name, ref, st.State.Code, st.Reason, want)
			}
			wantReporter := reporterGloo
			if ref.Kind == "VirtualService" || ref.Kind == "RouteTable" || ref.Kind == "Gateway" {
				wantReporter = reporterGateway
			}
			if st.ReportedBy != wantReporter {
				t.Errorf("%s: %s reported by %q", name, ref, st.ReportedBy)
			}
		}
		// One Proxy per proxy name, with a listener per Gateway.
		if len(tr.Proxies) != 1 || tr.Proxies[0].Name != "gateway-proxy" || tr.Proxies[0].Namespace != "gloo-system" {
			t.Fatalf("%s: proxies %+v", name, tr.Proxies)
		}
		p := tr.Proxies[0]
		if p.Labels["created_by"] != "gloo-gateway" {
			t.Errorf("%s: proxy labels %v", name, p.Labels)
		}
		ports := map[uint32]gloov1.Listener{}
		for _, l := range p.Spec.Listeners {
			ports[l.BindPort] = l
		}
		if len(ports) != 3 || ports[8080].HttpListener == nil || ports[8443].HttpListener == nil || ports[15443].TcpListener == nil {
			t.Fatalf("%s: listeners %+v", name, p.Spec.Listeners)
		}
		hosts := func(l gloov1.Listener) []string {
			var out []string
			for _, vh := range l.HttpListener.VirtualHosts {
				out = append(out, vh.Name)
			}
			return out
		}
		wantHTTP := []string{"gloo-system.default", "team-a.orders"}
		if in.Rejected {
			wantHTTP = []string{"gloo-system.default"} // a Rejected VirtualService is left out
		}
		if got := hosts(ports[8080]); !reflect.DeepEqual(got, wantHTTP) {
			t.Errorf("%s: http virtual hosts %v, want %v", name, got, wantHTTP)
		}
		if got := hosts(ports[8443]); !reflect.DeepEqual(got, []string{"team-b.catalog"}) {
			t.Errorf("%s: https virtual hosts %v", name, got)
		}
		// The default VirtualService's delegating route is replaced by the
		// selected RouteTable's route.
		var prefixes []string
		for _, r := range ports[8080].HttpListener.VirtualHosts[0].Routes {
			prefixes = append(prefixes, r.Matchers[0].Prefix)
		}
		if !reflect.DeepEqual(prefixes, []string{"/petstore", "/posts", "/team-a/orders"}) {
			t.Errorf("%s: default routes %v", name, prefixes)
		}
		if st := tr.Statuses[vsOrders]; !in.Rejected && st.SubresourceStatuses["*v1.Proxy.gloo-system.gateway-proxy"].ReportedBy != reporterGloo {
			t.Errorf("%s: orders sub-resource statuses %v", name, st.SubresourceStatuses)
		}
	}
}

// Creating the Upstream west's VirtualService routes to makes it Accepted.
func TestTranslateFixingTheMissingUpstreamAccepts(t *testing.T) {
	in := ForMember("west", 1)
	s := demoSnapshot(t, in)
	s.Upstreams = append(s.Upstreams, &gloov1.Upstream{})
	s.Upstreams[len(s.Upstreams)-1].Name, s.Upstreams[len(s.Upstreams)-1].Namespace = "team-a-orders-v2-8080", "team-a"
	tr := Translate(s)
	if code, reason := stateOf(tr, Ref{"VirtualService", "team-a", "orders"}); code != core.StateAccepted {
		t.Fatalf("orders: %s %s", code, reason)
	}
}

func TestTranslateRules(t *testing.T) {
	settings := `
apiVersion: gloo.solo.io/v1
kind: Settings
metadata: {name: default, namespace: gloo-system}
spec:
  gateway: {persistProxySpec: true}
`
	upstream := `
apiVersion: gloo.solo.io/v1
kind: Upstream
metadata: {name: up, namespace: app}
spec: {static: {hosts: [{addr: a.example.com, port: 80}]}}
`
	cases := []struct {
		name   string
		docs   []string
		ref    Ref
		state  core.StateCode
		reason string
	}{{
		name: "route to a missing upstream",
		docs: []string{`
apiVersion: gateway.solo.io/v1
kind: VirtualService
metadata: {name: vs, namespace: app}
spec:
  virtualHost:
    routes:
    - routeAction: {single: {upstream: {name: nope}}}
`},
		ref: Ref{"VirtualService", "app", "vs"}, state: core.StateRejected,
		reason: "*v1.Upstream { app.nope } not found",
	}, {
		name: "multi destination to a missing upstream",
		docs: []string{`
apiVersion: gateway.solo.io/v1
kind: RouteTable
metadata: {name: rt, namespace: app}
spec:
  routes:
  - routeAction: {multi: {destinations: [{destination: {upstream: {name: up, namespace: app}}}, {destination: {upstream: {name: gone, namespace: app}}}]}}
`},
		ref: Ref{"RouteTable", "app", "rt"}, state: core.StateRejected,
		reason: "invalid destination in weighted destination list: *v1.Upstream { app.gone } not found",
	}, {
		name: "route to a missing upstream group",
		docs: []string{`
apiVersion: gateway.solo.io/v1
kind: VirtualService
metadata: {name: vs, namespace: app}
spec:
  virtualHost:
    routes:
    - routeAction: {upstreamGroup: {name: ug, namespace: other}}
`},
		ref: Ref{"VirtualService", "app", "vs"}, state: core.StateRejected,
		reason: "*v1.UpstreamGroup { other.ug } not found",
	}, {
		name: "upstream group destination missing",
		docs: []string{`
apiVersion: gloo.solo.io/v1
kind: UpstreamGroup
metadata: {name: ug, namespace: app}
spec:
  destinations:
  - destination: {upstream: {name: up, namespace: app}}
  - destination: {upstream: {name: gone, namespace: app}}
`},
		ref: Ref{"UpstreamGroup", "app", "ug"}, state: core.StateRejected,
		reason: "destination # 2: upstream app.gone not found",
	}, {
		name: "delegation to a missing route table",
		docs: []string{`
apiVersion: gateway.solo.io/v1
kind: VirtualService
metadata: {name: vs, namespace: app}
spec:
  virtualHost:
    routes:
    - matchers: [{prefix: /a}]
      delegateAction: {ref: {name: missing, namespace: app}}
`},
		ref: Ref{"VirtualService", "app", "vs"}, state: core.StateRejected,
		reason: "route table app.missing missing",
	}, {
		name: "delegation selector matching nothing",
		docs: []string{`
apiVersion: gateway.solo.io/v1
kind: VirtualService
metadata: {name: vs, namespace: app}
spec:
  virtualHost:
    routes:
    - matchers: [{prefix: /a}]
      delegateAction: {selector: {labels: {team: z}}}
`},
		ref: Ref{"VirtualService", "app", "vs"}, state: core.StateWarning,
		reason: "no route table matches the given selector",
	}, {
		name: "delegation cycle",
		docs: []string{`
apiVersion: gateway.solo.io/v1
kind: RouteTable
metadata: {name: loop, namespace: app}
spec:
  routes:
  - matchers: [{prefix: /a}]
    delegateAction: {ref: {name: loop, namespace: app}}
`},
		ref: Ref{"RouteTable", "app", "loop"}, state: core.StateRejected,
		reason: "delegation cycle detected",
	}, {
		name: "listener port bound twice",
		docs: []string{`
apiVersion: gateway.solo.io/v1
kind: Gateway
metadata: {name: a, namespace: gloo-system}
spec: {bindAddress: "::", bindPort: 8080, httpGateway: {}}
`, `
apiVersion: gateway.solo.io/v1
kind: Gateway
metadata: {name: b, namespace: gloo-system}
spec: {bindAddress: "::", bindPort: 8080, httpGateway: {}}
`},
		ref: Ref{"Gateway", "gloo-system", "b"}, state: core.StateRejected,
		reason: "Listener Error: BindPortNotUniqueError. Reason: bind port not unique",
	}, {
		name: "same port for different proxies is fine",
		docs: []string{`
apiVersion: gateway.solo.io/v1
kind: Gateway
metadata: {name: a, namespace: gloo-system}
spec: {bindAddress: "::", bindPort: 8080, httpGateway: {}, proxyNames: [one]}
`, `
apiVersion: gateway.solo.io/v1
kind: Gateway
metadata: {name: b, namespace: gloo-system}
spec: {bindAddress: "::", bindPort: 8080, httpGateway: {}, proxyNames: [two]}
`},
		ref: Ref{"Gateway", "gloo-system", "b"}, state: core.StateAccepted,
	}, {
		name: "failover without health checks",
		docs: []string{`
apiVersion: gloo.solo.io/v1
kind: Upstream
metadata: {name: primary, namespace: app}
spec:
  static: {hosts: [{addr: a.example.com, port: 80}]}
  failover: {prioritizedLocalities: [{localityEndpoints: []}]}
`},
		ref: Ref{"Upstream", "app", "primary"}, state: core.StateRejected,
		reason: "neither health checks nor outlier detection",
	}, {
		name: "failover with outlier detection",
		docs: []string{`
apiVersion: gloo.solo.io/v1
kind: Upstream
metadata: {name: primary, namespace: app}
spec:
  static: {hosts: [{addr: a.example.com, port: 80}]}
  outlierDetection: {consecutive5xx: 3}
  failover: {prioritizedLocalities: [{localityEndpoints: []}]}
`},
		ref: Ref{"Upstream", "app", "primary"}, state: core.StateAccepted,
	}, {
		name: "missing TLS secret",
		docs: []string{`
apiVersion: gateway.solo.io/v1
kind: VirtualService
metadata: {name: vs, namespace: app}
spec:
  sslConfig: {secretRef: {name: tls, namespace: app}}
  virtualHost: {domains: [a.example.com]}
`},
		ref: Ref{"VirtualService", "app", "vs"}, state: core.StateWarning,
		reason: "SSL secret not found: list did not find secret app.tls",
	}, {
		name: "present TLS secret",
		docs: []string{`
apiVersion: gateway.solo.io/v1
kind: VirtualService
metadata: {name: vs, namespace: app}
spec:
  sslConfig: {secretRef: {name: present, namespace: app}}
  virtualHost: {domains: [a.example.com]}
`},
		ref: Ref{"VirtualService", "app", "vs"}, state: core.StateAccepted,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			docs := [][]byte{[]byte(settings), []byte(upstream)}
			for _, d := range c.docs {
				docs = append(docs, []byte(d))
			}
			tr := Translate(snapshotOf(t, "gloo-system", []string{"app/present"}, docs...))
			code, reason := stateOf(tr, c.ref)
			if code != c.state {
				t.Fatalf("%s: %s (%s), want %s", c.ref, code, reason, c.state)
			}
			if !strings.Contains(reason, c.reason) {
				t.Fatalf("%s: reason %q, want it to contain %q", c.ref, reason, c.reason)
			}
			if code, _ := stateOf(tr, Ref{"Upstream", "app", "up"}); code != core.StateAccepted {
				t.Errorf("the valid Upstream is %s", code)
			}
		})
	}
}

// Settings scope what is translated, and decide whether Proxies are written.
func TestTranslateSettings(t *testing.T) {
	docs := func(settingsSpec string) [][]byte {
		return [][]byte{[]byte(`
apiVersion: gloo.solo.io/v1
kind: Settings
metadata: {name: default, namespace: gloo-system}
spec: ` + settingsSpec), []byte(`
apiVersion: gloo.solo.io/v1
kind: Upstream
metadata: {name: in, namespace: watched}
spec: {}
`), []byte(`
apiVersion: gloo.solo.io/v1
kind: Upstream
metadata: {name: out, namespace: elsewhere}
spec: {}
`), []byte(`
apiVersion: gateway.solo.io/v1
kind: Gateway
metadata: {name: gw, namespace: gloo-system}
spec: {bindPort: 8080, httpGateway: {}}
`)}
	}
	tr := Translate(snapshotOf(t, "gloo-system", nil, docs(`{watchNamespaces: [watched, gloo-system]}`)...))
	if _, ok := tr.Statuses[Ref{"Upstream", "elsewhere", "out"}]; ok {
		t.Error("an Upstream outside the watched namespaces got a status")
	}
	if code, _ := stateOf(tr, Ref{"Upstream", "watched", "in"}); code != core.StateAccepted {
		t.Errorf("watched Upstream: %s", code)
	}
	if len(tr.Proxies) != 0 {
		t.Errorf("Proxies written without persistProxySpec: %v", tr.Proxies)
	}
	if _, ok := tr.Statuses[Ref{"Proxy", "gloo-system", "gateway-proxy"}]; ok {
		t.Error("a status for a Proxy that is not persisted")
	}
	tr = Translate(snapshotOf(t, "gloo-system", nil, docs(`{gateway: {persistProxySpec: true}}`)...))
	if _, ok := tr.Statuses[Ref{"Upstream", "elsewhere", "out"}]; !ok {
		t.Error("without watchNamespaces every namespace is watched")
	}
	if len(tr.Proxies) != 1 {
		t.Errorf("proxies %v", tr.Proxies)
	}
}

// The result depends on the snapshot's content, not its order, and an empty
// snapshot translates to nothing.
func TestTranslateIsDeterministic(t *testing.T) {
	s := demoSnapshot(t, ForMember("west", 1))
	want := Translate(s)
	for range 10 {
		shuffled := s
		shuffled.Upstreams = append([]*gloov1.Upstream(nil), s.Upstreams...)
		shuffled.VirtualServices = append([]*gatewayv1.VirtualService(nil), s.VirtualServices...)
		shuffled.Gateways = append([]*gatewayv1.Gateway(nil), s.Gateways...)
		rand.Shuffle(len(shuffled.Upstreams), func(i, j int) {
			shuffled.Upstreams[i], shuffled.Upstreams[j] = shuffled.Upstreams[j], shuffled.Upstreams[i]
		})
		rand.Shuffle(len(shuffled.VirtualServices), func(i, j int) {
			shuffled.VirtualServices[i], shuffled.VirtualServices[j] = shuffled.VirtualServices[j], shuffled.VirtualServices[i]
		})
		rand.Shuffle(len(shuffled.Gateways), func(i, j int) {
			shuffled.Gateways[i], shuffled.Gateways[j] = shuffled.Gateways[j], shuffled.Gateways[i]
		})
		got := Translate(shuffled)
		a, _ := json.Marshal(got.Proxies)
		b, _ := json.Marshal(want.Proxies)
		if string(a) != string(b) || !reflect.DeepEqual(got.Statuses, want.Statuses) {
			t.Fatal("translation depends on input order")
		}
	}
	empty := Translate(Snapshot{Namespace: "gloo-system"})
	if len(empty.Statuses) != 0 || len(empty.Proxies) != 0 {
		t.Fatalf("empty snapshot: %+v", empty)
	}
	// nil elements are skipped.
	Translate(Snapshot{Namespace: "gloo-system", Upstreams: []*gloov1.Upstream{nil}, VirtualServices: []*gatewayv1.VirtualService{nil}})
}
