package devenv

import (
	"crypto/x509"
	"testing"
)

func TestIssuedCertificatesVerifyAgainstTheirCA(t *testing.T) {
	ca, err := newCA("test-ca")
	if err != nil {
		t.Fatal(err)
	}
	if !ca.cert.IsCA {
		t.Fatal("a CA certificate must be marked as CA")
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.cert)

	serving, err := ca.servingCert("kube-apiserver")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"127.0.0.1", "localhost"} {
		if _, err := serving.cert.Verify(x509.VerifyOptions{Roots: roots, DNSName: name, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
			t.Errorf("serving certificate for %s: %v", name, err)
		}
	}
	if _, err := serving.cert.Verify(x509.VerifyOptions{Roots: roots, DNSName: "example.com"}); err == nil {
		t.Error("the serving certificate must not be valid for other names")
	}

	client, err := ca.clientCert("alice", "system:masters")
	if err != nil {
		t.Fatal(err)
	}
	if client.cert.Subject.CommonName != "alice" || len(client.cert.Subject.Organization) != 1 || client.cert.Subject.Organization[0] != "system:masters" {
		t.Errorf("client certificate subject %v: kube-apiserver reads the user from CN and groups from O", client.cert.Subject)
	}
	if _, err := client.cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Error(err)
	}

	other, _ := newCA("other-ca")
	otherRoots := x509.NewCertPool()
	otherRoots.AddCert(other.cert)
	if _, err := serving.cert.Verify(x509.VerifyOptions{Roots: otherRoots, DNSName: "localhost"}); err == nil {
		t.Error("a certificate must not verify against another CA (members have distinct CAs)")
	}
}
