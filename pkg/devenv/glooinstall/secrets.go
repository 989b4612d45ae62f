package glooinstall

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// tlsSecret is a TLS Secret the installation's SSL configurations name.
type tlsSecret struct {
	namespace, name string
	dnsNames        []string
}

// tlsSecrets are the Secrets an operator would have created for the demo's
// SSL configurations. The second member lacks failover-downstream, so Gloo
// warns about its failover Gateway there.
func (in Installation) tlsSecrets() []tlsSecret {
	out := []tlsSecret{{namespace: "team-b", name: "catalog-tls", dnsNames: []string{"catalog.example.com"}}}
	if in.FailoverSecret {
		out = append(out, tlsSecret{namespace: in.Namespace, name: "failover-downstream", dnsNames: []string{in.Cluster + ".failover.meridian.invalid"}})
	}
	return out
}

func (in Installation) installSecrets(ctx context.Context, kube kubernetes.Interface) error {
	for _, s := range in.tlsSecrets() {
		certPEM, keyPEM, err := selfSigned(s.dnsNames)
		if err != nil {
			return err
		}
		secret := &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: s.name, Namespace: s.namespace},
			Type:       corev1.SecretTypeTLS,
			Data:       map[string][]byte{corev1.TLSCertKey: certPEM, corev1.TLSPrivateKeyKey: keyPEM},
		}
		if _, err := kube.CoreV1().Secrets(s.namespace).Create(ctx, secret, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating secret %s/%s: %w", s.namespace, s.name, err)
		}
	}
	return nil
}

// selfSigned returns a throwaway self-signed certificate and key in PEM.
func selfSigned(dnsNames []string) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: dnsNames[0]},
		DNSNames:     dnsNames,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}
