package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/bits"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// errHelp is returned when -help was asked for: usage went to stdout, exit 0.
var errHelp = errors.New("help requested")

// newFlagSet makes a flag set that reports nothing itself: parse errors become one-line
// errors, and -help prints the flags to out.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses args, turning -help into errHelp (with the flags printed to out) and any
// error, or a stray positional argument, into bad input.
func parse(fs *flag.FlagSet, args []string, out io.Writer) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(out, "usage: verify %s [flags]\n\nflags:\n", fs.Name())
		fs.SetOutput(out)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		return errHelp
	}
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Name(), flagError(err))
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %s (flags start with --)", fs.Name(), quoteArg(fs.Arg(0)))
	}
	return nil
}

// modelFlags choose the model: a config file, then flags over it.
type modelFlags struct {
	config string
	// configData, when set, is the config file's contents, already read (the model of a
	// report.json, for verify explore --trace); config then only names it.
	configData   []byte
	shape        string
	variant      string
	seqspace     int
	window       int
	capacity     int
	units        string
	incarnations int
	loss, dup    int
	inject       int
	crash        int
	partition    int
	r2           int
	drop         string
	oldFrom      string
	oldKinds     string
	calls        [2]string
	props        string
}

func addModelFlags(fs *flag.FlagSet) *modelFlags {
	f := &modelFlags{}
	d := fsm.DefaultConfig()
	fs.StringVar(&f.config, "config", "", "model config `file` (JSON; see docs/model.md); flags override it")
	fs.StringVar(&f.shape, "shape", d.Shape.String(), "client-server or both-active (simultaneous open)")
	fs.StringVar(&f.variant, "variant", fsm.RFC, "rule-table variant (verify list shows them)")
	intFlag(fs, &f.seqspace, "seqspace", 0, seqspaceSpec, "sequence `numbers` (default: the smallest the config allows, for its timing assumptions, data and window; a smaller one is refused)")
	intFlag(fs, &f.window, "window", int(d.Window), windowSpec, "receive window, in sequence numbers")
	intFlag(fs, &f.capacity, "capacity", d.Capacity, capacitySpec, "segments the network holds in flight")
	fs.StringVar(&f.units, "units", fmt.Sprintf("%d,%d", d.Units[0], d.Units[1]), unitsSpec.help("data units each side may send per incarnation: `N` or A,B"))
	intFlag(fs, &f.incarnations, "incarnations", int(d.Incarnations), incarnationsSpec, "connections per side on the same 4-tuple")
	intFlag(fs, &f.loss, "loss", int(d.Faults.Loss), faultSpec, "segments the network may lose")
	intFlag(fs, &f.dup, "dup", int(d.Faults.Dup), faultSpec, "segments the network may duplicate")
	intFlag(fs, &f.inject, "inject", int(d.Faults.Inject), faultSpec, "old segments of an earlier incarnation the network may inject")
	intFlag(fs, &f.crash, "crash", int(d.Faults.Crash), faultSpec, "host crashes")
	intFlag(fs, &f.partition, "partition", int(d.Faults.Partition), partitionSpec, "whether the path between the hosts may fail for good, losing every segment from then on")
	intFlag(fs, &f.r2, "r2", 0, r2Spec, "retransmissions of one item before an endpoint gives up (RFC 1122 R2; default: one more than --loss, at most 3)")
	fs.StringVar(&f.drop, "drop", "", "comma-separated timing `assumptions` to drop: "+strings.Join(fsm.AssumptionNames(), ", ")+" (docs/model.md, Time)")
	fs.StringVar(&f.oldFrom, "old-from", strings.Join(sideNames(d.OldFrom), ","), "whose old segments an injection adds: `A`, B or A,B")
	fs.StringVar(&f.oldKinds, "old-kinds", d.OldKinds.String(), "kinds of old segment an injection adds: comma-separated `kinds` (syn, syn-ack, ack, data, fin, rst), or all")
	fs.StringVar(&f.calls[fsm.A], "calls-a", "", "user calls A's user may make: comma-separated `calls` (open, listen, send, close, abort, user-timeout), or all (default: the shape's)")
	fs.StringVar(&f.calls[fsm.B], "calls-b", "", "user calls B's user may make: comma-separated `calls`, or all (default: the shape's)")
	fs.StringVar(&f.props, "properties", "", "comma-separated `names` of the properties to check (default: all)")
	return f
}

