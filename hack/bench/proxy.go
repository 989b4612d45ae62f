package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	gloov1 "github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1"
	"github.com/meridianfed/meridian/pkg/devenv"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
	glooclient "github.com/meridianfed/meridian/pkg/generated/gloo/clientset/versioned"
)

var resourceVersionOf = regexp.MustCompile(`"resourceVersion":"([0-9]+)"`)

const (
	rewriteMark = "@@rewrite@@"
	rvMark      = "@@resourceVersion@@"

	proxyNamespace  = "gloo-system"
	proxyName       = "gateway-proxy"
	rewriteAnnotate = "bench.meridian.io/rewrite"
)

type heapSample struct {
	rewrites int
	heap     int64
	at       time.Duration // since the first rewrite
}

type proxyResult struct {
	member        string
	jsonBytes     int
	managedFields int
	samples       []heapSample
	took          time.Duration
	load          string
}

// runProxy creates a Proxy of about c.proxyBytes of JSON in member, then
// rewrites it c.proxyRewrites times (each rewrite changes its spec, as a
// Gloo translation does), and samples the server's live heap before the
// first rewrite and every c.proxySampleEvery rewrites, each time once the
// views show that rewrite.
func runProxy(ctx context.Context, c config, member *devenv.Cluster, views meridianclient.Interface, debug *rest.RESTClient) (proxyResult, error) {
	res := proxyResult{member: member.Name, load: loadAvg()}
	if err := createNamespace(ctx, member.RESTConfig(), proxyNamespace); err != nil {
		return res, err
	}
	gloo := glooclient.NewForConfigOrDie(member.RESTConfig()).GlooV1().Proxies(proxyNamespace)
	p := bigProxy(c.proxyBytes)
	raw, err := json.Marshal(p)
	if err != nil {
		return res, err
	}
	res.jsonBytes = len(raw)
	p.Annotations = map[string]string{rewriteAnnotate: "0"}
	p, err = gloo.Create(ctx, p, metav1.CreateOptions{})
	if err != nil {
		return res, fmt.Errorf("creating a %d-byte Proxy: %w", res.jsonBytes, err)
	}
	if mf, err := json.Marshal(p.ManagedFields); err == nil {
		res.managedFields = len(mf)
	}
	fmt.Fprintf(os.Stderr, "proxy: %d bytes of JSON (managedFields %d bytes) in %s; rewriting it %d times\n", res.jsonBytes, res.managedFields, member.Name, c.proxyRewrites)
	sample := func(n int, at time.Duration) error {
		if err := waitViewRewrite(ctx, views, member.Name, n); err != nil {
			return err
		}
		h, err := liveHeap(ctx, debug)
		if err != nil {
			return err
		}
		res.samples = append(res.samples, heapSample{rewrites: n, heap: h, at: at})
		if c.proxyHeapProfiles != "" {
			if err := writeHeapProfile(ctx, debug, filepath.Join(c.proxyHeapProfiles, fmt.Sprintf("proxy-heap-%04d.pb.gz", n))); err != nil {
				return err
			}
		}
		fmt.Fprintf(os.Stderr, "proxy: %d rewrites (%s), live heap %.1f MiB\n", n, at.Round(time.Second), float64(h)/(1<<20))
		return nil
	}
	time.Sleep(2 * time.Second) // what earlier parts left in flight settles
	if err := sample(0, 0); err != nil {
		return res, err
	}
	// Each rewrite writes the whole Proxy (an update, as Gloo's translator
	// writes it) with a route and the annotation changed. The body is
	// encoded once, with placeholders; the answer is read, not decoded.
	tmpl := p.DeepCopy()
	tmpl.ManagedFields = nil
	tmpl.Annotations[rewriteAnnotate] = rewriteMark
	mark := "/v" + rewriteMark
	tmpl.Spec.Listeners[0].HttpListener.VirtualHosts[0].Routes[0].Options.PrefixRewrite = &mark
	tmpl.ResourceVersion = rvMark
	tmpl.APIVersion, tmpl.Kind = "gloo.solo.io/v1", "Proxy"
	body, err := json.Marshal(tmpl)
	if err != nil {
		return res, err
	}
	rc := glooclient.NewForConfigOrDie(member.RESTConfig()).GlooV1().RESTClient()
	rv := p.ResourceVersion
	start := time.Now()
	for i := 1; i <= c.proxyRewrites; i++ {
		b := bytes.ReplaceAll(body, []byte(rewriteMark), []byte(strconv.Itoa(i)))
		b = bytes.Replace(b, []byte(rvMark), []byte(rv), 1)
		answer, err := rc.Put().Namespace(proxyNamespace).Resource("proxies").Name(proxyName).Body(b).Do(ctx).Raw()
		if err != nil {
			return res, fmt.Errorf("rewrite %d: %w", i, err)
		}
		m := resourceVersionOf.FindSubmatch(answer) // the first is metadata's
		if m == nil {
			return res, fmt.Errorf("rewrite %d: no resourceVersion in the answer", i)
		}
		rv = string(m[1])
		if i%c.proxySampleEvery == 0 || i == c.proxyRewrites {
			if err := sample(i, time.Since(start)); err != nil {
				return res, err
			}
		}
	}
	res.took = time.Since(start)
	return res, nil
}

