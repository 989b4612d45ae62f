package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/meridianfed/meridian/pkg/devenv"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
	glooclient "github.com/meridianfed/meridian/pkg/generated/gloo/clientset/versioned"
)

// loadResult is one server's answers to many concurrent clients.
type loadResult struct {
	lat      []time.Duration // every request, until its answer or its error
	wall     time.Duration   // from the first request to the last answer
	errs     int
	warned   int // replies with a Warning header
	requests int
	firstErr error
}

type concurrentResult struct {
	members, objects int
	views, kube      loadResult
	// LIST requests of Upstreams the members (for the views) and the
	// baseline kube-apiserver received while the clients listed.
	memberLists, kubeLists float64
	load                   string
}

// runConcurrent has c.clients clients, each on a connection of its own,
// make c.clientLists consistent lists (resourceVersion unset) back to back,
// all at once: first of the views (10 members behind them), then of the
// baseline kube-apiserver holding the same objects. Each client reads the
// whole answer without decoding it, so that the machine's cores go to the
// servers. The members' and the baseline's own request counters
// (apiserver_request_total on their /metrics) tell how many LISTs the
// servers behind made.
func runConcurrent(ctx context.Context, c config, env *devenv.Environment, members []*devenv.Cluster, objects int) (concurrentResult, error) {
	res := concurrentResult{members: len(members), objects: objects, load: loadAvg()}
	baseline := env.Member("baseline")
	viewsCfg := env.Management.RESTConfig()
	var err error
	fmt.Fprintf(os.Stderr, "concurrent: %d clients × %d consistent lists of the views\n", c.clients, c.clientLists)
	res.views, res.memberLists, err = concurrentLists(ctx, c.clients, c.clientLists, members, func(w rest.WarningHandlerWithContext) (rest.Interface, error) {
		cfg := ownConnection(viewsCfg, w)
		cs, err := meridianclient.NewForConfig(cfg)
		if err != nil {
			return nil, err
		}
		return cs.ViewsV1alpha1().RESTClient(), nil
	})
	if err != nil {
		return res, err
	}
	fmt.Fprintf(os.Stderr, "concurrent: %d clients × %d consistent lists of the baseline kube-apiserver\n", c.clients, c.clientLists)
	res.kube, res.kubeLists, err = concurrentLists(ctx, c.clients, c.clientLists, []*devenv.Cluster{baseline}, func(w rest.WarningHandlerWithContext) (rest.Interface, error) {
		cfg := ownConnection(baseline.RESTConfig(), w)
		cs, err := glooclient.NewForConfig(cfg)
		if err != nil {
			return nil, err
		}
		return cs.GlooV1().RESTClient(), nil
	})
	return res, err
}

// ownConnection is cfg with a transport (and so a connection) of its own:
// client-go shares one transport among equal configurations, which would put
// every client on one HTTP/2 connection.
func ownConnection(cfg *rest.Config, w rest.WarningHandlerWithContext) *rest.Config {
	cfg = rest.CopyConfig(cfg)
	cfg.Dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	cfg.WarningHandlerWithContext = w
	cfg.QPS, cfg.Burst = -1, 0
	cfg.Timeout = 2 * time.Minute
	return cfg
}

type countWarnings struct{ n atomic.Int64 }

func (c *countWarnings) HandleWarningHeaderWithContext(context.Context, int, string, string) {
	c.n.Add(1)
}

// concurrentLists runs the clients and returns their latencies and the LIST
// requests of Upstreams the servers behind received per client request.
func concurrentLists(ctx context.Context, clients, perClient int, behind []*devenv.Cluster, newClient func(rest.WarningHandlerWithContext) (rest.Interface, error)) (loadResult, float64, error) {
	type client struct {
		rc   rest.Interface
		warn *countWarnings
	}
	cs := make([]client, clients)
	for i := range cs {
		cs[i].warn = &countWarnings{}
		rc, err := newClient(cs[i].warn)
		if err != nil {
			return loadResult{}, 0, err
		}
		cs[i].rc = rc
	}
	list := func(rc rest.Interface) error {
		_, err := rc.Get().Namespace("bench").Resource("upstreams").DoRaw(ctx)
		return err
	}
	// Connections, TLS and the servers' authorization caches warmed, one
	// client at a time, with a list of one object.
	for _, cl := range cs {
		if _, err := cl.rc.Get().Namespace("bench").Resource("upstreams").Param("limit", "1").DoRaw(ctx); err != nil {
			return loadResult{}, 0, fmt.Errorf("warming up: %w", err)
		}
		cl.warn.n.Store(0)
	}
	before, err := listCounts(ctx, behind)
	if err != nil {
		return loadResult{}, 0, err
	}
	var (
		mu  sync.Mutex
		res loadResult
		wg  sync.WaitGroup
	)
	start := make(chan struct{})
	for _, cl := range cs {
		wg.Go(func() {
			<-start
			for range perClient {
				t := time.Now()
				err := list(cl.rc)
				took := time.Since(t)
				mu.Lock()
				res.requests++
				res.lat = append(res.lat, took) // answered or failed: how long the client waited
				if err != nil {
					res.errs++
					if res.firstErr == nil {
						res.firstErr = err
					}
				}
				mu.Unlock()
			}
		})
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	res.wall = time.Since(t0)
	for _, cl := range cs {
		res.warned += int(cl.warn.n.Load())
	}
	after, err := listCounts(ctx, behind)
	if err != nil {
		return res, 0, err
	}

	return res, (after - before) / float64(res.requests), nil
}

// listCounts sums apiserver_request_total{verb="LIST",resource="upstreams"}
// over the clusters' kube-apiservers.
func listCounts(ctx context.Context, clusters []*devenv.Cluster) (float64, error) {
	counts := make([]float64, len(clusters))
	err := forEachMember(clusters, func(m *devenv.Cluster) error {
		n, err := listCount(ctx, m)
		for i := range clusters {
			if clusters[i] == m {
				counts[i] = n
			}
		}
		return err
	})
	var total float64
	for _, n := range counts {
		total += n
	}
	return total, err
}

func listCount(ctx context.Context, m *devenv.Cluster) (float64, error) {
	kube, err := kubernetes.NewForConfig(m.RESTConfig())
	if err != nil {
		return 0, err
	}
	raw, err := kube.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return 0, fmt.Errorf("%s /metrics: %w", m.Name, err)
	}
	return sumMetric(bytes.NewReader(raw), "apiserver_request_total", `verb="LIST"`, `resource="upstreams"`)
}

