// Package cache is the federation cache: one Store per view kind, holding the
// view objects of every member cluster and a bounded history of their changes,
// shared by every client and every RBAC subject.
//
// # Resource versions
//
// A view's resourceVersion is a vector: for each member cluster, the member's
// own resourceVersion (its etcd revision) up to which the view reflects that
// member, encoded compactly (see Vector). A list carries the vector of the
// state it returns; every watch event carries the watcher's running vector
// with that event's cluster advanced. Because a vector names positions in the
// members' own histories, any replica of the API server can resume a watch
// from a resourceVersion another replica gave out, losing and repeating
// nothing, as long as it still holds the history back to that point; when it
// does not, the watch answers 410 Gone and clients relist. (A server-local
// sequence number would be smaller but would send every client that moves
// between replicas through a relist.)
//
// GlooInstances are the exception: each replica computes them from its own
// watches, so what one holds at a member position depends on when it
// computed it. Their positions also carry the identity of the process that
// gave them out (NewReplicaLocalStore), and a watch or list from another
// replica's position, or from before a restart, is answered 410 Gone.
//
// Events of one member that carry the same member resourceVersion (the diff
// of a relist) form one step: a watcher resumes after the whole step or
// before it.
//
// # Membership
//
// A cluster that joins produces ADDED events for its objects in open watches;
// one that leaves (deregistered, or unreachable for too long) produces
// DELETED events. Nobody's watch is closed for it. A watch that resumes from
// a vector naming a cluster this store no longer holds gets 410 Gone, since
// it may have missed that cluster's deletions.
package cache
