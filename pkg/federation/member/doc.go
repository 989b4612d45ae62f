// Package member keeps one connection per member cluster: watches of every
// Gloo kind (decoded straight into view objects, spec and status kept as the
// raw JSON the member served) and of the workloads discovery needs
// (Deployments, DaemonSets, Services, Pods, Nodes), publishing the views and
// the GlooInstances it computes into Sinks (the federation cache). Data flows
// one way: what discovery needs of the Gloo objects the connection keeps from
// its own watches, and never reads back from the cache. It tracks each member's health, so that an unreachable member is
// reported rather than hidden, and never stalls the others: every member has
// its own goroutines, clients and deadlines.
package member
