package fsm

// segmentFacts is what a side's step on seg did that StepFacts records: before is the
// endpoint the segment reached, after what the step made of it. It reads only the
// segment as sent (untrimmed), the two endpoints and what the step emitted, never the rule
// that fired: the facts must see a table's mistakes, not restate its rows.
func (sys *System) segmentFacts(before, after *Endpoint, seg *Segment, out *Outcome) (f StepFacts) {
	sp, w := sys.Machine.Space, sys.Machine.Window
	answered, acked, challenged := out.Emit.Len() > 0, false, out.Emit.Len() == 1
	for i := range out.Emit.Len() {
		e := out.Emit.At(i)
		if e.Flags.Has(ACK) && !e.Flags.Has(RST) && e.Ack == after.RcvNxt {
			acked = true
		}
		if e.Flags != ACK || e.Len > 0 {
			challenged = false
		}
	}
	synchronized := before.State.HasTCB() && before.State != StateSynSent
	kept := after.State == before.State && after.ISS == before.ISS
	if seg.Flags.Has(RST) {
		ended := after.State == StateClosed || after.State == StateListen
		switch {
		case before.State == StateSynSent:
			// §3.10.7.3: a RST is acceptable when its ACK acknowledges our SYN.
			acksSYN := seg.Flags.Has(ACK) && sp.InRange(seg.Ack, before.ISS, before.SndNxt)
			if acksSYN && !ended {
				f |= StepResetIgnored
			}
			if !acksSYN && ended {
				f |= StepResetGuessed
			}
			if answered {
				f |= StepResetAnswered
			}
		case before.State == StateTimeWait:
			// RFC 1337: TIME-WAIT ignores resets; one in the window but not exact may
			// draw a challenge ACK (RFC 5961 §3.2), nothing else.
			if ended {
				f |= StepResetGuessed
			}
			if answered && !(challenged && sp.InWindow(seg.Seq, before.RcvNxt, w)) {
				f |= StepResetAnswered
			}
		case synchronized:
			exact := seg.Seq == before.RcvNxt
			if exact && !ended {
				f |= StepResetIgnored
			}
			if !exact && ended {
				f |= StepResetGuessed
			}
			// An exact reset is obeyed silently, one in the window draws a challenge ACK
			// at most, and one outside it nothing (RFC 5961 §3.2).
			inWindow := sp.InWindow(seg.Seq, before.RcvNxt, w)
			if answered && (exact || !challenged || !inWindow) {
				f |= StepResetAnswered
			}
			// One in the window but not exact draws its challenge ACK, unless the rate
			// limiter is closed (RFC 5961 §3.2: "the receiver MUST send an ACK"; §7).
			if !exact && inWindow && !ended && !before.Throttled && !(challenged && acked) {
				f |= StepUnanswered
			}
		default:
			// CLOSED and LISTEN drop a reset (§3.10.7.1, §3.10.7.2).
			if answered {
				f |= StepResetAnswered
			}
		}
		return f
	}
	if !before.State.HasTCB() {
		// A segment for no connection is answered by a reset its sender would accept.
		form := Segment{Flags: RST, Seq: seg.Ack}
		if !seg.Flags.Has(ACK) {
			form = Segment{Flags: RST | ACK, Ack: sp.Add(seg.Seq, seg.SegLen())}
		}
		if (before.State == StateClosed || seg.Flags.Has(ACK)) && (out.Emit.Len() != 1 || out.Emit.At(0) != form) {
			f |= StepNoReset
		}
	}
	// A segment whose ACK acknowledges nothing this side sent is for no connection of its
	// own either: SYN-SENT answers it with <SEQ=SEG.ACK><CTL=RST> at once (§3.10.7.3 first
	// check), SYN-RECEIVED once it passed the sequence and SYN checks (§3.10.7.4 fifth
	// check). That reset is what ends the peer's half of a connection opened by an old
	// duplicate (Figures 8 and 9).
	if seg.Flags.Has(ACK) {
		var foreign bool
		switch before.State {
		case StateSynSent:
			foreign = !sp.InRange(seg.Ack, before.ISS, before.SndNxt)
		case StateSynReceived:
			foreign = !seg.Flags.Has(SYN) && !sys.unacceptable(before, seg) && !sp.InRange(seg.Ack, before.SndUna, before.SndNxt)
		}
		if foreign && (out.Emit.Len() != 1 || out.Emit.At(0) != Segment{Flags: RST, Seq: seg.Ack}) {
			f |= StepNoReset
		}
	}
	newIRS := after.State.HasTCB() && after.State != StateSynSent &&
		(!synchronized || after.ISS != before.ISS || after.IRS != before.IRS)
	if newIRS && (!seg.Flags.Has(SYN) || after.IRS != seg.Seq) {
		f |= StepIRSNotFromSYN
	}
	// Sequence space taken: the peer's SYN (a new IRS), or data or a FIN in order.
	took := after.State.HasTCB() && after.State != StateSynSent &&
		(!synchronized || after.ISS != before.ISS || after.RcvNxt != before.RcvNxt)
	// A delayed ACK: a FIN taken in ESTABLISHED (perhaps entered by the ACK the FIN
	// carries, from SYN-RECEIVED), and nothing but it, may wait for the next segment or the
	// delayed-ACK timer (RFC 1122 §4.2.3.2).
	held := after.AckPending && (before.State == StateEstablished || before.State == StateSynReceived) && seg.Flags.Has(FIN) &&
		after.RcvNxt == sp.Add(before.RcvNxt, 1) && after.ISS == before.ISS
	if took && !acked && !held {
		f |= StepNotAcked
	}
	if !synchronized {
		return f
	}
	bad := sys.unacceptable(before, seg)
	sameTCB := after.State.HasTCB() && after.ISS == before.ISS
	if out.Delivered > 0 && (seg.Seq != before.RcvNxt || sameTCB && sp.Dist(before.RcvNxt, after.RcvNxt) < out.Delivered) {
		f |= StepOutOfOrder
	}
	if !bad && sameTCB && !seg.Flags.Has(SYN) && seg.Flags.Has(ACK) &&
		sp.InRange(seg.Ack, before.SndUna, before.SndNxt) && after.SndUna != seg.Ack {
		f |= StepAckIgnored
	}
	// An ACK out of range, in the states that share ESTABLISHED's ACK processing (RFC 9293
	// §3.10.7.4 fifth check, with RFC 5961 §5's lower bound): "send an ACK, drop the
	// segment, and return": nothing of it is taken, and an ACK of RCV.NXT goes back unless
	// the rate limiter is closed.
	if !bad && sys.ackOutOfRange(before, seg) &&
		(!kept || after.RcvNxt != before.RcvNxt || after.SndUna != before.SndUna || !acked && !before.Throttled) {
		f |= StepUnanswered
	}
	if !kept || after.RcvNxt != before.RcvNxt {
		return f
	}
	// Beyond RCV.NXT: acceptable, not yet in order (no segment of the model straddles it),
	// at ESTABLISHED, FIN-WAIT-1 or FIN-WAIT-2, where any ACK it carries draws an ACK too
	// (SYN-RECEIVED answers a bad ACK with a reset, §3.10.7.4 fifth check).
	early := seg.SegLen() > 0 && sp.Lt(before.RcvNxt, seg.Seq) && before.State.Synchronized() &&
		!before.State.FinReceived()
	if (bad || early) && !before.Throttled && !acked {
		f |= StepUnanswered
	}
	if bad || seg.Flags.Has(SYN) || !seg.Flags.Has(ACK) {
		return f
	}
	inRange := sp.InWindow(seg.Ack, sp.Add(before.SndUna, -w), w+sp.Dist(before.SndUna, before.SndNxt)+1)
	if seg.SegLen() == 0 && inRange {
		for i := range out.Emit.Len() {
			if e := out.Emit.At(i); e.SegLen() == 0 && !e.Flags.Has(RST) {
				f |= StepAckedAck
			}
		}
	}
	return f
}

