package devenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
	"github.com/meridianfed/meridian/pkg/install"
	"github.com/meridianfed/meridian/pkg/registration"
)

// MeridianNamespace is where Meridian runs and keeps its registrations.
const MeridianNamespace = install.DefaultNamespace

// MeridianOptions configure StartMeridian.
type MeridianOptions struct {
	// APIServer is the path of the meridian-apiserver binary.
	APIServer string
	// ExtraArgs are appended to the apiserver's flags.
	ExtraArgs []string
	// AvailableTimeout bounds the wait for the APIService. Default 60s.
	AvailableTimeout time.Duration
	// Port is where the server listens (0: a free port). RunMeridianAPIServer
	// needs the port install was given.
	Port int
	// Controller is the path of the meridian-controller binary.
	Controller string
	// ControllerArgs are appended to the controller's flags.
	ControllerArgs []string
}

// Meridian is Meridian's control plane running against the environment.
type Meridian struct {
	// APIServerURL is where the aggregated server listens (behind the aggregator).
	APIServerURL string
	// APIServerLog is the server's log file.
	APIServerLog string
	// ServingCA is the PEM CA that signed the server's serving certificate.
	ServingCA []byte
	// ControllerLog is the controller's log file (when it runs).
	ControllerLog string
	replicas      []ControllerReplica
	// apiservers are the aggregated server's replicas; the first is the
	// one the APIService routes to.
	apiservers    []*APIServerReplica
	apiServerPath string
	process       *process
	// args are the server flags every replica shares but its port.
	args []string
}

// APIServerReplica is one running meridian-apiserver process. Each listens
// on its own port and can be reached directly (URL, with the serving CA and
// a management-cluster credential: the server delegates authentication and
// authorization to the management cluster), which is how a client that
// moves between replicas behind a load balancer can be tested without one.
type APIServerReplica struct {
	// URL is the replica's https URL on loopback.
	URL string
	// Log is its log file.
	Log  string
	port int
	ca   []byte // the serving CA
	p    *process
}

// Kill ends the replica with SIGKILL, as a crash or a lost node would.
func (r *APIServerReplica) Kill() { r.p.kill() }

// Start runs the replica again after Kill, on the same port and flags, and
// returns once it answers /readyz.
func (r *APIServerReplica) Start(ctx context.Context, e *Environment) error {
	if err := r.p.start(); err != nil {
		return err
	}
	return r.WaitReady(ctx, e, 60*time.Second)
}

// WaitReady polls the replica's /readyz (which includes its members being
// read) until it answers ok.
func (r *APIServerReplica) WaitReady(ctx context.Context, e *Environment, timeout time.Duration) error {
	cfg := e.Management.RESTConfig()
	cfg.Host = r.URL
	cfg.CAData = r.ca
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	return waitFor(ctx, timeout, r.p, func() bool {
		rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		return client.Discovery().RESTClient().Get().AbsPath("/readyz").Do(rctx).Error() == nil
	})
}

// APIServers are the aggregated server's replicas, in the order started;
// the first is the one behind the APIService.
func (m *Meridian) APIServers() []*APIServerReplica { return m.apiservers }

// ReplicaConfig returns base (a management-cluster client configuration)
// pointed straight at a replica, bypassing the aggregator.
func (m *Meridian) ReplicaConfig(base *rest.Config, r *APIServerReplica) *rest.Config {
	cfg := rest.CopyConfig(base)
	cfg.Host = r.URL
	cfg.CAData = m.ServingCA
	cfg.CAFile = ""
	return cfg
}

// RunAPIServerReplica starts one more replica of the aggregated server, as
// a Deployment's second pod: same certificate, credentials and flags, its
// own port and log. It returns once the replica answers /readyz.
func (m *Meridian) RunAPIServerReplica(ctx context.Context, e *Environment) (*APIServerReplica, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	r := m.newReplica(e, port, filepath.Join(e.Dir, "logs", fmt.Sprintf("meridian-apiserver-%d.log", len(m.apiservers))))
	if err := r.p.start(); err != nil {
		return nil, err
	}
	e.extra = append(e.extra, r.p)
	m.apiservers = append(m.apiservers, r)
	return r, r.WaitReady(ctx, e, 60*time.Second)
}

func (m *Meridian) newReplica(e *Environment, port int, log string) *APIServerReplica {
	return &APIServerReplica{
		URL:  "https://127.0.0.1:" + strconv.Itoa(port),
		Log:  log,
		port: port,
		ca:   m.ServingCA,
		p: &process{
			name:    "meridian-apiserver",
			path:    m.apiServerPath,
			logFile: log,
			args:    append([]string{"--secure-port=" + strconv.Itoa(port)}, m.args...),
		},
	}
}

