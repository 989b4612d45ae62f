package registration

import (
	"context"
	"fmt"
	"io"
	"slices"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

// SecretWriterClusterRole lets Meridian's credential write Secrets, bound
// only by RoleBindings in the namespaces the admin opted in. It has no
// get, list or watch: Meridian never reads a member's Secret, so no stolen
// credential can either.
const SecretWriterClusterRole = "meridian-member-secret-writer"

// ForeignSecretMessage is how the member's admission policy refuses
// Meridian's credential a write or deletion of a Secret Meridian did not
// place; the controller recognises the refusal by it.
const ForeignSecretMessage = "this Secret was not placed by Meridian"

// OtherOwnerMessage is how the member's admission policy refuses a write
// that would change a Secret's owner mark: the Secret is another federated
// object's. The controller recognises the refusal by it.
const OtherOwnerMessage = "this Secret belongs to another federated object"

// clusterLabel and grantLabel find what registration granted for one
// cluster (the Secret RoleBindings), to change or remove it later.
const (
	clusterLabel = "fed.meridian.io/cluster"
	grantLabel   = "fed.meridian.io/grant"
	grantSecrets = "secrets"
)

// secretsName names the per-cluster Secret RoleBindings and admission policy.
func secretsName(cluster string) string { return ServiceAccountName(cluster) + "-secrets" }

func secretWriterRole() *rbacv1.ClusterRole {
	return &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: SecretWriterClusterRole, Labels: map[string]string{ManagedByLabel: "meridian"}},
		Rules: []rbacv1.PolicyRule{{
			APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"create", "update", "patch", "delete"},
		}},
	}
}

// secretPolicy is the admission policy that narrows what RBAC cannot: for
// requests by Meridian's ServiceAccount on Secrets, a Secret written must
// carry Meridian's owner annotation, one replaced or deleted must already
// carry it, the owner never changes, and no Secret of the service-account
// token type is written (the token controller would fill it with a token of
// any ServiceAccount it names). An apply to a foreign Secret is refused
// before anything is returned, so the credential cannot read one that way
// either.
func secretPolicy(cluster, remoteNamespace string) (*admissionregistrationv1.ValidatingAdmissionPolicy, *admissionregistrationv1.ValidatingAdmissionPolicyBinding) {
	user := "system:serviceaccount:" + remoteNamespace + ":" + ServiceAccountName(cluster)
	owner := fmt.Sprintf("'%s'", fedv1alpha1.OwnerAnnotation)
	fail := admissionregistrationv1.Fail
	forbidden := metav1.StatusReasonForbidden
	name := secretsName(cluster)
	lbls := map[string]string{ManagedByLabel: "meridian", clusterLabel: cluster}
	policy := &admissionregistrationv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: lbls},
		Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: &fail,
			MatchConstraints: &admissionregistrationv1.MatchResources{
				ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{{
					RuleWithOperations: admissionregistrationv1.RuleWithOperations{
						Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update, admissionregistrationv1.Delete},
						Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"secrets"}},
					},
				}},
			},
			MatchConditions: []admissionregistrationv1.MatchCondition{{
				Name: "meridian-credential", Expression: fmt.Sprintf("request.userInfo.username == '%s'", user),
			}},
			Validations: []admissionregistrationv1.Validation{
				{
					Expression: fmt.Sprintf("request.operation == 'DELETE' || (has(object.metadata.annotations) && %s in object.metadata.annotations)", owner),
					Message:    "Meridian writes only Secrets that carry its owner annotation " + fedv1alpha1.OwnerAnnotation,
					Reason:     &forbidden,
				},
				{
					Expression: fmt.Sprintf("request.operation == 'CREATE' || (has(oldObject.metadata.annotations) && %s in oldObject.metadata.annotations)", owner),
					Message:    ForeignSecretMessage + ": Meridian leaves it untouched",
					Reason:     &forbidden,
				},
				{
					Expression: fmt.Sprintf("request.operation != 'UPDATE' || oldObject.metadata.annotations[%s] == object.metadata.annotations[%s]", owner, owner),
					Message:    OtherOwnerMessage + ": Meridian leaves it untouched",
					Reason:     &forbidden,
				},
				{
					Expression: "request.operation == 'DELETE' || object.type != 'kubernetes.io/service-account-token'",
					Message:    "Meridian never writes service-account token Secrets",
					Reason:     &forbidden,
				},
			},
		},
	}
	binding := &admissionregistrationv1.ValidatingAdmissionPolicyBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: lbls},
		Spec: admissionregistrationv1.ValidatingAdmissionPolicyBindingSpec{
			PolicyName:        name,
			ValidationActions: []admissionregistrationv1.ValidationAction{admissionregistrationv1.Deny},
		},
	}
	return policy, binding
}

