package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/pipeline"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/spinrumur"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/twin"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// benchCase is one configuration of a benchmark set: the anchor model (the same state space
// as SPIN's and Rumur's) at some parameters, or the RFC model at a config, checking every
// property or only the safety ones.
type benchCase struct {
	name   string
	anchor *twin.Params
	rfc    *fsm.Config
	// safety keeps the RFC model's properties that are not Eventually: a search that keeps
	// no transitions.
	safety bool
	// twin marks the anchor case the RFC rows of a run are compared with.
	twin bool
}

func anchorCase(seq, capacity int) benchCase {
	p := twin.DefaultParams()
	p.SeqN, p.NetCap = seq, capacity
	return benchCase{name: p.Name(), anchor: &p}
}

// twinCase is the anchor setting the RFC rows are compared with (their "vs twin" ratio):
// the same engine on the anchor model, measured in the same run at the same workers and
// visited set, so that the ratio says what the RFC model costs whatever the machine's load.
func twinCase() benchCase {
	c := anchorCase(4, 3)
	c.twin = true
	return c
}

// rfcCases are the RFC model at cfg, named "rfc9293-SIZE": safety properties only, then all.
func rfcCases(size string, cfg fsm.Config) []benchCase {
	name := "rfc9293-" + size
	return []benchCase{{name: name + "/safety", rfc: &cfg, safety: true}, {name: name + "/all", rfc: &cfg}}
}

// The RFC model's three sizes: the default config (seconds), one host crash (--crash 1), and
// capacity 3 (--capacity 3, about 19 million states), the largest point of the envelope
// whose search fits in 8 GiB. Each takes the smallest sequence space that fits, as the
// CLI does.
func rfcDefault() []benchCase { return rfcCases("default", fsm.DefaultConfig()) }

func rfcCrash1() []benchCase {
	c := fsm.DefaultConfig()
	c.Faults.Crash = 1
	c.SeqBits = c.MinSeqBits()
	return rfcCases("crash1", c)
}

func rfcCap3() []benchCase {
	c := fsm.DefaultConfig()
	c.Capacity = 3
	c.SeqBits = c.MinSeqBits()
	return rfcCases("cap3", c)
}

// benchSetNames are the sets, in the order help and errors list them.
var benchSetNames = []string{"quick", "rfc", "spin", "full"}

// benchSets are the named sets. quick runs in a minute or so: small anchor settings and
// the RFC model's default config; rfc is the RFC model at its three sizes beside its twin
// anchor setting; spin holds the two settings of the targets against SPIN; full has the
// twin, the spin settings, the default anchor setting seq8cap4 (162 million states, about
// 12 GB for SPIN) and the RFC configs of rfc. The twin case comes before the RFC cases of a
// set, so it is measured first.
func benchSets() map[string][]benchCase {
	return map[string][]benchCase{
		"quick": slices.Concat([]benchCase{anchorCase(2, 2), anchorCase(4, 2), twinCase()}, rfcDefault()),
		"rfc":   slices.Concat([]benchCase{twinCase()}, rfcDefault(), rfcCrash1(), rfcCap3()),
		"spin":  {anchorCase(4, 4), anchorCase(8, 3)},
		"full": slices.Concat([]benchCase{twinCase(), anchorCase(4, 4), anchorCase(8, 3), anchorCase(8, 4)},
			rfcDefault(), rfcCrash1(), rfcCap3()),
	}
}

// benchRow is one line of the table.
type benchRow struct {
	Config        string  `json:"config"`
	Tool          string  `json:"tool"`
	Workers       int     `json:"workers"`
	Visited       string  `json:"visited"`
	States        uint64  `json:"states"`
	Transitions   uint64  `json:"transitions"`
	Seconds       float64 `json:"seconds"`
	StatesPerSec  float64 `json:"states_per_second"`
	PeakBytes     uint64  `json:"peak_bytes"`
	BytesPerState float64 `json:"bytes_per_state"`
	Complete      bool    `json:"complete"`
	// CountsMatch: the states and transitions equal SPIN's recorded (or just measured)
	// counts; nil when there is no reference for the configuration.
	CountsMatch *bool `json:"counts_match,omitempty"`
	// SpeedRatio and MemoryRatio compare this row with the reference tool's row of the
	// same configuration: states/s over theirs, bytes/state over theirs.
	SpeedRatio  map[string]float64 `json:"speed_ratio,omitempty"`
	MemoryRatio map[string]float64 `json:"memory_ratio,omitempty"`
	// TwinRatio is an RFC row's states/s over the twin anchor row's (seq4cap3) at the same
	// workers and visited set, measured in the same run; absent when either is incomplete.
	TwinRatio float64 `json:"twin_ratio,omitempty"`
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	plan, err := parseBench(args, stdout)
	if err != nil {
		return helpOr(err)
	}
	jobs := plan.jobs()
	rows, code, err := runBenchJobs(ctx, jobs, stderr)
	if err != nil {
		return exitInternal, err
	}
	missing := ""
	if in := interruption(ctx); in != nil && len(rows) < len(jobs) {
		missing = fmt.Sprintf("INCOMPLETE: %s: %d of %d runs not measured, left out of the table", in, len(jobs)-len(rows), len(jobs))
		if code == exitOK {
			code = exitIncomplete
		}
	}
	if plan.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			return exitInternal, err
		}
		if missing != "" {
			fmt.Fprintf(stderr, "verify: bench %s\n", missing)
		}
	} else {
		printBench(stdout, rows, plan.tools)
		if missing != "" {
			fmt.Fprintln(stdout, missing)
		}
	}
	return code, nil
}

