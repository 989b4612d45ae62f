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
	"maps"
	"os"
	"slices"
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
	"github.com/meridianfed/meridian/pkg/controller/placement"
	"github.com/meridianfed/meridian/pkg/devenv"
	"github.com/meridianfed/meridian/pkg/devenv/glooinstall"
)

func main() {
	members := flag.Int("members", 10, "member clusters")
	objects := flag.Int("objects", 1000, "FederatedUpstreams, each placed into every member")
	apiserver := flag.String("apiserver", "bin/meridian-apiserver", "meridian-apiserver binary")
	controller := flag.String("controller", "bin/meridian-controller", "meridian-controller binary")
	flag.StringVar(&profileDir, "cpu-profiles", "", "if set, a directory where the CPU profiles of the first member's and the management cluster's kube-apiservers over the first 20 s of the placement (go tool pprof reads them), and the controller's metrics once all is placed, are written")
	controllerArgs := flag.String("controller-args", "", "extra flags of meridian-controller, space separated (to compare settings)")
	flag.Parse()
	if err := run(*members, *objects, devenv.MeridianOptions{APIServer: *apiserver, Controller: *controller, ControllerArgs: strings.Fields(*controllerArgs)}); err != nil {
		fmt.Fprintln(os.Stderr, "bench-placement:", err)
		os.Exit(1)
	}
}