// model is a resolved model choice, and the system it builds: the variant's rule table on
// cfg, checking props.
type model struct {
	cfg     fsm.Config
	variant string
	props   []properties.Property
	// chosen is props before those the config contradicts were left out: what a command
	// that checks other configs too (mutate's grid points) judges at each.
	chosen []properties.Property
	// skipped are the properties left out because the config contradicts their premise
	// (Property.Premise), each with why: checked there, they would fail for the config's
	// sake, not the protocol's.
	skipped []string
	sys     properties.Model
}

// resolve applies the config file, then the flags set on the command line, to the default.
// An error names the command.
func (f *modelFlags) resolve(fs *flag.FlagSet) (model, error) {
	m, err := f.resolveModel(fs)
	if err != nil {
		return m, fmt.Errorf("%s: %w", fs.Name(), err)
	}
	return m, nil
}

func (f *modelFlags) resolveModel(fs *flag.FlagSet) (model, error) {
	m := model{cfg: fsm.DefaultConfig(), variant: fsm.RFC, props: properties.All()}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	v := *f // the values to apply: file first, then flags
	if set["config"] && f.config == "" {
		return m, errors.New("--config \"\": want a config file name")
	}
	if f.config != "" {
		var fc *fileConfig
		var err error
		if f.configData != nil {
			fc, err = parseConfig(f.config, f.configData)
		} else {
			fc, err = readConfig(f.config)
		}
		if err != nil {
			return m, err
		}
		apply := func(name string, dst *int, src *int) {
			if src != nil && !set[name] {
				*dst = *src
			}
		}
		if fc.Shape != nil && !set["shape"] {
			v.shape = *fc.Shape
		}
		if fc.Variant != nil && !set["variant"] {
			v.variant = *fc.Variant
		}
		apply("seqspace", &v.seqspace, fc.SeqSpace)
		apply("window", &v.window, fc.Window)
		apply("capacity", &v.capacity, fc.Capacity)
		apply("incarnations", &v.incarnations, fc.Incarnations)
		if fc.Units != nil && !set["units"] {
			parts := make([]string, len(fc.Units))
			for i, u := range fc.Units {
				parts[i] = strconv.Itoa(u)
			}
			v.units = strings.Join(parts, ",")
		}
		if fc.Faults != nil {
			apply("loss", &v.loss, fc.Faults.Loss)
			apply("dup", &v.dup, fc.Faults.Dup)
			apply("inject", &v.inject, fc.Faults.Inject)
			apply("crash", &v.crash, fc.Faults.Crash)
			apply("partition", &v.partition, fc.Faults.Partition)
		}
		apply("r2", &v.r2, fc.R2)
		if fc.Drop != nil && !set["drop"] {
			v.drop = strings.Join(fc.Drop, ",")
		}
		if fc.OldFrom != nil && !set["old-from"] {
			v.oldFrom = strings.Join(fc.OldFrom, ",")
		}
		if fc.OldKinds != nil && !set["old-kinds"] {
			v.oldKinds = strings.Join(fc.OldKinds, ",")
		}
		if fc.CallsA != nil && !set["calls-a"] {
			v.calls[fsm.A] = strings.Join(fc.CallsA, ",")
		}
		if fc.CallsB != nil && !set["calls-b"] {
			v.calls[fsm.B] = strings.Join(fc.CallsB, ",")
		}
		if fc.Properties != nil && !set["properties"] {
			v.props = strings.Join(fc.Properties, ",")
		}
	}
	return v.build(set["properties"])
}

