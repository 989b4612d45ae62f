package e2e

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

var _ = Describe("The local multi-cluster environment", func() {
	It("runs every member as its own cluster, with its own credentials and data", func(ctx SpecContext) {
		for _, m := range env.Members {
			kube := kubernetes.NewForConfigOrDie(m.RESTConfig())
			_, err := kube.CoreV1().ConfigMaps("default").Create(ctx, &corev1.ConfigMap{
				ObjectMeta: metav1.ObjectMeta{Name: "whoami-" + m.Name},
				Data:       map[string]string{"cluster": m.Name},
			}, metav1.CreateOptions{})
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(func(ctx context.Context) {
				_ = kube.CoreV1().ConfigMaps("default").Delete(ctx, "whoami-"+m.Name, metav1.DeleteOptions{})
			})
		}
		for _, m := range env.Members {
			cms, err := kubernetes.NewForConfigOrDie(m.RESTConfig()).CoreV1().ConfigMaps("default").List(ctx, metav1.ListOptions{})
			Expect(err).NotTo(HaveOccurred())
			var mine []string
			for _, cm := range cms.Items {
				if cm.Data["cluster"] != "" {
					mine = append(mine, cm.Data["cluster"])
				}
			}
			Expect(mine).To(ConsistOf(m.Name), "member %s sees only its own objects (distinct etcd prefixes)", m.Name)
		}

		By("refusing another member's admin credential: every member has its own client CA")
		east, west := env.Member("east"), env.Member("west")
		crossed := west.RESTConfig()
		crossed.Host = east.URL
		crossed.CAData = east.CAData
		_, err := kubernetes.NewForConfigOrDie(crossed).CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
		Expect(err).To(HaveOccurred())
	})

	It("sets up the aggregation layer on the management cluster", func(ctx SpecContext) {
		kube := kubernetes.NewForConfigOrDie(env.Management.RESTConfig())
		cm, err := kube.CoreV1().ConfigMaps("kube-system").Get(ctx, "extension-apiserver-authentication", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(cm.Data).To(HaveKey("requestheader-client-ca-file"), "aggregated servers read the front-proxy CA from here")
		Expect(cm.Data["requestheader-allowed-names"]).To(ContainSubstring("front-proxy-client"))
		Expect(cm.Data["requestheader-username-headers"]).To(ContainSubstring("X-Remote-User"))

		groups, err := kube.Discovery().ServerGroups()
		Expect(err).NotTo(HaveOccurred())
		var names []string
		for _, g := range groups.Groups {
			names = append(names, g.Name)
		}
		Expect(names).To(ContainElement("apiregistration.k8s.io"))
	})

	It("stops and restarts one member while the others keep serving", func(ctx SpecContext) {
		north := env.Member("north")
		kube := kubernetes.NewForConfigOrDie(north.RESTConfig())
		_, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "survives-restart"}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())

		north.Stop()
		Expect(north.Running()).To(BeFalse())
		_, err = kube.CoreV1().Namespaces().Get(ctx, "survives-restart", metav1.GetOptions{})
		Expect(err).To(HaveOccurred(), "a stopped member does not answer")
		_, err = kubernetes.NewForConfigOrDie(env.Member("east").RESTConfig()).CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred(), "the other members keep serving")

		Expect(north.Start(ctx)).To(Succeed())
		Eventually(func() error {
			_, err := kube.CoreV1().Namespaces().Get(ctx, "survives-restart", metav1.GetOptions{})
			return err
		}).WithContext(ctx).WithTimeout(30*time.Second).Should(Succeed(), "the restarted member keeps its data, URL and credentials")
	}, SpecTimeout(2*time.Minute))
})
