package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/devenv"
)

// Kubeconfig Secrets are written by whoever may write Secrets in the
// federation namespace and read inside Meridian's pods: only an https server
// with inline CA and credentials is used; anything else is reported on the
// KubernetesCluster and touches nothing.
var _ = Describe("Member kubeconfigs", func() {
	It("a KubernetesCluster whose kubeconfig has an http server, a tokenFile, a file path or an exec plugin says what is wrong and dials nothing", func(ctx SpecContext) {
		var dialed atomic.Int32
		count := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { dialed.Add(1); w.WriteHeader(http.StatusUnauthorized) })
		plain := httptest.NewServer(count)
		defer plain.Close()
		tlsServer := httptest.NewTLSServer(count)
		defer tlsServer.Close()
		ca := env.Member("north").CAData // any PEM CA: nothing may get far enough to use it
		tokenFile := filepath.Join(GinkgoT().TempDir(), "token")
		Expect(os.WriteFile(tokenFile, []byte("a-token-meridian-must-not-read"), 0o600)).To(Succeed())

		cases := map[string]struct {
			cluster clientcmdapi.Cluster
			user    clientcmdapi.AuthInfo
			says    string
		}{
			"hostile-http":      {clientcmdapi.Cluster{Server: plain.URL, CertificateAuthorityData: ca}, clientcmdapi.AuthInfo{Token: "t"}, "is not an https URL"},
			"hostile-tokenfile": {clientcmdapi.Cluster{Server: tlsServer.URL, CertificateAuthorityData: ca}, clientcmdapi.AuthInfo{TokenFile: tokenFile}, "tokenFile"},
			"hostile-certfile":  {clientcmdapi.Cluster{Server: tlsServer.URL, CertificateAuthorityData: ca}, clientcmdapi.AuthInfo{ClientCertificate: tokenFile, ClientKey: tokenFile}, "client-certificate file"},
			"hostile-exec": {clientcmdapi.Cluster{Server: tlsServer.URL, CertificateAuthorityData: ca},
				clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{Command: "/bin/touch", Args: []string{tokenFile + ".ran"}, APIVersion: "client.authentication.k8s.io/v1", InteractiveMode: clientcmdapi.NeverExecInteractiveMode}}, "exec credential plugin"},
		}
		kube := kubernetes.NewForConfigOrDie(env.Management.RESTConfig())
		fed := views().FedV1alpha1().KubernetesClusters(devenv.MeridianNamespace)
		for name, c := range cases {
			cfg := clientcmdapi.NewConfig()
			cfg.Clusters[name] = &c.cluster
			cfg.AuthInfos[name] = &c.user
			cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
			cfg.CurrentContext = name
			data, err := clientcmd.Write(*cfg)
			Expect(err).NotTo(HaveOccurred())
			_, err = kube.CoreV1().Secrets(devenv.MeridianNamespace).Create(ctx, &corev1.Secret{
				ObjectMeta: metav1.ObjectMeta{Name: name + "-kubeconfig", Namespace: devenv.MeridianNamespace},
				Type:       fedv1alpha1.KubeconfigSecretType,
				Data:       map[string][]byte{fedv1alpha1.KubeconfigSecretKey: data},
			}, metav1.CreateOptions{})
			Expect(err).NotTo(HaveOccurred())
			_, err = fed.Create(ctx, &fedv1alpha1.KubernetesCluster{
				ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: devenv.MeridianNamespace},
				Spec:       fedv1alpha1.KubernetesClusterSpec{SecretName: name + "-kubeconfig"},
			}, metav1.CreateOptions{})
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(func(ctx context.Context) {
				_ = fed.Delete(ctx, name, metav1.DeleteOptions{})
				_ = kube.CoreV1().Secrets(devenv.MeridianNamespace).Delete(ctx, name+"-kubeconfig", metav1.DeleteOptions{})
			})
		}
		for name, c := range cases {
			Eventually(func(g Gomega) {
				kc, err := fed.Get(ctx, name, metav1.GetOptions{})
				g.Expect(err).NotTo(HaveOccurred())
				cond := meta.FindStatusCondition(kc.Status.Conditions, fedv1alpha1.ConditionReady)
				g.Expect(cond).NotTo(BeNil())
				g.Expect(cond.Status).To(Equal(metav1.ConditionFalse))
				g.Expect(cond.Reason).To(Equal("InvalidRegistration"))
				g.Expect(cond.Message).To(ContainSubstring(c.says))
				g.Expect(cond.Message).NotTo(ContainSubstring("a-token-meridian-must-not-read"))
			}).WithContext(ctx).WithTimeout(30*time.Second).Should(Succeed(), name)
		}
		// The controller reads the same Secrets (placement, token renewal).
		time.Sleep(3 * time.Second)
		Expect(dialed.Load()).To(BeZero(), "a server named by a refused kubeconfig was dialed")
		_, err := os.Stat(tokenFile + ".ran")
		Expect(os.IsNotExist(err)).To(BeTrue(), "the exec plugin ran")
	}, SpecTimeout(2*time.Minute))
})
