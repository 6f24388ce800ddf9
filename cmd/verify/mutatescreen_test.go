package main

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// The screen decides, in one search, what a search per mutant of the variant's space
// decides: whether the mutant has other successors in some reachable state. Every mutant
// of the RFC table at tinyConfig, with crashes so that more rows are read.
func TestTheScreenFindsExactlyTheMutantsASearchOfTheirOwnFindsDifferent(t *testing.T) {
	if raceEnabled {
		// 347 searches: a minute under the race detector, two seconds without; .ci/run
		// runs it without -race, and the race detector sees the screen in the mutate tests.
		t.Skip("too slow under the race detector; .ci/run runs it without -race")
	}
	cfg := tinyConfig()
	cfg.Faults.Crash = 1
	rfc, err := fsm.LookupVariant(fsm.RFC)
	require.NoError(t, err)
	sys, err := fsm.NewSystemOf(cfg, rfc)
	require.NoError(t, err)
	mutants, err := fsm.Mutants(rfc)
	require.NoError(t, err)
	sc := newScreen(&sys, cfg, rfc, mutants)
	var mu sync.Mutex
	var read fsm.Consulted // what any state reads
	readRows := checker.Always("rows read", func(s fsm.SysState) bool {
		var c fsm.Consulted
		sys.Consult(s, &c, nil)
		mu.Lock()
		read.Union(&c)
		mu.Unlock()
		return true
	})
	res, err := checker.Run(context.Background(), properties.BindChecker(sys, sc.property(), readRows), checker.Config{Workers: 2})
	require.NoError(t, err)
	require.True(t, res.Complete)

	var differ, same, readButSame int
	for i, m := range mutants {
		mut, err := fsm.NewSystemOf(cfg, m.Of(rfc))
		require.NoError(t, err)
		own, err := checker.Run(context.Background(), properties.BindChecker(sys, sameAs(&sys, &mut)),
			checker.Config{Workers: 1, StopWhenDecided: true})
		require.NoError(t, err)
		want := own.Verdicts[0].Status == checker.Violated
		require.Equal(t, want, sc.differs[i].Load(), "%s: screen and own search disagree", m.Name)
		if want {
			differ++
			continue
		}
		same++
		if sc.sense[i].MayDiffer(&read) {
			readButSame++
		}
	}
	assert.Positive(t, differ)
	assert.Positive(t, same)
	assert.Positive(t, readButSame, "an equal mutant whose change some state reads: compared state by state")
}

// BenchmarkScreen measures the screen's cost per state: every mutant of the RFC table
// compared in the first 20,000 states of the default config's search, a fresh screen
// each time (a mutant found different is not compared again). Reported as states/s.
func BenchmarkScreen(b *testing.B) {
	cfg := fsm.DefaultConfig()
	rfc, err := fsm.LookupVariant(fsm.RFC)
	require.NoError(b, err)
	sys, err := fsm.NewSystemOf(cfg, rfc)
	require.NoError(b, err)
	mutants, err := fsm.Mutants(rfc)
	require.NoError(b, err)
	var mu sync.Mutex
	var states []fsm.SysState
	keep := checker.Always("kept", func(s fsm.SysState) bool {
		mu.Lock()
		states = append(states, s)
		mu.Unlock()
		return true
	})
	_, err = checker.Run(context.Background(), properties.BindChecker(sys, keep), checker.Config{Workers: 1, MaxStates: 20000})
	require.NoError(b, err)
	b.ResetTimer()
	for range b.N {
		pred := newScreen(&sys, cfg, rfc, mutants).property().Holds
		for _, s := range states {
			pred(s)
		}
	}
	b.ReportMetric(float64(b.N*len(states))/b.Elapsed().Seconds(), "states/s")
}
