package glooinstall

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
)

// Image repositories of a Gloo Edge Helm install; discovery recognises the
// control plane and the proxies by them.
const (
	imageGloo           = "quay.io/solo-io/gloo"
	imageGlooEE         = "quay.io/solo-io/gloo-ee"
	imageDiscovery      = "quay.io/solo-io/discovery"
	imageEnvoyWrapper   = "quay.io/solo-io/gloo-envoy-wrapper"
	imageEnvoyWrapperEE = "quay.io/solo-io/gloo-ee-envoy-wrapper"
)

// workload is a Deployment the installation runs, with the pods a kubelet
// would have started for it.
type workload struct {
	name          string
	podLabels     map[string]string
	image         string
	ports         []corev1.ContainerPort
	replicas      int32
	readyReplicas int32
}

func (in Installation) workloads() []workload {
	glooImage, proxyImage := imageGloo, imageEnvoyWrapper
	if in.Enterprise {
		glooImage, proxyImage = imageGlooEE, imageEnvoyWrapperEE
	}
	return []workload{{
		name:          "gloo",
		podLabels:     map[string]string{"gloo": "gloo"},
		image:         glooImage + ":" + in.Version,
		ports:         []corev1.ContainerPort{{Name: "grpc-xds", ContainerPort: 9977}, {Name: "rest-xds", ContainerPort: 9976}, {Name: "grpc-validation", ContainerPort: 9988}},
		replicas:      1,
		readyReplicas: 1,
	}, {
		name:          "discovery",
		podLabels:     map[string]string{"gloo": "discovery"},
		image:         imageDiscovery + ":" + in.Version,
		replicas:      1,
		readyReplicas: 1,
	}, {
		name:          "gateway-proxy",
		podLabels:     map[string]string{"gloo": "gateway-proxy", "gateway-proxy-id": "gateway-proxy", "gateway-proxy": "live"},
		image:         proxyImage + ":" + in.Version,
		ports:         []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}, {Name: "https", ContainerPort: 8443}, {Name: "failover", ContainerPort: 15443}},
		replicas:      in.ProxyReplicas,
		readyReplicas: in.ReadyProxyReplicas,
	}}
}

func (in Installation) installWorkloads(ctx context.Context, kube kubernetes.Interface) error {
	ns := in.Namespace
	for _, n := range in.nodes() {
		created, err := kube.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("creating node %s: %w", n.Name, err)
		}
		created.Status = n.Status
		if _, err := kube.CoreV1().Nodes().UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("setting status of node %s: %w", n.Name, err)
		}
	}
	nodes := in.nodes()
	podIndex := 0
	for _, w := range in.workloads() {
		if err := in.installWorkload(ctx, kube, w, nodes, &podIndex); err != nil {
			return err
		}
	}
	for _, svc := range in.services() {
		created, err := kube.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("creating service %s/%s: %w", ns, svc.Name, err)
		}
		if svc.Spec.Type == corev1.ServiceTypeLoadBalancer && in.LoadBalancerAddress != "" {
			// What a cloud load-balancer controller writes once the LB exists.
			created.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: in.LoadBalancerAddress}}
			if _, err := kube.CoreV1().Services(ns).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
				return fmt.Errorf("setting load balancer status of %s/%s: %w", ns, svc.Name, err)
			}
		}
	}
	return nil
}

func (in Installation) installWorkload(ctx context.Context, kube kubernetes.Interface, w workload, nodes []*corev1.Node, podIndex *int) error {
	ns := in.Namespace
	labels := map[string]string{"app": "gloo"}
	for k, v := range w.podLabels {
		labels[k] = v
	}
	podLabels := map[string]string{"gloo": w.podLabels["gloo"]}
	for k, v := range w.podLabels {
		podLabels[k] = v
	}
	container := corev1.Container{Name: w.name, Image: w.image, Ports: w.ports}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: w.name, Namespace: ns, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: &w.replicas,
			Selector: &metav1.LabelSelector{MatchLabels: podLabels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: podLabels},
				Spec:       corev1.PodSpec{ServiceAccountName: w.name, Containers: []corev1.Container{container}},
			},
		},
	}
	if _, err := kube.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: w.name, Namespace: ns, Labels: map[string]string{"app": "gloo"}}}, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating service account %s/%s: %w", ns, w.name, err)
	}
	created, err := kube.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("creating deployment %s/%s: %w", ns, w.name, err)
	}
	created.Status = deploymentStatus(created.Generation, w.replicas, w.readyReplicas)
	if _, err := kube.AppsV1().Deployments(ns).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("setting status of deployment %s/%s: %w", ns, w.name, err)
	}
	// The pods a ReplicaSet would have created, scheduled round-robin over the
	// nodes so that the proxies' zones resolve.
	for i := range w.replicas {
		node := nodes[*podIndex%len(nodes)]
		*podIndex++
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{
				Name:      fmt.Sprintf("%s-%s-%s", w.name, podHash(in.Cluster+w.name), podHash(fmt.Sprint(in.Cluster, w.name, i))),
				Namespace: ns,
				Labels:    podLabels,
			},
			Spec: corev1.PodSpec{ServiceAccountName: w.name, NodeName: node.Name, Containers: []corev1.Container{container}},
		}
		createdPod, err := kube.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("creating pod %s/%s: %w", ns, pod.Name, err)
		}
		createdPod.Status = podStatus(container, i < w.readyReplicas)
		createdPod.Status.HostIP = node.Status.Addresses[0].Address
		createdPod.Status.PodIP = fmt.Sprintf("10.%d.%d.%d", in.subnet+100, *podIndex, 10+i)
		if _, err := kube.CoreV1().Pods(ns).UpdateStatus(ctx, createdPod, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("setting status of pod %s/%s: %w", ns, pod.Name, err)
		}
	}
	return nil
}

