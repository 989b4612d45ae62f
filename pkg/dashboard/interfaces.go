package dashboard

import (
	"context"
	"net/http"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
)

// The interfaces the handlers consume, declared where they are used: the
// handlers never learn how a request's identity becomes API calls.

// ListOptions pick what a list reads.
type ListOptions struct {
	// Namespace is "" for all namespaces.
	Namespace     string
	LabelSelector string
	FieldSelector string
	// Limit and Continue page through the API (limit/continue).
	Limit    int64
	Continue string
}

// Page is one page of a list, as the API server renders it for kubectl:
// its columns, one row per object (with the object's metadata), where the
// next page starts, and the warnings the reply carried (the views warn
// about clusters that are not fully served).
type Page struct {
	Table    *metav1.Table
	Warnings []string
}

// Reader reads the management cluster's APIs as one user.
type Reader interface {
	// Table reads one page of a list as a Table (the server's own columns).
	Table(ctx context.Context, gvr schema.GroupVersionResource, opts ListOptions) (*Page, error)
	// List reads one page of whole objects.
	List(ctx context.Context, gvr schema.GroupVersionResource, opts ListOptions) (*unstructured.UnstructuredList, []string, error)
	// Get reads one object; a missing one is a NotFound error.
	Get(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error)
	// Watch watches a resource from resourceVersion.
	Watch(ctx context.Context, gvr schema.GroupVersionResource, namespace, resourceVersion string) (watch.Interface, error)
}

// Readers build the Reader of a request's user.
type Readers interface {
	// For returns the Reader acting for whoever sent r, or an
	// *AuthError when r does not say who that is in a way the server
	// trusts: such a request is never served with another identity.
	For(r *http.Request) (Reader, error)
}

// AuthError is a request the dashboard cannot act for; the user is told
// Message.
type AuthError struct{ Message string }

func (e *AuthError) Error() string { return e.Message }
