package discovery

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// Builders for hand-made member objects, shaped like Gloo's Helm chart.

var created = metav1.NewTime(time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC))

func container(image string) corev1.Container {
	return corev1.Container{Name: "c", Image: image}
}

// glooDeployment is a control-plane Deployment in ns running image.
func glooDeployment(ns string, images ...string) *appsv1.Deployment {
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{
			Name: "gloo", Namespace: ns, UID: types.UID("uid-gloo-" + ns),
			Labels:            map[string]string{"app": "gloo", "gloo": "gloo"},
			CreationTimestamp: created,
		},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"gloo": "gloo"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"gloo": "gloo"}}},
		},
	}
	for _, img := range images {
		d.Spec.Template.Spec.Containers = append(d.Spec.Template.Spec.Containers, container(img))
	}
	return d
}

func proxyTemplate(name, image string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"gloo": "gateway-proxy", "gateway-proxy-id": name}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{container(image)}},
	}
}

// proxyDeployment is a gateway-proxy Deployment like the chart's.
func proxyDeployment(ns, name, image string, replicas, available, ready int32) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{"app": "gloo", "gloo": "gateway-proxy"}},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"gateway-proxy-id": name}},
			Template: proxyTemplate(name, image),
		},
		Status: appsv1.DeploymentStatus{Replicas: replicas, AvailableReplicas: available, ReadyReplicas: ready},
	}
}

// proxyDaemonSet is a gateway-proxy DaemonSet.
func proxyDaemonSet(ns, name, image string, desired, available, ready int32) *appsv1.DaemonSet {
	return &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{"app": "gloo"}},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"gateway-proxy-id": name}},
			Template: proxyTemplate(name, image),
		},
		Status: appsv1.DaemonSetStatus{DesiredNumberScheduled: desired, NumberAvailable: available, NumberReady: ready},
	}
}

func pod(ns, name, node string, labels map[string]string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
		Spec:       corev1.PodSpec{NodeName: node},
	}
}

// proxyPod is a pod of the proxy workload named proxy.
func proxyPod(ns, name, proxy, node string) *corev1.Pod {
	return pod(ns, name, node, map[string]string{"gloo": "gateway-proxy", "gateway-proxy-id": proxy})
}

func node(name string, labels map[string]string, addrs ...corev1.NodeAddress) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Status:     corev1.NodeStatus{Addresses: addrs},
	}
}

func addr(t corev1.NodeAddressType, a string) corev1.NodeAddress {
	return corev1.NodeAddress{Type: t, Address: a}
}

func svcPort(name string, port, nodePort int32) corev1.ServicePort {
	return corev1.ServicePort{Name: name, Port: port, NodePort: nodePort, TargetPort: intstr.FromInt32(port + 8000)}
}

func service(ns, name string, typ corev1.ServiceType, selector map[string]string, ports ...corev1.ServicePort) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       corev1.ServiceSpec{Type: typ, Selector: selector, Ports: ports},
	}
}

func withLB(s *corev1.Service, ingress ...corev1.LoadBalancerIngress) *corev1.Service {
	s.Status.LoadBalancer.Ingress = ingress
	return s
}

func gatewayProxySelector(name string) map[string]string {
	return map[string]string{"gloo": "gateway-proxy", "gateway-proxy-id": name}
}

// only runs Discover and requires exactly one instance.
func only(t *testing.T, s *Snapshot) viewsv1alpha1.GlooInstance {
	t.Helper()
	got := Discover(s)
	if len(got) != 1 {
		t.Fatalf("Discover returned %d instances, want 1:\n%s", len(got), dump(got))
	}
	return got[0]
}

func dump(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func mustEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got: %s\nwant: %s", what, dump(got), dump(want))
	}
}
