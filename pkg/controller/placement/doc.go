// Package placement is the federation controller proper: for every
// federated object (fed.meridian.io Federated*), it places the template into
// each (cluster, namespace) its placement selects, with server-side apply
// and Meridian's ownership marks; removes what is no longer selected;
// restores objects edited by hand; and reports every target in the
// object's status. One slow or unreachable member never delays the others,
// and never blocks a deletion: what is left in an unreachable member is
// removed by the sweeper once the member is back.
//
// What it placed, and the Gloo installations, it reads through Meridian's
// own views API with the generated informers (Views); what the views
// cannot show it reads from the member.
package placement
