package clusters

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
)

// fakeLive is a member's live list: what it answers, after delay, or err.
type fakeLive struct {
	name     string
	versions map[viewsv1alpha1.ObjectRef]uint64
	rv       uint64
	delay    time.Duration
	err      error
}

func (f fakeLive) Name() string { return f.name }

func (f fakeLive) LiveVersions(ctx context.Context, _ viewsv1alpha1.GlooKind) (map[viewsv1alpha1.ObjectRef]uint64, uint64, error) {
	select {
	case <-time.After(f.delay):
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
	return f.versions, f.rv, f.err
}

func upstreamIn(cluster, ns, name, rv string) cache.Object {
	return &viewsv1alpha1.Upstream{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: viewsv1alpha1.ClusterName(cluster, name), ResourceVersion: rv,
		Labels: map[string]string{viewsv1alpha1.ClusterLabel: cluster}}}
}

// A consistent read confirms every member in parallel, each bounded by the
// timeout: a member that hangs, fails or that the cache has not caught up
// with gets its own warning naming it, never holds up the others or fails
// the read, and a member the cache does catch up with meanwhile gets none.
func TestConfirmWarnsPerMemberAndWaitsForNone(t *testing.T) {
	kind := viewsv1alpha1.GlooKinds[0]
	store := cache.NewStore(func() cache.Object { return &viewsv1alpha1.Upstream{} }, 0)
	store.Replace("east", []cache.Object{upstreamIn("east", "prod", "a", "5")}, 10)
	store.Replace("behind", nil, 10)
	store.Replace("catching-up", nil, 10)
	ref := viewsv1alpha1.ObjectRef{Namespace: "prod", Name: "a"}
	conns := []liveLister{
		fakeLive{name: "east", versions: map[viewsv1alpha1.ObjectRef]uint64{ref: 5}, rv: 12},
		fakeLive{name: "hung", delay: time.Hour},
		fakeLive{name: "failing", err: errors.New("connection refused")},
		fakeLive{name: "behind", versions: map[viewsv1alpha1.ObjectRef]uint64{ref: 20}, rv: 21},
		fakeLive{name: "catching-up", versions: map[viewsv1alpha1.ObjectRef]uint64{ref: 30}, rv: 31},
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		store.Upsert("catching-up", upstreamIn("catching-up", "prod", "a", "30"), 30)
	}()
	start := time.Now()
	warnings := confirm(context.Background(), conns, kind, store, 300*time.Millisecond)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %s: the members were not confirmed in parallel within the timeout", took)
	}
	joined := strings.Join(warnings, "\n")
	for _, want := range []string{"cluster hung did not answer", "cluster failing did not answer", "connection refused", "cluster behind: the cache did not catch up"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no warning %q in:\n%s", want, joined)
		}
	}
	for _, not := range []string{"cluster east", "cluster catching-up"} {
		if strings.Contains(joined, not) {
			t.Errorf("a warning about %s, which was confirmed:\n%s", not, joined)
		}
	}
	if len(warnings) != 3 {
		t.Errorf("%d warnings, want one per member not confirmed:\n%s", len(warnings), joined)
	}
}
