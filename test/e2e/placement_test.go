package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/controller/placement"
	"github.com/meridianfed/meridian/pkg/devenv"
)

var (
	upstreamsGVR      = schema.GroupVersionResource{Group: "gloo.solo.io", Version: "v1", Resource: "upstreams"}
	virtualSvcGVR     = schema.GroupVersionResource{Group: "gateway.solo.io", Version: "v1", Resource: "virtualservices"}
	secretsGVR        = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
	fedUpstreamsGVR   = fedv1alpha1.SchemeGroupVersion.WithResource("federatedupstreams")
	fedVirtualSvcGVR  = fedv1alpha1.SchemeGroupVersion.WithResource("federatedvirtualservices")
	fedSecretsGVR     = fedv1alpha1.SchemeGroupVersion.WithResource("federatedsecrets")
	placementClusters = []string{"east", "west"}
	placementNS       = []string{"team-x", "team-y"}
)

func federatedObject(kind, name string, spec map[string]any, clusters, namespaces []string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": fedv1alpha1.SchemeGroupVersion.String(),
		"kind":       kind,
		"metadata":   map[string]any{"name": name, "namespace": "fed-demo"},
		"spec":       spec,
	}}
}

func placementOf(clusters, namespaces []string) map[string]any {
	cs, ns := []any{}, []any{}
	for _, c := range clusters {
		cs = append(cs, c)
	}
	for _, n := range namespaces {
		ns = append(ns, n)
	}
	return map[string]any{"clusters": cs, "namespaces": ns}
}

