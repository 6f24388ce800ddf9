package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

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
	var seed int64
	var walks, depth, workers int
	var timeout time.Duration
	intFlag(fs, &seed, "seed", 1, seedSpec, "random seed: the same seed gives the same walks")
	intFlag(fs, &walks, "walks", 1000, walksSpec, "number of random walks (memory does not grow with it)")
	intFlag(fs, &depth, "depth", 200, walkDepthSpec, "steps per walk at most")
	intFlag(fs, &workers, "workers", 0, simWorkersSpec, "goroutines (results do not depend on it)")
	addTimeoutFlag(fs, &timeout)
	showProgress := fs.Bool("progress", true, "show progress on stderr when it is a terminal")
	out := fs.String("out", "simulation", "report `directory`")
	if err := parse(fs, args, stdout); err != nil {
		return helpOr(err)
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
	bar := newSimProgress(stderr, *showProgress)
	res, err := checker.Simulate(ctx, sys, checker.SimConfig{Seed: seed, Walks: walks, Depth: depth,
		Workers: workers, Timeout: timeout, Progress: bar.Update})
	bar.Done()
	if err != nil {
		return exitInternal, err
	}
	stop := fmt.Sprintf("simulation: %d walks of at most %d steps, seed %d (%d steps in all)", res.Walks, depth, seed, res.Steps)
	if res.Stop != nil {
		stop = fmt.Sprintf("%s after %d of %d walks; %s", stopText(ctx, res.Stop), res.Walks, walks, stop)
	}
	cfgJSON := configJSON(m.cfg)
	rep := &report.Report{Schema: report.SchemaID, Tool: "tcpverify", Command: "simulate",
		Model:  report.Model{Shape: m.cfg.Shape.String(), Variant: m.variant},
		Search: report.Search{Workers: max(workers, 1), Visited: "exact", TimeoutSeconds: timeout.Seconds()},
		Result: report.Result{Complete: false, Stop: stop},
		Notes:  foreignNote(dir),
	}
	if rep.Model.Config, err = jsonMarshal(cfgJSON); err != nil {
		return exitInternal, err
	}
	verdicts, err := pipeline.Tell(*sys.System, m.variant, m.props, res.Verdicts, pipeline.ReportTitle("simulation"))
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
		fmt.Fprintf(stdout, "simulated %d of %d walks, %d steps (seed %d; INCOMPLETE: %s)\n", res.Walks, walks, res.Steps, seed, stopText(ctx, res.Stop))
	} else {
		fmt.Fprintf(stdout, "simulated %d walks, %d steps (seed %d)\n", res.Walks, res.Steps, seed)
	}
	for _, p := range rep.Properties {
		trace := ""
		if p.Trace != nil {
			trace = fmt.Sprintf("  (%s, %d steps: %s)", p.Trace.Role, len(p.Trace.Steps), filepath.Join(*out, p.Trace.MSC))
		}
		fmt.Fprintf(stdout, "  %-9s %-26s %s%s\n", p.Status, p.Name, p.Kind, trace)
	}
	fmt.Fprintf(stdout, "report: %s\n", filepath.Join(*out, "report.md"))
	return code, nil
}
