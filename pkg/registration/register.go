// Package registration registers member clusters with the federation and
// removes them again: on the member, a ServiceAccount bound to a
// least-privilege ClusterRole and a short-lived token for it; on the
// management cluster, a kubeconfig Secret (CA inlined, TLS verified) and the
// KubernetesCluster. `meridianctl cluster register` and `make demo` both use it.
package registration

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
	"github.com/meridianfed/meridian/pkg/memberconfig"
)

func ptr[T any](v T) *T { return &v }

// MemberClusterRole is the ClusterRole Meridian's credential has on every
// member: read what discovery and the views need, write only Gloo's kinds
// (the federation controller places them).
const MemberClusterRole = "meridian-member"

// ManagedByLabel marks everything registration creates.
const ManagedByLabel = "app.kubernetes.io/managed-by"

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// Options describe one registration.
type Options struct {
	// ClusterName is the member's name in the federation (a DNS label).
	ClusterName string
	// Member is a configuration with enough rights on the member to create
	// a namespace, a ServiceAccount, RBAC and a token.
	Member *rest.Config
	// ServerOverride replaces the member's server URL in the stored kubeconfig
	// (the address the federation reaches the member at).
	ServerOverride string
	// RemoteNamespace holds Meridian's ServiceAccount on the member.
	RemoteNamespace string
	// FederationNamespace holds the registration on the management cluster.
	FederationNamespace string
	// SecretNamespaces are the member namespaces FederatedSecrets may place
	// Secrets into; Meridian's credential may write Secrets nowhere else
	// (see SetSecretNamespaces).
	SecretNamespaces []string
	// TokenTTL is the lifetime of the member token (TokenRequest).
	TokenTTL time.Duration
	// Progress receives one line per step.
	Progress io.Writer
}

func (o *Options) defaults() error {
	if !dnsLabel.MatchString(o.ClusterName) || len(o.ClusterName) > 63 {
		return fmt.Errorf("cluster name %q is not a DNS label (lower-case letters, digits and '-', at most 63 characters)", o.ClusterName)
	}
	if o.RemoteNamespace == "" {
		o.RemoteNamespace = "meridian-system"
	}
	if o.FederationNamespace == "" {
		o.FederationNamespace = "meridian-system"
	}
	if o.TokenTTL == 0 {
		o.TokenTTL = 24 * time.Hour
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	return nil
}

// ServiceAccountName is Meridian's ServiceAccount on a member.
func ServiceAccountName(cluster string) string { return "meridian-" + cluster }

// SecretName is the kubeconfig Secret of a cluster on the management cluster.
func SecretName(cluster string) string { return cluster + "-kubeconfig" }

// Register registers a member. A name already registered, an unreachable
// member or missing permissions fail before anything is written to the
// management cluster; a failure on the management side removes what was
// created on the member.
func Register(ctx context.Context, management *rest.Config, opts Options) (err error) {
	if err := opts.defaults(); err != nil {
		return err
	}
	mgmt, fed, err := managementClients(management)
	if err != nil {
		return err
	}
	if _, err := fed.FedV1alpha1().KubernetesClusters(opts.FederationNamespace).Get(ctx, opts.ClusterName, metav1.GetOptions{}); err == nil {
		return fmt.Errorf("a cluster named %q is already registered: choose another --cluster-name, or deregister it first", opts.ClusterName)
	} else if !apierrors.IsNotFound(err) {
		return fmt.Errorf("checking the management cluster: %w", err)
	}
	member, err := kubernetes.NewForConfig(opts.Member)
	if err != nil {
		return err
	}
	if _, err := member.Discovery().ServerVersion(); err != nil {
		return fmt.Errorf("cannot reach the member cluster at %s: %w", opts.Member.Host, err)
	}
	caData, err := caOf(opts.Member)
	if err != nil {
		return err
	}
	server := opts.Member.Host
	if opts.ServerOverride != "" {
		server = opts.ServerOverride
	}
	// What will be stored must pass the loader the servers use, before
	// anything is written on either side.
	if err := memberconfig.Check(ptr(kubeconfigFor(opts.ClusterName, server, caData, "token-to-come"))); err != nil {
		return fmt.Errorf("the kubeconfig Meridian would store for the member: %w", err)
	}

	fmt.Fprintf(opts.Progress, "member %s: creating ServiceAccount %s/%s and ClusterRole %s\n", opts.ClusterName, opts.RemoteNamespace, ServiceAccountName(opts.ClusterName), MemberClusterRole)
	created, err := ensureMemberAccess(ctx, member, opts)
	defer func() {
		if err != nil {
			cleanupMember(context.WithoutCancel(ctx), member, opts, created)
		}
	}()
	if err != nil {
		return err
	}
	ttl := int64(opts.TokenTTL.Seconds())
	tr, err := member.CoreV1().ServiceAccounts(opts.RemoteNamespace).CreateToken(ctx, ServiceAccountName(opts.ClusterName),
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &ttl}}, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("requesting a token on the member: %w", err)
	}
	kubeconfig, err := clientcmd.Write(kubeconfigFor(opts.ClusterName, server, caData, tr.Status.Token))
	if err != nil {
		return err
	}

	fmt.Fprintf(opts.Progress, "management: creating Secret %s/%s and KubernetesCluster %s\n", opts.FederationNamespace, SecretName(opts.ClusterName), opts.ClusterName)
	if _, err = mgmt.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: opts.FederationNamespace}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating namespace %s on the management cluster: %w", opts.FederationNamespace, err)
	}
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			Name: SecretName(opts.ClusterName), Namespace: opts.FederationNamespace,
			Labels: map[string]string{ManagedByLabel: "meridian", "fed.meridian.io/cluster": opts.ClusterName},
		},
		Type: fedv1alpha1.KubeconfigSecretType,
		Data: map[string][]byte{fedv1alpha1.KubeconfigSecretKey: kubeconfig},
	}
	if _, err = mgmt.CoreV1().Secrets(opts.FederationNamespace).Create(ctx, secret, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating the kubeconfig Secret: %w", err)
	}
	kc := &fedv1alpha1.KubernetesCluster{
		ObjectMeta: metav1.ObjectMeta{Name: opts.ClusterName, Namespace: opts.FederationNamespace, Labels: map[string]string{ManagedByLabel: "meridian"}},
		Spec:       fedv1alpha1.KubernetesClusterSpec{SecretName: secret.Name, ClusterDomain: "cluster.local"},
	}
	if _, err = fed.FedV1alpha1().KubernetesClusters(opts.FederationNamespace).Create(ctx, kc, metav1.CreateOptions{}); err != nil {
		_ = mgmt.CoreV1().Secrets(opts.FederationNamespace).Delete(context.WithoutCancel(ctx), secret.Name, metav1.DeleteOptions{})
		return fmt.Errorf("creating the KubernetesCluster: %w", err)
	}
	fmt.Fprintf(opts.Progress, "cluster %s registered\n", opts.ClusterName)
	return nil
}