// heldAckFacts is StepNotAcked for an ACK held back (Endpoint.AckPending): one let go,
// the TCB still open, with no segment that acknowledges RCV.NXT, or a delayed-ACK timer
// that expired without sending one. It reads every step, whatever its event.
func heldAckFacts(ev EventKind, before, after *Endpoint, out *Outcome) StepFacts {
	if !before.AckPending {
		return 0
	}
	acked := false
	for i := range out.Emit.Len() {
		if e := out.Emit.At(i); e.Flags.Has(ACK) && !e.Flags.Has(RST) && e.Ack == after.RcvNxt {
			acked = true
		}
	}
	let := !after.AckPending && after.State.HasTCB() && after.ISS == before.ISS
	if !acked && (let || ev == EvDelayedAck) {
		return StepNotAcked
	}
	return 0
}

// twiceFacts is StepDeliveredTwice for a step that made a new TCB of a side whose previous
// TCB's ghost is prev: the new TCB delivered data that the peer TCB prev handshook with
// sent, and prev's TCB had delivered that TCB's data already.
func twiceFacts(prev *Ghost, cause *Packet, out *Outcome) StepFacts {
	if cause != nil && out.Delivered > 0 && prev.Delivered > 0 && prev.Peer != NoTCB && prev.Peer == cause.From {
		return StepDeliveredTwice
	}
	return 0
}

