// Package e2e is Meridian's end-to-end suite (Ginkgo v2). It runs on real
// etcd and kube-apiservers started by pkg/devenv: a management cluster with
// the aggregation layer and several members with Gloo Edge's real CRDs.
// `make e2e` (part of `make test`) builds the pinned binaries first.
package e2e