// ensureSecretPolicy creates or updates the cluster's Secret admission
// policy and its binding on the member.
func ensureSecretPolicy(ctx context.Context, member kubernetes.Interface, cluster, remoteNamespace string) error {
	policy, binding := secretPolicy(cluster, remoteNamespace)
	policies := member.AdmissionregistrationV1().ValidatingAdmissionPolicies()
	if existing, err := policies.Get(ctx, policy.Name, metav1.GetOptions{}); err == nil {
		existing.Spec = policy.Spec
		existing.Labels = policy.Labels
		_, err = policies.Update(ctx, existing, metav1.UpdateOptions{})
		if err != nil {
			return fmt.Errorf("updating ValidatingAdmissionPolicy %s on the member: %w", policy.Name, err)
		}
	} else if _, err := policies.Create(ctx, policy, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating ValidatingAdmissionPolicy %s on the member (Kubernetes 1.30 or later is needed): %w", policy.Name, err)
	}
	bindings := member.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings()
	if existing, err := bindings.Get(ctx, binding.Name, metav1.GetOptions{}); err == nil {
		existing.Spec = binding.Spec
		existing.Labels = binding.Labels
		if _, err := bindings.Update(ctx, existing, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("updating ValidatingAdmissionPolicyBinding %s on the member: %w", binding.Name, err)
		}
	} else if _, err := bindings.Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating ValidatingAdmissionPolicyBinding %s on the member: %w", binding.Name, err)
	}
	return nil
}

// SecretNamespacesOptions say where Meridian may write Secrets in a member.
type SecretNamespacesOptions struct {
	// ClusterName is the member's name in the federation.
	ClusterName string
	// RemoteNamespace holds Meridian's ServiceAccount on the member.
	RemoteNamespace string
	// Namespaces are the member namespaces FederatedSecrets may place into;
	// the grant is removed from every other one.
	Namespaces []string
	// Progress receives one line per change.
	Progress io.Writer
}

