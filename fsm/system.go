package fsm

import (
	"fmt"
	"strings"
)

// StaleMark records, per side, what old segments (SysState.Stale) have done to it.
// It is sticky ghost data: set once, never cleared.
type StaleMark uint8

// Stale effects.
const (
	// StaleOpened: an old SYN opened a TCB (LISTEN or SYN-SENT to SYN-RECEIVED). The RFC
	// allows this and recovers with a reset (§3.5, Figure 8).
	StaleOpened StaleMark = 1 << iota
	// StaleReset: an old segment (or a reply to one) moved the side to CLOSED or LISTEN.
	StaleReset
	// StaleMoved: an old segment caused any other state change, e.g. into ESTABLISHED or
	// CLOSE-WAIT: an old duplicate accepted.
	StaleMoved
	// StaleData: data of an old segment was delivered to the user.
	StaleData
	// StaleCleared: a TCB an old SYN opened at the side was reset by a TCB of the peer,
	// which found the TCB's SYN,ACK unacceptable (RFC 9293 §3.5 Figure 8).
	StaleCleared
)

func (m StaleMark) String() string {
	var parts []byte
	for i, n := range []string{"opened", "reset", "moved", "data", "cleared"} {
		if m&(1<<i) != 0 {
			if len(parts) > 0 {
				parts = append(parts, ',')
			}
			parts = append(parts, n...)
		}
	}
	return string(parts)
}

// MaxIncarnations bounds Config.Incarnations.
const MaxIncarnations = 7

// Ghost is what the system records about one side for properties; no rule reads it.
//
// Connection identity: a connection is a pair of TCBs that handshake with each other.
// Each TCB is known by its serial (SysState.Clock at its making), each segment by the
// TCBs it is between (Packet.From, To), so that simultaneous open, crash and restart,
// duplicates and the reuse of the 4-tuple are judged by what happened.
type Ghost struct {
	// Peer is the peer's TCB whose SYN the side's latest TCB accepted (its IRS), NoTCB
	// until it has; kept after the TCB is deleted.
	Peer TCB
	// Agreed: the segment that synchronized the side's latest TCB came from Peer and was
	// meant for this TCB: the peer's TCB had accepted this one's SYN, so each knows the
	// other's ISN.
	Agreed bool
	// Opens counts OPEN calls, active and passive, against Config.Incarnations; an active
	// OPEN in LISTEN turns that incarnation active and is not counted again.
	Opens uint8
	// Sent and Delivered count the data units of the side's latest TCB: passed to SEND by
	// this side's user, and delivered to this side's user. Compare a side's Sent with the
	// peer's Delivered only when the two latest TCBs are each other's Peer.
	Sent, Delivered uint8
	// Told: this side's user has been told of a reset, refusal, timeout or abort of its
	// latest TCB.
	Told bool
	// Closes counts the CLOSE calls of this side's user on its latest TCB.
	Closes uint8
	// SimOpen: the side's latest TCB took the peer's SYN in SYN-SENT, a simultaneous open
	// (RFC 9293 §3.5 Figure 7).
	SimOpen bool
	// HalfCloseData: data was delivered to this side while it sat in FIN-WAIT-2, its own
	// FIN sent and acknowledged: the half-close at work (RFC 9293 §3.6.1).
	HalfCloseData bool
	// Stale is what old segments have done to this side.
	Stale StaleMark
	// StaleRun: an old segment of a connection of this run that closed gracefully (from a
	// TCB in Graceful that its sender no longer holds) moved the side into a new
	// synchronized state, or delivered data to it: a later connection was disturbed by an
	// earlier one that ended as TCP means connections to end.
	StaleRun bool
	// Moved has bit k set when an old segment moved the side's TCB k to another state (an
	// old FIN to CLOSE-WAIT, say). Such a TCB's close is not graceful: the FIN it took was
	// not its peer's, and both sides may then close passively with nobody in TIME-WAIT; nor
	// is its connection's, whatever its peer's end did (SysState.closedGracefully).
	Moved uint32
	// Graceful has bit k set when the side's TCB k closed gracefully: it reached
	// TIME-WAIT, or was deleted after both FINs of its connection were exchanged and its
	// own acknowledged by its peer (Peer: the peer that so holds TIME-WAIT for it; not by a
	// reset, an abort, a crash or a timeout; see gracefulEnd), with no old segment having
	// moved it (Moved). Config.validate keeps every serial below maxSerial.
	Graceful uint32
}

