package fsm

import (
	"fmt"
	"math/bits"
)

// Machine is the endpoint logic: a rule table (the RFC's or a variant's), a sequence space
// and the fixed window. It has no mutable state; Step is a pure function of its arguments.
type Machine struct {
	// Variant names the table, "rfc9293" for the RFC's.
	Variant string
	// Rules is the table. A machine indexes it once (NewMachine): to run another table,
	// build a new machine or set a fresh slice (an edited copy), never edit the rows of
	// this one in place.
	Rules []Rule
	Space Space
	// Window is RCV.WND and the peer's MAX.SND.WND, in sequence numbers, fixed for the
	// whole run. Abstraction: no window updates, no zero window.
	Window uint32
	// R2 is how many retransmission timeouts of one item an endpoint takes before it
	// gives up (RFC 9293 §3.8.3, RFC 1122 §4.2.3.5); 0 never gives up, as a capture of a
	// real stack needs.
	R2 uint8
	// Stride is how far each host's ISN clock moves between two TCBs (see ISN); 0 is 1.
	Stride [2]uint32
	// Throttle: answers to unacceptable segments go through a rate limiter
	// (EmitThrottledACK).
	Throttle bool
	// index lists, per phase, event and state, the rows that may handle them (see
	// ruleIndex); match scans the whole table when it belongs to other rules.
	index *ruleIndex
	// consult, when not nil, gets every row lookup recorded (System.Consult); only a
	// private copy of a machine has it set, so the shared one stays read-only.
	consult *Consulted
}

// ruleIndex holds the rows of one table by phase, event kind and state, in table order, so
// that finding the row that handles an event looks at a few rows, not all of them. It is
// built once and never changed.
type ruleIndex struct {
	rules []Rule // the table indexed, by identity
	// rows[start[k]:start[k+1]] are the rows of key k = (phase, event, state).
	start [int(numPhases)*int(numEventKinds)*int(numStates) + 1]uint16
	rows  []uint8
	// calls[st] is the set of events that some PhaseCall row handles in state st, whatever
	// its guard: Handled looks no further for the others.
	calls [numStates]EventSet
}

func indexKey(p Phase, ev EventKind, st State) int {
	return (int(p)*int(numEventKinds)+int(ev))*int(numStates) + int(st)
}

func newRuleIndex(rules []Rule) *ruleIndex {
	x := &ruleIndex{rules: rules}
	for k := range len(x.start) - 1 {
		x.start[k] = uint16(len(x.rows))
		st := State(k % int(numStates))
		ev := EventKind(k / int(numStates) % int(numEventKinds))
		p := Phase(k / int(numStates) / int(numEventKinds))
		for i := range rules {
			if r := &rules[i]; r.Phase == p && r.On == ev && r.From.Has(st) {
				x.rows = append(x.rows, uint8(i))
				if p == PhaseCall {
					x.calls[st] |= 1 << ev
				}
			}
		}
	}
	x.start[len(x.start)-1] = uint16(len(x.rows))
	return x
}

// of returns the index when it was built from rules (the same slice), or nil.
func (x *ruleIndex) of(rules []Rule) *ruleIndex {
	if x == nil || len(x.rules) != len(rules) || len(rules) == 0 || &x.rules[0] != &rules[0] {
		return nil
	}
	return x
}

// NewMachine builds the machine of a named variant over a space of 2^bits numbers.
func NewMachine(variant string, bits int, window uint32) (Machine, error) {
	sp, err := NewSpace(bits)
	if err != nil {
		return Machine{}, fmt.Errorf("new machine: %w", err)
	}
	if window == 0 || uint64(window) >= sp.Size()/2 {
		return Machine{}, fmt.Errorf("new machine: window %d must be in 1..%d", window, sp.Size()/2-1)
	}
	rules, err := VariantRules(variant)
	if err != nil {
		return Machine{}, fmt.Errorf("new machine: %w", err)
	}
	if len(rules) > maxRules {
		return Machine{}, fmt.Errorf("new machine: variant %s has %d rules, at most %d", variant, len(rules), maxRules)
	}
	return Machine{Variant: variant, Rules: rules, Space: sp, Window: window, index: newRuleIndex(rules)}, nil
}

