package properties

import (
	"errors"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
)

var sides = [2]fsm.Side{fsm.A, fsm.B}

// NoHalfOpenAcceptance: both sides are ready before data flows.
var NoHalfOpenAcceptance = Property{
	Name:  "no-half-open-acceptance",
	Claim: "both sides are ready before data flows",
	Statement: "Whenever a side is ESTABLISHED, the SYN its TCB accepted came from a TCB of " +
		"its peer made in this run (not a duplicate from the connection before the run), and " +
		"the peer, if it still holds that TCB, has received this side's SYN: it is no longer " +
		"in SYN-SENT.",
	Kind: checker.KindAlways,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool {
			for _, x := range sides {
				if s.Ep[x].State == fsm.StateEstablished && !peerTookPart(&s, x) {
					return false
				}
			}
			return true
		}
	},
}

// peerTookPart: the TCB whose SYN x accepted is one of this run, and the peer, if it
// still holds it, has received x's SYN.
func peerTookPart(s *fsm.SysState, x fsm.Side) bool {
	y, p := x.Peer(), s.Ghost[x].Peer
	if p == fsm.PreRun || p == fsm.NoTCB {
		return false
	}
	return !s.Holds(y, p) || s.Ep[y].State != fsm.StateSynSent
}

// ISNAgreement: both sides agree on both initial sequence numbers.
var ISNAgreement = Property{
	Name:  "isn-agreement",
	Claim: "both sides agree on both ISNs",
	Statement: "Whenever a side is ESTABLISHED, the segment that synchronized it came from the " +
		"peer's TCB whose SYN it accepted (so its IRS is that TCB's ISS) and acknowledged this " +
		"side's own SYN (that TCB had accepted it); and the peer, if it still holds that TCB, " +
		"is past SYN-SENT with IRS = this side's ISS and ISS = this side's IRS.",
	Kind: checker.KindAlways,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool {
			for _, x := range sides {
				if s.Ep[x].State != fsm.StateEstablished {
					continue
				}
				y, p := x.Peer(), s.Ghost[x].Peer
				if !s.Ghost[x].Agreed {
					return false
				}
				if s.Holds(y, p) && (s.Ep[y].State == fsm.StateSynSent ||
					s.Ep[y].IRS != s.Ep[x].ISS || s.Ep[y].ISS != s.Ep[x].IRS) {
					return false
				}
			}
			return true
		}
	},
}

// NoStaleAcceptance: a delayed old segment does not open a connection or deliver data.
var NoStaleAcceptance = Property{
	Name:  "no-stale-acceptance",
	Claim: "a delayed old SYN does not open a connection",
	Statement: "No old segment (one of a connection other than the receiver's: from the " +
		"connection before the run, meant for an earlier TCB of the receiver, or from a TCB of the " +
		"peer older than the one the receiver handshook with) moves a side into a synchronized " +
		"state or any state other than SYN-RECEIVED, CLOSED or LISTEN, and none delivers data. " +
		"(An old SYN may still take a listener to SYN-RECEIVED: the RFC accepts that and recovers " +
		"with a reset, §3.5 Figure 8.)",
	Kind: checker.KindAlways,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool {
			for _, x := range sides {
				if s.Ghost[x].Stale&(fsm.StaleMoved|fsm.StaleData) != 0 {
					return false
				}
			}
			return true
		}
	},
}

