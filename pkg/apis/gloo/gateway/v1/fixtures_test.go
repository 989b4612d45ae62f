package v1_test

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	gatewayv1 "github.com/meridianfed/meridian/pkg/apis/gloo/gateway/v1"
	"github.com/meridianfed/meridian/pkg/apis/gloo/internal/fixturetest"
)

func TestGatewayFixtures(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range fixturetest.Load(t, "gateways.yaml", "Gateway") {
		g := fixturetest.RoundTrip(t, d, func(c *gatewayv1.Gateway) {
			c.Spec.ProxyNames[0] = "mutated"
			c.Spec.BindPort++
			fixturetest.ScrambleUnknown(c.Status.Unknown)
		})
		seen[g.Name] = true
		if g.Spec.BindAddress != "::" || g.Spec.ProxyNames[0] == "" {
			t.Errorf("%v: spec %+v", d, g.Spec)
		}
		switch g.Name {
		case "gateway-proxy":
			hcm := g.Spec.HttpGateway.Options.HttpConnectionManagerSettings
			if g.Spec.BindPort != 8080 || g.Spec.Ssl || !g.Spec.Unknown.Has("ssl") || *g.Spec.UseProxyProto ||
				!*hcm.UseRemoteAddress || *hcm.XffNumTrustedHops != 1 || hcm.StreamIdleTimeout != "300s" ||
				*hcm.CodecType != intstr.FromString("AUTO") || g.Spec.HttpGateway.Options.HealthCheck.Path != "/envoy-hc" ||
				!g.Spec.HttpGateway.Options.Unknown.Has("gzip") || !g.Spec.Options.Unknown.Has("accessLoggingService") {
				t.Errorf("%v: spec %+v", d, g.Spec)
			}
			st, _ := g.Status.For("gloo-system")
			if st.State.Code != core.StateAccepted || st.ReportedBy != "gateway" ||
				st.SubresourceStatuses["*v1.Proxy.gloo-system.gateway-proxy"].State.Code != core.StateAccepted {
				t.Errorf("%v: status %+v", d, st)
			}
		case "gateway-proxy-ssl":
			if g.Spec.BindPort != 8443 || !g.Spec.Ssl || g.Spec.HttpGateway == nil || !*g.Spec.Options.TcpStats {
				t.Errorf("%v: spec %+v", d, g.Spec)
			}
			if code, _ := g.Status.Summary(); code != core.StateAccepted {
				t.Errorf("%v: string-form state: %v", d, code)
			}
		case "gateway-proxy-failover":
			th := g.Spec.TcpGateway.TcpHosts[0]
			if g.Spec.BindPort != 15443 || th.Name != "failover" || th.Destination.ForwardSniClusterName == nil ||
				th.SslConfig.SecretRef.Key() != "gloo-system.failover-downstream" || *th.SslConfig.OneWayTls ||
				!g.Spec.TcpGateway.Options.Unknown.Has("tcpProxySettings") {
				t.Errorf("%v: tcp gateway %+v", d, g.Spec.TcpGateway)
			}
			if code, reason := g.Status.Summary(); code != core.StateWarning || reason == "" {
				t.Errorf("%v: status %v %q", d, code, reason)
			}
		case "gateway-proxy-hybrid":
			h := g.Spec.HybridGateway
			if h.DelegatedHttpGateways.Selector.Labels["gateway"] != "public" || h.DelegatedHttpGateways.Selector.Namespaces[0] != "*" ||
				!h.DelegatedHttpGateways.PreventChildOverrides || !h.DelegatedHttpGateways.Unknown.Has("httpConnectionManagerSettings") ||
				h.DelegatedTcpGateways.Ref.Name != "postgres-passthrough" {
				t.Errorf("%v: hybrid %+v", d, h)
			}
		case "gateway-proxy-internal":
			mg := g.Spec.HybridGateway.MatchedGateways
			if len(mg) != 2 || mg[0].Matcher.SourcePrefixRanges[0].AddressPrefix != "10.0.0.0" || *mg[0].Matcher.SourcePrefixRanges[0].PrefixLen != 8 ||
				mg[0].HttpGateway.VirtualServiceSelector["visibility"] != "internal" ||
				*mg[0].HttpGateway.VirtualServiceExpressions.Expressions[0].Operator != intstr.FromString("In") ||
				mg[1].Matcher.SslConfig.SniDomains[0] != "api.payments.example.com" || mg[1].Matcher.PassthroughCipherSuites[0] == "" ||
				mg[1].TcpGateway.TcpHosts[0].Destination.Single.Upstream.Name != "team-payments-api-8443" {
				t.Errorf("%v: matched gateways %+v", d, mg)
			}
			if code, _ := g.Status.Summary(); code != core.StateRejected {
				t.Errorf("%v: status %v", d, code)
			}
		}
	}
	if len(seen) != 5 {
		t.Errorf("want 5 gateways, got %v", seen)
	}
}

