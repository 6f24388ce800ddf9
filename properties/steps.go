package properties

import (
	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
)

// The step properties: each judges one step by what it did (fsm.StepFacts), against the
// rule of RFC 9293 the fact names; the state keeps none of it.

// NoRSTForRST: a reset never draws a reset, nor anything but a challenge ACK.
var NoRSTForRST = Property{
	Name:  "no-rst-for-rst",
	Claim: "a reset is never answered by a reset, so two endpoints cannot trade resets",
	Statement: "No step answers a segment that carries RST with a reset, nor with anything " +
		"but one challenge ACK when the reset falls in the receive window without being " +
		"exactly RCV.NXT (RFC 9293 §3.5.2: \"in no case does receipt of a segment containing " +
		"RST give rise to a RST in response\"; §3.10.7.4 first check: an unacceptable RST is " +
		"dropped; RFC 5961 §3.2), whatever the faults (fsm.StepResetAnswered).",
	Kind:  checker.KindStep,
	build: noStep(fsm.StepResetAnswered),
}

// ResetObeyed: a reset the RFC says to act on ends the TCB.
var ResetObeyed = Property{
	Name:  "reset-obeyed",
	Claim: "a reset from the peer ends the connection at once",
	Statement: "No step leaves a TCB in place after a reset it must act on: in SYN-RECEIVED or " +
		"a synchronized state but TIME-WAIT, one whose SEG.SEQ is exactly RCV.NXT (RFC 9293 " +
		"§3.10.7.4 second check, with RFC 5961 §3.2); in SYN-SENT, one whose ACK acknowledges " +
		"our SYN (§3.10.7.3). A peer that has given the connection up is believed at once, not " +
		"after R2's retransmissions (fsm.StepResetIgnored).",
	Kind:  checker.KindStep,
	build: noStep(fsm.StepResetIgnored),
}

// ResetNotGuessed: only an exact reset ends a connection, and none ends TIME-WAIT.
var ResetNotGuessed = Property{
	Name:  "reset-not-guessed",
	Claim: "a reset must carry the exact sequence number to end a connection",
	Statement: "No step ends a TCB in SYN-RECEIVED or a synchronized state on a reset whose " +
		"SEG.SEQ is not exactly RCV.NXT, or one in SYN-SENT on a reset that does not acknowledge " +
		"its SYN, or TIME-WAIT on any reset: a blind attacker must guess the one number (RFC " +
		"5961 §3.2), and an old reset cannot cut TIME-WAIT short (RFC 1337) " +
		"(fsm.StepResetGuessed).",
	Kind:  checker.KindStep,
	build: noStep(fsm.StepResetGuessed),
}

// ListenerKeepsListening: a passive OPEN's half-made connection falls back to LISTEN.
var ListenerKeepsListening = Property{
	Name:  "listener-keeps-listening",
	Claim: "a server keeps listening when a half-made connection fails",
	Statement: "No step takes a TCB that a passive OPEN made, in LISTEN or in SYN-RECEIVED " +
		"from LISTEN, to CLOSED or SYN-SENT on a segment or a timer (only its user's call or " +
		"a crash may): a reset or a duplicate SYN returns it to LISTEN (RFC 9293 §3.10.7.4 " +
		"second and fourth checks), LISTEN ignores a reset (§3.10.7.2), and R2's give-up in " +
		"SYN-RECEIVED returns it to LISTEN as Linux's tcp_synack_retries does " +
		"(fsm.StepListenerLost). An old SYN or a vanished client does not cost the server its " +
		"listener.",
	Kind:  checker.KindStep,
	build: noStep(fsm.StepListenerLost),
}

// NoDataToStranger: data flows only to a peer that has learned the connection.
var NoDataToStranger = Property{
	Name:  "no-data-to-stranger",
	Claim: "data reaches only a peer that knows the connection",
	Statement: "No step delivers to a side a current segment (not an old one) carrying data " +
		"from a TCB of its peer whose SYN the side's TCB has not taken: the side is CLOSED, " +
		"LISTEN or SYN-SENT, or its TCB learned its IRS from another TCB " +
		"(fsm.StepDataToStranger). A user that sends has been told its connection is open; " +
		"the handshake's third segment is what tells the server that the client knows its " +
		"ISN, so that neither sends before the other is ready (RFC 9293 §3.5).",
	Kind:  checker.KindStep,
	build: noStep(fsm.StepDataToStranger),
}

// NoDataTwice: no data reaches a user twice.
var NoDataTwice = Property{
	Name:  "no-data-twice",
	Claim: "no data is delivered to a user twice",
	Statement: "No step hands a user data that its side's previous TCB already delivered: a " +
		"new TCB takes data from the peer TCB whose data the side's previous TCB took " +
		"(fsm.StepDeliveredTwice). A duplicate of a segment that carries data must not open " +
		"a connection and deliver it again: a request would be served twice (RFC 7413 §6.3.1, " +
		"RFC 1644). The three-way handshake delivers nothing before the peer has shown the " +
		"SYN to be current.",
	Kind:  checker.KindStep,
	build: noStep(fsm.StepDeliveredTwice),
}

