package member

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// fakeMember answers metadata lists of Upstreams, slowly, and counts them.
func fakeMember(t *testing.T, delay time.Duration) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var lists atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/apis/gloo.solo.io/v1/upstreams" {
			http.NotFound(w, r)
			return
		}
		lists.Add(1)
		time.Sleep(delay)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"100"},` +
			`"items":[{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"a","namespace":"ns","resourceVersion":"90"}}]}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &lists
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

// Concurrent consistent reads of one kind share one live list of the
// member: its load does not grow with the number of readers.
func TestConcurrentLiveReadsShareOneMemberList(t *testing.T) {
	srv, lists := fakeMember(t, 300*time.Millisecond)
	c := NewConnection("east", &rest.Config{Host: srv.URL, QPS: 5, Burst: 10}, Sinks{}, Options{}, klog.Background())
	k := upstreamKind(t)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 100 {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			live, rv, err := c.LiveVersions(ctx, k)
			if err == nil && (rv != 100 || live[viewsv1alpha1.ObjectRef{Namespace: "ns", Name: "a"}] != 90) {
				t.Errorf("got %v at %d", live, rv)
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a reader failed (the member client's rate limiter?): %v", err)
	}
	if n := lists.Load(); n > 2 {
		t.Fatalf("100 concurrent readers made %d lists of the member", n)
	}
}

// A reader that gives up does not fail the others sharing its list.
func TestALiveReaderGivingUpDoesNotFailTheOthers(t *testing.T) {
	srv, _ := fakeMember(t, 300*time.Millisecond)
	c := NewConnection("east", &rest.Config{Host: srv.URL}, Sinks{}, Options{}, klog.Background())
	k := upstreamKind(t)
	impatient, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, _, err := c.LiveVersions(impatient, k); done <- err }()
	time.Sleep(50 * time.Millisecond)
	var other error
	var wg sync.WaitGroup
	wg.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_, _, other = c.LiveVersions(ctx, k)
	})
	cancel()
	if err := <-done; err == nil {
		t.Error("the reader that gave up got an answer")
	}
	wg.Wait()
	if other != nil {
		t.Fatalf("the patient reader failed with the impatient one: %v", other)
	}
}

// A consistent read must see every write finished before it began: a
// reader that comes while a list is in flight is answered by a list that
// the member received after the reader came, never by the one already
// running (whose resourceVersion may predate a write the reader saw
// acknowledged). Readers that come during one list still share the next.
func TestALateReaderIsAnsweredByAListThatStartedAfterIt(t *testing.T) {
	var revision, lists atomic.Int64
	revision.Store(100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rv := revision.Load() // the member's state as the list reads it
		lists.Add(1)
		time.Sleep(300 * time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"%d"},"items":[]}`, rv)
	}))
	t.Cleanup(srv.Close)
	c := NewConnection("east", &rest.Config{Host: srv.URL, QPS: 50, Burst: 100}, Sinks{}, Options{}, klog.Background())
	k := upstreamKind(t)
	read := func() (uint64, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, rv, err := c.LiveVersions(ctx, k)
		return rv, err
	}
	first := make(chan uint64, 1)
	go func() { rv, _ := read(); first <- rv }()
	for lists.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	revision.Store(200) // a write, acknowledged, after the first list began
	var wg sync.WaitGroup
	late := make(chan uint64, 20)
	for range 20 {
		wg.Go(func() {
			rv, err := read()
			if err != nil {
				t.Error(err)
			}
			late <- rv
		})
	}
	wg.Wait()
	close(late)
	if rv := <-first; rv != 100 {
		t.Errorf("the first reader got %d", rv)
	}
	for rv := range late {
		if rv < 200 {
			t.Fatalf("a reader that came after a write got a list from before it (resourceVersion %d)", rv)
		}
	}
	if n := lists.Load(); n != 2 {
		t.Errorf("%d lists of the member: the 20 late readers should share one", n)
	}
}
