package properties_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

func names(props []checker.Property[fsm.SysState]) []string {
	var out []string
	for _, p := range props {
		out = append(out, p.Name)
	}
	return out
}

func TestAModelChecksExactlyThePropertiesItWasBoundWithInOrder(t *testing.T) {
	sys, err := fsm.NewSystem(fsm.DefaultConfig(), fsm.RFC)
	require.NoError(t, err)
	m := properties.Bind(sys, []properties.Property{properties.CleanTimeWait, properties.NoDeadlock})
	assert.Equal(t, []string{"clean-time-wait", "no-deadlock"}, names(m.Properties()))
	assert.Equal(t, checker.KindDeadlock, m.Properties()[1].Kind)
	assert.Empty(t, properties.Bind(sys, nil).Properties())

	sanity := properties.Sanity(sys)
	assert.Equal(t, []string{"no deadlock", "tcb invariants"}, names(sanity))
	mine := checker.Always("mine", func(fsm.SysState) bool { return true })
	raw := append(sanity[:1:1], mine)
	bound := properties.BindChecker(sys, raw...)
	raw[1] = sanity[1]
	assert.Equal(t, []string{"no deadlock", "mine"}, names(bound.Properties()), "BindChecker keeps its own copy")
}

func TestTheTCBInvariantsPropertyRejectsABrokenTCB(t *testing.T) {
	sys, err := fsm.NewSystem(fsm.DefaultConfig(), fsm.RFC)
	require.NoError(t, err)
	inv := properties.Sanity(sys)[1]
	s := sys.Init()[0]
	require.True(t, inv.Holds(s))
	s.Ep[fsm.A].State = fsm.StateEstablished
	s.Ep[fsm.A].SndUna = 3
	s.Ep[fsm.A].SndNxt = 1 // SND.UNA beyond SND.NXT
	assert.False(t, inv.Holds(s))
}

// A bound system keeps only the ghost data its properties read (fsm.System.Tracks), and
// each property declares what it reads: alone, on a system that keeps only that, it gets
// the verdict it gets on a system that keeps everything, with the same trace length.
func TestEachPropertyDeclaresTheGhostDataItReads(t *testing.T) {
	cfg := fsm.DefaultConfig()
	cfg.Faults = fsm.Faults{Loss: 1} // a loss for the recovery properties, little else
	shapes := []fsm.Shape{fsm.ClientServer, fsm.BothActive}
	if raceEnabled {
		// A search per property and shape: .ci/run runs this test without -race, and
		// the race detector sees the same engine code in the smaller tests of this package.
		t.Skip("too slow under the race detector; .ci/run runs it without -race")
	}
	cfg.SeqBits = cfg.MinSeqBits()
	for _, shape := range shapes {
		cfg.Shape = shape
		sys, err := fsm.NewSystem(cfg, fsm.RFC)
		require.NoError(t, err)
		assert.Equal(t, fsm.AllGhost, sys.Tracks, "NewSystem keeps every part")
		var props []properties.Property
		for _, p := range properties.All() {
			if p.Contradicts(cfg) == nil {
				props = append(props, p)
			}
		}
		// One search keeps everything and judges them all (a verdict and its shortest
		// trace do not depend on the other properties of a search).
		full := properties.Bind(sys, props)
		full.System.Tracks = fsm.AllGhost
		b, err := checker.Run(context.Background(), full, checker.Config{Workers: 2})
		require.NoError(t, err)
		require.True(t, b.Complete)
		for i, p := range props {
			sliced := properties.Bind(sys, []properties.Property{p})
			assert.Equal(t, p.Reads, sliced.System.Tracks, p.Name)
			a, err := checker.Run(context.Background(), sliced, checker.Config{Workers: 2})
			require.NoError(t, err)
			what := p.Name + " " + shape.String()
			assert.Equal(t, b.Verdicts[i].Status, a.Verdicts[0].Status, what)
			if b.Verdicts[i].Trace != nil && a.Verdicts[0].Trace != nil {
				assert.Equal(t, len(b.Verdicts[i].Trace.Steps), len(a.Verdicts[0].Trace.Steps), what)
			}
			assert.LessOrEqual(t, a.States, b.States, what)
		}
	}
	m := properties.Bind(sys0(t), []properties.Property{properties.CloseNotReset, properties.OpenTakesThree})
	assert.Equal(t, fsm.GhostClose|fsm.GhostOpen, m.System.Tracks)
}

func sys0(t *testing.T) fsm.System {
	sys, err := fsm.NewSystem(fsm.DefaultConfig(), fsm.RFC)
	require.NoError(t, err)
	return sys
}
