package placement

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/uuid"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/klog/v2"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	meridianfake "github.com/meridianfed/meridian/pkg/generated/clientset/versioned/fake"
	meridianinformers "github.com/meridianfed/meridian/pkg/generated/informers/externalversions"
)

// The unit tests run the controller against client-go's dynamic fake, as
// Karmada tests its execution controller: a fake management cluster (the
// federated objects, their status, the leftovers record) and one fake per
// member. A member fake answers server-side apply and preconditions the way
// a kube-apiserver does (resourceVersion in an applied object and delete
// preconditions are checked), and runs a hook before each request so that a
// test can stall a member, fail a request, or change the object between the
// controller's read and its write.

const testNamespace = "meridian-system"

func listKinds() map[schema.GroupVersionResource]string {
	out := map[schema.GroupVersionResource]string{configMaps: "ConfigMapList"}
	for _, k := range Kinds {
		out[k.Federated] = k.FederatedKind + "List"
		out[k.Member] = k.MemberKind + "List"
	}
	return out
}

// fakeMember is one member cluster.
type fakeMember struct {
	*dynamicfake.FakeDynamicClient
	mu sync.Mutex
	rv int
	// hook runs before each request (without the lock); an error is the
	// request's answer.
	hook func(a clienttesting.Action) error
}

func newFakeMember() *fakeMember {
	m := &fakeMember{FakeDynamicClient: dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds())}
	m.PrependReactor("*", "*", m.react)
	return m
}

func (m *fakeMember) setHook(h func(a clienttesting.Action) error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.hook = h
}

func (m *fakeMember) nextRV() string {
	m.rv++
	return strconv.Itoa(m.rv)
}

