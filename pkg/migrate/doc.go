// Package migrate converts Gloo Federation manifests into Meridian's, for
// users moving off Gloo Federation: `meridianctl migrate` reads their
// manifests (or `kubectl get -o yaml` dumps) with Read, converts them with
// Convert and prints the result.
//
// Conversion is mechanical because Meridian kept Gloo Federation's shapes:
// every Federated* kind becomes the fed.meridian.io/v1alpha1 kind of the same
// name with spec.template and spec.placement unchanged, and a
// multicluster.solo.io KubernetesCluster becomes Meridian's KubernetesCluster
// in the federation namespace. Everything else is reported, never dropped
// unnoticed: each Finding names the source object, the field and what
// happened, with a severity that tells whether the user has to act
// (Warning: not converted; Error: unreadable or refused by Meridian's schema)
// or only needs to know (Info).
//
// The one exception is metadata the API server sets on every object (uid,
// resourceVersion, generation, creationTimestamp, managedFields, ...): it is
// left out without a finding, since the API server sets it again and
// reporting it for every object of a dump would bury the findings that
// matter.
//
// The package is pure: it reads no files and talks to no cluster, so that
// the conversion rules are tested on their own.
package migrate
