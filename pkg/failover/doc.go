// Package failover carries out FailoverSchemes: it writes each primary
// Upstream's spec.failover (Gloo Edge Enterprise's failover API) from the
// scheme and from the views of the target clusters, and the failover data
// plane the endpoints need (a TCP gateway and certificates on each target,
// a client certificate on the primary's cluster).
//
// Synthesize is the pure part (scheme + views → spec.failover and status);
// the controller feeds it from informers and writes its result.
package failover
