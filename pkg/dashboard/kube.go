package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/transport"
)

// kubeReader is a Reader over client-go. Whose identity it reads with is
// in its http.Client's transport.
type kubeReader struct {
	rest    *rest.RESTClient
	dynamic *dynamic.DynamicClient
}

func newKubeReader(cfg *rest.Config, client *http.Client) (*kubeReader, error) {
	c := rest.CopyConfig(cfg)
	c.APIPath = "/apis"
	c.GroupVersion = &schema.GroupVersion{}
	c.NegotiatedSerializer = scheme.Codecs.WithoutConversion()
	rc, err := rest.RESTClientForConfigAndClient(c, client)
	if err != nil {
		return nil, err
	}
	dc, err := dynamic.NewForConfigAndClient(cfg, client)
	if err != nil {
		return nil, err
	}
	return &kubeReader{rest: rc, dynamic: dc}, nil
}

func path(gvr schema.GroupVersionResource, namespace string, name ...string) string {
	parts := []string{"/apis", gvr.Group, gvr.Version}
	if namespace != "" {
		parts = append(parts, "namespaces", namespace)
	}
	parts = append(parts, gvr.Resource)
	return strings.Join(append(parts, name...), "/")
}

// list asks for one page. The first page is read from the views' cache
// (resourceVersion 0), as a dashboard's reads need no member round trip:
// what changes after it is brought by the live updates.
func (k *kubeReader) list(ctx context.Context, gvr schema.GroupVersionResource, opts ListOptions) *rest.Request {
	req := k.rest.Get().AbsPath(path(gvr, opts.Namespace))
	if opts.LabelSelector != "" {
		req = req.Param("labelSelector", opts.LabelSelector)
	}
	if opts.FieldSelector != "" {
		req = req.Param("fieldSelector", opts.FieldSelector)
	}
	if opts.Limit > 0 {
		req = req.Param("limit", strconv.FormatInt(opts.Limit, 10))
	}
	if opts.Continue != "" {
		req = req.Param("continue", opts.Continue)
	} else {
		req = req.Param("resourceVersion", "0")
	}
	return req
}

func warnings(r rest.Result) []string {
	var out []string
	for _, w := range r.Warnings() {
		out = append(out, w.Text)
	}
	return out
}

func (k *kubeReader) Table(ctx context.Context, gvr schema.GroupVersionResource, opts ListOptions) (*Page, error) {
	res := k.list(ctx, gvr, opts).
		SetHeader("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json").
		Param("includeObject", string(metav1.IncludeMetadata)).
		Do(ctx)
	raw, err := res.Raw()
	if err != nil {
		return nil, err
	}
	var t metav1.Table
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, fmt.Errorf("reading the table of %s: %w", gvr.Resource, err)
	}
	if t.Kind != "Table" {
		return nil, fmt.Errorf("the server answered a list of %s with %q, not a Table", gvr.Resource, t.Kind)
	}
	return &Page{Table: &t, Warnings: warnings(res)}, nil
}

func (k *kubeReader) List(ctx context.Context, gvr schema.GroupVersionResource, opts ListOptions) (*unstructured.UnstructuredList, []string, error) {
	res := k.list(ctx, gvr, opts).SetHeader("Accept", "application/json").Do(ctx)
	raw, err := res.Raw()
	if err != nil {
		return nil, nil, err
	}
	var l unstructured.UnstructuredList
	if err := l.UnmarshalJSON(raw); err != nil {
		return nil, nil, fmt.Errorf("reading the list of %s: %w", gvr.Resource, err)
	}
	return &l, warnings(res), nil
}

func (k *kubeReader) Get(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
	return k.dynamic.Resource(gvr).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
}

func (k *kubeReader) Watch(ctx context.Context, gvr schema.GroupVersionResource, namespace, resourceVersion string) (watch.Interface, error) {
	return k.dynamic.Resource(gvr).Namespace(namespace).Watch(ctx, metav1.ListOptions{
		ResourceVersion: resourceVersion, AllowWatchBookmarks: true,
	})
}

// asTheUser is Readers acting with one identity for every request: that of
// the kubeconfig of whoever ran `meridianctl dashboard`. Only requests that
// pass the local gate (gate.go) reach it.
type asTheUser struct{ reader Reader }

// ForKubeconfig returns the Readers of `meridianctl dashboard`: every
// request acts with cfg's credentials.
func ForKubeconfig(cfg *rest.Config) (Readers, error) {
	client, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, err
	}
	r, err := newKubeReader(cfg, client)
	if err != nil {
		return nil, err
	}
	return asTheUser{r}, nil
}

func (a asTheUser) For(*http.Request) (Reader, error) { return a.reader, nil }

// ProxyHeaders name the headers an authenticating proxy (oauth2-proxy's
// --pass-user-headers, for one) sets to the signed-in user.
type ProxyHeaders struct {
	// User is the header carrying the user name (X-Forwarded-User).
	User string
	// Groups carries the groups, comma-separated (X-Forwarded-Groups).
	Groups string
}