var profileDir string

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
	startEnv := func() (*devenv.Environment, error) {
		return devenv.Start(ctx, devenv.Options{Dir: dir, Members: names, Progress: os.Stderr, ReadyTimeout: 3 * time.Minute})
	}
	env, err := startEnv()
	if err != nil {
		// Eleven kube-apiservers starting at once on two cores: one may miss
		// its post-start hooks' deadline. Once more (Start begins afresh
		// in the same directory).
		fmt.Fprintf(os.Stderr, "bench-placement: the environment did not start (%v); trying once more\n", err)
		if env, err = startEnv(); err != nil {
			return err
		}
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
			for _, ns := range []string{"bench", "bench-hung"} {
				if _, errs[i] = kubernetes.NewForConfigOrDie(m.RESTConfig()).CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); errs[i] != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	// The limit: a plain client applying the same objects into the members
	// directly, as fast as they take them, before Meridian runs (so nothing
	// else loads the machine); then removed again.
	cpuDirectStart := cpuOf(env)
	direct, cpuDirectEnd, err := applyDirect(ctx, env, nObjects)
	if err != nil {
		return err
	}
	cpuDirect := cpuDirectEnd.since(cpuDirectStart, direct.Seconds())
	fmt.Fprintf(os.Stderr, "applied %d Upstreams directly in %s\n", nObjects*nMembers, direct.Round(time.Millisecond))

	meridian, err := env.StartMeridian(ctx, opts)
	if err != nil {
		return err
	}
	if err := env.RegisterMembers(ctx); err != nil {
		return err
	}
	mgmtCfg := env.Management.RESTConfig()
	mgmtCfg.QPS, mgmtCfg.Burst = 500, 1000
	mgmt := dynamic.NewForConfigOrDie(mgmtCfg)
	for _, ns := range []string{"bench", "bench-hung"} {
		if _, err := kubernetes.NewForConfigOrDie(mgmtCfg).CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
			return err
		}
	}

	first := env.Members[0]
	memberBefore, err := censusOf(ctx, first)
	if err != nil {
		return err
	}
	mgmtBefore, err := censusOf(ctx, env.Management)
	if err != nil {
		return err
	}
	cpuStart := cpuOf(env)
	start := time.Now()
	if profileDir != "" {
		for _, c := range []*devenv.Cluster{first, env.Management} {
			go profile(ctx, c, profileDir)
		}
	}
	created, err := createAll(ctx, mgmt, "bench", nObjects)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "created %d FederatedUpstreams in %s\n", nObjects, created.Round(time.Millisecond))

	want := fmt.Sprintf("%d/%d", nMembers, nMembers)
	placedAll, err := waitAllPlaced(ctx, mgmt, "bench", nObjects, want, start)
	if err != nil {
		return err
	}
	cpuPlacement := cpuOf(env).since(cpuStart, placedAll.Seconds())
	if profileDir != "" {
		saveControllerMetrics(ctx, meridian.Controllers()[0].Metrics, profileDir)
	}
	memberAfter, err := censusOf(ctx, first)
	if err != nil {
		return err
	}
	mgmtAfter, err := censusOf(ctx, env.Management)
	if err != nil {
		return err
	}
	memberServed, memberTotal := memberAfter.since(memberBefore, 6)
	mgmtServed, mgmtTotal := mgmtAfter.since(mgmtBefore, 6)
	// What is in the members is what the status says.
	placed := 0
	for _, m := range env.Members {
		l, err := dynamic.NewForConfigOrDie(m.RESTConfig()).Resource(upstreams).Namespace("bench").List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		placed += len(l.Items)
	}
	if placed != nMembers*nObjects {
		return fmt.Errorf("the members hold %d placed Upstreams, want %d", placed, nMembers*nObjects)
	}
	// The same placement again, into another namespace, with one member
	// hung (SIGSTOP) from the start: the others must not wait for it.
	hung := env.Members[len(env.Members)-1]
	if err := hung.Pause(); err != nil {
		return err
	}
	hungStart := time.Now()
	if _, err := createAll(ctx, mgmt, "bench-hung", nObjects); err != nil {
		_ = hung.Resume()
		return err
	}
	hungPlaced, err := waitAllPlaced(ctx, mgmt, "bench-hung", nObjects, fmt.Sprintf("%d/%d", nMembers-1, nMembers), hungStart)
	if err != nil {
		_ = hung.Resume()
		return err
	}
	hungReported, err := reportedFor(ctx, mgmt, "bench-hung", hung.Name)
	_ = hung.Resume()
	if err != nil {
		return err
	}

	fmt.Printf("\n## Federation controller: %d FederatedUpstreams × %d members (%s)\n\n", nObjects, nMembers, time.Now().UTC().Format("2006-01-02"))
	fmt.Printf("Command: `make bench` (`go run ./hack/bench-placement --members %d --objects %d`), on this machine (%s).\n\n", nMembers, nObjects, cores())
	fmt.Printf("| measurement | result | target |\n|---|---|---|\n")
	fmt.Printf("| creating %d FederatedUpstreams in the management cluster (16 clients) | %s | |\n", nObjects, created.Round(time.Millisecond))
	fmt.Printf("| from the first create until every one reports Placed %s | %s | ≤ 60s |\n", want, placedAll.Round(time.Millisecond))
	fmt.Printf("| Upstreams written into the members | %d (%.0f per second) | |\n", placed, float64(placed)/placedAll.Seconds())
	fmt.Printf("| the limit: a plain client server-side applying the same %d Upstreams into the members directly (16 clients per member) | %s (ratio of Meridian's placement to it: %.2f) | ≤ 1.3× |\n", placed, direct.Round(time.Millisecond), placedAll.Seconds()/direct.Seconds())
	fmt.Printf("| CPU the environment used: during the direct apply | %s | |\n", cpuDirect)
	fmt.Printf("| CPU the environment used: during Meridian's placement | %s | |\n", cpuPlacement)
	fmt.Printf("| requests member %s served during the placement, per placed object | %.2f (%s) | |\n", first.Name, memberTotal/float64(nObjects), memberServed)
	fmt.Printf("| requests the management cluster served during the placement, per FederatedUpstream | %.2f (%s) | |\n", mgmtTotal/float64(nObjects), mgmtServed)
	fmt.Printf("| the same placement with member %s hung (SIGSTOP) from the start: until the other %d members hold every object | %s (ratio to the run without the fault: %.2f) | ≤ 1.2× |\n", hung.Name, nMembers-1, hungPlaced.Round(time.Millisecond), hungPlaced.Seconds()/placedAll.Seconds())
	fmt.Printf("| the hung member's targets, as the status reports them when the others are done | %s | every one not Placed, saying why |\n", hungReported)
	fmt.Printf("\nOne controller replica; each federated object is written into the members in parallel (a server-side apply per target that may only create, so that the member decides ownership at the write; the controller then follows its objects through the views API) with each member's registered credential, at most 100 requests per second per member, %d in flight; every server of the environment shares the same %s.\n", placement.DefaultMemberWorkers, cores())
	return nil
}

// waitAllPlaced watches the FederatedUpstreams (a watch, not repeated
// lists: the measurement must not load the servers it measures) until every
// one reports want, and returns the time since start.
func waitAllPlaced(ctx context.Context, mgmt dynamic.Interface, namespace string, n int, want string, start time.Time) (time.Duration, error) {
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
	factory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(mgmt, 0, namespace, nil)
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

func federatedUpstream(namespace string, i int) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": fedv1alpha1.SchemeGroupVersion.String(),
		"kind":       "FederatedUpstream",
		"metadata":   map[string]any{"name": fmt.Sprintf("svc-%04d", i), "namespace": namespace},
		"spec": map[string]any{
			"template":  map[string]any{"spec": upstreamSpec(i)},
			"placement": map[string]any{"clusters": []any{"*"}, "namespaces": []any{namespace}},
		},
	}}
}

