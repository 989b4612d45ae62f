// Command meridian-demo runs `make demo`: a live local federation on real
// etcd and kube-apiservers (a management cluster with the aggregation layer
// and N members, each with a realistic Gloo Edge installation). It prints what
// to type next, touches <dir>/ready when everything is up, and runs in the
// foreground until Ctrl-C (or SIGTERM), then stops every process it started.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/meridianfed/meridian/pkg/devenv"
	"github.com/meridianfed/meridian/pkg/devenv/glooinstall"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
)

// defaultMemberNames are the members' names, in order; MEMBERS=N takes the first N.
var defaultMemberNames = []string{"east", "west", "central", "north", "south", "asia", "europe", "africa", "oceania", "arctic"}

func main() {
	dir := flag.String("dir", ".demo", "directory for kubeconfigs, logs and data (replaced on start)")
	members := flag.String("members", "2", "number of member clusters (1-10), or a comma-separated list of names")
	apiserver := flag.String("apiserver", "", "path of the meridian-apiserver binary (default: meridian-apiserver beside this binary)")
	controller := flag.String("controller", "", "path of the meridian-controller binary (default: meridian-controller beside this binary)")
	flag.Parse()

	names, err := memberNames(*members)
	if err != nil {
		fmt.Fprintf(os.Stderr, "meridian-demo: %v\n", err)
		os.Exit(2)
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "meridian-demo: %v\n", err)
		os.Exit(2)
	}
	for _, b := range []struct {
		path *string
		name string
	}{{apiserver, "meridian-apiserver"}, {controller, "meridian-controller"}} {
		if *b.path == "" {
			*b.path = filepath.Join(filepath.Dir(exe), b.name)
		}
		if _, err := os.Stat(*b.path); err != nil {
			fmt.Fprintf(os.Stderr, "meridian-demo: %s not found at %s: run `make demo`, which builds it\n", b.name, *b.path)
			os.Exit(2)
		}
	}
	if err := run(*dir, names, devenv.MeridianOptions{APIServer: *apiserver, Controller: *controller}); err != nil {
		fmt.Fprintf(os.Stderr, "meridian-demo: %v\n", err)
		os.Exit(1)
	}
}

func memberNames(spec string) ([]string, error) {
	if n, err := strconv.Atoi(spec); err == nil {
		if n < 1 || n > len(defaultMemberNames) {
			return nil, fmt.Errorf("--members=%d: choose 1 to %d members, or name them (--members=a,b,c)", n, len(defaultMemberNames))
		}
		return defaultMemberNames[:n], nil
	}
	var names []string
	for _, n := range strings.Split(spec, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, errors.New("--members: no member names given")
	}
	return names, nil
}

func run(dir string, members []string, meridian devenv.MeridianOptions) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	readyFile := filepath.Join(dir, "ready")
	_ = os.Remove(readyFile)
	for _, stale := range []string{"kubeconfig"} {
		_ = os.Remove(filepath.Join(dir, stale))
	}

	start := time.Now()
	fmt.Printf("Starting a management cluster and %d member clusters (%s) in %s\n", len(members), strings.Join(members, ", "), dir)
	env, err := devenv.Start(ctx, devenv.Options{Dir: dir, Members: members, Progress: prefixWriter{"  "},
		// FederatedSecrets may place TLS Secrets into Gloo's namespace.
		SecretNamespaces: []string{"gloo-system"}})
	if err != nil {
		return fmt.Errorf("starting the environment: %w", err)
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
			return fmt.Errorf("installing Gloo CRDs into %s: %w", m.Name, err)
		}
		if err := glooinstall.Install(ctx, m.RESTConfig(), in); err != nil {
			return fmt.Errorf("installing Gloo into %s: %w", m.Name, err)
		}
		if err := startStandIn(ctx, env, m, in); err != nil {
			return err
		}
		edition := "Gloo Edge"
		if in.Enterprise {
			edition = "Gloo Edge Enterprise"
		}
		fmt.Printf("  member %-10s %s %s in %s (%s), proxies %d/%d ready\n", m.Name, edition, in.Version, in.Namespace, in.Region, in.ReadyProxyReplicas, in.ProxyReplicas)
	}

	fmt.Println("Starting Meridian's aggregated API server and registering the members")
	if _, err := env.StartMeridian(ctx, meridian); err != nil {
		return fmt.Errorf("starting Meridian: %w", err)
	}
	if err := env.RegisterMembers(ctx); err != nil {
		return err
	}
	if err := waitForInstances(ctx, env, len(members)); err != nil {
		return err
	}
	// Ready means what `meridianctl cluster list` shows: every member
	// reachable, with its version and a last sync.
	if err := env.WaitClustersReady(ctx, time.Minute); err != nil {
		return err
	}

	if err := os.WriteFile(readyFile, []byte(time.Now().Format(time.RFC3339)+"\n"), 0o600); err != nil {
		return err
	}
	printNextSteps(env, time.Since(start))

	<-ctx.Done()
	fmt.Println("\nStopping the demo...")
	_ = os.Remove(readyFile)
	env.Stop()
	fmt.Println("All servers stopped.")
	return nil
}