// OldSYNRecoveredPromptly: the handshake recovers from an old SYN without waiting for a
// timeout.
var OldSYNRecoveredPromptly = Property{
	Name:  "old-syn-recovered-promptly",
	Claim: "a delayed old SYN is cleared without waiting for a timeout",
	Statement: "Some reachable state has both sides ESTABLISHED with TCBs that handshook with " +
		"each other, after a delayed old SYN opened a TCB at one of them that a TCB of the peer " +
		"reset, and no timer has expired since the old SYN: the reset that answers the old " +
		"SYN's SYN,ACK in SYN-SENT clears it at once " +
		"(RFC 9293 §3.5 Figure 8), where otherwise only a retransmission or giving up after R2 " +
		"would.",
	Kind:    checker.KindSometimes,
	Premise: needsListener,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool {
			cleared := (s.Ghost[fsm.A].Stale|s.Ghost[fsm.B].Stale)&fsm.StaleCleared != 0
			return cleared && !s.Timed && s.Connected() &&
				s.Ep[fsm.A].State == fsm.StateEstablished && s.Ep[fsm.B].State == fsm.StateEstablished
		}
	},
}

// CallsAccepted: the calls RFC 9293 §3.10 accepts in a state are not refused there.
var CallsAccepted = Property{
	Name:  "calls-accepted",
	Claim: "a user may OPEN, CLOSE and ABORT wherever RFC 9293 lets it",
	Statement: "In every reachable state each call a side's user may make (the config's calls) " +
		"is enabled where RFC 9293 §3.10 accepts it: an active OPEN in CLOSED and LISTEN, a " +
		"passive one in CLOSED (§3.10.1), while the user has OPENs left (Config.Incarnations); " +
		"CLOSE in SYN-SENT, SYN-RECEIVED, ESTABLISHED and CLOSE-WAIT (§3.10.4); ABORT in every " +
		"state with a TCB but TIME-WAIT (§3.10.5) — except CLOSE and ABORT in LISTEN and in a " +
		"passive OPEN's SYN-RECEIVED, which the model's users do not make (a server does not " +
		"stop listening, and sees a connection once it is ESTABLISHED, as accept() does), and " +
		"ABORT in TIME-WAIT, which no real stack offers (deviations in docs/model.md); judged " +
		"where the network has room for the segment a call may send. A table that refuses one " +
		"leaves a user no way to give up an open, to close, or to abort.",
	Kind: checker.KindAlways,
	build: func(sys fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool {
			if int(s.Net.N) >= sys.Config.Capacity {
				return true
			}
			for side := fsm.A; side <= fsm.B; side++ {
				calls, ep := sys.Config.CallsOf(side), &s.Ep[side]
				for _, ev := range callsAccepted(ep, calls, s.Ghost[side].Opens < sys.Config.Incarnations) {
					if _, ok := sys.Next(s, fsm.Action{Kind: fsm.ActCall, Side: side, Event: ev}); !ok {
						return false
					}
				}
			}
			return true
		}
	},
}

// callsAccepted lists the calls RFC 9293 §3.10 accepts from a user allowed calls, in ep's
// state, that the model's users make (see CallsAccepted); opensLeft: the user may OPEN again.
func callsAccepted(ep *fsm.Endpoint, calls fsm.Calls, opensLeft bool) []fsm.EventKind {
	var out []fsm.EventKind
	st := ep.State
	if calls&fsm.CallOpen != 0 && (st == fsm.StateListen || st == fsm.StateClosed && opensLeft) {
		out = append(out, fsm.EvOpen)
	}
	if calls&fsm.CallListen != 0 && st == fsm.StateClosed && opensLeft {
		out = append(out, fsm.EvListen)
	}
	passiveSynReceived := st == fsm.StateSynReceived && ep.Passive
	switch {
	case calls&fsm.CallClose == 0 || passiveSynReceived:
	case st == fsm.StateSynSent, st == fsm.StateSynReceived, st == fsm.StateEstablished, st == fsm.StateCloseWait:
		out = append(out, fsm.EvClose)
	}
	if calls&fsm.CallAbort != 0 && st.HasTCB() && st != fsm.StateTimeWait && !passiveSynReceived {
		out = append(out, fsm.EvAbort)
	}
	return out
}

