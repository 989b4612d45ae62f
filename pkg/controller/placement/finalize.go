package placement

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

// finalize lets a federated object's deletion finish once every registered
// member has reported removing its copies, or once DeletionWait has passed
// for those that have not: a member that is unreachable or hangs never
// blocks a deletion; what it holds is left to the sweeper (and, for
// Secrets, recorded), and an Event says so.
func (c *Controller) finalize(ctx context.Context, k key, u *unstructured.Unstructured, f *federated, registered map[string]*fedv1alpha1.KubernetesCluster) error {
	if !slices.Contains(f.Finalizers, Finalizer) {
		c.results.forget(k)
		return nil
	}
	since := c.results.deletionStarted(k, c.now())
	done := c.results.get(k)
	var stale []fedv1alpha1.PlacementStatus
	var waiting []string
	for name := range registered {
		if r, ok := done[name]; ok && r.Deleting {
			stale = append(stale, r.Placements...)
			continue
		}
		waiting = append(waiting, name)
		c.memberQs.add(name, k)
	}
	if len(waiting) > 0 {
		if waited := c.now().Sub(since); waited < c.opts.DeletionWait {
			c.queue.AddAfter(k, c.opts.DeletionWait-waited) // decide then, if the members have not reported
			return nil
		}
		// What the silent members hold, as far as the status knows.
		slices.Sort(waiting)
		for _, name := range waiting {
			msg := fmt.Sprintf("cluster %s did not report removing it within %s", name, c.opts.DeletionWait)
			found := false
			for _, p := range f.Status.Placements {
				if p.Cluster == name {
					stale = append(stale, fedv1alpha1.PlacementStatus{Cluster: name, Namespace: p.Namespace, State: fedv1alpha1.PlacementStale, Message: msg})
					found = true
				}
			}
			if !found && !f.Kind.Secret {
				stale = append(stale, fedv1alpha1.PlacementStatus{Cluster: name, Namespace: "*", State: fedv1alpha1.PlacementStale, Message: msg})
			}
		}
	}
	if f.Kind.Secret {
		// Recorded before the deletion may finish: nothing else would know.
		left := secretLeftovers(f, stale, registered)
		if err := c.recordLeftovers(ctx, left); err != nil {
			// The deletion waits (the finalizer stays) and is retried with
			// backoff; the Event says why, so it is never stuck silently.
			var where []string
			for _, l := range left {
				where = append(where, l.Cluster+"/"+l.Namespace)
			}
			slices.Sort(where)
			c.recorder.Eventf(u, corev1.EventTypeWarning, "LeftoversNotRecorded", "the deletion waits: the Secrets left in %s could not be recorded (retrying): %v", strings.Join(where, ", "), err)
			return fmt.Errorf("recording the Secrets left in unreachable members: %w", err)
		}
	}
	if len(stale) > 0 {
		var left []string
		for _, s := range stale {
			left = append(left, s.Cluster+"/"+s.Namespace+" ("+s.Message+")")
		}
		slices.Sort(left)
		c.recorder.Eventf(u, corev1.EventTypeWarning, "CleanupDeferred", "could not remove the placed objects from %s; they are removed once those clusters answer again", strings.Join(left, ", "))
	}
	rest := slices.DeleteFunc(slices.Clone(u.GetFinalizers()), func(s string) bool { return s == Finalizer })
	err := c.mergePatch(ctx, f.Kind, u, map[string]any{"metadata": map[string]any{"finalizers": rest}})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}
