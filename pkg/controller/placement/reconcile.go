package placement

import (
	"context"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

// load returns the federated object k as the informer holds it (a copy),
// and its decoding; nil when it is gone. A decoding error is the object's
// own (its status says so).
func (c *Controller) load(k key) (*unstructured.Unstructured, *federated, error) {
	inf, ok := c.informer[k.Resource]
	if !ok {
		return nil, nil, nil
	}
	obj, exists, err := inf.GetStore().GetByKey(k.Namespace + "/" + k.Name)
	if err != nil || !exists {
		return nil, nil, err
	}
	u := obj.(*unstructured.Unstructured).DeepCopy()
	f, err := readFederated(c.kinds[k.Resource], u)
	return u, f, err
}

// reconcile hands one federated object to the queue of every member
// concerned: those its placement selects and those it placed into before.
// It never waits for a member; the members' outcomes come back through the
// status queue.
func (c *Controller) reconcile(ctx context.Context, k key) error {
	u, f, err := c.load(k)
	if u == nil {
		c.results.forget(k) // gone: the sweeper removes what may be left
		return err
	}
	if err != nil {
		c.status.Add(k)
		return nil
	}
	registered, err := c.members.Registered()
	if err != nil {
		return err
	}
	if f.Deleting {
		return c.finalize(ctx, k, u, f, registered)
	}
	if !slices.Contains(f.Finalizers, Finalizer) {
		// Nothing is placed before the finalizer is on: a deletion must
		// find everything placed. Once the patch is answered it is on:
		// placing starts now, not when the update comes back as an event.
		if err := c.mergePatch(ctx, f.Kind, u, map[string]any{"metadata": map[string]any{"finalizers": append(u.GetFinalizers(), Finalizer)}}); err != nil {
			return err
		}
	}
	for _, cluster := range c.concerned(k, f, registered) {
		c.memberQs.add(cluster, k)
	}
	c.status.Add(k)
	return nil
}

// concerned returns the registered clusters f's placement selects, or that
// hold (or may hold) something it placed.
func (c *Controller) concerned(k key, f *federated, registered map[string]*fedv1alpha1.KubernetesCluster) []string {
	selected, _, err := resolveClusters(f.Placement, registered)
	if err != nil {
		return nil // the status says why; nothing is touched meanwhile
	}
	set := map[string]bool{}
	for _, cl := range selected {
		set[cl] = true
	}
	for _, p := range f.Status.Placements {
		set[p.Cluster] = true // whatever its state: an Invalid target may hold an earlier copy
	}
	for cl := range c.results.get(k) {
		set[cl] = true
	}
	var out []string
	for cl := range set {
		if _, ok := registered[cl]; ok {
			out = append(out, cl)
		}
	}
	slices.Sort(out)
	return out
}

// syncMember brings one federated object's copies in one member in line
// with it (places, restores, removes) and records the outcome for the
// status queue. It asks for a retry with backoff when a target failed or a
// removal did.
func (c *Controller) syncMember(ctx context.Context, cluster string, k key) bool {
	u, f, err := c.load(k)
	if u == nil || err != nil {
		return false
	}
	registered, err := c.members.Registered()
	if err != nil {
		return true
	}
	kc, ok := registered[cluster]
	if !ok {
		c.results.drop(k, cluster)
		c.status.Add(k)
		return false
	}
	var out []fedv1alpha1.PlacementStatus
	if f.Deleting {
		out = c.removeFrom(ctx, f, kc, nil)
		c.results.set(k, cluster, clusterResult{Generation: f.Generation, Deleting: true, Placements: out})
		c.queue.Add(k) // the deletion may complete
		return len(out) > 0
	}
	selected, _, err := resolveClusters(f.Placement, registered)
	if err != nil {
		return false
	}
	if slices.Contains(selected, cluster) {
		out = c.placeCluster(ctx, f, kc)
	} else {
		out = c.removeFrom(ctx, f, kc, nil)
	}
	c.results.set(k, cluster, clusterResult{Generation: f.Generation, Placements: out})
	c.status.Add(k)
	if kc.Spec.Suspend {
		return false // nothing is tried there until it is resumed
	}
	for _, p := range out {
		if p.State == fedv1alpha1.PlacementFailed || p.State == fedv1alpha1.PlacementStale {
			return true
		}
	}
	return false
}
