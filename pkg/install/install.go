package install

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	certutil "k8s.io/client-go/util/cert"

	"github.com/meridianfed/meridian/artifacts"
	"github.com/meridianfed/meridian/pkg/manifest"
)

const (
	// DefaultNamespace is where Meridian runs and keeps cluster registrations.
	DefaultNamespace = "meridian-system"
	// FieldManager owns every field install applies.
	FieldManager = "meridianctl"
	// ServingSecret holds the aggregated server's serving certificate
	// (tls.crt, tls.key) and the CA that signed it (ca.crt).
	ServingSecret = "meridian-apiserver-serving"
	// APIServiceName is the views' APIService.
	APIServiceName = "v1alpha1.views.meridian.io"
	// APIServerName names the aggregated server's Deployment, Service and
	// ServiceAccount.
	APIServerName = "meridian-apiserver"
	// ControllerName names the controller's Deployment, ServiceAccount and
	// the Lease its replicas elect a leader with.
	ControllerName = "meridian-controller"

	// manifestNamespace is the namespace artifacts/ is written for.
	manifestNamespace = "meridian-system"
	// renewBefore: a serving certificate this close to expiry is replaced.
	renewBefore = 30 * 24 * time.Hour
)

// Options says what to install where.
type Options struct {
	// Namespace is Meridian's namespace (DefaultNamespace when empty).
	Namespace string
	// Image replaces the aggregated server's image when set.
	Image string
	// ControllerImage replaces the controller's image when set.
	ControllerImage string
	// External runs the aggregated server outside the cluster (development,
	// the demo, tests): no Deployment is applied, and the Service is an
	// ExternalName pointing at Host:Port.
	External *External
	// ExternalController runs the controller outside the cluster: its
	// Deployment is not applied (its RBAC is, for the identity it runs as).
	ExternalController bool
	// DryRun is "" (apply), "client" (apply nothing) or "server" (the
	// server validates and answers, and persists nothing).
	DryRun string
	// Progress receives one line per step (nil: silent).
	Progress io.Writer
}

// External is where an out-of-cluster aggregated server listens.
type External struct {
	Host string
	Port int
}

func (o Options) namespace() string {
	if o.Namespace == "" {
		return DefaultNamespace
	}
	return o.Namespace
}

func (o Options) logf(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, format+"\n", args...)
	}
}

// Validate reports options that cannot work.
func (o Options) Validate() error {
	switch o.DryRun {
	case "", "client", "server":
	default:
		return fmt.Errorf("--dry-run must be client or server, not %q", o.DryRun)
	}
	if msgs := validateNamespace(o.namespace()); len(msgs) > 0 {
		return fmt.Errorf("namespace %q: %s", o.namespace(), strings.Join(msgs, "; "))
	}
	return nil
}

