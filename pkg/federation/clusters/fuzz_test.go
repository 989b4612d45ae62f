package clusters

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
)

// fuzzKubeconfig is a kubeconfig with its credentials and server filled in
// as text, the way a hand-edited Secret is: a fuzzed value may break the
// YAML around it, which is an input as good as any.
func fuzzKubeconfig(server, token, password, keyData string, insecure bool) []byte {
	var user strings.Builder
	if token != "" {
		fmt.Fprintf(&user, "    token: %s\n", token)
	}
	if password != "" {
		fmt.Fprintf(&user, "    username: admin\n    password: %s\n", password)
	}
	if keyData != "" {
		fmt.Fprintf(&user, "    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==\n    client-key-data: %s\n", keyData)
	}
	if user.Len() == 0 {
		user.WriteString("    {}\n")
	}
	return []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: member
  cluster:
    server: %s
    insecure-skip-tls-verify: %v
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
contexts:
- name: member
  context: {cluster: member, user: member}
current-context: member
users:
- name: member
  user:
%s`, server, insecure, user.String()))
}

// fuzzCredentials returns the credential values of a kubeconfig (tokens,
// passwords, private keys and what they decode to), found however the YAML
// nests them; nil when it is not YAML.
func fuzzCredentials(data []byte) []string {
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				switch k {
				case "token", "password", "client-key-data", "client-key", "id-token", "refresh-token", "client-secret", "access-token":
					if s, ok := x.(string); ok {
						out = append(out, s)
					}
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	return out
}

// fuzzCheckNoCredential fails when err shows a credential of the input:
// a credential of at least 6 bytes that appears in the error, and does not
// when the same input carries another value of the same length there (so
// it is not text the error has anyway, like "kubeconfig").
func fuzzCheckNoCredential(t *testing.T, data []byte, err error, errorOf func([]byte) error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	for _, cred := range fuzzCredentials(data) {
		for _, c := range []string{cred, strings.TrimSpace(cred)} {
			if len(c) < 6 || !strings.Contains(msg, c) {
				continue
			}
			canary := bytes.ReplaceAll(data, []byte(c), bytes.Repeat([]byte("Q"), len(c)))
			if other := errorOf(canary); other != nil && strings.Contains(other.Error(), c) {
				continue
			}
			t.Fatalf("an error shows credential %q of the kubeconfig:\n%s\nkubeconfig:\n%s", c, msg, data)
		}
	}
}

func fuzzRESTConfigError(data []byte) error {
	_, err := RESTConfigFromKubeconfig(data)
	return err
}

// FuzzRESTConfigFromKubeconfig reads kubeconfigs of any bytes: never a
// panic, never a configuration that skips TLS verification, never an error
// that shows a credential. Seeds: testdata/fuzz/FuzzRESTConfigFromKubeconfig.
func FuzzRESTConfigFromKubeconfig(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := RESTConfigFromKubeconfig(data)
		if err == nil && cfg.Insecure {
			t.Fatalf("accepted a kubeconfig that skips TLS verification:\n%s", data)
		}
		fuzzCheckNoCredential(t, data, err, fuzzRESTConfigError)
	})
}

// FuzzKubeconfigSecret reads kubeconfig Secrets whose server, credentials
// and TLS setting are fuzzed, through the registry's configFor: never a
// panic, insecure-skip-tls-verify always refused, no credential in an
// error, the token returned apart and left out of the fingerprint (a
// renewed token does not reconnect).
func FuzzKubeconfigSecret(f *testing.F) {
	f.Fuzz(func(t *testing.T, server, token, password, keyData string, insecure bool, secretName string) {
		data := fuzzKubeconfig(server, token, password, keyData, insecure)
		errorOf := func(data []byte) error {
			_, _, _, err := fuzzConfigFor(secretName, data)
			return err
		}
		cfg, fp, gotToken, err := fuzzConfigFor(secretName, data)
		fuzzCheckNoCredential(t, data, err, errorOf)
		if err != nil {
			return
		}
		if cfg.Insecure {
			t.Fatalf("accepted a kubeconfig that skips TLS verification:\n%s", data)
		}
		if gotToken != cfg.BearerToken {
			t.Fatalf("token %q returned apart, the configuration has %q", gotToken, cfg.BearerToken)
		}
		// The same Secret with another token: the same fingerprint.
		if gotToken == "" || !strings.Contains(string(data), gotToken) {
			return
		}
		renewed := bytes.Replace(data, []byte("token: "+token), []byte("token: renewed"+fmt.Sprint(len(token))), 1)
		cfg2, fp2, token2, err := fuzzConfigFor(secretName, renewed)
		if err != nil || token2 == gotToken || cfg2.Host != cfg.Host {
			return // the fuzzed token was not only the token
		}
		if fp2 != fp {
			t.Fatalf("a renewed token changes the fingerprint (the member would reconnect):\n%s", data)
		}
	})
}

// fuzzConfigFor runs the registry's configFor on a Secret holding data.
func fuzzConfigFor(secretName string, data []byte) (*rest.Config, string, string, error) {
	r := &Registry{namespace: "meridian-system", caches: cache.NewSet(0, 0)}
	r.secretGet = func(name string) (*corev1.Secret, error) {
		if name != secretName {
			return nil, apierrors.NewNotFound(corev1.Resource("secrets"), name)
		}
		return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: r.namespace},
			Data: map[string][]byte{fedv1alpha1.KubeconfigSecretKey: data}}, nil
	}
	kc := &fedv1alpha1.KubernetesCluster{ObjectMeta: metav1.ObjectMeta{Name: "east", Namespace: r.namespace}}
	kc.Spec.SecretName = secretName
	return r.configFor(kc)
}
