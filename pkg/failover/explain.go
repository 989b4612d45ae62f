package failover

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	fedv1alpha1 "github.com/meridianfed/meridian/pkg/apis/fed/v1alpha1"
	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
)

// ClientInputs are the Inputs of Synthesize read from the management
// cluster's API (the registrations, the schemes, and the views), as a
// user's client reads them: what `meridianctl failover explain` shows is
// what the controller computes from the same objects.
type ClientInputs struct {
	ctx       context.Context
	client    meridianclient.Interface
	clusters  map[string]*fedv1alpha1.KubernetesCluster
	instances map[string][]*viewsv1alpha1.GlooInstance
	schemes   []*fedv1alpha1.FailoverScheme
	// errs are the reads that failed other than for a missing object: the
	// explanation is then incomplete, and says so.
	errs []error
}

// NewClientInputs reads the registrations of fedNamespace, every
// GlooInstance and every FailoverScheme; Upstreams are read by name as
// synthesis asks for them.
func NewClientInputs(ctx context.Context, client meridianclient.Interface, fedNamespace string) (*ClientInputs, error) {
	in := &ClientInputs{ctx: ctx, client: client, clusters: map[string]*fedv1alpha1.KubernetesCluster{}, instances: map[string][]*viewsv1alpha1.GlooInstance{}}
	kcs, err := client.FedV1alpha1().KubernetesClusters(fedNamespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing registered clusters: %w", err)
	}
	for i := range kcs.Items {
		in.clusters[kcs.Items[i].Name] = &kcs.Items[i]
	}
	gis, err := client.ViewsV1alpha1().GlooInstances("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing GlooInstances: %w", err)
	}
	for i := range gis.Items {
		gi := &gis.Items[i]
		in.instances[gi.Spec.Cluster] = append(in.instances[gi.Spec.Cluster], gi)
	}
	schemes, err := client.FedV1alpha1().FailoverSchemes("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing FailoverSchemes: %w", err)
	}
	for i := range schemes.Items {
		in.schemes = append(in.schemes, &schemes.Items[i])
	}
	return in, nil
}

func (in *ClientInputs) Cluster(name string) (bool, bool, string) {
	kc, ok := in.clusters[name]
	if !ok {
		return false, false, ""
	}
	return clusterState(kc)
}

func (in *ClientInputs) Instances(cluster string) []*viewsv1alpha1.GlooInstance {
	return in.instances[cluster]
}

func (in *ClientInputs) Upstream(cluster, namespace, name string) *viewsv1alpha1.Upstream {
	u, err := in.client.ViewsV1alpha1().Upstreams(namespace).Get(in.ctx, viewsv1alpha1.ClusterName(cluster, name), metav1.GetOptions{})
	if err != nil {
		if !apierrors.IsNotFound(err) {
			in.errs = append(in.errs, fmt.Errorf("reading Upstream %s/%s of cluster %s: %w", namespace, name, cluster, err))
		}
		return nil
	}
	return u
}

func (in *ClientInputs) Gateways(cluster, namespace string) []*viewsv1alpha1.Gateway {
	l, err := in.client.ViewsV1alpha1().Gateways(namespace).List(in.ctx, metav1.ListOptions{LabelSelector: viewsv1alpha1.ClusterLabel + "=" + cluster})
	if err != nil {
		in.errs = append(in.errs, fmt.Errorf("listing the Gateways of cluster %s, namespace %s: %w", cluster, namespace, err))
		return nil
	}
	out := make([]*viewsv1alpha1.Gateway, len(l.Items))
	for i := range l.Items {
		out[i] = &l.Items[i]
	}
	return out
}

func (in *ClientInputs) SchemesFor(p fedv1alpha1.FailoverPrimary) []*fedv1alpha1.FailoverScheme {
	var out []*fedv1alpha1.FailoverScheme
	for _, s := range in.schemes {
		if s.Spec.Primary == p {
			out = append(out, s)
		}
	}
	return out
}

// Explain writes what s gives against in: the spec.failover that would be
// written and where each value of it comes from, or why s is Invalid. It
// returns false when s is Invalid or a read failed.
func Explain(w io.Writer, s *fedv1alpha1.FailoverScheme, in *ClientInputs) (bool, error) {
	r := Synthesize(s, in)
	fmt.Fprintf(w, "FailoverScheme %s/%s: primary Upstream %s/%s of cluster %s\n", s.Namespace, s.Name, s.Spec.Primary.Namespace, s.Spec.Primary.Name, s.Spec.Primary.ClusterName)
	if s.Status.State != "" {
		fmt.Fprintf(w, "In force now: %s", s.Status.State)
		if s.Status.Message != "" {
			fmt.Fprintf(w, ": %s", s.Status.Message)
		}
		fmt.Fprintln(w)
	}
	for _, err := range in.errs {
		fmt.Fprintf(w, "Could not read: %v\n", err)
	}
	if r.Invalid != "" {
		fmt.Fprintf(w, "Invalid: %s\n", r.Invalid)
		return false, nil
	}
	raw, err := yaml.Marshal(map[string]any{"spec": map[string]any{"failover": r.Failover}})
	if err != nil {
		return false, err
	}
	fmt.Fprintf(w, "\nWould write to the primary (server-side apply, field manager %s):\n%s\n", FieldManager, indent(string(raw), "  "))
	fmt.Fprintln(w, "Where each endpoint comes from:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  PRIORITY\tCLUSTER\tUPSTREAM\tGLOOINSTANCE\tPROXY\tSERVICE\tADDRESS:PORT\tREGION\tZONE")
	for _, src := range r.Sources {
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%s\t%s:%d\t%s\t%s (%s)\n", src.Priority, src.Cluster, src.Upstream, src.GlooInstance, src.Proxy, src.Service, src.Address, src.Port, dash(src.Region), dash(src.Zone), src.ZoneFrom)
	}
	if err := tw.Flush(); err != nil {
		return false, err
	}
	fmt.Fprintf(w, "\nThe client certificate is Secret %s/%s in cluster %s (Gloo installation %s).\n", r.SecretNamespace, UpstreamSecret, s.Spec.Primary.ClusterName, r.PrimaryInstance)
	fmt.Fprintln(w, "Targets:")
	for _, t := range r.Targets {
		state := "reachable"
		if !t.Reachable {
			state = "unreachable"
		}
		health := "healthy"
		if !t.Healthy {
			health = "not healthy"
		}
		fmt.Fprintf(w, "  %s: %s, %s (%s)", t.Cluster, state, health, t.GlooInstance)
		if t.Message != "" {
			fmt.Fprintf(w, ": %s", t.Message)
		}
		fmt.Fprintln(w)
	}
	return len(in.errs) == 0, nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}
