package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	gloov1 "github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
	glooclient "github.com/meridianfed/meridian/pkg/generated/gloo/clientset/versioned"
	meridianinformers "github.com/meridianfed/meridian/pkg/generated/informers/externalversions"
)

// warnings collects the Warning headers a client receives.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, msg)
}

func (w *warnings) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.msgs...)
}

// views returns a client of the views through the management cluster's
// aggregator, as any tool would use it.
func views(mutate ...func(*rest.Config)) meridianclient.Interface {
	cfg := env.Management.RESTConfig()
	for _, m := range mutate {
		m(cfg)
	}
	return meridianclient.NewForConfigOrDie(cfg)
}

func glooUpstream(ns, name string, state core.StateCode) *gloov1.Upstream {
	u := &gloov1.Upstream{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       gloov1.UpstreamSpec{Static: &gloov1.StaticUpstreamSpec{Hosts: []gloov1.Host{{Addr: name + ".example.com", Port: 80}}}},
	}
	u.Status.Set("gloo-system", core.Status{State: core.StateOf(state), ReportedBy: "gloo"})
	return u
}

// waitForMembersInViews waits until every member's Gloo objects are served.
func waitForMembersInViews(ctx context.Context) {
	Eventually(func(g Gomega) {
		list, err := views().ViewsV1alpha1().Gateways("gloo-system").List(ctx, metav1.ListOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		clusters := map[string]bool{}
		for _, gw := range list.Items {
			clusters[gw.Labels[viewsv1alpha1.ClusterLabel]] = true
		}
		g.Expect(clusters).To(HaveKey("east"))
		g.Expect(clusters).To(HaveKey("west"))
	}).WithContext(ctx).WithTimeout(time.Minute).Should(Succeed())
}

var _ = Describe("The aggregated views, through the real aggregator", func() {
	BeforeEach(func(ctx SpecContext) { waitForMembersInViews(ctx) })

	It("kubectl get glooinstances -A lists one row per Gloo installation, with its columns", func(ctx SpecContext) {
		Eventually(func(g Gomega) {
			out, err := kubectl(ctx, env.Management.Kubeconfig, "get", "glooinstances", "-A")
			g.Expect(err).NotTo(HaveOccurred(), out)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			g.Expect(strings.Fields(lines[0])).To(Equal([]string{"NAMESPACE", "NAME", "CLUSTER", "VERSION", "REGION", "PROXIES", "ERRORS", "WARNINGS", "REACHABLE", "AGE"}))
			g.Expect(out).To(MatchRegexp(`gloo-system\s+east-gloo-system\s+east\s+1\.18\.6\s+us-east-1\s+3/3\s+0\s+0\s+true`))
			g.Expect(out).To(MatchRegexp(`gloo-system\s+west-gloo-system\s+west\s+1\.17\.12\s+us-west-2\s+1/2\s+[1-9]\d*\s+[1-9]\d*\s+true`))
		}).WithContext(ctx).WithTimeout(time.Minute).Should(Succeed())

		gi, err := views().ViewsV1alpha1().GlooInstances("gloo-system").Get(ctx, "west-gloo-system", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(gi.Spec.IsEnterprise).To(BeTrue())
		Expect(gi.Spec.Proxies).To(HaveLen(1))
		Expect(gi.Spec.Proxies[0].Zones).To(Equal([]string{"us-west-2a", "us-west-2b"}))
		Expect(gi.Spec.Proxies[0].IngressEndpoints).NotTo(BeEmpty())
		Expect(gi.Spec.Check.VirtualServices.Errors).To(ContainElement(HaveField("Ref.Name", "orders")))
	})

	It("serve each member object unchanged, named <cluster>.<name>, selectable by cluster", func(ctx SpecContext) {
		vs, err := views().ViewsV1alpha1().VirtualServices("team-a").Get(ctx, "west.orders", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(vs.Labels).To(HaveKeyWithValue(viewsv1alpha1.ClusterLabel, "west"))
		member, err := glooclient.NewForConfigOrDie(env.Member("west").RESTConfig()).GatewayV1().VirtualServices("team-a").Get(ctx, "orders", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		memberStatus, err := member.Status.MarshalJSON()
		Expect(err).NotTo(HaveOccurred())
		Expect(string(vs.Status)).To(MatchJSON(memberStatus))

		west, err := views().ViewsV1alpha1().Upstreams("").List(ctx, metav1.ListOptions{FieldSelector: "cluster=west"})
		Expect(err).NotTo(HaveOccurred())
		Expect(west.Items).NotTo(BeEmpty())
		for _, u := range west.Items {
			Expect(u.Name).To(HavePrefix("west."))
		}
		_, err = views().ViewsV1alpha1().Upstreams("").List(ctx, metav1.ListOptions{FieldSelector: "spec.kube=x"})
		Expect(apierrors.IsBadRequest(err)).To(BeTrue(), "unsupported field selectors are refused: %v", err)
	})

	It("page through every object exactly once with limit/continue across clusters", func(ctx SpecContext) {
		client := views().ViewsV1alpha1().Upstreams("")
		all, err := client.List(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(len(all.Items)).To(BeNumerically(">", 4))
		seen := map[string]int{}
		opts := metav1.ListOptions{Limit: 2}
		for pages := 0; ; pages++ {
			Expect(pages).To(BeNumerically("<", 100))
			page, err := client.List(ctx, opts)
			Expect(err).NotTo(HaveOccurred())
			Expect(len(page.Items)).To(BeNumerically("<=", 2))
			for _, u := range page.Items {
				seen[u.Namespace+"/"+u.Name]++
			}
			if page.Continue == "" {
				break
			}
			opts.Continue = page.Continue
		}
		Expect(seen).To(HaveLen(len(all.Items)))
		for k, n := range seen {
			Expect(n).To(Equal(1), "%s was listed %d times", k, n)
		}
	})

	It("answer a list without resourceVersion with a consistent read: a write in a member is in the next list", func(ctx SpecContext) {
		members := glooclient.NewForConfigOrDie(env.Member("west").RESTConfig()).GlooV1().Upstreams("team-b")
		client := views().ViewsV1alpha1().Upstreams("team-b")
		for i := range 5 {
			name := "consistent-" + string(rune('a'+i))
			_, err := members.Create(ctx, glooUpstream("team-b", name, core.StateAccepted), metav1.CreateOptions{})
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(func(ctx context.Context) { _ = members.Delete(ctx, name, metav1.DeleteOptions{}) })
			list, err := client.List(ctx, metav1.ListOptions{})
			Expect(err).NotTo(HaveOccurred())
			var names []string
			for _, u := range list.Items {
				names = append(names, u.Name)
			}
			Expect(names).To(ContainElement("west."+name), "the list right after the member's write must include it")
		}
	})

	It("are read-only: every write answers 405 MethodNotAllowed", func(ctx SpecContext) {
		out, err := kubectl(ctx, env.Management.Kubeconfig, "delete", "upstreams.views.meridian.io", "-n", "team-a", "east.team-a-orders-8080")
		Expect(err).To(HaveOccurred())
		Expect(out).To(ContainSubstring("MethodNotAllowed"))
		err = views().ViewsV1alpha1().RESTClient().Post().Namespace("default").Resource("upstreams").Body([]byte(`{"apiVersion":"views.meridian.io/v1alpha1","kind":"Upstream","metadata":{"name":"x"}}`)).Do(ctx).Error()
		Expect(apierrors.IsMethodNotSupported(err)).To(BeTrue(), "%v", err)
	})

	It("feed generated informers with the adds, updates and deletes made in members", func(ctx SpecContext) {
		factory := meridianinformers.NewSharedInformerFactoryWithOptions(views(), 0, meridianinformers.WithNamespace("team-b"))
		informer := factory.Views().V1alpha1().Upstreams()
		var mu sync.Mutex
		var events []string
		_, err := informer.Informer().AddEventHandler(toolscache.ResourceEventHandlerFuncs{
			AddFunc: func(o any) { mu.Lock(); events = append(events, "add "+o.(*viewsv1alpha1.Upstream).Name); mu.Unlock() },
			UpdateFunc: func(_, o any) {
				mu.Lock()
				events = append(events, "update "+o.(*viewsv1alpha1.Upstream).Name)
				mu.Unlock()
			},
			DeleteFunc: func(o any) {
				if u, ok := o.(*viewsv1alpha1.Upstream); ok {
					mu.Lock()
					events = append(events, "delete "+u.Name)
					mu.Unlock()
				}
			},
		})
		Expect(err).NotTo(HaveOccurred())
		stop := make(chan struct{})
		defer close(stop)
		factory.Start(stop)
		Expect(toolscache.WaitForCacheSync(ctx.Done(), informer.Informer().HasSynced)).To(BeTrue())

		seen := func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), events...) }
		// north: no Gloo stand-in there rewrites the status this spec writes.
		ensureNamespace(ctx, "team-b")
		members := glooclient.NewForConfigOrDie(env.Member("north").RESTConfig()).GlooV1().Upstreams("team-b")
		_, err = members.Create(ctx, glooUpstream("team-b", "informer-probe", core.StateAccepted), metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		Eventually(seen).WithContext(ctx).WithTimeout(30 * time.Second).Should(ContainElement("add north.informer-probe"))

		u, err := members.Get(ctx, "informer-probe", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		u.Status.Set("gloo-system", core.Status{State: core.StateOf(core.StateRejected), Reason: "probe rejected", ReportedBy: "gloo"})
		_, err = members.Update(ctx, u, metav1.UpdateOptions{})
		Expect(err).NotTo(HaveOccurred())
		Eventually(seen).WithContext(ctx).WithTimeout(30 * time.Second).Should(ContainElement("update north.informer-probe"))
		Eventually(func() string {
			got, _ := informer.Lister().Upstreams("team-b").Get("north.informer-probe")
			if got == nil {
				return ""
			}
			return string(got.Status)
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(ContainSubstring("probe rejected"))

		Expect(members.Delete(ctx, "informer-probe", metav1.DeleteOptions{})).To(Succeed())
		Eventually(seen).WithContext(ctx).WithTimeout(30 * time.Second).Should(ContainElement("delete north.informer-probe"))
	})

	It("show a namespace-bound user only that namespace, and a cluster only with the per-cluster grant", func(ctx SpecContext) {
		bindTenant(ctx, "alice", "team-a", "east", "north")

		alice := views(func(c *rest.Config) { c.Impersonate = rest.ImpersonationConfig{UserName: "alice"} })
		Eventually(func(g Gomega) {
			list, err := alice.ViewsV1alpha1().Upstreams("team-a").List(ctx, metav1.ListOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			var names []string
			for _, u := range list.Items {
				names = append(names, u.Name)
			}
			g.Expect(names).To(ContainElement("east.team-a-orders-8080"))
			g.Expect(names).NotTo(ContainElement("west.team-a-orders-8080"), "alice has no grant for west")
			// Nor does anything the reply carries name west.
			for _, rv := range append([]string{list.ResourceVersion}, func() (out []string) {
				for _, u := range list.Items {
					out = append(out, u.ResourceVersion)
				}
				return out
			}()...) {
				v, err := cache.DecodeVector(rv)
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(v).To(HaveKey("east"))
				g.Expect(v).NotTo(HaveKey("west"), "a resourceVersion alice gets names west")
			}
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())

		_, err := alice.ViewsV1alpha1().Upstreams("").List(ctx, metav1.ListOptions{})
		Expect(apierrors.IsForbidden(err)).To(BeTrue(), "alice may not list all namespaces: %v", err)
		_, err = alice.ViewsV1alpha1().Upstreams("team-b").List(ctx, metav1.ListOptions{})
		Expect(apierrors.IsForbidden(err)).To(BeTrue(), "alice may not read team-b: %v", err)
		_, err = alice.ViewsV1alpha1().Upstreams("team-a").Get(ctx, "west.team-a-orders-8080", metav1.GetOptions{})
		Expect(apierrors.IsNotFound(err)).To(BeTrue(), "west's objects do not exist for alice: %v", err)
	})

	It("keep answering when a member stops: a warning names it, watches flow for the others, and it comes back", func(ctx SpecContext) {
		north := env.Member("north")
		northGloo := glooclient.NewForConfigOrDie(north.RESTConfig()).GlooV1().Upstreams("team-a")
		ensureNamespace(ctx, "team-a")
		_, err := northGloo.Create(ctx, glooUpstream("team-a", "north-probe", core.StateAccepted), metav1.CreateOptions{})
		if !apierrors.IsAlreadyExists(err) {
			Expect(err).NotTo(HaveOccurred())
		}
		client := views().ViewsV1alpha1().Upstreams("team-a")
		Eventually(func() error {
			_, err := client.Get(ctx, "north.north-probe", metav1.GetOptions{})
			return err
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())

		w, err := client.Watch(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())
		defer w.Stop()

		north.Stop()
		DeferCleanup(func(ctx context.Context) {
			if !north.Running() {
				_ = north.Start(ctx)
			}
		})

		By("listing within a bound, with a warning naming the stopped member")
		collected := &warnings{}
		warned := views(func(c *rest.Config) { c.WarningHandler = collected })
		Eventually(func(g Gomega) {
			start := time.Now()
			_, err := warned.ViewsV1alpha1().Upstreams("").List(ctx, metav1.ListOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(time.Since(start)).To(BeNumerically("<", 10*time.Second))
			g.Expect(collected.all()).To(ContainElement(ContainSubstring("cluster north")))
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())
		gi, err := views().ViewsV1alpha1().GlooInstances("").List(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(gi.Items).NotTo(BeEmpty())

		By("watching changes in the other members while north is down")
		east := glooclient.NewForConfigOrDie(env.Member("east").RESTConfig()).GlooV1().Upstreams("team-a")
		_, err = east.Create(ctx, glooUpstream("team-a", "while-north-down", core.StateAccepted), metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) { _ = east.Delete(ctx, "while-north-down", metav1.DeleteOptions{}) })
		// In either order: north's objects leave the views
		// --member-remove-after (3 s here) after north last answered, which
		// may come before or after east's new object.
		expectEvents(ctx, w, watchEvent{watch.Added, "east.while-north-down"}, watchEvent{watch.Deleted, "north.north-probe"})

		By("bringing north's objects back into the open watch when it restarts")
		Expect(north.Start(ctx)).To(Succeed())
		expectEvent(ctx, w, watch.Added, "north.north-probe")
	})
})

// watchEvent is an event type and the name of its object.
type watchEvent struct {
	typ  watch.EventType
	name string
}

// expectEvent reads the watch until an event of that type for that name.
func expectEvent(ctx context.Context, w watch.Interface, typ watch.EventType, name string) {
	GinkgoHelper()
	expectEvents(ctx, w, watchEvent{typ, name})
}

// expectEvents reads the watch until it has seen every one of want, in any
// order; other events are skipped.
func expectEvents(ctx context.Context, w watch.Interface, want ...watchEvent) {
	GinkgoHelper()
	missing := map[watchEvent]bool{}
	for _, e := range want {
		missing[e] = true
	}
	deadline := time.After(60 * time.Second)
	for len(missing) > 0 {
		select {
		case ev, ok := <-w.ResultChan():
			Expect(ok).To(BeTrue(), "the watch closed while waiting for %v", missing)
			if o, isObject := ev.Object.(metav1.Object); isObject {
				delete(missing, watchEvent{ev.Type, o.GetName()})
			}
		case <-deadline:
			Fail(fmt.Sprintf("no events %v", missing))
		case <-ctx.Done():
			Fail("context ended")
		}
	}
}

var _ = Describe("Cluster membership", func() {
	It("a cluster leaving and joining produces DELETED and ADDED events in open watches, without closing them", func(ctx SpecContext) {
		waitForMembersInViews(ctx)
		fed := views().FedV1alpha1().KubernetesClusters("meridian-system")
		Eventually(func() error {
			_, err := views().ViewsV1alpha1().Gateways("gloo-system").Get(ctx, "east.gateway-proxy", metav1.GetOptions{})
			return err
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())

		w, err := views().ViewsV1alpha1().Gateways("gloo-system").Watch(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())
		defer w.Stop()

		east, err := fed.Get(ctx, "east", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(fed.Delete(ctx, "east", metav1.DeleteOptions{})).To(Succeed())
		rejoin := east.DeepCopy()
		rejoin.ResourceVersion, rejoin.UID = "", ""
		DeferCleanup(func(ctx context.Context) {
			if _, err := fed.Get(ctx, "east", metav1.GetOptions{}); apierrors.IsNotFound(err) {
				_, _ = fed.Create(ctx, rejoin, metav1.CreateOptions{})
			}
		})
		expectEvent(ctx, w, watch.Deleted, "east.gateway-proxy")

		_, err = fed.Create(ctx, rejoin, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		expectEvent(ctx, w, watch.Added, "east.gateway-proxy")
	})
})

var _ = Describe("Watch resumption", func() {
	It("resumes from a list's resourceVersion with exactly the changes made since, and answers 410 for one it cannot honour", func(ctx SpecContext) {
		waitForMembersInViews(ctx)
		client := views().ViewsV1alpha1().Upstreams("team-b")
		members := glooclient.NewForConfigOrDie(env.Member("east").RESTConfig()).GlooV1().Upstreams("team-b")
		_, err := members.Create(ctx, glooUpstream("team-b", "resume-existing", core.StateAccepted), metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) { _ = members.Delete(ctx, "resume-existing", metav1.DeleteOptions{}) })
		var list *viewsv1alpha1.UpstreamList
		Eventually(func(g Gomega) {
			list, err = client.List(ctx, metav1.ListOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			var names []string
			for _, u := range list.Items {
				names = append(names, u.Name)
			}
			g.Expect(names).To(ContainElement("east.resume-existing"))
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())

		By("changing the member after the list, then watching from the list's resourceVersion")
		_, err = members.Create(ctx, glooUpstream("team-b", "resume-new", core.StateAccepted), metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) { _ = members.Delete(ctx, "resume-new", metav1.DeleteOptions{}) })
		Expect(members.Delete(ctx, "resume-existing", metav1.DeleteOptions{})).To(Succeed())
		// Let the changes reach the cache before the watch starts, so they
		// come from the history, not from the live stream.
		Eventually(func() error {
			_, err := client.Get(ctx, "east.resume-existing", metav1.GetOptions{})
			return err
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(MatchError(ContainSubstring("not found")))

		w, err := client.Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
		Expect(err).NotTo(HaveOccurred())
		defer w.Stop()
		var got []string
		timeout := time.After(3 * time.Second)
	collect:
		for {
			select {
			case ev, ok := <-w.ResultChan():
				Expect(ok).To(BeTrue())
				if o, isObject := ev.Object.(metav1.Object); isObject && strings.HasPrefix(o.GetName(), "east.resume-") {
					got = append(got, string(ev.Type)+" "+o.GetName())
				}
			case <-timeout:
				break collect
			}
		}
		Expect(got).To(Equal([]string{"ADDED east.resume-new", "DELETED east.resume-existing"}),
			"exactly the changes since the list, each once, in the member's order")

		By("answering 400 for a resourceVersion that is not one of this API's")
		_, err = client.Watch(ctx, metav1.ListOptions{ResourceVersion: "12345"})
		Expect(apierrors.IsBadRequest(err)).To(BeTrue(), "got %v", err)

		By("answering 410 for one of its resourceVersions older than the history, so the client relists")
		_, err = client.Watch(ctx, metav1.ListOptions{ResourceVersion: cache.Vector{"east": 1}.Encode()})
		Expect(apierrors.IsResourceExpired(err) || apierrors.IsGone(err)).To(BeTrue(), "got %v", err)
	})
})
