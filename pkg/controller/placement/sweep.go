package placement

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/meridianfed/meridian/pkg/manifest"
)

// sweepLoop removes, from every reachable member, objects Meridian placed
// for federated objects that no longer exist: what a deletion could not
// remove while the member was unreachable (Gloo Federation kept those
// forever, or blocked the deletion).
func (c *Controller) sweepLoop(ctx context.Context) {
	t := time.NewTicker(c.opts.Sweep)
	defer t.Stop()
	for {
		c.sweep(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (c *Controller) sweep(ctx context.Context) {
	c.expect.expire()
	registered, err := c.members.Registered()
	if err != nil {
		return
	}
	c.sweepLeftovers(ctx, registered)
	for _, kc := range registered {
		if kc.Spec.Suspend {
			continue
		}
		client, err := c.members.Client(kc)
		if err != nil {
			continue
		}
		for _, k := range c.kinds {
			// Kinds that cannot be listed are found by the leftovers
			// record instead.
			lctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			placed, err := c.reader(k, kc.Name, client).All(lctx)
			cancel()
			if err != nil {
				continue // unreachable now: next sweep
			}
			for _, o := range placed {
				ref := o.GetAnnotations()[OwnerAnnotation]
				if ref == "" || c.ownerExists(ref) {
					continue
				}
				dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
				err := deleteOwned(dctx, k, client.Resource(k.Member).Namespace(o.GetNamespace()), o.GetName(), ref)
				cancel()
				if err == nil {
					sweptTotal.WithLabelValues(kc.Name).Inc()
					c.log.Info("removed an object left by a deleted federated object", "cluster", kc.Name, "object", manifest.Describe(o), "owner", ref)
				}
			}
		}
	}
}

// ownerExists reports whether the federated object named by an owner
// annotation (Kind/namespace/name) still exists and is not being deleted.
func (c *Controller) ownerExists(ref string) bool {
	k, ok := ownerKey(ref)
	inf, known := c.informer[k.Resource]
	if !ok || !known {
		return true // not a reference this controller wrote: leave it
	}
	obj, exists, err := inf.GetStore().GetByKey(k.Namespace + "/" + k.Name)
	if err != nil {
		return true
	}
	if !exists {
		return false
	}
	u, ok := obj.(*unstructured.Unstructured)
	return !ok || u.GetDeletionTimestamp() == nil
}
