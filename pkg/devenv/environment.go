package devenv

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ManagementName is the name of the management cluster: its kubeconfig is
// <Dir>/kubeconfig and its logs are <Dir>/logs/management.log.
const ManagementName = "management"

// FrontProxyClientName is the CN of the certificate the aggregator presents
// to aggregated API servers; it is the only name in --requestheader-allowed-names.
const FrontProxyClientName = "front-proxy-client"

// AdminUser is the user of the admin credential written to every kubeconfig.
const AdminUser = "meridian-admin"

var memberName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// Options configure an environment.
type Options struct {
	// Dir holds everything the environment writes: pki/, logs/, etcd data and
	// the kubeconfigs. It is created if missing; existing content is replaced.
	Dir string
	// BinDir holds the etcd, kube-apiserver and kube-controller-manager binaries. Empty means the
	// MERIDIAN_BIN_DIR environment variable, else bin/ at the repository root.
	BinDir string
	// Members are the names of the member clusters (DNS labels).
	Members []string
	// Progress, if set, receives one line per step.
	Progress io.Writer
	// ReadyTimeout bounds how long Start waits for the servers. Default 90s.
	ReadyTimeout time.Duration
	// SecretNamespaces are the namespaces of every member where
	// FederatedSecrets may place Secrets (RegisterMembers passes them as
	// `cluster register --secret-namespaces` would).
	SecretNamespaces []string
}

// Environment is a running set of real Kubernetes API servers.
type Environment struct {
	Dir        string
	Management *Cluster
	// Members in the order of Options.Members.
	Members []*Cluster

	etcd      *process
	extra     []*process
	etcdURL   string
	binDir    string
	progress  io.Writer
	readyWait time.Duration
	stopOnce  sync.Once
	// secretNamespaces: see Options.SecretNamespaces.
	secretNamespaces []string
}

// Cluster is one kube-apiserver of the environment.
type Cluster struct {
	// Name is the member name, or ManagementName.
	Name string
	// URL is the server's https URL on loopback.
	URL string
	// Kubeconfig is the path of an admin kubeconfig for this cluster.
	Kubeconfig string
	// CAData is the PEM CA that signed the server's serving certificate.
	CAData []byte

	port      int
	admin     *keyPair
	process   *process
	readyWait time.Duration
}

// Member returns the member cluster with the given name, or nil.
func (e *Environment) Member(name string) *Cluster {
	for _, m := range e.Members {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Start brings up etcd, the management cluster and every member, in parallel,
// and returns once all of them answer /readyz. On error, everything started
// so far is stopped.
func Start(ctx context.Context, opts Options) (_ *Environment, err error) {
	if opts.Dir == "" {
		return nil, errors.New("devenv: Options.Dir is required")
	}
	seen := map[string]bool{ManagementName: true}
	for _, m := range opts.Members {
		if !memberName.MatchString(m) || len(m) > 63 {
			return nil, fmt.Errorf("devenv: member name %q is not a DNS label", m)
		}
		if seen[m] {
			return nil, fmt.Errorf("devenv: member name %q is used twice (or is reserved)", m)
		}
		seen[m] = true
	}
	binDir, err := resolveBinDir(opts.BinDir)
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	for _, sub := range []string{"pki", "logs", "etcd"} {
		if err := os.RemoveAll(filepath.Join(dir, sub)); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, err
		}
	}
	e := &Environment{Dir: dir, binDir: binDir, progress: opts.Progress, readyWait: opts.ReadyTimeout, secretNamespaces: opts.SecretNamespaces}
	if e.readyWait == 0 {
		e.readyWait = 90 * time.Second
	}
	defer func() {
		if err != nil {
			e.Stop()
		}
	}()

	start := time.Now()
	if err := e.startEtcd(ctx); err != nil {
		return nil, err
	}
	e.logf("etcd ready at %s", e.etcdURL)

	frontProxy, err := e.writeFrontProxyPKI()
	if err != nil {
		return nil, err
	}
	e.Management, err = e.newCluster(ManagementName, frontProxy)
	if err != nil {
		return nil, err
	}
	for _, name := range opts.Members {
		c, err := e.newCluster(name, nil)
		if err != nil {
			return nil, err
		}
		e.Members = append(e.Members, c)
	}

	all := append([]*Cluster{e.Management}, e.Members...)
	errs := make([]error, len(all))
	var wg sync.WaitGroup
	for i, c := range all {
		wg.Go(func() {
			if err := c.Start(ctx); err != nil {
				errs[i] = err
				return
			}
			e.logf("cluster %-12s ready at %s", c.Name, c.URL)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := e.startControllerManagers(); err != nil {
		return nil, err
	}
	e.logf("environment ready in %s (management + %d members)", time.Since(start).Round(100*time.Millisecond), len(e.Members))
	return e, nil
}

// Stop ends every process of the environment. It is safe to call more than
// once and from several goroutines.
func (e *Environment) Stop() {
	e.stopOnce.Do(func() {
		var all []*Cluster
		if e.Management != nil {
			all = append(all, e.Management)
		}
		all = append(all, e.Members...)
		var wg sync.WaitGroup
		for _, p := range e.extra {
			wg.Go(p.stop)
		}
		wg.Wait()
		for _, c := range all {
			wg.Go(c.Stop)
		}
		wg.Wait()
		if e.etcd != nil {
			e.etcd.stop()
		}
	})
}

func (e *Environment) logf(format string, args ...any) {
	if e.progress != nil {
		fmt.Fprintf(e.progress, format+"\n", args...)
	}
}

// resolveBinDir finds the directory with the etcd and Kubernetes binaries.
func resolveBinDir(dir string) (string, error) {
	if dir == "" {
		dir = os.Getenv("MERIDIAN_BIN_DIR")
	}
	if dir == "" {
		root, err := RepoRoot()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(root, "bin")
	}
	for _, b := range []string{"etcd", "kube-apiserver", "kube-controller-manager"} {
		if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
			return "", fmt.Errorf("devenv: %s not found in %s: run `make bin/%s` (or `make tools`) first", b, dir, b)
		}
	}
	return dir, nil
}

// RepoRoot walks up from the working directory to the directory holding
// Meridian's go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(string(data), "module github.com/meridianfed/meridian\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("devenv: not inside the Meridian repository (no go.mod of github.com/meridianfed/meridian above the working directory)")
		}
		dir = parent
	}
}

