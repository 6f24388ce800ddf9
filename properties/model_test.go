package properties_test

import (
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
