package dashboard

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

func registration(name, ready, message string) string {
	return `{"apiVersion":"fed.meridian.io/v1alpha1","kind":"KubernetesCluster","metadata":{"name":"` + name + `","namespace":"meridian-system"},
"spec":{"secretName":"` + name + `-kubeconfig"},"status":{"kubernetesVersion":"v1.37.2","lastSyncTime":"2026-12-01T10:00:00Z",
"conditions":[{"type":"Ready","status":"` + ready + `","reason":"R","message":"` + message + `","lastTransitionTime":"2026-12-01T10:00:00Z"}]}}`
}

func TestClustersPageReadsRegistrationsFirst(t *testing.T) {
	f := federation()
	f.add(clustersGVR, registration("east", "True", "reachable"))
	f.add(clustersGVR, registration("west", "False", "dial tcp: connection refused"))
	f.add(clustersGVR, registration("north", "True", "reachable"))
	s := newTestServer(t, oneReader{f})
	code, body := get(t, s, "/clusters")
	if code != http.StatusOK {
		t.Fatalf("GET = %d\n%s", code, body)
	}
	for _, c := range []struct{ cluster, reachable string }{{"east", "Yes"}, {"west", "No"}, {"north", "Yes"}} {
		if !regexp.MustCompile(`data-cluster="` + c.cluster + `">[\s\S]*?data-reachable="` + c.reachable + `"`).MatchString(body) {
			t.Errorf("%s is not shown with reachable %s", c.cluster, c.reachable)
		}
	}
	if !strings.Contains(body, "v1.37.2") || !strings.Contains(body, "dial tcp: connection refused") {
		t.Error("the registration's version and message are not shown")
	}
	_, body = get(t, s, "/clusters?unreachable=1")
	if strings.Contains(body, `data-cluster="east"`) || !strings.Contains(body, `data-cluster="west"`) {
		t.Errorf("?unreachable=1 does not keep west alone:\n%s", body)
	}
	_, body = get(t, s, "/")
	if countOf(t, body, "h-federation", "clusters-reachable") != 2 || countOf(t, body, "h-federation", "clusters-total") != 3 {
		t.Error("the overview does not count 2 of 3 clusters reachable")
	}
	// The instances forbidden: the registrations still give the rows.
	f.deny(instancesGVR, "*")
	_, body = get(t, s, "/clusters")
	if !strings.Contains(body, "v1.37.2") {
		t.Error("with the instances forbidden the registrations' data is lost")
	}
}