func (v modelFlags) build(propsSet bool) (model, error) {
	m := model{cfg: fsm.DefaultConfig(), variant: v.variant}
	shape, err := fsm.ParseShape(v.shape)
	if err != nil {
		return m, fmt.Errorf("--shape: %w", err)
	}
	m.cfg.Shape = shape
	if _, err := fsm.LookupVariant(v.variant); err != nil {
		return m, fmt.Errorf("--variant: %w", err)
	}
	// The numbers were checked against their specs when set (flags) or read (config file).
	m.cfg.SeqBits = bits.TrailingZeros64(uint64(v.seqspace))
	m.cfg.Window = uint32(v.window)
	m.cfg.Capacity = v.capacity
	units, err := parseUnits(v.units)
	if err != nil {
		return m, err
	}
	m.cfg.Units = units
	m.cfg.Incarnations = uint8(v.incarnations)
	m.cfg.Faults.Loss, m.cfg.Faults.Dup = uint8(v.loss), uint8(v.dup)
	m.cfg.Faults.Inject, m.cfg.Faults.Crash = uint8(v.inject), uint8(v.crash)
	m.cfg.Faults.Partition = uint8(v.partition)
	m.cfg.Timing.R2 = uint8(v.r2)
	if v.drop != "" {
		for _, name := range strings.Split(v.drop, ",") {
			if err := m.cfg.Timing.Drop(strings.TrimSpace(name)); err != nil {
				return m, fmt.Errorf("--drop: %w", err)
			}
		}
	}
	m.cfg.OldFrom = [2]bool{}
	for _, name := range strings.Split(v.oldFrom, ",") {
		side, err := fsm.ParseSide(strings.TrimSpace(name))
		if err != nil {
			return m, fmt.Errorf("--old-from: %w", err)
		}
		m.cfg.OldFrom[side] = true
	}
	if m.cfg.OldKinds, err = fsm.ParseOldKinds(v.oldKinds); err != nil {
		return m, fmt.Errorf("--old-kinds: %w", err)
	}
	for side := fsm.A; side <= fsm.B; side++ {
		if v.calls[side] == "" {
			continue
		}
		if m.cfg.Calls[side], err = fsm.ParseCalls(v.calls[side]); err != nil {
			return m, fmt.Errorf("--calls-%s: %w", strings.ToLower(side.String()), err)
		}
	}
	if v.seqspace == 0 {
		m.cfg.SeqBits = m.cfg.MinSeqBits()
	}
	m.props = properties.All()
	named := v.props != "" || propsSet
	if named {
		if m.props, err = parseProperties(v.props); err != nil {
			return m, err
		}
	}
	// The fsm checks what depends on several numbers: the space must be as large as the
	// timing assumptions and a connection's data need (a larger one fits; the default is
	// the smallest), and a host may make fewer than 32 TCBs.
	sys, err := fsm.NewSystem(m.cfg, m.variant)
	if err != nil {
		if inner := errors.Unwrap(err); inner != nil {
			err = inner
		}
		if errors.As(err, new(fsm.SpaceError)) {
			return m, fmt.Errorf("model does not fit: %v (want a larger seqspace, or leave seqspace unset for the smallest that fits)", err)
		}
		return m, fmt.Errorf("model does not fit: %v", err)
	}
	var kept []properties.Property
	for _, p := range m.props {
		why := p.Contradicts(sys.Config)
		switch {
		case why == nil:
			kept = append(kept, p)
		case named:
			return m, fmt.Errorf("property %s does not apply to this config: %v", p.Name, why)
		default:
			m.skipped = append(m.skipped, fmt.Sprintf("property %s not checked: %v", p.Name, why))
		}
	}
	if len(kept) == 0 {
		return m, errors.New("no property applies to this config")
	}
	m.chosen, m.props = m.props, kept
	m.sys = properties.Bind(sys, m.props)
	return m, nil
}

