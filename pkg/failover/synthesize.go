package failover

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	gloov1 "github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// Names of what the failover data plane uses, as Gloo Federation names them,
// so that an installation set up for Gloo Federation works unchanged.
const (
	// PortName is the name of a proxy Service's port that leads to its
	// failover gateway.
	PortName = "failover"
	// UpstreamSecret is the client certificate on the primary's cluster.
	UpstreamSecret = "failover-upstream"
	// DownstreamSecret is the server certificate of a target's failover gateway.
	DownstreamSecret = "failover-downstream"
	// GatewayPort is the port a target's failover gateway listens on in its
	// proxy: the port the Service's "failover" port leads to.
	GatewayPort = 15443
)

// GatewaySAN is the subject alternative name of the certificate that
// cluster's failover gateway presents; the primary's Envoy verifies it.
func GatewaySAN(cluster string) string { return cluster + ".failover.meridian.io" }

// SNI is the server name that selects upstream (namespace/name) at a
// failover gateway: Gloo names the Envoy cluster of an Upstream
// "<name>_<namespace>", and the gateway forwards by SNI to that cluster.
func SNI(namespace, name string) string { return name + "_" + namespace }

// Inputs is what synthesis reads: the views of the member clusters as the
// controller's informers hold them.
type Inputs interface {
	// Cluster says whether a cluster is registered, and whether Meridian
	// reaches it now (with why not).
	Cluster(name string) (registered, reachable bool, why string)
	// Instances are the GlooInstances of a cluster.
	Instances(cluster string) []*viewsv1alpha1.GlooInstance
	// Upstream is the view of an Upstream, nil when the views hold none.
	Upstream(cluster, namespace, name string) *viewsv1alpha1.Upstream
	// SchemesFor are the FailoverSchemes whose primary is p.
	SchemesFor(p fedv1alpha1.FailoverPrimary) []*fedv1alpha1.FailoverScheme
	// Gateways are the Gateway views of a cluster's namespace.
	Gateways(cluster, namespace string) []*viewsv1alpha1.Gateway
}

// Source says where the values of one failover endpoint came from, for
// `meridianctl failover explain`.
type Source struct {
	Priority     int32  `json:"priority"`
	Cluster      string `json:"cluster"`
	Upstream     string `json:"upstream"`
	GlooInstance string `json:"glooInstance"`
	Proxy        string `json:"proxy"`
	Service      string `json:"service"`
	Address      string `json:"address"`
	Port         uint32 `json:"port"`
	Region       string `json:"region,omitempty"`
	Zone         string `json:"zone,omitempty"`
	// ZoneFrom says which of the proxy's zones was taken, and why.
	ZoneFrom string `json:"zoneFrom,omitempty"`
}

// Result is a scheme carried out against the views.
type Result struct {
	// Invalid says what to fix; when set, nothing else is.
	Invalid string
	// Failover is the primary's spec.failover.
	Failover *gloov1.Failover
	// SecretNamespace is where the primary's Gloo reads the client
	// certificate (the owning installation's admin write namespace).
	SecretNamespace string
	// PrimaryInstance is the GlooInstance that owns the primary.
	PrimaryInstance string
	// Priorities and Targets go to the scheme's status.
	Priorities []fedv1alpha1.FailoverPriorityStatus
	Targets    []fedv1alpha1.FailoverTargetStatus
	// Gateways are the target installations that need a failover gateway.
	Gateways []Gateway
	Sources  []Source
}

// Gateway is one target installation's failover gateway.
type Gateway struct {
	Cluster   string
	Namespace string // the installation's admin write namespace
	Proxy     string // the proxy it binds to
	// Installed names the Gateway the installation already has on the
	// failover port for the proxy (Gloo's Helm chart makes one when
	// failover is enabled): that one is used, and Meridian places only
	// the server certificate, under the name it reads (Secret).
	Installed string
	// Secret is the name of the server certificate's Secret.
	Secret string
}

func invalid(format string, args ...any) Result { return Result{Invalid: fmt.Sprintf(format, args...)} }

