package v1alpha1

import (
	"math/rand/v2"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Every member object's name comes back out of its view's name, with the
// cluster, for the odd names Kubernetes allows: dots in member names, one-
// character names, the longest cluster name (a 63-character DNS label) and
// the longest member name (a 253-character DNS subdomain), and random ones.
func TestViewNamesRoundTrip(t *testing.T) {
	longCluster := strings.Repeat("c", 62) + "1"
	longName := strings.Repeat(strings.Repeat("n", 62)+".", 4) + "x"
	if len(longName) != 253 || len(validation.IsDNS1123Subdomain(longName)) > 0 || len(validation.IsDNS1123Label(longCluster)) > 0 {
		t.Fatalf("bad fixtures: %d", len(longName))
	}
	clusters := []string{"e", "east", "east-1", "1", "a-b-c", longCluster}
	names := []string{"a", "a.b", "a.b.c", "east.a", "0", "a-b", "gloo-system.default-80", longName}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		clusters = append(clusters, randomName(rng, 63, false))
		names = append(names, randomName(rng, 253, true))
	}
	for _, cluster := range clusters {
		if errs := validation.IsDNS1123Label(cluster); len(errs) > 0 {
			t.Fatalf("cluster %q: %v", cluster, errs)
		}
		for _, name := range names {
			if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
				t.Fatalf("name %q: %v", name, errs)
			}
			view := ClusterName(cluster, name)
			c, n, err := SplitClusterName(view)
			if err != nil || c != cluster || n != name {
				t.Fatalf("SplitClusterName(ClusterName(%q, %q)) = %q, %q, %v", cluster, name, c, n, err)
			}
			o := &Upstream{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}}
			ToView(cluster, o, nil)
			if c, n, err := MemberName(o); err != nil || c != cluster || n != name {
				t.Fatalf("MemberName(ToView(%q, %q)) = %q, %q, %v", cluster, name, c, n, err)
			}
			if ClusterOf(o) != cluster {
				t.Fatalf("ClusterOf(%q) = %q", o.Name, ClusterOf(o))
			}
		}
	}
}

// randomName is a random DNS label (dots false) or subdomain of at most max
// characters.
func randomName(rng *rand.Rand, max int, dots bool) string {
	const inner = "abcdefghijklmnopqrstuvwxyz0123456789-"
	const ends = "abcdefghijklmnopqrstuvwxyz0123456789"
	n := 1 + rng.IntN(max)
	b := make([]byte, n)
	for i := range b {
		switch {
		case i == 0 || i == n-1:
			b[i] = ends[rng.IntN(len(ends))]
		case dots && rng.IntN(8) == 0 && b[i-1] != '.' && b[i-1] != '-':
			b[i] = '.'
		case b[i-1] == '.':
			b[i] = ends[rng.IntN(len(ends))]
		default:
			b[i] = inner[rng.IntN(len(inner))]
		}
	}
	// A '-' or '.' before a final '.'-free end is fine; one before a dot is not.
	s := string(b)
	s = strings.ReplaceAll(s, "-.", "a.")
	return s
}

// What is not a view name is refused, not split somewhere odd.
func TestSplitClusterNameRefusesNonViewNames(t *testing.T) {
	for _, s := range []string{"", "east", ".a", "east.", "."} {
		if c, n, err := SplitClusterName(s); err == nil {
			t.Errorf("%q split into %q, %q", s, c, n)
		}
	}
	o := &Upstream{ObjectMeta: metav1.ObjectMeta{Name: "east.a", Labels: map[string]string{ClusterLabel: "west"}}}
	if _, _, err := MemberName(o); err == nil {
		t.Error("a view whose name and cluster label disagree was accepted")
	}
}

// ToView names and labels the view, drops what describes the member's
// writers, keeps the rest, and leaves the member's labels map alone.
func TestToView(t *testing.T) {
	memberLabels := map[string]string{"app": "web"}
	o := &Upstream{ObjectMeta: metav1.ObjectMeta{
		Name: "a.b", Namespace: "ns", Labels: memberLabels, Annotations: map[string]string{"note": "x"},
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl"}},
	}}
	o.SetGroupVersionKind(schema.GroupVersionKind{Group: "gloo.solo.io", Version: "v1", Kind: "Upstream"})
	var interned []string
	ToView("east", o, func(s string) string { interned = append(interned, s); return s })
	if o.Name != "east.a.b" || o.Namespace != "ns" || o.Labels[ClusterLabel] != "east" || o.Labels["app"] != "web" ||
		o.Annotations["note"] != "x" || o.ManagedFields != nil || !o.GroupVersionKind().Empty() {
		t.Errorf("view %+v", o)
	}
	if _, ok := memberLabels[ClusterLabel]; ok {
		t.Error("the member's labels map was written to")
	}
	if len(interned) == 0 {
		t.Error("intern was not used")
	}
}