var _ = Describe("Federation controller: placements, status, ownership, drift, deletion", Ordered, func() {
	var mgmt dynamic.Interface
	member := func(name string) dynamic.Interface { return dynamic.NewForConfigOrDie(env.Member(name).RESTConfig()) }

	BeforeAll(func(ctx SpecContext) {
		mgmt = dynamic.NewForConfigOrDie(env.Management.RESTConfig())
		_, err := kubernetes.NewForConfigOrDie(env.Management.RESTConfig()).CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "fed-demo"}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		for _, c := range placementClusters {
			kube := kubernetes.NewForConfigOrDie(env.Member(c).RESTConfig())
			for _, ns := range placementNS {
				// Registration created them already when they are secret
				// namespaces (secretNamespaces).
				_, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
				if !apierrors.IsAlreadyExists(err) {
					Expect(err).NotTo(HaveOccurred())
				}
			}
		}
	})

	statusOf := func(ctx context.Context, gvr schema.GroupVersionResource, name string) (fedv1alpha1.FederatedStatus, error) {
		u, err := mgmt.Resource(gvr).Namespace("fed-demo").Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return fedv1alpha1.FederatedStatus{}, err
		}
		var st fedv1alpha1.FederatedStatus
		raw, _ := u.Object["status"].(map[string]any)
		if raw == nil {
			return st, nil
		}
		err = runtimeConvert(raw, &st)
		return st, err
	}
	// onlyOneFails waits until the FederatedUpstream name, placed into both
	// clusters, is in state with message in cluster and Placed in the other.
	onlyOneFails := func(ctx context.Context, name, cluster string, state fedv1alpha1.PlacementState, message string) {
		GinkgoHelper()
		Eventually(func(g Gomega) {
			st, err := statusOf(ctx, fedUpstreamsGVR, name)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(st.Placements).To(HaveLen(2))
			for _, p := range st.Placements {
				if p.Cluster == cluster {
					g.Expect(p.State).To(Equal(state))
					g.Expect(p.Message).To(ContainSubstring(message))
				} else {
					g.Expect(p.State).To(Equal(fedv1alpha1.PlacementPlaced), p.Message)
				}
			}
			g.Expect(st.Placed).To(Equal("1/2"))
		}).WithContext(ctx).WithTimeout(time.Minute).Should(Succeed())
	}

	It("places a FederatedUpstream, a FederatedVirtualService and a FederatedSecret into 2 clusters × 2 namespaces, and reports each target", func(ctx SpecContext) {
		up := federatedObject("FederatedUpstream", "petstore", map[string]any{
			"template": map[string]any{
				"metadata": map[string]any{"name": "petstore", "labels": map[string]any{"app": "petstore"}},
				"spec":     map[string]any{"kube": map[string]any{"serviceName": "petstore", "serviceNamespace": "default", "servicePort": int64(8080)}},
			},
			"placement": placementOf(placementClusters, placementNS),
		}, nil, nil)
		vs := federatedObject("FederatedVirtualService", "petstore", map[string]any{
			"template": map[string]any{
				"spec": map[string]any{"virtualHost": map[string]any{
					"domains": []any{"petstore.example.com"},
					"routes": []any{map[string]any{
						"matchers":    []any{map[string]any{"prefix": "/"}},
						"routeAction": map[string]any{"single": map[string]any{"upstream": map[string]any{"name": "petstore", "namespace": "team-x"}}},
					}},
				}},
			},
			"placement": placementOf(placementClusters, placementNS),
		}, nil, nil)
		sec := federatedObject("FederatedSecret", "petstore-tls", map[string]any{
			"template": map[string]any{
				"type":       "kubernetes.io/tls",
				"stringData": map[string]any{"tls.crt": "CERT", "tls.key": "KEY"},
			},
			"placement": placementOf(placementClusters, placementNS),
		}, nil, nil)
		for gvr, o := range map[schema.GroupVersionResource]*unstructured.Unstructured{fedUpstreamsGVR: up, fedVirtualSvcGVR: vs, fedSecretsGVR: sec} {
			_, err := mgmt.Resource(gvr).Namespace("fed-demo").Create(ctx, o, metav1.CreateOptions{FieldValidation: "Strict"})
			Expect(err).NotTo(HaveOccurred())
		}
		for _, c := range placementClusters {
			for _, ns := range placementNS {
				Eventually(func(g Gomega) {
					u, err := member(c).Resource(upstreamsGVR).Namespace(ns).Get(ctx, "petstore", metav1.GetOptions{})
					g.Expect(err).NotTo(HaveOccurred())
					g.Expect(u.GetLabels()).To(HaveKeyWithValue("app", "petstore"))
					g.Expect(u.GetAnnotations()).To(HaveKeyWithValue(placement.OwnerAnnotation, "FederatedUpstream/fed-demo/petstore"))
					port, _, _ := unstructured.NestedInt64(u.Object, "spec", "kube", "servicePort")
					g.Expect(port).To(Equal(int64(8080)))
					_, err = member(c).Resource(virtualSvcGVR).Namespace(ns).Get(ctx, "petstore", metav1.GetOptions{})
					g.Expect(err).NotTo(HaveOccurred())
					s, err := member(c).Resource(secretsGVR).Namespace(ns).Get(ctx, "petstore-tls", metav1.GetOptions{})
					g.Expect(err).NotTo(HaveOccurred())
					g.Expect(s.Object["type"]).To(Equal("kubernetes.io/tls"))
				}).WithContext(ctx).WithTimeout(time.Minute).Should(Succeed(), "placed in %s/%s", c, ns)
			}
		}
		// Gloo (the environment's stand-in for its translation loop) in
		// east and west accepts every copy: the status follows.
		for _, gvr := range []schema.GroupVersionResource{fedUpstreamsGVR, fedVirtualSvcGVR} {
			Eventually(func(g Gomega) {
				st, err := statusOf(ctx, gvr, "petstore")
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(st.Placed).To(Equal("4/4"))
				g.Expect(st.Accepted).To(Equal("4/4"))
				g.Expect(st.Placements).To(HaveLen(4))
				for _, p := range st.Placements {
					g.Expect(p.State).To(Equal(fedv1alpha1.PlacementPlaced), "%s/%s: %s", p.Cluster, p.Namespace, p.Message)
					g.Expect(p.GlooState).To(Equal("Accepted"), "%s/%s: %s", p.Cluster, p.Namespace, p.GlooReason)
				}
			}).WithContext(ctx).WithTimeout(90*time.Second).Should(Succeed(), "the Gloo status the members report shows in the federated object")
		}
		out, err := kubectl(ctx, env.Management.Kubeconfig, "get", "federatedupstreams", "-n", "fed-demo")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(MatchRegexp(`(?m)^NAME\s+PLACED\s+ACCEPTED\s+READY\s+AGE`))
		Expect(out).To(MatchRegexp(`(?m)^petstore\s+4/4\s+4/4\s+True\s+`))
	}, SpecTimeout(5*time.Minute))

	It("removes exactly the objects a placement no longer targets", func(ctx SpecContext) {
		Eventually(func() error {
			u, err := mgmt.Resource(fedUpstreamsGVR).Namespace("fed-demo").Get(ctx, "petstore", metav1.GetOptions{})
			if err != nil {
				return err
			}
			_ = unstructured.SetNestedStringSlice(u.Object, []string{"team-x"}, "spec", "placement", "namespaces")
			_, err = mgmt.Resource(fedUpstreamsGVR).Namespace("fed-demo").Update(ctx, u, metav1.UpdateOptions{})
			return err
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())
		for _, c := range placementClusters {
			Eventually(func() bool {
				_, err := member(c).Resource(upstreamsGVR).Namespace("team-y").Get(ctx, "petstore", metav1.GetOptions{})
				return apierrors.IsNotFound(err)
			}).WithContext(ctx).WithTimeout(time.Minute).Should(BeTrue(), "%s/team-y is no longer targeted", c)
			_, err := member(c).Resource(upstreamsGVR).Namespace("team-x").Get(ctx, "petstore", metav1.GetOptions{})
			Expect(err).NotTo(HaveOccurred(), "%s/team-x still is", c)
			_, err = member(c).Resource(virtualSvcGVR).Namespace("team-y").Get(ctx, "petstore", metav1.GetOptions{})
			Expect(err).NotTo(HaveOccurred(), "the other federated objects are untouched")
		}
		Eventually(func(g Gomega) {
			st, err := statusOf(ctx, fedUpstreamsGVR, "petstore")
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(st.Placed).To(Equal("2/2"))
		}).WithContext(ctx).WithTimeout(time.Minute).Should(Succeed())
	}, SpecTimeout(3*time.Minute))

	It("never touches an object of the same name that Meridian did not create, and says why", func(ctx SpecContext) {
		mine := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "gloo.solo.io/v1", "kind": "Upstream",
			"metadata": map[string]any{"name": "handmade", "namespace": "team-x"},
			"spec":     map[string]any{"static": map[string]any{"hosts": []any{map[string]any{"addr": "10.0.0.1", "port": int64(80)}}}},
		}}
		_, err := member("east").Resource(upstreamsGVR).Namespace("team-x").Create(ctx, mine, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		fu := federatedObject("FederatedUpstream", "handmade", map[string]any{
			"template":  map[string]any{"spec": map[string]any{"kube": map[string]any{"serviceName": "other", "serviceNamespace": "default", "servicePort": int64(80)}}},
			"placement": placementOf(placementClusters, []string{"team-x"}),
		}, nil, nil)
		_, err = mgmt.Resource(fedUpstreamsGVR).Namespace("fed-demo").Create(ctx, fu, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		onlyOneFails(ctx, "handmade", "east", fedv1alpha1.PlacementFailed, "that Meridian did not create exists there: left untouched")
		Eventually(func() string {
			out, _ := kubectl(ctx, env.Management.Kubeconfig, "get", "events", "-n", "fed-demo", "--field-selector", "involvedObject.name=handmade")
			return out
		}).WithContext(ctx).WithTimeout(30*time.Second).Should(MatchRegexp(`Warning\s+PlacementFailed\s+federatedupstream/handmade\s+east/team-x: a Upstream team-x/handmade that Meridian did not create`), "an Event on the federated object")
		u, err := member("east").Resource(upstreamsGVR).Namespace("team-x").Get(ctx, "handmade", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(u.Object["spec"]).To(Equal(mine.Object["spec"]), "the hand-made object is as it was")
		Expect(u.GetAnnotations()).NotTo(HaveKey(placement.OwnerAnnotation))

		// Deleting the federated object leaves it alone too.
		Expect(mgmt.Resource(fedUpstreamsGVR).Namespace("fed-demo").Delete(ctx, "handmade", metav1.DeleteOptions{})).To(Succeed())
		Eventually(func() bool {
			_, err := member("west").Resource(upstreamsGVR).Namespace("team-x").Get(ctx, "handmade", metav1.GetOptions{})
			return apierrors.IsNotFound(err)
		}).WithContext(ctx).WithTimeout(time.Minute).Should(BeTrue())
		_, err = member("east").Resource(upstreamsGVR).Namespace("team-x").Get(ctx, "handmade", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
	}, SpecTimeout(3*time.Minute))

	It("refuses, in the one cluster concerned, a field the member's Gloo does not accept, with the member's reason", func(ctx SpecContext) {
		fu := federatedObject("FederatedUpstream", "typo", map[string]any{
			"template":  map[string]any{"spec": map[string]any{"kube": map[string]any{"serviceName": "typo", "serviceNamespace": "default", "servicePort": int64(80)}}},
			"placement": placementOf(placementClusters, []string{"team-x"}),
			"overrides": []any{map[string]any{"clusterName": "west", "patches": []any{
				map[string]any{"op": "add", "path": "/spec/notAGlooField", "value": "x"},
			}}},
		}, nil, nil)
		_, err := mgmt.Resource(fedUpstreamsGVR).Namespace("fed-demo").Create(ctx, fu, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx SpecContext) {
			Expect(mgmt.Resource(fedUpstreamsGVR).Namespace("fed-demo").Delete(ctx, "typo", metav1.DeleteOptions{})).To(Succeed())
		})
		onlyOneFails(ctx, "typo", "west", fedv1alpha1.PlacementInvalid, `.spec.notAGlooField: field not declared in schema`)
		_, err = member("west").Resource(upstreamsGVR).Namespace("team-x").Get(ctx, "typo", metav1.GetOptions{})
		Expect(apierrors.IsNotFound(err)).To(BeTrue(), "nothing half-written in west: %v", err)
	}, SpecTimeout(2*time.Minute))

	It("writes nothing into a suspended cluster, says so, and places there once it is resumed", func(ctx SpecContext) {
		clusters := mgmt.Resource(fedv1alpha1.SchemeGroupVersion.WithResource("kubernetesclusters")).Namespace("meridian-system")
		setSuspend := func(ctx context.Context, v bool) {
			patch := fmt.Sprintf(`{"spec":{"suspend":%t}}`, v)
			_, err := clusters.Patch(ctx, "west", types.MergePatchType, []byte(patch), metav1.PatchOptions{})
			Expect(err).NotTo(HaveOccurred())
		}
		setSuspend(ctx, true)
		DeferCleanup(func(ctx SpecContext) { setSuspend(ctx, false) })
		fu := federatedObject("FederatedUpstream", "paused", map[string]any{
			"template":  map[string]any{"spec": map[string]any{"kube": map[string]any{"serviceName": "paused", "serviceNamespace": "default", "servicePort": int64(80)}}},
			"placement": placementOf(placementClusters, []string{"team-x"}),
		}, nil, nil)
		_, err := mgmt.Resource(fedUpstreamsGVR).Namespace("fed-demo").Create(ctx, fu, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		Eventually(func(g Gomega) {
			st, err := statusOf(ctx, fedUpstreamsGVR, "paused")
			g.Expect(err).NotTo(HaveOccurred())
			states := map[string]fedv1alpha1.PlacementState{}
			for _, p := range st.Placements {
				states[p.Cluster] = p.State
			}
			g.Expect(states).To(Equal(map[string]fedv1alpha1.PlacementState{"east": fedv1alpha1.PlacementPlaced, "west": fedv1alpha1.PlacementSuspended}))
		}).WithContext(ctx).WithTimeout(time.Minute).Should(Succeed())
		_, err = member("west").Resource(upstreamsGVR).Namespace("team-x").Get(ctx, "paused", metav1.GetOptions{})
		Expect(apierrors.IsNotFound(err)).To(BeTrue(), "nothing written into suspended west: %v", err)

		setSuspend(ctx, false)
		Eventually(func() error {
			_, err := member("west").Resource(upstreamsGVR).Namespace("team-x").Get(ctx, "paused", metav1.GetOptions{})
			return err
		}).WithContext(ctx).WithTimeout(time.Minute).Should(Succeed(), "placed once west is resumed")
		Expect(mgmt.Resource(fedUpstreamsGVR).Namespace("fed-demo").Delete(ctx, "paused", metav1.DeleteOptions{})).To(Succeed())
	}, SpecTimeout(3*time.Minute))

	It("restores a placed object edited by hand in a member", func(ctx SpecContext) {
		Eventually(func() error {
			u, err := member("west").Resource(upstreamsGVR).Namespace("team-x").Get(ctx, "petstore", metav1.GetOptions{})
			if err != nil {
				return err
			}
			_ = unstructured.SetNestedField(u.Object, int64(9999), "spec", "kube", "servicePort")
			_, err = member("west").Resource(upstreamsGVR).Namespace("team-x").Update(ctx, u, metav1.UpdateOptions{})
			return err
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())
		Eventually(func() int64 {
			u, err := member("west").Resource(upstreamsGVR).Namespace("team-x").Get(ctx, "petstore", metav1.GetOptions{})
			if err != nil {
				return 0
			}
			port, _, _ := unstructured.NestedInt64(u.Object, "spec", "kube", "servicePort")
			return port
		}).WithContext(ctx).WithTimeout(90*time.Second).Should(Equal(int64(8080)), "restored to the template")
		Eventually(func(g Gomega) {
			st, err := statusOf(ctx, fedUpstreamsGVR, "petstore")
			g.Expect(err).NotTo(HaveOccurred())
			found := false
			for _, p := range st.Placements {
				if p.Cluster == "west" && p.Namespace == "team-x" {
					found = true
					g.Expect(p.Drifted).To(BeTrue())
					g.Expect(p.Message).To(ContainSubstring("changed in the member; restored"))
					g.Expect(p.State).To(Equal(fedv1alpha1.PlacementPlaced))
				}
			}
			g.Expect(found).To(BeTrue())
		}).WithContext(ctx).WithTimeout(30*time.Second).Should(Succeed(), "the status reports the drift")
		out, err := metricsOf(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(MatchRegexp(`meridian_placement_drift_restored_total\{resource="federatedupstreams"\} [1-9]`))
		// The controller follows what it placed through the views API's
		// informers, not by reading the members again on every reconcile.
		Expect(out).To(MatchRegexp(`meridian_placement_placed_object_reads_total\{source="views"\} [1-9]`))
	}, SpecTimeout(3*time.Minute))

	It("deletes everything it placed; with a member stopped the deletion still completes, and the leftover goes when the member is back", func(ctx SpecContext) {
		env.Member("west").Stop()
		DeferCleanup(func(ctx SpecContext) {
			if !env.Member("west").Running() {
				Expect(env.Member("west").Start(ctx)).To(Succeed())
			}
		})
		// A Gloo object is found again by its owner label; a Secret cannot be
		// (Meridian may not list a member's Secrets): its leftovers are recorded.
		for _, o := range []struct {
			fed, gvr schema.GroupVersionResource
			name     string
		}{{fedVirtualSvcGVR, virtualSvcGVR, "petstore"}, {fedSecretsGVR, secretsGVR, "petstore-tls"}} {
			Expect(mgmt.Resource(o.fed).Namespace("fed-demo").Delete(ctx, o.name, metav1.DeleteOptions{})).To(Succeed())
			Eventually(func() bool {
				_, err := mgmt.Resource(o.fed).Namespace("fed-demo").Get(ctx, o.name, metav1.GetOptions{})
				return apierrors.IsNotFound(err)
			}).WithContext(ctx).WithTimeout(time.Minute).Should(BeTrue(), "an unreachable member does not block the deletion of %s", o.fed.Resource)
			for _, ns := range placementNS {
				_, err := member("east").Resource(o.gvr).Namespace(ns).Get(ctx, o.name, metav1.GetOptions{})
				Expect(apierrors.IsNotFound(err)).To(BeTrue(), "east/%s: %v", ns, err)
			}
		}
		leftovers := func(ctx context.Context) (map[string]string, error) {
			// One record per deleted FederatedSecret, found by its label.
			cms, err := kubernetes.NewForConfigOrDie(env.Management.RESTConfig()).CoreV1().ConfigMaps("meridian-system").List(ctx, metav1.ListOptions{LabelSelector: placement.LeftoversLabel})
			if err != nil {
				return nil, err
			}
			all := map[string]string{}
			for _, cm := range cms.Items {
				maps.Copy(all, cm.Data)
			}
			return all, nil
		}
		Expect(leftovers(ctx)).To(Equal(map[string]string{
			"west_team-x_petstore-tls": "FederatedSecret/fed-demo/petstore-tls",
			"west_team-y_petstore-tls": "FederatedSecret/fed-demo/petstore-tls",
		}), "the Secrets left in west are recorded")

		Expect(env.Member("west").Start(ctx)).To(Succeed())
		for _, ns := range placementNS {
			Eventually(func() bool {
				_, e1 := member("west").Resource(virtualSvcGVR).Namespace(ns).Get(ctx, "petstore", metav1.GetOptions{})
				_, e2 := member("west").Resource(secretsGVR).Namespace(ns).Get(ctx, "petstore-tls", metav1.GetOptions{})
				return apierrors.IsNotFound(e1) && apierrors.IsNotFound(e2)
			}).WithContext(ctx).WithTimeout(2*time.Minute).Should(BeTrue(), "the leftovers in west/%s are swept once west is back", ns)
		}
		Eventually(leftovers).WithContext(ctx).WithTimeout(30*time.Second).Should(BeEmpty(), "and struck from the record")

		Expect(mgmt.Resource(fedUpstreamsGVR).Namespace("fed-demo").Delete(ctx, "petstore", metav1.DeleteOptions{})).To(Succeed())
		for _, c := range placementClusters {
			for _, ns := range placementNS {
				Eventually(func() bool {
					_, err := member(c).Resource(upstreamsGVR).Namespace(ns).Get(ctx, "petstore", metav1.GetOptions{})
					return apierrors.IsNotFound(err)
				}).WithContext(ctx).WithTimeout(time.Minute).Should(BeTrue(), "%s/%s emptied", c, ns)
			}
		}
	}, SpecTimeout(5*time.Minute))
})

// metricsOf reads the /metrics of the leading controller replica.
func metricsOf(ctx context.Context) (string, error) {
	for _, r := range meridian.Controllers() {
		if !r.Running() {
			continue
		}
		if ready, _ := httpGet(ctx, "http://"+r.Health+"/readyz"); strings.Contains(ready, "(leader)") {
			out, err := httpGet(ctx, "http://"+r.Metrics+"/metrics")
			return strings.TrimSpace(out), err
		}
	}
	return "", fmt.Errorf("no controller replica leads")
}

func runtimeConvert(raw map[string]any, into any) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(raw, into)
}

func httpGet(ctx context.Context, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), err
}

var _ = Describe("Placement RBAC at admission (ValidatingAdmissionPolicy, plain RBAC)", func() {
	It("lets a user place only where RBAC says, with a clear denial, and kubectl auth can-i agrees", func(ctx SpecContext) {
		cfg := env.Management.RESTConfig()
		kube := kubernetes.NewForConfigOrDie(cfg)
		for _, ns := range []string{"fed-rbac", "team-a"} {
			_, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
			if !apierrors.IsAlreadyExists(err) {
				Expect(err).NotTo(HaveOccurred())
			}
		}
		// carol keeps federated objects in fed-rbac, and may place into
		// namespace team-a of cluster east only.
		_, err := kube.RbacV1().Roles("fed-rbac").Create(ctx, &rbacv1.Role{
			ObjectMeta: metav1.ObjectMeta{Name: "fed-editor"},
			Rules:      []rbacv1.PolicyRule{{APIGroups: []string{"fed.meridian.io"}, Resources: []string{"federatedupstreams"}, Verbs: []string{"get", "create", "update"}}},
		}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		_, err = kube.RbacV1().RoleBindings("fed-rbac").Create(ctx, &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "carol"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "fed-editor"},
			Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "carol"}},
		}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		_, err = kube.RbacV1().Roles("team-a").Create(ctx, &rbacv1.Role{
			ObjectMeta: metav1.ObjectMeta{Name: "place-east"},
			Rules:      []rbacv1.PolicyRule{{APIGroups: []string{"fed.meridian.io"}, Resources: []string{"kubernetesclusters"}, ResourceNames: []string{"east"}, Verbs: []string{"place"}}},
		}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		_, err = kube.RbacV1().RoleBindings("team-a").Create(ctx, &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "carol-place-east"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "place-east"},
			Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "carol"}},
		}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())

		asCarol := rest.CopyConfig(cfg)
		asCarol.Impersonate = rest.ImpersonationConfig{UserName: "carol"}
		carol := dynamic.NewForConfigOrDie(asCarol).Resource(fedUpstreamsGVR).Namespace("fed-rbac")
		upstream := func(name string, clusters ...string) *unstructured.Unstructured {
			u := federatedObject("FederatedUpstream", name, map[string]any{
				"template":  map[string]any{"spec": map[string]any{"kube": map[string]any{"serviceName": "svc", "serviceNamespace": "team-a", "servicePort": int64(80)}}},
				"placement": placementOf(clusters, []string{"team-a"}),
			}, nil, nil)
			u.SetNamespace("fed-rbac")
			return u
		}
		dryRun := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}
		// The policy takes a moment to be loaded after install.
		Eventually(func() error {
			_, err := carol.Create(ctx, upstream("to-west", "west"), dryRun)
			return err
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(MatchError(ContainSubstring("carol may not place into cluster west, namespace team-a")))
		_, err = carol.Create(ctx, upstream("to-east", "east"), dryRun)
		Expect(err).NotTo(HaveOccurred(), "east/team-a is allowed")
		_, err = carol.Create(ctx, upstream("everywhere", "*"), dryRun)
		Expect(err).To(MatchError(ContainSubstring("may not place into cluster *, namespace team-a")), "every cluster needs a grant without resource names")
		_, err = carol.Create(ctx, upstream("both", "east", "west"), dryRun)
		Expect(apierrors.IsForbidden(err) || apierrors.IsInvalid(err)).To(BeTrue(), "one denied target denies the object: %v", err)

		for cluster, want := range map[string]string{"east": "yes", "west": "no"} {
			out, _ := kubectl(ctx, env.Management.Kubeconfig, "auth", "can-i", "place", "kubernetesclusters.fed.meridian.io/"+cluster, "-n", "team-a", "--as", "carol")
			lines := strings.Split(strings.TrimSpace(out), "\n")
			Expect(lines[len(lines)-1]).To(Equal(want), "kubectl auth can-i place %s: %s", cluster, out)
		}
	})
})

