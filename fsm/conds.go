package fsm

import "strings"

// Conditions and effects of the rule table. Each is one named concern with a typed
// identity (CondID, EffectID): rows combine them, variants swap them by identity, and
// diagrams print the display text given here, where each is defined.

// CondID identifies an atomic condition on the endpoint and the event.
type CondID uint8

// The conditions.
const (
	condNone CondID = iota
	CondRST
	CondACK
	CondSYN
	CondFIN
	CondText
	CondPassive
	CondAcksSYN
	CondAckNotAcceptable
	CondSeqNotAcceptable
	CondSeqBeforeRcvNxt
	CondSeqExact
	CondFinInOrder
	CondAckAcceptable
	CondAckInRange
	CondAcksAll
	CondSynUnacked
	CondFinUnacked
	CondDataUnacked
	CondUnacked
	CondRetriesLeft
	numConds
)

// cond is the definition of a condition: its name in the rule table, its text in
// diagrams (negated: notText; "" means the name, or "!" and the name), and its test.
type cond struct {
	name, text, notText string
	fn                  func(c *ctx) bool
}

var conds = [numConds]cond{
	CondRST:     {name: "rst", text: "RST", fn: func(c *ctx) bool { return c.seg.Flags.Has(RST) }},
	CondACK:     {name: "ack", text: "ACK", notText: "no ACK", fn: func(c *ctx) bool { return c.seg.Flags.Has(ACK) }},
	CondSYN:     {name: "syn", text: "SYN", fn: func(c *ctx) bool { return c.seg.Flags.Has(SYN) }},
	CondFIN:     {name: "fin", text: "FIN", fn: func(c *ctx) bool { return c.seg.Flags.Has(FIN) }},
	CondText:    {name: "text", text: "data", fn: func(c *ctx) bool { return c.seg.Len > 0 }}, // after trimming
	CondPassive: {name: "passive", text: "if passive", fn: func(c *ctx) bool { return c.ep.Passive }},

	// ISS < SEG.ACK =< SND.NXT (RFC 9293 §3.10.7.3, first check).
	CondAcksSYN: {name: "ack-acks-syn", text: "ACK of SYN", fn: func(c *ctx) bool {
		return c.seg.Flags.Has(ACK) && c.m.Space.InRange(c.seg.Ack, c.ep.ISS, c.ep.SndNxt)
	}},
	CondAckNotAcceptable: {name: "ack-not-acceptable", text: "bad ACK", fn: func(c *ctx) bool {
		return c.seg.Flags.Has(ACK) && !c.m.Space.InRange(c.seg.Ack, c.ep.ISS, c.ep.SndNxt)
	}},
	// The four-case acceptability test of RFC 9293 §3.10.7.4 with RCV.WND =
	// Machine.Window (never zero).
	CondSeqNotAcceptable: {name: "seq-not-acceptable", text: "bad SEQ", fn: func(c *ctx) bool {
		sp, n, w := c.m.Space, c.seg.SegLen(), c.m.Window
		if n == 0 {
			return !sp.InWindow(c.seg.Seq, c.ep.RcvNxt, w)
		}
		return !sp.InWindow(c.seg.Seq, c.ep.RcvNxt, w) &&
			!sp.InWindow(sp.Add(c.seg.Seq, n-1), c.ep.RcvNxt, w)
	}},
	// The segment starts below RCV.NXT and must be trimmed.
	CondSeqBeforeRcvNxt: {name: "seq-before-rcv-nxt", fn: func(c *ctx) bool {
		return c.m.Space.Lt(c.seg.Seq, c.ep.RcvNxt)
	}},
	// SEG.SEQ = RCV.NXT, the RFC 5961 condition for acting on a RST.
	CondSeqExact: {name: "seq=rcv-nxt", text: "in order", fn: func(c *ctx) bool { return c.seg.Seq == c.ep.RcvNxt }},
	// Everything before the FIN has been received.
	CondFinInOrder: {name: "fin-in-order", fn: func(c *ctx) bool {
		return c.m.Space.Add(c.seg.Seq, c.seg.Len) == c.ep.RcvNxt
	}},
	// SND.UNA < SEG.ACK =< SND.NXT, as SYN-RECEIVED requires.
	CondAckAcceptable: {name: "ack-acceptable", text: "acceptable ACK", fn: func(c *ctx) bool {
		return c.m.Space.InRange(c.seg.Ack, c.ep.SndUna, c.ep.SndNxt)
	}},
	// SND.UNA - MAX.SND.WND =< SEG.ACK =< SND.NXT (RFC 5961 §5, adopted by RFC 9293
	// §3.10.7.4 fifth check); outside it the ACK is answered and dropped.
	CondAckInRange: {name: "ack-in-range", notText: "ACK out of range", fn: func(c *ctx) bool {
		sp := c.m.Space
		lo := sp.Add(c.ep.SndUna, -c.m.Window)
		return sp.InWindow(c.seg.Ack, lo, c.m.Window+sp.Dist(c.ep.SndUna, c.ep.SndNxt)+1)
	}},
	// The segment acknowledges everything we sent, our FIN included.
	CondAcksAll: {name: "acks-all", text: "ACK of FIN", fn: func(c *ctx) bool { return c.seg.Ack == c.ep.SndNxt }},

	// What the oldest unacknowledged number holds, for retransmission (RFC 9293 §3.8.1).
	CondSynUnacked: {name: "syn-unacked", fn: func(c *ctx) bool {
		return c.ep.SndUna == c.ep.ISS && c.ep.SndNxt != c.ep.ISS
	}},
	CondFinUnacked: {name: "fin-unacked", fn: func(c *ctx) bool {
		return c.ep.State.FinSent() && c.m.Space.Add(c.ep.SndUna, 1) == c.ep.SndNxt &&
			c.ep.SndUna != c.ep.ISS
	}},
	CondDataUnacked: {name: "data-unacked", fn: func(c *ctx) bool {
		if c.ep.SndUna == c.ep.ISS || c.ep.SndUna == c.ep.SndNxt {
			return false
		}
		return !c.ep.State.FinSent() || c.m.Space.Add(c.ep.SndUna, 1) != c.ep.SndNxt
	}},
	// Something sent is not yet acknowledged, so the retransmission timer runs.
	CondUnacked: {name: "unacked", fn: func(c *ctx) bool { return c.ep.Unacked() }},
	// The oldest unacknowledged item has been retransmitted fewer than R2 times.
	CondRetriesLeft: {name: "retries-left", text: "retries left", notText: "R2 reached", fn: func(c *ctx) bool {
		return c.m.R2 == 0 || c.ep.Retries < c.m.R2
	}},
}

