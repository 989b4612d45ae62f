package dashboard

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

//go:embed web/templates/*.html
var templateFiles embed.FS

//go:embed web/static
var staticFiles embed.FS

// Options configure a dashboard Server.
type Options struct {
	// Readers act for each request's user.
	Readers Readers
	// Namespace is the namespace a page shows when its URL names none
	// ("" for all namespaces): the kubeconfig context's, for a user who
	// may not list across namespaces.
	Namespace string
	// FederationNamespace holds the cluster registrations (meridian-system).
	FederationNamespace string
	// PageSize is how many rows a list page shows (100 by default).
	PageSize int64
	// Logf, when set, logs requests that failed on the server's side.
	Logf func(format string, args ...any)
}

// Server serves the dashboard.
type Server struct {
	opts  Options
	pages map[string]*template.Template
	mux   *http.ServeMux
}

// New returns a Server.
func New(opts Options) (*Server, error) {
	if opts.Readers == nil {
		return nil, errors.New("dashboard: Options.Readers is required")
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 100
	}
	if opts.Logf == nil {
		opts.Logf = log.Printf
	}
	s := &Server{opts: opts, pages: map[string]*template.Template{}, mux: http.NewServeMux()}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "web/templates/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFiles, "web/templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "web/templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFiles, name)
		if err != nil {
			return nil, err
		}
		s.pages[base] = t
	}
	static, err := fs.Sub(staticFiles, "web/static")
	if err != nil {
		return nil, err
	}
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	s.mux.HandleFunc("GET /{$}", s.overview)
	s.mux.HandleFunc("GET /clusters", s.clusters)
	s.mux.HandleFunc("GET /instances", s.instances)
	s.mux.HandleFunc("GET /instances/{namespace}/{name}", s.instance)
	s.mux.HandleFunc("GET /views/{resource}", s.list)
	s.mux.HandleFunc("GET /views/{resource}/{namespace}/{name}", s.detail)
	s.mux.HandleFunc("GET /federated", s.federatedList)
	s.mux.HandleFunc("GET /federated/{resource}/{namespace}/{name}", s.federatedDetail)
	s.mux.HandleFunc("GET /failover", s.failoverList)
	s.mux.HandleFunc("GET /failover/{namespace}/{name}", s.failoverDetail)
	s.mux.HandleFunc("GET /live", s.live)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.notFound(w, r, "There is no page at "+r.URL.Path+".")
	})
	return s, nil
}

