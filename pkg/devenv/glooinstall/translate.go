package glooinstall

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	gatewayv1 "github.com/meridianfed/meridian/pkg/apis/gloo/gateway/v1"
	gloov1 "github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1"
)

// The stand-in's reporters, as Gloo's two controllers name themselves in the
// statuses they write.
const (
	reporterGloo    = "gloo"
	reporterGateway = "gateway"
)

// proxyCreatedBy is the label Gloo's gateway controller puts on the Proxies
// it writes; the stand-in owns (and deletes) only Proxies carrying it.
const proxyCreatedBy = "gloo-gateway"

// Ref names one Gloo object the stand-in reports on.
type Ref struct {
	Kind      string // Upstream, UpstreamGroup, Gateway, VirtualService, RouteTable, Settings, Proxy
	Namespace string
	Name      string
}

func (r Ref) String() string { return r.Kind + " " + r.Namespace + "/" + r.Name }

// Snapshot is what one Gloo installation's translation loop reads: its
// Settings and the Gloo config of the namespaces it watches, plus which
// Secrets exist (SSL configurations refer to them by name).
type Snapshot struct {
	// Namespace is the installation's namespace: the key under which its
	// controllers write status.statuses.
	Namespace       string
	Settings        *gloov1.Settings
	Upstreams       []*gloov1.Upstream
	UpstreamGroups  []*gloov1.UpstreamGroup
	Gateways        []*gatewayv1.Gateway
	VirtualServices []*gatewayv1.VirtualService
	RouteTables     []*gatewayv1.RouteTable
	// Secrets are "namespace/name" of the Secrets present.
	Secrets map[string]bool
}

// Translation is the outcome of one translation: the status each watched
// object should carry under the installation's namespace, and the Proxies
// Gloo's gateway controller would write (one per proxy name; none unless the
// Settings persist proxies, as Gloo since 1.12).
type Translation struct {
	Statuses map[Ref]core.Status
	Proxies  []*gloov1.Proxy
}

// Translate applies the part of Gloo's translation that decides what Gloo
// reports, in Gloo's words:
//
//   - a route (in a VirtualService or RouteTable) or UpstreamGroup destination
//     naming an Upstream or UpstreamGroup that does not exist: Rejected;
//   - delegation to a RouteTable that does not exist: Rejected; a delegation
//     selector matching no RouteTable: Warning;
//   - two Gateways of one proxy binding the same port: both Rejected;
//   - an Upstream with failover but neither health checks nor outlier
//     detection: Rejected;
//   - an SSL configuration naming a Secret that does not exist: Warning (Gloo's
//     warnMissingTlsSecret);
//   - everything else: Accepted.
//
// It is a pure function of the snapshot: equal snapshots give equal results.
func Translate(s Snapshot) Translation {
	t := &translation{s: s, out: Translation{Statuses: map[Ref]core.Status{}}}
	t.index()
	for _, u := range t.upstreams {
		t.out.Statuses[Ref{"Upstream", u.Namespace, u.Name}] = t.upstreamStatus(u)
	}
	for _, ug := range t.groups {
		t.out.Statuses[Ref{"UpstreamGroup", ug.Namespace, ug.Name}] = t.groupStatus(ug)
	}
	for _, rt := range t.tables {
		t.out.Statuses[Ref{"RouteTable", rt.Namespace, rt.Name}] = report(reporterGateway, t.routeProblems(rt.Namespace, rt.Spec.Routes, map[string]bool{key(rt.Namespace, rt.Name): true}), "")
	}
	vsStatus := map[string]core.Status{}
	for _, vs := range t.services {
		p := problems{}
		if vs.Spec.VirtualHost != nil {
			p = t.routeProblems(vs.Namespace, vs.Spec.VirtualHost.Routes, map[string]bool{})
		}
		if vs.Spec.SslConfig != nil {
			p.warn(t.secretWarning(vs.Namespace, vs.Spec.SslConfig.SecretRef))
		}
		vsStatus[key(vs.Namespace, vs.Name)] = report(reporterGateway, p, "VirtualHost Error: ProcessingError. Reason: ")
	}
	gwStatus := t.gatewayStatuses()
	t.proxies(vsStatus, gwStatus)
	for _, vs := range t.services {
		t.out.Statuses[Ref{"VirtualService", vs.Namespace, vs.Name}] = vsStatus[key(vs.Namespace, vs.Name)]
	}
	for _, gw := range t.gateways {
		t.out.Statuses[Ref{"Gateway", gw.Namespace, gw.Name}] = gwStatus[key(gw.Namespace, gw.Name)]
	}
	if st := s.Settings; st != nil {
		t.out.Statuses[Ref{"Settings", st.Namespace, st.Name}] = core.Status{State: core.StateOf(core.StateAccepted), ReportedBy: reporterGloo}
	}
	return t.out
}

