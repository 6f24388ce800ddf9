package checker_test

// One table per property kind, each row a tiny model with the exact verdict and trace.

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpverify/tcpverify/checker"
)

// trace builds the expected trace: states, then steps as (label, index) pairs.
func trace[S any](loop int, states []S, steps ...checker.Step) *checker.Trace[S] {
	return &checker.Trace[S]{States: states, Steps: steps, Loop: loop}
}

func step(label string, index int) checker.Step { return checker.Step{Action: label, Index: index} }

// steps repeats one step n times.
func steps(n int, s checker.Step) []checker.Step {
	out := make([]checker.Step, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// only runs m with its single property and returns that verdict, after checking the run was
// complete and the trace (if any) is identical with 1 and 4 workers.
func only[S, A any](t *testing.T, m checker.Model[S, A]) checker.Verdict[S] {
	t.Helper()
	res, err := checker.Run(context.Background(), m, checker.Config{Workers: 1})
	require.NoError(t, err)
	require.True(t, res.Complete, "stop: %v", res.Stop)
	require.Len(t, res.Verdicts, 1)
	again, err := checker.Run(context.Background(), m, checker.Config{Workers: 4, Visited: checker.HashCompaction})
	require.NoError(t, err)
	require.Equal(t, res.Verdicts, again.Verdicts, "verdict differs with 4 workers and hash compaction")
	v := res.Verdicts[0]
	if v.Trace != nil && len(v.Trace.Steps) == 0 {
		v.Trace.Steps = nil // an empty list equals none
	}
	return v
}

func TestAlwaysReportsTheFirstShortestViolation(t *testing.T) {
	below := func(n int) func(int) bool { return func(s int) bool { return s < n } }
	tests := []struct {
		name   string
		m      checker.Model[int, string]
		status checker.Status
		trace  *checker.Trace[int]
	}{
		{"counter passes 3", counter(10, false).with(checker.Always("below 3", below(3))),
			checker.Violated, trace(-1, []int{0, 1, 2, 3}, steps(3, step("inc", 0))...)},
		{"counter stays within 10", counter(10, false).with(checker.Always("below 11", below(11))),
			checker.Holds, nil},
		{"wrapping counter never reaches 11", counter(10, true).with(checker.Always("below 11", below(11))),
			checker.Holds, nil},
		{"an initial state violates", binaryClock().with(checker.Always("low", func(s int) bool { return s == 0 })),
			checker.Violated, trace[int](-1, []int{1})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := only(t, tt.m)
			assert.Equal(t, tt.status, v.Status)
			assert.Equal(t, tt.trace, v.Trace)
		})
	}
}

func TestAlwaysBreaksTiesByBreadthFirstOrder(t *testing.T) {
	tests := []struct {
		name  string
		pred  func(cell) bool
		trace *checker.Trace[cell]
	}{
		// (2,0), (1,1) and (0,2) all violate at depth 2; (2,0) is found first.
		{"first state of the level", func(c cell) bool { return c.X+c.Y < 2 },
			trace(-1, []cell{{0, 0}, {1, 0}, {2, 0}}, step("x+", 0), step("x+", 0))},
		// (1,1) is reached from (1,0) and (0,1); (1,0) comes first, and from it "y+" is index 1.
		{"first parent", func(c cell) bool { return c != cell{1, 1} },
			trace(-1, []cell{{0, 0}, {1, 0}, {1, 1}}, step("x+", 0), step("y+", 1))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := only(t, grid(2).with(checker.Always("p", tt.pred)))
			assert.Equal(t, checker.Violated, v.Status)
			assert.Equal(t, tt.trace, v.Trace)
		})
	}
}