func TestInstancesPages(t *testing.T) {
	s := newTestServer(t, oneReader{federation()})
	code, body := get(t, s, "/instances")
	if code != http.StatusOK {
		t.Fatalf("GET = %d\n%s", code, body)
	}
	for _, want := range []string{`data-instance="gloo-system/east-gloo-system"`, "1.17.0", "eu-1a", "gateway-proxy 2/2", "10.0.0.1:80", `<span class="badge bad">Unhealthy</span>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the instances page lacks %q", want)
		}
	}
	_, body = get(t, s, "/instances?unhealthy=1")
	if strings.Contains(body, `data-instance="gloo-system/east-gloo-system"`) || !strings.Contains(body, `data-instance="gloo-system/west-gloo-system"`) {
		t.Error("?unhealthy=1 does not keep west alone")
	}
	code, body = get(t, s, "/instances/gloo-system/west-gloo-system")
	if code != http.StatusOK {
		t.Fatalf("GET = %d\n%s", code, body)
	}
	if !strings.Contains(body, `data-check="VirtualServices"`) || !strings.Contains(body, "team-a/vs-0") {
		t.Errorf("the instance's check reports are not shown:\n%s", body)
	}
}

func TestFederatedListAndSecretsHidden(t *testing.T) {
	f := federation()
	fu := fedv1alpha1.SchemeGroupVersion.WithResource("federatedupstreams")
	fs := fedv1alpha1.SchemeGroupVersion.WithResource("federatedsecrets")
	f.add(fu, `{"apiVersion":"fed.meridian.io/v1alpha1","kind":"FederatedUpstream","metadata":{"name":"placed","namespace":"fed","generation":1},"spec":{"template":{"spec":{}},"placement":{"clusters":["east"]}},
"status":{"observedGeneration":1,"placed":"1/1","accepted":"0/1","conditions":[{"type":"Ready","status":"False","reason":"Rejected","message":"Gloo rejected it","lastTransitionTime":"2026-01-01T00:00:00Z","observedGeneration":1}]}}`)
	f.add(fu, `{"apiVersion":"fed.meridian.io/v1alpha1","kind":"FederatedUpstream","metadata":{"name":"unplaced","namespace":"fed","generation":1},"spec":{"template":{"spec":{}},"placement":{"clusters":["east","west"]}},
"status":{"observedGeneration":1,"placed":"1/2"}}`)
	f.add(fs, `{"apiVersion":"fed.meridian.io/v1alpha1","kind":"FederatedSecret","metadata":{"name":"tls","namespace":"fed","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"spec\":{\"template\":{\"stringData\":{\"tls.key\":\"PRIVATE-KEY-TEXT\"}}}}"}},
"spec":{"template":{"type":"kubernetes.io/tls","data":{"tls.crt":"Q0VSVA==","tls.key":"UFJJVkFURS1LRVk="},"stringData":{"password":"PRIVATE-KEY-TEXT"}},"placement":{"clusters":["east"]},
"overrides":[{"clusterName":"east","patches":[{"op":"replace","path":"/data/tls.key","value":"UFJJVkFURS1LRVk="}]}]}}`)
	s := newTestServer(t, oneReader{f})
	_, body := get(t, s, "/")
	if got := countOf(t, body, "h-federation", "federated-notplaced"); got != 2 {
		t.Errorf("not fully placed = %d, want 2 (unplaced, and tls with no status; placed-but-Rejected is placed)", got)
	}
	_, body = get(t, s, "/federated?notplaced=1")
	if strings.Contains(body, `data-federated="FederatedUpstream/fed/placed"`) || !strings.Contains(body, `data-federated="FederatedUpstream/fed/unplaced"`) {
		t.Errorf("?notplaced=1 keeps the wrong objects:\n%s", body)
	}
	code, body := get(t, s, "/federated/federatedsecrets/fed/tls")
	if code != http.StatusOK {
		t.Fatalf("GET = %d\n%s", code, body)
	}
	for _, secret := range []string{"UFJJVkFURS1LRVk=", "PRIVATE-KEY-TEXT", "Q0VSVA=="} {
		if strings.Contains(body, secret) {
			t.Errorf("the FederatedSecret's page shows %q", secret)
		}
	}
	if !strings.Contains(body, "tls.key: (hidden)") || !strings.Contains(body, "password: (hidden)") {
		t.Errorf("the keys are not listed:\n%s", body)
	}
}

func TestListSortsByAgeAndColumn(t *testing.T) {
	f := newFakeReader()
	for i, created := range []string{"2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-01T00:00:00Z"} {
		f.add(upstreamsGVR, `{"apiVersion":"views.meridian.io/v1alpha1","kind":"Upstream","metadata":{"name":"east.u`+string(rune('a'+i))+`","namespace":"team-a","creationTimestamp":"`+created+`","labels":{"views.meridian.io/cluster":"east"}},"spec":{"kube":{"serviceName":"s","serviceNamespace":"team-a","servicePort":1}}}`)
	}
	s := newTestServer(t, oneReader{f}, func(o *Options) { o.PageSize = 10 })
	order := func(target string) string {
		_, body := get(t, s, target)
		var names []string
		for _, m := range regexp.MustCompile(`<tr data-name="east\.(u.)"`).FindAllStringSubmatch(body, -1) {
			names = append(names, m[1])
		}
		return strings.Join(names, ",")
	}
	if got := order("/views/upstreams?sort=Age"); got != "ub,ua,uc" {
		t.Errorf("sort=Age: %s, want the youngest first: ub,ua,uc", got)
	}
	if got := order("/views/upstreams?sort=Age&desc=1"); got != "uc,ua,ub" {
		t.Errorf("sort=Age&desc=1: %s, want uc,ua,ub", got)
	}
	if got := order("/views/upstreams?sort=Name&desc=1"); got != "uc,ub,ua" {
		t.Errorf("sort=Name&desc=1: %s", got)
	}
}

// A detail page's watch starts from a position read before the object:
// a change written between reading the object and reading the position
// would otherwise be behind the watch, and the page would show the old
// state until something else changed (a federated object's target stayed
// Pending on a page opened just after the object was created).
func TestDetailPagesWatchFromBeforeTheirObject(t *testing.T) {
	f := federation()
	fu := fedv1alpha1.SchemeGroupVersion.WithResource("federatedupstreams")
	f.add(fu, `{"apiVersion":"fed.meridian.io/v1alpha1","kind":"FederatedUpstream","metadata":{"name":"petstore","namespace":"fed"},
"spec":{"template":{"spec":{}},"placement":{"clusters":["east"],"namespaces":["team-a"]}}}`)
	f.add(failoverGVR, `{"apiVersion":"fed.meridian.io/v1alpha1","kind":"FailoverScheme","metadata":{"name":"orders","namespace":"fed"},
"spec":{"primary":{"clusterName":"east","namespace":"team-a","name":"orders"},"failoverGroups":[{"priorityGroup":[{"cluster":"west","upstreams":[{"name":"orders","namespace":"team-a"}]}]}]}}`)
	f.collectionRV = "41"
	f.afterGet = func() { f.mu.Lock(); defer f.mu.Unlock(); f.collectionRV = "42" }
	s := newTestServer(t, oneReader{f})
	for target, res := range map[string]string{
		"/federated/federatedupstreams/fed/petstore": "federatedupstreams",
		"/views/upstreams/team-a/east.orders":        "upstreams",
		"/failover/fed/orders":                       "failoverschemes",
		"/instances/gloo-system/east-gloo-system":    "glooinstances",
	} {
		f.mu.Lock()
		f.collectionRV = "41"
		f.mu.Unlock()
		code, body := get(t, s, target)
		if code != http.StatusOK {
			t.Fatalf("%s: %d", target, code)
		}
		if want := "rv=" + res + "%3D41"; !strings.Contains(body, want) {
			t.Errorf("%s watches from %q, want %s (where the collection stood before the object was read)", target, regexp.MustCompile(`data-live="[^"]*"`).FindString(body), want)
		}
	}
}

