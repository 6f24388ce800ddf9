package fsm

import "slices"

// Sends plays n SEND calls on ep, each of which must transmit the next data unit as one
// segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK><DATA>, and returns the endpoint after them;
// ok is false when one of them does not.
//
// A captured segment of n bytes is n SENDs of the model, and a bulk transfer has millions
// of them, so they are not always stepped one by one: when the row that handles the first
// is the first SEND row of the state, has no guard, stays in the state and does nothing but
// advance SND.NXT (as the RFC table's send/transmit does), every later SEND fires the same
// row, and its effect is applied n times at once. Any other table is stepped unit by unit.
func (m Machine) Sends(ep Endpoint, n uint32) (Endpoint, bool) {
	sp := m.Space
	for u := uint32(0); u < n; u++ {
		out := m.Step(ep, Send())
		want := Segment{Flags: ACK, Seq: ep.SndNxt, Ack: ep.RcvNxt, Len: 1}
		if !out.OK || out.Emit.Len() != 1 || out.Emit.At(0) != want {
			return ep, false
		}
		next := ep
		next.SndNxt = sp.Add(ep.SndNxt, 1)
		if u == 0 && out.Next == next && m.uniformSend(ep.State, out.Fired) {
			next.SndNxt = sp.Add(ep.SndNxt, n)
			return next, true
		}
		ep = out.Next
	}
	return ep, true
}

// uniformSend reports whether fired, the rows a SEND fired in state s, is a single row that
// fires for every SEND in s and does nothing but advance SND.NXT and send a data unit.
func (m Machine) uniformSend(s State, fired Fired) bool {
	if fired.Len() != 1 {
		return false
	}
	for i, r := range m.Rules {
		if r.On != EvSend || !r.From.Has(s) {
			continue
		}
		// The first SEND row of s decides every SEND in s when it has no guard.
		return i == fired.At(0) && len(r.Guard.Terms) == 0 && r.To == Stay &&
			r.Emit == EmitData && slices.Equal(r.Do, []Effect{EffectSendNext})
	}
	return false
}
