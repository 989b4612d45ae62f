// +k8s:deepcopy-gen=package
// +groupName=enterprise.gloo.solo.io

// Package v1 holds Go types for Gloo Edge Enterprise's
// enterprise.gloo.solo.io/v1 AuthConfig as it sits in a member cluster: the
// external-auth configuration (basic auth, API keys, OAuth2/OIDC, OPA, LDAP,
// ...) that virtual hosts and routes reference from options.extauth.configRef.
// Meridian federates AuthConfigs (FederatedAuthConfig) and reads their status.
//
// Field names follow Gloo's CRD exactly. Only the common auth mechanisms are
// typed; the others are kept as raw JSON, and every struct keeps members it does
// not model in an Unknown field, so nothing is lost on a read-modify-write
// cycle; see package core.
package v1
