package checker_test

import (
	"errors"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/tcpverify/tcpverify/checker"
	"pgregory.net/rapid"
)

// StopWhenDecided may only save work: the verdicts and traces are those of the whole
// search, the counts do not depend on the workers or the visited set, and a search stops
// early only when every property is decided.
func TestStopWhenDecidedKeepsVerdictsAndTraces(t *testing.T) {
	var early, whole atomic.Int64
	rapid.Check(t, func(t *rapid.T) {
		g, _ := drawDigraph(t, maxRandomNodes)
		if !rapid.Bool().Draw(t, "keep eventually") {
			// Always, Sometimes and deadlock only: the kinds a search can decide early.
			g.props = []checker.Property[vertex]{g.props[0], g.props[1], g.props[3]}
		}
		full, err := mustRun(g, checker.Config{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		var first *checker.Result[vertex]
		for _, cfg := range configs(checker.Config{StopWhenDecided: true}) {
			res, err := mustRun(g, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = res
			} else if d := sameOutcome(first, res); d != "" {
				t.Fatalf("workers 1, exact versus workers %d, %v:\n%s\nmodel: %v", cfg.Workers, cfg.Visited, d, g)
			}
			if !reflect.DeepEqual(full.Verdicts, res.Verdicts) {
				t.Fatalf("workers %d, %v: verdicts differ from the whole search's:\n%+v\nversus\n%+v\nmodel: %v",
					cfg.Workers, cfg.Visited, full.Verdicts, res.Verdicts, g)
			}
			if res.Complete {
				if res.States != full.States || res.Transitions != full.Transitions {
					t.Fatalf("a complete search found %d states, %d transitions; the whole one %d, %d",
						res.States, res.Transitions, full.States, full.Transitions)
				}
				continue
			}
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
		}
		if first.Complete {
			whole.Add(1)
		} else {
			early.Add(1)
		}
	})
	// The generator must give searches that stop early and searches that do not.
	if early.Load() == 0 || whole.Load() == 0 {
		t.Errorf("%d searches stopped early, %d did not; want some of each", early.Load(), whole.Load())
	}
}

// StopAtViolation may only save work too: a search that stops has a violation of an
// Always, step or deadlock property whose trace is the whole search's (the shortest, the
// same one), every other verdict is that of the whole search or Unknown, and the counts do
// not depend on the workers or the visited set.
func TestStopAtViolationKeepsTheFirstViolationsAndTheirTraces(t *testing.T) {
	var early, whole atomic.Int64
	rapid.Check(t, func(t *rapid.T) {
		g, _ := drawDigraph(t, maxRandomNodes)
		full, err := mustRun(g, checker.Config{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		var first *checker.Result[vertex]
		for _, cfg := range configs(checker.Config{StopAtViolation: true}) {
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
				if !reflect.DeepEqual(full.Verdicts, res.Verdicts) || res.States != full.States {
					t.Fatalf("a complete search differs from the whole one: %+v versus %+v", res.Verdicts, full.Verdicts)
				}
				continue
			}
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
