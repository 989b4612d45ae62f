package placement

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
)

// placeCluster places f into every namespace of one cluster and removes it
// from the namespaces no longer selected there.
func (c *Controller) placeCluster(ctx context.Context, f *federated, kc *fedv1alpha1.KubernetesCluster) []fedv1alpha1.PlacementStatus {
	entry := func(ns string, state fedv1alpha1.PlacementState, msg string) fedv1alpha1.PlacementStatus {
		return fedv1alpha1.PlacementStatus{Cluster: kc.Name, Namespace: ns, State: state, Message: msg, ObservedGeneration: f.Generation}
	}
	var out []fedv1alpha1.PlacementStatus
	if kc.Spec.Suspend {
		for _, ns := range f.Placement.Namespaces {
			out = append(out, entry(ns, fedv1alpha1.PlacementSuspended, "cluster "+kc.Name+" is suspended: nothing is written there"))
		}
		return out
	}
	client, err := c.members.Client(kc)
	if err != nil {
		for _, ns := range f.Placement.Namespaces {
			out = append(out, entry(ns, fedv1alpha1.PlacementFailed, err.Error()))
		}
		return out
	}
	ri, rd := client.Resource(f.Kind.Member), c.reader(f.Kind, kc.Name, client)
	for _, ns := range f.Placement.Namespaces {
		want, err := f.desired(kc.Name, ns)
		if err != nil {
			out = append(out, entry(ns, fedv1alpha1.PlacementInvalid, err.Error()))
			continue
		}
		start := time.Now()
		var p fedv1alpha1.PlacementStatus
		if f.Kind.Access == WriteOnly {
			p = c.placeBlind(ctx, ri.Namespace(ns), f, want, entry(ns, fedv1alpha1.PlacementPlaced, ""))
		} else {
			p = c.placeOne(ctx, rd, ri.Namespace(ns), f, want, entry(ns, fedv1alpha1.PlacementPlaced, ""))
		}
		if p.State == fedv1alpha1.PlacementPlaced && p.GlooState == core.StatePending.String() && p.GlooReason == "" {
			p.GlooReason = c.views.PendingReason(kc.Name, ns)
		}
		writeDuration.WithLabelValues(kc.Name).Observe(time.Since(start).Seconds())
		out = append(out, p)
	}
	return append(out, c.removeFrom(ctx, f, kc, f.Placement.Namespaces)...)
}

// placeOne applies one object, unless an object of that name exists that
// Meridian does not own.
func (c *Controller) placeOne(ctx context.Context, rd placedReader, ri dynamic.ResourceInterface, f *federated, want *unstructured.Unstructured, p fedv1alpha1.PlacementStatus) fedv1alpha1.PlacementStatus {
	ek := expectKey{Resource: f.Kind.Federated.Resource, Cluster: p.Cluster, Namespace: p.Namespace, Name: want.GetName()}
	cur, fromMember, err := rd.Current(ctx, p.Namespace, want.GetName(), false)
	p, write := judge(f, want, cur, err, p)
	if !write {
		return p
	}
	for attempt := 0; ; attempt++ {
		// A write is decided on the member's own answer: the views may lag,
		// and an object replaced meanwhile by one Meridian did not create
		// must never be overwritten. When the views show no copy, the
		// first write asks the member itself: it may only create (see
		// write), so any object there, Meridian's or not, is a conflict,
		// and is read and judged then. A first placement costs the member
		// one request instead of two.
		if !fromMember && (cur != nil || attempt > 0) {
			cur, fromMember, err = rd.Current(ctx, p.Namespace, want.GetName(), true)
			if p, write = judge(f, want, cur, err, p); !write {
				return p
			}
		}
		applied, err := c.write(ctx, ri, want, cur)
		if apierrors.IsConflict(err) && attempt < 2 {
			// Changed, replaced or created since it was read: judge again
			// on what is there now.
			fromMember = false
			continue
		}
		if err != nil {
			p.State = fedv1alpha1.PlacementFailed
			if refused(err) {
				p.State = fedv1alpha1.PlacementInvalid
			}
			p.Message = "writing to the member: " + err.Error()
			return p
		}
		if p.Drifted {
			driftTotal.WithLabelValues(f.Kind.Federated.Resource).Inc()
			p.Message = "the placed object had been changed in the member; restored"
		}
		if c.views.Synced(f.Kind) {
			c.expect.set(ek, applied)
		}
		if !f.Kind.Secret {
			p.GlooState, p.GlooReason = glooState(applied)
		}
		return p
	}
}