// EndedGracefully reports whether the side's TCB t closed gracefully (Graceful); never for
// PreRun or NoTCB.
func (g Ghost) EndedGracefully(t TCB) bool {
	return t != PreRun && t < maxSerial && g.Graceful&(1<<t) != 0
}

// GhostParts names the parts of the ghost data that only some properties read. A System
// keeps the parts in its Tracks and leaves the others zero: each part splits states that
// are otherwise equal (a sticky bit doubles the states after it is set), so a search that
// checks no property reading a part should not pay for it.
type GhostParts uint8

// The parts.
const (
	// GhostOpen: the thesis of the open (Troubled, Opened, OpenSegs) and what the open
	// lost (LostSYN, LostSYNACK).
	GhostOpen GhostParts = 1 << iota
	// GhostLost: data and FINs lost for good (LostData, LostFIN).
	GhostLost
	// GhostTimers: whether a timer has expired (TimerExpired).
	GhostTimers
	// GhostClose: abrupt ends and closes ended by a reset (Abrupt, ResetOnClose). GhostOpen
	// keeps Abrupt too.
	GhostClose
	// GhostHalfOpen: half-open connections made by a crash and cleared by a reset
	// (HalfOpen).
	GhostHalfOpen
	// GhostCloseSegs: the thesis of the close (Closing, CloseSegs). It needs GhostOpen, which says when the first connection opened, and
	// GhostTimers, which says whether a timer touched its close.
	GhostCloseSegs
	// AllGhost is every part: what NewSystem keeps.
	AllGhost = GhostOpen | GhostLost | GhostTimers | GhostClose | GhostHalfOpen | GhostCloseSegs

	ghostCloseCount = GhostOpen | GhostTimers | GhostCloseSegs
)

// partNames are the parts' names, bit by bit.
var partNames = [...]string{"open", "lost", "timers", "close", "half-open", "close-segs"}

// String names the parts joined by "|", or "none".
func (p GhostParts) String() string {
	var names []string
	for i, n := range partNames {
		if p&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, "|")
}

// Settable is the part of p that a system of cfg can set: GhostHalfOpen records what a
// crash leaves, so without crashes it stays zero whether it is kept or not, and keeping
// it changes nothing. Two views that differ only in parts cfg cannot set are one view.
func (cfg Config) Settable(p GhostParts) GhostParts {
	if cfg.Faults.Crash == 0 {
		p &^= GhostHalfOpen
	}
	return p
}

// maxOpenSegs bounds SysState.OpenSegs: more than a simultaneous open's four are "too many".
const maxOpenSegs = 7

// The verdicts SysState.OpenSegs holds once the first connection has opened.
const (
	// OpenUntested: a fault, timer or failure touched the open, or only one side's SYN
	// met SYN-SENT: its count says nothing.
	OpenUntested uint8 = iota
	// OpenInThree: an untroubled open took three segments, or four when simultaneous
	// (RFC 9293 §3.5 Figures 6 and 7).
	OpenInThree
	// OpenInMore: an untroubled open took another number of segments.
	OpenInMore
	// OpenRecoveredSYN and OpenRecoveredSYNACK: a SYN (a SYN,ACK) was lost for good
	// before the open, which completed all the same, with no TCB ended abruptly:
	// retransmission at work.
	OpenRecoveredSYN
	OpenRecoveredSYNACK
)

// The values SysState.CloseSegs holds once Closing is set: 0 to 3 while the close is
// counted (one to four segments so far), then the verdict on it.
const (
	// CloseUntested: a fault, a timer (but the delayed-ACK timer) or an abrupt end touched
	// the run before the close ended: its count says nothing.
	CloseUntested uint8 = 4 + iota
	// CloseInThree: an untouched close took three segments: the second FIN rode on the
	// ACK of the first (a delayed ACK, Endpoint.AckPending), both users having called
	// CLOSE.
	CloseInThree
	// CloseInFour: an untouched close took four segments: FIN, ACK, FIN, ACK (RFC 9293
	// Figure 13), or the two FINs crossed and each was acknowledged (Figure 14).
	CloseInFour
	// CloseInMore: an untouched close took another number of segments, or a FIN left
	// that its user had not asked for with a CLOSE.
	CloseInMore
	// closeCounted is the largest count: four segments so far.
	closeCounted = 3
)

