package checker_test

import (
	"errors"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/tcpverify/tcpverify/checker"
	"pgregory.net/rapid"
)

// checkEarlyStop checks a rule that stops a search early (stop: a Config with only its
// flag set) against the whole search, on random digraphs that prepare may trim: every
// worker count and visited set gives the same outcome, a search that ran to the end is
// the whole search (complete), and one that stopped keeps what the whole search found
// (stopped). The generator must give searches that stop early and searches that do not.
func checkEarlyStop(t *testing.T, stop checker.Config, prepare func(*rapid.T, *digraph),
	complete, stopped func(t *rapid.T, full, res *checker.Result[vertex], g *digraph)) {
	t.Helper()
	var early, whole atomic.Int64
	rapid.Check(t, func(t *rapid.T) {
		g, _ := drawDigraph(t, maxRandomNodes)
		if prepare != nil {
			prepare(t, g)
		}
		full, err := mustRun(g, checker.Config{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		var first *checker.Result[vertex]
		for _, cfg := range configs(stop) {
			res, err := mustRun(g, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = res
			} else if d := sameOutcome(first, res); d != "" {
				t.Fatalf("workers 1, exact versus workers %d, %v:\n%s\nmodel: %v", cfg.Workers, cfg.Visited, d, g)
			}
			if res.Complete {
				complete(t, full, res, g)
			} else {
				stopped(t, full, res, g)
			}
		}
		if first.Complete {
			whole.Add(1)
		} else {
			early.Add(1)
		}
	})
	if early.Load() == 0 || whole.Load() == 0 {
		t.Errorf("%d searches stopped early, %d did not; want some of each", early.Load(), whole.Load())
	}
}

// StopWhenDecided may only save work: the verdicts and traces are those of the whole
// search, the counts do not depend on the workers or the visited set, and a search stops
// early only when every property is decided.
func TestStopWhenDecidedKeepsVerdictsAndTraces(t *testing.T) {
	keepEventually := func(t *rapid.T, g *digraph) {
		if !rapid.Bool().Draw(t, "keep eventually") {
			// Always, Sometimes and deadlock only: the kinds a search can decide early.
			g.props = []checker.Property[vertex]{g.props[0], g.props[1], g.props[3]}
		}
	}
	sameVerdicts := func(t *rapid.T, full, res *checker.Result[vertex], g *digraph) {
		if !reflect.DeepEqual(full.Verdicts, res.Verdicts) {
			t.Fatalf("verdicts differ from the whole search's:\n%+v\nversus\n%+v\nmodel: %v", full.Verdicts, res.Verdicts, g)
		}
	}
	checkEarlyStop(t, checker.Config{StopWhenDecided: true}, keepEventually,
		func(t *rapid.T, full, res *checker.Result[vertex], g *digraph) {
			sameVerdicts(t, full, res, g)
			if res.States != full.States || res.Transitions != full.Transitions {
				t.Fatalf("a complete search found %d states, %d transitions; the whole one %d, %d",
					res.States, res.Transitions, full.States, full.Transitions)
			}
		},
		func(t *rapid.T, full, res *checker.Result[vertex], g *digraph) {
			sameVerdicts(t, full, res, g)
			if !errors.Is(res.Stop, checker.ErrDecided) {
				t.Fatalf("stopped by %v, want %v", res.Stop, checker.ErrDecided)
			}
			for _, v := range res.Verdicts {
				if v.Kind == checker.KindEventually || v.Status == checker.Unknown {
					t.Fatalf("stopped early with %s %s %s", v.Kind, v.Name, v.Status)
				}
			}
			if res.States > full.States || res.Transitions > full.Transitions {
				t.Fatalf("stopped early after %d states, %d transitions; the whole space has %d, %d",
					res.States, res.Transitions, full.States, full.Transitions)
			}
		})
}

// StopAtViolation may only save work too: a search that stops has a violation of an
// Always, step or deadlock property whose trace is the whole search's (the shortest, the
// same one), every other verdict is that of the whole search or Unknown, and the counts do
// not depend on the workers or the visited set.
func TestStopAtViolationKeepsTheFirstViolationsAndTheirTraces(t *testing.T) {
	checkEarlyStop(t, checker.Config{StopAtViolation: true}, nil,
		func(t *rapid.T, full, res *checker.Result[vertex], g *digraph) {
			if !reflect.DeepEqual(full.Verdicts, res.Verdicts) || res.States != full.States {
				t.Fatalf("a complete search differs from the whole one: %+v versus %+v\nmodel: %v", res.Verdicts, full.Verdicts, g)
			}
		},
		func(t *rapid.T, full, res *checker.Result[vertex], g *digraph) {
			if !errors.Is(res.Stop, checker.ErrViolationFound) {
				t.Fatalf("stopped by %v, want %v", res.Stop, checker.ErrViolationFound)
			}
			violations := 0
			for k, v := range res.Verdicts {
				switch {
				case v.Status == checker.Unknown:
				case !reflect.DeepEqual(v, full.Verdicts[k]):
					t.Fatalf("%s %s: %+v, the whole search's %+v", v.Kind, v.Name, v, full.Verdicts[k])
				case v.Status == checker.Violated && v.Kind != checker.KindSometimes && v.Kind != checker.KindEventually:
					violations++
				}
			}
			if violations == 0 {
				t.Fatalf("stopped early without a violation: %+v", res.Verdicts)
			}
			if res.States > full.States {
				t.Fatalf("stopped early after %d states; the whole space has %d", res.States, full.States)
			}
		})
}
