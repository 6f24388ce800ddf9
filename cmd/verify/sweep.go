package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

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
	refused  bool
}

// failed: the run decided against its claim. A run that could not decide (incomplete,
// refused) has not failed, but has not met its expectation either.
func (r sweepRun) failed() bool { return !r.refused && r.Got != checker.Unknown && !r.OK }

func (r sweepRun) undecided() bool { return r.refused || r.Got == checker.Unknown }

// sweepPoint is a point as sweep.json lists it.
type sweepPoint struct {
	Name     string   `json:"name"`
	Settings []string `json:"settings"`
}

// sweepResult is sweep.json.
type sweepResult struct {
	Grid     string        `json:"grid"`
	Points   []sweepPoint  `json:"points"`
	Claims   []string      `json:"claims"`
	Runs     []sweepRun    `json:"runs"`
	Coverage sweepCoverage `json:"coverage"`
	Summary  sweepSummary  `json:"summary"`
}

// sweepCoverage is the union over the grid's RFC runs of the rows that fired.
type sweepCoverage struct {
	Rows       []ruleFired `json:"rows"`
	NeverFired []string    `json:"never_fired"`
}

type ruleFired struct {
	Rule  string `json:"rule"`
	Fired uint64 `json:"fired"`
}

type sweepSummary struct {
	Runs       int `json:"runs"`
	OK         int `json:"ok"`
	Failed     int `json:"failed"`
	Incomplete int `json:"incomplete"`
	Refused    int `json:"refused"`
}

