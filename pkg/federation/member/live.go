package member

import (
	"context"
	"fmt"
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
// object by its member namespace and name, and the list's resourceVersion. Consistent reads of
// the views use it to confirm that the cache holds the member's current
// state. Concurrent callers for one kind share one list of the member, so
// the member's load does not grow with the number of readers; the list runs
// until the deadline of the caller that started it, and a caller that gives
// up earlier leaves it running for the others. The map returned is shared:
// do not modify it.
func (c *Connection) LiveVersions(ctx context.Context, k viewsv1alpha1.GlooKind) (map[viewsv1alpha1.ObjectRef]uint64, uint64, error) {
	ch := c.live.DoChan(k.Kind, func() (any, error) {
		shared := context.WithoutCancel(ctx)
		if deadline, ok := ctx.Deadline(); ok {
			var cancel context.CancelFunc
			shared, cancel = context.WithDeadline(shared, deadline)
			defer cancel()
		}
		versions, rv, err := c.liveVersions(shared, k)
		return liveList{versions, rv}, err
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, 0, res.Err
		}
		l := res.Val.(liveList)
		return l.versions, l.rv, nil
	case <-ctx.Done():
		return nil, 0, ctx.Err()
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
