package member

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
)

// startGlooReflector watches one Gloo kind on the member and feeds its view
// store. Objects are decoded straight into view types (see memberScheme).
func (c *Connection) startGlooReflector(ctx context.Context, config *rest.Config, k viewsv1alpha1.GlooKind) error {
	cfg := rest.CopyConfig(config)
	gv := k.Member.GroupVersion()
	cfg.GroupVersion = &gv
	cfg.APIPath = "/apis"
	cfg.NegotiatedSerializer = memberCodecs.WithoutConversion()
	cfg.ContentType = runtime.ContentTypeJSON
	cfg.AcceptContentTypes = runtime.ContentTypeJSON
	client, err := rest.RESTClientFor(cfg)
	if err != nil {
		return fmt.Errorf("cluster %s: client for %s: %w", c.name, k.Member, err)
	}
	lw := &toolscache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			list := k.NewList()
			err := client.Get().Resource(k.Member.Resource).VersionedParams(&opts, metav1.ParameterCodec).Do(ctx).Into(list)
			c.health.observe(k.Kind, err)
			if apierrors.IsNotFound(err) {
				// Gloo's CRD is not installed here: nothing of this kind,
				// which is not an error of the member.
				return emptyList(k), nil
			}
			return list, err
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			opts.Watch = true
			w, err := client.Get().Resource(k.Member.Resource).VersionedParams(&opts, metav1.ParameterCodec).Watch(ctx)
			c.health.observe(k.Kind, err)
			return w, err
		},
	}
	store := &viewStore{cluster: c.name, sink: c.sinks.Gloo[k.Resource], conn: c, kind: k.Kind, ctx: ctx}
	r := toolscache.NewReflectorWithOptions(lw, k.New(), store, toolscache.ReflectorOptions{
		Name:            fmt.Sprintf("%s/%s", c.name, k.Member.Resource),
		TypeDescription: k.Member.String(),
	})
	c.watchSynced(ctx, k.Kind, store.hasSynced)
	go r.RunWithContext(ctx)
	return nil
}

func emptyList(k viewsv1alpha1.GlooKind) runtime.Object {
	list := k.NewList()
	_ = meta.SetList(list, nil)
	if lm, err := meta.ListAccessor(list); err == nil {
		lm.SetResourceVersion("0")
	}
	return list
}

// viewStore adapts the reflector's store interface to a Sink: member
// objects become view objects of this cluster, and what discovery needs of
// them is kept in the connection's inputs.
type viewStore struct {
	cluster string
	kind    string
	sink    Sink
	conn    *Connection
	synced  atomic.Bool
	// ctx is the reflector's: once it ends (the reflector was replaced by a
	// relist), what it still delivers is dropped, not written over the new
	// reflector's state.
	ctx context.Context
}

var _ toolscache.ReflectorStore = (*viewStore)(nil)

func (s *viewStore) hasSynced() bool { return s.synced.Load() }

func (s *viewStore) Add(obj any) error    { return s.upsert(obj) }
func (s *viewStore) Update(obj any) error { return s.upsert(obj) }

func (s *viewStore) upsert(obj any) error {
	if s.ctx.Err() != nil {
		return nil
	}
	o, rv, in, err := s.toView(obj)
	if err != nil {
		return err
	}
	s.conn.inputs.upsert(s.kind, in)
	s.sink.Upsert(s.cluster, o, rv)
	s.conn.observeRV(o.GetResourceVersion())
	s.conn.trigger()
	return nil
}

func (s *viewStore) Delete(obj any) error {
	if s.ctx.Err() != nil {
		return nil
	}
	if d, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
		obj = d.Obj
	}
	o, rv, in, err := s.toView(obj)
	if err != nil {
		return err
	}
	s.conn.inputs.delete(s.kind, in.key)
	s.sink.Delete(s.cluster, o.GetNamespace(), o.GetName(), rv)
	s.conn.trigger()
	return nil
}

func (s *viewStore) Replace(list []any, resourceVersion string) error {
	if s.ctx.Err() != nil {
		return nil
	}
	rv, _ := cache.ParseMemberRV(resourceVersion)
	objs := make([]cache.Object, 0, len(list))
	ins := make([]glooInput, 0, len(list))
	for _, item := range list {
		o, _, in, err := s.toView(item)
		if err != nil {
			return err
		}
		objs = append(objs, o)
		ins = append(ins, in)
	}
	s.conn.inputs.replace(s.kind, ins)
	s.sink.Replace(s.cluster, objs, rv)
	s.conn.observeRV(resourceVersion)
	s.synced.Store(true)
	s.conn.trigger()
	return nil
}

func (s *viewStore) Resync() error { return nil }

// UpdateResourceVersion records bookmarks: the member has progressed.
func (s *viewStore) UpdateResourceVersion(resourceVersion string) {
	if rv, err := cache.ParseMemberRV(resourceVersion); err == nil {
		s.sink.Progress(s.cluster, rv)
		s.conn.observeRV(resourceVersion)
	}
}

// toView makes a member object its view (viewsv1alpha1.ToView), with the
// strings that repeat across objects interned, and returns what discovery
// needs of it.
func (s *viewStore) toView(obj any) (cache.Object, uint64, glooInput, error) {
	o, ok := obj.(cache.Object)
	if !ok {
		return nil, 0, glooInput{}, fmt.Errorf("cluster %s: unexpected %T in a %s watch", s.cluster, obj, s.kind)
	}
	rv, err := cache.ParseMemberRV(o.GetResourceVersion())
	if err != nil {
		return nil, 0, glooInput{}, err
	}
	viewsv1alpha1.ToView(s.cluster, o, intern)
	// The member name is the view name's tail: sharing it costs nothing.
	_, name, err := viewsv1alpha1.SplitClusterName(o.GetName())
	if err != nil {
		return nil, 0, glooInput{}, err
	}
	in := inputOf(s.kind, inputKey{namespace: o.GetNamespace(), name: name}, o)
	return o, rv, in, nil
}

// intern returns a shared copy of s, so that equal strings held by many
// cached objects (namespaces, label keys, common label values) cost one
// allocation. The table is bounded: past its size, or for long strings,
// strings are kept as they are. (unique.Make would forget a string as soon as
// no handle to it is left, which is at once here.)
func intern(s string) string {
	if s == "" || len(s) > internMaxLen {
		return s
	}
	interned.mu.Lock()
	defer interned.mu.Unlock()
	if c, ok := interned.m[s]; ok {
		return c
	}
	if len(interned.m) < internMaxEntries {
		interned.m[s] = s
	}
	return s
}

const (
	internMaxLen     = 128
	internMaxEntries = 1 << 14
)

var interned = struct {
	mu sync.Mutex
	m  map[string]string
}{m: map[string]string{}}
