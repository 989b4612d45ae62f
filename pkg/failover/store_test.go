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
	"k8s.io/apimachinery/pkg/types"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"
)

// newStoreClient is a management cluster whose server-side apply creates
// or replaces the object, as it does for objects of one field manager.
func newStoreClient() *dynamicfake.FakeDynamicClient {
	c := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{
		secretsGVR: "SecretList", federatedSecretsGVR: "FederatedSecretList", federatedGatewaysGVR: "FederatedGatewayList",
	})
	c.PrependReactor("patch", "*", func(a clienttesting.Action) (bool, runtime.Object, error) {
		pa := a.(clienttesting.PatchActionImpl)
		if pa.GetPatchType() != types.ApplyPatchType {
			return false, nil, nil
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(pa.GetPatch()); err != nil {
			return true, nil, err
		}
		if _, err := c.Tracker().Get(pa.GetResource(), pa.GetNamespace(), pa.GetName()); err != nil {
			return true, u, c.Tracker().Create(pa.GetResource(), u, pa.GetNamespace())
		}
		return true, u, c.Tracker().Update(pa.GetResource(), u, pa.GetNamespace())
	})
	return c
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

// What the store writes it lists back as the data plane, and deletes.
func TestTheStoreListsWhatItWrote(t *testing.T) {
	ctx := context.Background()
	mgmt := newStoreClient()
	st := NewStore(mgmt, "meridian-system")
	ca, err := st.CA(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	down := Piece{Kind: DownstreamPiece, Cluster: "west", Namespace: "gloo-system"}
	sec, err := SecretObject("meridian-system", down, ca, nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := GatewayObject("meridian-system", Piece{Kind: GatewayPiece, Cluster: "west", Namespace: "gloo-system", Proxy: "gateway-proxy", Clients: []string{"east"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.ApplySecret(ctx, sec); err != nil {
		t.Fatal(err)
	}
	if err := st.ApplyGateway(ctx, gw); err != nil {
		t.Fatal(err)
	}
	secrets, gateways, err := st.Existing(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !sameSecret(secrets[sec.Name], sec) || !sameGateway(gateways[gw.Name], gw) || len(secrets) != 1 || len(gateways) != 1 {
		t.Fatalf("listed %v and %v", secrets, gateways)
	}
	if err := st.DeleteSecret(ctx, sec.Name); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteGateway(ctx, gw.Name); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteGateway(ctx, gw.Name); err != nil {
		t.Errorf("deleting what is gone: %v", err)
	}
	if secrets, gateways, _ := st.Existing(ctx); len(secrets)+len(gateways) != 0 {
		t.Errorf("left %v %v", secrets, gateways)
	}
}
