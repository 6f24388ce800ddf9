package checker_test

// Seeded random walks.

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpverify/tcpverify/checker"
)

func simulate[S, A any](t *testing.T, m checker.Model[S, A], cfg checker.SimConfig) *checker.SimResult[S] {
	t.Helper()
	res, err := checker.Simulate(context.Background(), m, cfg)
	require.NoError(t, err)
	require.NotNil(t, res)
	return res
}

func TestSimulationWithTheSameSeedGivesTheSameResult(t *testing.T) {
	m := huge().with(
		checker.Always("not (3,4)", func(c cell) bool { return c != cell{3, 4} }),
		checker.Always("anywhere", func(cell) bool { return true }),
	)
	first := simulate(t, m, checker.SimConfig{Seed: 42, Walks: 200, Depth: 30, Workers: 1})
	for _, workers := range []int{1, 2, 4, 8} {
		again := simulate(t, m, checker.SimConfig{Seed: 42, Walks: 200, Depth: 30, Workers: workers})
		assert.Equal(t, first, again, "workers %d", workers)
	}
	assert.Equal(t, 200, first.Walks)
	// Every walk on the huge grid runs its full depth unless it hits (3,4) first.
	assert.LessOrEqual(t, first.Steps, uint64(200*30))
	assert.Greater(t, first.Steps, uint64(30))
}

func TestSimulationFindsAShallowViolationThatReplays(t *testing.T) {
	m := huge().with(checker.Always("x+y<3", func(c cell) bool { return c.X+c.Y < 3 }))
	res := simulate(t, m, checker.SimConfig{Seed: 1, Walks: 10, Depth: 20})
	require.Len(t, res.Verdicts, 1)
	v := res.Verdicts[0]
	assert.Equal(t, "x+y<3", v.Name)
	assert.Equal(t, checker.KindAlways, v.Kind)
	require.Equal(t, checker.Violated, v.Status)
	require.NoError(t, replay(m, v.Trace))
	last := v.Trace.States[len(v.Trace.States)-1]
	assert.Equal(t, 3, last.X+last.Y, "every step adds one, so the walk stops at the first violation")
}

func TestSimulationFindsADeadlock(t *testing.T) {
	m := ends.model(checker.NoDeadlock[string]("nd"))
	res := simulate(t, m, checker.SimConfig{Seed: 7, Walks: 40, Depth: 5})
	require.Len(t, res.Verdicts, 1)
	require.Equal(t, checker.Violated, res.Verdicts[0].Status)
	require.NoError(t, replay(m, res.Verdicts[0].Trace))
	assert.Equal(t, []string{"start", "stuck"}, res.Verdicts[0].Trace.States)
}

func TestSimulationNeverProvesAProperty(t *testing.T) {
	m := counter(5, true).with(
		checker.Always("small", func(s int) bool { return s <= 5 }),
		checker.Sometimes("3", func(s int) bool { return s == 3 }),
		checker.Eventually("3", func(s int) bool { return s == 3 }),
		checker.NoDeadlock[int]("nd"),
	)
	res := simulate(t, m, checker.SimConfig{Seed: 3, Walks: 10, Depth: 20})
	require.Len(t, res.Verdicts, 4)
	for _, v := range res.Verdicts {
		assert.Equal(t, checker.Unknown, v.Status, "%s %s", v.Kind, v.Name)
		assert.Nil(t, v.Trace)
	}
	// One action is enabled everywhere and nothing is violated: every walk runs its depth.
	assert.Equal(t, uint64(10*20), res.Steps)
}

func TestSimulationRejectsAnEmptyPlan(t *testing.T) {
	for _, cfg := range []checker.SimConfig{{Walks: 0, Depth: 5}, {Walks: 5, Depth: 0}, {Walks: 5, Depth: 5, Workers: -1}} {
		_, err := checker.Simulate(context.Background(), counter(3, true), cfg)
		assert.Error(t, err, "%+v", cfg)
	}
}

func TestSimulationStopsAtItsTimeoutAndSaysWhatItDid(t *testing.T) {
	m := huge().with(checker.Always("anywhere", func(cell) bool { return true }))
	var last checker.SimProgress
	res := simulate(t, m, checker.SimConfig{Seed: 1, Walks: 1 << 30, Depth: 50, Workers: 2,
		Timeout: 100 * time.Millisecond, ProgressEvery: 10 * time.Millisecond,
		Progress: func(p checker.SimProgress) { last = p }})
	assert.ErrorIs(t, res.Stop, checker.ErrTimeout)
	assert.Positive(t, res.Walks)
	assert.Less(t, res.Walks, 1<<30)
	assert.Equal(t, res.Walks, last.Walks, "the last progress report is the final count")
	assert.Equal(t, 1<<30, last.Of)
	assert.Equal(t, checker.Unknown, res.Verdicts[0].Status)
}

func TestSimulationStopsWhenItsContextIsCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := checker.Simulate(ctx, counter(3, true), checker.SimConfig{Walks: 10, Depth: 5})
	require.NoError(t, err)
	assert.ErrorIs(t, res.Stop, checker.ErrCanceled)
	assert.Zero(t, res.Walks)
}
