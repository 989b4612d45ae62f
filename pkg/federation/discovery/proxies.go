package discovery

import (
	"cmp"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// Node labels giving a node's locality: the stable ones first, then the
// deprecated beta ones for older clusters, as Gloo Federation reads them.
var (
	zoneLabels   = []string{corev1.LabelTopologyZone, corev1.LabelFailureDomainBetaZone}
	regionLabels = []string{corev1.LabelTopologyRegion, corev1.LabelFailureDomainBetaRegion}
)

// workload is a Deployment or DaemonSet, reduced to what proxy discovery needs.
type workload struct {
	kind      viewsv1alpha1.WorkloadControllerType
	name      string
	namespace string
	template  *corev1.PodTemplateSpec
	selector  *metav1.LabelSelector
	replicas  int32
	available int32
	ready     int32
}

// proxies returns the gateway proxies of the control plane in namespace ns,
// sorted by "<workloadControllerType><namespace>.<name>" like Gloo Federation
// does (so DAEMON_SETs come before DEPLOYMENTs).
func (x *index) proxies(ns string) []viewsv1alpha1.InstanceProxy {
	var ws []workload
	for _, d := range x.deployments {
		if d.Namespace == ns {
			ws = append(ws, workload{
				kind: viewsv1alpha1.WorkloadControllerTypeDeployment, name: d.Name, namespace: d.Namespace,
				template: &d.Spec.Template, selector: d.Spec.Selector,
				replicas: d.Status.Replicas, available: d.Status.AvailableReplicas, ready: d.Status.ReadyReplicas,
			})
		}
	}
	for _, ds := range x.daemonSets {
		if ds.Namespace == ns {
			ws = append(ws, workload{
				kind: viewsv1alpha1.WorkloadControllerTypeDaemonSet, name: ds.Name, namespace: ds.Namespace,
				template: &ds.Spec.Template, selector: ds.Spec.Selector,
				replicas: ds.Status.DesiredNumberScheduled, available: ds.Status.NumberAvailable, ready: ds.Status.NumberReady,
			})
		}
	}
	var out []viewsv1alpha1.InstanceProxy
	for _, w := range ws {
		tag, wasm, ok := proxyImage(w.template)
		if !ok {
			continue
		}
		out = append(out, viewsv1alpha1.InstanceProxy{
			Name:                   w.name,
			Namespace:              w.namespace,
			Replicas:               w.replicas,
			AvailableReplicas:      w.available,
			ReadyReplicas:          w.ready,
			Version:                tag,
			WorkloadControllerType: w.kind,
			Zones:                  x.zones(w),
			IngressEndpoints:       x.ingressEndpoints(w),
			WasmEnabled:            wasm,
			// Gloo Federation sets this for Deployments only; Meridian sets it
			// for DaemonSets too, since the Helm chart creates the Service for
			// either kind of proxy.
			ReadConfigMulticlusterEnabled: x.hasService(w.namespace, w.name+configDumpServiceSuffix),
		})
	}
	slices.SortStableFunc(out, func(a, b viewsv1alpha1.InstanceProxy) int {
		return strings.Compare(proxyKey(a), proxyKey(b))
	})
	return out
}

func proxyKey(p viewsv1alpha1.InstanceProxy) string {
	return string(p.WorkloadControllerType) + p.Namespace + "." + p.Name
}

// proxyImage applies Gloo Federation's "Proxy detection" to a pod template: it must be
// labelled gloo=gateway-proxy and run a container whose image name contains
// gloo-envoy-wrapper, gloo-ee-envoy-wrapper or gloo-envoy-wasm-wrapper. The
// first such container gives the version and whether Wasm is enabled.
func proxyImage(t *corev1.PodTemplateSpec) (tag string, wasm, ok bool) {
	if t.Labels[glooLabel] != gatewayProxyLabelValue {
		return "", false, false
	}
	for _, c := range t.Spec.Containers {
		img := parseImage(c.Image)
		if strings.Contains(img.name, proxyImageOSS) ||
			strings.Contains(img.name, proxyImageEnterprise) ||
			strings.Contains(img.name, proxyImageWasm) {
			return img.tag, strings.Contains(img.name, proxyImageWasm), true
		}
	}
	return "", false, false
}

func (x *index) hasService(ns, name string) bool {
	for _, s := range x.services {
		if s.Namespace == ns && s.Name == name {
			return true
		}
	}
	return false
}

// podMatcher returns a test for the labels of a workload's pods: its
// spec.selector (matchLabels and matchExpressions), or its pod template's
// labels when the selector is missing, empty or invalid. A workload with
// neither matches nothing (rather than every pod of the namespace).
func podMatcher(w workload) func(map[string]string) bool {
	if w.selector != nil && (len(w.selector.MatchLabels) > 0 || len(w.selector.MatchExpressions) > 0) {
		if sel, err := metav1.LabelSelectorAsSelector(w.selector); err == nil {
			return func(l map[string]string) bool { return sel.Matches(labels.Set(l)) }
		}
	}
	return func(l map[string]string) bool { return selects(w.template.Labels, l) }
}

// zones applies Gloo Federation's "Zones": the distinct zone labels of the nodes running
// the workload's pods, sorted. Pods not yet scheduled, or on nodes missing
// from the snapshot or without a zone label, contribute nothing.
func (x *index) zones(w workload) []string {
	matches := podMatcher(w)
	var zones []string
	for _, p := range x.pods {
		if p.Namespace != w.namespace || p.Spec.NodeName == "" || !matches(p.Labels) {
			continue
		}
		if z := labelOf(x.nodeByName[p.Spec.NodeName], zoneLabels); z != "" && !slices.Contains(zones, z) {
			zones = append(zones, z)
		}
	}
	slices.Sort(zones)
	return zones
}

// regionOf applies Gloo Federation's "Region": the region label of the first node, in
// name order, that has one (the stable label preferred on each node); "" if
// none has.
func regionOf(nodes []*corev1.Node) string {
	for _, n := range nodes {
		if r := labelOf(n, regionLabels); r != "" {
			return r
		}
	}
	return ""
}

// labelOf returns the first non-empty value among keys in the node's labels.
func labelOf(n *corev1.Node, keys []string) string {
	if n == nil {
		return ""
	}
	for _, k := range keys {
		if v := n.Labels[k]; v != "" {
			return v
		}
	}
	return ""
}

// selects reports whether a plain map selector (a Service's spec.selector or
// a pod template's labels, ANDed) selects objects with labels set. An empty
// selector selects nothing here: a Service without one has manually managed
// endpoints and says nothing about the proxy.
func selects(selector, set map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if got, ok := set[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// ingressEndpoints applies Gloo Federation's "Ingress endpoints" to the Services in the
// workload's namespace whose selector matches its pod template labels, in
// Service name order:
//   - LoadBalancer: status.loadBalancer.ingress[0].ip, else its hostname, with
//     the Service ports; skipped while the load balancer has no address.
//   - NodePort: an address of the node running the first (by name) scheduled
//     pod the Service selects, with the node ports; skipped when no such pod
//     runs on a node the snapshot knows with an address.
//   - ClusterIP and other types: skipped (not reachable from other clusters).
func (x *index) ingressEndpoints(w workload) []viewsv1alpha1.IngressEndpoint {
	var out []viewsv1alpha1.IngressEndpoint
	for _, svc := range x.services {
		if svc.Namespace != w.namespace || !selects(svc.Spec.Selector, w.template.Labels) {
			continue
		}
		var ep viewsv1alpha1.IngressEndpoint
		switch svc.Spec.Type {
		case corev1.ServiceTypeLoadBalancer:
			ingress := svc.Status.LoadBalancer.Ingress
			if len(ingress) == 0 {
				continue
			}
			ep.Address = cmp.Or(ingress[0].IP, ingress[0].Hostname)
			for _, p := range svc.Spec.Ports {
				ep.Ports = append(ep.Ports, viewsv1alpha1.Port{Port: uint32(p.Port), Name: p.Name})
			}
		case corev1.ServiceTypeNodePort:
			ep.Address = x.nodePortAddress(svc)
			for _, p := range svc.Spec.Ports {
				ep.Ports = append(ep.Ports, viewsv1alpha1.Port{Port: uint32(p.NodePort), Name: p.Name})
			}
		default:
			continue
		}
		if ep.Address == "" {
			continue
		}
		ep.ServiceName = svc.Name
		out = append(out, ep)
	}
	return out
}

// nodePortAddress returns the address of the node running the first (by
// name) scheduled pod that svc selects: its first InternalIP, else its first
// ExternalIP, else its first address of any type. Pods on nodes missing from
// the snapshot, or without addresses, are passed over.
func (x *index) nodePortAddress(svc *corev1.Service) string {
	for _, p := range x.pods {
		if p.Namespace != svc.Namespace || p.Spec.NodeName == "" || !selects(svc.Spec.Selector, p.Labels) {
			continue
		}
		if a := nodeAddress(x.nodeByName[p.Spec.NodeName]); a != "" {
			return a
		}
	}
	return ""
}

func nodeAddress(n *corev1.Node) string {
	if n == nil {
		return ""
	}
	for _, t := range []corev1.NodeAddressType{corev1.NodeInternalIP, corev1.NodeExternalIP, ""} {
		for _, a := range n.Status.Addresses {
			if a.Address != "" && (t == "" || a.Type == t) {
				return a.Address
			}
		}
	}
	return ""
}
