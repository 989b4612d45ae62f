package clusters

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	kubefake "k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/klog/v2"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
	"github.com/meridianfed/meridian/pkg/federation/member"
	meridianfake "github.com/meridianfed/meridian/pkg/generated/clientset/versioned/fake"
)

// The federation namespace also holds Secrets the registry has no use for:
// Helm's release records (hundreds of KB each, ten revisions kept), the
// serving certificate. The registry lists and watches only the kubeconfig
// Secrets, so none of the others is cached in every replica or wakes a
// reconcile; a registration naming a Secret of another type says which
// type it needs.
func TestRegistryReadsOnlyKubeconfigSecrets(t *testing.T) {
	const ns = "fed-system"
	kube := kubefake.NewSimpleClientset(
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "sh.helm.release.v1.meridian.v1"}, Type: "helm.sh/release.v1",
			Data: map[string][]byte{"release": []byte(strings.Repeat("x", 1<<20))}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "opaque"}, Type: corev1.SecretTypeOpaque,
			Data: map[string][]byte{fedv1alpha1.KubeconfigSecretKey: []byte("not read")}},
	)
	// The fake tracker ignores field selectors: answer lists as a real
	// kube-apiserver does, and record what was asked.
	var mu sync.Mutex
	var asked []string
	ask := func(s string) { mu.Lock(); defer mu.Unlock(); asked = append(asked, s) }
	kube.PrependReactor("list", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
		sel := a.(k8stesting.ListAction).GetListRestrictions().Fields
		ask("list " + sel.String())
		objs, err := kube.Tracker().List(corev1.SchemeGroupVersion.WithResource("secrets"), corev1.SchemeGroupVersion.WithKind("Secret"), ns)
		if err != nil {
			return true, nil, err
		}
		list := objs.(*corev1.SecretList)
		var kept []corev1.Secret
		for _, s := range list.Items {
			if sel.Matches(fields.Set{"type": string(s.Type)}) {
				kept = append(kept, s)
			}
		}
		list.Items = kept
		return true, list, nil
	})
	kube.PrependWatchReactor("secrets", func(a k8stesting.Action) (bool, watch.Interface, error) {
		ask("watch " + a.(k8stesting.WatchAction).GetWatchRestrictions().Fields.String())
		return false, nil, nil
	})
	meridian := meridianfake.NewSimpleClientset(&fedv1alpha1.KubernetesCluster{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "east"}, Spec: fedv1alpha1.KubernetesClusterSpec{SecretName: "opaque"}})
	r := New(kube, meridian, ns, cache.NewSet(10, 1<<20), member.Options{}, klog.Background())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.Run(ctx) }()
	defer func() { cancel(); <-done }()

	deadline := time.Now().Add(10 * time.Second)
	var problem string
	for time.Now().Before(deadline) {
		if cs := r.Clusters(); len(cs) == 1 && cs[0].Problem != "" {
			problem = cs[0].Problem
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	want := "type=" + fedv1alpha1.KubeconfigSecretType
	mu.Lock()
	defer mu.Unlock()
	if len(asked) < 2 || asked[0] != "list "+want || asked[1] != "watch "+want {
		t.Errorf("the registry asked for Secrets %q, want a list and a watch of %s only", asked, want)
	}
	if !strings.Contains(problem, fedv1alpha1.KubeconfigSecretType) {
		t.Errorf("a registration naming an Opaque Secret has problem %q, which does not name the type it needs", problem)
	}
}
