package v1alpha1

import (
	"fmt"
	"strings"
)

// The warnings a list or watch of the views carries about the clusters the
// reader may see but that are not fully served, written and read here
// only: servers write them, clients (the dashboard) read which cluster is
// in what trouble out of them.

// ClusterProblem is what is wrong with a cluster a warning names.
type ClusterProblem string

const (
	// ClusterNotConnected: the registration cannot be used (its
	// kubeconfig, a refused credential, ...); nothing is read from it.
	ClusterNotConnected ClusterProblem = "not connected"
	// ClusterUnreachable: the member stopped answering; its objects are
	// the last ones read.
	ClusterUnreachable ClusterProblem = "unreachable"
	// ClusterBeingRead: the first full read of the member is not done.
	ClusterBeingRead ClusterProblem = "still being read"
)

// ClusterWarning is the warning about cluster's problem; detail says more
// (why it is not connected, since when it is unreachable).
func ClusterWarning(cluster string, p ClusterProblem, detail string) string {
	switch p {
	case ClusterNotConnected:
		return fmt.Sprintf("cluster %s is not connected: %s", cluster, detail)
	case ClusterUnreachable:
		return fmt.Sprintf("cluster %s is unreachable %s: its objects are from before then, or missing", cluster, detail)
	default:
		return fmt.Sprintf("cluster %s is still being read: its objects may be incomplete", cluster)
	}
}

// ParseClusterWarning reads a ClusterWarning back: the cluster and its
// problem, and false for any other warning.
func ParseClusterWarning(w string) (cluster string, p ClusterProblem, ok bool) {
	rest, ok := strings.CutPrefix(w, "cluster ")
	if !ok {
		return "", "", false
	}
	cluster, rest, ok = strings.Cut(rest, " is ")
	if !ok || cluster == "" || strings.ContainsAny(cluster, " .") {
		return "", "", false
	}
	for _, p := range []ClusterProblem{ClusterNotConnected, ClusterUnreachable, ClusterBeingRead} {
		if strings.HasPrefix(rest, string(p)) {
			return cluster, p, true
		}
	}
	return "", "", false
}
