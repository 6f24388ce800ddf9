package fsm

// Guards and effects of the rule table. Each is one named concern; rows combine them.

func guard(name string, fn func(c *ctx) bool) Guard { return Guard{Name: name, Fn: fn} }
func effect(name string, fn func(c *ctx)) Effect    { return Effect{Name: name, Fn: fn} }

// all is the conjunction of guards, named "a&b".
func all(gs ...Guard) Guard {
	name := ""
	for i, g := range gs {
		if i > 0 {
			name += "&"
		}
		name += g.Name
	}
	return guard(name, func(c *ctx) bool {
		for _, g := range gs {
			if !g.Fn(c) {
				return false
			}
		}
		return true
	})
}

// not negates a guard, named "!a".
func not(g Guard) Guard {
	return guard("!"+g.Name, func(c *ctx) bool { return !g.Fn(c) })
}

var (
	isRST = guard("rst", func(c *ctx) bool { return c.seg.Flags.Has(RST) })
	isACK = guard("ack", func(c *ctx) bool { return c.seg.Flags.Has(ACK) })
	isSYN = guard("syn", func(c *ctx) bool { return c.seg.Flags.Has(SYN) })
	isFIN = guard("fin", func(c *ctx) bool { return c.seg.Flags.Has(FIN) })
	// hasText: the segment carries data (after trimming).
	hasText = guard("text", func(c *ctx) bool { return c.seg.Len > 0 })
	passive = guard("passive", func(c *ctx) bool { return c.ep.Passive })

	// synSentAckOK: ISS < SEG.ACK =< SND.NXT (RFC 9293 §3.10.7.3, first check).
	synSentAckOK = guard("ack-acks-syn", func(c *ctx) bool {
		return c.seg.Flags.Has(ACK) && c.m.Space.InRange(c.seg.Ack, c.ep.ISS, c.ep.SndNxt)
	})
	synSentAckBad = guard("ack-not-acceptable", func(c *ctx) bool {
		return c.seg.Flags.Has(ACK) && !c.m.Space.InRange(c.seg.Ack, c.ep.ISS, c.ep.SndNxt)
	})

	// seqUnacceptable is the four-case acceptability test of RFC 9293 §3.10.7.4 with
	// RCV.WND = Machine.Window (never zero).
	seqUnacceptable = guard("seq-not-acceptable", func(c *ctx) bool {
		sp, n, w := c.m.Space, c.seg.SegLen(), c.m.Window
		if n == 0 {
			return !sp.InWindow(c.seg.Seq, c.ep.RcvNxt, w)
		}
		return !sp.InWindow(c.seg.Seq, c.ep.RcvNxt, w) &&
			!sp.InWindow(sp.Add(c.seg.Seq, n-1), c.ep.RcvNxt, w)
	})
	// seqBeforeWindow: the segment starts below RCV.NXT and must be trimmed.
	seqBeforeWindow = guard("seq-before-rcv-nxt", func(c *ctx) bool {
		return c.m.Space.Lt(c.seg.Seq, c.ep.RcvNxt)
	})
	// seqExact: SEG.SEQ = RCV.NXT, the RFC 5961 condition for acting on a RST.
	seqExact = guard("seq=rcv-nxt", func(c *ctx) bool { return c.seg.Seq == c.ep.RcvNxt })
	// finInOrder: everything before the FIN has been received.
	finInOrder = guard("fin-in-order", func(c *ctx) bool {
		return c.m.Space.Add(c.seg.Seq, c.seg.Len) == c.ep.RcvNxt
	})

	// ackAcceptable: SND.UNA < SEG.ACK =< SND.NXT, as SYN-RECEIVED requires.
	ackAcceptable = guard("ack-acceptable", func(c *ctx) bool {
		return c.m.Space.InRange(c.seg.Ack, c.ep.SndUna, c.ep.SndNxt)
	})
	// ackInRange: SND.UNA - MAX.SND.WND =< SEG.ACK =< SND.NXT (RFC 5961 §5, adopted by
	// RFC 9293 §3.10.7.4 fifth check); outside it the ACK is answered and dropped.
	ackInRange = guard("ack-in-range", func(c *ctx) bool {
		sp := c.m.Space
		lo := sp.Add(c.ep.SndUna, -c.m.Window)
		return sp.InWindow(c.seg.Ack, lo, c.m.Window+sp.Dist(c.ep.SndUna, c.ep.SndNxt)+1)
	})
	// ackAll: the segment acknowledges everything we sent, our FIN included.
	ackAll = guard("acks-all", func(c *ctx) bool { return c.seg.Ack == c.ep.SndNxt })

	// What the oldest unacknowledged number holds, for retransmission (RFC 9293 §3.8.1).
	synUnacked = guard("syn-unacked", func(c *ctx) bool {
		return c.ep.SndUna == c.ep.ISS && c.ep.SndNxt != c.ep.ISS
	})
	finOnlyUnacked = guard("fin-unacked", func(c *ctx) bool {
		return c.ep.State.FinSent() && c.m.Space.Add(c.ep.SndUna, 1) == c.ep.SndNxt &&
			c.ep.SndUna != c.ep.ISS
	})
	dataUnacked = guard("data-unacked", func(c *ctx) bool {
		if c.ep.SndUna == c.ep.ISS || c.ep.SndUna == c.ep.SndNxt {
			return false
		}
		return !c.ep.State.FinSent() || c.m.Space.Add(c.ep.SndUna, 1) != c.ep.SndNxt
	})
)

