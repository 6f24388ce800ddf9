package trace

import (
	"fmt"
	"slices"

	"github.com/tcpverify/tcpverify/fsm"
)

// local is the sender's side of a configuration during the hidden steps before one
// observed segment.
type local struct {
	ep    fsm.Endpoint
	next  int32
	hops  []Step
	notes []string
	extra int // hidden steps other than deliveries so far
	cost  int
}

type localKey struct {
	ep   fsm.Endpoint
	next int32
}

// success is a way for the sender to have just sent the observed segment.
type success struct {
	ep    fsm.Endpoint
	next  int32
	hops  []Step
	notes []string
	cost  int
}

// Costs rank runs: the run reported is the cheapest, so that a capture is explained by
// the fewest assumptions. Deliveries are free (every segment arrives sooner or later).
const (
	// costLazy is charged per segment the sender has not yet received when it sends: on
	// loopback a segment arrives the moment it is captured, so a run that processes
	// arrivals early is the likelier one (it decides, for example, that a server closing
	// after the handshake ACK was captured closes from ESTABLISHED, not SYN-RECEIVED).
	costLazy   = 1
	costCall   = 4 // a hidden user call or timer
	costUnseen = 4 // a hidden step sent a segment the capture does not show
	costAssume = 4 // a segment accepted through an abstraction workaround
	costLoss   = 8 // a segment lost after the capture point, or data lost before it
)

// explore runs the sender's local search before observed segment i from configuration k:
// breadth-first over hidden steps, trying at every local state each way of sending the
// segment. found gets each success in order of preference; cand, when not nil, every
// segment the sender could have sent instead (for the rejection message).
//
// Of the successes, only those that leave at most MaxLag more of the peer's segments
// unreceived than the most eager one are kept. Every choice of how many arrivals to
// process before sending is a run of the model, but keeping them all makes the layers grow
// with the number of segments in flight (a bulk transfer has hundreds); on loopback a
// segment is processed as soon as it is captured, so the eager runs are the real ones, and
// MaxLag leaves room for segments that cross.
func (c *checker) explore(k nodeKey, i int, found func(success), cand func(fsm.Segment)) {
	side := c.obs[i].from
	queue := []local{{ep: k.ep[side], next: k.next[side]}}
	visited := map[localKey]bool{{k.ep[side], k.next[side]}: true}
	var wins []success
	least := -1
	keep := func(s success) {
		if p := c.pending(side, s.next, i); least < 0 || p < least {
			least = p
		}
		wins = append(wins, s)
	}
	for q := 0; q < len(queue) && q < maxLocal; q++ {
		l := queue[q]
		c.emitters(side, l, i, keep, cand)
		for _, h := range c.hidden(side, l, i) {
			key := localKey{h.ep, h.next}
			if !visited[key] {
				visited[key] = true
				queue = append(queue, h)
			}
		}
	}
	for _, s := range wins {
		if c.pending(side, s.next, i) <= least+MaxLag {
			found(s)
		}
	}
}

// then returns l extended by one step (and a note), sharing nothing with l.
func (l local) then(ep fsm.Endpoint, next int32, s Step, note string, extra, cost int) local {
	out := local{ep: ep, next: next, hops: append(slices.Clip(l.hops), s),
		notes: slices.Clip(l.notes), extra: l.extra + extra, cost: l.cost + cost}
	if note != "" {
		out.notes = append(out.notes, note)
	}
	return out
}

func (l local) done() success {
	return success{ep: l.ep, next: l.next, hops: l.hops, notes: l.notes, cost: l.cost}
}

