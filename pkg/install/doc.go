// Package install puts Meridian's control plane into a management cluster
// and takes it out again. It applies exactly the manifests of artifacts/
// (embedded), with server-side apply and one field manager, after filling in
// what only install time knows: the namespace, the images, and the serving
// certificate the APIService verifies. meridianctl install/uninstall and the
// demo both go through it.
package install
