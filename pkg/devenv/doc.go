// Package devenv runs a real multi-cluster Kubernetes control plane on one
// machine: one etcd, one management kube-apiserver with the aggregation layer
// set up the way kubeadm sets it up (front-proxy CA, proxy client certificate,
// requestheader flags), and N member kube-apiservers, each on its own etcd
// prefix with its own serving CA and admin credential.
//
// The demo (`make demo`), the e2e suite and the benchmarks all use it, so that
// what users see in the demo is what the tests check. Binaries are the pinned
// etcd and kube-apiserver built from hack/tools into bin/.
//
// Every process runs in its own process group and dies with its parent
// (PR_SET_PDEATHSIG), and Stop escalates from SIGTERM to SIGKILL, so a failing,
// panicking or interrupted test never leaves a server or a port behind.
package devenv