// StartMeridian installs Meridian into the management cluster through
// pkg/install, the code path of `meridianctl install`, with the aggregated
// server outside the cluster (no kubelet runs here to start its
// Deployment): the Service is an ExternalName for localhost. It then runs
// the server (RunMeridianAPIServer) and returns once kube-aggregator reports
// the APIService Available.
func (e *Environment) StartMeridian(ctx context.Context, opts MeridianOptions) (*Meridian, error) {
	if opts.Port == 0 {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		opts.Port = port
	}
	iopts := e.InstallOptions(opts.Port)
	if _, err := install.Install(ctx, e.Management.RESTConfig(), iopts); err != nil {
		return nil, err
	}
	m, err := e.RunMeridianAPIServer(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := m.RunController(ctx, e, opts); err != nil {
		return nil, err
	}
	if err := m.WaitAvailable(ctx, e, opts.AvailableTimeout); err != nil {
		return nil, err
	}
	e.logf("meridian: aggregated API server available at %s behind APIService %s", m.APIServerURL, install.APIServiceName)
	return m, nil
}

// InstallOptions are the install options of an environment whose
// aggregated server runs on this machine at port.
func (e *Environment) InstallOptions(port int) install.Options {
	return install.Options{
		Namespace: MeridianNamespace,
		External:  &install.External{Host: "localhost", Port: port},
		// No kubelet runs the controller's Deployment either.
		ExternalController: true,
		Progress:           indent{e},
	}
}

// RunMeridianAPIServer runs the aggregated API server as a local process on
// opts.Port, once Meridian is installed with InstallOptions(opts.Port): it
// serves with the certificate install issued (from its Secret) and calls the
// management cluster with its ServiceAccount's token, as in a pod.
func (e *Environment) RunMeridianAPIServer(ctx context.Context, opts MeridianOptions) (*Meridian, error) {
	mgmt := e.Management.RESTConfig()
	kube, err := kubernetes.NewForConfig(mgmt)
	if err != nil {
		return nil, err
	}
	serving, err := kube.CoreV1().Secrets(MeridianNamespace).Get(ctx, install.ServingSecret, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("reading the serving certificate install wrote: %w", err)
	}
	dir := filepath.Join(e.Dir, "pki", "meridian-apiserver")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	certFile, keyFile := filepath.Join(dir, "serving.crt"), filepath.Join(dir, "serving.key")
	if err := os.WriteFile(certFile, serving.Data[corev1.TLSCertKey], 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(keyFile, serving.Data[corev1.TLSPrivateKeyKey], 0o600); err != nil {
		return nil, err
	}

	kubeconfig, err := e.serviceAccountKubeconfig(ctx, install.APIServerName, dir)
	if err != nil {
		return nil, err
	}

	m := &Meridian{
		APIServerURL:  "https://127.0.0.1:" + strconv.Itoa(opts.Port),
		APIServerLog:  filepath.Join(e.Dir, "logs", "meridian-apiserver.log"),
		ServingCA:     serving.Data["ca.crt"],
		apiServerPath: opts.APIServer,
		args: append([]string{
			"--bind-address=127.0.0.1",
			"--tls-cert-file=" + certFile,
			"--tls-private-key-file=" + keyFile,
			"--kubeconfig=" + kubeconfig,
			"--authentication-kubeconfig=" + kubeconfig,
			"--authorization-kubeconfig=" + kubeconfig,
			"--federation-namespace=" + MeridianNamespace,
			"--v=2",
		}, opts.ExtraArgs...),
	}
	first := m.newReplica(e, opts.Port, m.APIServerLog)
	m.process = first.p
	if err := m.process.start(); err != nil {
		return nil, err
	}
	e.extra = append(e.extra, m.process)
	m.apiservers = append(m.apiservers, first)
	return m, nil
}

// serviceAccountKubeconfig writes a kubeconfig for the management cluster
// with a token of one of Meridian's ServiceAccounts, as a pod would have.
func (e *Environment) serviceAccountKubeconfig(ctx context.Context, serviceAccount, dir string) (string, error) {
	kube, err := kubernetes.NewForConfig(e.Management.RESTConfig())
	if err != nil {
		return "", err
	}
	ttl := int64((48 * time.Hour).Seconds())
	tr, err := kube.CoreV1().ServiceAccounts(MeridianNamespace).CreateToken(ctx, serviceAccount,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &ttl}}, metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("token for %s: %w", serviceAccount, err)
	}
	path := filepath.Join(dir, "kubeconfig")
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["management"] = &clientcmdapi.Cluster{Server: e.Management.URL, CertificateAuthorityData: e.Management.CAData}
	cfg.AuthInfos[serviceAccount] = &clientcmdapi.AuthInfo{Token: tr.Status.Token}
	cfg.Contexts["management"] = &clientcmdapi.Context{Cluster: "management", AuthInfo: serviceAccount}
	cfg.CurrentContext = "management"
	return path, clientcmd.WriteToFile(*cfg, path)
}

