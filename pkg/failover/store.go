package failover

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

// DataPlaneStore holds the data plane's federated objects and the CA, in
// the federation namespace of the management cluster.
type DataPlaneStore interface {
	// CA returns the failover CA, created on first use.
	CA(ctx context.Context, now time.Time) (*CA, error)
	// Existing returns the data plane's federated objects, by name.
	Existing(ctx context.Context) (map[string]*fedv1alpha1.FederatedSecret, map[string]*fedv1alpha1.FederatedGateway, error)
	// ApplySecret and ApplyGateway write an object as the failover
	// controller's (server-side apply).
	ApplySecret(ctx context.Context, s *fedv1alpha1.FederatedSecret) error
	ApplyGateway(ctx context.Context, g *fedv1alpha1.FederatedGateway) error
	// DeleteSecret and DeleteGateway delete one (gone already is done).
	DeleteSecret(ctx context.Context, name string) error
	DeleteGateway(ctx context.Context, name string) error
}

var (
	secretsGVR           = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
	federatedSecretsGVR  = fedv1alpha1.SchemeGroupVersion.WithResource("federatedsecrets")
	federatedGatewaysGVR = fedv1alpha1.SchemeGroupVersion.WithResource("federatedgateways")
)

// NewStore is the DataPlaneStore of the management cluster's federation
// namespace, written with the controller's own identity.
func NewStore(mgmt dynamic.Interface, namespace string) DataPlaneStore {
	return &mgmtStore{mgmt: mgmt, namespace: namespace}
}

type mgmtStore struct {
	mgmt      dynamic.Interface
	namespace string
}

func (s *mgmtStore) CA(ctx context.Context, now time.Time) (*CA, error) {
	ri := s.mgmt.Resource(secretsGVR).Namespace(s.namespace)
	for range 2 {
		u, err := ri.Get(ctx, CASecret, metav1.GetOptions{})
		if err == nil {
			var sec corev1.Secret
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &sec); err != nil {
				return nil, err
			}
			ca, err := ParseCA(sec.Data[corev1.TLSCertKey], sec.Data[corev1.TLSPrivateKeyKey])
			if err != nil {
				return nil, fmt.Errorf("the failover CA, Secret %s/%s: %w (delete it to have a new CA made; every failover certificate is then reissued)", s.namespace, CASecret, err)
			}
			return ca, nil
		}
		if !apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("reading the failover CA, Secret %s/%s: %w", s.namespace, CASecret, err)
		}
		ca, err := NewCA(now)
		if err != nil {
			return nil, err
		}
		key, err := ca.KeyPEM()
		if err != nil {
			return nil, err
		}
		sec := &corev1.Secret{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
			ObjectMeta: metav1.ObjectMeta{Name: CASecret, Namespace: s.namespace, Labels: map[string]string{DataPlaneLabel: "CA"}},
			Type:       corev1.SecretTypeTLS,
			Data:       map[string][]byte{corev1.TLSCertKey: ca.CertPEM, corev1.TLSPrivateKeyKey: key},
		}
		obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(sec)
		if err != nil {
			return nil, err
		}
		_, err = ri.Create(ctx, &unstructured.Unstructured{Object: obj}, metav1.CreateOptions{FieldManager: FieldManager})
		switch {
		case err == nil:
			return ca, nil
		case !apierrors.IsAlreadyExists(err):
			return nil, fmt.Errorf("creating the failover CA, Secret %s/%s: %w", s.namespace, CASecret, err)
		}
		// Created meanwhile (by a previous leader): read that one.
	}
	return nil, fmt.Errorf("the failover CA, Secret %s/%s, could not be read or created", s.namespace, CASecret)
}

func (s *mgmtStore) Existing(ctx context.Context) (map[string]*fedv1alpha1.FederatedSecret, map[string]*fedv1alpha1.FederatedGateway, error) {
	secrets, err := listLabelled[fedv1alpha1.FederatedSecret](ctx, s.mgmt.Resource(federatedSecretsGVR).Namespace(s.namespace))
	if err != nil {
		return nil, nil, err
	}
	gateways, err := listLabelled[fedv1alpha1.FederatedGateway](ctx, s.mgmt.Resource(federatedGatewaysGVR).Namespace(s.namespace))
	return secrets, gateways, err
}

// listLabelled lists the data plane's objects of one kind, by name.
func listLabelled[T any, PT interface {
	*T
	GetName() string
}](ctx context.Context, ri dynamic.ResourceInterface) (map[string]*T, error) {
	l, err := ri.List(ctx, metav1.ListOptions{LabelSelector: DataPlaneLabel})
	if err != nil {
		return nil, err
	}
	out := map[string]*T{}
	for i := range l.Items {
		o := PT(new(T))
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(l.Items[i].Object, o); err != nil {
			return nil, err
		}
		out[o.GetName()] = o
	}
	return out, nil
}

func (s *mgmtStore) ApplySecret(ctx context.Context, o *fedv1alpha1.FederatedSecret) error {
	return s.apply(ctx, federatedSecretsGVR, o.Name, o)
}

func (s *mgmtStore) ApplyGateway(ctx context.Context, o *fedv1alpha1.FederatedGateway) error {
	return s.apply(ctx, federatedGatewaysGVR, o.Name, o)
}

func (s *mgmtStore) apply(ctx context.Context, gvr schema.GroupVersionResource, name string, obj any) error {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return err
	}
	delete(m, "status") // the placement's
	if md, ok := m["metadata"].(map[string]any); ok {
		delete(md, "creationTimestamp")
	}
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	force := true
	_, err = s.mgmt.Resource(gvr).Namespace(s.namespace).Patch(ctx, name, types.ApplyPatchType, body, metav1.PatchOptions{FieldManager: FieldManager, Force: &force})
	if err != nil {
		return fmt.Errorf("writing %s %s/%s: %w", gvr.Resource, s.namespace, name, err)
	}
	return nil
}

func (s *mgmtStore) DeleteSecret(ctx context.Context, name string) error {
	return s.delete(ctx, federatedSecretsGVR, name)
}

func (s *mgmtStore) DeleteGateway(ctx context.Context, name string) error {
	return s.delete(ctx, federatedGatewaysGVR, name)
}

func (s *mgmtStore) delete(ctx context.Context, gvr schema.GroupVersionResource, name string) error {
	err := s.mgmt.Resource(gvr).Namespace(s.namespace).Delete(ctx, name, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting %s %s/%s: %w", gvr.Resource, s.namespace, name, err)
	}
	return nil
}
