// Package glooinstall puts a realistic Gloo Edge installation into a member
// cluster of the local environment: what Gloo's Helm chart creates (the gloo,
// discovery and gateway-proxy Deployments with Gloo's labels and images, their
// Services and ServiceAccounts), what a running cluster adds (Nodes with
// region/zone labels, scheduled Pods, Deployment and load-balancer status),
// and Gloo configuration with the statuses Gloo would report, some Rejected.
//
// A bare kube-apiserver runs no controllers and no kubelet, so every status is
// written here the way the cluster would have written it. The demo and the
// e2e suite use it, so discovery is tested on the objects users see.
package glooinstall
