package failover

import (
	"crypto/x509"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func mustCA(t *testing.T, now time.Time) *CA {
	t.Helper()
	ca, err := NewCA(now)
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

func TestCARoundTripsThroughItsSecretAndRefusesWhatIsNotOne(t *testing.T) {
	ca := mustCA(t, t0)
	keyPEM, err := ca.KeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseCA(ca.CertPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Cert.Equal(ca.Cert) {
		t.Error("another certificate")
	}
	other := mustCA(t, t0)
	otherKey, _ := other.KeyPEM()
	for name, c := range map[string][2][]byte{
		"another CA's key": {ca.CertPEM, otherKey},
		"no key":           {ca.CertPEM, nil},
		"no certificate":   {[]byte("junk"), keyPEM},
		"a leaf": func() [2][]byte {
			l, err := ca.Issue("east.failover.meridian.io", Server, t0)
			if err != nil {
				t.Fatal(err)
			}
			return [2][]byte{l.CertPEM, l.KeyPEM}
		}(),
	} {
		if _, err := ParseCA(c[0], c[1]); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestIssuedCertificatesChainToTheCAForTheirNameAndRoleOnly(t *testing.T) {
	ca := mustCA(t, t0)
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	server, err := ca.Issue("east.failover.meridian.io", Server, t0)
	if err != nil {
		t.Fatal(err)
	}
	client, err := ca.Issue("west.failover.meridian.io", Client, t0)
	if err != nil {
		t.Fatal(err)
	}
	verify := func(l Leaf, name string, usage x509.ExtKeyUsage) error {
		c, err := parseCert(l.CertPEM)
		if err != nil {
			return err
		}
		_, err = c.Verify(x509.VerifyOptions{Roots: pool, DNSName: name, CurrentTime: t0, KeyUsages: []x509.ExtKeyUsage{usage}})
		return err
	}
	if err := verify(server, "east.failover.meridian.io", x509.ExtKeyUsageServerAuth); err != nil {
		t.Errorf("server: %v", err)
	}
	if err := verify(client, "west.failover.meridian.io", x509.ExtKeyUsageClientAuth); err != nil {
		t.Errorf("client: %v", err)
	}
	if verify(server, "west.failover.meridian.io", x509.ExtKeyUsageServerAuth) == nil {
		t.Error("a gateway's certificate verifies for another cluster's name")
	}
	if verify(server, "east.failover.meridian.io", x509.ExtKeyUsageClientAuth) == nil {
		t.Error("a server certificate is accepted as a client's")
	}
	if verify(client, "west.failover.meridian.io", x509.ExtKeyUsageServerAuth) == nil {
		t.Error("a client certificate is accepted as a server's")
	}
	c, _ := parseCert(server.CertPEM)
	if got := c.NotAfter.Sub(t0); got != LeafLifetime {
		t.Errorf("lifetime %s", got)
	}
	// Never beyond the CA.
	late, err := ca.Issue("east.failover.meridian.io", Server, ca.Cert.NotAfter.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := parseCert(late.CertPEM); c.NotAfter.After(ca.Cert.NotAfter) {
		t.Errorf("outlives the CA: %s > %s", c.NotAfter, ca.Cert.NotAfter)
	}
}

// A certificate is reissued when anything about it is not as wanted, and
// once two thirds of its life have passed.
func TestACertificateStaysOnlyWhileCurrent(t *testing.T) {
	ca := mustCA(t, t0)
	name := "east.failover.meridian.io"
	l, err := ca.Issue(name, Server, t0)
	if err != nil {
		t.Fatal(err)
	}
	other := mustCA(t, t0)
	foreign, _ := other.Issue(name, Server, t0)
	otherKey, _ := ca.Issue(name, Server, t0)
	for _, c := range []struct {
		what string
		leaf Leaf
		name string
		role Role
		at   time.Time
		want bool
	}{
		{"just issued", l, name, Server, t0, true},
		{"59 days on", l, name, Server, t0.Add(59 * 24 * time.Hour), true},
		{"61 days on: past two thirds", l, name, Server, t0.Add(61 * 24 * time.Hour), false},
		{"expired", l, name, Server, t0.Add(LeafLifetime + time.Hour), false},
		{"another name", l, "west.failover.meridian.io", Server, t0, false},
		{"another role", l, name, Client, t0, false},
		{"another CA's", foreign, name, Server, t0, false},
		{"its key swapped", Leaf{CertPEM: l.CertPEM, KeyPEM: otherKey.KeyPEM}, name, Server, t0, false},
		{"empty", Leaf{}, name, Server, t0, false},
		{"garbage", Leaf{CertPEM: []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), KeyPEM: l.KeyPEM}, name, Server, t0, false},
	} {
		if got := ca.Current(c.leaf, c.name, c.role, c.at); got != c.want {
			t.Errorf("%s: current %v, want %v", c.what, got, c.want)
		}
	}
	if ca.NeedsRenewal(t0.Add(CALifetime / 2)) {
		t.Error("the CA is renewed at half its life")
	}
	if !ca.NeedsRenewal(t0.Add(CALifetime * 3 / 4)) {
		t.Error("the CA is not renewed at three quarters of its life")
	}
}
