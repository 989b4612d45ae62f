package v1alpha1

import (
	"fmt"
	"strings"
)

// ClusterLabel is set on every view object to the name of the member cluster
// it comes from, so that label selectors (and kubectl -L) can use it.
const ClusterLabel = "views.meridian.io/cluster"

// ClusterField is the field selector that picks one member cluster: cluster=east.
const ClusterField = "cluster"

// ClusterName returns the view name of a member object: "<cluster>.<name>".
// Cluster names are DNS labels and never contain a dot, so the first dot
// splits the name back (SplitClusterName) even when the member name has dots.
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
