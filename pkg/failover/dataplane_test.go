package failover

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"

	gatewayv1 "github.com/meridianfed/meridian/pkg/apis/gloo/gateway/v1"
	gloov1 "github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1"
)

func inForce(primary, secretNS string, gateways ...Gateway) InForce {
	return InForce{PrimaryCluster: primary, Result: Result{Failover: &gloov1.Failover{}, SecretNamespace: secretNS, Gateways: gateways}}
}

// Shared pieces are needed once; a gateway accepts every primary that
// fails over to it; an Invalid scheme needs nothing.
func TestTheDataPlaneIsWhatTheSchemesInForceNeedEachOnce(t *testing.T) {
	west := Gateway{Cluster: "west", Namespace: "gloo-system", Proxy: "gateway-proxy"}
	north := Gateway{Cluster: "north", Namespace: "gloo", Proxy: "edge"}
	got := Needed([]InForce{
		inForce("east", "gloo-system", west, north),
		inForce("east", "gloo-system", west),  // a second scheme of the same primary installation
		inForce("south", "gloo-system", west), // another primary failing over to west
		{PrimaryCluster: "bad", Result: Result{Invalid: "no"}},
	})
	want := []Piece{
		{Kind: UpstreamPiece, Cluster: "east", Namespace: "gloo-system"},
		{Kind: DownstreamPiece, Cluster: "north", Namespace: "gloo"},
		{Kind: GatewayPiece, Cluster: "north", Namespace: "gloo", Proxy: "edge", Clients: []string{"east"}},
		{Kind: UpstreamPiece, Cluster: "south", Namespace: "gloo-system"},
		{Kind: DownstreamPiece, Cluster: "west", Namespace: "gloo-system"},
		{Kind: GatewayPiece, Cluster: "west", Namespace: "gloo-system", Proxy: "gateway-proxy", Clients: []string{"east", "south"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if n := Needed(nil); len(n) != 0 {
		t.Errorf("nothing in force: %v", n)
	}
	names := map[string]bool{}
	for _, p := range got {
		if names[p.FederatedName()] {
			t.Errorf("two pieces named %s", p.FederatedName())
		}
		names[p.FederatedName()] = true
	}
}

func TestTheGatewayTerminatesMutualTLSAndForwardsBySNI(t *testing.T) {
	p := Piece{Kind: GatewayPiece, Cluster: "west", Namespace: "gloo-system", Proxy: "gateway-proxy", Clients: []string{"east", "south"}}
	g, err := GatewayObject("meridian-system", p)
	if err != nil {
		t.Fatal(err)
	}
	if g.Name != "gateway-proxy-failover.west.gloo-system" || g.Namespace != "meridian-system" || g.Labels[DataPlaneLabel] != "Gateway" {
		t.Errorf("meta %+v", g.ObjectMeta)
	}
	if g.Spec.Template.Metadata.Name != "gateway-proxy-failover" || !reflect.DeepEqual(g.Spec.Placement.Clusters, []string{"west"}) || !reflect.DeepEqual(g.Spec.Placement.Namespaces, []string{"gloo-system"}) {
		t.Errorf("placement %+v of %s", g.Spec.Placement, g.Spec.Template.Metadata.Name)
	}
	var spec gatewayv1.GatewaySpec
	if err := json.Unmarshal(g.Spec.Template.Spec.Raw, &spec); err != nil {
		t.Fatal(err)
	}
	if spec.BindPort != GatewayPort || !reflect.DeepEqual(spec.ProxyNames, []string{"gateway-proxy"}) || spec.TcpGateway == nil || len(spec.TcpGateway.TcpHosts) != 1 {
		t.Fatalf("spec %s", g.Spec.Template.Spec.Raw)
	}
	h := spec.TcpGateway.TcpHosts[0]
	if h.SslConfig == nil || h.SslConfig.SecretRef == nil || h.SslConfig.SecretRef.Name != DownstreamSecret || h.SslConfig.SecretRef.Namespace != "gloo-system" {
		t.Errorf("ssl %+v", h.SslConfig)
	}
	if !reflect.DeepEqual(h.SslConfig.VerifySubjectAltName, []string{"east.primary.failover.meridian.io", "south.primary.failover.meridian.io"}) {
		t.Errorf("accepted clients %v", h.SslConfig.VerifySubjectAltName)
	}
	if h.Destination == nil || h.Destination.ForwardSniClusterName == nil {
		t.Errorf("destination %+v", h.Destination)
	}
}

// A secret keeps its certificate while it is current, and gets a new one
// when it is not.
func TestASecretKeepsItsCertificateWhileCurrent(t *testing.T) {
	ca := mustCA(t, t0)
	down := Piece{Kind: DownstreamPiece, Cluster: "west", Namespace: "gloo-system"}
	first, err := SecretObject("meridian-system", down, ca, nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	data := first.Spec.Template.Data
	if first.Spec.Template.Type != corev1.SecretTypeTLS || first.Spec.Template.Metadata.Name != DownstreamSecret || string(data["ca.crt"]) != string(ca.CertPEM) {
		t.Errorf("secret %+v", first.Spec.Template)
	}
	if !ca.Current(Leaf{CertPEM: data["tls.crt"], KeyPEM: data["tls.key"]}, "west.failover.meridian.io", Server, t0) {
		t.Error("not the gateway's server certificate")
	}
	again, err := SecretObject("meridian-system", down, ca, first, t0.Add(30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if string(again.Spec.Template.Data["tls.crt"]) != string(data["tls.crt"]) {
		t.Error("reissued while current")
	}
	later, err := SecretObject("meridian-system", down, ca, first, t0.Add(61*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if string(later.Spec.Template.Data["tls.crt"]) == string(data["tls.crt"]) {
		t.Error("kept past two thirds of its life")
	}
	up, err := SecretObject("meridian-system", Piece{Kind: UpstreamPiece, Cluster: "east", Namespace: "gloo-system"}, ca, nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	if up.Name != "failover-upstream.east.gloo-system" || !ca.Current(Leaf{CertPEM: up.Spec.Template.Data["tls.crt"], KeyPEM: up.Spec.Template.Data["tls.key"]}, ClientSAN("east"), Client, t0) {
		t.Errorf("client secret %s", up.Name)
	}
	// Another CA's certificate is replaced.
	other := mustCA(t, t0)
	if moved, _ := SecretObject("meridian-system", down, other, first, t0); string(moved.Spec.Template.Data["tls.crt"]) == string(data["tls.crt"]) {
		t.Error("kept a certificate of another CA")
	}
}

func gatewayView(cluster, namespace, name, spec string, annotations map[string]string) *viewsv1alpha1.Gateway {
	return &viewsv1alpha1.Gateway{
		ObjectMeta: metav1.ObjectMeta{Name: viewsv1alpha1.ClusterName(cluster, name), Namespace: namespace,
			Labels: map[string]string{viewsv1alpha1.ClusterLabel: cluster}, Annotations: annotations},
		Spec: viewsv1alpha1.RawJSON(spec),
	}
}

// An installation that already has a gateway on the failover port for the
// proxy (Gloo's Helm chart makes one) keeps it: Meridian places only the
// certificate, under the name that gateway reads. A gateway on another
// port or proxy, or Meridian's own, changes nothing.
func TestAnInstalledFailoverGatewayIsUsedNotDuplicated(t *testing.T) {
	s := scheme(group(target("west", nil, "gloo-system/green")), group(target("central", nil, "gloo-system/red")))
	in := federation()
	in.gateways = map[string][]*viewsv1alpha1.Gateway{
		"west/gloo-system": {
			gatewayView("west", "gloo-system", "gateway-proxy", `{"bindPort":8080,"httpGateway":{}}`, nil),
			gatewayView("west", "gloo-system", "gateway-proxy-failover", `{"bindPort":15443,"tcpGateway":{"tcpHosts":[{"name":"failover","sslConfig":{"secretRef":{"name":"fed-mtls","namespace":"gloo-system"}},"destination":{"forwardSniClusterName":{}}}]}}`, nil),
		},
		"central/gloo-system": {
			gatewayView("central", "gloo-system", "other-proxy-failover", `{"bindPort":15443,"proxyNames":["other-proxy"]}`, nil),
			gatewayView("central", "gloo-system", "gateway-proxy-failover", `{"bindPort":15443,"proxyNames":["gateway-proxy"]}`, map[string]string{fedv1alpha1.OwnerAnnotation: "FederatedGateway/meridian-system/gateway-proxy-failover.central.gloo-system"}),
		},
	}
	r := Synthesize(s, in)
	if r.Invalid != "" {
		t.Fatal(r.Invalid)
	}
	want := []Gateway{
		{Cluster: "central", Namespace: "gloo-system", Proxy: "gateway-proxy", Secret: DownstreamSecret},
		{Cluster: "west", Namespace: "gloo-system", Proxy: "gateway-proxy", Installed: "gateway-proxy-failover", Secret: "fed-mtls"},
	}
	if !reflect.DeepEqual(r.Gateways, want) {
		t.Fatalf("gateways %+v", r.Gateways)
	}
	var names []string
	for _, p := range Needed([]InForce{{PrimaryCluster: "east", Result: r}}) {
		names = append(names, p.FederatedName())
	}
	wantNames := []string{
		"failover-downstream.central.gloo-system", "gateway-proxy-failover.central.gloo-system",
		"failover-upstream.east.gloo-system",
		"fed-mtls.west.gloo-system",
	}
	if !reflect.DeepEqual(names, wantNames) {
		t.Errorf("pieces %v, want %v", names, wantNames)
	}
}