// countClose counts seg, sent by side in a step from before to after of a run no fault,
// timer (but the delayed-ACK timer) or abrupt end has touched, when it is one of the
// close's: a FIN, a pure ACK from a side that has taken the peer's FIN, unless it answers a
// segment the side drops (answer: an old or overtaken segment, outside the receive window
// or with its ACK out of range, draws an ACK, RFC 9293 §3.10.7.4 first and fifth checks
// and RFC 5961 §5.2, and the network reorders without a fault budget) and carries no ACK
// that was held (then it is the ACK of the peer's FIN, which the close needs), or a data
// unit carrying an ACK that was held (the ACK of the peer's FIN riding on data).
// The count starts at the first FIN sent after the first connection opened, while the two
// sides still hold that connection; a FIN sent before (a CLOSE during the open) leaves the
// close unjudged. A fifth segment gives the verdict at once, CloseInMore. (Once the run is
// touched, commit makes the count CloseUntested and stops it.)
func (s *SysState) countClose(side Side, before, after *Endpoint, seg *Segment, answer bool) {
	fin := seg.Flags.Has(FIN)
	if !s.Closing {
		if fin && s.Connected() && !before.State.FinSent() && !before.State.FinReceived() &&
			!s.Ep[side.Peer()].State.FinSent() {
			s.Closing, s.CloseSegs = true, 0
		}
		return
	}
	if s.CloseSegs >= CloseUntested {
		return
	}
	pureACK := seg.Flags == ACK && seg.Len == 0 && after.State.FinReceived() && (!answer || before.AckPending)
	if !fin && !pureACK && !(before.AckPending && seg.Len > 0) {
		return
	}
	if s.CloseSegs == closeCounted {
		s.CloseSegs = CloseInMore
		return
	}
	s.CloseSegs++
}

// closeDone reports whether both FINs are now acknowledged: the stepping side's from
// before to after, the peer's as peer holds it. A side's FIN is acknowledged in FIN-WAIT-2
// and TIME-WAIT, and when the ACK of it ends LAST-ACK.
func closeDone(before, after, peer *Endpoint) bool {
	acked := func(st State) bool { return st == StateFinWait2 || st == StateTimeWait }
	self := acked(after.State) || before.State == StateLastAck && !after.State.HasTCB()
	return self && acked(peer.State)
}

// judgeClose gives the verdict on the first connection's close, which has just ended in a
// run nothing has touched.
func (s *SysState) judgeClose() {
	n := s.CloseSegs + 1
	asked := s.Ghost[A].Closes > 0 && s.Ghost[B].Closes > 0
	switch {
	case !asked:
		s.CloseSegs = CloseInMore
	case n == 4:
		s.CloseSegs = CloseInFour
	case n == 3:
		s.CloseSegs = CloseInThree
	default:
		s.CloseSegs = CloseInMore
	}
}

// OpenVerdict is the verdict on how the first connection opened (OpenUntested, OpenInThree,
// OpenInMore, OpenRecoveredSYN, OpenRecoveredSYNACK), and whether it is known: the open has
// been judged.
func (s *SysState) OpenVerdict() (uint8, bool) { return s.OpenSegs, s.Opened }

// CloseVerdict is the verdict on how the first connection closed (CloseUntested,
// CloseInThree, CloseInFour, CloseInMore), and whether it is known. A close that took
// more than four segments is known at once: a fifth was sent.
func (s *SysState) CloseVerdict() (uint8, bool) {
	if !s.Closing || s.CloseSegs < CloseUntested {
		return 0, false
	}
	return s.CloseSegs, true
}

// synAcked reports whether e holds a TCB whose SYN the peer has acknowledged.
func synAcked(e *Endpoint) bool {
	return e.State.HasTCB() && e.State != StateListen && e.State != StateSynSent && e.SndUna != e.ISS
}

