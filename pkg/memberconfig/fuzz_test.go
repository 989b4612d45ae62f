package memberconfig

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// fuzzCA is a certificate (no key anywhere) for kubeconfigs that pass the
// CA check, so that fuzzing reaches what lies behind it.
const fuzzCA = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJpRENDQVMrZ0F3SUJBZ0lVZm16bVFFVjJQdVRZV1dCN3ZmOFFwSGI5cTY0d0NnWUlLb1pJemowRUF3SXcKR1RFWE1CVUdBMVVFQXd3T1puVjZlaTF0WlcxaVpYSXRZMkV3SUJjTk1qWXhNakF5TURVeU5EQXpXaGdQTWpFeQpOakV4TURnd05USTBNRE5hTUJreEZ6QVZCZ05WQkFNTURtWjFlbm90YldWdFltVnlMV05oTUZrd0V3WUhLb1pJCnpqMENBUVlJS29aSXpqMERBUWNEUWdBRWJxWkwvVDhHQmVKYWIrN0xNMXMrbnIvOHhSZWtjR1VvN0FoR3lVL3UKVEt2Y0lzdVFrQWJyc21CWHlSSEdyQlNGQ1JiR1lJMWJIekhJaXZ2aUcyWGFnS05UTUZFd0hRWURWUjBPQkJZRQpGQ2d5NUoxUSt0bm1LeU16T0NRMnRkR043VEZoTUI4R0ExVWRJd1FZTUJhQUZDZ3k1SjFRK3RubUt5TXpPQ1EyCnRkR043VEZoTUE4R0ExVWRFd0VCL3dRRk1BTUJBZjh3Q2dZSUtvWkl6ajBFQXdJRFJ3QXdSQUlnVVpqcElSMlEKUG8wWHZqaGdzVWtLOThFOXU5RzRlMjY5Zzh6dmR5aTVzWndDSUZvUGE4T3JSSzNESytHakk2RnFCWGkyUzIyNApLTG1kL2dUTnZvVTBCSmxlCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K"

// fuzzCredentials returns the credential values of a kubeconfig (tokens,
// passwords, keys, and the password of a server URL's user info), found
// however the YAML nests them; nil when it is not YAML.
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
				s, isString := x.(string)
				switch k {
				case "token", "password", "client-key-data", "id-token", "refresh-token", "client-secret", "access-token":
					if isString {
						out = append(out, s)
					}
				case "server", "proxy-url":
					if u, err := url.Parse(s); isString && err == nil && u.User != nil {
						if p, ok := u.User.Password(); ok {
							out = append(out, p)
						}
					} else if isString {
						// Unparseable: whatever sits between "//" and "@"
						// may be user info.
						if _, rest, ok := strings.Cut(s, "//"); ok {
							if info, _, ok := strings.Cut(rest, "@"); ok {
								if _, p, ok := strings.Cut(info, ":"); ok {
									out = append(out, p)
								}
							}
						}
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

// fuzzCheckNoCredential fails when err shows a credential of the input: a
// credential of at least 6 bytes that appears in the error, and does not
// when the same input carries another value of the same length there (so
// it is not text the error has anyway).
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

// FuzzLoad reads member kubeconfigs of any bytes: never a panic, never an
// error that shows a credential, and what it accepts obeys the package's
// rules (https, TLS verified, no file, no program, no proxy).
// Seeds: testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	errorOf := func(data []byte) error {
		_, err := Load(data)
		return err
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Load(data)
		fuzzCheckNoCredential(t, data, err, errorOf)
		if err != nil {
			return
		}
		u, perr := url.Parse(cfg.Host)
		switch {
		case perr != nil || u.Scheme != "https":
			t.Fatalf("accepted server %q, not https:\n%s", cfg.Host, data)
		case u.User != nil:
			t.Fatalf("accepted server %q with user info (basic authentication by another route):\n%s", cfg.Host, data)
		case cfg.Insecure || len(cfg.CAData) == 0:
			t.Fatalf("accepted a configuration that does not verify the member (insecure %v, CA data %d bytes):\n%s", cfg.Insecure, len(cfg.CAData), data)
		case cfg.BearerTokenFile != "" || cfg.CAFile != "" || cfg.CertFile != "" || cfg.KeyFile != "":
			t.Fatalf("accepted a configuration that reads files (%q %q %q %q):\n%s", cfg.BearerTokenFile, cfg.CAFile, cfg.CertFile, cfg.KeyFile, data)
		case cfg.ExecProvider != nil || cfg.AuthProvider != nil:
			t.Fatalf("accepted a credential plugin:\n%s", data)
		case cfg.Proxy != nil || cfg.Username != "" || cfg.Password != "" || cfg.Impersonate.UserName != "":
			t.Fatalf("accepted a proxy, basic authentication or impersonation:\n%s", data)
		case cfg.BearerToken == "" && len(cfg.CertData) == 0:
			t.Fatalf("accepted a configuration without a credential:\n%s", data)
		}
	})
}
