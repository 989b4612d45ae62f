// Command kube-controller-manager is the upstream controller manager, built
// from the same pinned k8s.io/kubernetes module as kube-apiserver. The
// environment runs it on the management cluster with only the controllers a
// bare control plane needs to behave like a real one for Meridian: namespace
// deletion and ownerReference garbage collection.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	os.Exit(cli.Run(app.NewControllerManagerCommand()))
}
