package clusters

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/member"
)

func TestDesiredStatus(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	healthy := Status{Name: "east", Connected: true, Health: member.Health{Reachable: true, Synced: true, LastSync: now}}
	st := desiredStatus(fedv1alpha1.KubernetesClusterStatus{}, healthy, "v1.37.2", now)
	c := meta.FindStatusCondition(st.Conditions, fedv1alpha1.ConditionReady)
	if c == nil || c.Status != metav1.ConditionTrue || st.KubernetesVersion != "v1.37.2" || st.LastSyncTime == nil || !st.LastSyncTime.Time.Equal(now) {
		t.Fatalf("healthy member: %+v", st)
	}

	// Nothing but time moved, less than the resolution: no change to write.
	later := healthy
	later.Health.LastSync = now.Add(20 * time.Second)
	if again := desiredStatus(st, later, "v1.37.2", now.Add(20*time.Second)); !again.LastSyncTime.Time.Equal(now) {
		t.Errorf("lastSyncTime rewritten after 20s: %v", again.LastSyncTime)
	}
	later.Health.LastSync = now.Add(2 * time.Minute)
	if again := desiredStatus(st, later, "", now.Add(2*time.Minute)); !again.LastSyncTime.Time.Equal(now.Add(2*time.Minute)) || again.KubernetesVersion != "v1.37.2" {
		t.Errorf("after 2 minutes lastSyncTime moves, the version stays: %+v", again)
	}

	down := healthy
	down.Health.Reachable = false
	down.Health.Message = "dial tcp 127.0.0.1:1: connection refused"
	st2 := desiredStatus(st, down, "", now.Add(5*time.Second))
	c = meta.FindStatusCondition(st2.Conditions, fedv1alpha1.ConditionReady)
	if c.Status != metav1.ConditionFalse || c.Reason != "Unreachable" || c.Message != down.Health.Message {
		t.Errorf("unreachable member: %+v", c)
	}

	bad := Status{Name: "west", Problem: `Secret meridian-system/west-kubeconfig has no "kubeconfig" key`}
	c = meta.FindStatusCondition(desiredStatus(fedv1alpha1.KubernetesClusterStatus{}, bad, "", now).Conditions, fedv1alpha1.ConditionReady)
	if c.Status != metav1.ConditionFalse || c.Reason != "InvalidRegistration" {
		t.Errorf("invalid registration: %+v", c)
	}
}