func TestVirtualServiceFixtures(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range fixturetest.Load(t, "virtualservices.yaml", "VirtualService") {
		vs := fixturetest.RoundTrip(t, d, func(c *gatewayv1.VirtualService) {
			c.Spec.VirtualHost.Domains[0] = "mutated.example.com"
			c.Spec.VirtualHost.Routes[0].Matchers[0].Prefix = "/mutated"
			if o := c.Spec.VirtualHost.Routes[0].Options; o != nil {
				o.Timeout = "1s"
				fixturetest.ScrambleUnknown(o.Unknown)
			}
		})
		seen[vs.Name] = true
		vh := vs.Spec.VirtualHost
		switch vs.Name {
		case "petstore":
			if vs.Spec.DisplayName != "Petstore" || vs.Spec.SslConfig.SecretRef.Name != "petstore-tls" ||
				vs.Spec.SslConfig.SniDomains[0] != "petstore.example.com" || !*vs.Spec.SslConfig.OneWayTls ||
				*vs.Spec.SslConfig.Parameters.MinimumProtocolVersion != intstr.FromString("TLSv1_2") {
				t.Errorf("%v: ssl %+v", d, vs.Spec.SslConfig)
			}
			o := vh.Options
			if o.Cors.AllowOrigin[0] != "https://app.example.com" || o.Cors.MaxAge != "86400" || !o.Cors.AllowCredentials ||
				o.Extauth.ConfigRef.Name != "oidc-dex" || o.HeaderManipulation.ResponseHeadersToRemove[0] != "server" ||
				o.Retries.NumRetries != 2 || !o.Unknown.Has("stats") {
				t.Errorf("%v: virtual host options %+v", d, o)
			}
			if len(vh.Routes) != 4 {
				t.Fatalf("%v: %d routes", d, len(vh.Routes))
			}
			r := vh.Routes[0]
			m := r.Matchers[0]
			if r.Name != "pets-api" || m.Prefix != "/api/pets" || !m.Headers[0].Regex || !m.Headers[1].InvertMatch ||
				len(m.Methods) != 4 || *m.CaseSensitive || r.RouteAction.Single.Upstream.Name != "default-petstore-8080" {
				t.Errorf("%v: route 0 %+v", d, r)
			}
			ro := r.Options
			if *ro.PrefixRewrite != "/api/pets" || ro.Timeout != "10s" || ro.Retries.RetryOn != "5xx,connect-failure,retriable-status-codes" ||
				ro.Retries.NumRetries != 3 || ro.Retries.PerTryTimeout != "2s" || ro.Retries.RetriableStatusCodes[1] != 504 ||
				ro.Retries.RetryBackOff.BaseInterval != "0.025s" || !ro.Retries.Unknown.Has("previousPriorities") ||
				ro.HeaderManipulation.RequestHeadersToAdd[0].Header.Value != "gloo" || *ro.HeaderManipulation.RequestHeadersToAdd[0].Append ||
				ro.HeaderManipulation.RequestHeadersToAdd[1].HeaderSecretRef.Name != "petstore-api-token" ||
				ro.Extauth.ConfigRef.Name != "basic-auth" || ro.Extauth.Disable || !ro.Extauth.Unknown.Has("disable") || !ro.Unknown.Has("lbHash") {
				t.Errorf("%v: route 0 options %+v", d, ro)
			}
			if vh.Routes[1].DirectResponseAction.Body != "ok" || vh.Routes[1].Matchers[0].Exact != "/healthz" {
				t.Errorf("%v: route 1 %+v", d, vh.Routes[1])
			}
			ra := vh.Routes[2].RedirectAction
			if ra.PathRedirect != "/api/pets" || *ra.ResponseCode != intstr.FromString("PERMANENT_REDIRECT") || !ra.StripQuery ||
				vh.Routes[2].Matchers[0].QueryParameters[0].Value != "xml" {
				t.Errorf("%v: route 2 %+v", d, vh.Routes[2])
			}
			multi := vh.Routes[3].RouteAction.Multi.Destinations
			if *multi[0].Weight != 80 || multi[1].Destination.Kube.Ref.Name != "petstore-v2" ||
				multi[1].Options.HeaderManipulation.RequestHeadersToAdd[0].Header.Key != "x-canary" ||
				vh.Routes[3].Options.HostRewrite != "petstore.internal" || *vh.Routes[3].Options.AutoHostRewrite ||
				!vh.Routes[3].Options.Cors.DisableForRoute || !vh.Routes[3].Options.Unknown.Has("faults") {
				t.Errorf("%v: route 3 %+v", d, vh.Routes[3])
			}
			if st, _ := vs.Status.For("gloo-system"); st.State.Text() != "Accepted" || st.State.Code != core.StateAccepted {
				t.Errorf("%v: status %+v", d, st)
			}
		case "default":
			if vh.Domains[0] != "*" || vh.OptionsConfigRefs.DelegateOptions[0].Name != "default-vhost-options" {
				t.Errorf("%v: virtual host %+v", d, vh)
			}
			if vh.Routes[0].DelegateAction.Ref.Key() != "team-payments.payments-routes" {
				t.Errorf("%v: delegate by ref %+v", d, vh.Routes[0].DelegateAction)
			}
			sel := vh.Routes[1].DelegateAction.Selector
			if sel.Labels["domain"] != "catalog" || sel.Namespaces[0] != "team-catalog" ||
				*sel.Expressions[0].Operator != intstr.FromString("NotIn") || !*vh.Routes[1].InheritableMatchers {
				t.Errorf("%v: delegate by selector %+v", d, sel)
			}
			if da := vh.Routes[2].DelegateAction; da.Name != "legacy-routes" || da.Namespace != "gloo-system" || *vh.Routes[2].InheritablePathMatchers {
				t.Errorf("%v: legacy delegate %+v", d, da)
			}
			r3 := vh.Routes[3]
			if r3.RouteAction.UpstreamGroup.Name != "lambda-functions" || r3.Options.RateLimitConfigs.Refs[0].Name != "per-user-limits" ||
				r3.Options.RegexRewrite.Pattern.Regex != "^/functions/(.*)$" || r3.Options.RegexRewrite.Substitution != `/\1` {
				t.Errorf("%v: route 3 %+v", d, r3)
			}
			if code, reason := vs.Status.Summary(); code != core.StateWarning || reason == "" {
				t.Errorf("%v: status %v %q", d, code, reason)
			}
		case "payments-api":
			ssl := vs.Spec.SslConfig
			if ssl.SslFiles.TlsCert == "" || ssl.TransportSocketConnectTimeout != "10s" || !*ssl.DisableTlsSessionResumption ||
				*ssl.OcspStaplePolicy != intstr.FromString("LENIENT_STAPLING") || ssl.VerifySubjectAltName[0] == "" {
				t.Errorf("%v: ssl %+v", d, ssl)
			}
			if vh.Options.RateLimitConfigs.Refs[0].Name != "payments-limits" || !*vh.Options.IncludeRequestAttemptCount ||
				vh.Routes[0].Options.MaxStreamDuration.MaxStreamDuration != "60s" {
				t.Errorf("%v: options %+v", d, vh.Options)
			}
			// Rejected in gloo-system, Accepted by the canary: Rejected wins.
			if code, reason := vs.Status.Summary(); code != core.StateRejected || reason == "" {
				t.Errorf("%v: status %v %q", d, code, reason)
			}
			if canary, _ := vs.Status.For("gloo-canary"); canary.State.Code != core.StateAccepted {
				t.Errorf("%v: canary status %+v", d, canary)
			}
		}
	}
	if len(seen) != 3 {
		t.Errorf("want 3 virtual services, got %v", seen)
	}
}