// memberObjects records what ensureMemberAccess created, for rollback.
type memberObjects struct {
	namespace, serviceAccount, binding, tokenRole, tokenBinding, secrets bool
}

func ensureMemberAccess(ctx context.Context, member kubernetes.Interface, opts Options) (memberObjects, error) {
	var created memberObjects
	labels := map[string]string{ManagedByLabel: "meridian"}
	_, err := member.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: opts.RemoteNamespace, Labels: labels}}, metav1.CreateOptions{})
	switch {
	case err == nil:
		created.namespace = true
	case !apierrors.IsAlreadyExists(err):
		return created, fmt.Errorf("creating namespace %s on the member (does your member credential allow it?): %w", opts.RemoteNamespace, err)
	}
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: ServiceAccountName(opts.ClusterName), Namespace: opts.RemoteNamespace, Labels: labels}}
	if _, err := member.CoreV1().ServiceAccounts(opts.RemoteNamespace).Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		return created, fmt.Errorf("creating ServiceAccount %s/%s on the member: %w", sa.Namespace, sa.Name, err)
	}
	created.serviceAccount = true
	if err := ensureClusterRole(ctx, member, memberClusterRole()); err != nil {
		return created, err
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: ServiceAccountName(opts.ClusterName), Labels: labels},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: MemberClusterRole},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: sa.Name, Namespace: sa.Namespace}},
	}
	if _, err := member.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		return created, fmt.Errorf("creating ClusterRoleBinding %s on the member: %w", binding.Name, err)
	}
	created.binding = true
	role2 := tokenRole(opts)
	if _, err := member.RbacV1().Roles(opts.RemoteNamespace).Create(ctx, role2, metav1.CreateOptions{}); err != nil {
		return created, fmt.Errorf("creating Role %s/%s on the member: %w", role2.Namespace, role2.Name, err)
	}
	created.tokenRole = true
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: role2.Name, Namespace: role2.Namespace, Labels: labels},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: role2.Name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: sa.Name, Namespace: sa.Namespace}},
	}
	if _, err := member.RbacV1().RoleBindings(opts.RemoteNamespace).Create(ctx, rb, metav1.CreateOptions{}); err != nil {
		return created, fmt.Errorf("creating RoleBinding %s/%s on the member: %w", rb.Namespace, rb.Name, err)
	}
	created.tokenBinding = true
	created.secrets = true
	if err := SetSecretNamespaces(ctx, member, SecretNamespacesOptions{
		ClusterName: opts.ClusterName, RemoteNamespace: opts.RemoteNamespace, Namespaces: opts.SecretNamespaces, Progress: opts.Progress,
	}); err != nil {
		return created, err
	}
	return created, nil
}