// absentVersion is a resourceVersion no object can have (beyond any etcd
// revision): applied as a precondition, it lets the apply create the
// object and fail with a conflict if one exists.
const absentVersion = "18446744073709551615"

// write server-side applies want over cur, the member's object as judged
// (nil: there was none), with force (the object is Meridian's: a hand edit
// is drift, restored) and cur's resourceVersion as precondition: the apply
// creates only if there is still no object, and updates only the very
// object judged. Anything created, replaced or changed in between is a
// conflict, and is judged again rather than overwritten.
func (c *Controller) write(ctx context.Context, ri dynamic.ResourceInterface, want, cur *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	obj := want.DeepCopy()
	switch {
	case cur == nil:
		obj.SetResourceVersion(absentVersion)
	default:
		obj.SetResourceVersion(cur.GetResourceVersion())
	}
	body, err := json.Marshal(obj.Object)
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	force := true
	return ri.Patch(ctx, want.GetName(), types.ApplyPatchType, body, metav1.PatchOptions{FieldManager: FieldManager, Force: &force})
}

// placeBlind places an object of a WriteOnly kind, which Meridian may
// not read in the member: server-side apply without force and without a
// read. The member decides ownership: its admission policy refuses
// Meridian's write to an object without Meridian's owner marks (403, or
// 422 naming the policy), and an apply without force conflicts (409) on a
// field someone else set; either way nothing is overwritten and the target
// is Failed, retried with backoff.
func (c *Controller) placeBlind(ctx context.Context, ri dynamic.ResourceInterface, f *federated, want *unstructured.Unstructured, p fedv1alpha1.PlacementStatus) fedv1alpha1.PlacementStatus {
	body, err := json.Marshal(want.Object)
	if err != nil {
		p.State, p.Message = fedv1alpha1.PlacementInvalid, err.Error()
		return p
	}
	force := false
	_, err = ri.Patch(ctx, want.GetName(), types.ApplyPatchType, body, metav1.PatchOptions{FieldManager: FieldManager, Force: &force})
	switch {
	case err == nil:
	case ownershipRefusal(err):
		p.State = fedv1alpha1.PlacementFailed
		p.Message = fmt.Sprintf("the member refused Meridian's write of %s %s/%s (an object of that name without Meridian's owner marks is there, or Meridian may not write it there): left untouched (rename the template, or delete that object to let Meridian place this one)%s%v", f.Kind.MemberKind, p.Namespace, want.GetName(), fedv1alpha1.MemberAnsweredSeparator, err)
	case apierrors.IsConflict(err):
		p.State = fedv1alpha1.PlacementFailed
		p.Message = fmt.Sprintf("%s %s/%s has fields someone else set: left untouched%s%v", f.Kind.MemberKind, p.Namespace, want.GetName(), fedv1alpha1.MemberAnsweredSeparator, err)
	case refused(err):
		p.State, p.Message = fedv1alpha1.PlacementInvalid, "writing to the member: "+err.Error()
	default:
		p.State, p.Message = fedv1alpha1.PlacementFailed, "writing to the member: "+err.Error()
	}
	return p
}

// ownershipRefusal reports whether the member's admission refused a write
// for ownership (Forbidden, or Invalid from an admission policy) rather
// than the object's content.
func ownershipRefusal(err error) bool {
	return apierrors.IsForbidden(err) || (apierrors.IsInvalid(err) && strings.Contains(err.Error(), "ValidatingAdmissionPolicy"))
}

