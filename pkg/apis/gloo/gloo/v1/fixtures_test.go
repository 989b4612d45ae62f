package v1_test

import (
	"encoding/json"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	gloov1 "github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1"
	"github.com/meridianfed/meridian/pkg/apis/gloo/internal/fixturetest"
)

func TestUpstreamFixtures(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range fixturetest.Load(t, "upstreams.yaml", "Upstream") {
		u := fixturetest.RoundTrip(t, d, func(c *gloov1.Upstream) {
			c.Spec.ConnectionConfig = &gloov1.ConnectionConfig{ConnectTimeout: "1s"}
			if c.Spec.Kube != nil {
				c.Spec.Kube.ServicePort++
			}
			for i := range c.Spec.HealthChecks {
				c.Spec.HealthChecks[i].Timeout = "99s"
			}
			fixturetest.ScrambleUnknown(c.Spec.Unknown)
			fixturetest.ScrambleUnknown(c.Status.Unknown)
			c.Status.Set("mutated", core.Status{State: core.StateOf(core.StateRejected)})
		})
		seen[u.Name] = true
		if u.Kind != "Upstream" || u.APIVersion != "gloo.solo.io/v1" || u.Namespace != "gloo-system" {
			t.Errorf("%v: type meta %q %q %q", d, u.Kind, u.APIVersion, u.Namespace)
		}
		switch u.Name {
		case "default-petstore-8080":
			k := u.Spec.Kube
			if u.Spec.UpstreamType() != "kube" || k.ServiceName != "petstore" || k.ServiceNamespace != "default" ||
				k.ServicePort != 8080 || k.Selector["app"] != "petstore" || u.Spec.DiscoveryMetadata.Labels["service"] != "petstore" {
				t.Errorf("%v: kube spec %+v", d, k)
			}
			if !k.Unknown.Has("serviceSpec") {
				t.Errorf("%v: untyped serviceSpec not kept", d)
			}
			if code, reason := u.Status.Summary(); code != core.StateAccepted || reason != "" {
				t.Errorf("%v: status %v %q", d, code, reason)
			}
		case "default-service-blue-10000":
			f := u.Spec.Failover
			if f == nil || len(f.PrioritizedLocalities) != 2 || *f.Policy.OverprovisioningFactor != 140 {
				t.Fatalf("%v: failover %+v", d, f)
			}
			le := f.PrioritizedLocalities[0].LocalityEndpoints[0]
			ep := le.LbEndpoints[0]
			if le.Locality.Region != "us-east-1" || le.Locality.Zone != "us-east-1c" || *le.LoadBalancingWeight != 10 ||
				ep.Address != "172.18.0.230" || ep.Port != 15443 || *ep.LoadBalancingWeight != 1 ||
				ep.UpstreamSslConfig.SecretRef.Key() != "gloo-system.failover-upstream" ||
				ep.UpstreamSslConfig.Sni != "default-service-green-10000_gloo-system" || ep.HealthCheckConfig.Path != "/health" {
				t.Errorf("%v: first locality %+v endpoint %+v", d, le, ep)
			}
			ep2 := f.PrioritizedLocalities[1].LocalityEndpoints[0].LbEndpoints[0]
			if f.PrioritizedLocalities[1].LocalityEndpoints[0].Locality.SubZone != "rack-7" || len(ep2.Metadata) != 1 ||
				len(ep2.UpstreamSslConfig.VerifySubjectAltName) != 1 {
				t.Errorf("%v: second locality endpoint %+v", d, ep2)
			}
			hc := u.Spec.HealthChecks[0]
			if hc.Interval != "1s" || *hc.UnhealthyThreshold != 1 || hc.HttpHealthCheck.Path != "/health" || !hc.HttpHealthCheck.Unknown.Has("expectedStatuses") {
				t.Errorf("%v: health check %+v", d, hc)
			}
			if *u.Spec.OutlierDetection.Consecutive5xx != 3 || u.Spec.LoadBalancerConfig.LocalityWeightedLbConfig == nil ||
				u.Spec.LoadBalancerConfig.HealthyPanicThreshold == nil || *u.Spec.LoadBalancerConfig.HealthyPanicThreshold != 0 {
				t.Errorf("%v: outlier detection / lb config %+v %+v", d, u.Spec.OutlierDetection, u.Spec.LoadBalancerConfig)
			}
			// Accepted in gloo-system (string form), Warning in the canary install.
			if st, _ := u.Status.For("gloo-system"); st.State.Code != core.StateAccepted || st.State.Text() != "Accepted" {
				t.Errorf("%v: gloo-system status %+v", d, st)
			}
			if code, reason := u.Status.Summary(); code != core.StateWarning || reason == "" {
				t.Errorf("%v: summary %v %q", d, code, reason)
			}
		case "jsonplaceholder-tls":
			s, tls := u.Spec.Static, u.Spec.SslConfig
			if u.Spec.UpstreamType() != "static" || s.Hosts[0].Addr != "jsonplaceholder.typicode.com" || s.Hosts[0].Port != 443 ||
				!*s.UseTls || *s.AutoSniRewrite || tls.Sni != "jsonplaceholder.typicode.com" || tls.SecretRef.Name != "upstream-client-tls" ||
				*tls.Parameters.MinimumProtocolVersion != intstr.FromString("TLSv1_2") || *tls.AllowRenegotiation {
				t.Errorf("%v: static/tls %+v %+v", d, s, tls)
			}
			cc := u.Spec.ConnectionConfig
			if cc.ConnectTimeout != "5s" || cc.MaxRequestsPerConnection != 0 || !cc.Unknown.Has("maxRequestsPerConnection") ||
				cc.TcpKeepalive.KeepaliveProbes != 3 || *u.Spec.CircuitBreakers.MaxConnections != 512 || !*u.Spec.UseHttp2 {
				t.Errorf("%v: connection config %+v", d, cc)
			}
			// Legacy flat status under the CRD-defaulted empty statuses map.
			flat, ok := u.Status.Flat()
			if !ok || flat.State.Code != core.StateAccepted || len(u.Status.Statuses) != 0 || !u.Status.Unknown.Has("statuses") {
				t.Errorf("%v: flat status %+v %v", d, flat, ok)
			}
		case "external-payments":
			if code, reason := u.Status.Summary(); code != core.StateRejected || reason == "" {
				t.Errorf("%v: status %v %q", d, code, reason)
			}
			rh := u.Spec.LoadBalancerConfig.RingHash.RingHashConfig
			if rh.MinimumRingSize != (core.Int64{Value: 1024, Quoted: true}) || rh.MaximumRingSize != (core.Int64{Value: 8388608}) {
				t.Errorf("%v: ring hash %+v", d, rh)
			}
			if *u.Spec.ProtocolSelection != intstr.FromString("USE_DOWNSTREAM_PROTOCOL") ||
				u.Spec.HealthChecks[0].TcpHealthCheck.Receive[0].Text != "504f4e47" || u.Spec.SslConfig.SslFiles.RootCa == "" {
				t.Errorf("%v: spec %+v", d, u.Spec)
			}
		case "aws-lambda-us-east-1":
			if u.Spec.UpstreamType() != "aws" || u.Spec.Aws == nil {
				t.Errorf("%v: aws upstream not recognised", d)
			}
			if code, _ := u.Status.Summary(); code != core.StatePending {
				t.Errorf("%v: state 0 must read as Pending, got %v", d, code)
			}
		}
	}
	for _, n := range []string{"default-petstore-8080", "default-kubernetes-443", "default-service-blue-10000", "jsonplaceholder-tls", "external-payments", "aws-lambda-us-east-1"} {
		if !seen[n] {
			t.Errorf("fixture %s missing", n)
		}
	}
}

