package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
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

// Mutation testing (verify mutate): each mutant of the variant's rule table (fsm.Mutants)
// is checked at each chosen point, and is
//
//   - killed when a property that the unmutated variant satisfies at a point fails on the
//     mutant there (for a Sometimes property: the variant reaches its example and the
//     mutant cannot), or when the mutant breaks the model itself (a bound of the
//     encoding, say: "model error");
//   - equivalent when, at every point, it has the same successors as the variant in every
//     state the variant reaches (fsm.System.SameSuccessors, checked in the search of the
//     variant that finds its verdicts: screen, below): then both reach the same states by
//     the same transitions and no property can tell them apart, so it does not count in
//     the score;
//   - survived otherwise; incomplete when a bound or a signal left that undecided.
//
// At each point the mutant is compared first, in the search of the unmutated variant that
// finds its verdicts there (screen: the states the mutant's change may show in, one search
// for all mutants); where it differs, a search of the variant's space that stops at the
// first such state finds the shortest run to it (at the first point only). Then, unless
// equivalent there, one search of the mutant checks the properties the variant satisfies
// there, and stops at the level of the first violation of an always, step or deadlock
// property (checker.Config.StopAtViolation): the killing property reported is the first,
// in property order, of those violated at the least depth. A mutant that no such
// violation kills is searched whole, for its sometimes and eventually properties. The
// first point that kills it ends its checks.
//
// Each search keeps only the ghost data its properties read. With --by-view, "the search"
// above is one search per ghost view (mutateviews.go), made in turn: the variant's
// verdicts and the screen come from them all, and a mutant's views are searched in the
// same order until one kills it; its killing property is then the first of that view's.

// Mutant classes.
const (
	classKilled     = "killed"
	classEquivalent = "equivalent"
	classSurvived   = "survived"
	classIncomplete = "incomplete"
)

// modelError is the killing "property" of a mutant that breaks the model itself.
const modelError = "model error"

// mutateResult is mutate.json. It holds no timings, so that it is the same whatever
// --jobs and --workers.
type mutateResult struct {
	Variant    string         `json:"variant"`
	Grid       string         `json:"grid"`
	Points     []mutatePoint  `json:"points"`
	Properties []string       `json:"properties"`
	Mutants    []mutantResult `json:"mutants"`
	// Kinds counts the mutants of each kind by class, in fsm.MutantKinds order, then the
	// total.
	Kinds []mutateCount `json:"kinds"`
	Total mutateCount   `json:"total"`
	// Score is the percentage of the non-equivalent mutants that were killed (100 when
	// every mutant is equivalent); an incomplete mutant counts as not killed.
	Score    float64 `json:"score"`
	Complete bool    `json:"complete"`
	// Stop says why the run is incomplete: a bound, a signal, a refused point.
	Stop string `json:"stop"`
}

// mutatePoint is a configuration the mutants are checked at, with the unmutated
// variant's verdicts there.
type mutatePoint struct {
	Name     string   `json:"name"`
	Settings []string `json:"settings"`
	SeqSpace int      `json:"seqspace"`
	Raised   bool     `json:"raised"`
	// Refused is the fsm's reason when it refuses the point's config; the point is then
	// not checked.
	Refused  string          `json:"refused"`
	States   uint64          `json:"states"`
	Complete bool            `json:"complete"`
	Stop     string          `json:"stop"`
	Verdicts []mutateVerdict `json:"verdicts"`
	// Views are the searches of the variant at the point, one per ghost view (planViews):
	// one unless --by-view. States is the sum of theirs.
	Views []mutateView `json:"views"`
	cfg   fsm.Config
	base  []checker.Status
	// differs says, by mutant, the first view in which it has other successors than the
	// variant in some state the variant reaches at the point (screen); -1 for none.
	differs []int
}

