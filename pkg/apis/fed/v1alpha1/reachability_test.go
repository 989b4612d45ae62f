package v1alpha1

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestReachability(t *testing.T) {
	for _, tc := range []struct {
		name       string
		conditions []metav1.Condition
		want       metav1.ConditionStatus
		message    string
	}{
		{"no condition yet", nil, metav1.ConditionUnknown, ""},
		{"only other conditions", []metav1.Condition{{Type: "Suspended", Status: metav1.ConditionTrue, Message: "no"}}, metav1.ConditionUnknown, ""},
		{"reachable", []metav1.Condition{{Type: ConditionReady, Status: metav1.ConditionTrue, Message: "ok"}}, metav1.ConditionTrue, "ok"},
		{"unreachable", []metav1.Condition{{Type: ConditionReady, Status: metav1.ConditionFalse, Message: "timeout"}}, metav1.ConditionFalse, "timeout"},
		{"unknown", []metav1.Condition{{Type: ConditionReady, Status: metav1.ConditionUnknown, Message: "reading"}}, metav1.ConditionUnknown, "reading"},
		{"a status no one writes", []metav1.Condition{{Type: ConditionReady, Status: "Maybe"}}, metav1.ConditionUnknown, ""},
	} {
		kc := &KubernetesCluster{Status: KubernetesClusterStatus{Conditions: tc.conditions}}
		if got, msg := kc.Reachability(); got != tc.want || msg != tc.message {
			t.Errorf("%s: Reachability() = %s, %q; want %s, %q", tc.name, got, msg, tc.want, tc.message)
		}
	}
}