// DataInOrder: data reach the user in the order they were sent.
var DataInOrder = Property{
	Name:  "data-in-order",
	Claim: "data reach the user in the order they were sent",
	Statement: "No step hands a user the data of a segment that does not begin at RCV.NXT, " +
		"or moves RCV.NXT on by less than it delivered (fsm.StepOutOfOrder): the text at " +
		"RCV.NXT is delivered and RCV.NXT advanced over it (RFC 9293 §3.10.7.4 seventh " +
		"check), and a segment beyond RCV.NXT waits for the gap to fill or is dropped " +
		"(first check). TCP's service is a reliable, in-order byte stream (§2.2); the " +
		"model's data units are alike, so their sequence numbers are the only order there " +
		"is to keep, and counting what arrived cannot tell a reordered stream from the one " +
		"sent.",
	Kind:  checker.KindStep,
	build: noStep(fsm.StepOutOfOrder),
}

// KeepaliveWhenIdle: keep-alive probes only on an idle connection.
var KeepaliveWhenIdle = Property{
	Name:  "keepalive-when-idle",
	Claim: "a keep-alive probe is sent only when nothing sent is outstanding",
	Statement: "No step of a side's keep-alive timer sends a probe while data or a FIN the " +
		"side sent is unacknowledged (SND.UNA < SND.NXT) (fsm.StepProbeNotIdle): \"Keep-alive " +
		"packets MUST only be sent when no sent data is outstanding\" (RFC 9293 §3.8.4, " +
		"MUST-26). What is outstanding has the retransmission timer to recover it and R2 to " +
		"give up on it; the probe is for a connection that would otherwise say nothing.",
	Kind:  checker.KindStep,
	build: noStep(fsm.StepProbeNotIdle),
}

// AcksAtOnce: what occupies sequence space is acknowledged when it is taken.
var AcksAtOnce = Property{
	Name:  "acks-at-once",
	Claim: "every SYN, data unit and FIN is acknowledged as it arrives",
	Statement: "No step takes a SYN, a data unit or a FIN in order without sending, in the " +
		"same step, a segment whose ACK is the new RCV.NXT (RFC 9293 §3.10.7.3 fourth check, " +
		"§3.10.7.4 seventh and eighth: \"send an acknowledgment\"), but a FIN taken in " +
		"ESTABLISHED, whose ACK may be held (a delayed ACK, §3.8.6.3, RFC 1122 §4.2.3.2); and " +
		"no step lets a held ACK go, the TCB still open, or lets the delayed-ACK timer expire, " +
		"without sending a segment that carries it (fsm.StepNotAcked). Without it the sender " +
		"learns only by retransmitting.",
	Kind:  checker.KindStep,
	build: noStep(fsm.StepNotAcked),
}

// UnacceptableAcked: a segment outside the window draws an ACK.
var UnacceptableAcked = Property{
	Name:  "unacceptable-acked",
	Claim: "a segment that is not taken is answered with an ACK, which repairs a lost ACK",
	Statement: "No step drops, at a side in SYN-RECEIVED or a synchronized state whose rate " +
		"limiter is open, a segment without RST that the receive window does not accept, " +
		"(in ESTABLISHED, FIN-WAIT-1 or FIN-WAIT-2) one that occupies sequence space beyond " +
		"RCV.NXT, a reset in the window but not exact (outside TIME-WAIT), or (in ESTABLISHED, " +
		"FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT or CLOSING) one whose ACK is out of range, without " +
		"sending an ACK of RCV.NXT, and none takes anything of the last (RFC 9293 §3.10.7.4 " +
		"first, second and fifth checks; RFC 5961 §3.2, §5, §7; the immediate duplicate ACK " +
		"of RFC 5681 §4.2) (fsm.StepUnanswered). The peer's retransmission after " +
		"a lost ACK is such a segment, and so is a restarted peer's SYN: the ACK is what tells " +
		"each where the other is.",
	Kind:  checker.KindStep,
	build: noStep(fsm.StepUnanswered),
}

// ClosedPortResets: a segment for no connection draws a reset.
var ClosedPortResets = Property{
	Name:  "closed-port-resets",
	Claim: "a segment for a connection that does not exist is answered by a reset",
	Statement: "No step leaves a segment for no connection without a reset its sender " +
		"would accept: in CLOSED every segment but a reset, in LISTEN every one that carries " +
		"ACK, is answered <SEQ=SEG.ACK><CTL=RST>, or <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> " +
		"when it carries no ACK (RFC 9293 §3.10.7.1, §3.10.7.2); and a segment whose ACK " +
		"acknowledges nothing the side sent, in SYN-SENT any but a reset (§3.10.7.3 first " +
		"check), in SYN-RECEIVED an acceptable one without SYN (§3.10.7.4 fifth check), is " +
		"answered <SEQ=SEG.ACK><CTL=RST> (fsm.StepNoReset). The reset is how a side learns " +
		"that its connection was refused, is half-open or was opened by an old duplicate, " +
		"before R2.",
	Kind:  checker.KindStep,
	build: noStep(fsm.StepNoReset),
}

