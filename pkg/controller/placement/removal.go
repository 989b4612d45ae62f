package placement

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/registration"
)

// removeFrom deletes f's objects in one cluster outside keep (nil: all).
// What cannot be deleted is reported Stale.
func (c *Controller) removeFrom(ctx context.Context, f *federated, kc *fedv1alpha1.KubernetesCluster, keep []string) []fedv1alpha1.PlacementStatus {
	var out []fedv1alpha1.PlacementStatus
	stale := func(ns, msg string) {
		out = append(out, fedv1alpha1.PlacementStatus{Cluster: kc.Name, Namespace: ns, State: fedv1alpha1.PlacementStale, Message: msg, ObservedGeneration: f.Generation})
	}
	// Where it was placed before: from the status (Secrets are never listed:
	// Meridian may not list a member's Secrets), and for Gloo kinds from
	// the member itself.
	candidates := map[string]string{} // namespace -> name
	for _, p := range f.Status.Placements {
		if p.Cluster == kc.Name && !slices.Contains(keep, p.Namespace) {
			candidates[p.Namespace] = f.placedName()
		}
	}
	if kc.Spec.Suspend {
		for ns := range candidates {
			stale(ns, "cluster "+kc.Name+" is suspended: the object stays until it is resumed")
		}
		return out
	}
	client, err := c.members.Client(kc)
	if err != nil {
		for ns := range candidates {
			stale(ns, err.Error())
		}
		return out
	}
	ri := client.Resource(f.Kind.Member)
	ref := ownerRef(f.Kind, f.Namespace, f.Name)
	// What else this object placed there: the member is listed only when
	// the status may not know: the object is being deleted, or its spec
	// changed since the placements on record (a first generation has placed
	// nothing else).
	specChanged := f.Generation > 1 && f.Status.ObservedGeneration != f.Generation
	owned, err := c.reader(f.Kind, kc.Name, client).Owned(ctx, ownerHash(ref), f.Deleting || specChanged)
	if err != nil {
		for ns := range candidates {
			stale(ns, "listing the member: "+err.Error())
		}
		return out
	}
	for _, o := range owned {
		if !slices.Contains(keep, o.GetNamespace()) {
			candidates[o.GetNamespace()] = o.GetName()
		}
	}
	for ns, name := range candidates {
		if err := deleteOwned(ctx, f.Kind, ri.Namespace(ns), name, ref); err != nil {
			stale(ns, "deleting from the member: "+err.Error())
			continue
		}
		c.expect.forget(expectKey{Resource: f.Kind.Federated.Resource, Cluster: kc.Name, Namespace: ns, Name: name})
	}
	return out
}

// deleteOwned deletes one object if, and only if, Meridian owns it: the
// delete carries the UID and resourceVersion of the object judged as
// preconditions, so an object replaced, or taken over (its owner marks
// edited away), after the read is never deleted; it is judged again.
func deleteOwned(ctx context.Context, k Kind, ri dynamic.ResourceInterface, name, ref string) error {
	if k.Access == WriteOnly {
		return deleteBlind(ctx, ri, name, ref)
	}
	for attempt := 0; ; attempt++ {
		cur, err := ri.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if cur.GetAnnotations()[OwnerAnnotation] != ref {
			return nil // not ours (any more): never touched
		}
		uid, rv := cur.GetUID(), cur.GetResourceVersion()
		err = ri.Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid, ResourceVersion: &rv}})
		switch {
		case err == nil || apierrors.IsNotFound(err):
			return nil
		case apierrors.IsConflict(err) && attempt < 2:
			continue
		default:
			return err
		}
	}
}

// deleteBlind deletes an object of a WriteOnly kind, which Meridian may
// not read, if it is ref's. The member's admission policy refuses
// Meridian's delete of an object without an owner annotation, whatever
// its value, so first a merge patch sets ref as the owner: the policy
// refuses changing an owner, so that patch succeeds only on an object
// that is ref's already (changing nothing), and its answer gives the UID
// the delete then requires. A refusal of either means the object is not
// ref's to delete: left untouched, as for any kind. A merge patch never
// creates an object that is not there.
func deleteBlind(ctx context.Context, ri dynamic.ResourceInterface, name, ref string) error {
	mark, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]string{OwnerAnnotation: ref}}})
	if err != nil {
		return err
	}
	cur, err := ri.Patch(ctx, name, types.MergePatchType, mark, metav1.PatchOptions{FieldManager: FieldManager})
	switch {
	case apierrors.IsNotFound(err), notOurs(err):
		return nil
	case err != nil:
		return err
	}
	uid, rv := cur.GetUID(), cur.GetResourceVersion()
	err = ri.Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid, ResourceVersion: &rv}})
	if err == nil || apierrors.IsNotFound(err) || notOurs(err) {
		return nil
	}
	if apierrors.IsConflict(err) {
		// Replaced or changed since the patch: judged again next time.
		return fmt.Errorf("the Secret changed while Meridian was deleting it: %w", err)
	}
	return err
}

// notOurs reports whether the member's admission policy refused a write or
// deletion because the object is not Meridian's, or another federated
// object's.
func notOurs(err error) bool {
	return apierrors.IsForbidden(err) && (strings.Contains(err.Error(), registration.ForeignSecretMessage) || strings.Contains(err.Error(), registration.OtherOwnerMessage))
}
