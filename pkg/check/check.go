package check

import (
	"fmt"
	"io"
	"slices"
	"strings"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// Report is the outcome of a check.
type Report struct {
	// OK is true when nothing is wrong: every cluster was read, and no
	// instance reports an error or a warning.
	OK bool `json:"ok"`
	// Clusters are the problems of whole clusters (unreachable, no Gloo).
	Clusters []ClusterProblem `json:"clusters,omitempty"`
	// Instances are the Gloo installations, one per GlooInstance.
	Instances []Instance `json:"instances"`
}

// ClusterProblem is a cluster the check could not fully look at.
type ClusterProblem struct {
	Cluster string `json:"cluster"`
	// Problem says what is wrong, in words.
	Problem string `json:"problem"`
	// Error is true when it makes the check fail (an unreachable cluster);
	// false for what is only worth knowing (a cluster without Gloo).
	Error bool `json:"error"`
}

// Instance is the check of one GlooInstance.
type Instance struct {
	Name      string `json:"name"`
	Cluster   string `json:"cluster"`
	Namespace string `json:"namespace"`
	Version   string `json:"version,omitempty"`
	Reachable bool   `json:"reachable"`
	Message   string `json:"message,omitempty"`
	Kinds     []Kind `json:"kinds"`
}

// Kind is the check of one kind of one instance.
type Kind struct {
	Kind     string    `json:"kind"`
	Total    int32     `json:"total"`
	Errors   []Problem `json:"errors,omitempty"`
	Warnings []Problem `json:"warnings,omitempty"`
}

// Problem is one object's error or warning.
type Problem struct {
	// Ref is namespace/name of the object in its cluster.
	Ref     string `json:"ref"`
	Message string `json:"message"`
}

// kinds is the order of the report, glooctl check's.
var kinds = []struct {
	name string
	get  func(*viewsv1alpha1.Check) *viewsv1alpha1.Summary
}{
	{"Deployments", func(c *viewsv1alpha1.Check) *viewsv1alpha1.Summary { return c.Deployments }},
	{"Pods", func(c *viewsv1alpha1.Check) *viewsv1alpha1.Summary { return c.Pods }},
	{"Settings", func(c *viewsv1alpha1.Check) *viewsv1alpha1.Summary { return c.Settings }},
	{"Upstreams", func(c *viewsv1alpha1.Check) *viewsv1alpha1.Summary { return c.Upstreams }},
	{"UpstreamGroups", func(c *viewsv1alpha1.Check) *viewsv1alpha1.Summary { return c.UpstreamGroups }},
	{"AuthConfigs", func(c *viewsv1alpha1.Check) *viewsv1alpha1.Summary { return c.AuthConfigs }},
	{"RateLimitConfigs", func(c *viewsv1alpha1.Check) *viewsv1alpha1.Summary { return c.RateLimitConfigs }},
	{"VirtualServices", func(c *viewsv1alpha1.Check) *viewsv1alpha1.Summary { return c.VirtualServices }},
	{"RouteTables", func(c *viewsv1alpha1.Check) *viewsv1alpha1.Summary { return c.RouteTables }},
	{"Gateways", func(c *viewsv1alpha1.Check) *viewsv1alpha1.Summary { return c.Gateways }},
	{"MatchableHttpGateways", func(c *viewsv1alpha1.Check) *viewsv1alpha1.Summary { return c.MatchableHTTPGateways }},
	{"MatchableTcpGateways", func(c *viewsv1alpha1.Check) *viewsv1alpha1.Summary { return c.MatchableTCPGateways }},
	{"Proxies", func(c *viewsv1alpha1.Check) *viewsv1alpha1.Summary { return c.Proxies }},
}

// Evaluate builds the report. registered are the clusters of the
// federation; missing are the clusters the views said they could not read
// (their Warning headers), with the reason.
func Evaluate(instances []viewsv1alpha1.GlooInstance, registered []string, missing map[string]string) Report {
	r := Report{OK: true, Instances: []Instance{}}
	withGloo := map[string]bool{}
	for _, gi := range instances {
		withGloo[gi.Spec.Cluster] = true
		in := Instance{
			Name: gi.Name, Cluster: gi.Spec.Cluster, Namespace: gi.Spec.ControlPlane.Namespace,
			Version: gi.Spec.ControlPlane.Version, Reachable: gi.Status.Reachable, Message: gi.Status.Message,
		}
		if !in.Reachable {
			r.OK = false
		}
		for _, k := range kinds {
			s := k.get(&gi.Spec.Check)
			if s == nil {
				continue
			}
			kr := Kind{Kind: k.name, Total: s.Total, Errors: problems(s.Errors), Warnings: problems(s.Warnings)}
			if len(kr.Errors) > 0 || len(kr.Warnings) > 0 {
				r.OK = false
			}
			in.Kinds = append(in.Kinds, kr)
		}
		r.Instances = append(r.Instances, in)
	}
	slices.SortFunc(r.Instances, func(a, b Instance) int { return strings.Compare(a.Name, b.Name) })
	for _, c := range sortedKeys(missing) {
		r.Clusters = append(r.Clusters, ClusterProblem{Cluster: c, Problem: missing[c], Error: true})
		r.OK = false
	}
	for _, c := range slices.Sorted(slices.Values(registered)) {
		if !withGloo[c] && missing[c] == "" {
			r.Clusters = append(r.Clusters, ClusterProblem{Cluster: c, Problem: "no Gloo installation found"})
		}
	}
	return r
}

func problems(in []viewsv1alpha1.ResourceReport) []Problem {
	var out []Problem
	for _, p := range in {
		out = append(out, Problem{Ref: p.Ref.Namespace + "/" + p.Ref.Name, Message: p.Message})
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Print writes the report for people, glooctl check style.
func (r Report) Print(w io.Writer) {
	for _, c := range r.Clusters {
		mark := "note"
		if c.Error {
			mark = "ERROR"
		}
		fmt.Fprintf(w, "cluster %s: %s: %s\n", c.Cluster, mark, c.Problem)
	}
	for _, in := range r.Instances {
		fmt.Fprintf(w, "\nGloo %s in cluster %s, namespace %s (%s)\n", in.Version, in.Cluster, in.Namespace, in.Name)
		if !in.Reachable {
			msg := in.Message
			if msg == "" {
				msg = "the cluster cannot be reached"
			}
			fmt.Fprintf(w, "  ERROR: unreachable: %s (what follows is the last state seen)\n", msg)
		}
		for _, k := range in.Kinds {
			status := "OK"
			if len(k.Errors) > 0 || len(k.Warnings) > 0 {
				status = fmt.Sprintf("%d errors, %d warnings", len(k.Errors), len(k.Warnings))
			}
			fmt.Fprintf(w, "  Checking %s... %s (%d)\n", k.Kind, status, k.Total)
			for _, p := range k.Errors {
				fmt.Fprintf(w, "    error:   %s: %s\n", p.Ref, p.Message)
			}
			for _, p := range k.Warnings {
				fmt.Fprintf(w, "    warning: %s: %s\n", p.Ref, p.Message)
			}
		}
	}
	if r.OK {
		fmt.Fprintf(w, "\nNo problems detected in %d Gloo installations.\n", len(r.Instances))
	} else {
		fmt.Fprintf(w, "\nProblems detected!\n")
	}
}
