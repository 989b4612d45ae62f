package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	. "github.com/onsi/gomega"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	toolscache "k8s.io/client-go/tools/cache"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/devenv"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
	meridianinformers "github.com/meridianfed/meridian/pkg/generated/informers/externalversions"
)

// tracker is the checker of the fault specs: a generated informer of one
// member's Upstream views, as other people's tools hold them, with an event
// handler that keeps its own copy by applying each event and notes every
// event that does not fit what it already holds (an ADDED for an object it
// has, an update or delete of one it has not). At the end its copy is
// compared with the truth read from the member: a lost event leaves an
// object missing or stale there, a repeated one shows as a fault.
type tracker struct {
	informer toolscache.SharedIndexInformer
	mu       sync.Mutex
	held     map[string]string // namespace/view name → canonical spec JSON
	faults   []string
}

// trackUpstreams starts a tracker of cluster's Upstream views through
// client until ctx ends. tweak, if set, shapes the informer's list and
// watch requests (a page size, say).
func trackUpstreams(ctx context.Context, client meridianclient.Interface, cluster string, tweak func(*metav1.ListOptions)) *tracker {
	t := &tracker{held: map[string]string{}}
	factory := meridianinformers.NewSharedInformerFactoryWithOptions(client, 0, meridianinformers.WithTweakListOptions(func(o *metav1.ListOptions) {
		o.LabelSelector = viewsv1alpha1.ClusterLabel + "=" + cluster
		if tweak != nil {
			tweak(o)
		}
	}))
	t.informer = factory.Views().V1alpha1().Upstreams().Informer()
	_, err := t.informer.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc: func(o any) {
			u := o.(*viewsv1alpha1.Upstream)
			t.apply("ADDED", u.Namespace+"/"+u.Name, canonical(u.Spec), true, false)
		},
		UpdateFunc: func(_, o any) {
			u := o.(*viewsv1alpha1.Upstream)
			t.apply("MODIFIED", u.Namespace+"/"+u.Name, canonical(u.Spec), false, true)
		},
		DeleteFunc: func(o any) {
			if d, ok := o.(toolscache.DeletedFinalStateUnknown); ok {
				o = d.Obj
			}
			u := o.(*viewsv1alpha1.Upstream)
			t.apply("DELETED", u.Namespace+"/"+u.Name, "", false, true)
		},
	})
	Expect(err).NotTo(HaveOccurred())
	factory.Start(ctx.Done())
	Expect(toolscache.WaitForCacheSync(ctx.Done(), t.informer.HasSynced)).To(BeTrue())
	return t
}

func (t *tracker) apply(event, key, spec string, mustBeNew, mustExist bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, has := t.held[key]
	switch {
	case mustBeNew && has:
		t.faults = append(t.faults, fmt.Sprintf("%s %s, which the client already holds (a repeated event)", event, key))
	case mustExist && !has:
		t.faults = append(t.faults, fmt.Sprintf("%s %s, which the client never got (a lost ADDED)", event, key))
	}
	if event == "DELETED" {
		delete(t.held, key)
		return
	}
	t.held[key] = spec
}

// state is what the tracker holds: namespace/view name → spec.
func (t *tracker) state() map[string]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]string, len(t.held))
	for k, v := range t.held {
		out[k] = v
	}
	return out
}

// problems are the events that did not fit.
func (t *tracker) problems() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.faults...)
}

// memberTruth reads every Upstream of a member straight from it (through
// the given configuration, the member's own server or a twin of it),
// keyed as the views name them, with the spec the member stores.
func memberTruth(ctx context.Context, m *devenv.Cluster) map[string]string {
	list, err := dynamic.NewForConfigOrDie(m.RESTConfig()).Resource(schema.GroupVersionResource{Group: "gloo.solo.io", Version: "v1", Resource: "upstreams"}).
		Namespace("").List(ctx, metav1.ListOptions{})
	Expect(err).NotTo(HaveOccurred())
	out := map[string]string{}
	for _, u := range list.Items {
		spec, err := json.Marshal(u.Object["spec"])
		Expect(err).NotTo(HaveOccurred())
		out[u.GetNamespace()+"/"+viewsv1alpha1.ClusterName(m.Name, u.GetName())] = canonical(spec)
	}
	return out
}

// canonical is JSON with sorted keys, so that specs compare by content.
func canonical(raw []byte) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "unparsable: " + string(raw)
	}
	out, _ := json.Marshal(v)
	return string(out)
}
