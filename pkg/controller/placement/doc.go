// Package placement is the federation controller proper: for every
// federated object (fed.meridian.io Federated*), it places the template into
// each (cluster, namespace) its placement selects, with server-side apply
// and Meridian's ownership marks; removes what is no longer selected;
// restores objects edited by hand; and reports every target in the
// object's status. One slow or unreachable member never delays the others,
// and never blocks a deletion: what is left in an unreachable member is
// removed by the sweeper once the member is back.
//
// One concern per file:
//   - controller.go: the controller, its informers and the object and
//     status queues; memberqueue.go: one queue per member;
//   - reconcile.go: an object handed to its members, and one member's sync;
//   - reader.go: the one reader of what was placed (views, own writes, or
//     the member, as the kind's Access allows);
//   - apply.go: judging ownership and writing with preconditions;
//   - removal.go, finalize.go, sweep.go, leftovers.go: removing what is no
//     longer targeted, deletions, and what unreachable members kept;
//   - results.go, status.go: the members' outcomes and the status.
//
// What it placed, and the Gloo installations, it reads through Meridian's
// own views API with the generated informers (Views); what the views
// cannot show it reads from the member.
package placement
