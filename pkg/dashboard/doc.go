// Package dashboard is Meridian's read-only web dashboard: every Gloo
// installation, cluster, Gloo object, federated object and failover scheme
// of the federation, read through the views (views.meridian.io) and the
// federated CRDs (fed.meridian.io) with the credentials of the person
// looking, so that it shows exactly what their RBAC lets them see.
//
// The shape is metrics-server's: handlers depend on the interfaces declared
// in interfaces.go (a Reader per request, and the Readers that build one
// from the request's identity); kube.go implements them over client-go.
// Pages are html/template, served from the binary with a vendored htmx
// (web/static, 0BSD) that swaps a page's main part when the server-sent
// events of live.go, fed by watches of the views, say something changed.
// Every page is complete without JavaScript.
package dashboard