// grantPlaceInEveryNamespace lets user place into every namespace of the
// named clusters (a ClusterRoleBinding with resourceNames), until the spec
// ends: each such target is allowed, but not "every cluster in every
// namespace", which the admission policies ask for beyond 20 targets.
// grantInNamespace lets user do what rules say in namespace ns of the
// management cluster (a Role and a RoleBinding, both named after the
// user), until the spec ends.
func grantInNamespace(ctx context.Context, ns, user string, rules ...rbacv1.PolicyRule) {
	kube := kubernetes.NewForConfigOrDie(env.Management.RESTConfig())
	name := "e2e-" + user
	_, err := kube.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred())
	_, err = kube.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: user}},
	}, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func(ctx SpecContext) {
		Expect(kube.RbacV1().RoleBindings(ns).Delete(ctx, name, metav1.DeleteOptions{})).To(Succeed())
		Expect(kube.RbacV1().Roles(ns).Delete(ctx, name, metav1.DeleteOptions{})).To(Succeed())
	})
}

func grantPlaceInEveryNamespace(ctx context.Context, user string, clusters ...string) {
	kube := kubernetes.NewForConfigOrDie(env.Management.RESTConfig())
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "e2e-" + user + "-place-by-name"},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{"fed.meridian.io"}, Resources: []string{"kubernetesclusters"}, ResourceNames: clusters, Verbs: []string{"place"}}},
	}
	_, err := kube.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred())
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: role.Name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: user}},
	}
	_, err = kube.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func(ctx SpecContext) {
		Expect(kube.RbacV1().ClusterRoleBindings().Delete(ctx, binding.Name, metav1.DeleteOptions{})).To(Succeed())
		Expect(kube.RbacV1().ClusterRoles().Delete(ctx, role.Name, metav1.DeleteOptions{})).To(Succeed())
	})
}

