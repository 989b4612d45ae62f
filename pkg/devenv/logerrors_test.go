package devenv

import (
	"os"
	"path/filepath"
	"testing"
)

// A server that did not become ready is reported with the last error lines
// of its log, since the log may be removed with its environment.
func TestLogErrorsEndsWithTheLastErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m06.log")
	log := "I1202 starting\nE1202 first\nI1202 fine\nE1202 second\nW1202 an error here\nF1202 fatal\nI1202 done\n"
	if err := os.WriteFile(path, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, want := logErrors(path), "; the log ends: E1202 second / W1202 an error here / F1202 fatal"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := logErrors(filepath.Join(t.TempDir(), "missing.log")); got != "" {
		t.Errorf("missing log: %q", got)
	}
	empty := filepath.Join(t.TempDir(), "quiet.log")
	if err := os.WriteFile(empty, []byte("I1202 all fine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := logErrors(empty); got != "" {
		t.Errorf("a log without errors: %q", got)
	}
}
