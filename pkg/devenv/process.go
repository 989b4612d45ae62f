package devenv

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// stopGrace is how long a server gets to exit on SIGTERM before SIGKILL.
// kube-apiserver keeps retrying etcd on shutdown, so waiting longer only
// slows every test down.
const stopGrace = 3 * time.Second

// process is one server binary the environment runs.
type process struct {
	name    string
	path    string
	args    []string
	logFile string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// start launches the process in its own process group, so a terminal's Ctrl-C
// reaches the environment (which stops it in order) rather than the server,
// and with PR_SET_PDEATHSIG so that it dies with its parent whatever happens
// to the parent (a panic, a test timeout, SIGKILL).
func (p *process) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		return fmt.Errorf("%s is already running", p.name)
	}
	log, err := os.OpenFile(p.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(p.path, p.args...)
	cmd.Stdout = log
	cmd.Stderr = log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		log.Close()
		return fmt.Errorf("starting %s: %w", p.name, err)
	}
	done := make(chan struct{})
	p.cmd, p.done = cmd, done
	go func() {
		err := cmd.Wait()
		log.Close()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(done)
	}()
	return nil
}

// exited reports whether the process has ended, with its error.
func (p *process) exited() (bool, error) {
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	if done == nil {
		return true, nil
	}
	select {
	case <-done:
		p.mu.Lock()
		defer p.mu.Unlock()
		return true, p.err
	default:
		return false, nil
	}
}

// stop ends the process and everything in its process group: SIGTERM, then
// SIGKILL after stopGrace. It returns once the process has been reaped.
func (p *process) stop() {
	cmd, done := p.detach()
	if cmd == nil {
		return
	}
	pgid := cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(stopGrace):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-done
	}
	// Anything the server forked and left in its group goes too.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

// detach takes the running command out of p (nil when none runs), so that
// exactly one caller stops it.
func (p *process) detach() (*exec.Cmd, chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	cmd, done := p.cmd, p.done
	p.cmd, p.done = nil, nil
	return cmd, done
}

// kill ends the process group with SIGKILL at once, as a crash or a lost
// node would, and returns once the process has been reaped.
func (p *process) kill() {
	cmd, done := p.detach()
	if cmd == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	<-done
}

// handedOut are the ports freePort gave in this process. The kernel may
// give a released port again at once, and the servers of an environment
// start concurrently: without this, two of them could be given the same
// port (seen: a member's kube-apiserver failing to bind the management
// cluster's).
var handedOut = struct {
	sync.Mutex
	ports map[int]bool
}{ports: map[int]bool{}}

// freePort asks the kernel for a free loopback port, never one it gave
// before in this process. The port is released before the server binds it;
// another process may still take it in that window, and the server then
// fails loudly.
func freePort() (int, error) {
	handedOut.Lock()
	defer handedOut.Unlock()
	for {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if !handedOut.ports[port] {
			handedOut.ports[port] = true
			return port, nil
		}
	}
}

// freePorts returns n distinct free ports (see freePort).
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		ports = append(ports, port)
	}
	return ports, nil
}

// portOpen reports whether something accepts connections on the port.
func portOpen(port int) bool {
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 200*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

var errExited = errors.New("process exited")

// FreePort returns a free loopback port (see freePort), for a server a
// caller starts itself, such as the aggregated server behind
// `meridianctl install --external-apiserver`.
func FreePort() (int, error) { return freePort() }

// signal sends sig to the process group, if the process runs.
func (p *process) signal(sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return fmt.Errorf("%s is not running", p.name)
	}
	return syscall.Kill(-p.cmd.Process.Pid, sig)
}
