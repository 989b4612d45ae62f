package failover

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

// The records of primaries whose spec.failover a deleted scheme could not
// remove (its cluster was unknown or unreachable): one ConfigMap per
// primary, labelled fedv1alpha1.LeftoversLabel=failover, swept until the
// field is gone.
const (
	leftoversValue = "failover"
	leftoversKey   = "primary"
)

var configMaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

func leftoversName(primary string) string {
	sum := sha256.Sum256([]byte(primary))
	return "meridian-failover-leftovers-" + hex.EncodeToString(sum[:10])
}

// finalize removes what s wrote, then its finalizer. The primary's field
// is left alone when another scheme names the same primary (it is, or is
// about to be, that scheme's); when the primary's cluster is unknown, or
// does not answer within DeletionWait, the primary is recorded for the
// sweeper and the deletion completes anyway: a scheme can always be deleted.
func (c *Controller) finalize(ctx context.Context, s *fedv1alpha1.FailoverScheme) (bool, error) {
	if !hasFinalizer(s) {
		return false, nil
	}
	p := s.Spec.Primary
	others := slices.ContainsFunc(c.inputs.SchemesFor(p), func(o *fedv1alpha1.FailoverScheme) bool {
		return o.DeletionTimestamp == nil && (o.Namespace != s.Namespace || o.Name != s.Name)
	})
	if !others {
		registered, _, _ := c.inputs.Cluster(p.ClusterName)
		var err error
		if registered {
			err = c.writePrimary(ctx, p, nil)
		} else {
			err = fmt.Errorf("cluster %s is not registered", p.ClusterName)
		}
		if errors.Is(err, errClusterBusy) {
			return true, nil // not tried yet: another write to that cluster is in flight
		}
		if err != nil {
			if registered && time.Since(s.DeletionTimestamp.Time) < c.opts.DeletionWait {
				return true, nil
			}
			if recErr := c.recordLeftover(ctx, primaryKey(p)); recErr != nil {
				c.recorder.Eventf(s, "Warning", "RecordFailed", "spec.failover of %s could not be removed (%v), nor recorded for later removal (%v): retrying", primaryKey(p), err, recErr)
				return true, nil
			}
			c.recorder.Eventf(s, "Warning", "LeftForLater", "spec.failover of %s could not be removed (%v): recorded, and removed once the cluster answers", primaryKey(p), err)
		}
	}
	s.Finalizers = slices.DeleteFunc(s.Finalizers, func(f string) bool { return f == Finalizer })
	_, err := c.schemes.FailoverSchemes(s.Namespace).Update(ctx, s, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return false, nil // gone already, or the informer brings a newer one to finish
	}
	return false, err
}

// recordLeftover records primary for the sweeper.
func (c *Controller) recordLeftover(ctx context.Context, primary string) error {
	ri := c.mgmt.Resource(configMaps).Namespace(c.members.Namespace())
	cm := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": leftoversName(primary), "namespace": c.members.Namespace(),
			"labels": map[string]any{"app.kubernetes.io/part-of": "meridian", fedv1alpha1.LeftoversLabel: leftoversValue}},
		"data": map[string]any{leftoversKey: primary}}}
	_, err := ri.Create(ctx, cm, metav1.CreateOptions{FieldManager: FieldManager})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}

func (c *Controller) sweepEvery(ctx context.Context) {
	t := time.NewTicker(c.opts.Sweep)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.sweep(ctx)
			// Certificates are renewed when due, without waiting for a
			// scheme to change.
			c.queue.Add(dataPlaneKey)
		}
	}
}

// sweep removes the spec.failover of every recorded primary whose cluster
// answers, and drops the records of primaries a scheme names again (the
// field is that scheme's now).
func (c *Controller) sweep(ctx context.Context) {
	ri := c.mgmt.Resource(configMaps).Namespace(c.members.Namespace())
	list, err := ri.List(ctx, metav1.ListOptions{LabelSelector: fedv1alpha1.LeftoversLabel + "=" + leftoversValue})
	if err != nil {
		c.log.Error(err, "listing the failover leftovers")
		return
	}
	for _, cm := range list.Items {
		primary, _, _ := unstructured.NestedString(cm.Object, "data", leftoversKey)
		parts := strings.SplitN(primary, "/", 3)
		if len(parts) != 3 {
			continue
		}
		p := fedv1alpha1.FailoverPrimary{ClusterName: parts[0], Namespace: parts[1], Name: parts[2]}
		if !slices.ContainsFunc(c.inputs.SchemesFor(p), func(s *fedv1alpha1.FailoverScheme) bool { return s.DeletionTimestamp == nil }) {
			if registered, _, _ := c.inputs.Cluster(p.ClusterName); !registered {
				continue // it may be registered again
			}
			if err := c.writePrimary(ctx, p, nil); err != nil {
				c.log.V(2).Info("failover leftover not removed yet", "primary", primary, "err", err)
				continue
			}
		}
		uid := cm.GetUID()
		if err := ri.Delete(ctx, cm.GetName(), metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}}); err != nil && !apierrors.IsNotFound(err) {
			c.log.Error(err, "deleting a failover leftovers record", "primary", primary)
		}
	}
}
