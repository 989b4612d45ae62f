package placement

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// Kind is one federated kind and the member kind it places.
type Kind struct {
	// Federated is the federated resource in the management cluster.
	Federated schema.GroupVersionResource
	// FederatedKind is its kind (FederatedUpstream, ...).
	FederatedKind string
	// Member is the placed resource in members; MemberKind its kind.
	Member     schema.GroupVersionResource
	MemberKind string
	// View is the view of the placed kind in views.meridian.io (none for
	// Secrets).
	View schema.GroupVersionResource
	// Secret is true for FederatedSecret (a Secret, not a Gloo object).
	Secret bool
	// Access is what Meridian's member credential may do with the member
	// kind; it decides how the controller reads and writes it (reader.go).
	Access Access
}

// Access is what Meridian may do with a kind in the members.
type Access int

const (
	// ReadWrite: read, listed and watched (through the views): every
	// write and delete is judged on the member's answer and carries a
	// precondition on what was judged. The Gloo kinds.
	ReadWrite Access = iota
	// GetOnly: read by name only, never listed nor watched: what was
	// placed is found again by the status and the leftovers record only.
	GetOnly
	// WriteOnly: never read. Written blind with server-side apply without
	// force, deleted without a read: the member's admission policy refuses
	// Meridian's writes to an object that lacks Meridian's owner marks, and
	// that refusal (403, 422) or a field owned by someone else (409) is the
	// target's Failed state; nothing of it is overwritten.
	WriteOnly
)

// listable reports whether the member may be asked to list the kind.
func (a Access) listable() bool { return a == ReadWrite }

// Kinds are every federated kind: one per Gloo kind Gloo users write (not
// Proxy, which Gloo writes), and FederatedSecret.
var Kinds = func() []Kind {
	var out []Kind
	for _, k := range viewsv1alpha1.GlooKinds {
		if k.Kind == "Proxy" {
			continue
		}
		plural := "federated" + strings.ToLower(k.Kind) + "s"
		if k.Kind == "Settings" {
			plural = "federatedsettings"
		}
		out = append(out, Kind{
			Federated:     fedv1alpha1.SchemeGroupVersion.WithResource(plural),
			FederatedKind: "Federated" + k.Kind,
			Member:        k.Member,
			MemberKind:    k.Kind,
			View:          viewsv1alpha1.SchemeGroupVersion.WithResource(k.Resource),
		})
	}
	out = append(out, Kind{
		Federated:     fedv1alpha1.SchemeGroupVersion.WithResource("federatedsecrets"),
		FederatedKind: "FederatedSecret",
		Member:        secrets,
		MemberKind:    "Secret",
		Secret:        true,
		// Meridian's member credential may not read Secrets at all; the
		// member's admission policy refuses its writes and deletes of a
		// Secret without Meridian's owner annotation (pkg/registration).
		Access: WriteOnly,
	})
	return out
}()

// Ownership marks on every placed object. The label (a hash, to fit a
// label value) finds a federated object's placed objects; the annotation
// (the full reference) is what proves ownership: an object without it is
// never touched.
const (
	OwnerLabel      = "fed.meridian.io/owner"
	OwnerAnnotation = fedv1alpha1.OwnerAnnotation
	// GenerationAnnotation is the federated object's generation last placed:
	// an owned object that differs from what that generation says was
	// changed by hand (drift).
	GenerationAnnotation = "fed.meridian.io/generation"
	// Finalizer keeps a federated object until its placed objects are
	// removed from every reachable member.
	Finalizer = "fed.meridian.io/placement"
	// FieldManager owns the fields the controller applies in members.
	FieldManager = "meridian-controller"
)

// ownerRef is the owner annotation's value: Kind/namespace/name.
func ownerRef(k Kind, namespace, name string) string {
	return k.FederatedKind + "/" + namespace + "/" + name
}

// ownerKey names the federated object an owner annotation's value refers
// to; false when it is not a reference this controller writes.
func ownerKey(ref string) (key, bool) {
	parts := strings.SplitN(ref, "/", 3)
	if len(parts) != 3 {
		return key{}, false
	}
	for _, k := range Kinds {
		if k.FederatedKind == parts[0] {
			return key{Resource: k.Federated.Resource, Namespace: parts[1], Name: parts[2]}, true
		}
	}
	return key{}, false
}

// ownerHash is the owner label's value.
func ownerHash(ref string) string {
	sum := sha256.Sum256([]byte(ref))
	return hex.EncodeToString(sum[:])[:40]
}
