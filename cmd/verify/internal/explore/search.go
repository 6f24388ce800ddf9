package explore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// ErrRequest is wrapped by the errors of a search or check request that cannot be run as
// asked (an unknown property, a bad pattern): bad input, not a failure.
var ErrRequest = errors.New("bad request")

// Pattern matches states: "A=TIME-WAIT B=LISTEN", "inflight=0", any of the terms, all of
// which must hold.
type Pattern struct {
	State    [2]*fsm.State
	InFlight *int
}

// ParsePattern reads a pattern: space-separated terms A=STATE, B=STATE (RFC names, as
// FIN-WAIT-1) and inflight=N.
func ParsePattern(text string) (Pattern, error) {
	var p Pattern
	terms := strings.Fields(text)
	if len(terms) == 0 {
		return p, fmt.Errorf("%w: empty pattern (want terms like A=TIME-WAIT B=LISTEN inflight=0)", ErrRequest)
	}
	for _, t := range terms {
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			return p, fmt.Errorf("%w: pattern term %q: want NAME=VALUE", ErrRequest, t)
		}
		switch k {
		case "A", "B":
			st, err := fsm.ParseState(v)
			if err != nil {
				return p, fmt.Errorf("%w: pattern term %q: %v", ErrRequest, t, err)
			}
			side := fsm.A
			if k == "B" {
				side = fsm.B
			}
			p.State[side] = &st
		case "inflight":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return p, fmt.Errorf("%w: pattern term %q: want a count from 0", ErrRequest, t)
			}
			p.InFlight = &n
		default:
			return p, fmt.Errorf("%w: pattern term %q: unknown name %q (want A, B or inflight)", ErrRequest, t, k)
		}
	}
	return p, nil
}

// Match reports whether s matches every term.
func (p Pattern) Match(s fsm.SysState) bool {
	for side, st := range p.State {
		if st != nil && s.Ep[side].State != *st {
			return false
		}
	}
	return p.InFlight == nil || s.Net.Len() == *p.InFlight
}

// SearchResult is a search's outcome.
type SearchResult struct {
	Found bool `json:"found"`
	// Path is the whole path, from the initial state, to the state found.
	Path []int `json:"path,omitempty"`
	// States counts the states the search visited; Complete is set when it visited every
	// state reachable from the start, so that Found false means there is none.
	States   int     `json:"states"`
	Complete bool    `json:"complete"`
	Stop     string  `json:"stop,omitempty"`
	Seconds  float64 `json:"seconds"`
}

