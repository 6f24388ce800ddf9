package properties_test

import (
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"

	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/checker"
)

// smallConfig is the basic client/server system with no faults and one incarnation.
func smallConfig() fsm.Config {
	c := fsm.DefaultConfig()
	c.Faults = fsm.Faults{}
	c.Incarnations = 1
	return c
}

func TestCheckerExploresTheFaultFreeClientServerSystemCompletely(t *testing.T) {
	sys, err := fsm.NewSystem(smallConfig(), fsm.RFC)
	require.NoError(t, err)
	var counts []uint64
	for _, workers := range []int{1, 2} {
		res, err := checker.Run(context.Background(), properties.BindChecker(sys, properties.Sanity(sys)...), checker.Config{Workers: workers})
		require.NoError(t, err)
		require.True(t, res.Complete, "search stopped: %v", res.Stop)
		for _, v := range res.Verdicts {
			assert.Equal(t, checker.Holds, v.Status, "property %q", v.Name)
		}
		counts = append(counts, res.States)
	}
	assert.Equal(t, counts[0], counts[1], "state count depends on the number of workers")
	want, _, _ := explore(t, sys, 0, nil)
	assert.Equal(t, uint64(want), counts[0], "checker and the test's own search disagree")
}

func TestCheckerFindsTheDeadlockOfTheNoRetransmissionVariant(t *testing.T) {
	cfg := smallConfig()
	cfg.Faults.Loss = 1
	sys, err := fsm.NewSystem(cfg, "no-retransmission")
	require.NoError(t, err)
	res, err := checker.Run(context.Background(), properties.BindChecker(sys, properties.Sanity(sys)...), checker.Config{})
	require.NoError(t, err)
	require.True(t, res.Complete)
	require.Equal(t, checker.KindDeadlock, res.Verdicts[0].Kind)
	assert.Equal(t, checker.Violated, res.Verdicts[0].Status)
	assert.Equal(t, checker.Holds, res.Verdicts[1].Status, "tcb invariants")
}

func TestTheDefaultConfigIsModestAndKeepsEveryClaim(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("explores the whole default configuration")
	}
	sys, err := fsm.NewSystem(fsm.DefaultConfig(), fsm.RFC)
	require.NoError(t, err)
	model := properties.BindChecker(sys, append(properties.Sanity(sys), claimProperties()...)...)
	res, err := checker.Run(context.Background(), model, checker.Config{})
	require.NoError(t, err)
	require.True(t, res.Complete)
	for _, v := range res.Verdicts {
		assert.Equal(t, checker.Holds, v.Status, "property %q", v.Name)
	}
	t.Logf("default config: %d states, %d transitions, depth %d, %v", res.States,
		res.Transitions, res.MaxDepth, res.Elapsed)
	// Modest: seconds on one core. The ghost data of the thesis and loss-recovery
	// properties took the default from 775,283 states to 2,023,518; issue 14's ghost
	// slicing would keep only what the checked properties read. The delayed ACK of a FIN
	// (Endpoint.AckPending) and the close's count took it to 2,892,631.
	assert.Less(t, res.States, uint64(3_500_000))
}
