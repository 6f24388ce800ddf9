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
	CondSynAgain
	CondFinPending
	CondListener
	CondSeqAfterRcvNxt
	CondAckPending
	CondHasData
	numConds
)

// cond is how a condition is written: its name in the rule table and its text in diagrams
// (negated: notText; "" means the name, or "!" and the name). What it tests is ctx.test.
type cond struct {
	name, text, notText string
}

var conds = [numConds]cond{
	CondRST:              {name: "rst", text: "RST"},
	CondACK:              {name: "ack", text: "ACK", notText: "no ACK"},
	CondSYN:              {name: "syn", text: "SYN"},
	CondFIN:              {name: "fin", text: "FIN"},
	CondText:             {name: "text", text: "data"},
	CondPassive:          {name: "passive", text: "if passive", notText: "if active"},
	CondAcksSYN:          {name: "ack-acks-syn", text: "ACK of SYN"},
	CondAckNotAcceptable: {name: "ack-not-acceptable", text: "bad ACK"},
	CondSeqNotAcceptable: {name: "seq-not-acceptable", text: "bad SEQ"},
	CondSeqBeforeRcvNxt:  {name: "seq-before-rcv-nxt"},
	CondSeqExact:         {name: "seq=rcv-nxt", text: "in order"},
	CondFinInOrder:       {name: "fin-in-order"},
	CondAckAcceptable:    {name: "ack-acceptable", text: "acceptable ACK"},
	CondAckInRange:       {name: "ack-in-range", notText: "ACK out of range"},
	CondAcksAll:          {name: "acks-all", text: "ACK of FIN"},
	CondSynUnacked:       {name: "syn-unacked"},
	CondFinUnacked:       {name: "fin-unacked"},
	CondDataUnacked:      {name: "data-unacked"},
	CondUnacked:          {name: "unacked"},
	CondRetriesLeft:      {name: "retries-left", text: "retries left", notText: "R2 reached"},
	CondSynAgain:         {name: "syn-again", text: "the peer's SYN again"},
	CondFinPending:       {name: "fin-pending", text: "CLOSE pending", notText: "no CLOSE pending"},
	CondAckPending:       {name: "ack-pending", text: "ACK held", notText: "no ACK held"},
	CondHasData:          {name: "has-data", text: "with data", notText: "without data"},
	CondListener:         {name: "listener", text: "a listener"},
	CondSeqAfterRcvNxt:   {name: "seq>rcv-nxt", text: "a new SEQ"},
}