// openNow reports whether the first connection is established at both ends in s: the
// sides hold TCBs that handshook with each other and each has had its SYN acknowledged.
func (s *SysState) openNow() bool {
	return synAcked(&s.Ep[A]) && synAcked(&s.Ep[B]) && s.Connected()
}

// open records that the first connection has opened: OpenSegs becomes the verdict on how
// many segments it took, given whether the run was untroubled (clean).
func (s *SysState) open(clean bool) {
	want := uint8(3)
	simA, simB := s.Ghost[A].SimOpen, s.Ghost[B].SimOpen
	if simA && simB {
		want = 4
	}
	switch {
	case s.Lost&LostSYN != 0 && !s.Abrupt:
		s.OpenSegs = OpenRecoveredSYN
	case s.Lost&LostSYNACK != 0 && !s.Abrupt:
		s.OpenSegs = OpenRecoveredSYNACK
	case !clean || simA != simB:
		// Only one SYN met SYN-SENT: the other reached a side already established by
		// the first SYN,ACK, which acknowledges it again (RFC 9293 §3.10.7.4). Neither
		// Figure 6 nor Figure 7; how many segments it takes depends on the order.
		s.OpenSegs = OpenUntested
	case s.OpenSegs == want:
		s.OpenSegs = OpenInThree
	default:
		s.OpenSegs = OpenInMore
	}
	s.Opened, s.Troubled = true, false
	s.Lost &^= LostSYN | LostSYNACK
}

// LostKinds records what the network has lost for good (SysState.Lost): the only copy in
// flight of a segment of this run carrying SYN (or SYN,ACK) before the first connection
// opened, of data, or of a FIN. Only a retransmission can then make up for it.
type LostKinds uint8

// The kinds of loss SysState.Lost records.
const (
	LostSYN LostKinds = 1 << iota
	LostSYNACK
	LostData
	LostFIN
	lostBits = 4
	// lostEarly are the kinds only the first open records, and clears.
	lostEarly = LostSYN | LostSYNACK
)

// maxSerial bounds TCB serials so that Ghost.Graceful and Ghost.Moved hold one bit per
// TCB and fit, with the rest of an endpoint's fields, the 64 bits of one group of the
// encoding (layout.endpoint).
const maxSerial = 22

// MovedByOld reports whether an old segment has moved the side's TCB t (Moved).
func (g Ghost) MovedByOld(t TCB) bool {
	return t != PreRun && t < maxSerial && g.Moved&(1<<t) != 0
}

