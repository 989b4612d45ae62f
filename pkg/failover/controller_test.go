package failover

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/client-go/dynamic"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/generated/clientset/versioned/fake"
	meridianinformers "github.com/meridianfed/meridian/pkg/generated/informers/externalversions"
)

const fedNamespace = "meridian-system"

// fakeMember is a member cluster's Upstreams as server-side apply treats
// them for one field manager owning spec.failover: an apply sets the
// field, or removes it when the applied spec has none; the rest of the
// object is left as it is. A resourceVersion applied is a precondition.
type fakeMember struct {
	*dynamicfake.FakeDynamicClient
	mu      sync.Mutex
	objs    map[string]map[string]any // "namespace/name" → object
	rv      int
	applies int
	gets    int
	// hook runs before each request; an error is the request's answer.
	hook func(verb string) error
}

func newFakeMember() *fakeMember {
	m := &fakeMember{FakeDynamicClient: dynamicfake.NewSimpleDynamicClient(runtime.NewScheme()), objs: map[string]map[string]any{}}
	m.PrependReactor("*", "*", m.react)
	return m
}

func (m *fakeMember) put(namespace, name, spec string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var sp map[string]any
	if err := utiljson.Unmarshal([]byte(spec), &sp); err != nil {
		panic(err)
	}
	m.rv++
	m.objs[namespace+"/"+name] = map[string]any{"apiVersion": "gloo.solo.io/v1", "kind": "Upstream",
		"metadata": map[string]any{"namespace": namespace, "name": name, "resourceVersion": fmt.Sprint(m.rv)}, "spec": sp}
}

// touch changes the object's resourceVersion, as another writer would.
func (m *fakeMember) touch(namespace, name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rv++
	_ = unstructured.SetNestedField(m.objs[namespace+"/"+name], fmt.Sprint(m.rv), "metadata", "resourceVersion")
}

func (m *fakeMember) spec(namespace, name string) map[string]any {
	m.mu.Lock()
	defer m.mu.Unlock()
	o := m.objs[namespace+"/"+name]
	if o == nil {
		return nil
	}
	return runtime.DeepCopyJSONValue(o["spec"]).(map[string]any)
}

func (m *fakeMember) counts() (applies, gets int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.applies, m.gets
}

func (m *fakeMember) setHook(h func(verb string) error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.hook = h
}