func runSweep(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	return sweepCommand(properties.Claims())(ctx, args, stdout, stderr)
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
	grid := fs.String("grid", "ci", "ci (each claim's config, then each parameter at its envelope maximum alone, both shapes) or wide (and every pair)")
	only := fs.String("claim", "", "sweep only this claim (verify list shows them)")
	onlyPoint := fs.String("point", "", "sweep only this point of the grid, e.g. base, loss=2 or loss=2,dup=2")
	out := fs.String("out", "sweep", "`directory` for sweep.md and sweep.json")
	if err := parse(fs, args, stdout); err != nil {
		return helpOr(err)
	}
	ccfg, err := sf.config()
	if err != nil {
		return exitBadInput, err
	}
	pts, err := gridPoints(*grid)
	if err != nil {
		return exitBadInput, fmt.Errorf("sweep: --grid: %w", err)
	}
	if *onlyPoint != "" {
		p, err := lookupPoint(pts, *grid, *onlyPoint)
		if err != nil {
			return exitBadInput, fmt.Errorf("sweep: --point: %w", err)
		}
		pts = []point{p}
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
	res, err := sweep(ctx, *grid, pts, claims, ccfg, func(label string) pipeline.Watcher {
		p := newProgress(stderr, sf.progress)
		p.label = label
		return p
	})
	if err != nil {
		return exitInternal, err
	}
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
	return sweepCode(res), nil
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

// sweep runs every claim at every point, one run after the other in grid order, so that the
// result is the same whatever the workers of each run (but for the seconds).
func sweep(ctx context.Context, grid string, pts []point, claims []properties.Claim, search checker.Config, watch func(label string) pipeline.Watcher) (*sweepResult, error) {
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
	fired := make([]uint64, len(fsm.Rules))
	row := map[fsm.RuleID]int{}
	for i, r := range fsm.Rules {
		row[r.ID] = i
	}
	for _, p := range pts {
		for _, c := range claims {
			for _, v := range append([]string{fsm.RFC}, c.Refuters...) {
				r, cov, err := sweepOne(ctx, p, c, v, search, watch)
				if err != nil {
					return nil, err
				}
				for _, rc := range cov {
					fired[row[rc.ID]] += rc.Fired
				}
				res.Runs = append(res.Runs, r)
			}
		}
	}
	for i, r := range fsm.Rules {
		res.Coverage.Rows = append(res.Coverage.Rows, ruleFired{Rule: r.Name, Fired: fired[i]})
		if fired[i] == 0 {
			res.Coverage.NeverFired = append(res.Coverage.NeverFired, r.Name)
		}
	}
	if res.Coverage.NeverFired == nil {
		res.Coverage.NeverFired = []string{}
	}
	res.summarize()
	return res, nil
}

// sweepOne runs claim c on variant v at point p; an RFC run also counts the rows that fire.
func sweepOne(ctx context.Context, p point, c properties.Claim, v string, search checker.Config, watch func(label string) pipeline.Watcher) (sweepRun, []pipeline.RuleCount, error) {
	want := pipeline.Want(v)
	r := sweepRun{Point: p.name, Claim: c.Name, Variant: v, Want: want, Steps: -1, Loop: -1}
	cfg, raised, refused := configAt(c.Config, p, v)
	r.SeqSpace, r.Raised = 1<<cfg.SeqBits, raised > 0
	if refused != nil {
		r.refused, r.Got, r.Stop = true, checker.Unknown, "refused: "+refused.Error()
		return r, nil, nil
	}
	at := c
	at.Config = cfg
	cr, err := pipeline.RunClaimWith(ctx, at, v, search, watch(p.name+" "+c.Name+" "+v), v == fsm.RFC)
	if err != nil {
		return r, nil, fmt.Errorf("point %s: %w", p.name, err)
	}
	r.Got, r.OK, r.Steps, r.Loop, r.States = cr.Got, cr.OK(), cr.Steps, cr.Loop, cr.States
	r.Seconds, r.Complete = cr.Elapsed.Seconds(), cr.Complete
	if cr.Stop != "" {
		r.Stop = cr.Stop
		if in := interruption(ctx); in != nil && cr.Canceled() {
			r.Stop = in.Error()
		}
	}
	return r, cr.Coverage, nil
}

func (res *sweepResult) summarize() {
	s := &res.Summary
	for _, r := range res.Runs {
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

// sweepCode: a failed expectation anywhere is 1; otherwise a run that could not decide
// (incomplete, or refused by the fsm) is 3.
func sweepCode(res *sweepResult) int {
	switch {
	case res.Summary.Failed > 0:
		return exitViolated
	case res.Summary.Incomplete > 0 || res.Summary.Refused > 0:
		return exitIncomplete
	}
	return exitOK
}

// cellText is the matrix's verdict for claim at point: ok, or each failed run
// ("FAIL rfc9293 violated (12)"), then "incomplete" or "refused: ..." for runs that could
// not decide.
func (res *sweepResult) cellText(pt, claim string) string {
	var fails []string
	incomplete, refused := false, ""
	for _, r := range res.Runs {
		if r.Point != pt || r.Claim != claim {
			continue
		}
		switch {
		case r.refused:
			refused = r.Stop
		case r.failed():
			f := fmt.Sprintf("FAIL %s %s", r.Variant, r.Got)
			if r.Steps >= 0 {
				f += fmt.Sprintf(" (%d)", r.Steps)
			}
			fails = append(fails, f)
		case r.undecided():
			incomplete = true
		}
	}
	if refused != "" {
		fails = append(fails, refused)
	}
	if incomplete {
		fails = append(fails, "incomplete")
	}
	if len(fails) == 0 {
		return "ok"
	}
	return strings.Join(fails, "; ")
}

// rowTotals are a point's states and seconds over its runs.
func (res *sweepResult) rowTotals(pt string) (states uint64, seconds float64) {
	for _, r := range res.Runs {
		if r.Point == pt {
			states += r.States
			seconds += r.Seconds
		}
	}
	return states, seconds
}

// pointLabel is the point's name, with the sequence space when some run had to raise it.
func (res *sweepResult) pointLabel(pt string) string {
	for _, r := range res.Runs {
		if r.Point == pt && r.Raised {
			return fmt.Sprintf("%s (seqspace raised to %d)", pt, r.SeqSpace)
		}
	}
	return pt
}

// matrix is the table of points by claims, with each row's states and seconds.
func (res *sweepResult) matrix() (header []string, rows [][]string) {
	header = append([]string{"point"}, res.Claims...)
	header = append(header, "states", "s")
	for _, p := range res.Points {
		row := []string{res.pointLabel(p.Name)}
		for _, c := range res.Claims {
			row = append(row, res.cellText(p.Name, c))
		}
		states, secs := res.rowTotals(p.Name)
		row = append(row, fmt.Sprint(states), fmt.Sprintf("%.1f", secs))
		rows = append(rows, row)
	}
	return header, rows
}

func (r sweepRun) trace() string {
	if r.Steps < 0 {
		return "no trace"
	}
	t := fmt.Sprintf("%d steps", r.Steps)
	if r.Loop >= 0 {
		t += fmt.Sprintf(" (lasso, cycle from step %d)", r.Loop+1)
	}
	return t
}

func printSweep(w io.Writer, res *sweepResult) {
	fmt.Fprintf(w, "sweep %s: %d points x %d claims, %d runs\n\n", res.Grid, len(res.Points), len(res.Claims), len(res.Runs))
	header, rows := res.matrix()
	widths := make([]int, len(header))
	for _, row := range append([][]string{header}, rows...) {
		for i, c := range row {
			widths[i] = max(widths[i], len(c))
		}
	}
	for _, row := range append([][]string{header}, rows...) {
		var line strings.Builder
		for i, c := range row {
			if i == len(row)-1 {
				fmt.Fprintf(&line, "%*s", widths[i], c)
			} else if i >= len(row)-2 {
				fmt.Fprintf(&line, "%*s  ", widths[i], c)
			} else {
				fmt.Fprintf(&line, "%-*s  ", widths[i], c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(line.String(), " "))
	}
	var failed, undecided []sweepRun
	for _, r := range res.Runs {
		if r.failed() {
			failed = append(failed, r)
		} else if r.undecided() {
			undecided = append(undecided, r)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(w, "\nfailed expectations (%d):\n", len(failed))
		for _, r := range failed {
			fmt.Fprintf(w, "  %s  %s  %s: want %s, got %s, %s\n", r.Point, r.Claim, r.Variant, r.Want, r.Got, r.trace())
		}
	}
	if len(undecided) > 0 {
		fmt.Fprintf(w, "\nnot decided (%d):\n", len(undecided))
		for _, r := range undecided {
			what := "incomplete: " + r.Stop
			if r.refused {
				what = r.Stop
			}
			fmt.Fprintf(w, "  %s  %s  %s: want %s, %s\n", r.Point, r.Claim, r.Variant, r.Want, what)
		}
	}
	fmt.Fprintf(w, "\nrule coverage over the RFC runs: %d of %d rows fired", len(res.Coverage.Rows)-len(res.Coverage.NeverFired), len(res.Coverage.Rows))
	if len(res.Coverage.NeverFired) > 0 {
		fmt.Fprintf(w, "; never fired: %s", strings.Join(res.Coverage.NeverFired, ", "))
	}
	fmt.Fprintln(w)
	s := res.Summary
	fmt.Fprintf(w, "%d of %d expectations met: %d failed, %d incomplete, %d refused\n", s.OK, s.Runs, s.Failed, s.Incomplete, s.Refused)
}

// writeSweep writes sweep.json and sweep.md into dir.
// sweepFile names the files a sweep writes, which an earlier sweep's may be replaced by.
func sweepFile(name string) bool { return name == "sweep.md" || name == "sweep.json" }

func writeSweep(dir string, res *sweepResult) error {
	var js strings.Builder
	enc := json.NewEncoder(&js)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(res); err != nil {
		return fmt.Errorf("sweep: write json: %w", err)
	}
	if err := writeFile(dir, "sweep.json", js.String()); err != nil {
		return err
	}
	return writeFile(dir, "sweep.md", sweepMarkdown(res))
}

func sweepMarkdown(res *sweepResult) string {
	var b strings.Builder
	s := res.Summary
	fmt.Fprintf(&b, "# tcpverify sweep: %s grid\n\n", res.Grid)
	fmt.Fprintf(&b, "**Verdict:** %d of %d expectations met: %d failed, %d incomplete, %d refused.\n\n", s.OK, s.Runs, s.Failed, s.Incomplete, s.Refused)
	b.WriteString("Each point is every claim's own config with the named parameters at their envelope maxima; a cell is `ok` when the RFC model holds and every refuting variant violates, otherwise each failed run as `FAIL variant verdict (trace length)`.\n\n")
	header, rows := res.matrix()
	md := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			fmt.Fprintf(&b, " %s |", strings.ReplaceAll(c, "|", `\|`))
		}
		b.WriteString("\n")
	}
	md(header)
	md(strings.Split(strings.Repeat("---,", len(header)-2)+"--:,--:", ","))
	for _, row := range rows {
		md(row)
	}
	var failed []sweepRun
	for _, r := range res.Runs {
		if r.failed() {
			failed = append(failed, r)
		}
	}
	if len(failed) > 0 {
		b.WriteString("\n## Failed expectations\n\n")
		md([]string{"point", "claim", "variant", "want", "got", "trace"})
		md([]string{"---", "---", "---", "---", "---", "---"})
		for _, r := range failed {
			md([]string{r.Point, r.Claim, r.Variant, r.Want.String(), r.Got.String(), r.trace()})
		}
	}
	b.WriteString("\n## Runs\n\n")
	md([]string{"point", "claim", "variant", "want", "got", "ok", "trace", "states", "s", "stop"})
	md([]string{"---", "---", "---", "---", "---", "---", "---", "--:", "--:", "---"})
	for _, r := range res.Runs {
		md([]string{r.Point, r.Claim, r.Variant, r.Want.String(), r.Got.String(), fmt.Sprint(r.OK), r.trace(),
			fmt.Sprint(r.States), fmt.Sprintf("%.2f", r.Seconds), r.Stop})
	}
	b.WriteString("\n## Rule coverage\n\n")
	fmt.Fprintf(&b, "Over the RFC runs of the grid, %d of %d rows of the RFC table fired.", len(res.Coverage.Rows)-len(res.Coverage.NeverFired), len(res.Coverage.Rows))
	if len(res.Coverage.NeverFired) > 0 {
		fmt.Fprintf(&b, " Never fired: %s.", strings.Join(res.Coverage.NeverFired, ", "))
	}
	b.WriteString("\n\n")
	md([]string{"rule", "fired"})
	md([]string{"---", "--:"})
	for _, c := range res.Coverage.Rows {
		md([]string{c.Rule, fmt.Sprint(c.Fired)})
	}
	return b.String()
}
