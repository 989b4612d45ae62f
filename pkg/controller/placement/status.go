package placement

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
)

// syncStatus writes a federated object's status from what the members
// reported: a member that has not reported on this generation yet shows
// its targets Pending (or as the status last said, if that was for this
// generation: a restart does not flap them), never holding up the others'.
// An Event is emitted when a target turns Failed or Invalid.
func (c *Controller) syncStatus(ctx context.Context, k key) error {
	u, f, err := c.load(k)
	if u == nil {
		return err
	}
	if err != nil {
		return c.writeStatus(ctx, u, c.kinds[k.Resource], f, invalidStatus(u, err.Error()))
	}
	if f.Deleting {
		return nil // finalize owns it now
	}
	registered, err := c.members.Registered()
	if err != nil {
		return err
	}
	selected, unknown, err := resolveClusters(f.Placement, registered)
	if err != nil {
		return c.writeStatus(ctx, u, f.Kind, f, invalidStatus(u, err.Error()))
	}
	prev := map[target]fedv1alpha1.PlacementStatus{}
	for _, p := range f.Status.Placements {
		prev[target{p.Cluster, p.Namespace}] = p
	}
	var placements []fedv1alpha1.PlacementStatus
	for _, name := range unknown {
		for _, ns := range f.Placement.Namespaces {
			placements = append(placements, fedv1alpha1.PlacementStatus{Cluster: name, Namespace: ns, State: fedv1alpha1.PlacementInvalid,
				Message: fmt.Sprintf("cluster %s is not registered (meridianctl cluster list shows the registered ones)", name), ObservedGeneration: f.Generation})
		}
	}
	reported := c.results.get(k)
	var emptied []string // no longer selected, and nothing left there
	for _, cluster := range c.concerned(k, f, registered) {
		if r, ok := reported[cluster]; ok && r.Generation == f.Generation && !r.Deleting {
			placements = append(placements, r.Placements...)
			if len(r.Placements) == 0 && !slices.Contains(selected, cluster) {
				emptied = append(emptied, cluster)
			}
			continue
		}
		if slices.Contains(selected, cluster) {
			for _, ns := range f.Placement.Namespaces {
				if p, ok := prev[target{cluster, ns}]; ok && p.ObservedGeneration == f.Generation && p.State != fedv1alpha1.PlacementStale {
					placements = append(placements, p)
					continue
				}
				placements = append(placements, fedv1alpha1.PlacementStatus{Cluster: cluster, Namespace: ns, State: fedv1alpha1.PlacementPending,
					Message: "being placed in cluster " + cluster, ObservedGeneration: f.Generation})
			}
			continue
		}
		// No longer selected, not reported yet: being removed.
		for _, p := range f.Status.Placements {
			if p.Cluster == cluster {
				p.State, p.Message = fedv1alpha1.PlacementStale, "no longer targeted: being removed from cluster "+cluster
				placements = append(placements, p)
			}
		}
	}
	st := summarize(f, placements)
	for _, p := range st.Placements {
		if (p.State == fedv1alpha1.PlacementFailed || p.State == fedv1alpha1.PlacementInvalid) && prev[target{p.Cluster, p.Namespace}].State != p.State {
			c.recorder.Eventf(u, corev1.EventTypeWarning, "Placement"+string(p.State), "%s/%s: %s", p.Cluster, p.Namespace, p.Message)
		}
	}
	if err := c.writeStatus(ctx, u, f.Kind, f, st); err != nil {
		return err
	}
	// The status no longer names them: they are no longer concerned.
	for _, cluster := range emptied {
		c.results.drop(k, cluster)
	}
	return nil
}

// glooState reads the state Gloo reports for a placed object.
func glooState(o *unstructured.Unstructured) (string, string) {
	var raw []byte
	if st, ok := o.Object["status"]; ok {
		raw, _ = json.Marshal(st) // a decoded object always marshals
	}
	code, reason := core.Verdict(raw, "")
	return code.String(), reason
}

