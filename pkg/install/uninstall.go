package install

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/clusters"
	"github.com/meridianfed/meridian/pkg/manifest"
)

// UninstallOptions say what to remove.
type UninstallOptions struct {
	// Namespace is Meridian's namespace (DefaultNamespace when empty).
	Namespace string
	// All also removes the CRDs (and so every federated object and cluster
	// registration) and the namespace.
	All bool
	// Timeout bounds each wait of All: for the controller to release the
	// federated objects, then for the namespace to go (default 2 minutes).
	Timeout time.Duration
	// Progress receives one line per step (nil: silent).
	Progress io.Writer
}

func (o UninstallOptions) logf(format string, args ...any) {
	Options{Progress: o.Progress}.logf(format, args...)
}

func (o UninstallOptions) timeout() time.Duration {
	if o.Timeout == 0 {
		return 2 * time.Minute
	}
	return o.Timeout
}

// releaseFederated deletes every object of Meridian's CRDs but the cluster
// registrations (federated objects, FailoverSchemes) and waits until they
// are gone, which takes a running controller: it removes their copies from
// the members and then its finalizer. When some are still there at the
// timeout it removes nothing else and says what to do.
func releaseFederated(ctx context.Context, dyn dynamic.Interface, manifests []*unstructured.Unstructured, ns string, timeout time.Duration, logf func(string, ...any)) error {
	kinds := customKinds(manifests)
	kinds = slices.DeleteFunc(kinds, func(k customKind) bool { return k.gvr.Resource == "kubernetesclusters" })
	deadline := time.Now().Add(timeout)
	said := false
	for {
		var left []string
		var stuck []unstructured.Unstructured
		for _, k := range kinds {
			list, err := dyn.Resource(k.gvr).List(ctx, metav1.ListOptions{})
			if apierrors.IsNotFound(err) {
				continue // the CRD is not installed
			}
			if err != nil {
				return fmt.Errorf("listing %s: %w", k.gvr.Resource, err)
			}
			for _, it := range list.Items {
				if it.GetDeletionTimestamp() == nil {
					err := dyn.Resource(k.gvr).Namespace(it.GetNamespace()).Delete(ctx, it.GetName(), metav1.DeleteOptions{})
					if err != nil && !apierrors.IsNotFound(err) {
						return fmt.Errorf("deleting %s %s: %w", k.kind, qualifiedName(it.GetNamespace(), it.GetName()), err)
					}
					logf("deleted %s %s", k.kind, qualifiedName(it.GetNamespace(), it.GetName()))
				}
				left = append(left, k.kind+" "+qualifiedName(it.GetNamespace(), it.GetName()))
				stuck = append(stuck, it)
			}
		}
		if len(left) == 0 {
			return nil
		}
		if !said {
			logf("waiting for the controller to remove %d federated objects from the members and release them", len(left))
			said = true
		}
		if time.Now().After(deadline) {
			first := stuck[0]
			return fmt.Errorf("after %s these still carry the controller's finalizer: %s. Nothing else was removed. "+
				"Is meridian-controller running (kubectl -n %s get lease %s)? Then run uninstall --all again. "+
				"To leave their copies in the members instead, remove the finalizers, for example: "+
				"kubectl -n %s patch %s %s --type=merge -p '{\"metadata\":{\"finalizers\":null}}'",
				timeout, strings.Join(left, ", "), ns, ControllerName,
				first.GetNamespace(), strings.ToLower(first.GetKind())+"."+first.GroupVersionKind().Group, first.GetName())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// customKind is one kind of Meridian's CRDs, as served.
type customKind struct {
	kind string
	gvr  schema.GroupVersionResource
}

// customKinds are the kinds the CRDs among manifests define, at their
// first version.
func customKinds(manifests []*unstructured.Unstructured) []customKind {
	var out []customKind
	for _, o := range manifests {
		if o.GetKind() != "CustomResourceDefinition" {
			continue
		}
		group, _, _ := unstructured.NestedString(o.Object, "spec", "group")
		plural, _, _ := unstructured.NestedString(o.Object, "spec", "names", "plural")
		kind, _, _ := unstructured.NestedString(o.Object, "spec", "names", "kind")
		versions, _, _ := unstructured.NestedSlice(o.Object, "spec", "versions")
		if len(versions) == 0 {
			continue
		}
		version, _, _ := unstructured.NestedString(versions[0].(map[string]any), "name")
		out = append(out, customKind{kind: kind, gvr: schema.GroupVersionResource{Group: group, Version: version, Resource: plural}})
	}
	return out
}

// Uninstall removes what Install applied: the APIService first (so that the
// aggregator stops routing to a server that is going away), then the
// server, its RBAC and its serving Secret. The namespace, the cluster
// registrations in it, the CRDs and the placement policies that guard them
// stay unless opts.All; then Loss is reported before anything is deleted.
func Uninstall(ctx context.Context, cfg *rest.Config, opts UninstallOptions) error {
	iopts := Options{Namespace: opts.Namespace, Progress: opts.Progress}
	if err := iopts.Validate(); err != nil {
		return err
	}
	ns := iopts.namespace()
	objs, err := Manifests(iopts, nil)
	if err != nil {
		return err
	}
	if opts.All {
		lost, err := Loss(ctx, cfg, ns)
		if err != nil {
			return err
		}
		if len(lost) == 0 {
			opts.logf("--all: no cluster registrations or federated objects to lose")
		} else {
			opts.logf("--all deletes, with the CRDs and namespace %s:", ns)
			for _, l := range lost {
				opts.logf("  %s", l)
			}
		}
	}
	applier, err := manifest.NewApplier(cfg, FieldManager)
	if err != nil {
		return err
	}
	if opts.All {
		// The controller's finalizers hold every federated object until it
		// has removed the object's copies from the members: delete them
		// while it still runs, or the CRDs and the namespace would stay
		// Terminating once it is gone.
		dyn, err := dynamic.NewForConfig(cfg)
		if err != nil {
			return err
		}
		if err := releaseFederated(ctx, dyn, objs, ns, opts.timeout(), opts.logf); err != nil {
			return err
		}
	}
	var crds []*unstructured.Unstructured
	var namespace *unstructured.Unstructured
	var others []*unstructured.Unstructured
	for _, o := range objs {
		switch o.GetKind() {
		case "CustomResourceDefinition":
			crds = append(crds, o)
		case "Namespace":
			namespace = o
		case "APIService":
			others = slices.Insert(others, 0, o)
		case "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding":
			// They guard the federated objects (who may place where): they
			// go with the CRDs, never before.
			if opts.All {
				crds = append(crds, o)
			}
		default:
			others = append(others, o)
		}
	}
	// APIService first, then the rest in reverse order of creation.
	order := append([]*unstructured.Unstructured{others[0]}, reversed(others[1:])...)
	// What the running control plane created itself: the serving Secret
	// install issued, and the leader Leases.
	order = append(order,
		namespaced("v1", "Secret", ns, ServingSecret),
		namespaced("coordination.k8s.io/v1", "Lease", ns, ControllerName),
		namespaced("coordination.k8s.io/v1", "Lease", ns, clusters.StatusLease),
	)
	if opts.All {
		order = append(order, reversed(crds)...)
		order = append(order, namespace)
	}
	deleted := 0
	for _, o := range order {
		ok, err := applier.Delete(ctx, o)
		if err != nil {
			return err
		}
		if ok {
			deleted++
			opts.logf("deleted %s", manifest.Describe(o))
		}
	}
	if !opts.All {
		opts.logf("removed %d objects; kept namespace %s (cluster registrations), the CRDs and the placement policies that guard them (use --all to remove them too)", deleted, ns)
		return nil
	}
	if err := waitNamespaceGone(ctx, cfg, ns, opts); err != nil {
		return err
	}
	opts.logf("removed %d objects; Meridian is uninstalled", deleted)
	return nil
}

func namespaced(apiVersion, kind, ns, name string) *unstructured.Unstructured {
	o := &unstructured.Unstructured{}
	o.SetAPIVersion(apiVersion)
	o.SetKind(kind)
	o.SetNamespace(ns)
	o.SetName(name)
	return o
}

func reversed(objs []*unstructured.Unstructured) []*unstructured.Unstructured {
	out := slices.Clone(objs)
	slices.Reverse(out)
	return out
}

// waitNamespaceGone waits for the namespace controller to empty and remove
// the namespace; on timeout it says what is left.
func waitNamespaceGone(ctx context.Context, cfg *rest.Config, ns string, opts UninstallOptions) error {
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	timeout := opts.timeout()
	deadline := time.Now().Add(timeout)
	said := false
	for {
		n, err := kube.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if !said {
			opts.logf("waiting for namespace %s to be removed", ns)
			said = true
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("namespace %s is still %s after %s: %s (is kube-controller-manager running? look with: kubectl get namespace %s -o yaml)",
				ns, n.Status.Phase, timeout, namespaceConditions(n), ns)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func namespaceConditions(n *corev1.Namespace) string {
	var out []string
	for _, c := range n.Status.Conditions {
		if c.Status == corev1.ConditionTrue {
			out = append(out, fmt.Sprintf("%s: %s", c.Type, c.Message))
		}
	}
	if len(out) == 0 {
		return "no condition reported"
	}
	return strings.Join(out, "; ")
}

// Loss lists what uninstall --all would delete beyond Meridian itself: every
// object of Meridian's CRDs, and the kubeconfig Secrets of registrations.
func Loss(ctx context.Context, cfg *rest.Config, ns string) ([]string, error) {
	objs, err := Manifests(Options{Namespace: ns}, nil)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range customKinds(objs) {
		kind, plural := k.kind, k.gvr.Resource
		list, err := dyn.Resource(k.gvr).List(ctx, metav1.ListOptions{})
		if apierrors.IsNotFound(err) {
			continue // not installed
		}
		if err != nil {
			return nil, fmt.Errorf("listing %s: %w", plural, err)
		}
		var names []string
		for _, item := range list.Items {
			names = append(names, qualifiedName(item.GetNamespace(), item.GetName()))
		}
		if len(names) > 0 {
			out = append(out, fmt.Sprintf("%d %s: %s", len(names), kind, strings.Join(names, ", ")))
		}
	}
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	secrets, err := kube.CoreV1().Secrets(ns).List(ctx, metav1.ListOptions{FieldSelector: fedv1alpha1.KubeconfigSecretSelector})
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, err
	}
	if secrets != nil && len(secrets.Items) > 0 {
		var names []string
		for _, s := range secrets.Items {
			names = append(names, s.Name)
		}
		out = append(out, fmt.Sprintf("%d kubeconfig Secrets: %s", len(names), strings.Join(names, ", ")))
	}
	return out, nil
}

func qualifiedName(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}