// Outcome is the result of one Step.
type Outcome struct {
	// OK is false when no rule handles the event in this state: a user call the RFC
	// answers with an error ("connection already exists"), or a timer that cannot expire.
	// Next is then the unchanged endpoint.
	OK   bool
	Next Endpoint
	// Emit lists the segments sent, in order (at most one for every event the model
	// produces, and the pending ACK).
	Emit Emitted
	// Fired lists the rows that fired, in order.
	Fired Fired
	// Delivered counts data units handed to the user.
	Delivered uint32
	// Report is what the user is told (the last report if several rows report).
	Report Report
}

// Emitted lists the segments one step sends, in order. It is a value, so that a step
// allocates nothing for it.
type Emitted struct {
	n    uint8
	segs [maxEmits]Segment
}

// maxEmits bounds the segments of one step: a row's segment and the ACK a step owes.
const maxEmits = 3

// Len is the number of segments sent.
func (e *Emitted) Len() int { return int(e.n) }

// At is the i-th segment sent.
func (e *Emitted) At(i int) Segment { return e.segs[i] }

// Segments returns the segments sent, as a slice of e's own array.
func (e *Emitted) Segments() []Segment { return e.segs[:e.n] }

func (e *Emitted) add(s Segment) {
	if int(e.n) == maxEmits {
		panic("fsm: a step sent more than maxEmits segments")
	}
	e.segs[e.n] = s
	e.n++
}

// Fired lists the rows that fired in one step, in order, by their index in the machine's
// table (Machine.Rules). At most one row fires per phase. It is a value, so a step
// allocates nothing for it.
type Fired struct {
	n   uint8
	idx [numPhases]uint8
}

// Len is the number of rows that fired.
func (f Fired) Len() int { return int(f.n) }

// At is the table index of the i-th row that fired.
func (f Fired) At(i int) int { return int(f.idx[i]) }

// AppendTo appends the table indices of the rows that fired to dst, in order.
func (f Fired) AppendTo(dst []int) []int {
	for i := range f.Len() {
		dst = append(dst, f.At(i))
	}
	return dst
}

func (f *Fired) add(i int) {
	f.idx[f.n] = uint8(i)
	f.n++
}

// maxRules bounds a machine's table, so that Fired can hold row indices in bytes.
const maxRules = 256

// ctx is the working state of one Step. It is never stored. It points to the event and
// the outcome rather than holding them, so that a step copies neither: the system steps
// an endpoint for every candidate action.
type ctx struct {
	m   *Machine
	ev  *Event   // nil in Handled, which only matches rows
	out *Outcome // what the step returns, filled in place; nil in Handled
	ep  Endpoint
	seg Segment // the arriving segment, trimmed to the window
	// kind is ev.Kind, kept here because every row lookup reads it.
	kind   EventKind
	ackNow bool
	// finNow: the step sends our FIN when it ends (EmitFIN), carrying the pending ACK.
	finNow bool
}

// Step applies ev to ep and returns the outcome. It reads no clock and draws no random
// number: an event that needs an ISS carries the ISN clock reading (or the ISS itself).
func (m Machine) Step(ep Endpoint, ev Event) Outcome {
	var out Outcome
	m.step(&out, &ep, &ev)
	return out
}

