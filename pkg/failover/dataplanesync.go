package failover

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	utiljson "k8s.io/apimachinery/pkg/util/json"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	"github.com/meridianfed/meridian/pkg/apis/gloo/core"
)

// dataPlaneKey is the queue's key for the data plane, which every scheme
// shares: it has no "/", so no scheme's key is the same.
const dataPlaneKey = "data-plane"

// syncDataPlane writes the data plane the schemes need and deletes the
// rest. A scheme that is Invalid for now (a view that lags, a cluster out
// for a while), or being deleted (its primary may still hold what it
// wrote), keeps the data plane it had when last in force: its primary
// keeps what was written, so its gateways must keep letting its traffic
// in. Where that is not known (the controller restarted since), whatever
// is in its clusters stays.
func (c *Controller) syncDataPlane(ctx context.Context) (retry bool, err error) {
	var inForce []InForce
	unknown := map[string]bool{} // clusters of schemes whose data plane is not known
	live := map[string]bool{}
	for _, o := range c.inputs.schemes.List() {
		s := o.(*fedv1alpha1.FailoverScheme)
		key := s.Namespace + "/" + s.Name
		if s.DeletionTimestamp != nil && !hasFinalizer(s) {
			continue // its primary is clear
		}
		live[key] = true
		if s.DeletionTimestamp == nil {
			if r := Synthesize(s, c.inputs); r.Invalid == "" {
				f := InForce{PrimaryCluster: s.Spec.Primary.ClusterName, Result: r}
				c.last.set(key, f)
				inForce = append(inForce, f)
				continue
			}
		}
		if f, ok := c.last.get(key); ok {
			inForce = append(inForce, f)
			continue
		}
		unknown[s.Spec.Primary.ClusterName] = true
		for _, g := range s.Spec.FailoverGroups {
			for _, t := range g.PriorityGroup {
				unknown[t.Cluster] = true
			}
		}
	}
	c.last.keepOnly(live)
	needed := Needed(inForce)
	secrets, gateways, err := c.store.Existing(ctx)
	if err != nil {
		return false, err
	}
	// What the placement reports of each piece goes into the status of the
	// schemes that need it.
	reported := map[string]string{}
	for name, o := range secrets {
		reported[name] = placementProblem(o.Generation, o.Status)
	}
	for name, o := range gateways {
		reported[name] = placementProblem(o.Generation, o.Status)
	}
	if c.reports.set(reported) {
		for _, key := range c.inputs.schemes.ListKeys() {
			c.queue.Add(key)
		}
	}
	if len(needed) == 0 && len(secrets) == 0 && len(gateways) == 0 {
		return false, nil // no CA is made before a scheme needs one
	}
	now := c.now()
	keep := map[string]bool{}
	var errs []error
	if len(needed) > 0 {
		ca, err := c.store.CA(ctx, now)
		if err != nil {
			return false, err
		}
		if ca.NeedsRenewal(now) {
			// Its certificates could not outlive it: each one issued would
			// be due again at once. Renewing the CA is not built yet.
			return false, fmt.Errorf("the failover CA (Secret %s/%s) expires at %s: delete it to have a new CA made (every failover certificate is then reissued)", c.members.Namespace(), CASecret, ca.Cert.NotAfter.Format(time.RFC3339))
		}
		ns := c.members.Namespace()
		for _, p := range needed {
			keep[p.FederatedName()] = true
			if p.Kind == GatewayPiece {
				want, err := GatewayObject(ns, p)
				if err == nil && !sameGateway(gateways[want.Name], want) {
					err = c.store.ApplyGateway(ctx, want)
				}
				errs = append(errs, err)
				continue
			}
			want, err := SecretObject(ns, p, ca, secrets[p.FederatedName()], now)
			if err == nil && !sameSecret(secrets[want.Name], want) {
				err = c.store.ApplySecret(ctx, want)
			}
			errs = append(errs, err)
		}
	}
	inUnknown := func(p fedv1alpha1.Placement) bool {
		return slices.ContainsFunc(p.Clusters, func(c string) bool { return unknown[c] })
	}
	for name, s := range secrets {
		if !keep[name] && !inUnknown(s.Spec.Placement) {
			errs = append(errs, c.store.DeleteSecret(ctx, name))
		}
	}
	for name, g := range gateways {
		if !keep[name] && !inUnknown(g.Spec.Placement) {
			errs = append(errs, c.store.DeleteGateway(ctx, name))
		}
	}
	return false, errors.Join(errs...)
}

