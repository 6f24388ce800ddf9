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
	"github.com/tcpverify/tcpverify/cmd/verify/internal/outdir"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/pipeline"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/report"
	"github.com/tcpverify/tcpverify/fsm"
)

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("check")
	mf := addModelFlags(fs)
	sf := addSearchFlags(fs)
	out := fs.String("out", "report", "report `directory` (created if missing; an earlier run's report files in it are replaced)")
	format := fs.String("format", "text", "what to print on stdout: text (a summary) or json (report.json)")
	mutant := fs.String("mutant", "", "check this rule-table `mutant` of --variant instead of the variant (verify mutate --list names them), e.g. to see the trace that kills it")
	stopAt := fs.Bool("stop-at-violation", false, "stop once a level of the search holds a violation of an always, step or deadlock property, as SPIN and TLC do: the violations found are final and their traces shortest, the other properties stay unknown")
	graph := fs.Bool("graph", false, fmt.Sprintf("keep the state graph projected onto (A state, B state) pairs: graph.dot, and graph.svg when Graphviz is installed and the graph is small enough to read (at most %d nodes and %d edges)", maxDrawnNodes, maxDrawnEdges))
	if err := parse(fs, args, stdout); err != nil {
		return helpOr(err)
	}
	if *format != "text" && *format != "json" {
		return exitBadInput, fmt.Errorf("--format %s: want text or json", quoteArg(*format))
	}
	m, err := mf.resolve(fs)
	if err != nil {
		return exitBadInput, err
	}
	ccfg, err := sf.config()
	if err != nil {
		return exitBadInput, err
	}
	ccfg.StopAtViolation = *stopAt
	var table *fsm.Variant
	if *mutant != "" {
		v, err := mutantOf(m.variant, *mutant)
		if err != nil {
			return exitBadInput, fmt.Errorf("check: --mutant: %w", err)
		}
		table, m.variant = &v, v.Name
	}
	dir, err := outdir.Prepare(*out, outdir.Report)
	if err != nil {
		return exitBadInput, err
	}
	defer dir.Abort()
	// The graph costs the search a label per state and transition: keep it only when asked.
	ccfg.Graph = *graph
	res, err := pipeline.Run(ctx, pipeline.Job{Config: m.cfg, Variant: m.variant, Table: table, Properties: m.props,
		Search: ccfg, Watch: newProgress(stderr, sf.progress), Coverage: true})
	if err != nil {
		return exitInternal, err
	}
	rep, charts, err := buildReport(ctx, "check", m, ccfg, res)
	if err != nil {
		return exitInternal, err
	}
	if n := graphNote(res.Graph); n != "" {
		rep.Notes = append(rep.Notes, n)
	}
	rep.Notes = append(rep.Notes, m.skipped...)
	rep.Notes = append(rep.Notes, foreignNote(dir)...)
	if err := writeReportDir(dir.Path(), rep, charts, res.Graph); err != nil {
		return exitInternal, err
	}
	if err := dir.Commit(); err != nil {
		return exitInternal, err
	}
	if *format == "json" {
		if err := rep.WriteJSON(stdout); err != nil {
			return exitInternal, err
		}
	} else {
		printSummary(stdout, rep, *out)
	}
	return verdictCode(res.Verdicts, res.Summary.Complete), nil
}