// step is Step without copying the machine, the endpoint, the event or the outcome, for
// the system's hot path: it fills *out, which must be the zero Outcome.
func (m *Machine) step(out *Outcome, ep *Endpoint, ev *Event) {
	// Field by field: a composite literal is built aside and copied, and the copy's wide
	// loads stall on the narrow stores that just built it.
	var c ctx
	c.m, c.ev, c.out, c.ep, c.kind, c.seg = m, ev, out, *ep, ev.Kind, ev.Seg
	if ev.Kind != EvSegment {
		if i, ok := m.match(&c, PhaseCall); ok {
			c.apply(i)
		}
	} else {
		c.seg.Seq = m.Space.Norm(c.seg.Seq)
		c.seg.Ack = m.Space.Norm(c.seg.Ack)
		for p := PhaseState; p < numPhases; p++ {
			i, ok := m.match(&c, p)
			if !ok {
				continue
			}
			c.apply(i)
			if m.Rules[i].Then == Drop {
				break
			}
		}
	}
	c.flushACK()
	if c.ep.AckPending {
		for i := range out.Emit.Len() {
			if f := out.Emit.At(i).Flags; f.Has(ACK) && !f.Has(RST) {
				// The held ACK rides on this segment (RFC 9293 §3.10.7.4: "piggybacked").
				c.ep.AckPending = false
			}
		}
	}
	// A segment is always consumed, even when no row acts on it.
	out.OK = ev.Kind == EvSegment || out.Fired.Len() > 0
	out.Next = c.ep
	if !out.OK {
		out.Next = *ep
	}
}

// Step is Machine.Step as a function, for callers that keep the machine elsewhere.
func Step(m Machine, ep Endpoint, ev Event) Outcome { return m.Step(ep, ev) }

// Handled returns the set of events (bit ev for event ev) among evs, user calls, timeouts
// or a crash, that some row of the table handles in ep: those Step takes (OK) rather than
// ignores. It evaluates the rows' guards as Step would, without applying them.
//
// With silent set, only the events whose row sends nothing count, as when the network has
// no room: a row's Emit says what it sends (a throttled ACK perhaps nothing).
func (m *Machine) Handled(ep Endpoint, evs EventSet, silent bool) EventSet {
	return m.handled(&ep, evs, silent)
}

// handled is Handled without copying the endpoint.
func (m *Machine) handled(ep *Endpoint, evs EventSet, silent bool) EventSet {
	var out EventSet
	evs &= (1<<numEventKinds - 1) &^ (1 | 1<<EvSegment) // the kinds from EvOpen up, but a segment
	if x := m.index.of(m.Rules); x != nil && ep.State < numStates {
		evs &= x.calls[ep.State]
	}
	var c ctx // field by field, as in step
	c.m, c.ep = m, *ep
	for ; evs != 0; evs &= evs - 1 {
		ev := EventKind(bits.TrailingZeros16(uint16(evs)))
		c.kind = ev
		i, ok := m.match(&c, PhaseCall)
		if ok && silent {
			e := m.Rules[i].Emit
			ok = e == EmitNone || e == EmitThrottledACK
		}
		if ok {
			out |= 1 << ev
		}
	}
	return out
}

// EventSet is a set of event kinds, bit ev for kind ev.
type EventSet uint16

// match finds the first row of phase p that handles the event in the endpoint's state,
// and returns its index.
func (m *Machine) match(c *ctx, p Phase) (int, bool) {
	if m.consult != nil {
		return m.consult.match(m, c, p)
	}
	if x := m.index.of(m.Rules); x != nil && c.ep.State < numStates {
		k := indexKey(p, c.kind, c.ep.State)
		for _, i := range x.rows[x.start[k]:x.start[k+1]] {
			if m.Rules[i].Guard.holds(c) {
				return int(i), true
			}
		}
		return -1, false
	}
	for i := range m.Rules {
		r := &m.Rules[i]
		if r.Phase != p || r.On != c.kind || !r.From.Has(c.ep.State) {
			continue
		}
		if r.Guard.holds(c) {
			return i, true
		}
	}
	return -1, false
}

func (c *ctx) apply(i int) {
	r := &c.m.Rules[i]
	c.out.Fired.add(i)
	for _, d := range r.Do {
		c.do(d)
	}
	c.emit(r.Emit)
	if r.Report != ReportNone {
		c.out.Report = r.Report
	}
	if r.To == Stay {
		return
	}
	if r.To == StateClosed || r.To == StateListen {
		// The pending ACK still uses the TCB about to be deleted.
		c.flushACK()
		host := c.ep.Host
		c.ep = Endpoint{Host: host, Passive: r.To == StateListen}
	}
	c.ep.State = r.To
}