// HalfOpenReset: a half-open connection is reset by the restarted host.
var HalfOpenReset = Property{
	Name:  "half-open-reset",
	Claim: "a connection left half-open by a crash is discovered and reset",
	Statement: "Some run in which a host crashes while its peer is synchronized (short of " +
		"TIME-WAIT) reaches a state where a reset has ended the survivor's TCB: the restarted " +
		"host, which no longer knows the connection, answers the survivor's next segment with " +
		"a reset (RFC 9293 §3.5.2, Figures 10 to 12; SysState.HalfOpen). Not applicable " +
		"without crashes.",
	Reads:   fsm.GhostHalfOpen,
	Kind:    checker.KindSometimes,
	Premise: needsCrash,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool { return s.HalfOpen == fsm.HalfOpenCleared }
	},
}

// needsCrash: a half-open connection needs a crash (RFC 9293 §3.5.2).
func needsCrash(cfg fsm.Config) error {
	if cfg.Faults.Crash == 0 {
		return errors.New("no host crashes: a half-open connection needs one (RFC 9293 §3.5.2)")
	}
	return nil
}

// CloseNotReset: a close both users started ends without a reset.
var CloseNotReset = Property{
	Name:  "close-not-reset",
	Claim: "a close ends gracefully, not in a reset",
	Statement: "No RST ends a TCB of a connection established at both ends (Ghost.Agreed: " +
		"each knows the other's ISN) whose user has called CLOSE, before it reaches TIME-WAIT " +
		"(where the close is done), unless some TCB of the run ended abruptly (R2's give-up, the " +
		"user timeout, an ABORT, a crash or a CLOSE in SYN-SENT: SysState.Abrupt), whatever " +
		"the network loses, " +
		"duplicates or delays (SysState.ResetOnClose). A lost last ACK is what TIME-WAIT " +
		"answers: the peer's retransmitted FIN finds TIME-WAIT, not a closed port that resets " +
		"it (RFC 9293 §3.6).",
	Reads: fsm.GhostClose,
	Kind:  checker.KindAlways,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool { return s.Abrupt || !s.ResetOnClose }
	},
}

// OpenTakesThree: the thesis of the handshake, counted.
var OpenTakesThree = Property{
	Name:  "open-takes-three",
	Claim: "three segments open a connection",
	Statement: "In a run that no fault, timer, failure or early close has touched until then " +
		"(no fault budget used, no timer expired, no user told of a failure, no CLOSE or ABORT " +
		"before the open completed, no TCB ended abruptly), the " +
		"first connection is established at both ends (each side's SYN acknowledged) after " +
		"exactly three segments that carry SYN or are pure ACKs: SYN, SYN,ACK, ACK (RFC 9293 " +
		"§3.5 Figure 6); four when the two SYNs cross in a simultaneous open (Figure 7); an open " +
		"in which only one SYN met SYN-SENT is neither and is not judged. Data " +
		"and FINs that ride along are not counted, nor what the opening step itself sends " +
		"(SysState.OpenSegs).",
	Reads: fsm.GhostOpen,
	Kind:  checker.KindAlways,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool { v, ok := s.OpenVerdict(); return !ok || v != fsm.OpenInMore }
	},
}

// CloseTakesFour: the thesis of the close, counted.
var CloseTakesFour = Property{
	Name:  "close-takes-four",
	Claim: "four segments close a connection, three when a FIN rides on the ACK of the peer's FIN",
	Statement: "In a run that no fault, timer (but the delayed-ACK timer) or abrupt end has " +
		"touched, once both FINs of the first connection are acknowledged its close took " +
		"exactly four segments, FIN, ACK, FIN, ACK (RFC 9293 §3.6 Figure 12; crossing FINs, " +
		"Figure 13, also four), or three when the second FIN carried the ACK of the first, " +
		"and either only when both users had called CLOSE: a FIN is how a user says it has " +
		"nothing more to send (§3.10.4), so the second FIN may ride on the ACK of the first " +
		"only when its user has nothing left to send. Counted from the first FIN: the FINs, " +
		"the pure ACKs of a side that has taken the peer's FIN, and a data unit that carries " +
		"the held ACK of the peer's FIN (SysState.CloseVerdict). A fifth segment fails at once. " +
		"An ACK that answers a segment its side drops, old or overtaken, is the network's " +
		"doing and is not counted: one outside the receive window (§3.10.7.4 first check) or " +
		"whose ACK is older than SND.UNA - MAX.SND.WND or beyond SND.NXT (fifth check, RFC " +
		"5961 §5.2).",
	Reads: fsm.GhostOpen | fsm.GhostTimers | fsm.GhostCloseSegs,
	Kind:  checker.KindAlways,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool { v, ok := s.CloseVerdict(); return !ok || v != fsm.CloseInMore }
	},
}

