package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/outdir"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/pipeline"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// sweepRun is one claim run at one point of the grid.
type sweepRun struct {
	Point    string         `json:"point"`
	Claim    string         `json:"claim"`
	Variant  string         `json:"variant"`
	Want     checker.Status `json:"want"`
	Got      checker.Status `json:"got"`
	OK       bool           `json:"ok"`
	Steps    int            `json:"steps"`
	Loop     int            `json:"loop"`
	States   uint64         `json:"states"`
	Seconds  float64        `json:"seconds"`
	Complete bool           `json:"complete"`
	// Stop says why an incomplete run ended: the bound, or "refused: REASON" when the fsm
	// refused the point's config.
	Stop string `json:"stop"`
	// SeqSpace is the sequence space the run used; Raised says it was raised above the
	// claim's so that the point's config fits.
	SeqSpace int  `json:"seqspace"`
	Raised   bool `json:"raised"`
	// Exploration is the index in sweepResult.Explorations of the search that decided the
	// run (-1 for a refused one); States and Seconds are that search's.
	Exploration int `json:"exploration"`
	// NotApplicable: the point contradicts the claim's premise (Stop says how), so the run
	// was not made and is no expectation.
	NotApplicable bool `json:"not_applicable"`
	refused       bool
}

// failed: the run decided against its claim. A run that could not decide (incomplete,
// refused) has not failed, but has not met its expectation either.
func (r sweepRun) failed() bool {
	return !r.NotApplicable && !r.refused && r.Got != checker.Unknown && !r.OK
}

func (r sweepRun) undecided() bool {
	return !r.NotApplicable && (r.refused || r.Got == checker.Unknown)
}

// sweepPoint is a point as sweep.json lists it.
type sweepPoint struct {
	Name     string   `json:"name"`
	Settings []string `json:"settings"`
}

// sweepResult is sweep.json.
type sweepResult struct {
	Grid string `json:"grid"`
	// Build identifies the build of verify that wrote the file (buildID), and Visited the
	// visited set of its searches: what --resume checks before it takes any result.
	Build   string `json:"build"`
	Visited string `json:"visited"`
	// Bounds are the bounds of each search: an exploration they stopped is taken by a
	// resumed sweep whose bounds are no wider.
	Bounds sweepBounds  `json:"bounds"`
	Points []sweepPoint `json:"points"`
	Claims []string     `json:"claims"`
	Runs   []sweepRun   `json:"runs"`
	// Explorations are the searches the runs shared, in grid order (the order they start in).
	Explorations []sweepExploration `json:"explorations"`
	Coverage     sweepCoverage      `json:"coverage"`
	Summary      sweepSummary       `json:"summary"`
}

// sweepExploration is one search of the sweep: a variant at a point's config, checking the
// properties of the claims whose runs it decided.
type sweepExploration struct {
	Point      string   `json:"point"`
	Variant    string   `json:"variant"`
	Claims     []string `json:"claims"`
	Properties []string `json:"properties"`
	States     uint64   `json:"states"`
	Seconds    float64  `json:"seconds"`
	Complete   bool     `json:"complete"`
	Stop       string   `json:"stop"`
	SeqSpace   int      `json:"seqspace"`
	// Coverage is, for an RFC exploration, the rows that fired in it and how often.
	Coverage []ruleFired `json:"coverage,omitempty"`
	// Reused: the exploration was taken from an earlier sweep's sweep.json (--resume),
	// figures and all, not searched again.
	Reused bool `json:"reused"`
}

// sweepCoverage is the union over the grid's RFC runs of the rows that fired. NeverFired
// lists the rows that fired nowhere but rows marked Unreached (fsm.Rule.Unreached), which
// Unreached lists; UnreachedFired lists marked rows that fired after all, which fails the
// sweep: the invariant their mark names is wrong.
type sweepCoverage struct {
	Rows           []ruleFired `json:"rows"`
	NeverFired     []string    `json:"never_fired"`
	Unreached      []string    `json:"unreached"`
	UnreachedFired []string    `json:"unreached_fired"`
}

type ruleFired struct {
	Rule  string `json:"rule"`
	Fired uint64 `json:"fired"`
}

