package member

import (
	"context"
	"fmt"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
)

// liveList is one live list of a kind, shared by the readers that asked for
// it while it ran. Its map is shared too: readers must not modify it.
type liveList struct {
	versions map[viewsv1alpha1.ObjectRef]uint64
	rv       uint64
}

// LiveVersions lists one Gloo kind on the member, live (a consistent read
// from the member's etcd), metadata only: the resourceVersion of every
// object by its member namespace and name, and the list's resourceVersion.
// Consistent reads of the views use it to confirm that the cache holds the
// member's current state. Concurrent callers for one kind share lists of
// the member, so the member's load does not grow with the number of
// readers: a caller is answered by a list that began after it called (one
// already running may predate a write the caller saw acknowledged), so
// callers that come while a list runs share the next one. A list runs
// until the latest deadline of the callers sharing it; a caller that gives
// up earlier leaves it running for the others. The map returned is shared:
// do not modify it.
func (c *Connection) LiveVersions(ctx context.Context, k viewsv1alpha1.GlooKind) (map[viewsv1alpha1.ObjectRef]uint64, uint64, error) {
	f := c.live.join(ctx, k.Kind, func(ctx context.Context) (liveList, error) {
		versions, rv, err := c.liveVersions(ctx, k)
		return liveList{versions, rv}, err
	})
	select {
	case <-f.done:
		if f.err != nil {
			return nil, 0, f.err
		}
		return f.val.versions, f.val.rv, nil
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
}

// liveFlights are the live lists of each kind: the one running, and the
// one that starts when it ends, which callers that came meanwhile share.
type liveFlights struct {
	mu      sync.Mutex
	running map[string]*liveFlight
	next    map[string]*liveFlight
}

type liveFlight struct {
	run  func(context.Context) (liveList, error)
	done chan struct{}
	val  liveList
	err  error
	// deadline is the latest of its callers' (zero: one had none).
	deadline    time.Time
	hasDeadline bool
}

// join returns the flight that answers a caller coming now: a new one if
// none runs, else the next one (started when the running one ends).
func (g *liveFlights) join(ctx context.Context, key string, run func(context.Context) (liveList, error)) *liveFlight {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.running == nil {
		g.running, g.next = map[string]*liveFlight{}, map[string]*liveFlight{}
	}
	f := g.running[key]
	start := f == nil
	if !start {
		f = g.next[key]
	}
	if f == nil {
		f = &liveFlight{run: run, done: make(chan struct{}), hasDeadline: true}
		if start {
			g.running[key] = f
		} else {
			g.next[key] = f
		}
	}
	if d, ok := ctx.Deadline(); !ok {
		f.hasDeadline = false
	} else if d.After(f.deadline) {
		f.deadline = d
	}
	if start {
		go g.fly(key, f)
	}
	return f
}

// fly runs f, then the flight its callers' successors wait for, if any.
func (g *liveFlights) fly(key string, f *liveFlight) {
	for f != nil {
		g.mu.Lock()
		ctx, cancel := context.Background(), context.CancelFunc(func() {})
		if f.hasDeadline {
			ctx, cancel = context.WithDeadline(ctx, f.deadline)
		}
		g.mu.Unlock()
		f.val, f.err = f.run(ctx)
		cancel()
		g.mu.Lock()
		close(f.done)
		f = g.next[key]
		delete(g.next, key)
		if f == nil {
			delete(g.running, key)
		} else {
			g.running[key] = f
		}
		g.mu.Unlock()
	}
}

func (c *Connection) liveVersions(ctx context.Context, k viewsv1alpha1.GlooKind) (map[viewsv1alpha1.ObjectRef]uint64, uint64, error) {
	client, err := c.metadataClient()
	if err != nil {
		return nil, 0, err
	}
	list, err := client.Resource(k.Member).List(ctx, metav1.ListOptions{})
	if err != nil {
		// A consistent read failing (timed out, rate-limited) says nothing
		// of the member's health for everyone else: the probe judges that.
		if apierrors.IsNotFound(err) {
			return map[viewsv1alpha1.ObjectRef]uint64{}, 0, nil
		}
		return nil, 0, err
	}
	rv, err := cache.ParseMemberRV(list.ResourceVersion)
	if err != nil {
		return nil, 0, err
	}
	out := make(map[viewsv1alpha1.ObjectRef]uint64, len(list.Items))
	for i := range list.Items {
		item := &list.Items[i]
		n, err := cache.ParseMemberRV(item.ResourceVersion)
		if err != nil {
			return nil, 0, fmt.Errorf("%s %s/%s: %w", k.Kind, item.Namespace, item.Name, err)
		}
		out[viewsv1alpha1.ObjectRef{Namespace: item.Namespace, Name: item.Name}] = n
	}
	return out, rv, nil
}

func (c *Connection) metadataClient() (metadata.Interface, error) {
	c.metaOnce.Do(func() { c.meta, c.metaErr = metadata.NewForConfig(c.config) })
	return c.meta, c.metaErr
}

// ServerVersion asks the member for its Kubernetes version (gitVersion).
func (c *Connection) ServerVersion(ctx context.Context) (string, error) {
	cfg := rest.CopyConfig(c.config)
	cfg.Timeout = 5 * time.Second
	disco, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return "", err
	}
	v, err := disco.ServerVersionWithContext(ctx)
	if err != nil {
		return "", err
	}
	return v.GitVersion, nil
}