func (in Installation) services() []*corev1.Service {
	ns := in.Namespace
	proxySelector := map[string]string{"gloo": "gateway-proxy", "gateway-proxy-id": "gateway-proxy"}
	svcs := []*corev1.Service{{
		ObjectMeta: metav1.ObjectMeta{Name: "gloo", Namespace: ns, Labels: map[string]string{"app": "gloo", "gloo": "gloo"}},
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: map[string]string{"gloo": "gloo"},
			Ports: []corev1.ServicePort{
				{Name: "grpc-xds", Port: 9977, TargetPort: intstr.FromInt32(9977)},
				{Name: "rest-xds", Port: 9976, TargetPort: intstr.FromInt32(9976)},
				{Name: "grpc-validation", Port: 9988, TargetPort: intstr.FromInt32(9988)},
			},
		},
	}, {
		ObjectMeta: metav1.ObjectMeta{Name: "gateway-proxy", Namespace: ns, Labels: map[string]string{"app": "gloo", "gloo": "gateway-proxy", "gateway-proxy-id": "gateway-proxy"}},
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeLoadBalancer,
			Selector: proxySelector,
			Ports: []corev1.ServicePort{
				{Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080), Protocol: corev1.ProtocolTCP},
				{Name: "https", Port: 443, TargetPort: intstr.FromInt32(8443), Protocol: corev1.ProtocolTCP},
				{Name: "failover", Port: 15443, TargetPort: intstr.FromInt32(15443), Protocol: corev1.ProtocolTCP},
			},
		},
	}}
	if in.ReadConfigMulticluster {
		svcs = append(svcs, &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "gateway-proxy-config-dump-service", Namespace: ns, Labels: map[string]string{"app": "gloo", "gloo": "gateway-proxy"}},
			Spec: corev1.ServiceSpec{
				Type:     corev1.ServiceTypeClusterIP,
				Selector: proxySelector,
				Ports:    []corev1.ServicePort{{Name: "http-monitoring", Port: 8082, TargetPort: intstr.FromInt32(8082)}},
			},
		})
	}
	return svcs
}

func (in Installation) nodes() []*corev1.Node {
	var nodes []*corev1.Node
	for i, zone := range in.Zones {
		name := fmt.Sprintf("%s-node-%d", in.Cluster, i+1)
		nodes = append(nodes, &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{
				Name: name,
				Labels: map[string]string{
					"kubernetes.io/hostname":           name,
					"kubernetes.io/os":                 "linux",
					"kubernetes.io/arch":               "amd64",
					"node.kubernetes.io/instance-type": "m6i.xlarge",
					"topology.kubernetes.io/region":    in.Region,
					"topology.kubernetes.io/zone":      zone,
				},
			},
			Status: corev1.NodeStatus{
				Conditions: []corev1.NodeCondition{{
					Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady", Message: "kubelet is posting ready status",
					LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now(),
				}},
				NodeInfo: corev1.NodeSystemInfo{
					KubeletVersion: "v1.37.2", OSImage: "Bottlerocket OS 1.30.0", KernelVersion: "6.1.119",
					ContainerRuntimeVersion: "containerd://1.7.24", OperatingSystem: "linux", Architecture: "amd64",
				},
				Addresses: []corev1.NodeAddress{
					{Type: corev1.NodeInternalIP, Address: fmt.Sprintf("10.%d.%d.%d", in.subnet, i+1, 10)},
					{Type: corev1.NodeHostName, Address: name},
				},
			},
		})
	}
	return nodes
}

func deploymentStatus(generation int64, replicas, ready int32) appsv1.DeploymentStatus {
	now := metav1.Now()
	available := corev1.ConditionTrue
	availableReason, availableMessage := "MinimumReplicasAvailable", "Deployment has minimum availability."
	if ready < replicas {
		available = corev1.ConditionFalse
		availableReason, availableMessage = "MinimumReplicasUnavailable", "Deployment does not have minimum availability."
	}
	return appsv1.DeploymentStatus{
		ObservedGeneration:  generation,
		Replicas:            replicas,
		UpdatedReplicas:     replicas,
		ReadyReplicas:       ready,
		AvailableReplicas:   ready,
		UnavailableReplicas: replicas - ready,
		Conditions: []appsv1.DeploymentCondition{{
			Type: appsv1.DeploymentAvailable, Status: available, Reason: availableReason, Message: availableMessage,
			LastUpdateTime: now, LastTransitionTime: now,
		}, {
			Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue, Reason: "NewReplicaSetAvailable",
			Message: "ReplicaSet has successfully progressed.", LastUpdateTime: now, LastTransitionTime: now,
		}},
	}
}

func podStatus(container corev1.Container, ready bool) corev1.PodStatus {
	now := metav1.Now()
	readyStatus := corev1.ConditionTrue
	readyReason := ""
	if !ready {
		readyStatus, readyReason = corev1.ConditionFalse, "ContainersNotReady"
	}
	return corev1.PodStatus{
		Phase: corev1.PodRunning,
		Conditions: []corev1.PodCondition{
			{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: now},
			{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: now},
			{Type: corev1.ContainersReady, Status: readyStatus, Reason: readyReason, LastTransitionTime: now},
			{Type: corev1.PodReady, Status: readyStatus, Reason: readyReason, LastTransitionTime: now},
		},
		ContainerStatuses: []corev1.ContainerStatus{{
			Name: container.Name, Image: container.Image, ImageID: container.Image, Ready: ready, Started: &ready,
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}},
		}},
		StartTime: &now,
	}
}