// String is the condition's name in the rule table, e.g. "ack-acks-syn".
func (id CondID) String() string {
	if id > condNone && id < numConds {
		return conds[id].name
	}
	return "cond?"
}

// Term is a condition or its negation, one conjunct of a Guard.
type Term struct {
	Cond CondID
	Not  bool
}

// String is the term as the rule table writes it, e.g. "!ack".
func (t Term) String() string {
	if t.Not {
		return "!" + t.Cond.String()
	}
	return t.Cond.String()
}

// Text is the term as a diagram writes it, e.g. "no ACK".
func (t Term) Text() string {
	d := conds[t.Cond]
	switch {
	case t.Not && d.notText != "":
		return d.notText
	case t.Not:
		return t.String()
	case d.text != "":
		return d.text
	}
	return d.name
}

// Guard is a conjunction of terms. The zero Guard always holds.
type Guard struct {
	Terms []Term
}

// holds evaluates the guard on the working state of a step.
func (g Guard) holds(c *ctx) bool {
	for _, t := range g.Terms {
		if conds[t.Cond].fn(c) == t.Not {
			return false
		}
	}
	return true
}

// Has reports whether the guard requires condition id to hold.
func (g Guard) Has(id CondID) bool {
	for _, t := range g.Terms {
		if t.Cond == id && !t.Not {
			return true
		}
	}
	return false
}

// String is the guard as the rule table writes it, e.g. "syn&ack-acks-syn"; "" for none.
func (g Guard) String() string {
	parts := make([]string, len(g.Terms))
	for i, t := range g.Terms {
		parts[i] = t.String()
	}
	return strings.Join(parts, "&")
}

// is is the guard of one condition.
func is(id CondID) Guard { return Guard{Terms: []Term{{Cond: id}}} }

// all is the conjunction of guards.
func all(gs ...Guard) Guard {
	var out Guard
	for _, g := range gs {
		out.Terms = append(out.Terms, g.Terms...)
	}
	return out
}

// not negates a guard of one term.
func not(g Guard) Guard {
	if len(g.Terms) != 1 {
		panic("fsm: not of a compound guard")
	}
	t := g.Terms[0]
	t.Not = !t.Not
	return Guard{Terms: []Term{t}}
}

var (
	isRST           = is(CondRST)
	isACK           = is(CondACK)
	isSYN           = is(CondSYN)
	isFIN           = is(CondFIN)
	hasText         = is(CondText)
	passive         = is(CondPassive)
	synSentAckOK    = is(CondAcksSYN)
	synSentAckBad   = is(CondAckNotAcceptable)
	seqUnacceptable = is(CondSeqNotAcceptable)
	seqBeforeWindow = is(CondSeqBeforeRcvNxt)
	seqExact        = is(CondSeqExact)
	finInOrder      = is(CondFinInOrder)
	ackAcceptable   = is(CondAckAcceptable)
	ackInRange      = is(CondAckInRange)
	ackAll          = is(CondAcksAll)
	synUnacked      = is(CondSynUnacked)
	finOnlyUnacked  = is(CondFinUnacked)
	dataUnacked     = is(CondDataUnacked)
	unacked         = is(CondUnacked)
	retriesLeft     = is(CondRetriesLeft)
)

