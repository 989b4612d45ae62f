// Command controller is Meridian's federation controller: it runs in the
// management cluster, 2 replicas with leader election, and keeps the member
// clusters as the fed.meridian.io objects say.
package main

import (
	"os"

	"k8s.io/component-base/cli"

	"github.com/meridianfed/meridian/cmd/controller/app"
)

func main() {
	os.Exit(cli.Run(app.NewCommand()))
}