func TestSometimesReturnsTheShortestExample(t *testing.T) {
	tests := []struct {
		name   string
		m      checker.Model[cell, string]
		status checker.Status
		trace  *checker.Trace[cell]
	}{
		{"reachable corner", grid(2).with(checker.Sometimes("(2,1)", func(c cell) bool { return c == cell{2, 1} })),
			checker.Holds, trace(-1, []cell{{0, 0}, {1, 0}, {2, 0}, {2, 1}}, step("x+", 0), step("x+", 0), step("y+", 1))},
		{"initial state", grid(2).with(checker.Sometimes("origin", func(c cell) bool { return c == cell{} })),
			checker.Holds, trace[cell](-1, []cell{{0, 0}})},
		{"outside the grid", grid(2).with(checker.Sometimes("(3,0)", func(c cell) bool { return c.X == 3 })),
			checker.Violated, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := only(t, tt.m)
			assert.Equal(t, tt.status, v.Status)
			assert.Equal(t, tt.trace, v.Trace)
		})
	}
}

func TestNoDeadlockTellsTerminalStatesFromStuckOnes(t *testing.T) {
	stuckIsTerminal := ends
	stuckIsTerminal.terminal = map[string]bool{"done": true, "stuck": true}
	atThree := counter(3, false)
	atThree.terminal = func(s int) bool { return s == 3 }
	tests := []struct {
		name   string
		m      any
		status checker.Status
		trace  any
	}{
		// "jam>" is offered and leads nowhere, "finish" ends properly, "wedge" sticks.
		{"stuck state", ends.model(checker.NoDeadlock[string]("nd")), checker.Violated,
			trace(-1, []string{"start", "stuck"}, step("wedge>stuck", 2))},
		{"both ends terminal", stuckIsTerminal.model(checker.NoDeadlock[string]("nd")), checker.Holds,
			(*checker.Trace[string])(nil)},
		// At 3, "inc" is offered but leads nowhere: no enabled action.
		{"counter stops", counter(3, false).with(checker.NoDeadlock[int]("nd")), checker.Violated,
			trace(-1, []int{0, 1, 2, 3}, steps(3, step("inc", 0))...)},
		{"counter stops where it may", atThree.with(checker.NoDeadlock[int]("nd")), checker.Holds,
			(*checker.Trace[int])(nil)},
		{"counter wraps", counter(3, true).with(checker.NoDeadlock[int]("nd")), checker.Holds,
			(*checker.Trace[int])(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			switch m := tt.m.(type) {
			case *toy[string]:
				v := only(t, m)
				assert.Equal(t, tt.status, v.Status)
				assert.Equal(t, tt.trace, v.Trace)
			case *toy[int]:
				v := only(t, m)
				assert.Equal(t, tt.status, v.Status)
				assert.Equal(t, tt.trace, v.Trace)
			}
		})
	}
}

func TestEventuallyJudgesCyclesUnderWeakFairness(t *testing.T) {
	done := is("done")
	tests := []struct {
		name   string
		m      *toy[string]
		status checker.Status
		trace  *checker.Trace[string]
	}{
		{"a fair exit is taken", spinner(true).model(checker.Eventually("done", done)),
			checker.Holds, nil},
		{"an unfair exit may be ignored forever", spinner(false).model(checker.Eventually("done", done)),
			checker.Violated, trace(0, []string{"wait", "wait"}, step("spin>wait", 0))},
		{"an exit enabled only now and then may be ignored", flicker.model(checker.Eventually("done", done)),
			checker.Violated, trace(0, []string{"a", "b", "a"}, step("to-b>b", 0), step("to-a>a", 0))},
		// Fairness is per label: "tick" is taken from s0, so the cycle is fair although "tick"
		// from s1 (towards done) never is.
		{"a label taken elsewhere in the cycle counts", sharedLabel.model(checker.Eventually("done", done)),
			checker.Violated, trace(0, []string{"s0", "s1", "s0"}, step("tick>s1", 0), step("back>s0", 1))},
		{"the stem is shortest", stem.model(checker.Eventually("x1", is("x1"))),
			checker.Violated, trace(1, []string{"init", "c1", "c2", "c1"}, step("short>c1", 1), step("fwd>c2", 0), step("bwd>c1", 0))},
		{"every path enters the goal", stem.model(checker.Eventually("cycle", is("c1", "c2"))),
			checker.Holds, nil},
		{"a stuck end is a finite counterexample", ends.model(checker.Eventually("done", done)),
			checker.Violated, trace(-1, []string{"start", "stuck"}, step("wedge>stuck", 2))},
		{"an initial state satisfies", ends.model(checker.Eventually("start", is("start"))),
			checker.Holds, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := only(t, tt.m)
			assert.Equal(t, tt.status, v.Status)
			assert.Equal(t, tt.trace, v.Trace)
		})
	}
}

