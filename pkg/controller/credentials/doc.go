// Package credentials keeps member credentials alive: registration stores a
// short-lived ServiceAccount token (TokenRequest) in each member's kubeconfig
// Secret, and this controller asks the member for a new one, with that same
// token, before it expires, and writes it back. No long-lived token Secret
// is ever needed. Kubeconfigs with other credentials (client certificates,
// exec plugins) are left alone.
package credentials