// sideNames names the sides set in from (Config.OldFrom), A before B.
func sideNames(from [2]bool) []string {
	var names []string
	for side := fsm.A; side <= fsm.B; side++ {
		if from[side] {
			names = append(names, side.String())
		}
	}
	return names
}

// parseProperties reads --properties: one or more names, comma-separated.
func parseProperties(s string) ([]properties.Property, error) {
	var names []string
	for _, n := range strings.Split(s, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			return nil, fmt.Errorf("--properties %s: want one or more property names, comma-separated (verify list shows them)", quoteArg(s))
		}
		names = append(names, n)
	}
	ps, err := properties.Lookup(names...)
	if err != nil {
		return nil, fmt.Errorf("--properties: %w", err)
	}
	return ps, nil
}

// parseUnits reads --units: N for both sides, or A,B.
func parseUnits(s string) ([2]uint8, error) {
	var u [2]uint8
	bad := fmt.Errorf("--units %s: want N or A,B, each %s", quoteArg(s), strings.TrimPrefix(unitsSpec.want(), "want "))
	parts := strings.Split(s, ",")
	if len(parts) == 1 {
		parts = append(parts, parts[0])
	}
	if len(parts) != 2 {
		return u, bad
	}
	for i, p := range parts {
		n, err := unitsSpec.parse(strings.TrimSpace(p))
		if err != nil {
			return u, bad
		}
		u[i] = uint8(n)
	}
	return u, nil
}

// searchFlags are the checker's options.
type searchFlags struct {
	workers   int
	maxStates uint64
	maxDepth  int
	maxMemory uint64
	timeout   time.Duration
	visited   string
	progress  bool
}

func addSearchFlags(fs *flag.FlagSet) *searchFlags {
	f := &searchFlags{}
	intFlag(fs, &f.workers, "workers", min(runtime.GOMAXPROCS(0), int(workersSpec.hi)), workersSpec, "exploring goroutines (results do not depend on it)")
	intFlag(fs, &f.maxStates, "max-states", 0, maxStatesSpec, "stop after this many states")
	intFlag(fs, &f.maxDepth, "max-depth", 0, maxDepthSpec, "explore no deeper than this")
	addMemoryFlag(fs, &f.maxMemory, "stop when the heap exceeds this")
	addTimeoutFlag(fs, &f.timeout)
	fs.StringVar(&f.visited, "visited", "exact", "visited set: exact, hash (64-bit hash compaction) or tree (exact, tree-compressed: a fraction of exact's memory)")
	fs.BoolVar(&f.progress, "progress", true, "show progress on stderr when it is a terminal")
	return f
}

// addMemoryFlag defines --max-memory; 0 (unset) is no bound.
func addMemoryFlag(fs *flag.FlagSet, p *uint64, usage string) {
	fs.Var(&sizeValue{p: p}, "max-memory", usage+" `size`: a whole number of bytes from 1B to 1024TiB, with a unit B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), e.g. 512MiB or 4GB (default: no bound)")
}

// addTimeoutFlag defines --timeout; 0 is no bound.
func addTimeoutFlag(fs *flag.FlagSet, p *time.Duration) {
	fs.Var(&durationValue{p: p}, "timeout", "stop after this `duration`, with a unit: e.g. 30s, 5m, 1h30m (0: no bound)")
}

func (f *searchFlags) config() (checker.Config, error) {
	c := checker.Config{Workers: f.workers, MaxStates: f.maxStates, MaxDepth: f.maxDepth,
		Timeout: f.timeout, MaxMemory: f.maxMemory}
	switch f.visited {
	case "exact":
		c.Visited = checker.Exact
	case "hash", "hash-compaction":
		c.Visited = checker.HashCompaction
	case "tree":
		c.Visited = checker.TreeCompression
	default:
		return c, fmt.Errorf("--visited %s: want exact, hash or tree", quoteArg(f.visited))
	}
	return c, nil
}
