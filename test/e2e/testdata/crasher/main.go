// Command crasher starts a one-member environment and then dies the way a
// test run dies: by panicking, or by waiting to be orphaned. The lifecycle
// spec runs it and checks that no server outlives it. It lives under testdata
// so that `go test ./...` never runs it on its own.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/meridianfed/meridian/pkg/devenv"
)

func main() {
	dir := flag.String("dir", "", "environment directory")
	mode := flag.String("mode", "panic", "panic: panic once ready; wait: block until orphaned")
	flag.Parse()
	env, err := devenv.Start(context.Background(), devenv.Options{Dir: *dir, Members: []string{"solo"}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	env.StopWhenOrphaned()
	if err := os.WriteFile(filepath.Join(*dir, "ready"), nil, 0o600); err != nil {
		panic(err)
	}
	switch *mode {
	case "panic":
		panic("crasher: simulated test failure with servers running")
	case "wait":
		select {}
	}
}