func TestRouteTableFixtures(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range fixturetest.Load(t, "routetables.yaml", "RouteTable") {
		rt := fixturetest.RoundTrip(t, d, func(c *gatewayv1.RouteTable) {
			c.Spec.Routes[0].Name = "mutated"
			c.Spec.Routes = c.Spec.Routes[:1]
		})
		seen[rt.Name] = true
		switch rt.Name {
		case "payments-routes":
			r := rt.Spec.Routes
			if *rt.Spec.Weight != 10 || r[0].Name != "charges" || r[0].Matchers[0].Methods[0] != "POST" ||
				r[0].Options.Timeout != "30s" || r[0].Options.Extauth.ConfigRef.Name != "apikey-auth" ||
				r[1].Matchers[0].QueryParameters[0].Name != "dryRun" || r[1].RouteAction.Single.Kube.Port != 8080 ||
				r[1].RouteAction.Single.Subset.Values["track"] != "stable" {
				t.Errorf("%v: routes %+v", d, r)
			}
		case "catalog-routes":
			if *rt.Spec.Weight != 0 || rt.Spec.Routes[0].DelegateAction.Selector.Labels["domain"] != "catalog-search" ||
				*rt.Spec.Routes[1].Options.PrefixRewrite != "/items" {
				t.Errorf("%v: spec %+v", d, rt.Spec)
			}
		case "catalog-search":
			if rt.Spec.Weight != nil || rt.Spec.Routes[0].Matchers[0].Regex != "/catalog/search/[a-z]+" ||
				!*rt.Spec.Routes[0].InheritableMatchers || !rt.Spec.Routes[0].Options.Unknown.Has("upgrades") {
				t.Errorf("%v: spec %+v", d, rt.Spec)
			}
			if code, _ := rt.Status.Summary(); code != core.StateWarning {
				t.Errorf("%v: status %v", d, code)
			}
		case "legacy-routes":
			if rt.Spec.Routes[1].DirectResponseAction.Status != 410 || rt.Spec.Routes[0].Options.HostRewrite == "" {
				t.Errorf("%v: spec %+v", d, rt.Spec)
			}
			if flat, ok := rt.Status.Flat(); !ok || flat.State.Code != core.StateAccepted || flat.ReportedBy != "gateway" {
				t.Errorf("%v: flat status %+v %v", d, flat, ok)
			}
		}
	}
	if len(seen) != 4 {
		t.Errorf("want 4 route tables, got %v", seen)
	}
}