// benchPlan is what the flags ask for: the configurations, the reference tools, and the
// worker counts and visited-set modes of tcpverify's runs.
type benchPlan struct {
	cases    []benchCase
	tools    []spinrumur.Tool
	workers  []int
	modes    []checker.Visited
	memLimit uint64
	json     bool
}

// parseBench reads the flags; every error is bad input (errHelp for -help).
func parseBench(args []string, stdout io.Writer) (benchPlan, error) {
	fs := newFlagSet("bench")
	set := fs.String("set", "quick", "named set of configurations: quick (small anchor settings and the RFC model's default config), "+
		"rfc (the RFC model at its default config, --crash 1 and --capacity 3, beside the anchor seq4cap3), spin (the settings measured against SPIN) "+
		"or full (all of these and seq8cap4); each RFC config runs twice, with its safety properties (/safety) and with all (/all)")
	only := fs.String("config", "", "run only this configuration of the set (e.g. seq4cap3, or rfc9293-crash1/safety of set rfc); an RFC one runs beside seq4cap3, the twin its rate is compared with")
	against := fs.String("against", "", "reference tools to run on the same configurations: spin, rumur or spin,rumur")
	workersFlag := fs.String("workers", "1,"+strconv.Itoa(runtime.GOMAXPROCS(0)), "comma-separated worker counts")
	visitedFlag := fs.String("visited", "exact,hash", "comma-separated visited-set modes: exact, hash, tree")
	var maxMemory uint64
	addMemoryFlag(fs, &maxMemory, "memory bound of each run (a run that hits it is reported incomplete):")
	format := fs.String("format", "text", "text or json")
	if err := parse(fs, args, stdout); err != nil {
		return benchPlan{}, err
	}
	var p benchPlan
	var err error
	if p.cases, err = pickBenchCases(*set, *only); err != nil {
		return benchPlan{}, err
	}
	if p.tools, err = parseBenchTools(*against); err != nil {
		return benchPlan{}, err
	}
	if p.workers, err = parseBenchWorkers(*workersFlag); err != nil {
		return benchPlan{}, err
	}
	if p.modes, err = parseBenchModes(*visitedFlag); err != nil {
		return benchPlan{}, err
	}
	p.memLimit = maxMemory
	if *format != "text" && *format != "json" {
		return benchPlan{}, fmt.Errorf("--format %s: want text or json", quoteArg(*format))
	}
	p.json = *format == "json"
	return p, nil
}

// pickBenchCases is the named set, or the one configuration of it that only names. A pick
// of an RFC configuration brings the twin case along, first: its "vs twin" ratio needs the
// twin measured in the same run.
func pickBenchCases(set, only string) ([]benchCase, error) {
	cases, ok := benchSets()[set]
	if !ok {
		return nil, fmt.Errorf("--set %s: want %s", quoteArg(set), orList(benchSetNames))
	}
	if only == "" {
		return cases, nil
	}
	var picked []benchCase
	for _, c := range cases {
		if c.name == only {
			picked = append(picked, c)
		}
	}
	if len(picked) == 0 {
		var names []string
		for _, c := range cases {
			names = append(names, c.name)
		}
		return nil, fmt.Errorf("--config %s: not in set %s (valid: %s)", quoteArg(only), set, strings.Join(names, ", "))
	}
	if picked[0].rfc != nil {
		picked = append([]benchCase{twinCase()}, picked...)
	}
	return picked, nil
}

// orList is names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// parseBenchTools reads the reference tools, each of which must be installed.
func parseBenchTools(against string) ([]spinrumur.Tool, error) {
	if against == "" {
		return nil, nil
	}
	var tools []spinrumur.Tool
	for _, name := range strings.Split(against, ",") {
		t, err := spinrumur.ParseTool(strings.TrimSpace(name))
		if err != nil {
			return nil, err
		}
		if err := spinrumur.Available(t); err != nil {
			return nil, err
		}
		tools = append(tools, t)
	}
	return tools, nil
}