// tenantNamespaces is n namespace names, tenant-00 onwards.
func tenantNamespaces(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("tenant-%02d", i)
	}
	return out
}

var _ = Describe("Placement RBAC beyond what admission checks one by one", func() {
	It("checks each of 20 targets by name, and asks for the grant everywhere beyond 20", func(ctx SpecContext) {
		cfg := env.Management.RESTConfig()
		kube := kubernetes.NewForConfigOrDie(cfg)
		_, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "fed-many"}}, metav1.CreateOptions{})
		if !apierrors.IsAlreadyExists(err) {
			Expect(err).NotTo(HaveOccurred())
		}
		// frank keeps federated objects in fed-many and may place into
		// every namespace of east, west and central, by name.
		grantInNamespace(ctx, "fed-many", "frank", rbacv1.PolicyRule{APIGroups: []string{"fed.meridian.io"}, Resources: []string{"federatedupstreams"}, Verbs: []string{"create"}})
		grantPlaceInEveryNamespace(ctx, "frank", "east", "west", "central")

		asFrank := rest.CopyConfig(cfg)
		asFrank.Impersonate = rest.ImpersonationConfig{UserName: "frank"}
		frank := dynamic.NewForConfigOrDie(asFrank).Resource(fedUpstreamsGVR).Namespace("fed-many")
		upstream := func(clusters, namespaces []string) *unstructured.Unstructured {
			u := federatedObject("FederatedUpstream", "many", map[string]any{
				"template":  map[string]any{"spec": map[string]any{"kube": map[string]any{"serviceName": "svc", "serviceNamespace": "team-a", "servicePort": int64(80)}}},
				"placement": placementOf(clusters, namespaces),
			}, nil, nil)
			u.SetNamespace("fed-many")
			return u
		}
		dryRun := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}
		three := []string{"east", "west", "central"}
		Eventually(func() error {
			_, err := frank.Create(ctx, upstream(three, tenantNamespaces(6)), dryRun)
			return err
		}).WithContext(ctx).WithTimeout(30*time.Second).Should(Succeed(), "18 targets, each allowed by name")
		// Targets run cluster by cluster: north's are the 16th to 20th.
		_, err = frank.Create(ctx, upstream(append(three, "north"), tenantNamespaces(5)), dryRun)
		Expect(err).To(MatchError(ContainSubstring("frank may not place into cluster north, namespace tenant-00")), "the last checks are real checks")
		_, err = frank.Create(ctx, upstream(three, tenantNamespaces(7)), dryRun)
		Expect(err).To(MatchError(ContainSubstring(
			`frank may not place into 21 targets: beyond 20, a placement needs verb "place" on every fed.meridian.io kubernetescluster in every namespace`)))
	})
})

