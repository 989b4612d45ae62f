package failover

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"sync"

	utiljson "k8s.io/apimachinery/pkg/util/json"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

// dataPlaneKey is the queue's key for the data plane, which every scheme
// shares: it has no "/", so no scheme's key is the same.
const dataPlaneKey = "data-plane"

// syncDataPlane writes the data plane the schemes in force need and
// deletes what none needs. A piece stays while a scheme that names its
// cluster exists, even when that scheme is Invalid for now (its primary
// keeps what was written, so its data plane does too): a view that lags or
// a cluster out for a while never takes the gateways away.
func (c *Controller) syncDataPlane(ctx context.Context) (retry bool, err error) {
	var inForce []InForce
	for _, o := range c.inputs.schemes.List() {
		s := o.(*fedv1alpha1.FailoverScheme)
		if s.DeletionTimestamp != nil {
			continue
		}
		if r := Synthesize(s, c.inputs); r.Invalid == "" {
			inForce = append(inForce, InForce{PrimaryCluster: s.Spec.Primary.ClusterName, Result: r})
		}
	}
	needed := Needed(inForce)
	secrets, gateways, err := c.store.Existing(ctx)
	if err != nil {
		return false, err
	}
	// What the placement reports of each piece goes into the status of the
	// schemes that need it.
	reported := map[string]string{}
	for name, o := range secrets {
		reported[name] = placementProblem(o.Status)
	}
	for name, o := range gateways {
		reported[name] = placementProblem(o.Status)
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
	for name, s := range secrets {
		if !keep[name] && !c.clusterNamed(s.Spec.Placement) {
			errs = append(errs, c.store.DeleteSecret(ctx, name))
		}
	}
	for name, g := range gateways {
		if !keep[name] && !c.clusterNamed(g.Spec.Placement) {
			errs = append(errs, c.store.DeleteGateway(ctx, name))
		}
	}
	return false, errors.Join(errs...)
}

// clusterNamed reports whether a live scheme names a cluster of p.
func (c *Controller) clusterNamed(p fedv1alpha1.Placement) bool {
	for _, cluster := range p.Clusters {
		objs, _ := c.inputs.schemes.ByIndex(byCluster, cluster)
		for _, o := range objs {
			if o.(*fedv1alpha1.FailoverScheme).DeletionTimestamp == nil {
				return true
			}
		}
	}
	return false
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
	report, ok := r.m[p.FederatedName()]
	r.mu.Unlock()
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
// it is placed in its one target.
func placementProblem(st fedv1alpha1.FederatedStatus) string {
	if len(st.Placements) == 0 {
		return "being placed"
	}
	for _, p := range st.Placements {
		if p.State != fedv1alpha1.PlacementPlaced {
			if p.Message == "" {
				return string(p.State)
			}
			return string(p.State) + ": " + p.Message
		}
	}
	return ""
}
