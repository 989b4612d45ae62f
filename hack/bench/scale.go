package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"

	"github.com/meridianfed/meridian/pkg/devenv"
	"github.com/meridianfed/meridian/pkg/devenv/glooinstall"
	meridianclient "github.com/meridianfed/meridian/pkg/generated/clientset/versioned"
)

type scaleStep struct {
	members, objects   int
	cached, consistent listResult
	limit              limitResult
	// LIST requests of Upstreams the registered members received per
	// consistent list.
	memberLists float64
}

type scaleResult struct {
	steps []scaleStep
	// oneMember is the median of one member's own metadata-only list of its
	// Upstreams, from the bench: what each member adds to a consistent list
	// if the fan-out waited for the members one after the other.
	oneMember time.Duration
	// started is how many members the environment was started with, and
	// startErrs why larger environments did not start.
	started   int
	startErrs []string
	stepErr   error
	memBefore int64
	memAfter  int64
	load      string
}

// runScale measures list latency as members are added, in an environment of
// its own (after the other parts' environment is stopped): members with
// c.scaleUpstreams Upstreams each are registered in steps of
// c.scaleSteps, and at each step the cached and the consistent list of
// every Upstream are timed, beside the physical limit of that many views.
func runScale(ctx context.Context, c config, out io.Writer) error {
	res := scaleResult{memBefore: memAvailable()}
	var env *devenv.Environment
	var dir string
	steps := slices.Clone(c.scaleSteps)
	// As many members as fit: when the largest environment does not start,
	// the next smaller step is tried, and the report says so.
	for attempt := 0; len(steps) > 0; attempt++ {
		n := steps[len(steps)-1]
		var names []string
		for i := range n {
			names = append(names, fmt.Sprintf("s%02d", i))
		}
		d, err := os.MkdirTemp("", "meridian-bench-scale-")
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "scale: starting an environment of %d members\n", n)
		e, err := devenv.Start(ctx, devenv.Options{Dir: d, Members: names, Progress: os.Stderr, ReadyTimeout: 10 * time.Minute})
		if err == nil {
			env, dir = e, d
			res.started = n
			break
		}
		os.RemoveAll(d)
		if ctx.Err() != nil {
			return err
		}
		res.startErrs = append(res.startErrs, fmt.Sprintf("%d members (attempt %d): %v", n, attempt%2+1, err))
		fmt.Fprintf(os.Stderr, "scale: %d members did not start: %v\n", n, err)
		if attempt%2 == 1 { // each size gets two tries
			steps = steps[:len(steps)-1]
		}
	}
	if env == nil {
		res.report(out, c)
		return nil
	}
	defer c.removeDir(dir)
	defer env.Stop()
	env.StopWhenOrphaned()
	res.memAfter = memAvailable()

	crds, err := glooinstall.CRDDocuments()
	if err != nil {
		return err
	}
	// A few members at a time: 30 kube-apiservers establishing 11 CRDs
	// each at once on 2 cores take longer than InstallCRDs waits.
	err = forEachLimited(env.Members, 4, func(m *devenv.Cluster) error {
		if err := installCRDs(ctx, m, crds); err != nil {
			return err
		}
		return createUpstreams(ctx, m.RESTConfig(), m.Name, c.scaleUpstreams)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "scale: created %d Upstreams in each of %d members\n", c.scaleUpstreams, len(env.Members))
	if _, err := env.StartMeridian(ctx, c.meridian); err != nil {
		return err
	}
	res.oneMember, err = memberMetadataList(ctx, env.Members[0].RESTConfig(), c.rounds)
	if err != nil {
		return err
	}
	quiet := env.Management.RESTConfig()
	quiet.WarningHandler = rest.NoWarnings{}
	views := meridianclient.NewForConfigOrDie(quiet)
	res.load = loadAvg()
	registered := 0
	for _, n := range steps {
		if err := scaleTo(ctx, c, env, registered, n, views, &res); err != nil {
			res.stepErr = fmt.Errorf("at %d members: %w", n, err)
			fmt.Fprintf(os.Stderr, "scale: %v\n", res.stepErr)
			break
		}
		registered = n
	}
	res.report(out, c)
	return nil
}

// scaleTo registers members [from, to) and measures the lists once the
// views hold every Upstream of the first to members.
func scaleTo(ctx context.Context, c config, env *devenv.Environment, from, to int, views meridianclient.Interface, res *scaleResult) error {
	var names []string
	for _, m := range env.Members[from:to] {
		names = append(names, m.Name)
	}
	if err := env.RegisterMembers(ctx, names...); err != nil {
		return err
	}
	want := to * c.scaleUpstreams
	cfg := env.Management.RESTConfig()
	warnings := &lastWarnings{}
	cfg.WarningHandlerWithContext = warnings
	watched := meridianclient.NewForConfigOrDie(cfg)
	// Every member synced: a consistent list holds every object, without
	// a warning.
	if err := waitFor(ctx, 5*time.Minute, fmt.Sprintf("the views to show %d Upstreams of %d members", want, to), func() bool {
		warnings.reset()
		l, err := watched.ViewsV1alpha1().Upstreams("bench").List(ctx, metav1.ListOptions{})
		return err == nil && len(l.Items) == want && warnings.count() == 0
	}); err != nil {
		return err
	}
	step := scaleStep{members: to, objects: want}
	step.cached = timeLists(ctx, c.rounds, func() (int, error) {
		l, err := views.ViewsV1alpha1().Upstreams("bench").List(ctx, metav1.ListOptions{ResourceVersion: "0"})
		return lenViews(l, err)
	})
	if step.cached.err != nil {
		return step.cached.err
	}
	before, err := listCounts(ctx, env.Members[:to])
	if err != nil {
		return err
	}
	step.consistent = timeLists(ctx, c.rounds, func() (int, error) {
		l, err := views.ViewsV1alpha1().Upstreams("bench").List(ctx, metav1.ListOptions{})
		return lenViews(l, err)
	})
	if step.consistent.err != nil {
		return step.consistent.err
	}
	after, err := listCounts(ctx, env.Members[:to])
	if err != nil {
		return err
	}
	step.memberLists = (after - before) / float64(c.rounds+1)
	l, err := views.ViewsV1alpha1().Upstreams("bench").List(ctx, metav1.ListOptions{ResourceVersion: "0"})
	if err != nil {
		return err
	}
	if step.limit, err = physicalLimit(ctx, l, c.rounds, false); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "scale: %d members: cached %s, consistent %s, limit %s\n", to, step.cached.median, step.consistent.median, step.limit.total)
	res.steps = append(res.steps, step)
	return nil
}

