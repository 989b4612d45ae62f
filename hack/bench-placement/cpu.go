package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/meridianfed/meridian/pkg/devenv"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times: 100 on
// every Linux architecture Go supports.
const clockTicks = 100

// cpuUse is the CPU time, in seconds, that the environment's processes
// (this process's descendants) have used, by role.
type cpuUse map[string]float64

// roles, in the order they are printed.
var roles = []string{"member kube-apiservers", "management kube-apiserver", "etcd", "meridian-apiserver", "meridian-controller", "others"}

// cpuOf reads /proc: every descendant of this process, classified by its
// command line (the management kube-apiserver by its secure port).
func cpuOf(env *devenv.Environment) cpuUse {
	mgmtPort := ""
	if u, err := url.Parse(env.Management.RESTConfig().Host); err == nil {
		mgmtPort = u.Port()
	}
	type proc struct {
		ppid int
		cpu  float64
		args string
	}
	procs := map[int]proc{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join(d, "stat"))
		if err != nil {
			continue
		}
		// The fields after the command, which is in parentheses and may
		// hold spaces: state ppid ... utime(14) stime(15), 1-based.
		i := strings.LastIndexByte(string(stat), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 13 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		utime, _ := strconv.ParseFloat(f[11], 64)
		stime, _ := strconv.ParseFloat(f[12], 64)
		cmdline, _ := os.ReadFile(filepath.Join(d, "cmdline"))
		procs[pid] = proc{ppid: ppid, cpu: (utime + stime) / clockTicks, args: strings.ReplaceAll(string(cmdline), "\x00", " ")}
	}
	self := os.Getpid()
	descends := func(pid int) bool {
		for range 64 {
			p, ok := procs[pid]
			if !ok || p.ppid == 0 {
				return false
			}
			if p.ppid == self {
				return true
			}
			pid = p.ppid
		}
		return false
	}
	out := cpuUse{}
	for pid, p := range procs {
		if !descends(pid) {
			continue
		}
		bin := filepath.Base(strings.Fields(p.args + " x")[0])
		role := "others"
		switch {
		case bin == "kube-apiserver" && mgmtPort != "" && strings.Contains(p.args, "--secure-port="+mgmtPort+" "):
			role = "management kube-apiserver"
		case bin == "kube-apiserver":
			role = "member kube-apiservers"
		case bin == "etcd", bin == "meridian-apiserver", bin == "meridian-controller":
			role = bin
		}
		out[role] += p.cpu
	}
	return out
}

// since describes the CPU used after earlier, over wall seconds.
func (c cpuUse) since(earlier cpuUse, wall float64) string {
	var total float64
	var parts []string
	for _, r := range roles {
		d := c[r] - earlier[r]
		total += d
		if d >= 0.05 {
			parts = append(parts, fmt.Sprintf("%s %.1f", r, d))
		}
	}
	return fmt.Sprintf("%.1f s of CPU in %.1f s (%s)", total, wall, strings.Join(parts, ", "))
}