func cleanupMember(ctx context.Context, member kubernetes.Interface, opts Options, created memberObjects) {
	if created.secrets {
		_ = removeSecretAccess(ctx, member, opts.ClusterName)
	}
	if created.tokenBinding {
		_ = member.RbacV1().RoleBindings(opts.RemoteNamespace).Delete(ctx, ServiceAccountName(opts.ClusterName), metav1.DeleteOptions{})
	}
	if created.tokenRole {
		_ = member.RbacV1().Roles(opts.RemoteNamespace).Delete(ctx, ServiceAccountName(opts.ClusterName), metav1.DeleteOptions{})
	}
	if created.binding {
		_ = member.RbacV1().ClusterRoleBindings().Delete(ctx, ServiceAccountName(opts.ClusterName), metav1.DeleteOptions{})
	}
	if created.serviceAccount {
		_ = member.CoreV1().ServiceAccounts(opts.RemoteNamespace).Delete(ctx, ServiceAccountName(opts.ClusterName), metav1.DeleteOptions{})
	}
	if created.namespace {
		_ = member.CoreV1().Namespaces().Delete(ctx, opts.RemoteNamespace, metav1.DeleteOptions{})
	}
}

// memberClusterRole is least privilege on a member: read every Gloo kind,
// the workloads and nodes discovery looks at; write only the Gloo kinds the
// federation controller places (never Proxies, which Gloo itself writes).
// No Secrets: those are granted per namespace, write-only, by
// SetSecretNamespaces.
func memberClusterRole() *rbacv1.ClusterRole {
	read := map[string][]string{}
	write := map[string][]string{}
	var groups []string
	for _, k := range viewsv1alpha1.GlooKinds {
		g := k.Member.Group
		if _, ok := read[g]; !ok {
			groups = append(groups, g)
		}
		read[g] = append(read[g], k.Member.Resource)
		if k.Kind != "Proxy" {
			write[g] = append(write[g], k.Member.Resource)
		}
	}
	var rules []rbacv1.PolicyRule
	for _, g := range groups {
		rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{g}, Resources: read[g], Verbs: []string{"get", "list", "watch"}})
		if len(write[g]) > 0 {
			rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{g}, Resources: write[g], Verbs: []string{"create", "update", "patch", "delete"}})
		}
	}
	rules = append(rules,
		rbacv1.PolicyRule{APIGroups: []string{"apps"}, Resources: []string{"deployments", "daemonsets"}, Verbs: []string{"get", "list", "watch"}},
		rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods", "services", "nodes"}, Verbs: []string{"get", "list", "watch"}},
	)
	return &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: MemberClusterRole, Labels: map[string]string{ManagedByLabel: "meridian"}},
		Rules:      rules,
	}
}

// tokenRole lets Meridian's ServiceAccount request new tokens for itself,
// and nothing else in its namespace: the credential renews itself before it
// expires, so no long-lived token Secret is ever needed.
func tokenRole(opts Options) *rbacv1.Role {
	return &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: ServiceAccountName(opts.ClusterName), Namespace: opts.RemoteNamespace, Labels: map[string]string{ManagedByLabel: "meridian"}},
		Rules: []rbacv1.PolicyRule{{
			APIGroups: []string{""}, Resources: []string{"serviceaccounts/token"},
			ResourceNames: []string{ServiceAccountName(opts.ClusterName)}, Verbs: []string{"create"},
		}},
	}
}

func kubeconfigFor(cluster, server string, ca []byte, token string) clientcmdapi.Config {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[cluster] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos[cluster] = &clientcmdapi.AuthInfo{Token: token}
	cfg.Contexts[cluster] = &clientcmdapi.Context{Cluster: cluster, AuthInfo: cluster}
	cfg.CurrentContext = cluster
	return *cfg
}

// caOf returns the member's CA, inlined: the stored kubeconfig must verify
// the member's certificate wherever Meridian runs.
func caOf(cfg *rest.Config) ([]byte, error) {
	if cfg.Insecure {
		return nil, errors.New("the member kubeconfig disables TLS verification; Meridian stores only verifiable credentials: use a kubeconfig with the member's CA")
	}
	if len(cfg.CAData) > 0 {
		return cfg.CAData, nil
	}
	if cfg.CAFile != "" {
		return os.ReadFile(cfg.CAFile)
	}
	return nil, nil // the member's certificate is signed by a CA the system trusts
}

// requireInstalled fails unless the management cluster serves KubernetesClusters.
func requireInstalled(mgmt kubernetes.Interface) error {
	resources, err := mgmt.Discovery().ServerResourcesForGroupVersion(fedv1alpha1.SchemeGroupVersion.String())
	if apierrors.IsNotFound(err) {
		return errors.New("the management cluster does not serve fed.meridian.io: install Meridian there first (meridianctl install)")
	}
	if err != nil {
		return fmt.Errorf("cannot reach the management cluster: %w", err)
	}
	for _, r := range resources.APIResources {
		if r.Name == "kubernetesclusters" {
			return nil
		}
	}
	return errors.New("the management cluster does not serve kubernetesclusters.fed.meridian.io: install Meridian there first (meridianctl install)")
}

// managementClients returns clients for the management cluster, once it is
// known to serve Meridian's registrations.
func managementClients(cfg *rest.Config) (kubernetes.Interface, meridianclient.Interface, error) {
	mgmt, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, nil, err
	}
	fed, err := meridianclient.NewForConfig(cfg)
	if err != nil {
		return nil, nil, err
	}
	if err := requireInstalled(mgmt); err != nil {
		return nil, nil, err
	}
	return mgmt, fed, nil
}
