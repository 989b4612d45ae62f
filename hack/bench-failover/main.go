// Command bench-failover measures how fast a FailoverScheme follows its
// targets, on the real environment: three members with the demo's Gloo
// installations, a scheme with its primary in the first and a priority
// group in each of the others. Each round moves the second member's
// failover gateway (its proxy Service's load-balancer address) and times,
// side by side, a plain watch on that Service in the member (the physical
// limit: the member telling a client of the change) and the primary
// Upstream in the first member carrying the new address in its
// spec.failover (discovery, the views, the controller, the write). make
// bench appends its report to docs/benchmarks.md.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/devenv"
	"github.com/meridianfed/meridian/pkg/devenv/glooinstall"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
)

var upstreams = schema.GroupVersionResource{Group: "gloo.solo.io", Version: "v1", Resource: "upstreams"}

func main() {
	rounds := flag.Int("rounds", 40, "times the target's gateway is moved")
	apiserver := flag.String("apiserver", "bin/meridian-apiserver", "meridian-apiserver binary")
	controller := flag.String("controller", "bin/meridian-controller", "meridian-controller binary")
	flag.Parse()
	if err := run(*rounds, devenv.MeridianOptions{APIServer: *apiserver, Controller: *controller}); err != nil {
		fmt.Fprintln(os.Stderr, "bench-failover:", err)
		os.Exit(1)
	}
}

func run(rounds int, opts devenv.MeridianOptions) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "meridian-bench-failover-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	names := []string{"east", "west", "central"}
	env, err := devenv.Start(ctx, devenv.Options{Dir: dir, Members: names, Progress: os.Stderr, ReadyTimeout: 3 * time.Minute, SecretNamespaces: []string{"gloo-system"}})
	if err != nil {
		return err
	}
	defer env.Stop()
	env.StopWhenOrphaned()
	crds, err := glooinstall.CRDDocuments()
	if err != nil {
		return err
	}
	for i, m := range env.Members {
		in := glooinstall.ForMember(m.Name, i)
		if err := devenv.InstallCRDs(ctx, m.RESTConfig(), crds...); err != nil {
			return err
		}
		if err := glooinstall.Install(ctx, m.RESTConfig(), in); err != nil {
			return err
		}
		if err := glooinstall.RunStandIn(ctx, m.RESTConfig(), glooinstall.StandInOptions{Namespace: in.Namespace, Logf: func(string, ...any) {}}); err != nil {
			return err
		}
	}
	if _, err := env.StartMeridian(ctx, opts); err != nil {
		return err
	}
	if err := env.RegisterMembers(ctx); err != nil {
		return err
	}
	if err := env.WaitClustersReady(ctx, 2*time.Minute); err != nil {
		return err
	}

	healthChecks := []any{map[string]any{"timeout": "1s", "interval": "1s", "unhealthyThreshold": int64(1), "healthyThreshold": int64(1), "httpHealthCheck": map[string]any{"path": "/"}}}
	for cluster, name := range map[string]string{"east": "blue", "west": "green", "central": "red"} {
		spec := map[string]any{"kube": map[string]any{"serviceName": name, "serviceNamespace": "team-a", "servicePort": int64(8080)}}
		if cluster == "east" {
			spec["healthChecks"] = healthChecks
		}
		u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "gloo.solo.io/v1", "kind": "Upstream",
			"metadata": map[string]any{"name": name, "namespace": "team-a"}, "spec": spec}}
		if _, err := dynamic.NewForConfigOrDie(env.Member(cluster).RESTConfig()).Resource(upstreams).Namespace("team-a").Create(ctx, u, metav1.CreateOptions{}); err != nil {
			return err
		}
	}
	mgmt := kubernetes.NewForConfigOrDie(env.Management.RESTConfig())
	if _, err := mgmt.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "bench-failover"}}, metav1.CreateOptions{}); err != nil {
		return err
	}
	meridian := meridianclient.NewForConfigOrDie(env.Management.RESTConfig())
	scheme := &fedv1alpha1.FailoverScheme{
		ObjectMeta: metav1.ObjectMeta{Name: "blue", Namespace: "bench-failover"},
		Spec: fedv1alpha1.FailoverSchemeSpec{
			Primary: fedv1alpha1.FailoverPrimary{ClusterName: "east", Namespace: "team-a", Name: "blue"},
			FailoverGroups: []fedv1alpha1.FailoverGroup{
				{PriorityGroup: []fedv1alpha1.FailoverTarget{{Cluster: "west", Upstreams: []fedv1alpha1.UpstreamRef{{Namespace: "team-a", Name: "green"}}}}},
				{PriorityGroup: []fedv1alpha1.FailoverTarget{{Cluster: "central", Upstreams: []fedv1alpha1.UpstreamRef{{Namespace: "team-a", Name: "red"}}}}},
			},
		},
	}
	if _, err := meridian.FedV1alpha1().FailoverSchemes("bench-failover").Create(ctx, scheme, metav1.CreateOptions{}); err != nil {
		return err
	}
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		s, err := meridian.FedV1alpha1().FailoverSchemes("bench-failover").Get(ctx, "blue", metav1.GetOptions{})
		if err == nil && s.Status.State == fedv1alpha1.FailoverAccepted {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the scheme was not Accepted within 2 minutes: %+v", s.Status)
		}
	}
	fmt.Fprintln(os.Stderr, "scheme Accepted; moving west's failover gateway")

	west := kubernetes.NewForConfigOrDie(env.Member("west").RESTConfig()).CoreV1().Services("gloo-system")
	primary := dynamic.NewForConfigOrDie(env.Member("east").RESTConfig()).Resource(upstreams).Namespace("team-a")
	var limit, meridianTimes []time.Duration
	for i := range rounds {
		addr := fmt.Sprintf("198.51.100.%d", 100+i%100)
		l, m, err := round(ctx, west, primary, addr)
		if err != nil {
			return fmt.Errorf("round %d: %w", i+1, err)
		}
		limit, meridianTimes = append(limit, l), append(meridianTimes, m)
	}
	fmt.Printf("\n## Failover: reaction to a target's gateway moving (%s)\n\n", time.Now().UTC().Format("2006-01-02"))
	fmt.Printf("Command: `make bench` (`go run ./hack/bench-failover --rounds %d`): three members with the demo's Gloo installations, one FailoverScheme (primary in east, priorities west and central); each round moves west's failover gateway (its proxy Service's load-balancer address).\n\n", rounds)
	fmt.Printf("| measurement | p50 | p99 | max | target |\n|---|---|---|---|---|\n")
	fmt.Printf("| the limit: a plain watch on west's Service sees the new address | %s | %s | %s | |\n", pct(limit, 50), pct(limit, 99), pct(limit, 100))
	fmt.Printf("| Meridian: east's primary Upstream carries the new address in spec.failover | %s | %s | %s | ≤ 5s p99 |\n", pct(meridianTimes, 50), pct(meridianTimes, 99), pct(meridianTimes, 100))
	fmt.Printf("\nRatio of Meridian's p99 to the limit's: %.0f. Meridian's path: the member's watch, discovery's GlooInstance, the views, the controller's informer, synthesis, one read and one server-side apply on east.\n", pct(meridianTimes, 99).Seconds()/max(pct(limit, 99).Seconds(), 1e-6))
	return nil
}

