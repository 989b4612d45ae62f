package apiserver

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
)

// fakeAuthorizer allows what allow says, fails for namespace "broken",
// and counts its calls in calls.
func fakeAuthorizer(calls *atomic.Int32, allow func(a authorizer.Attributes) bool) authorizer.Authorizer {
	return authorizer.AuthorizerFunc(func(_ context.Context, a authorizer.Attributes) (authorizer.Decision, string, error) {
		calls.Add(1)
		if a.GetNamespace() == "broken" {
			return authorizer.DecisionAllow, "", errors.New("webhook unavailable")
		}
		if allow(a) {
			return authorizer.DecisionAllow, "", nil
		}
		return authorizer.DecisionNoOpinion, "", nil
	})
}

// A check report is shown when the user may get that view resource in the
// report's namespace: the question asked is exactly RBAC's for `kubectl get
// upstreams.views.meridian.io -n team-a`, asked once per request and pair.
// An authorizer error hides the report.
func TestReadAccessAsksRBACForAGetOfTheView(t *testing.T) {
	var calls atomic.Int32
	authz := fakeAuthorizer(&calls, func(a authorizer.Attributes) bool {
		return a.GetUser().GetName() == "alice" && a.GetVerb() == "get" && a.GetAPIGroup() == "views.meridian.io" &&
			a.GetAPIVersion() == "v1alpha1" && a.GetResource() == "upstreams" && a.GetNamespace() == "team-a" &&
			a.GetName() == "" && a.GetSubresource() == "" && a.IsResourceRequest()
	})
	ctx := genericapirequest.WithUser(context.Background(), &user.DefaultInfo{Name: "alice"})
	mayRead, err := readAccess{authz: authz}.MayRead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		resource, namespace string
		want                bool
	}{
		{"upstreams", "team-a", true}, {"upstreams", "team-a", true}, {"upstreams", "team-b", false},
		{"virtualservices", "team-a", false}, {"upstreams", "broken", false},
	} {
		if got := mayRead(c.resource, c.namespace); got != c.want {
			t.Errorf("%s in %s: %v, want %v", c.resource, c.namespace, got, c.want)
		}
	}
	if n := calls.Load(); n != 4 {
		t.Errorf("%d authorizer calls for 4 distinct questions", n)
	}
	if _, err := (readAccess{authz: authz}).MayRead(context.Background()); err == nil {
		t.Error("a request without a user was answered")
	}
}