// SysState is the whole system: two endpoints, the network, the remaining fault budgets and
// the ghost data. It is a comparable value.
type SysState struct {
	Ep    [2]Endpoint
	Net   Network
	Left  Faults
	Ghost [2]Ghost
	// Clock is each host's ISN clock, counting the TCBs it has made: a new TCB reads
	// Clock+1 (see Machine.ISN), and the reading is the TCB's serial. Clock[side] is so the
	// serial of the side's latest TCB, 0 before it has one.
	Clock [2]uint8
	// Timed is ghost data: a timer has expired (a retransmission, giving up, 2MSL,
	// keepalive or the user timeout) since an old segment opened a TCB (StaleOpened), so
	// that a property can tell whether the handshake recovered from it without waiting for
	// one. It is also set once a side is past ESTABLISHED after that: only the handshake is
	// asked about. Tracking it only after an old SYN keeps other states from splitting.
	Timed bool
	// HalfOpen is ghost data on RFC 9293 §3.5.2's half-open connections (Figures 10-12),
	// kept only when crashes are allowed: HalfOpenA or HalfOpenB once a host crashed while
	// its peer (A or B, the survivor) held a synchronized TCB, HalfOpenCleared once a reset
	// then ended the survivor's TCB. Sticky.
	HalfOpen uint8
	// Step is what the step that made this state did that the state does not keep (see
	// StepFacts): not part of the state, so Encode leaves it out, Decode gives none, and
	// every step starts with none. Properties of kind step (checker.KindStep) judge it.
	Step StepFacts
	// Abrupt is ghost data: some TCB ended without the exchange of FINs: R2's give-up, the
	// user timeout, an ABORT, a crash, or a CLOSE in SYN-SENT (which deletes the TCB,
	// RFC 9293 §3.10.4). Sticky.
	Abrupt bool
	// Lost is ghost data: what kinds of segment the network has lost (sticky, but for
	// LostSYN, which only the first open records). Properties ask whether the protocol
	// recovered from each.
	Lost LostKinds
	// TimerExpired is ghost data: some timer has expired in the run (sticky).
	TimerExpired bool
	// Troubled is ghost data: before the first connection opened (Opened), a timer
	// expired, a user was told of a failure (refused, reset, timed out, aborted), or a
	// user called CLOSE or ABORT (a FIN's ACK would count as one of the open's).
	// Together with the fault budgets (Left) and Abrupt it says whether the open was one
	// the network and the timers left alone.
	Troubled bool
	// Opened is ghost data: the run's first connection has been established at both ends:
	// the sides hold TCBs that handshook with each other, and each has had its SYN
	// acknowledged. Until then OpenSegs counts the segments sent that carry SYN or are pure
	// ACKs (no data, FIN or RST), up to maxOpenSegs, leaving out what the opening step
	// itself sends (an ACK of data that rode on the third segment, say). When the
	// connection opens, OpenSegs becomes the verdict on it (OpenUntested, OpenInThree,
	// OpenInMore) and Troubled is cleared: later states need only the verdict.
	Opened   bool
	OpenSegs uint8
	// Closing is ghost data on the thesis of the close, kept only with GhostCloseSegs: the
	// first FIN after the first connection opened has left. CloseSegs then counts the
	// close's segments, 0 to 3 for one to four, and holds the verdict on the close once both
	// FINs are acknowledged (CloseUntested, CloseInThree, CloseInFour, CloseInMore; see
	// countClose, judgeClose, CloseVerdict). The encoding keeps CloseSegs in the bits of
	// Troubled and the open's losses, which are clear once the connection has opened.
	Closing   bool
	CloseSegs uint8
	// ResetOnClose is ghost data: a RST ended a TCB of a connection established at both
	// ends (Ghost.Agreed) whose user had called CLOSE, before it reached TIME-WAIT: the
	// close ended in a reset, not its handshake. Sticky.
	ResetOnClose bool
}

// The values of SysState.HalfOpen.
const (
	HalfOpenNone uint8 = iota
	HalfOpenA
	HalfOpenB
	HalfOpenCleared
)

// StepFacts records what one step did that a property may judge and the state does not keep:
// how a side answered the segment it took, what a reset did. A fact is an observation, not a
// verdict: the RFC table gives rise to none of them, and each names the rule of RFC 9293 a
// table that does would break. Recording them per step rather than as sticky ghost bits
// costs the encoding nothing.
type StepFacts uint16

