package credentials

import (
	"context"
	"fmt"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/memberconfig"
)

// DefaultRenewFraction: a token is renewed once two thirds of its lifetime
// have passed, leaving a third for retries while the member is unreachable.
const DefaultRenewFraction = 2.0 / 3.0

// Renewer renews the member tokens in the federation namespace's kubeconfig
// Secrets.
type Renewer struct {
	kube      kubernetes.Interface
	namespace string
	fraction  float64
	log       klog.Logger
	queue     workqueue.TypedRateLimitingInterface[string]
	secrets   corelisters.SecretLister
	synced    toolscache.InformerSynced
	// memberClient builds a client for a member from a kubeconfig (tests
	// replace it; by default the registry's TLS-verifying loader).
	memberClient func(kubeconfig []byte) (kubernetes.Interface, error)
}

// NewRenewer returns a renewer for the kubeconfig Secrets in namespace;
// fraction (0 < f < 1) is the part of a token's lifetime after which it is
// renewed (DefaultRenewFraction when 0).
func NewRenewer(kube kubernetes.Interface, namespace string, fraction float64, log klog.Logger) *Renewer {
	if fraction <= 0 || fraction >= 1 {
		fraction = DefaultRenewFraction
	}
	return &Renewer{
		kube: kube, namespace: namespace, fraction: fraction, log: log.WithName("credentials"),
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.DefaultTypedControllerRateLimiter[string](),
			workqueue.TypedRateLimitingQueueConfig[string]{Name: "credentials"}),
		memberClient: func(kubeconfig []byte) (kubernetes.Interface, error) {
			cfg, err := memberconfig.Load(kubeconfig)
			if err != nil {
				return nil, err
			}
			cfg.UserAgent = "meridian-controller"
			cfg.Timeout = 15 * time.Second
			return kubernetes.NewForConfig(cfg)
		},
	}
}

// Start registers the informer on factory (which the caller starts).
func (r *Renewer) Start(factory informers.SharedInformerFactory) {
	inf := factory.Core().V1().Secrets()
	enqueue := func(obj any) {
		if s, ok := obj.(*corev1.Secret); ok && s.Type == fedv1alpha1.KubeconfigSecretType {
			r.queue.Add(s.Name)
		}
	}
	_, _ = inf.Informer().AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, o any) { enqueue(o) },
	})
	r.secrets = inf.Lister()
	r.synced = inf.Informer().HasSynced
}

// HasSynced reports whether the Secrets have been read.
func (r *Renewer) HasSynced() bool { return r.synced != nil && r.synced() }

// Run processes the queue until ctx ends. Errors are retried with backoff,
// forever: a member that is down now may be back before its token expires.
func (r *Renewer) Run(ctx context.Context) {
	defer r.queue.ShutDown()
	if !toolscache.WaitForCacheSync(ctx.Done(), r.synced) {
		return
	}
	go func() {
		<-ctx.Done()
		r.queue.ShutDown()
	}()
	for {
		name, quit := r.queue.Get()
		if quit {
			return
		}
		next, err := r.sync(ctx, name)
		switch {
		case err != nil:
			r.log.Error(err, "renewing the member token failed; retrying", "secret", r.namespace+"/"+name)
			r.queue.AddRateLimited(name)
		default:
			r.queue.Forget(name)
			if next > 0 {
				r.queue.AddAfter(name, next)
			}
		}
		r.queue.Done(name)
	}
}

// sync renews one Secret's token if it is due, and returns when to look again.
func (r *Renewer) sync(ctx context.Context, name string) (time.Duration, error) {
	secret, err := r.secrets.Secrets(r.namespace).Get(name)
	if apierrors.IsNotFound(err) {
		return 0, nil // deregistered
	}
	if err != nil {
		return 0, err
	}
	data := secret.Data[fedv1alpha1.KubeconfigSecretKey]
	cfg, err := clientcmd.Load(data)
	if err != nil {
		return 0, nil // the registry reports unusable kubeconfigs
	}
	ctxName := cfg.CurrentContext
	kctx := cfg.Contexts[ctxName]
	if kctx == nil || cfg.AuthInfos[kctx.AuthInfo] == nil || cfg.AuthInfos[kctx.AuthInfo].Token == "" {
		return 0, nil // not a token credential: nothing to renew
	}
	auth := cfg.AuthInfos[kctx.AuthInfo]
	info, err := parseToken(auth.Token)
	if err != nil {
		r.log.V(2).Info("member credential is not a renewable ServiceAccount token; leaving it", "secret", r.namespace+"/"+name, "reason", err.Error())
		return 0, nil
	}
	now := time.Now()
	if renewAt := info.RenewAt(r.fraction); now.Before(renewAt) {
		return renewAt.Sub(now), nil
	}
	member, err := r.memberClient(data)
	if err != nil {
		return 0, err
	}
	seconds := int64(info.Lifetime().Seconds())
	tr, err := member.CoreV1().ServiceAccounts(info.Namespace).CreateToken(ctx, info.ServiceAccount,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &seconds}}, metav1.CreateOptions{})
	if err != nil {
		return 0, fmt.Errorf("requesting a new token for %s/%s from the member (expires %s): %w", info.Namespace, info.ServiceAccount, info.Expires.UTC().Format(time.RFC3339), err)
	}
	auth.Token = tr.Status.Token
	out, err := clientcmd.Write(*cfg)
	if err != nil {
		return 0, err
	}
	upd := secret.DeepCopy()
	upd.Data[fedv1alpha1.KubeconfigSecretKey] = out
	if _, err := r.kube.CoreV1().Secrets(r.namespace).Update(ctx, upd, metav1.UpdateOptions{FieldManager: "meridian-controller"}); err != nil {
		return 0, fmt.Errorf("writing the renewed token: %w", err)
	}
	r.log.Info("renewed the member token", "secret", r.namespace+"/"+name, "serviceAccount", info.Namespace+"/"+info.ServiceAccount, "expires", tr.Status.ExpirationTimestamp.UTC().Format(time.RFC3339))
	return 0, nil // the update comes back through the informer and schedules the next renewal
}
