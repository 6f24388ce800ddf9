package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/msc"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/report"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/story"
	"github.com/tcpverify/tcpverify/fsm"
)

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("check")
	mf := addModelFlags(fs)
	sf := addSearchFlags(fs)
	out := fs.String("out", "report", "report `directory` (created if missing)")
	format := fs.String("format", "text", "what to print on stdout: text (a summary) or json (report.json)")
	if err := parse(fs, args, stdout); err != nil {
		return helpOr(err)
	}
	if *format != "text" && *format != "json" {
		return exitBadInput, fmt.Errorf("format %q: want text or json", *format)
	}
	m, err := mf.resolve(fs)
	if err != nil {
		return exitBadInput, err
	}
	ccfg, err := sf.config()
	if err != nil {
		return exitBadInput, err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return exitBadInput, fmt.Errorf("out: %w", err)
	}
	sys := m.sys
	ccfg.Graph = true
	bar := newProgress(stderr, sf.progress)
	ccfg.Progress = bar.update
	res, err := checker.Run(ctx, sys, ccfg)
	bar.finish()
	if err != nil {
		return exitBadInput, err
	}
	rep, charts, err := buildReport("check", sys.System, m, ccfg, res)
	if err != nil {
		return exitBadInput, err
	}
	if err := writeReportDir(*out, rep, charts, res.Graph); err != nil {
		return exitBadInput, err
	}
	if *format == "json" {
		if err := rep.WriteJSON(stdout); err != nil {
			return exitBadInput, err
		}
	} else {
		printSummary(stdout, rep, *out)
	}
	return verdictCode(rep), nil
}

// helpOr turns errHelp into a clean exit and any other parse error into bad input.
func helpOr(err error) (int, error) {
	if errors.Is(err, errHelp) {
		return exitOK, nil
	}
	return exitBadInput, err
}

// verdictCode: a proved violation wins over incompleteness (it is final whatever was not
// explored); otherwise an incomplete search cannot say "all hold".
func verdictCode(r *report.Report) int {
	for _, p := range r.Properties {
		if p.Status == "violated" {
			return exitViolated
		}
	}
	if !r.Result.Complete {
		return exitIncomplete
	}
	return exitOK
}

// buildReport turns a result into the report; traces are told as stories, and their
// charts are returned by MSC file name.
func buildReport(command string, sys fsm.System, m model, ccfg checker.Config, res *checker.Result[fsm.SysState]) (*report.Report, map[string]*msc.Chart, error) {
	cfgJSON, err := jsonMarshal(configJSON(m.cfg))
	if err != nil {
		return nil, nil, err
	}
	var charts map[string]*msc.Chart
	r := &report.Report{
		Schema: report.SchemaID, Tool: "tcpverify", Command: command,
		Model: report.Model{Shape: m.cfg.Shape.String(), Variant: m.variant, Config: cfgJSON},
		Search: report.Search{
			Workers: res.Workers, Visited: res.Visited.String(), MaxStates: ccfg.MaxStates,
			MaxDepth: ccfg.MaxDepth, MaxMemory: ccfg.MaxMemory, TimeoutSeconds: ccfg.Timeout.Seconds(),
		},
		Result: report.Result{
			Complete: res.Complete, States: res.States, Transitions: res.Transitions,
			MaxDepth: res.MaxDepth, Seconds: res.Elapsed.Seconds(), PeakHeapBytes: res.PeakHeap,
			OmissionBound: res.OmissionBound,
		},
	}
	if res.Stop != nil {
		r.Result.Stop = res.Stop.Error()
	}
	if s := res.Elapsed.Seconds(); s > 0 {
		r.Result.StatesPerSecond = float64(res.States) / s
	}
	if res.States > 0 {
		r.Result.BytesPerState = float64(res.PeakHeap) / float64(res.States)
	}
	r.Properties, charts, err = tellVerdicts(sys, m, res.Verdicts, "")
	if err != nil {
		return nil, nil, err
	}
	return r, charts, nil
}

// tellVerdicts turns verdicts into report properties, telling each trace as a story with
// its message sequence chart (keyed by the chart's file name). how names the run in chart
// titles; empty, the trace's role (counterexample or example) does.
func tellVerdicts(sys fsm.System, m model, verdicts []checker.Verdict[fsm.SysState], how string) ([]report.Property, map[string]*msc.Chart, error) {
	var props []report.Property
	charts := map[string]*msc.Chart{}
	for i, v := range verdicts {
		p := report.Property{Name: v.Name, Kind: v.Kind.String(), Status: v.Status.String()}
		if i < len(m.props) {
			p.Description = m.props[i].Statement
		}
		if v.Trace != nil {
			role := "counterexample"
			if v.Kind == checker.KindSometimes {
				role = "example"
			}
			title := how
			if title == "" {
				title = role
			}
			st, err := story.Tell(sys, v.Trace, fmt.Sprintf("%s: %s (%s)", m.variant, v.Name, title), role)
			if err != nil {
				return nil, nil, fmt.Errorf("property %s: %w", v.Name, err)
			}
			p.Trace = &st.Trace
			p.Trace.MSC = "msc-" + v.Name + ".dot"
			charts[p.Trace.MSC] = st.Chart
		}
		props = append(props, p)
	}
	return props, charts, nil
}