// refused reports whether the member refused the object itself, so that
// retrying cannot help: invalid, or not matching its schema (a field its
// Gloo does not know: an older Gloo there, or a typo in an override), which
// server-side apply reports as an internal error.
func refused(err error) bool {
	return apierrors.IsInvalid(err) || apierrors.IsBadRequest(err) ||
		(apierrors.IsInternalError(err) && strings.Contains(err.Error(), "failed to create typed patch object"))
}

// judge decides from the current object (nil: none) whether want must be
// written, and fills in p when it need not or must not be.
func judge(f *federated, want, cur *unstructured.Unstructured, readErr error, p fedv1alpha1.PlacementStatus) (fedv1alpha1.PlacementStatus, bool) {
	p.Drifted = false
	switch {
	case readErr != nil:
		p.State, p.Message = fedv1alpha1.PlacementFailed, "reading the member: "+readErr.Error()
		return p, false
	case cur == nil:
		return p, true
	}
	owner := cur.GetAnnotations()[OwnerAnnotation]
	if owner != ownerRef(f.Kind, f.Namespace, f.Name) {
		p.State = fedv1alpha1.PlacementFailed
		if owner == "" {
			p.Message = fmt.Sprintf("a %s %s/%s that Meridian did not create exists there: left untouched (rename the template, or delete that object to let Meridian place this one)", f.Kind.MemberKind, cur.GetNamespace(), cur.GetName())
		} else if k, ok := ownerKey(owner); ok && k.Namespace == f.Namespace {
			p.Message = fmt.Sprintf("%s %s/%s belongs to %s: left untouched", f.Kind.MemberKind, cur.GetNamespace(), cur.GetName(), owner)
		} else {
			// Whoever reads this status may not see the owner's namespace:
			// the status does not name it.
			p.Message = fmt.Sprintf("%s %s/%s belongs to a federated object of another namespace: left untouched", f.Kind.MemberKind, cur.GetNamespace(), cur.GetName())
		}
		return p, false
	}
	sameGeneration, sameContent := compare(cur, want)
	if sameGeneration && sameContent {
		// Already as placed: nothing to write.
		if !f.Kind.Secret {
			p.GlooState, p.GlooReason = glooState(cur)
		}
		return p, false
	}
	// Drift: the object says it was placed from this generation, yet
	// differs from what this generation places.
	p.Drifted = sameGeneration
	return p, true
}

// compare tells whether cur was placed from the same generation as want,
// and whether it holds want's content, labels and annotations.
func compare(cur, want *unstructured.Unstructured) (sameGeneration, sameContent bool) {
	sameGeneration = cur.GetAnnotations()[GenerationAnnotation] == want.GetAnnotations()[GenerationAnnotation]
	sameContent = reflect.DeepEqual(withoutOthersFields(content(cur.Object), want.Object), content(want.Object)) && hasAll(cur.GetLabels(), want.GetLabels()) && hasAll(cur.GetAnnotations(), want.GetAnnotations())
	return sameGeneration, sameContent
}

// othersFields are fields of placed objects that another of Meridian's
// controllers owns, through server-side apply, unless the template sets
// them: an Upstream's spec.failover, which its FailoverScheme writes
// (pkg/failover). The placement's applies leave them alone, so they are
// not drift.
var othersFields = [][]string{{"spec", "failover"}}

// withoutOthersFields returns c (an object's content) without the
// othersFields that want does not set, copying what it changes.
func withoutOthersFields(c map[string]any, want map[string]any) map[string]any {
	for _, path := range othersFields {
		if _, set, _ := unstructured.NestedFieldNoCopy(want, path...); set {
			continue
		}
		if _, has, _ := unstructured.NestedFieldNoCopy(c, path...); !has {
			continue
		}
		c = runtime.DeepCopyJSON(c)
		unstructured.RemoveNestedField(c, path...)
	}
	return c
}

// hasAll reports whether have holds every key of want with the same value.
func hasAll(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}