// sweepSummary counts the runs that are expectations (Runs: OK, Failed, Incomplete or
// Refused) and, apart, those not applicable at their point.
type sweepSummary struct {
	Runs          int `json:"runs"`
	OK            int `json:"ok"`
	Failed        int `json:"failed"`
	Incomplete    int `json:"incomplete"`
	Refused       int `json:"refused"`
	NotApplicable int `json:"not_applicable"`
}

// runSweep sweeps the claims and, with them, every other property of the RFC model at the
// default configuration (properties.Envelope).
func runSweep(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	return sweepCommand(append(properties.Claims(), properties.Envelope()...))(ctx, args, stdout, stderr)
}

// sweepCommand is verify sweep over the given claims (tests sweep small ones).
func sweepCommand(all []properties.Claim) func(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
		return sweepClaims(ctx, all, args, stdout, stderr)
	}
}

func sweepClaims(ctx context.Context, all []properties.Claim, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("sweep")
	sf := addSearchFlags(fs)
	for _, name := range []string{"timeout", "max-memory", "max-states", "max-depth"} {
		fs.Lookup(name).Usage += ", for each run"
	}
	grid := fs.String("grid", "ci", "ci (each claim's config, then each parameter at its envelope maximum alone, both shapes) or wide (and every pair); its capacity=3, incarnations=3 and calls=all points explore 200 M states and more each, in runs of tens of millions (two at once took over 20 GiB with the exact visited set): bound them with --max-memory, or use --visited tree")
	only := fs.String("claim", "", "sweep only this claim (verify list shows them)")
	var onlyPoints []string
	fs.Func("point", "sweep only this point of the grid, e.g. base, loss=2 or loss=2,dup=2; repeat it for several, swept in grid order", func(v string) error {
		onlyPoints = append(onlyPoints, v)
		return nil
	})
	var pointTimeout time.Duration
	fs.Var(&durationValue{p: &pointTimeout}, "point-timeout", "stop each point's explorations, together, this `duration` after the first of them starts (0: no bound); one started with nothing left is stopped at once, incomplete. With --timeout, each exploration stops at whichever comes first")
	resume := fs.Bool("resume", false, "take from the sweep.json under --out, and from the "+checkpointFile+" a sweep killed outright left there, written by this same build, every exploration whose runs it decided or that a bound stopped which this sweep's bounds do not widen, and search only the rest (a sweep cut short by a signal or a crash, or another grid's points, or with wider bounds)")
	checkpointEvery := time.Minute
	fs.Func("checkpoint", "write what the sweep has found so far to "+checkpointFile+" under --out at most once per `duration`, as explorations end, for --resume after a crash or a kill -9 (0: after every exploration); the sweep's own sweep.json replaces it (default 1m)", func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return errors.New("want a duration such as 30s or 5m (0: after every exploration)")
		}
		checkpointEvery = d
		return nil
	})
	requireCoverage := fs.Bool("require-coverage", false, "fail (exit 1) when a row of the RFC table not marked unreached fires in none of the RFC runs")
	out := fs.String("out", "sweep", "`directory` for sweep.md and sweep.json")
	var jobs int
	intFlag(fs, &jobs, "jobs", min(runtime.GOMAXPROCS(0), int(workersSpec.hi)), workersSpec, "explorations run at once, each with --workers goroutines (results do not depend on it); one at a time when --max-memory is set, since the heap it bounds is the whole process's")
	if err := parse(fs, args, stdout); err != nil {
		return helpOr(err)
	}
	ccfg, err := sf.config()
	if err != nil {
		return exitBadInput, err
	}
	pts, err := selectPoints(*grid, onlyPoints)
	if err != nil {
		return exitBadInput, fmt.Errorf("sweep: %w", err)
	}
	claims := all
	if *only != "" {
		claims = nil
		var names []string
		for _, c := range all {
			if c.Name == *only {
				claims = append(claims, c)
			}
			names = append(names, c.Name)
		}
		if claims == nil {
			return exitBadInput, fmt.Errorf("sweep: --claim: unknown claim %q (valid: %s)", *only, strings.Join(names, ", "))
		}
	}
	dir, err := outdir.Prepare(*out, sweepFile)
	if err != nil {
		return exitBadInput, err
	}
	defer dir.Abort()
	if ccfg.MaxMemory > 0 {
		jobs = 1
	}
	build, err := buildID()
	if err != nil && *resume {
		return exitBadInput, fmt.Errorf("sweep: --resume: %w", err)
	}
	var prior *priorSweep
	if *resume {
		if prior, err = readPrior(*out, build, ccfg.Visited, boundsOf(ccfg, pointTimeout)); err != nil {
			return exitBadInput, fmt.Errorf("sweep: %w", err)
		}
	}
	bounds := boundsOf(ccfg, pointTimeout)
	ck := &checkpoint{target: dir.Target(), scratch: dir.Path(), every: checkpointEvery,
		warn: func(err error) { fmt.Fprintf(stderr, "verify: %v\n", err) },
		head: sweepResult{Grid: *grid, Build: build, Visited: ccfg.Visited.String(), Bounds: bounds}}
	bar := newProgress(stderr, sf.progress)
	res, err := sweep(ctx, *grid, pts, claims, ccfg, pointTimeout, jobs, bar.labelled, prior, ck)
	bar.Done()
	if err != nil {
		return exitInternal, err
	}
	res.Build, res.Visited, res.Bounds = build, ccfg.Visited.String(), bounds
	var text strings.Builder
	printSweep(&text, res)
	if _, err := io.WriteString(stdout, text.String()); err != nil {
		return exitInternal, err
	}
	if err := writeSweep(dir.Path(), res); err != nil {
		return exitInternal, err
	}
	if err := dir.Commit(); err != nil {
		return exitInternal, err
	}
	fmt.Fprintf(stdout, "sweep: %s, %s\n", strings.TrimSuffix(*out, "/")+"/sweep.md", strings.TrimSuffix(*out, "/")+"/sweep.json")
	code := sweepCode(res)
	if *requireCoverage && code == exitOK && len(res.Coverage.NeverFired) > 0 {
		fmt.Fprintf(stderr, "verify: sweep: --require-coverage: %d rows fired in no RFC run: %s\n",
			len(res.Coverage.NeverFired), strings.Join(res.Coverage.NeverFired, ", "))
		code = exitViolated
	}
	return code, nil
}