func (m *fakeMember) react(a clienttesting.Action) (bool, runtime.Object, error) {
	m.mu.Lock()
	hook := m.hook
	m.mu.Unlock()
	if hook != nil {
		if err := hook(a); err != nil {
			return true, nil, err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	gvr, ns := a.GetResource(), a.GetNamespace()
	gr := gvr.GroupResource()
	existing := func(name string) *unstructured.Unstructured {
		o, err := m.Tracker().Get(gvr, ns, name)
		if err != nil {
			return nil
		}
		return o.(*unstructured.Unstructured)
	}
	switch a := a.(type) {
	case clienttesting.CreateActionImpl:
		u := a.GetObject().(*unstructured.Unstructured)
		u.SetUID(uuid.NewUUID())
		u.SetResourceVersion(m.nextRV())
		return false, nil, nil
	case clienttesting.UpdateActionImpl:
		u := a.GetObject().(*unstructured.Unstructured)
		if cur := existing(u.GetName()); cur != nil && u.GetResourceVersion() != "" && u.GetResourceVersion() != cur.GetResourceVersion() {
			return true, nil, apierrors.NewConflict(gr, u.GetName(), fmt.Errorf("the object has been modified"))
		}
		u.SetResourceVersion(m.nextRV())
		return false, nil, nil
	case clienttesting.DeleteActionImpl:
		cur := existing(a.GetName())
		if p := a.GetDeleteOptions().Preconditions; cur != nil && p != nil {
			if (p.UID != nil && *p.UID != cur.GetUID()) || (p.ResourceVersion != nil && *p.ResourceVersion != cur.GetResourceVersion()) {
				return true, nil, apierrors.NewConflict(gr, a.GetName(), fmt.Errorf("precondition failed"))
			}
		}
		return false, nil, nil
	case clienttesting.PatchActionImpl:
		if a.GetPatchType() != types.ApplyPatchType {
			return false, nil, nil
		}
		applied := &unstructured.Unstructured{}
		// Integers as int64, as a real member's answer decodes them.
		if err := utiljson.Unmarshal(a.GetPatch(), &applied.Object); err != nil {
			return true, nil, apierrors.NewBadRequest(err.Error())
		}
		cur := existing(a.GetName())
		// A resourceVersion in the applied object is a precondition on
		// an existing object (a missing one is created).
		if rv := applied.GetResourceVersion(); cur != nil && rv != "" && rv != cur.GetResourceVersion() {
			return true, nil, apierrors.NewConflict(gr, a.GetName(), fmt.Errorf("the object has been modified; please apply your changes to the latest version and try again"))
		}
		if cur == nil {
			applied.SetNamespace(ns)
			applied.SetUID(uuid.NewUUID())
			applied.SetResourceVersion(m.nextRV())
			if err := m.Tracker().Create(gvr, applied, ns); err != nil {
				return true, nil, err
			}
			return true, applied.DeepCopy(), nil
		}
		// Fields the applier sets are its; others' labels and
		// annotations stay.
		out := cur.DeepCopy()
		for k, v := range applied.Object {
			if k != "metadata" {
				out.Object[k] = v
			}
		}
		l := out.GetLabels()
		if l == nil {
			l = map[string]string{}
		}
		maps.Copy(l, applied.GetLabels())
		out.SetLabels(l)
		an := out.GetAnnotations()
		if an == nil {
			an = map[string]string{}
		}
		maps.Copy(an, applied.GetAnnotations())
		out.SetAnnotations(an)
		out.SetResourceVersion(m.nextRV())
		if err := m.Tracker().Update(gvr, out, ns); err != nil {
			return true, nil, err
		}
		return true, out.DeepCopy(), nil
	}
	return false, nil, nil
}

// put stores an object in the member as someone else would create it.
func (m *fakeMember) put(t *testing.T, gvr schema.GroupVersionResource, u *unstructured.Unstructured) {
	t.Helper()
	if _, err := m.Resource(gvr).Namespace(u.GetNamespace()).Create(context.Background(), u, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func (m *fakeMember) get(gvr schema.GroupVersionResource, ns, name string) (*unstructured.Unstructured, error) {
	return m.Resource(gvr).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
}

// fakeMembers registers the fake members.
type fakeMembers struct {
	mu       sync.Mutex
	clusters map[string]*fedv1alpha1.KubernetesCluster
	clients  map[string]*fakeMember
}

func (f *fakeMembers) Namespace() string { return testNamespace }

func (f *fakeMembers) Registered() (map[string]*fedv1alpha1.KubernetesCluster, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.clusters), nil
}

func (f *fakeMembers) Client(kc *fedv1alpha1.KubernetesCluster) (dynamic.Interface, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.clients[kc.Name]
	if !ok {
		return nil, fmt.Errorf("no client for %s", kc.Name)
	}
	return c, nil
}

// testEnv is a controller running against fakes.
type testEnv struct {
	t        *testing.T
	mgmt     *dynamicfake.FakeDynamicClient
	members  *fakeMembers
	recorder *record.FakeRecorder
	c        *Controller
	ctx      context.Context
	opts     Options
	stop     func()
	// kind, if set, changes the controller's kind table (before it runs).
	kind func(Kind) Kind
	// withViews, if set, gives the controller synced views (of nothing
	// placed), as the views API serves them once it has read the members.
	withViews bool
	// views is the views API the controller reads when withViews.
	views *meridianfake.Clientset

	syncsMu sync.Mutex
	syncs   map[string]int // member syncs by cluster, since the start
}

// newTestEnvWithKinds is newTestEnv with the kind table changed by kind.
func newTestEnvWithKinds(t *testing.T, kind func(Kind) Kind, clusters ...string) *testEnv {
	return newTestEnvKinds(t, Options{}, kind, clusters...)
}

// newTestEnv runs a controller over members named clusters until the test
// ends.
func newTestEnv(t *testing.T, opts Options, clusters ...string) *testEnv {
	return newTestEnvKinds(t, opts, nil, clusters...)
}

// newTestEnvWithViews is newTestEnv with synced views of nothing placed.
func newTestEnvWithViews(t *testing.T, clusters ...string) *testEnv {
	return newTestEnvOf(t, Options{}, nil, true, clusters...)
}

func newTestEnvKinds(t *testing.T, opts Options, kind func(Kind) Kind, clusters ...string) *testEnv {
	return newTestEnvOf(t, opts, kind, false, clusters...)
}

func newTestEnvOf(t *testing.T, opts Options, kind func(Kind) Kind, withViews bool, clusters ...string) *testEnv {
	t.Helper()
	e := &testEnv{t: t, kind: kind, withViews: withViews,
		mgmt:     dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds()),
		members:  &fakeMembers{clusters: map[string]*fedv1alpha1.KubernetesCluster{}, clients: map[string]*fakeMember{}},
		recorder: record.NewFakeRecorder(1000),
	}
	for _, name := range clusters {
		e.members.clusters[name] = &fedv1alpha1.KubernetesCluster{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: testNamespace}}
		e.members.clients[name] = newFakeMember()
	}
	if opts.Resync == 0 {
		opts.Resync = time.Hour // the tests trigger every reconcile they expect
	}
	if opts.Sweep == 0 {
		opts.Sweep = time.Hour
	}
	e.opts = opts
	e.ctx = context.Background()
	e.start()
	return e
}

// start runs a new controller (a new process: nothing in memory) until
// the test ends or restart.
func (e *testEnv) start() {
	e.t.Helper()
	e.c = New(e.mgmt, e.members, e.recorder, e.opts, klog.Background())
	syncMember := e.c.memberQs.sync
	e.c.memberQs.sync = func(ctx context.Context, cluster string, k key) bool {
		e.syncsMu.Lock()
		if e.syncs == nil {
			e.syncs = map[string]int{}
		}
		e.syncs[cluster]++
		e.syncsMu.Unlock()
		return syncMember(ctx, cluster, k)
	}
	factory := dynamicinformer.NewDynamicSharedInformerFactory(e.mgmt, time.Hour)
	e.c.Register(factory)
	var viewFactories []meridianinformers.SharedInformerFactory
	if e.withViews {
		views := meridianfake.NewSimpleClientset()
		e.views = views
		placed := meridianinformers.NewSharedInformerFactoryWithOptions(views, 0, OwnedOnly())
		instances := meridianinformers.NewSharedInformerFactory(views, 0)
		v, err := NewViews(placed, instances)
		if err != nil {
			e.t.Fatal(err)
		}
		e.c.UseViews(v)
		viewFactories = append(viewFactories, placed, instances)
	}
	if e.kind != nil {
		for r, k := range e.c.kinds {
			e.c.kinds[r] = e.kind(k)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	factory.Start(ctx.Done())
	for _, f := range viewFactories {
		f.Start(ctx.Done())
		f.WaitForCacheSync(ctx.Done())
	}
	var wg sync.WaitGroup
	wg.Go(func() { e.c.Run(ctx) })
	e.stop = func() {
		cancel()
		wg.Wait()
		factory.Shutdown()
	}
	e.t.Cleanup(e.stop) // again after a restart: it does nothing then
	if !toolscache.WaitForCacheSync(ctx.Done(), e.c.HasSynced) {
		e.t.Fatal("informers not synced")
	}
}

// memberSyncs returns how many times the controller synced a federated
// object in cluster.
func (e *testEnv) memberSyncs(cluster string) int {
	e.syncsMu.Lock()
	defer e.syncsMu.Unlock()
	return e.syncs[cluster]
}

// restart stops the controller and runs a new one, as a new leader would.
func (e *testEnv) restart() {
	e.stop()
	e.start()
}

func (e *testEnv) member(name string) *fakeMember { return e.members.clients[name] }

// create stores a federated object (generation 1).
func (e *testEnv) create(u *unstructured.Unstructured) {
	e.t.Helper()
	u.SetGeneration(1)
	u.SetUID(uuid.NewUUID())
	if _, err := e.mgmt.Resource(kindOf(u).Federated).Namespace(u.GetNamespace()).Create(e.ctx, u, metav1.CreateOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

// edit changes a federated object's spec, as the API server does: the
// generation moves.
func (e *testEnv) edit(k Kind, name string, change func(u *unstructured.Unstructured)) {
	e.t.Helper()
	ri := e.mgmt.Resource(k.Federated).Namespace("fed")
	u, err := ri.Get(e.ctx, name, metav1.GetOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	change(u)
	u.SetGeneration(u.GetGeneration() + 1)
	if _, err := ri.Update(e.ctx, u, metav1.UpdateOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

// remove deletes a federated object as the API server does while a
// finalizer holds it: a deletion timestamp, then gone once the finalizers
// are.
func (e *testEnv) remove(k Kind, name string) {
	e.t.Helper()
	ri := e.mgmt.Resource(k.Federated).Namespace("fed")
	u, err := ri.Get(e.ctx, name, metav1.GetOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	now := metav1.Now()
	u.SetDeletionTimestamp(&now)
	if _, err := ri.Update(e.ctx, u, metav1.UpdateOptions{}); err != nil {
		e.t.Fatal(err)
	}
	// The fake keeps an object whose finalizers are gone: the test's
	// reactor deletes it then, as the API server would.
	e.reactOnManagement("patch", k.Federated.Resource, func(a clienttesting.Action) (bool, runtime.Object, error) {
		pa := a.(clienttesting.PatchActionImpl)
		if pa.GetName() != name || pa.GetSubresource() != "" {
			return false, nil, nil
		}
		var patch struct {
			Metadata struct {
				Finalizers *[]string `json:"finalizers"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(pa.GetPatch(), &patch); err == nil && patch.Metadata.Finalizers != nil && len(*patch.Metadata.Finalizers) == 0 {
			if err := e.mgmt.Tracker().Delete(k.Federated, "fed", name); err != nil {
				return true, nil, err
			}
			return true, u, nil
		}
		return false, nil, nil
	})
}

// gone reports whether a federated object no longer exists.
func (e *testEnv) gone(k Kind, name string) bool {
	_, err := e.mgmt.Resource(k.Federated).Namespace("fed").Get(e.ctx, name, metav1.GetOptions{})
	return apierrors.IsNotFound(err)
}

// status reads a federated object's status.
func (e *testEnv) status(k Kind, name string) fedv1alpha1.FederatedStatus {
	e.t.Helper()
	u, err := e.mgmt.Resource(k.Federated).Namespace("fed").Get(e.ctx, name, metav1.GetOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	var st fedv1alpha1.FederatedStatus
	if raw, ok := u.Object["status"].(map[string]any); ok {
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &st); err != nil {
			e.t.Fatal(err)
		}
	}
	return st
}

// states is a status as "cluster/namespace" -> state.
func states(st fedv1alpha1.FederatedStatus) map[string]fedv1alpha1.PlacementState {
	out := map[string]fedv1alpha1.PlacementState{}
	for _, p := range st.Placements {
		out[p.Cluster+"/"+p.Namespace] = p.State
	}
	return out
}

// eventually polls cond until it holds, failing the test after a while
// (the controller works in the background; nothing here times it).
func (e *testEnv) eventually(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("never: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func kindOf(u *unstructured.Unstructured) Kind {
	for _, k := range Kinds {
		if k.FederatedKind == u.GetKind() {
			return k
		}
	}
	panic("no kind " + u.GetKind())
}

var (
	upstreamKind = kindByName("FederatedUpstream")
	secretKind   = kindByName("FederatedSecret")
)

func kindByName(name string) Kind {
	for _, k := range Kinds {
		if k.FederatedKind == name {
			return k
		}
	}
	panic(name)
}

// fedUpstream is a FederatedUpstream in namespace fed placing Upstream name
// into clusters × namespaces, with optional overrides.
func fedUpstream(name string, clusters, namespaces []string, overrides ...any) *unstructured.Unstructured {
	spec := map[string]any{
		"template":  map[string]any{"spec": map[string]any{"kube": map[string]any{"serviceName": name, "serviceNamespace": "default", "servicePort": int64(8080)}}},
		"placement": map[string]any{"clusters": toAnySlice(clusters), "namespaces": toAnySlice(namespaces)},
	}
	if len(overrides) > 0 {
		spec["overrides"] = overrides
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": fedv1alpha1.SchemeGroupVersion.String(), "kind": "FederatedUpstream",
		"metadata": map[string]any{"name": name, "namespace": "fed"},
		"spec":     spec,
	}}
}

// fedSecret is a FederatedSecret in namespace fed.
func fedSecret(name string, clusters, namespaces []string, overrides ...any) *unstructured.Unstructured {
	u := fedUpstream(name, clusters, namespaces, overrides...)
	u.SetKind("FederatedSecret")
	u.Object["spec"].(map[string]any)["template"] = map[string]any{"type": "Opaque", "data": map[string]any{"key": "dmFsdWU="}}
	return u
}

func override(cluster string, patches ...map[string]any) map[string]any {
	ps := []any{}
	for _, p := range patches {
		ps = append(ps, p)
	}
	return map[string]any{"clusterName": cluster, "patches": ps}
}

func toAnySlice(s []string) []any {
	out := []any{}
	for _, v := range s {
		out = append(out, v)
	}
	return out
}

// upstream is a hand-made Upstream (no owner marks).
func upstream(namespace, name string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "gloo.solo.io/v1", "kind": "Upstream",
		"metadata": map[string]any{"name": name, "namespace": namespace},
		"spec":     map[string]any{"static": map[string]any{"hosts": []any{map[string]any{"addr": "10.0.0.1", "port": int64(80)}}}},
	}}
}

// replace puts u in place of whatever m holds under its name, as someone
// else would between two of the controller's requests: a new object (new
// UID and resourceVersion), or, with keepUID, the same one edited.
func (m *fakeMember) replace(gvr schema.GroupVersionResource, u *unstructured.Unstructured, keepUID bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u = u.DeepCopy()
	cur, err := m.Tracker().Get(gvr, u.GetNamespace(), u.GetName())
	if err == nil && keepUID {
		u.SetUID(cur.(*unstructured.Unstructured).GetUID())
	} else {
		u.SetUID(uuid.NewUUID())
	}
	u.SetResourceVersion(m.nextRV())
	if err == nil {
		_ = m.Tracker().Delete(gvr, u.GetNamespace(), u.GetName())
	}
	_ = m.Tracker().Create(gvr, u, u.GetNamespace())
}

// before runs do once, before the first request of verb for name in m.
func (m *fakeMember) before(verb, name string, do func()) {
	var once sync.Once
	m.setHook(func(a clienttesting.Action) error {
		if a.GetVerb() != verb {
			return nil
		}
		if n, ok := a.(interface{ GetName() string }); ok && n.GetName() == name {
			once.Do(do)
		}
		return nil
	})
}

// reactOnManagement adds a reactor to the management cluster's fake while
// the controller may be calling it: the fake reads its reactors under its
// lock but adds them without, which the race detector reports.
func (e *testEnv) reactOnManagement(verb, resource string, fn clienttesting.ReactionFunc) {
	e.mgmt.Lock()
	defer e.mgmt.Unlock()
	e.mgmt.PrependReactor(verb, resource, fn)
}