func TestEventuallyOnACounter(t *testing.T) {
	equals := func(n int) func(int) bool { return func(s int) bool { return s == n } }
	tests := []struct {
		name   string
		m      *toy[int]
		status checker.Status
		trace  *checker.Trace[int]
	}{
		{"the wrapping counter passes 3", counter(5, true).with(checker.Eventually("3", equals(3))), checker.Holds, nil},
		{"the wrapping counter never reaches 7", counter(5, true).with(checker.Eventually("7", equals(7))), checker.Violated,
			trace(0, []int{0, 1, 2, 3, 4, 5, 0}, steps(6, step("inc", 0))...)},
		{"the stopping counter ends before 7", counter(5, false).with(checker.Eventually("7", equals(7))), checker.Violated,
			trace(-1, []int{0, 1, 2, 3, 4, 5}, steps(5, step("inc", 0))...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := only(t, tt.m)
			assert.Equal(t, tt.status, v.Status)
			assert.Equal(t, tt.trace, v.Trace)
		})
	}
}

func TestVerdictsFollowTheModelsPropertyOrder(t *testing.T) {
	m := counter(4, false).with(
		checker.Eventually("ev", func(s int) bool { return s == 4 }),
		checker.NoDeadlock[int]("nd"),
		checker.Sometimes("so", func(s int) bool { return s == 2 }),
		checker.Always("al", func(s int) bool { return s < 4 }),
	)
	res, err := checker.Run(context.Background(), m, checker.Config{})
	require.NoError(t, err)
	var got []string
	for _, v := range res.Verdicts {
		got = append(got, v.Kind.String()+" "+v.Name+" "+v.Status.String())
	}
	assert.Equal(t, []string{"eventually ev holds", "deadlock nd violated", "sometimes so holds", "always al violated"}, got)
}

func TestIncompleteSearchLeavesUndecidedPropertiesUnknown(t *testing.T) {
	m := grid(1_000_000).with(
		checker.Always("near", func(c cell) bool { return c.X+c.Y < 5 }),
		checker.Always("anywhere", func(cell) bool { return true }),
		checker.Sometimes("seen", func(c cell) bool { return c == cell{2, 2} }),
		checker.Sometimes("far", func(c cell) bool { return c.X == 999_999 }),
		checker.Eventually("goes far", func(c cell) bool { return c.X == 999_999 }),
		checker.NoDeadlock[cell]("nd"),
	)
	res, err := checker.Run(context.Background(), m, checker.Config{MaxStates: 1000})
	require.NoError(t, err)
	require.False(t, res.Complete)
	require.ErrorIs(t, res.Stop, checker.ErrStateLimit)
	require.Len(t, res.Verdicts, 6)
	assert.Equal(t, checker.Violated, res.Verdicts[0].Status, "a found violation stays violated")
	assert.Len(t, res.Verdicts[0].Trace.Steps, 5)
	assert.NotEqual(t, checker.Violated, res.Verdicts[1].Status)
	assert.Equal(t, checker.Holds, res.Verdicts[2].Status, "a found example is an example")
	assert.Len(t, res.Verdicts[2].Trace.Steps, 4)
	assert.Equal(t, checker.Unknown, res.Verdicts[3].Status, "sometimes not yet seen")
	assert.Nil(t, res.Verdicts[3].Trace)
	assert.Equal(t, checker.Unknown, res.Verdicts[4].Status, "eventually on a partial graph")
	assert.NotEqual(t, checker.Violated, res.Verdicts[5].Status)
}
