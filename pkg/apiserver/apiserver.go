package apiserver

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/rest"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/apiserver/pkg/server/healthz"
	"k8s.io/client-go/kubernetes"
	clientrest "k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/federation/cache"
	"github.com/meridianfed/meridian/pkg/federation/clusters"
	"github.com/meridianfed/meridian/pkg/federation/member"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
	viewsregistry "github.com/meridianfed/meridian/pkg/registry/views"
)

// ExtraConfig is what Meridian's server needs beyond the generic server.
type ExtraConfig struct {
	// Management is the client configuration of the management cluster,
	// where KubernetesClusters and their Secrets live.
	Management *clientrest.Config
	// FederationNamespace holds the KubernetesClusters.
	FederationNamespace string
	// Member tunes member connections.
	Member member.Options
	// History bounds the watch history kept per cluster and kind.
	History int
	// HistoryBytes bounds the size of the objects that history keeps per
	// cluster and kind.
	HistoryBytes int64
	// LiveTimeout bounds each member's part of a consistent read.
	LiveTimeout time.Duration
}

// Config is the whole configuration of the server.
type Config struct {
	GenericConfig *genericapiserver.RecommendedConfig
	ExtraConfig   ExtraConfig
}

// Server is Meridian's aggregated API server.
type Server struct {
	GenericAPIServer *genericapiserver.GenericAPIServer
	Registry         *clusters.Registry
	Caches           *cache.Set
}

type completedConfig struct {
	GenericConfig genericapiserver.CompletedConfig
	ExtraConfig   *ExtraConfig
}

// CompletedConfig is a configuration ready to build a server from.
type CompletedConfig struct{ *completedConfig }

// Complete fills in defaults.
func (c *Config) Complete() CompletedConfig {
	return CompletedConfig{&completedConfig{c.GenericConfig.Complete(), &c.ExtraConfig}}
}

// New builds the server: the federation cache, the cluster registry that
// fills it, and one read-only storage per view.
func (c CompletedConfig) New() (*Server, error) {
	generic, err := c.GenericConfig.New("meridian-apiserver", genericapiserver.NewEmptyDelegate())
	if err != nil {
		return nil, err
	}
	kube, err := kubernetes.NewForConfig(c.ExtraConfig.Management)
	if err != nil {
		return nil, err
	}
	meridian, err := meridianclient.NewForConfig(c.ExtraConfig.Management)
	if err != nil {
		return nil, err
	}
	caches := cache.NewSet(c.ExtraConfig.History, c.ExtraConfig.HistoryBytes)
	registry := clusters.New(kube, meridian, c.ExtraConfig.FederationNamespace, caches, c.ExtraConfig.Member, klog.Background().WithName("clusters"))
	authz := c.GenericConfig.Authorization.Authorizer
	deps := viewsregistry.Deps{
		Clusters:    &clusterAccess{authz: authz, clusters: registry.Clusters},
		Reads:       readAccess{authz: authz},
		Warnings:    registry,
		Consistency: consistency{registry: registry, caches: caches, liveTimeout: c.ExtraConfig.LiveTimeout},
	}

	storage := map[string]rest.Storage{
		"glooinstances": viewsregistry.NewREST(viewsregistry.Kind{
			Resource:   viewsv1alpha1.Resource("glooinstances"),
			Kind:       "GlooInstance",
			Singular:   "glooinstance",
			ShortNames: []string{"gi"},
			New:        func() runtime.Object { return &viewsv1alpha1.GlooInstance{} },
			NewList:    func() runtime.Object { return &viewsv1alpha1.GlooInstanceList{} },
			Table:      viewsregistry.GlooInstanceTable(),
		}, storeSource{caches.GlooInstances}, deps),
	}
	for _, k := range viewsv1alpha1.GlooKinds {
		table := viewsregistry.TableFor(k.Kind)
		storage[k.Resource] = viewsregistry.NewREST(viewsregistry.Kind{
			Resource:   viewsv1alpha1.Resource(k.Resource),
			Kind:       k.Kind,
			Singular:   strings.ToLower(k.Kind),
			ShortNames: k.ShortNames,
			New:        k.New,
			NewList:    k.NewList,
			Table:      table,
			Gloo:       &k,
		}, storeSource{caches.Gloo[k.Resource]}, deps)
	}
	group := genericapiserver.NewDefaultAPIGroupInfo(viewsv1alpha1.GroupName, Scheme, metav1.ParameterCodec, Codecs)
	group.VersionedResourcesStorageMap[viewsv1alpha1.SchemeGroupVersion.Version] = storage
	if err := generic.InstallAPIGroup(&group); err != nil {
		return nil, err
	}

	generic.AddPostStartHookOrDie("meridian-cluster-registry", func(hookCtx genericapiserver.PostStartHookContext) error {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-hookCtx.Done()
			cancel()
		}()
		go registry.Run(ctx)
		go registry.ReportStatus(ctx)
		return nil
	})
	// Ready once the registrations have been read: before that, a list would
	// silently miss whole clusters. Unreachable members never make the
	// server unready (that would make the APIService unavailable for all).
	if err := generic.AddReadyzChecks(healthz.NamedCheck("meridian-cluster-registry", func(*http.Request) error {
		if !registry.HasSynced() {
			return fmt.Errorf("cluster registrations not read yet")
		}
		return nil
	})); err != nil {
		return nil, err
	}
	return &Server{GenericAPIServer: generic, Registry: registry, Caches: caches}, nil
}