func parseBenchWorkers(list string) ([]int, error) {
	var workers []int
	for _, w := range strings.Split(list, ",") {
		n, err := workersSpec.parse(strings.TrimSpace(w))
		if err != nil {
			return nil, fmt.Errorf("--workers %s: want comma-separated counts, each %s", quoteArg(list), strings.TrimPrefix(workersSpec.want(), "want "))
		}
		workers = append(workers, int(n))
	}
	return workers, nil
}

func parseBenchModes(list string) ([]checker.Visited, error) {
	var modes []checker.Visited
	for _, v := range strings.Split(list, ",") {
		switch strings.TrimSpace(v) {
		case "exact":
			modes = append(modes, checker.Exact)
		case "hash":
			modes = append(modes, checker.HashCompaction)
		case "tree":
			modes = append(modes, checker.TreeCompression)
		default:
			return nil, fmt.Errorf("--visited %s: want comma-separated modes, each exact, hash or tree", quoteArg(list))
		}
	}
	return modes, nil
}

// benchJob is one row to measure: a reference tool's run (tool set) or tcpverify's.
type benchJob struct {
	c        benchCase
	tool     spinrumur.Tool
	workers  int
	mode     checker.Visited
	memLimit uint64
}

// jobs plans the rows: per configuration, the reference tools first (they only know the
// anchor model), then tcpverify at every visited-set mode and worker count.
func (p benchPlan) jobs() []benchJob {
	var jobs []benchJob
	for _, c := range p.cases {
		if c.anchor != nil {
			for _, t := range p.tools {
				jobs = append(jobs, benchJob{c: c, tool: t})
			}
		}
		for _, mode := range p.modes {
			for _, w := range p.workers {
				jobs = append(jobs, benchJob{c: c, workers: w, mode: mode, memLimit: p.memLimit})
			}
		}
	}
	return jobs
}

