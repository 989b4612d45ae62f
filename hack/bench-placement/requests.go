package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"k8s.io/client-go/kubernetes"

	"github.com/meridianfed/meridian/pkg/devenv"
)

// requestCensus is what a kube-apiserver served, from its
// apiserver_request_total: count by "VERB resource[/subresource]".
type requestCensus map[string]float64

func censusOf(ctx context.Context, c *devenv.Cluster) (requestCensus, error) {
	kube, err := kubernetes.NewForConfig(c.RESTConfig())
	if err != nil {
		return nil, err
	}
	raw, err := kube.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s /metrics: %w", c.Name, err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s /metrics: %w", c.Name, err)
	}
	out := requestCensus{}
	fam, ok := families["apiserver_request_total"]
	if !ok {
		return out, nil
	}
	for _, m := range fam.GetMetric() {
		l := map[string]string{}
		for _, p := range m.GetLabel() {
			l[p.GetName()] = p.GetValue()
		}
		what := l["verb"] + " " + l["resource"]
		if s := l["subresource"]; s != "" {
			what += "/" + s
		}
		out[what] += m.GetCounter().GetValue()
	}
	return out, nil
}

// since returns what was served after earlier, the largest first, as
// "VERB resource: n" (at most top entries, the rest summed).
func (c requestCensus) since(earlier requestCensus, top int) (string, float64) {
	diff := map[string]float64{}
	var total float64
	for k, v := range c {
		if d := v - earlier[k]; d > 0 {
			diff[k] = d
			total += d
		}
	}
	keys := slices.SortedFunc(maps.Keys(diff), func(a, b string) int {
		if diff[a] != diff[b] {
			if diff[a] > diff[b] {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	var parts []string
	var rest float64
	for i, k := range keys {
		if i < top {
			parts = append(parts, fmt.Sprintf("%s: %.0f", k, diff[k]))
		} else {
			rest += diff[k]
		}
	}
	if rest > 0 {
		parts = append(parts, fmt.Sprintf("others: %.0f", rest))
	}
	return strings.Join(parts, ", "), total
}

// profile writes c's kube-apiserver CPU profile over 20 s into dir (a
// diagnosis: a failure is printed, not returned).
func profile(ctx context.Context, c *devenv.Cluster, dir string) {
	kube, err := kubernetes.NewForConfig(c.RESTConfig())
	if err == nil {
		var raw []byte
		raw, err = kube.CoreV1().RESTClient().Get().AbsPath("/debug/pprof/profile").Param("seconds", "20").Timeout(time.Minute).DoRaw(ctx)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, c.Name+".cpu.pprof"), raw, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench-placement: CPU profile of %s: %v\n", c.Name, err)
	}
}

// saveControllerMetrics writes the controller's /metrics (at host:port)
// into dir (a diagnosis: a failure is printed, not returned).
func saveControllerMetrics(ctx context.Context, hostPort, dir string) {
	err := func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+hostPort+"/metrics", nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, "controller.metrics"), raw, 0o644)
	}()
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench-placement: the controller's metrics: %v\n", err)
	}
}
