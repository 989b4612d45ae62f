package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	viewsregistry "github.com/meridianfed/meridian/pkg/registry/views"
)

// fakeReader is a Reader over objects held in memory. Lists are sorted
// by namespace and name and paged with an index as continue token, as the
// views page; tables are rendered by the views' own table converters.
type fakeReader struct {
	mu      sync.Mutex
	objects map[schema.GroupVersionResource][]*unstructured.Unstructured
	// forbidden[gvr] lists the namespaces the user may not read ("" is
	// all namespaces, "*" every namespace).
	forbidden map[schema.GroupVersionResource][]string
	warnings  []string
	// calls counts the list calls per resource.
	calls    map[string]int
	watchers []*watch.RaceFreeFakeWatcher
	watched  chan schema.GroupVersionResource
	// onWatch, when set, is told each watch's resourceVersion.
	onWatch func(resourceVersion string)
	// collectionRV is the resourceVersion lists answer ("7" if unset);
	// afterGet, when set, runs after each Get, as a write that lands
	// between a page's reads would.
	collectionRV string
	afterGet     func()
}

func newFakeReader() *fakeReader {
	return &fakeReader{objects: map[schema.GroupVersionResource][]*unstructured.Unstructured{}, forbidden: map[schema.GroupVersionResource][]string{}, calls: map[string]int{}}
}

// add stores an object given as JSON.
func (f *fakeReader) add(gvr schema.GroupVersionResource, obj string) {
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON([]byte(obj)); err != nil {
		panic(fmt.Sprintf("fake object %s: %v", obj, err))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[gvr] = append(f.objects[gvr], u)
}

func (f *fakeReader) deny(gvr schema.GroupVersionResource, namespaces ...string) {
	f.forbidden[gvr] = append(f.forbidden[gvr], namespaces...)
}

func (f *fakeReader) check(gvr schema.GroupVersionResource, namespace string) error {
	for _, ns := range f.forbidden[gvr] {
		if ns == "*" || ns == namespace {
			return apierrors.NewForbidden(gvr.GroupResource(), "", fmt.Errorf("user cannot list %s in %q", gvr.Resource, namespace))
		}
	}
	return nil
}

func (f *fakeReader) page(gvr schema.GroupVersionResource, opts ListOptions) ([]*unstructured.Unstructured, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[gvr.Resource]++
	if err := f.check(gvr, opts.Namespace); err != nil {
		return nil, "", err
	}
	var items []*unstructured.Unstructured
	for _, o := range f.objects[gvr] {
		if opts.Namespace != "" && o.GetNamespace() != opts.Namespace {
			continue
		}
		if opts.FieldSelector != "" && opts.FieldSelector != viewsv1alpha1.ClusterField+"="+viewsv1alpha1.ClusterOf(o) {
			continue
		}
		items = append(items, o)
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].GetNamespace() != items[j].GetNamespace() {
			return items[i].GetNamespace() < items[j].GetNamespace()
		}
		return items[i].GetName() < items[j].GetName()
	})
	start := 0
	if opts.Continue != "" {
		n, err := strconv.Atoi(opts.Continue)
		if err != nil || n > len(items) {
			return nil, "", apierrors.NewResourceExpired("continue token expired")
		}
		start = n
	}
	items = items[start:]
	next := ""
	if opts.Limit > 0 && int64(len(items)) > opts.Limit {
		items = items[:opts.Limit]
		next = strconv.Itoa(start + int(opts.Limit))
	}
	return items, next, nil
}

func (f *fakeReader) Table(ctx context.Context, gvr schema.GroupVersionResource, opts ListOptions) (*Page, error) {
	items, next, err := f.page(gvr, opts)
	if err != nil {
		return nil, err
	}
	conv, list := viewsregistry.GlooInstanceTable(), runtime.Object(&viewsv1alpha1.GlooInstanceList{})
	if gvr != instancesGVR {
		k, ok := viewKindOf(gvr.Resource)
		if !ok {
			return nil, fmt.Errorf("no table for %s", gvr)
		}
		for _, gk := range viewsv1alpha1.GlooKinds {
			if gk.Kind == k.Kind {
				conv, list = viewsregistry.TableFor(gk.Kind), gk.NewList()
			}
		}
	}
	raw, _ := json.Marshal(map[string]any{"items": items})
	if err := json.Unmarshal(raw, list); err != nil {
		return nil, err
	}
	t, err := conv.ConvertToTable(ctx, list, nil)
	if err != nil {
		return nil, err
	}
	for i := range t.Rows {
		m, _ := json.Marshal(metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: items[i].GetName(), Namespace: items[i].GetNamespace(), CreationTimestamp: items[i].GetCreationTimestamp()}})
		t.Rows[i].Object = runtime.RawExtension{Raw: m}
	}
	t.Continue = next
	return &Page{Table: t, Warnings: f.warnings}, nil
}

