package placement

import (
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/dynamic"
	corelisters "k8s.io/client-go/listers/core/v1"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	fedlisters "github.com/meridianfed/meridian/pkg/generated/listers/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/memberconfig"
)

// MemberClients are the registered member clusters and a client for each:
// Members in the controller, fakes in its unit tests.
type MemberClients interface {
	// Namespace is the federation namespace (the registrations, the
	// leftovers record).
	Namespace() string
	// Registered returns the registered clusters (not being deleted).
	Registered() (map[string]*fedv1alpha1.KubernetesCluster, error)
	// Client returns a client for a registered member, written with the
	// member's registered credential.
	Client(kc *fedv1alpha1.KubernetesCluster) (dynamic.Interface, error)
}

// Members gives clients for the registered member clusters, built from
// their kubeconfig Secrets and cached until the Secret changes.
type Members struct {
	namespace string
	clusters  fedlisters.KubernetesClusterLister
	secrets   corelisters.SecretLister
	timeout   time.Duration

	mu    sync.Mutex
	cache map[string]cachedClient
}

type cachedClient struct {
	secretVersion string
	client        dynamic.Interface
}

// NewMembers returns the members registered in namespace.
func NewMembers(namespace string, clusterLister fedlisters.KubernetesClusterLister, secrets corelisters.SecretLister, timeout time.Duration) *Members {
	return &Members{namespace: namespace, clusters: clusterLister, secrets: secrets, timeout: timeout, cache: map[string]cachedClient{}}
}

// Namespace is the federation namespace.
func (m *Members) Namespace() string { return m.namespace }

// Registered returns the registered clusters (not being deleted).
func (m *Members) Registered() (map[string]*fedv1alpha1.KubernetesCluster, error) {
	list, err := m.clusters.KubernetesClusters(m.namespace).List(labels.Everything())
	if err != nil {
		return nil, err
	}
	out := map[string]*fedv1alpha1.KubernetesCluster{}
	for _, kc := range list {
		if kc.DeletionTimestamp == nil {
			out[kc.Name] = kc
		}
	}
	return out, nil
}

// Client returns a client for a registered member.
func (m *Members) Client(kc *fedv1alpha1.KubernetesCluster) (dynamic.Interface, error) {
	secret, err := m.secrets.Secrets(m.namespace).Get(kc.Spec.SecretName)
	if err != nil {
		// The lister holds only Secrets of the kubeconfig type.
		return nil, fmt.Errorf("the kubeconfig Secret of cluster %s (of type %s): %w", kc.Name, fedv1alpha1.KubeconfigSecretType, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.cache[kc.Name]; ok && c.secretVersion == secret.ResourceVersion {
		return c.client, nil
	}
	cfg, err := memberconfig.Load(secret.Data[fedv1alpha1.KubeconfigSecretKey])
	if err != nil {
		return nil, fmt.Errorf("the kubeconfig Secret of cluster %s: %w", kc.Name, err)
	}
	cfg.UserAgent = FieldManager
	cfg.Timeout = m.timeout
	// One request to read and one to apply per target: a member takes its
	// share of a large placement at this rate.
	cfg.QPS, cfg.Burst = 100, 200
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	m.cache[kc.Name] = cachedClient{secretVersion: secret.ResourceVersion, client: client}
	return client, nil
}
