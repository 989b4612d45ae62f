package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// syncBuffer is a bytes.Buffer a running command writes while a spec reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The README, followed as a newcomer would: `make demo` (the meridian-demo
// binary it runs, with its two members east and west), then the commands the
// README gives, against the demo's own environment.
var _ = Describe("The README's demo", Ordered, func() {
	var dir, cli, kubeconfig string

	meridianctl := func(ctx context.Context, args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, cli, args...)
		cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
		out, err := cmd.Output()
		return string(out), err
	}

	BeforeAll(func(ctx SpecContext) {
		demo := buildBinary(ctx, "./hack/demo")
		apiserver := buildBinary(ctx, "./cmd/apiserver")
		controller := buildBinary(ctx, "./cmd/controller")
		cli = buildBinary(ctx, "./cmd/meridianctl")
		dir = GinkgoT().TempDir()
		kubeconfig = filepath.Join(dir, "kubeconfig")
		cmd := exec.Command(demo, "--dir", dir, "--members", "2", "--apiserver", apiserver, "--controller", controller)
		// etcd, then a kube-apiserver and a kube-controller-manager for the
		// management cluster and each member, then Meridian's two servers.
		startAndWaitReady(ctx, cmd, dir, 9)
	}, NodeTimeout(5*time.Minute))

	It("is ready only once `meridianctl cluster list` shows every member reachable", func(ctx SpecContext) {
		out, err := meridianctl(ctx, "cluster", "list", "-o", "json")
		Expect(err).NotTo(HaveOccurred(), out)
		var rows []struct {
			Name              string     `json:"name"`
			Reachable         string     `json:"reachable"`
			KubernetesVersion string     `json:"kubernetesVersion"`
			LastSync          *time.Time `json:"lastSync"`
			GlooInstances     []string   `json:"glooInstances"`
		}
		Expect(json.Unmarshal([]byte(out), &rows)).To(Succeed(), out)
		Expect(rows).To(HaveLen(2))
		for _, r := range rows {
			Expect(r.Reachable).To(Equal("True"), "%s right after .demo/ready: %s", r.Name, out)
			Expect(r.KubernetesVersion).NotTo(BeEmpty(), "%s: %s", r.Name, out)
			Expect(r.LastSync).NotTo(BeNil(), "%s: %s", r.Name, out)
			Expect(r.GlooInstances).To(ConsistOf("gloo-system/"+r.Name+"-gloo-system"), "%s: %s", r.Name, out)
		}
	}, SpecTimeout(5*time.Minute))

	It("places the README's federated example, and Gloo in every member accepts it: READY True", func(ctx SpecContext) {
		out, err := kubectl(ctx, kubeconfig, "apply", "-f", filepath.Join(repoRoot, "docs", "examples", "federated-petstore.yaml"))
		Expect(err).NotTo(HaveOccurred(), out)
		Eventually(func(g Gomega) {
			out, err := kubectl(ctx, kubeconfig, "get", "federatedupstreams,federatedvirtualservices", "-A")
			g.Expect(err).NotTo(HaveOccurred(), out)
			g.Expect(out).To(MatchRegexp(`(?m)^default\s+federatedupstream\.fed\.meridian\.io/petstore\s+2/2\s+2/2\s+True\s`))
			g.Expect(out).To(MatchRegexp(`(?m)^default\s+federatedvirtualservice\.fed\.meridian\.io/petstore\s+2/2\s+2/2\s+True\s`))
		}).WithContext(ctx).WithTimeout(time.Minute).Should(Succeed())
	}, SpecTimeout(2*time.Minute))

	It("turns west's Rejected VirtualService Accepted, live in a watch and in check, once the Upstream it routes to exists", func(ctx SpecContext) {
		out, _ := meridianctl(ctx, "check")
		Expect(out).To(MatchRegexp(`error:\s+team-a/orders: .*team-a-orders-v2-8080 } not found`))

		var watched syncBuffer
		watch := kubectlCommand(ctx, kubeconfig, "get", "virtualservices.views.meridian.io",
			"-n", "team-a", "--field-selector", "cluster=west", "-w")
		watch.Stdout, watch.Stderr = &watched, &watched
		Expect(watch.Start()).To(Succeed())
		DeferCleanup(func() { _ = watch.Process.Kill(); _ = watch.Wait() })
		Eventually(watched.String).WithContext(ctx).WithTimeout(30 * time.Second).Should(MatchRegexp(`west\.orders\s+west\s+orders\.example\.com\s+Rejected`))

		upstream := kubectlCommand(ctx, filepath.Join(dir, "west.kubeconfig"), "apply", "-f", "-")
		upstream.Stdin = bytes.NewBufferString(`{"apiVersion":"gloo.solo.io/v1","kind":"Upstream","metadata":{"name":"team-a-orders-v2-8080","namespace":"team-a"},` +
			`"spec":{"kube":{"serviceName":"orders-v2","serviceNamespace":"team-a","servicePort":8080}}}`)
		b, err := upstream.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(b))

		Eventually(watched.String).WithContext(ctx).WithTimeout(30*time.Second).Should(
			MatchRegexp(`west\.orders\s+west\s+orders\.example\.com\s+Accepted`), "the open watch shows the change")
		Eventually(func() string { out, _ := meridianctl(ctx, "check"); return out }).WithContext(ctx).WithTimeout(30*time.Second).
			ShouldNot(ContainSubstring("team-a/orders"), "check no longer reports it")
	}, SpecTimeout(2*time.Minute))
})