var _ = Describe("Controller HA: the leader killed mid-reconcile", func() {
	It("the stand-by replica takes over and finishes: everything placed once, nothing orphaned", func(ctx SpecContext) {
		Expect(meridian.RunController(ctx, env, meridianOptions)).To(Succeed(), "a second replica, as the Deployment runs")
		roleOf := func(r devenv.ControllerReplica) string {
			out, err := httpGet(ctx, "http://"+r.Health+"/readyz")
			if err != nil {
				return "down"
			}
			switch {
			case strings.Contains(out, "(leader)"):
				return "leader"
			case strings.Contains(out, "(stand-by)"):
				return "stand-by"
			}
			return "not ready"
		}
		var leader, standby devenv.ControllerReplica
		Eventually(func(g Gomega) {
			var roles []string
			for _, r := range meridian.Controllers() {
				if !r.Running() {
					continue
				}
				role := roleOf(r)
				roles = append(roles, role)
				if role == "leader" {
					leader = r
				} else if role == "stand-by" {
					standby = r
				}
			}
			g.Expect(roles).To(ConsistOf("leader", "stand-by"))
		}).WithContext(ctx).WithTimeout(time.Minute).Should(Succeed())

		mgmt := dynamic.NewForConfigOrDie(env.Management.RESTConfig())
		kube := kubernetes.NewForConfigOrDie(env.Management.RESTConfig())
		_, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "fed-ha"}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		for _, c := range placementClusters {
			_, err := kubernetes.NewForConfigOrDie(env.Member(c).RESTConfig()).CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ha"}}, metav1.CreateOptions{})
			Expect(err).NotTo(HaveOccurred())
		}
		const n = 40
		for i := range n {
			u := federatedObject("FederatedUpstream", fmt.Sprintf("ha-%02d", i), map[string]any{
				"template":  map[string]any{"spec": map[string]any{"kube": map[string]any{"serviceName": fmt.Sprintf("ha-%02d", i), "serviceNamespace": "ha", "servicePort": int64(80)}}},
				"placement": placementOf(placementClusters, []string{"ha"}),
			}, nil, nil)
			u.SetNamespace("fed-ha")
			_, err := mgmt.Resource(fedUpstreamsGVR).Namespace("fed-ha").Create(ctx, u, metav1.CreateOptions{})
			Expect(err).NotTo(HaveOccurred())
			if i == n/4 {
				leader.Kill() // while it works through the queue
			}
		}
		Expect(leader.Running()).To(BeFalse())
		Eventually(func(g Gomega) {
			list, err := mgmt.Resource(fedUpstreamsGVR).Namespace("fed-ha").List(ctx, metav1.ListOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(list.Items).To(HaveLen(n))
			for _, u := range list.Items {
				placed, _, _ := unstructured.NestedString(u.Object, "status", "placed")
				g.Expect(placed).To(Equal("2/2"), "%s", u.GetName())
			}
		}).WithContext(ctx).WithTimeout(2*time.Minute).WithPolling(time.Second).Should(Succeed(), "the other replica finishes")
		Expect(roleOf(standby)).To(Equal("leader"))
		for _, c := range placementClusters {
			list, err := dynamic.NewForConfigOrDie(env.Member(c).RESTConfig()).Resource(upstreamsGVR).Namespace("ha").List(ctx, metav1.ListOptions{})
			Expect(err).NotTo(HaveOccurred())
			Expect(list.Items).To(HaveLen(n), "%s holds each placed Upstream once", c)
		}

		Expect(mgmt.Resource(fedUpstreamsGVR).Namespace("fed-ha").DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})).To(Succeed())
		for _, c := range placementClusters {
			Eventually(func() int {
				list, err := dynamic.NewForConfigOrDie(env.Member(c).RESTConfig()).Resource(upstreamsGVR).Namespace("ha").List(ctx, metav1.ListOptions{})
				if err != nil {
					return -1
				}
				return len(list.Items)
			}).WithContext(ctx).WithTimeout(time.Minute).Should(BeZero(), "nothing orphaned in %s", c)
		}
	}, SpecTimeout(5*time.Minute))
})