func (f *fakeReader) List(_ context.Context, gvr schema.GroupVersionResource, opts ListOptions) (*unstructured.UnstructuredList, []string, error) {
	items, next, err := f.page(gvr, opts)
	if err != nil {
		return nil, nil, err
	}
	l := &unstructured.UnstructuredList{Object: map[string]any{}}
	for _, o := range items {
		l.Items = append(l.Items, *o.DeepCopy())
	}
	l.SetContinue(next)
	f.mu.Lock()
	rv := f.collectionRV
	f.mu.Unlock()
	if rv == "" {
		rv = "7"
	}
	l.SetResourceVersion(rv)
	return l, f.warnings, nil
}

func (f *fakeReader) Get(_ context.Context, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
	if f.afterGet != nil {
		defer f.afterGet()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(gvr, namespace); err != nil {
		return nil, err
	}
	for _, o := range f.objects[gvr] {
		if o.GetNamespace() == namespace && o.GetName() == name {
			return o.DeepCopy(), nil
		}
	}
	return nil, apierrors.NewNotFound(gvr.GroupResource(), name)
}

func (f *fakeReader) Watch(_ context.Context, gvr schema.GroupVersionResource, namespace, resourceVersion string) (watch.Interface, error) {
	if f.onWatch != nil {
		f.onWatch(resourceVersion)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(gvr, namespace); err != nil {
		return nil, err
	}
	w := watch.NewRaceFreeFake()
	f.watchers = append(f.watchers, w)
	if f.watched != nil {
		f.watched <- gvr
	}
	return w, nil
}

// oneReader serves every request with one fakeReader.
type oneReader struct{ r Reader }

func (o oneReader) For(*http.Request) (Reader, error) { return o.r, nil }

// noUser refuses every request, as the proxy modes do without a user.
type noUser struct{}

func (noUser) For(*http.Request) (Reader, error) {
	return nil, &AuthError{Message: "no signed-in user"}
}

var (
	upstreamsGVR       = viewsv1alpha1.SchemeGroupVersion.WithResource("upstreams")
	virtualServicesGVR = viewsv1alpha1.SchemeGroupVersion.WithResource("virtualservices")
)

// upstream is a view of an Upstream of cluster in namespace, in state.
func upstream(cluster, namespace, name, state, reason string) string {
	status := ""
	if state != "" {
		status = fmt.Sprintf(`,"status":{"statuses":{"gloo-system":{"state":%q,"reason":%q,"reportedBy":"gloo"}}}`, state, reason)
	}
	return fmt.Sprintf(`{"apiVersion":"views.meridian.io/v1alpha1","kind":"Upstream","metadata":{"name":%q,"namespace":%q,"labels":{%q:%q}},"spec":{"kube":{"serviceName":"svc","serviceNamespace":%q,"servicePort":8080}}%s}`,
		viewsv1alpha1.ClusterName(cluster, name), namespace, viewsv1alpha1.ClusterLabel, cluster, namespace, status)
}

func virtualService(cluster, namespace, name, state, reason string) string {
	return fmt.Sprintf(`{"apiVersion":"views.meridian.io/v1alpha1","kind":"VirtualService","metadata":{"name":%q,"namespace":%q,"labels":{%q:%q},"annotations":{"fed.meridian.io/owner":"FederatedVirtualService/fed/%s"}},"spec":{"virtualHost":{"domains":["shop.example.com"]}},"status":{"statuses":{"gloo-system":{"state":%q,"reason":%q}}}}`,
		viewsv1alpha1.ClusterName(cluster, name), namespace, viewsv1alpha1.ClusterLabel, cluster, name, state, reason)
}

func instance(cluster string, reachable bool, errors int) string {
	var reports []string
	for i := 0; i < errors; i++ {
		reports = append(reports, fmt.Sprintf(`{"ref":{"name":"vs-%d","namespace":"team-a"},"message":"broken"}`, i))
	}
	errs := "[" + strings.Join(reports, ",") + "]"
	return fmt.Sprintf(`{"apiVersion":"views.meridian.io/v1alpha1","kind":"GlooInstance","metadata":{"name":"%s-gloo-system","namespace":"gloo-system"},
"spec":{"cluster":%q,"controlPlane":{"version":"1.17.0","namespace":"gloo-system"},"region":"eu-1","admin":{"writeNamespace":"gloo-system"},
"proxies":[{"name":"gateway-proxy","namespace":"gloo-system","replicas":2,"readyReplicas":2,"availableReplicas":2,"version":"1.17.0","workloadControllerType":"DEPLOYMENT","zones":["eu-1a"],"ingressEndpoints":[{"address":"10.0.0.1","serviceName":"gateway-proxy","ports":[{"port":80,"name":"http"}]}],"wasmEnabled":false,"readConfigMulticlusterEnabled":false}],
"check":{"virtualServices":{"total":3,"errors":%s}}},"status":{"reachable":%t}}`, cluster, cluster, errs, reachable)
}