// SetSecretNamespaces makes the member namespaces where Meridian's
// credential may write Secrets exactly opts.Namespaces: a RoleBinding to
// SecretWriterClusterRole in each (creating the namespace if missing), none
// elsewhere, and the admission policy that limits those writes to Secrets
// Meridian placed. `cluster register --secret-namespaces` calls it, and so
// does `cluster secret-namespaces` to change the list later. Nothing is
// read from the management cluster: it needs only the member.
func SetSecretNamespaces(ctx context.Context, member kubernetes.Interface, opts SecretNamespacesOptions) error {
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	if opts.RemoteNamespace == "" {
		opts.RemoteNamespace = "meridian-system"
	}
	for _, ns := range opts.Namespaces {
		if !dnsLabel.MatchString(ns) || len(ns) > 63 {
			return fmt.Errorf("secret namespace %q is not a namespace name (a DNS label)", ns)
		}
	}
	if err := ensureClusterRole(ctx, member, secretWriterRole()); err != nil {
		return err
	}
	if err := ensureSecretPolicy(ctx, member, opts.ClusterName, opts.RemoteNamespace); err != nil {
		return err
	}
	lbls := map[string]string{ManagedByLabel: "meridian", clusterLabel: opts.ClusterName, grantLabel: grantSecrets}
	existing, err := member.RbacV1().RoleBindings("").List(ctx, metav1.ListOptions{LabelSelector: labels.SelectorFromSet(lbls).String()})
	if err != nil {
		return fmt.Errorf("listing the Secret grants on the member: %w", err)
	}
	for _, rb := range existing.Items {
		if !slices.Contains(opts.Namespaces, rb.Namespace) {
			fmt.Fprintf(opts.Progress, "member %s: Meridian may no longer write Secrets in namespace %s\n", opts.ClusterName, rb.Namespace)
			if err := member.RbacV1().RoleBindings(rb.Namespace).Delete(ctx, rb.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
				return fmt.Errorf("removing RoleBinding %s/%s on the member: %w", rb.Namespace, rb.Name, err)
			}
		}
	}
	for _, ns := range opts.Namespaces {
		if slices.ContainsFunc(existing.Items, func(rb rbacv1.RoleBinding) bool { return rb.Namespace == ns }) {
			continue
		}
		fmt.Fprintf(opts.Progress, "member %s: Meridian may write the Secrets it places in namespace %s\n", opts.ClusterName, ns)
		if _, err := member.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating namespace %s on the member: %w", ns, err)
		}
		rb := &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: secretsName(opts.ClusterName), Namespace: ns, Labels: lbls},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: SecretWriterClusterRole},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: ServiceAccountName(opts.ClusterName), Namespace: opts.RemoteNamespace}},
		}
		if _, err := member.RbacV1().RoleBindings(ns).Create(ctx, rb, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating RoleBinding %s/%s on the member: %w", ns, rb.Name, err)
		}
	}
	return nil
}

// removeSecretAccess deletes what SetSecretNamespaces created for a
// cluster: its RoleBindings and admission policy, and the shared
// ClusterRole once no other registration binds it.
func removeSecretAccess(ctx context.Context, member kubernetes.Interface, cluster string) error {
	lbls := labels.SelectorFromSet(map[string]string{ManagedByLabel: "meridian", grantLabel: grantSecrets})
	all, err := member.RbacV1().RoleBindings("").List(ctx, metav1.ListOptions{LabelSelector: lbls.String()})
	if err != nil {
		return fmt.Errorf("listing the Secret grants on the member: %w", err)
	}
	shared := false
	for _, rb := range all.Items {
		if rb.Labels[clusterLabel] != cluster {
			shared = true
			continue
		}
		if err := member.RbacV1().RoleBindings(rb.Namespace).Delete(ctx, rb.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting RoleBinding %s/%s on the member: %w", rb.Namespace, rb.Name, err)
		}
	}
	name := secretsName(cluster)
	if err := member.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting ValidatingAdmissionPolicyBinding %s on the member: %w", name, err)
	}
	if err := member.AdmissionregistrationV1().ValidatingAdmissionPolicies().Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting ValidatingAdmissionPolicy %s on the member: %w", name, err)
	}
	if !shared {
		if err := member.RbacV1().ClusterRoles().Delete(ctx, SecretWriterClusterRole, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting ClusterRole %s on the member: %w", SecretWriterClusterRole, err)
		}
	}
	return nil
}

// ensureClusterRole creates a ClusterRole or brings its rules up to date.
func ensureClusterRole(ctx context.Context, member kubernetes.Interface, role *rbacv1.ClusterRole) error {
	if _, err := member.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); apierrors.IsAlreadyExists(err) {
		existing, err := member.RbacV1().ClusterRoles().Get(ctx, role.Name, metav1.GetOptions{})
		if err == nil {
			existing.Rules = role.Rules
			_, err = member.RbacV1().ClusterRoles().Update(ctx, existing, metav1.UpdateOptions{})
		}
		if err != nil {
			return fmt.Errorf("updating ClusterRole %s on the member: %w", role.Name, err)
		}
	} else if err != nil {
		return fmt.Errorf("creating ClusterRole %s on the member: %w", role.Name, err)
	}
	return nil
}
