package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/bits"
	"os"
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
		return fmt.Errorf("%s: %w", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// modelFlags choose the model: a config file, then flags over it.
type modelFlags struct {
	config       string
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
	props        string
}

func addModelFlags(fs *flag.FlagSet) *modelFlags {
	f := &modelFlags{}
	d := fsm.DefaultConfig()
	fs.StringVar(&f.config, "config", "", "model config `file` (JSON; see docs/model.md); flags override it")
	fs.StringVar(&f.shape, "shape", d.Shape.String(), "client-server or both-active (simultaneous open)")
	fs.StringVar(&f.variant, "variant", fsm.RFC, "rule-table variant (verify list shows them)")
	fs.IntVar(&f.seqspace, "seqspace", 1<<d.SeqBits, "sequence `numbers`: a power of two")
	fs.IntVar(&f.window, "window", int(d.Window), "receive window, in sequence numbers")
	fs.IntVar(&f.capacity, "capacity", d.Capacity, "segments the network holds in flight")
	fs.StringVar(&f.units, "units", fmt.Sprintf("%d,%d", d.Units[0], d.Units[1]), "data units each side may send per incarnation: `N` or A,B")
	fs.IntVar(&f.incarnations, "incarnations", int(d.Incarnations), "connections per side on the same 4-tuple")
	fs.IntVar(&f.loss, "loss", int(d.Faults.Loss), "segments the network may lose")
	fs.IntVar(&f.dup, "dup", int(d.Faults.Dup), "segments the network may duplicate")
	fs.IntVar(&f.inject, "inject", int(d.Faults.Inject), "old segments of an earlier incarnation the network may inject")
	fs.IntVar(&f.crash, "crash", int(d.Faults.Crash), "host crashes")
	fs.StringVar(&f.props, "properties", "", "comma-separated `names` of the properties to check (default: all)")
	return f
}

// fileConfig is the JSON config file. Every field is optional; absent ones keep the default.
type fileConfig struct {
	Shape        *string  `json:"shape"`
	Variant      *string  `json:"variant"`
	SeqSpace     *int     `json:"seqspace"`
	Window       *int     `json:"window"`
	Capacity     *int     `json:"capacity"`
	Units        []int    `json:"units"`
	Incarnations *int     `json:"incarnations"`
	Faults       *faults  `json:"faults"`
	Properties   []string `json:"properties,omitempty"`
}

type faults struct {
	Loss   *int `json:"loss"`
	Dup    *int `json:"dup"`
	Inject *int `json:"inject"`
	Crash  *int `json:"crash"`
}

// model is a resolved model choice, and the system it builds: the variant's rule table on
// cfg, checking props.
type model struct {
	cfg     fsm.Config
	variant string
	props   []properties.Property
	sys     properties.Model
}

// resolve applies the config file, then the flags set on the command line, to the default.
func (f *modelFlags) resolve(fs *flag.FlagSet) (model, error) {
	m := model{cfg: fsm.DefaultConfig(), variant: fsm.RFC, props: properties.All()}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	v := *f // the values to apply: file first, then flags
	if f.config != "" {
		fc, err := readConfig(f.config)
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
		}
		if fc.Properties != nil && !set["properties"] {
			v.props = strings.Join(fc.Properties, ",")
		}
	}
	return v.build()
}

func readConfig(path string) (*fileConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var fc fileConfig
	if err := dec.Decode(&fc); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("config %s: trailing data after the JSON object", path)
	}
	return &fc, nil
}

