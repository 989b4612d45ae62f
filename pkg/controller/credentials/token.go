package credentials

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// tokenInfo is what a ServiceAccount token says of itself.
type tokenInfo struct {
	Namespace, ServiceAccount string
	IssuedAt, Expires         time.Time
}

// Lifetime is how long the token was issued for.
func (t tokenInfo) Lifetime() time.Duration { return t.Expires.Sub(t.IssuedAt) }

// RenewAt is when a token should be replaced: after fraction of its lifetime.
func (t tokenInfo) RenewAt(fraction float64) time.Time {
	return t.IssuedAt.Add(time.Duration(float64(t.Lifetime()) * fraction))
}

// parseToken reads the claims of a ServiceAccount JWT. It does not verify
// the signature: the token is Meridian's own, read to know when to renew it
// and whom to renew it for; the member verifies it on every use.
func parseToken(token string) (tokenInfo, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return tokenInfo{}, errors.New("not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return tokenInfo{}, fmt.Errorf("JWT payload: %w", err)
	}
	var claims struct {
		Sub string `json:"sub"`
		Iat int64  `json:"iat"`
		Exp int64  `json:"exp"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return tokenInfo{}, fmt.Errorf("JWT claims: %w", err)
	}
	const prefix = "system:serviceaccount:"
	ns, name, ok := strings.Cut(strings.TrimPrefix(claims.Sub, prefix), ":")
	if !strings.HasPrefix(claims.Sub, prefix) || !ok || ns == "" || name == "" {
		return tokenInfo{}, errors.New("not a ServiceAccount token")
	}
	if claims.Exp == 0 || claims.Iat == 0 || claims.Exp <= claims.Iat {
		return tokenInfo{}, errors.New("a token without a bounded lifetime")
	}
	return tokenInfo{Namespace: ns, ServiceAccount: name, IssuedAt: time.Unix(claims.Iat, 0), Expires: time.Unix(claims.Exp, 0)}, nil
}