func (m *fakeMember) react(a clienttesting.Action) (bool, runtime.Object, error) {
	m.mu.Lock()
	hook := m.hook
	m.mu.Unlock()
	if hook != nil {
		if err := hook(a.GetVerb()); err != nil {
			return true, nil, err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	gr := a.GetResource().GroupResource()
	switch a := a.(type) {
	case clienttesting.GetActionImpl:
		m.gets++
		o := m.objs[a.GetNamespace()+"/"+a.GetName()]
		if o == nil {
			return true, nil, apierrors.NewNotFound(gr, a.GetName())
		}
		return true, &unstructured.Unstructured{Object: runtime.DeepCopyJSON(o)}, nil
	case clienttesting.PatchActionImpl:
		if a.GetPatchType() != types.ApplyPatchType {
			return true, nil, apierrors.NewBadRequest("only apply")
		}
		var applied map[string]any // integers as int64, as a real client decodes them
		if err := utiljson.Unmarshal(a.GetPatch(), &applied); err != nil {
			return true, nil, apierrors.NewBadRequest(err.Error())
		}
		o := m.objs[a.GetNamespace()+"/"+a.GetName()]
		rv, _, _ := unstructured.NestedString(applied, "metadata", "resourceVersion")
		if o == nil {
			return true, nil, apierrors.NewConflict(gr, a.GetName(), fmt.Errorf("resourceVersion %s given for an object that does not exist", rv))
		}
		if cur, _, _ := unstructured.NestedString(o, "metadata", "resourceVersion"); rv != "" && rv != cur {
			return true, nil, apierrors.NewConflict(gr, a.GetName(), fmt.Errorf("the object has been modified"))
		}
		spec := o["spec"].(map[string]any)
		if f, ok, _ := unstructured.NestedFieldCopy(applied, "spec", "failover"); ok {
			spec["failover"] = f
		} else {
			delete(spec, "failover")
		}
		m.rv++
		m.applies++
		_ = unstructured.SetNestedField(o, fmt.Sprint(m.rv), "metadata", "resourceVersion")
		return true, &unstructured.Unstructured{Object: runtime.DeepCopyJSON(o)}, nil
	}
	return true, nil, apierrors.NewBadRequest("unexpected " + a.GetVerb())
}

type fakeMembers struct {
	mu      sync.Mutex
	clients map[string]*fakeMember
	fed     *fake.Clientset
}

func (f *fakeMembers) Namespace() string { return fedNamespace }

func (f *fakeMembers) Registered() (map[string]*fedv1alpha1.KubernetesCluster, error) {
	list, err := f.fed.FedV1alpha1().KubernetesClusters(fedNamespace).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	out := map[string]*fedv1alpha1.KubernetesCluster{}
	for i := range list.Items {
		out[list.Items[i].Name] = &list.Items[i]
	}
	return out, nil
}

func (f *fakeMembers) Client(kc *fedv1alpha1.KubernetesCluster) (dynamic.Interface, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.clients[kc.Name], nil
}

type env struct {
	t       *testing.T
	fed     *fake.Clientset
	mgmt    *dynamicfake.FakeDynamicClient
	members *fakeMembers
	events  *record.FakeRecorder
	store   *fakeStore
	ctl     *Controller
	// schemeHook, when set, answers the management cluster's requests on
	// FailoverSchemes first (installed before the controller starts: a
	// fake's reactors may not change while it serves).
	schemeHook atomic.Pointer[clienttesting.ReactionFunc]
}

func kubernetesCluster(name string) *fedv1alpha1.KubernetesCluster {
	return &fedv1alpha1.KubernetesCluster{ObjectMeta: metav1.ObjectMeta{Namespace: fedNamespace, Name: name},
		Status: fedv1alpha1.KubernetesClusterStatus{Conditions: []metav1.Condition{{Type: fedv1alpha1.ConditionReady, Status: metav1.ConditionTrue}}}}
}

// newEnv is the federation of federation() (east, west, central) behind a
// fake management cluster, each member holding its Upstreams, with the
// controller running.
func newEnv(t *testing.T, opts Options) *env {
	f := federation()
	var objs []runtime.Object
	for _, name := range []string{"east", "west", "central"} {
		objs = append(objs, kubernetesCluster(name))
		for _, gi := range f.instances[name] {
			objs = append(objs, gi)
		}
	}
	for _, u := range f.upstreams {
		objs = append(objs, u)
	}
	e := &env{t: t, fed: fake.NewSimpleClientset(objs...), events: record.NewFakeRecorder(1000)}
	withResourceVersions(e.fed)
	e.fed.PrependReactor("*", "failoverschemes", func(a clienttesting.Action) (bool, runtime.Object, error) {
		if h := e.schemeHook.Load(); h != nil {
			return (*h)(a)
		}
		return false, nil, nil
	})
	e.members = &fakeMembers{clients: map[string]*fakeMember{}, fed: e.fed}
	for key, u := range f.upstreams {
		cluster, _, _ := strings.Cut(key, "/")
		if e.members.clients[cluster] == nil {
			e.members.clients[cluster] = newFakeMember()
		}
		_, name, _ := viewsv1alpha1.SplitClusterName(u.Name)
		e.members.clients[cluster].put(u.Namespace, name, string(u.Spec))
	}
	e.mgmt = dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{configMaps: "ConfigMapList"})
	factory := meridianinformers.NewSharedInformerFactory(e.fed, 0)
	if opts.Sweep == 0 {
		opts.Sweep = 50 * time.Millisecond
	}
	e.store = newFakeStore()
	ctl, err := New(e.fed.FedV1alpha1(), e.mgmt, e.store, e.members, factory.Fed().V1alpha1().FailoverSchemes(), factory.Fed().V1alpha1().KubernetesClusters(), factory.Views().V1alpha1(), e.events, opts, klog.Background())
	if err != nil {
		t.Fatal(err)
	}
	e.ctl = ctl
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	factory.Start(ctx.Done())
	go ctl.Run(ctx)
	return e
}

// withResourceVersions makes the fake management cluster check and bump
// the resourceVersions of FailoverSchemes, as the API server does: an
// update of a stale copy is a conflict.
func withResourceVersions(c *fake.Clientset) {
	var mu sync.Mutex
	rv := 0
	gvr := fedv1alpha1.SchemeGroupVersion.WithResource("failoverschemes")
	c.PrependReactor("*", "failoverschemes", func(a clienttesting.Action) (bool, runtime.Object, error) {
		mu.Lock()
		defer mu.Unlock()
		switch a := a.(type) {
		case clienttesting.CreateActionImpl:
			rv++
			a.GetObject().(*fedv1alpha1.FailoverScheme).ResourceVersion = fmt.Sprint(rv)
		case clienttesting.UpdateActionImpl:
			s := a.GetObject().(*fedv1alpha1.FailoverScheme)
			cur, err := c.Tracker().Get(gvr, s.Namespace, s.Name)
			if err != nil {
				return true, nil, err
			}
			if cur.(*fedv1alpha1.FailoverScheme).ResourceVersion != s.ResourceVersion {
				return true, nil, apierrors.NewConflict(gvr.GroupResource(), s.Name, fmt.Errorf("the object has been modified"))
			}
			rv++
			s.ResourceVersion = fmt.Sprint(rv)
		}
		return false, nil, nil
	})
}

func (e *env) member(name string) *fakeMember { return e.members.clients[name] }

// showWritten makes the Upstream view of cluster/namespace/name what the
// member holds now, as the views do once they see a write.
func (e *env) showWritten(cluster, namespace, name string) {
	e.t.Helper()
	raw, err := json.Marshal(e.member(cluster).spec(namespace, name))
	if err != nil {
		e.t.Fatal(err)
	}
	gvr := viewsv1alpha1.SchemeGroupVersion.WithResource("upstreams")
	if err := e.fed.Tracker().Update(gvr, upstream(cluster, namespace, name, string(raw)), namespace); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) create(s *fedv1alpha1.FailoverScheme) {
	e.t.Helper()
	if _, err := e.fed.FedV1alpha1().FailoverSchemes(s.Namespace).Create(context.Background(), s, metav1.CreateOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) scheme(namespace, name string) *fedv1alpha1.FailoverScheme {
	s, err := e.fed.FedV1alpha1().FailoverSchemes(namespace).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// markDeleted does what the API server does on a delete of an object with
// finalizers (the fake tracker does not).
func (e *env) markDeleted(namespace, name string) {
	e.t.Helper()
	s := e.scheme(namespace, name)
	now := metav1.Now()
	s.DeletionTimestamp = &now
	if _, err := e.fed.FedV1alpha1().FailoverSchemes(namespace).Update(context.Background(), s, metav1.UpdateOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) eventually(what string, cond func() bool) {
	e.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// settled waits until the controller has processed everything queued so
// far: the queue empty and no key in hand.
func (e *env) settled() {
	e.t.Helper()
	e.eventually("the queue to settle", func() bool { return e.ctl.queue.Len() == 0 && e.ctl.busy.Load() == 0 })
}

func (e *env) state(namespace, name string) fedv1alpha1.FailoverSchemeStatus {
	return e.scheme(namespace, name).Status
}

func twoPriorities() *fedv1alpha1.FailoverScheme {
	return scheme(group(target("west", u32(10), "gloo-system/green")), group(target("central", nil, "gloo-system/red", "apps/red")))
}

// wanted is the spec.failover Synthesize gives for s in the federation.
func wanted(t *testing.T, s *fedv1alpha1.FailoverScheme) map[string]any {
	t.Helper()
	r := Synthesize(s, federation())
	if r.Invalid != "" {
		t.Fatal(r.Invalid)
	}
	m, err := toMap(r.Failover)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A scheme writes the primary's spec.failover, leaves the rest of the
// primary as it was, and is Accepted with what is in force.
func TestSchemeWritesThePrimaryAndIsAccepted(t *testing.T) {
	e := newEnv(t, Options{})
	before := e.member("east").spec("gloo-system", "blue")
	e.create(twoPriorities())
	e.eventually("Accepted", func() bool { return e.state("gloo-system", "blue").State == fedv1alpha1.FailoverAccepted })
	spec := e.member("east").spec("gloo-system", "blue")
	if !reflect.DeepEqual(spec["failover"], wanted(t, twoPriorities())) {
		t.Errorf("spec.failover %v", spec["failover"])
	}
	delete(spec, "failover")
	if !reflect.DeepEqual(spec, before) {
		t.Errorf("the rest of the primary changed: %v, was %v", spec, before)
	}
	st := e.state("gloo-system", "blue")
	if st.PriorityCount != 2 || st.Primary != "east/gloo-system/blue" || len(st.Targets) != 2 || !strings.Contains(st.Message, "spec.failover of east/gloo-system/blue: 2 priorities written") {
		t.Errorf("status %+v", st)
	}
	if s := e.scheme("gloo-system", "blue"); !hasFinalizer(s) {
		t.Errorf("finalizers %v", s.Finalizers)
	}
	// Nothing changes: nothing more is written (the member's answer, read
	// while the views have not caught up, holds what was written)...
	applies, _ := e.member("east").counts()
	e.ctl.queue.Add("gloo-system/blue")
	e.settled()
	if a, _ := e.member("east").counts(); a != applies {
		t.Errorf("%d more applies with nothing changed", a-applies)
	}
	// ...nor read from the member once the views show what was written.
	e.showWritten("east", "gloo-system", "blue")
	e.eventually("the views to show it", func() bool {
		o, ok, _ := e.ctl.inputs.upstreams.GetByKey("gloo-system/" + viewsv1alpha1.ClusterName("east", "blue"))
		return ok && strings.Contains(string(o.(*viewsv1alpha1.Upstream).Spec), "prioritizedLocalities")
	})
	e.settled()
	applies, gets := e.member("east").counts()
	e.ctl.queue.Add("gloo-system/blue")
	e.settled()
	if a, g := e.member("east").counts(); a != applies || g != gets {
		t.Errorf("%d more applies and %d more reads with nothing changed", a-applies, g-gets)
	}
}

// A target's gateway moving (its GlooInstance's ingress address) rewrites
// the primary, and the status says what changed.
func TestTargetGatewayMovingRewritesThePrimary(t *testing.T) {
	e := newEnv(t, Options{})
	e.create(twoPriorities())
	e.eventually("Accepted", func() bool { return e.state("gloo-system", "blue").State == fedv1alpha1.FailoverAccepted })
	gi, err := e.fed.ViewsV1alpha1().GlooInstances("gloo-system").Get(context.Background(), "west-gloo-system", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The status update that tells of it is lost to a conflict once: the
	// next reconcile, which has nothing to write, must still tell.
	var loseOne atomic.Bool
	loseOne.Store(true)
	lose := clienttesting.ReactionFunc(func(a clienttesting.Action) (bool, runtime.Object, error) {
		if a.GetVerb() == "update" && a.GetSubresource() == "status" && loseOne.CompareAndSwap(true, false) {
			return true, nil, apierrors.NewConflict(schema.GroupResource{Group: "fed.meridian.io", Resource: "failoverschemes"}, "blue", fmt.Errorf("the object has been modified"))
		}
		return false, nil, nil
	})
	e.schemeHook.Store(&lose)
	gi.Spec.Proxies[0].IngressEndpoints[0].Address = "172.18.0.99"
	// The views are read-only: the change comes as the views bring it.
	gvr := viewsv1alpha1.SchemeGroupVersion.WithResource("glooinstances")
	if err := e.fed.Tracker().Update(gvr, gi, "gloo-system"); err != nil {
		t.Fatal(err)
	}
	address := func() any {
		f, _, _ := unstructured.NestedSlice(e.member("east").spec("gloo-system", "blue"), "failover", "prioritizedLocalities")
		eps := f[0].(map[string]any)["localityEndpoints"].([]any)[0].(map[string]any)["lbEndpoints"].([]any)
		return eps[0].(map[string]any)["address"]
	}
	e.eventually("the new address written", func() bool { return address() == "172.18.0.99" })
	e.ctl.queue.Add("gloo-system/blue") // the reconcile after the lost update
	e.eventually("the status to tell", func() bool {
		return strings.Contains(e.state("gloo-system", "blue").Message, "west's gateway moved from 172.18.0.20:15443 to 172.18.0.99:15443")
	})
}

// A write that conflicts (the primary changed between the read and the
// write) is read and written again, and the scheme is never Failed for it.
func TestConflictingWritesAreRetriedNotFailed(t *testing.T) {
	e := newEnv(t, Options{})
	var mu sync.Mutex
	conflicts := 0
	east := e.member("east")
	east.setHook(func(verb string) error {
		mu.Lock()
		defer mu.Unlock()
		if verb == "patch" && conflicts < 3 {
			conflicts++
			east.touch("gloo-system", "blue")
			return apierrors.NewConflict(upstreams.GroupResource(), "blue", fmt.Errorf("the object has been modified"))
		}
		return nil
	})
	e.create(twoPriorities())
	e.eventually("Accepted", func() bool { return e.state("gloo-system", "blue").State == fedv1alpha1.FailoverAccepted })
	if conflicts != 3 {
		t.Errorf("%d conflicts", conflicts)
	}
	for len(e.events.Events) > 0 {
		if ev := <-e.events.Events; strings.Contains(ev, "Failed") {
			t.Errorf("event %q", ev)
		}
	}
}

// An Invalid scheme writes nothing.
func TestInvalidSchemeWritesNothing(t *testing.T) {
	e := newEnv(t, Options{})
	s := twoPriorities()
	s.Spec.FailoverGroups[0].PriorityGroup[0].Upstreams[0].Name = "purple"
	e.create(s)
	e.eventually("Invalid", func() bool { return e.state("gloo-system", "blue").State == fedv1alpha1.FailoverInvalid })
	if msg := e.state("gloo-system", "blue").Message; !strings.Contains(msg, "Upstream gloo-system/purple is not in cluster west") {
		t.Errorf("message %q", msg)
	}
	if n := e.member("east").applies; n != 0 {
		t.Errorf("%d applies", n)
	}
}

// Deleting a scheme removes the primary's spec.failover and nothing else,
// then the finalizer.
func TestDeletingASchemeRemovesTheField(t *testing.T) {
	e := newEnv(t, Options{})
	before := e.member("east").spec("gloo-system", "blue")
	e.create(twoPriorities())
	e.eventually("Accepted", func() bool { return e.state("gloo-system", "blue").State == fedv1alpha1.FailoverAccepted })
	e.markDeleted("gloo-system", "blue")
	e.eventually("the finalizer gone", func() bool { return !hasFinalizer(e.scheme("gloo-system", "blue")) })
	if spec := e.member("east").spec("gloo-system", "blue"); !reflect.DeepEqual(spec, before) {
		t.Errorf("primary after the deletion %v, want %v", spec, before)
	}
}

// A scheme whose primary's cluster does not answer reports Failed and
// retries; its deletion does not wait for ever: past DeletionWait the
// primary is recorded, the deletion completes, and the sweeper removes the
// field once the cluster answers.
func TestSchemeOfAnUnreachableClusterCanBeDeleted(t *testing.T) {
	e := newEnv(t, Options{WriteTimeout: 100 * time.Millisecond, DeletionWait: 300 * time.Millisecond})
	e.create(twoPriorities())
	e.eventually("Accepted", func() bool { return e.state("gloo-system", "blue").State == fedv1alpha1.FailoverAccepted })
	e.member("east").setHook(func(string) error {
		time.Sleep(50 * time.Millisecond)
		return fmt.Errorf("dial tcp 172.18.0.10:6443: connect: connection refused")
	})
	// A change to write while the cluster hangs.
	s := e.scheme("gloo-system", "blue")
	s.Spec.Policy = &fedv1alpha1.FailoverPolicy{OverprovisioningFactor: u32(200)}
	s.Generation++
	if _, err := e.fed.FedV1alpha1().FailoverSchemes("gloo-system").Update(context.Background(), s, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.eventually("Failed", func() bool { return e.state("gloo-system", "blue").State == fedv1alpha1.FailoverFailed })
	e.markDeleted("gloo-system", "blue")
	e.eventually("the finalizer gone", func() bool { return !hasFinalizer(e.scheme("gloo-system", "blue")) })
	records, err := e.mgmt.Resource(configMaps).Namespace(fedNamespace).List(context.Background(), metav1.ListOptions{LabelSelector: fedv1alpha1.LeftoversLabel + "=failover"})
	if err != nil || len(records.Items) != 1 {
		t.Fatalf("records %v, %v", records, err)
	}
	if _, ok := e.member("east").spec("gloo-system", "blue")["failover"]; !ok {
		t.Fatal("the field went while the cluster did not answer")
	}
	e.member("east").setHook(nil)
	e.eventually("the sweeper to remove the field", func() bool {
		_, ok := e.member("east").spec("gloo-system", "blue")["failover"]
		return !ok
	})
	e.eventually("the record gone", func() bool {
		records, _ := e.mgmt.Resource(configMaps).Namespace(fedNamespace).List(context.Background(), metav1.ListOptions{})
		return len(records.Items) == 0
	})
}

// Of two schemes for one primary, the first keeps it, the second is
// Invalid, and deleting the second leaves the first's spec.failover.
func TestSecondSchemeForAPrimary(t *testing.T) {
	e := newEnv(t, Options{})
	e.create(twoPriorities())
	e.eventually("Accepted", func() bool { return e.state("gloo-system", "blue").State == fedv1alpha1.FailoverAccepted })
	second := scheme(group(target("central", nil, "gloo-system/red")))
	second.Name, second.CreationTimestamp = "second", metav1.NewTime(time.Unix(2000, 0))
	e.create(second)
	e.eventually("the second Invalid", func() bool { return e.state("gloo-system", "second").State == fedv1alpha1.FailoverInvalid })
	e.markDeleted("gloo-system", "second")
	e.eventually("the second's finalizer gone", func() bool { return !hasFinalizer(e.scheme("gloo-system", "second")) })
	if got := e.member("east").spec("gloo-system", "blue")["failover"]; !reflect.DeepEqual(got, wanted(t, twoPriorities())) {
		t.Errorf("the first scheme's spec.failover after the second's deletion: %v", got)
	}
}

// A Gateway view whose status alone changed (Gloo rewrites statuses often)
// concerns no scheme: synthesis reads its spec and owner only. One that
// comes, goes, or whose spec or owner changes requeues the schemes naming
// its cluster.
func TestGatewayStatusAloneRequeuesNothing(t *testing.T) {
	schemes := toolscache.NewIndexer(toolscache.MetaNamespaceKeyFunc, schemeIndexers)
	if err := schemes.Add(twoPriorities()); err != nil {
		t.Fatal(err)
	}
	c := &Controller{inputs: &informerInputs{schemes: schemes},
		queue: workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]())}
	defer c.queue.ShutDown()
	gw := &viewsv1alpha1.Gateway{ObjectMeta: metav1.ObjectMeta{Name: "west.gateway-proxy-failover", Namespace: "gloo-system", ResourceVersion: "1",
		Labels: map[string]string{viewsv1alpha1.ClusterLabel: "west"}},
		Spec: viewsv1alpha1.RawJSON(`{"bindPort":15443}`), Status: viewsv1alpha1.RawJSON(`{"statuses":{"gloo-system":{"state":0}}}`)}
	requeued := func(old, cur any) int {
		c.gatewayChanged(old, cur)
		n := c.queue.Len()
		for c.queue.Len() > 0 {
			k, _ := c.queue.Get()
			c.queue.Done(k)
			c.queue.Forget(k)
		}
		return n
	}
	statusOnly := gw.DeepCopy()
	statusOnly.ResourceVersion, statusOnly.Status = "2", viewsv1alpha1.RawJSON(`{"statuses":{"gloo-system":{"state":1}}}`)
	specChanged := gw.DeepCopy()
	specChanged.ResourceVersion, specChanged.Spec = "3", viewsv1alpha1.RawJSON(`{"bindPort":15444}`)
	owned := gw.DeepCopy()
	owned.ResourceVersion, owned.Annotations = "4", map[string]string{fedv1alpha1.OwnerAnnotation: "FederatedGateway/meridian-system/x"}
	elsewhere := gw.DeepCopy()
	elsewhere.Labels = map[string]string{viewsv1alpha1.ClusterLabel: "north"}
	for _, c := range []struct {
		what     string
		old, cur any
		want     int
	}{
		{"status only", gw, statusOnly, 0},
		{"spec", gw, specChanged, 1},
		{"owner", gw, owned, 1},
		{"added", nil, gw, 1},
		{"deleted, as a tombstone", nil, toolscache.DeletedFinalStateUnknown{Key: "gloo-system/west.gateway-proxy-failover", Obj: gw}, 1},
		{"in a cluster no scheme names", nil, elsewhere, 0},
	} {
		if got := requeued(c.old, c.cur); got != c.want {
			t.Errorf("%s: %d schemes requeued, want %d", c.what, got, c.want)
		}
	}
}

// A primary's cluster that hangs holds at most one worker: the schemes of
// other primaries' clusters are carried out meanwhile, with the default
// number of workers, however many schemes the hung cluster has.
func TestAHungPrimaryClusterStallsNoOtherCluster(t *testing.T) {
	e := newEnv(t, Options{})
	release := make(chan struct{})
	var hung atomic.Int32
	e.member("east").setHook(func(string) error {
		hung.Add(1)
		<-release
		return fmt.Errorf("east did not answer")
	})
	t.Cleanup(func() { close(release) })
	for _, p := range []struct{ cluster, name string }{{"east", "navy"}, {"west", "lime"}} {
		e.member(p.cluster).put("gloo-system", p.name, withHealthChecks)
		if err := e.fed.Tracker().Add(upstream(p.cluster, "gloo-system", p.name, withHealthChecks)); err != nil {
			t.Fatal(err)
		}
	}
	e.create(twoPriorities()) // east's blue
	navy := twoPriorities()
	navy.Name, navy.Spec.Primary.Name = "navy", "navy"
	e.create(navy)
	e.eventually("a write to east to hang", func() bool { return hung.Load() >= 1 })
	lime := scheme(group(target("central", nil, "gloo-system/red")))
	lime.Name, lime.Spec.Primary = "lime", fedv1alpha1.FailoverPrimary{ClusterName: "west", Namespace: "gloo-system", Name: "lime"}
	e.create(lime)
	e.eventually("west's scheme Accepted while east hangs", func() bool { return e.state("gloo-system", "lime").State == fedv1alpha1.FailoverAccepted })
	if f, _, _ := unstructured.NestedMap(e.member("west").spec("gloo-system", "lime"), "failover"); f == nil {
		t.Error("west's primary has no spec.failover")
	}
}

// A primary whose cluster is known to be unreachable is not dialed: the
// scheme is Pending, saying why, until the cluster is back.
func TestAnUnreachablePrimaryIsNotDialed(t *testing.T) {
	e := newEnv(t, Options{})
	var requests atomic.Int32
	e.member("east").setHook(func(string) error { requests.Add(1); return nil })
	kc := kubernetesCluster("east")
	kc.Status.Conditions[0].Status, kc.Status.Conditions[0].Message = metav1.ConditionFalse, "health check timed out"
	if _, err := e.fed.FedV1alpha1().KubernetesClusters(fedNamespace).UpdateStatus(context.Background(), kc, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.create(twoPriorities())
	e.eventually("Pending", func() bool {
		st := e.state("gloo-system", "blue")
		return st.State == fedv1alpha1.FailoverPending && strings.Contains(st.Message, "the primary's cluster east is unreachable (health check timed out)")
	})
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests to the unreachable primary's cluster", n)
	}
	if st := e.state("gloo-system", "blue"); len(st.Priorities) != 0 || st.PriorityCount != 0 {
		t.Errorf("Pending, yet priorities in force: %+v", st)
	}
	// Past the grace, the primary leaves the views with the rest of its
	// cluster: still Pending on its cluster, not Invalid for a missing
	// Upstream.
	upstreamsGVR := viewsv1alpha1.SchemeGroupVersion.WithResource("upstreams")
	primaryView, err := e.fed.Tracker().Get(upstreamsGVR, "gloo-system", viewsv1alpha1.ClusterName("east", "blue"))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.fed.Tracker().Delete(upstreamsGVR, "gloo-system", viewsv1alpha1.ClusterName("east", "blue")); err != nil {
		t.Fatal(err)
	}
	e.ctl.queue.Add("gloo-system/blue")
	time.Sleep(200 * time.Millisecond)
	e.eventually("still Pending", func() bool {
		st := e.state("gloo-system", "blue")
		return st.State == fedv1alpha1.FailoverPending && strings.Contains(st.Message, "the primary's cluster east is unreachable")
	})
	if err := e.fed.Tracker().Add(primaryView); err != nil {
		t.Fatal(err)
	}
	kc.Status.Conditions[0].Status = metav1.ConditionTrue
	if _, err := e.fed.FedV1alpha1().KubernetesClusters(fedNamespace).UpdateStatus(context.Background(), kc, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.eventually("Accepted once east is back", func() bool { return e.state("gloo-system", "blue").State == fedv1alpha1.FailoverAccepted })
}

// A scheme being deleted whose primary's cluster is busy with another
// write (one hung there) waits its turn: it is not given up as if the
// cluster had failed, however long the deletion has waited.
func TestDeletionWaitsForABusyClusterRatherThanGivingUp(t *testing.T) {
	e := newEnv(t, Options{DeletionWait: time.Millisecond})
	e.member("east").put("gloo-system", "navy", withHealthChecks)
	if err := e.fed.Tracker().Add(upstream("east", "gloo-system", "navy", withHealthChecks)); err != nil {
		t.Fatal(err)
	}
	navy := twoPriorities()
	navy.Name, navy.Spec.Primary.Name = "navy", "navy"
	e.create(navy)
	e.eventually("navy Accepted", func() bool { return e.state("gloo-system", "navy").State == fedv1alpha1.FailoverAccepted })
	release := make(chan struct{})
	var hung atomic.Bool
	e.member("east").setHook(func(string) error {
		if hung.CompareAndSwap(false, true) {
			<-release // the first request hangs; the others pass
		}
		return nil
	})
	e.create(twoPriorities()) // blue: its write to east hangs
	e.eventually("blue's write hanging", hung.Load)
	e.markDeleted("gloo-system", "navy")
	time.Sleep(500 * time.Millisecond)
	for drained := false; !drained; {
		select {
		case ev := <-e.events.Events:
			if strings.Contains(ev, "LeftForLater") || strings.Contains(ev, "RecordFailed") {
				t.Errorf("given up while the cluster was busy: %s", ev)
			}
		default:
			drained = true
		}
	}
	close(release)
	e.eventually("navy's spec.failover removed", func() bool {
		f, _, _ := unstructured.NestedMap(e.member("east").spec("gloo-system", "navy"), "failover")
		return f == nil
	})
}