func (v modelFlags) build() (model, error) {
	m := model{cfg: fsm.DefaultConfig(), variant: v.variant}
	shape, err := fsm.ParseShape(v.shape)
	if err != nil {
		return m, err
	}
	m.cfg.Shape = shape
	if _, err := fsm.LookupVariant(v.variant); err != nil {
		return m, err
	}
	if v.seqspace < 2 || v.seqspace&(v.seqspace-1) != 0 {
		return m, fmt.Errorf("seqspace %d: want a power of two, at least 2", v.seqspace)
	}
	m.cfg.SeqBits = bits.TrailingZeros(uint(v.seqspace))
	if err := inRange("window", v.window, 1, 1<<20); err != nil {
		return m, err
	}
	m.cfg.Window = uint32(v.window)
	if err := inRange("capacity", v.capacity, 1, fsm.MaxCapacity); err != nil {
		return m, err
	}
	m.cfg.Capacity = v.capacity
	units, err := parseUnits(v.units)
	if err != nil {
		return m, err
	}
	m.cfg.Units = units
	if err := inRange("incarnations", v.incarnations, 1, 100); err != nil {
		return m, err
	}
	m.cfg.Incarnations = uint8(v.incarnations)
	for _, b := range []struct {
		name string
		n    int
		dst  *uint8
	}{{"loss", v.loss, &m.cfg.Faults.Loss}, {"dup", v.dup, &m.cfg.Faults.Dup}, {"inject", v.inject, &m.cfg.Faults.Inject}, {"crash", v.crash, &m.cfg.Faults.Crash}} {
		if err := inRange(b.name, b.n, 0, 100); err != nil {
			return m, err
		}
		*b.dst = uint8(b.n)
	}
	m.props = properties.All()
	if v.props != "" {
		m.props, err = properties.Lookup(strings.Split(v.props, ",")...)
		if err != nil {
			return m, err
		}
	}
	// The fsm validates the rest (e.g. data and window must fit the sequence space).
	sys, err := fsm.NewSystem(m.cfg, m.variant)
	if err != nil {
		return m, err
	}
	m.sys = properties.Bind(sys, m.props)
	return m, nil
}

func parseUnits(s string) ([2]uint8, error) {
	parts := strings.Split(s, ",")
	if len(parts) == 1 {
		parts = append(parts, parts[0])
	}
	var u [2]uint8
	if len(parts) != 2 {
		return u, fmt.Errorf("units %q: want N or A,B", s)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return u, fmt.Errorf("units %q: want N or A,B", s)
		}
		if err := inRange("units", n, 0, 100); err != nil {
			return u, err
		}
		u[i] = uint8(n)
	}
	return u, nil
}

func inRange(name string, n, lo, hi int) error {
	if n < lo || n > hi {
		return fmt.Errorf("%s %d: want %d to %d", name, n, lo, hi)
	}
	return nil
}

// searchFlags are the checker's options.
type searchFlags struct {
	workers   int
	maxStates uint64
	maxDepth  int
	maxMemory string
	timeout   time.Duration
	visited   string
	progress  bool
}

func addSearchFlags(fs *flag.FlagSet) *searchFlags {
	f := &searchFlags{}
	fs.IntVar(&f.workers, "workers", runtime.GOMAXPROCS(0), "exploring goroutines (results do not depend on it)")
	fs.Uint64Var(&f.maxStates, "max-states", 0, "stop after this many states (0: no bound)")
	fs.IntVar(&f.maxDepth, "max-depth", 0, "explore no deeper than this (0: no bound)")
	fs.StringVar(&f.maxMemory, "max-memory", "", "stop when the heap exceeds this `size` (e.g. 512MiB, 4GB; default: no bound)")
	fs.DurationVar(&f.timeout, "timeout", 0, "stop after this `duration` (e.g. 30s, 5m; 0: no bound)")
	fs.StringVar(&f.visited, "visited", "exact", "visited set: exact, or hash (64-bit hash compaction)")
	fs.BoolVar(&f.progress, "progress", true, "show progress on stderr when it is a terminal")
	return f
}

func (f *searchFlags) config() (checker.Config, error) {
	c := checker.Config{Workers: f.workers, MaxStates: f.maxStates, MaxDepth: f.maxDepth, Timeout: f.timeout}
	if err := inRange("workers", f.workers, 1, 1024); err != nil {
		return c, err
	}
	if f.maxDepth < 0 {
		return c, fmt.Errorf("max-depth %d: want 0 or more", f.maxDepth)
	}
	if f.timeout < 0 {
		return c, fmt.Errorf("timeout %s: want 0 or more", f.timeout)
	}
	if f.maxMemory != "" {
		n, err := parseSize(f.maxMemory)
		if err != nil {
			return c, err
		}
		c.MaxMemory = n
	}
	switch f.visited {
	case "exact":
		c.Visited = checker.Exact
	case "hash", "hash-compaction":
		c.Visited = checker.HashCompaction
	default:
		return c, fmt.Errorf("visited %q: want exact or hash", f.visited)
	}
	return c, nil
}

// parseSize reads a byte count with an optional unit: B, KB, MB, GB, TB (powers of 1000) or
// KiB, MiB, GiB, TiB (powers of 1024).
func parseSize(s string) (uint64, error) {
	units := []struct {
		suffix string
		mult   uint64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	num, mult := strings.TrimSpace(s), uint64(1)
	for _, u := range units {
		if strings.HasSuffix(num, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n <= 0 || n*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("max-memory %q: want a positive size such as 512MiB or 4GB", s)
	}
	return uint64(n * float64(mult)), nil
}