// memberMetadataList times one member's metadata-only list of its
// Upstreams, as a consistent read of the views asks of every member.
func memberMetadataList(ctx context.Context, cfg *rest.Config, rounds int) (time.Duration, error) {
	client, err := metadata.NewForConfig(cfg)
	if err != nil {
		return 0, err
	}
	gvr := schema.GroupVersionResource{Group: "gloo.solo.io", Version: "v1", Resource: "upstreams"}
	r := timeLists(ctx, rounds, func() (int, error) {
		l, err := client.Resource(gvr).List(ctx, metav1.ListOptions{})
		if err != nil {
			return 0, err
		}
		return len(l.Items), nil
	})
	return r.median, r.err
}

func (r scaleResult) report(out io.Writer, c config) {
	date := time.Now().UTC().Format("2006-01-02")
	fmt.Fprintf(out, "## List latency as members are added (%s)\n\n", date)
	flags := fmt.Sprintf("--scale-members %s --scale-upstreams %d --rounds %d", joinInts(c.scaleSteps), c.scaleUpstreams, c.rounds)
	fmt.Fprintf(out, "Command: %s, on this machine (%s).\n\n", command(c, "scale", flags), machine(r.load))
	fmt.Fprintf(out, "An environment of its own (after the one above is stopped): %d member kube-apiservers sharing one etcd, %d Upstreams each, registered in steps (%s members); at each step, once a consistent list holds every Upstream without a warning, the median of %d lists of all of them through the aggregator, beside the physical limit of that many views (as above).",
		r.started, c.scaleUpstreams, joinInts(c.scaleSteps), c.rounds)
	if r.started > 0 && r.memBefore > r.memAfter && r.memAfter > 0 {
		fmt.Fprintf(out, " Starting the environment took %.1f GiB of the machine's available memory.", float64(r.memBefore-r.memAfter)/(1<<30))
	}
	fmt.Fprintf(out, "\n\n")
	for _, e := range r.startErrs {
		fmt.Fprintf(out, "An environment did not start: %s.\n\n", e)
	}
	if r.started < c.scaleSteps[len(c.scaleSteps)-1] {
		fmt.Fprintf(out, "%d members did not fit this machine: measured as far as it went (%d members).\n\n", c.scaleSteps[len(c.scaleSteps)-1], r.started)
	}
	if len(r.steps) == 0 {
		fmt.Fprintf(out, "Nothing measured.\n\n")
		if r.stepErr != nil {
			fmt.Fprintf(out, "Stopped %v.\n\n", r.stepErr)
		}
		return
	}
	fmt.Fprintf(out, "| members | Upstreams | cached list (resourceVersion=0) | consistent list | physical limit | cached ÷ limit | consistent ÷ limit | growth over the previous step: objects / cached / consistent | latency per object vs the first step: cached / consistent | consistent − cached | LISTs the members received per consistent list |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
	first := r.steps[0]
	for i, s := range r.steps {
		growth := "—"
		if i > 0 {
			p := r.steps[i-1]
			growth = fmt.Sprintf("×%.2f / ×%.2f / ×%.2f", float64(s.objects)/float64(p.objects), ratio(s.cached.median, p.cached.median), ratio(s.consistent.median, p.consistent.median))
		}
		perObj := func(a, b time.Duration) float64 {
			return (float64(a) / float64(s.objects)) / (float64(b) / float64(first.objects))
		}
		fmt.Fprintf(out, "| %d | %d | %s | %s | %s | %.2f | %.2f | %s | %.2f / %.2f | %s | %.1f |\n",
			s.members, s.objects, ms(s.cached.median), ms(s.consistent.median), ms(s.limit.total),
			ratio(s.cached.median, s.limit.total), ratio(s.consistent.median, s.limit.total), growth,
			perObj(s.cached.median, first.cached.median), perObj(s.consistent.median, first.consistent.median),
			ms(s.consistent.median-s.cached.median), s.memberLists)
	}
	fmt.Fprintf(out, "\nLinear in objects means growth no faster than the objects (latency per object vs the first step ≤ 1.00). The consistent list's extra time (consistent − cached) is its live fan-out: one metadata-only LIST per member, in parallel. One member's own such list of its %d Upstreams takes %s from the bench; a fan-out waiting for the members one after another would add about that per member (%s at %d members).\n\n",
		c.scaleUpstreams, ms(r.oneMember), ms(r.oneMember*time.Duration(r.steps[len(r.steps)-1].members)), r.steps[len(r.steps)-1].members)
	if r.stepErr != nil {
		fmt.Fprintf(out, "Stopped %v: measured as far as it went.\n\n", r.stepErr)
	}
}

func joinInts(v []int) string {
	s := ""
	for i, n := range v {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprint(n)
	}
	return s
}