var _ = Describe("Placement isolation: a member that hangs", func() {
	It("holds up no other member: the others are placed and reported while its targets say Pending; it is placed once it answers", func(ctx SpecContext) {
		mgmt := dynamic.NewForConfigOrDie(env.Management.RESTConfig())
		_, err := kubernetes.NewForConfigOrDie(env.Management.RESTConfig()).CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "fed-iso"}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		for _, c := range placementClusters {
			_, err := kubernetes.NewForConfigOrDie(env.Member(c).RESTConfig()).CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "iso"}}, metav1.CreateOptions{})
			Expect(err).NotTo(HaveOccurred())
		}
		west := env.Member("west")
		Expect(west.Pause()).To(Succeed()) // SIGSTOP: connections open, no answer
		resumed := false
		DeferCleanup(func() {
			if !resumed {
				Expect(west.Resume()).To(Succeed())
			}
		})
		u := federatedObject("FederatedUpstream", "iso", map[string]any{
			"template":  map[string]any{"spec": map[string]any{"kube": map[string]any{"serviceName": "iso", "serviceNamespace": "iso", "servicePort": int64(80)}}},
			"placement": placementOf(placementClusters, []string{"iso"}),
		}, nil, nil)
		u.SetNamespace("fed-iso")
		fed := mgmt.Resource(fedUpstreamsGVR).Namespace("fed-iso")
		_, err = fed.Create(ctx, u, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		statesOf := func(g Gomega) map[string]fedv1alpha1.PlacementState {
			got, err := fed.Get(ctx, "iso", metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			var st fedv1alpha1.FederatedStatus
			if raw, ok := got.Object["status"].(map[string]any); ok {
				g.Expect(runtimeConvert(raw, &st)).To(Succeed())
			}
			out := map[string]fedv1alpha1.PlacementState{}
			for _, p := range st.Placements {
				out[p.Cluster] = p.State
			}
			return out
		}
		// While west's request waits (up to --member-timeout), east is
		// already placed and reported: its status is not held back.
		Eventually(func(g Gomega) {
			g.Expect(statesOf(g)).To(Equal(map[string]fedv1alpha1.PlacementState{"east": fedv1alpha1.PlacementPlaced, "west": fedv1alpha1.PlacementPending}))
		}).WithContext(ctx).WithTimeout(time.Minute).WithPolling(200*time.Millisecond).Should(Succeed(), "east placed and reported while west hangs")
		_, err = member(env, "east").Resource(upstreamsGVR).Namespace("iso").Get(ctx, "iso", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())

		Expect(west.Resume()).To(Succeed())
		resumed = true
		Eventually(func(g Gomega) {
			g.Expect(statesOf(g)).To(Equal(map[string]fedv1alpha1.PlacementState{"east": fedv1alpha1.PlacementPlaced, "west": fedv1alpha1.PlacementPlaced}))
		}).WithContext(ctx).WithTimeout(2*time.Minute).Should(Succeed(), "west placed once it answers (its failed target retried)")
		Expect(fed.Delete(ctx, "iso", metav1.DeleteOptions{})).To(Succeed())
		Eventually(func() bool {
			_, err := fed.Get(ctx, "iso", metav1.GetOptions{})
			return apierrors.IsNotFound(err)
		}).WithContext(ctx).WithTimeout(time.Minute).Should(BeTrue())
	}, SpecTimeout(5*time.Minute))
})