// Synthesize carries out s against in. It is pure: same inputs, same result.
func Synthesize(s *fedv1alpha1.FailoverScheme, in Inputs) Result {
	p := s.Spec.Primary
	if len(s.Spec.FailoverGroups) == 0 {
		return invalid("failoverGroups must list at least one priority group")
	}
	if first := firstScheme(in.SchemesFor(p)); first != nil && (first.Namespace != s.Namespace || first.Name != s.Name) {
		return invalid("Upstream %s/%s of cluster %s is already the primary of FailoverScheme %s/%s, created first: one scheme per primary", p.Namespace, p.Name, p.ClusterName, first.Namespace, first.Name)
	}
	registered, _, _ := in.Cluster(p.ClusterName)
	if !registered {
		return invalid("the primary's cluster %q is not registered (kubectl get kubernetesclusters lists the clusters)", p.ClusterName)
	}
	primary := in.Upstream(p.ClusterName, p.Namespace, p.Name)
	if primary == nil {
		return invalid("Upstream %s/%s is not in cluster %s (kubectl get upstreams.views.meridian.io -n %s %s)", p.Namespace, p.Name, p.ClusterName, p.Namespace, viewsv1alpha1.ClusterName(p.ClusterName, p.Name))
	}
	if msg := needsHealthChecks(primary); msg != "" {
		return invalid("%s", msg)
	}
	primaryInstance, msg := owner(in, p.ClusterName, p.Namespace)
	if msg != "" {
		return invalid("the primary: %s", msg)
	}
	r := Result{SecretNamespace: primaryInstance.Spec.Admin.WriteNamespace, PrimaryInstance: primaryInstance.Name}
	r.Failover = &gloov1.Failover{}
	if s.Spec.Policy != nil && s.Spec.Policy.OverprovisioningFactor != nil {
		f := *s.Spec.Policy.OverprovisioningFactor
		r.Failover.Policy = &gloov1.FailoverPolicy{OverprovisioningFactor: &f}
	}
	seenTarget := map[string]bool{}
	gateways := map[Gateway]bool{}
	for i, group := range s.Spec.FailoverGroups {
		priority := int32(i + 1)
		status := fedv1alpha1.FailoverPriorityStatus{Priority: priority}
		var pl gloov1.PrioritizedLocality
		for _, t := range group.PriorityGroup {
			registered, reachable, why := in.Cluster(t.Cluster)
			if !registered {
				return invalid("priority %d: cluster %q is not registered", priority, t.Cluster)
			}
			ts := fedv1alpha1.FailoverTargetStatus{Cluster: t.Cluster, Reachable: reachable}
			if !reachable {
				ts.Message = "unreachable (" + why + "): its endpoints are as last seen"
			}
			lle := gloov1.LocalityLbEndpoints{}
			if t.LocalityWeight != nil {
				w := *t.LocalityWeight
				lle.LoadBalancingWeight = &w
			}
			for _, u := range t.Upstreams {
				if t.Cluster == p.ClusterName && u.Namespace == p.Namespace && u.Name == p.Name {
					return invalid("priority %d: the primary cannot be its own failover target", priority)
				}
				// An unreachable cluster's objects leave the views after a
				// grace; its installation stays (marked unreachable) and
				// still says where its gateway is, which is all the
				// endpoint needs: Envoy's health checks judge the gateway.
				if reachable && in.Upstream(t.Cluster, u.Namespace, u.Name) == nil {
					return invalid("priority %d: Upstream %s/%s is not in cluster %s", priority, u.Namespace, u.Name, t.Cluster)
				}
				inst, msg := owner(in, t.Cluster, u.Namespace)
				if msg != "" {
					return invalid("priority %d, Upstream %s/%s of cluster %s: %s", priority, u.Namespace, u.Name, t.Cluster, msg)
				}
				proxy, ep, port, msg := gateway(inst)
				if msg != "" {
					return invalid("priority %d, cluster %s: %s", priority, t.Cluster, msg)
				}
				if t.LocalityWeight != nil && !isIP(ep.Address) {
					return invalid("priority %d, cluster %s: the failover gateway's address %q is a DNS name, and Gloo refuses a locality weight next to a DNS address: remove localityWeight, or give the gateway's Service an IP address", priority, t.Cluster, ep.Address)
				}
				zone, zoneFrom := zoneOf(proxy)
				locality := &gloov1.Locality{Region: inst.Spec.Region, Zone: zone}
				if lle.Locality == nil {
					lle.Locality = locality
				}
				lle.LbEndpoints = append(lle.LbEndpoints, gloov1.LbEndpoint{
					Address: ep.Address,
					Port:    port,
					UpstreamSslConfig: &gloov1.UpstreamSslConfig{
						SecretRef:            &core.ResourceRef{Name: UpstreamSecret, Namespace: r.SecretNamespace},
						Sni:                  SNI(u.Namespace, u.Name),
						VerifySubjectAltName: []string{GatewaySAN(t.Cluster)},
					},
				})
				status.Endpoints = append(status.Endpoints, fedv1alpha1.FailoverEndpointStatus{
					Cluster: t.Cluster, Upstream: u.Namespace + "/" + u.Name, Region: locality.Region, Zone: locality.Zone,
					Address: ep.Address, Port: port, Weight: lle.LoadBalancingWeight,
				})
				r.Sources = append(r.Sources, Source{
					Priority: priority, Cluster: t.Cluster, Upstream: u.Namespace + "/" + u.Name,
					GlooInstance: inst.Name, Proxy: proxy.Namespace + "/" + proxy.Name, Service: ep.ServiceName,
					Address: ep.Address, Port: port, Region: inst.Spec.Region, Zone: zone, ZoneFrom: zoneFrom,
				})
				gateways[installedGateway(in, Gateway{Cluster: t.Cluster, Namespace: inst.Spec.Admin.WriteNamespace, Proxy: proxy.Name, Secret: DownstreamSecret})] = true
				if !seenTarget[t.Cluster] {
					ts.GlooInstance = inst.Name
					ts.Healthy = proxy.ReadyReplicas > 0
					if !ts.Healthy && ts.Message == "" {
						ts.Message = fmt.Sprintf("proxy %s/%s has no ready replica", proxy.Namespace, proxy.Name)
					}
				}
			}
			pl.LocalityEndpoints = append(pl.LocalityEndpoints, lle)
			if !seenTarget[t.Cluster] {
				seenTarget[t.Cluster] = true
				r.Targets = append(r.Targets, ts)
			}
		}
		r.Failover.PrioritizedLocalities = append(r.Failover.PrioritizedLocalities, pl)
		r.Priorities = append(r.Priorities, status)
	}
	slices.SortFunc(r.Targets, func(a, b fedv1alpha1.FailoverTargetStatus) int { return cmp.Compare(a.Cluster, b.Cluster) })
	for g := range gateways {
		r.Gateways = append(r.Gateways, g)
	}
	slices.SortFunc(r.Gateways, func(a, b Gateway) int {
		return cmp.Or(cmp.Compare(a.Cluster, b.Cluster), cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Proxy, b.Proxy))
	})
	return r
}