// strangerFacts is StepDataToStranger: cause, a current segment (not stale) that carries
// data and no SYN, reached a side whose TCB before the step had not taken the sending TCB's
// SYN (peer is the ghost's Peer then): no TCB, LISTEN, SYN-SENT, or one that learned its
// IRS from another TCB of the peer.
func strangerFacts(before *Endpoint, peer TCB, cause *Packet, stale bool) StepFacts {
	if cause == nil || stale || cause.Seg.Len == 0 || cause.Seg.Flags.Has(SYN) {
		return 0
	}
	learned := before.State.HasTCB() && before.State != StateSynSent && peer == cause.From
	if !learned {
		return StepDataToStranger
	}
	return 0
}

// trackHalfOpen keeps SysState.HalfOpen: a crash of side while its peer is synchronized
// (not yet in TIME-WAIT) leaves the peer half-open (RFC 9293 §3.5.2); a reset that then
// ends the survivor's TCB clears it, as in Figures 10 to 12.
func (sys *System) trackHalfOpen(s *SysState, side Side, ev *Event, cause *Packet, before, after *Endpoint) {
	peer := s.Ep[side.Peer()].State
	switch {
	case ev.Kind == EvCrash && s.HalfOpen == HalfOpenNone && before.State.HasTCB() &&
		peer.Synchronized() && peer != StateTimeWait:
		s.HalfOpen = HalfOpenA + uint8(side.Peer())
	case s.HalfOpen == HalfOpenA+uint8(side) && cause != nil && cause.Seg.Flags.Has(RST) &&
		before.State.Synchronized() && !after.State.HasTCB():
		s.HalfOpen = HalfOpenCleared
	}
}

// listenerFacts is StepListenerLost: a TCB a passive OPEN made, in LISTEN or in
// SYN-RECEIVED, went to CLOSED or SYN-SENT on a segment or a timer (not its user's call, the
// user timeout or a crash).
func listenerFacts(ev EventKind, before, after *Endpoint) StepFacts {
	if before.Passive && (before.State == StateListen || before.State == StateSynReceived) &&
		(after.State == StateClosed || after.State == StateSynSent) &&
		(ev == EvSegment || timerEvents&(1<<ev) != 0 && ev != EvUserTimeout) {
		return StepListenerLost
	}
	return 0
}