// Manifests returns everything install applies, in apply order: the CRDs,
// then artifacts/apiserver and artifacts/controller with the namespace,
// images, external server and caBundle filled in. The serving Secret is not among them (see Install).
func Manifests(opts Options, caBundle []byte) ([]*unstructured.Unstructured, error) {
	var docs [][]byte
	for _, dir := range []string{"crds", "apiserver", "controller"} {
		files, err := artifacts.Files(dir)
		if err != nil {
			return nil, err
		}
		docs = append(docs, files...)
	}
	objs, err := manifest.Decode(docs)
	if err != nil {
		return nil, err
	}
	ns := opts.namespace()
	var out []*unstructured.Unstructured
	for _, o := range objs {
		retarget(o, ns)
		switch o.GetKind() {
		case "PodDisruptionBudget":
			// It guards its Deployment's pods: none run outside.
			if (o.GetName() == APIServerName && opts.External != nil) || (o.GetName() == ControllerName && opts.ExternalController) {
				continue
			}
		case "Deployment":
			image := opts.Image
			external := opts.External != nil
			if o.GetName() == ControllerName {
				image, external = opts.ControllerImage, opts.ExternalController
			}
			if external {
				continue
			}
			if image != "" {
				setImage(o, image)
			}
		case "Service":
			if opts.External != nil {
				o.Object["spec"] = map[string]any{
					"type": "ExternalName", "externalName": opts.External.Host,
					"ports": []any{map[string]any{"name": "https", "port": int64(opts.External.Port)}},
				}
			}
		case "APIService":
			if len(caBundle) > 0 {
				_ = unstructured.SetNestedField(o.Object, encodeBase64(caBundle), "spec", "caBundle")
			}
			if opts.External != nil {
				_ = unstructured.SetNestedField(o.Object, int64(opts.External.Port), "spec", "service", "port")
			}
		}
		out = append(out, o)
	}
	// The APIService last: once the aggregator routes to the server,
	// everything the server and the controller need exists.
	slices.SortStableFunc(out, func(a, b *unstructured.Unstructured) int {
		return boolInt(a.GetKind() == "APIService") - boolInt(b.GetKind() == "APIService")
	})
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// retarget moves an object written for manifestNamespace into ns: its own
// namespace, the subjects of bindings, the APIService's service, and the
// server's --federation-namespace flag.
func retarget(o *unstructured.Unstructured, ns string) {
	if ns == manifestNamespace {
		return
	}
	if o.GetKind() == "Namespace" && o.GetName() == manifestNamespace {
		o.SetName(ns)
	}
	if o.GetNamespace() == manifestNamespace {
		o.SetNamespace(ns)
	}
	if subjects, ok, _ := unstructured.NestedSlice(o.Object, "subjects"); ok {
		for _, s := range subjects {
			if m, ok := s.(map[string]any); ok && m["namespace"] == manifestNamespace {
				m["namespace"] = ns
			}
		}
		_ = unstructured.SetNestedSlice(o.Object, subjects, "subjects")
	}
	if svcNS, ok, _ := unstructured.NestedString(o.Object, "spec", "service", "namespace"); ok && svcNS == manifestNamespace {
		_ = unstructured.SetNestedField(o.Object, ns, "spec", "service", "namespace")
	}
	if o.GetKind() == "Deployment" {
		editContainers(o, func(c map[string]any) {
			args, _, _ := unstructured.NestedStringSlice(c, "args")
			for i, a := range args {
				if a == "--federation-namespace="+manifestNamespace {
					args[i] = "--federation-namespace=" + ns
				}
			}
			_ = unstructured.SetNestedStringSlice(c, args, "args")
		})
	}
}

func setImage(o *unstructured.Unstructured, image string) {
	editContainers(o, func(c map[string]any) { c["image"] = image })
}

func editContainers(o *unstructured.Unstructured, edit func(map[string]any)) {
	containers, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "containers")
	for _, c := range containers {
		if m, ok := c.(map[string]any); ok {
			edit(m)
		}
	}
	_ = unstructured.SetNestedSlice(o.Object, containers, "spec", "template", "spec", "containers")
}

// Result is what Install did.
type Result struct {
	// Objects are the applied objects (as the server answered, or as they
	// would be applied with DryRun=client).
	Objects []*unstructured.Unstructured
	// Changed lists the objects the apply changed (empty on a second run).
	Changed []string
	// CABundle is the CA the APIService verifies the server with.
	CABundle []byte
}

// Install applies Meridian's control plane. It creates the serving
// certificate when none is there (or it no longer fits or is about to
// expire), and leaves a valid one untouched, so that running it again
// changes nothing.
func Install(ctx context.Context, cfg *rest.Config, opts Options) (*Result, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	ns := opts.namespace()
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	serving, fresh, err := servingCertificate(ctx, kube, opts)
	if err != nil {
		return nil, err
	}
	objs, err := Manifests(opts, serving.Data["ca.crt"])
	if err != nil {
		return nil, err
	}
	res := &Result{CABundle: serving.Data["ca.crt"]}
	if opts.DryRun == "client" {
		res.Objects = objs
		return res, nil
	}
	applier, err := manifest.NewApplier(cfg, FieldManager)
	if err != nil {
		return nil, err
	}
	applier.DryRun = opts.DryRun == "server"
	var crds []string
	for _, o := range objs {
		before := ""
		if !applier.DryRun {
			before = currentRV(ctx, applier, o)
		}
		applied, err := applier.Apply(ctx, o)
		if err != nil {
			return nil, err
		}
		res.Objects = append(res.Objects, applied)
		if applied.GetResourceVersion() != before {
			res.Changed = append(res.Changed, manifest.Describe(o))
		}
		if o.GetKind() == "CustomResourceDefinition" && !applier.DryRun {
			crds = append(crds, o.GetName())
		}
		if o.GetKind() == "Namespace" {
			// Meridian's kinds must be served before anything uses them.
			if err := manifest.WaitEstablished(ctx, cfg, crds, time.Minute); err != nil {
				return nil, err
			}
			// The serving Secret lives in the namespace: write it now.
			if fresh && !applier.DryRun {
				if err := writeSecret(ctx, kube, serving); err != nil {
					return nil, err
				}
				res.Changed = append(res.Changed, "Secret "+ns+"/"+ServingSecret)
			}
		}
	}
	if opts.DryRun == "" {
		opts.logf("applied %d objects (%d changed) with field manager %s", len(res.Objects), len(res.Changed), FieldManager)
	}
	return res, nil
}