type translation struct {
	s         Snapshot
	watched   func(ns string) bool
	upstreams []*gloov1.Upstream
	groups    []*gloov1.UpstreamGroup
	gateways  []*gatewayv1.Gateway
	services  []*gatewayv1.VirtualService
	tables    []*gatewayv1.RouteTable
	haveUp    map[string]bool
	haveUG    map[string]bool
	tableByNS map[string]*gatewayv1.RouteTable
	out       Translation
}

func key(ns, name string) string { return ns + "/" + name }

// index keeps the objects of watched namespaces, sorted, as Gloo's snapshot does.
func (t *translation) index() {
	var watch []string
	if t.s.Settings != nil {
		watch = t.s.Settings.Spec.WatchNamespaces
	}
	t.watched = func(ns string) bool {
		if len(watch) == 0 {
			return true
		}
		for _, w := range watch {
			if w == ns || w == "" {
				return true
			}
		}
		return false
	}
	t.haveUp, t.haveUG, t.tableByNS = map[string]bool{}, map[string]bool{}, map[string]*gatewayv1.RouteTable{}
	for _, u := range t.s.Upstreams {
		if u != nil && t.watched(u.Namespace) {
			t.upstreams = append(t.upstreams, u)
			t.haveUp[key(u.Namespace, u.Name)] = true
		}
	}
	for _, ug := range t.s.UpstreamGroups {
		if ug != nil && t.watched(ug.Namespace) {
			t.groups = append(t.groups, ug)
			t.haveUG[key(ug.Namespace, ug.Name)] = true
		}
	}
	for _, gw := range t.s.Gateways {
		// Gloo reads Gateways from its own namespace unless told otherwise.
		if gw != nil && (gw.Namespace == t.s.Namespace || t.readGatewaysFromAllNamespaces()) && t.watched(gw.Namespace) {
			t.gateways = append(t.gateways, gw)
		}
	}
	for _, vs := range t.s.VirtualServices {
		if vs != nil && t.watched(vs.Namespace) {
			t.services = append(t.services, vs)
		}
	}
	for _, rt := range t.s.RouteTables {
		if rt != nil && t.watched(rt.Namespace) {
			t.tables = append(t.tables, rt)
			t.tableByNS[key(rt.Namespace, rt.Name)] = rt
		}
	}
	byName := func(a, b metav1.Object) bool {
		return a.GetNamespace() < b.GetNamespace() || a.GetNamespace() == b.GetNamespace() && a.GetName() < b.GetName()
	}
	sort.Slice(t.upstreams, func(i, j int) bool { return byName(t.upstreams[i], t.upstreams[j]) })
	sort.Slice(t.groups, func(i, j int) bool { return byName(t.groups[i], t.groups[j]) })
	sort.Slice(t.gateways, func(i, j int) bool { return byName(t.gateways[i], t.gateways[j]) })
	sort.Slice(t.services, func(i, j int) bool { return byName(t.services[i], t.services[j]) })
	sort.Slice(t.tables, func(i, j int) bool { return byName(t.tables[i], t.tables[j]) })
}

func (t *translation) readGatewaysFromAllNamespaces() bool {
	st := t.s.Settings
	return st != nil && st.Spec.Gateway != nil && st.Spec.Gateway.ReadGatewaysFromAllNamespaces
}

func (t *translation) persistProxies() bool {
	st := t.s.Settings
	return st != nil && st.Spec.Gateway != nil && st.Spec.Gateway.PersistProxySpec != nil && *st.Spec.Gateway.PersistProxySpec
}

// problems collects a report's errors and warnings, in order.
type problems struct{ errs, warns []string }

func (p *problems) fail(msg string) {
	if msg != "" {
		p.errs = append(p.errs, msg)
	}
}

func (p *problems) warn(msg string) {
	if msg != "" {
		p.warns = append(p.warns, msg)
	}
}

func (p *problems) add(q problems) {
	p.errs = append(p.errs, q.errs...)
	p.warns = append(p.warns, q.warns...)
}

