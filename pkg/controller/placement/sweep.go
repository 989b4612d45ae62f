package placement

import (
	"context"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	registered, err := c.members.Registered()
	if err != nil {
		return
	}
	byKind := map[string]Kind{}
	for _, k := range c.kinds {
		byKind[k.FederatedKind] = k
	}
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
			lctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			list, err := client.Resource(k.Member).List(lctx, metav1.ListOptions{LabelSelector: OwnerLabel})
			cancel()
			if err != nil {
				continue // unreachable now: next sweep
			}
			for i := range list.Items {
				o := &list.Items[i]
				ref := o.GetAnnotations()[OwnerAnnotation]
				if ref == "" || c.ownerExists(ref, byKind) {
					continue
				}
				dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
				err := deleteOwned(dctx, client.Resource(k.Member).Namespace(o.GetNamespace()), o.GetName(), ref)
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
func (c *Controller) ownerExists(ref string, byKind map[string]Kind) bool {
	parts := strings.SplitN(ref, "/", 3)
	if len(parts) != 3 {
		return true // not a reference this controller wrote: leave it
	}
	k, ok := byKind[parts[0]]
	if !ok {
		return true
	}
	obj, exists, err := c.informer[k.Federated.Resource].GetStore().GetByKey(parts[1] + "/" + parts[2])
	if err != nil {
		return true
	}
	if !exists {
		return false
	}
	u, ok := obj.(*unstructured.Unstructured)
	return !ok || u.GetDeletionTimestamp() == nil
}
