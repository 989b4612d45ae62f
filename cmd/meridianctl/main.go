// Command meridianctl installs Meridian, registers member clusters and
// checks the federation. Named kubectl-meridian it is also a kubectl plugin
// (`kubectl meridian ...`).
package main

import (
	"os"

	"github.com/meridianfed/meridian/cmd/meridianctl/app"
)

func main() {
	os.Exit(app.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
