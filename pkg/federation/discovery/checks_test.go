package discovery

import (
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

func TestCheckEveryKindSummarised(t *testing.T) {
	gi := only(t, withControlPlane(&Snapshot{}))
	c := reflect.ValueOf(gi.Spec.Check)
	for i := 0; i < c.NumField(); i++ {
		f := c.Field(i)
		name := c.Type().Field(i).Name
		if f.IsNil() {
			t.Errorf("check.%s is nil", name)
			continue
		}
		s := f.Interface().(*viewsv1alpha1.Summary)
		want := &viewsv1alpha1.Summary{}
		if name == "Deployments" {
			want.Total = 1 // the gloo Deployment itself
		}
		mustEqual(t, "check."+name, s, want)
	}
}

func TestCheckResourceKinds(t *testing.T) {
	rejected := []byte(`{"statuses":{"gloo-system":{"state":2,"reason":"rejected!"}}}`)
	warning := []byte(`{"state":"Warning","reason":"warned!"}`)
	accepted := []byte(`{"statuses":{"gloo-system":{"state":"Accepted"}}}`)
	gloo := map[Kind][]Resource{}
	for i, k := range Kinds {
		// One object of each state per kind, plus i extra accepted ones so
		// that mixing up kinds would show in the totals.
		rs := []Resource{
			{Namespace: "apps", Name: string(k) + "-bad", Status: rejected},
			{Namespace: "apps", Name: string(k) + "-warn", Status: warning},
			{Namespace: "apps", Name: string(k) + "-ok", Status: accepted},
		}
		for j := 0; j < i; j++ {
			rs = append(rs, Resource{Namespace: "gloo-system", Name: string(k) + "-extra-" + string(rune('a'+j)), Status: accepted})
		}
		gloo[k] = rs
	}
	gi := only(t, withControlPlane(&Snapshot{Gloo: gloo}))
	c := gi.Spec.Check
	byKind := map[Kind]*viewsv1alpha1.Summary{
		Gateways: c.Gateways, VirtualServices: c.VirtualServices, RouteTables: c.RouteTables,
		Upstreams: c.Upstreams, UpstreamGroups: c.UpstreamGroups, Proxies: c.Proxies,
		AuthConfigs: c.AuthConfigs, RateLimitConfigs: c.RateLimitConfigs,
		MatchableHTTPGateways: c.MatchableHTTPGateways, MatchableTCPGateways: c.MatchableTCPGateways,
	}
	for i, k := range Kinds {
		mustEqual(t, string(k), byKind[k], &viewsv1alpha1.Summary{
			Total:    int32(3 + i),
			Errors:   []viewsv1alpha1.ResourceReport{{Ref: viewsv1alpha1.ObjectRef{Name: string(k) + "-bad", Namespace: "apps"}, Message: "rejected!"}},
			Warnings: []viewsv1alpha1.ResourceReport{{Ref: viewsv1alpha1.ObjectRef{Name: string(k) + "-warn", Namespace: "apps"}, Message: "warned!"}},
		})
	}
}

func TestCheckWatchedNamespaceFilter(t *testing.T) {
	bad := func(ns, name string) Resource {
		return Resource{Namespace: ns, Name: name, Status: []byte(`{"state":2,"reason":"bad ` + name + `"}`)}
	}
	snap := func(watch []string) *Snapshot {
		return withControlPlane(&Snapshot{
			Settings: []SettingsInfo{
				{Namespace: ns, Name: "default", WatchNamespaces: watch, Status: []byte(`{"state":3,"reason":"deprecated field"}`)},
				{Namespace: "elsewhere", Name: "other", Status: []byte(`{"state":2,"reason":"other gloo"}`)},
			},
			Gloo: map[Kind][]Resource{
				VirtualServices: {bad("web", "vs-2"), bad("apps", "vs-1"), bad("elsewhere", "vs-3"), bad("apps", "vs-0")},
			},
		})
	}

	// Watching all namespaces: everything counts.
	c := only(t, snap(nil)).Spec.Check
	mustEqual(t, "all: virtualServices", c.VirtualServices, &viewsv1alpha1.Summary{
		Total: 4,
		Errors: []viewsv1alpha1.ResourceReport{ // sorted by namespace, then name
			{Ref: viewsv1alpha1.ObjectRef{Name: "vs-0", Namespace: "apps"}, Message: "bad vs-0"},
			{Ref: viewsv1alpha1.ObjectRef{Name: "vs-1", Namespace: "apps"}, Message: "bad vs-1"},
			{Ref: viewsv1alpha1.ObjectRef{Name: "vs-3", Namespace: "elsewhere"}, Message: "bad vs-3"},
			{Ref: viewsv1alpha1.ObjectRef{Name: "vs-2", Namespace: "web"}, Message: "bad vs-2"},
		},
	})
	mustEqual(t, "all: settings", c.Settings, &viewsv1alpha1.Summary{
		Total:    2,
		Errors:   []viewsv1alpha1.ResourceReport{{Ref: viewsv1alpha1.ObjectRef{Name: "other", Namespace: "elsewhere"}, Message: "other gloo"}},
		Warnings: []viewsv1alpha1.ResourceReport{{Ref: viewsv1alpha1.ObjectRef{Name: "default", Namespace: ns}, Message: "deprecated field"}},
	})

	// Watching gloo-system and web: apps and elsewhere are not counted.
	c = only(t, snap([]string{"gloo-system", "web"})).Spec.Check
	mustEqual(t, "watched: virtualServices", c.VirtualServices, &viewsv1alpha1.Summary{
		Total:  1,
		Errors: []viewsv1alpha1.ResourceReport{{Ref: viewsv1alpha1.ObjectRef{Name: "vs-2", Namespace: "web"}, Message: "bad vs-2"}},
	})
	mustEqual(t, "watched: settings", c.Settings, &viewsv1alpha1.Summary{
		Total:    1,
		Warnings: []viewsv1alpha1.ResourceReport{{Ref: viewsv1alpha1.ObjectRef{Name: "default", Namespace: ns}, Message: "deprecated field"}},
	})

	// Watching only apps: the Settings in the install namespace is not counted either.
	c = only(t, snap([]string{"apps"})).Spec.Check
	if c.VirtualServices.Total != 2 || c.Settings.Total != 0 {
		t.Errorf("apps only: virtualServices %d settings %d, want 2 0", c.VirtualServices.Total, c.Settings.Total)
	}
}

func TestCheckDeployments(t *testing.T) {
	cond := func(typ appsv1.DeploymentConditionType, st corev1.ConditionStatus, msg string) appsv1.DeploymentCondition {
		return appsv1.DeploymentCondition{Type: typ, Status: st, Message: msg}
	}
	T, F, U := corev1.ConditionTrue, corev1.ConditionFalse, corev1.ConditionUnknown
	healthy := []appsv1.DeploymentCondition{
		cond(appsv1.DeploymentAvailable, T, "Deployment has minimum availability."),
		cond(appsv1.DeploymentProgressing, T, "ReplicaSet has successfully progressed."),
	}
	tests := []struct {
		name  string
		conds []appsv1.DeploymentCondition
		want  string
	}{
		{"healthy", healthy, ""},
		{"no conditions yet", nil, ""},
		{"not available", []appsv1.DeploymentCondition{
			cond(appsv1.DeploymentAvailable, F, "Deployment does not have minimum availability."),
			cond(appsv1.DeploymentProgressing, T, "ReplicaSet is progressing."),
		}, "Deployment extauth in namespace gloo-system is not available! Message: Deployment does not have minimum availability."},
		{"not progressing beats not available", []appsv1.DeploymentCondition{
			cond(appsv1.DeploymentAvailable, F, "Deployment does not have minimum availability."),
			cond(appsv1.DeploymentProgressing, F, `ReplicaSet "extauth-5d" has timed out progressing.`),
		}, `Deployment extauth in namespace gloo-system is not progressing! Message: ReplicaSet "extauth-5d" has timed out progressing.`},
		{"progressing unknown", []appsv1.DeploymentCondition{cond(appsv1.DeploymentProgressing, U, "")},
			"Deployment extauth in namespace gloo-system is not progressing!"},
		{"replica failure beats everything", []appsv1.DeploymentCondition{
			cond(appsv1.DeploymentAvailable, F, "Deployment does not have minimum availability."),
			cond(appsv1.DeploymentProgressing, F, "timed out"),
			cond(appsv1.DeploymentReplicaFailure, T, `pods "extauth-5d-" is forbidden: exceeded quota`),
		}, `Deployment extauth in namespace gloo-system failed to create pods! Message: pods "extauth-5d-" is forbidden: exceeded quota`},
		{"replica failure false is fine", append([]appsv1.DeploymentCondition{cond(appsv1.DeploymentReplicaFailure, F, "")}, healthy...), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Name: "extauth", Namespace: ns, Labels: map[string]string{"app": "gloo", "gloo": "extauth"}},
				Status:     appsv1.DeploymentStatus{Conditions: tt.conds},
			}
			gi := only(t, withControlPlane(&Snapshot{Deployments: []*appsv1.Deployment{d}}))
			want := &viewsv1alpha1.Summary{Total: 2}
			if tt.want != "" {
				want.Errors = []viewsv1alpha1.ResourceReport{{Ref: viewsv1alpha1.ObjectRef{Name: "extauth", Namespace: ns}, Message: tt.want}}
			}
			mustEqual(t, "deployments", gi.Spec.Check.Deployments, want)
		})
	}

	// Only app=gloo Deployments of the install namespace are checked.
	broken := []appsv1.DeploymentCondition{cond(appsv1.DeploymentAvailable, F, "down")}
	gi := only(t, withControlPlane(&Snapshot{Deployments: []*appsv1.Deployment{
		{ObjectMeta: metav1.ObjectMeta{Name: "unlabelled", Namespace: ns}, Status: appsv1.DeploymentStatus{Conditions: broken}},
		{ObjectMeta: metav1.ObjectMeta{Name: "other-app", Namespace: ns, Labels: map[string]string{"app": "redis"}}, Status: appsv1.DeploymentStatus{Conditions: broken}},
		{ObjectMeta: metav1.ObjectMeta{Name: "other-ns", Namespace: "apps", Labels: map[string]string{"app": "gloo"}}, Status: appsv1.DeploymentStatus{Conditions: broken}},
		{ObjectMeta: metav1.ObjectMeta{Name: "b-rl", Namespace: ns, Labels: map[string]string{"app": "gloo"}}, Status: appsv1.DeploymentStatus{Conditions: broken}},
		{ObjectMeta: metav1.ObjectMeta{Name: "a-redis", Namespace: ns, Labels: map[string]string{"app": "gloo"}}, Status: appsv1.DeploymentStatus{Conditions: broken}},
	}}))
	mustEqual(t, "filtered deployments", gi.Spec.Check.Deployments, &viewsv1alpha1.Summary{
		Total: 3,
		Errors: []viewsv1alpha1.ResourceReport{
			{Ref: viewsv1alpha1.ObjectRef{Name: "a-redis", Namespace: ns}, Message: "Deployment a-redis in namespace gloo-system is not available! Message: down"},
			{Ref: viewsv1alpha1.ObjectRef{Name: "b-rl", Namespace: ns}, Message: "Deployment b-rl in namespace gloo-system is not available! Message: down"},
		},
	})
}

