// Package discovery computes the GlooInstances of ONE member cluster from a
// snapshot of that cluster's objects.
//
// It re-implements Gloo Federation's GlooInstance discovery as a pure
// function. The rules are those of Gloo Federation's discovery translator,
// published with the Gloo Edge Enterprise sources in the public
// github.com/solo-io/gloo history (commit 67f8dd42,
// projects/gloo-fed/pkg/discovery and projects/gloo/pkg/utils), and of the
// GlooInstance API in github.com/solo-io/solo-apis
// (api/gloo-fed/fed/v1/instance.proto):
// Discover takes a Snapshot (Deployments, DaemonSets, Services, Pods, Nodes,
// Settings and the statuses of the Gloo resources of one cluster) and returns
// the GlooInstances found in it, without reading clocks, clients or global
// state. The result depends only on the content of the snapshot, not on the
// order of its slices, so equal snapshots give equal (reflect.DeepEqual)
// results.
//
// Gloo Federation recomputed every GlooInstance of every registered cluster on
// each event (a debounced full recompute over a multicluster snapshot).
// Because Discover is per cluster and deterministic, Meridian's federation
// cache recomputes only the cluster whose objects changed and can compare the
// new result with the previous one to decide whether anything must be
// published.
//
// The rules implemented, in the order Gloo Federation applies them:
//
//   - Control plane: a Deployment named exactly "gloo" labelled app=gloo and
//     gloo=gloo whose first container with "gloo" in its image name gives the
//     version (image tag) and, when the image is gloo-ee, isEnterprise. One
//     GlooInstance per control plane, named "<cluster>-<namespace>".
//   - Proxies: Deployments and DaemonSets in the control plane's namespace whose
//     pod template is labelled gloo=gateway-proxy and runs a
//     gloo-envoy-wrapper, gloo-ee-envoy-wrapper or gloo-envoy-wasm-wrapper
//     image; with zones (from the nodes of the workload's pods), ingress
//     endpoints (LoadBalancer and NodePort Services selecting the proxy) and
//     whether a "<proxy>-config-dump-service" Service exists.
//   - Region: the region label of the first node (by name) that has one.
//   - Admin: the namespace Meridian writes admin resources to and the default
//     proxy, by Gloo Federation's heuristics.
//   - Check: one Summary per resource kind, counting the objects the
//     installation watches and reporting those Gloo rejected (errors) or
//     accepted with warnings; plus the health of the install namespace's
//     Deployments and Pods, worded like glooctl check.
//
// Discover never panics on odd input: nil slices and nil elements are skipped,
// missing selectors, containers, conditions and nodes simply contribute
// nothing, and a status that cannot be decoded counts as Pending (see
// statusOf).
package discovery