// mutateView is one search of the variant at a point: the ghost data it keeps, the
// properties it checks, and whether the mutants were compared in it.
type mutateView struct {
	Ghost      string   `json:"ghost"`
	Properties []string `json:"properties"`
	Screen     bool     `json:"screen"`
	States     uint64   `json:"states"`
	Complete   bool     `json:"complete"`
	Stop       string   `json:"stop"`
	// Differs names the mutants found to differ in this search and in no earlier one: a
	// record that holds even when a later search is cut short.
	Differs []string `json:"differs"`
	parts   fsm.GhostParts
	props   []int
	live    bool // the eventually properties' search
	sys     *fsm.System
}

type mutateVerdict struct {
	Property string         `json:"property"`
	Verdict  checker.Status `json:"verdict"`
	// NotApplicable says why the point's config contradicts the property's premise; its
	// verdict there is then unknown, and it kills no mutant there.
	NotApplicable string `json:"not_applicable,omitempty"`
}

// mutantResult is one mutant's class and what decided it.
type mutantResult struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Rule  string `json:"rule"`
	Class string `json:"class"`
	// Point, Property, Steps and Loop say what killed it: the point, the first killing
	// property of the search that killed it (or "model error", with Error), and its
	// trace's length and, for a lasso, the step its cycle returns to (-1 for none).
	Point    string `json:"point"`
	Property string `json:"property"`
	Steps    int    `json:"steps"`
	Loop     int    `json:"loop"`
	Error    string `json:"error"`
	// DiffersPoint, DiffersSteps and DiffersAt say where the mutant first behaves
	// differently: the first point where it does, the length of the shortest run of the
	// unmutated variant to a state where their successors differ, and that state (-1 and
	// "" when no difference was found).
	DiffersPoint string `json:"differs_point"`
	DiffersSteps int    `json:"differs_steps"`
	DiffersAt    string `json:"differs_at"`
	// Stop says why an incomplete mutant is undecided.
	Stop string `json:"stop"`
}

// mutateCount counts mutants by class.
type mutateCount struct {
	Kind       string `json:"kind"`
	Mutants    int    `json:"mutants"`
	Killed     int    `json:"killed"`
	Equivalent int    `json:"equivalent"`
	Survived   int    `json:"survived"`
	Incomplete int    `json:"incomplete"`
}

func (c *mutateCount) add(class string) {
	c.Mutants++
	switch class {
	case classKilled:
		c.Killed++
	case classEquivalent:
		c.Equivalent++
	case classSurvived:
		c.Survived++
	default:
		c.Incomplete++
	}
}

// configFlags are the model flags that choose one config instead of the grid's points.
var configFlags = []string{"config", "shape", "seqspace", "window", "capacity", "units", "incarnations",
	"loss", "dup", "inject", "crash", "r2", "drop", "old-from", "old-kinds"}