// The facts.
const (
	// StepResetIgnored: a reset the side had to honour left its TCB in place: in
	// SYN-RECEIVED or a synchronized state but TIME-WAIT, one whose SEG.SEQ is exactly
	// RCV.NXT (RFC 9293 §3.10.7.4, second check, as RFC 5961 §3.2 amends it); in SYN-SENT,
	// one whose ACK acknowledges our SYN (§3.10.7.3).
	StepResetIgnored StepFacts = 1 << iota
	// StepResetGuessed: a reset whose SEG.SEQ is not exactly RCV.NXT ended a TCB in
	// SYN-RECEIVED or a synchronized state: a blind attacker that hits the window, or an
	// old reset, would end the connection (RFC 5961 §3.2; in TIME-WAIT, RFC 1337).
	StepResetGuessed
	// StepResetAnswered: a segment that carried RST drew an answer: any, when it was
	// outside the receive window, exactly RCV.NXT, or reached a side in CLOSED, LISTEN or
	// SYN-SENT; anything but one challenge ACK when it fell in the window without being
	// exact. RFC 9293 §3.5.2: "in no case does receipt of a segment containing RST give
	// rise to a RST in response"; §3.10.7.4 first check: "unless the RST bit is set, if so
	// drop the segment and return"; RFC 5961 §3.2 for the challenge ACK.
	StepResetAnswered
	// StepListenerLost: a TCB that a passive OPEN made, in LISTEN or in SYN-RECEIVED from
	// LISTEN, went to CLOSED or SYN-SENT on a segment or a timer, not on its user's call
	// or a crash: RFC 9293 returns such a connection to LISTEN (§3.10.7.4, second and
	// fourth checks; §3.10.7.2 ignores a RST in LISTEN), and so must R2's give-up.
	StepListenerLost
	// StepNotAcked: the side took something that occupies sequence space (a SYN, a data
	// unit or a FIN, in order) and sent nothing that acknowledges it in the same step
	// (RFC 9293 §3.10.7.3 fourth check, §3.10.7.4 seventh and eighth: "send an
	// acknowledgment"), but for a FIN taken in ESTABLISHED whose ACK it holds
	// (Endpoint.AckPending: a delayed ACK, RFC 9293 §3.8.6.3, RFC 1122 §4.2.3.2); or it
	// let a held ACK go, its TCB still open, without sending a segment that carries it;
	// or its delayed-ACK timer expired and sent no ACK.
	StepNotAcked
	// StepUnanswered: a segment reached a side in SYN-RECEIVED or a synchronized state whose
	// rate limiter was open, was not taken, and drew no ACK of RCV.NXT: one without RST the
	// receive window does not accept (RFC 9293 §3.10.7.4 first check; RFC 5961 §7); in
	// ESTABLISHED, FIN-WAIT-1 or FIN-WAIT-2, one that occupies sequence space beyond RCV.NXT
	// (an immediate duplicate ACK, RFC 5681 §4.2); a reset in the window but not exact,
	// outside TIME-WAIT (its challenge ACK, RFC 5961 §3.2); in ESTABLISHED, FIN-WAIT-1,
	// FIN-WAIT-2, CLOSE-WAIT or CLOSING, an acceptable one whose ACK is out of range (of
	// unsent data, or older than SND.UNA - MAX.SND.WND), which must moreover not be taken at
	// all (§3.10.7.4 fifth check: "send an ACK, drop the segment, and return"; RFC 5961 §5).
	// That ACK is what repairs a lost ACK, tells the sender what is missing, and tells a
	// restarted peer it is half-open.
	StepUnanswered
	// StepNoReset: a segment for no connection drew no reset its sender would accept: in
	// CLOSED any segment without RST, in LISTEN one with ACK (RFC 9293 §3.10.7.1,
	// §3.10.7.2), answered <SEQ=SEG.ACK><CTL=RST> when it carries ACK and
	// <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> when not; or a segment whose ACK
	// acknowledges nothing the side sent drew no <SEQ=SEG.ACK><CTL=RST>: in SYN-SENT any
	// but a reset (§3.10.7.3 first check), in SYN-RECEIVED an acceptable one without SYN
	// (§3.10.7.4 fifth check).
	StepNoReset
	// StepAckIgnored: a side in SYN-RECEIVED or a synchronized state took an acceptable
	// segment whose ACK acknowledges something new (SND.UNA < SEG.ACK =< SND.NXT) and kept
	// its TCB with SND.UNA short of SEG.ACK (RFC 9293 §3.10.7.4 fifth check: "set SND.UNA
	// <- SEG.ACK").
	StepAckIgnored
	// StepAckedAck: an acceptable segment that occupies no sequence space, with an ACK in
	// range, drew a segment that occupies none either: an ACK answering an ACK, which two
	// endpoints could echo for ever (RFC 9293 §3.10.7.4 fifth check processes the ACK and
	// sends nothing).
	StepAckedAck
	// StepIRSNotFromSYN: a segment gave a TCB an IRS (a new one, or a changed one) that is
	// not the sequence number of a SYN it carried (RFC 9293 §3.3.1: IRS is the SYN's
	// sequence number; §3.10.7.2, §3.10.7.3).
	StepIRSNotFromSYN
	// StepR2Broken: a retransmission timeout did not count toward R2, or retransmitted an
	// item R2 times retransmitted already; or R2's give-up came before R2 retransmissions,
	// or left the TCB where it was (RFC 9293 §3.8.3; RFC 1122 §4.2.3.5). R2 is what
	// releases a TCB whose peer will never answer.
	StepR2Broken
	// StepDeliveredTwice: a side's new TCB delivered data sent by the peer TCB whose data
	// the side's previous TCB had already delivered: a duplicate of a segment that carried
	// data opened a connection and handed the same data to the user again (a request served
	// twice: RFC 7413 §6.3.1, RFC 1644). Only the previous TCB is remembered.
	StepDeliveredTwice
	// StepDataToStranger: data sent on a connection reached the peer before the peer had
	// learned the connection: a current segment (not an old one) carrying data, and no SYN,
	// arrived at a side whose TCB had not taken the sending TCB's SYN (CLOSED, LISTEN,
	// SYN-SENT, or a TCB whose IRS came from another TCB). The sender's user was told its
	// connection is open while the peer knew nothing of it (RFC 9293 §3.5: a TCB sends data
	// only once both ISNs are known and acknowledged).
	StepDataToStranger
	// StepCallNotAsSpecified: a user's call the side took did something else than RFC
	// 9293 §3.10 says it does: an active OPEN (§3.10.1; from CLOSED, or from LISTEN, which
	// makes the connection active) that did not select its ISS from the ISN clock (§3.4.1),
	// enter SYN-SENT, send a SYN numbered ISS and nothing else, and leave the TCB active; a passive OPEN that did not enter LISTEN,
	// passive and silent; a CLOSE (§3.10.4) in SYN-SENT that did not delete the TCB
	// silently, or one in SYN-RECEIVED, ESTABLISHED or CLOSE-WAIT that did not send a FIN
	// (and no RST) and enter FIN-WAIT-1, FIN-WAIT-1 or LAST-ACK, but for a FIN that
	// SYN-RECEIVED queues (FinPending, "queue for processing after entering ESTABLISHED");
	// an ABORT (§3.10.5) that did not delete the TCB, or did not send exactly a reset
	// <SEQ=SND.NXT><CTL=RST> from SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2 or
	// CLOSE-WAIT and nothing from any other state. A call the model refuses makes no step
	// and no fact.
	StepCallNotAsSpecified
	// StepOutOfOrder: a side handed its user data of a segment that did not begin at
	// RCV.NXT, or moved RCV.NXT on by less than it delivered: data reached the user out of
	// the order it was sent in (RFC 9293 §2.2: TCP's service is reliable and in order;
	// §3.10.7.4 seventh check delivers the text at RCV.NXT and advances RCV.NXT over it).
	// The model's data units are alike, so only their sequence numbers tell an order; the
	// model holds no segment beyond RCV.NXT for later (docs/model.md), so any delivery
	// comes from the segment the step took.
	StepOutOfOrder
	// StepProbeNotIdle: a side's keep-alive timer sent a probe while something it had sent
	// (data, a FIN) was not yet acknowledged. RFC 9293 §3.8.4: "Keep-alive packets MUST
	// only be sent when no sent data is outstanding" (MUST-26); what is outstanding is the
	// retransmission timer's to recover, and a probe on a busy connection is traffic for
	// nothing.
	StepProbeNotIdle
)

