package dashboard

import (
	"k8s.io/apimachinery/pkg/runtime/schema"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/controller/placement"
)

// viewKind is one Gloo kind's view, as the dashboard lists it.
type viewKind struct {
	Kind string
	// Plural is how pages name many of them.
	Plural   string
	Resource string
	GVR      schema.GroupVersionResource
}

var (
	instancesGVR = viewsv1alpha1.SchemeGroupVersion.WithResource("glooinstances")
	clustersGVR  = fedv1alpha1.SchemeGroupVersion.WithResource("kubernetesclusters")
	failoverGVR  = fedv1alpha1.SchemeGroupVersion.WithResource("failoverschemes")

	// viewKinds are the Gloo kinds' views, in the order of the views API.
	viewKinds = func() []viewKind {
		var out []viewKind
		for _, k := range viewsv1alpha1.GlooKinds {
			plural := k.Kind + "s"
			switch k.Kind {
			case "Settings":
				plural = k.Kind
			case "Proxy":
				plural = "Proxies"
			}
			out = append(out, viewKind{Kind: k.Kind, Plural: plural, Resource: k.Resource, GVR: viewsv1alpha1.SchemeGroupVersion.WithResource(k.Resource)})
		}
		return out
	}()

	// overviewKinds are the kinds the overview counts, as Gloo
	// Federation's console did.
	overviewKinds = []string{"upstreams", "virtualservices", "routetables", "gateways"}
)

func viewKindOf(resource string) (viewKind, bool) {
	for _, k := range viewKinds {
		if k.Resource == resource {
			return k, true
		}
	}
	return viewKind{}, false
}

// federatedKindOf finds a federated kind by resource or by kind.
func federatedKindOf(match func(placement.Kind) bool) (placement.Kind, bool) {
	for _, k := range placement.Kinds {
		if match(k) {
			return k, true
		}
	}
	return placement.Kind{}, false
}
