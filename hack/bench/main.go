// Command bench runs `make bench`: it measures, side by side in one run on
// the real environment, what the aggregated views cost compared with a plain
// kube-apiserver:
//
//   - a list of N members × M Upstreams through the management cluster's
//     aggregator, served from the cache (resourceVersion=0) and as a
//     consistent read (resourceVersion unset), against one kube-apiserver
//     listing the same N×M Upstreams directly;
//   - the latency a watch of the views adds over a direct watch of the member;
//   - the aggregated server's memory per cached object, against the objects'
//     JSON size.
//
// It prints a Markdown report (with the command that produced it) for
// docs/benchmarks.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	gloov1 "github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/devenv"
	"github.com/meridianfed/meridian/pkg/devenv/glooinstall"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
	glooclient "github.com/meridianfed/meridian/pkg/generated/gloo/clientset/versioned"
)

func main() {
	members := flag.Int("members", 10, "member clusters")
	perMember := flag.Int("upstreams", 1000, "Upstreams per member")
	rounds := flag.Int("rounds", 10, "timed lists per variant")
	apiserver := flag.String("apiserver", "bin/meridian-apiserver", "meridian-apiserver binary")
	controller := flag.String("controller", "bin/meridian-controller", "meridian-controller binary")
	heapProfile := flag.String("heap-profile", "", "also write the server's heap profile (with every object cached) to this file, for go tool pprof")
	flag.Parse()
	if err := run(*members, *perMember, *rounds, devenv.MeridianOptions{APIServer: *apiserver, Controller: *controller}, *heapProfile); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(nMembers, perMember, rounds int, meridian devenv.MeridianOptions, heapProfile string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "meridian-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	names := []string{"baseline"}
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
	// Gloo's CRDs everywhere; the baseline gets its Upstreams now, the
	// members only once Meridian watches them, so that the memory the cached
	// objects add is measured apart from what each member costs.
	err = forEachMember(env.Members, func(m *devenv.Cluster) error {
		if err := devenv.InstallCRDs(ctx, m.RESTConfig(), crds...); err != nil {
			return err
		}
		if m.Name == "baseline" {
			return createUpstreams(ctx, m.RESTConfig(), m.Name, perMember*nMembers) // the same objects, in one kube-apiserver
		}
		return createNamespace(ctx, m.RESTConfig(), "bench")
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "created %d Upstreams in the baseline\n", perMember*nMembers)

	m, err := env.StartMeridian(ctx, meridian)
	if err != nil {
		return err
	}
	debug, err := debugClient(env, m)
	if err != nil {
		return err
	}
	time.Sleep(2 * time.Second) // the aggregator fetches the OpenAPI, which the server then keeps
	heapAlone, err := liveHeap(ctx, debug)
	if err != nil {
		return err
	}
	rss0, err := rssOf(m.PID())
	if err != nil {
		return err
	}
	if err := env.RegisterMembers(ctx, names[1:]...); err != nil {
		return err
	}
	viewsCfg := env.Management.RESTConfig()
	warnings := &lastWarnings{}
	viewsCfg.WarningHandlerWithContext = warnings
	views := meridianclient.NewForConfigOrDie(viewsCfg)
	// Every member connected and synced: a consistent list answers with no
	// warning about any of them.
	if err := waitFor(ctx, 2*time.Minute, "every member synced", func() bool {
		warnings.reset()
		_, err := views.ViewsV1alpha1().Upstreams("bench").List(ctx, metav1.ListOptions{})
		return err == nil && warnings.count() == 0
	}); err != nil {
		return err
	}
	heapMembers, err := liveHeap(ctx, debug)
	if err != nil {
		return err
	}

	err = forEachMember(env.Members[1:], func(m *devenv.Cluster) error {
		return createUpstreams(ctx, m.RESTConfig(), m.Name, perMember)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "created %d Upstreams in each of %d members\n", perMember, nMembers)
	want := nMembers * perMember
	if err := waitFor(ctx, 5*time.Minute, fmt.Sprintf("the views to show %d Upstreams", want), func() bool {
		l, err := views.ViewsV1alpha1().Upstreams("bench").List(ctx, metav1.ListOptions{ResourceVersion: "0"})
		return err == nil && len(l.Items) == want
	}); err != nil {
		return err
	}
	heapObjects, err := liveHeap(ctx, debug)
	if err != nil {
		return err
	}
	if heapProfile != "" {
		prof, err := debug.Get().AbsPath("/debug/pprof/heap").Param("gc", "1").DoRaw(ctx)
		if err != nil {
			return fmt.Errorf("heap profile: %w", err)
		}
		if err := os.WriteFile(heapProfile, prof, 0o644); err != nil {
			return err
		}
	}
	viewsCfg.WarningHandlerWithContext = nil
	viewsCfg.WarningHandler = rest.NoWarnings{}
	views = meridianclient.NewForConfigOrDie(viewsCfg)
	baseline := glooclient.NewForConfigOrDie(env.Member("baseline").RESTConfig())
	direct := timeLists(ctx, rounds, func() (int, error) {
		l, err := baseline.GlooV1().Upstreams("bench").List(ctx, metav1.ListOptions{})
		return lenOr(l, err)
	})
	directCached := timeLists(ctx, rounds, func() (int, error) {
		l, err := baseline.GlooV1().Upstreams("bench").List(ctx, metav1.ListOptions{ResourceVersion: "0"})
		return lenOr(l, err)
	})
	cached := timeLists(ctx, rounds, func() (int, error) {
		l, err := views.ViewsV1alpha1().Upstreams("bench").List(ctx, metav1.ListOptions{ResourceVersion: "0"})
		return lenViews(l, err)
	})
	consistent := timeLists(ctx, rounds, func() (int, error) {
		l, err := views.ViewsV1alpha1().Upstreams("bench").List(ctx, metav1.ListOptions{})
		return lenViews(l, err)
	})
	for _, r := range []listResult{direct, directCached, cached, consistent} {
		if r.err != nil {
			return r.err
		}
	}

	viewLat, directLat, err := watchLatency(ctx, env, views, 50)
	if err != nil {
		return err
	}

	rss, err := rssOf(m.PID())
	if err != nil {
		return err
	}
	jsonBytes, err := jsonSize(ctx, baseline)
	if err != nil {
		return err
	}

	fmt.Printf("## Views vs kube-apiserver (%s)\n\n", time.Now().UTC().Format("2006-01-02"))
	fmt.Printf("Command: `make bench` (`go run ./hack/bench --members %d --upstreams %d --rounds %d`), on this machine (%s).\n\n", nMembers, perMember, rounds, machine())
	fmt.Printf("| measurement | median | target |\n|---|---|---|\n")
	fmt.Printf("| kube-apiserver: list %d Upstreams (resourceVersion unset) | %s | |\n", want, direct.median)
	fmt.Printf("| kube-apiserver: list %d Upstreams (resourceVersion=0, watch cache) | %s | |\n", want, directCached.median)
	fmt.Printf("| views: list %d members × %d Upstreams via the aggregator, cached (resourceVersion=0) | %s (ratio %.2f to kube-apiserver's cached list, %.2f to its consistent list) | ≤ 1.0 |\n",
		nMembers, perMember, cached.median, ratio(cached.median, directCached.median), ratio(cached.median, direct.median))
	fmt.Printf("| views: same list, consistent (resourceVersion unset, live fan-out) | %s (ratio %.2f to kube-apiserver's consistent list) | ≤ 1.5 |\n", consistent.median, ratio(consistent.median, direct.median))
	fmt.Printf("| watch event latency, direct member watch (p50 / p99) | %s / %s | |\n", pct(directLat, 50), pct(directLat, 99))
	fmt.Printf("| watch event latency through the views (p50 / p99) | %s / %s | |\n", pct(viewLat, 50), pct(viewLat, 99))
	fmt.Printf("| added watch latency (p50 of views − p50 of direct) | %s | ≤ 5ms |\n", pct(viewLat, 50)-pct(directLat, 50))
	perObject := float64(heapObjects-heapMembers) / float64(want)
	fmt.Printf("| meridian-apiserver live heap per cached object: %.1f MiB with %d members and no Upstreams, %.1f MiB with %d cached Upstreams | %.0f bytes per cached object vs %.0f bytes of JSON per object (ratio %.2f) | ≤ 1.5 |\n",
		float64(heapMembers)/(1<<20), nMembers, float64(heapObjects)/(1<<20), want, perObject, jsonBytes, perObject/jsonBytes)
	fmt.Printf("| meridian-apiserver live heap per member (watches, clients, informers of one member with nothing cached) | %.0f KiB (%.1f MiB alone, %.1f MiB with %d members) | |\n",
		float64(heapMembers-heapAlone)/float64(nMembers)/1024, float64(heapAlone)/(1<<20), float64(heapMembers)/(1<<20), nMembers)
	fmt.Printf("| meridian-apiserver resident memory (for reference): alone %.1f MiB, after the run %.1f MiB | | |\n",
		float64(rss0)/(1<<20), float64(rss)/(1<<20))
	fmt.Printf("\nLive heap is read from the server's own `/debug/pprof/heap?gc=1` (HeapAlloc right after a forced garbage collection), first with the members registered and synced but holding no Upstreams, then once the views show every Upstream (created while Meridian watched, so the watch history holds their events too). The JSON size is that of the objects as the baseline kube-apiserver serves them. Resident memory also holds freed memory the Go runtime has not yet returned to the OS.\n")
	return nil
}

type listResult struct {
	median time.Duration
	err    error
}

func timeLists(ctx context.Context, rounds int, list func() (int, error)) listResult {
	var took []time.Duration
	for range rounds + 1 {
		start := time.Now()
		if _, err := list(); err != nil {
			return listResult{err: err}
		}
		took = append(took, time.Since(start))
	}
	took = took[1:] // the first warms connections
	slices.Sort(took)
	return listResult{median: took[len(took)/2]}
}

func lenOr(l *gloov1.UpstreamList, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	return len(l.Items), nil
}

func lenViews(l *viewsv1alpha1.UpstreamList, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	return len(l.Items), nil
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func pct(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}

// forEachMember runs f for every cluster in parallel, and returns the first error.
func forEachMember(clusters []*devenv.Cluster, f func(*devenv.Cluster) error) error {
	var wg sync.WaitGroup
	errs := make([]error, len(clusters))
	for i, c := range clusters {
		wg.Go(func() { errs[i] = f(c) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func waitFor(ctx context.Context, timeout time.Duration, what string, done func() bool) error {
	deadline := time.Now().Add(timeout)
	for !done() {
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s waiting for %s", timeout, what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	return nil
}

// lastWarnings counts the Warning headers the views answer with.
type lastWarnings struct {
	mu sync.Mutex
	n  int
}

func (w *lastWarnings) HandleWarningHeaderWithContext(_ context.Context, _ int, _ string, _ string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n++
}

func (w *lastWarnings) reset() { w.mu.Lock(); w.n = 0; w.mu.Unlock() }

func (w *lastWarnings) count() int { w.mu.Lock(); defer w.mu.Unlock(); return w.n }

func createNamespace(ctx context.Context, cfg *rest.Config, name string) error {
	kube := kubernetes.NewForConfigOrDie(cfg)
	_, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}

func createUpstreams(ctx context.Context, cfg *rest.Config, cluster string, n int) error {
	if err := createNamespace(ctx, cfg, "bench"); err != nil {
		return err
	}
	gloo := glooclient.NewForConfigOrDie(cfg).GlooV1().Upstreams("bench")
	work := make(chan int)
	errs := make(chan error, 16)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for i := range work {
				if _, err := gloo.Create(ctx, benchUpstream(cluster, i), metav1.CreateOptions{}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := range n {
		select {
		case work <- i:
		case err := <-errs:
			close(work)
			return err
		}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// benchUpstream is a realistic discovered Upstream with a Gloo status.
func benchUpstream(cluster string, i int) *gloov1.Upstream {
	u := &gloov1.Upstream{
		ObjectMeta: metav1.ObjectMeta{
			Name:      fmt.Sprintf("%s-svc-%05d-8080", cluster, i),
			Namespace: "bench",
			Labels:    map[string]string{"discovered_by": "kubernetesplugin", "app": "svc-" + strconv.Itoa(i)},
		},
		Spec: gloov1.UpstreamSpec{Kube: &gloov1.KubeUpstreamSpec{
			ServiceName: "svc-" + strconv.Itoa(i), ServiceNamespace: "bench", ServicePort: 8080,
			Selector: map[string]string{"app": "svc-" + strconv.Itoa(i)},
		}},
	}
	u.Status.Set("gloo-system", core.Status{State: core.StateOf(core.StateAccepted), ReportedBy: "gloo"})
	return u
}

// watchLatency creates objects in a member and measures when a direct watch
// of the member and a watch of the views see them.
func watchLatency(ctx context.Context, env *devenv.Environment, views meridianclient.Interface, n int) (viewLat, directLat []time.Duration, err error) {
	member := env.Members[1]
	gloo := glooclient.NewForConfigOrDie(member.RESTConfig()).GlooV1().Upstreams("latency")
	kube := kubernetes.NewForConfigOrDie(member.RESTConfig())
	if _, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "latency"}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, nil, err
	}
	dw, err := gloo.Watch(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, nil, err
	}
	defer dw.Stop()
	vw, err := views.ViewsV1alpha1().Upstreams("latency").Watch(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, nil, err
	}
	defer vw.Stop()
	for i := range n {
		name := fmt.Sprintf("lat-%03d", i)
		start := time.Now()
		u := benchUpstream("lat", i)
		u.Name, u.Namespace = name, "latency"
		if _, err := gloo.Create(ctx, u, metav1.CreateOptions{}); err != nil {
			return nil, nil, err
		}
		d, err := waitAdded(ctx, dw, name, start)
		if err != nil {
			return nil, nil, err
		}
		v, err := waitAdded(ctx, vw, member.Name+"."+name, start)
		if err != nil {
			return nil, nil, err
		}
		directLat, viewLat = append(directLat, d), append(viewLat, v)
	}
	return viewLat, directLat, nil
}

func waitAdded(ctx context.Context, w watch.Interface, name string, start time.Time) (time.Duration, error) {
	timeout := time.After(30 * time.Second)
	for {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				return 0, fmt.Errorf("watch closed waiting for %s", name)
			}
			if m, ok := ev.Object.(metav1.Object); ok && ev.Type == watch.Added && strings.HasSuffix(m.GetName(), name) {
				return time.Since(start), nil
			}
		case <-timeout:
			return 0, fmt.Errorf("no ADDED for %s", name)
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// debugClient talks to the aggregated server directly (not through the
// aggregator, which proxies only the API group) as the management cluster's
// admin, whom the server authenticates by delegation.
func debugClient(env *devenv.Environment, m *devenv.Meridian) (*rest.RESTClient, error) {
	cfg := env.Management.RESTConfig()
	cfg.Host = m.APIServerURL
	cfg.CAData = m.ServingCA
	cfg.CAFile = ""
	cfg.ServerName = ""
	cfg.NegotiatedSerializer = scheme.Codecs.WithoutConversion()
	return rest.UnversionedRESTClientFor(cfg)
}

// liveHeap forces a garbage collection in the server and returns the heap
// still allocated right after it.
func liveHeap(ctx context.Context, c *rest.RESTClient) (int64, error) {
	text, err := c.Get().AbsPath("/debug/pprof/heap").Param("gc", "1").Param("debug", "1").DoRaw(ctx)
	if err != nil {
		return 0, fmt.Errorf("heap profile: %w", err)
	}
	for _, line := range strings.Split(string(text), "\n") {
		if v, ok := strings.CutPrefix(line, "# HeapAlloc = "); ok {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, fmt.Errorf("no HeapAlloc in the server's heap profile")
}

func rssOf(pid int) (int64, error) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, err := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %d", pid)
}

// jsonSize is the mean JSON size of the baseline's Upstreams as served.
func jsonSize(ctx context.Context, c glooclient.Interface) (float64, error) {
	raw, err := c.GlooV1().RESTClient().Get().Namespace("bench").Resource("upstreams").Do(ctx).Raw()
	if err != nil {
		return 0, err
	}
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		return 0, err
	}
	var total int
	for _, it := range list.Items {
		total += len(it)
	}
	return float64(total) / float64(len(list.Items)), nil
}

func machine() string {
	n := 0
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		n = strings.Count(string(data), "processor\t:")
	}
	return fmt.Sprintf("%d cores", n)
}