// String is compact: the two states and the packets in flight.
func (s SysState) String() string {
	return fmt.Sprintf("A=%s B=%s net=%s", s.Ep[A].State, s.Ep[B].State, s.Net)
}

// Detail adds the TCBs, budgets and ghost data.
func (s SysState) Detail() string {
	return fmt.Sprintf("A: %v %+v\nB: %v %+v\nnet=%s left=%+v clock=%v",
		s.Ep[A], s.Ghost[A], s.Ep[B], s.Ghost[B], s.Net, s.Left, s.Clock)
}

// Holds reports whether side currently holds its TCB with serial t.
//
// Holds and Connected take a pointer: properties call them on every state, and a value
// receiver has the caller copy the whole state for the call even when it is inlined.
func (s *SysState) Holds(side Side, t TCB) bool {
	return s.Ep[side].State.HasTCB() && TCB(s.Clock[side]) == t
}

// Connected reports whether the two sides' latest TCBs are each other's Peer: they
// handshook with each other.
func (s *SysState) Connected() bool {
	return s.Ghost[A].Peer == TCB(s.Clock[B]) && s.Ghost[B].Peer == TCB(s.Clock[A]) &&
		s.Clock[A] > 0 && s.Clock[B] > 0
}

// Stale reports whether p is an old segment for the side it goes to: a segment of a
// connection other than the one that side is in, and not of a newer one.
//
// A segment of the TCB before the run is always old. To a side with a TCB, a segment from
// the peer's TCB this one handshook with is current; any other is old when it is meant for
// another of that side's TCBs (an earlier one), or when it comes from a TCB of the peer
// older than the one this TCB handshook with. To a side without a
// TCB, only a SYN from a TCB its sender still holds in SYN-SENT is current: anything else
// belongs to a connection that has had its handshake, or is gone.
func (s SysState) Stale(p Packet) bool { return s.stale(&p) }