func TestLiveStartsWhereThePageStandsAndStartsOverWhenThatIsGone(t *testing.T) {
	f := federation()
	f.watched = make(chan schema.GroupVersionResource, 8)
	rv := make(chan string, 8)
	f.onWatch = func(resourceVersion string) { rv <- resourceVersion }
	s := newTestServer(t, oneReader{f})
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/live?watch=upstreams&rv=upstreams%3D41", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if got := <-rv; got != "41" {
		t.Fatalf("the watch starts at %q, want the page's 41", got)
	}
	f.mu.Lock()
	w := f.watchers[0]
	f.mu.Unlock()
	// The position is gone: the server says so in the watch, and the
	// dashboard lists again (the fake's lists answer 7).
	w.Error(&unstructured.Unstructured{Object: map[string]any{"kind": "Status", "code": int64(410)}})
	w.Stop()
	select {
	case got := <-rv:
		if got != "7" {
			t.Errorf("after a 410 the watch restarts at %q, want a fresh list's 7", got)
		}
	case <-ctx.Done():
		t.Fatal("the watch was not opened again")
	}
}

func TestLiveIsQuietWhileNothingChanges(t *testing.T) {
	f := federation()
	f.watched = make(chan schema.GroupVersionResource, 8)
	s := newTestServer(t, oneReader{f})
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 4*liveDebounce+time.Second)
	defer cancel()
	// Both watched resources start where the page stood: nothing to tell.
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/live?watch=upstreams&watch=glooinstances&rv=upstreams%3D41&rv=glooinstances%3D9", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	for range 2 {
		<-f.watched
	}
	body := make(chan string)
	go func() {
		b, _ := io.ReadAll(resp.Body)
		body <- string(b)
	}()
	time.Sleep(3 * liveDebounce)
	cancel()
	if got := <-body; strings.Contains(got, "event: change") {
		t.Errorf("a change was announced with nothing changed:\n%s", got)
	}
}