// configJSON is the model config as report.json and config files spell it.
func configJSON(c fsm.Config) fileConfig {
	shape := c.Shape.String()
	seq := 1 << c.SeqBits
	win, capa, inc := int(c.Window), c.Capacity, int(c.Incarnations)
	l, d, i, cr := int(c.Faults.Loss), int(c.Faults.Dup), int(c.Faults.Inject), int(c.Faults.Crash)
	return fileConfig{
		Shape: &shape, SeqSpace: &seq, Window: &win, Capacity: &capa,
		Units: []int{int(c.Units[0]), int(c.Units[1])}, Incarnations: &inc,
		Faults: &faults{Loss: &l, Dup: &d, Inject: &i, Crash: &cr},
	}
}

// writeReportDir writes report.md, report.json, graph.dot and the charts, rendering SVGs
// when Graphviz is installed.
func writeReportDir(dir string, rep *report.Report, charts map[string]*msc.Chart, graph *checker.Graph) error {
	dotPath, dotErr := exec.LookPath("dot")
	if dotErr != nil {
		rep.Notes = append(rep.Notes, "Graphviz's dot is not on PATH: diagrams are written as DOT only (install graphviz for SVG).")
	}
	var files []string
	if graph != nil {
		rep.Graph = "graph.dot"
		var b strings.Builder
		if err := checker.WriteDOT(&b, graph, "states"); err != nil {
			return err
		}
		if err := writeFile(dir, rep.Graph, b.String()); err != nil {
			return err
		}
		files = append(files, rep.Graph)
	}
	if err := writeReports(dir, rep); err != nil {
		return err
	}
	if dotErr == nil {
		for _, f := range files {
			if err := renderSVG(dotPath, filepath.Join(dir, f)); err != nil {
				return err
			}
		}
	}
	return writeReportDirCharts(dir, charts)
}

// writeReportDirCharts writes each chart as DOT, and as SVG when Graphviz is installed.
func writeReportDirCharts(dir string, charts map[string]*msc.Chart) error {
	dotPath, dotErr := exec.LookPath("dot")
	for _, name := range slices.Sorted(maps.Keys(charts)) {
		var b strings.Builder
		if err := charts[name].Write(&b); err != nil {
			return err
		}
		if err := writeFile(dir, name, b.String()); err != nil {
			return err
		}
		if dotErr == nil {
			if err := renderSVG(dotPath, filepath.Join(dir, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeReports writes report.json, checked against its schema, and report.md.
func writeReports(dir string, rep *report.Report) error {
	var js strings.Builder
	if err := rep.WriteJSON(&js); err != nil {
		return err
	}
	if err := report.Validate([]byte(js.String())); err != nil {
		return fmt.Errorf("internal error: report.json does not match its schema: %w", err)
	}
	if err := writeFile(dir, "report.json", js.String()); err != nil {
		return err
	}
	var md strings.Builder
	if err := rep.WriteMarkdown(&md); err != nil {
		return err
	}
	return writeFile(dir, "report.md", md.String())
}

func writeFile(dir, name, content string) error {
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// renderSVG runs Graphviz on a DOT file, writing the SVG beside it.
func renderSVG(dotPath, file string) error {
	svg := strings.TrimSuffix(file, ".dot") + ".svg"
	out, err := exec.Command(dotPath, "-Tsvg", "-o", svg, file).CombinedOutput()
	if err != nil {
		return fmt.Errorf("render %s: %v: %s", file, err, strings.TrimSpace(string(out)))
	}
	return nil
}

func printSummary(w io.Writer, r *report.Report, dir string) {
	status := "complete"
	if !r.Result.Complete {
		status = "INCOMPLETE: " + r.Result.Stop
	}
	fmt.Fprintf(w, "model %s/%s: %d states, %d transitions, depth %d, %.2f s, %.0f states/s (%s)\n",
		r.Model.Shape, r.Model.Variant, r.Result.States, r.Result.Transitions, r.Result.MaxDepth,
		r.Result.Seconds, r.Result.StatesPerSecond, status)
	for _, p := range r.Properties {
		trace := ""
		if p.Trace != nil {
			trace = fmt.Sprintf("  (%s, %d steps: %s)", p.Trace.Role, len(p.Trace.Steps), filepath.Join(dir, p.Trace.MSC))
		}
		fmt.Fprintf(w, "  %-9s %-26s %s%s\n", p.Status, p.Name, p.Kind, trace)
	}
	fmt.Fprintf(w, "report: %s\n", filepath.Join(dir, "report.md"))
}

func jsonMarshal(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	return b, nil
}
