package checker_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpverify/tcpverify/checker"
)

// visitedGrid is grid with a TransitionVisitor counting, per worker, the transitions by
// label and by the sum of the source cell's counters.
type visitedGrid struct {
	*toy[cell]
	workers int
	byLabel []map[string]uint64
	bySum   []map[int]uint64
}

func (g *visitedGrid) StartVisit(workers int) {
	g.workers = workers
	g.byLabel, g.bySum = make([]map[string]uint64, workers), make([]map[int]uint64, workers)
	for i := range workers {
		g.byLabel[i], g.bySum[i] = map[string]uint64{}, map[int]uint64{}
	}
}

func (g *visitedGrid) VisitTransition(worker int, from cell, a string, _ cell) {
	g.byLabel[worker][a]++
	g.bySum[worker][from.X+from.Y]++
}

// totals merges the per-worker counts.
func (g *visitedGrid) totals() (map[string]uint64, map[int]uint64) {
	labels, sums := map[string]uint64{}, map[int]uint64{}
	for w := range g.workers {
		for k, n := range g.byLabel[w] {
			labels[k] += n
		}
		for k, n := range g.bySum[w] {
			sums[k] += n
		}
	}
	return labels, sums
}

func TestVisitorSeesEveryTransitionOnceWhateverTheWorkers(t *testing.T) {
	const k = 300 // 90,601 states: several windows and chunks, so workers really share
	var first map[int]uint64
	for _, workers := range []int{1, 2, 4} {
		g := &visitedGrid{toy: grid(k)}
		res, err := checker.Run(context.Background(), g, checker.Config{Workers: workers})
		require.NoError(t, err)
		require.Equal(t, workers, g.workers, "StartVisit gets the number of workers")
		labels, sums := g.totals()
		assert.Equal(t, map[string]uint64{"x+": k * (k + 1), "y+": k * (k + 1)}, labels, "workers=%d", workers)
		assert.Equal(t, res.Transitions, labels["x+"]+labels["y+"], "workers=%d", workers)
		if first == nil {
			first = sums
			continue
		}
		assert.Equal(t, first, sums, "workers=%d", workers)
	}
}

func TestVisitorStopsWithTheStateBound(t *testing.T) {
	for _, workers := range []int{1, 2} {
		g := &visitedGrid{toy: grid(1000)}
		res, err := checker.Run(context.Background(), g, checker.Config{Workers: workers, MaxStates: 5000})
		require.NoError(t, err)
		require.False(t, res.Complete)
		labels, _ := g.totals()
		assert.Equal(t, res.Transitions, labels["x+"]+labels["y+"], "workers=%d", workers)
	}
}
