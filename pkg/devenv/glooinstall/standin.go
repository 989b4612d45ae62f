package glooinstall

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	gatewayv1 "github.com/meridianfed/meridian/pkg/apis/gloo/gateway/v1"
	gloov1 "github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1"
	glooclient "github.com/meridianfed/meridian/pkg/generated/gloo/clientset/versioned"
	glooinformers "github.com/meridianfed/meridian/pkg/generated/gloo/informers/externalversions"
	gatewaylisters "github.com/meridianfed/meridian/pkg/generated/gloo/listers/gateway/v1"
	gloolisters "github.com/meridianfed/meridian/pkg/generated/gloo/listers/gloo/v1"
)

// StandInOptions configure RunStandIn.
type StandInOptions struct {
	// Namespace is the installation's namespace (where its Settings and
	// Gateways are, and the key of the statuses it writes).
	Namespace string
	// Logf, if set, receives one line per failed write.
	Logf func(format string, args ...any)
	// Debounce lets a burst of events settle into one translation. Default
	// 100ms (Gloo debounces its snapshot too).
	Debounce time.Duration
}

// RunStandIn plays Gloo's translation loop for one installation of the local
// environment until ctx ends: it watches the Gloo kinds in the member behind
// cfg, translates them (Translate) on every change, writes each object's
// status.statuses[<namespace>] where it differs from the verdict, and keeps
// the installation's Proxies as Gloo's gateway controller would. Real Gloo
// cannot run here (no container images, and Gloo's Go modules are not
// available), so without this nothing would ever report on a new or changed
// Gloo object. It exists only for the demo and the e2e suite: no binary
// Meridian ships imports this package.
//
// It returns once its caches have synced and the first translation is
// written; the loop goes on in the background. A member that is stopped or
// hung is retried, as Gloo's own watches would be.
func RunStandIn(ctx context.Context, cfg *rest.Config, opts StandInOptions) error {
	if opts.Namespace == "" {
		return fmt.Errorf("glooinstall: StandInOptions.Namespace is required")
	}
	if opts.Debounce == 0 {
		opts.Debounce = 100 * time.Millisecond
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	cfg = rest.CopyConfig(cfg)
	cfg.Timeout = 15 * time.Second // a hung member must not wedge the loop
	gloo, err := glooclient.NewForConfig(cfg)
	if err != nil {
		return err
	}
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	s := &standIn{opts: opts, gloo: gloo, kick: make(chan struct{}, 1)}
	gf := glooinformers.NewSharedInformerFactory(gloo, 0)
	kf := informers.NewSharedInformerFactory(kube, 0)
	s.upstreams = gf.Gloo().V1().Upstreams().Lister()
	s.groups = gf.Gloo().V1().UpstreamGroups().Lister()
	s.settings = gf.Gloo().V1().Settings().Lister()
	s.proxies = gf.Gloo().V1().Proxies().Lister()
	s.gateways = gf.Gateway().V1().Gateways().Lister()
	s.services = gf.Gateway().V1().VirtualServices().Lister()
	s.tables = gf.Gateway().V1().RouteTables().Lister()
	secrets := kf.Core().V1().Secrets()
	s.secrets = secrets.Lister()
	handler := toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { s.trigger() },
		UpdateFunc: func(any, any) { s.trigger() },
		DeleteFunc: func(any) { s.trigger() },
	}
	for _, inf := range []toolscache.SharedIndexInformer{
		gf.Gloo().V1().Upstreams().Informer(), gf.Gloo().V1().UpstreamGroups().Informer(),
		gf.Gloo().V1().Settings().Informer(), gf.Gloo().V1().Proxies().Informer(),
		gf.Gateway().V1().Gateways().Informer(), gf.Gateway().V1().VirtualServices().Informer(),
		gf.Gateway().V1().RouteTables().Informer(), secrets.Informer(),
	} {
		if _, err := inf.AddEventHandler(handler); err != nil {
			return err
		}
	}
	gf.Start(ctx.Done())
	kf.Start(ctx.Done())
	for typ, ok := range gf.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return fmt.Errorf("glooinstall: stand-in cache of %v did not sync", typ)
		}
	}
	for typ, ok := range kf.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return fmt.Errorf("glooinstall: stand-in cache of %v did not sync", typ)
		}
	}
	if err := s.sync(ctx); err != nil {
		opts.Logf("gloo stand-in (%s): first translation: %v; retrying", opts.Namespace, err)
	}
	go s.loop(ctx)
	return nil
}