// RunController runs a meridian-controller replica as a local process with
// its ServiceAccount's token, once Meridian is installed. Each call starts
// one more replica.
func (m *Meridian) RunController(ctx context.Context, e *Environment, opts MeridianOptions) error {
	if opts.Controller == "" {
		return fmt.Errorf("devenv: MeridianOptions.Controller (the meridian-controller binary) is required")
	}
	dir := filepath.Join(e.Dir, "pki", install.ControllerName)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	kubeconfig, err := e.serviceAccountKubeconfig(ctx, install.ControllerName, dir)
	if err != nil {
		return err
	}
	ports, err := freePorts(2)
	if err != nil {
		return err
	}
	n := len(m.replicas)
	log := filepath.Join(e.Dir, "logs", "meridian-controller.log")
	if n > 0 {
		log = filepath.Join(e.Dir, "logs", fmt.Sprintf("meridian-controller-%d.log", n))
	}
	p := &process{
		name:    "meridian-controller",
		path:    opts.Controller,
		logFile: log,
		args: append([]string{
			"--kubeconfig=" + kubeconfig,
			"--federation-namespace=" + MeridianNamespace,
			"--health-bind-address=127.0.0.1:" + strconv.Itoa(ports[0]),
			"--metrics-bind-address=127.0.0.1:" + strconv.Itoa(ports[1]),
			"--v=2",
		}, opts.ControllerArgs...),
	}
	if err := p.start(); err != nil {
		return err
	}
	e.extra = append(e.extra, p)
	if n == 0 {
		m.ControllerLog = log
	}
	m.replicas = append(m.replicas, ControllerReplica{Health: "127.0.0.1:" + strconv.Itoa(ports[0]), Metrics: "127.0.0.1:" + strconv.Itoa(ports[1]), Log: log, p: p})
	return nil
}

// ControllerReplica is one running meridian-controller process.
type ControllerReplica struct {
	// Health is host:port of its /healthz and /readyz.
	Health string
	// Metrics is host:port of its /metrics.
	Metrics string
	// Log is its log file.
	Log string
	p   *process
}

// Kill ends the replica with SIGKILL, as a crash or a lost node would.
func (r ControllerReplica) Kill() { r.p.kill() }

// Running reports whether the replica's process runs.
func (r ControllerReplica) Running() bool {
	exited, _ := r.p.exited()
	return !exited
}

// Controllers are the controller replicas started, in order (RunController
// again starts another, as a Deployment's second replica).
func (m *Meridian) Controllers() []ControllerReplica { return m.replicas }

// WaitAvailable waits until kube-aggregator reports the APIService
// Available, failing early if the server exits.
func (m *Meridian) WaitAvailable(ctx context.Context, e *Environment, timeout time.Duration) error {
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	iopts := e.InstallOptions(0)
	iopts.Progress = nil
	err := install.WaitReady(ctx, e.Management.RESTConfig(), iopts, install.WaitOptions{
		Timeout: timeout,
		Abort: func() error {
			if exited, err := m.process.exited(); exited {
				return fmt.Errorf("meridian-apiserver exited: %v", err)
			}
			for _, r := range m.replicas {
				if exited, err := r.p.exited(); exited {
					return fmt.Errorf("meridian-controller exited: %v (see %s)", err, r.Log)
				}
			}
			return nil
		},
	})
	if err != nil {
		return fmt.Errorf("%w (see %s)", err, m.APIServerLog)
	}
	return nil
}

// PID is the aggregated API server's process id (0 when it is not running).
func (m *Meridian) PID() int {
	m.process.mu.Lock()
	defer m.process.mu.Unlock()
	if m.process.cmd == nil {
		return 0
	}
	return m.process.cmd.Process.Pid
}

// RegisterMembers registers every member through the same code path as
// `meridianctl cluster register`.
func (e *Environment) RegisterMembers(ctx context.Context, names ...string) error {
	if len(names) == 0 {
		for _, m := range e.Members {
			names = append(names, m.Name)
		}
	}
	for _, name := range names {
		m := e.Member(name)
		if m == nil {
			return fmt.Errorf("no member named %q", name)
		}
		if err := registration.Register(ctx, e.Management.RESTConfig(), registration.Options{
			ClusterName: name, Member: m.RESTConfig(), SecretNamespaces: e.secretNamespaces, Progress: indent{e},
		}); err != nil {
			return fmt.Errorf("registering %s: %w", name, err)
		}
	}
	return nil
}

// WaitClustersReady waits until every member's KubernetesCluster reports
// what `meridianctl cluster list` shows a user: Ready=True, the member's
// Kubernetes version and a last sync.
func (e *Environment) WaitClustersReady(ctx context.Context, timeout time.Duration) error {
	client, err := meridianclient.NewForConfig(e.Management.RESTConfig())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pending := []string{}
	for {
		pending = pending[:0]
		for _, m := range e.Members {
			kc, err := client.FedV1alpha1().KubernetesClusters(MeridianNamespace).Get(ctx, m.Name, metav1.GetOptions{})
			if err != nil || !meta.IsStatusConditionTrue(kc.Status.Conditions, fedv1alpha1.ConditionReady) ||
				kc.Status.KubernetesVersion == "" || kc.Status.LastSyncTime == nil {
				pending = append(pending, m.Name)
			}
		}
		if len(pending) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("members %s not shown reachable in their KubernetesCluster status within %s", strings.Join(pending, ", "), timeout)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

type indent struct{ e *Environment }

func (i indent) Write(p []byte) (int, error) {
	i.e.logf("%s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