func (c *ctx) emit(e Emit) {
	sp := c.m.Space
	ep := c.ep
	var s Segment
	switch e {
	case EmitNone:
		return
	case EmitACK:
		c.ackNow = true
		return
	case EmitSYN:
		s = Segment{Flags: SYN, Seq: ep.ISS}
		if ep.SndUna == ep.ISS && sp.Dist(ep.ISS, ep.SndNxt) > 1 {
			// Data sent with the SYN and not yet acknowledged rides on it, retransmitted
			// SYN too (variant syn-data; the RFC table sends none before ESTABLISHED).
			s.Len = 1
		}
	case EmitSYNACK:
		s = Segment{Flags: SYN | ACK, Seq: ep.ISS, Ack: ep.RcvNxt}
	case EmitData:
		s = Segment{Flags: ACK, Seq: sp.Add(ep.SndNxt, ^uint32(0)), Ack: ep.RcvNxt, Len: 1}
	case EmitRtxData:
		s = Segment{Flags: ACK, Seq: ep.SndUna, Ack: ep.RcvNxt, Len: 1}
	case EmitFIN:
		// Sent when the step ends, acknowledging what the rest of the step takes: a
		// queued FIN leaves on the segment that completes the handshake, whose data (or
		// FIN) it then acknowledges too, in one segment (RFC 9293 §3.10.7.4: the ACK may
		// ride on an outgoing segment).
		c.finNow = true
		return
	case EmitRSTSeqAck:
		s = Segment{Flags: RST, Seq: c.seg.Ack}
	case EmitRSTACKSeg:
		s = Segment{Flags: RST | ACK, Ack: sp.Add(c.seg.Seq, c.seg.SegLen())}
	case EmitRSTAbort:
		s = Segment{Flags: RST, Seq: ep.SndNxt}
	case EmitThrottledACK:
		if c.m.Throttle {
			if c.ep.Throttled {
				return
			}
			c.ep.Throttled = true
		}
		c.ackNow = true
		return
	case EmitKeepalive:
		s = Segment{Flags: ACK, Seq: sp.Add(ep.SndNxt, ^uint32(0)), Ack: ep.RcvNxt}
	default:
		panic(fmt.Sprintf("fsm: unknown emit kind %d", e))
	}
	c.out.Emit.add(s)
	if s.Flags.Has(ACK) && !s.Flags.Has(RST) {
		// Any segment with ACK carries the acknowledgment a pending ACK would.
		c.ackNow = false
	}
}

func (c *ctx) flushACK() {
	switch {
	case c.finNow:
		c.out.Emit.add(Segment{Flags: FIN | ACK, Seq: c.m.Space.Add(c.ep.SndNxt, ^uint32(0)), Ack: c.ep.RcvNxt})
	case c.ackNow:
		c.out.Emit.add(Segment{Flags: ACK, Seq: c.ep.SndNxt, Ack: c.ep.RcvNxt})
	}
	c.ackNow, c.finNow = false, false
}

// ISN is the generator of initial sequence numbers (RFC 9293 §3.4.1): a clock-driven
// number per host. The reading counts the host's TCBs: reading k >= 1 is its k-th TCB of
// the run, reading 0 the TCB before the run, whose old segments the network may still
// hold. Each reading moves the clock by the host's Stride: with the ISN clock assumption,
// one more number than a connection uses, so that every TCB starts beyond the numbers of
// the host's earlier ones (the previous life's included); with a stride of 1 the clock is
// slower than its connections and a fast reconnect reuses its predecessor's numbers,
// which is what TIME-WAIT guards. Config.MinSeqBits keeps every reading of a run within
// half the space, so that the clock never wraps into numbers still alive.
func (m Machine) ISN(host uint8, clock uint32) Seq {
	base := Seq(1)
	if host != 0 {
		base = Seq(m.Space.Size() / 2)
	}
	stride := max(m.Stride[host&1], 1)
	return m.Space.Add(base, (clock-1)*stride) // reading 0 wraps to one stride below base
}