// emitters tries every way the sender in l can send observed segment i as its next step.
func (c *checker) emitters(side int, l local, i int, found func(success), cand func(fsm.Segment)) {
	o := c.obs[i]
	who := sideNames[side]
	offer := func(emits []fsm.Segment) {
		if cand != nil {
			for _, e := range emits {
				cand(e)
			}
		}
	}
	sends := func(ep fsm.Endpoint, next int32, event string, states Path, note string) {
		s := Step{Frame: o.frame, Side: who, Event: event, Sends: o.text, States: states}
		cost := costLazy * c.pending(side, next, i)
		if note != "" {
			note = fmt.Sprintf("frame %d: %s", o.frame, note)
			cost = costAssume
		}
		found(l.then(ep, next, s, note, 0, cost).done())
	}

	// The arrival of the next segment from the peer answered by this one.
	if j := c.head(side, l.next, i); j >= 0 {
		out, states := c.step(l.ep, c.arrive(side, j))
		offer(out.Emit.Segments())
		if ok, note := match(out.Emit.Segments(), o.seg); ok {
			sends(out.Next, int32(j+1), fmt.Sprintf("deliver frame %d", c.obs[j].frame), states, note)
		}
	}

	// A user call, the retransmission timer, or the delayed-ACK timer (a held ACK of a FIN).
	for _, ev := range c.calls(side, i, fsm.Close(), fsm.Abort(), fsm.Timeout(fsm.EvRetransmit), fsm.Timeout(fsm.EvDelayedAck)) {
		out, states := c.step(l.ep, ev)
		if !out.OK {
			continue
		}
		offer(out.Emit.Segments())
		if ok, note := match(out.Emit.Segments(), o.seg); ok {
			sends(out.Next, l.next, ev.Kind.String(), states, note)
			continue
		}
		if ev.Kind == fsm.EvRetransmit && out.Emit.Len() == 1 && c.rtxCovers(l.ep, out.Emit.At(0), o.seg) {
			sends(out.Next, l.next, "retransmit", states,
				"a retransmission of more than the model's one unit, accepted as its timer's")
		}
	}

	// New data: one SEND per unit, coalesced, then CLOSE if the segment carries FIN.
	if ep, states, ok := c.sendRun(l.ep, o.seg, offer); ok {
		event := fmt.Sprintf("send %d units", o.seg.Len)
		if o.seg.Flags.Has(fsm.FIN) {
			event += ", close"
		}
		sends(ep, l.next, event, states, "")
	}

	// A pure ACK that no arrival prompts: a delayed ACK or a window update.
	if l.ep.State.Synchronized() {
		ack := fsm.Segment{Flags: fsm.ACK, Seq: l.ep.SndNxt, Ack: l.ep.RcvNxt}
		offer([]fsm.Segment{ack})
		if o.seg == ack {
			sends(l.ep, l.next, "ack", nil,
				"a pure ACK no arrival prompts in the model (a delayed ACK or window update), accepted")
		}
	}
}

// calls lists the user calls and timers to try before segment i, an active OPEN (with
// the ISS the side was seen to use) first. OPEN is offered only before the side's first
// captured segment: a later OPEN would choose a new ISS (RFC 9293 §3.4.1), and imposing
// the old one would let a re-OPEN pass for a retransmitted SYN.
func (c *checker) calls(side, i int, evs ...fsm.Event) []fsm.Event {
	for j := c.start[c.obs[i].inc]; j < i; j++ {
		if c.obs[j].from == side {
			return evs
		}
	}
	open := fsm.Event{Kind: fsm.EvOpen, SetISS: true, ISS: c.isn(side, i)}
	return append([]fsm.Event{open}, evs...)
}

// pending counts the segments sent to side, from index next up to i, it has not received.
func (c *checker) pending(side int, next int32, i int) int {
	n := 0
	for j := int(next); j < i; j++ {
		if c.obs[j].from != side {
			n++
		}
	}
	return n
}

// match reports whether the model's emissions include o. A RST the model sends bare
// (ABORT's <SEQ=SND.NXT><CTL=RST>, RFC 9293 §3.10.5) may be seen with ACK too: Linux sets
// ACK on the resets it sends from a synchronized state. The peer is then given the segment
// as captured, ACK included; only in SYN-SENT does a RST's ACK field matter (§3.10.7.3).
func match(emits []fsm.Segment, o fsm.Segment) (bool, string) {
	for _, e := range emits {
		if e == o {
			return true, ""
		}
	}
	for _, e := range emits {
		if e.Flags == fsm.RST && o.Flags == fsm.RST|fsm.ACK && e.Seq == o.Seq && o.Len == 0 {
			return true, "the RST also carries ACK; the model's reset does not"
		}
	}
	return false, ""
}

// rtxCovers reports whether o can stand for the model's one-unit data retransmission e:
// it starts at the same number with the same ACK, carries data (and perhaps the FIN) and
// everything it covers was sent before.
func (c *checker) rtxCovers(ep fsm.Endpoint, e, o fsm.Segment) bool {
	sp := c.m.Space
	if e.Len != 1 || e.Flags != fsm.ACK || o.Flags&^fsm.FIN != fsm.ACK || o.Len == 0 ||
		o.Seq != e.Seq || o.Ack != e.Ack {
		return false
	}
	end := sp.Add(o.Seq, o.SegLen())
	if o.Flags.Has(fsm.FIN) {
		return ep.State.FinSent() && end == ep.SndNxt
	}
	return sp.Leq(end, ep.SndNxt)
}

