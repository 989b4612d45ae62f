package placement

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// Leftovers records, in the federation namespace, are the Secrets that
// deleting a FederatedSecret had to leave in members it could not reach.
// Gloo objects left that way are found again by their owner label; Secrets
// are not, because Meridian may not list a member's Secrets (it writes them
// only by name). Each deleted FederatedSecret gets its own record, a
// ConfigMap named by leftoversName and labelled LeftoversLabel, so the
// records grow with the deletions, not in one object with a size limit.
// The sweeper removes each recorded Secret once its member answers, and a
// record once it is empty.
const LeftoversLabel = fedv1alpha1.LeftoversLabel

// LegacyLeftoversConfigMap is the single record earlier versions kept, in
// the same format; it is swept like the others until it is empty.
const LegacyLeftoversConfigMap = "meridian-leftovers"

// leftoversName is the record of one owner's leftovers: a hash of the
// owner reference, since a namespace and name together may be longer than
// a ConfigMap name.
func leftoversName(owner string) string {
	sum := sha256.Sum256([]byte(owner))
	return "meridian-leftovers-" + hex.EncodeToString(sum[:10])
}

// maxRecordBytes keeps a record under the 1 MiB an object may have in
// etcd, with room for its metadata. One owner's record holds an entry per
// cluster and namespace it was left in, far below this.
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

// recordLeftovers adds items to their owners' records.
func (c *Controller) recordLeftovers(ctx context.Context, items []leftover) error {
	byOwner := map[string][]leftover{}
	for _, l := range items {
		byOwner[l.Owner] = append(byOwner[l.Owner], l)
	}
	for _, owner := range slices.Sorted(maps.Keys(byOwner)) {
		err := c.editLeftovers(ctx, leftoversName(owner), func(data map[string]string) {
			for _, l := range byOwner[owner] {
				data[l.key()] = l.Owner
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// editLeftovers applies edit to the entries of record name and writes it
// back: created when there is none, deleted when no entry is left.
func (c *Controller) editLeftovers(ctx context.Context, name string, edit func(map[string]string)) error {
	ri := c.mgmt.Resource(configMaps).Namespace(c.members.Namespace())
	cm, err := ri.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		data := map[string]string{}
		edit(data)
		if len(data) == 0 {
			return nil
		}
		cm = &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": name, "namespace": c.members.Namespace(),
				"labels": map[string]any{"app.kubernetes.io/part-of": "meridian", LeftoversLabel: "secrets"}}}}
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
	if len(data) == 0 {
		uid, rv := cm.GetUID(), cm.GetResourceVersion()
		err := ri.Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid, ResourceVersion: &rv}})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err // a conflict waits for the next sweep
	}
	if maps.Equal(before, data) {
		return nil
	}
	if size := recordSize(data); size > maxRecordBytes && size > recordSize(before) {
		return fmt.Errorf("record %s would hold %d bytes, more than the %d a ConfigMap may", name, size, maxRecordBytes)
	}
	_ = unstructured.SetNestedStringMap(cm.Object, data, "data")
	_, err = ri.Update(ctx, cm, metav1.UpdateOptions{FieldManager: FieldManager}) // a conflict waits for the next sweep
	return err
}

// leftoverRecords are the records to sweep: every labelled one, and the
// legacy one if it is there.
func (c *Controller) leftoverRecords(ctx context.Context) []unstructured.Unstructured {
	ri := c.mgmt.Resource(configMaps).Namespace(c.members.Namespace())
	var out []unstructured.Unstructured
	if list, err := ri.List(ctx, metav1.ListOptions{LabelSelector: LeftoversLabel}); err == nil {
		out = list.Items
	}
	if cm, err := ri.Get(ctx, LegacyLeftoversConfigMap, metav1.GetOptions{}); err == nil {
		out = append(out, *cm)
	}
	return out
}

// sweepLeftovers removes the recorded Secrets from the members that answer.
func (c *Controller) sweepLeftovers(ctx context.Context, registered map[string]*fedv1alpha1.KubernetesCluster) {
	for _, cm := range c.leftoverRecords(ctx) { // none readable now: next sweep
		data, _, _ := unstructured.NestedStringMap(cm.Object, "data")
		var done []string
		for _, k := range slices.Sorted(maps.Keys(data)) {
			if c.sweepLeftover(ctx, k, data[k], registered) {
				done = append(done, k)
			}
		}
		if len(done) > 0 || len(data) == 0 {
			_ = c.editLeftovers(ctx, cm.GetName(), func(data map[string]string) {
				for _, k := range done {
					delete(data, k)
				}
			})
		}
	}
}

// sweepLeftover removes one recorded Secret, and says whether its entry is
// done with.
func (c *Controller) sweepLeftover(ctx context.Context, key, owner string, registered map[string]*fedv1alpha1.KubernetesCluster) bool {
	l, ok := parseLeftover(key, owner)
	if !ok {
		return true // not a record this controller wrote
	}
	if c.ownerExists(l.Owner) {
		return true // created again: the Secret is its again
	}
	kc, ok := registered[l.Cluster]
	if !ok || kc.Spec.Suspend {
		return false
	}
	client, err := c.members.Client(kc)
	if err != nil {
		return false
	}
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := deleteOwned(dctx, c.kinds[kindOfSecrets().Federated.Resource], client.Resource(secrets).Namespace(l.Namespace), l.Name, l.Owner); err != nil {
		return false // still unreachable
	}
	sweptTotal.WithLabelValues(l.Cluster).Inc()
	c.log.Info("removed a Secret left by a deleted FederatedSecret", "cluster", l.Cluster, "secret", l.Namespace+"/"+l.Name, "owner", l.Owner)
	return true
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
