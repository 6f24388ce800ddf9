package checker_test

// Toy models with hand-computed state spaces. None knows anything about TCP; each is small
// enough to count on paper, and the test at the bottom checks the reference search against
// those counts before anything is compared with the engine.

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/tcpverify/tcpverify/checker"
)

// toy is a model assembled from functions. Its actions are their own labels, and an action
// may be offered and still lead nowhere (next returns ok=false).
type toy[S any] struct {
	init     []S
	actions  func(S) []string
	next     func(S, string) (S, bool)
	encode   func([]byte, S) []byte
	decode   func([]byte) S
	terminal func(S) bool         // nil: no state is terminal
	fair     func(S, string) bool // nil: no action is fair
	props    []checker.Property[S]
}

func (m *toy[S]) Init() []S                          { return m.init }
func (m *toy[S]) Actions(s S, dst []string) []string { return append(dst, m.actions(s)...) }
func (m *toy[S]) Next(s S, a string) (S, bool)       { return m.next(s, a) }
func (m *toy[S]) Encode(dst []byte, s S) []byte      { return m.encode(dst, s) }
func (m *toy[S]) Decode(b []byte) S                  { return m.decode(b) }
func (m *toy[S]) Label(_ S, a string) string         { return a }
func (m *toy[S]) Properties() []checker.Property[S]  { return m.props }

func (m *toy[S]) Terminal(s S) bool {
	return m.terminal != nil && m.terminal(s)
}

func (m *toy[S]) Fair(s S, a string) bool {
	return m.fair != nil && m.fair(s, a)
}

func (m *toy[S]) with(props ...checker.Property[S]) *toy[S] {
	c := *m
	c.props = props
	return &c
}

func encodeInt(dst []byte, s int) []byte { return binary.BigEndian.AppendUint64(dst, uint64(s)) }
func decodeInt(b []byte) int             { return int(binary.BigEndian.Uint64(b)) }

// counter counts from 0 to n by "inc". At n, "inc" wraps to 0 if wrap is set; otherwise it is
// still offered but leads nowhere, so n is a deadlock unless terminal says otherwise.
// States: n+1. Transitions: n, or n+1 with wrap. Depth: n.
func counter(n int, wrap bool) *toy[int] {
	return &toy[int]{
		init:    []int{0},
		actions: func(int) []string { return []string{"inc"} },
		next: func(s int, _ string) (int, bool) {
			switch {
			case s < n:
				return s + 1, true
			case wrap:
				return 0, true
			}
			return s, false
		},
		encode: encodeInt,
		decode: decodeInt,
	}
}

// unbounded counts forever: an infinite state space, for time and cancellation bounds.
func unbounded() *toy[int] {
	return &toy[int]{
		init:    []int{0},
		actions: func(int) []string { return []string{"inc"} },
		next:    func(s int, _ string) (int, bool) { return s + 1, true },
		encode:  encodeInt,
		decode:  decodeInt,
	}
}

// binaryClock is Stateright's binary clock: 0 goes high, 1 goes low. Init lists 0 twice, so
// initial duplicates must merge. States: 2. Transitions: 2. Depth: 0.
func binaryClock() *toy[int] {
	return &toy[int]{
		init: []int{0, 1, 0},
		actions: func(s int) []string {
			if s == 0 {
				return []string{"go-high"}
			}
			return []string{"go-low"}
		},
		next:   func(s int, _ string) (int, bool) { return 1 - s, true },
		encode: encodeInt,
		decode: decodeInt,
	}
}

// cell is a state of grid: two counters.
type cell struct{ X, Y int }

func (c cell) String() string { return fmt.Sprintf("(%d,%d)", c.X, c.Y) }

// grid is the product of two counters in 0..k: "x+" and "y+" are always offered and lead
// nowhere at k. States: (k+1)². Transitions: 2k(k+1). Depth: 2k. With k = 10⁶ it is far too
// big to finish, which is what the bound tests need.
func grid(k int) *toy[cell] {
	return &toy[cell]{
		init:    []cell{{0, 0}},
		actions: func(cell) []string { return []string{"x+", "y+"} },
		next: func(c cell, a string) (cell, bool) {
			if a == "x+" && c.X < k {
				return cell{c.X + 1, c.Y}, true
			}
			if a == "y+" && c.Y < k {
				return cell{c.X, c.Y + 1}, true
			}
			return c, false
		},
		encode: func(dst []byte, c cell) []byte {
			return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(dst, uint64(c.X)), uint64(c.Y))
		},
		decode: func(b []byte) cell {
			return cell{int(binary.BigEndian.Uint64(b)), int(binary.BigEndian.Uint64(b[8:]))}
		},
		terminal: func(c cell) bool { return c.X == k && c.Y == k },
	}
}

// machine is a toy over named states given as a transition table: from each state, its
// actions in order, each "label>target" ("label>" alone is offered but leads nowhere).
// Fair lists the labels weak fairness applies to; Terminal the proper end states.
type machine struct {
	init     []string
	table    map[string][]string
	fair     map[string]bool
	terminal map[string]bool
}

func (d machine) model(props ...checker.Property[string]) *toy[string] {
	split := func(a string) (label, target string) {
		for i := range a {
			if a[i] == '>' {
				return a[:i], a[i+1:]
			}
		}
		panic("bad action " + a)
	}
	return &toy[string]{
		init:    d.init,
		actions: func(s string) []string { return d.table[s] },
		next: func(s, a string) (string, bool) {
			_, to := split(a)
			return to, to != ""
		},
		encode:   func(dst []byte, s string) []byte { return append(dst, s...) },
		decode:   func(b []byte) string { return string(b) },
		terminal: func(s string) bool { return d.terminal[s] },
		fair: func(_ string, a string) bool {
			l, _ := split(a)
			return d.fair[l]
		},
		props: props,
	}
}

