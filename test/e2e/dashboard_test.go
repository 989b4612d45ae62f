package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/devenv/browser"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
	glooclient "github.com/meridianfed/meridian/pkg/generated/gloo/clientset/versioned"
)

// dashboardProcess is a running `meridianctl dashboard`.
type dashboardProcess struct {
	signIn string // the URL it printed, with its token
	base   string // scheme://host:port
	http   *http.Client
}

// startDashboard runs `meridianctl dashboard` as a user does, with
// kubeconfig, and signs a Go HTTP client in through the URL it printed.
func startDashboard(ctx context.Context, cli, kubeconfig string) *dashboardProcess {
	cmd := exec.Command(cli, "dashboard", "--kubeconfig", kubeconfig, "--no-browser")
	out, err := cmd.StdoutPipe()
	Expect(err).NotTo(HaveOccurred())
	cmd.Stderr = GinkgoWriter
	Expect(cmd.Start()).To(Succeed())
	DeferCleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_, _ = cmd.Process.Wait()
	})
	lines := bufio.NewScanner(out)
	Expect(lines.Scan()).To(BeTrue(), "meridianctl dashboard printed nothing")
	first := lines.Text()
	go func() {
		for lines.Scan() {
			fmt.Fprintln(GinkgoWriter, "dashboard:", lines.Text())
		}
	}()
	signIn, ok := strings.CutPrefix(first, "Meridian dashboard: ")
	Expect(ok).To(BeTrue(), "the first line names the URL: %q", first)
	u, err := url.Parse(signIn)
	Expect(err).NotTo(HaveOccurred())
	Expect(u.Hostname()).To(Equal("127.0.0.1"), "it listens on loopback only")
	Expect(u.Query().Get("token")).NotTo(BeEmpty(), "the URL carries a sign-in token")
	jar, _ := cookiejar.New(nil)
	d := &dashboardProcess{signIn: signIn, base: u.Scheme + "://" + u.Host, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	resp, err := http.Get(d.base + "/")
	Expect(err).NotTo(HaveOccurred())
	resp.Body.Close()
	Expect(resp.StatusCode).To(Equal(http.StatusUnauthorized), "without the token the dashboard serves nothing")
	status, _ := d.get(ctx, signIn)
	Expect(status).To(Equal(http.StatusOK))
	return d
}