func currentRV(ctx context.Context, a *manifest.Applier, o *unstructured.Unstructured) string {
	cur, err := a.Get(ctx, o)
	if err != nil || cur == nil {
		return ""
	}
	return cur.GetResourceVersion()
}

// servingCertificate returns the serving Secret to use, and whether it is
// new (to be written).
func servingCertificate(ctx context.Context, kube kubernetes.Interface, opts Options) (*corev1.Secret, bool, error) {
	ns := opts.namespace()
	names := servingNames(opts)
	cur, err := kube.CoreV1().Secrets(ns).Get(ctx, ServingSecret, metav1.GetOptions{})
	switch {
	case err == nil:
		if why := unusable(cur, names); why == "" {
			return cur, false, nil
		} else {
			opts.logf("serving certificate in Secret %s/%s: %s; issuing a new one", ns, ServingSecret, why)
		}
	case apierrors.IsNotFound(err):
	default:
		return nil, false, fmt.Errorf("reading Secret %s/%s: %w", ns, ServingSecret, err)
	}
	var ips []net.IP
	if opts.External != nil {
		if ip := net.ParseIP(opts.External.Host); ip != nil {
			ips = append(ips, ip)
		}
		if opts.External.Host == "localhost" {
			ips = append(ips, net.ParseIP("127.0.0.1"))
		}
	}
	certPEM, keyPEM, err := certutil.GenerateSelfSignedCertKey(names[0], ips, names[1:])
	if err != nil {
		return nil, false, err
	}
	// certPEM is the serving certificate followed by the CA that signed it.
	blocks := splitPEM(certPEM)
	if len(blocks) != 2 {
		return nil, false, fmt.Errorf("unexpected self-signed certificate chain of %d blocks", len(blocks))
	}
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: ServingSecret, Namespace: ns, Labels: map[string]string{"app.kubernetes.io/part-of": "meridian"}},
		Type:       corev1.SecretTypeTLS,
		Data:       map[string][]byte{corev1.TLSCertKey: blocks[0], corev1.TLSPrivateKeyKey: keyPEM, "ca.crt": blocks[1]},
	}
	return secret, true, nil
}

// servingNames are the names the aggregator may dial the server by.
func servingNames(opts Options) []string {
	svc := APIServerName + "." + opts.namespace() + ".svc"
	names := []string{svc, svc + ".cluster.local", APIServerName + "." + opts.namespace()}
	if opts.External != nil && net.ParseIP(opts.External.Host) == nil {
		names = append(names, opts.External.Host)
	}
	return names
}

// unusable says why a serving Secret cannot be kept ("" when it can).
func unusable(s *corev1.Secret, names []string) string {
	blocks := splitPEM(s.Data[corev1.TLSCertKey])
	if len(blocks) == 0 || len(s.Data[corev1.TLSPrivateKeyKey]) == 0 || len(s.Data["ca.crt"]) == 0 {
		return "incomplete"
	}
	block, _ := pem.Decode(blocks[0])
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return "unreadable certificate"
	}
	if time.Until(cert.NotAfter) < renewBefore {
		return "expires " + cert.NotAfter.Format(time.RFC3339)
	}
	for _, n := range names {
		if cert.VerifyHostname(n) != nil {
			return "not valid for " + n
		}
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.Data["ca.crt"]) {
		return "unreadable ca.crt"
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
		return "not signed by its ca.crt"
	}
	return ""
}

func writeSecret(ctx context.Context, kube kubernetes.Interface, s *corev1.Secret) error {
	secrets := kube.CoreV1().Secrets(s.Namespace)
	cur, err := secrets.Get(ctx, s.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		_, err = secrets.Create(ctx, s, metav1.CreateOptions{FieldManager: FieldManager})
		return err
	}
	if err != nil {
		return err
	}
	cur.Data = s.Data
	cur.Type = s.Type
	_, err = secrets.Update(ctx, cur, metav1.UpdateOptions{FieldManager: FieldManager})
	return err
}

func splitPEM(data []byte) [][]byte {
	var out [][]byte
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return out
		}
		out = append(out, pem.EncodeToMemory(b))
	}
}

func validateNamespace(ns string) []string { return validation.IsDNS1123Label(ns) }

func encodeBase64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
