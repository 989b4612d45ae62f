// Package federation connects Meridian to its member clusters and keeps what
// they hold in memory: the cluster registry (which members exist and how to
// reach them), member connections (one set of watches per member), discovery
// (GlooInstances computed per member) and the federation cache that the
// aggregated API server's registry serves from.
//
// Data flows one way: member connections publish what they watch into the
// federation cache's sinks, and keep what discovery needs of each member
// themselves; the registry serves the cache over HTTP and never writes
// back.
package federation
