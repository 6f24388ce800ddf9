package twin_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/twin"
)

func readCounts(tb testing.TB) []twin.Count {
	tb.Helper()
	cs, err := twin.RecordedCounts()
	if err != nil {
		tb.Fatal(err)
	}
	if len(cs) == 0 {
		tb.Fatal("counts.txt has no counts")
	}
	return cs
}

// explore runs the engine over the whole model at p.
func explore(tb testing.TB, p twin.Params, cfg checker.Config) *checker.Result[twin.State] {
	tb.Helper()
	m, err := twin.New(p)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := checker.Run(context.Background(), m, cfg)
	if err != nil {
		tb.Fatalf("%s: checker.Run: %v", p.Name(), err)
	}
	if !res.Complete {
		tb.Fatalf("%s: search incomplete: %v", p.Name(), res.Stop)
	}
	return res
}

// sameCounts compares the engine's counts with SPIN's. checker.Result.Transitions counts
// every successor edge out of every expanded state, self-loops (idle) and edges to known
// states included: Rumur's "rules fired". SPIN's "transitions" is stored+matched, which
// counts the initial state once more, hence the + 1.
func sameCounts(res *checker.Result[twin.State], states, spinTransitions uint64) error {
	if res.States != states || res.Transitions+1 != spinTransitions {
		return fmt.Errorf("engine: %d states, %d transitions (+1 = %d); SPIN: %d states, %d transitions",
			res.States, res.Transitions, res.Transitions+1, states, spinTransitions)
	}
	return nil
}

// ciLimit is the largest recorded state count the test suite explores: each such setting
// takes a few seconds at most, under -race too.
func ciLimit() uint64 {
	if raceEnabled {
		return 400_000
	}
	return 1_000_000
}

func TestGoPortReachesTheRecordedCounts(t *testing.T) {
	ran := 0
	for _, c := range readCounts(t) {
		if c.States > ciLimit() {
			continue // BenchmarkAnchor checks these
		}
		ran++
		t.Run(c.Params.Name(), func(t *testing.T) {
			res := explore(t, c.Params, checker.Config{})
			if err := sameCounts(res, c.States, c.SPINTransitions); err != nil {
				t.Errorf("%s (%s): %v", c.Params.Name(), c.Source, err)
			}
		})
	}
	if ran < 5 {
		t.Errorf("only %d recorded settings are small enough to run; want at least 5", ran)
	}
}

func TestRecordedCountsIncludeTheREADMEsTable(t *testing.T) {
	for _, want := range []twin.Count{
		{Params: params(4, 3), States: 4_855_245, SPINTransitions: 19_305_614},
		{Params: params(4, 4), States: 13_843_809, SPINTransitions: 71_164_850},
		{Params: params(8, 3), States: 55_352_689, SPINTransitions: 218_054_162},
		{Params: params(8, 4), States: 162_310_873, SPINTransitions: 825_204_202},
	} {
		got, ok := twin.RecordedCount(want.Params)
		if !ok || got.States != want.States || got.SPINTransitions != want.SPINTransitions {
			t.Errorf("RecordedCount(%s) = %+v, %v; want the README's %d states, %d transitions",
				want.Params.Name(), got, ok, want.States, want.SPINTransitions)
		}
	}
}
