package glooinstall

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Installation describes one Gloo Edge installation in one member cluster.
type Installation struct {
	// Cluster is the member's name; it seeds names and addresses.
	Cluster string
	// Namespace is the install namespace (Gloo's default is gloo-system).
	Namespace string
	// Version is the Gloo image tag.
	Version string
	// Enterprise selects the gloo-ee images.
	Enterprise bool
	// Region and Zones label the cluster's nodes, one node per zone.
	Region string
	Zones  []string
	// ProxyReplicas and ReadyProxyReplicas shape the gateway-proxy Deployment.
	ProxyReplicas      int32
	ReadyProxyReplicas int32
	// LoadBalancerAddress is written into the gateway-proxy Service's status.
	LoadBalancerAddress string
	// ReadConfigMulticluster adds the gateway-proxy-config-dump-service.
	ReadConfigMulticluster bool
	// AppNamespaces are the teams' namespaces that hold Gloo config.
	AppNamespaces []string
	// Rejected adds a route to a missing Upstream to team-a/orders, which Gloo
	// rejects: something for `check` and the views to report.
	Rejected bool
	// FailoverSecret creates the failover Gateway's failover-downstream
	// Secret; without it Gloo warns that the Secret is missing.
	FailoverSecret bool

	// subnet makes node addresses distinct per cluster.
	subnet int
}

// ForMember returns the installation the demo puts into the i-th member:
// each member gets its own region, version mix and a few deliberate problems,
// so that every column and check of Meridian has something to show.
func ForMember(name string, i int) Installation {
	regions := []struct {
		region string
		zones  []string
		lb     string
	}{
		// Documentation address ranges (RFC 5737): never routed anywhere.
		{"us-east-1", []string{"us-east-1a", "us-east-1b", "us-east-1c"}, "203.0.113.10"},
		{"us-west-2", []string{"us-west-2a", "us-west-2b"}, "198.51.100.20"},
		{"eu-central-1", []string{"eu-central-1a", "eu-central-1b"}, "192.0.2.30"},
	}
	r := regions[i%len(regions)]
	in := Installation{
		Cluster:                name,
		Namespace:              "gloo-system",
		Version:                "1.18.6",
		Region:                 r.region,
		Zones:                  r.zones,
		ProxyReplicas:          int32(len(r.zones)),
		ReadyProxyReplicas:     int32(len(r.zones)),
		LoadBalancerAddress:    r.lb,
		ReadConfigMulticluster: i%2 == 0,
		AppNamespaces:          []string{"team-a", "team-b"},
		FailoverSecret:         true,
		subnet:                 i + 1,
	}
	if i%2 == 1 {
		// The second member runs Enterprise, one release behind, with a proxy
		// replica down: the dashboard and `check` have something to report.
		in.Enterprise = true
		in.Version = "1.17.12"
		in.ReadyProxyReplicas = in.ProxyReplicas - 1
		in.Rejected = true
		in.FailoverSecret = false
	}
	return in
}

// Install creates the installation in the cluster behind cfg. The cluster
// must be empty of it (the demo and tests start from fresh etcd) and must
// already serve Gloo's CRDs. The Gloo objects it creates carry no status
// until RunStandIn reports on them, as Gloo's controllers would.
func Install(ctx context.Context, cfg *rest.Config, in Installation) error {
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	for _, ns := range append([]string{in.Namespace}, in.AppNamespaces...) {
		if err := ensureNamespace(ctx, kube, ns); err != nil {
			return err
		}
	}
	if err := in.installWorkloads(ctx, kube); err != nil {
		return err
	}
	if err := in.installSecrets(ctx, kube); err != nil {
		return err
	}
	return in.installConfig(ctx, cfg)
}

// ensureNamespace creates a namespace and its default ServiceAccount, which
// kube-controller-manager would create and without which Pods are refused.
func ensureNamespace(ctx context.Context, kube kubernetes.Interface, name string) error {
	if _, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating namespace %s: %w", name, err)
	}
	if _, err := kube.CoreV1().ServiceAccounts(name).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: name}}, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating service account %s/default: %w", name, err)
	}
	return nil
}

// podHash gives the stable pseudo-random suffixes ReplicaSets put in pod names.
func podHash(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return strings.ToLower(hex.EncodeToString(sum[:])[:5])
}
