package devenv

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/meridianfed/meridian/artifacts"
	"github.com/meridianfed/meridian/pkg/manifest"
	"github.com/meridianfed/meridian/pkg/registration"
)

// MeridianNamespace is where Meridian runs and keeps its registrations.
const MeridianNamespace = "meridian-system"

// MeridianOptions configure StartMeridian.
type MeridianOptions struct {
	// APIServer is the path of the meridian-apiserver binary.
	APIServer string
	// ExtraArgs are appended to the apiserver's flags.
	ExtraArgs []string
	// AvailableTimeout bounds the wait for the APIService. Default 60s.
	AvailableTimeout time.Duration
}

// Meridian is Meridian's control plane running against the environment.
type Meridian struct {
	// APIServerURL is where the aggregated server listens (behind the aggregator).
	APIServerURL string
	// APIServerLog is the server's log file.
	APIServerLog string
	// ServingCA is the PEM CA that signed the server's serving certificate.
	ServingCA []byte
	process   *process
}

// StartMeridian installs Meridian into the management cluster the way
// artifacts/ describes it (namespace, CRDs, RBAC, APIService with a verified
// caBundle) and runs the aggregated API server as a local process with its
// ServiceAccount's token, behind an ExternalName Service pointing at
// localhost (no kubelet runs here to start its Deployment). It returns once
// kube-aggregator reports the APIService Available.
func (e *Environment) StartMeridian(ctx context.Context, opts MeridianOptions) (*Meridian, error) {
	mgmt := e.Management.RESTConfig()
	applier, err := manifest.NewApplier(mgmt, FieldManager)
	if err != nil {
		return nil, err
	}
	crds, err := artifacts.Files("crds")
	if err != nil {
		return nil, err
	}
	if err := InstallCRDs(ctx, mgmt, crds...); err != nil {
		return nil, err
	}
	docs, err := artifacts.Files("apiserver")
	if err != nil {
		return nil, err
	}
	objs, err := manifest.Decode(docs)
	if err != nil {
		return nil, err
	}
	var apiService *unstructured.Unstructured
	for _, o := range objs {
		switch o.GetKind() {
		case "Deployment", "Service":
			continue // replaced by a local process and an ExternalName Service
		case "APIService":
			apiService = o
			continue
		}
		if _, err := applier.Apply(ctx, o); err != nil {
			return nil, err
		}
	}
	e.logf("meridian: CRDs, namespace and RBAC applied to the management cluster")

	// Serving certificate for the name the aggregator verifies.
	dir := filepath.Join(e.Dir, "pki", "meridian-apiserver")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	ca, err := newCA("meridian-apiserver-ca")
	if err != nil {
		return nil, err
	}
	serving, err := ca.issue(certRequest{
		commonName:  "meridian-apiserver",
		ipAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		dnsNames:    []string{"localhost", "meridian-apiserver." + MeridianNamespace + ".svc", "meridian-apiserver." + MeridianNamespace + ".svc.cluster.local"},
		usages:      []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	if err != nil {
		return nil, err
	}
	certFile, keyFile, err := serving.write(dir, "serving")
	if err != nil {
		return nil, err
	}

	// The server's own identity: its ServiceAccount's token, as in a pod.
	kube, err := kubernetes.NewForConfig(mgmt)
	if err != nil {
		return nil, err
	}
	ttl := int64((48 * time.Hour).Seconds())
	tr, err := kube.CoreV1().ServiceAccounts(MeridianNamespace).CreateToken(ctx, "meridian-apiserver",
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &ttl}}, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("token for meridian-apiserver: %w", err)
	}
	kubeconfig := filepath.Join(dir, "kubeconfig")
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["management"] = &clientcmdapi.Cluster{Server: e.Management.URL, CertificateAuthorityData: e.Management.CAData}
	cfg.AuthInfos["meridian-apiserver"] = &clientcmdapi.AuthInfo{Token: tr.Status.Token}
	cfg.Contexts["management"] = &clientcmdapi.Context{Cluster: "management", AuthInfo: "meridian-apiserver"}
	cfg.CurrentContext = "management"
	if err := clientcmd.WriteToFile(*cfg, kubeconfig); err != nil {
		return nil, err
	}

	port, err := freePort()
	if err != nil {
		return nil, err
	}
	m := &Meridian{APIServerURL: "https://127.0.0.1:" + strconv.Itoa(port), APIServerLog: filepath.Join(e.Dir, "logs", "meridian-apiserver.log"), ServingCA: ca.CertPEM}
	m.process = &process{
		name:    "meridian-apiserver",
		path:    opts.APIServer,
		logFile: m.APIServerLog,
		args: append([]string{
			"--bind-address=127.0.0.1",
			"--secure-port=" + strconv.Itoa(port),
			"--tls-cert-file=" + certFile,
			"--tls-private-key-file=" + keyFile,
			"--kubeconfig=" + kubeconfig,
			"--authentication-kubeconfig=" + kubeconfig,
			"--authorization-kubeconfig=" + kubeconfig,
			"--federation-namespace=" + MeridianNamespace,
			"--v=2",
		}, opts.ExtraArgs...),
	}
	if err := m.process.start(); err != nil {
		return nil, err
	}
	e.extra = append(e.extra, m.process)

	// The Service the APIService names, resolving to this machine.
	svc := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": "meridian-apiserver", "namespace": MeridianNamespace},
		"spec": map[string]any{
			"type": "ExternalName", "externalName": "localhost",
			"ports": []any{map[string]any{"name": "https", "port": int64(port)}},
		},
	}}
	if _, err := applier.Apply(ctx, svc); err != nil {
		return nil, err
	}
	if apiService == nil {
		return nil, fmt.Errorf("artifacts/apiserver has no APIService")
	}
	_ = unstructured.SetNestedField(apiService.Object, base64.StdEncoding.EncodeToString(ca.CertPEM), "spec", "caBundle")
	_ = unstructured.SetNestedField(apiService.Object, int64(port), "spec", "service", "port")
	if _, err := applier.Apply(ctx, apiService); err != nil {
		return nil, err
	}
	timeout := opts.AvailableTimeout
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	if err := waitAPIServiceAvailable(ctx, mgmt, apiService.GetName(), timeout, m.process); err != nil {
		return nil, fmt.Errorf("%w (see %s)", err, m.APIServerLog)
	}
	e.logf("meridian: aggregated API server available at %s behind APIService %s", m.APIServerURL, apiService.GetName())
	return m, nil
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
			ClusterName: name, Member: m.RESTConfig(), Progress: indent{e},
		}); err != nil {
			return fmt.Errorf("registering %s: %w", name, err)
		}
	}
	return nil
}

type indent struct{ e *Environment }

func (i indent) Write(p []byte) (int, error) {
	i.e.logf("%s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// waitAPIServiceAvailable waits for kube-aggregator's Available condition,
// failing early if the server process exits.
func waitAPIServiceAvailable(ctx context.Context, mgmt *rest.Config, name string, timeout time.Duration, p *process) error {
	client, err := dynamic.NewForConfig(mgmt)
	if err != nil {
		return err
	}
	gvr := schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}
	last := "not reported yet"
	err = waitFor(ctx, timeout, p, func() bool {
		o, err := client.Resource(gvr).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			last = err.Error()
			return false
		}
		conds, _, _ := unstructured.NestedSlice(o.Object, "status", "conditions")
		for _, c := range conds {
			m, _ := c.(map[string]any)
			if m["type"] == "Available" {
				last = fmt.Sprintf("%v: %v", m["reason"], m["message"])
				return m["status"] == "True"
			}
		}
		return false
	})
	if err != nil {
		return fmt.Errorf("APIService %s not Available (%s): %w", name, last, err)
	}
	return nil
}