func upstreamSpec(i int) map[string]any {
	return map[string]any{"kube": map[string]any{"serviceName": fmt.Sprintf("svc-%04d", i), "serviceNamespace": "bench", "servicePort": int64(8080)}}
}

// createAll creates n FederatedUpstreams in namespace with 16 clients.
func createAll(ctx context.Context, mgmt dynamic.Interface, namespace string, n int) (time.Duration, error) {
	start := time.Now()
	work := make(chan int)
	var createErr atomic.Value
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for i := range work {
				if _, err := mgmt.Resource(fedUpstreams).Namespace(namespace).Create(ctx, federatedUpstream(namespace, i), metav1.CreateOptions{}); err != nil {
					createErr.Store(err)
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	if err, ok := createErr.Load().(error); ok {
		return 0, err
	}
	return time.Since(start), nil
}

var upstreams = schema.GroupVersionResource{Group: "gloo.solo.io", Version: "v1", Resource: "upstreams"}

// applyDirect server-side applies n Upstreams into every member at once,
// 16 clients per member, unthrottled, and returns how long until the last
// was written; then deletes them all again.
func applyDirect(ctx context.Context, env *devenv.Environment, n int) (time.Duration, cpuUse, error) {
	start := time.Now()
	var wg sync.WaitGroup
	var applyErr atomic.Value
	for _, m := range env.Members {
		cfg := m.RESTConfig()
		cfg.QPS, cfg.Burst = -1, 0
		client := dynamic.NewForConfigOrDie(cfg).Resource(upstreams).Namespace("bench")
		work := make(chan int)
		for range 16 {
			wg.Go(func() {
				for i := range work {
					u := &unstructured.Unstructured{Object: map[string]any{
						"apiVersion": "gloo.solo.io/v1", "kind": "Upstream",
						"metadata": map[string]any{"name": fmt.Sprintf("svc-%04d", i), "namespace": "bench"},
						"spec":     upstreamSpec(i),
					}}
					force := true
					body, _ := u.MarshalJSON()
					if _, err := client.Patch(ctx, u.GetName(), "application/apply-patch+yaml", body, metav1.PatchOptions{FieldManager: "bench-direct", Force: &force}); err != nil {
						applyErr.Store(err)
					}
				}
			})
		}
		wg.Go(func() {
			for i := range n {
				work <- i
			}
			close(work)
		})
	}
	wg.Wait()
	took := time.Since(start)
	cpu := cpuOf(env)
	if err, ok := applyErr.Load().(error); ok {
		return 0, nil, err
	}
	for _, m := range env.Members {
		client := dynamic.NewForConfigOrDie(m.RESTConfig()).Resource(upstreams).Namespace("bench")
		if err := client.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
			return 0, nil, err
		}
		if l, err := client.List(ctx, metav1.ListOptions{}); err != nil || len(l.Items) > 0 {
			return 0, nil, fmt.Errorf("member %s still holds the directly applied Upstreams: %v", m.Name, err)
		}
	}
	return took, cpu, nil
}

// reportedFor summarises the placement states the FederatedUpstreams in
// namespace report for one cluster.
func reportedFor(ctx context.Context, mgmt dynamic.Interface, namespace, cluster string) (string, error) {
	list, err := mgmt.Resource(fedUpstreams).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return "", err
	}
	states := map[string]int{}
	example := ""
	for _, u := range list.Items {
		placements, _, _ := unstructured.NestedSlice(u.Object, "status", "placements")
		found := false
		for _, p := range placements {
			pm, _ := p.(map[string]any)
			if pm["cluster"] != cluster {
				continue
			}
			found = true
			state, _ := pm["state"].(string)
			states[state]++
			if msg, _ := pm["message"].(string); example == "" && msg != "" {
				example = msg
			}
		}
		if !found {
			states["not reported"]++
		}
	}
	var parts []string
	for _, st := range slices.Sorted(maps.Keys(states)) {
		parts = append(parts, fmt.Sprintf("%d %s", states[st], st))
	}
	out := strings.Join(parts, ", ")
	if example != "" {
		out += fmt.Sprintf(" (e.g. %q)", example)
	}
	return out, nil
}

func cores() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	return fmt.Sprintf("%d cores", strings.Count(string(data), "processor\t:"))
}