// waitViewRewrite waits until the views serve rewrite n of the Proxy.
func waitViewRewrite(ctx context.Context, views meridianclient.Interface, member string, n int) error {
	want := strconv.Itoa(n)
	return waitForEvery(ctx, time.Minute, 50*time.Millisecond, fmt.Sprintf("the views to show rewrite %d of the Proxy", n), func() bool {
		v, err := views.ViewsV1alpha1().Proxies(proxyNamespace).Get(ctx, member+"."+proxyName, metav1.GetOptions{})
		return err == nil && v.Annotations[rewriteAnnotate] == want
	})
}

func waitForEvery(ctx context.Context, timeout, every time.Duration, what string, done func() bool) error {
	deadline := time.Now().Add(timeout)
	for !done() {
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s waiting for %s", timeout, what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(every):
		}
	}
	return nil
}

// bigProxy is a Proxy as Gloo's translator writes it for a gateway with many
// virtual services, of at least size bytes of JSON: one HTTP listener with
// virtual hosts of 10 routes each.
func bigProxy(size int) *gloov1.Proxy {
	p := &gloov1.Proxy{
		ObjectMeta: metav1.ObjectMeta{Name: proxyName, Namespace: proxyNamespace, Labels: map[string]string{"created_by": "gloo-gateway"}},
	}
	l := gloov1.Listener{Name: "listener-::-8080", BindAddress: "::", BindPort: 8080, HttpListener: &gloov1.HttpListener{StatPrefix: "http"}}
	p.Spec.Listeners = []gloov1.Listener{l}
	base, _ := json.Marshal(p)
	total := len(base)
	for n := 0; total < size; n++ {
		vh := virtualHost(n)
		raw, _ := json.Marshal(vh)
		total += len(raw) + 1 // and a comma
		l.HttpListener.VirtualHosts = append(l.HttpListener.VirtualHosts, vh)
	}
	p.Spec.Listeners = []gloov1.Listener{l}
	return p
}

func virtualHost(n int) gloov1.VirtualHost {
	vh := gloov1.VirtualHost{
		Name:    fmt.Sprintf("gloo-system.vs-%05d", n),
		Domains: []string{fmt.Sprintf("svc-%05d.example.com", n), fmt.Sprintf("svc-%05d.internal.example.com", n)},
	}
	for r := range 10 {
		prefix := fmt.Sprintf("/api/v%d", r)
		vh.Routes = append(vh.Routes, gloov1.Route{
			Name:     fmt.Sprintf("vs:vs-%05d_route:route-%d_gloo-system", n, r),
			Matchers: []gloov1.Matcher{{Prefix: prefix}},
			RouteAction: &gloov1.RouteAction{Single: &gloov1.Destination{
				Upstream: &core.ResourceRef{Name: fmt.Sprintf("default-svc-%05d-8080", n), Namespace: proxyNamespace},
			}},
			Options: &gloov1.RouteOptions{PrefixRewrite: &prefix},
		})
	}
	return vh
}

func (r proxyResult) report(out io.Writer, c config, cmd, date string) {
	fmt.Fprintf(out, "## meridian-apiserver live heap while a large Proxy is rewritten (%s)\n\n", date)
	fmt.Fprintf(out, "Command: %s, on this machine (%s).\n\n", cmd, machine(r.load))
	fmt.Fprintf(out, "One Proxy of %.2f MB of JSON (managedFields %.1f KB more in the member; the views drop them) in member %s, rewritten %d times in a row (each rewrite is an update of the whole object with a route changed, as Gloo's translator writes it; %.1f rewrites per second). The live heap is sampled before the first rewrite and every %d rewrites, each time once the views serve that rewrite. The server keeps a watch history of at most --watch-history-bytes (the default, 8 MiB) per cluster and kind, so the heap should stop growing at about that much above the first sample.\n\n",
		float64(r.jsonBytes)/1e6, float64(r.managedFields)/1e3, r.member, c.proxyRewrites, float64(c.proxyRewrites)/r.took.Seconds(), c.proxySampleEvery)
	fmt.Fprintf(out, "| rewrites | live heap | above the first sample | ratio to the history bound (8 MiB) |\n|---|---|---|---|\n")
	first := r.samples[0].heap
	var most int64
	for _, s := range r.samples {
		d := s.heap - first
		most = max(most, d)
		fmt.Fprintf(out, "| %d | %.1f MiB | %+.1f MiB | %.2f |\n", s.rewrites, float64(s.heap)/(1<<20), float64(d)/(1<<20), float64(d)/(8<<20))
	}
	last := r.samples[len(r.samples)-1].heap - first
	half := r.samples[len(r.samples)/2].heap - first
	fmt.Fprintf(out, "\nMost above the first sample: %.1f MiB (%.2f× the 8 MiB history bound; one more copy of the Proxy, the one the view holds now, is %.1f MiB). Second half of the run: %+.1f MiB (from the middle sample to the last).\n\n",
		float64(most)/(1<<20), float64(most)/(8<<20), float64(r.jsonBytes)/(1<<20), float64(last-half)/(1<<20))
}
