package app

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/meridianfed/meridian/pkg/dashboard"
	"github.com/meridianfed/meridian/pkg/install"
)

// dashboardOptions are meridianctl dashboard's flags.
type dashboardOptions struct {
	port                int
	address             string
	noBrowser           bool
	auth                string
	inCluster           bool
	namespace           string
	allNamespaces       bool
	federationNamespace string
	healthAddress       string
	headers             dashboard.ProxyHeaders
	impersonateGroups   []string
}

func newDashboardCommand(use string, kube *kubeFlags, s streams) *cobra.Command {
	o := dashboardOptions{}
	cmd := &cobra.Command{
		Use:   "dashboard",
		Short: "Serve the read-only web dashboard, acting with your own credentials",
		Long: `Serve Meridian's read-only dashboard: every cluster, Gloo installation, Gloo object,
federated object and failover scheme you may see, live.

By default it listens on 127.0.0.1 (a free port unless --port), acts with your
kubeconfig's credentials, so it shows exactly what your RBAC lets you see, and
opens your browser at a URL carrying a sign-in token, valid while it runs: a
request without it, or without the cookie it sets, is refused. The token reaches
the browser through a file only you may read, not its command line.

In a cluster (artifacts/dashboard), it acts for the user an authenticating proxy
signed in: --auth=impersonate trusts the proxy's user and group headers and
impersonates that user with its own ServiceAccount; --auth=bearer sends each
request's own bearer token and has no credential of its own. Neither serves a
request that carries no user. See docs/dashboard.md.`,
		Example: ex(use, `
  {cmd} dashboard
  {cmd} dashboard --port 8080 --no-browser
  {cmd} dashboard --namespace team-a`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return o.run(ctx, kube, s)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.port, "port", 0, "Port to listen on, on 127.0.0.1 (0: a free port).")
	f.StringVar(&o.address, "address", "", "host:port (or unix:PATH) to listen on, instead of 127.0.0.1 and --port. With --auth=impersonate: a loopback address or a Unix socket; with --auth=bearer: any.")
	f.BoolVar(&o.noBrowser, "no-browser", false, "Do not open a browser; only print the URL.")
	f.StringVar(&o.auth, "auth", "kubeconfig", "Whose identity the dashboard acts with: kubeconfig (yours), impersonate (the user an authenticating proxy names) or bearer (each request's bearer token).")
	f.BoolVar(&o.inCluster, "in-cluster", false, "Reach the management cluster with the pod's ServiceAccount configuration rather than a kubeconfig.")
	f.StringVarP(&o.namespace, "namespace", "n", "", "The namespace pages show when their URL names none (default: your kubeconfig context's, else all).")
	f.BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "Pages show every namespace when their URL names none.")
	f.StringVar(&o.federationNamespace, "federation-namespace", install.DefaultNamespace, "Namespace on the management cluster holding the cluster registrations.")
	f.StringVar(&o.healthAddress, "health-address", "", "Also serve /healthz (and nothing else) on this host:port, for a kubelet's probes.")
	f.StringVar(&o.headers.User, "user-header", "X-Forwarded-User", "With --auth=impersonate: the header naming the signed-in user.")
	f.StringVar(&o.headers.Groups, "groups-header", "X-Forwarded-Groups", "With --auth=impersonate: the header listing the user's groups, comma-separated.")
	f.StringSliceVar(&o.impersonateGroups, "impersonate-groups", nil, "With --auth=impersonate: the only groups the dashboard may impersonate (its RBAC's resourceNames); a user's other groups are not passed on. Empty: all of them.")
	return cmd
}

func (o *dashboardOptions) config(kube *kubeFlags) (*rest.Config, string, error) {
	if o.inCluster {
		cfg, err := rest.InClusterConfig()
		if err != nil {
			return nil, "", fmt.Errorf("--in-cluster: %w (run it in a pod, or drop --in-cluster to use a kubeconfig)", err)
		}
		return cfg, "", nil
	}
	cfg, err := kube.config()
	if err != nil {
		return nil, "", err
	}
	// The context's own namespace, if it sets one (kubectl would use
	// "default" otherwise; the dashboard then shows all namespaces).
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = kube.kubeconfig
	raw, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: kube.context}).RawConfig()
	if err != nil {
		return nil, "", err
	}
	current := kube.context
	if current == "" {
		current = raw.CurrentContext
	}
	ns := ""
	if c := raw.Contexts[current]; c != nil {
		ns = c.Namespace
	}
	return cfg, ns, nil
}