// callFacts is StepCallNotAsSpecified: what a user's call did, against RFC 9293 §3.10.
// isn is the ISN clock's reading for the call (§3.4.1), which an active OPEN selects as its
// ISS.
func callFacts(ev EventKind, before, after *Endpoint, out *Outcome, isn Seq) StepFacts {
	var syns, fins, rsts, segs int
	var rst Segment
	for _, seg := range out.Emit.Segments() {
		segs++
		switch {
		case seg.Flags.Has(RST):
			rsts++
			rst = seg
		case seg.Flags.Has(SYN):
			if !seg.Flags.Has(ACK) && seg.Seq == after.ISS {
				syns++
			}
		case seg.Flags.Has(FIN):
			fins++
		}
	}
	ok := true
	switch ev {
	case EvOpen: // §3.10.1, from CLOSED or LISTEN: "select an ISS", from the clock (§3.4.1)
		ok = after.State == StateSynSent && syns == 1 && segs == 1 && !after.Passive && after.ISS == isn
	case EvListen: // §3.10.1, passive, from CLOSED
		ok = after.State == StateListen && segs == 0 && after.Passive
	case EvClose: // §3.10.4
		switch before.State {
		case StateSynSent:
			ok = after.State == StateClosed && segs == 0
		case StateSynReceived:
			ok = after.State == StateFinWait1 && fins == 1 && rsts == 0 ||
				after.State == StateSynReceived && after.FinPending && segs == 0
		case StateEstablished:
			ok = after.State == StateFinWait1 && fins == 1 && rsts == 0
		case StateCloseWait:
			ok = after.State == StateLastAck && fins == 1 && rsts == 0
		}
	case EvAbort: // §3.10.5
		switch before.State {
		case StateSynReceived, StateEstablished, StateFinWait1, StateFinWait2, StateCloseWait:
			ok = after.State == StateClosed && segs == 1 && rsts == 1 && rst.Seq == before.SndNxt && !rst.Flags.Has(ACK)
		default:
			ok = after.State == StateClosed && segs == 0
		}
	}
	if ok {
		return 0
	}
	return StepCallNotAsSpecified
}

// timerFacts is what a retransmission timeout or R2's give-up did that StepFacts records:
// whether it kept R2's count (RFC 9293 §3.8.3).
func (sys *System) timerFacts(ev EventKind, before, after *Endpoint) StepFacts {
	r2 := sys.Machine.R2
	if r2 == 0 {
		return 0 // no bound: a variant that never gives up
	}
	same := after.State.HasTCB() && after.ISS == before.ISS
	switch ev {
	case EvRetransmit:
		if before.Retries >= r2 || same && after.Retries != before.Retries+1 {
			return StepR2Broken
		}
	case EvGiveUp:
		if before.Retries < r2 || same && after.State == before.State {
			return StepR2Broken
		}
	}
	return 0
}

// keepaliveFacts is StepProbeNotIdle: the keep-alive timer sent a probe while the side had
// sent data or a FIN the peer had not acknowledged (RFC 9293 §3.8.4, MUST-26).
func keepaliveFacts(before *Endpoint, out *Outcome) StepFacts {
	if before.Unacked() && out.Emit.Len() > 0 {
		return StepProbeNotIdle
	}
	return 0
}

// ackOutOfRange reports whether seg, a segment without SYN that carries an ACK, meets one
// of the states that share ESTABLISHED's ACK processing (ESTABLISHED, FIN-WAIT-1,
// FIN-WAIT-2, CLOSE-WAIT, CLOSING) with an ACK outside SND.UNA - MAX.SND.WND =< SEG.ACK =<
// SND.NXT: RFC 9293 §3.10.7.4's fifth check with RFC 5961 §5.2's lower bound, under which
// the segment is answered by an ACK and dropped. MAX.SND.WND is the fixed window.
func (sys *System) ackOutOfRange(ep *Endpoint, seg *Segment) bool {
	switch ep.State {
	case StateEstablished, StateFinWait1, StateFinWait2, StateCloseWait, StateClosing:
	default:
		return false
	}
	if seg.Flags.Has(SYN) || !seg.Flags.Has(ACK) {
		return false
	}
	sp, w := sys.Machine.Space, sys.Machine.Window
	return !sp.InWindow(seg.Ack, sp.Add(ep.SndUna, -w), w+sp.Dist(ep.SndUna, ep.SndNxt)+1)
}

// unacceptable is RFC 9293 §3.10.7.4's four-case acceptability test of seg, as sent, against
// ep's RCV.NXT and the fixed receive window.
func (sys *System) unacceptable(ep *Endpoint, seg *Segment) bool {
	sp, w, n := sys.Machine.Space, sys.Machine.Window, seg.SegLen()
	if n == 0 {
		return !sp.InWindow(seg.Seq, ep.RcvNxt, w)
	}
	return !sp.InWindow(seg.Seq, ep.RcvNxt, w) && !sp.InWindow(sp.Add(seg.Seq, n-1), ep.RcvNxt, w)
}
