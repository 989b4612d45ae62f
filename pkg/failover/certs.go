package failover

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"
)

// Lifetimes of the failover certificates. A leaf is reissued once two
// thirds of its life have passed, so a gateway or a primary always holds
// one with a month left; the controller checks at every reconcile and
// resync.
const (
	CALifetime   = 10 * 365 * 24 * time.Hour
	LeafLifetime = 90 * 24 * time.Hour
	// clockSkew backdates every certificate, so that a member whose clock
	// is a little behind already accepts it.
	clockSkew = 5 * time.Minute
)

// CA is Meridian's failover certificate authority: it signs the failover
// gateways' server certificates and the primaries' client certificates,
// and both sides trust only it.
type CA struct {
	Cert    *x509.Certificate
	CertPEM []byte
	key     crypto.Signer
}

// NewCA creates a CA valid from now.
func NewCA(now time.Time) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "meridian-failover-ca", Organization: []string{"meridian"}},
		NotBefore:             now.Add(-clockSkew),
		NotAfter:              now.Add(CALifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), key: key}, nil
}

// ParseCA reads a CA from its PEM certificate and key (a kubernetes.io/tls
// Secret's tls.crt and tls.key).
func ParseCA(certPEM, keyPEM []byte) (*CA, error) {
	cert, err := parseCert(certPEM)
	if err != nil {
		return nil, err
	}
	if !cert.IsCA {
		return nil, errors.New("the certificate is not a CA's")
	}
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return nil, errors.New("no PEM private key")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("the private key: %w", err)
	}
	key, ok := k.(crypto.Signer)
	if !ok {
		return nil, errors.New("the private key cannot sign")
	}
	if !publicKeysEqual(cert.PublicKey, key.Public()) {
		return nil, errors.New("the private key is not the certificate's")
	}
	return &CA{Cert: cert, CertPEM: certPEM, key: key}, nil
}

// KeyPEM is the CA's private key, PKCS #8 in PEM.
func (ca *CA) KeyPEM() ([]byte, error) { return keyPEM(ca.key) }

// Leaf is an issued certificate and its key, in PEM.
type Leaf struct {
	CertPEM, KeyPEM []byte
}

// Role says what a leaf is for.
type Role int

const (
	// Server: a target's failover gateway, presenting the DNS name the
	// primary's Envoy verifies.
	Server Role = iota
	// Client: the primary's Envoy, presenting itself to the gateways.
	Client
)

// Issue signs a certificate for dnsName in role, valid from now for
// LeafLifetime (never beyond the CA's own validity).
func (ca *CA) Issue(dnsName string, role Role, now time.Time) (Leaf, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Leaf{}, err
	}
	usage := x509.ExtKeyUsageServerAuth
	if role == Client {
		usage = x509.ExtKeyUsageClientAuth
	}
	notAfter := now.Add(LeafLifetime)
	if notAfter.After(ca.Cert.NotAfter) {
		notAfter = ca.Cert.NotAfter
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: dnsName, Organization: []string{"meridian"}},
		DNSNames:     []string{dnsName},
		NotBefore:    now.Add(-clockSkew),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.key)
	if err != nil {
		return Leaf{}, err
	}
	kp, err := keyPEM(key)
	if err != nil {
		return Leaf{}, err
	}
	return Leaf{CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), KeyPEM: kp}, nil
}

// Current reports whether a leaf already issued can stay: it parses,
// chains to this CA, names exactly dnsName, is for role, and has more than
// a third of its life left at now. Anything else is reissued.
func (ca *CA) Current(l Leaf, dnsName string, role Role, now time.Time) bool {
	cert, err := parseCert(l.CertPEM)
	if err != nil {
		return false
	}
	usage := x509.ExtKeyUsageServerAuth
	if role == Client {
		usage = x509.ExtKeyUsageClientAuth
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, DNSName: dnsName, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{usage}}); err != nil {
		return false
	}
	if !slices.Equal(cert.DNSNames, []string{dnsName}) {
		return false
	}
	life := cert.NotAfter.Sub(cert.NotBefore)
	if cert.NotAfter.Sub(now) < life/3 {
		return false
	}
	block, _ := pem.Decode(l.KeyPEM)
	if block == nil {
		return false
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return false
	}
	signer, ok := key.(crypto.Signer)
	return ok && publicKeysEqual(cert.PublicKey, signer.Public())
}

// NeedsRenewal reports whether the CA itself is past two thirds of its
// life at now.
func (ca *CA) NeedsRenewal(now time.Time) bool {
	life := ca.Cert.NotAfter.Sub(ca.Cert.NotBefore)
	return ca.Cert.NotAfter.Sub(now) < life/3
}

func parseCert(certPEM []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM certificate")
	}
	return x509.ParseCertificate(block.Bytes)
}

func keyPEM(key crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	ak, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ak.Equal(b)
}

// serial is a random 128-bit serial number (RFC 5280 allows up to 20
// octets; random serials make two issuances never collide).
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return n
}
