package v1_test

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
	enterprisev1 "github.com/meridianfed/meridian/pkg/apis/gloo/enterprise/v1"
	"github.com/meridianfed/meridian/pkg/apis/gloo/internal/fixturetest"
)

func TestAuthConfigFixtures(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range fixturetest.Load(t, "authconfigs.yaml", "AuthConfig") {
		ac := fixturetest.RoundTrip(t, d, func(c *enterprisev1.AuthConfig) {
			c.Spec.Configs = append(c.Spec.Configs[:0:0], enterprisev1.AuthConfigSpecConfig{})
			fixturetest.ScrambleUnknown(c.Status.Unknown)
		})
		seen[ac.Name] = true
		cfg := ac.Spec.Configs
		switch ac.Name {
		case "basic-auth":
			u := cfg[0].BasicAuth.Apr.Users["alice"]
			if cfg[0].BasicAuth.Realm != "gloo" || u.Salt != "TYiryv0/" || u.HashedPassword != "8BvzLUO9IfGPGGsPnAgSu1" || len(cfg[0].BasicAuth.Apr.Users) != 2 {
				t.Errorf("%v: basic auth %+v", d, cfg[0].BasicAuth)
			}
			if code, _ := ac.Status.Summary(); code != core.StateAccepted {
				t.Errorf("%v: status %v", d, code)
			}
		case "apikey-auth":
			k := cfg[0].ApiKeyAuth
			if *cfg[0].Name != "apikey" || k.HeaderName != "api-key" || k.LabelSelector["team"] != "payments" ||
				k.HeadersFromMetadataEntry["x-user-id"].Name != "user-id" || !k.HeadersFromMetadataEntry["x-user-id"].Required ||
				k.SkipMetadataValidation || !k.Unknown.Has("skipMetadataValidation") {
				t.Errorf("%v: api key auth %+v", d, k)
			}
		case "oidc-dex":
			o := cfg[0].Oauth2.OidcAuthorizationCode
			if o.ClientId != "gloo-petstore" || o.ClientSecretRef.Name != "oauth-petstore" || o.IssuerUrl != "https://dex.example.com/" ||
				o.CallbackPath != "/callback" || o.LogoutPath != "/logout" || o.Scopes[1] != "profile" || o.AuthEndpointQueryParams["prompt"] != "login" ||
				o.Headers.IdTokenHeader != "x-id-token" || !*o.Headers.UseBearerSchemaForAuthorization || o.Session == nil ||
				!o.Unknown.Has("jwksCacheRefreshPolicy") {
				t.Errorf("%v: oidc %+v", d, o)
			}
			if code, reason := ac.Status.Summary(); code != core.StateRejected || reason == "" {
				t.Errorf("%v: status %v %q", d, code, reason)
			}
		case "admin-access":
			if *ac.Spec.BooleanExpr != "(basic || apikey) && policy" || !ac.Spec.FailOnRedirect || len(cfg) != 4 ||
				cfg[1].ApiKeyAuth.K8sSecretApikeyStorage.LabelSelector["role"] != "admin" || cfg[2].OpaAuth == nil || cfg[3].Ldap == nil {
				t.Errorf("%v: spec %+v", d, ac.Spec)
			}
			if flat, ok := ac.Status.Flat(); !ok || flat.State.Code != core.StatePending {
				t.Errorf("%v: flat pending status %+v %v", d, flat, ok)
			}
		}
	}
	if len(seen) != 4 {
		t.Errorf("want 4 auth configs, got %v", seen)
	}
}

func TestSchemeRegistration(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := enterprisev1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"AuthConfig", "AuthConfigList"} {
		if obj, err := scheme.New(enterprisev1.SchemeGroupVersion.WithKind(k)); err != nil || obj.DeepCopyObject() == nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	if enterprisev1.SchemeGroupVersion.String() != "enterprise.gloo.solo.io/v1" {
		t.Errorf("group version %v", enterprisev1.SchemeGroupVersion)
	}
}

func TestEveryStructPreservesUnknownMembers(t *testing.T) {
	fixturetest.AssertAllPreserving(t, enterprisev1.AuthConfig{}, enterprisev1.AuthConfigList{})
}

func TestTypesMatchGlooCRDs(t *testing.T) {
	fixturetest.AssertMatchesSchema(t, enterprisev1.AuthConfig{},
		fixturetest.LoadCRDSchema(t, "enterprise.gloo.solo.io_v1_AuthConfig.yaml", "v1"))
}