// FinRidesOnAck: a close in three segments happens.
var FinRidesOnAck = Property{
	Name:  "fin-rides-on-ack",
	Claim: "a FIN may ride on the ACK of the peer's FIN: a close in three segments",
	Statement: "Some run that no fault or timer but the delayed-ACK timer has touched closes " +
		"the first connection in the three segments close-takes-four counts: the side that " +
		"takes the first FIN holds its ACK (RFC 9293 §3.8.6.3, RFC 1122 §4.2.3.2), its user " +
		"closes, and its FIN carries that ACK.",
	Reads: fsm.GhostOpen | fsm.GhostTimers | fsm.GhostCloseSegs,
	Kind:  checker.KindSometimes,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool { v, ok := s.CloseVerdict(); return ok && v == fsm.CloseInThree }
	},
}

// OpenWithoutTimers: the handshake needs no timer when nothing goes wrong.
var OpenWithoutTimers = Property{
	Name:  "open-without-timers",
	Claim: "without faults, the handshake needs no retransmission",
	Statement: "Some run that no fault, timer or failure has touched establishes the first " +
		"connection at both ends in the segments open-takes-three counts: each side sends what " +
		"the handshake needs when it needs it, not when a retransmission timer expires.",
	Reads: fsm.GhostOpen,
	Kind:  checker.KindSometimes,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool { v, ok := s.OpenVerdict(); return ok && v == fsm.OpenInThree }
	},
}

// CloseWithoutTimers: data and the close need no timer when nothing goes wrong.
var CloseWithoutTimers = Property{
	Name:  "close-without-timers",
	Claim: "without faults, data and the close need no retransmission",
	Statement: "Some run that no fault budget, timer (SysState.TimerExpired) or abrupt end has " +
		"touched delivers the data the users sent and closes the connection gracefully in " +
		"turn: one side in TIME-WAIT, the other past LAST-ACK (Figure 13's simultaneous close " +
		"is simultaneous-close's). Each side sends its data, its FIN and its ACKs when they " +
		"are needed, not when a retransmission timer expires.",
	Reads:   fsm.GhostTimers | fsm.GhostClose,
	Kind:    checker.KindSometimes,
	Premise: needsData,
	build: func(sys fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool {
			a, b := &s.Ghost[fsm.A], &s.Ghost[fsm.B]
			inTurn := (s.Ep[fsm.A].State == fsm.StateTimeWait) != (s.Ep[fsm.B].State == fsm.StateTimeWait)
			return !s.TimerExpired && !s.Abrupt && s.Left == sys.Config.Faults && s.Connected() && inTurn &&
				a.Sent+b.Sent > 0 && b.Delivered == a.Sent && a.Delivered == b.Sent &&
				a.EndedGracefully(fsm.TCB(s.Clock[fsm.A])) && b.EndedGracefully(fsm.TCB(s.Clock[fsm.B]))
		}
	},
}

