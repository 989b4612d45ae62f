package failover

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	gatewayv1 "github.com/meridianfed/meridian/pkg/apis/gloo/gateway/v1"
	gloov1 "github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1"
)

// The failover data plane is carried into the members by placement, as
// federated objects in the federation namespace that the failover
// controller writes: placement's ownership checks, drift repair, per-target
// status, isolation from hung members and deletion with leftovers apply to
// it as to any federated object. They are shared by every scheme that needs
// them (one gateway per target installation, one client certificate per
// primary installation), so they belong to no scheme: the controller keeps
// exactly the set the schemes in force need, and deletes the rest.
const (
	// DataPlaneLabel marks those federated objects.
	DataPlaneLabel = "fed.meridian.io/failover-data-plane"
	// CASecret is the CA's kubernetes.io/tls Secret in the federation
	// namespace, created on first use.
	CASecret = "meridian-failover-ca"
	// caKey is where a TLS Secret holds the CA certificate Gloo verifies
	// the other side against.
	caKey = "ca.crt"
)

// ClientSAN is the subject alternative name of the client certificate the
// primaries of cluster present to the failover gateways, which accept only
// the primaries that fail over to them.
func ClientSAN(cluster string) string { return cluster + ".primary.failover.meridian.io" }

// Piece is one object of the failover data plane in one member.
type Piece struct {
	Kind      PieceKind
	Cluster   string
	Namespace string // the Gloo installation's admin write namespace
	// Proxy is the gateway proxy a Gateway binds to.
	Proxy string
	// Clients are the clusters whose primaries a gateway accepts.
	Clients []string
	// Secret is a downstream certificate's name in the member (the one an
	// installed gateway reads); DownstreamSecret when empty.
	Secret string
}

// PieceKind is what a Piece is.
type PieceKind string

const (
	// GatewayPiece is a target's TCP Gateway on GatewayPort, terminating
	// mTLS and forwarding by SNI.
	GatewayPiece PieceKind = "Gateway"
	// DownstreamPiece is a target gateway's server certificate.
	DownstreamPiece PieceKind = "DownstreamSecret"
	// UpstreamPiece is a primary installation's client certificate.
	UpstreamPiece PieceKind = "UpstreamSecret"
)

// MemberName is the object's name in the member.
func (p Piece) MemberName() string {
	switch p.Kind {
	case GatewayPiece:
		return p.Proxy + "-failover" // as Gloo's Helm chart names it
	case DownstreamPiece:
		if p.Secret != "" {
			return p.Secret
		}
		return DownstreamSecret
	}
	return UpstreamSecret
}

// FederatedName is the federated object's name in the federation
// namespace: the member name, cluster and namespace (DNS labels each, so
// the whole is a valid name and no two pieces share one).
func (p Piece) FederatedName() string {
	return p.MemberName() + "." + p.Cluster + "." + p.Namespace
}

// InForce is one scheme's outcome, for the data plane: its primary's
// cluster and what Synthesize made of it.
type InForce struct {
	PrimaryCluster string
	Result         Result
}

// Needed returns the pieces the schemes in force need, each once, in a
// stable order.
func Needed(schemes []InForce) []Piece {
	type place struct{ cluster, namespace, proxy string }
	gateways := map[place]map[string]bool{}
	downs := map[place]bool{} // proxy: the Secret's name
	uppers := map[place]bool{}
	for _, s := range schemes {
		if s.Result.Invalid != "" || s.Result.Failover == nil {
			continue
		}
		uppers[place{s.PrimaryCluster, s.Result.SecretNamespace, ""}] = true
		for _, g := range s.Result.Gateways {
			downs[place{g.Cluster, g.Namespace, cmp.Or(g.Secret, DownstreamSecret)}] = true
			if g.Installed != "" {
				continue // the installation's own gateway
			}
			k := place{g.Cluster, g.Namespace, g.Proxy}
			if gateways[k] == nil {
				gateways[k] = map[string]bool{}
			}
			gateways[k][s.PrimaryCluster] = true
		}
	}
	var out []Piece
	for k, clients := range gateways {
		out = append(out, Piece{Kind: GatewayPiece, Cluster: k.cluster, Namespace: k.namespace, Proxy: k.proxy, Clients: slices.Sorted(maps.Keys(clients))})
	}
	for k := range downs {
		p := Piece{Kind: DownstreamPiece, Cluster: k.cluster, Namespace: k.namespace}
		if k.proxy != DownstreamSecret {
			p.Secret = k.proxy
		}
		out = append(out, p)
	}
	for k := range uppers {
		out = append(out, Piece{Kind: UpstreamPiece, Cluster: k.cluster, Namespace: k.namespace})
	}
	slices.SortFunc(out, func(a, b Piece) int {
		return cmp.Or(cmp.Compare(a.Cluster, b.Cluster), cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Proxy, b.Proxy), cmp.Compare(a.Secret, b.Secret))
	})
	return out
}

