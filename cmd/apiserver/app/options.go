package app

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/errors"
	openapinamer "k8s.io/apiserver/pkg/endpoints/openapi"
	genericapiserver "k8s.io/apiserver/pkg/server"
	genericoptions "k8s.io/apiserver/pkg/server/options"
	utilcompatibility "k8s.io/apiserver/pkg/util/compatibility"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	cliflag "k8s.io/component-base/cli/flag"
	"k8s.io/component-base/logs"
	logsapi "k8s.io/component-base/logs/api/v1"
	_ "k8s.io/component-base/logs/json/register"

	"github.com/meridianfed/meridian/pkg/apiserver"
	"github.com/meridianfed/meridian/pkg/federation/member"
	generatedopenapi "github.com/meridianfed/meridian/pkg/generated/openapi"
	"github.com/meridianfed/meridian/pkg/version"
)

// Options are the apiserver's flags.
type Options struct {
	SecureServing  *genericoptions.SecureServingOptionsWithLoopback
	Authentication *genericoptions.DelegatingAuthenticationOptions
	Authorization  *genericoptions.DelegatingAuthorizationOptions
	Audit          *genericoptions.AuditOptions
	Features       *genericoptions.FeatureOptions
	Logging        *logs.Options

	// Kubeconfig of the management cluster; empty means in-cluster.
	Kubeconfig          string
	FederationNamespace string
	MemberRemoveAfter   time.Duration
	MemberTimeout       time.Duration
	WatchHistory        int
	WatchHistoryBytes   int64
}

// NewOptions returns the defaults.
func NewOptions() *Options {
	o := &Options{
		SecureServing:       genericoptions.NewSecureServingOptions().WithLoopback(),
		Authentication:      genericoptions.NewDelegatingAuthenticationOptions(),
		Authorization:       genericoptions.NewDelegatingAuthorizationOptions(),
		Audit:               genericoptions.NewAuditOptions(),
		Features:            genericoptions.NewFeatureOptions(),
		Logging:             logs.NewOptions(),
		FederationNamespace: "meridian-system",
		MemberRemoveAfter:   30 * time.Second,
		MemberTimeout:       3 * time.Second,
	}
	o.SecureServing.BindPort = 8443
	return o
}

// Flags returns the flags, grouped as kube-apiserver groups them.
func (o *Options) Flags() (fs cliflag.NamedFlagSets) {
	m := fs.FlagSet("meridian")
	m.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "Kubeconfig of the management cluster (where KubernetesClusters live); in-cluster configuration when empty.")
	m.StringVar(&o.FederationNamespace, "federation-namespace", o.FederationNamespace, "Namespace of the KubernetesCluster registrations and their kubeconfig Secrets.")
	m.DurationVar(&o.MemberRemoveAfter, "member-remove-after", o.MemberRemoveAfter, "How long after its last answer an unreachable member (its /readyz health check failing) keeps its Gloo objects in the views (its GlooInstances stay, marked unreachable); they are listed afresh once it answers again.")
	m.DurationVar(&o.MemberTimeout, "member-timeout", o.MemberTimeout, "How long each member gets to answer its part of a consistent list (resourceVersion unset); a slower member is served from cache with a warning.")
	m.IntVar(&o.WatchHistory, "watch-history", o.WatchHistory, "Events kept per cluster and kind for watches that resume (0: the default).")
	m.Int64Var(&o.WatchHistoryBytes, "watch-history-bytes", o.WatchHistoryBytes, "Bytes of objects (spec and status, plus a fixed overhead each; a change counts its new and its previous object) that the watch history keeps per cluster and kind; older changes are forgotten and a watch resuming from before them is answered 410 (0: 8 MiB).")
	o.SecureServing.AddFlags(fs.FlagSet("secure serving"))
	o.Authentication.AddFlags(fs.FlagSet("authentication"))
	o.Authorization.AddFlags(fs.FlagSet("authorization"))
	o.Audit.AddFlags(fs.FlagSet("audit"))
	o.Features.AddFlags(fs.FlagSet("features"))
	logsapi.AddFlags(o.Logging, fs.FlagSet("logging"))
	return fs
}

