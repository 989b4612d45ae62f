// Command bench-placement measures the federation controller on the real
// environment: N FederatedUpstreams, each placed into every one of M member
// clusters, from creation until every one reports Placed everywhere; and the
// rate at which the controller wrote into the members. make bench runs it
// after the views benchmark and appends its report to docs/benchmarks.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/kubernetes"
	toolscache "k8s.io/client-go/tools/cache"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/devenv"
	"github.com/meridianfed/meridian/pkg/devenv/glooinstall"
)

func main() {
	members := flag.Int("members", 10, "member clusters")
	objects := flag.Int("objects", 1000, "FederatedUpstreams, each placed into every member")
	apiserver := flag.String("apiserver", "bin/meridian-apiserver", "meridian-apiserver binary")
	controller := flag.String("controller", "bin/meridian-controller", "meridian-controller binary")
	flag.Parse()
	if err := run(*members, *objects, devenv.MeridianOptions{APIServer: *apiserver, Controller: *controller}); err != nil {
		fmt.Fprintln(os.Stderr, "bench-placement:", err)
		os.Exit(1)
	}
}

var fedUpstreams = fedv1alpha1.SchemeGroupVersion.WithResource("federatedupstreams")

func run(nMembers, nObjects int, opts devenv.MeridianOptions) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "meridian-bench-placement-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var names []string
	for i := range nMembers {
		names = append(names, fmt.Sprintf("m%02d", i))
	}
	env, err := devenv.Start(ctx, devenv.Options{Dir: dir, Members: names, Progress: os.Stderr, ReadyTimeout: 3 * time.Minute})
	if err != nil {
		return err
	}
	defer env.Stop()
	env.StopWhenOrphaned()
	crds, err := glooinstall.CRDDocuments()
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make([]error, len(env.Members))
	for i, m := range env.Members {
		wg.Go(func() {
			if errs[i] = devenv.InstallCRDs(ctx, m.RESTConfig(), crds...); errs[i] != nil {
				return
			}
			_, errs[i] = kubernetes.NewForConfigOrDie(m.RESTConfig()).CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "bench"}}, metav1.CreateOptions{})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if _, err := env.StartMeridian(ctx, opts); err != nil {
		return err
	}
	if err := env.RegisterMembers(ctx); err != nil {
		return err
	}
	mgmtCfg := env.Management.RESTConfig()
	mgmtCfg.QPS, mgmtCfg.Burst = 500, 1000
	mgmt := dynamic.NewForConfigOrDie(mgmtCfg)
	if _, err := kubernetes.NewForConfigOrDie(mgmtCfg).CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "bench"}}, metav1.CreateOptions{}); err != nil {
		return err
	}

	start := time.Now()
	work := make(chan int)
	var createErr atomic.Value
	for range 16 {
		wg.Go(func() {
			for i := range work {
				if _, err := mgmt.Resource(fedUpstreams).Namespace("bench").Create(ctx, federatedUpstream(i), metav1.CreateOptions{}); err != nil {
					createErr.Store(err)
				}
			}
		})
	}
	for i := range nObjects {
		work <- i
	}
	close(work)
	wg.Wait()
	if err, ok := createErr.Load().(error); ok {
		return err
	}
	created := time.Since(start)
	fmt.Fprintf(os.Stderr, "created %d FederatedUpstreams in %s\n", nObjects, created.Round(time.Millisecond))

	want := fmt.Sprintf("%d/%d", nMembers, nMembers)
	placedAll, err := waitAllPlaced(ctx, mgmt, nObjects, want, start)
	if err != nil {
		return err
	}
	// What is in the members is what the status says.
	placed := 0
	for _, m := range env.Members {
		l, err := dynamic.NewForConfigOrDie(m.RESTConfig()).Resource(schema.GroupVersionResource{Group: "gloo.solo.io", Version: "v1", Resource: "upstreams"}).Namespace("bench").List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		placed += len(l.Items)
	}
	if placed != nMembers*nObjects {
		return fmt.Errorf("the members hold %d placed Upstreams, want %d", placed, nMembers*nObjects)
	}
	fmt.Printf("\n## Federation controller: %d FederatedUpstreams × %d members (%s)\n\n", nObjects, nMembers, time.Now().UTC().Format("2006-01-02"))
	fmt.Printf("Command: `make bench` (`go run ./hack/bench-placement --members %d --objects %d`), on this machine (%s).\n\n", nMembers, nObjects, cores())
	fmt.Printf("| measurement | result | target |\n|---|---|---|\n")
	fmt.Printf("| creating %d FederatedUpstreams in the management cluster (16 clients) | %s | |\n", nObjects, created.Round(time.Millisecond))
	fmt.Printf("| from the first create until every one reports Placed %s | %s | ≤ 60s |\n", want, placedAll.Round(time.Millisecond))
	fmt.Printf("| Upstreams written into the members | %d (%.0f per second) | |\n", placed, float64(placed)/placedAll.Seconds())
	fmt.Printf("\nOne controller replica; each federated object is written into the members in parallel (a server-side apply per target, after one read of the member: ownership is decided on the member's answer before any write; the controller then follows its objects through the views API) with each member's registered credential, at most 100 requests per second per member; every server of the environment shares the same %s.\n", cores())
	return nil
}

// waitAllPlaced watches the FederatedUpstreams (a watch, not repeated
// lists: the measurement must not load the servers it measures) until every
// one reports want, and returns the time since start.
func waitAllPlaced(ctx context.Context, mgmt dynamic.Interface, n int, want string, start time.Time) (time.Duration, error) {
	placed := map[string]bool{}
	count := 0 // how many in placed are true
	var mu sync.Mutex
	done := make(chan time.Duration, 1)
	observe := func(obj any) {
		u, ok := obj.(*unstructured.Unstructured)
		if !ok {
			return
		}
		p, _, _ := unstructured.NestedString(u.Object, "status", "placed")
		mu.Lock()
		defer mu.Unlock()
		was, now := placed[u.GetName()], p == want
		placed[u.GetName()] = now
		switch {
		case now && !was:
			count++
		case was && !now:
			count--
		}
		if count == n {
			select {
			case done <- time.Since(start):
			default:
			}
		}
	}
	factory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(mgmt, 0, "bench", nil)
	_, _ = factory.ForResource(fedUpstreams).Informer().AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    observe,
		UpdateFunc: func(_, o any) { observe(o) },
	})
	wctx, cancel := context.WithTimeout(ctx, 20*time.Minute)
	factory.Start(wctx.Done())
	defer func() {
		cancel()
		factory.Shutdown()
	}()
	select {
	case d := <-done:
		return d, nil
	case <-wctx.Done():
		mu.Lock()
		defer mu.Unlock()
		return 0, fmt.Errorf("only %d of %d FederatedUpstreams Placed everywhere after %s", count, n, time.Since(start).Round(time.Second))
	}
}

func federatedUpstream(i int) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": fedv1alpha1.SchemeGroupVersion.String(),
		"kind":       "FederatedUpstream",
		"metadata":   map[string]any{"name": fmt.Sprintf("svc-%04d", i), "namespace": "bench"},
		"spec": map[string]any{
			"template":  map[string]any{"spec": map[string]any{"kube": map[string]any{"serviceName": fmt.Sprintf("svc-%04d", i), "serviceNamespace": "bench", "servicePort": int64(8080)}}},
			"placement": map[string]any{"clusters": []any{"*"}, "namespaces": []any{"bench"}},
		},
	}}
}

func cores() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	return fmt.Sprintf("%d cores", strings.Count(string(data), "processor\t:"))
}
