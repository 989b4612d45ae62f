// Command bench runs `make bench`: it measures, side by side in one run on
// the real environment, what the aggregated views cost compared with a plain
// kube-apiserver and with the physical limit of the work:
//
//   - base: a list of N members × M Upstreams through the management
//     cluster's aggregator, served from the cache (resourceVersion=0) and as
//     a consistent read (resourceVersion unset), against one kube-apiserver
//     listing the same N×M Upstreams directly; the latency a watch of the
//     views adds over a direct watch of the member; the aggregated server's
//     memory per cached object, against the objects' JSON size;
//   - limit: the same views encoded to JSON and decoded by the same client
//     in this process, the floor under the cached list (limit.go);
//   - concurrent: consistent lists from many concurrent clients, with the
//     LIST requests they cost the members (concurrent.go);
//   - scale: list latency as members are added (scale.go, an environment of
//     its own);
//   - proxy: the server's live heap while one member rewrites a large Proxy
//     (proxy.go);
//   - dashboard: the dashboard's list page over every Upstream, to its first
//     byte and rendered in a headless Chromium, and how soon a member's
//     write shows on an open page (dashboard.go);
//   - outage: how long the views take to hold a member's objects again once
//     it answers after an outage longer than the server's grace (outage.go).
//
// --parts selects what runs (all by default). It prints a Markdown report
// (with the command that produced each section) for docs/benchmarks.md.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
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

// allParts are the parts --parts selects from, in the order they run. The
// proxy part runs last of the main environment's: rewriting a 1 MB Proxy
// leaves its member's kube-apiserver holding gigabytes (its own watch
// cache of the versions), and on a machine of 24 GB the parts after it
// ran out of memory.
var allParts = []string{"base", "limit", "concurrent", "outage", "dashboard", "proxy", "scale"}

type config struct {
	members, perMember, rounds int
	meridian                   devenv.MeridianOptions
	heapProfile                string
	proxyHeapProfiles          string
	parts                      map[string]bool
	partsFlag                  string

	clients, clientLists int

	scaleSteps     []int
	scaleUpstreams int

	proxyBytes, proxyRewrites, proxySampleEvery int

	outage      time.Duration
	removeAfter time.Duration
	keepDirs    bool
	profileDir  string
}

// removeDir removes an environment's directory, unless --keep-dirs.
func (c config) removeDir(dir string) {
	if c.keepDirs {
		fmt.Fprintf(os.Stderr, "kept %s (logs/ has every server's log)\n", dir)
		return
	}
	os.RemoveAll(dir)
}