// lastInForce is what each scheme gave when last in force, by key.
type lastInForce struct {
	mu sync.Mutex
	m  map[string]InForce
}

func (l *lastInForce) set(key string, f InForce) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]InForce{}
	}
	l.m[key] = f
}

func (l *lastInForce) get(key string) (InForce, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, ok := l.m[key]
	return f, ok
}

// keepOnly forgets the schemes not in live.
func (l *lastInForce) keepOnly(live map[string]bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k := range l.m {
		if !live[k] {
			delete(l.m, k)
		}
	}
}

func sameSecret(cur, want *fedv1alpha1.FederatedSecret) bool {
	return cur != nil && reflect.DeepEqual(cur.Labels, want.Labels) && reflect.DeepEqual(cur.Spec, want.Spec)
}

// sameGateway compares the template's spec as JSON values: the server
// returns it re-encoded.
func sameGateway(cur, want *fedv1alpha1.FederatedGateway) bool {
	if cur == nil || !reflect.DeepEqual(cur.Labels, want.Labels) || !reflect.DeepEqual(cur.Spec.Placement, want.Spec.Placement) ||
		!reflect.DeepEqual(cur.Spec.Template.Metadata, want.Spec.Template.Metadata) || len(cur.Spec.Overrides) > 0 {
		return false
	}
	var a, b any
	if utiljson.Unmarshal(cur.Spec.Template.Spec.Raw, &a) != nil || utiljson.Unmarshal(want.Spec.Template.Spec.Raw, &b) != nil {
		return false
	}
	return reflect.DeepEqual(a, b)
}

// pieceReports are what the placement last reported of each data plane
// object, by federated name: "" when it is placed in its target.
type pieceReports struct {
	mu sync.Mutex
	m  map[string]string
}

// set replaces the reports, and says whether they changed.
func (r *pieceReports) set(m map[string]string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if maps.Equal(r.m, m) {
		return false
	}
	r.m = m
	return true
}

// problem says what keeps piece p from working, "" when nothing does.
func (r *pieceReports) problem(p Piece) string {
	r.mu.Lock()
	synced := r.m != nil
	report, ok := r.m[p.FederatedName()]
	r.mu.Unlock()
	if !synced {
		return "" // not read yet (the controller just started): nothing to say
	}
	what := map[PieceKind]string{GatewayPiece: "failover Gateway", DownstreamPiece: "server certificate (Secret)", UpstreamPiece: "client certificate (Secret)"}[p.Kind]
	what = fmt.Sprintf("its %s %s in %s/%s", what, p.MemberName(), p.Cluster, p.Namespace)
	switch {
	case !ok:
		return what + ": being set up"
	case report != "":
		return what + ": " + report
	}
	return ""
}

// placementProblem reads a data plane object's placement status: "" when
// its generation is placed in its one target and Gloo does not reject it.
func placementProblem(generation int64, st fedv1alpha1.FederatedStatus) string {
	if len(st.Placements) == 0 || st.ObservedGeneration != generation {
		return "being placed"
	}
	for _, p := range st.Placements {
		switch {
		case p.State != fedv1alpha1.PlacementPlaced && p.Message == "":
			return string(p.State)
		case p.State != fedv1alpha1.PlacementPlaced:
			return string(p.State) + ": " + withoutMemberAnswer(p.Message)
		case p.GlooState == core.StateRejected.String():
			return "Rejected by Gloo: " + p.GlooReason
		}
	}
	return ""
}

// withoutMemberAnswer is what a placement message says before the
// member's own answer (fedv1alpha1.MemberAnsweredSeparator), which may name
// the member's other writers. The federated object's status keeps it whole.
func withoutMemberAnswer(msg string) string {
	said, _, _ := strings.Cut(msg, fedv1alpha1.MemberAnsweredSeparator)
	return said
}
