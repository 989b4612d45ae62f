package registration

import (
	"context"
	"errors"
	"fmt"
	"io"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// DeregisterOptions describe one deregistration.
type DeregisterOptions struct {
	// ClusterName is the member's name in the federation.
	ClusterName string
	// Member reaches the member with rights to delete what Register created
	// there. Nil only with Force.
	Member *rest.Config
	// RemoteNamespace and FederationNamespace as given to Register.
	RemoteNamespace     string
	FederationNamespace string
	// Force removes the management side only, for a member that is gone
	// for good: what Register created on the member stays there.
	Force bool
	// Progress receives one line per step.
	Progress io.Writer
}

// Deregister removes what Register created: on the member, the RoleBinding,
// Role, ClusterRoleBinding and ServiceAccount (and the ClusterRole and
// namespace when no other registration still uses them); on the management
// cluster, the KubernetesCluster and its kubeconfig Secret. The member side
// goes first, so that a member that cannot be reached leaves the
// registration in place (and says to use Force) rather than half removed.
func Deregister(ctx context.Context, management *rest.Config, opts DeregisterOptions) error {
	o := Options{ClusterName: opts.ClusterName, RemoteNamespace: opts.RemoteNamespace, FederationNamespace: opts.FederationNamespace, Progress: opts.Progress}
	if err := o.defaults(); err != nil {
		return err
	}
	mgmt, fed, err := managementClients(management)
	if err != nil {
		return err
	}
	kc, err := fed.FedV1alpha1().KubernetesClusters(o.FederationNamespace).Get(ctx, o.ClusterName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("no cluster named %q is registered in namespace %s (meridianctl cluster list shows the registered ones)", o.ClusterName, o.FederationNamespace)
	}
	if err != nil {
		return fmt.Errorf("reading the registration: %w", err)
	}

	if opts.Force {
		fmt.Fprintf(o.Progress, "--force: leaving the member side of %s as it is (ServiceAccount %s/%s, its RBAC); delete it there by hand if the member comes back\n",
			o.ClusterName, o.RemoteNamespace, ServiceAccountName(o.ClusterName))
	} else {
		if opts.Member == nil {
			return errors.New("deregistering needs access to the member (--remote-context or --remote-kubeconfig); use --force to remove the management side only")
		}
		member, err := kubernetes.NewForConfig(opts.Member)
		if err != nil {
			return err
		}
		if _, err := member.Discovery().ServerVersion(); err != nil {
			return fmt.Errorf("cannot reach the member cluster at %s: %w (if it is gone for good, --force removes the management side only)", opts.Member.Host, err)
		}
		if err := removeMemberAccess(ctx, member, o); err != nil {
			return err
		}
	}

	secretName := kc.Spec.SecretName
	if secretName == "" {
		secretName = SecretName(o.ClusterName)
	}
	fmt.Fprintf(o.Progress, "management: deleting KubernetesCluster %s/%s and Secret %s/%s\n", o.FederationNamespace, o.ClusterName, o.FederationNamespace, secretName)
	if err := fed.FedV1alpha1().KubernetesClusters(o.FederationNamespace).Delete(ctx, o.ClusterName, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting the KubernetesCluster: %w", err)
	}
	if err := mgmt.CoreV1().Secrets(o.FederationNamespace).Delete(ctx, secretName, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting the kubeconfig Secret: %w", err)
	}
	fmt.Fprintf(o.Progress, "cluster %s deregistered\n", o.ClusterName)
	return nil
}

// removeMemberAccess deletes what ensureMemberAccess created. The shared
// ClusterRole and the namespace stay while another registration of this
// member (under another name) still uses them, and a namespace Register did
// not create is never deleted.
func removeMemberAccess(ctx context.Context, member kubernetes.Interface, o Options) error {
	name := ServiceAccountName(o.ClusterName)
	ns := o.RemoteNamespace
	fmt.Fprintf(o.Progress, "member %s: deleting ServiceAccount %s/%s and its RBAC\n", o.ClusterName, ns, name)
	steps := []struct {
		what string
		del  func() error
	}{
		{"RoleBinding " + ns + "/" + name, func() error { return member.RbacV1().RoleBindings(ns).Delete(ctx, name, metav1.DeleteOptions{}) }},
		{"Role " + ns + "/" + name, func() error { return member.RbacV1().Roles(ns).Delete(ctx, name, metav1.DeleteOptions{}) }},
		{"ClusterRoleBinding " + name, func() error { return member.RbacV1().ClusterRoleBindings().Delete(ctx, name, metav1.DeleteOptions{}) }},
		{"ServiceAccount " + ns + "/" + name, func() error { return member.CoreV1().ServiceAccounts(ns).Delete(ctx, name, metav1.DeleteOptions{}) }},
	}
	for _, s := range steps {
		if err := s.del(); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting %s on the member: %w", s.what, err)
		}
	}
	if err := removeSecretAccess(ctx, member, o.ClusterName); err != nil {
		return err
	}
	bindings, err := member.RbacV1().ClusterRoleBindings().List(ctx, metav1.ListOptions{LabelSelector: ManagedByLabel + "=meridian"})
	if err != nil {
		return fmt.Errorf("listing ClusterRoleBindings on the member: %w", err)
	}
	shared := false
	for _, b := range bindings.Items {
		if b.RoleRef.Kind == "ClusterRole" && b.RoleRef.Name == MemberClusterRole {
			shared = true
		}
	}
	if shared {
		fmt.Fprintf(o.Progress, "member %s: keeping ClusterRole %s, another registration of this member uses it\n", o.ClusterName, MemberClusterRole)
	} else if err := member.RbacV1().ClusterRoles().Delete(ctx, MemberClusterRole, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting ClusterRole %s on the member: %w", MemberClusterRole, err)
	}
	nsObj, err := member.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading namespace %s on the member: %w", ns, err)
	}
	if nsObj.Labels[ManagedByLabel] != "meridian" {
		return nil // it was there before Meridian
	}
	others, err := member.CoreV1().ServiceAccounts(ns).List(ctx, metav1.ListOptions{LabelSelector: ManagedByLabel + "=meridian"})
	if err != nil {
		return fmt.Errorf("listing ServiceAccounts in %s on the member: %w", ns, err)
	}
	if len(others.Items) > 0 {
		fmt.Fprintf(o.Progress, "member %s: keeping namespace %s, another registration of this member uses it\n", o.ClusterName, ns)
		return nil
	}
	if err := member.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting namespace %s on the member: %w", ns, err)
	}
	return nil
}