// OpenRecoversLostSYN: a lost SYN is sent again.
var OpenRecoversLostSYN = Property{
	Name:  "open-recovers-lost-syn",
	Claim: "the handshake survives a lost SYN",
	Statement: "Some run in which the network loses, before the first connection opens, the " +
		"only copy in flight of a SYN that its receiver has not taken still opens the " +
		"connection, with no TCB ended abruptly (SysState.Lost, OpenSegs): the SYN is " +
		"retransmitted (RFC 9293 §3.8.1, §3.10.8).",
	Reads:   fsm.GhostOpen,
	Kind:    checker.KindSometimes,
	Premise: needsLoss,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool { v, ok := s.OpenVerdict(); return ok && v == fsm.OpenRecoveredSYN }
	},
}

// OpenRecoversLostSYNACK: a lost SYN,ACK is sent again.
var OpenRecoversLostSYNACK = Property{
	Name:      "open-recovers-lost-syn-ack",
	Claim:     "the handshake survives a lost SYN,ACK",
	Statement: "As open-recovers-lost-syn, for a SYN,ACK lost before the first connection opens.",
	Reads:     fsm.GhostOpen,
	Kind:      checker.KindSometimes,
	Premise:   needsLoss,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool { v, ok := s.OpenVerdict(); return ok && v == fsm.OpenRecoveredSYNACK }
	},
}

// DataRecoversLoss: lost data is sent again and delivered.
var DataRecoversLoss = Property{
	Name:  "data-recovers-loss",
	Claim: "lost data is delivered all the same",
	Statement: "Some run in which the network loses the only copy in flight of a data " +
		"segment delivers all data each user sent to the peer of a connection that " +
		"handshook: the lost unit is retransmitted (RFC 9293 §3.8.1).",
	Reads:   fsm.GhostLost,
	Kind:    checker.KindSometimes,
	Premise: needsLossAndData,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool {
			return s.Lost&fsm.LostData != 0 && s.Connected() && s.Ghost[fsm.A].Sent+s.Ghost[fsm.B].Sent > 0 &&
				s.Ghost[fsm.B].Delivered == s.Ghost[fsm.A].Sent && s.Ghost[fsm.A].Delivered == s.Ghost[fsm.B].Sent
		}
	},
}

// CloseRecoversLoss: a lost FIN is sent again and the close completes gracefully.
var CloseRecoversLoss = Property{
	Name:  "close-recovers-loss",
	Claim: "the close survives a lost FIN",
	Statement: "Some run in which the network loses the only copy in flight of a FIN has " +
		"both sides' latest TCBs close gracefully all the same (each reaches TIME-WAIT, or " +
		"leaves LAST-ACK on the ACK of its FIN: Ghost.Graceful): the lost FIN is " +
		"retransmitted (RFC 9293 §3.8.1, §3.10.8).",
	Reads:   fsm.GhostLost,
	Kind:    checker.KindSometimes,
	Premise: needsLoss,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool {
			return s.Lost&fsm.LostFIN != 0 && s.Ghost[fsm.A].EndedGracefully(fsm.TCB(s.Clock[fsm.A])) &&
				s.Ghost[fsm.B].EndedGracefully(fsm.TCB(s.Clock[fsm.B]))
		}
	},
}

// needsLoss: recovering from a loss needs the network to lose something.
func needsLoss(c fsm.Config) error {
	if c.Faults.Loss == 0 {
		return errors.New("the network loses nothing (loss 0)")
	}
	return nil
}

// needsLossAndData: and data needs a user that sends.
func needsLossAndData(c fsm.Config) error {
	if err := needsLoss(c); err != nil {
		return err
	}
	return needsData(c)
}

// needsData: data needs a user that sends.
func needsData(c fsm.Config) error {
	if c.Units == [2]uint8{} || (c.CallsOf(fsm.A)|c.CallsOf(fsm.B))&fsm.CallSend == 0 {
		return errors.New("no user sends data")
	}
	return nil
}