func main() {
	var c config
	flag.IntVar(&c.members, "members", 10, "member clusters")
	flag.IntVar(&c.perMember, "upstreams", 1000, "Upstreams per member")
	flag.IntVar(&c.rounds, "rounds", 10, "timed lists per variant")
	apiserver := flag.String("apiserver", "bin/meridian-apiserver", "meridian-apiserver binary")
	controller := flag.String("controller", "bin/meridian-controller", "meridian-controller binary")
	flag.StringVar(&c.heapProfile, "heap-profile", "", "also write the server's heap profile (with every object cached) to this file, for go tool pprof")
	flag.StringVar(&c.partsFlag, "parts", "all", "comma-separated parts to run: "+strings.Join(allParts, ", ")+" (all: every one)")
	flag.IntVar(&c.clients, "clients", 50, "concurrent: clients listing at the same time")
	flag.IntVar(&c.clientLists, "client-lists", 2, "concurrent: consistent lists each client makes, back to back")
	steps := flag.String("scale-members", "10,20,30", "scale: member counts to measure at (an environment of its own, with the largest count of members)")
	flag.IntVar(&c.scaleUpstreams, "scale-upstreams", 100, "scale: Upstreams per member")
	flag.IntVar(&c.proxyBytes, "proxy-bytes", 1<<20, "proxy: JSON size of the Proxy rewritten")
	flag.IntVar(&c.proxyRewrites, "proxy-rewrites", 1000, "proxy: rewrites of the Proxy")
	flag.IntVar(&c.proxySampleEvery, "proxy-sample-every", 100, "proxy: rewrites between two samples of the server's live heap")
	flag.StringVar(&c.proxyHeapProfiles, "proxy-heap-profiles", "", "proxy: also write the server's heap profile at every sample into this directory (proxy-heap-<rewrites>.pb.gz), for go tool pprof")
	flag.DurationVar(&c.outage, "outage", 60*time.Second, "outage: how long one member's kube-apiserver is paused (SIGSTOP)")
	flag.StringVar(&c.profileDir, "cpu-profiles", "", "base, limit: also profile the CPU of meridian-apiserver and of the management kube-apiserver (the aggregator) for 10s of back-to-back cached lists, into this directory (for go tool pprof)")
	flag.BoolVar(&c.keepDirs, "keep-dirs", false, "keep the environments' directories (with every server's log) instead of removing them")
	flag.DurationVar(&c.removeAfter, "member-remove-after", 0, "passed to meridian-apiserver when set (0: the server's default, 30s)")
	flag.Parse()
	c.meridian = devenv.MeridianOptions{APIServer: *apiserver, Controller: *controller}
	if c.removeAfter > 0 {
		c.meridian.ExtraArgs = append(c.meridian.ExtraArgs, "--member-remove-after="+c.removeAfter.String())
	}
	c.parts = map[string]bool{}
	for _, p := range strings.Split(c.partsFlag, ",") {
		p = strings.TrimSpace(p)
		switch {
		case p == "all":
			for _, q := range allParts {
				c.parts[q] = true
			}
		case slices.Contains(allParts, p):
			c.parts[p] = true
		default:
			fmt.Fprintf(os.Stderr, "bench: unknown part %q (parts: %s, all)\n", p, strings.Join(allParts, ", "))
			os.Exit(2)
		}
	}
	for _, s := range strings.Split(*steps, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 || (len(c.scaleSteps) > 0 && n <= c.scaleSteps[len(c.scaleSteps)-1]) {
			fmt.Fprintf(os.Stderr, "bench: --scale-members wants increasing member counts, such as 10,20,30\n")
			os.Exit(2)
		}
		c.scaleSteps = append(c.scaleSteps, n)
	}
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func (c config) any(parts ...string) bool {
	return slices.ContainsFunc(parts, func(p string) bool { return c.parts[p] })
}

func run(c config) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()
	var out bytes.Buffer
	if c.any("base", "limit", "concurrent", "proxy", "outage", "dashboard") {
		if err := runMain(ctx, c, &out); err != nil {
			return err
		}
	}
	if c.parts["scale"] {
		if err := runScale(ctx, c, &out); err != nil {
			return err
		}
	}
	_, err := os.Stdout.Write(out.Bytes())
	return err
}

// command is how a section's numbers are reproduced: make bench, or the
// part alone.
func command(c config, part string, flags string) string {
	alone := fmt.Sprintf("go run ./hack/bench --parts %s %s", part, flags)
	if c.partsFlag == "all" {
		return fmt.Sprintf("`make bench` (`go run ./hack/bench %s`; this part alone: `%s`)", flags, alone)
	}
	return fmt.Sprintf("`go run ./hack/bench --parts %s %s`", c.partsFlag, flags)
}

