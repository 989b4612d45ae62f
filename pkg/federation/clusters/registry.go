// Package clusters is the cluster registry: it learns the member clusters
// from KubernetesCluster objects and their kubeconfig Secrets in the
// federation namespace of the management cluster, and keeps exactly one
// member connection per registered cluster. Joins, leaves and credential
// changes take effect live.
package clusters

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
	"github.com/meridianfed/meridian/pkg/federation/member"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
	meridianinformers "github.com/meridianfed/meridian/pkg/generated/informers/externalversions"
	"github.com/meridianfed/meridian/pkg/memberconfig"
)

// Status is what the registry knows of one registered cluster.
type Status struct {
	Name string
	// Problem is set when the registration itself is unusable (missing or
	// invalid kubeconfig Secret); there is then no connection.
	Problem string
	// Health is the connection's, when there is one.
	Health member.Health
	// Connected is true when a connection runs.
	Connected bool
}

type entry struct {
	conn        *member.Connection
	fingerprint string
	// token is the member's bearer token, swapped in place when the
	// controller renews it, so a renewal never reconnects.
	token *atomic.Pointer[string]
}

// Registry keeps one connection per registered member cluster.
type Registry struct {
	namespace string
	kube      kubernetes.Interface
	meridian  meridianclient.Interface
	caches    *cache.Set
	opts      member.Options
	log       klog.Logger

	clusterLister func() ([]*fedv1alpha1.KubernetesCluster, error)
	secretGet     func(name string) (*corev1.Secret, error)
	hasSynced     []toolscache.InformerSynced
	kick          chan struct{}
	// statusKick wakes the KubernetesCluster status writer when a member's
	// health changes, so status follows within a moment, not a poll period.
	statusKick chan struct{}

	mu       sync.RWMutex
	entries  map[string]*entry
	problems map[string]string
}

// New returns a registry of the clusters registered in namespace.
func New(kube kubernetes.Interface, meridian meridianclient.Interface, namespace string, caches *cache.Set, opts member.Options, log klog.Logger) *Registry {
	r := &Registry{
		namespace: namespace, kube: kube, meridian: meridian, caches: caches, log: log,
		kick: make(chan struct{}, 1), statusKick: make(chan struct{}, 1), entries: map[string]*entry{}, problems: map[string]string{},
	}
	next := opts.OnHealthChange
	opts.OnHealthChange = func() {
		r.kickStatus()
		if next != nil {
			next()
		}
	}
	r.opts = opts
	return r
}

func (r *Registry) kickStatus() {
	select {
	case r.statusKick <- struct{}{}:
	default:
	}
}

// Run watches registrations until ctx ends, then stops every connection.
func (r *Registry) Run(ctx context.Context) {
	fedFactory := meridianinformers.NewSharedInformerFactoryWithOptions(r.meridian, 10*time.Minute, meridianinformers.WithNamespace(r.namespace))
	kubeFactory := informers.NewSharedInformerFactoryWithOptions(r.kube, 10*time.Minute, informers.WithNamespace(r.namespace),
		informers.WithTweakListOptions(fedv1alpha1.OnlyKubeconfigSecrets))
	clusters := fedFactory.Fed().V1alpha1().KubernetesClusters()
	secrets := kubeFactory.Core().V1().Secrets()
	handler := toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { r.trigger() },
		UpdateFunc: func(any, any) { r.trigger() },
		DeleteFunc: func(any) { r.trigger() },
	}
	_, _ = clusters.Informer().AddEventHandler(handler)
	_, _ = secrets.Informer().AddEventHandler(handler)
	r.clusterLister = func() ([]*fedv1alpha1.KubernetesCluster, error) {
		return clusters.Lister().KubernetesClusters(r.namespace).List(labels.Everything())
	}
	r.secretGet = func(name string) (*corev1.Secret, error) { return secrets.Lister().Secrets(r.namespace).Get(name) }
	r.hasSynced = []toolscache.InformerSynced{clusters.Informer().HasSynced, secrets.Informer().HasSynced}
	fedFactory.Start(ctx.Done())
	kubeFactory.Start(ctx.Done())
	if !toolscache.WaitForCacheSync(ctx.Done(), r.hasSynced...) {
		return
	}
	r.trigger()
	for {
		select {
		case <-ctx.Done():
			r.stopAll()
			return
		case <-r.kick:
			r.reconcile(ctx)
		}
	}
}

