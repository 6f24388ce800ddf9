package fsm

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// stepSends is Sends without the shortcut: n SENDs stepped one by one.
func stepSends(m Machine, ep Endpoint, n uint32) (Endpoint, bool) {
	for range n {
		out := m.Step(ep, Send())
		want := Segment{Flags: ACK, Seq: ep.SndNxt, Ack: ep.RcvNxt, Len: 1}
		if !out.OK || out.Emit.Len() != 1 || out.Emit.At(0) != want {
			return ep, false
		}
		ep = out.Next
	}
	return ep, true
}

func TestSendsOfABulkTransferEqualTheSENDsSteppedOneByOne(t *testing.T) {
	m, err := NewMachine(RFC, 32, 1<<16)
	require.NoError(t, err)
	// A table whose SEND row has a guard must not take the shortcut.
	guarded := m
	guarded.Rules = slices.Clone(m.Rules)
	i := indexOf(guarded.Rules, RuleSendTransmit)
	guarded.Rules[i].Guard = not(is(CondFinUnacked))
	rapid.Check(t, func(t *rapid.T) {
		ep := Endpoint{State: StateEstablished, ISS: Seq(rapid.Uint32().Draw(t, "iss"))}
		ep.SndUna = ep.ISS + 1
		ep.SndNxt = ep.SndUna
		ep.IRS, ep.RcvNxt = 7, 8
		if rapid.Bool().Draw(t, "close-wait") {
			ep.State = StateCloseWait
		}
		n := rapid.Uint32Range(0, 5000).Draw(t, "n")
		for _, mm := range []Machine{m, guarded} {
			want, wantOK := stepSends(mm, ep, n)
			got, ok := mm.Sends(ep, n)
			assert.Equal(t, wantOK, ok)
			assert.Equal(t, want, got)
		}
	})
	// Where SEND is refused, so is a bulk send.
	_, ok := m.Sends(Endpoint{State: StateFinWait1}, 3)
	assert.False(t, ok)
	assert.True(t, m.uniformSend(StateEstablished, Fired{n: 1, idx: [numPhases]uint8{uint8(i)}}))
	assert.False(t, guarded.uniformSend(StateEstablished, Fired{n: 1, idx: [numPhases]uint8{uint8(i)}}))
}
