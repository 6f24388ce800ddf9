package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/spinrumur"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/twin"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// benchCase is one configuration of a benchmark set: the anchor model (the same state space
// as SPIN's and Rumur's) at some parameters, or the RFC model at its default config.
type benchCase struct {
	name   string
	anchor *twin.Params
}

func anchorCase(seq, capacity int) benchCase {
	p := twin.DefaultParams()
	p.SeqN, p.NetCap = seq, capacity
	return benchCase{name: p.Name(), anchor: &p}
}

// benchSets are the named sets. quick runs in seconds; spin holds the two settings of the
// targets against SPIN; full adds the default anchor setting (162 million states, about
// 12 GB for SPIN).
func benchSets() map[string][]benchCase {
	rfc := benchCase{name: "rfc9293-default"}
	return map[string][]benchCase{
		"quick": {anchorCase(2, 2), anchorCase(4, 2), anchorCase(4, 3), rfc},
		"spin":  {anchorCase(4, 4), anchorCase(8, 3)},
		"full":  {anchorCase(4, 3), anchorCase(4, 4), anchorCase(8, 3), anchorCase(8, 4), rfc},
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
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("bench")
	set := fs.String("set", "quick", "named set of configurations: quick, spin or full")
	only := fs.String("config", "", "run only this configuration of the set (e.g. seq4cap3)")
	against := fs.String("against", "", "reference tools to run on the same configurations: spin, rumur or spin,rumur")
	workersFlag := fs.String("workers", "1,"+strconv.Itoa(runtime.GOMAXPROCS(0)), "comma-separated worker counts")
	visitedFlag := fs.String("visited", "exact,hash", "comma-separated visited-set modes: exact, hash")
	maxMemory := fs.String("max-memory", "", "memory bound of each run (e.g. 8GiB): a run that hits it is reported incomplete")
	format := fs.String("format", "text", "text or json")
	if err := parse(fs, args, stdout); err != nil {
		return helpOr(err)
	}
	cases, ok := benchSets()[*set]
	if !ok {
		return exitBadInput, fmt.Errorf("set %q: want quick, spin or full", *set)
	}
	if *only != "" {
		var picked []benchCase
		for _, c := range cases {
			if c.name == *only {
				picked = append(picked, c)
			}
		}
		if len(picked) == 0 {
			var names []string
			for _, c := range cases {
				names = append(names, c.name)
			}
			return exitBadInput, fmt.Errorf("config %q is not in set %s (valid: %s)", *only, *set, strings.Join(names, ", "))
		}
		cases = picked
	}
	var tools []spinrumur.Tool
	if *against != "" {
		for _, name := range strings.Split(*against, ",") {
			t, err := spinrumur.ParseTool(strings.TrimSpace(name))
			if err != nil {
				return exitBadInput, err
			}
			if err := spinrumur.Available(t); err != nil {
				return exitBadInput, err
			}
			tools = append(tools, t)
		}
	}
	var workers []int
	for _, w := range strings.Split(*workersFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(w))
		if err != nil || n < 1 || n > 1024 {
			return exitBadInput, fmt.Errorf("workers %q: want comma-separated counts from 1 to 1024", *workersFlag)
		}
		workers = append(workers, n)
	}
	var modes []checker.Visited
	for _, v := range strings.Split(*visitedFlag, ",") {
		switch strings.TrimSpace(v) {
		case "exact":
			modes = append(modes, checker.Exact)
		case "hash":
			modes = append(modes, checker.HashCompaction)
		default:
			return exitBadInput, fmt.Errorf("visited %q: want exact, hash or exact,hash", *visitedFlag)
		}
	}
	var memLimit uint64
	if *maxMemory != "" {
		n, err := parseSize(*maxMemory)
		if err != nil {
			return exitBadInput, err
		}
		memLimit = n
	}
	if *format != "text" && *format != "json" {
		return exitBadInput, fmt.Errorf("format %q: want text or json", *format)
	}

	var rows []benchRow
	code := exitOK
	for _, c := range cases {
		refs := map[string]benchRow{}
		for _, t := range tools {
			if c.anchor == nil {
				continue // the reference tools only know the anchor model
			}
			fmt.Fprintf(stderr, "verify: bench %s with %s\n", c.name, t)
			r, err := spinrumur.Run(ctx, t, *c.anchor, spinrumur.Options{})
			if err != nil {
				return exitBadInput, fmt.Errorf("bench %s: %w", c.name, err)
			}
			row := benchRow{Config: c.name, Tool: string(t), Workers: 1, Visited: "exact",
				States: r.States, Transitions: r.Firings, Seconds: r.Elapsed.Seconds(),
				StatesPerSec: r.StatesPerSecond(), PeakBytes: r.Memory, BytesPerState: r.BytesPerState(), Complete: true}
			refs[string(t)] = row
			rows = append(rows, row)
		}
		for _, mode := range modes {
			for _, w := range workers {
				fmt.Fprintf(stderr, "verify: bench %s, %d workers, %s\n", c.name, w, mode)
				row, err := benchOne(ctx, c, w, mode, memLimit)
				if err != nil {
					return exitBadInput, err
				}
				if !row.Complete {
					code = exitIncomplete
				}
				if c.anchor != nil && row.Complete {
					match := false
					if rc, ok := twin.RecordedCount(*c.anchor); ok {
						match = rc.States == row.States && rc.Firings() == row.Transitions
					} else if sr, ok := refs[string(spinrumur.SPIN)]; ok {
						match = sr.States == row.States && sr.Transitions == row.Transitions
					}
					row.CountsMatch = &match
					if !match {
						code = exitViolated
					}
				}
				for name, r := range refs {
					if row.SpeedRatio == nil {
						row.SpeedRatio, row.MemoryRatio = map[string]float64{}, map[string]float64{}
					}
					row.SpeedRatio[name] = row.StatesPerSec / r.StatesPerSec
					row.MemoryRatio[name] = row.BytesPerState / r.BytesPerState
				}
				rows = append(rows, row)
			}
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			return exitBadInput, err
		}
	} else {
		printBench(stdout, rows, tools)
	}
	return code, nil
}

