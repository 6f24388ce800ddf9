package checker_test

// Bounds, cancellation, invalid configurations and progress reports.

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpverify/tcpverify/checker"
)

// huge is a grid of 10¹² states: no test finishes it.
func huge() *toy[cell] { return grid(1_000_000) }

func TestStateLimitKeepsExactlyThatManyStatesWhateverTheWorkers(t *testing.T) {
	var first *checker.Result[cell]
	for _, cfg := range configs(checker.Config{MaxStates: 5000}) {
		res, err := mustRun(huge(), cfg)
		require.NoError(t, err)
		assert.False(t, res.Complete)
		assert.ErrorIs(t, res.Stop, checker.ErrStateLimit)
		// Level d of the grid has d+1 states: levels 0..98 hold 4950, and 50 more are on 99.
		assert.Equal(t, uint64(5000), res.States)
		assert.Equal(t, 99, res.MaxDepth)
		if first == nil {
			first = res
			continue
		}
		assert.Empty(t, sameOutcome(first, res), "workers %d, %v", cfg.Workers, cfg.Visited)
	}
}

func TestDepthLimitStopsBelowTheGivenDepth(t *testing.T) {
	tests := []struct {
		name     string
		m        checker.Model[int, string]
		maxDepth int
		states   uint64
		depth    int
		complete bool
	}{
		{"longer counter", counter(100, false), 10, 11, 10, false},
		{"counter ending at the limit", counter(10, false), 10, 11, 10, true},
		{"counter wrapping at the limit", counter(10, true), 10, 11, 10, true},
		{"limit beyond the space", counter(10, false), 11, 11, 10, true},
		{"infinite counter", unbounded(), 1000, 1001, 1000, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := mustRun(tt.m, checker.Config{MaxDepth: tt.maxDepth})
			require.NoError(t, err)
			assert.Equal(t, tt.states, res.States)
			assert.Equal(t, tt.depth, res.MaxDepth)
			assert.Equal(t, tt.complete, res.Complete, "stop: %v", res.Stop)
			if !tt.complete {
				assert.ErrorIs(t, res.Stop, checker.ErrDepthLimit)
			}
		})
	}
	t.Run("grid", func(t *testing.T) {
		var first *checker.Result[cell]
		for _, cfg := range configs(checker.Config{MaxDepth: 5}) {
			res, err := mustRun(huge(), cfg)
			require.NoError(t, err)
			assert.Equal(t, uint64(21), res.States) // 1+2+...+6
			assert.Equal(t, 5, res.MaxDepth)
			assert.ErrorIs(t, res.Stop, checker.ErrDepthLimit)
			if first == nil {
				first = res
				continue
			}
			assert.Empty(t, sameOutcome(first, res), "workers %d, %v", cfg.Workers, cfg.Visited)
		}
	})
}

func TestMemoryLimitStopsABigSearch(t *testing.T) {
	// The timeout is a safety net: if the memory bound never fires, the test fails on the
	// stop reason instead of running for ever.
	res, err := mustRun(huge(), checker.Config{MaxMemory: 1, Timeout: 30 * time.Second})
	require.NoError(t, err)
	assert.False(t, res.Complete)
	assert.ErrorIs(t, res.Stop, checker.ErrMemoryLimit)
}

func TestTimeoutStopsAnInfiniteSearch(t *testing.T) {
	start := time.Now()
	res, err := mustRun(unbounded(), checker.Config{Timeout: 100 * time.Millisecond})
	require.NoError(t, err)
	assert.False(t, res.Complete)
	assert.ErrorIs(t, res.Stop, checker.ErrTimeout)
	assert.Less(t, time.Since(start), 20*time.Second, "the search outlived its timeout by far")
	assert.NotZero(t, res.States)
}