func TestUpstreamGroupFixtures(t *testing.T) {
	n := 0
	for _, d := range fixturetest.Load(t, "upstreamgroups.yaml", "UpstreamGroup") {
		ug := fixturetest.RoundTrip(t, d, func(c *gloov1.UpstreamGroup) {
			c.Spec.Destinations[0].Destination.Subset = &gloov1.Subset{Values: map[string]string{"mutated": "yes"}}
			*c.Spec.Destinations[0].Weight = 7
		})
		n++
		switch ug.Name {
		case "petstore-canary":
			ds := ug.Spec.Destinations
			if len(ds) != 2 || *ds[0].Weight != 90 || ds[0].Destination.Upstream.Name != "default-petstore-8080" ||
				ds[1].Options.HeaderManipulation.RequestHeadersToAdd[0].Header.Key != "x-canary" ||
				!ds[1].Options.Unknown.Has("transformations") {
				t.Errorf("%v: destinations %+v", d, ds)
			}
		case "blue-green":
			ds := ug.Spec.Destinations
			if ds[0].Destination.Kube.Ref.Name != "service-blue" || ds[0].Destination.Kube.Port != 10000 ||
				ds[0].Destination.Subset.Values["version"] != "v1" || !ds[1].Options.Extauth.Disable ||
				ds[2].Destination.Consul.ServiceName != "bluegreen" || *ds[2].Weight != 0 {
				t.Errorf("%v: destinations %+v", d, ds)
			}
			if st, _ := ug.Status.For("gloo-system"); st.State.Code != core.StateWarning || st.Reason == "" {
				t.Errorf("%v: status %+v", d, st)
			}
		case "lambda-functions":
			if ug.Spec.Destinations[0].Destination.DestinationSpec == nil {
				t.Errorf("%v: destinationSpec not kept", d)
			}
			if flat, ok := ug.Status.Flat(); !ok || flat.State.Code != core.StatePending || !ug.Status.Unknown.Has("state") {
				t.Errorf("%v: explicit flat state 0 must be kept, got %+v %v", d, flat, ok)
			}
		default:
			t.Errorf("unexpected %v", d)
		}
	}
	if n != 3 {
		t.Errorf("want 3 upstream groups, got %d", n)
	}
}

