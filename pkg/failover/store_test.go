package failover

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
)

func newStoreClient() *dynamicfake.FakeDynamicClient {
	return dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{
		secretsGVR: "SecretList", federatedSecretsGVR: "FederatedSecretList", federatedGatewaysGVR: "FederatedGatewayList",
	})
}

// The CA is made once, on first use, and read back after; a CA Secret that
// does not hold a CA is an error that says what to do, not replaced.
func TestTheCAIsMadeOnceAndKept(t *testing.T) {
	ctx := context.Background()
	mgmt := newStoreClient()
	st := NewStore(mgmt, "meridian-system")
	first, err := st.CA(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	again, err := NewStore(mgmt, "meridian-system").CA(ctx, t0) // another leader
	if err != nil {
		t.Fatal(err)
	}
	if !again.Cert.Equal(first.Cert) {
		t.Error("a second CA")
	}
	u, err := mgmt.Resource(secretsGVR).Namespace("meridian-system").Get(ctx, CASecret, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if typ, _, _ := unstructured.NestedString(u.Object, "type"); typ != string(corev1.SecretTypeTLS) {
		t.Errorf("type %q", typ)
	}
	_ = unstructured.SetNestedField(u.Object, map[string]any{corev1.TLSCertKey: "bm90IGEgY2VydA==", corev1.TLSPrivateKeyKey: "bm8="}, "data")
	if _, err := mgmt.Resource(secretsGVR).Namespace("meridian-system").Update(ctx, u, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CA(ctx, t0); err == nil || !strings.Contains(err.Error(), "delete it to have a new CA made") {
		t.Errorf("a broken CA Secret: %v", err)
	}
}
