// Package memberconfig is the one loader of member kubeconfigs: the
// aggregated server, the controller and `meridianctl cluster register` all
// turn a member's kubeconfig into a client configuration here, under the
// same rules.
//
// A kubeconfig Secret is written by whoever may write Secrets in the
// federation namespace, and it is read inside Meridian's pods, which hold
// Meridian's own ServiceAccount token. So a member kubeconfig may only name
// an https server with its CA inline and carry its credential inline: a
// plain-http server would get the token in clear, a file path would be
// read inside the pod (a tokenFile naming the pod's own token would send
// Meridian's credential to any server), and exec or auth-provider plugins
// would run programs there. Anything else is refused with what is wrong,
// before any file is opened or any server dialed.
package memberconfig

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Load parses a member kubeconfig and returns a client configuration for
// its current context. Errors say what is wrong with the kubeconfig and
// never contain its credential.
func Load(data []byte) (*rest.Config, error) {
	cfg, err := clientcmd.Load(data)
	if err != nil {
		// clientcmd's parse errors describe structure, never values.
		return nil, fmt.Errorf("invalid kubeconfig: %w", err)
	}
	if err := Check(cfg); err != nil {
		return nil, err
	}
	// Nothing left refers to a file or a program: the conversion reads
	// nothing but the kubeconfig itself.
	rc, err := clientcmd.NewDefaultClientConfig(*cfg, &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("invalid kubeconfig: %w", err)
	}
	return rc, nil
}

// Check reports what in a member kubeconfig Meridian refuses (see the
// package documentation), for its current context.
func Check(cfg *clientcmdapi.Config) error {
	kctx := cfg.Contexts[cfg.CurrentContext]
	if cfg.CurrentContext == "" || kctx == nil {
		return errors.New("the kubeconfig has no current context: set current-context to the member's context")
	}
	cluster := cfg.Clusters[kctx.Cluster]
	if cluster == nil {
		return fmt.Errorf("the kubeconfig's context %q names cluster %q, which it does not define", cfg.CurrentContext, kctx.Cluster)
	}
	auth := cfg.AuthInfos[kctx.AuthInfo]
	if auth == nil {
		return fmt.Errorf("the kubeconfig's context %q names user %q, which it does not define", cfg.CurrentContext, kctx.AuthInfo)
	}
	if cluster.Server == "" {
		return errors.New("the kubeconfig's cluster has no server: give the member's https URL")
	}
	u, err := url.Parse(cluster.Server)
	if err != nil {
		// Not quoted: what does not parse may still hold user info.
		return errors.New("the kubeconfig's server is not a URL: give the member's https URL")
	}
	if u.User != nil {
		// Basic authentication by another route, and a password that
		// would show wherever the server is named.
		return errors.New("the kubeconfig's server URL carries user info: give the credential as the user's token or client certificate")
	}
	if u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("the kubeconfig's server %q is not an https URL: Meridian sends its credential to members over verified TLS only", u.String())
	}
	if cluster.InsecureSkipTLSVerify {
		return errors.New("the kubeconfig disables TLS verification (insecure-skip-tls-verify); Meridian only talks to members it can verify: inline the member's CA instead")
	}
	if cluster.CertificateAuthority != "" {
		return errors.New("the kubeconfig names a certificate-authority file, which Meridian does not read: inline the CA as certificate-authority-data")
	}
	if len(cluster.CertificateAuthorityData) == 0 {
		return errors.New("the kubeconfig has no certificate-authority-data: inline the member's CA, so that Meridian verifies the member")
	}
	if !x509.NewCertPool().AppendCertsFromPEM(cluster.CertificateAuthorityData) {
		return errors.New("the kubeconfig's certificate-authority-data holds no PEM certificate")
	}
	if cluster.ProxyURL != "" {
		return errors.New("the kubeconfig sets a proxy-url, which Meridian does not support for members: reach the member directly")
	}
	refused := []struct {
		set  bool
		what string
	}{
		{auth.TokenFile != "", "a tokenFile (a file Meridian would read in its own pod): inline the token"},
		{auth.ClientCertificate != "", "a client-certificate file: inline it as client-certificate-data"},
		{auth.ClientKey != "", "a client-key file: inline it as client-key-data"},
		{auth.Exec != nil, "an exec credential plugin (a program Meridian would run): use a token or a client certificate"},
		{auth.AuthProvider != nil, "an auth-provider plugin: use a token or a client certificate"},
		{auth.Username != "" || auth.Password != "", "a username and password (basic authentication): use a token or a client certificate"},
		{auth.Impersonate != "" || auth.ImpersonateUID != "" || len(auth.ImpersonateGroups) > 0 || len(auth.ImpersonateUserExtra) > 0, "impersonate settings: give the credential of the identity Meridian should use"},
	}
	for _, r := range refused {
		if r.set {
			return errors.New("the kubeconfig's user has " + r.what)
		}
	}
	hasCert := len(auth.ClientCertificateData) > 0
	if hasCert != (len(auth.ClientKeyData) > 0) {
		return errors.New("the kubeconfig's user has only one of client-certificate-data and client-key-data: give both")
	}
	if auth.Token == "" && !hasCert {
		return errors.New("the kubeconfig's user has no credential: give a token or client-certificate-data and client-key-data")
	}
	return nil
}