// Effect identifies a change to the TCB.
type Effect uint8

// The effects.
const (
	effectNone Effect = iota
	// EffectChooseISS picks the ISS from the ISN clock (RFC 9293 §3.4.1) and sets
	// SND.UNA = ISS, SND.NXT = ISS+1 (the SYN about to be sent).
	EffectChooseISS
	// EffectFixedISS ignores the clock: every incarnation starts where the first did.
	EffectFixedISS
	// EffectFromSYN sets IRS = SEG.SEQ and RCV.NXT = SEG.SEQ+1.
	EffectFromSYN
	// EffectTakeACK sets SND.UNA = SEG.ACK.
	EffectTakeACK
	// EffectTrim drops the part of the segment below RCV.NXT: SYN first, then data, then
	// FIN (RFC 9293 §3.10.7.4, "trimmed to the window").
	EffectTrim
	// EffectDeliver hands the in-order text to the user and advances RCV.NXT.
	EffectDeliver
	// EffectDiscard consumes in-order text without delivering it (variant fin-closes-both).
	EffectDiscard
	// EffectTakeFIN counts the peer's FIN in RCV.NXT.
	EffectTakeFIN
	// EffectSendNext uses one more sequence number, for a data unit or our FIN.
	EffectSendNext
	// EffectSetActive marks a TCB as coming from an active OPEN.
	EffectSetActive
	// EffectCountRetry counts a retransmission against R2.
	EffectCountRetry
	numEffects
)

// effects holds each effect's name in the rule table and its change.
var effects = [numEffects]struct {
	name string
	fn   func(c *ctx)
}{
	EffectChooseISS: {"iss=isn(clock)", func(c *ctx) { setISS(c, c.m.ISN(c.ep.Host, c.ev.Clock)) }},
	EffectFixedISS:  {"iss=isn(0)", func(c *ctx) { setISS(c, c.m.ISN(c.ep.Host, 0)) }},
	EffectFromSYN: {"irs=seg.seq", func(c *ctx) {
		c.ep.IRS = c.seg.Seq
		c.ep.RcvNxt = c.m.Space.Add(c.seg.Seq, 1)
	}},
	// Progress restarts the count of retransmissions: R2 bounds the timeouts of one
	// item (RFC 9293 §3.8.3).
	EffectTakeACK: {"snd.una=seg.ack", func(c *ctx) {
		if c.seg.Ack != c.ep.SndUna {
			c.ep.Retries = 0
		}
		c.ep.SndUna = c.seg.Ack
	}},
	EffectTrim: {"trim", func(c *ctx) {
		cut := c.m.Space.Dist(c.seg.Seq, c.ep.RcvNxt)
		if cut > 0 && c.seg.Flags.Has(SYN) {
			c.seg.Flags &^= SYN
			cut--
		}
		d := min(cut, c.seg.Len)
		c.seg.Len -= d
		cut -= d
		if cut > 0 && c.seg.Flags.Has(FIN) {
			c.seg.Flags &^= FIN
		}
		c.seg.Seq = c.ep.RcvNxt
	}},
	EffectDeliver: {"deliver", func(c *ctx) {
		c.ep.RcvNxt = c.m.Space.Add(c.ep.RcvNxt, c.seg.Len)
		c.out.Delivered += c.seg.Len
	}},
	EffectDiscard:   {"discard", func(c *ctx) { c.ep.RcvNxt = c.m.Space.Add(c.ep.RcvNxt, c.seg.Len) }},
	EffectTakeFIN:   {"rcv.nxt+=1", func(c *ctx) { c.ep.RcvNxt = c.m.Space.Add(c.ep.RcvNxt, 1) }},
	EffectSendNext:  {"snd.nxt+=1", func(c *ctx) { c.ep.SndNxt = c.m.Space.Add(c.ep.SndNxt, 1) }},
	EffectSetActive: {"active", func(c *ctx) { c.ep.Passive = false }},
	EffectCountRetry: {"retries+=1", func(c *ctx) {
		if c.m.R2 > 0 {
			c.ep.Retries++
		}
	}},
}

// String is the effect's name in the rule table, e.g. "snd.nxt+=1".
func (e Effect) String() string {
	if e > effectNone && e < numEffects {
		return effects[e].name
	}
	return "effect?"
}

func setISS(c *ctx, iss Seq) {
	if c.ev.SetISS {
		iss = c.m.Space.Norm(c.ev.ISS)
	}
	c.ep.ISS = iss
	c.ep.SndUna = iss
	c.ep.SndNxt = c.m.Space.Add(iss, 1)
}
