package devenv

import (
	"os"
	"time"
)

// StopWhenOrphaned stops the environment and exits the program with status 2
// when the program's parent process goes away. `go test` dies on SIGTERM
// without passing it on to the test binary, and make passes SIGTERM only to
// its direct children; without this, a killed `make test` would leave the test
// binary (and its servers) running until the test finished on its own.
func (e *Environment) StopWhenOrphaned() {
	parent := os.Getppid()
	go func() {
		for {
			time.Sleep(500 * time.Millisecond)
			if os.Getppid() != parent {
				e.logf("parent process %d exited: stopping the environment", parent)
				e.Stop()
				os.Exit(2)
			}
		}
	}()
}