func TestCheckPods(t *testing.T) {
	cond := func(typ corev1.PodConditionType, st corev1.ConditionStatus, reason, msg string) corev1.PodCondition {
		return corev1.PodCondition{Type: typ, Status: st, Reason: reason, Message: msg}
	}
	T, F := corev1.ConditionTrue, corev1.ConditionFalse
	glooPod := func(name string, conds ...corev1.PodCondition) *corev1.Pod {
		p := pod(ns, name, "n1", map[string]string{"gloo": "gloo"})
		p.Status.Conditions = conds
		return p
	}
	unlabelled := pod(ns, "redis-1", "n1", map[string]string{"app": "redis"})
	unlabelled.Status.Conditions = []corev1.PodCondition{cond(corev1.PodReady, F, "", "down")}
	otherNS := pod("apps", "gloo-x", "n1", map[string]string{"gloo": "gloo"})
	otherNS.Status.Conditions = []corev1.PodCondition{cond(corev1.PodReady, F, "", "down")}

	gi := only(t, withControlPlane(&Snapshot{Pods: []*corev1.Pod{
		glooPod("healthy",
			cond(corev1.PodInitialized, T, "", ""), cond(corev1.PodReady, T, "", ""),
			cond(corev1.ContainersReady, T, "", ""), cond(corev1.PodScheduled, T, "", "")),
		glooPod("pending",
			cond(corev1.PodScheduled, F, "Unschedulable", "0/3 nodes are available: 3 Insufficient cpu.")),
		glooPod("starting",
			cond(corev1.PodInitialized, F, "ContainersNotInitialized", "containers with incomplete status: [init]"),
			cond(corev1.PodReady, F, "ContainersNotReady", "containers with unready status: [gloo]"),
			cond(corev1.ContainersReady, F, "ContainersNotReady", "containers with unready status: [gloo]"),
			cond(corev1.PodScheduled, T, "", ""),
			cond("PodReadyToStartContainers", F, "", "sandbox")), // not a checked condition
		glooPod("completed-job",
			cond(corev1.PodReady, F, "PodCompleted", ""), cond(corev1.ContainersReady, F, "PodCompleted", "")),
		glooPod("no-message", cond(corev1.PodReady, corev1.ConditionUnknown, "", "")),
		glooPod("no-conditions"),
		unlabelled, otherNS,
	}}))
	ref := viewsv1alpha1.ObjectRef{Namespace: ns}
	r := func(name, msg string) viewsv1alpha1.ResourceReport {
		rr := viewsv1alpha1.ResourceReport{Ref: ref, Message: msg}
		rr.Ref.Name = name
		return rr
	}
	mustEqual(t, "pods", gi.Spec.Check.Pods, &viewsv1alpha1.Summary{
		Total: 6,
		Errors: []viewsv1alpha1.ResourceReport{
			r("no-message", "Pod no-message in namespace gloo-system is not ready!"),
			r("pending", "Pod pending in namespace gloo-system is not yet scheduled! Message: 0/3 nodes are available: 3 Insufficient cpu."),
			r("starting", "Pod starting in namespace gloo-system is not yet initialized! Message: containers with incomplete status: [init]"),
			r("starting", "Pod starting in namespace gloo-system is not ready! Message: containers with unready status: [gloo]"),
			r("starting", "Not all containers in pod starting in namespace gloo-system are ready! Message: containers with unready status: [gloo]"),
		},
	})
}
