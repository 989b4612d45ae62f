package clusters

import (
	"context"
	"errors"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/controller/leader"
)

// StatusLease is the Lease the replicas of the aggregated server elect the
// one that writes KubernetesCluster status with.
const StatusLease = "meridian-apiserver-cluster-status"

const (
	statusInterval = 10 * time.Second
	// statusSettle lets the health changes of a burst (every member
	// syncing at start) go out in one round of writes.
	statusSettle = 200 * time.Millisecond
	// lastSyncResolution: lastSyncTime is rewritten at most this often when
	// nothing else changed, to keep writes to the management cluster low.
	lastSyncResolution = time.Minute
)

// ReportStatus writes what the registry knows of each member (reachable,
// Kubernetes version, last successful read) into its KubernetesCluster's
// status, so that `kubectl get kubernetesclusters` and `meridianctl cluster
// list` show it. Every replica runs it; the one holding StatusLease writes,
// the others wait. It returns when ctx ends.
func (r *Registry) ReportStatus(ctx context.Context) {
	id := leader.Identity()
	for ctx.Err() == nil {
		// Losing the lease only stops the writing; this replica stands for
		// election again.
		if err := leader.Run(ctx, r.kube.CoordinationV1(), leader.Config{Namespace: r.namespace, Name: StatusLease, Identity: id}, r.writeStatusLoop, r.log); err != nil && !errors.Is(err, leader.ErrLost) {
			r.log.Error(err, "cluster status: leader election")
			return
		}
	}
}

func (r *Registry) writeStatusLoop(ctx context.Context) {
	r.log.Info("writing KubernetesCluster status (this replica holds the lease)", "lease", StatusLease)
	t := time.NewTicker(statusInterval)
	defer t.Stop()
	versions := map[string]string{}
	for {
		if r.HasSynced() {
			r.writeStatus(ctx, versions)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-r.statusKick:
			select {
			case <-ctx.Done():
				return
			case <-time.After(statusSettle):
			}
		}
	}
}

func (r *Registry) writeStatus(ctx context.Context, versions map[string]string) {
	list, err := r.clusterLister()
	if err != nil {
		return
	}
	byName := map[string]Status{}
	for _, s := range r.Clusters() {
		byName[s.Name] = s
	}
	for _, kc := range list {
		if kc.DeletionTimestamp != nil {
			continue
		}
		s, known := byName[kc.Name]
		if !known {
			continue // not reconciled yet
		}
		if conn := r.connection(kc.Name); conn != nil && s.Health.Reachable {
			vctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			if v, err := conn.ServerVersion(vctx); err == nil {
				versions[kc.Name] = v
			}
			cancel()
		}
		want := desiredStatus(kc.Status, s, versions[kc.Name], time.Now())
		if equality.Semantic.DeepEqual(want, kc.Status) {
			continue
		}
		upd := kc.DeepCopy()
		upd.Status = want
		if _, err := r.meridian.FedV1alpha1().KubernetesClusters(r.namespace).UpdateStatus(ctx, upd, metav1.UpdateOptions{FieldManager: "meridian-apiserver"}); err != nil {
			r.log.V(2).Info("cluster status not written (next round retries)", "cluster", kc.Name, "err", err.Error())
		}
	}
}

func (r *Registry) connection(name string) interface {
	ServerVersion(context.Context) (string, error)
} {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if e := r.entries[name]; e != nil {
		return e.conn
	}
	return nil
}

// desiredStatus is the status a KubernetesCluster should have, given what
// the registry knows. lastSyncTime only moves forward by lastSyncResolution
// steps unless the condition changes.
func desiredStatus(cur fedv1alpha1.KubernetesClusterStatus, s Status, version string, now time.Time) fedv1alpha1.KubernetesClusterStatus {
	out := *cur.DeepCopy()
	if version != "" {
		out.KubernetesVersion = version
	}
	cond := metav1.Condition{Type: fedv1alpha1.ConditionReady}
	switch {
	case s.Problem != "":
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, "InvalidRegistration", s.Problem
	case !s.Health.Reachable:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, "Unreachable", s.Health.Message
	case !s.Health.Synced:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, "Syncing", "reading the member for the first time"
	default:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionTrue, "Connected", "the member is reachable and read"
		if s.Health.Message != "" {
			cond.Message = s.Health.Message
		}
	}
	changed := meta.SetStatusCondition(&out.Conditions, cond)
	if !s.Health.LastSync.IsZero() {
		last := s.Health.LastSync.Truncate(time.Second)
		if out.LastSyncTime == nil || changed || last.Sub(out.LastSyncTime.Time) >= lastSyncResolution {
			out.LastSyncTime = &metav1.Time{Time: last}
		}
	}
	return out
}
