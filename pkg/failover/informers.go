package failover

import (
	"slices"
	"strings"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	fedlisters "github.com/meridianfed/meridian/pkg/generated/listers/fed/v1alpha1"
)

// Index names of the scheme informer.
const (
	// byCluster: every cluster a scheme names (primary and targets).
	byCluster = "cluster"
	// byUpstream: every Upstream a scheme names, "<cluster>/<namespace>/<name>".
	byUpstream = "upstream"
	// byPrimary: the primary, "<cluster>/<namespace>/<name>".
	byPrimary = "primary"
	// instancesByCluster indexes GlooInstances by their cluster. The
	// informer is shared with the placement, which has an index of its own
	// by the same key: the names differ, since an informer refuses two
	// indexes of one name.
	instancesByCluster = "failover-cluster"
)

func upstreamKey(cluster, namespace, name string) string {
	return cluster + "/" + namespace + "/" + name
}

func primaryKey(p fedv1alpha1.FailoverPrimary) string {
	return upstreamKey(p.ClusterName, p.Namespace, p.Name)
}

// schemeIndexers find the schemes an event in the views concerns.
var schemeIndexers = toolscache.Indexers{
	byCluster: func(obj any) ([]string, error) {
		s, ok := obj.(*fedv1alpha1.FailoverScheme)
		if !ok {
			return nil, nil
		}
		out := []string{s.Spec.Primary.ClusterName}
		for _, g := range s.Spec.FailoverGroups {
			for _, t := range g.PriorityGroup {
				out = append(out, t.Cluster)
			}
		}
		slices.Sort(out)
		return slices.Compact(out), nil
	},
	byUpstream: func(obj any) ([]string, error) {
		s, ok := obj.(*fedv1alpha1.FailoverScheme)
		if !ok {
			return nil, nil
		}
		out := []string{primaryKey(s.Spec.Primary)}
		for _, g := range s.Spec.FailoverGroups {
			for _, t := range g.PriorityGroup {
				for _, u := range t.Upstreams {
					out = append(out, upstreamKey(t.Cluster, u.Namespace, u.Name))
				}
			}
		}
		slices.Sort(out)
		return slices.Compact(out), nil
	},
	byPrimary: func(obj any) ([]string, error) {
		if s, ok := obj.(*fedv1alpha1.FailoverScheme); ok {
			return []string{primaryKey(s.Spec.Primary)}, nil
		}
		return nil, nil
	},
}

// informerInputs are the Inputs of Synthesize over the controller's
// informers: the registrations and their Ready condition, the
// GlooInstance and Upstream views, and the schemes.
type informerInputs struct {
	namespace string
	clusters  fedlisters.KubernetesClusterLister
	instances toolscache.Indexer
	upstreams toolscache.Indexer
	gateways  toolscache.Indexer
	schemes   toolscache.Indexer
}

func (in *informerInputs) Gateways(cluster, namespace string) []*viewsv1alpha1.Gateway {
	objs, _ := in.gateways.ByIndex(toolscache.NamespaceIndex, namespace)
	var out []*viewsv1alpha1.Gateway
	for _, o := range objs {
		if g := o.(*viewsv1alpha1.Gateway); g.Labels[viewsv1alpha1.ClusterLabel] == cluster {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b *viewsv1alpha1.Gateway) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (in *informerInputs) Cluster(name string) (bool, bool, string) {
	kc, err := in.clusters.KubernetesClusters(in.namespace).Get(name)
	if err != nil {
		return false, false, ""
	}
	return clusterState(kc)
}

// clusterState reads a registration as Inputs.Cluster answers: registered
// unless being deleted, reachable as its Ready condition says.
func clusterState(kc *fedv1alpha1.KubernetesCluster) (registered, reachable bool, why string) {
	if kc.DeletionTimestamp != nil {
		return false, false, ""
	}
	c := apimeta.FindStatusCondition(kc.Status.Conditions, fedv1alpha1.ConditionReady)
	switch {
	case c == nil:
		return true, false, "not checked yet"
	case c.Status != metav1.ConditionTrue:
		return true, false, c.Message
	}
	return true, true, ""
}

func (in *informerInputs) Instances(cluster string) []*viewsv1alpha1.GlooInstance {
	objs, _ := in.instances.ByIndex(instancesByCluster, cluster)
	out := make([]*viewsv1alpha1.GlooInstance, 0, len(objs))
	for _, o := range objs {
		out = append(out, o.(*viewsv1alpha1.GlooInstance))
	}
	slices.SortFunc(out, func(a, b *viewsv1alpha1.GlooInstance) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (in *informerInputs) Upstream(cluster, namespace, name string) *viewsv1alpha1.Upstream {
	o, ok, _ := in.upstreams.GetByKey(namespace + "/" + viewsv1alpha1.ClusterName(cluster, name))
	if !ok {
		return nil
	}
	return o.(*viewsv1alpha1.Upstream)
}

func (in *informerInputs) SchemesFor(p fedv1alpha1.FailoverPrimary) []*fedv1alpha1.FailoverScheme {
	objs, _ := in.schemes.ByIndex(byPrimary, primaryKey(p))
	out := make([]*fedv1alpha1.FailoverScheme, 0, len(objs))
	for _, o := range objs {
		out = append(out, o.(*fedv1alpha1.FailoverScheme))
	}
	return out
}

// instanceIndexers index GlooInstances by cluster.
var instanceIndexers = toolscache.Indexers{instancesByCluster: func(obj any) ([]string, error) {
	if gi, ok := obj.(*viewsv1alpha1.GlooInstance); ok {
		return []string{gi.Spec.Cluster}, nil
	}
	return nil, nil
}}
