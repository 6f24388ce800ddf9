package checker_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/checker"
)

// faultOnly is 0 -fault-> 1 -work-> 2 and 0 -work-> 0: from 0 the only way towards the goal
// (1 or 2) is the unfair "fault"; "work" is fair and loops in 0 only when loop is set.
func faultOnly(loop bool) *digraph {
	g := &digraph{nodes: 3, init: []vertex{0}, terminal: []bool{false, false, true},
		fairLabel: map[string]bool{"work": true}, from: make([][]int, 3)}
	add := func(from, to vertex, label string) {
		g.from[from] = append(g.from[from], len(g.arcs))
		g.arcs = append(g.arcs, arc{From: from, To: to, Label: label})
	}
	add(0, 1, "fault")
	add(1, 2, "work")
	if loop {
		add(0, 0, "work")
	}
	g.props = []checker.Property[vertex]{checker.Eventually("reaches the goal", func(v vertex) bool { return v != 0 })}
	return g
}

func TestAStuttererMayStopWhereOnlyUnfairActionsAreEnabled(t *testing.T) {
	for _, tc := range []struct {
		name    string
		stutter bool
		want    checker.Status
	}{
		{"a run goes on while anything is enabled, so the fault happens", false, checker.Holds},
		{"a stuttering run may stay where only the fault is enabled", true, checker.Violated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := faultOnly(false)
			g.stutter = tc.stutter
			res, err := checker.Run(context.Background(), g, checker.Config{Workers: 1})
			require.NoError(t, err)
			v := res.Verdicts[0]
			assert.Equal(t, tc.want, v.Status)
			if tc.want == checker.Violated {
				require.NotNil(t, v.Trace)
				assert.Empty(t, v.Trace.Steps, "the run stops in the initial state")
				assert.Equal(t, -1, v.Trace.Loop, "a finite counterexample, not a lasso")
			}
		})
	}
}

func TestStutteringNeverEndsARunWhereAFairActionIsEnabled(t *testing.T) {
	// In 0 the fair "work" loops; weak fairness is met by taking it for ever, so the property
	// fails by a lasso, not by stopping, whether or not the model stutters.
	for _, stutter := range []bool{false, true} {
		g := faultOnly(true)
		g.stutter = stutter
		res, err := checker.Run(context.Background(), g, checker.Config{Workers: 1})
		require.NoError(t, err)
		v := res.Verdicts[0]
		require.Equal(t, checker.Violated, v.Status)
		require.NotNil(t, v.Trace)
		assert.Equal(t, 0, v.Trace.Loop, "stutter=%v: the counterexample is the work loop", stutter)
	}
}
