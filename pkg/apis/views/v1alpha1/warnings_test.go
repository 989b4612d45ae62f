package v1alpha1

import "testing"

func TestClusterWarningsReadBack(t *testing.T) {
	for _, c := range []struct {
		cluster string
		p       ClusterProblem
		detail  string
	}{
		{"east", ClusterNotConnected, "its kubeconfig Secret is missing"},
		{"west-2", ClusterUnreachable, "since 10:00:00Z (dial tcp: i/o timeout: cluster x is fine)"},
		{"a", ClusterBeingRead, ""},
	} {
		w := ClusterWarning(c.cluster, c.p, c.detail)
		cluster, p, ok := ParseClusterWarning(w)
		if !ok || cluster != c.cluster || p != c.p {
			t.Errorf("ParseClusterWarning(%q) = %q, %q, %t; want %q, %q", w, cluster, p, ok, c.cluster, c.p)
		}
	}
	for _, w := range []string{"", "cluster", "cluster  is unreachable", "cluster a.b is unreachable since", "the views are slow", "cluster east is fine"} {
		if cluster, p, ok := ParseClusterWarning(w); ok {
			t.Errorf("ParseClusterWarning(%q) = %q, %q; want not a cluster warning", w, cluster, p)
		}
	}
}