// GatewayObject is the FederatedGateway that places p (a GatewayPiece).
func GatewayObject(namespace string, p Piece) (*fedv1alpha1.FederatedGateway, error) {
	var sans []string
	for _, c := range p.Clients {
		sans = append(sans, ClientSAN(c))
	}
	spec := gatewayv1.GatewaySpec{
		BindAddress: "::",
		BindPort:    GatewayPort,
		ProxyNames:  []string{p.Proxy},
		TcpGateway: &gatewayv1.TcpGateway{TcpHosts: []gloov1.TcpHost{{
			Name: "failover",
			SslConfig: &gloov1.SslConfig{
				SecretRef:            &core.ResourceRef{Name: DownstreamSecret, Namespace: p.Namespace},
				VerifySubjectAltName: sans,
			},
			Destination: &gloov1.TcpAction{ForwardSniClusterName: &core.Empty{}},
		}}},
	}
	raw, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	return &fedv1alpha1.FederatedGateway{
		TypeMeta:   metav1.TypeMeta{APIVersion: fedv1alpha1.SchemeGroupVersion.String(), Kind: "FederatedGateway"},
		ObjectMeta: dataPlaneMeta(namespace, p),
		Spec: fedv1alpha1.FederatedSpec{
			Template:  fedv1alpha1.Template{Metadata: fedv1alpha1.TemplateMetadata{Name: p.MemberName()}, Spec: runtime.RawExtension{Raw: raw}},
			Placement: placementOf(p),
		},
	}, nil
}

// SecretObject is the FederatedSecret that places p (a secret piece), with
// the certificate in current kept if it is still current, else a new one.
func SecretObject(namespace string, p Piece, ca *CA, current *fedv1alpha1.FederatedSecret, now time.Time) (*fedv1alpha1.FederatedSecret, error) {
	dnsName, role := GatewaySAN(p.Cluster), Server
	if p.Kind == UpstreamPiece {
		dnsName, role = ClientSAN(p.Cluster), Client
	}
	var leaf Leaf
	if current != nil {
		leaf = Leaf{CertPEM: current.Spec.Template.Data[corev1.TLSCertKey], KeyPEM: current.Spec.Template.Data[corev1.TLSPrivateKeyKey]}
	}
	if current == nil || !ca.Current(leaf, dnsName, role, now) {
		var err error
		if leaf, err = ca.Issue(dnsName, role, now); err != nil {
			return nil, fmt.Errorf("issuing the certificate of %s: %w", p.FederatedName(), err)
		}
	}
	return &fedv1alpha1.FederatedSecret{
		TypeMeta:   metav1.TypeMeta{APIVersion: fedv1alpha1.SchemeGroupVersion.String(), Kind: "FederatedSecret"},
		ObjectMeta: dataPlaneMeta(namespace, p),
		Spec: fedv1alpha1.FederatedSecretSpec{
			Template: fedv1alpha1.SecretTemplate{
				Metadata: fedv1alpha1.TemplateMetadata{Name: p.MemberName()},
				Type:     corev1.SecretTypeTLS,
				// ca.crt: Gloo verifies the other side against it (the
				// gateway requires client certificates because it is set).
				Data: map[string][]byte{corev1.TLSCertKey: leaf.CertPEM, corev1.TLSPrivateKeyKey: leaf.KeyPEM, caKey: ca.CertPEM},
			},
			Placement: placementOf(p),
		},
	}, nil
}

func dataPlaneMeta(namespace string, p Piece) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: p.FederatedName(), Namespace: namespace, Labels: map[string]string{DataPlaneLabel: string(p.Kind)}}
}

func placementOf(p Piece) fedv1alpha1.Placement {
	return fedv1alpha1.Placement{Clusters: []string{p.Cluster}, Namespaces: []string{p.Namespace}}
}
