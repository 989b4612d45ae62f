package placement

import (
	"k8s.io/component-base/metrics"
	"k8s.io/component-base/metrics/legacyregistry"
)

// The controller's Prometheus metrics (queue depth and retries come from
// client-go's workqueue metrics, registered by the command).
var (
	reconcileDuration = metrics.NewHistogramVec(&metrics.HistogramOpts{
		Namespace: "meridian", Subsystem: "placement", Name: "reconcile_duration_seconds",
		Help: "Time to reconcile one federated object, by federated resource.", StabilityLevel: metrics.ALPHA,
		Buckets: metrics.ExponentialBuckets(0.005, 2, 14),
	}, []string{"resource"})
	reconcileErrors = metrics.NewCounterVec(&metrics.CounterOpts{
		Namespace: "meridian", Subsystem: "placement", Name: "reconcile_errors_total",
		Help: "Reconciles that failed and were retried, by federated resource.", StabilityLevel: metrics.ALPHA,
	}, []string{"resource"})
	writeDuration = metrics.NewHistogramVec(&metrics.HistogramOpts{
		Namespace: "meridian", Subsystem: "placement", Name: "member_write_duration_seconds",
		Help: "Time to place one object in a member cluster, by cluster.", StabilityLevel: metrics.ALPHA,
		Buckets: metrics.ExponentialBuckets(0.002, 2, 14),
	}, []string{"cluster"})
	driftTotal = metrics.NewCounterVec(&metrics.CounterOpts{
		Namespace: "meridian", Subsystem: "placement", Name: "drift_restored_total",
		Help: "Placed objects found changed by hand in a member and restored, by federated resource.", StabilityLevel: metrics.ALPHA,
	}, []string{"resource"})
	placedReads = metrics.NewCounterVec(&metrics.CounterOpts{
		Namespace: "meridian", Subsystem: "placement", Name: "placed_object_reads_total",
		Help: "Reads of a placed object's current state, by source: views (the views API's informers, no request), written (the controller's own write the views do not show yet), member (a request to the member).", StabilityLevel: metrics.ALPHA,
	}, []string{"source"})
	sweptTotal = metrics.NewCounterVec(&metrics.CounterOpts{
		Namespace: "meridian", Subsystem: "placement", Name: "swept_objects_total",
		Help: "Objects left in members by deleted federated objects and removed later, by cluster.", StabilityLevel: metrics.ALPHA,
	}, []string{"cluster"})
)

func init() {
	legacyregistry.MustRegister(reconcileDuration, reconcileErrors, writeDuration, driftTotal, sweptTotal, placedReads)
}
