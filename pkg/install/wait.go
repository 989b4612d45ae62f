package install

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// APIServiceResource is apiregistration.k8s.io/v1 apiservices.
var APIServiceResource = schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}

// WaitOptions bound WaitReady.
type WaitOptions struct {
	// Timeout is how long to wait (default 3 minutes).
	Timeout time.Duration
	// Abort, when it returns an error, ends the wait with it (for example:
	// the out-of-cluster server exited).
	Abort func() error
}

// WaitReady waits until the APIService is Available, a controller replica
// holds the leader Lease, and the Deployments of what runs in the cluster
// have every replica available. It
// reports each change of state through opts.Progress, and on timeout says
// what is not ready and where to look.
func WaitReady(ctx context.Context, cfg *rest.Config, opts Options, wait WaitOptions) error {
	if wait.Timeout == 0 {
		wait.Timeout = 3 * time.Minute
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	ns := opts.namespace()
	deadline := time.Now().Add(wait.Timeout)
	last := ""
	for {
		var state string
		ready := true
		for _, d := range []struct {
			name     string
			external bool
		}{{APIServerName, opts.External != nil}, {ControllerName, opts.ExternalController}} {
			if d.external {
				continue
			}
			ok, what := deploymentReady(ctx, kube, ns, d.name)
			if !ok {
				ready = false
			}
			state = join(state, what)
		}
		leader, what := leaseHeld(ctx, kube, ns, ControllerName)
		if !leader {
			ready = false
		}
		state = join(state, what)
		available, why := apiServiceAvailable(ctx, dyn)
		if available {
			// The condition may predate a change just applied: ask the
			// aggregator for the group itself.
			if err := kube.Discovery().RESTClient().Get().AbsPath("/apis/views.meridian.io/v1alpha1").Do(ctx).Error(); err != nil {
				available, why = false, "Available, but discovery through the aggregator fails: "+err.Error()
			}
		}
		if !available {
			ready = false
		}
		state = join(state, "APIService "+APIServiceName+": "+why)
		if state != last {
			opts.logf("  %s", state)
			last = state
		}
		if ready {
			return nil
		}
		if wait.Abort != nil {
			if err := wait.Abort(); err != nil {
				return err
			}
		}
		if time.Now().After(deadline) {
			hint := fmt.Sprintf("kubectl get apiservice %s -o yaml; kubectl -n %s get lease %s -o yaml", APIServiceName, ns, ControllerName)
			if opts.External == nil || !opts.ExternalController {
				hint = fmt.Sprintf("kubectl -n %s get deployments,pods; kubectl -n %s logs deployment/<name>; %s", ns, ns, hint)
			}
			return fmt.Errorf("Meridian is not ready after %s: %s (look with: %s)", wait.Timeout, state, hint)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// apiServiceAvailable reads the APIService's Available condition.
func apiServiceAvailable(ctx context.Context, dyn dynamic.Interface) (bool, string) {
	o, err := dyn.Resource(APIServiceResource).Get(ctx, APIServiceName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return false, "not found"
	}
	if err != nil {
		return false, err.Error()
	}
	conds, _, _ := unstructured.NestedSlice(o.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == "Available" {
			if m["status"] == "True" {
				return true, "Available"
			}
			return false, fmt.Sprintf("not Available (%v: %v)", m["reason"], m["message"])
		}
	}
	return false, "no Available condition reported yet"
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// APIServiceStatus says in words whether the views' APIService is Available.
func APIServiceStatus(ctx context.Context, cfg *rest.Config) string {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err.Error()
	}
	_, why := apiServiceAvailable(ctx, dyn)
	return why
}

// deploymentReady says whether every replica of a Deployment is updated and available.
func deploymentReady(ctx context.Context, kube kubernetes.Interface, ns, name string) (bool, string) {
	d, err := kube.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return false, fmt.Sprintf("Deployment %s/%s: %v", ns, name, err)
	}
	want := int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	ready := d.Status.ObservedGeneration >= d.Generation && d.Status.UpdatedReplicas >= want && d.Status.AvailableReplicas >= want
	return ready, fmt.Sprintf("Deployment %s/%s: %d/%d replicas available", ns, name, d.Status.AvailableReplicas, want)
}

// leaseHeld says whether a replica holds a leader Lease and renews it.
func leaseHeld(ctx context.Context, kube kubernetes.Interface, ns, name string) (bool, string) {
	l, err := kube.CoordinationV1().Leases(ns).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return false, "controller: no replica has taken the lead yet"
	}
	if err != nil {
		return false, fmt.Sprintf("controller Lease %s/%s: %v", ns, name, err)
	}
	if l.Spec.HolderIdentity == nil || *l.Spec.HolderIdentity == "" || l.Spec.RenewTime == nil || l.Spec.LeaseDurationSeconds == nil {
		return false, "controller: no leader"
	}
	if time.Since(l.Spec.RenewTime.Time) > time.Duration(*l.Spec.LeaseDurationSeconds)*time.Second {
		return false, fmt.Sprintf("controller: the leader %s stopped renewing its Lease at %s", *l.Spec.HolderIdentity, l.Spec.RenewTime.UTC().Format(time.RFC3339))
	}
	return true, "controller: leading"
}