// installedGateway fills in g.Installed (and g.Secret) when the
// installation already has a Gateway on GatewayPort for g's proxy other
// than the one the data plane places (a user's FederatedGateway counts as
// the installation's own). Two gateways on one port of one proxy would make
// Gloo reject both.
func installedGateway(in Inputs, g Gateway) Gateway {
	own := "/" + Piece{Kind: GatewayPiece, Cluster: g.Cluster, Namespace: g.Namespace, Proxy: g.Proxy}.FederatedName()
	for _, v := range in.Gateways(g.Cluster, g.Namespace) {
		if owner := v.Annotations[fedv1alpha1.OwnerAnnotation]; strings.HasPrefix(owner, "FederatedGateway/") && strings.HasSuffix(owner, own) {
			continue // the one the data plane placed
		}
		var spec struct {
			BindPort   uint32   `json:"bindPort"`
			ProxyNames []string `json:"proxyNames"`
			TcpGateway *struct {
				TcpHosts []struct {
					SslConfig *struct {
						SecretRef *core.ResourceRef `json:"secretRef"`
					} `json:"sslConfig"`
				} `json:"tcpHosts"`
			} `json:"tcpGateway"`
		}
		if json.Unmarshal(v.Spec, &spec) != nil || spec.BindPort != GatewayPort {
			continue
		}
		proxies := spec.ProxyNames
		if len(proxies) == 0 {
			proxies = []string{"gateway-proxy"} // Gloo's default
		}
		if !slices.Contains(proxies, g.Proxy) {
			continue
		}
		_, name, _ := viewsv1alpha1.SplitClusterName(v.Name)
		g.Installed = name
		if spec.TcpGateway != nil {
			for _, h := range spec.TcpGateway.TcpHosts {
				if h.SslConfig != nil && h.SslConfig.SecretRef != nil && h.SslConfig.SecretRef.Name != "" && (h.SslConfig.SecretRef.Namespace == "" || h.SslConfig.SecretRef.Namespace == g.Namespace) {
					g.Secret = h.SslConfig.SecretRef.Name
					break
				}
			}
		}
		return g
	}
	return g
}

// firstScheme is the one of schemes that sharing a primary keeps working:
// the oldest, then the first by namespace and name, so that a newer scheme
// never takes over from one in force.
func firstScheme(schemes []*fedv1alpha1.FailoverScheme) *fedv1alpha1.FailoverScheme {
	var first *fedv1alpha1.FailoverScheme
	for _, s := range schemes {
		if s.DeletionTimestamp != nil {
			continue
		}
		if first == nil || cmp.Or(s.CreationTimestamp.Time.Compare(first.CreationTimestamp.Time),
			cmp.Compare(s.Namespace, first.Namespace), cmp.Compare(s.Name, first.Name)) < 0 {
			first = s
		}
	}
	return first
}

