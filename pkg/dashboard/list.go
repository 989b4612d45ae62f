package dashboard

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// scanLimit bounds how many objects one list request reads through when a
// filter the API cannot apply (state, text) leaves few of them: the page
// then says how far it got and links on from there.
const scanLimit = 10000

// listFilter is what a list page's URL asks for.
type listFilter struct {
	Cluster string
	State   string
	Label   string
	Text    string
	Sort    string
	Desc    bool
	Wide    bool
	// Continue is the API's continue token of the first API page read.
	Continue string
}

func filterOf(r *http.Request) listFilter {
	q := r.URL.Query()
	return listFilter{
		Cluster:  strings.TrimSpace(q.Get("cluster")),
		State:    strings.TrimSpace(q.Get("state")),
		Label:    strings.TrimSpace(q.Get("label")),
		Text:     strings.TrimSpace(q.Get("q")),
		Sort:     q.Get("sort"),
		Desc:     q.Get("desc") == "1",
		Wide:     q.Get("wide") == "1",
		Continue: q.Get("continue"),
	}
}

// listRow is one object of a list page.
type listRow struct {
	Name      string
	Namespace string
	Cluster   string
	Cells     []string
	Created   time.Time
	// Stale is what the views warned about the object's cluster
	// ("unreachable", ...), "" when nothing.
	Stale string
	URL   string
}

type listColumn struct {
	Name        string
	Description string
	// Index is the column's index in the table's cells.
	Index int
}

type listPage struct {
	Kind    viewKind
	Filter  listFilter
	Columns []listColumn
	Rows    []listRow
	Scanned int
	Next    string
	More    bool
	States  []string
}

// list serves a view kind's objects across clusters: one page of the API
// (limit/continue) at a time, filtered by cluster (the views' cluster
// field selector), namespace and label selector in the API, and by Gloo
// state and text here.
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	k, ok := viewKindOf(r.PathValue("resource"))
	if !ok {
		s.notFound(w, r, fmt.Sprintf("%q is not a kind of Gloo object Meridian shows.", r.PathValue("resource")))
		return
	}
	if k.Resource == "glooinstances" {
		http.Redirect(w, r, "/instances", http.StatusFound)
		return
	}
	f := filterOf(r)
	if f.Label != "" {
		if _, err := labels.Parse(f.Label); err != nil {
			s.badRequest(w, r, fmt.Sprintf("The label selector %q is not valid: %v.", f.Label, err))
			return
		}
	}
	rd := s.reader(w, r)
	if rd == nil {
		return
	}
	p := s.newPage(r, k.Plural, k.Resource)
	data := &listPage{Kind: k, Filter: f, States: []string{"Accepted", "Warning", "Rejected", "Pending"}}
	opts := ListOptions{Namespace: p.Namespace, LabelSelector: f.Label, Limit: s.opts.PageSize, Continue: f.Continue}
	if f.Cluster != "" {
		opts.FieldSelector = viewsv1alpha1.ClusterField + "=" + f.Cluster
	}
	// With a filter the API cannot apply, API pages are read on until the
	// page holds PageSize rows (at most 2×PageSize-1: an API page is never
	// cut, the next one starts at its continue token) or scanLimit
	// objects were read.
	filtering := f.State != "" || f.Text != ""
	var table *metav1.Table
	for {
		pg, err := rd.Table(r.Context(), k.GVR, opts)
		if err != nil {
			if apierrors.IsResourceExpired(err) || apierrors.IsGone(err) {
				s.expired(w, r, p.URL(r.URL.Path, "continue", ""))
				return
			}
			if apierrors.IsBadRequest(err) {
				s.badRequest(w, r, err.Error())
				return
			}
			if denied(err) {
				s.denied(w, r, p, k)
				return
			}
			s.apiError(w, r, k.Plural, err)
			return
		}
		p.warn(pg.Warnings)
		p.saw(k.Resource, pg.Table.ResourceVersion)
		if table == nil {
			table = pg.Table
			data.Columns = columnsOf(table, f.Wide)
		}
		data.Scanned += len(pg.Table.Rows)
		data.Rows = append(data.Rows, rowsOf(k, pg.Table, data.Columns, f)...)
		opts.Continue = pg.Table.Continue
		if opts.Continue == "" || !filtering || len(data.Rows) >= int(s.opts.PageSize) || data.Scanned >= scanLimit {
			break
		}
	}
	stale := map[string]string{}
	for _, pr := range p.Problems {
		stale[pr.Cluster] = pr.Problem
	}
	for i := range data.Rows {
		data.Rows[i].Stale = stale[data.Rows[i].Cluster]
		data.Rows[i].URL = p.URL("/views/" + k.Resource + "/" + data.Rows[i].Namespace + "/" + data.Rows[i].Name)
	}
	sortRows(data.Rows, data.Columns, f.Sort, f.Desc)
	if opts.Continue != "" {
		data.More = true
		data.Next = p.URL(r.URL.Path, "cluster", f.Cluster, "state", f.State, "label", f.Label, "q", f.Text, "sort", f.Sort, "desc", boolParam(f.Desc), "wide", boolParam(f.Wide), "continue", opts.Continue)
	}
	p.Data = data
	s.sawInstances(r.Context(), rd, p)
	p.Live = liveURL(p, p.Namespace, []string{k.Resource, "glooinstances"})
	s.render(w, r, http.StatusOK, "list", p)
}