func TestSettingsFixtures(t *testing.T) {
	n := 0
	for _, d := range fixturetest.Load(t, "settings.yaml", "Settings") {
		s := fixturetest.RoundTrip(t, d, func(c *gloov1.Settings) {
			c.Spec.WatchNamespaces = append(c.Spec.WatchNamespaces, "mutated")
			c.Spec.Gateway.Validation.ProxyValidationServerAddr = "mutated:9988"
			fixturetest.ScrambleUnknown(c.Spec.Unknown)
		})
		n++
		if s.Name != "default" {
			t.Errorf("%v: name", d)
		}
		switch s.Namespace {
		case "gloo-system":
			sp := s.Spec
			if sp.DiscoveryNamespace != "gloo-system" || sp.WatchNamespaces == nil || len(sp.WatchNamespaces) != 0 ||
				!*sp.Gateway.PersistProxySpec || *sp.Gateway.IsolateVirtualHostsBySslConfig || sp.Gateway.Validation.ProxyValidationServerAddr != "gloo:9988" ||
				!*sp.Gateway.Validation.AlwaysAccept || *sp.Gateway.Validation.ValidationServerGrpcMaxSizeBytes != 104857600 ||
				sp.Gloo.XdsBindAddr != "0.0.0.0:9977" || sp.Gloo.InvalidConfigPolicy.InvalidRouteResponseCode != 404 ||
				sp.Gloo.FailoverUpstreamDnsPollingInterval != "10s" || *sp.Gloo.RegexMaxProgramSize != 1024 ||
				*sp.Discovery.FdsMode != intstr.FromString("WHITELIST") || sp.KubernetesConfigSource == nil ||
				sp.Extauth.ExtauthzServerRef.Name != "extauth" || sp.RatelimitServer.RatelimitServerRef.Name != "rate-limit" ||
				sp.RatelimitServer.RateLimitBeforeAuth || !sp.RatelimitServer.Unknown.Has("rateLimitBeforeAuth") ||
				*sp.UpstreamOptions.SslParameters.MinimumProtocolVersion != intstr.FromString("TLSv1_2") ||
				sp.ObservabilityOptions == nil || !sp.Gloo.Unknown.Has("awsOptions") || !sp.Extauth.Unknown.Has("requestBody") {
				t.Errorf("%v: spec %+v", d, sp)
			}
			if !sp.Unknown.Has("watchNamespaces") {
				t.Errorf("%v: explicit empty watchNamespaces not remembered", d)
			}
		case "gloo-canary":
			sp := s.Spec
			if len(sp.WatchNamespaces) != 2 || sp.WatchNamespaceSelectors[0].MatchLabels["gloo-canary"] != "enabled" ||
				sp.WatchNamespaceSelectors[1].MatchExpressions[0].Operator != "In" || sp.Kubernetes.RateLimits.QPS != 50.5 ||
				*sp.Gloo.CircuitBreakers.MaxConnections != 4096 || *sp.Discovery.UdsOptions.Enabled ||
				sp.Discovery.UdsOptions.WatchLabels["gloo.solo.io/discover"] != "true" {
				t.Errorf("%v: spec %+v", d, sp)
			}
			if code, reason := s.Status.Summary(); code != core.StateWarning || reason == "" {
				t.Errorf("%v: legacy warning status %v %q", d, code, reason)
			}
		default:
			t.Errorf("unexpected %v", d)
		}
	}
	if n != 2 {
		t.Errorf("want 2 settings, got %d", n)
	}
}

