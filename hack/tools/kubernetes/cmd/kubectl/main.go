// Command kubectl is the upstream Kubernetes CLI, built from the pinned
// k8s.io/kubernetes module (the same release as kube-apiserver) so that the
// e2e suite drives the environment with a kubectl of the servers' own version
// on any machine, whatever kubectl it has installed, if any.
package main

import (
	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"
)

func main() {
	command := cmd.NewDefaultKubectlCommand()
	if err := cli.RunNoErrOutput(command); err != nil {
		util.CheckErr(err)
	}
}
