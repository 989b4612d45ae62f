package views

import (
	"sync"

	"k8s.io/apimachinery/pkg/watch"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// redactInstance returns gi without the check reports the user may not
// read: a report is kept only when the user may get the view resource of
// its summary in the report's namespace, so that a reply names no object of
// a namespace the user could not list directly. Totals stay, and each
// summary says how many reports it left out (a count names nothing). gi is
// shared with the cache and never modified: a copy is returned when
// anything is left out, gi itself otherwise.
func redactInstance(gi *viewsv1alpha1.GlooInstance, mayRead func(resource, namespace string) bool) *viewsv1alpha1.GlooInstance {
	hidden := false
	for _, f := range gi.Spec.Check.Fields() {
		if s := *f.Summary; s != nil && (!allReadable(s.Errors, f.Resource, mayRead) || !allReadable(s.Warnings, f.Resource, mayRead)) {
			hidden = true
			break
		}
	}
	if !hidden {
		return gi
	}
	out := gi.DeepCopy()
	for _, f := range out.Spec.Check.Fields() {
		s := *f.Summary
		if s == nil {
			continue
		}
		var n int32
		s.Errors, n = readable(s.Errors, f.Resource, mayRead)
		s.HiddenErrors += n
		s.Warnings, n = readable(s.Warnings, f.Resource, mayRead)
		s.HiddenWarnings += n
	}
	return out
}

func allReadable(reports []viewsv1alpha1.ResourceReport, resource string, mayRead func(string, string) bool) bool {
	for _, r := range reports {
		if !mayRead(resource, r.Ref.Namespace) {
			return false
		}
	}
	return true
}

// readable filters reports (a slice of a copy: filtered in place) and says
// how many it dropped.
func readable(reports []viewsv1alpha1.ResourceReport, resource string, mayRead func(string, string) bool) ([]viewsv1alpha1.ResourceReport, int32) {
	kept := reports[:0]
	for _, r := range reports {
		if mayRead(resource, r.Ref.Namespace) {
			kept = append(kept, r)
		}
	}
	dropped := int32(len(reports) - len(kept))
	if len(kept) == 0 {
		kept = nil
	}
	return kept, dropped
}

// redactWatch applies redactInstance to every object a watch delivers.
// (watch.Filter would do, but its goroutine blocks for ever on a client
// that stopped reading; this one ends with Stop.)
func redactWatch(w watch.Interface, mayRead func(resource, namespace string) bool) watch.Interface {
	r := &redactingWatch{inner: w, result: make(chan watch.Event), done: make(chan struct{})}
	go func() {
		defer close(r.result)
		for e := range w.ResultChan() {
			e.Object = redact(e.Object, mayRead)
			select {
			case r.result <- e:
			case <-r.done:
				return
			}
		}
	}()
	return r
}

type redactingWatch struct {
	inner  watch.Interface
	result chan watch.Event
	done   chan struct{}
	once   sync.Once
}

func (r *redactingWatch) ResultChan() <-chan watch.Event { return r.result }

func (r *redactingWatch) Stop() {
	r.once.Do(func() { close(r.done) })
	r.inner.Stop()
}
