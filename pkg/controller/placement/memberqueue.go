package placement

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
)

// Retries of a member's failed targets: after 500ms, doubling up to 30s,
// forever. A target blocked by an object Meridian does not own is placed
// within 30s of that object's deletion, at the cost of one read every 30s
// while it stays.
const (
	memberRetryBase = 500 * time.Millisecond
	memberRetryMax  = 30 * time.Second
)

// memberQueues hold one queue of federated objects per member, each with
// its own workers: a member that hangs (each request waits for the member
// timeout) or fails holds up its own queue only, never the others, and its
// failed targets are retried with backoff there.
type memberQueues struct {
	sync    func(ctx context.Context, cluster string, k key) (retry bool)
	workers int
	log     klog.Logger

	mu  sync.Mutex
	ctx context.Context // set by start; nil before
	m   map[string]*memberQueue
}

type memberQueue struct {
	queue workqueue.TypedRateLimitingInterface[key]
}

func newMemberQueues(sync func(context.Context, string, key) bool, workers int, log klog.Logger) *memberQueues {
	return &memberQueues{sync: sync, workers: workers, log: log, m: map[string]*memberQueue{}}
}

// start lets the queues' workers run until ctx ends.
func (q *memberQueues) start(ctx context.Context) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ctx = ctx
	for cluster, mq := range q.m {
		q.run(cluster, mq)
	}
}

// add queues k for cluster, creating the member's queue on first use.
func (q *memberQueues) add(cluster string, k key) {
	q.mu.Lock()
	defer q.mu.Unlock()
	mq, ok := q.m[cluster]
	if !ok {
		mq = &memberQueue{queue: workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.NewTypedMaxOfRateLimiter(
				workqueue.NewTypedItemExponentialFailureRateLimiter[key](memberRetryBase, memberRetryMax),
				&workqueue.TypedBucketRateLimiter[key]{Limiter: rate.NewLimiter(rate.Limit(50), 300)},
			),
			workqueue.TypedRateLimitingQueueConfig[key]{Name: "placement-member-" + cluster})}
		q.m[cluster] = mq
		if q.ctx != nil {
			q.run(cluster, mq)
		}
	}
	mq.queue.Add(k)
}

// run starts a member queue's workers; q.mu is held.
func (q *memberQueues) run(cluster string, mq *memberQueue) {
	ctx := q.ctx
	for range q.workers {
		go func() {
			for {
				k, quit := mq.queue.Get()
				if quit {
					return
				}
				if q.sync(ctx, cluster, k) {
					mq.queue.AddRateLimited(k)
				} else {
					mq.queue.Forget(k)
				}
				mq.queue.Done(k)
			}
		}()
	}
}

// keepOnly stops the queues of clusters no longer registered.
func (q *memberQueues) keepOnly(registered map[string]*fedv1alpha1.KubernetesCluster) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for cluster, mq := range q.m {
		if _, ok := registered[cluster]; !ok {
			mq.queue.ShutDown()
			delete(q.m, cluster)
		}
	}
}

// shutDown stops every queue; a worker stops after its current object (a
// hung member's request ends with the member timeout, or the process).
func (q *memberQueues) shutDown() {
	q.mu.Lock()
	for _, mq := range q.m {
		mq.queue.ShutDown()
	}
	q.mu.Unlock()
}