func (o *dashboardOptions) run(ctx context.Context, kube *kubeFlags, s streams) error {
	cfg, contextNamespace, err := o.config(kube)
	if err != nil {
		return err
	}
	var readers dashboard.Readers
	switch o.auth {
	case "kubeconfig":
		readers, err = dashboard.ForKubeconfig(cfg)
	case "impersonate":
		readers, err = dashboard.ForImpersonation(cfg, o.headers, o.impersonateGroups)
	case "bearer":
		readers, err = dashboard.ForBearerTokens(cfg)
	default:
		return fmt.Errorf("--auth must be kubeconfig, impersonate or bearer, not %q", o.auth)
	}
	if err != nil {
		return err
	}
	address := o.address
	if address == "" {
		address = net.JoinHostPort("127.0.0.1", strconv.Itoa(o.port))
	}
	network, socket := "tcp", strings.HasPrefix(address, "unix:")
	if socket {
		if o.auth == "kubeconfig" {
			return fmt.Errorf("--address %s: a Unix socket is for a proxy in front of the dashboard (--auth=impersonate or bearer); with your own credentials it listens on 127.0.0.1", address)
		}
		network, address = "unix", strings.TrimPrefix(address, "unix:")
		_ = os.Remove(address) // a socket left by an earlier run
	} else {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return fmt.Errorf("--address %q: %w (give host:port, e.g. 127.0.0.1:8080, or unix:PATH)", address, err)
		}
		loopback := net.ParseIP(host) != nil && net.ParseIP(host).IsLoopback()
		if o.auth == "kubeconfig" && !loopback {
			return fmt.Errorf("--address %s: with your own credentials the dashboard listens on a loopback address only (127.0.0.1); to serve others, run it behind an authenticating proxy with --auth=impersonate or bearer", address)
		}
		if o.auth == "impersonate" && !loopback {
			return fmt.Errorf("--address %s: --auth=impersonate trusts the proxy's user headers, so it listens on a Unix socket (unix:PATH) or a loopback address only, with the proxy beside it in the pod (artifacts/dashboard)", address)
		}
	}
	namespace := o.namespace
	if namespace == "" && !o.allNamespaces {
		namespace = contextNamespace
	}
	server, err := dashboard.New(dashboard.Options{
		Readers: readers, Namespace: namespace, FederationNamespace: o.federationNamespace,
		Logf: func(format string, args ...any) { fmt.Fprintf(s.err, format+"\n", args...) },
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen(network, address)
	if err != nil {
		return fmt.Errorf("listening on %s: %w (is the port taken? pick another with --port)", address, err)
	}
	var handler http.Handler = server
	url := "http://" + ln.Addr().String() + "/"
	if o.auth == "kubeconfig" {
		gate, err := dashboard.NewLocalGate(ln.Addr().String())
		if err != nil {
			return err
		}
		handler, url = gate.Wrap(server), gate.URL(ln.Addr().String())
	}
	// The live pages' event streams end with the server: Shutdown does not
	// wait for them.
	base, stopStreams := context.WithCancel(context.Background())
	defer stopStreams()
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return base }}
	srv.RegisterOnShutdown(stopStreams)
	done := make(chan error, 2)
	go func() { done <- srv.Serve(ln) }()
	if o.healthAddress != "" {
		health := http.NewServeMux()
		health.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
		hl, err := net.Listen("tcp", o.healthAddress)
		if err != nil {
			return fmt.Errorf("--health-address %s: %w", o.healthAddress, err)
		}
		hs := &http.Server{Handler: health, ReadHeaderTimeout: 10 * time.Second}
		defer hs.Close()
		go func() { done <- hs.Serve(hl) }()
	}
	fmt.Fprintf(s.out, "Meridian dashboard: %s\n", url)
	switch o.auth {
	case "kubeconfig":
		fmt.Fprintf(s.out, "It acts with your kubeconfig's credentials; open it only in your own browser. Ctrl-C stops it.\n")
	default:
		fmt.Fprintf(s.out, "It serves only requests that name their user (--auth=%s). Ctrl-C stops it.\n", o.auth)
	}
	if !o.noBrowser {
		cleanup, err := openBrowser(url)
		defer cleanup()
		if err != nil {
			fmt.Fprintf(s.err, "could not open a browser (%v): open the URL above yourself\n", err)
		}
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

// openBrowser opens url in the user's browser through a page in a file only
// they may read (in their cache directory), which redirects to it: a URL on
// a command line is visible to every local user (ps), and this one carries
// the sign-in token.
func openBrowser(url string) (cleanup func(), err error) {
	dir, err := os.UserCacheDir()
	if err == nil {
		dir = filepath.Join(dir, "meridian")
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		dir = "" // the system's temporary directory
	}
	f, err := os.CreateTemp(dir, "dashboard-*.html")
	if err != nil {
		return func() {}, err
	}
	cleanup = func() { os.Remove(f.Name()) }
	page := `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=` + html.EscapeString(url) + `"><title>Meridian dashboard</title><a href="` + html.EscapeString(url) + `">Open the dashboard</a>`
	if _, err := f.WriteString(page); err != nil {
		f.Close()
		return cleanup, err
	}
	if err := f.Close(); err != nil {
		return cleanup, err
	}
	// The browser reads it once started; it is removed a minute later, or
	// when the dashboard stops.
	time.AfterFunc(time.Minute, cleanup)
	target := "file://" + f.Name()
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", target)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", target)
	default:
		cmd = exec.Command("xdg-open", target)
	}
	return cleanup, cmd.Start()
}
