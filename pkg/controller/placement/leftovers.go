package placement

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

// LeftoversConfigMap, in the federation namespace, records the Secrets that
// deleting a FederatedSecret had to leave in members it could not reach.
// Gloo objects left that way are found again by their owner label; Secrets
// are not, because Meridian may not list a member's Secrets (it reads them
// only by name). The sweeper removes each recorded Secret once its member
// answers, and then the record.
const LeftoversConfigMap = "meridian-leftovers"

// maxRecordBytes keeps the record under the 1 MiB an object may have in
// etcd, with room for its metadata.
const maxRecordBytes = 900 << 10

func recordSize(data map[string]string) int {
	n := 0
	for k, v := range data {
		n += len(k) + len(v) + 8
	}
	return n
}

var configMaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

// leftover is one Secret left in a member, recorded under
// "<cluster>_<namespace>_<name>" (none of the three can hold "_") with its
// owner reference as value.
type leftover struct{ Cluster, Namespace, Name, Owner string }

func (l leftover) key() string { return l.Cluster + "_" + l.Namespace + "_" + l.Name }

func parseLeftover(k, owner string) (leftover, bool) {
	parts := strings.Split(k, "_")
	if len(parts) != 3 {
		return leftover{}, false
	}
	return leftover{Cluster: parts[0], Namespace: parts[1], Name: parts[2], Owner: owner}, true
}

// secretLeftovers are the Secrets f's deletion leaves behind: where the
// removal failed (stale), and where status says it placed them in clusters
// no longer registered (they may be registered again), whatever the state
// of those targets now: a target turned Invalid still holds the copy of the
// generation it last placed.
func secretLeftovers(f *federated, stale []fedv1alpha1.PlacementStatus, registered map[string]*fedv1alpha1.KubernetesCluster) []leftover {
	ref := ownerRef(f.Kind, f.Namespace, f.Name)
	var out []leftover
	for _, s := range stale {
		out = append(out, leftover{Cluster: s.Cluster, Namespace: s.Namespace, Name: f.placedName(), Owner: ref})
	}
	for _, p := range f.Status.Placements {
		if _, ok := registered[p.Cluster]; !ok && p.ObservedGeneration > 0 {
			out = append(out, leftover{Cluster: p.Cluster, Namespace: p.Namespace, Name: f.placedName(), Owner: ref})
		}
	}
	return out
}

// recordLeftovers adds items to the record.
func (c *Controller) recordLeftovers(ctx context.Context, items []leftover) error {
	if len(items) == 0 {
		return nil
	}
	return c.editLeftovers(ctx, func(data map[string]string) {
		for _, l := range items {
			data[l.key()] = l.Owner
		}
	})
}

// editLeftovers applies edit to the record's entries and writes it back,
// creating it when there is none.
func (c *Controller) editLeftovers(ctx context.Context, edit func(map[string]string)) error {
	ri := c.mgmt.Resource(configMaps).Namespace(c.members.Namespace())
	cm, err := ri.Get(ctx, LeftoversConfigMap, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		data := map[string]string{}
		edit(data)
		cm = &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": LeftoversConfigMap, "namespace": c.members.Namespace(),
				"labels": map[string]any{"app.kubernetes.io/part-of": "meridian"}}}}
		_ = unstructured.SetNestedStringMap(cm.Object, data, "data")
		_, err = ri.Create(ctx, cm, metav1.CreateOptions{FieldManager: FieldManager})
		return err
	}
	if err != nil {
		return err
	}
	data, _, _ := unstructured.NestedStringMap(cm.Object, "data")
	if data == nil {
		data = map[string]string{}
	}
	before := maps.Clone(data)
	edit(data)
	if maps.Equal(before, data) {
		return nil
	}
	if size := recordSize(data); size > maxRecordBytes && size > recordSize(before) {
		return fmt.Errorf("the record would hold %d bytes, more than the %d a ConfigMap may", size, maxRecordBytes)
	}
	_ = unstructured.SetNestedStringMap(cm.Object, data, "data")
	_, err = ri.Update(ctx, cm, metav1.UpdateOptions{FieldManager: FieldManager}) // a conflict waits for the next sweep
	return err
}

// sweepLeftovers removes the recorded Secrets from the members that answer.
func (c *Controller) sweepLeftovers(ctx context.Context, registered map[string]*fedv1alpha1.KubernetesCluster) {
	cm, err := c.mgmt.Resource(configMaps).Namespace(c.members.Namespace()).Get(ctx, LeftoversConfigMap, metav1.GetOptions{})
	if err != nil {
		return // none recorded (or not readable now: next sweep)
	}
	data, _, _ := unstructured.NestedStringMap(cm.Object, "data")
	var done []string
	for _, k := range slices.Sorted(maps.Keys(data)) {
		l, ok := parseLeftover(k, data[k])
		if !ok {
			done = append(done, k) // not a record this controller wrote
			continue
		}
		if c.ownerExists(l.Owner) {
			done = append(done, k) // created again: the Secret is its again
			continue
		}
		kc, ok := registered[l.Cluster]
		if !ok || kc.Spec.Suspend {
			continue
		}
		client, err := c.members.Client(kc)
		if err != nil {
			continue
		}
		dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		err = deleteOwned(dctx, c.kinds[kindOfSecrets().Federated.Resource], client.Resource(secrets).Namespace(l.Namespace), l.Name, l.Owner)
		cancel()
		if err != nil {
			continue // still unreachable
		}
		sweptTotal.WithLabelValues(l.Cluster).Inc()
		c.log.Info("removed a Secret left by a deleted FederatedSecret", "cluster", l.Cluster, "secret", l.Namespace+"/"+l.Name, "owner", l.Owner)
		done = append(done, k)
	}
	if len(done) > 0 {
		_ = c.editLeftovers(ctx, func(data map[string]string) {
			for _, k := range done {
				delete(data, k)
			}
		})
	}
}

var secrets = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}

// kindOfSecrets is the kind table's FederatedSecret.
func kindOfSecrets() Kind {
	for _, k := range Kinds {
		if k.Secret {
			return k
		}
	}
	panic("no FederatedSecret in the kind table")
}
