package anchor_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm/anchor"
)

// recorded is one line of testdata/counts.txt: SPIN's figures at one setting.
type recorded struct {
	p      anchor.Params
	states uint64
	// spinTransitions is SPIN's "transitions (= stored+matched)": it counts the initial
	// state, so it is checker.Result.Transitions + 1.
	spinTransitions uint64
	source          string
}

func readCounts(tb testing.TB) []recorded {
	tb.Helper()
	f, err := os.Open("testdata/counts.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []recorded
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Fields(line)
		if len(fs) != 9 {
			tb.Fatalf("counts.txt:%d: %d fields, want 9", n, len(fs))
		}
		var v [8]uint64
		for i := range v {
			if v[i], err = strconv.ParseUint(fs[i], 10, 64); err != nil {
				tb.Fatalf("counts.txt:%d: %v", n, err)
			}
		}
		out = append(out, recorded{
			p: anchor.Params{SeqN: int(v[0]), NetCap: int(v[1]), Loss: int(v[2]), Dup: int(v[3]),
				OldSyn: int(v[4]), Rtx: int(v[5])},
			states: v[6], spinTransitions: v[7], source: fs[8],
		})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(out) == 0 {
		tb.Fatal("counts.txt has no counts")
	}
	return out
}

// explore runs the engine over the whole model at p.
func explore(tb testing.TB, p anchor.Params, cfg checker.Config) *checker.Result[anchor.State] {
	tb.Helper()
	m, err := anchor.New(p)
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
func sameCounts(res *checker.Result[anchor.State], states, spinTransitions uint64) error {
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
		if c.states > ciLimit() {
			continue // BenchmarkAnchor checks these
		}
		ran++
		t.Run(c.p.Name(), func(t *testing.T) {
			res := explore(t, c.p, checker.Config{})
			if err := sameCounts(res, c.states, c.spinTransitions); err != nil {
				t.Errorf("%s (%s): %v", c.p.Name(), c.source, err)
			}
		})
	}
	if ran < 5 {
		t.Errorf("only %d recorded settings are small enough to run; want at least 5", ran)
	}
}
