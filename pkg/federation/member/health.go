package member

import (
	"errors"
	"fmt"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// Health is what Meridian knows of a member's reachability.
type Health struct {
	// Reachable is false once a request to the member failed to reach it,
	// until one succeeds again.
	Reachable bool
	// Synced is true once every watch of the member has listed once.
	Synced bool
	// Since is when Reachable last changed.
	Since time.Time
	// LastSync is when a request to the member last succeeded.
	LastSync time.Time
	// Message says why the member is unreachable, or which kinds it does not serve.
	Message string
}

// healthTracker records request outcomes. Only transitions call onChange,
// so that a member failing the same way over and over costs nothing.
type healthTracker struct {
	mu       sync.Mutex
	h        Health
	problems map[string]string // per watched kind: not installed, forbidden
	onChange func()
}

func newHealthTracker(onChange func()) *healthTracker {
	return &healthTracker{h: Health{Since: time.Now()}, problems: map[string]string{}, onChange: onChange}
}

func (t *healthTracker) get() Health {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.h
}

// observe records the outcome of one request for one kind.
func (t *healthTracker) observe(kind string, err error) {
	t.mu.Lock()
	changed := false
	now := time.Now()
	switch {
	case err == nil || apierrors.IsNotFound(err) || apierrors.IsForbidden(err) || apierrors.IsResourceExpired(err) || apierrors.IsGone(err):
		// The member answered.
		problem := ""
		if apierrors.IsNotFound(err) {
			problem = kind + " is not served (Gloo's CRDs are not installed?)"
		} else if apierrors.IsForbidden(err) {
			problem = kind + " is forbidden to Meridian's credential"
		}
		if t.problems[kind] != problem {
			if problem == "" {
				delete(t.problems, kind)
			} else {
				t.problems[kind] = problem
			}
			changed = true
		}
		t.h.LastSync = now
		if !t.h.Reachable {
			t.h.Reachable, t.h.Since = true, now
			changed = true
		}
		msg := t.problemsMessage()
		if t.h.Message != msg {
			t.h.Message = msg
			changed = true
		}
	default:
		msg := describe(err)
		if t.h.Reachable || t.h.Message != msg {
			if t.h.Reachable {
				t.h.Since = now
			}
			t.h.Reachable, t.h.Message = false, msg
			changed = true
		}
	}
	t.mu.Unlock()
	if changed && t.onChange != nil {
		t.onChange()
	}
}

func (t *healthTracker) setSynced() {
	t.mu.Lock()
	changed := !t.h.Synced
	t.h.Synced = true
	t.mu.Unlock()
	if changed && t.onChange != nil {
		t.onChange()
	}
}

// setUnsynced marks the member as being read again (a relist is under way).
func (t *healthTracker) setUnsynced() {
	t.mu.Lock()
	changed := t.h.Synced
	t.h.Synced = false
	t.mu.Unlock()
	if changed && t.onChange != nil {
		t.onChange()
	}
}

func (t *healthTracker) problemsMessage() string {
	if len(t.problems) == 0 {
		return ""
	}
	var msgs []string
	for _, p := range t.problems {
		msgs = append(msgs, p)
	}
	return fmt.Sprint(sortedStrings(msgs))
}

// describe turns a transport error into a message safe to show: URLs and
// addresses are fine, credentials never appear in client-go's errors.
func describe(err error) string {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		return fmt.Sprintf("the member answered %d: %s", status.Status().Code, status.Status().Message)
	}
	return err.Error()
}
