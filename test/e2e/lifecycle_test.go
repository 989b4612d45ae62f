package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// serversUsing returns the pids of processes whose command line mentions dir:
// every etcd and kube-apiserver of an environment is started with paths
// inside its directory.
func serversUsing(dir string) []int {
	entries, err := os.ReadDir("/proc")
	Expect(err).NotTo(HaveOccurred())
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		stat, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if bytes.Contains(stat, []byte(") Z ")) {
			continue // a zombie has already exited
		}
		exe := filepath.Base(string(bytes.SplitN(cmdline, []byte{0}, 2)[0]))
		if (exe == "etcd" || exe == "kube-apiserver" || exe == "kube-controller-manager" || exe == "apiserver" || exe == "controller") && bytes.Contains(cmdline, []byte(dir)) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// startAndWaitReady starts cmd, waits for dir/ready and checks that the
// expected number of servers run. It returns a function that waits for the
// command to exit and returns its error.
func startAndWaitReady(ctx context.Context, cmd *exec.Cmd, dir string, servers int) (wait func() error) {
	cmd.Stdout = GinkgoWriter
	cmd.Stderr = GinkgoWriter
	Expect(cmd.Start()).To(Succeed())
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	wait = func() error {
		<-exited
		return waitErr
	}
	DeferCleanup(func() { _ = cmd.Process.Kill(); <-exited })
	Eventually(func() error {
		select {
		case <-exited:
			return StopTrying(fmt.Sprintf("%s exited before it was ready: %v", cmd.Path, waitErr))
		default:
		}
		_, err := os.Stat(filepath.Join(dir, "ready"))
		return err
	}).WithContext(ctx).WithTimeout(2*time.Minute).WithPolling(200*time.Millisecond).Should(Succeed(), "%s never became ready", cmd.Path)
	Expect(serversUsing(dir)).To(HaveLen(servers), "etcd, a kube-apiserver and a kube-controller-manager for the management cluster and one member (and Meridian's apiserver and controller for the demo) should be running")
	return wait
}

var _ = Describe("Process lifecycle: no server outlives the run that started it", Ordered, func() {
	var demo, crasher, apiserver, controller string

	BeforeAll(func(ctx SpecContext) {
		demo = buildBinary(ctx, "./hack/demo")
		apiserver = buildBinary(ctx, "./cmd/apiserver")
		controller = buildBinary(ctx, "./cmd/controller")
		crasher = buildBinary(ctx, "./test/e2e/testdata/crasher")
	}, NodeTimeout(5*time.Minute))

	It("make demo stops every server on Ctrl-C (SIGINT) and on SIGTERM", func(ctx SpecContext) {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			dir := GinkgoT().TempDir()
			cmd := exec.Command(demo, "--dir", dir, "--members", "1", "--apiserver", apiserver, "--controller", controller)
			wait := startAndWaitReady(ctx, cmd, dir, 7)
			Expect(cmd.Process.Signal(sig)).To(Succeed())
			Expect(wait()).To(Succeed(), "the demo exits cleanly on %s", sig)
			Expect(serversUsing(dir)).To(BeEmpty(), "servers left after %s", sig)
			Expect(filepath.Join(dir, "ready")).NotTo(BeAnExistingFile(), "the ready marker is removed on stop")
		}
	}, SpecTimeout(5*time.Minute))

	It("a killed demo (SIGKILL) takes its servers with it", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		cmd := exec.Command(demo, "--dir", dir, "--members", "1", "--apiserver", apiserver, "--controller", controller)
		wait := startAndWaitReady(ctx, cmd, dir, 7)
		Expect(cmd.Process.Kill()).To(Succeed())
		_ = wait()
		Eventually(func() []int { return serversUsing(dir) }).WithContext(ctx).WithTimeout(10 * time.Second).Should(BeEmpty())
	}, SpecTimeout(3*time.Minute))

	It("a test binary that panics with servers running leaves none behind", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		cmd := exec.Command(crasher, "--dir", dir, "--mode", "panic")
		cmd.Stdout, cmd.Stderr = GinkgoWriter, GinkgoWriter
		Expect(cmd.Start()).To(Succeed())
		err := cmd.Wait()
		Expect(err).To(HaveOccurred(), "the crasher panics")
		Expect(filepath.Join(dir, "ready")).To(BeAnExistingFile(), "it had started its servers before panicking")
		Eventually(func() []int { return serversUsing(dir) }).WithContext(ctx).WithTimeout(10 * time.Second).Should(BeEmpty())
	}, SpecTimeout(3*time.Minute))

	It("a test binary orphaned by a killed `go test` stops its servers", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		// bash stands in for `go test`: the parent that dies on SIGTERM
		// without passing the signal on.
		parent := exec.Command("bash", "-c", `"$0" --dir "$1" --mode wait; true`, crasher, dir)
		wait := startAndWaitReady(ctx, parent, dir, 5)
		Expect(parent.Process.Signal(syscall.SIGKILL)).To(Succeed())
		_ = wait()
		Eventually(func() []int { return serversUsing(dir) }).WithContext(ctx).WithTimeout(15 * time.Second).Should(BeEmpty())
	}, SpecTimeout(3*time.Minute))
})
