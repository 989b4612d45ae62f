package devenv

import (
	"sync"
	"testing"
)

// The servers of an environment pick their ports concurrently: no two may
// be given the same one, though the kernel gives a released port again.
func TestFreePortNeverRepeatsInAProcess(t *testing.T) {
	const workers, each = 8, 300
	var mu sync.Mutex
	seen := map[int]int{}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				port, err := freePort()
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				seen[port]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for port, n := range seen {
		if n > 1 {
			t.Errorf("port %d given %d times", port, n)
		}
	}
	if len(seen) != workers*each {
		t.Errorf("%d distinct ports for %d calls", len(seen), workers*each)
	}
}