// HasSynced reports whether the registry has read the registrations once.
func (r *Registry) HasSynced() bool {
	if r.hasSynced == nil {
		return false
	}
	for _, s := range r.hasSynced {
		if !s() {
			return false
		}
	}
	return true
}

func (r *Registry) trigger() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Clusters returns the status of every registered cluster, sorted by name.
func (r *Registry) Clusters() []Status {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []Status
	for name, e := range r.entries {
		out = append(out, Status{Name: name, Health: e.conn.Health(), Connected: true})
	}
	for name, p := range r.problems {
		out = append(out, Status{Name: name, Problem: p})
	}
	slices.SortFunc(out, func(a, b Status) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out
}

// reconcile makes the connections match the registrations.
func (r *Registry) reconcile(ctx context.Context) {
	list, err := r.clusterLister()
	if err != nil {
		r.log.Error(err, "listing KubernetesClusters")
		return
	}
	desired := map[string]*rest.Config{}
	fingerprints := map[string]string{}
	tokens := map[string]string{}
	problems := map[string]string{}
	for _, kc := range list {
		if kc.DeletionTimestamp != nil {
			continue
		}
		cfg, fp, token, err := r.configFor(kc)
		if err != nil {
			problems[kc.Name] = err.Error()
			continue
		}
		desired[kc.Name], fingerprints[kc.Name], tokens[kc.Name] = cfg, fp, token
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	r.problems = problems
	for name, e := range r.entries {
		if _, ok := desired[name]; ok && fingerprints[name] == e.fingerprint {
			if t := tokens[name]; *e.token.Load() != t {
				e.token.Store(&t)
				r.log.V(2).Info("cluster credential renewed", "cluster", name)
			}
			continue
		}
		e.conn.Stop()
		delete(r.entries, name)
		if _, ok := desired[name]; !ok {
			r.log.Info("cluster left the federation", "cluster", name)
			r.caches.RemoveCluster(name)
		} else {
			r.log.Info("cluster credentials changed: reconnecting", "cluster", name)
		}
	}
	for name := range problems {
		if _, connected := r.entries[name]; !connected {
			r.caches.RemoveCluster(name)
		}
	}
	for name, cfg := range desired {
		if _, ok := r.entries[name]; ok {
			continue
		}
		token := &atomic.Pointer[string]{}
		t := tokens[name]
		token.Store(&t)
		if t != "" {
			cfg.BearerToken = ""
			cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { return &bearer{token: token, next: rt} }
		}
		conn := member.NewConnection(name, cfg, sinksOf(r.caches), r.opts, r.log)
		if err := conn.Start(ctx); err != nil {
			r.problems[name] = err.Error()
			continue
		}
		r.entries[name] = &entry{conn: conn, fingerprint: fingerprints[name], token: token}
		r.log.Info("cluster joined the federation", "cluster", name, "server", cfg.Host)
	}
}

// configFor reads a cluster's kubeconfig Secret. The fingerprint covers
// everything but a bearer token, which is returned apart: a renewed token is
// swapped into the running connection. Errors name the Secret and what is
// wrong with it, never its content.
func (r *Registry) configFor(kc *fedv1alpha1.KubernetesCluster) (*rest.Config, string, string, error) {
	ref := r.namespace + "/" + kc.Spec.SecretName
	secret, err := r.secretGet(kc.Spec.SecretName)
	if apierrors.IsNotFound(err) {
		return nil, "", "", fmt.Errorf("kubeconfig Secret %s does not exist or is not of type %s", ref, fedv1alpha1.KubeconfigSecretType)
	}
	if err != nil {
		return nil, "", "", err
	}
	data := secret.Data[fedv1alpha1.KubeconfigSecretKey]
	if len(data) == 0 {
		return nil, "", "", fmt.Errorf("kubeconfig Secret %s has no %q key", ref, fedv1alpha1.KubeconfigSecretKey)
	}
	cfg, err := memberconfig.Load(data)
	if err != nil {
		return nil, "", "", fmt.Errorf("kubeconfig Secret %s: %w", ref, err)
	}
	cfg.QPS, cfg.Burst = 50, 100
	cfg.UserAgent = "meridian-apiserver"
	token := cfg.BearerToken
	withoutToken := rest.CopyConfig(cfg)
	withoutToken.BearerToken = ""
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s|%s|%x|%x|%x|%s|%s|%v", withoutToken.Host, withoutToken.ServerName, withoutToken.CAData, withoutToken.CertData, withoutToken.KeyData,
		withoutToken.Username, withoutToken.BearerTokenFile, withoutToken.ExecProvider)))
	return cfg, hex.EncodeToString(sum[:]), token, nil
}