func TestMatchableHttpGatewayFixtures(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range fixturetest.Load(t, "httpgateways.yaml", "MatchableHttpGateway") {
		g := fixturetest.RoundTrip(t, d, func(c *gatewayv1.MatchableHttpGateway) {
			c.Spec.Matcher = nil
		})
		seen[g.Name] = true
		switch g.Name {
		case "public-http":
			o := g.Spec.HttpGateway.Options
			if g.Spec.Matcher.SourcePrefixRanges[0].AddressPrefix != "0.0.0.0" || *g.Spec.Matcher.SourcePrefixRanges[0].PrefixLen != 0 ||
				g.Spec.HttpGateway.VirtualServiceNamespaces[0] != "*" || *o.HttpConnectionManagerSettings.ServerName != "gloo" ||
				!o.GrpcWeb.Disable || !o.Unknown.Has("waf") {
				t.Errorf("%v: spec %+v", d, g.Spec)
			}
		case "internal-https":
			if g.Spec.Matcher.SslConfig.SniDomains[0] != "internal.example.com" || g.Spec.HttpGateway.VirtualServices[0].Name != "petstore" ||
				g.Spec.HttpGateway.Options.Extauth.StatusOnError != 503 {
				t.Errorf("%v: spec %+v", d, g.Spec)
			}
			if code, reason := g.Status.Summary(); code != core.StateRejected || reason == "" {
				t.Errorf("%v: status %v %q", d, code, reason)
			}
		}
	}
	if len(seen) != 2 {
		t.Errorf("want 2 http gateways, got %v", seen)
	}
}