func runMutate(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("mutate")
	mf := addModelFlags(fs)
	fs.Lookup("variant").Usage = "rule-table variant whose mutants are checked (verify list shows them)"
	sf := addSearchFlags(fs)
	sf.workers = 1
	fs.Lookup("workers").DefValue = "1"
	fs.Lookup("workers").Usage = "exploring goroutines of each search (results do not depend on it)"
	for _, name := range []string{"timeout", "max-memory", "max-states", "max-depth"} {
		fs.Lookup(name).Usage += ", for each search"
	}
	grid := fs.String("grid", "ci", "ci or wide: the grid of verify sweep whose points the mutants are checked at, on the default config; model flags such as --capacity or --config check them at that one config instead, or, with --grid or --point, at the grid's points applied to it")
	var onlyPoints []string
	fs.Func("point", "check only at this `point` of the grid, e.g. base or loss=2; repeat it for several", func(v string) error {
		onlyPoints = append(onlyPoints, v)
		return nil
	})
	kinds := fs.String("kind", "", "comma-separated mutant `kinds` to check: "+strings.Join(kindNames(), ", ")+" (default: all)")
	var onlyMutants []string
	fs.Func("mutant", "check only this `mutant`, by name (--list shows them); repeat it for several", func(v string) error {
		onlyMutants = append(onlyMutants, v)
		return nil
	})
	byView := fs.Bool("by-view", false, "check each ghost view the properties read in a search of its own (the safety properties in their maximal views, the eventually properties in theirs) instead of one search keeping all of it: more searches, each far smaller, for points whose whole ghost data does not fit in memory; the classes are the same, a killing property may be another")
	list := fs.Bool("list", false, "list the mutants (kind and name) and exit")
	minScore := 0.0
	fs.Func("min-score", "exit 1 when the score is below this `percent` (0 to 100)", func(v string) error {
		p, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(p) || p < 0 || p > 100 {
			return errors.New("want a percentage from 0 to 100")
		}
		minScore = p
		return nil
	})
	out := fs.String("out", "mutate", "`directory` for mutate.md and mutate.json")
	var jobs int
	intFlag(fs, &jobs, "jobs", min(runtime.GOMAXPROCS(0), int(workersSpec.hi)), workersSpec, "mutants checked at once, each search with --workers goroutines (results do not depend on it); one at a time when --max-memory is set, since the heap it bounds is the whole process's")
	if err := parse(fs, args, stdout); err != nil {
		return helpOr(err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	m, err := mf.resolve(fs)
	if err != nil {
		return exitBadInput, err
	}
	base, err := fsm.LookupVariant(m.variant)
	if err != nil {
		return exitBadInput, fmt.Errorf("mutate: --variant: %w", err)
	}
	ccfg, err := sf.config()
	if err != nil {
		return exitBadInput, fmt.Errorf("mutate: %w", err)
	}
	mutants, err := fsm.Mutants(base)
	if err != nil {
		return exitInternal, err
	}
	if mutants, err = chooseMutants(mutants, *kinds, onlyMutants); err != nil {
		return exitBadInput, fmt.Errorf("mutate: %w", err)
	}
	if *list {
		for _, mu := range mutants {
			fmt.Fprintf(stdout, "%-9s  %s\n", mu.Kind, mu.Name)
		}
		return exitOK, nil
	}
	// Model flags give the config; alone they are the one point, and with --grid or --point
	// the grid's points are applied to it instead of to the default config.
	flagged := slices.ContainsFunc(configFlags, func(n string) bool { return set[n] })
	single := flagged && !set["grid"] && !set["point"]
	onto := fsm.DefaultConfig()
	if flagged {
		onto = m.cfg
	}
	res := &mutateResult{Variant: base.Name, Grid: *grid}
	if single {
		res.Grid = ""
		res.Points = []mutatePoint{pointOf("config", nil, m.cfg, 0, nil)}
	} else {
		pts, err := selectPoints(*grid, onlyPoints)
		if err != nil {
			return exitBadInput, fmt.Errorf("mutate: %w", err)
		}
		for _, p := range pts {
			cfg, raised, refused := configAt(onto, p, base.Name)
			var settings []string
			for _, s := range p.settings {
				settings = append(settings, s.name)
			}
			res.Points = append(res.Points, pointOf(p.name, settings, cfg, raised, refused))
		}
	}
	// At the grid's points every chosen property is checked: one whose premise a point
	// contradicts (half-open-reset without crashes) fails there on the unmutated table too,
	// so it kills nothing there, and it counts where the point has what it is about.
	props := m.props
	if !single {
		props = m.chosen
	}
	for _, p := range props {
		res.Properties = append(res.Properties, p.Name)
	}
	dir, err := outdir.Prepare(*out, mutateFile)
	if err != nil {
		return exitBadInput, err
	}
	defer dir.Abort()
	if ccfg.MaxMemory > 0 {
		jobs = 1
	}
	bar := newProgress(stderr, sf.progress)
	start := time.Now()
	err = mutate(ctx, res, base, props, mutants, *byView, ccfg, jobs, bar.labelled)
	bar.Done()
	if err != nil {
		return exitInternal, err
	}
	fmt.Fprintf(stderr, "verify: mutate: %s at %s in %s\n", plural(len(res.Mutants), "mutant"), plural(len(res.Points), "point"),
		time.Since(start).Round(time.Second))
	var text strings.Builder
	printMutate(&text, res)
	if _, err := io.WriteString(stdout, text.String()); err != nil {
		return exitInternal, err
	}
	if err := writeMutate(dir.Path(), res); err != nil {
		return exitInternal, err
	}
	if err := dir.Commit(); err != nil {
		return exitInternal, err
	}
	o := strings.TrimSuffix(*out, "/")
	fmt.Fprintf(stdout, "mutate: %s/mutate.md, %s/mutate.json\n", o, o)
	return mutateCode(res, minScore, set["min-score"]), nil
}

// plural is n and noun, in the plural unless n is 1 ("property" becomes "properties").
func plural(n int, noun string) string {
	switch {
	case n == 1:
	case strings.HasSuffix(noun, "y"):
		noun = strings.TrimSuffix(noun, "y") + "ies"
	default:
		noun += "s"
	}
	return fmt.Sprintf("%d %s", n, noun)
}

func kindNames() []string {
	var out []string
	for _, k := range fsm.MutantKinds() {
		out = append(out, k.String())
	}
	return out
}

// chooseMutants keeps the mutants of the given kinds (comma-separated, "" for all) and,
// when names are given, only those, in the order of all.
func chooseMutants(all []fsm.Mutant, kinds string, names []string) ([]fsm.Mutant, error) {
	keep := map[fsm.MutantKind]bool{}
	if kinds != "" {
		for _, n := range strings.Split(kinds, ",") {
			k, err := fsm.ParseMutantKind(strings.TrimSpace(n))
			if err != nil {
				return nil, fmt.Errorf("--kind: %w", err)
			}
			keep[k] = true
		}
	}
	want := map[string]bool{}
	for _, n := range names {
		if !slices.ContainsFunc(all, func(m fsm.Mutant) bool { return m.Name == n }) {
			return nil, fmt.Errorf("--mutant: unknown mutant %q (verify mutate --list shows them)", n)
		}
		want[n] = true
	}
	out := slices.DeleteFunc(slices.Clone(all), func(m fsm.Mutant) bool {
		return (len(keep) > 0 && !keep[m.Kind]) || (len(want) > 0 && !want[m.Name])
	})
	if len(out) == 0 {
		return nil, errors.New("no mutant has the kinds and names asked for")
	}
	return out, nil
}

func pointOf(name string, settings []string, cfg fsm.Config, raised int, refused error) mutatePoint {
	p := mutatePoint{Name: name, Settings: settings, SeqSpace: 1 << cfg.SeqBits, Raised: raised > 0, cfg: cfg}
	if p.Settings == nil {
		p.Settings = []string{}
	}
	if refused != nil {
		p.Refused = refused.Error()
	}
	return p
}

func mutateFile(name string) bool { return name == "mutate.md" || name == "mutate.json" }

// mutate checks the variant at every point, then every mutant, jobs at a time, and fills
// res. The result is the same whatever jobs and the search's workers (unless a time or
// memory bound or a signal cut a search short): every search is deterministic, and each
// mutant's searches are made one after the other in a fixed order.
func mutate(ctx context.Context, res *mutateResult, base fsm.Variant, props []properties.Property, mutants []fsm.Mutant, byView bool, search checker.Config, jobs int, watch func(string) pipeline.Watcher) error {
	search.Progress = nil
	err := parallel(ctx, len(res.Points), jobs, func(i int) error {
		return checkBase(ctx, &res.Points[i], base, props, mutants, byView, search, watch)
	})
	if err != nil {
		return err
	}
	res.Mutants = make([]mutantResult, len(mutants))
	err = parallel(ctx, len(mutants), jobs, func(i int) error {
		res.Mutants[i] = judge(ctx, res.Points, base, props, i, mutants[i], search, watch)
		return nil
	})
	if err != nil {
		return err
	}
	res.summarize(ctx)
	return nil
}

// parallel calls f(0), ..., f(n-1), jobs at a time, starting them in order, and returns
// the first error in order; after an error, calls not yet started are skipped.
func parallel(ctx context.Context, n, jobs int, f func(i int) error) error {
	errs := make([]error, n)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range max(1, min(jobs, n)) {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if errs[i] = f(i); errs[i] != nil {
					failed.Store(true)
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

// runSearch runs the search of props on sys, with progress under label.
func runSearch(ctx context.Context, sys fsm.System, props []checker.Property[fsm.SysState], search checker.Config, label string, watch func(string) pipeline.Watcher) (*checker.Result[fsm.SysState], error) {
	w := watch(label)
	search.Progress = w.Update
	res, err := checker.Run(ctx, properties.BindChecker(sys, props...), search)
	w.Done()
	return res, err
}

// checkBase checks every property on the unmutated variant at p, in the searches of its
// views (planViews): the verdicts a mutant's are compared with. The same searches screen
// the mutants: which differ from the variant at p, and in which view first.
func checkBase(ctx context.Context, p *mutatePoint, base fsm.Variant, props []properties.Property, mutants []fsm.Mutant, byView bool, search checker.Config, watch func(string) pipeline.Watcher) error {
	if p.Refused != "" {
		return nil
	}
	p.Views = planViews(p.cfg, props, byView)
	p.Verdicts = make([]mutateVerdict, len(props))
	p.base = make([]checker.Status, len(props))
	for i, prop := range props {
		p.Verdicts[i] = mutateVerdict{Property: prop.Name, Verdict: checker.Unknown} // until its view is searched
	}
	p.differs = make([]int, len(mutants))
	for i := range p.differs {
		p.differs[i] = -1
	}
	p.Complete = true
	for k := range p.Views {
		v := &p.Views[k]
		sys, err := fsm.NewSystemOf(p.cfg, base)
		if err != nil {
			return fmt.Errorf("point %s: %w", p.Name, err)
		}
		sys.Tracks = v.parts
		v.sys = &sys
		cps := make([]checker.Property[fsm.SysState], 0, len(v.props)+1)
		for _, i := range v.props {
			cps = append(cps, props[i].For(sys))
		}
		var sc *screen
		if v.Screen {
			sc = newScreen(&sys, p.cfg, base, mutants)
			cps = append(cps, sc.property())
		}
		label := p.Name + " " + base.Name
		if len(p.Views) > 1 {
			label += " (" + v.Ghost + ")"
		}
		r, err := runSearch(ctx, sys, cps, search, label, watch)
		if err != nil {
			return fmt.Errorf("point %s: %s: ghost %s: %w", p.Name, base.Name, v.Ghost, err)
		}
		v.States, v.Complete, v.Stop = r.States, r.Complete, stopText(ctx, r.Stop)
		p.States += r.States
		if !r.Complete && p.Complete {
			p.Complete, p.Stop = false, stopText(ctx, r.Stop)
		}
		v.Differs = []string{}
		if sc != nil {
			for i := range p.differs {
				if p.differs[i] < 0 && sc.differs[i].Load() {
					p.differs[i] = k
					v.Differs = append(v.Differs, mutants[i].Name)
				}
			}
		}
		for j, i := range v.props {
			mv := mutateVerdict{Property: r.Verdicts[j].Name, Verdict: r.Verdicts[j].Status}
			if why := props[i].Contradicts(p.cfg); why != nil {
				mv.Verdict, mv.NotApplicable = checker.Unknown, why.Error()
			}
			p.Verdicts[i], p.base[i] = mv, mv.Verdict
		}
		if !r.Complete && interruption(ctx) != nil {
			break // the rest would stop at once
		}
	}
	return nil
}

// screened says whether every search the mutants were compared in at p is complete: then
// which differ there is known, even if a view's verdicts are not.
func (p *mutatePoint) screened() bool {
	if p.Refused != "" || len(p.Views) == 0 {
		return false
	}
	for _, v := range p.Views {
		if v.Screen && !v.Complete {
			return false
		}
	}
	return true
}

// judge checks mutant mu at each point in turn, until one kills it.
func judge(ctx context.Context, pts []mutatePoint, base fsm.Variant, props []properties.Property, at int, mu fsm.Mutant, search checker.Config, watch func(string) pipeline.Watcher) mutantResult {
	r := mutantResult{Name: mu.Name, Kind: mu.Kind.String(), Rule: mu.Rule, Steps: -1, Loop: -1, DiffersSteps: -1}
	v := mu.Of(base)
	differs, equivalent, undecided := false, true, ""
	undecide := func(why string) {
		if undecided == "" {
			undecided = why
		}
	}
	for _, p := range pts {
		switch {
		case p.Refused != "":
			undecide(fmt.Sprintf("point %s refused", p.Name))
			equivalent = false
			continue
		case !p.screened():
			undecide(fmt.Sprintf("point %s: the variant's search is incomplete: %s", p.Name, p.Stop))
			equivalent = false
			continue
		}
		sys, err := fsm.NewSystemOf(p.cfg, v)
		if err != nil {
			return r.brokeModel(p.Name, err)
		}
		if p.differs[at] < 0 {
			continue // equivalent at p: no property can tell them apart here
		}
		if !differs {
			// The first point where it differs: the shortest run to where it does, in the
			// first view where it does.
			orig := p.Views[p.differs[at]].sys
			sys.Tracks = orig.Tracks
			eq, err := runSearch(ctx, *orig, []checker.Property[fsm.SysState]{sameAs(orig, &sys)},
				withStop(search), p.Name+" "+mu.Name+" (where?)", watch)
			if err != nil {
				return r.brokeModel(p.Name, err)
			}
			if tr := eq.Verdicts[0].Trace; eq.Verdicts[0].Status == checker.Violated && tr != nil {
				r.DiffersPoint, r.DiffersSteps, r.DiffersAt = p.Name, len(tr.Steps), tr.States[len(tr.States)-1].String()
			}
		}
		differs, equivalent = true, false
		for _, view := range p.Views {
			if !view.Complete {
				// Its properties have no verdict of the variant's to lose; and without
				// them the mutant cannot be said to survive.
				undecide(fmt.Sprintf("point %s: the variant's search of ghost view %s is incomplete: %s", p.Name, view.Ghost, view.Stop))
				continue
			}
			killed, stop, err := killIn(ctx, p, view, sys, props, mu.Name, search, watch, &r)
			if err != nil {
				return r.brokeModel(p.Name, err)
			}
			if killed {
				return r
			}
			if stop != "" {
				undecide(fmt.Sprintf("point %s: %s", p.Name, stop))
			}
		}
	}
	switch {
	case undecided != "":
		r.Class, r.Stop = classIncomplete, undecided
	case differs:
		r.Class = classSurvived
	case equivalent:
		r.Class = classEquivalent
	default:
		r.Class, r.Stop = classIncomplete, "undecided"
	}
	return r
}

// killIn searches the mutant's system sys at p, keeping view's ghost data, for a
// violation of a property of view that the variant satisfies at p, and records the first
// in r. One search checks them all, and stops at the level of the first violation of an
// always, step or deadlock property (the rest need the whole space). stop says why an
// unkilled search is incomplete.
func killIn(ctx context.Context, p mutatePoint, view mutateView, sys fsm.System, props []properties.Property, name string, search checker.Config, watch func(string) pipeline.Watcher, r *mutantResult) (killed bool, stop string, err error) {
	var cps []checker.Property[fsm.SysState]
	sys.Tracks = view.parts
	for _, i := range view.props {
		if p.base[i] == checker.Holds {
			cps = append(cps, props[i].For(sys))
		}
	}
	if len(cps) == 0 {
		return false, "", nil
	}
	label := p.Name + " " + name
	if len(p.Views) > 1 {
		label += " (" + view.Ghost + ")"
	}
	search.StopAtViolation = true
	res, err := runSearch(ctx, sys, cps, search, label, watch)
	if err != nil {
		return false, "", err
	}
	for _, vd := range res.Verdicts {
		if vd.Status == checker.Violated {
			r.Class, r.Point, r.Property = classKilled, p.Name, vd.Name
			if vd.Trace != nil {
				r.Steps, r.Loop = len(vd.Trace.Steps), vd.Trace.Loop
			}
			return true, "", nil
		}
	}
	if !res.Complete {
		return false, stopText(ctx, res.Stop), nil
	}
	return false, "", nil
}

// brokeModel is r killed at point by a model error: the first line of err (a panic's
// message goes on with the state).
func (r mutantResult) brokeModel(point string, err error) mutantResult {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	r.Class, r.Point, r.Property, r.Error = classKilled, point, modelError, strings.TrimSuffix(msg, ":")
	return r
}

// withStop is search ending once every property is decided.
func withStop(search checker.Config) checker.Config {
	search.StopWhenDecided = true
	return search
}

// summarize counts the classes and computes the score.
func (res *mutateResult) summarize(ctx context.Context) {
	byKind := map[string]*mutateCount{}
	for _, k := range fsm.MutantKinds() {
		byKind[k.String()] = &mutateCount{Kind: k.String()}
	}
	res.Total = mutateCount{Kind: "total"}
	for _, m := range res.Mutants {
		byKind[m.Kind].add(m.Class)
		res.Total.add(m.Class)
	}
	res.Kinds = nil
	for _, k := range fsm.MutantKinds() {
		if c := byKind[k.String()]; c.Mutants > 0 {
			res.Kinds = append(res.Kinds, *c)
		}
	}
	res.Score = score(res.Total.Killed, res.Total.Mutants-res.Total.Equivalent)
	res.Complete = res.Total.Incomplete == 0
	for _, p := range res.Points {
		if p.Refused != "" || !p.Complete {
			res.Complete = false
		}
	}
	res.Stop = ""
	if in := interruption(ctx); in != nil {
		res.Complete, res.Stop = false, in.Error()
	} else if !res.Complete {
		res.Stop = fmt.Sprintf("%d mutants undecided", res.Total.Incomplete)
		for _, p := range res.Points {
			switch {
			case p.Refused != "":
				res.Stop += fmt.Sprintf("; point %s refused: %s", p.Name, p.Refused)
			case !p.Complete:
				res.Stop += fmt.Sprintf("; point %s incomplete: %s", p.Name, p.Stop)
			}
		}
	}
}

// score is killed as a percentage of n, rounded to a tenth; 100 when n is 0.
func score(killed, n int) float64 {
	if n == 0 {
		return 100
	}
	return math.Round(1000*float64(killed)/float64(n)) / 10
}

// mutateCode: 3 when the run is incomplete and its score could still reach --min-score
// (if every undecided mutant were killed), 1 when the score is below it, else 0.
func mutateCode(res *mutateResult, minScore float64, minSet bool) int {
	t := res.Total
	best := score(t.Killed+t.Incomplete, t.Mutants-t.Equivalent)
	switch {
	case minSet && best < minScore:
		return exitViolated
	case !res.Complete:
		return exitIncomplete
	case minSet && res.Score < minScore:
		return exitViolated
	}
	return exitOK
}
