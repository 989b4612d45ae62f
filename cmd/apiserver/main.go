// Command apiserver is Meridian's aggregated API server: it serves the
// read-only views of views.meridian.io (GlooInstances and every Gloo kind
// across the registered member clusters) behind kube-aggregator.
package main

import (
	"os"

	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/component-base/cli"

	"github.com/meridianfed/meridian/cmd/apiserver/app"
)

func main() {
	ctx := genericapiserver.SetupSignalContext()
	os.Exit(cli.Run(app.NewCommand(ctx)))
}