// report turns problems into the Status one controller writes: errors make it
// Rejected (prefixed as Gloo wraps them for the kind), warnings Warning.
func report(reporter string, p problems, errPrefix string) core.Status {
	switch {
	case len(p.errs) > 0:
		return core.Status{State: core.StateOf(core.StateRejected), Reason: errPrefix + strings.Join(p.errs, "; "), ReportedBy: reporter}
	case len(p.warns) > 0:
		return core.Status{State: core.StateOf(core.StateWarning), Reason: strings.Join(p.warns, "; "), ReportedBy: reporter}
	default:
		return core.Status{State: core.StateOf(core.StateAccepted), ReportedBy: reporter}
	}
}

func refNamespace(ref *core.ResourceRef, from string) string {
	if ref.Namespace != "" {
		return ref.Namespace
	}
	return from
}

func (t *translation) upstreamStatus(u *gloov1.Upstream) core.Status {
	p := problems{}
	if u.Spec.Failover != nil && len(u.Spec.HealthChecks) == 0 && u.Spec.OutlierDetection == nil {
		p.fail(fmt.Sprintf("failover is configured on upstream %s.%s, but it has neither health checks nor outlier detection: Envoy could not tell when to fail over", u.Namespace, u.Name))
	}
	if u.Spec.SslConfig != nil {
		p.warn(t.secretWarning(u.Namespace, u.Spec.SslConfig.SecretRef))
	}
	return report(reporterGloo, p, "")
}

func (t *translation) groupStatus(ug *gloov1.UpstreamGroup) core.Status {
	p := problems{}
	for i, d := range ug.Spec.Destinations {
		if d.Destination != nil && d.Destination.Upstream != nil {
			ns := refNamespace(d.Destination.Upstream, ug.Namespace)
			if !t.haveUp[key(ns, d.Destination.Upstream.Name)] {
				p.fail(fmt.Sprintf("destination # %d: upstream %s.%s not found", i+1, ns, d.Destination.Upstream.Name))
			}
		}
	}
	return report(reporterGloo, p, "")
}

// destinationProblem is Gloo's message for a destination naming a missing
// Upstream; "" when it exists or is not an Upstream.
func (t *translation) destinationProblem(d *gloov1.Destination, from string) string {
	if d == nil || d.Upstream == nil {
		return ""
	}
	ns := refNamespace(d.Upstream, from)
	if t.haveUp[key(ns, d.Upstream.Name)] {
		return ""
	}
	return fmt.Sprintf("*v1.Upstream { %s.%s } not found", ns, d.Upstream.Name)
}

// routeProblems checks the routes of one VirtualService or RouteTable in
// namespace ns; seen holds the RouteTables on the delegation path (a cycle
// is an error, as in Gloo).
func (t *translation) routeProblems(ns string, routes []gatewayv1.Route, seen map[string]bool) problems {
	p := problems{}
	routeErr := func(kind, msg string) {
		if msg != "" {
			p.fail("Route Error: " + kind + ". Reason: " + msg)
		}
	}
	for _, r := range routes {
		if a := r.RouteAction; a != nil {
			routeErr("InvalidDestinationErr", t.destinationProblem(a.Single, ns))
			if a.Multi != nil {
				for _, wd := range a.Multi.Destinations {
					if msg := t.destinationProblem(wd.Destination, ns); msg != "" {
						routeErr("InvalidDestinationErr", "invalid destination in weighted destination list: "+msg)
					}
				}
			}
			if a.UpstreamGroup != nil {
				ugNS := refNamespace(a.UpstreamGroup, ns)
				if !t.haveUG[key(ugNS, a.UpstreamGroup.Name)] {
					routeErr("InvalidDestinationErr", fmt.Sprintf("*v1.UpstreamGroup { %s.%s } not found", ugNS, a.UpstreamGroup.Name))
				}
			}
		}
		if d := r.DelegateAction; d != nil {
			for _, rt := range t.delegated(ns, d, &p) {
				if seen[key(rt.Namespace, rt.Name)] {
					routeErr("ProcessingError", fmt.Sprintf("delegation cycle detected: route table %s.%s delegates back to itself", rt.Namespace, rt.Name))
				}
			}
		}
	}
	return p
}

