package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/msc"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/outdir"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/pipeline"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/report"
)

// runSimulate runs seeded random walks: for configurations too large to exhaust. It checks
// the invariants and deadlock freedom on every state it visits; it never proves anything,
// so its best verdict is "unknown" and it exits 3 when it found no violation.
func runSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("simulate")
	mf := addModelFlags(fs)
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same walks")
	walks := fs.Int("walks", 1000, "number of random walks")
	depth := fs.Int("depth", 200, "steps per walk at most")
	workers := fs.Int("workers", 0, "goroutines (0: GOMAXPROCS; results do not depend on it)")
	out := fs.String("out", "simulation", "report `directory`")
	if err := parse(fs, args, stdout); err != nil {
		return helpOr(err)
	}
	if err := inRange("walks", *walks, 1, 1<<30); err != nil {
		return exitBadInput, err
	}
	if err := inRange("depth", *depth, 1, 1<<20); err != nil {
		return exitBadInput, err
	}
	if err := inRange("workers", *workers, 0, 1024); err != nil {
		return exitBadInput, err
	}
	m, err := mf.resolve(fs)
	if err != nil {
		return exitBadInput, err
	}
	dir, err := outdir.Prepare(*out, outdir.Report)
	if err != nil {
		return exitBadInput, err
	}
	defer dir.Abort()
	sys := m.sys
	res, err := checker.Simulate(ctx, sys, checker.SimConfig{Seed: *seed, Walks: *walks, Depth: *depth, Workers: *workers})
	if err != nil {
		return exitInternal, err
	}
	cfgJSON := configJSON(m.cfg)
	rep := &report.Report{Schema: report.SchemaID, Tool: "tcpverify", Command: "simulate",
		Model:  report.Model{Shape: m.cfg.Shape.String(), Variant: m.variant},
		Search: report.Search{Workers: max(*workers, 1), Visited: "exact"},
		Result: report.Result{Complete: false, Stop: fmt.Sprintf("simulation: %d walks of at most %d steps, seed %d (%d steps in all)", res.Walks, *depth, *seed, res.Steps)},
		Notes:  foreignNote(dir),
	}
	if res.Stop != nil {
		rep.Result.Stop = fmt.Sprintf("%s after %d of %d walks (seed %d, %d steps in all)", stopText(ctx, res.Stop), res.Walks, *walks, *seed, res.Steps)
	}
	if rep.Model.Config, err = jsonMarshal(cfgJSON); err != nil {
		return exitInternal, err
	}
	verdicts, err := pipeline.Tell(sys.System, m.variant, m.props, res.Verdicts, pipeline.ReportTitle("simulation"))
	if err != nil {
		return exitInternal, err
	}
	var charts map[string]*msc.Chart
	rep.Properties, charts = reportProperties(verdicts)
	code := exitIncomplete
	for _, v := range verdicts {
		if v.Status == checker.Violated {
			code = exitViolated
		}
	}
	if err := writeReports(dir.Path(), rep); err != nil {
		return exitInternal, err
	}
	if err := writeReportDirCharts(dir.Path(), charts); err != nil {
		return exitInternal, err
	}
	if err := dir.Commit(); err != nil {
		return exitInternal, err
	}
	if res.Stop != nil {
		fmt.Fprintf(stdout, "INCOMPLETE: %s\n", rep.Result.Stop)
	}
	fmt.Fprintf(stdout, "simulated %d walks, %d steps (seed %d)\n", res.Walks, res.Steps, *seed)
	for _, p := range rep.Properties {
		fmt.Fprintf(stdout, "  %-9s %s\n", p.Status, p.Name)
	}
	return code, nil
}
