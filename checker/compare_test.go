package checker_test

// Comparing engine results with the reference, and with each other.

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/tcpverify/tcpverify/checker"
)

// outcome is the part of a Result that must not depend on Workers or Visited.
type outcome[S any] struct {
	States, Transitions uint64
	MaxDepth            int
	Complete            bool
	Stop                string
	Verdicts            []checker.Verdict[S]
	Graph               *checker.Graph
}

func outcomeOf[S any](r *checker.Result[S]) outcome[S] {
	return outcome[S]{
		States: r.States, Transitions: r.Transitions, MaxDepth: r.MaxDepth,
		Complete: r.Complete, Stop: stopReason(r.Stop), Verdicts: r.Verdicts, Graph: r.Graph,
	}
}

// stopReason names the sentinel err wraps ("" for nil).
func stopReason(err error) string {
	if err == nil {
		return ""
	}
	for _, s := range []error{checker.ErrStateLimit, checker.ErrDepthLimit, checker.ErrMemoryLimit, checker.ErrTimeout, checker.ErrCanceled} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return "unknown stop reason: " + err.Error()
}

// sameOutcome returns "" when a and b agree on everything but timing and configuration echoes.
func sameOutcome[S any](a, b *checker.Result[S]) string {
	oa, ob := outcomeOf(a), outcomeOf(b)
	if reflect.DeepEqual(oa, ob) {
		return ""
	}
	return fmt.Sprintf("%s\nversus\n%s", describe(oa), describe(ob))
}

func describe[S any](o outcome[S]) string {
	s := fmt.Sprintf("states %d, transitions %d, depth %d, complete %v, stop %q", o.States, o.Transitions, o.MaxDepth, o.Complete, o.Stop)
	for _, v := range o.Verdicts {
		s += fmt.Sprintf("\n  %s %s: %s", v.Kind, v.Name, v.Status)
		if v.Trace != nil {
			s += fmt.Sprintf(" trace %+v", *v.Trace)
		}
	}
	if o.Graph != nil {
		s += fmt.Sprintf("\n  graph %+v", *o.Graph)
	}
	return s
}

// configs are the configurations whose outcomes must all be equal.
func configs(base checker.Config) []checker.Config {
	var cs []checker.Config
	for _, w := range []int{1, 2, 4, 8} {
		for _, v := range []checker.Visited{checker.Exact, checker.HashCompaction, checker.TreeCompression} {
			c := base
			c.Workers, c.Visited = w, v
			cs = append(cs, c)
		}
	}
	return cs
}

// mustRun runs m and returns an error instead of the result when Run fails or breaks its
// promises about the fields every result has.
func mustRun[S, A any](m checker.Model[S, A], cfg checker.Config) (*checker.Result[S], error) {
	res, err := checker.Run(context.Background(), m, cfg)
	if err != nil {
		return nil, fmt.Errorf("run with %+v: %w", cfg, err)
	}
	if res == nil {
		return nil, fmt.Errorf("run with %+v: nil result and nil error", cfg)
	}
	if res.Complete != (res.Stop == nil) {
		return nil, fmt.Errorf("run with %+v: complete = %v but stop = %v", cfg, res.Complete, res.Stop)
	}
	if cfg.Workers > 0 && res.Workers != cfg.Workers {
		return nil, fmt.Errorf("run with %+v: result says %d workers", cfg, res.Workers)
	}
	if res.Visited != cfg.Visited {
		return nil, fmt.Errorf("run with %+v: result says visited %v", cfg, res.Visited)
	}
	// Two or more states under hash compaction may collide; one state or exact storage cannot.
	if collide := cfg.Visited == checker.HashCompaction && res.States >= 2; collide != (res.OmissionBound > 0) {
		return nil, fmt.Errorf("run with %+v: omission bound %g for %d states", cfg, res.OmissionBound, res.States)
	}
	return res, nil
}