// runMain runs every part but scale in one environment: a baseline
// kube-apiserver (when base or concurrent run) and c.members members.
func runMain(ctx context.Context, c config, out io.Writer) error {
	nMembers, perMember, rounds := c.members, c.perMember, c.rounds
	dir, err := os.MkdirTemp("", "meridian-bench-")
	if err != nil {
		return err
	}
	defer c.removeDir(dir)
	needBaseline := c.any("base", "concurrent")
	var names []string
	if needBaseline {
		names = append(names, "baseline")
	}
	for i := range nMembers {
		names = append(names, fmt.Sprintf("m%02d", i))
	}
	env, err := devenv.Start(ctx, devenv.Options{Dir: dir, Members: names, Progress: os.Stderr, ReadyTimeout: 5 * time.Minute})
	if err != nil {
		return err
	}
	defer env.Stop()
	env.StopWhenOrphaned()
	var members []*devenv.Cluster
	for _, m := range env.Members {
		if m.Name != "baseline" {
			members = append(members, m)
		}
	}

	crds, err := glooinstall.CRDDocuments()
	if err != nil {
		return err
	}
	// Gloo's CRDs everywhere; the baseline gets its Upstreams now, the
	// members only once Meridian watches them, so that the memory the cached
	// objects add is measured apart from what each member costs.
	err = forEachMember(env.Members, func(m *devenv.Cluster) error {
		if err := installCRDs(ctx, m, crds); err != nil {
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
	if needBaseline {
		fmt.Fprintf(os.Stderr, "created %d Upstreams in the baseline\n", perMember*nMembers)
	}

	m, err := env.StartMeridian(ctx, c.meridian)
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
	var memberNames []string
	for _, mc := range members {
		memberNames = append(memberNames, mc.Name)
	}
	if err := env.RegisterMembers(ctx, memberNames...); err != nil {
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

	err = forEachMember(members, func(m *devenv.Cluster) error {
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
	if c.heapProfile != "" {
		if err := writeHeapProfile(ctx, debug, c.heapProfile); err != nil {
			return err
		}
	}
	quietCfg := env.Management.RESTConfig()
	quietCfg.WarningHandler = rest.NoWarnings{}
	views = meridianclient.NewForConfigOrDie(quietCfg)

	baseLoad := loadAvg()
	var direct, directCached, cached, consistent listResult
	var baseline glooclient.Interface
	if needBaseline {
		baseline = glooclient.NewForConfigOrDie(env.Member("baseline").RESTConfig())
	}
	if c.parts["base"] {
		direct = timeLists(ctx, rounds, func() (int, error) {
			l, err := baseline.GlooV1().Upstreams("bench").List(ctx, metav1.ListOptions{})
			return lenOr(l, err)
		})
		directCached = timeLists(ctx, rounds, func() (int, error) {
			l, err := baseline.GlooV1().Upstreams("bench").List(ctx, metav1.ListOptions{ResourceVersion: "0"})
			return lenOr(l, err)
		})
	}
	if c.any("base", "limit") {
		cached = timeLists(ctx, rounds, func() (int, error) {
			l, err := views.ViewsV1alpha1().Upstreams("bench").List(ctx, metav1.ListOptions{ResourceVersion: "0"})
			return lenViews(l, err)
		})
	}
	if c.parts["base"] {
		consistent = timeLists(ctx, rounds, func() (int, error) {
			l, err := views.ViewsV1alpha1().Upstreams("bench").List(ctx, metav1.ListOptions{})
			return lenViews(l, err)
		})
	}
	for _, r := range []listResult{direct, directCached, cached, consistent} {
		if r.err != nil {
			return r.err
		}
	}

	if c.profileDir != "" && c.any("base", "limit") {
		mgmt, err := rest.UnversionedRESTClientFor(withCodecs(env.Management.RESTConfig()))
		if err != nil {
			return err
		}
		err = profileWhile(ctx, c.profileDir, map[string]*rest.RESTClient{"meridian-apiserver": debug, "management": mgmt}, 10, func() error {
			_, err := views.ViewsV1alpha1().Upstreams("bench").List(ctx, metav1.ListOptions{ResourceVersion: "0"})
			return err
		})
		if err != nil {
			return err
		}
	}

	var limit limitResult
	if c.parts["limit"] {
		// The very views the server lists, fetched once.
		l, err := views.ViewsV1alpha1().Upstreams("bench").List(ctx, metav1.ListOptions{ResourceVersion: "0"})
		if err != nil {
			return err
		}
		gz, err := servedGzipped(ctx, quietCfg, "/apis/views.meridian.io/v1alpha1/namespaces/bench/upstreams?resourceVersion=0")
		if err != nil {
			return err
		}
		if limit, err = physicalLimit(ctx, l, rounds, gz); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "physical limit: %s (encode %s, decode %s)\n", limit.total, limit.encode, limit.decode)
	}

	var viewLat, directLat []time.Duration
	if c.parts["base"] {
		if viewLat, directLat, err = watchLatency(ctx, members[0], views, 50); err != nil {
			return err
		}
	}

	var conc concurrentResult
	if c.parts["concurrent"] {
		if conc, err = runConcurrent(ctx, c, env, members, want); err != nil {
			return err
		}
	}

	var outage outageResult
	if c.parts["outage"] {
		if outage, err = runOutage(ctx, c, env, members[len(members)-1]); err != nil {
			return err
		}
	}

	var dash dashboardResult
	if c.parts["dashboard"] {
		if dash, err = runDashboard(ctx, c, env, members[0], want); err != nil {
			return err
		}
	}

	// Last: see allParts.
	var proxy proxyResult
	if c.parts["proxy"] {
		if proxy, err = runProxy(ctx, c, members[0], views, debug); err != nil {
			return err
		}
	}

	rss, err := rssOf(m.PID())
	if err != nil {
		return err
	}

	date := time.Now().UTC().Format("2006-01-02")
	sizes := fmt.Sprintf("--members %d --upstreams %d --rounds %d", nMembers, perMember, rounds)
	if c.any("base", "limit") {
		fmt.Fprintf(out, "## Views vs kube-apiserver (%s)\n\n", date)
		part := "base"
		if !c.parts["base"] {
			part = "limit"
		} else if c.parts["limit"] {
			part = "base,limit"
		}
		fmt.Fprintf(out, "Command: %s, on this machine (%s).\n\n", command(c, part, sizes), machine(baseLoad))
		fmt.Fprintf(out, "| measurement | median | target |\n|---|---|---|\n")
		if c.parts["base"] {
			fmt.Fprintf(out, "| kube-apiserver: list %d Upstreams (resourceVersion unset) | %s | |\n", want, direct.median)
			fmt.Fprintf(out, "| kube-apiserver: list %d Upstreams (resourceVersion=0, watch cache) | %s | |\n", want, directCached.median)
			fmt.Fprintf(out, "| views: list %d members × %d Upstreams via the aggregator, cached (resourceVersion=0) | %s (ratio %.2f to kube-apiserver's cached list, %.2f to its consistent list) | ≤ 1.0 |\n",
				nMembers, perMember, cached.median, ratio(cached.median, directCached.median), ratio(cached.median, direct.median))
			fmt.Fprintf(out, "| views: same list, consistent (resourceVersion unset, live fan-out) | %s (ratio %.2f to kube-apiserver's consistent list) | ≤ 1.5 |\n", consistent.median, ratio(consistent.median, direct.median))
		} else {
			fmt.Fprintf(out, "| views: list %d members × %d Upstreams via the aggregator, cached (resourceVersion=0) | %s | |\n", nMembers, perMember, cached.median)
		}
		if c.parts["limit"] {
			fmt.Fprintf(out, "| physical limit: the same %d views (fetched once from the server, %s of JSON) encoded by the server's JSON serializer and decoded by the bench's client, in one process, no network | %s (encode %s + decode %s) | |\n",
				want, size(limit.bytes), limit.total, limit.encode, limit.decode)
			fmt.Fprintf(out, "| views cached list ÷ physical limit | ratio %.2f | ≤ 1.5 |\n", ratio(cached.median, limit.total))
			if limit.gzip {
				fmt.Fprintf(out, "| physical limit with the gzip the server applies to this list (level 1, %s sent; the client gunzips) | %s (encode+gzip %s + gunzip+decode %s); the cached list is %.2f× this | |\n",
					size(limit.gzBytes), limit.gzTotal, limit.gzEncode, limit.gzDecode, ratio(cached.median, limit.gzTotal))
			}
		}
		if c.parts["base"] {
			fmt.Fprintf(out, "| watch event latency, direct member watch (p50 / p99) | %s / %s | |\n", pct(directLat, 50), pct(directLat, 99))
			fmt.Fprintf(out, "| watch event latency through the views (p50 / p99) | %s / %s | |\n", pct(viewLat, 50), pct(viewLat, 99))
			fmt.Fprintf(out, "| added watch latency (p50 of views − p50 of direct) | %s | ≤ 5ms |\n", pct(viewLat, 50)-pct(directLat, 50))
			jsonBytes, err := jsonSize(ctx, baseline)
			if err != nil {
				return err
			}
			perObject := float64(heapObjects-heapMembers) / float64(want)
			fmt.Fprintf(out, "| meridian-apiserver live heap per cached object: %.1f MiB with %d members and no Upstreams, %.1f MiB with %d cached Upstreams | %.0f bytes per cached object vs %.0f bytes of JSON per object (ratio %.2f) | ≤ 1.5 |\n",
				float64(heapMembers)/(1<<20), nMembers, float64(heapObjects)/(1<<20), want, perObject, jsonBytes, perObject/jsonBytes)
			fmt.Fprintf(out, "| meridian-apiserver live heap per member (watches, clients, informers of one member with nothing cached) | %.0f KiB (%.1f MiB alone, %.1f MiB with %d members) | |\n",
				float64(heapMembers-heapAlone)/float64(nMembers)/1024, float64(heapAlone)/(1<<20), float64(heapMembers)/(1<<20), nMembers)
			fmt.Fprintf(out, "| meridian-apiserver resident memory (for reference): alone %.1f MiB, at the end of this environment's parts %.1f MiB | | |\n",
				float64(rss0)/(1<<20), float64(rss)/(1<<20))
		}
		fmt.Fprintln(out)
		if c.parts["limit"] {
			fmt.Fprintf(out, "The physical limit is what any server must do to hand these objects to this client: encode them to JSON (the views' own codec, streaming lists as the server does) and decode them with the generated clientset the bench lists with, fed from memory (no network, TLS, authentication, aggregator, or copying). The cached list's ratio to it is everything else the request costs.")
			if limit.gzip {
				fmt.Fprintf(out, " The server gzips a list this size for a client that accepts it (client-go does), so the second limit adds that compression and decompression.")
			}
			fmt.Fprintf(out, "\n\n")
		}
		if c.parts["base"] {
			fmt.Fprintf(out, "Live heap is read from the server's own `/debug/pprof/heap?gc=1` (HeapAlloc right after a forced garbage collection, asked twice so that what sync.Pools keep through one collection is gone too), first with the members registered and synced but holding no Upstreams, then once the views show every Upstream (created while Meridian watched, so the watch history holds their events too). The JSON size is that of the objects as the baseline kube-apiserver serves them. Resident memory also holds freed memory the Go runtime has not yet returned to the OS.\n\n")
		}
	}
	if c.parts["concurrent"] {
		conc.report(out, c, command(c, "concurrent", fmt.Sprintf("--members %d --upstreams %d --clients %d --client-lists %d", nMembers, perMember, c.clients, c.clientLists)), date)
	}
	if c.parts["dashboard"] {
		dash.report(out, command(c, "dashboard", fmt.Sprintf("--members %d --upstreams %d --rounds %d", nMembers, perMember, rounds)), date)
	}
	if c.parts["proxy"] {
		proxy.report(out, c, command(c, "proxy", fmt.Sprintf("--members %d --upstreams %d --proxy-bytes %d --proxy-rewrites %d --proxy-sample-every %d", nMembers, perMember, c.proxyBytes, c.proxyRewrites, c.proxySampleEvery)), date)
	}
	if c.parts["outage"] {
		flags := fmt.Sprintf("--members %d --upstreams %d --outage %s", nMembers, perMember, c.outage)
		if c.removeAfter > 0 {
			flags += " --member-remove-after " + c.removeAfter.String()
		}
		outage.report(out, c, command(c, "outage", flags), date)
	}
	return nil
}

type listResult struct {
	median time.Duration
	err    error
}

func timeLists(ctx context.Context, rounds int, list func() (int, error)) listResult {
	var took []time.Duration
	for range rounds + 1 {
		if ctx.Err() != nil {
			return listResult{err: ctx.Err()}
		}
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
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}

func ms(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }

// size formats a byte count in MB (or KB below one MB).
func size(n int) string {
	if n >= 1e6 {
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.0f KB", float64(n)/1e3)
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

// forEachLimited is forEachMember with at most n clusters at a time.
func forEachLimited(clusters []*devenv.Cluster, n int, f func(*devenv.Cluster) error) error {
	sem := make(chan struct{}, n)
	return forEachMember(clusters, func(c *devenv.Cluster) error {
		sem <- struct{}{}
		defer func() { <-sem }()
		return f(c)
	})
}

// installCRDs installs Gloo's CRDs into a cluster, trying again when they
// take longer to be Established than devenv.InstallCRDs waits (a loaded
// machine).
func installCRDs(ctx context.Context, m *devenv.Cluster, crds [][]byte) error {
	var err error
	for attempt := range 3 {
		if err = devenv.InstallCRDs(ctx, m.RESTConfig(), crds...); err == nil || ctx.Err() != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s: installing Gloo's CRDs (attempt %d): %v\n", m.Name, attempt+1, err)
	}
	return err
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

// lastWarnings records the Warning headers the views answer with.
type lastWarnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *lastWarnings) HandleWarningHeaderWithContext(_ context.Context, _ int, _ string, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, msg)
}

func (w *lastWarnings) reset() { w.mu.Lock(); w.msgs = nil; w.mu.Unlock() }

func (w *lastWarnings) count() int { w.mu.Lock(); defer w.mu.Unlock(); return len(w.msgs) }

// mentions reports whether a warning since the last reset names cluster.
func (w *lastWarnings) mentions(cluster string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.ContainsFunc(w.msgs, func(m string) bool {
		return strings.Contains(m, "cluster "+cluster+" ") || strings.Contains(m, "cluster "+cluster+":")
	})
}

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
func watchLatency(ctx context.Context, member *devenv.Cluster, views meridianclient.Interface, n int) (viewLat, directLat []time.Duration, err error) {
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
	return rest.UnversionedRESTClientFor(withCodecs(cfg))
}

// writeHeapProfile writes the server's heap profile (after a collection).
func writeHeapProfile(ctx context.Context, debug *rest.RESTClient, path string) error {
	prof, err := debug.Get().AbsPath("/debug/pprof/heap").Param("gc", "1").DoRaw(ctx)
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, prof, 0o644)
}

func withCodecs(cfg *rest.Config) *rest.Config {
	cfg.NegotiatedSerializer = scheme.Codecs.WithoutConversion()
	return cfg
}

// profileWhile takes a CPU profile of each server for the given seconds
// while running work back to back, and writes them to dir/<name>.cpu.
func profileWhile(ctx context.Context, dir string, servers map[string]*rest.RESTClient, seconds int, work func() error) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(servers))
	for name, c := range servers {
		wg.Go(func() {
			prof, err := c.Get().AbsPath("/debug/pprof/profile").Param("seconds", strconv.Itoa(seconds)).Timeout(time.Duration(seconds+30) * time.Second).DoRaw(ctx)
			if err == nil {
				err = os.WriteFile(filepath.Join(dir, name+".cpu"), prof, 0o644)
			}
			if err != nil {
				errs <- fmt.Errorf("CPU profile of %s: %w", name, err)
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for {
		select {
		case <-done:
			close(errs)
			for err := range errs {
				return err
			}
			fmt.Fprintf(os.Stderr, "CPU profiles written to %s\n", dir)
			return nil
		default:
		}
		if err := work(); err != nil {
			return err
		}
	}
}

// liveHeap forces a garbage collection in the server and returns the heap
// still allocated right after it. It asks twice: what sync.Pools hold
// survives one collection (as their victim cache) and goes with the second.
func liveHeap(ctx context.Context, c *rest.RESTClient) (int64, error) {
	var heap int64
	for range 2 {
		text, err := c.Get().AbsPath("/debug/pprof/heap").Param("gc", "1").Param("debug", "1").DoRaw(ctx)
		if err != nil {
			return 0, fmt.Errorf("heap profile: %w", err)
		}
		heap = -1
		for _, line := range strings.Split(string(text), "\n") {
			if v, ok := strings.CutPrefix(line, "# HeapAlloc = "); ok {
				if heap, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
					return 0, err
				}
			}
		}
		if heap < 0 {
			return 0, fmt.Errorf("no HeapAlloc in the server's heap profile")
		}
	}
	return heap, nil
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

// machine describes the machine a part ran on, with the load average
// (loadAvg) taken as it began: the cores may be shared with other work.
func machine(load string) string {
	n := 0
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		n = strings.Count(string(data), "processor\t:")
	}
	if load == "" {
		return fmt.Sprintf("%d cores", n)
	}
	return fmt.Sprintf("%d cores; 1-minute load average %s as this part began", n, load)
}

// loadAvg is the machine's 1-minute load average.
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// memAvailable is the machine's MemAvailable, in bytes (0 if unknown).
func memAvailable() int64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "MemAvailable:"); ok {
			f := strings.Fields(v)
			kb, _ := strconv.ParseInt(f[0], 10, 64)
			return kb * 1024
		}
	}
	return 0
}
