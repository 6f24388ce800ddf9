package trace

import "github.com/tcpverify/tcpverify/fsm"

// sends plays n SENDs from ep, each of which must send the next data unit,
// <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK><DATA>, and returns the endpoint after them.
//
// A captured segment of n bytes is n SENDs of the model, and a bulk transfer has millions
// of them, so the SENDs after the first are not always stepped one by one: when the row
// that handled the first is the only one the table offers for SEND in that state, has no
// guard, stays in its state and only advances SND.NXT (as the RFC table's send/transmit
// does), every later SEND in the run fires the same row, and its effect is applied
// directly. Any other table is stepped unit by unit.
func (c *checker) sends(ep fsm.Endpoint, n uint32) (fsm.Endpoint, bool) {
	sp := c.m.Space
	for u := uint32(0); u < n; u++ {
		out := c.m.Step(ep, fsm.Send())
		want := fsm.Segment{Flags: fsm.ACK, Seq: ep.SndNxt, Ack: ep.RcvNxt, Len: 1}
		if !out.OK || len(out.Emit) != 1 || out.Emit[0] != want {
			return ep, false
		}
		next := ep
		next.SndNxt = sp.Add(ep.SndNxt, 1)
		if u == 0 && out.Next == next && c.uniformSend(ep.State, out.Fired) {
			next.SndNxt = sp.Add(ep.SndNxt, n)
			return next, true
		}
		ep = out.Next
	}
	return ep, true
}

// uniformSend reports whether fired, the rows a SEND fired in state s, is a single row that
// fires for every SEND in s and does nothing but advance SND.NXT and send a data unit.
func (c *checker) uniformSend(s fsm.State, fired []string) bool {
	if len(fired) != 1 {
		return false
	}
	for _, r := range c.m.Rules {
		if r.On != fsm.EvSend || !r.From.Has(s) {
			continue
		}
		// The first SEND row of s decides every SEND in s when it has no guard.
		return r.Name == fired[0] && r.Guard.Fn == nil && r.To == fsm.Stay &&
			r.Emit == fsm.EmitData && len(r.Do) == 1 && r.Do[0].Name == "snd.nxt+=1"
	}
	return false
}