// sendRun plays the SENDs (and the CLOSE) that make the new-data segment o, checking each
// one-unit segment the model sends against o.
func (c *checker) sendRun(ep fsm.Endpoint, o fsm.Segment, offer func([]fsm.Segment)) (fsm.Endpoint, Path, bool) {
	// What one SEND would send is a candidate for the rejection message, whatever o is.
	if out := c.m.Step(ep, fsm.Send()); out.OK {
		offer(out.Emit.Segments())
	}
	if o.Len == 0 || o.Flags&^fsm.FIN != fsm.ACK || ep.SndNxt != o.Seq || ep.RcvNxt != o.Ack {
		return ep, nil, false
	}
	sp := c.m.Space
	ep, ok := c.m.Sends(ep, o.Len)
	if !ok {
		return ep, nil, false
	}
	if !o.Flags.Has(fsm.FIN) {
		return ep, nil, true
	}
	out, states := c.step(ep, fsm.Close())
	want := fsm.Segment{Flags: fsm.FIN | fsm.ACK, Seq: sp.Add(o.Seq, o.Len), Ack: o.Ack}
	if !out.OK || !slices.Contains(out.Emit.Segments(), want) {
		return ep, nil, false
	}
	return out.Next, states, true
}

// hidden lists the local states one hidden step of the sender leads to, in order of
// preference: receive the next segment, lose it, send uncaptured data, a user call, a
// timer.
func (c *checker) hidden(side int, l local, i int) []local {
	var out []local
	who := sideNames[side]
	o := c.obs[i]
	j := c.head(side, l.next, i)
	if j >= 0 {
		res, states := c.step(l.ep, c.arrive(side, j))
		f := c.obs[j].frame
		out = append(out, l.then(res.Next, int32(j+1),
			Step{Frame: f, Side: who, Event: fmt.Sprintf("deliver frame %d", f), States: states}, "", 0, 0))
	}
	if l.extra >= MaxExtra {
		return out
	}
	// A pure ACK is never lost here: ACKs are cumulative, and leaving it unreceived for a
	// while (which costs nothing) does all that losing it could, while losses of ACKs
	// that change nothing would multiply the configurations of a bulk transfer.
	if j >= 0 && !pureACK(c.obs[j].seg) {
		f := c.obs[j].frame
		out = append(out, l.then(l.ep, int32(j+1),
			Step{Frame: f, Side: who, Event: fmt.Sprintf("loses frame %d", f)},
			fmt.Sprintf("frame %d never reached the %s: lost after the capture point", f, who), 1, costLoss))
	}
	if ep, n, ok := c.gap(l.ep, o.seg); ok {
		out = append(out, l.then(ep, l.next,
			Step{Side: who, Event: fmt.Sprintf("send %d units (not captured)", n)},
			fmt.Sprintf("%d units the %s sent before frame %d are not in the capture: lost before the capture point",
				n, who, o.frame), 1, costLoss))
	}
	for _, ev := range c.calls(side, i, fsm.Listen(), fsm.Close(), fsm.Abort(),
		fsm.Timeout(fsm.EvTimeWait), fsm.Timeout(fsm.EvUserTimeout)) {
		res, states := c.step(l.ep, ev)
		if !res.OK {
			continue
		}
		note, cost := "", costCall
		if res.Emit.Len() > 0 {
			cost += costUnseen
			note = fmt.Sprintf("the %s's %s before frame %d sent %s, not in the capture: lost before the capture point",
				who, ev.Kind, o.frame, c.relText(res.Emit.At(0), side, i))
		}
		out = append(out, l.then(res.Next, l.next, Step{Side: who, Event: ev.Kind.String(), States: states}, note, 1, cost))
	}
	return out
}

// pureACK reports whether s carries nothing but an acknowledgment.
func pureACK(s fsm.Segment) bool { return s.Flags == fsm.ACK && s.Len == 0 }

// gap plays the SENDs of data the sender must have sent before o without it being
// captured: o starts past SND.NXT.
func (c *checker) gap(ep fsm.Endpoint, o fsm.Segment) (fsm.Endpoint, uint32, bool) {
	sp := c.m.Space
	if o.Flags.Has(fsm.SYN) || o.Flags.Has(fsm.RST) || !ep.State.Synchronized() {
		return ep, 0, false
	}
	n := sp.Dist(ep.SndNxt, o.Seq)
	if n == 0 || n > maxGap {
		return ep, 0, false
	}
	ep, ok := c.m.Sends(ep, n)
	return ep, n, ok
}

// relText prints a segment sent by side in relative numbers, as the capture package does,
// relative to the ISNs of the incarnation of observed segment i.
func (c *checker) relText(s fsm.Segment, side, i int) string {
	text := fmt.Sprintf("<SEQ=%d>", uint32(s.Seq-c.isn(side, i)))
	if s.Flags.Has(fsm.ACK) {
		text += fmt.Sprintf("<ACK=%d>", uint32(s.Ack-c.isn(1-side, i)))
	}
	if s.Flags != 0 {
		text += fmt.Sprintf("<CTL=%s>", s.Flags)
	}
	return text + fmt.Sprintf(" len=%d", s.Len)
}