// ServeHTTP implements http.Handler. The pages are read-only: any other
// method than GET (and HEAD) is refused.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "the dashboard is read-only: only GET", http.StatusMethodNotAllowed)
		return
	}
	// What every page reads its namespace and cluster from, checked once:
	// they become parts of API paths and selectors.
	q := r.URL.Query()
	for _, param := range []string{"namespace", "cluster"} {
		if v := strings.TrimSpace(q.Get(param)); v != "" && len(validation.IsDNS1123Label(v)) > 0 {
			s.badRequest(w, r, fmt.Sprintf("%s=%q is not a %s name (a DNS label: lower-case letters, digits and '-').", param, v, param))
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// page is what every page's template gets besides its own data.
type page struct {
	Title string
	// Section is the navigation entry the page belongs to.
	Section string
	// Namespace is the namespace the page shows ("" for all).
	Namespace string
	// Query is the request's query, for links that keep the namespace.
	query url.Values
	// Live is the URL of the server-sent events that say when the page
	// changed ("" for a page that does not change by itself).
	Live string
	// Problems are the clusters the page's replies warned about.
	Problems []clusterProblem
	// Notices are the other warnings.
	Notices []string
	// Data is the page's own.
	Data any
	// Kinds are the views, for the navigation.
	Kinds []viewKind
	// Rendered is when the server rendered the page.
	Rendered time.Time
	// versions are the resourceVersions the page's reads answered, by
	// resource: where its live updates start.
	versions map[string]string
}

// saw records the resourceVersion a read of resource answered (the first).
func (p *page) saw(resource, rv string) {
	if rv == "" {
		return
	}
	if p.versions == nil {
		p.versions = map[string]string{}
	}
	if _, ok := p.versions[resource]; !ok {
		p.versions[resource] = rv
	}
}

// clusterProblem is one cluster a reply warned about.
type clusterProblem struct {
	Cluster string
	Problem string
	Message string
}

// NamespaceAsked reports whether the page's URL names its namespace (an
// empty one is every namespace), which links and forms then keep.
func (p *page) NamespaceAsked() bool {
	_, ok := p.query["namespace"]
	return ok
}

// URL links to path with the page's namespace and the given key/value
// pairs ("" values are left out).
func (p *page) URL(path string, kv ...string) string {
	q := url.Values{}
	if ns, ok := p.query["namespace"]; ok {
		q["namespace"] = ns
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		} else {
			q.Del(kv[i])
		}
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// warn sorts a reply's warnings into cluster problems and notices.
func (p *page) warn(warnings []string) {
	for _, w := range warnings {
		if c, problem, ok := viewsv1alpha1.ParseClusterWarning(w); ok {
			seen := false
			for _, have := range p.Problems {
				seen = seen || have.Cluster == c
			}
			if !seen {
				p.Problems = append(p.Problems, clusterProblem{Cluster: c, Problem: string(problem), Message: w})
			}
			continue
		}
		if !slices.Contains(p.Notices, w) {
			p.Notices = append(p.Notices, w)
		}
	}
}

// newPage starts a page for r: the namespace it shows is the URL's
// namespace parameter when there is one (empty for all namespaces), the
// server's default otherwise.
func (s *Server) newPage(r *http.Request, title, section string) *page {
	q := r.URL.Query()
	ns := s.opts.Namespace
	if v, ok := q["namespace"]; ok {
		ns = strings.TrimSpace(v[0])
	}
	return &page{Title: title, Section: section, Namespace: ns, query: q, Kinds: viewKinds, Rendered: time.Now()}
}

// reader is the request's Reader; when there is none, the request is
// answered 401 and nil returned.
func (s *Server) reader(w http.ResponseWriter, r *http.Request) Reader {
	rd, err := s.opts.Readers.For(r)
	if err != nil {
		var auth *AuthError
		if errors.As(err, &auth) {
			s.render(w, r, http.StatusUnauthorized, "error", &page{Title: "Not signed in", Data: errorPage{Heading: "Not signed in", Message: auth.Message}})
			return nil
		}
		s.serverError(w, r, err)
		return nil
	}
	return rd
}

type errorPage struct {
	Heading string
	Message string
}

// notFound answers 404 with a page saying so, never a spinner.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, message string) {
	p := s.newPage(r, "Not found", "")
	p.Data = errorPage{Heading: "Not found", Message: message}
	s.render(w, r, http.StatusNotFound, "error", p)
}

// apiError answers a failed read of one object or list: missing and
// forbidden are both a 404 (the page does not tell an object the user may
// not see from one that does not exist).
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, what string, err error) {
	switch {
	case apierrors.IsNotFound(err), apierrors.IsForbidden(err):
		s.notFound(w, r, fmt.Sprintf("%s does not exist, or you may not see it.", what))
	case apierrors.IsUnauthorized(err):
		s.render(w, r, http.StatusUnauthorized, "error", &page{Title: "Not signed in", Data: errorPage{Heading: "Not signed in", Message: "The management cluster did not accept your credentials: " + err.Error()}})
	default:
		s.serverError(w, r, fmt.Errorf("reading %s: %w", what, err))
	}
}

func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.opts.Logf("dashboard: %s %s: %v", r.Method, r.URL.Path, err)
	p := s.newPage(r, "The API did not answer", "")
	p.Data = errorPage{Heading: "The API did not answer", Message: err.Error() + ". Reload to try again."}
	s.render(w, r, http.StatusBadGateway, "error", p)
}

// render executes a page into a buffer first, so that a template error is
// a 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := s.pages[name]
	if !ok {
		http.Error(w, "no template "+name, http.StatusInternalServerError)
		return
	}
	if p.query == nil {
		p.query = r.URL.Query()
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.opts.Logf("dashboard: rendering %s: %v", name, err)
		http.Error(w, "rendering the page failed: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
