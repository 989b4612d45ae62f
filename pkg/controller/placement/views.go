package placement

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	toolscache "k8s.io/client-go/tools/cache"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	meridianinformers "github.com/meridianfed/meridian/pkg/generated/informers/externalversions"
)

// Views reads what Meridian placed in the members, and the Gloo
// installations there, through Meridian's own views API (views.meridian.io)
// with the generated informers, the way any other client does: one watch
// per kind for every member, instead of a read per target on every
// reconcile and a list per cleanup. A change in a member (a hand edit, a
// deletion, Gloo reporting its status) arrives as an event and re-reconciles
// the federated object that placed it.
//
// The views are an accelerator, never a precondition: until they have
// synced (the APIService may be unavailable) the controller reads the
// members directly, as it does for anything the views cannot show (an
// object Meridian did not place carries no owner label and is not watched).
type Views struct {
	placed    map[string]toolscache.SharedIndexInformer // by view resource
	instances toolscache.SharedIndexInformer
}

const (
	// ownerIndex finds the placed objects of one federated object in one
	// cluster: "<cluster>/<owner label value>".
	ownerIndex = "owner"
	// clusterIndex finds the Gloo installations of one cluster.
	clusterIndex = "cluster"
)

// NewViews creates the informers on placed, a factory over the views API
// (its list options are narrowed here to objects carrying Meridian's owner
// label: the controller caches what it placed, not every Gloo object of
// every member), and instances, a factory for GlooInstances.
func NewViews(placed, instances meridianinformers.SharedInformerFactory) (*Views, error) {
	v := &Views{placed: map[string]toolscache.SharedIndexInformer{}}
	for _, k := range Kinds {
		if k.Secret {
			continue // Secrets have no view: credentials are never served
		}
		gi, err := placed.ForResource(k.View)
		if err != nil {
			return nil, err
		}
		inf := gi.Informer()
		if err := inf.AddIndexers(toolscache.Indexers{ownerIndex: indexByOwner}); err != nil {
			return nil, err
		}
		v.placed[k.View.Resource] = inf
	}
	v.instances = instances.Views().V1alpha1().GlooInstances().Informer()
	if err := v.instances.AddIndexers(toolscache.Indexers{clusterIndex: func(obj any) ([]string, error) {
		if gi, ok := obj.(*viewsv1alpha1.GlooInstance); ok {
			return []string{gi.Spec.Cluster}, nil
		}
		return nil, nil
	}}); err != nil {
		return nil, err
	}
	return v, nil
}

// OwnedOnly narrows a views factory to objects Meridian placed.
func OwnedOnly() meridianinformers.SharedInformerOption {
	return meridianinformers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = OwnerLabel })
}

func indexByOwner(obj any) ([]string, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil, nil
	}
	l := m.GetLabels()
	if l[OwnerLabel] == "" {
		return nil, nil
	}
	return []string{l[viewsv1alpha1.ClusterLabel] + "/" + l[OwnerLabel]}, nil
}

// OnPlacedChange calls changed with the owner reference (Kind/namespace/
// name) and the cluster of every placed object that is added, changed or
// deleted in a member.
func (v *Views) OnPlacedChange(changed func(ownerRef, cluster string)) {
	handle := func(obj any) {
		if d, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
			obj = d.Obj
		}
		if m, err := meta.Accessor(obj); err == nil {
			ref, cluster := m.GetAnnotations()[OwnerAnnotation], m.GetLabels()[viewsv1alpha1.ClusterLabel]
			if ref != "" && cluster != "" {
				changed(ref, cluster)
			}
		}
	}
	for _, inf := range v.placed {
		_, _ = inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
			AddFunc:    handle,
			UpdateFunc: func(_, n any) { handle(n) },
			DeleteFunc: handle,
		})
	}
}

// OnInstancesChange calls changed when a Gloo installation appears or goes
// away (not on its frequent health updates).
func (v *Views) OnInstancesChange(changed func()) {
	_, _ = v.instances.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { changed() },
		DeleteFunc: func(any) { changed() },
	})
}

// Synced reports whether the placed objects of kind k can be read from the
// views.
func (v *Views) Synced(k Kind) bool {
	if v == nil || k.Secret {
		return false
	}
	inf := v.placed[k.View.Resource]
	return inf != nil && inf.HasSynced()
}

// Get returns the object of kind k named namespace/name in cluster, as a
// member object, and whether the views hold it. Only for a synced kind.
func (v *Views) Get(k Kind, cluster, namespace, name string) (*unstructured.Unstructured, bool) {
	obj, ok, err := v.placed[k.View.Resource].GetIndexer().GetByKey(namespace + "/" + viewsv1alpha1.ClusterName(cluster, name))
	if err != nil || !ok {
		return nil, false
	}
	u, err := memberObject(k, cluster, obj)
	return u, err == nil
}

// Owned returns the objects of kind k in cluster whose owner label is hash.
func (v *Views) Owned(k Kind, cluster, hash string) []*unstructured.Unstructured {
	objs, _ := v.placed[k.View.Resource].GetIndexer().ByIndex(ownerIndex, cluster+"/"+hash)
	return memberObjects(k, cluster, objs)
}