// delegated resolves a delegate action to the RouteTables it hands requests
// to, recording a missing RouteTable (error) or an empty selection (warning).
func (t *translation) delegated(ns string, d *gatewayv1.DelegateAction, p *problems) []*gatewayv1.RouteTable {
	ref := d.Ref
	if ref == nil && d.Name != "" {
		ref = &core.ResourceRef{Name: d.Name, Namespace: d.Namespace}
	}
	if ref != nil {
		rtNS := refNamespace(ref, ns)
		rt := t.tableByNS[key(rtNS, ref.Name)]
		if rt == nil {
			p.fail(fmt.Sprintf("Route Error: ProcessingError. Reason: route table %s.%s missing", rtNS, ref.Name))
			return nil
		}
		return []*gatewayv1.RouteTable{rt}
	}
	if d.Selector == nil {
		return nil
	}
	namespaces := d.Selector.Namespaces
	if len(namespaces) == 0 {
		namespaces = []string{ns}
	}
	sel := labels.SelectorFromSet(d.Selector.Labels)
	var out []*gatewayv1.RouteTable
	for _, rt := range t.tables {
		inNS := false
		for _, n := range namespaces {
			inNS = inNS || n == "*" || n == rt.Namespace
		}
		if inNS && sel.Matches(labels.Set(rt.Labels)) {
			out = append(out, rt)
		}
	}
	if len(out) == 0 {
		p.warn("Route Warning: NoMatchingRouteTablesWarning. Reason: no route table matches the given selector")
	}
	sort.SliceStable(out, func(i, j int) bool { return weight(out[i]) < weight(out[j]) })
	return out
}

func weight(rt *gatewayv1.RouteTable) int32 {
	if rt.Spec.Weight == nil {
		return 0
	}
	return *rt.Spec.Weight
}

func (t *translation) secretWarning(from string, ref *core.ResourceRef) string {
	if ref == nil || t.s.Secrets == nil {
		return ""
	}
	ns := refNamespace(ref, from)
	if t.s.Secrets[key(ns, ref.Name)] {
		return ""
	}
	return fmt.Sprintf("SSL secret not found: list did not find secret %s.%s", ns, ref.Name)
}

func proxyNames(gw *gatewayv1.Gateway) []string {
	if len(gw.Spec.ProxyNames) == 0 {
		return []string{"gateway-proxy"}
	}
	return gw.Spec.ProxyNames
}

// gatewayStatuses rejects Gateways of one proxy that bind the same port, and
// warns about missing TCP host Secrets.
func (t *translation) gatewayStatuses() map[string]core.Status {
	byPort := map[string][]*gatewayv1.Gateway{}
	for _, gw := range t.gateways {
		for _, proxy := range proxyNames(gw) {
			k := fmt.Sprintf("%s|%s|%d", proxy, gw.Spec.BindAddress, gw.Spec.BindPort)
			byPort[k] = append(byPort[k], gw)
		}
	}
	conflict := map[string]bool{}
	for _, gws := range byPort {
		if len(gws) > 1 {
			for _, gw := range gws {
				conflict[key(gw.Namespace, gw.Name)] = true
			}
		}
	}
	out := map[string]core.Status{}
	for _, gw := range t.gateways {
		p := problems{}
		if conflict[key(gw.Namespace, gw.Name)] {
			p.fail("Listener Error: BindPortNotUniqueError. Reason: bind port not unique")
		}
		if gw.Spec.TcpGateway != nil {
			for _, h := range gw.Spec.TcpGateway.TcpHosts {
				if h.SslConfig != nil {
					p.warn(t.secretWarning(gw.Namespace, h.SslConfig.SecretRef))
				}
			}
		}
		out[key(gw.Namespace, gw.Name)] = report(reporterGateway, p, "")
	}
	return out
}

// selects says whether an HTTP Gateway serves a VirtualService, by Gloo's
// rules: explicit refs, else a label selector, else namespaces (all by
// default); an ssl Gateway serves only VirtualServices with an sslConfig.
func selects(gw *gatewayv1.Gateway, vs *gatewayv1.VirtualService) bool {
	h := gw.Spec.HttpGateway
	if h == nil || gw.Spec.Ssl != (vs.Spec.SslConfig != nil) {
		return false
	}
	if len(h.VirtualServices) > 0 {
		for _, r := range h.VirtualServices {
			if r.Name == vs.Name && refNamespace(&r, gw.Namespace) == vs.Namespace {
				return true
			}
		}
		return false
	}
	if len(h.VirtualServiceSelector) > 0 {
		return labels.SelectorFromSet(h.VirtualServiceSelector).Matches(labels.Set(vs.Labels))
	}
	if len(h.VirtualServiceNamespaces) == 0 {
		return true
	}
	for _, n := range h.VirtualServiceNamespaces {
		if n == "*" || n == vs.Namespace {
			return true
		}
	}
	return false
}

