package glooinstall

import (
	"bytes"
	"testing"
)

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
		// Statuses are the stand-in's to write, never the template's.
		if joined := bytes.Join(docs, nil); bytes.Contains(joined, []byte("\nstatus:")) {
			t.Errorf("%s: the rendered config carries a status", name)
		}
	}
}