// Search finds the shortest path from the state that path names to a state that
// matches pattern, or, when property is set, that violates it (an always property false,
// a deadlock, a step a step property rejects) or exemplifies it (a sometimes property
// true). It visits at most maxStates
// states (0: the limit) for at most timeout (0: the limit).
func (e *Explorer) Search(ctx context.Context, path []int, pattern, property string, maxStates int, timeout time.Duration) (SearchResult, error) {
	states, _, err := e.walk(path)
	if err != nil {
		return SearchResult{}, err
	}
	goal, onStep, err := e.goal(pattern, property)
	if err != nil {
		return SearchResult{}, err
	}
	maxStates, timeout = e.bounds(maxStates, timeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	type node struct {
		s      fsm.SysState
		parent int
		action int
	}
	queue := []node{{s: states[len(states)-1], parent: -1}}
	seen := map[string]bool{string(e.sys.Encode(nil, queue[0].s)): true}
	res := SearchResult{}
	var acts []fsm.Action
	var buf []byte
	for q := 0; q < len(queue); q++ {
		n := queue[q]
		if goal(n.s) {
			var suffix []int
			for i := q; queue[i].parent >= 0; i = queue[i].parent {
				suffix = append(suffix, queue[i].action)
			}
			slices.Reverse(suffix)
			res.Found, res.Path = true, append(slices.Clone(path), suffix...)
			break
		}
		if q%1024 == 0 && ctx.Err() != nil {
			res.Stop = fmt.Sprintf("stopped after %s", timeout)
			break
		}
		acts = e.sys.Actions(n.s, acts[:0])
		for i, a := range acts {
			next, ok := e.sys.Next(n.s, a)
			if !ok {
				continue
			}
			buf = e.sys.Encode(buf[:0], next)
			// A step property judges the step, which a state seen before by another
			// path may not have come by: such a step is queued all the same.
			if seen[string(buf)] && !(onStep && goal(next)) {
				continue
			}
			if len(seen) >= maxStates {
				res.Stop = fmt.Sprintf("stopped at %d states", maxStates)
				break
			}
			seen[string(buf)] = true
			queue = append(queue, node{s: next, parent: q, action: i})
		}
		if res.Stop != "" {
			break
		}
	}
	res.States = len(seen)
	res.Complete = res.Found || res.Stop == ""
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// goal is the predicate a search looks for; onStep says it judges the step into a state
// (a step property), not the state.
func (e *Explorer) goal(pattern, property string) (goal func(fsm.SysState) bool, onStep bool, err error) {
	switch {
	case pattern != "" && property != "":
		return nil, false, fmt.Errorf("%w: give a pattern or a property, not both", ErrRequest)
	case pattern != "":
		p, err := ParsePattern(pattern)
		if err != nil {
			return nil, false, err
		}
		return p.Match, false, nil
	case property != "":
		for _, p := range e.props {
			if p.Name != property {
				continue
			}
			switch p.Kind {
			case checker.KindAlways:
				return func(s fsm.SysState) bool { return !p.Holds(s) }, false, nil
			case checker.KindStep:
				return func(s fsm.SysState) bool { return !p.Holds(s) }, true, nil
			case checker.KindSometimes:
				return p.Holds, false, nil
			case checker.KindDeadlock:
				return e.deadlocked, false, nil
			default:
				return nil, false, fmt.Errorf("%w: property %s is a liveness property: a violation is a cycle, not a state (use check)", ErrRequest, property)
			}
		}
		var names []string
		for _, p := range e.props {
			names = append(names, p.Name)
		}
		return nil, false, fmt.Errorf("%w: unknown property %q (valid: %s)", ErrRequest, property, strings.Join(names, ", "))
	}
	return nil, false, fmt.Errorf("%w: give a pattern (e.g. A=TIME-WAIT B=LISTEN) or a property", ErrRequest)
}

func (e *Explorer) deadlocked(s fsm.SysState) bool {
	if e.model.Terminal(s) {
		return false
	}
	for _, a := range e.sys.Actions(s, nil) {
		if _, ok := e.sys.Next(s, a); ok {
			return false
		}
	}
	return true
}

func (e *Explorer) bounds(maxStates int, timeout time.Duration) (int, time.Duration) {
	if maxStates <= 0 || maxStates > e.limits.MaxSearchStates {
		maxStates = e.limits.MaxSearchStates
	}
	if timeout <= 0 || timeout > e.limits.MaxSearchTime {
		timeout = e.limits.MaxSearchTime
	}
	return maxStates, timeout
}

// fromHere is the model started from one state.
type fromHere struct {
	properties.Model
	start fsm.SysState
}

func (m fromHere) Init() []fsm.SysState { return []fsm.SysState{m.start} }

// CheckResult is a check's outcome.
type CheckResult struct {
	States   uint64         `json:"states"`
	Complete bool           `json:"complete"`
	Stop     string         `json:"stop,omitempty"`
	Seconds  float64        `json:"seconds"`
	Verdicts []CheckVerdict `json:"verdicts"`
}

// CheckVerdict is a property's verdict from here; Path, when set, is the whole path from
// the initial state through here to the end of its trace (a lasso's loop is not repeated).
type CheckVerdict struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
	Path   []int  `json:"path,omitempty"`
	Loop   int    `json:"loop,omitempty"`
}

// Check runs the checker from the state that path names, with every property of the
// model, within the bounds.
func (e *Explorer) Check(ctx context.Context, path []int, maxStates int, timeout time.Duration) (CheckResult, error) {
	states, _, err := e.walk(path)
	if err != nil {
		return CheckResult{}, err
	}
	maxStates, timeout = e.bounds(maxStates, timeout)
	res, err := checker.Run(ctx, fromHere{Model: e.model, start: states[len(states)-1]},
		// Once every property is decided (a violation found) the rest of the space would
		// change no verdict.
		checker.Config{MaxStates: uint64(maxStates), Timeout: timeout, Workers: 1, StopWhenDecided: true})
	if err != nil {
		return CheckResult{}, fmt.Errorf("check: %w", err)
	}
	out := CheckResult{States: res.States, Complete: res.Complete, Seconds: res.Elapsed.Seconds(), Verdicts: []CheckVerdict{}}
	if res.Stop != nil {
		out.Stop = res.Stop.Error()
	}
	for _, v := range res.Verdicts {
		cv := CheckVerdict{Name: v.Name, Kind: v.Kind.String(), Status: v.Status.String()}
		if v.Trace != nil {
			cv.Path = slices.Clone(path)
			for _, st := range v.Trace.Steps {
				cv.Path = append(cv.Path, st.Index)
			}
			if v.Trace.Loop >= 0 {
				cv.Loop = len(path) + v.Trace.Loop
			}
		}
		out.Verdicts = append(out.Verdicts, cv)
	}
	return out, nil
}

// Counterexample checks the model from its initial state and returns the path of the first
// property's trace (its counterexample, or a sometimes property's example), nil when there
// is none; a search bounded by limits (zero: the explorer's).
func (e *Explorer) Counterexample(ctx context.Context, limits Limits) ([]int, error) {
	res, err := e.Check(ctx, []int{}, limits.MaxSearchStates, limits.MaxSearchTime)
	if err != nil {
		return nil, err
	}
	for _, v := range res.Verdicts {
		if v.Path != nil {
			return v.Path, nil
		}
	}
	return nil, nil
}