// Validate checks the flags.
func (o *Options) Validate() error {
	var errs []error
	errs = append(errs, o.SecureServing.Validate()...)
	errs = append(errs, o.Authentication.Validate()...)
	errs = append(errs, o.Authorization.Validate()...)
	errs = append(errs, o.Audit.Validate()...)
	errs = append(errs, o.Features.Validate()...)
	if err := logsapi.ValidateAndApply(o.Logging, nil); err != nil {
		errs = append(errs, err)
	}
	if o.FederationNamespace == "" {
		errs = append(errs, fmt.Errorf("--federation-namespace must not be empty"))
	}
	return errors.NewAggregate(errs)
}

// Config turns the flags into a server configuration.
func (o *Options) Config() (*apiserver.Config, error) {
	if err := o.SecureServing.MaybeDefaultWithSelfSignedCerts("localhost", nil, []net.IP{net.ParseIP("127.0.0.1")}); err != nil {
		return nil, fmt.Errorf("creating self-signed certificates: %w", err)
	}
	management, err := o.managementConfig()
	if err != nil {
		return nil, err
	}
	generic := genericapiserver.NewRecommendedConfig(apiserver.Codecs)
	generic.EffectiveVersion = utilcompatibility.DefaultBuildEffectiveVersion()
	if err := o.SecureServing.ApplyTo(&generic.SecureServing, &generic.LoopbackClientConfig); err != nil {
		return nil, err
	}
	if err := o.Authentication.ApplyTo(&generic.Authentication, generic.SecureServing, generic.OpenAPIConfig); err != nil {
		return nil, err
	}
	if err := o.Authorization.ApplyTo(&generic.Authorization); err != nil {
		return nil, err
	}
	if err := o.Audit.ApplyTo(&generic.Config); err != nil {
		return nil, err
	}
	namer := openapinamer.NewDefinitionNamer(apiserver.Scheme)
	generic.OpenAPIConfig = genericapiserver.DefaultOpenAPIConfig(generatedopenapi.GetOpenAPIDefinitions, namer)
	generic.OpenAPIConfig.Info.Title = "Meridian"
	generic.OpenAPIConfig.Info.Version = "v1alpha1"
	generic.OpenAPIV3Config = genericapiserver.DefaultOpenAPIV3Config(generatedopenapi.GetOpenAPIDefinitions, namer)
	generic.OpenAPIV3Config.Info.Title = "Meridian"
	generic.OpenAPIV3Config.Info.Version = "v1alpha1"
	return &apiserver.Config{
		GenericConfig: generic,
		ExtraConfig: apiserver.ExtraConfig{
			Management:          management,
			FederationNamespace: o.FederationNamespace,
			Member:              member.Options{RemoveAfter: o.MemberRemoveAfter},
			History:             o.WatchHistory,
			HistoryBytes:        o.WatchHistoryBytes,
			LiveTimeout:         o.MemberTimeout,
		},
	}, nil
}

func (o *Options) managementConfig() (*rest.Config, error) {
	if o.Kubeconfig == "" {
		return rest.InClusterConfig()
	}
	return clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: o.Kubeconfig}, &clientcmd.ConfigOverrides{}).ClientConfig()
}

// NewCommand returns the apiserver command.
func NewCommand(ctx context.Context) *cobra.Command {
	o := NewOptions()
	cmd := &cobra.Command{
		Use: "meridian-apiserver",
		// --version prints the build (pkg/version).
		Version: version.Get().String(),
		Short:   "Meridian's aggregated API server: live views of Gloo Edge across member clusters",
		Long: `meridian-apiserver serves views.meridian.io behind kube-aggregator: GlooInstances and every
Gloo kind of every member cluster registered with a KubernetesCluster in --federation-namespace,
read live from the members, with Kubernetes list/watch semantics and RBAC.`,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Validate(); err != nil {
				return err
			}
			cfg, err := o.Config()
			if err != nil {
				return err
			}
			server, err := cfg.Complete().New()
			if err != nil {
				return err
			}
			return server.GenericAPIServer.PrepareRun().RunWithContext(cmd.Context())
		},
	}
	cmd.SetContext(ctx)
	fs := cmd.Flags()
	for _, f := range o.Flags().FlagSets {
		fs.AddFlagSet(f)
	}
	return cmd
}