// needsHealthChecks says why Gloo would refuse failover on u: it needs
// health checks or outlier detection to tell when the primary's own
// endpoints fail.
func needsHealthChecks(u *viewsv1alpha1.Upstream) string {
	var spec struct {
		HealthChecks     []json.RawMessage `json:"healthChecks"`
		OutlierDetection json.RawMessage   `json:"outlierDetection"`
	}
	if len(u.Spec) > 0 {
		if err := json.Unmarshal(u.Spec, &spec); err != nil {
			return fmt.Sprintf("the primary's spec cannot be read: %v", err)
		}
	}
	if len(spec.HealthChecks) == 0 && (len(spec.OutlierDetection) == 0 || string(spec.OutlierDetection) == "null") {
		return "the primary Upstream has neither healthChecks nor outlierDetection: Gloo needs one of them to tell when to fail over (add spec.healthChecks to the primary)"
	}
	return ""
}

// owner is the one Gloo installation of cluster that watches namespace.
func owner(in Inputs, cluster, namespace string) (*viewsv1alpha1.GlooInstance, string) {
	var owners []*viewsv1alpha1.GlooInstance
	for _, gi := range in.Instances(cluster) {
		w := gi.Spec.ControlPlane.WatchedNamespaces
		if len(w) == 0 || slices.Contains(w, namespace) {
			owners = append(owners, gi)
		}
	}
	switch len(owners) {
	case 1:
		return owners[0], ""
	case 0:
		return nil, fmt.Sprintf("no Gloo installation of cluster %s watches namespace %s", cluster, namespace)
	}
	names := make([]string, len(owners))
	for i, gi := range owners {
		names[i] = gi.Name
	}
	slices.Sort(names)
	return nil, fmt.Sprintf("%d Gloo installations of cluster %s watch namespace %s (%s): narrow their Settings' watchNamespaces so that one does", len(owners), cluster, namespace, strings.Join(names, ", "))
}

// gateway is where inst's failover gateway is reached: its admin proxy's
// first ingress endpoint with a port named "failover".
func gateway(inst *viewsv1alpha1.GlooInstance) (*viewsv1alpha1.InstanceProxy, viewsv1alpha1.IngressEndpoint, uint32, string) {
	var proxy *viewsv1alpha1.InstanceProxy
	if id := inst.Spec.Admin.ProxyID; id != nil {
		for i := range inst.Spec.Proxies {
			if px := &inst.Spec.Proxies[i]; px.Name == id.Name && px.Namespace == id.Namespace {
				proxy = px
			}
		}
	}
	if proxy == nil {
		return nil, viewsv1alpha1.IngressEndpoint{}, 0, fmt.Sprintf("Gloo installation %s has no gateway proxy", inst.Name)
	}
	if len(proxy.IngressEndpoints) == 0 {
		return nil, viewsv1alpha1.IngressEndpoint{}, 0, fmt.Sprintf("proxy %s/%s of Gloo installation %s has no ingress endpoint (a LoadBalancer or NodePort Service selecting it)", proxy.Namespace, proxy.Name, inst.Name)
	}
	for _, ep := range proxy.IngressEndpoints {
		for _, p := range ep.Ports {
			if p.Name == PortName {
				return proxy, ep, p.Port, ""
			}
		}
	}
	return nil, viewsv1alpha1.IngressEndpoint{}, 0, fmt.Sprintf("no Service of proxy %s/%s (Gloo installation %s) has a port named %q (Gloo's default is 15443): add one leading to the proxy's failover gateway", proxy.Namespace, proxy.Name, inst.Name, PortName)
}

// zoneOf is the zone written for proxy: Envoy's locality has one zone, and
// a proxy spread over several gets the first in order (discovery sorts them).
func zoneOf(proxy *viewsv1alpha1.InstanceProxy) (string, string) {
	switch len(proxy.Zones) {
	case 0:
		return "", "the proxy's nodes carry no zone label"
	case 1:
		return proxy.Zones[0], "the zone of the proxy's nodes"
	}
	return proxy.Zones[0], fmt.Sprintf("the first of the proxy's zones %v", proxy.Zones)
}

func isIP(address string) bool {
	_, err := netip.ParseAddr(address)
	return err == nil
}
