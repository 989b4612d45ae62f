package devenv

import (
	"context"
	"fmt"
	"time"

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
	return manifest.WaitEstablished(ctx, cfg, names, 30*time.Second)
}