var (
	// chooseISS picks the ISS from the ISN clock (RFC 9293 §3.4.1) and sets SND.UNA = ISS,
	// SND.NXT = ISS+1 (the SYN about to be sent).
	chooseISS = effect("iss=isn(clock)", func(c *ctx) { setISS(c, c.m.ISN(c.ep.Host, c.ev.Clock)) })
	// fixedISS ignores the clock: every incarnation starts where the first did.
	fixedISS = effect("iss=isn(0)", func(c *ctx) { setISS(c, c.m.ISN(c.ep.Host, 0)) })
	// fromSYN sets IRS = SEG.SEQ and RCV.NXT = SEG.SEQ+1.
	fromSYN = effect("irs=seg.seq", func(c *ctx) {
		c.ep.IRS = c.seg.Seq
		c.ep.RcvNxt = c.m.Space.Add(c.seg.Seq, 1)
	})
	// takeACK sets SND.UNA = SEG.ACK.
	takeACK = effect("snd.una=seg.ack", func(c *ctx) { c.ep.SndUna = c.seg.Ack })
	// trim drops the part of the segment below RCV.NXT: SYN first, then data, then FIN
	// (RFC 9293 §3.10.7.4, "trimmed to the window").
	trim = effect("trim", func(c *ctx) {
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
	})
	// deliver hands the in-order text to the user and advances RCV.NXT.
	deliver = effect("deliver", func(c *ctx) {
		c.ep.RcvNxt = c.m.Space.Add(c.ep.RcvNxt, c.seg.Len)
		c.out.Delivered += c.seg.Len
	})
	// discard consumes in-order text without delivering it (variant fin-closes-both).
	discard = effect("discard", func(c *ctx) {
		c.ep.RcvNxt = c.m.Space.Add(c.ep.RcvNxt, c.seg.Len)
	})
	// takeFIN counts the peer's FIN in RCV.NXT.
	takeFIN = effect("rcv.nxt+=1", func(c *ctx) { c.ep.RcvNxt = c.m.Space.Add(c.ep.RcvNxt, 1) })
	// sendNext uses one more sequence number, for a data unit or our FIN.
	sendNext = effect("snd.nxt+=1", func(c *ctx) { c.ep.SndNxt = c.m.Space.Add(c.ep.SndNxt, 1) })
	// setPassive marks a TCB as coming from a passive OPEN; setActive as not.
	setActive = effect("active", func(c *ctx) { c.ep.Passive = false })
)

func setISS(c *ctx, iss Seq) {
	if c.ev.SetISS {
		iss = c.m.Space.Norm(c.ev.ISS)
	}
	c.ep.ISS = iss
	c.ep.SndUna = iss
	c.ep.SndNxt = c.m.Space.Add(iss, 1)
}
