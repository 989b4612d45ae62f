package e2e

import (
	"context"
	"slices"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/devenv"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
	glooclient "github.com/meridianfed/meridian/pkg/generated/gloo/clientset/versioned"
	meridianinformers "github.com/meridianfed/meridian/pkg/generated/informers/externalversions"
)

// Fault specs: each injects a fault into the shared environment while
// clients read through the aggregator, then compares what they hold with
// the truth read from the member itself.
var _ = Describe("Faults", func() {
	// memberUpstreams is the truth: every Upstream of the member, named as
	// the views name it, sorted.
	memberUpstreams := func(ctx context.Context, m *devenv.Cluster) []string {
		list, err := glooclient.NewForConfigOrDie(m.RESTConfig()).GlooV1().Upstreams("").List(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())
		var out []string
		for _, u := range list.Items {
			out = append(out, u.Namespace+"/"+viewsv1alpha1.ClusterName(m.Name, u.Name))
		}
		slices.Sort(out)
		return out
	}
	// viewed lists the member's Upstreams through the views at a
	// resourceVersion ("" is a consistent read, "0" the cache), with the
	// warnings of the reply.
	viewed := func(ctx context.Context, cluster, rv string) ([]string, []string, error) {
		collected := &warnings{}
		client := views(func(c *rest.Config) { c.WarningHandler = collected })
		list, err := client.ViewsV1alpha1().Upstreams("").List(ctx, metav1.ListOptions{ResourceVersion: rv, FieldSelector: viewsv1alpha1.ClusterField + "=" + cluster})
		if err != nil {
			return nil, collected.all(), err
		}
		var out []string
		for _, u := range list.Items {
			out = append(out, u.Namespace+"/"+u.Name)
		}
		slices.Sort(out)
		return out, collected.all(), nil
	}

	It("a member hung (SIGSTOP) longer than the unreachable grace: the views say so meanwhile, and converge to its content within seconds of it answering again", func(ctx SpecContext) {
		waitForMembersInViews(ctx)
		west := env.Member("west")

		// An informer through the aggregator, as other people's tools use the views.
		factory := meridianinformers.NewSharedInformerFactory(views(), 0)
		informer := factory.Views().V1alpha1().Upstreams()
		stop := make(chan struct{})
		defer close(stop)
		informer.Informer() // register before Start
		factory.Start(stop)
		Expect(toolscache.WaitForCacheSync(ctx.Done(), informer.Informer().HasSynced)).To(BeTrue())
		informed := func() []string {
			objs, err := informer.Lister().List(labels.SelectorFromSet(labels.Set{viewsv1alpha1.ClusterLabel: "west"}))
			Expect(err).NotTo(HaveOccurred())
			var out []string
			for _, u := range objs {
				out = append(out, u.Namespace+"/"+u.Name)
			}
			slices.Sort(out)
			return out
		}
		// And a checker (see tracker): it follows every event, and tells
		// of one lost, repeated or out of place.
		checker := trackUpstreams(ctx, views(), "west", nil)
		want := memberUpstreams(ctx, west)
		Expect(want).NotTo(BeEmpty())
		Eventually(func(g Gomega) {
			got, warns, err := viewed(ctx, "west", "0")
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(got).To(Equal(want))
			g.Expect(warns).NotTo(ContainElement(ContainSubstring("cluster west")), "west is fully read before the fault")
			g.Expect(informed()).To(Equal(want))
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())

		By("hanging west for longer than --member-remove-after")
		Expect(west.Pause()).To(Succeed())
		resumed := false
		DeferCleanup(func() {
			if !resumed {
				_ = west.Resume()
			}
		})
		Eventually(func(g Gomega) {
			start := time.Now()
			_, warns, err := viewed(ctx, "west", "")
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(time.Since(start)).To(BeNumerically("<", 10*time.Second), "a consistent read is bounded by --member-timeout")
			g.Expect(warns).To(ContainElement(ContainSubstring("cluster west")), "the reply says west is not fully served")
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())
		By("dropping west's objects from the views once the grace (--member-remove-after=3s here) has passed, saying why")
		Eventually(func(g Gomega) {
			got, warns, err := viewed(ctx, "west", "0")
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(got).To(BeEmpty())
			g.Expect(warns).To(ContainElement(MatchRegexp(`cluster west is unreachable since .*: its objects are from before then, or missing`)))
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())
		Eventually(informed).WithContext(ctx).WithTimeout(10*time.Second).Should(BeEmpty(), "the informer was told (DELETED events)")
		time.Sleep(5 * time.Second) // hung for a while longer, with nothing of west changing

		By("resuming west: everything it holds is back, in consistent and cached reads and in the informer")
		Expect(west.Resume()).To(Succeed())
		resumed = true
		back := time.Now()
		Eventually(func(g Gomega) {
			for _, rv := range []string{"", "0"} {
				got, warns, err := viewed(ctx, "west", rv)
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(got).To(Equal(want), "resourceVersion %q", rv)
				g.Expect(warns).NotTo(ContainElement(ContainSubstring("cluster west")), "resourceVersion %q", rv)
			}
			g.Expect(informed()).To(Equal(want), "the informer holds every west Upstream again")
			g.Expect(checker.state()).To(Equal(memberTruth(ctx, west)), "the checker holds west's content, specs included")
		}).WithContext(ctx).WithTimeout(20 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
		AddReportEntry("views complete after west answered again", time.Since(back).Round(100*time.Millisecond).String())
		Expect(checker.problems()).To(BeEmpty(), "events the checker got that did not fit what it held")

		Eventually(func(g Gomega) {
			kc, err := views().FedV1alpha1().KubernetesClusters(devenv.MeridianNamespace).Get(ctx, "west", metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(meta.IsStatusConditionTrue(kc.Status.Conditions, fedv1alpha1.ConditionReady)).To(BeTrue(), "%+v", kc.Status.Conditions)
		}).WithContext(ctx).WithTimeout(20*time.Second).Should(Succeed(), "west's KubernetesCluster is Ready again")
	}, SpecTimeout(3*time.Minute))

	It("100 concurrent consistent lists by a namespace-scoped user: all answered, none warns, no member is marked unreachable, other users unaffected", func(ctx SpecContext) {
		waitForMembersInViews(ctx)
		Eventually(func(g Gomega) {
			_, warns, err := viewed(ctx, "east", "0")
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(warns).To(BeEmpty())
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())
		// tenant-load may read the views in team-a, of every cluster.
		kube := kubernetes.NewForConfigOrDie(env.Management.RESTConfig())
		ensureManagementNamespace(ctx, "team-a")
		rb := &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "tenant-load-views", Namespace: "team-a"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "meridian-view"},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "tenant-load"}},
		}
		crb := &rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "tenant-load-clusters"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "meridian-cluster-viewer"},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "tenant-load"}},
		}
		_, err := kube.RbacV1().RoleBindings("team-a").Create(ctx, rb, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		_, err = kube.RbacV1().ClusterRoleBindings().Create(ctx, crb, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) {
			_ = kube.RbacV1().RoleBindings("team-a").Delete(ctx, rb.Name, metav1.DeleteOptions{})
			_ = kube.RbacV1().ClusterRoleBindings().Delete(ctx, crb.Name, metav1.DeleteOptions{})
		})
		tenant := func(collected *warnings) meridianclient.Interface {
			return views(func(c *rest.Config) {
				c.WarningHandler = collected
				c.QPS, c.Burst = 1000, 1000
				c.Impersonate = rest.ImpersonationConfig{UserName: "tenant-load"}
			})
		}
		Eventually(func() error {
			_, err := tenant(&warnings{}).ViewsV1alpha1().Upstreams("team-a").List(ctx, metav1.ListOptions{})
			return err
		}).WithContext(ctx).WithTimeout(30*time.Second).Should(Succeed(), "the tenant's grants are in force")

		client := views()
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failures []string
		for range 100 {
			wg.Go(func() {
				collected := &warnings{}
				_, err := tenant(collected).ViewsV1alpha1().Upstreams("team-a").List(ctx, metav1.ListOptions{})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					failures = append(failures, err.Error())
				}
				failures = append(failures, collected.all()...)
			})
		}
		// Meanwhile another user's consistent reads of every namespace
		// are answered, without a warning.
		var others []string
		for range 5 {
			_, warns, err := viewed(ctx, "west", "")
			if err != nil {
				others = append(others, err.Error())
			}
			others = append(others, warns...)
		}
		wg.Wait()
		Expect(failures).To(BeEmpty(), "errors and warnings of 100 concurrent consistent reads")
		Expect(others).To(BeEmpty(), "errors and warnings of another user reading meanwhile")
		for _, name := range []string{"east", "west"} {
			kc, err := client.FedV1alpha1().KubernetesClusters(devenv.MeridianNamespace).Get(ctx, name, metav1.GetOptions{})
			Expect(err).NotTo(HaveOccurred())
			Expect(meta.IsStatusConditionTrue(kc.Status.Conditions, fedv1alpha1.ConditionReady)).To(BeTrue(), "%s: %+v", name, kc.Status.Conditions)
		}
	}, SpecTimeout(2*time.Minute))
})
