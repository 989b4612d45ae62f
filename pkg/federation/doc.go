// Package federation connects Meridian to its member clusters and keeps what
// they hold in memory: the cluster registry (which members exist and how to
// reach them), member connections (one set of watches per member), discovery
// (GlooInstances computed per member) and the federation cache that the
// aggregated API server's registry serves from.
//
// Member clusters feed the federation cache, which the registry serves over
// HTTP. The path is not yet strictly one way: discovery (member.Connection's
// recomputeInstances) reads a member's Gloo objects back out of the cache and
// strips the view name's cluster prefix again, rather than keeping what it
// needs itself.
package federation
