package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tcpverify/tcpverify/fsm"
)

// setting raises one parameter of a config to an end of its envelope.
type setting struct {
	// dim is the parameter; two settings of one dim never share a point.
	dim   string
	name  string // e.g. "loss=2"
	apply func(*fsm.Config)
	// part marks a setting that is not a parameter's end but a part of one: a cheaper
	// point that reaches some of what the end reaches (rows, for coverage). The wide
	// grid pairs only ends.
	part bool
}

// envelope lists the configuration envelope of issue 12, one setting per parameter end, in
// the order points are named and applied. "calls=all" lets both users make every call:
// OPEN and LISTEN (so a listener may also open actively, RFC 9293 §3.10.1), SEND, CLOSE,
// ABORT and the user timeout. Its parts add one kind of call to each user's own
// ("calls+abort", "calls+user-timeout", "calls+listen": a side that opens may also
// listen, and one that listens may then open actively): 3.2 to 6.0 M states in the RFC
// table's search at the default where calls=all has 36 M (and its sweep, over all its
// explorations, several times that), so that the CI grid fires the rows of those calls.
func envelope() []setting {
	return []setting{
		{"loss", "loss=2", func(c *fsm.Config) { c.Faults.Loss = 2 }, false},
		{"dup", "dup=2", func(c *fsm.Config) { c.Faults.Dup = 2 }, false},
		{"inject", "inject=2", func(c *fsm.Config) { c.Faults.Inject = 2 }, false},
		{"crash", "crash=1", func(c *fsm.Config) { c.Faults.Crash = 1 }, false},
		{"capacity", "capacity=3", func(c *fsm.Config) { c.Capacity = 3 }, false},
		{"units", "units=2", func(c *fsm.Config) { c.Units = [2]uint8{2, 2} }, false},
		{"incarnations", "incarnations=3", func(c *fsm.Config) { c.Incarnations = 3 }, false},
		{"window", "window=1", func(c *fsm.Config) { c.Window = 1 }, false},
		{"window", "window=4", func(c *fsm.Config) { c.Window = 4 }, false},
		{"shape", "shape=both-active", func(c *fsm.Config) { c.Shape = fsm.BothActive }, false},
		{"calls", "calls=all", func(c *fsm.Config) { c.Calls = [2]fsm.Calls{fsm.AllCalls, fsm.AllCalls} }, false},
		{"calls", "calls+abort", addCalls(fsm.CallAbort), true},
		{"calls", "calls+user-timeout", addCalls(fsm.CallUserTimeout), true},
		{"calls", "calls+listen", addCalls(fsm.CallListen), true},
		// Last, so that it sees what the others need: no verdict may hang on the space
		// being the smallest that fits, and no rule chooses a number freely, so a space
		// four times as large must give the same counts and verdicts.
		{"seqspace", "seqspace=4x", func(c *fsm.Config) { c.SeqBits = c.MinSeqBits() + 2 }, false},
	}
}

// addCalls lets each user make the calls of its config and those.
func addCalls(calls fsm.Calls) func(*fsm.Config) {
	return func(c *fsm.Config) {
		for side := fsm.A; side <= fsm.B; side++ {
			c.Calls[side] = c.CallsOf(side) | calls
		}
	}
}

// point is one configuration of a grid: a claim's own config with some settings applied.
type point struct {
	name     string
	settings []setting
}

// grids are the names --grid accepts.
var grids = []string{"ci", "wide"}

// gridPoints is the named grid: "base" (each claim's own config) first, then every
// setting alone; "wide" adds every pair of parameter ends of different parameters.
func gridPoints(grid string) ([]point, error) {
	env := envelope()
	pts := []point{{name: "base"}}
	for _, s := range env {
		pts = append(pts, point{name: s.name, settings: []setting{s}})
	}
	switch grid {
	case "ci":
	case "wide":
		for i, a := range env {
			for _, b := range env[i+1:] {
				if a.dim != b.dim && !a.part && !b.part {
					pts = append(pts, point{name: a.name + "," + b.name, settings: []setting{a, b}})
				}
			}
		}
	default:
		return nil, fmt.Errorf("grid %q: want %s", grid, strings.Join(grids, " or "))
	}
	return pts, nil
}

// maxRaise is how far a refused config's sequence space may be raised: 2^8 numbers.
const maxRaise = 8

// configAt is base with p's settings applied. When the fsm refuses the result (a window or
// data too large for the sequence space), the sequence space is raised to the smallest that
// the variant accepts, and raised says to what (0: not raised); refused is the fsm's reason
// when no space up to 2^maxRaise fits.
func configAt(base fsm.Config, p point, variant string) (cfg fsm.Config, raised int, refused error) {
	cfg = base
	for _, s := range p.settings {
		s.apply(&cfg)
	}
	_, err := fsm.NewSystem(cfg, variant)
	if err == nil {
		return cfg, 0, nil
	}
	for bits := cfg.SeqBits + 1; bits <= maxRaise; bits++ {
		up := cfg
		up.SeqBits = bits
		if _, e := fsm.NewSystem(up, variant); e == nil {
			return up, 1 << bits, nil
		}
	}
	return cfg, 0, err
}

// selectPoints is the named grid's points, or, when names are given, only those, in grid
// order; an error names the flag at fault.
func selectPoints(grid string, names []string) ([]point, error) {
	pts, err := gridPoints(grid)
	if err != nil {
		return nil, fmt.Errorf("--grid: %w", err)
	}
	if len(names) == 0 {
		return pts, nil
	}
	want := map[string]bool{}
	for _, name := range names {
		if _, err := lookupPoint(pts, grid, name); err != nil {
			return nil, fmt.Errorf("--point: %w", err)
		}
		want[name] = true
	}
	return slices.DeleteFunc(pts, func(p point) bool { return !want[p.name] }), nil
}