func TestProxyFixtures(t *testing.T) {
	n := 0
	for _, d := range fixturetest.Load(t, "proxies.yaml", "Proxy") {
		p := fixturetest.RoundTrip(t, d, func(c *gloov1.Proxy) {
			c.Spec.Listeners[0].BindPort = 1
			c.Spec.Listeners = append(c.Spec.Listeners, gloov1.Listener{Name: "new"})
		})
		n++
		switch p.Name {
		case "gateway-proxy":
			ls := p.Spec.Listeners
			if len(ls) != 3 || ls[0].BindAddress != "::" || ls[0].BindPort != 8080 {
				t.Fatalf("%v: listeners %+v", d, ls)
			}
			vh := ls[0].HttpListener.VirtualHosts[0]
			r := vh.Routes[0]
			if vh.Domains[0] != "petstore.example.com" || r.Matchers[0].Prefix != "/api/pets" ||
				r.RouteAction.Single.Upstream.Name != "default-petstore-8080" || *r.Options.PrefixRewrite != "/api/pets" ||
				r.Options.Timeout != "10s" || vh.Routes[1].DirectResponseAction.Status != 200 || !vh.Unknown.Has("metadataStatic") ||
				!*ls[0].HttpListener.Options.HttpConnectionManagerSettings.UseRemoteAddress {
				t.Errorf("%v: http listener %+v", d, ls[0].HttpListener)
			}
			src := ls[0].MetadataStatic.Sources[0]
			if src.ResourceKind != "*v1.Gateway" || src.ObservedGeneration != (core.Int64{Value: 2, Quoted: true}) {
				t.Errorf("%v: metadataStatic %+v", d, src)
			}
			if ls[1].SslConfigurations[0].SecretRef.Name != "petstore-tls" ||
				!ls[1].HttpListener.VirtualHosts[0].Routes[0].RedirectAction.HttpsRedirect {
				t.Errorf("%v: ssl listener %+v", d, ls[1])
			}
			th := ls[2].TcpListener.TcpHosts[0]
			if th.Destination.ForwardSniClusterName == nil || th.SslConfig.SecretRef.Name != "failover-downstream" ||
				*ls[2].Options.PerConnectionBufferLimitBytes != 32768 || !ls[2].Options.Unknown.Has("socketOptions") {
				t.Errorf("%v: tcp listener %+v", d, ls[2])
			}
		case "internal-proxy":
			l := p.Spec.Listeners[0]
			if l.AggregateListener == nil || l.HttpListener != nil || *l.UseProxyProto || !*l.RouteOptions.MostSpecificHeaderMutationsWins {
				t.Errorf("%v: listener %+v", d, l)
			}
			if code, reason := p.Status.Summary(); code != core.StateRejected || reason == "" {
				t.Errorf("%v: status %v %q", d, code, reason)
			}
		default:
			t.Errorf("unexpected %v", d)
		}
	}
	if n != 2 {
		t.Errorf("want 2 proxies, got %d", n)
	}
}

