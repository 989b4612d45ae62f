package views

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// TableConverter renders view objects for `kubectl get`: NAME, CLUSTER
// first, then the kind's own columns, AGE last; columns with Priority 1
// appear with -o wide.
type TableConverter struct {
	Columns []metav1.TableColumnDefinition
	// Cells returns the kind's own cells for one object, one per column.
	Cells func(obj runtime.Object) []any
}

var (
	nameColumn    = metav1.TableColumnDefinition{Name: "Name", Type: "string", Format: "name", Description: "Name of the view: <cluster>.<name in the member>"}
	clusterColumn = metav1.TableColumnDefinition{Name: "Cluster", Type: "string", Description: "The member cluster the object lives in"}
	ageColumn     = metav1.TableColumnDefinition{Name: "Age", Type: "string", Description: "Time since the object was created in its member"}
)

// ConvertToTable implements rest.TableConvertor.
func (c *TableConverter) ConvertToTable(_ context.Context, obj runtime.Object, _ runtime.Object) (*metav1.Table, error) {
	table := &metav1.Table{ColumnDefinitions: append(append([]metav1.TableColumnDefinition{nameColumn, clusterColumn}, c.Columns...), ageColumn)}
	add := func(o runtime.Object) error {
		m, err := meta.Accessor(o)
		if err != nil {
			return err
		}
		cells := append([]any{m.GetName(), viewsv1alpha1.ClusterOf(m)}, c.Cells(o)...)
		cells = append(cells, age(m.GetCreationTimestamp()))
		table.Rows = append(table.Rows, metav1.TableRow{Cells: cells, Object: runtime.RawExtension{Object: o}})
		return nil
	}
	if meta.IsListType(obj) {
		items, err := meta.ExtractList(obj)
		if err != nil {
			return nil, err
		}
		for _, o := range items {
			if err := add(o); err != nil {
				return nil, err
			}
		}
		if l, err := meta.ListAccessor(obj); err == nil {
			table.ResourceVersion = l.GetResourceVersion()
			table.Continue = l.GetContinue()
		}
		return table, nil
	}
	if err := add(obj); err != nil {
		return nil, err
	}
	if m, err := meta.Accessor(obj); err == nil {
		table.ResourceVersion = m.GetResourceVersion()
	}
	return table, nil
}

func age(t metav1.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(time.Since(t.Time))
}

// glooStatus is a Gloo status's state and reason, as core.Verdict decides
// them for every part of Meridian.
func glooStatus(raw []byte) (string, string) {
	code, reason := core.Verdict(raw, "")
	return code.String(), reason
}

var (
	statusColumn = metav1.TableColumnDefinition{Name: "Status", Type: "string", Description: "Gloo's status: the worst state any Gloo controller reported (Accepted, Warning, Rejected, Pending)"}
	reasonColumn = metav1.TableColumnDefinition{Name: "Reason", Type: "string", Priority: 1, Description: "Why Gloo rejected the object or warned about it"}
)

// TableFor is the table of a Gloo kind's view.
func TableFor(kind string) *TableConverter {
	switch kind {
	case "Upstream":
		return UpstreamTable()
	case "VirtualService":
		return VirtualServiceTable()
	}
	return StatusTable()
}

// StatusTable is the table of Gloo kinds with no columns of their own.
func StatusTable() *TableConverter {
	return &TableConverter{
		Columns: []metav1.TableColumnDefinition{statusColumn, reasonColumn},
		Cells: func(obj runtime.Object) []any {
			g := obj.(viewsv1alpha1.GlooView)
			st, reason := glooStatus(g.RawStatus())
			return []any{st, reason}
		},
	}
}

// UpstreamTable shows an Upstream's type and what it points at.
func UpstreamTable() *TableConverter {
	return &TableConverter{
		Columns: []metav1.TableColumnDefinition{
			{Name: "Type", Type: "string", Description: "The kind of destination: Kube, Static, AWS, Azure, Consul, ..."},
			statusColumn,
			{Name: "Destination", Type: "string", Priority: 1, Description: "Service or hosts the Upstream routes to"},
			reasonColumn,
		},
		Cells: func(obj runtime.Object) []any {
			g := obj.(viewsv1alpha1.GlooView)
			typ, dest := upstreamType(g.RawSpec())
			st, reason := glooStatus(g.RawStatus())
			return []any{typ, st, dest, reason}
		},
	}
}

