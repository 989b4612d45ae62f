package placement

import (
	"context"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

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
			if k.Secret {
				continue // Meridian may not list a member's Secrets
			}
			placed, err := c.placedIn(ctx, k, kc.Name, client)
			if err != nil {
				continue // unreachable now: next sweep
			}
			for _, o := range placed {
				ref := o.GetAnnotations()[OwnerAnnotation]
				if ref == "" || c.ownerExists(ref) {
					continue
				}
				dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
				err := deleteOwned(dctx, k.Secret, client.Resource(k.Member).Namespace(o.GetNamespace()), o.GetName(), ref)
				cancel()
				if err == nil {
					sweptTotal.WithLabelValues(kc.Name).Inc()
					c.log.Info("removed an object left by a deleted federated object", "cluster", kc.Name, "object", manifest.Describe(o), "owner", ref)
				}
			}
		}
	}
}

// placedIn returns every object of kind k Meridian placed in a cluster:
// from the views when they are synced, else listed from the member.
func (c *Controller) placedIn(ctx context.Context, k Kind, cluster string, client dynamic.Interface) ([]*unstructured.Unstructured, error) {
	if c.views.Synced(k) {
		return c.views.AllOwned(k, cluster), nil
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	list, err := client.Resource(k.Member).List(ctx, metav1.ListOptions{LabelSelector: OwnerLabel})
	if err != nil {
		return nil, err
	}
	out := make([]*unstructured.Unstructured, len(list.Items))
	for i := range list.Items {
		out[i] = &list.Items[i]
	}
	return out, nil
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