// A machine's actions are "label>target" strings, so its Label is the whole string; traces of
// machines therefore name steps like "go>done".

// is returns the predicate "the state is one of names".
func is(names ...string) func(string) bool {
	return func(s string) bool {
		for _, n := range names {
			if s == n {
				return true
			}
		}
		return false
	}
}

// Lasso models. In each, "done" is where Eventually(is("done")) is satisfied.
var (
	// spinner waits in "wait", where "spin" loops and "go" leaves. Whether Eventually(done)
	// holds depends only on whether "go" is fair: the loop is a fair cycle iff it is not.
	spinnerTable = map[string][]string{"wait": {"spin>wait", "go>done"}, "done": nil}

	// flicker alternates a and b; "exit" is offered only in a. Weak fairness asks for an
	// action enabled continuously, so a fair "exit" does not force leaving: the a-b cycle is
	// fair and Eventually(done) fails.
	flicker = machine{
		init:     []string{"a"},
		table:    map[string][]string{"a": {"to-b>b", "exit>done"}, "b": {"to-a>a"}, "done": nil},
		fair:     map[string]bool{"exit": true, "to-b": true, "to-a": true},
		terminal: map[string]bool{"done": true},
	}

	// sharedLabel: "tick" from 0 stays in the cycle, "tick" from 1 leaves it. Fairness is
	// per label, so taking "tick" from 0 satisfies it: the 0-1 cycle is fair.
	sharedLabel = machine{
		init:     []string{"s0"},
		table:    map[string][]string{"s0": {"tick>s1"}, "s1": {"tick>done", "back>s0"}, "done": nil},
		fair:     map[string]bool{"tick": true},
		terminal: map[string]bool{"done": true},
	}

	// stem reaches the cycle c1-c2 after a long and a short way in: the lasso's stem must be
	// the short one (init, c1) and not (init, x1, x2, c2).
	stem = machine{
		init: []string{"init"},
		table: map[string][]string{
			"init": {"long>x1", "short>c1"},
			"x1":   {"step>x2"}, "x2": {"step>c2"},
			"c1": {"fwd>c2"}, "c2": {"bwd>c1"},
		},
	}

	// ends has a proper end and a stuck state, both without actions; "jam>" is offered in
	// start and leads nowhere, and "wedge" leads to stuck.
	ends = machine{
		init:     []string{"start"},
		table:    map[string][]string{"start": {"jam>", "finish>done", "wedge>stuck"}, "done": nil, "stuck": nil},
		terminal: map[string]bool{"done": true},
	}
)

func spinner(goFair bool) machine {
	return machine{
		init:     []string{"wait"},
		table:    spinnerTable,
		fair:     map[string]bool{"go": goFair},
		terminal: map[string]bool{"done": true},
	}
}

// TestReferenceCountsToyModelsByHand pins the reference search to counts computed on paper,
// so that comparing the engine with it means something.
func TestReferenceCountsToyModelsByHand(t *testing.T) {
	tests := []struct {
		name        string
		states      int
		transitions uint64
		depth       int
		explore     func() (int, uint64, int)
	}{
		{"counter to 10 stops", 11, 10, 10, counts(counter(10, false))},
		{"counter to 10 wraps", 11, 11, 10, counts(counter(10, true))},
		{"binary clock", 2, 2, 0, counts(binaryClock())},
		{"grid 3", 16, 24, 6, counts(grid(3))},
		{"spinner", 2, 2, 1, counts(spinner(true).model())},
		{"flicker", 3, 3, 1, counts(flicker.model())},
		{"stem", 5, 6, 2, counts(stem.model())},
		{"ends", 3, 2, 1, counts(ends.model())},
	}
	for _, tt := range tests {
		states, transitions, depth := tt.explore()
		if states != tt.states || transitions != tt.transitions || depth != tt.depth {
			t.Errorf("%s: reference finds %d states, %d transitions, depth %d; want %d, %d, %d",
				tt.name, states, transitions, depth, tt.states, tt.transitions, tt.depth)
		}
	}
}

func counts[S, A any](m checker.Model[S, A]) func() (int, uint64, int) {
	return func() (int, uint64, int) {
		r := refExplore(m, 0, 1000)
		return len(r.states), r.transitions, r.maxDepth
	}
}

// TestReferenceJudgesToyLassosByHand pins the brute-force liveness judge on the lasso models.
func TestReferenceJudgesToyLassosByHand(t *testing.T) {
	done := is("done")
	tests := []struct {
		name     string
		m        *toy[string]
		p        func(string) bool
		violated bool
	}{
		{"spin is unfair while go is fair", spinner(true).model(), done, false},
		{"spin is a fair cycle when go is not fair", spinner(false).model(), done, true},
		{"exit is not continuously enabled", flicker.model(), done, true},
		{"tick from s0 is the tick fairness asks for", sharedLabel.model(), done, true},
		{"a cycle with no fairness", stem.model(), is("x1"), true},
		{"every path reaches the cycle", stem.model(), is("c1", "c2"), false},
		{"a dead end", ends.model(), done, true},
		{"initial state satisfies", ends.model(), is("start"), false},
	}
	for _, tt := range tests {
		if got := refExplore(tt.m, 0, 100).eventuallyViolated(tt.p); got != tt.violated {
			t.Errorf("%s: reference says violated = %v, want %v", tt.name, got, tt.violated)
		}
	}
	// The counter case has int states; judge it directly.
	if !refExplore(counter(3, false), 0, 100).eventuallyViolated(func(s int) bool { return s == 5 }) {
		t.Errorf("counter to 3: reference says Eventually(5) holds, want violated")
	}
}