// startControllerManagers runs kube-controller-manager for every cluster,
// with only the controllers a bare control plane needs to behave like a real
// one for Meridian: on the management cluster, namespace deletion and
// ownerReference garbage collection; on members, namespace deletion only, so
// that the Deployments and Pods the demo writes there keep their status.
func (e *Environment) startControllerManagers() error {
	for _, c := range append([]*Cluster{e.Management}, e.Members...) {
		controllers := "namespace"
		if c == e.Management {
			controllers = "namespace,garbagecollector"
		}
		p := &process{
			name:    c.Name + " kube-controller-manager",
			path:    filepath.Join(e.binDir, "kube-controller-manager"),
			logFile: filepath.Join(e.Dir, "logs", c.Name+"-controller-manager.log"),
			args: []string{
				"--kubeconfig=" + c.Kubeconfig,
				"--controllers=" + controllers,
				"--secure-port=0",
				"--leader-elect=false",
				"--use-service-account-credentials=false",
				"--v=1",
			},
		}
		if err := p.start(); err != nil {
			return err
		}
		e.extra = append(e.extra, p)
	}
	e.logf("kube-controller-manager running for every cluster (namespace deletion; garbage collection on the management cluster)")
	return nil
}

func (e *Environment) startEtcd(ctx context.Context) error {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		ports, err := freePorts(2)
		if err != nil {
			return err
		}
		client := "http://127.0.0.1:" + strconv.Itoa(ports[0])
		peer := "http://127.0.0.1:" + strconv.Itoa(ports[1])
		p := &process{
			name:    "etcd",
			path:    filepath.Join(e.binDir, "etcd"),
			logFile: filepath.Join(e.Dir, "logs", "etcd.log"),
			args: []string{
				"--name=meridian",
				"--data-dir=" + filepath.Join(e.Dir, "etcd"),
				"--listen-client-urls=" + client,
				"--advertise-client-urls=" + client,
				"--listen-peer-urls=" + peer,
				"--initial-advertise-peer-urls=" + peer,
				"--initial-cluster=meridian=" + peer,
				// A throwaway environment: durability is not wanted, speed is.
				"--unsafe-no-fsync=true",
				"--quota-backend-bytes=" + strconv.Itoa(4<<30),
				"--log-level=warn",
			},
		}
		if err := p.start(); err != nil {
			return err
		}
		e.etcd, e.etcdURL = p, client
		lastErr = waitFor(ctx, 30*time.Second, p, func() bool {
			resp, err := http.Get(client + "/health")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		})
		if lastErr == nil {
			return nil
		}
		p.stop()
		e.etcd = nil
		if ctx.Err() != nil {
			break
		}
	}
	return fmt.Errorf("etcd did not become healthy (see %s): %w", filepath.Join(e.Dir, "logs", "etcd.log"), lastErr)
}

