package registration

import (
	"context"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

// The member credential reads no Secret anywhere: neither the cluster-wide
// role nor the per-namespace writer grants get, list or watch on them.
func TestMemberRolesNeverReadSecrets(t *testing.T) {
	for _, role := range []string{MemberClusterRole, SecretWriterClusterRole} {
		r := memberClusterRole()
		if role == SecretWriterClusterRole {
			r = secretWriterRole()
		}
		for _, rule := range r.Rules {
			if !slices.Contains(rule.APIGroups, "") || !(slices.Contains(rule.Resources, "secrets") || slices.Contains(rule.Resources, "*")) {
				continue
			}
			if role == MemberClusterRole {
				t.Errorf("%s grants %v on Secrets in every namespace", role, rule.Verbs)
			}
			for _, v := range rule.Verbs {
				if v == "get" || v == "list" || v == "watch" || v == "*" {
					t.Errorf("%s may %s Secrets", role, v)
				}
			}
		}
	}
}

func secretGrants(t *testing.T, member *fake.Clientset) []string {
	t.Helper()
	list, err := member.RbacV1().RoleBindings("").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, rb := range list.Items {
		if rb.RoleRef.Name == SecretWriterClusterRole {
			out = append(out, rb.Namespace+"/"+rb.Subjects[0].Name)
		}
	}
	slices.Sort(out)
	return out
}

// The opted-in namespaces are exactly those given, each time: grants are
// added and taken away, another cluster's grants stay, and the admission
// policy is there from the first call.
func TestSetSecretNamespacesGrantsExactlyThoseGiven(t *testing.T) {
	ctx := context.Background()
	member := fake.NewClientset()
	set := func(cluster string, ns ...string) {
		t.Helper()
		if err := SetSecretNamespaces(ctx, member, SecretNamespacesOptions{ClusterName: cluster, Namespaces: ns}); err != nil {
			t.Fatal(err)
		}
	}
	set("east", "gloo-system", "team-a")
	set("west", "team-a")
	if got, want := secretGrants(t, member), []string{"gloo-system/meridian-east", "team-a/meridian-east", "team-a/meridian-west"}; !slices.Equal(got, want) {
		t.Fatalf("grants %v, want %v", got, want)
	}
	set("east", "team-b")
	if got, want := secretGrants(t, member), []string{"team-a/meridian-west", "team-b/meridian-east"}; !slices.Equal(got, want) {
		t.Fatalf("after changing east's list: grants %v, want %v", got, want)
	}
	if _, err := member.CoreV1().Namespaces().Get(ctx, "team-b", metav1.GetOptions{}); err != nil {
		t.Errorf("namespace team-b was not created: %v", err)
	}
	policy, err := member.AdmissionregistrationV1().ValidatingAdmissionPolicies().Get(ctx, secretsName("east"), metav1.GetOptions{})
	if err != nil {
		t.Fatalf("east's admission policy: %v", err)
	}
	if c := policy.Spec.MatchConditions[0].Expression; !strings.Contains(c, "system:serviceaccount:meridian-system:meridian-east") {
		t.Errorf("the policy applies to %q, not east's ServiceAccount", c)
	}
	if _, err := member.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().Get(ctx, secretsName("east"), metav1.GetOptions{}); err != nil {
		t.Errorf("east's policy binding: %v", err)
	}
	set("east")
	if got, want := secretGrants(t, member), []string{"team-a/meridian-west"}; !slices.Equal(got, want) {
		t.Fatalf("with no namespace for east: grants %v, want %v", got, want)
	}
	if err := SetSecretNamespaces(ctx, member, SecretNamespacesOptions{ClusterName: "east", Namespaces: []string{"Not_A_Namespace"}}); err == nil {
		t.Error("an invalid namespace name was accepted")
	}

	if err := removeSecretAccess(ctx, member, "west"); err != nil {
		t.Fatal(err)
	}
	if got := secretGrants(t, member); len(got) != 0 {
		t.Errorf("after removing west: grants %v", got)
	}
	if _, err := member.AdmissionregistrationV1().ValidatingAdmissionPolicies().Get(ctx, secretsName("west"), metav1.GetOptions{}); err == nil {
		t.Error("west's admission policy is still there")
	}
}