func lookupPoint(pts []point, grid, name string) (point, error) {
	var names []string
	for _, p := range pts {
		if p.name == name {
			return p, nil
		}
		names = append(names, p.name)
	}
	return point{}, fmt.Errorf("unknown point %q in grid %s (valid: %s)", name, grid, strings.Join(names, ", "))
}

// sweep runs every claim at every point. The result is the same whatever the workers of
// each exploration and however many explorations run at once (jobs), but for the seconds:
// runs are listed in grid order, whichever exploration ends first.
//
// The runs of a point that need the same variant on the same config share one exploration
// that checks all their claims' properties (sweepPlan): the checker decides each property on
// its own, breadth-first, and stops only once every one is decided, so every run gets the
// verdict and the shortest trace it would get alone, and the shared exploration's states and
// seconds. A claim whose premise the point contradicts is not run there.
//
// With prior (--resume), an exploration an earlier sweep decided is taken from it instead.
//
// With ck, each exploration that ends is added to the checkpoint, and so is each taken from
// prior, so that a checkpoint written by a resumed sweep loses nothing of the earlier one.
func sweep(ctx context.Context, grid string, pts []point, claims []properties.Claim, search checker.Config, pointTimeout time.Duration, jobs int, watch func(label string) pipeline.Watcher, prior *priorSweep, ck *checkpoint) (*sweepResult, error) {
	res := &sweepResult{Grid: grid}
	for _, p := range pts {
		sp := sweepPoint{Name: p.name, Settings: []string{}}
		for _, s := range p.settings {
			sp.Settings = append(sp.Settings, s.name)
		}
		res.Points = append(res.Points, sp)
	}
	for _, c := range claims {
		res.Claims = append(res.Claims, c.Name)
	}
	cells := make([][]sweepCell, len(pts))
	var exps []*exploration
	for i, p := range pts {
		var pexps []*exploration
		cells[i], pexps = sweepPlan(p, claims)
		for j := range cells[i] {
			if cells[i][j].exp >= 0 {
				cells[i][j].exp += len(exps)
			}
		}
		exps = append(exps, pexps...)
	}
	// runsOf are the runs exploration i serves, filled in from crs, its claims' results.
	runsOf := func(i int, crs []pipeline.ClaimRun) []sweepRun {
		var runs []sweepRun
		for pi, p := range pts {
			if p.name != exps[i].point.name {
				continue
			}
			for _, cl := range cells[pi] {
				if cl.exp == i {
					r := cl.run(p, claims)
					r.fill(ctx, crs[slices.Index(exps[i].claims, cl.claim)])
					runs = append(runs, r)
				}
			}
		}
		return runs
	}
	done := make([][]pipeline.ClaimRun, len(exps))
	res.Explorations = make([]sweepExploration, len(exps))
	var todo []*exploration
	todoAt := map[*exploration]int{}
	for i, e := range exps {
		if crs, x, ok := prior.claimRuns(e.describe(claims)); ok {
			done[i], res.Explorations[i] = crs, x
			ck.add(x, runsOf(i, crs))
			continue
		}
		todo, todoAt[e] = append(todo, e), i
	}
	budget := pointBudget{of: pointTimeout, start: map[string]time.Time{}}
	err := runExplorations(ctx, todo, jobs, func(inner context.Context, e *exploration) error {
		crs, err := e.run(inner, claims, budget.bound(e.point.name, search), watch)
		if err != nil {
			return err
		}
		// Each exploration writes its own slots of done and res.Explorations.
		i := todoAt[e]
		done[i], res.Explorations[i] = crs, e.summary(ctx, claims, crs[0])
		ck.add(res.Explorations[i], runsOf(i, crs))
		ck.save()
		return nil
	})
	if err != nil {
		return nil, err
	}
	fired := make([]uint64, len(fsm.Rules))
	row := map[fsm.RuleID]int{}
	for i, r := range fsm.Rules {
		row[r.ID] = i
	}
	for i, p := range pts {
		for _, cl := range cells[i] {
			r := cl.run(p, claims)
			if cl.exp >= 0 {
				cr := done[cl.exp][slices.Index(exps[cl.exp].claims, cl.claim)]
				r.fill(ctx, cr)
				r.Exploration = cl.exp
				// Each RFC run adds its exploration's counts, as if it had run alone.
				for _, rc := range cr.Coverage {
					fired[row[rc.ID]] += rc.Fired
				}
			}
			res.Runs = append(res.Runs, r)
		}
	}
	cov := &res.Coverage
	cov.NeverFired, cov.Unreached, cov.UnreachedFired = []string{}, []string{}, []string{}
	for i, r := range fsm.Rules {
		cov.Rows = append(cov.Rows, ruleFired{Rule: r.Name, Fired: fired[i]})
		switch {
		case r.Unreached != "" && fired[i] > 0:
			cov.UnreachedFired = append(cov.UnreachedFired, r.Name)
		case r.Unreached != "":
			cov.Unreached = append(cov.Unreached, r.Name)
		case fired[i] == 0:
			cov.NeverFired = append(cov.NeverFired, r.Name)
		}
	}
	res.summarize()
	return res, nil
}

