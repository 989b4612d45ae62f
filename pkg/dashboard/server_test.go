package dashboard

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

func newTestServer(t *testing.T, readers Readers, opts ...func(*Options)) *Server {
	t.Helper()
	o := Options{Readers: readers, FederationNamespace: "meridian-system", PageSize: 3, Logf: t.Logf}
	for _, f := range opts {
		f(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// get serves one request and returns the status and body.
func get(t *testing.T, h http.Handler, target string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	body, _ := io.ReadAll(rec.Body)
	return rec.Code, string(body)
}

// countOf reads the number in the element marked data-count=name inside
// the part of body after marker.
func countOf(t *testing.T, body, marker, name string) int {
	t.Helper()
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatalf("no %q in the page", marker)
	}
	m := regexp.MustCompile(`data-count="` + regexp.QuoteMeta(name) + `"[^>]*>(\d+)<`).FindStringSubmatch(body[i:])
	if m == nil {
		t.Fatalf("no count %q after %q", name, marker)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func federation() *fakeReader {
	f := newFakeReader()
	f.add(upstreamsGVR, upstream("east", "team-a", "orders", "Accepted", ""))
	f.add(upstreamsGVR, upstream("west", "team-a", "orders", "Rejected", "port 8080 bound twice"))
	f.add(upstreamsGVR, upstream("west", "team-b", "billing", "Warning", "TLS secret missing"))
	f.add(upstreamsGVR, upstream("east", "team-b", "new", "", ""))
	f.add(virtualServicesGVR, virtualService("west", "team-a", "orders", "Rejected", "route to missing upstream team-a/orders-v2"))
	f.add(instancesGVR, instance("east", true, 0))
	f.add(instancesGVR, instance("west", true, 1))
	return f
}

func TestOverviewCountsWhatTheAPIServes(t *testing.T) {
	s := newTestServer(t, oneReader{federation()})
	code, body := get(t, s, "/")
	if code != http.StatusOK {
		t.Fatalf("GET / = %d\n%s", code, body)
	}
	for _, c := range []struct {
		marker, name string
		want         int
	}{
		{`data-kind="upstreams"`, "total", 4}, {`data-kind="upstreams"`, "rejected", 1}, {`data-kind="upstreams"`, "warning", 1}, {`data-kind="upstreams"`, "pending", 1},
		{`data-kind="virtualservices"`, "total", 1}, {`data-kind="virtualservices"`, "rejected", 1},
		{`data-kind="routetables"`, "total", 0},
		{"h-federation", "clusters-reachable", 2}, {"h-federation", "clusters-total", 2},
		{"h-federation", "instances-healthy", 1}, {"h-federation", "instances-total", 2},
	} {
		if got := countOf(t, body, c.marker, c.name); got != c.want {
			t.Errorf("%s %s = %d, want %d", c.marker, c.name, got, c.want)
		}
	}
	// The Rejected VirtualService is one click away, with Gloo's reason.
	if !strings.Contains(body, `href="/views/virtualservices/team-a/west.orders"`) || !strings.Contains(body, "route to missing upstream team-a/orders-v2") {
		t.Errorf("the overview does not link west's Rejected VirtualService with its reason:\n%s", body)
	}
	if !strings.Contains(body, `href="/views/upstreams?state=Rejected"`) {
		t.Error("the Rejected count does not link to the filtered list")
	}
}

func TestOverviewOfATenantCountsOnlyWhatTheyMayList(t *testing.T) {
	f := federation()
	f.deny(upstreamsGVR, "")
	f.deny(instancesGVR, "*")
	f.deny(clustersGVR, "*")
	f.deny(failoverGVR, "*")
	s := newTestServer(t, oneReader{f}, func(o *Options) { o.Namespace = "team-a" })
	code, body := get(t, s, "/")
	if code != http.StatusOK {
		t.Fatalf("GET / = %d\n%s", code, body)
	}
	if got := countOf(t, body, `data-kind="upstreams"`, "total"); got != 2 {
		t.Errorf("team-a's upstreams = %d, want 2 (the default namespace is the kubeconfig's)", got)
	}
	if strings.Contains(body, "billing") {
		t.Error("the overview names an object of team-b")
	}
	if !strings.Contains(body, "Gloo instances: you may not list them in team-a") {
		t.Errorf("the overview does not say the instances are not permitted:\n%s", body)
	}
	// All namespaces, asked for explicitly, are not permitted for upstreams.
	_, body = get(t, s, "/?namespace=")
	if !strings.Contains(body, `<tr data-kind="upstreams">`) || !strings.Contains(body, "you may not list them here") {
		t.Errorf("listing across namespaces is not shown as not permitted:\n%s", body)
	}
}

func TestListPagesThroughTheAPI(t *testing.T) {
	f := federation()
	s := newTestServer(t, oneReader{f})
	code, body := get(t, s, "/views/upstreams")
	if code != http.StatusOK {
		t.Fatalf("GET = %d\n%s", code, body)
	}
	if got := strings.Count(body, `<tr data-name=`); got != 3 {
		t.Fatalf("first page has %d rows, want the page size 3", got)
	}
	next := regexp.MustCompile(`rel="next" href="([^"]+)"`).FindStringSubmatch(body)
	if next == nil {
		t.Fatal("no link to the next page")
	}
	_, body2 := get(t, s, strings.ReplaceAll(next[1], "&amp;", "&"))
	if got := strings.Count(body2, `<tr data-name=`); got != 1 || strings.Contains(body2, `rel="next"`) {
		t.Fatalf("second page has %d rows (want 1) and no next link", got)
	}
	names := regexp.MustCompile(`<tr data-name="([^"]+)"`).FindAllStringSubmatch(body+body2, -1)
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n[1]] {
			t.Errorf("%s is on both pages", n[1])
		}
		seen[n[1]] = true
	}
	if len(seen) != 4 {
		t.Errorf("the pages show %d objects, want all 4", len(seen))
	}
}

func TestListFiltersByStateAcrossAPIPages(t *testing.T) {
	f := newFakeReader()
	for i := 0; i < 2500; i++ {
		f.add(upstreamsGVR, upstream("east", "team-a", "u"+strconv.Itoa(10000+i), "Accepted", ""))
	}
	f.add(upstreamsGVR, upstream("west", "team-z", "last", "Rejected", "bad"))
	s := newTestServer(t, oneReader{f})
	code, body := get(t, s, "/views/upstreams?state=Rejected")
	if code != http.StatusOK {
		t.Fatalf("GET = %d\n%s", code, body)
	}
	if got := strings.Count(body, `<tr data-name=`); got != 1 || !strings.Contains(body, "west.last") {
		t.Fatalf("the only Rejected upstream, after 2,500 others, is not found (%d rows)", got)
	}
	// Pages of the page size (3 here) are read on until one matches.
	if want := (2501 + 2) / 3; f.calls["upstreams"] != want {
		t.Errorf("read %d API pages, want %d of 3", f.calls["upstreams"], want)
	}
	// The cluster filter is the API's field selector.
	_, body = get(t, s, "/views/upstreams?cluster=west")
	if got := strings.Count(body, `<tr data-name=`); got != 1 {
		t.Errorf("cluster=west shows %d rows, want 1", got)
	}
}

func TestListRefusesBadInput(t *testing.T) {
	s := newTestServer(t, oneReader{federation()})
	for target, want := range map[string]int{
		"/views/upstreams?label=a%3D%3D%3Db":  http.StatusBadRequest,
		"/views/upstreams?cluster=a%2Cb":      http.StatusBadRequest,
		"/views/nosuchkind":                   http.StatusNotFound,
		"/views/upstreams?continue=999999":    http.StatusGone,
		"/views/upstreams/Team_A/east.orders": http.StatusNotFound,
		"/nowhere":                            http.StatusNotFound,
		"/live":                               http.StatusBadRequest,
		"/live?watch=secrets":                 http.StatusBadRequest,
		"/live?watch=upstreams&rv=upstreams":  http.StatusBadRequest,
		"/views/upstreams?namespace=..%2F..%2Fapi%2Fv1%2Fsecrets": http.StatusBadRequest,
		"/?namespace=Team_A":                    http.StatusBadRequest,
		"/live?watch=upstreams&namespace=a%2Fb": http.StatusBadRequest,
	} {
		if code, body := get(t, s, target); code != want {
			t.Errorf("GET %s = %d, want %d\n%s", target, code, want, body)
		}
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %d, want 405", rec.Code)
	}
}

func TestDetailShowsGlooReasonAndWhoPlacedIt(t *testing.T) {
	s := newTestServer(t, oneReader{federation()})
	code, body := get(t, s, "/views/virtualservices/team-a/west.orders")
	if code != http.StatusOK {
		t.Fatalf("GET = %d\n%s", code, body)
	}
	for _, want := range []string{
		`data-state="Rejected"`, "route to missing upstream team-a/orders-v2",
		`href="/federated/federatedvirtualservices/fed/orders"`, "shop.example.com",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the detail page lacks %q", want)
		}
	}
}

func TestMissingAndForbiddenObjectsAreBoth404(t *testing.T) {
	f := federation()
	f.deny(upstreamsGVR, "team-b")
	s := newTestServer(t, oneReader{f})
	for _, target := range []string{
		"/views/upstreams/team-a/east.nothing", "/views/upstreams/team-b/west.billing",
		"/instances/gloo-system/nothing", "/federated/federatedupstreams/fed/nothing", "/failover/fed/nothing",
		"/federated/notakind/fed/x",
	} {
		code, body := get(t, s, target)
		if code != http.StatusNotFound || !strings.Contains(body, "Not found") {
			t.Errorf("GET %s = %d, want a 404 page\n%s", target, code, body)
		}
		if strings.Contains(body, "Forbidden") || strings.Contains(body, "forbidden") {
			t.Errorf("GET %s tells forbidden from missing", target)
		}
	}
}

func TestAnUnreachableClusterIsShownUnreachableNotEmpty(t *testing.T) {
	f := federation()
	f.warnings = []string{"cluster west is unreachable since 10:00:00Z (dial tcp: i/o timeout): its objects are from before then, or missing"}
	f.objects[instancesGVR] = nil
	f.add(instancesGVR, instance("east", true, 0))
	f.add(instancesGVR, instance("west", false, 0))
	s := newTestServer(t, oneReader{f})
	_, body := get(t, s, "/clusters")
	if !regexp.MustCompile(`data-cluster="west">\s*<th[^>]*>.*</th>\s*<td><span class="badge bad" data-reachable="No">Unreachable`).MatchString(body) {
		t.Errorf("west is not shown unreachable on the clusters page:\n%s", body)
	}
	_, body = get(t, s, "/views/upstreams?namespace=team-a")
	if !strings.Contains(body, `data-cluster-problem="west"`) || !strings.Contains(body, `<tr data-name="west.orders" data-cluster="west" class="stale">`) {
		t.Errorf("the list does not mark west's objects as from an unreachable cluster:\n%s", body)
	}
	if got := countOf(t, body, "<main", "rows"); got != 2 {
		t.Errorf("west's last known objects are not shown: %d rows", got)
	}
}

func TestNamesAreEscaped(t *testing.T) {
	f := newFakeReader()
	f.add(upstreamsGVR, `{"apiVersion":"views.meridian.io/v1alpha1","kind":"Upstream","metadata":{"name":"east.x","namespace":"team-a","labels":{"views.meridian.io/cluster":"east"},
"annotations":{"note":"\"><script>alert(2)</script>","fed.meridian.io/owner":"FederatedUpstream/fed/\"><script>alert(3)</script>"}},"spec":{"static":{"hosts":[{"addr":"<script>alert(1)</script>","port":1}]}}}`)
	s := newTestServer(t, oneReader{f})
	for _, target := range []string{"/views/upstreams?wide=1", "/views/upstreams/team-a/east.x"} {
		_, body := get(t, s, target)
		if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;alert(") {
			t.Errorf("%s: a member's text is not escaped:\n%s", target, body)
		}
	}
}

func TestARequestWithoutAUserIsNeverServed(t *testing.T) {
	s := newTestServer(t, noUser{})
	for _, target := range []string{"/", "/clusters", "/views/upstreams", "/views/upstreams/team-a/east.orders", "/live?watch=upstreams"} {
		if code, _ := get(t, s, target); code != http.StatusUnauthorized {
			t.Errorf("GET %s without a user = %d, want 401", target, code)
		}
	}
	if code, _ := get(t, s, "/static/htmx.min.js"); code != http.StatusOK {
		t.Errorf("the static files are not served (%d)", code)
	}
}

func TestFederatedMatrixAndFailover(t *testing.T) {
	f := federation()
	fu := fedv1alpha1.SchemeGroupVersion.WithResource("federatedupstreams")
	f.add(fu, `{"apiVersion":"fed.meridian.io/v1alpha1","kind":"FederatedUpstream","metadata":{"name":"petstore","namespace":"fed","generation":2},
"spec":{"template":{"metadata":{"name":"petstore-8080"},"spec":{}},"placement":{"clusters":["east","west"],"namespaces":["team-a"]}},
"status":{"placed":"1/2","conditions":[{"type":"Ready","status":"False","reason":"NotPlaced","message":"1 of 2 targets placed","lastTransitionTime":"2026-01-01T00:00:00Z","observedGeneration":2}],
"placements":[{"cluster":"east","namespace":"team-a","state":"Placed","glooState":"Accepted"},{"cluster":"west","namespace":"team-a","state":"Failed","message":"the member answered: conflict"}]}}`)
	f.add(failoverGVR, `{"apiVersion":"fed.meridian.io/v1alpha1","kind":"FailoverScheme","metadata":{"name":"orders","namespace":"fed"},
"spec":{"primary":{"clusterName":"east","namespace":"team-a","name":"orders"},"failoverGroups":[{"priorityGroup":[{"cluster":"west","upstreams":[{"name":"orders","namespace":"team-a"}]}]}]},
"status":{"state":"Invalid","message":"no Gloo installation watches team-a in west"}}`)
	s := newTestServer(t, oneReader{f})
	_, body := get(t, s, "/")
	if countOf(t, body, "h-federation", "federated-notplaced") != 1 || countOf(t, body, "h-federation", "failover-notaccepted") != 1 {
		t.Errorf("the overview does not count the unready federated object and the Invalid scheme")
	}
	code, body := get(t, s, "/federated/federatedupstreams/fed/petstore")
	if code != http.StatusOK {
		t.Fatalf("GET = %d\n%s", code, body)
	}
	for _, want := range []string{`data-target="east/team-a"`, `data-target="west/team-a"`, "the member answered: conflict", `href="/views/upstreams/team-a/east.petstore-8080"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the placement matrix lacks %q", want)
		}
	}
	_, body = get(t, s, "/failover?notaccepted=1")
	if !strings.Contains(body, `data-scheme="fed/orders"`) || !strings.Contains(body, "no Gloo installation watches team-a in west") {
		t.Errorf("the Invalid scheme is not listed with its message")
	}
	_, body = get(t, s, "/failover/fed/orders")
	if !strings.Contains(body, `href="/views/upstreams/team-a/east.orders"`) {
		t.Errorf("the scheme does not link its primary")
	}
}

func TestLinksKeepTheNamespaceAsked(t *testing.T) {
	s := newTestServer(t, oneReader{federation()}, func(o *Options) { o.Namespace = "team-a" })
	_, body := get(t, s, "/views/upstreams?namespace=team-b")
	if !strings.Contains(body, `href="/views/upstreams/team-b/west.billing?namespace=team-b"`) {
		t.Errorf("a row's link drops the namespace asked for:\n%s", body)
	}
	if strings.Contains(body, "east.orders") {
		t.Error("team-a's objects are shown when team-b is asked for")
	}
}
