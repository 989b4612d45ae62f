package e2e

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/devenv"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
	glooclient "github.com/meridianfed/meridian/pkg/generated/gloo/clientset/versioned"
)

// Consistency specs: members restarted with changes made while they were
// away, the aggregated server restarted mid-watch, a watch moved to the
// other replica, and paging through kubectl and informers. Each compares
// what clients hold with the truth read from the member (see tracker).
var _ = Describe("Consistency", func() {
	// upstreamAt writes (creates or replaces) a north Upstream in ns with a
	// host address, through client.
	upstreamAt := func(ctx context.Context, client glooclient.Interface, ns, name, addr string) {
		u := glooUpstream(ns, name, core.StateAccepted)
		u.Spec.Static.Hosts[0].Addr = addr
		existing, err := client.GlooV1().Upstreams(ns).Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			_, err = client.GlooV1().Upstreams(ns).Create(ctx, u, metav1.CreateOptions{})
			Expect(err).NotTo(HaveOccurred())
			return
		}
		Expect(err).NotTo(HaveOccurred())
		existing.Spec = u.Spec
		_, err = client.GlooV1().Upstreams(ns).Update(ctx, existing, metav1.UpdateOptions{})
		Expect(err).NotTo(HaveOccurred())
	}
	// converged waits until every tracker holds exactly the member's
	// Upstreams with their current specs, and the views' consistent and
	// cached lists say the same without a warning about the member.
	converged := func(ctx context.Context, m *devenv.Cluster, within time.Duration, trackers ...*tracker) time.Duration {
		start := time.Now()
		Eventually(func(g Gomega) {
			want := memberTruth(ctx, m)
			for i, t := range trackers {
				g.Expect(t.state()).To(Equal(want), "tracker %d holds the member's content", i)
			}
			for _, rv := range []string{"", "0"} {
				collected := &warnings{}
				list, err := views(func(c *rest.Config) { c.WarningHandler = collected }).ViewsV1alpha1().Upstreams("").
					List(ctx, metav1.ListOptions{ResourceVersion: rv, LabelSelector: viewsv1alpha1.ClusterLabel + "=" + m.Name})
				g.Expect(err).NotTo(HaveOccurred())
				got := map[string]string{}
				for _, u := range list.Items {
					got[u.Namespace+"/"+u.Name] = canonical(u.Spec)
				}
				g.Expect(got).To(Equal(want), "list at resourceVersion %q", rv)
				g.Expect(collected.all()).NotTo(ContainElement(ContainSubstring("cluster "+m.Name)), "list at resourceVersion %q", rv)
			}
		}).WithContext(ctx).WithTimeout(within).WithPolling(250 * time.Millisecond).Should(Succeed())
		for i, t := range trackers {
			Expect(t.problems()).To(BeEmpty(), "events tracker %d got that did not fit what it held", i)
		}
		return time.Since(start)
	}

	It("a member restarted with objects created, changed and deleted while it was away: clients converge to its content within seconds", func(ctx SpecContext) {
		waitForMembersInViews(ctx)
		north := env.Member("north")
		gloo := glooclient.NewForConfigOrDie(north.RESTConfig())
		ensureNamespace(ctx, "team-a")
		for _, name := range []string{"restart-keep", "restart-change", "restart-delete"} {
			upstreamAt(ctx, gloo, "team-a", name, name+".before.example.com")
		}
		_ = gloo.GlooV1().Upstreams("team-a").Delete(ctx, "restart-new", metav1.DeleteOptions{})
		t := trackUpstreams(ctx, views(), "north", nil)
		converged(ctx, north, 30*time.Second, t)

		By("stopping north's kube-apiserver")
		north.Stop()
		DeferCleanup(func(ctx context.Context) {
			if !north.Running() {
				_ = north.Start(ctx)
			}
		})
		Eventually(func(g Gomega) {
			collected := &warnings{}
			_, err := views(func(c *rest.Config) { c.WarningHandler = collected }).ViewsV1alpha1().Upstreams("team-a").List(ctx, metav1.ListOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(collected.all()).To(ContainElement(ContainSubstring("cluster north")), "replies say north is not fully served")
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())

		By("changing north through a second kube-apiserver of it (same etcd) while its own is down")
		twin, err := north.Twin(ctx)
		Expect(err).NotTo(HaveOccurred())
		twinGloo := glooclient.NewForConfigOrDie(twin.RESTConfig())
		upstreamAt(ctx, twinGloo, "team-a", "restart-new", "restart-new.example.com")
		upstreamAt(ctx, twinGloo, "team-a", "restart-change", "restart-change.after.example.com")
		Expect(twinGloo.GlooV1().Upstreams("team-a").Delete(ctx, "restart-delete", metav1.DeleteOptions{})).To(Succeed())
		twin.Stop()

		By("starting north again: every client holds its content, no event lost or repeated")
		Expect(north.Start(ctx)).To(Succeed())
		took := converged(ctx, north, 30*time.Second, t)
		AddReportEntry("views complete after north answered again", took.Round(100*time.Millisecond).String())
		Expect(t.state()).To(HaveKey("team-a/north.restart-new"))
		Expect(t.state()).NotTo(HaveKey("team-a/north.restart-delete"))
	}, SpecTimeout(3*time.Minute))

	It("the aggregated server restarted mid-watch: informers through the aggregator converge, and the other replica serves on meanwhile", func(ctx SpecContext) {
		waitForMembersInViews(ctx)
		replicas := meridian.APIServers()
		Expect(replicas).To(HaveLen(2), "the suite runs two replicas of the aggregated server")
		first := replicas[0] // the one the APIService routes to
		other := meridianclient.NewForConfigOrDie(meridian.ReplicaConfig(env.Management.RESTConfig(), replicas[1]))

		north := env.Member("north")
		gloo := glooclient.NewForConfigOrDie(north.RESTConfig())
		ensureNamespace(ctx, "team-b")
		for i := range 3 {
			upstreamAt(ctx, gloo, "team-b", fmt.Sprintf("replica-%d", i), "before.example.com")
		}
		viaAggregator := trackUpstreams(ctx, views(), "north", nil)
		onOther := trackUpstreams(ctx, other, "north", nil)
		converged(ctx, north, 30*time.Second, viaAggregator, onOther)

		By("killing the replica behind the APIService, changing north meanwhile, and starting it again")
		first.Kill()
		DeferCleanup(func(ctx context.Context) {
			_ = first.Start(ctx, env)
		})
		upstreamAt(ctx, gloo, "team-b", "replica-0", "after.example.com")
		Expect(gloo.GlooV1().Upstreams("team-b").Delete(ctx, "replica-1", metav1.DeleteOptions{})).To(Succeed())
		upstreamAt(ctx, gloo, "team-b", "replica-3", "new.example.com")
		Eventually(func(g Gomega) {
			g.Expect(onOther.state()).To(Equal(memberTruth(ctx, north)))
		}).WithContext(ctx).WithTimeout(20*time.Second).Should(Succeed(), "the other replica serves every change while the first is down")
		Expect(first.Start(ctx, env)).To(Succeed())
		converged(ctx, north, 60*time.Second, viaAggregator, onOther)
	}, SpecTimeout(4*time.Minute))

	It("a watch resumed on the other replica with the first's resourceVersion continues exactly; a GlooInstance one is 410 and the client relists", func(ctx SpecContext) {
		waitForMembersInViews(ctx)
		replicas := meridian.APIServers()
		Expect(replicas).To(HaveLen(2))
		a := meridianclient.NewForConfigOrDie(meridian.ReplicaConfig(env.Management.RESTConfig(), replicas[0]))
		b := meridianclient.NewForConfigOrDie(meridian.ReplicaConfig(env.Management.RESTConfig(), replicas[1]))

		north := env.Member("north")
		gloo := glooclient.NewForConfigOrDie(north.RESTConfig())
		ensureNamespace(ctx, "team-c")
		upstreamAt(ctx, gloo, "team-c", "resume-change", "before.example.com")
		upstreamAt(ctx, gloo, "team-c", "resume-delete", "before.example.com")
		_ = gloo.GlooV1().Upstreams("team-c").Delete(ctx, "resume-new", metav1.DeleteOptions{})
		for _, c := range []meridianclient.Interface{a, b} {
			Eventually(func(g Gomega) {
				list, err := c.ViewsV1alpha1().Upstreams("team-c").List(ctx, metav1.ListOptions{})
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(list.Items).To(HaveLen(2))
			}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())
		}

		By("listing on replica A (a consistent read), changing north, and watching on replica B from A's resourceVersion")
		list, err := a.ViewsV1alpha1().Upstreams("team-c").List(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())
		upstreamAt(ctx, gloo, "team-c", "resume-new", "new.example.com")
		upstreamAt(ctx, gloo, "team-c", "resume-change", "after.example.com")
		Expect(gloo.GlooV1().Upstreams("team-c").Delete(ctx, "resume-delete", metav1.DeleteOptions{})).To(Succeed())
		w, err := b.ViewsV1alpha1().Upstreams("team-c").Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
		Expect(err).NotTo(HaveOccurred(), "replica B resumes from replica A's position")
		defer w.Stop()
		var got []string
		timeout := time.After(20 * time.Second)
	collect:
		for len(got) < 3 {
			select {
			case ev, ok := <-w.ResultChan():
				Expect(ok).To(BeTrue(), "the watch stays open")
				u := ev.Object.(*viewsv1alpha1.Upstream)
				got = append(got, string(ev.Type)+" "+u.Name)
			case <-timeout:
				break collect
			}
		}
		Expect(got).To(Equal([]string{"ADDED north.resume-new", "MODIFIED north.resume-change", "DELETED north.resume-delete"}),
			"exactly the changes since A's list, each once, in the member's order")
		select {
		case ev := <-w.ResultChan():
			Fail(fmt.Sprintf("an event after the three changes: %s", ev.Type))
		case <-time.After(2 * time.Second):
		}

		By("GlooInstances, which each replica computes itself: B answers 410 to A's position, A resumes it")
		gis, err := a.ViewsV1alpha1().GlooInstances("").List(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(gis.Items).NotTo(BeEmpty())
		_, err = b.ViewsV1alpha1().GlooInstances("").Watch(ctx, metav1.ListOptions{ResourceVersion: gis.ResourceVersion})
		Expect(apierrors.IsResourceExpired(err) || apierrors.IsGone(err)).To(BeTrue(), "got %v", err)
		_, err = b.ViewsV1alpha1().GlooInstances("").List(ctx, metav1.ListOptions{ResourceVersion: gis.ResourceVersion})
		Expect(apierrors.IsResourceExpired(err) || apierrors.IsGone(err)).To(BeTrue(), "a list at A's position on B: got %v", err)
		wa, err := a.ViewsV1alpha1().GlooInstances("").Watch(ctx, metav1.ListOptions{ResourceVersion: gis.ResourceVersion})
		Expect(err).NotTo(HaveOccurred())
		wa.Stop()
	}, SpecTimeout(2*time.Minute))

	It("pages every object exactly once through kubectl --chunk-size and a paging informer, for namespaces and names that sort apart as one string", func(ctx SpecContext) {
		waitForMembersInViews(ctx)
		north := env.Member("north")
		gloo := glooclient.NewForConfigOrDie(north.RESTConfig())
		// '-' sorts before '/': "prod-eu/a" < "prod/a" as strings, while
		// the views order by (namespace, name).
		for _, ns := range []string{"prod", "prod-eu"} {
			ensureNamespace(ctx, ns)
			for _, name := range []string{"a", "a.b", "a-b", "b"} {
				upstreamAt(ctx, gloo, ns, name, name+".example.com")
			}
		}
		want := memberTruth(ctx, north)
		Expect(len(want)).To(BeNumerically(">=", 8))
		wantKeys := make([]string, 0, len(want))
		for k := range want {
			wantKeys = append(wantKeys, k)
		}
		sort.Strings(wantKeys)

		// The informer lists page by page: its client declines watch-list
		// (which would stream the initial state and page nothing), and
		// the pages it asks for are counted.
		var continued atomic.Int32
		client := views(func(c *rest.Config) {
			c.Wrap(func(rt http.RoundTripper) http.RoundTripper {
				return roundTripperFunc(func(r *http.Request) (*http.Response, error) {
					if r.URL.Query().Get("continue") != "" && strings.HasSuffix(r.URL.Path, "/upstreams") {
						continued.Add(1)
					}
					return rt.RoundTrip(r)
				})
			})
		})
		paged := trackUpstreams(ctx, listingOnly{client}, "north", func(o *metav1.ListOptions) { o.Limit = 1 })
		converged(ctx, north, 30*time.Second, paged)
		Expect(int(continued.Load())).To(BeNumerically(">=", len(want)-1), "the informer listed one object per page")

		out, err := kubectl(ctx, env.Management.Kubeconfig, "get", "upstreams.views.meridian.io", "-A", "--chunk-size=1",
			"-l", viewsv1alpha1.ClusterLabel+"=north", "-o", "custom-columns=NS:.metadata.namespace,NAME:.metadata.name", "--no-headers")
		Expect(err).NotTo(HaveOccurred(), out)
		var listed []string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			f := strings.Fields(line)
			Expect(f).To(HaveLen(2), "line %q", line)
			listed = append(listed, f[0]+"/"+f[1])
		}
		sort.Strings(listed)
		Expect(listed).To(Equal(wantKeys), "kubectl --chunk-size=1 lists every object once")
	}, SpecTimeout(2*time.Minute))
})

// listingOnly is a clientset whose informers list, and so page, the
// initial state rather than stream it through a watch (client-go's
// watch-list, on by default, ignores the page size).
type listingOnly struct{ meridianclient.Interface }

func (listingOnly) IsWatchListSemanticsUnSupported() bool { return true }

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
