package glooinstall

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The embedded CRDs must be exactly Gloo's reference set, which the project
// keeps beside the repository (../shared/gloo-crds) when it is there.
func TestEmbeddedCRDsAreGloosOwn(t *testing.T) {
	ref := filepath.Join("..", "..", "..", "..", "shared", "gloo-crds")
	entries, err := os.ReadDir(ref)
	if err != nil {
		t.Skipf("reference CRDs not present beside the repository (%v)", err)
	}
	files, names, err := CRDFiles()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != len(entries) {
		t.Fatalf("embedded %d CRD files, the reference has %d", len(names), len(entries))
	}
	for _, e := range entries {
		want, err := os.ReadFile(filepath.Join(ref, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(files[e.Name()], want) {
			t.Errorf("%s differs from the reference copy", e.Name())
		}
	}
}

func TestDemoConfigRendersForEveryMember(t *testing.T) {
	for i, name := range []string{"east", "west", "central"} {
		in := ForMember(name, i)
		docs, err := in.renderConfig()
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) < 10 {
			t.Fatalf("%s: rendered %d documents", name, len(docs))
		}
		joined := bytes.Join(docs, nil)
		if got := bytes.Contains(joined, []byte("state: 2")); got != in.Rejected {
			t.Errorf("%s: Rejected=%v but a Rejected status rendered: %v", name, in.Rejected, got)
		}
	}
}