// SimultaneousOpen: two active opens meet and make one connection (RFC 9293 Figure 7).
var SimultaneousOpen = Property{
	Name:  "simultaneous-open",
	Claim: "a simultaneous open completes",
	Statement: "Some reachable state has both sides ESTABLISHED with TCBs that handshook with " +
		"each other, each having taken the other's SYN in SYN-SENT (Ghost.SimOpen): two active " +
		"OPENs that cross make one connection (RFC 9293 §3.5 Figure 7).",
	Kind:    checker.KindSometimes,
	Premise: bothActive,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool {
			return s.Ghost[fsm.A].SimOpen && s.Ghost[fsm.B].SimOpen && s.Connected() &&
				s.Ep[fsm.A].State == fsm.StateEstablished && s.Ep[fsm.B].State == fsm.StateEstablished
		}
	},
}

// SimultaneousClose: two closes cross and both sides hold TIME-WAIT (RFC 9293 Figure 13).
var SimultaneousClose = Property{
	Name:  "simultaneous-close",
	Claim: "a simultaneous close completes",
	Statement: "Some run that no fault budget or timer has touched has both sides in TIME-WAIT " +
		"with TCBs that handshook with each other: two CLOSEs whose FINs cross each pass " +
		"through CLOSING (RFC 9293 §3.6 Figure 13), with no retransmission needed; only a " +
		"simultaneous close puts both sides in TIME-WAIT.",
	Reads: fsm.GhostTimers,
	Kind:  checker.KindSometimes,
	build: func(sys fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool {
			return s.Ep[fsm.A].State == fsm.StateTimeWait && s.Ep[fsm.B].State == fsm.StateTimeWait &&
				s.Connected() && !s.TimerExpired && s.Left == sys.Config.Faults
		}
	},
}

// bothActive: Figure 7 needs two active OPENs.
func bothActive(c fsm.Config) error {
	if c.CallsOf(fsm.A)&c.CallsOf(fsm.B)&fsm.CallOpen == 0 {
		return errors.New("one side never opens actively: a simultaneous open needs two active OPENs (RFC 9293 Figure 7)")
	}
	return nil
}

// needsListener: Figure 8's old SYN opens a TCB at a listener; when neither side listens
// (both-active with the default calls), an old SYN meets CLOSED or SYN-SENT, and there is
// nothing for the reset to clear.
func needsListener(c fsm.Config) error {
	if (c.CallsOf(fsm.A)|c.CallsOf(fsm.B))&fsm.CallListen == 0 {
		return errors.New("no side listens: the old SYN of RFC 9293 Figure 8 opens a TCB only at a listener")
	}
	return nil
}

// NoDataLostOnClose: all data arrives before the connection is gone.
var NoDataLostOnClose = Property{
	Name:  "no-data-lost-on-close",
	Claim: "all data arrives before the connection is gone",
	Statement: "On every fair run (delivery, timers and ordinary user calls fair; faults " +
		"finite), the system eventually reaches a state where a user has been told " +
		"of a reset, or where, after A's first OPEN, both sides are CLOSED, LISTEN or TIME-WAIT, " +
		"their latest TCBs handshook with each other, and every data unit each user passed to " +
		"SEND on its TCB has been delivered to the peer's user. (Once is enough for the " +
		"property: the claim checks it on one incarnation.)",
	Kind: checker.KindEventually,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool {
			if told(&s) {
				return true
			}
			return s.Ghost[fsm.A].Opens > 0 && quiet(&s) && allDelivered(&s)
		}
	},
}

func told(s *fsm.SysState) bool { return s.Ghost[fsm.A].Told || s.Ghost[fsm.B].Told }

// quiet: neither side holds a connection that can still send or receive.
func quiet(s *fsm.SysState) bool {
	for _, x := range sides {
		switch s.Ep[x].State {
		case fsm.StateClosed, fsm.StateListen, fsm.StateTimeWait:
		default:
			return false
		}
	}
	return true
}