// round moves west's gateway to addr and returns how long a watch on the
// Service and the primary each took to show it.
func round(ctx context.Context, west interface {
	Get(context.Context, string, metav1.GetOptions) (*corev1.Service, error)
	UpdateStatus(context.Context, *corev1.Service, metav1.UpdateOptions) (*corev1.Service, error)
	Watch(context.Context, metav1.ListOptions) (watch.Interface, error)
}, primary dynamic.ResourceInterface, addr string) (time.Duration, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	svc, err := west.Get(ctx, "gateway-proxy", metav1.GetOptions{})
	if err != nil {
		return 0, 0, err
	}
	up, err := primary.Get(ctx, "blue", metav1.GetOptions{})
	if err != nil {
		return 0, 0, err
	}
	sw, err := west.Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=gateway-proxy", ResourceVersion: svc.ResourceVersion})
	if err != nil {
		return 0, 0, err
	}
	defer sw.Stop()
	pw, err := primary.Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=blue", ResourceVersion: up.GetResourceVersion()})
	if err != nil {
		return 0, 0, err
	}
	defer pw.Stop()
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: addr}}
	start := time.Now()
	if _, err := west.UpdateStatus(ctx, svc, metav1.UpdateOptions{}); err != nil {
		return 0, 0, err
	}
	var limit, took time.Duration
	for limit == 0 || took == 0 {
		select {
		case <-ctx.Done():
			return 0, 0, fmt.Errorf("no change seen within a minute (watch %s, primary %s)", limit, took)
		case ev, ok := <-sw.ResultChan():
			if !ok {
				return 0, 0, fmt.Errorf("the Service watch ended")
			}
			if s, isSvc := ev.Object.(*corev1.Service); isSvc && limit == 0 && len(s.Status.LoadBalancer.Ingress) > 0 && s.Status.LoadBalancer.Ingress[0].IP == addr {
				limit = time.Since(start)
			}
		case ev, ok := <-pw.ResultChan():
			if !ok {
				return 0, 0, fmt.Errorf("the primary's watch ended")
			}
			if u, isU := ev.Object.(*unstructured.Unstructured); isU && took == 0 {
				f, _, _ := unstructured.NestedFieldNoCopy(u.Object, "spec", "failover")
				raw, _ := json.Marshal(f)
				if strings.Contains(string(raw), `"address":"`+addr+`"`) {
					took = time.Since(start)
				}
			}
		}
	}
	return limit, took, nil
}

// pct is the p-th percentile of ds (nearest rank), rounded for the table.
func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	i = min(max(i, 1), len(s)) - 1
	return s[i].Round(time.Millisecond)
}