func upstreamType(spec []byte) (string, string) {
	var s struct {
		Kube *struct {
			ServiceName      string `json:"serviceName"`
			ServiceNamespace string `json:"serviceNamespace"`
			ServicePort      int64  `json:"servicePort"`
		} `json:"kube"`
		Static *struct {
			Hosts []struct {
				Addr string `json:"addr"`
				Port int64  `json:"port"`
			} `json:"hosts"`
		} `json:"static"`
	}
	_ = json.Unmarshal(spec, &s)
	switch {
	case s.Kube != nil:
		return "Kube", fmt.Sprintf("%s/%s:%d", s.Kube.ServiceNamespace, s.Kube.ServiceName, s.Kube.ServicePort)
	case s.Static != nil:
		var hosts []string
		for _, h := range s.Static.Hosts {
			hosts = append(hosts, fmt.Sprintf("%s:%d", h.Addr, h.Port))
		}
		return "Static", strings.Join(hosts, ",")
	}
	var all map[string]json.RawMessage
	_ = json.Unmarshal(spec, &all)
	for _, t := range []struct{ field, name string }{
		{"aws", "AWS"}, {"awsEc2", "AWS EC2"}, {"azure", "Azure"}, {"consul", "Consul"}, {"gcp", "GCP"}, {"pipe", "Pipe"}, {"ai", "AI"},
	} {
		if _, ok := all[t.field]; ok {
			return t.name, ""
		}
	}
	return "Unknown", ""
}

// VirtualServiceTable shows a VirtualService's domains.
func VirtualServiceTable() *TableConverter {
	return &TableConverter{
		Columns: []metav1.TableColumnDefinition{
			{Name: "Domains", Type: "string", Description: "The virtual host's domains"},
			statusColumn,
			{Name: "Routes", Type: "integer", Priority: 1, Description: "Number of routes"},
			reasonColumn,
		},
		Cells: func(obj runtime.Object) []any {
			g := obj.(viewsv1alpha1.GlooView)
			var s struct {
				VirtualHost struct {
					Domains []string          `json:"domains"`
					Routes  []json.RawMessage `json:"routes"`
				} `json:"virtualHost"`
			}
			_ = json.Unmarshal(g.RawSpec(), &s)
			st, reason := glooStatus(g.RawStatus())
			return []any{strings.Join(s.VirtualHost.Domains, ","), st, int64(len(s.VirtualHost.Routes)), reason}
		},
	}
}

// GlooInstanceTable shows an installation's version, region, proxies and health.
func GlooInstanceTable() *TableConverter {
	return &TableConverter{
		Columns: []metav1.TableColumnDefinition{
			{Name: "Version", Type: "string", Description: "Gloo version of the control plane"},
			{Name: "Region", Type: "string", Description: "Region of the cluster's nodes"},
			{Name: "Proxies", Type: "string", Description: "Ready proxy replicas / desired, over all proxies"},
			{Name: "Errors", Type: "integer", Description: "Resources with errors (Rejected, unavailable workloads)"},
			{Name: "Warnings", Type: "integer", Description: "Resources with warnings"},
			{Name: "Reachable", Type: "boolean", Description: "Whether Meridian currently reaches the member"},
			{Name: "Enterprise", Type: "boolean", Priority: 1, Description: "Gloo Edge Enterprise"},
			{Name: "Zones", Type: "string", Priority: 1, Description: "Zones the proxies run in"},
			{Name: "Endpoints", Type: "string", Priority: 1, Description: "Ingress addresses of the proxies"},
		},
		Cells: func(obj runtime.Object) []any {
			gi := obj.(*viewsv1alpha1.GlooInstance)
			ready, total := gi.Spec.ProxyReplicas()
			zones := map[string]bool{}
			var zoneList, endpoints []string
			for _, p := range gi.Spec.Proxies {
				for _, z := range p.Zones {
					if !zones[z] {
						zones[z] = true
						zoneList = append(zoneList, z)
					}
				}
				for _, e := range p.IngressEndpoints {
					endpoints = append(endpoints, e.Address)
				}
			}
			errs, warns := gi.Spec.Check.Problems()
			return []any{
				gi.Spec.ControlPlane.Version, gi.Spec.Region, fmt.Sprintf("%d/%d", ready, total), int64(errs), int64(warns),
				gi.Status.Reachable, gi.Spec.IsEnterprise, strings.Join(zoneList, ","), strings.Join(endpoints, ","),
			}
		},
	}
}
