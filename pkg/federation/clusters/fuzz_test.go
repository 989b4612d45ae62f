package clusters

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
)

// fuzzCA is a certificate (no key anywhere) for kubeconfigs that pass the
// CA check, so that fuzzing reaches what lies behind it.
const fuzzCA = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJpRENDQVMrZ0F3SUJBZ0lVZm16bVFFVjJQdVRZV1dCN3ZmOFFwSGI5cTY0d0NnWUlLb1pJemowRUF3SXcKR1RFWE1CVUdBMVVFQXd3T1puVjZlaTF0WlcxaVpYSXRZMkV3SUJjTk1qWXhNakF5TURVeU5EQXpXaGdQTWpFeQpOakV4TURnd05USTBNRE5hTUJreEZ6QVZCZ05WQkFNTURtWjFlbm90YldWdFltVnlMV05oTUZrd0V3WUhLb1pJCnpqMENBUVlJS29aSXpqMERBUWNEUWdBRWJxWkwvVDhHQmVKYWIrN0xNMXMrbnIvOHhSZWtjR1VvN0FoR3lVL3UKVEt2Y0lzdVFrQWJyc21CWHlSSEdyQlNGQ1JiR1lJMWJIekhJaXZ2aUcyWGFnS05UTUZFd0hRWURWUjBPQkJZRQpGQ2d5NUoxUSt0bm1LeU16T0NRMnRkR043VEZoTUI4R0ExVWRJd1FZTUJhQUZDZ3k1SjFRK3RubUt5TXpPQ1EyCnRkR043VEZoTUE4R0ExVWRFd0VCL3dRRk1BTUJBZjh3Q2dZSUtvWkl6ajBFQXdJRFJ3QXdSQUlnVVpqcElSMlEKUG8wWHZqaGdzVWtLOThFOXU5RzRlMjY5Zzh6dmR5aTVzWndDSUZvUGE4T3JSSzNESytHakk2RnFCWGkyUzIyNApLTG1kL2dUTnZvVTBCSmxlCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K"

// fuzzKubeconfig is a kubeconfig with its server, credentials and TLS
// setting filled in as text, the way a hand-edited Secret is: a fuzzed value
// may break the YAML around it, which is an input as good as any.
func fuzzKubeconfig(server, token, password, keyData string, insecure bool) []byte {
	var user strings.Builder
	if token != "" {
		fmt.Fprintf(&user, "    token: %s\n", token)
	}
	if password != "" {
		fmt.Fprintf(&user, "    username: admin\n    password: %s\n", password)
	}
	if keyData != "" {
		fmt.Fprintf(&user, "    client-certificate-data: %s\n    client-key-data: %s\n", fuzzCA, keyData)
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
    certificate-authority-data: %s
contexts:
- name: member
  context: {cluster: member, user: member}
current-context: member
users:
- name: member
  user:
%s`, server, insecure, fuzzCA, user.String()))
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

// FuzzKubeconfigSecret reads kubeconfig Secrets whose server, credentials
// and TLS setting are fuzzed, through the registry's configFor: never a
// panic, insecure-skip-tls-verify always refused, no credential in an error
// (the token, password, key, or a password in the server URL: checked
// against the same Secret with the credential replaced, so that text the
// error has anyway does not count), the token returned apart and left out
// of the fingerprint (a renewed token does not reconnect).
// Seeds: testdata/fuzz/FuzzKubeconfigSecret.
func FuzzKubeconfigSecret(f *testing.F) {
	f.Fuzz(func(t *testing.T, server, token, password, keyData string, insecure bool, secretName string) {
		data := fuzzKubeconfig(server, token, password, keyData, insecure)
		cfg, fp, gotToken, err := fuzzConfigFor(secretName, data)
		if err != nil {
			creds := []string{token, password, keyData}
			if _, rest, ok := strings.Cut(server, "//"); ok {
				if info, _, ok := strings.Cut(rest, "@"); ok {
					if _, p, ok := strings.Cut(info, ":"); ok {
						creds = append(creds, p)
					}
				}
			}
			if u, perr := url.Parse(server); perr == nil && u.User != nil {
				if p, ok := u.User.Password(); ok {
					creds = append(creds, p)
				}
			}
			for _, c := range creds {
				c = strings.TrimSpace(c)
				if len(c) < 6 || !strings.Contains(err.Error(), c) {
					continue
				}
				canary := bytes.ReplaceAll(data, []byte(c), bytes.Repeat([]byte("Q"), len(c)))
				if _, _, _, other := fuzzConfigFor(secretName, canary); other != nil && strings.Contains(other.Error(), c) {
					continue // the error has that text whatever the credential
				}
				t.Fatalf("an error shows credential %q of the kubeconfig Secret:\n%v\nkubeconfig:\n%s", c, err, data)
			}
			return
		}
		if cfg.Insecure {
			t.Fatalf("accepted a kubeconfig that skips TLS verification:\n%s", data)
		}
		if gotToken != cfg.BearerToken {
			t.Fatalf("token %q returned apart, the configuration has %q", gotToken, cfg.BearerToken)
		}
		// The same Secret with another token: the same fingerprint.
		if gotToken == "" || !bytes.Contains(data, []byte("token: "+token+"\n")) {
			return
		}
		renewed := bytes.Replace(data, []byte("token: "+token+"\n"), []byte(fmt.Sprintf("token: renewed%d\n", len(token))), 1)
		cfg2, fp2, token2, err := fuzzConfigFor(secretName, renewed)
		if err != nil || token2 == gotToken || cfg2.Host != cfg.Host {
			return // the fuzzed token was not only the token
		}
		if fp2 != fp {
			t.Fatalf("a renewed token changes the fingerprint (the member would reconnect):\n%s", data)
		}
	})
}
