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

// LiveVersions lists one Gloo kind on the member, live (a consistent read
// from the member's etcd), metadata only: the resourceVersion of every
// object by view name, and the list's resourceVersion. Consistent reads of
// the views use it to confirm that the cache holds the member's current state.
func (c *Connection) LiveVersions(ctx context.Context, k viewsv1alpha1.GlooKind) (map[string]uint64, uint64, error) {
	client, err := c.metadataClient()
	if err != nil {
		return nil, 0, err
	}
	list, err := client.Resource(k.Member).List(ctx, metav1.ListOptions{})
	if err != nil {
		// A consistent read failing (timed out, rate-limited) says nothing
		// of the member's health for everyone else: the probe judges that.
		if apierrors.IsNotFound(err) {
			return map[string]uint64{}, 0, nil
		}
		return nil, 0, err
	}
	rv, err := cache.ParseMemberRV(list.ResourceVersion)
	if err != nil {
		return nil, 0, err
	}
	out := make(map[string]uint64, len(list.Items))
	for i := range list.Items {
		item := &list.Items[i]
		n, err := cache.ParseMemberRV(item.ResourceVersion)
		if err != nil {
			return nil, 0, fmt.Errorf("%s %s/%s: %w", k.Kind, item.Namespace, item.Name, err)
		}
		out[item.Namespace+"/"+viewsv1alpha1.ClusterName(c.name, item.Name)] = n
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