// TestKindsThroughTheScheme decodes a fixture with a Kubernetes codec, the
// way clients do, and requires the registered types and kinds.
func TestKindsThroughTheScheme(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := gloov1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	for kind, list := range map[string]runtime.Object{
		"Upstream": &gloov1.UpstreamList{}, "UpstreamGroup": &gloov1.UpstreamGroupList{},
		"Settings": &gloov1.SettingsList{}, "Proxy": &gloov1.ProxyList{},
	} {
		gvk := gloov1.SchemeGroupVersion.WithKind(kind)
		if !scheme.Recognizes(gvk) || !scheme.Recognizes(gloov1.SchemeGroupVersion.WithKind(kind+"List")) {
			t.Errorf("%s not registered", kind)
		}
		if obj, err := scheme.New(gvk); err != nil || obj.DeepCopyObject() == nil || list.DeepCopyObject() == nil {
			t.Errorf("%s: %v", kind, err)
		}
	}
	if gr := gloov1.Resource("upstreams"); gr.Group != "gloo.solo.io" || gr.Resource != "upstreams" {
		t.Errorf("Resource = %v", gr)
	}

	codecs := serializer.NewCodecFactory(scheme, serializer.EnableStrict)
	d := fixturetest.Load(t, "upstreams.yaml", "Upstream")[2]
	obj, gvk, err := codecs.UniversalDeserializer().Decode(d.JSON, nil, nil)
	if err != nil {
		t.Fatalf("decode through the codec: %v", err)
	}
	u, ok := obj.(*gloov1.Upstream)
	if !ok || gvk.Kind != "Upstream" || u.Spec.Failover == nil {
		t.Fatalf("decoded %T %v", obj, gvk)
	}
	out, err := runtime.Encode(codecs.LegacyCodec(gloov1.SchemeGroupVersion), u)
	if err != nil {
		t.Fatal(err)
	}
	fixturetest.AssertSameJSON(t, "codec round trip", d.JSON, out)

	// A list of typed objects keeps everything too.
	list := gloov1.UpstreamList{Items: []gloov1.Upstream{*u}}
	b, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	var back gloov1.UpstreamList
	if err := json.Unmarshal(b, &back); err != nil || back.Items[0].Spec.Failover == nil {
		t.Fatalf("list round trip: %v", err)
	}
}

func TestEveryStructPreservesUnknownMembers(t *testing.T) {
	fixturetest.AssertAllPreserving(t, gloov1.Upstream{}, gloov1.UpstreamList{}, gloov1.UpstreamGroup{}, gloov1.Settings{}, gloov1.Proxy{})
}

func TestTypesMatchGlooCRDs(t *testing.T) {
	for file, kind := range map[string]any{
		"gloo.solo.io_v1_Upstream.yaml":      gloov1.Upstream{},
		"gloo.solo.io_v1_UpstreamGroup.yaml": gloov1.UpstreamGroup{},
		"gloo.solo.io_v1_Settings.yaml":      gloov1.Settings{},
		"gloo.solo.io_v1_Proxy.yaml":         gloov1.Proxy{},
	} {
		t.Run(file, func(t *testing.T) {
			fixturetest.AssertMatchesSchema(t, kind, fixturetest.LoadCRDSchema(t, file, "v1"))
		})
	}
}

// TestUnstructuredConversion goes through runtime.DefaultUnstructuredConverter,
// which dynamic clients and server-side apply use: it must keep everything too.
func TestUnstructuredConversion(t *testing.T) {
	for _, d := range fixturetest.Load(t, "upstreams.yaml", "Upstream") {
		var u gloov1.Upstream
		if err := json.Unmarshal(d.JSON, &u); err != nil {
			t.Fatal(err)
		}
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&u)
		if err != nil {
			t.Fatalf("%v: %v", d, err)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		fixturetest.AssertSameJSON(t, d.String()+" to unstructured", d.JSON, b)
		var back gloov1.Upstream
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, &back); err != nil {
			t.Fatalf("%v: %v", d, err)
		}
		b, err = json.Marshal(back)
		if err != nil {
			t.Fatal(err)
		}
		fixturetest.AssertSameJSON(t, d.String()+" from unstructured", d.JSON, b)
	}
}
