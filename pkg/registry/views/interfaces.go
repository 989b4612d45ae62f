package views

import "context"

// The interfaces the REST storage consumes, declared where they are used (as
// metrics-server's pkg/api does): the API server wires implementations in.

// ReadAuthorizer decides which namespaces a request may read objects of a
// view resource in. GlooInstance replies use it to leave out the check
// reports that name objects the user could not get directly.
type ReadAuthorizer interface {
	// MayRead returns a function reporting whether the requesting user may
	// get objects of a views.meridian.io resource in a namespace. It is
	// called for every report of every GlooInstance a reply carries, watch
	// events included, for as long as the request lasts.
	MayRead(ctx context.Context) (func(resource, namespace string) bool, error)
}