type standIn struct {
	opts      StandInOptions
	gloo      glooclient.Interface
	kick      chan struct{}
	upstreams gloolisters.UpstreamLister
	groups    gloolisters.UpstreamGroupLister
	settings  gloolisters.SettingsLister
	proxies   gloolisters.ProxyLister
	gateways  gatewaylisters.GatewayLister
	services  gatewaylisters.VirtualServiceLister
	tables    gatewaylisters.RouteTableLister
	secrets   interface {
		List(labels.Selector) ([]*corev1.Secret, error)
	}
}

func (s *standIn) trigger() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *standIn) loop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.opts.Debounce):
		}
		if err := s.sync(ctx); err != nil && ctx.Err() == nil {
			// A conflict or an unreachable member: translate again soon,
			// from the caches as they are then.
			s.opts.Logf("gloo stand-in (%s): %v; retrying", s.opts.Namespace, err)
			time.AfterFunc(time.Second, s.trigger)
		}
	}
}

// snapshot reads the caches into Translate's input.
func (s *standIn) snapshot() (Snapshot, error) {
	snap := Snapshot{Namespace: s.opts.Namespace, Secrets: map[string]bool{}}
	if st, err := s.settings.Settings(s.opts.Namespace).Get("default"); err == nil {
		snap.Settings = st
	}
	var err error
	if snap.Upstreams, err = s.upstreams.List(labels.Everything()); err != nil {
		return snap, err
	}
	if snap.UpstreamGroups, err = s.groups.List(labels.Everything()); err != nil {
		return snap, err
	}
	if snap.Gateways, err = s.gateways.List(labels.Everything()); err != nil {
		return snap, err
	}
	if snap.VirtualServices, err = s.services.List(labels.Everything()); err != nil {
		return snap, err
	}
	if snap.RouteTables, err = s.tables.List(labels.Everything()); err != nil {
		return snap, err
	}
	secrets, err := s.secrets.List(labels.Everything())
	if err != nil {
		return snap, err
	}
	for _, sec := range secrets {
		snap.Secrets[key(sec.Namespace, sec.Name)] = true
	}
	return snap, nil
}

// sync translates and writes what differs. It returns the first failure
// after trying every write.
func (s *standIn) sync(ctx context.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	tr := Translate(snap)
	var first error
	note := func(err error) {
		if err != nil && !apierrors.IsNotFound(err) && first == nil {
			first = err
		}
	}
	note(s.syncProxies(ctx, tr.Proxies))
	for ref, want := range tr.Statuses {
		note(s.writeStatus(ctx, ref, want))
	}
	return first
}

// sameStatus compares what the stand-in decides (state, reason, reporter,
// sub-resource statuses), in their JSON form so that a state written as
// text and one written as a number compare by meaning only once rewritten.
func sameStatus(have core.Status, ok bool, want core.Status) bool {
	if !ok {
		return false
	}
	a, _ := json.Marshal(core.Status{State: have.State, Reason: have.Reason, ReportedBy: have.ReportedBy, SubresourceStatuses: have.SubresourceStatuses})
	b, _ := json.Marshal(want)
	return string(a) == string(b)
}

