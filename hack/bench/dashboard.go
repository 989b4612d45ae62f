package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"time"

	"github.com/chromedp/chromedp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	gloov1 "github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1"
	"github.com/meridianfed/meridian/pkg/dashboard"
	"github.com/meridianfed/meridian/pkg/devenv"
	"github.com/meridianfed/meridian/pkg/devenv/browser"
	glooclient "github.com/meridianfed/meridian/pkg/generated/gloo/clientset/versioned"
)

// The dashboard part: the dashboard's server (pkg/dashboard, in this
// process, acting with the management cluster's admin credentials as
// `meridianctl dashboard` would) over the main environment's views, and a
// headless Chromium reading it.

type dashboardResult struct {
	load    string
	objects int
	// apiPage is the one API call the Upstream list's first page makes
	// (a Table of limit=100, resourceVersion=0): the page's floor.
	apiPage time.Duration
	// ttfb and full are the list page's time to first byte and to its
	// last byte; overview the overview's time to first byte.
	ttfb, full, overview time.Duration
	// rendered is from navigation to the first page's rows in the browser.
	rendered, renderedMax time.Duration
	// live is from a member write to its row on the open page.
	live, liveMax time.Duration
	rounds        int
}

func runDashboard(ctx context.Context, c config, env *devenv.Environment, member *devenv.Cluster, objects int) (dashboardResult, error) {
	res := dashboardResult{load: loadAvg(), objects: objects, rounds: c.rounds}
	readers, err := dashboard.ForKubeconfig(env.Management.RESTConfig())
	if err != nil {
		return res, err
	}
	server, err := dashboard.New(dashboard.Options{Readers: readers, FederationNamespace: "meridian-system", Logf: func(string, ...any) {}})
	if err != nil {
		return res, err
	}
	ts := httptest.NewServer(server)
	defer ts.Close()

	mgmt, err := rest.UnversionedRESTClientFor(withCodecs(env.Management.RESTConfig()))
	if err != nil {
		return res, err
	}
	var api, ttfb, full, overview, rendered, live []time.Duration
	for range c.rounds {
		start := time.Now()
		err := mgmt.Get().AbsPath("/apis/views.meridian.io/v1alpha1/upstreams").
			Param("limit", "100").Param("resourceVersion", "0").Param("includeObject", "Metadata").
			SetHeader("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").Do(ctx).Error()
		if err != nil {
			return res, fmt.Errorf("the list page's API call: %w", err)
		}
		api = append(api, time.Since(start))
		first, last, err := timeGet(ctx, ts.URL+"/views/upstreams")
		if err != nil {
			return res, err
		}
		ttfb, full = append(ttfb, first), append(full, last)
		first, _, err = timeGet(ctx, ts.URL+"/")
		if err != nil {
			return res, err
		}
		overview = append(overview, first)
	}

	dir, err := os.MkdirTemp("", "meridian-bench-browser-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	tab, stop, err := browser.Start(dir, 1280, 800)
	if err != nil {
		return res, err
	}
	defer stop()
	for range c.rounds {
		// A fresh navigation each time; the first loads the static files
		// too, as a user's first visit does.
		if err := chromedp.Do(tab, chromedp.Navigate("about:blank")); err != nil {
			return res, err
		}
		start := time.Now()
		if err := chromedp.Do(tab, chromedp.Navigate(ts.URL+"/views/upstreams"), chromedp.WaitVisible(chromedp.CSS(`tr[data-name]`))); err != nil {
			return res, fmt.Errorf("rendering the Upstream list: %w", err)
		}
		rendered = append(rendered, time.Since(start))
	}

	// Live: the page of the member's Upstreams is open; each write of a
	// new Upstream (named to sort first) must show up on it.
	if err := chromedp.Do(tab, chromedp.Navigate(ts.URL+"/views/upstreams?namespace=bench&cluster="+member.Name), chromedp.WaitVisible(chromedp.CSS(`tr[data-name]`))); err != nil {
		return res, err
	}
	if err := waitFor(ctx, 30*time.Second, "the page's live updates to connect", func() bool {
		s, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.getElementById("live-status").textContent`))
		return err == nil && s == "Live"
	}); err != nil {
		return res, err
	}
	gloo := glooclient.NewForConfigOrDie(member.RESTConfig()).GlooV1().Upstreams("bench")
	for i := range c.rounds {
		name := fmt.Sprintf("%s-aaa-live-%03d", member.Name, i)
		u := &gloov1.Upstream{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "bench"},
			Spec: gloov1.UpstreamSpec{Static: &gloov1.StaticUpstreamSpec{Hosts: []gloov1.Host{{Addr: "live.example.com", Port: 80}}}}}
		u.Status.Set("gloo-system", core.Status{State: core.StateOf(core.StateAccepted), ReportedBy: "gloo"})
		start := time.Now()
		if _, err := gloo.Create(ctx, u, metav1.CreateOptions{}); err != nil {
			return res, err
		}
		query := fmt.Sprintf(`document.querySelector('tr[data-name="%s.%s"]') !== null`, member.Name, name)
		if err := waitForEvery(ctx, 30*time.Second, 10*time.Millisecond, "the new Upstream on the open page", func() bool {
			ok, err := chromedp.Run(tab, chromedp.Evaluate[bool](query))
			return err == nil && ok
		}); err != nil {
			return res, err
		}
		live = append(live, time.Since(start))
		if err := gloo.Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			return res, err
		}
		time.Sleep(500 * time.Millisecond) // the deletion's refresh, out of the next round's way
	}
	res.apiPage, res.ttfb, res.full, res.overview = median(api), median(ttfb), median(full), median(overview)
	res.rendered, res.renderedMax = median(rendered), maxOf(rendered)
	res.live, res.liveMax = median(live), maxOf(live)
	fmt.Fprintf(os.Stderr, "dashboard: first byte %s, rendered %s, live %s\n", res.ttfb, res.rendered, res.live)
	return res, nil
}

func maxOf(d []time.Duration) time.Duration {
	var m time.Duration
	for _, v := range d {
		m = max(m, v)
	}
	return m
}

// timeGet times one GET: to the first byte of the response and to its end.
func timeGet(ctx context.Context, url string) (first, last time.Duration, err error) {
	var start time.Time
	trace := &httptrace.ClientTrace{GotFirstResponseByte: func() { first = time.Since(start) }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, err
	}
	start = time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return first, time.Since(start), nil
}

func (r dashboardResult) report(out io.Writer, cmd, date string) {
	fmt.Fprintf(out, "## Dashboard (%s)\n\n", date)
	fmt.Fprintf(out, "Command: %s, on this machine (%s).\n\n", cmd, machine(r.load))
	fmt.Fprintf(out, "The dashboard's server (`pkg/dashboard`, as `meridianctl dashboard` runs it, in the bench's process) over the views of %d Upstreams, read by the bench's Go client and by a headless Chromium (Debian's chromium-headless-shell, driven with chromedp) at 1280×800. Medians of %d rounds.\n\n", r.objects, r.rounds)
	fmt.Fprintf(out, "| measurement | result | target |\n|---|---|---|\n")
	fmt.Fprintf(out, "| the API call the Upstream list's first page makes (a Table of 100 rows, resourceVersion=0, through the aggregator): the page's floor | %s | |\n", ms(r.apiPage))
	fmt.Fprintf(out, "| Upstream list, first page: time to first byte | %s (%.2f× the API call) | < 1s |\n", ms(r.ttfb), ratio(r.ttfb, r.apiPage))
	fmt.Fprintf(out, "| Upstream list, first page: whole response | %s | |\n", ms(r.full))
	fmt.Fprintf(out, "| Upstream list, first page rendered in the browser (navigation until its rows are visible; max) | %s (max %s) | < 1s |\n", ms(r.rendered), ms(r.renderedMax))
	fmt.Fprintf(out, "| overview: time to first byte (it counts every one of the %d Upstreams, and the other kinds) | %s | |\n", r.objects, ms(r.overview))
	fmt.Fprintf(out, "| live update: from a member's write (create of an Upstream) to its row on the open page (max) | %s (max %s) | < 2s |\n\n", ms(r.live), ms(r.liveMax))
}