// writeFrontProxyPKI creates the front-proxy CA and the aggregator's client
// certificate, as kubeadm does, and returns the management server's extra flags.
func (e *Environment) writeFrontProxyPKI() ([]string, error) {
	dir := filepath.Join(e.Dir, "pki", "front-proxy")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	ca, err := newCA("meridian-front-proxy-ca")
	if err != nil {
		return nil, err
	}
	caFile, _, err := ca.write(dir, "ca")
	if err != nil {
		return nil, err
	}
	client, err := ca.clientCert(FrontProxyClientName)
	if err != nil {
		return nil, err
	}
	certFile, keyFile, err := client.write(dir, "client")
	if err != nil {
		return nil, err
	}
	return []string{
		"--requestheader-client-ca-file=" + caFile,
		"--requestheader-allowed-names=" + FrontProxyClientName,
		"--requestheader-username-headers=X-Remote-User",
		"--requestheader-uid-headers=X-Remote-Uid",
		"--requestheader-group-headers=X-Remote-Group",
		"--requestheader-extra-headers-prefix=X-Remote-Extra-",
		"--proxy-client-cert-file=" + certFile,
		"--proxy-client-key-file=" + keyFile,
		"--enable-aggregator-routing=false",
	}, nil
}

// newCluster writes a cluster's PKI and kubeconfig and prepares its process.
func (e *Environment) newCluster(name string, extraArgs []string) (*Cluster, error) {
	dir := filepath.Join(e.Dir, "pki", name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	servingCA, err := newCA(name + "-serving-ca")
	if err != nil {
		return nil, err
	}
	serving, err := servingCA.servingCert("kube-apiserver")
	if err != nil {
		return nil, err
	}
	clientCA, err := newCA(name + "-client-ca")
	if err != nil {
		return nil, err
	}
	admin, err := clientCA.clientCert(AdminUser, "system:masters")
	if err != nil {
		return nil, err
	}
	servingCert, servingKey, err := serving.write(dir, "serving")
	if err != nil {
		return nil, err
	}
	clientCAFile, _, err := clientCA.write(dir, "client-ca")
	if err != nil {
		return nil, err
	}
	saKey, saPub, err := writeServiceAccountKey(dir)
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	c := &Cluster{
		Name:      name,
		URL:       "https://127.0.0.1:" + strconv.Itoa(port),
		CAData:    servingCA.CertPEM,
		port:      port,
		admin:     admin,
		readyWait: e.readyWait,
	}
	kubeconfig := filepath.Join(e.Dir, name+".kubeconfig")
	if name == ManagementName {
		kubeconfig = filepath.Join(e.Dir, "kubeconfig")
	}
	if err := c.writeKubeconfig(kubeconfig); err != nil {
		return nil, err
	}
	c.Kubeconfig = kubeconfig
	args := []string{
		"--etcd-servers=" + e.etcdURL,
		"--etcd-prefix=/" + name,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(port),
		"--tls-cert-file=" + servingCert,
		"--tls-private-key-file=" + servingKey,
		"--client-ca-file=" + clientCAFile,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://" + name + ".meridian.invalid",
		"--service-account-key-file=" + saPub,
		"--service-account-signing-key-file=" + saKey,
		"--service-cluster-ip-range=10.96.0.0/16",
		"--endpoint-reconciler-type=none",
		"--shutdown-delay-duration=0s",
		"--cert-dir=" + dir,
		"--v=1",
	}
	c.process = &process{
		name:    name + " kube-apiserver",
		path:    filepath.Join(e.binDir, "kube-apiserver"),
		args:    append(args, extraArgs...),
		logFile: filepath.Join(e.Dir, "logs", name+".log"),
	}
	return c, nil
}

func (c *Cluster) writeKubeconfig(path string) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[c.Name] = &clientcmdapi.Cluster{Server: c.URL, CertificateAuthorityData: c.CAData}
	cfg.AuthInfos[c.Name+"-admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: c.admin.CertPEM, ClientKeyData: c.admin.KeyPEM}
	cfg.Contexts[c.Name] = &clientcmdapi.Context{Cluster: c.Name, AuthInfo: c.Name + "-admin"}
	cfg.CurrentContext = c.Name
	return clientcmd.WriteToFile(*cfg, path)
}

// RESTConfig returns an admin client configuration for the cluster.
func (c *Cluster) RESTConfig() *rest.Config {
	return &rest.Config{
		Host: c.URL,
		TLSClientConfig: rest.TLSClientConfig{
			CAData:   c.CAData,
			CertData: c.admin.CertPEM,
			KeyData:  c.admin.KeyPEM,
		},
		QPS:   200,
		Burst: 400,
	}
}

// Running reports whether the server process is up (not whether it is ready).
func (c *Cluster) Running() bool {
	exited, _ := c.process.exited()
	return !exited
}

// Start runs the kube-apiserver and waits until it is ready. It also restarts
// a cluster after Stop, on the same port, etcd prefix and credentials, so
// its objects and clients survive: the fault tests rely on that.
func (c *Cluster) Start(ctx context.Context) error {
	if err := c.process.start(); err != nil {
		return err
	}
	if err := c.WaitReady(ctx, c.readyWait); err != nil {
		c.process.stop()
		return fmt.Errorf("cluster %s did not become ready (see %s%s): %w", c.Name, c.process.logFile, logErrors(c.process.logFile), err)
	}
	return nil
}

// logErrors returns the last error lines of a server's log, for an error
// message: a caller that removes the environment's directory when it
// fails would otherwise leave nothing to read.
func logErrors(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if strings.HasPrefix(l, "E") || strings.HasPrefix(l, "F") || strings.Contains(l, "error") {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return "; the log ends: " + strings.Join(lines[max(0, len(lines)-3):], " / ")
}

// Stop ends the cluster's kube-apiserver; its data stays in etcd.
func (c *Cluster) Stop() {
	c.process.stop()
	// Stop returns once the port is closed, so a test that stops a member
	// can rely on it being unreachable.
	deadline := time.Now().Add(stopGrace)
	for portOpen(c.port) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
}

// Pause freezes the cluster's kube-apiserver (SIGSTOP): its port stays open
// and its connections stay up, but nothing answers, as a hung member or a
// network black hole looks to its clients. Resume undoes it.
func (c *Cluster) Pause() error { return c.process.signal(syscall.SIGSTOP) }

// Resume lets a paused kube-apiserver run again (SIGCONT).
func (c *Cluster) Resume() error { return c.process.signal(syscall.SIGCONT) }

// WaitReady polls /readyz until it answers ok.
func (c *Cluster) WaitReady(ctx context.Context, timeout time.Duration) error {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(c.CAData)
	cert, err := tls.X509KeyPair(c.admin.CertPEM, c.admin.KeyPEM)
	if err != nil {
		return err
	}
	client := &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}}},
	}
	defer client.CloseIdleConnections()
	return waitFor(ctx, timeout, c.process, func() bool {
		resp, err := client.Get(c.URL + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// waitFor polls ready until it is true, the process exits, the context ends
// or the timeout passes.
func waitFor(ctx context.Context, timeout time.Duration, p *process, ready func() bool) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if ready() {
			return nil
		}
		if exited, err := p.exited(); exited {
			return fmt.Errorf("%w: %v", errExited, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// Twin starts a second kube-apiserver of the cluster: the same etcd prefix,
// certificates and credentials, on another port, as a member's other
// control-plane node. What is written through it lands in the cluster, so a
// test can change a member while the member's own server (the one its
// clients know) is stopped, and then restart it. Stop the twin when done.
func (c *Cluster) Twin(ctx context.Context) (*Cluster, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args := make([]string, 0, len(c.process.args))
	for _, a := range c.process.args {
		if strings.HasPrefix(a, "--secure-port=") {
			a = "--secure-port=" + strconv.Itoa(port)
		}
		args = append(args, a)
	}
	t := &Cluster{
		Name:      c.Name,
		URL:       "https://127.0.0.1:" + strconv.Itoa(port),
		CAData:    c.CAData,
		port:      port,
		admin:     c.admin,
		readyWait: c.readyWait,
		process: &process{
			name:    c.Name + " kube-apiserver (twin)",
			path:    c.process.path,
			args:    args,
			logFile: strings.TrimSuffix(c.process.logFile, ".log") + "-twin.log",
		},
	}
	if err := t.Start(ctx); err != nil {
		return nil, err
	}
	return t, nil
}