// AckAdvancesSndUna: an acceptable ACK is taken.
var AckAdvancesSndUna = Property{
	Name:  "ack-advances-snd-una",
	Claim: "a sender learns from each ACK what has arrived",
	Statement: "No step takes an acceptable segment whose ACK acknowledges something new " +
		"(SND.UNA < SEG.ACK =< SND.NXT) and keeps the TCB with SND.UNA short of SEG.ACK (RFC " +
		"9293 §3.10.7.4 fifth check: \"set SND.UNA <- SEG.ACK\") (fsm.StepAckIgnored). A " +
		"sender that forgets an ACK retransmits what arrived, and may give up on a connection " +
		"that works.",
	Kind:  checker.KindStep,
	build: noStep(fsm.StepAckIgnored),
}

// NoAckForAck: ACKs are not acknowledged.
var NoAckForAck = Property{
	Name:  "no-ack-for-ack",
	Claim: "an ACK is not acknowledged, so two endpoints cannot echo ACKs for ever",
	Statement: "No step answers an acceptable segment that occupies no sequence space and " +
		"carries an ACK in range with a segment that occupies none either (RFC 9293 §3.10.7.4 " +
		"fifth check processes such an ACK and sends nothing) (fsm.StepAckedAck). Only an " +
		"unacceptable segment or an ACK of something not yet sent draws an ACK.",
	Kind:  checker.KindStep,
	build: noStep(fsm.StepAckedAck),
}

// noStep builds a step property's predicate: the step did not give rise to fact.
func noStep(fact fsm.StepFacts) func(fsm.System) func(fsm.SysState) bool {
	return func(fsm.System) func(fsm.SysState) bool {
		return func(s fsm.SysState) bool { return s.Step&fact == 0 }
	}
}

// IRSFromSYN: the IRS is the peer's SYN's sequence number.
var IRSFromSYN = Property{
	Name:  "irs-from-syn",
	Claim: "each side learns the other's ISN from its SYN, and only from it",
	Statement: "No step gives a TCB an IRS that is not the sequence number of a SYN the " +
		"segment carried (RFC 9293 §3.3.1, §3.10.7.2, §3.10.7.3) (fsm.StepIRSNotFromSYN): " +
		"an IRS taken from any other segment is a number the peer never chose, and " +
		"isn-agreement fails as soon as such a connection is established.",
	Kind:  checker.KindStep,
	build: noStep(fsm.StepIRSNotFromSYN),
}

// R2Honoured: retransmissions count toward R2, and R2 ends the connection.
var R2Honoured = Property{
	Name:  "r2-honoured",
	Claim: "a sender gives up after R2 retransmissions, neither sooner nor never",
	Statement: "Every retransmission timeout counts toward R2 and none retransmits an item " +
		"already retransmitted R2 times; R2's give-up comes only after R2 retransmissions and " +
		"ends the TCB (RFC 9293 §3.8.3, RFC 1122 §4.2.3.5) (fsm.StepR2Broken). R2 is what " +
		"releases a TCB whose peer will never answer: a table that forgets to count " +
		"retransmits for ever to a dead peer, and one that gives up sooner drops connections " +
		"that R2 retransmissions would have saved.",
	Kind:  checker.KindStep,
	build: noStep(fsm.StepR2Broken),
}

// CallsAsSpecified: a user's call does what RFC 9293 §3.10 says.
var CallsAsSpecified = Property{
	Name:  "calls-as-specified",
	Claim: "OPEN, CLOSE and ABORT do what the user interface of RFC 9293 says",
	Statement: "Every OPEN, CLOSE and ABORT a side takes has the outcome of RFC 9293 §3.10 " +
		"(fsm.StepCallNotAsSpecified): an active OPEN selects a new ISS from the ISN clock " +
		"(§3.4.1), enters SYN-SENT, sends a SYN numbered ISS and nothing else, and makes the " +
		"connection active, from CLOSED or from LISTEN (§3.10.1); a passive one enters LISTEN and sends nothing; CLOSE deletes a TCB in " +
		"SYN-SENT without a word, and in SYN-RECEIVED, ESTABLISHED and CLOSE-WAIT sends a FIN " +
		"and enters FIN-WAIT-1, FIN-WAIT-1 and LAST-ACK (SYN-RECEIVED may queue the FIN, " +
		"§3.10.4); ABORT deletes the TCB, sending <SEQ=SND.NXT><CTL=RST> from SYN-RECEIVED, " +
		"ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2 and CLOSE-WAIT and nothing elsewhere (§3.10.5). " +
		"A peer learns of a connection, its close and its abort only from these segments: a " +
		"FIN or SYN left to the retransmission timer delays it, an abort without a reset " +
		"leaves the peer half-open.",
	Kind:  checker.KindStep,
	build: noStep(fsm.StepCallNotAsSpecified),
}
