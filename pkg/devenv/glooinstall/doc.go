// Package glooinstall puts a realistic Gloo Edge installation into a member
// cluster of the local environment: what Gloo's Helm chart creates (the gloo,
// discovery and gateway-proxy Deployments with Gloo's labels and images, their
// Services and ServiceAccounts), what a running cluster adds (Nodes with
// region/zone labels, scheduled Pods, Deployment and load-balancer status),
// the TLS Secrets an operator would have created, and Gloo configuration as
// its users write it.
//
// A bare kube-apiserver runs no controllers and no kubelet, so the workloads'
// statuses are written here the way the cluster would have written them. Real
// Gloo cannot run here either (no container images, and solo-io's Go modules
// are not available), so RunStandIn plays Gloo's translation loop: it watches
// the installation's Gloo objects and writes status.statuses and the Proxies
// as Gloo's gloo and gateway controllers do (Translate holds the rules). The
// demo and the e2e suite use this package, so discovery, placement status and
// checks are tested on objects that behave as users see them; no binary
// Meridian ships imports it.
package glooinstall
