package devenv

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// certValidity is long enough for any demo or test run, short enough that a
// leaked test key is worthless soon.
const certValidity = 30 * 24 * time.Hour

// keyPair is a certificate with its private key, kept both parsed (to sign
// more certificates) and PEM-encoded (to write files and kubeconfigs).
type keyPair struct {
	cert    *x509.Certificate
	key     crypto.Signer
	CertPEM []byte
	KeyPEM  []byte
}

func newKey() (crypto.Signer, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}

func serialNumber() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

// newCA creates a self-signed certificate authority.
func newCA(commonName string) (*keyPair, error) {
	tmpl, key, keyPEM, err := newTemplate(pkix.Name{CommonName: commonName})
	if err != nil {
		return nil, err
	}
	tmpl.KeyUsage |= x509.KeyUsageCertSign
	tmpl.BasicConstraintsValid = true
	tmpl.IsCA = true
	return sign(tmpl, tmpl, key, key, keyPEM)
}

// newTemplate returns a certificate template with a fresh key and serial,
// valid from an hour ago (clock skew) for certValidity.
func newTemplate(subject pkix.Name) (*x509.Certificate, crypto.Signer, []byte, error) {
	key, keyPEM, err := newKey()
	if err != nil {
		return nil, nil, nil, err
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, nil, nil, err
	}
	now := time.Now()
	return &x509.Certificate{
		SerialNumber: serial,
		Subject:      subject,
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(certValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
	}, key, keyPEM, nil
}

// certRequest describes a leaf certificate to issue.
type certRequest struct {
	commonName   string
	organization []string
	ipAddresses  []net.IP
	dnsNames     []string
	usages       []x509.ExtKeyUsage
}

// issue signs a new leaf certificate with the CA.
func (ca *keyPair) issue(req certRequest) (*keyPair, error) {
	tmpl, key, keyPEM, err := newTemplate(pkix.Name{CommonName: req.commonName, Organization: req.organization})
	if err != nil {
		return nil, err
	}
	tmpl.ExtKeyUsage = req.usages
	tmpl.IPAddresses = req.ipAddresses
	tmpl.DNSNames = req.dnsNames
	return sign(tmpl, ca.cert, key, ca.key, keyPEM)
}

func sign(tmpl, parent *x509.Certificate, key, parentKey crypto.Signer, keyPEM []byte) (*keyPair, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		return nil, fmt.Errorf("signing certificate %q: %w", tmpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &keyPair{
		cert:    cert,
		key:     key,
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  keyPEM,
	}, nil
}

// servingCert issues a certificate valid for the loopback addresses a local
// server listens on.
func (ca *keyPair) servingCert(commonName string) (*keyPair, error) {
	return ca.issue(certRequest{
		commonName:  commonName,
		ipAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.IPv6loopback},
		dnsNames:    []string{"localhost"},
		usages:      []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
}

// clientCert issues a client certificate; kube-apiserver maps CN to the user
// name and O to groups.
func (ca *keyPair) clientCert(user string, groups ...string) (*keyPair, error) {
	return ca.issue(certRequest{
		commonName:   user,
		organization: groups,
		usages:       []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
}

// write stores the pair as <base>.crt and <base>.key in dir and returns the paths.
func (kp *keyPair) write(dir, base string) (certFile, keyFile string, err error) {
	certFile = filepath.Join(dir, base+".crt")
	keyFile = filepath.Join(dir, base+".key")
	if err := os.WriteFile(certFile, kp.CertPEM, 0o600); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(keyFile, kp.KeyPEM, 0o600); err != nil {
		return "", "", err
	}
	return certFile, keyFile, nil
}

// writeServiceAccountKey writes an RSA key pair for signing service account
// tokens (kube-apiserver's --service-account-signing-key-file wants RSA or EC;
// RSA is what every cluster uses) and returns the private and public key paths.
func writeServiceAccountKey(dir string) (privateFile, publicFile string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return "", "", err
	}
	privateFile = filepath.Join(dir, "sa.key")
	publicFile = filepath.Join(dir, "sa.pub")
	if err := os.WriteFile(privateFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(publicFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o600); err != nil {
		return "", "", err
	}
	return privateFile, publicFile, nil
}