// pointBudget is --point-timeout: the time each point's explorations have together, from
// the start of the first of them searched.
type pointBudget struct {
	of    time.Duration
	mu    sync.Mutex
	start map[string]time.Time
}

// bound is search with its time bound lowered to what is left of point's budget; an
// exploration with nothing left gets a nanosecond, so that it stops at once as a time
// bound stops it (incomplete, "time limit reached").
func (b *pointBudget) bound(point string, search checker.Config) checker.Config {
	if b.of <= 0 {
		return search
	}
	b.mu.Lock()
	start, ok := b.start[point]
	if !ok {
		start = time.Now()
		b.start[point] = start
	}
	b.mu.Unlock()
	left := max(b.of-time.Since(start), time.Nanosecond)
	if search.Timeout == 0 || left < search.Timeout {
		search.Timeout = left
	}
	return search
}

// runExplorations runs run on every exploration, jobs at a time, starting them in order
// (run keeps what it finds where the caller wants it). After an error the explorations not
// yet started are skipped and the running ones stopped, and the first error in order is
// returned. A cancelled ctx (a signal) does not skip any: each then ends at once, cut short.
func runExplorations(ctx context.Context, exps []*exploration, jobs int, run func(context.Context, *exploration) error) error {
	errs := make([]error, len(exps))
	inner, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range max(1, min(jobs, len(exps))) {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(exps) {
					return
				}
				errs[i] = run(inner, exps[i])
				if errs[i] != nil {
					failed.Store(true)
					cancel(errs[i])
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// sweepCell is one run of a point's plan: a claim on a variant, served by an exploration
// (exp, an index in the point's explorations, then in the grid's once sweep has placed the
// point's) or refused by the fsm (exp -1).
type sweepCell struct {
	claim   int
	variant string
	exp     int
	cfg     fsm.Config
	raised  int
	refused error
	// premise is why the point contradicts the claim's premise (then exp is -1).
	premise error
}

// exploration is one search at a point: the variant on a config, checking the properties of
// the claims (indices, in claim order) whose runs it serves.
type exploration struct {
	point   point
	variant string
	cfg     fsm.Config
	claims  []int
}

// sweepPlan lists the runs of point p in the order they are reported (claim by claim, the
// RFC model then each refuter) and the explorations that serve them, one per distinct
// (config, variant), in the order of their first run.
func sweepPlan(p point, claims []properties.Claim) ([]sweepCell, []*exploration) {
	type key struct {
		cfg     fsm.Config
		variant string
	}
	var cells []sweepCell
	var exps []*exploration
	byKey := map[key]int{}
	for ci, c := range claims {
		for _, v := range append([]string{fsm.RFC}, c.Refuters...) {
			cfg, raised, refused := configAt(c.Config, p, v)
			cl := sweepCell{claim: ci, variant: v, exp: -1, cfg: cfg, raised: raised, refused: refused}
			if refused == nil {
				cl.premise = c.Contradicts(cfg)
			}
			if refused == nil && cl.premise == nil {
				k := key{cfg, v}
				i, ok := byKey[k]
				if !ok {
					i = len(exps)
					byKey[k] = i
					exps = append(exps, &exploration{point: p, variant: v, cfg: cfg})
				}
				if e := exps[i]; !slices.Contains(e.claims, ci) {
					e.claims = append(e.claims, ci)
				}
				cl.exp = i
			}
			cells = append(cells, cl)
		}
	}
	return cells, exps
}

// run explores e, counting the rows that fire when it is the RFC model's, and returns one
// ClaimRun per claim of e.
func (e *exploration) run(ctx context.Context, claims []properties.Claim, search checker.Config, watch func(label string) pipeline.Watcher) ([]pipeline.ClaimRun, error) {
	var at []properties.Claim
	var names []string
	for _, ci := range e.claims {
		c := claims[ci]
		c.Config = e.cfg
		at = append(at, c)
		names = append(names, c.Name)
	}
	crs, err := pipeline.RunClaims(ctx, at, e.variant, search, watch(e.point.name+" "+strings.Join(names, ",")+" "+e.variant), e.variant == fsm.RFC)
	if err != nil {
		return nil, fmt.Errorf("point %s: %w", e.point.name, err)
	}
	return crs, nil
}

// describe is what sweep.json says of e before it is searched: what it is, no figures.
func (e *exploration) describe(claims []properties.Claim) sweepExploration {
	x := sweepExploration{Point: e.point.name, Variant: e.variant, Claims: []string{}, Properties: []string{},
		SeqSpace: 1 << e.cfg.SeqBits}
	for _, ci := range e.claims {
		x.Claims = append(x.Claims, claims[ci].Name)
		if name := claims[ci].Property.Name; !slices.Contains(x.Properties, name) {
			x.Properties = append(x.Properties, name)
		}
	}
	return x
}

// summary is e as sweep.json lists it; cr is any of its runs (they share the search's
// figures).
func (e *exploration) summary(ctx context.Context, claims []properties.Claim, cr pipeline.ClaimRun) sweepExploration {
	x := e.describe(claims)
	x.States, x.Seconds, x.Complete, x.Stop = cr.States, cr.Elapsed.Seconds(), cr.Complete, stopOf(ctx, cr)
	for _, rc := range cr.Coverage {
		if rc.Fired > 0 {
			x.Coverage = append(x.Coverage, ruleFired{Rule: rc.Name, Fired: rc.Fired})
		}
	}
	return x
}

// run is the cell's sweepRun before its exploration's results are filled in.
func (cl sweepCell) run(p point, claims []properties.Claim) sweepRun {
	r := sweepRun{Point: p.name, Claim: claims[cl.claim].Name, Variant: cl.variant, Want: pipeline.Want(cl.variant),
		Steps: -1, Loop: -1, Exploration: -1}
	r.SeqSpace, r.Raised = 1<<cl.cfg.SeqBits, cl.raised > 0
	switch {
	case cl.refused != nil:
		r.refused, r.Got, r.Stop = true, checker.Unknown, "refused: "+cl.refused.Error()
	case cl.premise != nil:
		r.NotApplicable, r.Got, r.Stop = true, checker.Unknown, "not applicable: "+cl.premise.Error()
	}
	return r
}

// fill records what the run's exploration found.
func (r *sweepRun) fill(ctx context.Context, cr pipeline.ClaimRun) {
	r.Got, r.OK, r.Steps, r.Loop, r.States = cr.Got, cr.OK(), cr.Steps, cr.Loop, cr.States
	r.Seconds, r.Complete, r.Stop = cr.Elapsed.Seconds(), cr.Complete, stopOf(ctx, cr)
}

// stopOf is why cr's search stopped early: its bound, or the signal that cancelled ctx.
func stopOf(ctx context.Context, cr pipeline.ClaimRun) string {
	if in := interruption(ctx); in != nil && cr.Canceled() {
		return in.Error()
	}
	return cr.Stop
}

// reused counts the explorations taken from an earlier sweep (--resume).
func (res *sweepResult) reused() int {
	n := 0
	for _, x := range res.Explorations {
		if x.Reused {
			n++
		}
	}
	return n
}

func (res *sweepResult) summarize() {
	s := &res.Summary
	for _, r := range res.Runs {
		if r.NotApplicable {
			s.NotApplicable++
			continue
		}
		s.Runs++
		switch {
		case r.refused:
			s.Refused++
		case r.failed():
			s.Failed++
		case r.undecided():
			s.Incomplete++
		default:
			s.OK++
		}
	}
}

// String is the coverage line: the rows that fired, those that fired nowhere, and the
// rows marked unreached, with any that fired after all.
func (c sweepCoverage) String() string {
	fired := 0
	for _, r := range c.Rows {
		if r.Fired > 0 {
			fired++
		}
	}
	line := fmt.Sprintf("rule coverage over the RFC runs: %d of %d rows fired", fired, len(c.Rows))
	if len(c.NeverFired) > 0 {
		line += "; never fired: " + strings.Join(c.NeverFired, ", ")
	}
	if len(c.Unreached) > 0 {
		line += "; marked unreached: " + strings.Join(c.Unreached, ", ")
	}
	if len(c.UnreachedFired) > 0 {
		line += "; MARKED UNREACHED BUT FIRED: " + strings.Join(c.UnreachedFired, ", ")
	}
	return line
}

func (s sweepSummary) String() string {
	line := fmt.Sprintf("%d of %d expectations met: %d failed, %d incomplete, %d refused", s.OK, s.Runs, s.Failed, s.Incomplete, s.Refused)
	if s.NotApplicable > 0 {
		line += fmt.Sprintf("; %d not applicable", s.NotApplicable)
	}
	return line
}

// sweepCode: a failed expectation anywhere is 1; otherwise a run that could not decide
// (incomplete, or refused by the fsm) is 3.
func sweepCode(res *sweepResult) int {
	switch {
	case res.Summary.Failed > 0 || len(res.Coverage.UnreachedFired) > 0:
		return exitViolated
	case res.Summary.Incomplete > 0 || res.Summary.Refused > 0:
		return exitIncomplete
	}
	return exitOK
}
