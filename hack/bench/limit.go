package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/rest"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/apiserver"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
)

// limitResult is the physical limit of a list: the medians of encoding the
// list as the server does, and of decoding it as the bench's client does.
type limitResult struct {
	encode, decode, total time.Duration
	bytes                 int
	// With the gzip the server applies to large lists (when it does).
	gzip                        bool
	gzEncode, gzDecode, gzTotal time.Duration
	gzBytes                     int
}

// physicalLimit encodes list with the views server's own JSON serializer
// (the codec factory the generic server builds for an API group, with
// streaming list encoding) and decodes the bytes with the generated views
// clientset, fed from memory through a canned transport: the same client
// code as the bench's lists, minus the network and everything between.
// With withGzip it also measures the same with gzip at the server's level.
func physicalLimit(ctx context.Context, list *viewsv1alpha1.UpstreamList, rounds int, withGzip bool) (limitResult, error) {
	codecs := serializer.NewCodecFactory(apiserver.Scheme, serializer.WithStreamingCollectionEncodingToJSON())
	info, ok := runtime.SerializerInfoForMediaType(codecs.SupportedMediaTypes(), runtime.ContentTypeJSON)
	if !ok {
		return limitResult{}, fmt.Errorf("no JSON serializer in the views' codecs")
	}
	enc := codecs.EncoderForVersion(info.Serializer, viewsv1alpha1.SchemeGroupVersion)
	body := &cannedBody{}
	client, err := meridianclient.NewForConfig(&rest.Config{Host: "http://in-process.invalid", Transport: body, QPS: -1})
	if err != nil {
		return limitResult{}, err
	}
	decode := func() (time.Duration, error) {
		start := time.Now()
		l, err := client.ViewsV1alpha1().Upstreams("bench").List(ctx, metav1.ListOptions{ResourceVersion: "0"})
		took := time.Since(start)
		if err == nil && len(l.Items) != len(list.Items) {
			err = fmt.Errorf("decoded %d views of %d", len(l.Items), len(list.Items))
		}
		return took, err
	}
	var res limitResult
	res.gzip = withGzip
	var encs, decs, tots, gzEncs, gzDecs, gzTots []time.Duration
	for r := range rounds + 1 {
		var buf bytes.Buffer
		start := time.Now()
		if err := enc.Encode(list, &buf); err != nil {
			return res, err
		}
		e := time.Since(start)
		body.set(buf.Bytes(), false)
		d, err := decode()
		if err != nil {
			return res, err
		}
		res.bytes = buf.Len()
		if r > 0 { // the first warms caches and pools
			encs, decs, tots = append(encs, e), append(decs, d), append(tots, e+d)
		}
		if !withGzip {
			continue
		}
		var zbuf bytes.Buffer
		start = time.Now()
		zw, _ := gzip.NewWriterLevel(&zbuf, 1) // the generic server's gzipContentEncodingLevel
		if err := enc.Encode(list, zw); err != nil {
			return res, err
		}
		if err := zw.Close(); err != nil {
			return res, err
		}
		ze := time.Since(start)
		body.set(zbuf.Bytes(), true)
		zd, err := decode()
		if err != nil {
			return res, err
		}
		res.gzBytes = zbuf.Len()
		if r > 0 {
			gzEncs, gzDecs, gzTots = append(gzEncs, ze), append(gzDecs, zd), append(gzTots, ze+zd)
		}
	}
	res.encode, res.decode, res.total = median(encs), median(decs), median(tots)
	if withGzip {
		res.gzEncode, res.gzDecode, res.gzTotal = median(gzEncs), median(gzDecs), median(gzTots)
	}
	return res, nil
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// cannedBody is a transport that answers every request with one body, as a
// server would: gzipped bodies are gunzipped while the client reads them, as
// net/http's transport does for a client that did not ask for gzip itself.
type cannedBody struct {
	mu      sync.Mutex
	data    []byte
	gzipped bool
}

func (c *cannedBody) set(data []byte, gzipped bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.data, c.gzipped = data, gzipped
}

func (c *cannedBody) RoundTrip(req *http.Request) (*http.Response, error) {
	c.mu.Lock()
	data, gzipped := c.data, c.gzipped
	c.mu.Unlock()
	var body io.ReadCloser = io.NopCloser(bytes.NewReader(data))
	if gzipped {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		body = zr
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": []string{runtime.ContentTypeJSON}},
		Body:       body,
		Request:    req,
	}, nil
}

// servedGzipped reports whether the server answers path gzipped to a client
// that accepts gzip (as client-go's transport does by default).
func servedGzipped(ctx context.Context, cfg *rest.Config, path string) (bool, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.DisableCompression = true // net/http would otherwise gunzip, and hide the header
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return false, err
	}
	defer hc.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(cfg.Host, "/")+path, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Accept", runtime.ContentTypeJSON)
	resp, err := hc.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return resp.Header.Get("Content-Encoding") == "gzip", nil
}