// mutantOf is the mutant of the named variant's table called name, as a variant.
func mutantOf(variant, name string) (fsm.Variant, error) {
	base, err := fsm.LookupVariant(variant)
	if err != nil {
		return fsm.Variant{}, err
	}
	muts, err := fsm.Mutants(base)
	if err != nil {
		return fsm.Variant{}, err
	}
	for _, mu := range muts {
		if mu.Name == name {
			return mu.Of(base), nil
		}
	}
	return fsm.Variant{}, fmt.Errorf("%s is no mutant of %s (verify mutate --list names them)", quoteArg(name), variant)
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
func verdictCode(verdicts []pipeline.Verdict, complete bool) int {
	for _, v := range verdicts {
		if v.Status == checker.Violated {
			return exitViolated
		}
	}
	if !complete {
		return exitIncomplete
	}
	return exitOK
}

// buildReport turns a result into the report; traces are told as stories, and their
// charts are returned by MSC file name.
func buildReport(ctx context.Context, command string, m model, ccfg checker.Config, res *pipeline.Result) (*report.Report, map[string]*msc.Chart, error) {
	cfgJSON, err := jsonMarshal(configJSON(m.cfg))
	if err != nil {
		return nil, nil, err
	}
	s := res.Summary
	r := &report.Report{
		Schema: report.SchemaID, Tool: "tcpverify", Command: command,
		Model: report.Model{Shape: m.cfg.Shape.String(), Variant: m.variant, Config: cfgJSON},
		Search: report.Search{
			Workers: s.Workers, Visited: s.Visited.String(), MaxStates: ccfg.MaxStates,
			MaxDepth: ccfg.MaxDepth, MaxMemory: ccfg.MaxMemory, TimeoutSeconds: ccfg.Timeout.Seconds(),
		},
		Result: report.Result{
			Complete: s.Complete, States: s.States, Transitions: s.Transitions,
			MaxDepth: s.Depth, Seconds: s.Elapsed.Seconds(), PeakHeapBytes: s.PeakHeap,
			OmissionBound: s.OmissionBound, StatesPerSecond: s.StatesPerSecond(), BytesPerState: s.BytesPerState(),
		},
	}
	r.Result.Stop = stopText(ctx, s.Stop)
	for _, c := range res.Coverage {
		r.Coverage = append(r.Coverage, report.RuleCoverage{Rule: c.Name, Fired: c.Fired})
	}
	var charts map[string]*msc.Chart
	r.Properties, charts = reportProperties(res.Verdicts)
	return r, charts, nil
}

// reportProperties are the verdicts as report properties, with each trace's chart keyed
// by the chart's file name.
func reportProperties(verdicts []pipeline.Verdict) ([]report.Property, map[string]*msc.Chart) {
	var props []report.Property
	charts := map[string]*msc.Chart{}
	for _, v := range verdicts {
		p := report.Property{Name: v.Name, Kind: v.Kind.String(), Status: v.Status, Description: v.Statement}
		if v.Story != nil {
			p.Trace = &v.Story.Trace
			p.Trace.MSC = "msc-" + v.Name + ".dot"
			charts[p.Trace.MSC] = v.Story.Chart
		}
		props = append(props, p)
	}
	return props, charts
}

// configJSON is the model config as report.json and config files spell it.
func configJSON(c fsm.Config) fileConfig {
	shape := c.Shape.String()
	seq := 1 << c.SeqBits
	win, capa, inc := int(c.Window), c.Capacity, int(c.Incarnations)
	l, d, i, cr := int(c.Faults.Loss), int(c.Faults.Dup), int(c.Faults.Inject), int(c.Faults.Crash)
	var r2 *int // 0, one more than the losses, is what an absent r2 means
	if c.Timing.R2 > 0 {
		n := int(c.Timing.R2)
		r2 = &n
	}
	var part *int // written only when the path may fail, as older reports are
	if c.Faults.Partition > 0 {
		n := int(c.Faults.Partition)
		part = &n
	}
	drop := append([]string{}, c.Timing.Dropped()...) // [] when every assumption is kept
	var kinds []string
	for k := fsm.OldKinds(1); k != 0 && k <= fsm.AllOld; k <<= 1 {
		if c.OldKinds&k != 0 {
			kinds = append(kinds, k.String())
		}
	}
	return fileConfig{
		Shape: &shape, SeqSpace: &seq, Window: &win, Capacity: &capa,
		Units: []int{int(c.Units[0]), int(c.Units[1])}, Incarnations: &inc,
		Faults: &faults{Loss: &l, Dup: &d, Inject: &i, Crash: &cr, Partition: part},
		R2:     r2, Drop: drop, OldFrom: sideNames(c.OldFrom), OldKinds: kinds,
		CallsA: c.CallsOf(fsm.A).Names(), CallsB: c.CallsOf(fsm.B).Names(),
	}
}

// The largest projected graph that graph.svg is laid out for: beyond it a drawing is too
// dense to read and Graphviz's layout takes long, so only graph.dot is written.
const (
	maxDrawnNodes = 200
	maxDrawnEdges = 2000
)

// writeReportDir writes report.md, report.json, the charts and, when the graph was kept,
// graph.dot, rendering SVGs when Graphviz is installed (graph.svg only for a readable graph).
func writeReportDir(dir string, rep *report.Report, charts map[string]*msc.Chart, graph *checker.Graph) error {
	dotPath, dotErr := exec.LookPath("dot")
	if dotErr != nil {
		rep.Notes = append(rep.Notes, "Graphviz's dot is not on PATH: diagrams are written as DOT only (install graphviz for SVG).")
	}
	draw := false
	if graph != nil {
		rep.Graph = "graph.dot"
		var b strings.Builder
		if err := checker.WriteDOTWith(&b, graph, "states", graphOptions); err != nil {
			return err
		}
		if err := writeFile(dir, rep.Graph, b.String()); err != nil {
			return err
		}
		draw = dotErr == nil && drawable(graph)
		if draw {
			rep.GraphSVG = "graph.svg"
		}
	}
	if dotErr == nil {
		for i := range rep.Properties {
			if t := rep.Properties[i].Trace; t != nil && t.MSC != "" {
				t.MSCSVG = strings.TrimSuffix(t.MSC, ".dot") + ".svg"
			}
		}
	}
	if err := writeReports(dir, rep); err != nil {
		return err
	}
	if draw {
		if err := renderSVG(dotPath, filepath.Join(dir, rep.Graph)); err != nil {
			return err
		}
	}
	return writeReportDirCharts(dir, charts)
}

// graphOptions draws the projected graph readably: the transitions that stay in their
// (A state, B state) pair (most of them: losses, duplicates, retransmissions) are folded
// into the node's label, and the pairs are boxed by the connection's phase.
var graphOptions = checker.DOTOptions{FoldSelfLoops: true, Group: phase}

// phase names the phase of a projected node "A=X B=Y", in order: opening (neither side
// ESTABLISHED or closing), established, closing (a side has sent or received a FIN); ""
// for a label of another form.
func phase(label string) (string, int) {
	a, b, ok := strings.Cut(strings.TrimPrefix(label, "A="), " B=")
	if !ok || !strings.HasPrefix(label, "A=") {
		return "", 0
	}
	sa, errA := fsm.ParseState(a)
	sb, errB := fsm.ParseState(b)
	if errA != nil || errB != nil {
		return "", 0
	}
	closing := func(s fsm.State) bool { return s.FinSent() || s.FinReceived() }
	switch {
	case closing(sa) || closing(sb):
		return "closing", 2
	case sa == fsm.StateEstablished || sb == fsm.StateEstablished:
		return "established", 1
	}
	return "opening", 0
}

// graphNote tells the reader of a report what became of the state graph: not kept (no
// --graph), or kept but too big to draw; "" when it is drawn.
func graphNote(graph *checker.Graph) string {
	switch {
	case graph == nil:
		return "No state graph was kept: run with --graph for graph.dot, the states projected onto (A state, B state) pairs."
	case !drawable(graph):
		return fmt.Sprintf("The state graph has %d nodes and %d edges, more than a drawing can show (at most %d nodes and %d edges): graph.dot is written, graph.svg is not laid out.",
			len(graph.Nodes), len(graph.Edges), maxDrawnNodes, maxDrawnEdges)
	}
	return ""
}

// drawable says whether a graph is small enough to lay out and read.
func drawable(g *checker.Graph) bool {
	return len(g.Nodes) <= maxDrawnNodes && len(g.Edges) <= maxDrawnEdges
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

// writeResultFiles writes v as NAME.json (indented, HTML left unescaped) and md as NAME.md
// into dir: the pair verify sweep and verify mutate leave under --out.
func writeResultFiles(dir, name string, v any, md string) error {
	var js strings.Builder
	enc := json.NewEncoder(&js)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("%s: write json: %w", name, err)
	}
	if err := writeFile(dir, name+".json", js.String()); err != nil {
		return err
	}
	return writeFile(dir, name+".md", md)
}

// mdRow appends a Markdown table row, escaping the cells' pipes.
func mdRow(b *strings.Builder, cells ...string) {
	b.WriteString("|")
	for _, c := range cells {
		fmt.Fprintf(b, " %s |", strings.ReplaceAll(c, "|", `\|`))
	}
	b.WriteString("\n")
}

// renderSVG runs Graphviz on a DOT file, writing the SVG beside it.
func renderSVG(dotPath, file string) error {
	svg := strings.TrimSuffix(file, ".dot") + ".svg"
	// A relative name could start with "-": prefix it so dot never reads it as an option.
	if !filepath.IsAbs(file) {
		file, svg = "."+string(filepath.Separator)+file, "."+string(filepath.Separator)+svg
	}
	out, err := ownGroup(exec.Command(dotPath, "-Tsvg", "-o", svg, file)).CombinedOutput()
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
	for _, n := range r.Notes {
		if strings.HasPrefix(n, "property ") {
			fmt.Fprintf(w, "  %s\n", n)
		}
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