// get fetches a dashboard path (or the sign-in URL) as the signed-in client.
func (d *dashboardProcess) get(ctx context.Context, path string) (int, string) {
	if !strings.HasPrefix(path, "http") {
		path = d.base + path
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, path, nil)
	Expect(err).NotTo(HaveOccurred())
	resp, err := d.http.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// browser starts a headless Chromium and signs it in to the dashboard.
func (d *dashboardProcess) browser(width, height int) context.Context {
	b, cancel, err := browser.Start(GinkgoT().TempDir(), width, height)
	Expect(err).NotTo(HaveOccurred(), "starting headless Chromium")
	DeferCleanup(cancel)
	Expect(chromedp.Do(b, chromedp.Navigate(d.signIn), chromedp.WaitVisible(chromedp.ID("page")))).To(Succeed(), "signing the browser in")
	return b
}

// screenshotDir is where the specs leave a picture of every page for
// review (not committed).
func screenshotDir() string {
	dir := filepath.Join(repoRoot, "test", "e2e", "screenshots")
	Expect(os.MkdirAll(dir, 0o755)).To(Succeed())
	return dir
}

func screenshot(b context.Context, name string) {
	png, err := chromedp.Run(b, chromedp.FullScreenshot(100))
	Expect(err).NotTo(HaveOccurred())
	Expect(os.WriteFile(filepath.Join(screenshotDir(), name+".png"), png, 0o644)).To(Succeed())
}

func visit(b context.Context, d *dashboardProcess, path string) {
	Expect(chromedp.Do(b, chromedp.Navigate(d.base+path), chromedp.WaitVisible(chromedp.ID("page")))).To(Succeed(), "opening %s", path)
}

// textOf reads an element's text in the browser ("" when it is absent).
func textOf(b context.Context, selector string) string {
	out, err := chromedp.Run(b, chromedp.Evaluate[string](fmt.Sprintf(`(function(){var e=document.querySelector(%q);return e?e.textContent.trim():""})()`, selector)))
	Expect(err).NotTo(HaveOccurred())
	return out
}

// stateCounts are how many objects of a kind there are, and how many of
// them Gloo rejected, warned about, or has not processed.
type stateCounts struct{ Total, Rejected, Warning, Pending int }

// viewCounts counts, through the API as the given client sees it, the
// objects of the overview's kinds by Gloo's state.
func viewCounts(ctx context.Context, c meridianclient.Interface, ns string) map[string]stateCounts {
	out := map[string]stateCounts{}
	add := func(kind string, statuses [][]byte) {
		n := stateCounts{Total: len(statuses)}
		for _, st := range statuses {
			switch code, _ := core.Verdict(st, ""); code {
			case core.StateRejected:
				n.Rejected++
			case core.StateWarning:
				n.Warning++
			case core.StatePending:
				n.Pending++
			}
		}
		out[kind] = n
	}
	us, err := c.ViewsV1alpha1().Upstreams(ns).List(ctx, metav1.ListOptions{})
	Expect(err).NotTo(HaveOccurred())
	var st [][]byte
	for _, o := range us.Items {
		st = append(st, o.Status)
	}
	add("upstreams", st)
	vs, err := c.ViewsV1alpha1().VirtualServices(ns).List(ctx, metav1.ListOptions{})
	Expect(err).NotTo(HaveOccurred())
	st = nil
	for _, o := range vs.Items {
		st = append(st, o.Status)
	}
	add("virtualservices", st)
	rts, err := c.ViewsV1alpha1().RouteTables(ns).List(ctx, metav1.ListOptions{})
	Expect(err).NotTo(HaveOccurred())
	st = nil
	for _, o := range rts.Items {
		st = append(st, o.Status)
	}
	add("routetables", st)
	gws, err := c.ViewsV1alpha1().Gateways(ns).List(ctx, metav1.ListOptions{})
	Expect(err).NotTo(HaveOccurred())
	st = nil
	for _, o := range gws.Items {
		st = append(st, o.Status)
	}
	add("gateways", st)
	return out
}

// pageCounts reads the overview's counts in the browser.
func pageCounts(b context.Context) map[string]stateCounts {
	out := map[string]stateCounts{}
	for _, kind := range []string{"upstreams", "virtualservices", "routetables", "gateways"} {
		n := func(name string) int {
			v, _ := strconv.Atoi(textOf(b, `tr[data-kind="`+kind+`"] [data-count="`+name+`"]`))
			return v
		}
		out[kind] = stateCounts{Total: n("total"), Rejected: n("rejected"), Warning: n("warning"), Pending: n("pending")}
	}
	return out
}

var _ = Describe("The dashboard (meridianctl dashboard) in a real browser", Ordered, func() {
	var (
		cli   string
		admin *dashboardProcess
		b     context.Context
	)

	BeforeAll(func(ctx SpecContext) {
		cli = buildBinary(ctx, "./cmd/meridianctl")
		admin = startDashboard(ctx, cli, env.Management.Kubeconfig)
		b = admin.browser(1280, 800)
	})

	It("shows on the overview the counts the API gives", func(ctx SpecContext) {
		Eventually(func(g Gomega) {
			want := viewCounts(ctx, views(), "")
			visit(b, admin, "/")
			g.Expect(pageCounts(b)).To(Equal(want))
			var clusters meridianclient.Interface = views()
			kcs, err := clusters.FedV1alpha1().KubernetesClusters("meridian-system").List(ctx, metav1.ListOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(textOf(b, `[data-count="clusters-total"]`)).To(Equal(strconv.Itoa(len(kcs.Items))))
			gis, err := clusters.ViewsV1alpha1().GlooInstances("").List(ctx, metav1.ListOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			healthy := 0
			for i := range gis.Items {
				if gis.Items[i].Healthy() {
					healthy++
				}
			}
			g.Expect(textOf(b, `[data-count="instances-total"]`)).To(Equal(strconv.Itoa(len(gis.Items))))
			g.Expect(textOf(b, `[data-count="instances-healthy"]`)).To(Equal(strconv.Itoa(healthy)))
			reachable := 0
			for _, kc := range kcs.Items {
				if c := meta.FindStatusCondition(kc.Status.Conditions, fedv1alpha1.ConditionReady); c != nil && c.Status == metav1.ConditionTrue {
					reachable++
				}
			}
			g.Expect(textOf(b, `[data-count="clusters-reachable"]`)).To(Equal(strconv.Itoa(reachable)))
			schemes, err := clusters.FedV1alpha1().FailoverSchemes("").List(ctx, metav1.ListOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			notAccepted := 0
			for _, fs := range schemes.Items {
				if fs.Status.State != fedv1alpha1.FailoverAccepted {
					notAccepted++
				}
			}
			g.Expect(textOf(b, `[data-count="failover-total"]`)).To(Equal(strconv.Itoa(len(schemes.Items))))
			g.Expect(textOf(b, `[data-count="failover-notaccepted"]`)).To(Equal(strconv.Itoa(notAccepted)))
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())
		screenshot(b, "overview")
	})

	It("takes one click from the overview to west's Rejected VirtualService, with Gloo's reason", func(ctx SpecContext) {
		visit(b, admin, "/")
		Expect(chromedp.Do(b,
			chromedp.Click(chromedp.CSS(`li[data-problem="west.orders"] a`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-state]`)),
		)).To(Succeed())
		loc, err := chromedp.Run(b, chromedp.Location())
		Expect(err).NotTo(HaveOccurred())
		Expect(loc).To(HaveSuffix("/views/virtualservices/team-a/west.orders"))
		Expect(textOf(b, `[data-state]`)).To(Equal("Rejected"))
		vs, err := views().ViewsV1alpha1().VirtualServices("team-a").Get(ctx, "west.orders", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		_, reason := core.Verdict(vs.Status, "")
		Expect(reason).NotTo(BeEmpty())
		Expect(textOf(b, `[data-reason]`)).To(Equal(reason), "the page gives Gloo's reason")
		screenshot(b, "virtualservice-detail")
	})

	It("shows a change in a member without a reload", func(ctx SpecContext) {
		north := glooclient.NewForConfigOrDie(env.Member("north").RESTConfig()).GlooV1().Upstreams("team-a")
		ensureNamespace(ctx, "team-a")
		_ = north.Delete(ctx, "dashboard-live", metav1.DeleteOptions{})
		visit(b, admin, "/views/upstreams?cluster=north&namespace=team-a")
		Eventually(func() string { return textOf(b, "#live-status") }).WithContext(ctx).WithTimeout(10 * time.Second).Should(Equal("Live"))
		_, err := chromedp.Run(b, chromedp.Evaluate[bool](`window.loadedBeforeTheChange = true`))
		Expect(err).NotTo(HaveOccurred())
		_, err = north.Create(ctx, glooUpstream("team-a", "dashboard-live", core.StateAccepted), metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) { _ = north.Delete(ctx, "dashboard-live", metav1.DeleteOptions{}) })
		// Well within the 15 s a page is refreshed when it cannot watch:
		// this is the watch's event.
		Eventually(func() string { return textOf(b, `tr[data-name="north.dashboard-live"] th a`) }).WithContext(ctx).WithTimeout(5 * time.Second).Should(Equal("north.dashboard-live"))
		marker, err := chromedp.Run(b, chromedp.Evaluate[bool](`window.loadedBeforeTheChange === true`))
		Expect(err).NotTo(HaveOccurred())
		Expect(marker).To(BeTrue(), "the row came without reloading the page")
		screenshot(b, "upstreams-list")

		Expect(north.Delete(ctx, "dashboard-live", metav1.DeleteOptions{})).To(Succeed())
		Eventually(func() string { return textOf(b, `tr[data-name="north.dashboard-live"]`) }).WithContext(ctx).WithTimeout(5 * time.Second).Should(BeEmpty())
	})

	It("shows every page, and a missing object as a 404 page", func(ctx SpecContext) {
		mgmt := dynamic.NewForConfigOrDie(env.Management.RESTConfig())
		kube := kubernetes.NewForConfigOrDie(env.Management.RESTConfig())
		_, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "fed-dashboard"}}, metav1.CreateOptions{})
		if !apierrors.IsAlreadyExists(err) {
			Expect(err).NotTo(HaveOccurred())
		}
		fu := federatedObject("FederatedUpstream", "dashboard-petstore", map[string]any{
			"template":  map[string]any{"spec": map[string]any{"static": map[string]any{"hosts": []any{map[string]any{"addr": "petstore.example.com", "port": int64(80)}}}}},
			"placement": placementOf([]string{"north"}, []string{"team-a"}),
		}, nil, nil)
		fu.SetNamespace("fed-dashboard")
		_, err = mgmt.Resource(fedUpstreamsGVR).Namespace("fed-dashboard").Create(ctx, fu, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		meridianCS := meridianclient.NewForConfigOrDie(env.Management.RESTConfig())
		_, err = meridianCS.FedV1alpha1().FailoverSchemes("fed-dashboard").Create(ctx, &fedv1alpha1.FailoverScheme{
			ObjectMeta: metav1.ObjectMeta{Name: "dashboard-nowhere", Namespace: "fed-dashboard"},
			Spec: fedv1alpha1.FailoverSchemeSpec{
				Primary:        fedv1alpha1.FailoverPrimary{ClusterName: "nowhere", Namespace: "team-a", Name: "orders"},
				FailoverGroups: []fedv1alpha1.FailoverGroup{{PriorityGroup: []fedv1alpha1.FailoverTarget{{Cluster: "west", Upstreams: []fedv1alpha1.UpstreamRef{{Namespace: "team-a", Name: "orders"}}}}}},
			},
		}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) {
			_ = meridianCS.FedV1alpha1().FailoverSchemes("fed-dashboard").Delete(ctx, "dashboard-nowhere", metav1.DeleteOptions{})
			_ = mgmt.Resource(fedUpstreamsGVR).Namespace("fed-dashboard").Delete(ctx, "dashboard-petstore", metav1.DeleteOptions{})
		})

		By("the federated object's placement matrix, each target with its state, linking to the placed view")
		visit(b, admin, "/federated/federatedupstreams/fed-dashboard/dashboard-petstore")
		Eventually(func() string {
			return textOf(b, `td[data-target="north/team-a"] .badge`)
		}).WithContext(ctx).WithTimeout(30*time.Second).Should(Equal("Placed"), func() string {
			// Whether the controller or the page lagged behind.
			placed, err := mgmt.Resource(fedUpstreamsGVR).Namespace("fed-dashboard").Get(ctx, "dashboard-petstore", metav1.GetOptions{})
			if err != nil {
				return "the matrix updates live (reading the object: " + err.Error() + ")"
			}
			status, _, _ := unstructured.NestedFieldNoCopy(placed.Object, "status")
			return fmt.Sprintf("the matrix updates live; the API's status: %v", status)
		})
		screenshot(b, "federated-object")
		Expect(chromedp.Do(b, chromedp.Click(chromedp.CSS(`td[data-target="north/team-a"] a`)), chromedp.WaitVisible(chromedp.CSS(`[data-placed-by]`)))).To(Succeed())
		Expect(textOf(b, `[data-placed-by]`)).To(Equal("FederatedUpstream/fed-dashboard/dashboard-petstore"), "the placed object links back to what placed it")
		screenshot(b, "upstream-detail")

		By("the failover scheme, Invalid with its message, counted on the overview")
		visit(b, admin, "/failover/fed-dashboard/dashboard-nowhere")
		Eventually(func() string { return textOf(b, "dl.facts .badge") }).WithContext(ctx).WithTimeout(30 * time.Second).Should(Equal("Invalid"))
		fs, err := meridianCS.FedV1alpha1().FailoverSchemes("fed-dashboard").Get(ctx, "dashboard-nowhere", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(fs.Status.Message).NotTo(BeEmpty())
		Expect(textOf(b, "dl.facts")).To(ContainSubstring(fs.Status.Message), "the page gives the scheme's message")
		screenshot(b, "failover-scheme")
		visit(b, admin, "/failover?notaccepted=1")
		Expect(textOf(b, `tr[data-scheme="fed-dashboard/dashboard-nowhere"]`)).To(ContainSubstring("Invalid"))

		By("the list's filters, changed twice in place (htmx), each replacing the last")
		visit(b, admin, "/views/virtualservices")
		setFilter := func(state string) {
			_, err := chromedp.Run(b, chromedp.Evaluate[bool](fmt.Sprintf(`(function(){var s=document.getElementById("filter-state");s.value=%q;s.dispatchEvent(new Event("change",{bubbles:true}));return true})()`, state)))
			Expect(err).NotTo(HaveOccurred())
		}
		states := func() []string {
			out, err := chromedp.Run(b, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("tr[data-name]")).map(function(r){return r.getAttribute("data-name")+"="+Array.from(r.querySelectorAll(".cell")).map(function(c){return c.textContent}).join(",")})`))
			Expect(err).NotTo(HaveOccurred())
			return out
		}
		// Other specs may leave Rejected VirtualServices of their own: every
		// row is Rejected, west's among them.
		setFilter("Rejected")
		Eventually(func(g Gomega) {
			rows := states()
			g.Expect(rows).To(ContainElement(HavePrefix("west.orders=")))
			for _, r := range rows {
				g.Expect(r).To(ContainSubstring("Rejected"))
			}
		}).WithContext(ctx).WithTimeout(10 * time.Second).Should(Succeed())
		// Once htmx has processed the form it swapped in (a moment after
		// the rows show), the change takes.
		Eventually(func(g Gomega) {
			setFilter("Accepted")
			time.Sleep(300 * time.Millisecond)
			rows := states()
			g.Expect(rows).NotTo(BeEmpty())
			for _, r := range rows {
				g.Expect(r).To(ContainSubstring("Accepted"))
			}
		}).WithContext(ctx).WithTimeout(10 * time.Second).Should(Succeed())
		loc, err := chromedp.Run(b, chromedp.Location())
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.Count(loc, "state=")).To(Equal(1), "the address holds the last filter only: %s", loc)

		for name, path := range map[string]string{
			"clusters": "/clusters", "instances": "/instances", "instance-detail": "/instances/gloo-system/west-gloo-system",
			"federated": "/federated", "failover": "/failover", "gateways-list": "/views/gateways?wide=1",
		} {
			status, _ := admin.get(ctx, path)
			Expect(status).To(Equal(http.StatusOK), "GET %s", path)
			visit(b, admin, path)
			screenshot(b, name)
		}
		for _, path := range []string{"/views/upstreams/team-a/east.does-not-exist", "/instances/gloo-system/nowhere", "/federated/federatedupstreams/fed-dashboard/nothing", "/views/nothing"} {
			status, body := admin.get(ctx, path)
			Expect(status).To(Equal(http.StatusNotFound), "GET %s", path)
			Expect(body).To(ContainSubstring("Not found"))
		}
		visit(b, admin, "/views/upstreams/team-a/east.does-not-exist")
		screenshot(b, "not-found")

		By("a narrow window")
		narrow := admin.browser(420, 900)
		visit(narrow, admin, "/views/virtualservices/team-a/west.orders")
		screenshot(narrow, "narrow-virtualservice-detail")
	})

	It("shows a tenant bound to team-a in east nothing else", func(ctx SpecContext) {
		bindTenant(ctx, "dana", "team-a", "east")

		// Dana's kubeconfig: the management cluster as dana, in team-a.
		cfg, err := clientcmd.LoadFromFile(env.Management.Kubeconfig)
		Expect(err).NotTo(HaveOccurred())
		for _, ai := range cfg.AuthInfos {
			ai.Impersonate = "dana"
		}
		for _, c := range cfg.Contexts {
			c.Namespace = "team-a"
		}
		kubeconfig := filepath.Join(GinkgoT().TempDir(), "dana.kubeconfig")
		Expect(clientcmd.WriteToFile(*cfg, kubeconfig)).To(Succeed())
		dana := startDashboard(ctx, cli, kubeconfig)
		db := dana.browser(1280, 800)
		danaViews := views(func(c *rest.Config) { c.Impersonate = rest.ImpersonationConfig{UserName: "dana"} })

		Eventually(func(g Gomega) {
			want := viewCounts(ctx, danaViews, "team-a")
			g.Expect(want["upstreams"].Total).To(BeNumerically(">", 0), "east has Upstreams in team-a")
			visit(db, dana, "/")
			g.Expect(pageCounts(db)).To(Equal(want))
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())
		screenshot(db, "tenant-overview")

		for _, path := range []string{"/", "/clusters", "/views/upstreams", "/views/virtualservices", "/views/gateways", "/instances", "/federated", "/failover"} {
			status, body := dana.get(ctx, path)
			Expect(status).To(BeElementOf(http.StatusOK, http.StatusForbidden), "GET %s as dana", path)
			// As a name of its own (a view's cluster prefix, a cell, a
			// link, an attribute), not inside another word: objects of
			// other specs in east's team-a may carry such words.
			for _, hidden := range []string{"west", "central", "north", "team-b", "gloo-system"} {
				named := regexp.MustCompile(`(^|["'>/=\s])` + hidden + `([."'<&/\s:]|$)`)
				Expect(named.FindString(body)).To(BeEmpty(), "%s tells dana of %s", path, hidden)
			}
		}
		_, body := dana.get(ctx, "/views/upstreams")
		Expect(body).To(ContainSubstring(`data-name="east.team-a-orders-8080"`), "dana sees east's team-a Upstreams")
		visit(db, dana, "/clusters")
		Expect(textOf(db, `tr[data-cluster="east"] [data-reachable]`)).To(Equal("Yes"))
		screenshot(db, "tenant-clusters")

		gws, err := views().ViewsV1alpha1().Gateways("gloo-system").List(ctx, metav1.ListOptions{FieldSelector: viewsv1alpha1.ClusterField + "=east"})
		Expect(err).NotTo(HaveOccurred())
		Expect(gws.Items).NotTo(BeEmpty())
		for _, path := range []string{
			"/views/upstreams/team-a/west.team-a-orders-8080",  // a cluster dana may not view
			"/views/gateways/gloo-system/" + gws.Items[0].Name, // a namespace dana may not read
			"/instances/gloo-system/east-gloo-system",
			"/views/upstreams/team-a/east.does-not-exist",
		} {
			status, body := dana.get(ctx, path)
			Expect(status).To(Equal(http.StatusNotFound), "GET %s as dana", path)
			Expect(body).To(ContainSubstring("does not exist, or you may not see it"))
		}
		status, _ := dana.get(ctx, "/views/upstreams/team-a/east.team-a-orders-8080")
		Expect(status).To(Equal(http.StatusOK), "dana's own objects open")
		status, body = dana.get(ctx, "/views/upstreams?namespace=team-b")
		Expect(status).To(Equal(http.StatusForbidden))
		Expect(body).NotTo(ContainSubstring("data-name="), "nothing of team-b is listed")
		status, body = dana.get(ctx, "/views/upstreams?cluster=west")
		Expect(status).To(Equal(http.StatusOK), "a list of west, for dana, is an empty list")
		Expect(body).To(ContainSubstring("No Upstreams match these filters"))
		Expect(body).NotTo(ContainSubstring(`data-name="west.`), "nothing of west is listed")
		Expect(body).NotTo(ContainSubstring("data-cluster-problem"), "nor is anything said of west")
	})

	It("has in-cluster manifests (artifacts/dashboard) the management cluster accepts", func(ctx SpecContext) {
		out, err := kubectl(ctx, env.Management.Kubeconfig, "apply", "--dry-run=server", "-k", filepath.Join(repoRoot, "artifacts", "dashboard"))
		Expect(err).NotTo(HaveOccurred(), "kubectl apply --dry-run=server: %s", out)
		for _, want := range []string{"serviceaccount/meridian-dashboard", "clusterrole.rbac.authorization.k8s.io/meridian-dashboard-impersonator", "deployment.apps/meridian-dashboard", "service/meridian-dashboard"} {
			Expect(out).To(ContainSubstring(want))
		}
	})

	It("shows a stopped member as unreachable, live, and reachable again once it is back", func(ctx SpecContext) {
		north := env.Member("north")
		visit(b, admin, "/clusters")
		Expect(textOf(b, `tr[data-cluster="north"] [data-reachable]`)).To(Equal("Yes"))
		north.Stop()
		DeferCleanup(func(ctx context.Context) {
			if !north.Running() {
				Expect(north.Start(ctx)).To(Succeed())
			}
		})
		Eventually(func() string { return textOf(b, `tr[data-cluster="north"] [data-reachable]`) }).WithContext(ctx).WithTimeout(60*time.Second).
			Should(Equal("Unreachable"), "the clusters page marks north unreachable without a reload")
		screenshot(b, "clusters-north-unreachable")
		visit(b, admin, "/views/upstreams?cluster=north")
		Expect(textOf(b, `[data-cluster-problem="north"]`)).To(ContainSubstring("north"), "a list of north's objects says north is unreachable, never shows it as merely empty")
		screenshot(b, "upstreams-north-unreachable")

		Expect(north.Start(ctx)).To(Succeed())
		visit(b, admin, "/clusters")
		Eventually(func() string { return textOf(b, `tr[data-cluster="north"] [data-reachable]`) }).WithContext(ctx).WithTimeout(60*time.Second).
			Should(Equal("Yes"), "north is reachable again")
	}, SpecTimeout(3*time.Minute))
})