// checkAgainstReference compares a complete result with the reference: counts, then each
// verdict with its trace.
func checkAgainstReference[S, A any](r *refSpace[S, A], res *checker.Result[S]) error {
	if !res.Complete || res.Stop != nil {
		return fmt.Errorf("complete = %v, stop = %v; want a complete run", res.Complete, res.Stop)
	}
	if res.States != uint64(len(r.states)) || res.Transitions != r.transitions || res.MaxDepth != r.maxDepth {
		return fmt.Errorf("got %d states, %d transitions, depth %d; reference: %d, %d, %d",
			res.States, res.Transitions, res.MaxDepth, len(r.states), r.transitions, r.maxDepth)
	}
	props := r.m.Properties()
	if len(res.Verdicts) != len(props) {
		return fmt.Errorf("got %d verdicts for %d properties", len(res.Verdicts), len(props))
	}
	for i, p := range props {
		v := res.Verdicts[i]
		if v.Name != p.Name || v.Kind != p.Kind {
			return fmt.Errorf("verdict %d is %s %q, want %s %q", i, v.Kind, v.Name, p.Kind, p.Name)
		}
		if err := checkVerdict(r, p, v); err != nil {
			return fmt.Errorf("%s %q: %w", p.Kind, p.Name, err)
		}
	}
	return nil
}

func checkVerdict[S, A any](r *refSpace[S, A], p checker.Property[S], v checker.Verdict[S]) error {
	switch p.Kind {
	case checker.KindAlways:
		return checkFirst(r, v, func(id int) bool { return !p.Holds(r.states[id]) }, checker.Violated, checker.Holds)
	case checker.KindDeadlock:
		return checkFirst(r, v, r.deadlocked, checker.Violated, checker.Holds)
	case checker.KindSometimes:
		return checkFirst(r, v, r.holds(p.Holds), checker.Holds, checker.Violated)
	case checker.KindEventually:
		violated := r.eventuallyViolatedFast(p.Holds)
		if len(r.states) <= 300 {
			violated = r.eventuallyViolated(p.Holds)
		}
		if !violated {
			if v.Status != checker.Holds || v.Trace != nil {
				return fmt.Errorf("got %s with trace %v, reference: holds", v.Status, v.Trace)
			}
			return nil
		}
		if v.Status != checker.Violated || v.Trace == nil {
			return fmt.Errorf("got %s with trace %v, reference: violated", v.Status, v.Trace)
		}
		if v.Trace.Loop >= 0 {
			return checkLasso(r, p.Holds, v.Trace)
		}
		return checkDeadEnd(r, p.Holds, v.Trace)
	}
	return fmt.Errorf("unknown kind %v", p.Kind)
}

// checkFirst checks a property decided by the first state where hit holds: if there is one,
// the verdict is found with a trace that replays, ends in a hit, is shortest, and is the
// canonical breadth-first one; if there is none, the verdict is none with no trace.
func checkFirst[S, A any](r *refSpace[S, A], v checker.Verdict[S], hit func(int) bool, found, none checker.Status) error {
	id := r.first(hit)
	if id < 0 {
		if v.Status != none || v.Trace != nil {
			return fmt.Errorf("got %s with trace %v, want %s with no trace: no state qualifies", v.Status, v.Trace, none)
		}
		return nil
	}
	if v.Status != found {
		return fmt.Errorf("got %s, want %s: state %v qualifies at depth %d", v.Status, found, r.states[id], r.depth[id])
	}
	return checkTraceTo(r, v.Trace, hit, id)
}

// checkTraceTo checks tr replays, ends in a state where hit holds, and equals the canonical
// shortest trace to id, the first such state in breadth-first order.
func checkTraceTo[S, A any](r *refSpace[S, A], tr *checker.Trace[S], hit func(int) bool, id int) error {
	if err := replay(r.m, tr); err != nil {
		return err
	}
	if tr.Loop != -1 {
		return fmt.Errorf("loop = %d, want a finite trace", tr.Loop)
	}
	last := tr.States[len(tr.States)-1]
	lastID, ok := r.ids[string(r.m.Encode(nil, last))]
	if !ok || !hit(lastID) {
		return fmt.Errorf("trace ends in %v, which does not qualify", last)
	}
	if len(tr.Steps) != r.depth[id] {
		return fmt.Errorf("trace has %d steps; the nearest qualifying state, %v, is at depth %d", len(tr.Steps), r.states[id], r.depth[id])
	}
	if want := r.treePath(id); !reflect.DeepEqual(want, tr) {
		return fmt.Errorf("trace is shortest but not the first in breadth-first order:\n got %+v\nwant %+v", *tr, *want)
	}
	return nil
}
