package apiserver

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

var (
	// Scheme holds the types the aggregated API server serves.
	Scheme = runtime.NewScheme()
	// Codecs serializes them.
	Codecs = serializer.NewCodecFactory(Scheme)
)

func init() {
	utilruntime.Must(viewsv1alpha1.AddToScheme(Scheme))
	// The views have a single version and no internal form: the same Go
	// types are registered as the internal version, so the generic server's
	// conversion to the requested version is the identity.
	internal := schema.GroupVersion{Group: viewsv1alpha1.GroupName, Version: runtime.APIVersionInternal}
	Scheme.AddKnownTypes(internal, &viewsv1alpha1.GlooInstance{}, &viewsv1alpha1.GlooInstanceList{})
	for _, k := range viewsv1alpha1.GlooKinds {
		Scheme.AddKnownTypes(internal, k.New(), k.NewList())
	}
	utilruntime.Must(Scheme.SetVersionPriority(viewsv1alpha1.SchemeGroupVersion))
	kinds := []string{"GlooInstance"}
	for _, k := range viewsv1alpha1.GlooKinds {
		kinds = append(kinds, k.Kind)
	}
	for _, kind := range kinds {
		utilruntime.Must(Scheme.AddFieldLabelConversionFunc(viewsv1alpha1.SchemeGroupVersion.WithKind(kind), fieldLabel))
	}
	// Unversioned types every API server serves (Status, WatchEvent, ...).
	metav1.AddToGroupVersion(Scheme, schema.GroupVersion{Version: "v1"})
	unversioned := schema.GroupVersion{Group: "", Version: "v1"}
	Scheme.AddUnversionedTypes(unversioned,
		&metav1.Status{}, &metav1.APIVersions{}, &metav1.APIGroupList{}, &metav1.APIGroup{}, &metav1.APIResourceList{},
	)
}

// fieldLabel accepts the field selectors the views support.
func fieldLabel(label, value string) (string, string, error) {
	switch label {
	case "metadata.name", "metadata.namespace", viewsv1alpha1.ClusterField:
		return label, value, nil
	}
	return "", "", fmt.Errorf("field label %q is not supported: use metadata.name, metadata.namespace or %s", label, viewsv1alpha1.ClusterField)
}
