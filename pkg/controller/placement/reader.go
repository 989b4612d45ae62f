package placement

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
)

// placedReader reads what Meridian placed of one kind in one member. It is
// the one place that chooses where that comes from: the views (when they
// have synced for the kind: no request to the member), the controller's
// own last write (while the views do not show it yet), or the member
// itself. What the kind's Access forbids is never asked of the member.
type placedReader interface {
	// Current returns the object namespace/name (nil: none known) and
	// whether the member itself answered: a write or a delete is decided
	// only on the member's answer (memberOnly asks it), or, where none is
	// known, by the member at the write, which may then only create.
	Current(ctx context.Context, namespace, name string, memberOnly bool) (cur *unstructured.Unstructured, fromMember bool, err error)
	// Owned returns the objects whose owner label is hash; the member is
	// listed only if mayList (the caller's status may not know them all)
	// and the kind may be listed. nil: not known beyond the status.
	Owned(ctx context.Context, hash string, mayList bool) ([]*unstructured.Unstructured, error)
	// All returns every object Meridian placed there (nil if the kind
	// cannot be listed).
	All(ctx context.Context) ([]*unstructured.Unstructured, error)
}

// memberReader is the placedReader of the views and a member client.
type memberReader struct {
	c       *Controller
	kind    Kind
	cluster string
	ri      dynamic.NamespaceableResourceInterface
}

func (c *Controller) reader(k Kind, cluster string, client dynamic.Interface) placedReader {
	return &memberReader{c: c, kind: k, cluster: cluster, ri: client.Resource(k.Member)}
}

func (r *memberReader) Current(ctx context.Context, namespace, name string, memberOnly bool) (*unstructured.Unstructured, bool, error) {
	if !memberOnly && r.c.views.Synced(r.kind) {
		ek := expectKey{Resource: r.kind.Federated.Resource, Cluster: r.cluster, Namespace: namespace, Name: name}
		viewed, ok := r.c.views.Get(r.kind, r.cluster, namespace, name)
		if written, pending := r.c.expect.pending(ek); pending {
			if ok {
				if sameGeneration, sameContent := compare(viewed, written); sameGeneration && sameContent {
					r.c.expect.forget(ek) // the views caught up
					placedReads.WithLabelValues("views").Inc()
					return viewed, false, nil
				}
			}
			placedReads.WithLabelValues("written").Inc()
			return written, false, nil
		}
		if ok {
			placedReads.WithLabelValues("views").Inc()
			return viewed, false, nil
		}
		// No copy. An object without Meridian's owner label, which the
		// views do not watch, may still be there: the caller's write may
		// only create, and meets such an object as a conflict (placeOne).
		placedReads.WithLabelValues("views").Inc()
		return nil, false, nil
	}
	if r.kind.Access == WriteOnly {
		return nil, false, nil // never read: see writeBlind
	}
	placedReads.WithLabelValues("member").Inc()
	cur, err := r.ri.Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, true, nil
	}
	return cur, true, err
}

func (r *memberReader) Owned(ctx context.Context, hash string, mayList bool) ([]*unstructured.Unstructured, error) {
	if r.c.views.Synced(r.kind) {
		return r.c.views.Owned(r.kind, r.cluster, hash), nil
	}
	if !mayList || !r.kind.Access.listable() {
		return nil, nil
	}
	return r.list(ctx, OwnerLabel+"="+hash)
}

func (r *memberReader) All(ctx context.Context) ([]*unstructured.Unstructured, error) {
	if r.c.views.Synced(r.kind) {
		return r.c.views.AllOwned(r.kind, r.cluster), nil
	}
	if !r.kind.Access.listable() {
		return nil, nil
	}
	return r.list(ctx, OwnerLabel)
}

func (r *memberReader) list(ctx context.Context, selector string) ([]*unstructured.Unstructured, error) {
	list, err := r.ri.List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return nil, err
	}
	out := make([]*unstructured.Unstructured, len(list.Items))
	for i := range list.Items {
		out[i] = &list.Items[i]
	}
	return out, nil
}