func TestMatchableTcpGatewayFixtures(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range fixturetest.Load(t, "tcpgateways.yaml", "MatchableTcpGateway") {
		g := fixturetest.RoundTrip(t, d, func(c *gatewayv1.MatchableTcpGateway) {
			c.Spec.TcpGateway.TcpHosts[0].Name = "mutated"
		})
		seen[g.Name] = true
		hosts := g.Spec.TcpGateway.TcpHosts
		switch g.Name {
		case "postgres-passthrough":
			if g.Spec.Matcher.PassthroughCipherSuites[0] == "" || g.Spec.Matcher.SslConfig.SniDomains[0] != "db.example.com" ||
				hosts[0].Destination.Single.Kube.Ref.Key() != "databases.postgres" || hosts[0].Destination.Single.Kube.Port != 5432 {
				t.Errorf("%v: spec %+v", d, g.Spec)
			}
		case "mqtt":
			if len(hosts[0].Destination.Multi.Destinations) != 2 || hosts[1].Destination.UpstreamGroup.Name != "mqtt-brokers" {
				t.Errorf("%v: spec %+v", d, g.Spec)
			}
			if code, _ := g.Status.Summary(); code != core.StateWarning {
				t.Errorf("%v: status %v", d, code)
			}
		}
	}
	if len(seen) != 2 {
		t.Errorf("want 2 tcp gateways, got %v", seen)
	}
}

func TestSchemeRegistration(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := gatewayv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"Gateway", "VirtualService", "RouteTable", "MatchableHttpGateway", "MatchableTcpGateway"} {
		for _, k := range []string{kind, kind + "List"} {
			obj, err := scheme.New(gatewayv1.SchemeGroupVersion.WithKind(k))
			if err != nil || obj.DeepCopyObject() == nil {
				t.Errorf("%s: %v", k, err)
			}
		}
	}
	if gatewayv1.SchemeGroupVersion.String() != "gateway.solo.io/v1" {
		t.Errorf("group version %v", gatewayv1.SchemeGroupVersion)
	}
}

func TestEveryStructPreservesUnknownMembers(t *testing.T) {
	fixturetest.AssertAllPreserving(t, gatewayv1.Gateway{}, gatewayv1.VirtualService{}, gatewayv1.RouteTable{},
		gatewayv1.MatchableHttpGateway{}, gatewayv1.MatchableTcpGateway{}, gatewayv1.VirtualServiceList{})
}

func TestTypesMatchGlooCRDs(t *testing.T) {
	for file, kind := range map[string]any{
		"gateway.solo.io_v1_Gateway.yaml":              gatewayv1.Gateway{},
		"gateway.solo.io_v1_VirtualService.yaml":       gatewayv1.VirtualService{},
		"gateway.solo.io_v1_RouteTable.yaml":           gatewayv1.RouteTable{},
		"gateway.solo.io_v1_MatchableHttpGateway.yaml": gatewayv1.MatchableHttpGateway{},
		"gateway.solo.io_v1_MatchableTcpGateway.yaml":  gatewayv1.MatchableTcpGateway{},
	} {
		t.Run(file, func(t *testing.T) {
			fixturetest.AssertMatchesSchema(t, kind, fixturetest.LoadCRDSchema(t, file, "v1"))
		})
	}
}