// bearer sets the current token on every request to a member.
type bearer struct {
	token *atomic.Pointer[string]
	next  http.RoundTripper
}

func (b *bearer) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") != "" {
		return b.next.RoundTrip(req)
	}
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", "Bearer "+*b.token.Load())
	return b.next.RoundTrip(req)
}

func (r *Registry) stopAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, e := range r.entries {
		e.conn.Stop()
		delete(r.entries, name)
	}
}

// Confirm makes a list of one Gloo kind a consistent read: every allowed,
// reachable member is listed live (metadata only) in parallel, each within
// timeout, and the cache must show at least that state before the list is
// served; events in flight get until the timeout to arrive. A member that
// does not answer in time, or that the cache does not catch up with, never
// fails or stalls the request: it gets a warning and its cached objects are
// served.
func (r *Registry) Confirm(ctx context.Context, kind viewsv1alpha1.GlooKind, store *cache.Store, allowed func(string) bool, timeout time.Duration) []string {
	r.mu.RLock()
	var conns []liveLister
	for name, e := range r.entries {
		if allowed(name) && e.conn.Health().Reachable {
			conns = append(conns, e.conn)
		}
	}
	r.mu.RUnlock()
	return confirm(ctx, conns, kind, store, timeout)
}

// liveLister is what a consistent read needs of a member connection.
type liveLister interface {
	Name() string
	LiveVersions(ctx context.Context, k viewsv1alpha1.GlooKind) (map[viewsv1alpha1.ObjectRef]uint64, uint64, error)
}

// confirm lists kind live on every member in parallel, each within
// timeout, and waits until store shows at least what each answered; it
// returns a warning for each member it could not confirm.
func confirm(ctx context.Context, conns []liveLister, kind viewsv1alpha1.GlooKind, store *cache.Store, timeout time.Duration) []string {
	warnings := make([]string, len(conns))
	var wg sync.WaitGroup
	for i, conn := range conns {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			live, rv, err := conn.LiveVersions(ctx, kind)
			if err != nil {
				warnings[i] = fmt.Sprintf("cluster %s did not answer a consistent read within %s (%v): its %s are served from cache", conn.Name(), timeout, err, kind.Resource)
				return
			}
			for !store.Confirm(conn.Name(), live, rv) {
				select {
				case <-ctx.Done():
					warnings[i] = fmt.Sprintf("cluster %s: the cache did not catch up with the member within %s: its %s may be stale", conn.Name(), timeout, kind.Resource)
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
		})
	}
	wg.Wait()
	var out []string
	for _, w := range warnings {
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// Warnings names every allowed cluster that is not fully served: not
// connected, unreachable, or still being read (views.ClusterWarner).
func (r *Registry) Warnings(allowed func(string) bool) []string {
	var out []string
	for _, c := range r.Clusters() {
		if !allowed(c.Name) {
			continue
		}
		switch {
		case c.Problem != "":
			out = append(out, viewsv1alpha1.ClusterWarning(c.Name, viewsv1alpha1.ClusterNotConnected, c.Problem))
		case !c.Health.Reachable && c.Health.Message != "":
			out = append(out, viewsv1alpha1.ClusterWarning(c.Name, viewsv1alpha1.ClusterUnreachable, fmt.Sprintf("since %s (%s)", c.Health.Since.UTC().Format("15:04:05Z"), c.Health.Message)))
		case !c.Health.Synced:
			out = append(out, viewsv1alpha1.ClusterWarning(c.Name, viewsv1alpha1.ClusterBeingRead, ""))
		}
	}
	return out
}

// sinksOf is the federation cache as what member connections publish into.
func sinksOf(caches *cache.Set) member.Sinks {
	sinks := member.Sinks{GlooInstances: caches.GlooInstances, Gloo: map[string]member.Sink{}}
	for resource, st := range caches.Gloo {
		sinks.Gloo[resource] = st
	}
	return sinks
}