// member is a dynamic client of a member, as its admin.
func member(env *devenv.Environment, name string) dynamic.Interface {
	return dynamic.NewForConfigOrDie(env.Member(name).RESTConfig())
}

var _ = Describe("Placement removal whatever the target's state", func() {
	It("removes the copy of a target that turned Invalid once it is no longer targeted, and a Secret's once its placement cannot be read and it is deleted", func(ctx SpecContext) {
		mgmt := dynamic.NewForConfigOrDie(env.Management.RESTConfig())
		_, err := kubernetes.NewForConfigOrDie(env.Management.RESTConfig()).CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "fed-leak"}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		for _, c := range placementClusters {
			_, err := kubernetes.NewForConfigOrDie(env.Member(c).RESTConfig()).CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "leak"}}, metav1.CreateOptions{})
			Expect(err).NotTo(HaveOccurred())
		}
		fedObj := func(gvr schema.GroupVersionResource) dynamic.ResourceInterface {
			return mgmt.Resource(gvr).Namespace("fed-leak")
		}
		stateIn := func(gvr schema.GroupVersionResource, name, cluster string) func(g Gomega) fedv1alpha1.PlacementState {
			return func(g Gomega) fedv1alpha1.PlacementState {
				u, err := fedObj(gvr).Get(ctx, name, metav1.GetOptions{})
				g.Expect(err).NotTo(HaveOccurred())
				var st fedv1alpha1.FederatedStatus
				if raw, ok := u.Object["status"].(map[string]any); ok {
					g.Expect(runtimeConvert(raw, &st)).To(Succeed())
				}
				for _, p := range st.Placements {
					if p.Cluster == cluster {
						return p.State
					}
				}
				return ""
			}
		}
		edit := func(gvr schema.GroupVersionResource, name string, change func(u *unstructured.Unstructured)) {
			Eventually(func() error {
				u, err := fedObj(gvr).Get(ctx, name, metav1.GetOptions{})
				if err != nil {
					return err
				}
				change(u)
				_, err = fedObj(gvr).Update(ctx, u, metav1.UpdateOptions{})
				return err
			}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())
		}
		goneFrom := func(gvr schema.GroupVersionResource, cluster, name string) func() bool {
			ns := "leak"
			if gvr == secretsGVR {
				ns = "meridian-secrets" // where the members let Meridian write Secrets (secretNamespaces)
			}
			return func() bool {
				_, err := member(env, cluster).Resource(gvr).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
				return apierrors.IsNotFound(err)
			}
		}

		By("an Upstream whose west target turns Invalid, then leaves the placement")
		up := federatedObject("FederatedUpstream", "leak", map[string]any{
			"template":  map[string]any{"spec": map[string]any{"kube": map[string]any{"serviceName": "leak", "serviceNamespace": "leak", "servicePort": int64(80)}}},
			"placement": placementOf(placementClusters, []string{"leak"}),
		}, nil, nil)
		up.SetNamespace("fed-leak")
		_, err = fedObj(fedUpstreamsGVR).Create(ctx, up, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		Eventually(stateIn(fedUpstreamsGVR, "leak", "west")).WithContext(ctx).WithTimeout(time.Minute).Should(Equal(fedv1alpha1.PlacementPlaced))
		edit(fedUpstreamsGVR, "leak", func(u *unstructured.Unstructured) {
			_ = unstructured.SetNestedSlice(u.Object, []any{map[string]any{"clusterName": "west", "patches": []any{
				map[string]any{"op": "add", "path": "/spec/bogusField", "value": "x"},
			}}}, "spec", "overrides")
		})
		Eventually(stateIn(fedUpstreamsGVR, "leak", "west")).WithContext(ctx).WithTimeout(time.Minute).Should(Equal(fedv1alpha1.PlacementInvalid))
		Expect(goneFrom(upstreamsGVR, "west", "leak")()).To(BeFalse(), "west keeps the copy placed before")
		edit(fedUpstreamsGVR, "leak", func(u *unstructured.Unstructured) {
			_ = unstructured.SetNestedStringSlice(u.Object, []string{"east"}, "spec", "placement", "clusters")
		})
		Eventually(goneFrom(upstreamsGVR, "west", "leak")).WithContext(ctx).WithTimeout(time.Minute).Should(BeTrue(), "west's copy removed once west is no longer targeted")
		Expect(goneFrom(upstreamsGVR, "east", "leak")()).To(BeFalse(), "east's stays")

		By("a Secret whose placement can no longer be read, then deleted")
		sec := federatedObject("FederatedSecret", "leak-tls", map[string]any{
			"template":  map[string]any{"type": "Opaque", "stringData": map[string]any{"k": "v"}},
			"placement": placementOf(placementClusters, []string{"meridian-secrets"}),
		}, nil, nil)
		sec.SetNamespace("fed-leak")
		_, err = fedObj(fedSecretsGVR).Create(ctx, sec, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		for _, c := range placementClusters {
			Eventually(stateIn(fedSecretsGVR, "leak-tls", c)).WithContext(ctx).WithTimeout(time.Minute).Should(Equal(fedv1alpha1.PlacementPlaced))
		}
		edit(fedSecretsGVR, "leak-tls", func(u *unstructured.Unstructured) {
			_ = unstructured.SetNestedField(u.Object, map[string]any{"matchExpressions": []any{map[string]any{"key": "region", "operator": "NotAnOperator"}}}, "spec", "placement", "clusterSelector")
		})
		Eventually(func(g Gomega) string {
			u, err := fedObj(fedSecretsGVR).Get(ctx, "leak-tls", metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
			for _, c := range conds {
				if m, _ := c.(map[string]any); m["type"] == "Ready" {
					return fmt.Sprint(m["reason"])
				}
			}
			return ""
		}).WithContext(ctx).WithTimeout(time.Minute).Should(Equal("Invalid"))
		Expect(fedObj(fedSecretsGVR).Delete(ctx, "leak-tls", metav1.DeleteOptions{})).To(Succeed())
		for _, c := range placementClusters {
			Eventually(goneFrom(secretsGVR, c, "leak-tls")).WithContext(ctx).WithTimeout(time.Minute).Should(BeTrue(), "the Secret placed in %s is removed", c)
		}
		Expect(fedObj(fedUpstreamsGVR).Delete(ctx, "leak", metav1.DeleteOptions{})).To(Succeed())
		Eventually(goneFrom(upstreamsGVR, "east", "leak")).WithContext(ctx).WithTimeout(time.Minute).Should(BeTrue())
	}, SpecTimeout(5*time.Minute))
})