func TestCanceledContextStopsTheSearch(t *testing.T) {
	t.Run("before it starts", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		res, err := checker.Run(ctx, unbounded(), checker.Config{})
		require.NoError(t, err)
		require.NotNil(t, res)
		assert.False(t, res.Complete)
		assert.ErrorIs(t, res.Stop, checker.ErrCanceled)
	})
	t.Run("while it runs", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		defer cancel()
		res, err := checker.Run(ctx, huge(), checker.Config{Timeout: 30 * time.Second})
		require.NoError(t, err)
		require.NotNil(t, res)
		assert.False(t, res.Complete)
		assert.ErrorIs(t, res.Stop, checker.ErrCanceled)
	})
}

func TestBoundsKeepTheVerdictsFoundSoFar(t *testing.T) {
	m := unbounded().with(
		checker.Always("below 50", func(s int) bool { return s < 50 }),
		checker.Sometimes("20", func(s int) bool { return s == 20 }),
		checker.Eventually("never", func(int) bool { return false }),
	)
	cases := map[string]checker.Config{
		"timeout": {Timeout: 300 * time.Millisecond},
		"states":  {MaxStates: 100},
		"depth":   {MaxDepth: 100},
	}
	for name, cfg := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := mustRun(m, cfg)
			require.NoError(t, err)
			require.False(t, res.Complete)
			require.GreaterOrEqual(t, res.States, uint64(51), "stopped too early to have found the violation")
			require.Len(t, res.Verdicts, 3)
			assert.Equal(t, checker.Violated, res.Verdicts[0].Status)
			if assert.NotNil(t, res.Verdicts[0].Trace) {
				assert.Len(t, res.Verdicts[0].Trace.Steps, 50)
				assert.NoError(t, replay(m, res.Verdicts[0].Trace))
			}
			assert.Equal(t, checker.Holds, res.Verdicts[1].Status)
			assert.Equal(t, checker.Unknown, res.Verdicts[2].Status)
		})
	}
}

func TestInvalidConfigIsAnError(t *testing.T) {
	tests := []struct {
		name string
		cfg  checker.Config
	}{
		{"negative workers", checker.Config{Workers: -1}},
		{"negative depth", checker.Config{MaxDepth: -1}},
		{"negative timeout", checker.Config{Timeout: -time.Second}},
		{"negative progress period", checker.Config{ProgressEvery: -time.Second}},
		{"unknown visited set", checker.Config{Visited: checker.Visited(7)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := checker.Run(context.Background(), counter(3, true), tt.cfg)
			assert.Error(t, err)
			assert.Nil(t, res)
		})
	}
}

func TestProgressEndsWithTheFinalNumbers(t *testing.T) {
	var mu sync.Mutex
	var calls []checker.Progress
	cfg := checker.Config{
		Workers:       2,
		ProgressEvery: time.Millisecond,
		Progress: func(p checker.Progress) {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, p)
		},
	}
	res, err := mustRun(grid(200), cfg)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, calls)
	last := calls[len(calls)-1]
	assert.Equal(t, res.States, last.States)
	assert.Equal(t, res.Transitions, last.Transitions)
	assert.Equal(t, uint64(201*201), res.States)
	for i := 1; i < len(calls); i++ {
		assert.LessOrEqual(t, calls[i-1].States, calls[i].States, "states went down between reports")
	}
}

func TestProgressIsCalledAtTheEndOfEvenAShortOrStoppedRun(t *testing.T) {
	tests := []struct {
		name string
		m    checker.Model[int, string]
		cfg  checker.Config
	}{
		{"short run, default period", counter(3, true), checker.Config{}},
		{"timed out", unbounded(), checker.Config{Timeout: 50 * time.Millisecond}},
		{"state limit", unbounded(), checker.Config{MaxStates: 77}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var calls []checker.Progress
			tt.cfg.Progress = func(p checker.Progress) {
				mu.Lock()
				defer mu.Unlock()
				calls = append(calls, p)
			}
			res, err := mustRun(tt.m, tt.cfg)
			require.NoError(t, err)
			mu.Lock()
			defer mu.Unlock()
			require.NotEmpty(t, calls)
			last := calls[len(calls)-1]
			assert.Equal(t, res.States, last.States)
			assert.Equal(t, res.Transitions, last.Transitions)
		})
	}
}