// stale is Stale without copying the state or the packet.
func (s *SysState) stale(p *Packet) bool {
	if p.From == PreRun {
		return true
	}
	dst, src := p.Dst(), p.Src
	if s.Ep[dst].State.HasTCB() {
		peer := s.Ghost[dst].Peer
		if peer != NoTCB && p.From == peer {
			// From the TCB this one handshook with, even if that TCB handshook with
			// another: a confused peer is current, not old.
			return false
		}
		if p.To != NoTCB && p.To != TCB(s.Clock[dst]) {
			return true
		}
		return peer != NoTCB && p.From != NoTCB && p.From < peer
	}
	if p.From == NoTCB {
		return p.To != NoTCB
	}
	return !(p.Seg.Flags.Has(SYN) && s.Holds(src, p.From) && s.Ep[src].State == StateSynSent)
}

// System is the two-endpoint model: Init lists its initial state, Actions and Next its
// transitions, Encode and Decode its canonical bytes (EncodedSize of them), Label, Fair
// and StrongFair what a model checker needs to print runs and judge liveness. It knows
// nothing of what is checked of it: package properties pairs it with properties for the
// checker. Build it with NewSystem, and again for another Config: the Machine and the
// encoding are sized from it.
type System struct {
	Config  Config
	Machine Machine
	// Tracks is the ghost data kept beyond what every property may read (GhostParts);
	// NewSystem keeps all of it, and a checker of fewer properties may narrow it.
	Tracks GhostParts
	// old is OldSegments, computed once.
	old []Packet
	// enc is the layout of Encode's bits, computed from Config by NewSystem; never
	// changed.
	enc *layout
}

// NewSystem builds the system of cfg running the named variant.
func NewSystem(cfg Config, variant string) (System, error) {
	v, err := LookupVariant(variant)
	if err != nil {
		return System{}, fmt.Errorf("new system: %w", err)
	}
	cfg.Timing = v.Timing(cfg.Timing)
	if err := cfg.validate(); err != nil {
		return System{}, fmt.Errorf("new system: %w", err)
	}
	m, err := NewMachine(variant, cfg.SeqBits, cfg.Window)
	if err != nil {
		return System{}, fmt.Errorf("new system: %w", err)
	}
	m.R2 = cfg.R2()
	m.Stride = [2]uint32{cfg.Stride(A), cfg.Stride(B)}
	m.Throttle = !cfg.Timing.NoThrottle
	sys := System{Config: cfg, Machine: m, Tracks: AllGhost, enc: newLayout(cfg)}
	sys.old = sys.oldSegments()
	return sys, nil
}

// Init is the single initial state: both CLOSED, or A CLOSED and B LISTEN.
func (sys *System) Init() []SysState {
	var s SysState
	s.Ep[A].Host, s.Ep[B].Host = 0, 1
	s.Left = sys.Config.Faults
	s.Ghost[A].Peer, s.Ghost[B].Peer = NoTCB, NoTCB
	if sys.Config.Shape == ClientServer {
		s.Ep[B].State = StateListen
		s.Ep[B].Passive = true
		s.Ghost[B].Opens = 1
	}
	return []SysState{s}
}

// Terminal is true for proper ends: nothing in flight and each side CLOSED or LISTEN, or
// left ESTABLISHED or CLOSE-WAIT because its user may not CLOSE.
func (sys *System) Terminal(s SysState) bool {
	if s.Net.N > 0 { // not Net.Len(), whose value receiver would copy the network
		return false
	}
	for side := A; side <= B; side++ {
		st := s.Ep[side].State
		if st == StateClosed || st == StateListen {
			continue
		}
		if (st == StateEstablished || st == StateCloseWait) && sys.Config.calls(side)&CallClose == 0 {
			continue
		}
		return false
	}
	return true
}