// runBenchJobs measures the jobs in order and compares each tcpverify row with the
// recorded counts and the reference rows of its configuration. The code is 3 when a run
// was incomplete and 1 when counts differ. A signal ends the jobs: the run it cut short is
// not a measurement and has no row, and later runs are not started, so the rows are a
// prefix of the jobs.
func runBenchJobs(ctx context.Context, jobs []benchJob, stderr io.Writer) ([]benchRow, int, error) {
	var rows []benchRow
	code := exitOK
	refs := map[string]map[string]benchRow{} // config, tool
	twins := map[benchKey]benchRow{}         // the twin case's rows
	for _, j := range jobs {
		if interruption(ctx) != nil {
			break
		}
		if j.tool != "" {
			fmt.Fprintf(stderr, "verify: bench %s with %s\n", j.c.name, j.tool)
			row, err := benchReference(ctx, j.c, j.tool)
			if interruption(ctx) != nil {
				break
			}
			if err != nil {
				return nil, 0, err
			}
			if refs[j.c.name] == nil {
				refs[j.c.name] = map[string]benchRow{}
			}
			refs[j.c.name][string(j.tool)] = row
			rows = append(rows, row)
			continue
		}
		fmt.Fprintf(stderr, "verify: bench %s, %d workers, %s\n", j.c.name, j.workers, j.mode)
		row, err := benchOne(ctx, j.c, j.workers, j.mode, j.memLimit)
		if interruption(ctx) != nil && (err != nil || !row.Complete) {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		if !row.Complete {
			code = exitIncomplete
		}
		if !compareBench(&row, j.c, refs[j.c.name]) {
			code = exitViolated
		}
		if j.c.twin {
			twins[keyOf(row)] = row
		}
		if j.c.rfc != nil {
			row.TwinRatio = twinRatio(row, twins)
		}
		rows = append(rows, row)
	}
	return rows, code, nil
}

// benchReference runs a reference tool on an anchor configuration.
func benchReference(ctx context.Context, c benchCase, t spinrumur.Tool) (benchRow, error) {
	r, err := spinrumur.Run(ctx, t, *c.anchor, spinrumur.Options{})
	if err != nil {
		return benchRow{}, fmt.Errorf("bench %s: %w", c.name, err)
	}
	return benchRow{Config: c.name, Tool: string(t), Workers: 1, Visited: "exact",
		States: r.States, Transitions: r.Firings, Seconds: r.Elapsed.Seconds(),
		StatesPerSec: r.StatesPerSecond(), PeakBytes: r.Memory, BytesPerState: r.BytesPerState(), Complete: true}, nil
}

// compareBench fills in whether a complete anchor row's counts match SPIN's (recorded or
// measured) and its ratios to the reference rows; it is false when the counts differ.
func compareBench(row *benchRow, c benchCase, refs map[string]benchRow) bool {
	match := true
	if c.anchor != nil && row.Complete {
		match = false
		if rc, ok := twin.RecordedCount(*c.anchor); ok {
			match = rc.States == row.States && rc.Firings() == row.Transitions
		} else if sr, ok := refs[string(spinrumur.SPIN)]; ok {
			match = sr.States == row.States && sr.Transitions == row.Transitions
		}
		row.CountsMatch = &match
	}
	for name, r := range refs {
		if row.SpeedRatio == nil {
			row.SpeedRatio, row.MemoryRatio = map[string]float64{}, map[string]float64{}
		}
		row.SpeedRatio[name] = row.StatesPerSec / r.StatesPerSec
		row.MemoryRatio[name] = row.BytesPerState / r.BytesPerState
	}
	return match
}

// benchKey is a row's engine settings: the rows of one key are comparable.
type benchKey struct {
	workers int
	visited string
}

func keyOf(r benchRow) benchKey { return benchKey{r.Workers, r.Visited} }

// twinRatio is a complete row's states/s over those of the complete twin row with the same
// workers and visited set; 0 when there is none.
func twinRatio(row benchRow, twins map[benchKey]benchRow) float64 {
	t, ok := twins[keyOf(row)]
	if !ok || !row.Complete || !t.Complete || t.StatesPerSec == 0 {
		return 0
	}
	return row.StatesPerSec / t.StatesPerSec
}

// benchOne explores one configuration once and measures it. Bytes/state is the peak Go heap
// over the states: everything the search held, visited set, parent links and frontiers.
func benchOne(ctx context.Context, c benchCase, workers int, mode checker.Visited, memLimit uint64) (benchRow, error) {
	cfg := checker.Config{Workers: workers, Visited: mode, MaxMemory: memLimit}
	runtime.GC() // start every run from the same clean heap
	var s pipeline.Summary
	if c.anchor != nil {
		m, err := twin.New(*c.anchor)
		if err != nil {
			return benchRow{}, err
		}
		r, err := checker.Run(ctx, m, cfg)
		if err != nil {
			return benchRow{}, err
		}
		s = pipeline.Summarize(r)
	} else {
		props := properties.All()
		if c.safety {
			props = properties.Safety()
		}
		r, err := pipeline.Run(ctx, pipeline.Job{Config: *c.rfc, Variant: fsm.RFC, Properties: props, Search: cfg})
		if err != nil {
			return benchRow{}, err
		}
		s = r.Summary
	}
	return benchRow{Config: c.name, Tool: "tcpverify", Workers: workers, Visited: mode.String(),
		States: s.States, Transitions: s.Transitions, Seconds: s.Elapsed.Seconds(), PeakBytes: s.PeakHeap,
		Complete: s.Complete, StatesPerSec: s.StatesPerSecond(), BytesPerState: s.BytesPerState()}, nil
}

func printBench(w io.Writer, rows []benchRow, tools []spinrumur.Tool) {
	fmt.Fprintf(w, "%-22s %-9s %7s %-15s %12s %12s %8s %11s %9s %11s %10s %7s", "config", "tool", "workers", "visited",
		"states", "transitions", "seconds", "states/s", "peak MiB", "bytes/state", "counts", "vs twin")
	for _, t := range tools {
		fmt.Fprintf(w, " %12s %12s", "speed/"+string(t), "mem/"+string(t))
	}
	fmt.Fprintln(w)
	for _, r := range rows {
		counts := "-"
		if r.CountsMatch != nil {
			counts = map[bool]string{true: "equal", false: "DIFFER"}[*r.CountsMatch]
		}
		if !r.Complete {
			counts = "INCOMPLETE"
		}
		vsTwin := "-"
		if r.TwinRatio > 0 {
			vsTwin = fmt.Sprintf("%.3fx", r.TwinRatio)
		}
		fmt.Fprintf(w, "%-22s %-9s %7d %-15s %12d %12d %8.2f %11.0f %9.1f %11.1f %10s %7s", r.Config, r.Tool, r.Workers, r.Visited,
			r.States, r.Transitions, r.Seconds, r.StatesPerSec, float64(r.PeakBytes)/(1<<20), r.BytesPerState, counts, vsTwin)
		for _, t := range tools {
			if s, ok := r.SpeedRatio[string(t)]; ok {
				fmt.Fprintf(w, " %11.2fx %11.2fx", s, r.MemoryRatio[string(t)])
			} else {
				fmt.Fprintf(w, " %12s %12s", "", "")
			}
		}
		fmt.Fprintln(w)
	}
}
