package memberconfig_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/meridianfed/meridian/pkg/memberconfig"
)

const secretToken = "s3cr3t-t0ken-value"

func testCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "member-ca"}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// kubeconfig returns a valid member kubeconfig, changed by edit.
func kubeconfig(t *testing.T, edit func(*clientcmdapi.Cluster, *clientcmdapi.AuthInfo)) []byte {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	c := &clientcmdapi.Cluster{Server: "https://east.example.com:6443", CertificateAuthorityData: testCA(t)}
	a := &clientcmdapi.AuthInfo{Token: secretToken}
	if edit != nil {
		edit(c, a)
	}
	cfg.Clusters["east"] = c
	cfg.AuthInfos["east"] = a
	cfg.Contexts["east"] = &clientcmdapi.Context{Cluster: "east", AuthInfo: "east"}
	cfg.CurrentContext = "east"
	data, err := clientcmd.Write(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A member kubeconfig is accepted only with an https server, inline CA data
// and inline credentials: anything that would send the credential in clear,
// read a file or run a program inside Meridian's pods is refused, saying
// what is wrong, without the credential.
func TestOnlyHTTPSWithInlineCAAndCredentials(t *testing.T) {
	ok := map[string]func(*clientcmdapi.Cluster, *clientcmdapi.AuthInfo){
		"token": nil,
		"client certificate": func(_ *clientcmdapi.Cluster, a *clientcmdapi.AuthInfo) {
			a.Token = ""
			a.ClientCertificateData, a.ClientKeyData = []byte("cert"), []byte("key")
		},
		"tls server name": func(c *clientcmdapi.Cluster, _ *clientcmdapi.AuthInfo) { c.TLSServerName = "kubernetes" },
	}
	for name, edit := range ok {
		cfg, err := memberconfig.Load(kubeconfig(t, edit))
		if err != nil {
			t.Errorf("%s: refused: %v", name, err)
			continue
		}
		if cfg.Host != "https://east.example.com:6443" || len(cfg.CAData) == 0 {
			t.Errorf("%s: host %q, CA %d bytes", name, cfg.Host, len(cfg.CAData))
		}
	}
	bad := map[string]struct {
		edit func(*clientcmdapi.Cluster, *clientcmdapi.AuthInfo)
		says string
	}{
		"http server": {func(c *clientcmdapi.Cluster, _ *clientcmdapi.AuthInfo) { c.Server = "http://127.0.0.1:1" }, "https"},
		"no scheme":   {func(c *clientcmdapi.Cluster, _ *clientcmdapi.AuthInfo) { c.Server = "east.example.com" }, "https"},
		"no server":   {func(c *clientcmdapi.Cluster, _ *clientcmdapi.AuthInfo) { c.Server = "" }, "server"},
		"insecure": {func(c *clientcmdapi.Cluster, _ *clientcmdapi.AuthInfo) {
			c.InsecureSkipTLSVerify = true
			c.CertificateAuthorityData = nil
		}, "insecure-skip-tls-verify"},
		"CA file": {func(c *clientcmdapi.Cluster, _ *clientcmdapi.AuthInfo) {
			c.CertificateAuthorityData = nil
			c.CertificateAuthority = "/etc/ca.crt"
		}, "certificate-authority"},
		"no CA": {func(c *clientcmdapi.Cluster, _ *clientcmdapi.AuthInfo) { c.CertificateAuthorityData = nil }, "certificate-authority-data"},
		"CA not PEM": {func(c *clientcmdapi.Cluster, _ *clientcmdapi.AuthInfo) {
			c.CertificateAuthorityData = []byte("garbage")
		}, "certificate-authority-data"},
		"proxy": {func(c *clientcmdapi.Cluster, _ *clientcmdapi.AuthInfo) { c.ProxyURL = "http://proxy:3128" }, "proxy-url"},
		"token file": {func(_ *clientcmdapi.Cluster, a *clientcmdapi.AuthInfo) {
			a.Token = ""
			a.TokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token"
		}, "tokenFile"},
		"client cert file": {func(_ *clientcmdapi.Cluster, a *clientcmdapi.AuthInfo) { a.ClientCertificate = "/etc/tls.crt" }, "client-certificate"},
		"client key file":  {func(_ *clientcmdapi.Cluster, a *clientcmdapi.AuthInfo) { a.ClientKey = "/etc/tls.key" }, "client-key"},
		"exec": {func(_ *clientcmdapi.Cluster, a *clientcmdapi.AuthInfo) {
			a.Exec = &clientcmdapi.ExecConfig{Command: "sh", APIVersion: "client.authentication.k8s.io/v1"}
		}, "exec"},
		"auth provider": {func(_ *clientcmdapi.Cluster, a *clientcmdapi.AuthInfo) {
			a.AuthProvider = &clientcmdapi.AuthProviderConfig{Name: "gcp"}
		}, "auth-provider"},
		"basic auth":           {func(_ *clientcmdapi.Cluster, a *clientcmdapi.AuthInfo) { a.Username, a.Password = "admin", "hunter2" }, "username"},
		"impersonation":        {func(_ *clientcmdapi.Cluster, a *clientcmdapi.AuthInfo) { a.Impersonate = "system:admin" }, "impersonate"},
		"no credential":        {func(_ *clientcmdapi.Cluster, a *clientcmdapi.AuthInfo) { a.Token = "" }, "credential"},
		"cert without its key": {func(_ *clientcmdapi.Cluster, a *clientcmdapi.AuthInfo) { a.ClientCertificateData = []byte("cert") }, "client-key-data"},
	}
	for name, c := range bad {
		_, err := memberconfig.Load(kubeconfig(t, c.edit))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %q does not say what is wrong (%s)", name, err, c.says)
		}
		if strings.Contains(err.Error(), secretToken) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the error carries the credential: %q", name, err)
		}
	}
	for _, garbage := range []string{"", "not yaml: [", "apiVersion: v1\nkind: Config\n"} {
		if _, err := memberconfig.Load([]byte(garbage)); err == nil {
			t.Errorf("%q: accepted", garbage)
		}
	}
}