// benchOne explores one configuration once and measures it. Bytes/state is the peak Go heap
// over the states: everything the search held, visited set, parent links and frontiers.
func benchOne(ctx context.Context, c benchCase, workers int, mode checker.Visited, memLimit uint64) (benchRow, error) {
	cfg := checker.Config{Workers: workers, Visited: mode, MaxMemory: memLimit}
	runtime.GC() // start every run from the same clean heap
	var res struct {
		states, transitions uint64
		seconds             float64
		peak                uint64
		complete            bool
	}
	if c.anchor != nil {
		m, err := twin.New(*c.anchor)
		if err != nil {
			return benchRow{}, err
		}
		r, err := checker.Run(ctx, m, cfg)
		if err != nil {
			return benchRow{}, err
		}
		res.states, res.transitions, res.seconds, res.peak, res.complete = r.States, r.Transitions, r.Elapsed.Seconds(), r.PeakHeap, r.Complete
	} else {
		sys, err := fsm.NewSystem(fsm.DefaultConfig(), fsm.RFC)
		if err != nil {
			return benchRow{}, err
		}
		r, err := checker.Run(ctx, properties.Bind(sys, properties.All()), cfg)
		if err != nil {
			return benchRow{}, err
		}
		res.states, res.transitions, res.seconds, res.peak, res.complete = r.States, r.Transitions, r.Elapsed.Seconds(), r.PeakHeap, r.Complete
	}
	row := benchRow{Config: c.name, Tool: "tcpverify", Workers: workers, Visited: mode.String(),
		States: res.states, Transitions: res.transitions, Seconds: res.seconds, PeakBytes: res.peak, Complete: res.complete}
	if res.seconds > 0 {
		row.StatesPerSec = float64(res.states) / res.seconds
	}
	if res.states > 0 {
		row.BytesPerState = float64(res.peak) / float64(res.states)
	}
	return row, nil
}

func printBench(w io.Writer, rows []benchRow, tools []spinrumur.Tool) {
	fmt.Fprintf(w, "%-16s %-9s %7s %-15s %12s %12s %8s %11s %9s %11s %6s", "config", "tool", "workers", "visited",
		"states", "transitions", "seconds", "states/s", "peak MiB", "bytes/state", "counts")
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
		fmt.Fprintf(w, "%-16s %-9s %7d %-15s %12d %12d %8.2f %11.0f %9.1f %11.1f %6s", r.Config, r.Tool, r.Workers, r.Visited,
			r.States, r.Transitions, r.Seconds, r.StatesPerSec, float64(r.PeakBytes)/(1<<20), r.BytesPerState, counts)
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