var _ = Describe("Placement ownership under a race", func() {
	It("never adopts or overwrites an object someone else keeps recreating while Meridian places", func(ctx SpecContext) {
		mgmt := dynamic.NewForConfigOrDie(env.Management.RESTConfig())
		_, err := kubernetes.NewForConfigOrDie(env.Management.RESTConfig()).CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "fed-race"}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		_, err = kubernetes.NewForConfigOrDie(env.Member("west").RESTConfig()).CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "race"}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		west := member(env, "west").Resource(upstreamsGVR).Namespace("race")
		fed := mgmt.Resource(fedUpstreamsGVR).Namespace("fed-race")
		u := federatedObject("FederatedUpstream", "raced", map[string]any{
			"template":  map[string]any{"spec": map[string]any{"kube": map[string]any{"serviceName": "raced", "serviceNamespace": "race", "servicePort": int64(1)}}},
			"placement": placementOf([]string{"west"}, []string{"race"}),
		}, nil, nil)
		u.SetNamespace("fed-race")
		_, err = fed.Create(ctx, u, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() error {
			_, err := west.Get(ctx, "raced", metav1.GetOptions{})
			return err
		}).WithContext(ctx).WithTimeout(time.Minute).Should(Succeed())

		foreign := map[string]any{"static": map[string]any{"hosts": []any{map[string]any{"addr": "10.9.9.9", "port": int64(9)}}}}
		loop, stop := context.WithTimeout(ctx, 20*time.Second)
		defer stop()
		// Meridian keeps writing: a new template every 100ms.
		go func() {
			defer GinkgoRecover()
			for port := int64(2); loop.Err() == nil; port++ {
				cur, err := fed.Get(loop, "raced", metav1.GetOptions{})
				if err == nil {
					_ = unstructured.SetNestedField(cur.Object, port, "spec", "template", "spec", "kube", "servicePort")
					_, _ = fed.Update(loop, cur, metav1.UpdateOptions{})
				}
				time.Sleep(100 * time.Millisecond)
			}
		}()
		// Someone else keeps deleting whatever is there and creating their
		// own object of that name; each of theirs must stay as they made it.
		var rounds, meridians, adopted int
		for loop.Err() == nil {
			if cur, err := west.Get(loop, "raced", metav1.GetOptions{}); err == nil {
				if cur.GetAnnotations()[placement.OwnerAnnotation] != "" {
					meridians++
				}
				uid := cur.GetUID()
				_ = west.Delete(loop, "raced", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
			}
			mine := &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": "gloo.solo.io/v1", "kind": "Upstream",
				"metadata": map[string]any{"name": "raced", "namespace": "race"},
				"spec":     foreign,
			}}
			created, err := west.Create(loop, mine, metav1.CreateOptions{})
			if err != nil {
				continue // Meridian's came first: delete it again
			}
			rounds++
			time.Sleep(30 * time.Millisecond)
			if cur, err := west.Get(loop, "raced", metav1.GetOptions{}); err == nil && cur.GetUID() == created.GetUID() {
				if cur.GetAnnotations()[placement.OwnerAnnotation] != "" || !equalJSON(cur.Object["spec"], foreign) {
					adopted++
				}
			}
			time.Sleep(30 * time.Millisecond)
		}
		AddReportEntry("race rounds", fmt.Sprintf("%d foreign objects created, %d of Meridian's copies seen in between, %d adopted or overwritten", rounds, meridians, adopted))
		Expect(adopted).To(BeZero(), "an object Meridian did not create was adopted or overwritten")
		Expect(rounds).To(BeNumerically(">", 10))
		Expect(meridians).To(BeNumerically(">", 0), "Meridian placed between the rounds (the race was run)")

		// Theirs is left; once it is gone, Meridian's is placed.
		Eventually(func() error {
			if cur, err := west.Get(ctx, "raced", metav1.GetOptions{}); err == nil {
				if cur.GetAnnotations()[placement.OwnerAnnotation] == "" {
					return nil
				}
				uid := cur.GetUID()
				_ = west.Delete(ctx, "raced", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
			}
			_, err := west.Create(ctx, &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": "gloo.solo.io/v1", "kind": "Upstream",
				"metadata": map[string]any{"name": "raced", "namespace": "race"}, "spec": foreign,
			}}, metav1.CreateOptions{})
			return err
		}).WithContext(ctx).WithTimeout(30*time.Second).Should(Succeed(), "one of theirs in place")
		Eventually(func(g Gomega) {
			got, err := fed.Get(ctx, "raced", metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			msg, _, _ := unstructured.NestedSlice(got.Object, "status", "placements")
			g.Expect(fmt.Sprint(msg)).To(ContainSubstring("Meridian did not create"))
		}).WithContext(ctx).WithTimeout(time.Minute).Should(Succeed(), "west says the object in its way is not Meridian's")
		Expect(west.Delete(ctx, "raced", metav1.DeleteOptions{})).To(Succeed())
		Eventually(func(g Gomega) {
			cur, err := west.Get(ctx, "raced", metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(cur.GetAnnotations()).To(HaveKeyWithValue(placement.OwnerAnnotation, "FederatedUpstream/fed-race/raced"))
		}).WithContext(ctx).WithTimeout(time.Minute).Should(Succeed(), "placed once the other object is gone")
		Expect(fed.Delete(ctx, "raced", metav1.DeleteOptions{})).To(Succeed())
	}, SpecTimeout(4*time.Minute))
})

func equalJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