// impersonating acts for the user an authenticating proxy in front of the
// dashboard signed in, by impersonation: the dashboard's own credential
// (a ServiceAccount allowed to impersonate) sends Impersonate-User and
// Impersonate-Group, so the management cluster's RBAC judges the user.
type impersonating struct {
	cfg     *rest.Config
	base    http.RoundTripper
	headers ProxyHeaders
	// onlyGroups, when not empty, are the groups the credential may
	// impersonate; the user's other groups are not passed on.
	onlyGroups []string
}

// ForImpersonation returns Readers that impersonate the user named by an
// authenticating proxy's headers, with cfg's credential (which must be
// allowed to impersonate). A request without the user header is refused.
// When onlyGroups is not empty, only those of the user's groups are
// impersonated and the others dropped: Kubernetes refuses a request that
// names a group the credential may not impersonate, so with its
// impersonation narrowed to some groups (RBAC resourceNames) every user in
// one more group would be refused everything. Dropping a group only
// narrows what the user may see.
func ForImpersonation(cfg *rest.Config, headers ProxyHeaders, onlyGroups []string) (Readers, error) {
	if cfg.Impersonate.UserName != "" {
		return nil, fmt.Errorf("the dashboard's own credential already impersonates %q: give it a credential of its own", cfg.Impersonate.UserName)
	}
	base, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, err
	}
	return &impersonating{cfg: cfg, base: base.Transport, headers: headers, onlyGroups: onlyGroups}, nil
}

// For trusts the headers only over a Unix socket or from the loopback
// address: the proxy is a sidecar in the dashboard's pod
// (artifacts/dashboard), and anything else that reached the port could
// name any user. (A `kubectl port-forward` to the pod arrives from the
// loopback too; a Unix socket it cannot reach.) Names Kubernetes reserves
// (system:...) are refused, so that no header can make the dashboard act
// as a node, a controller or system:masters.
func (i *impersonating) For(r *http.Request) (Reader, error) {
	if !overUnixSocket(r) && !fromLoopback(r) {
		return nil, &AuthError{Message: "the dashboard trusts its authenticating proxy's headers from the pod's loopback or its Unix socket only: reach it through the proxy"}
	}
	user := strings.TrimSpace(r.Header.Get(i.headers.User))
	if user == "" {
		return nil, &AuthError{Message: "no signed-in user: the dashboard serves only requests its authenticating proxy signed in (" + i.headers.User + " is missing)"}
	}
	if reserved(user) {
		return nil, &AuthError{Message: "the dashboard does not act as a system: user"}
	}
	var groups []string
	for _, v := range r.Header.Values(i.headers.Groups) {
		for _, g := range strings.Split(v, ",") {
			if g = strings.TrimSpace(g); g == "" {
				continue
			}
			if reserved(g) {
				return nil, &AuthError{Message: "the dashboard does not act for system: groups"}
			}
			if slices.Contains(groups, g) || len(i.onlyGroups) > 0 && !slices.Contains(i.onlyGroups, g) {
				continue
			}
			groups = append(groups, g)
		}
	}
	rt := transport.NewImpersonatingRoundTripper(transport.ImpersonationConfig{UserName: user, Groups: groups}, i.base)
	return newKubeReader(i.cfg, &http.Client{Transport: rt})
}

func reserved(name string) bool { return strings.HasPrefix(name, "system:") }

// overUnixSocket reports whether r came over a Unix socket.
func overUnixSocket(r *http.Request) bool {
	addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	return ok && addr.Network() == "unix"
}

// fromLoopback reports whether r came from this host's loopback address.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// passingTokens acts with the bearer token each request carries (an
// authenticating proxy passing the user's OIDC ID token, or a user who
// pastes a token): the dashboard adds no credential of its own.
type passingTokens struct {
	cfg  *rest.Config
	base http.RoundTripper
}

// ForBearerTokens returns Readers that send each request's own
// "Authorization: Bearer" token to the management cluster, with cfg's
// server and CA and none of its credentials. A request without a token is
// refused.
func ForBearerTokens(cfg *rest.Config) (Readers, error) {
	anon := rest.AnonymousClientConfig(cfg)
	base, err := rest.HTTPClientFor(anon)
	if err != nil {
		return nil, err
	}
	return &passingTokens{cfg: anon, base: base.Transport}, nil
}

func (p *passingTokens) For(r *http.Request) (Reader, error) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(token) == "" {
		return nil, &AuthError{Message: "no bearer token: the dashboard acts only with the token each request carries (Authorization: Bearer ...)"}
	}
	rt := transport.NewBearerAuthRoundTripper(strings.TrimSpace(token), p.base)
	return newKubeReader(p.cfg, &http.Client{Transport: rt})
}
