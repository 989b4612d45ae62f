package member

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// memberScheme decodes members' Gloo objects directly into view types: the
// view types have the same shape as any Gloo object (metadata, then spec and
// status as raw JSON), so registering them under Gloo's group/version/kinds
// gives a lossless decode with no intermediate unstructured maps.
var memberScheme = runtime.NewScheme()

// memberCodecs serves the member REST clients (JSON only).
var memberCodecs serializer.CodecFactory

func init() {
	seen := map[schema.GroupVersion]bool{}
	for _, k := range viewsv1alpha1.GlooKinds {
		gv := k.Member.GroupVersion()
		memberScheme.AddKnownTypeWithName(gv.WithKind(k.Kind), k.New())
		memberScheme.AddKnownTypeWithName(gv.WithKind(k.Kind+"List"), k.NewList())
		if !seen[gv] {
			metav1.AddToGroupVersion(memberScheme, gv)
			seen[gv] = true
		}
	}
	memberCodecs = serializer.NewCodecFactory(memberScheme)
}