func printNextSteps(env *devenv.Environment, took time.Duration) {
	first := env.Members[0]
	fmt.Printf(`
Meridian demo is up (%s). In another terminal:

  export KUBECONFIG=%s          # the management cluster
  kubectl get glooinstances -A                       # every Gloo installation in every member
  kubectl get upstreams.views.meridian.io -A -o wide # every Upstream of every member
  kubectl get meridian -A                            # every view
  kubectl get virtualservices.views.meridian.io -A --field-selector cluster=west
  bin/meridianctl cluster list                       # reachability, versions, Gloo instances
  bin/meridianctl check                              # glooctl check across every member
  kubectl apply -f docs/examples/federated-petstore.yaml   # federated config, placed into every member
  kubectl get federatedupstreams,federatedvirtualservices -A

Each member has its own kubeconfig:
`, took.Round(100*time.Millisecond), env.Management.Kubeconfig)
	for _, m := range env.Members {
		fmt.Printf("  kubectl --kubeconfig %s get upstreams.gloo.solo.io -A\n", m.Kubeconfig)
	}
	fmt.Printf(`
  kubectl --kubeconfig %s get deployments,services,pods -n gloo-system
  kubectl --kubeconfig %s get virtualservices.gateway.solo.io -A -o wide

Logs: %s
Press Ctrl-C to stop everything.
`, first.Kubeconfig, first.Kubeconfig, filepath.Join(env.Dir, "logs"))
}

// startStandIn runs the stand-in for Gloo's translation loop in one member
// (Gloo itself cannot run here), logging to logs/<member>-gloo.log.
func startStandIn(ctx context.Context, env *devenv.Environment, m *devenv.Cluster, in glooinstall.Installation) error {
	log, err := os.OpenFile(filepath.Join(env.Dir, "logs", m.Name+"-gloo.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	err = glooinstall.RunStandIn(ctx, m.RESTConfig(), glooinstall.StandInOptions{
		Namespace: in.Namespace,
		Logf: func(format string, args ...any) {
			fmt.Fprintf(log, time.Now().Format(time.RFC3339)+" "+format+"\n", args...)
		},
	})
	if err != nil {
		return fmt.Errorf("starting the Gloo stand-in in %s: %w", m.Name, err)
	}
	return nil
}

// prefixWriter indents the environment's progress lines.
type prefixWriter struct{ prefix string }

func (w prefixWriter) Write(p []byte) (int, error) {
	fmt.Print(w.prefix + string(p))
	return len(p), nil
}

// waitForInstances waits until the views show one GlooInstance per member,
// read through the management cluster's aggregator like any client would.
func waitForInstances(ctx context.Context, env *devenv.Environment, want int) error {
	cfg := env.Management.RESTConfig()
	cfg.WarningHandler = rest.NoWarnings{} // "still being read" is expected here
	client, err := meridianclient.NewForConfig(cfg)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		list, err := client.ViewsV1alpha1().GlooInstances("").List(ctx, metav1.ListOptions{})
		if err == nil && len(list.Items) >= want {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the views did not show %d GlooInstances within a minute (last error: %v); see %s", want, err, filepath.Join(env.Dir, "logs", "meridian-apiserver.log"))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
}
