package credentials

import (
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"
)

func jwt(t *testing.T, claims map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(payload) + ".c2lnbmF0dXJl"
}

func TestParseToken(t *testing.T) {
	iat := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	tok := jwt(t, map[string]any{"sub": "system:serviceaccount:meridian-system:meridian-east", "iat": iat.Unix(), "exp": iat.Add(24 * time.Hour).Unix()})
	info, err := parseToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	if info.Namespace != "meridian-system" || info.ServiceAccount != "meridian-east" || info.Lifetime() != 24*time.Hour {
		t.Fatalf("parsed %+v", info)
	}
	if got := info.RenewAt(DefaultRenewFraction); !got.Equal(iat.Add(16 * time.Hour)) {
		t.Errorf("renew at %s, want 16h after issue", got)
	}
	for name, bad := range map[string]string{
		"not a JWT":        "abc",
		"not base64":       "a.%%%.c",
		"a user's token":   jwt(t, map[string]any{"sub": "alice", "iat": 1, "exp": 2}),
		"without lifetime": jwt(t, map[string]any{"sub": "system:serviceaccount:ns:sa"}),
	} {
		if _, err := parseToken(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