// summarize computes the status from the placements.
func summarize(f *federated, placements []fedv1alpha1.PlacementStatus) fedv1alpha1.FederatedStatus {
	slices.SortFunc(placements, func(a, b fedv1alpha1.PlacementStatus) int {
		if c := strings.Compare(a.Cluster, b.Cluster); c != 0 {
			return c
		}
		return strings.Compare(a.Namespace, b.Namespace)
	})
	now := metav1.Now()
	prev := map[target]fedv1alpha1.PlacementStatus{}
	for _, p := range f.Status.Placements {
		prev[target{p.Cluster, p.Namespace}] = p
	}
	var placed, accepted, total int
	for i := range placements {
		p := &placements[i]
		old, hadOld := prev[target{p.Cluster, p.Namespace}]
		if hadOld && old.State == p.State {
			p.LastTransitionTime = old.LastTransitionTime
		} else {
			p.LastTransitionTime = now
		}
		// ObservedGeneration is the generation last placed there: a target
		// that is not Placed now (Invalid, Failed, ...) may still hold the
		// copy of an earlier one, and that copy is removed when the target
		// goes, whatever its state then. 0: nothing was ever placed.
		if p.State != fedv1alpha1.PlacementPlaced {
			p.ObservedGeneration = old.ObservedGeneration
		}
		if hadOld {
			*p = keepRestoredDrift(old, *p)
		}
		if p.State == fedv1alpha1.PlacementStale {
			continue // not a target
		}
		total++
		if p.State == fedv1alpha1.PlacementPlaced {
			placed++
			if f.Kind.Secret || p.GlooState == core.StateAccepted.String() {
				accepted++
			}
		}
	}
	st := fedv1alpha1.FederatedStatus{
		ObservedGeneration: f.Generation,
		Placed:             fmt.Sprintf("%d/%d", placed, total),
		Placements:         placements,
		Conditions:         slices.Clone(f.Status.Conditions), // SetStatusCondition edits in place
	}
	if !f.Kind.Secret {
		st.Accepted = fmt.Sprintf("%d/%d", accepted, total)
	}
	cond := metav1.Condition{Type: "Ready", Status: metav1.ConditionTrue, Reason: "Placed", Message: "placed in every target", ObservedGeneration: f.Generation}
	switch {
	case total == 0:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, "NoTargets", "the placement selects no registered cluster"
	case placed < total:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, "NotPlaced", fmt.Sprintf("placed in %d of %d targets", placed, total)
	case accepted < total:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, "NotAccepted", fmt.Sprintf("Gloo accepts %d of %d placed objects", accepted, total)
	}
	meta.SetStatusCondition(&st.Conditions, cond)
	return st
}

func invalidStatus(u *unstructured.Unstructured, msg string) fedv1alpha1.FederatedStatus {
	// The placements stay as they were: they are the record of what was
	// placed where (for Secrets the only one), which the removal of what
	// is no longer targeted, or the deletion, needs once the object reads
	// again.
	var st fedv1alpha1.FederatedStatus
	if raw, ok := u.Object["status"].(map[string]any); ok {
		_ = runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &st)
	}
	st.ObservedGeneration = u.GetGeneration()
	meta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: "Ready", Status: metav1.ConditionFalse, Reason: "Invalid", Message: msg, ObservedGeneration: st.ObservedGeneration})
	return st
}

// writeStatus updates the status subresource when it changed.
func (c *Controller) writeStatus(ctx context.Context, u *unstructured.Unstructured, kind Kind, f *federated, st fedv1alpha1.FederatedStatus) error {
	if f != nil && reflect.DeepEqual(normalized(f.Status), normalized(st)) {
		return nil
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&st)
	if err != nil {
		return err
	}
	// A merge patch keeps what it does not name: a field the new status
	// no longer has is removed explicitly.
	old, _ := u.Object["status"].(map[string]any)
	for k := range old {
		if _, ok := m[k]; !ok {
			m[k] = nil
		}
	}
	err = c.mergePatch(ctx, kind, u, map[string]any{"status": m}, "status")
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// mergePatch sends patch as a JSON merge patch, with the object's
// resourceVersion as precondition: only what changes is sent and decoded,
// not the whole object (whose template can be large), and a concurrent
// change is a conflict, retried, as with an update.
func (c *Controller) mergePatch(ctx context.Context, kind Kind, u *unstructured.Unstructured, patch map[string]any, subresources ...string) error {
	md, _ := patch["metadata"].(map[string]any)
	if md == nil {
		md = map[string]any{}
		patch["metadata"] = md
	}
	md["resourceVersion"] = u.GetResourceVersion()
	body, err := json.Marshal(patch)
	if err != nil {
		return err
	}
	_, err = c.mgmt.Resource(kind.Federated).Namespace(u.GetNamespace()).Patch(ctx, u.GetName(), types.MergePatchType, body, metav1.PatchOptions{FieldManager: FieldManager}, subresources...)
	return err
}

// normalized drops timestamps, so that an unchanged state is not rewritten.
func normalized(st fedv1alpha1.FederatedStatus) fedv1alpha1.FederatedStatus {
	out := *st.DeepCopy()
	for i := range out.Placements {
		out.Placements[i].LastTransitionTime = metav1.Time{}
	}
	for i := range out.Conditions {
		out.Conditions[i].LastTransitionTime = metav1.Time{}
	}
	if len(out.Placements) == 0 {
		out.Placements = nil
	}
	return out
}
