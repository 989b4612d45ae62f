package dashboard

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// LocalGate keeps `meridianctl dashboard` to the browser of the person who
// started it. The server acts with their kubeconfig's credentials, and a
// port on 127.0.0.1 is open to every local user and to any web page's
// requests: so the URL it opens carries a random token, valid while it
// runs, which a visit trades for a cookie only this origin sends (as
// Jupyter does; SameSite=Lax, since the first visit comes from the file
// the browser is opened on, and the pages only read), and a request whose Host is not the loopback address it
// listens on is refused (a DNS-rebinding page's Host is its own name).
// Cookies do not tell ports apart, so the cookie is named after the port:
// two dashboards on one machine keep theirs.
type LocalGate struct {
	token  string
	hosts  map[string]bool
	cookie string
}

// NewLocalGate returns a gate for a server listening on addr (host:port on
// a loopback address).
func NewLocalGate(addr string) (*LocalGate, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return &LocalGate{
		token:  base64.RawURLEncoding.EncodeToString(b),
		cookie: "meridian-dashboard-" + port,
		hosts: map[string]bool{
			net.JoinHostPort(host, port): true, net.JoinHostPort("localhost", port): true,
		},
	}, nil
}

// URL is the address to open: it signs the browser in.
func (g *LocalGate) URL(addr string) string {
	return "http://" + addr + "/?" + url.Values{"token": {g.token}}.Encode()
}

// Wrap lets through what the gate admits; static files need no token.
func (g *LocalGate) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.hosts[r.Host] {
			http.Error(w, "the dashboard answers only at the address meridianctl printed", http.StatusMisdirectedRequest)
			return
		}
		if t := r.URL.Query().Get("token"); t != "" {
			if !g.valid(t) {
				http.Error(w, "this dashboard link is not valid: open the URL meridianctl dashboard printed", http.StatusUnauthorized)
				return
			}
			http.SetCookie(w, &http.Cookie{Name: g.cookie, Value: g.token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
			q := r.URL.Query()
			q.Del("token")
			u := *r.URL
			u.RawQuery = q.Encode()
			http.Redirect(w, r, u.RequestURI(), http.StatusFound)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		c, err := r.Cookie(g.cookie)
		if err != nil || !g.valid(c.Value) {
			http.Error(w, "not signed in to this dashboard: open the URL meridianctl dashboard printed (it carries a token)", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (g *LocalGate) valid(t string) bool {
	return subtle.ConstantTimeCompare([]byte(t), []byte(g.token)) == 1
}