// AllOwned returns every object of kind k in cluster that Meridian placed.
func (v *Views) AllOwned(k Kind, cluster string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, obj := range v.placed[k.View.Resource].GetIndexer().List() {
		if m, err := meta.Accessor(obj); err == nil && m.GetLabels()[viewsv1alpha1.ClusterLabel] == cluster {
			if u, err := memberObject(k, cluster, obj); err == nil {
				out = append(out, u)
			}
		}
	}
	return out
}

func memberObjects(k Kind, cluster string, objs []any) []*unstructured.Unstructured {
	out := make([]*unstructured.Unstructured, 0, len(objs))
	for _, obj := range objs {
		if u, err := memberObject(k, cluster, obj); err == nil {
			out = append(out, u)
		}
	}
	return out
}

// memberObject turns a view back into the member object it shows: the
// member's name, labels without the cluster label, spec and status decoded
// as the dynamic client decodes them (integers stay integers), so that it
// compares equal to what the controller applies.
func memberObject(k Kind, cluster string, obj any) (*unstructured.Unstructured, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil, err
	}
	raw, ok := obj.(viewsv1alpha1.GlooView)
	if !ok {
		return nil, fmt.Errorf("%T is not a Gloo view", obj)
	}
	u := &unstructured.Unstructured{Object: map[string]any{}}
	u.SetAPIVersion(k.Member.GroupVersion().String())
	u.SetKind(k.MemberKind)
	u.SetName(strings.TrimPrefix(m.GetName(), cluster+"."))
	u.SetNamespace(m.GetNamespace())
	u.SetUID(m.GetUID())
	lbls := map[string]string{}
	for key, val := range m.GetLabels() {
		if key != viewsv1alpha1.ClusterLabel {
			lbls[key] = val
		}
	}
	u.SetLabels(lbls)
	u.SetAnnotations(m.GetAnnotations())
	for field, data := range map[string][]byte{"spec": raw.RawSpec(), "status": raw.RawStatus()} {
		if len(data) == 0 || string(data) == "null" {
			continue
		}
		var val any
		if err := utiljson.Unmarshal(data, &val); err != nil {
			return nil, fmt.Errorf("the %s of view %s: %w", field, m.GetName(), err)
		}
		u.Object[field] = val
	}
	return u, nil
}

// PendingReason says why Gloo has not reported on an object placed in
// cluster/namespace, from the Gloo installations discovered there; "" when
// the installations are not known yet.
func (v *Views) PendingReason(cluster, namespace string) string {
	if v == nil || !v.instances.HasSynced() {
		return ""
	}
	objs, _ := v.instances.GetIndexer().ByIndex(clusterIndex, cluster)
	var instances []*viewsv1alpha1.GlooInstance
	for _, obj := range objs {
		if gi, ok := obj.(*viewsv1alpha1.GlooInstance); ok {
			instances = append(instances, gi)
		}
	}
	return pendingReason(cluster, namespace, instances)
}

func pendingReason(cluster, namespace string, instances []*viewsv1alpha1.GlooInstance) string {
	if len(instances) == 0 {
		return "no Gloo installation is discovered in cluster " + cluster + " (meridianctl check tells more): nothing there reads this object"
	}
	var watchers []string
	for _, gi := range instances {
		w := gi.Spec.ControlPlane.WatchedNamespaces
		if len(w) == 0 || slices.Contains(w, namespace) {
			return "waiting for Gloo (" + gi.Name + ") to report on it"
		}
		watchers = append(watchers, gi.Name+" watches "+strings.Join(w, ","))
	}
	slices.Sort(watchers)
	return fmt.Sprintf("no Gloo installation in cluster %s watches namespace %s (%s)", cluster, namespace, strings.Join(watchers, "; "))
}

// expectations remember what the controller wrote into a member until the
// views show it: between the write and its watch event the views still
// show the object as it was (or not at all), and without this every
// reconcile in that window would write the same object again.
type expectations struct {
	mu sync.Mutex
	m  map[expectKey]expectation
}

type expectKey struct {
	Resource, Cluster, Namespace, Name string
}

type expectation struct {
	applied *unstructured.Unstructured
	at      time.Time
}

// expectTTL bounds how long a write is trusted over the views (they show it
// within a second or so): a hand edit racing the controller's own write is
// found by the first resync after it.
const expectTTL = 15 * time.Second

func newExpectations() *expectations {
	return &expectations{m: map[expectKey]expectation{}}
}

func (e *expectations) set(k expectKey, applied *unstructured.Unstructured) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.m[k] = expectation{applied: applied, at: time.Now()}
}

// pending returns what was written to k, if the views may not show it yet.
func (e *expectations) pending(k expectKey) (*unstructured.Unstructured, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.m[k]
	if !ok {
		return nil, false
	}
	if time.Since(x.at) > expectTTL {
		delete(e.m, k)
		return nil, false
	}
	return x.applied, true
}

func (e *expectations) forget(k expectKey) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.m, k)
}

// expire drops what is too old to be trusted any more (objects no
// reconcile asked about again, such as those of deleted federated objects).
func (e *expectations) expire() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for k, x := range e.m {
		if time.Since(x.at) > expectTTL {
			delete(e.m, k)
		}
	}
}