// test evaluates condition id on the working state of a step. It is a switch rather than
// a table of functions so that a step's working state stays on the stack.
func (c *ctx) test(id CondID) bool {
	sp, seg, ep := c.m.Space, &c.seg, &c.ep
	switch id {
	case CondRST:
		return seg.Flags.Has(RST)
	case CondACK:
		return seg.Flags.Has(ACK)
	case CondSYN:
		return seg.Flags.Has(SYN)
	case CondFIN:
		return seg.Flags.Has(FIN)
	case CondText:
		return seg.Len > 0 // after trimming
	case CondPassive:
		return ep.Passive
	case CondAcksSYN:
		// ISS < SEG.ACK =< SND.NXT (RFC 9293 §3.10.7.3, first check).
		return seg.Flags.Has(ACK) && sp.InRange(seg.Ack, ep.ISS, ep.SndNxt)
	case CondAckNotAcceptable:
		return seg.Flags.Has(ACK) && !sp.InRange(seg.Ack, ep.ISS, ep.SndNxt)
	case CondSeqNotAcceptable:
		// The four-case acceptability test of RFC 9293 §3.10.7.4 with RCV.WND =
		// Machine.Window (never zero).
		n, w := seg.SegLen(), c.m.Window
		if n == 0 {
			return !sp.InWindow(seg.Seq, ep.RcvNxt, w)
		}
		return !sp.InWindow(seg.Seq, ep.RcvNxt, w) && !sp.InWindow(sp.Add(seg.Seq, n-1), ep.RcvNxt, w)
	case CondSeqBeforeRcvNxt:
		// The segment starts below RCV.NXT and must be trimmed.
		return sp.Lt(seg.Seq, ep.RcvNxt)
	case CondSeqExact:
		// SEG.SEQ = RCV.NXT, the RFC 5961 condition for acting on a RST.
		return seg.Seq == ep.RcvNxt
	case CondFinInOrder:
		// Everything before the FIN has been received.
		return sp.Add(seg.Seq, seg.Len) == ep.RcvNxt
	case CondAckAcceptable:
		// SND.UNA < SEG.ACK =< SND.NXT, as SYN-RECEIVED requires.
		return sp.InRange(seg.Ack, ep.SndUna, ep.SndNxt)
	case CondAckInRange:
		// SND.UNA - MAX.SND.WND =< SEG.ACK =< SND.NXT (RFC 5961 §5, adopted by RFC 9293
		// §3.10.7.4 fifth check); outside it the ACK is answered and dropped.
		lo := sp.Add(ep.SndUna, -c.m.Window)
		return sp.InWindow(seg.Ack, lo, c.m.Window+sp.Dist(ep.SndUna, ep.SndNxt)+1)
	case CondAcksAll:
		// The segment acknowledges everything we sent, our FIN included.
		return seg.Ack == ep.SndNxt
	// What the oldest unacknowledged number holds, for retransmission (RFC 9293 §3.8.1).
	case CondSynUnacked:
		return ep.SndUna == ep.ISS && ep.SndNxt != ep.ISS
	case CondFinUnacked:
		return ep.State.FinSent() && sp.Add(ep.SndUna, 1) == ep.SndNxt && ep.SndUna != ep.ISS
	case CondDataUnacked:
		if ep.SndUna == ep.ISS || ep.SndUna == ep.SndNxt {
			return false
		}
		return !ep.State.FinSent() || sp.Add(ep.SndUna, 1) != ep.SndNxt
	case CondUnacked:
		// Something sent is not yet acknowledged, so the retransmission timer runs.
		return ep.Unacked()
	case CondRetriesLeft:
		// The oldest unacknowledged item has been retransmitted fewer than R2 times.
		return c.m.R2 == 0 || ep.Retries < c.m.R2
	case CondFinPending:
		return ep.FinPending
	case CondAckPending:
		return ep.AckPending
	case CondHasData:
		return c.ev != nil && c.ev.HasData
	case CondListener:
		return c.ev != nil && c.ev.Listener
	case CondSeqAfterRcvNxt:
		// SEG.SEQ > RCV.NXT: a SYN numbered beyond everything of the old connection, as
		// BSD and Linux require before they reopen from TIME-WAIT.
		return sp.Lt(ep.RcvNxt, seg.Seq)
	case CondSynAgain:
		// A SYN with nothing else that RCV.NXT already counts: SEG.SEQ + 1 = RCV.NXT,
		// the peer's SYN repeated on its SYN,ACK in a simultaneous open.
		return seg.Flags.Has(SYN) && !seg.Flags.Has(FIN) && seg.Len == 0 && sp.Add(seg.Seq, 1) == ep.RcvNxt
	}
	panic("fsm: unknown condition " + id.String())
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
		if c.test(t.Cond) == t.Not {
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
	synAgain        = is(CondSynAgain)
	finPending      = is(CondFinPending)
	listener        = is(CondListener)
	seqAfterRcvNxt  = is(CondSeqAfterRcvNxt)
	ackPending      = is(CondAckPending)
	hasData         = is(CondHasData)
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
	// EffectQueueFIN records a CLOSE whose FIN waits for the ACK of our SYN (FinPending).
	EffectQueueFIN
	// EffectSendQueuedFIN sends the FIN a CLOSE queued: one more sequence number.
	EffectSendQueuedFIN
	// EffectReopen replaces the TCB with a new one, as a listener's (TIME-WAIT reopened
	// by a new SYN, RFC 9293 §3.6.1).
	EffectReopen
	// EffectHoldACK holds back the ACK of what the step took (AckPending): a delayed ACK.
	EffectHoldACK
	numEffects
)

// effectNames holds each effect's name in the rule table; ctx.do is its change.
var effectNames = [numEffects]string{
	EffectChooseISS:     "iss=isn(clock)",
	EffectFixedISS:      "iss=isn(0)",
	EffectFromSYN:       "irs=seg.seq",
	EffectTakeACK:       "snd.una=seg.ack",
	EffectTrim:          "trim",
	EffectDeliver:       "deliver",
	EffectDiscard:       "discard",
	EffectTakeFIN:       "rcv.nxt+=1",
	EffectSendNext:      "snd.nxt+=1",
	EffectSetActive:     "active",
	EffectCountRetry:    "retries+=1",
	EffectQueueFIN:      "fin-pending",
	EffectSendQueuedFIN: "snd.nxt+=1 (queued FIN)",
	EffectReopen:        "new TCB",
	EffectHoldACK:       "ack-pending",
}

// do applies effect e to the working state of a step (a switch, like test).
func (c *ctx) do(e Effect) {
	sp, seg, ep := c.m.Space, &c.seg, &c.ep
	switch e {
	case EffectChooseISS:
		setISS(c, c.m.ISN(ep.Host, c.ev.Clock))
	case EffectFixedISS:
		setISS(c, c.m.ISN(ep.Host, 0))
	case EffectFromSYN:
		ep.IRS = seg.Seq
		ep.RcvNxt = sp.Add(seg.Seq, 1)
	case EffectTakeACK:
		// Progress restarts the count of retransmissions: R2 bounds the timeouts of one
		// item (RFC 9293 §3.8.3).
		if seg.Ack != ep.SndUna {
			ep.Retries = 0
		}
		ep.SndUna = seg.Ack
	case EffectTrim:
		cut := sp.Dist(seg.Seq, ep.RcvNxt)
		if cut > 0 && seg.Flags.Has(SYN) {
			seg.Flags &^= SYN
			cut--
		}
		d := min(cut, seg.Len)
		seg.Len -= d
		cut -= d
		if cut > 0 && seg.Flags.Has(FIN) {
			seg.Flags &^= FIN
		}
		seg.Seq = ep.RcvNxt
	case EffectDeliver:
		ep.RcvNxt = sp.Add(ep.RcvNxt, seg.Len)
		c.out.Delivered += seg.Len
	case EffectDiscard:
		ep.RcvNxt = sp.Add(ep.RcvNxt, seg.Len)
	case EffectTakeFIN:
		ep.RcvNxt = sp.Add(ep.RcvNxt, 1)
	case EffectSendNext:
		ep.SndNxt = sp.Add(ep.SndNxt, 1)
	case EffectSetActive:
		ep.Passive = false
	case EffectCountRetry:
		if c.m.R2 > 0 {
			ep.Retries++
		}
	case EffectQueueFIN:
		ep.FinPending = true
	case EffectSendQueuedFIN:
		ep.SndNxt = sp.Add(ep.SndNxt, 1)
		ep.FinPending = false
	case EffectReopen:
		*ep = Endpoint{State: ep.State, Host: ep.Host, Passive: true}
	case EffectHoldACK:
		ep.AckPending = true
		c.ackNow = false
	default:
		panic("fsm: unknown effect " + e.String())
	}
}

// String is the effect's name in the rule table, e.g. "snd.nxt+=1".
func (e Effect) String() string {
	if e > effectNone && e < numEffects {
		return effectNames[e]
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
