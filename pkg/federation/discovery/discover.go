package discovery

import (
	"cmp"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// Names and labels of Gloo's Helm chart that discovery relies on, as Gloo Federation did.
const (
	controlPlaneName        = "gloo" // the control-plane Deployment
	glooLabel               = "gloo" // gloo=gloo, gloo=gateway-proxy, ...
	appLabel                = "app"  // app=gloo on every Gloo workload
	appLabelValue           = "gloo"
	gatewayProxyLabelValue  = "gateway-proxy" // pod-template label value of proxies
	defaultGatewayProxyName = "gateway-proxy" // the default proxy's workload name
	glooSystemNamespace     = "gloo-system"   // Gloo's default install namespace
	configDumpServiceSuffix = "-config-dump-service"
	defaultSettingsName     = "default"
)

// Discover returns the GlooInstances of the cluster described by s, sorted by
// name; nil if s is nil or the cluster runs no Gloo control plane.
//
// Only the spec and the identifying metadata (TypeMeta, name, namespace, the
// views.meridian.io/cluster label and the gloo Deployment's
// creationTimestamp) are set; status (reachability, sync time),
// resourceVersion and uid belong to the caller.
func Discover(s *Snapshot) []viewsv1alpha1.GlooInstance {
	if s == nil {
		return nil
	}
	x := newIndex(s)
	var out []viewsv1alpha1.GlooInstance
	for _, cp := range x.controlPlanes() {
		out = append(out, x.instance(cp))
	}
	// Control planes come sorted by namespace and names share the cluster
	// prefix, so this only makes the documented order explicit.
	slices.SortFunc(out, func(a, b viewsv1alpha1.GlooInstance) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// InstanceName is Gloo Federation's name for the GlooInstance of the control
// plane in namespace of cluster: "<cluster>-<namespace>".
func InstanceName(cluster, namespace string) string {
	return cluster + "-" + namespace
}

// controlPlane is a detected gloo Deployment.
type controlPlane struct {
	deployment   *appsv1.Deployment
	version      string
	isEnterprise bool
}

// detectControlPlane applies Gloo Federation's "Control plane detection": a Deployment
// named exactly gloo, labelled app=gloo and gloo=gloo, whose first container
// with "gloo" in its image name is the control plane (gloo-ee: enterprise).
func detectControlPlane(d *appsv1.Deployment) (controlPlane, bool) {
	if d.Name != controlPlaneName || d.Labels[appLabel] != appLabelValue || d.Labels[glooLabel] != controlPlaneName {
		return controlPlane{}, false
	}
	for _, c := range d.Spec.Template.Spec.Containers {
		img := parseImage(c.Image)
		if strings.Contains(img.name, controlPlaneImage) {
			return controlPlane{
				deployment:   d,
				version:      img.tag,
				isEnterprise: strings.Contains(img.name, enterpriseImage),
			}, true
		}
	}
	return controlPlane{}, false
}

// controlPlanes returns the cluster's control planes, at most one per
// namespace (a namespace can hold only one Deployment named gloo; should the
// snapshot hold duplicates, the first in index order wins), sorted by
// namespace.
func (x *index) controlPlanes() []controlPlane {
	var cps []controlPlane
	seen := map[string]bool{}
	for _, d := range x.deployments {
		if seen[d.Namespace] {
			continue
		}
		if cp, ok := detectControlPlane(d); ok {
			seen[d.Namespace] = true
			cps = append(cps, cp)
		}
	}
	return cps
}

// instance builds the GlooInstance of one control plane.
func (x *index) instance(cp controlPlane) viewsv1alpha1.GlooInstance {
	ns := cp.deployment.Namespace
	watched := x.watchedNamespaces(ns)
	proxies := x.proxies(ns)
	return viewsv1alpha1.GlooInstance{
		TypeMeta: metav1.TypeMeta{
			APIVersion: viewsv1alpha1.SchemeGroupVersion.String(),
			Kind:       "GlooInstance",
		},
		ObjectMeta: metav1.ObjectMeta{
			Name:              InstanceName(x.cluster, ns),
			Namespace:         ns,
			Labels:            map[string]string{viewsv1alpha1.ClusterLabel: x.cluster},
			CreationTimestamp: cp.deployment.CreationTimestamp,
		},
		Spec: viewsv1alpha1.GlooInstanceSpec{
			Cluster:      x.cluster,
			IsEnterprise: cp.isEnterprise,
			ControlPlane: viewsv1alpha1.ControlPlane{
				Version:           cp.version,
				Namespace:         ns,
				WatchedNamespaces: watched,
			},
			Proxies: proxies,
			Region:  x.region,
			Admin: viewsv1alpha1.Admin{
				WriteNamespace: writeNamespace(ns, watched),
				ProxyID:        adminProxy(ns, proxies),
			},
			Check: x.check(ns, watched),
		},
	}
}

// watchedNamespaces returns spec.watchNamespaces of the Settings in the
// control plane's namespace: the one named "default" (Gloo's default and, in
// every known install, the only one), else the first by name. Gloo treats an
// empty list and [""] as "all namespaces"; any "" entry (the Kubernetes
// all-namespaces value) is normalised to nil here so that consumers, such as
// failover's "owning instance" test, need only check for an empty list.
// The result is a copy.
func (x *index) watchedNamespaces(ns string) []string {
	var chosen *SettingsInfo
	for i := range x.settings {
		st := &x.settings[i]
		if st.Namespace != ns {
			continue
		}
		if st.Name == defaultSettingsName {
			chosen = st
			break
		}
		if chosen == nil {
			chosen = st
		}
	}
	if chosen == nil || len(chosen.WatchNamespaces) == 0 || slices.Contains(chosen.WatchNamespaces, "") {
		return nil
	}
	return slices.Clone(chosen.WatchNamespaces)
}

// writeNamespace applies Gloo Federation's "Admin write namespace": with watched
// namespaces, the install namespace if watched, else gloo-system if watched,
// else the first watched; without, the install namespace.
func writeNamespace(install string, watched []string) string {
	switch {
	case len(watched) == 0, slices.Contains(watched, install):
		return install
	case slices.Contains(watched, glooSystemNamespace):
		return glooSystemNamespace
	default:
		return watched[0]
	}
}

// adminProxy applies Gloo Federation's "Admin proxy": gateway-proxy in the install
// namespace, else the first proxy in the install namespace, else the first
// proxy (proxies are sorted); nil without proxies.
func adminProxy(install string, proxies []viewsv1alpha1.InstanceProxy) *viewsv1alpha1.ObjectRef {
	if len(proxies) == 0 {
		return nil
	}
	chosen := -1
	for i, p := range proxies {
		if p.Namespace != install {
			continue
		}
		if p.Name == defaultGatewayProxyName {
			chosen = i
			break
		}
		if chosen < 0 {
			chosen = i
		}
	}
	if chosen < 0 {
		chosen = 0
	}
	return &viewsv1alpha1.ObjectRef{Name: proxies[chosen].Name, Namespace: proxies[chosen].Namespace}
}

// index holds sorted, nil-free copies of a snapshot's slices and lookups
// over them, so that every rule sees its inputs in one canonical order.
type index struct {
	cluster     string
	deployments []*appsv1.Deployment
	daemonSets  []*appsv1.DaemonSet
	services    []*corev1.Service
	pods        []*corev1.Pod
	nodes       []*corev1.Node // sorted by name
	nodeByName  map[string]*corev1.Node
	settings    []SettingsInfo
	gloo        map[Kind][]Resource
	region      string // Gloo Federation's region: the same for every instance
}

func newIndex(s *Snapshot) *index {
	x := &index{
		cluster:     s.Cluster,
		deployments: sortedObjects(s.Deployments),
		daemonSets:  sortedObjects(s.DaemonSets),
		services:    sortedObjects(s.Services),
		pods:        sortedObjects(s.Pods),
		nodes:       sortedObjects(s.Nodes),
		nodeByName:  map[string]*corev1.Node{},
		gloo:        map[Kind][]Resource{},
	}
	for _, n := range x.nodes {
		if _, dup := x.nodeByName[n.Name]; !dup {
			x.nodeByName[n.Name] = n
		}
	}
	x.region = regionOf(x.nodes)
	x.settings = slices.Clone(s.Settings)
	slices.SortStableFunc(x.settings, func(a, b SettingsInfo) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name),
			slices.Compare(a.WatchNamespaces, b.WatchNamespaces), strings.Compare(string(a.Status), string(b.Status)))
	})
	for k, rs := range s.Gloo {
		rs = slices.Clone(rs)
		slices.SortStableFunc(rs, func(a, b Resource) int {
			return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name), strings.Compare(string(a.Status), string(b.Status)))
		})
		x.gloo[k] = rs
	}
	return x
}

// sortedObjects returns the non-nil elements of in sorted by namespace and
// name (then uid and resourceVersion, should a snapshot hold duplicates), so
// that results do not depend on the order of the snapshot's slices.
func sortedObjects[T interface {
	*E
	metav1.Object
}, E any](in []T) []T {
	out := make([]T, 0, len(in))
	for _, o := range in {
		if o != nil {
			out = append(out, o)
		}
	}
	slices.SortStableFunc(out, func(a, b T) int {
		return cmp.Or(
			cmp.Compare(a.GetNamespace(), b.GetNamespace()),
			cmp.Compare(a.GetName(), b.GetName()),
			cmp.Compare(a.GetUID(), b.GetUID()),
			cmp.Compare(a.GetResourceVersion(), b.GetResourceVersion()),
		)
	})
	return out
}