// writeStatus sets status.statuses[<namespace>] of one object, from the
// cached copy, guarded by its resourceVersion (a conflict is retried by the
// loop with fresh caches). Gloo's CRDs have no status subresource: Gloo
// writes status with the object, and so does this.
func (s *standIn) writeStatus(ctx context.Context, ref Ref, want core.Status) error {
	ns := s.opts.Namespace
	opts := metav1.UpdateOptions{FieldManager: "gloo"}
	in := ref.Namespace
	switch ref.Kind {
	case "Upstream":
		return writeIf(ns, want, func() (*gloov1.Upstream, error) { return s.upstreams.Upstreams(in).Get(ref.Name) },
			(*gloov1.Upstream).DeepCopy, func(o *gloov1.Upstream) *core.NamespacedStatuses { return &o.Status },
			func(o *gloov1.Upstream) error {
				_, err := s.gloo.GlooV1().Upstreams(in).Update(ctx, o, opts)
				return err
			})
	case "UpstreamGroup":
		return writeIf(ns, want, func() (*gloov1.UpstreamGroup, error) { return s.groups.UpstreamGroups(in).Get(ref.Name) },
			(*gloov1.UpstreamGroup).DeepCopy, func(o *gloov1.UpstreamGroup) *core.NamespacedStatuses { return &o.Status },
			func(o *gloov1.UpstreamGroup) error {
				_, err := s.gloo.GlooV1().UpstreamGroups(in).Update(ctx, o, opts)
				return err
			})
	case "Settings":
		return writeIf(ns, want, func() (*gloov1.Settings, error) { return s.settings.Settings(in).Get(ref.Name) },
			(*gloov1.Settings).DeepCopy, func(o *gloov1.Settings) *core.NamespacedStatuses { return &o.Status },
			func(o *gloov1.Settings) error {
				_, err := s.gloo.GlooV1().Settings(in).Update(ctx, o, opts)
				return err
			})
	case "Gateway":
		return writeIf(ns, want, func() (*gatewayv1.Gateway, error) { return s.gateways.Gateways(in).Get(ref.Name) },
			(*gatewayv1.Gateway).DeepCopy, func(o *gatewayv1.Gateway) *core.NamespacedStatuses { return &o.Status },
			func(o *gatewayv1.Gateway) error {
				_, err := s.gloo.GatewayV1().Gateways(in).Update(ctx, o, opts)
				return err
			})
	case "VirtualService":
		return writeIf(ns, want, func() (*gatewayv1.VirtualService, error) { return s.services.VirtualServices(in).Get(ref.Name) },
			(*gatewayv1.VirtualService).DeepCopy, func(o *gatewayv1.VirtualService) *core.NamespacedStatuses { return &o.Status },
			func(o *gatewayv1.VirtualService) error {
				_, err := s.gloo.GatewayV1().VirtualServices(in).Update(ctx, o, opts)
				return err
			})
	case "RouteTable":
		return writeIf(ns, want, func() (*gatewayv1.RouteTable, error) { return s.tables.RouteTables(in).Get(ref.Name) },
			(*gatewayv1.RouteTable).DeepCopy, func(o *gatewayv1.RouteTable) *core.NamespacedStatuses { return &o.Status },
			func(o *gatewayv1.RouteTable) error {
				_, err := s.gloo.GatewayV1().RouteTables(in).Update(ctx, o, opts)
				return err
			})
	case "Proxy":
		return nil // written with the Proxy itself (syncProxies)
	}
	return fmt.Errorf("glooinstall: no status writer for %s", ref.Kind)
}

// writeIf writes want as the status the installation reports on one cached
// object, unless it already carries it.
func writeIf[T any](ns string, want core.Status, get func() (T, error), deepCopy func(T) T, statuses func(T) *core.NamespacedStatuses, update func(T) error) error {
	o, err := get()
	if err != nil {
		return err
	}
	if have, ok := statuses(o).For(ns); sameStatus(have, ok, want) {
		return nil
	}
	o = deepCopy(o)
	statuses(o).Set(ns, want)
	return update(o)
}

// syncProxies creates, rewrites and deletes the installation's Proxies (those
// labelled created_by=gloo-gateway) to match the translation.
func (s *standIn) syncProxies(ctx context.Context, want []*gloov1.Proxy) error {
	ns := s.opts.Namespace
	have, err := s.proxies.Proxies(ns).List(labels.SelectorFromSet(labels.Set{"created_by": proxyCreatedBy}))
	if err != nil {
		return err
	}
	byName := map[string]*gloov1.Proxy{}
	for _, p := range have {
		byName[p.Name] = p
	}
	client := s.gloo.GlooV1().Proxies(ns)
	var first error
	note := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	for _, p := range want {
		cur, ok := byName[p.Name]
		delete(byName, p.Name)
		if !ok {
			_, err := client.Create(ctx, p, metav1.CreateOptions{FieldManager: "gloo"})
			if apierrors.IsAlreadyExists(err) {
				err = nil // someone else's Proxy of that name: left alone
			}
			note(err)
			continue
		}
		if toJSON(cur.Spec) == toJSON(p.Spec) && toJSON(cur.Status.Statuses) == toJSON(p.Status.Statuses) {
			continue
		}
		next := cur.DeepCopy()
		next.Spec = p.Spec
		next.Status.Statuses = p.Status.Statuses
		_, err := client.Update(ctx, next, metav1.UpdateOptions{FieldManager: "gloo"})
		note(err)
	}
	for name := range byName {
		err := client.Delete(ctx, name, metav1.DeleteOptions{})
		if !apierrors.IsNotFound(err) {
			note(err)
		}
	}
	return first
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
