package dashboard

import (
	"bufio"
	"context"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
)

// apiServer records the identity headers of each request and answers a
// GlooInstance for any GET.
type apiServer struct {
	mu   sync.Mutex
	seen []http.Header
}

func (a *apiServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.seen = append(a.seen, r.Header.Clone())
	a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"apiVersion":"views.meridian.io/v1alpha1","kind":"GlooInstance","metadata":{"name":"east-gloo-system","namespace":"gloo-system"}}`))
}

func (a *apiServer) last() http.Header {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.seen[len(a.seen)-1]
}

func getThrough(t *testing.T, readers Readers, header http.Header) error {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.RemoteAddr = "127.0.0.1:50000"
	if addr := header.Get("Test-Remote-Addr"); addr != "" {
		req.RemoteAddr = addr
		header.Del("Test-Remote-Addr")
	}
	if header.Get("Test-Unix-Socket") != "" {
		header.Del("Test-Unix-Socket")
		req.RemoteAddr = "@"
		req = req.WithContext(context.WithValue(req.Context(), http.LocalAddrContextKey, &net.UnixAddr{Name: "/run/dashboard.sock", Net: "unix"}))
	}
	req.Header = header
	rd, err := readers.For(req)
	if err != nil {
		return err
	}
	_, err = rd.Get(context.Background(), instancesGVR, "gloo-system", "east-gloo-system")
	return err
}

func TestImpersonationActsForTheProxysUserOnly(t *testing.T) {
	api := &apiServer{}
	srv := httptest.NewTLSServer(api)
	defer srv.Close()
	cfg := &rest.Config{Host: srv.URL, BearerToken: "dashboard-sa-token", TLSClientConfig: rest.TLSClientConfig{CAData: caOf(srv)}}
	readers, err := ForImpersonation(cfg, ProxyHeaders{User: "X-Forwarded-User", Groups: "X-Forwarded-Groups"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = getThrough(t, readers, http.Header{})
	if _, ok := err.(*AuthError); !ok {
		t.Fatalf("a request without the proxy's user header = %v, want an AuthError", err)
	}
	if len(api.seen) != 0 {
		t.Fatal("a request without a user reached the API")
	}
	for _, h := range []http.Header{
		{"X-Forwarded-User": {"alice@example.com"}, "Test-Remote-Addr": {"10.1.2.3:4444"}},
		{"X-Forwarded-User": {"system:admin"}},
		{"X-Forwarded-User": {"mallory"}, "X-Forwarded-Groups": {"devs,system:masters"}},
	} {
		if err := getThrough(t, readers, h); err == nil {
			t.Errorf("a request with %v was served", h)
		}
	}
	if len(api.seen) != 0 {
		t.Fatal("a refused request reached the API")
	}
	if err := getThrough(t, readers, http.Header{"X-Forwarded-User": {"alice@example.com"}, "X-Forwarded-Groups": {"team-a, devs", "ops"}}); err != nil {
		t.Fatal(err)
	}
	if err := getThrough(t, readers, http.Header{"X-Forwarded-User": {"bob"}, "Test-Unix-Socket": {"1"}}); err != nil {
		t.Errorf("a request over the Unix socket: %v", err)
	}
	if err := getThrough(t, readers, http.Header{"X-Forwarded-User": {"alice@example.com"}, "X-Forwarded-Groups": {"team-a, devs", "ops"}}); err != nil {
		t.Fatal(err)
	}
	h := api.last()
	if h.Get("Impersonate-User") != "alice@example.com" || strings.Join(h.Values("Impersonate-Group"), ",") != "team-a,devs,ops" {
		t.Errorf("impersonation headers = user %q groups %q", h.Get("Impersonate-User"), h.Values("Impersonate-Group"))
	}
	if h.Get("Authorization") != "Bearer dashboard-sa-token" {
		t.Errorf("the dashboard's own credential is not what impersonates: %q", h.Get("Authorization"))
	}
}

// With the groups it may impersonate named (dashboard.impersonate.groups),
// the dashboard passes on only those of the user's groups: Kubernetes
// refuses a request that names any group the ServiceAccount may not
// impersonate, so a user in one more IdP group would lose every page.
func TestImpersonationPassesOnOnlyTheGroupsItMayImpersonate(t *testing.T) {
	api := &apiServer{}
	srv := httptest.NewTLSServer(api)
	defer srv.Close()
	cfg := &rest.Config{Host: srv.URL, BearerToken: "dashboard-sa-token", TLSClientConfig: rest.TLSClientConfig{CAData: caOf(srv)}}
	readers, err := ForImpersonation(cfg, ProxyHeaders{User: "X-Forwarded-User", Groups: "X-Forwarded-Groups"}, []string{"platform", "team-a"})
	if err != nil {
		t.Fatal(err)
	}
	if err := getThrough(t, readers, http.Header{"X-Forwarded-User": {"alice@example.com"}, "X-Forwarded-Groups": {"team-a, everyone", "platform,team-a"}}); err != nil {
		t.Fatal(err)
	}
	if got := api.last().Values("Impersonate-Group"); !slices.Equal(got, []string{"team-a", "platform"}) {
		t.Errorf("impersonated groups %q, want team-a and platform once each", got)
	}
	if err := getThrough(t, readers, http.Header{"X-Forwarded-User": {"bob"}, "X-Forwarded-Groups": {"everyone"}}); err != nil {
		t.Fatal(err)
	}
	if got := api.last().Values("Impersonate-Group"); len(got) != 0 {
		t.Errorf("impersonated groups %q, want none", got)
	}
	// A system: group is still refused, not silently dropped: the proxy
	// that sends one is misconfigured or forged.
	if err := getThrough(t, readers, http.Header{"X-Forwarded-User": {"mallory"}, "X-Forwarded-Groups": {"team-a,system:masters"}}); err == nil {
		t.Error("a request naming system:masters was served")
	}
}

func TestBearerModeSendsOnlyTheRequestsToken(t *testing.T) {
	api := &apiServer{}
	srv := httptest.NewTLSServer(api)
	defer srv.Close()
	cfg := &rest.Config{Host: srv.URL, BearerToken: "dashboard-sa-token", TLSClientConfig: rest.TLSClientConfig{CAData: caOf(srv)}}
	readers, err := ForBearerTokens(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []http.Header{{}, {"Authorization": {"Basic YTpi"}}, {"Authorization": {"Bearer "}}} {
		if err := getThrough(t, readers, h); err == nil {
			t.Errorf("a request with %v was served", h)
		}
	}
	if len(api.seen) != 0 {
		t.Fatal("a request without a token reached the API")
	}
	if err := getThrough(t, readers, http.Header{"Authorization": {"Bearer users-own-token"}}); err != nil {
		t.Fatal(err)
	}
	if got := api.last().Get("Authorization"); got != "Bearer users-own-token" {
		t.Errorf("Authorization sent = %q, want the user's token only", got)
	}
}

func caOf(srv *httptest.Server) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
}

func TestLocalGate(t *testing.T) {
	gate, err := NewLocalGate("127.0.0.1:4567")
	if err != nil {
		t.Fatal(err)
	}
	h := gate.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("served")) }))
	do := func(host, target string, cookie *http.Cookie) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Host = host
		if cookie != nil {
			req.AddCookie(cookie)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := do("127.0.0.1:4567", "/", nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("without the token: %d, want 401", rec.Code)
	}
	if rec := do("127.0.0.1:4567", "/?token=wrong", nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("a wrong token: %d, want 401", rec.Code)
	}
	signIn := strings.TrimPrefix(gate.URL("127.0.0.1:4567"), "http://127.0.0.1:4567")
	if rec := do("evil.example.com:4567", signIn, nil); rec.Code != http.StatusMisdirectedRequest {
		t.Errorf("another Host (DNS rebinding) with the token: %d, want 421", rec.Code)
	}
	rec := do("127.0.0.1:4567", signIn+"&x=1", nil)
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != "/?x=1" {
		t.Fatalf("the sign-in URL: %d to %q, want a redirect to /?x=1 without the token", rec.Code, rec.Header().Get("Location"))
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != "meridian-dashboard-4567" || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteLaxMode {
		t.Fatalf("cookie = %+v, want one HttpOnly SameSite=Lax", cookies)
	}
	if rec := do("localhost:4567", "/views/upstreams", cookies[0]); rec.Code != http.StatusOK || rec.Body.String() != "served" {
		t.Errorf("with the cookie: %d", rec.Code)
	}
	if rec := do("127.0.0.1:4567", "/", &http.Cookie{Name: "meridian-dashboard-4567", Value: "guess"}); rec.Code != http.StatusUnauthorized {
		t.Errorf("a guessed cookie: %d, want 401", rec.Code)
	}
}

func TestLiveSaysChangeWhenAWatchedResourceChanges(t *testing.T) {
	f := federation()
	f.watched = make(chan schema.GroupVersionResource, 4)
	f.deny(instancesGVR, "*")
	s := newTestServer(t, oneReader{f})
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/live?watch=upstreams&watch=glooinstances", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("Content-Type = %q", resp.Header.Get("Content-Type"))
	}
	select {
	case gvr := <-f.watched:
		if gvr != upstreamsGVR {
			t.Fatalf("watching %v, want upstreams (instances are forbidden)", gvr)
		}
	case <-ctx.Done():
		t.Fatal("no watch opened")
	}
	f.mu.Lock()
	w := f.watchers[0]
	f.mu.Unlock()
	obj := &unstructured.Unstructured{}
	obj.SetName("east.new")
	for i := 0; i < 5; i++ {
		w.Action(watch.Modified, obj)
	}
	events := 0
	lines := bufio.NewScanner(resp.Body)
	deadline := time.After(liveDebounce * 3)
	got := make(chan string)
	go func() {
		for lines.Scan() {
			got <- lines.Text()
		}
		close(got)
	}()
	for {
		select {
		case l := <-got:
			if l == "event: change" {
				events++
			}
			continue
		case <-deadline:
		}
		break
	}
	if events != 1 {
		t.Errorf("%d change events for 5 changes within the debounce, want 1", events)
	}
}
