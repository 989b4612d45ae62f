package views

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/watch"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
)

// Fakes of what the storage consumes (interfaces.go).

// fakeClusters lets the user see the clusters in visible (all when nil).
type fakeClusters struct{ visible map[string]bool }

func (f fakeClusters) AllowedClusters(context.Context) (func(string) bool, error) {
	return func(c string) bool { return f.visible == nil || f.visible[c] }, nil
}

// fakeWarner has a problem with every cluster in problems, and tells of it
// when the cluster is allowed.
type fakeWarner struct{ problems []string }

func (f fakeWarner) Warnings(allowed func(string) bool) []string {
	var out []string
	for _, c := range f.problems {
		if allowed(c) {
			out = append(out, fmt.Sprintf("cluster %s is unreachable", c))
		}
	}
	return out
}

// fakeConfirmer records each consistent read, with the clusters it was
// allowed among known, and cannot confirm the allowed ones in slow.
type fakeConfirmer struct {
	known, slow []string

	mu    sync.Mutex
	calls []string // kind and the allowed clusters of each call
}

func (f *fakeConfirmer) Confirm(_ context.Context, kind viewsv1alpha1.GlooKind, allowed func(string) bool) []string {
	var seen []string
	for _, c := range f.known {
		if allowed(c) {
			seen = append(seen, c)
		}
	}
	var out []string
	for _, c := range f.slow {
		if allowed(c) {
			out = append(out, fmt.Sprintf("cluster %s did not answer a consistent read", c))
		}
	}
	f.mu.Lock()
	f.calls = append(f.calls, fmt.Sprintf("%s %v", kind.Kind, seen))
	f.mu.Unlock()
	return out
}

func (f *fakeConfirmer) got() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// storeSource is a cache store as a Source, as pkg/apiserver wires it.
type storeSource struct{ *cache.Store }

func (s storeSource) Watch(opts cache.WatchOptions) (watch.Interface, error) {
	w, err := s.Store.Watch(opts)
	if err != nil {
		return nil, err
	}
	return w, nil
}

func upstreamKind(t *testing.T) viewsv1alpha1.GlooKind {
	t.Helper()
	for _, k := range viewsv1alpha1.GlooKinds {
		if k.Kind == "Upstream" {
			return k
		}
	}
	t.Fatal("no Upstream kind")
	return viewsv1alpha1.GlooKind{}
}