// allDelivered: every unit a side sent on its latest TCB reached the peer's user on the
// TCB it handshook with.
func allDelivered(s *fsm.SysState) bool {
	for _, x := range sides {
		gx, gy := s.Ghost[x], s.Ghost[x.Peer()]
		if gx.Sent > 0 && (!s.Connected() || gy.Delivered < gx.Sent) {
			return false
		}
	}
	return true
}

// CleanTimeWait: the next incarnation of a 4-tuple is not disturbed by the last one.
var CleanTimeWait = Property{
	Name:  "clean-time-wait",
	Claim: "resources are released in order, and the next incarnation is clean",
	Statement: "No old duplicate of a connection of this run that closed gracefully (an old " +
		"segment, as no-stale-acceptance defines it, sent by a TCB that its sender no longer " +
		"holds and that ended after both FINs of its own connection, not by a reset, abort, crash or timeout, nor moved by an old segment) moves a " +
		"later connection into a synchronized state or delivers data to it. (Old segments of a " +
		"connection that was reset are no-stale-acceptance's: TIME-WAIT follows only a " +
		"graceful close, RFC 9293 §3.6.) (That no side stays out of CLOSED forever is the liveness " +
		"property close-completes.)",
	Kind: checker.KindAlways,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool {
			return !s.Ghost[fsm.A].StaleRun && !s.Ghost[fsm.B].StaleRun
		}
	},
}

// HalfCloseDelivers: data still flows towards a side that has sent its FIN.
var HalfCloseDelivers = Property{
	Name:  "half-close-delivers",
	Claim: "half-close works",
	Statement: "Some reachable state has data delivered to a side's user while that side was in " +
		"FIN-WAIT-2: its FIN was sent and acknowledged, its peer sat in CLOSE-WAIT and still " +
		"sent data.",
	Kind: checker.KindSometimes,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool {
			return s.Ghost[fsm.A].HalfCloseData || s.Ghost[fsm.B].HalfCloseData
		}
	},
}

// NoDeadlock: every stuck state is a proper end.
var NoDeadlock = Property{
	Name:      "no-deadlock",
	Claim:     "the protocol never gets stuck",
	Statement: "Every reachable state with no enabled action is terminal: nothing in flight, and each side CLOSED or LISTEN (or left open because its user may not CLOSE).",
	Kind:      checker.KindDeadlock,
}

// OpenCompletes: an OPEN ends in a connection or a reported failure.
var OpenCompletes = Property{
	Name:  "open-completes",
	Claim: "after both open, the handshake finishes",
	Statement: "On every fair run, eventually both sides are synchronized (ESTABLISHED or later) " +
		"with TCBs that handshook with each other, or a user has been told of a failure (reset, " +
		"refusal, timeout), or some TCB ended abruptly (a CLOSE in SYN-SENT, which abandons the " +
		"open, an ABORT, the user timeout, R2's give-up or a crash: SysState.Abrupt). A CLOSE " +
		"once a side is past SYN-SENT abandons nothing: the open must still complete.",
	Reads: fsm.GhostClose,
	Kind:  checker.KindEventually,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool {
			if told(&s) || s.Abrupt {
				return true
			}
			return s.Ep[fsm.A].State.Synchronized() && s.Ep[fsm.B].State.Synchronized() &&
				s.Connected()
		}
	},
}

// CloseCompletes: no side stays in a non-CLOSED state forever.
var CloseCompletes = Property{
	Name:  "close-completes",
	Claim: "after both close, both are CLOSED",
	Statement: "On every fair run, after A's first OPEN, eventually neither side holds a " +
		"connection: each is CLOSED (or LISTEN, for a server ready for the next one).",
	Kind: checker.KindEventually,
	build: func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool {
			return s.Ghost[fsm.A].Opens > 0 && !s.Ep[fsm.A].State.HasTCB() && !s.Ep[fsm.B].State.HasTCB()
		}
	},
}
