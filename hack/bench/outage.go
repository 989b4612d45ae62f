package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
	"github.com/meridianfed/meridian/pkg/devenv"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
)

type outageResult struct {
	member  string
	objects int
	// Since Pause: when the views no longer held the member's objects
	// (dropped < 0: not within the outage).
	dropped time.Duration
	// Since Resume: the member's first answer (GET /readyz), the views
	// holding every object of the member again, and the replies no longer
	// warning about it.
	answered, complete, noWarning time.Duration
	// A consistent list right after: every object, and no warning.
	consistentOK bool
	// The polls of the next seconds: how many, how many incomplete, how
	// many warning about the member.
	polls, incomplete, warnedAgain int
	load                           string
}

// afterwards is how long the views are watched once complete again.
const afterwards = 10 * time.Second

// runOutage pauses member's kube-apiserver (SIGSTOP) for c.outage, longer
// than the server's grace after which an unreachable member's objects leave
// the views, then resumes it (SIGCONT) and measures how long the views take
// to hold every object of the member again.
func runOutage(ctx context.Context, c config, env *devenv.Environment, member *devenv.Cluster) (outageResult, error) {
	res := outageResult{member: member.Name, objects: c.perMember, dropped: -1, load: loadAvg()}
	cfg := env.Management.RESTConfig()
	warnings := &lastWarnings{}
	cfg.WarningHandlerWithContext = warnings
	views := meridianclient.NewForConfigOrDie(cfg)
	selector := metav1.ListOptions{ResourceVersion: "0", LabelSelector: viewsv1alpha1.ClusterLabel + "=" + member.Name}
	// held lists the member's Upstreams from the views' cache; it reports
	// how many there are and whether the reply warned about the member.
	held := func(opts metav1.ListOptions) (int, bool, error) {
		warnings.reset()
		lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		l, err := views.ViewsV1alpha1().Upstreams("bench").List(lctx, opts)
		if err != nil {
			return 0, false, err
		}
		return len(l.Items), warnings.mentions(member.Name), nil
	}
	if n, _, err := held(selector); err != nil || n != c.perMember {
		return res, fmt.Errorf("before the outage the views hold %d Upstreams of %s, not %d (%v)", n, member.Name, c.perMember, err)
	}

	fmt.Fprintf(os.Stderr, "outage: pausing %s for %s\n", member.Name, c.outage)
	if err := member.Pause(); err != nil {
		return res, err
	}
	paused := time.Now()
	resumed := false
	defer func() {
		if !resumed {
			_ = member.Resume()
		}
	}()
	for time.Since(paused) < c.outage {
		if res.dropped < 0 {
			if n, _, err := held(selector); err == nil && n == 0 {
				res.dropped = time.Since(paused)
				fmt.Fprintf(os.Stderr, "outage: %s's objects left the views after %s\n", member.Name, res.dropped.Round(100*time.Millisecond))
			}
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(min(500*time.Millisecond, time.Until(paused.Add(c.outage)))):
		}
	}

	// The member's first answer, from a client of its own.
	answered := make(chan time.Duration, 1)
	kube, err := kubernetes.NewForConfig(member.RESTConfig())
	if err != nil {
		return res, err
	}
	if err := member.Resume(); err != nil {
		return res, err
	}
	resumedAt := time.Now()
	resumed = true
	fmt.Fprintf(os.Stderr, "outage: resumed %s\n", member.Name)
	go func() {
		for ctx.Err() == nil {
			rctx, cancel := context.WithTimeout(ctx, time.Second)
			err := kube.Discovery().RESTClient().Get().AbsPath("/readyz").Do(rctx).Error()
			cancel()
			if err == nil {
				answered <- time.Since(resumedAt)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	res.complete, res.noWarning = -1, -1
	deadline := resumedAt.Add(5 * time.Minute)
	for res.complete < 0 || res.noWarning < 0 {
		if time.Now().After(deadline) {
			return res, fmt.Errorf("the views did not hold every Upstream of %s again within 5 minutes of its resuming", member.Name)
		}
		n, warned, err := held(selector)
		at := time.Since(resumedAt)
		if err == nil && n == c.perMember {
			if res.complete < 0 {
				res.complete = at
			}
			if !warned && res.noWarning < 0 {
				res.noWarning = at
			}
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	// And it stays so: the polls of the next few seconds.
	for end := time.Now().Add(afterwards); time.Now().Before(end); {
		n, warned, err := held(selector)
		res.polls++
		if err != nil || n != c.perMember {
			res.incomplete++
			fmt.Fprintf(os.Stderr, "outage: %s after Resume, the views hold %d Upstreams of %s (%v)\n", time.Since(resumedAt).Round(time.Millisecond), n, member.Name, err)
		}
		if warned {
			res.warnedAgain++
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	select {
	case res.answered = <-answered:
	case <-time.After(time.Minute):
		return res, fmt.Errorf("%s did not answer /readyz within a minute of resuming", member.Name)
	}
	n, warned, err := held(metav1.ListOptions{LabelSelector: selector.LabelSelector})
	res.consistentOK = err == nil && n == c.perMember && !warned
	fmt.Fprintf(os.Stderr, "outage: %s answered after %s, views complete after %s\n", member.Name, res.answered, res.complete)
	return res, nil
}

func (r outageResult) report(out io.Writer, c config, cmd, date string) {
	grace := "30s, the server's default"
	if c.removeAfter > 0 {
		grace = c.removeAfter.String()
	}
	fmt.Fprintf(out, "## A member back after a %s outage (%s)\n\n", c.outage, date)
	fmt.Fprintf(out, "Command: %s, on this machine (%s).\n\n", cmd, machine(r.load))
	fmt.Fprintf(out, "Member %s's kube-apiserver is paused (SIGSTOP: its port and connections stay open, nothing answers) for %s, longer than --member-remove-after (%s), then resumed (SIGCONT). The views are polled every 50 ms with a cached list (resourceVersion=0) of that member's %d Upstreams.\n\n",
		r.member, c.outage, grace, r.objects)
	fmt.Fprintf(out, "| measurement | result | target |\n|---|---|---|\n")
	if r.dropped >= 0 {
		fmt.Fprintf(out, "| from Pause until the member's objects left the views | %s | |\n", r.dropped.Round(100*time.Millisecond))
	} else {
		fmt.Fprintf(out, "| from Pause until the member's objects left the views | not within the %s outage | |\n", c.outage)
	}
	fmt.Fprintf(out, "| from Resume until the member answered its first request (GET /readyz from the bench) | %s | |\n", ms(r.answered))
	fmt.Fprintf(out, "| from Resume until a list of the views held all %d of its Upstreams again | %s (%s after the member answered) | ≤ 5s |\n", r.objects, ms(r.complete), ms(r.complete-r.answered))
	fmt.Fprintf(out, "| from Resume until such a list also stopped warning about the member | %s | |\n", ms(r.noWarning))
	verdict := "every Upstream, no warning"
	if !r.consistentOK {
		verdict = "incomplete, or warned"
	}
	fmt.Fprintf(out, "| the %s after that: lists missing some of its Upstreams / lists warning about it again, of %d | %d / %d | 0 / 0 |\n", afterwards, r.polls, r.incomplete, r.warnedAgain)
	fmt.Fprintf(out, "| a consistent list (resourceVersion unset) of the member then | %s | |\n\n", verdict)
}