func boolParam(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// columnsOf picks the table's columns a page shows: the server's own, but
// Name (the row's link) and, unless wide, the ones kubectl shows only with
// -o wide.
func columnsOf(t *metav1.Table, wide bool) []listColumn {
	var out []listColumn
	for i, c := range t.ColumnDefinitions {
		if c.Name == "Name" || (c.Priority > 0 && !wide) {
			continue
		}
		out = append(out, listColumn{Name: c.Name, Description: c.Description, Index: i})
	}
	return out
}

// rowsOf turns a table's rows into the page's, keeping those the state and
// text filters accept.
func rowsOf(k viewKind, t *metav1.Table, cols []listColumn, f listFilter) []listRow {
	name, cluster, status := column(t, "Name"), column(t, "Cluster"), column(t, "Status")
	text := strings.ToLower(f.Text)
	var out []listRow
	for _, row := range t.Rows {
		if f.State != "" && !strings.EqualFold(cell(row, status), f.State) {
			continue
		}
		m := metadataOf(row)
		lr := listRow{Name: cell(row, name), Cluster: cell(row, cluster), Namespace: m.Namespace, Created: m.CreationTimestamp.Time}
		for _, c := range cols {
			lr.Cells = append(lr.Cells, cell(row, c.Index))
		}
		if text != "" && !matches(text, lr) {
			continue
		}
		out = append(out, lr)
	}
	return out
}

func matches(text string, r listRow) bool {
	if strings.Contains(strings.ToLower(r.Name), text) || strings.Contains(strings.ToLower(r.Namespace), text) {
		return true
	}
	for _, c := range r.Cells {
		if strings.Contains(strings.ToLower(c), text) {
			return true
		}
	}
	return false
}

// metadataOf reads a row's metadata, which the server put in it
// (includeObject=Metadata).
func metadataOf(row metav1.TableRow) metav1.ObjectMeta {
	if m, ok := row.Object.Object.(*metav1.PartialObjectMetadata); ok {
		return m.ObjectMeta
	}
	var m metav1.PartialObjectMetadata
	_ = json.Unmarshal(row.Object.Raw, &m)
	return m.ObjectMeta
}

// namespaceOf is a row's namespace.
func namespaceOf(row metav1.TableRow) string { return metadataOf(row).Namespace }

// sortRows sorts a page by a column, numerically when both cells are
// numbers, Age by creation time (youngest first); ties keep the API's
// order (namespace, then name).
func sortRows(rows []listRow, cols []listColumn, by string, desc bool) {
	if by == "Age" {
		sort.SliceStable(rows, func(a, b int) bool {
			if desc {
				return rows[a].Created.Before(rows[b].Created)
			}
			return rows[a].Created.After(rows[b].Created)
		})
		return
	}
	i := -1
	for j, c := range cols {
		if c.Name == by {
			i = j
		}
	}
	key := func(r listRow) string {
		switch {
		case by == "Name":
			return r.Name
		case by == "Namespace":
			return r.Namespace
		case i >= 0 && i < len(r.Cells):
			return r.Cells[i]
		}
		return ""
	}
	if i < 0 && by != "Name" && by != "Namespace" {
		return
	}
	sort.SliceStable(rows, func(a, b int) bool {
		ka, kb := key(rows[a]), key(rows[b])
		less := ka < kb
		if na, err := strconv.ParseFloat(ka, 64); err == nil {
			if nb, err := strconv.ParseFloat(kb, 64); err == nil {
				less = na < nb
				if na == nb {
					return false
				}
			}
		}
		if ka == kb {
			return false
		}
		if desc {
			return !less
		}
		return less
	})
}

func (s *Server) badRequest(w http.ResponseWriter, r *http.Request, message string) {
	p := s.newPage(r, "Bad request", "")
	p.Data = errorPage{Heading: "That request cannot be answered", Message: message}
	s.render(w, r, http.StatusBadRequest, "error", p)
}

// expired answers a continue token the API no longer serves (410).
func (s *Server) expired(w http.ResponseWriter, r *http.Request, first string) {
	p := s.newPage(r, "The list moved on", "")
	p.Data = errorPage{Heading: "The list moved on", Message: "The API no longer serves the page this link continues: start again from the first page (" + first + ")."}
	s.render(w, r, http.StatusGone, "error", p)
}

// denied answers a list the user may not read in the namespace shown: the
// page says so and lets them pick a namespace; nothing is listed.
func (s *Server) denied(w http.ResponseWriter, r *http.Request, p *page, k viewKind) {
	where := "in namespace " + p.Namespace
	if p.Namespace == "" {
		where = "across all namespaces"
	}
	p.Data = errorPage{Heading: "Not permitted", Message: fmt.Sprintf("You may not list %s %s. Pick a namespace you may read above.", k.Resource, where)}
	s.render(w, r, http.StatusForbidden, "error", p)
}