// sumMetric adds up the samples of a Prometheus text metric whose labels
// contain every one of want.
func sumMetric(r io.Reader, name string, want ...string) (float64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var total float64
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, name+"{")
		if !ok {
			continue
		}
		labels, value, ok := strings.Cut(rest, "} ")
		if !ok {
			continue
		}
		match := true
		for _, w := range want {
			if !strings.Contains(","+labels+",", ","+w+",") {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		f := strings.Fields(value)
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", line, err)
		}
		total += v
	}
	return total, sc.Err()
}

func (r concurrentResult) report(out io.Writer, c config, cmd, date string) {
	fmt.Fprintf(out, "## Consistent lists from %d concurrent clients (%s)\n\n", c.clients, date)
	fmt.Fprintf(out, "Command: %s, on this machine (%s).\n\n", cmd, machine(r.load))
	fmt.Fprintf(out, "%d clients, each on a connection of its own, make %d consistent lists (resourceVersion unset) of %d Upstreams back to back, all starting at once: first of the views (aggregator → meridian-apiserver → %d members), then of one kube-apiserver holding the same objects. Each client reads the whole answer but does not decode it, so that the cores go to the servers.\n\n",
		c.clients, c.clientLists, r.objects, r.members)
	fmt.Fprintf(out, "| measurement | views | kube-apiserver | ratio views ÷ kube-apiserver |\n|---|---|---|---|\n")
	fmt.Fprintf(out, "| latency of one list (until its answer, or its error), p50 | %s | %s | %.2f |\n", ms(pct(r.views.lat, 50)), ms(pct(r.kube.lat, 50)), ratio(pct(r.views.lat, 50), pct(r.kube.lat, 50)))
	fmt.Fprintf(out, "| latency of one list, p99 | %s | %s | %.2f |\n", ms(pct(r.views.lat, 99)), ms(pct(r.kube.lat, 99)), ratio(pct(r.views.lat, 99), pct(r.kube.lat, 99)))
	fmt.Fprintf(out, "| failed requests | %d of %d | %d of %d | |\n", r.views.errs, r.views.requests, r.kube.errs, r.kube.requests)
	vt := float64(r.views.requests-r.views.errs) / r.views.wall.Seconds()
	kt := float64(r.kube.requests-r.kube.errs) / r.kube.wall.Seconds()
	kratio := "—"
	if kt > 0 {
		kratio = fmt.Sprintf("%.2f", vt/kt)
	}
	fmt.Fprintf(out, "| complete lists answered per second (all clients) | %.2f | %.2f | %s |\n", vt, kt, kratio)
	fmt.Fprintf(out, "| LIST requests the servers behind received per client list (member kube-apiservers' `apiserver_request_total{verb=\"LIST\",resource=\"upstreams\"}`) | %.2f (%d members: %.2f per member; %d without sharing) | %.2f (the server itself) | |\n",
		r.memberLists, r.members, r.memberLists/float64(r.members), r.members, r.kubeLists)
	fmt.Fprintf(out, "| replies with a warning (a member not confirmed within --member-timeout, its part served from cache) | %d of %d | | |\n\n", r.views.warned, r.views.requests)
	for _, e := range []struct {
		who string
		err error
	}{{"views", r.views.firstErr}, {"kube-apiserver", r.kube.firstErr}} {
		if e.err != nil {
			fmt.Fprintf(out, "First error of the %s: %v\n\n", e.who, e.err)
		}
	}
	fmt.Fprintf(out, "A consistent list of the views asks every member for the resourceVersions of its Upstreams (a metadata-only LIST) and serves the cache once it holds at least that; concurrent lists share such LISTs (a list is answered by one that began after it did; lists that come while one runs share the next), so the members' load does not grow with the number of clients.\n\n")
}
