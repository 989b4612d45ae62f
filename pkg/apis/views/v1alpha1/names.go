package v1alpha1

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The view-name rules and the member↔view conversion, in one place: every
// part of Meridian that names a view or reads a member name out of one uses
// these.

// ClusterLabel is set on every view object to the name of the member cluster
// it comes from, so that label selectors (and kubectl -L) can use it.
const ClusterLabel = "views.meridian.io/cluster"

// ClusterField is the field selector that picks one member cluster: cluster=east.
const ClusterField = "cluster"

// ClusterName returns the view name of a member object: "<cluster>.<name>".
// Cluster names are DNS labels (KubernetesCluster validates them) and never
// contain a dot, so the first dot splits the name back (SplitClusterName)
// even when the member name has dots.
func ClusterName(cluster, name string) string {
	return cluster + "." + name
}

// SplitClusterName reverses ClusterName.
func SplitClusterName(viewName string) (cluster, name string, err error) {
	cluster, name, ok := strings.Cut(viewName, ".")
	if !ok || cluster == "" || name == "" {
		return "", "", fmt.Errorf("%q is not a view name: expected <cluster>.<name>", viewName)
	}
	return cluster, name, nil
}

// ClusterOf returns the member cluster of a view object: its ClusterLabel,
// or else the cluster its name starts with ("" when it has neither).
func ClusterOf(o metav1.Object) string {
	if c := o.GetLabels()[ClusterLabel]; c != "" {
		return c
	}
	c, _, _ := SplitClusterName(o.GetName())
	return c
}

// ToView turns a member object of cluster into its view, in place: named
// ClusterName(cluster, name), labelled with ClusterLabel, without managed
// fields (they describe the member's writers, not anything a reader of the
// view can act on, and cost memory) and without apiVersion/kind (the view's
// are set when it is served). Namespace, other labels, annotations, spec and
// status stay as the member has them. The labels map is a new one: the
// member's is not written to.
//
// intern, when set, is applied to the namespace and to label keys and
// values and annotation keys: they repeat across the many objects a cache
// holds, and a shared copy of each costs one allocation.
func ToView(cluster string, o metav1.Object, intern func(string) string) {
	if intern == nil {
		intern = func(s string) string { return s }
	}
	o.SetName(ClusterName(cluster, o.GetName()))
	o.SetNamespace(intern(o.GetNamespace()))
	lbls := make(map[string]string, len(o.GetLabels())+1)
	for k, v := range o.GetLabels() {
		lbls[intern(k)] = intern(v)
	}
	lbls[ClusterLabel] = cluster
	o.SetLabels(lbls)
	if a := o.GetAnnotations(); len(a) > 0 {
		interned := make(map[string]string, len(a))
		for k, v := range a {
			interned[intern(k)] = v
		}
		o.SetAnnotations(interned)
	}
	o.SetManagedFields(nil)
	if t, ok := o.(interface{ GetObjectKind() schema.ObjectKind }); ok {
		t.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{})
	}
}

// MemberName returns the cluster and the member-side name of a view object
// (the inverse of ToView's naming), failing for an object that is not a
// view or whose name and ClusterLabel disagree.
func MemberName(o metav1.Object) (cluster, name string, err error) {
	cluster, name, err = SplitClusterName(o.GetName())
	if err != nil {
		return "", "", err
	}
	if l := o.GetLabels()[ClusterLabel]; l != "" && l != cluster {
		return "", "", fmt.Errorf("view %q is labelled with cluster %q", o.GetName(), l)
	}
	return cluster, name, nil
}
