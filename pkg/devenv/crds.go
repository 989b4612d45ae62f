package devenv

import (
	"context"
	"fmt"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"

	"github.com/meridianfed/meridian/pkg/manifest"
)

// FieldManager is the server-side apply field manager of everything the
// environment applies.
const FieldManager = "meridian-devenv"

// InstallCRDs server-side applies the CustomResourceDefinitions in the given
// YAML documents (several per document stream are fine) and waits until every
// one is Established. Server-side apply matters: Gloo's VirtualService CRD is
// too large for client-side apply's last-applied annotation.
func InstallCRDs(ctx context.Context, cfg *rest.Config, manifests ...[]byte) error {
	client, err := apiextensionsclient.NewForConfig(cfg)
	if err != nil {
		return err
	}
	applier, err := manifest.NewApplier(cfg, FieldManager)
	if err != nil {
		return err
	}
	objs, err := manifest.Decode(manifests)
	if err != nil {
		return err
	}
	var names []string
	for _, o := range objs {
		if o.GetKind() != "CustomResourceDefinition" {
			return fmt.Errorf("expected a CustomResourceDefinition, got %s %q", o.GetKind(), o.GetName())
		}
		if _, err := applier.Apply(ctx, o); err != nil {
			return err
		}
		names = append(names, o.GetName())
	}
	for _, name := range names {
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			crd, err := client.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, nil
			}
			for _, c := range crd.Status.Conditions {
				if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return fmt.Errorf("CRD %s did not become Established: %w", name, err)
		}
	}
	return nil
}