// proxies builds one Proxy per proxy name from the Gateways naming it, and
// records on each VirtualService the Proxy statuses it contributes to (Gloo's
// subresourceStatuses). Rejected VirtualServices are left out of the Proxy,
// as Gloo leaves out invalid config.
func (t *translation) proxies(vsStatus, gwStatus map[string]core.Status) {
	names := map[string]bool{}
	for _, gw := range t.gateways {
		for _, n := range proxyNames(gw) {
			names[n] = true
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, name := range sorted {
		proxy := &gloov1.Proxy{
			TypeMeta:   metav1.TypeMeta{APIVersion: "gloo.solo.io/v1", Kind: "Proxy"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: t.s.Namespace, Labels: map[string]string{"created_by": proxyCreatedBy}},
		}
		subKey := fmt.Sprintf("*v1.Proxy.%s.%s", t.s.Namespace, name)
		for _, gw := range t.gateways {
			if !slices.Contains(proxyNames(gw), name) || gwStatus[key(gw.Namespace, gw.Name)].State.Is(core.StateRejected) {
				continue
			}
			l := gloov1.Listener{
				Name:        fmt.Sprintf("listener-%s-%d", gw.Spec.BindAddress, gw.Spec.BindPort),
				BindAddress: gw.Spec.BindAddress,
				BindPort:    gw.Spec.BindPort,
				MetadataStatic: &gloov1.SourceMetadata{Sources: []gloov1.SourceRef{{
					ResourceRef:        &core.ResourceRef{Name: gw.Name, Namespace: gw.Namespace},
					ResourceKind:       "*v1.Gateway",
					ObservedGeneration: core.Int64{Value: gw.Generation},
				}}},
			}
			switch {
			case gw.Spec.HttpGateway != nil:
				l.HttpListener = &gloov1.HttpListener{}
				for _, vs := range t.services {
					k := key(vs.Namespace, vs.Name)
					if !selects(gw, vs) || vs.Spec.VirtualHost == nil {
						continue
					}
					st := vsStatus[k]
					if st.SubresourceStatuses == nil {
						st.SubresourceStatuses = map[string]core.Status{}
					}
					st.SubresourceStatuses[subKey] = core.Status{State: st.State, Reason: st.Reason, ReportedBy: reporterGloo}
					vsStatus[k] = st
					if st.State.Is(core.StateRejected) {
						continue
					}
					l.HttpListener.VirtualHosts = append(l.HttpListener.VirtualHosts, gloov1.VirtualHost{
						Name:    vs.Namespace + "." + vs.Name,
						Domains: vs.Spec.VirtualHost.Domains,
						Routes:  t.flatten(vs.Namespace, vs.Spec.VirtualHost.Routes, map[string]bool{}),
						Options: vs.Spec.VirtualHost.Options,
					})
				}
			case gw.Spec.TcpGateway != nil:
				l.TcpListener = &gloov1.TcpListener{TcpHosts: gw.Spec.TcpGateway.TcpHosts}
			default:
				continue
			}
			proxy.Spec.Listeners = append(proxy.Spec.Listeners, l)
		}
		if t.persistProxies() {
			accepted := core.Status{State: core.StateOf(core.StateAccepted), ReportedBy: reporterGloo}
			proxy.Status.Set(t.s.Namespace, accepted)
			t.out.Statuses[Ref{"Proxy", proxy.Namespace, proxy.Name}] = accepted
			t.out.Proxies = append(t.out.Proxies, proxy)
		}
	}
}

// flatten turns gateway routes into a Proxy's routes, replacing each
// delegating route with the routes of the RouteTables it selects.
func (t *translation) flatten(ns string, routes []gatewayv1.Route, seen map[string]bool) []gloov1.Route {
	var out []gloov1.Route
	for _, r := range routes {
		if r.DelegateAction != nil {
			var discard problems
			for _, rt := range t.delegated(ns, r.DelegateAction, &discard) {
				k := key(rt.Namespace, rt.Name)
				if seen[k] {
					continue
				}
				seen[k] = true
				out = append(out, t.flatten(rt.Namespace, rt.Spec.Routes, seen)...)
				delete(seen, k)
			}
			continue
		}
		out = append(out, gloov1.Route{
			Matchers:             r.Matchers,
			RouteAction:          r.RouteAction,
			RedirectAction:       r.RedirectAction,
			DirectResponseAction: r.DirectResponseAction,
			Options:              r.Options,
			Name:                 r.Name,
		})
	}
	return out
}
