package discovery

import (
	"cmp"
	"fmt"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// check builds spec.check for the installation in namespace install watching
// watched (nil: all namespaces). Every field is set, with Total 0 when the
// cluster has no object of the kind, so clients always see every kind.
func (x *index) check(install string, watched []string) viewsv1alpha1.Check {
	// Gloo Federation's check summaries count only objects of this cluster
	// (the snapshot holds nothing else) and, when the installation watches a
	// list of namespaces, in one of them.
	inScope := func(ns string) bool { return len(watched) == 0 || slices.Contains(watched, ns) }
	gloo := func(k Kind) *viewsv1alpha1.Summary { return resourceSummary(x.gloo[k], install, inScope) }

	settings := make([]Resource, 0, len(x.settings))
	for _, s := range x.settings {
		settings = append(settings, Resource{Namespace: s.Namespace, Name: s.Name, Status: s.Status})
	}

	return viewsv1alpha1.Check{
		Gateways:              gloo(Gateways),
		VirtualServices:       gloo(VirtualServices),
		RouteTables:           gloo(RouteTables),
		Upstreams:             gloo(Upstreams),
		UpstreamGroups:        gloo(UpstreamGroups),
		Settings:              resourceSummary(settings, install, inScope),
		Proxies:               gloo(Proxies),
		AuthConfigs:           gloo(AuthConfigs),
		RateLimitConfigs:      gloo(RateLimitConfigs),
		MatchableHTTPGateways: gloo(MatchableHTTPGateways),
		MatchableTCPGateways:  gloo(MatchableTCPGateways),
		Deployments:           x.deploymentSummary(install),
		Pods:                  x.podSummary(install),
	}
}

// resourceSummary counts the in-scope resources and reports those in state
// Rejected (errors) and Warning (warnings), with Gloo's explanation as the
// message.
func resourceSummary(rs []Resource, install string, inScope func(string) bool) *viewsv1alpha1.Summary {
	s := &viewsv1alpha1.Summary{}
	for _, r := range rs {
		if !inScope(r.Namespace) {
			continue
		}
		s.Total++
		state, reason := core.Verdict(r.Status, install)
		report := viewsv1alpha1.ResourceReport{
			Ref:     viewsv1alpha1.ObjectRef{Name: r.Name, Namespace: r.Namespace},
			Message: reason,
		}
		switch state {
		case core.StateRejected:
			s.Errors = append(s.Errors, report)
		case core.StateWarning:
			s.Warnings = append(s.Warnings, report)
		}
	}
	sortReports(s)
	return s
}

// deploymentSummary applies Gloo Federation's Deployments check to the Deployments of
// the install namespace labelled app=gloo (the workloads Gloo Federation
// watches): at most one error per Deployment, from the first failing rule of
// ReplicaFailure=True, Progressing not True, Available not True. A
// Deployment without conditions yet is not reported.
func (x *index) deploymentSummary(install string) *viewsv1alpha1.Summary {
	s := &viewsv1alpha1.Summary{}
	for _, d := range x.deployments {
		if d.Namespace != install || d.Labels[appLabel] != appLabelValue {
			continue
		}
		s.Total++
		if msg := deploymentError(d); msg != "" {
			s.Errors = append(s.Errors, viewsv1alpha1.ResourceReport{
				Ref:     viewsv1alpha1.ObjectRef{Name: d.Name, Namespace: d.Namespace},
				Message: msg,
			})
		}
	}
	sortReports(s)
	return s
}

func deploymentError(d *appsv1.Deployment) string {
	rules := []struct {
		cond   appsv1.DeploymentConditionType
		failed func(corev1.ConditionStatus) bool
		what   string
	}{
		{appsv1.DeploymentReplicaFailure, func(s corev1.ConditionStatus) bool { return s == corev1.ConditionTrue }, "failed to create pods!"},
		{appsv1.DeploymentProgressing, func(s corev1.ConditionStatus) bool { return s != corev1.ConditionTrue }, "is not progressing!"},
		{appsv1.DeploymentAvailable, func(s corev1.ConditionStatus) bool { return s != corev1.ConditionTrue }, "is not available!"},
	}
	for _, r := range rules {
		for _, c := range d.Status.Conditions {
			if c.Type == r.cond && r.failed(c.Status) {
				return fmt.Sprintf("Deployment %s in namespace %s %s%s", d.Name, d.Namespace, r.what, conditionMessage(c.Message))
			}
		}
	}
	return ""
}

// podSummary applies Gloo Federation's Pods check to the pods of the install namespace
// that carry a gloo label (Gloo's control-plane and proxy pods): one error
// per PodScheduled, Ready, Initialized or ContainersReady condition that is
// not True, except those with reason PodCompleted, worded like glooctl check.
func (x *index) podSummary(install string) *viewsv1alpha1.Summary {
	s := &viewsv1alpha1.Summary{}
	for _, p := range x.pods {
		if _, ok := p.Labels[glooLabel]; !ok || p.Namespace != install {
			continue
		}
		s.Total++
		for _, c := range p.Status.Conditions {
			if c.Status == corev1.ConditionTrue || c.Reason == "PodCompleted" {
				continue
			}
			var msg string
			switch c.Type {
			case corev1.PodScheduled:
				msg = fmt.Sprintf("Pod %s in namespace %s is not yet scheduled!", p.Name, p.Namespace)
			case corev1.PodReady:
				msg = fmt.Sprintf("Pod %s in namespace %s is not ready!", p.Name, p.Namespace)
			case corev1.PodInitialized:
				msg = fmt.Sprintf("Pod %s in namespace %s is not yet initialized!", p.Name, p.Namespace)
			case corev1.ContainersReady:
				msg = fmt.Sprintf("Not all containers in pod %s in namespace %s are ready!", p.Name, p.Namespace)
			default:
				continue
			}
			s.Errors = append(s.Errors, viewsv1alpha1.ResourceReport{
				Ref:     viewsv1alpha1.ObjectRef{Name: p.Name, Namespace: p.Namespace},
				Message: msg + conditionMessage(c.Message),
			})
		}
	}
	sortReports(s)
	return s
}

func conditionMessage(m string) string {
	if m == "" {
		return ""
	}
	return " Message: " + m
}

// sortReports sorts errors and warnings by ref (namespace, then name),
// keeping the order of several reports about one object (a pod's
// conditions in the order the pod lists them).
func sortReports(s *viewsv1alpha1.Summary) {
	byRef := func(a, b viewsv1alpha1.ResourceReport) int {
		return cmp.Or(cmp.Compare(a.Ref.Namespace, b.Ref.Namespace), cmp.Compare(a.Ref.Name, b.Ref.Name))
	}
	slices.SortStableFunc(s.Errors, byRef)
	slices.SortStableFunc(s.Warnings, byRef)
}
