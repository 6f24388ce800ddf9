package fsm

// RuleID is the identity of a row: variants edit rows by it and a step reports the rows
// that fired by their index in the machine's table, so that no behaviour hangs on a name.
// A row a variant changes keeps its ID; a row a variant adds has an ID of its own.
type RuleID uint8

// The rows of Rules, in table order, then the rows only variants add.
const (
	ruleNone                          RuleID = iota
	RuleClosedOpen                           // closed/open
	RuleClosedListen                         // closed/listen
	RuleListenOpen                           // listen/open
	RuleSendTransmit                         // send/transmit
	RuleListenClose                          // listen/close
	RuleSYNReceivedClose                     // syn-received/close
	RuleEstablishedClose                     // established/close
	RuleCloseWaitClose                       // close-wait/close
	RuleListenAbort                          // listen/abort
	RuleSynchronizedAbort                    // synchronized/abort
	RuleClosingAbort                         // closing/abort
	RuleClosedRST                            // closed/rst
	RuleClosedACK                            // closed/ack
	RuleClosedNoACK                          // closed/no-ack
	RuleListenRST                            // listen/rst
	RuleListenACK                            // listen/ack
	RuleListenSYN                            // listen/syn
	RuleListenOther                          // listen/other
	RuleSYNSentBadACKRST                     // syn-sent/bad-ack-rst
	RuleSYNSentBadACK                        // syn-sent/bad-ack
	RuleSYNSentRSTAcksSYN                    // syn-sent/rst-acks-syn
	RuleSYNSentRST                           // syn-sent/rst
	RuleSYNSentSYNACK                        // syn-sent/syn-ack
	RuleSYNSentSYN                           // syn-sent/syn
	RuleSYNSentOther                         // syn-sent/other
	RuleTimeWaitReopen                       // time-wait/reopen
	RuleSYNReceivedSimultaneousSYNACK        // syn-received/simultaneous-syn-ack
	RuleOtherBadSeqRST                       // other/bad-seq-rst
	RuleOtherBadSeq                          // other/bad-seq
	RuleOtherTrim                            // other/trim
	RuleOtherRSTInWindow                     // other/rst-in-window
	RuleSYNReceivedRSTPassive                // syn-received/rst-passive
	RuleSYNReceivedRSTActive                 // syn-received/rst-active
	RuleEstablishedRST                       // established/rst
	RuleClosingRST                           // closing/rst
	RuleTimeWaitRST                          // time-wait/rst
	RuleSYNReceivedSYNPassive                // syn-received/syn-passive
	RuleOtherSYN                             // other/syn
	RuleOtherNoACK                           // other/no-ack
	RuleSYNReceivedACK                       // syn-received/ack
	RuleSYNReceivedBadACK                    // syn-received/bad-ack
	RuleTimeWaitACK                          // time-wait/ack
	RuleSynchronizedACKOutOfRange            // synchronized/ack-out-of-range
	RuleFINWait1FINAcked                     // fin-wait-1/fin-acked
	RuleClosingFINAcked                      // closing/fin-acked
	RuleLastACKFINAcked                      // last-ack/fin-acked
	RuleSynchronizedNewACK                   // synchronized/new-ack
	RuleSynchronizedDupACK                   // synchronized/dup-ack
	RuleClosingOtherACK                      // closing/other-ack
	RuleEstablishedText                      // established/text
	RuleEstablishedTextOutOfOrder            // established/text-out-of-order
	RuleCloseWaitText                        // close-wait/text
	RuleOtherFINOutOfOrder                   // other/fin-out-of-order
	RuleEstablishedFIN                       // established/fin
	RuleFINWait1FIN                          // fin-wait-1/fin
	RuleFINWait2FIN                          // fin-wait-2/fin
	RuleCloseWaitFIN                         // close-wait/fin
	RuleSYNReceivedGiveUpPassive             // syn-received/give-up-passive
	RuleAnyGiveUp                            // any/give-up
	RuleSYNSentRtx                           // syn-sent/rtx
	RuleOtherRtxSYNACK                       // other/rtx-syn-ack
	RuleSynchronizedRtxData                  // synchronized/rtx-data
	RuleSynchronizedRtxFIN                   // synchronized/rtx-fin
	RuleTimeWait2MSL                         // time-wait/2msl
	RuleSynchronizedKeepalive                // synchronized/keepalive
	RuleCloseWaitDelayedACK                  // close-wait/delayed-ack
	RuleAnyUserTimeout                       // any/user-timeout
	RuleAnyCrash                             // any/crash

	// Rows of variants only.
	RuleFINWaitTextDiscarded         // fin-wait/text-discarded
	RuleSYNReceivedSimultaneousClose // syn-received/simultaneous-close
	RuleSYNReceivedACKClose          // syn-received/ack-close
	RuleClosedOpenData               // closed/open-data
	numRuleIDs
)

// unreachedNoACK is why the rows for a segment without ACK (that is not a SYN or a RST)
// never fire: the model sends none, as RFC 9293 says a TCP does not (§3.10.7.2 fourth:
// such a segment "must have an ACK"; §3.10.7.4: once synchronized, every segment carries
// current acknowledgment information), and its old segments are copies of what it sent.
// Variant syn-data is the exception: its SYN's data unit, trimmed of the SYN at RCV.NXT
// (other/trim), has no ACK.
const unreachedNoACK = "every segment the model sends, but a SYN or a RST, carries ACK, and old segments are copies of such segments (in the RFC table; variant syn-data's SYN carries data, which other/trim may leave without the SYN)"

// Rules is the RFC 9293 transition table, in the order of §3.10: user calls, SEGMENT
// ARRIVES state by state and check by check, then timeouts. It is the only place that
// decides transitions; variants are edits of a copy (see variants.go).
//
// Citations name the section whose clause the row paraphrases; "§3.10.7.4 first" is the
// first numbered check of "Other States", and so on.
var Rules = []Rule{
	// §3.10.1 OPEN.
	{ID: RuleClosedOpen, Name: "closed/open", From: In(StateClosed), On: EvOpen, Do: []Effect{EffectChooseISS, EffectSetActive},
		To: StateSynSent, Emit: EmitSYN, Cite: "RFC 9293 §3.10.1 OPEN, CLOSED, active"},
	{ID: RuleClosedListen, Name: "closed/listen", From: In(StateClosed), On: EvListen,
		To: StateListen, Cite: "RFC 9293 §3.10.1 OPEN, CLOSED, passive"},
	{ID: RuleListenOpen, Name: "listen/open", From: In(StateListen), On: EvOpen, Do: []Effect{EffectChooseISS, EffectSetActive},
		To: StateSynSent, Emit: EmitSYN, Cite: "RFC 9293 §3.10.1 OPEN, LISTEN, active"},

	// §3.10.2 SEND. Abstraction: a unit is sent at once (no Nagle, no queue), and SEND is
	// offered only where it transmits: before ESTABLISHED the RFC queues it.
	{ID: RuleSendTransmit, Name: "send/transmit", From: In(StateEstablished, StateCloseWait), On: EvSend,
		Do: []Effect{EffectSendNext}, To: Stay, Emit: EmitData, Cite: "RFC 9293 §3.10.2 SEND"},

	// §3.10.4 CLOSE: "I have no more to send", a half-close; receiving goes on.
	{ID: RuleListenClose, Name: "listen/close", From: In(StateListen, StateSynSent), On: EvClose,
		To: StateClosed, Cite: "RFC 9293 §3.10.4 CLOSE, LISTEN and SYN-SENT"},
	// RFC 9293 §3.10.4: with nothing queued to send, CLOSE in SYN-RECEIVED sends the FIN
	// at once and enters FIN-WAIT-1, before the peer has acknowledged our SYN (Linux does
	// the same). In the model a user SENDs only once ESTABLISHED, so nothing is ever
	// queued here. 4.4BSD and FreeBSD instead hold the FIN until the SYN is acknowledged
	// (variant fin-after-ack); both hold every property across the envelope.
	{ID: RuleSYNReceivedClose, Name: "syn-received/close", From: In(StateSynReceived), On: EvClose,
		Do: []Effect{EffectSendNext}, To: StateFinWait1, Emit: EmitFIN,
		Cite: "RFC 9293 §3.10.4 CLOSE, SYN-RECEIVED: form a FIN segment and send it, and enter FIN-WAIT-1"},
	{ID: RuleEstablishedClose, Name: "established/close", From: In(StateEstablished), On: EvClose,
		Do: []Effect{EffectSendNext}, To: StateFinWait1, Emit: EmitFIN,
		Cite: "RFC 9293 §3.10.4 CLOSE, ESTABLISHED"},
	{ID: RuleCloseWaitClose, Name: "close-wait/close", From: In(StateCloseWait), On: EvClose, Do: []Effect{EffectSendNext},
		To: StateLastAck, Emit: EmitFIN, Cite: "RFC 9293 §3.10.4 CLOSE, CLOSE-WAIT"},

	// §3.10.5 ABORT.
	{ID: RuleListenAbort, Name: "listen/abort", From: In(StateListen, StateSynSent), On: EvAbort, To: StateClosed,
		Report: ReportAborted, Cite: "RFC 9293 §3.10.5 ABORT, LISTEN and SYN-SENT"},
	{ID: RuleSynchronizedAbort, Name: "synchronized/abort", From: In(StateSynReceived, StateEstablished, StateFinWait1,
		StateFinWait2, StateCloseWait), On: EvAbort, To: StateClosed, Emit: EmitRSTAbort,
		Report: ReportAborted, Cite: "RFC 9293 §3.10.5 ABORT, SYN-RECEIVED to CLOSE-WAIT"},
	// Deviation: RFC 9293 lets ABORT delete a TCB in TIME-WAIT too. Real stacks give the
	// user no handle on it: the user has closed, and Linux hands TIME-WAIT to a timewait
	// socket no call reaches (tcp_time_wait, then tcp_done on the user's socket), as
	// FreeBSD's tcp_twstart detaches it from the socket. An ABORT there would end TIME-WAIT
	// early as a reset does (RFC 1337), and a fast reconnect accepts the old connection's
	// segments; the variant abort-ends-time-wait restores the text and the checker finds it.
	{ID: RuleClosingAbort, Name: "closing/abort", From: In(StateClosing, StateLastAck), On: EvAbort,
		To: StateClosed, Report: ReportAborted,
		Cite: "RFC 9293 §3.10.5 ABORT, CLOSING and LAST-ACK (not TIME-WAIT, as in Linux and FreeBSD)"},

	// §3.10.7.1 SEGMENT ARRIVES, CLOSED: everything is answered by a reset (§3.5.2 case 1).
	{ID: RuleClosedRST, Name: "closed/rst", From: In(StateClosed), On: EvSegment, Phase: PhaseState, Guard: isRST,
		To: Stay, Then: Drop, Cite: "RFC 9293 §3.10.7.1 CLOSED, RST discarded"},
	{ID: RuleClosedACK, Name: "closed/ack", From: In(StateClosed), On: EvSegment, Phase: PhaseState, Guard: isACK,
		To: Stay, Emit: EmitRSTSeqAck, Then: Drop, Cite: "RFC 9293 §3.10.7.1 CLOSED, ACK on"},
	{ID: RuleClosedNoACK, Name: "closed/no-ack", From: In(StateClosed), On: EvSegment, Phase: PhaseState,
		To: Stay, Emit: EmitRSTACKSeg, Then: Drop, Cite: "RFC 9293 §3.10.7.1 CLOSED, ACK off"},

	// §3.10.7.2 LISTEN.
	{ID: RuleListenRST, Name: "listen/rst", From: In(StateListen), On: EvSegment, Phase: PhaseState, Guard: isRST,
		To: Stay, Then: Drop, Cite: "RFC 9293 §3.10.7.2 LISTEN, first: RST ignored"},
	{ID: RuleListenACK, Name: "listen/ack", From: In(StateListen), On: EvSegment, Phase: PhaseState, Guard: isACK,
		To: Stay, Emit: EmitRSTSeqAck, Then: Drop,
		Cite: "RFC 9293 §3.10.7.2 LISTEN, second: ACK answered by reset"},
	{ID: RuleListenSYN, Name: "listen/syn", From: In(StateListen), On: EvSegment, Phase: PhaseState, Guard: isSYN,
		Do: []Effect{EffectFromSYN, EffectChooseISS}, To: StateSynReceived, Emit: EmitSYNACK, Then: Drop,
		Cite: "RFC 9293 §3.10.7.2 LISTEN, third: SYN"},
	{ID: RuleListenOther, Name: "listen/other", From: In(StateListen), On: EvSegment, Phase: PhaseState,
		To: Stay, Then: Drop, Cite: "RFC 9293 §3.10.7.2 LISTEN, fourth: other text or control",
		Unreached: unreachedNoACK},

	// §3.10.7.3 SYN-SENT.
	{ID: RuleSYNSentBadACKRST, Name: "syn-sent/bad-ack-rst", From: In(StateSynSent), On: EvSegment, Phase: PhaseState,
		Guard: all(synSentAckBad, isRST), To: Stay, Then: Drop,
		Cite: "RFC 9293 §3.10.7.3 SYN-SENT, first: bad ACK with RST dropped"},
	{ID: RuleSYNSentBadACK, Name: "syn-sent/bad-ack", From: In(StateSynSent), On: EvSegment, Phase: PhaseState,
		Guard: synSentAckBad, To: Stay, Emit: EmitRSTSeqAck, Then: Drop,
		Cite: "RFC 9293 §3.10.7.3 SYN-SENT, first: bad ACK answered by reset"},
	{ID: RuleSYNSentRSTAcksSYN, Name: "syn-sent/rst-acks-syn", From: In(StateSynSent), On: EvSegment, Phase: PhaseState,
		Guard: all(isRST, synSentAckOK), To: StateClosed, Then: Drop, Report: ReportRefused,
		Cite: "RFC 9293 §3.10.7.3 SYN-SENT, second: RST with acceptable ACK"},
	{ID: RuleSYNSentRST, Name: "syn-sent/rst", From: In(StateSynSent), On: EvSegment, Phase: PhaseState,
		Guard: isRST, To: Stay, Then: Drop,
		Cite: "RFC 9293 §3.10.7.3 SYN-SENT, second: RST without ACK dropped"},
	// Deviation: RFC 9293 goes on to the sixth check when the SYN,ACK has other controls
	// or text; the row drops them, as Linux does (tcp_rcv_synsent_state_process
	// acknowledges the SYN,ACK and discards the rest, but for Fast Open). No segment of
	// the model carries data or a FIN on a SYN (Abstraction: no data on a SYN), so only a
	// packetdrill script shows it (cmd/verify/internal/pktplay/testdata/deviations).
	{ID: RuleSYNSentSYNACK, Name: "syn-sent/syn-ack", From: In(StateSynSent), On: EvSegment, Phase: PhaseState,
		Guard: all(isSYN, synSentAckOK), Do: []Effect{EffectFromSYN, EffectTakeACK}, To: StateEstablished,
		Emit: EmitACK, Then: Drop, Cite: "RFC 9293 §3.10.7.3 SYN-SENT, fourth: SYN acking our SYN"},
	{ID: RuleSYNSentSYN, Name: "syn-sent/syn", From: In(StateSynSent), On: EvSegment, Phase: PhaseState,
		Guard: isSYN, Do: []Effect{EffectFromSYN}, To: StateSynReceived, Emit: EmitSYNACK, Then: Drop,
		Cite: "RFC 9293 §3.10.7.3 SYN-SENT, fourth: SYN alone, simultaneous open"},
	{ID: RuleSYNSentOther, Name: "syn-sent/other", From: In(StateSynSent), On: EvSegment, Phase: PhaseState,
		To: Stay, Then: Drop, Cite: "RFC 9293 §3.10.7.3 SYN-SENT, fifth: neither SYN nor RST"},

	// §3.6.1 MAY-2: a TCP in TIME-WAIT may accept a new SYN and reopen the connection, if
	// its new ISS is larger than any number the old connection used (the ISN clock's
	// stride covers a connection and a window, see Config.Stride) and it returns to
	// TIME-WAIT should the SYN be an old duplicate. As BSD and Linux do, the model takes
	// only a SYN numbered beyond RCV.NXT (an old duplicate is numbered below it) and only
	// where a listener would take it (Linux's TCP_TW_SYN goes to the listening socket;
	// without one TIME-WAIT answers as usual): the reopened TCB is the listener's, passive.
	// Abstraction: it does not return to TIME-WAIT (Linux does not either: the timewait
	// socket is gone), which the SEQ test makes unnecessary for segments of this run.
	{ID: RuleTimeWaitReopen, Name: "time-wait/reopen", From: In(StateTimeWait), On: EvSegment, Phase: PhaseState,
		Guard: all(isSYN, not(isACK), not(isRST), listener, seqAfterRcvNxt), Do: []Effect{EffectReopen, EffectFromSYN, EffectChooseISS},
		To: StateSynReceived, Emit: EmitSYNACK, Then: Drop,
		Cite: "RFC 9293 §3.6.1 MAY-2: a new SYN reopens the connection from TIME-WAIT"},

	// §3.10.7.4 Other states, first: sequence number. The SYN,ACK that completes a
	// simultaneous open repeats the SYN that RCV.NXT already counts, so the acceptability
	// test of the text rejects it; Figure 7 (lines 6 and 7) has it establish the
	// connection, and so does Linux since 6.11 (commit 23e89e8ee7be, "tcp: Don't drop
	// SYN+ACK for simultaneous connect()": an active SYN-RECEIVED takes a bare SYN,ACK
	// with SEG.SEQ + 1 = RCV.NXT and SEG.ACK = SND.NXT and sends nothing). Deviation: the
	// model follows the figure and Linux, not the text; with the text the open takes six
	// segments instead of the figure's four (open-takes-three finds it).
	{ID: RuleSYNReceivedSimultaneousSYNACK, Name: "syn-received/simultaneous-syn-ack", From: In(StateSynReceived),
		On: EvSegment, Phase: PhaseSeq, Guard: all(isSYN, isACK, synAgain, ackAll, not(passive)),
		Do: []Effect{EffectTakeACK}, To: StateEstablished, Then: Drop,
		Cite: "RFC 9293 §3.5 Figure 7: SYN,ACK in SYN-RECEIVED completes a simultaneous open (Linux 23e89e8ee7be)"},
	{ID: RuleOtherBadSeqRST, Name: "other/bad-seq-rst", From: OtherStates, On: EvSegment, Phase: PhaseSeq,
		Guard: all(seqUnacceptable, isRST), To: Stay, Then: Drop,
		Cite: "RFC 9293 §3.10.7.4 first: unacceptable RST dropped"},
	// The ACKs that answer unacceptable segments are throttled (RFC 5961 §7, as Linux
	// does for every out-of-window segment): without that, two confused endpoints (say,
	// TIME-WAIT and a TCB an old SYN opened) can trade ACKs for ever.
	{ID: RuleOtherBadSeq, Name: "other/bad-seq", From: OtherStates, On: EvSegment, Phase: PhaseSeq,
		Guard: seqUnacceptable, To: Stay, Emit: EmitThrottledACK, Then: Drop,
		Cite: "RFC 9293 §3.10.7.4 first: unacceptable segment answered by ACK (throttled, RFC 5961 §7)"},
	{ID: RuleOtherTrim, Name: "other/trim", From: OtherStates, On: EvSegment, Phase: PhaseSeq,
		Guard: seqBeforeWindow, Do: []Effect{EffectTrim}, To: Stay,
		Cite:      "RFC 9293 §3.10.7.4 first: trimmed to the window",
		Unreached: "no segment of the model occupies more than one sequence number (Abstraction: one data unit, a SYN or a FIN per segment, and no repacketized retransmission), so none begins before RCV.NXT and reaches into the window"},

	// Second: RST, as RFC 5961 §3 tightens it (adopted in RFC 9293).
	{ID: RuleOtherRSTInWindow, Name: "other/rst-in-window", From: OtherStates, On: EvSegment, Phase: PhaseRST,
		Guard: all(isRST, not(seqExact)), To: Stay, Emit: EmitThrottledACK, Then: Drop,
		Cite: "RFC 9293 §3.10.7.4 second: RST in window but not exact, challenge ACK"},
	{ID: RuleSYNReceivedRSTPassive, Name: "syn-received/rst-passive", From: In(StateSynReceived), On: EvSegment,
		Phase: PhaseRST, Guard: all(isRST, passive), To: StateListen, Then: Drop,
		Cite: "RFC 9293 §3.10.7.4 second: SYN-RECEIVED from passive OPEN returns to LISTEN"},
	{ID: RuleSYNReceivedRSTActive, Name: "syn-received/rst-active", From: In(StateSynReceived), On: EvSegment,
		Phase: PhaseRST, Guard: isRST, To: StateClosed, Then: Drop, Report: ReportRefused,
		Cite: "RFC 9293 §3.10.7.4 second: SYN-RECEIVED from active OPEN, refused"},
	{ID: RuleEstablishedRST, Name: "established/rst", From: In(StateEstablished, StateFinWait1, StateFinWait2,
		StateCloseWait), On: EvSegment, Phase: PhaseRST, Guard: isRST, To: StateClosed,
		Then: Drop, Report: ReportReset,
		Cite: "RFC 9293 §3.10.7.4 second: ESTABLISHED to CLOSE-WAIT, reset"},
	{ID: RuleClosingRST, Name: "closing/rst", From: In(StateClosing, StateLastAck), On: EvSegment,
		Phase: PhaseRST, Guard: isRST, To: StateClosed, Then: Drop,
		Cite: "RFC 9293 §3.10.7.4 second: CLOSING, LAST-ACK"},
	// Deviation: RFC 9293 closes TIME-WAIT on a RST too. That lets a reset answering an
	// old duplicate cut TIME-WAIT short, after which a fast reconnect accepts the old
	// connection's segments (RFC 1337 hazard H1; the checker finds it, see the variant
	// time-wait-assassination). The model follows RFC 1337 §3's fix instead.
	{ID: RuleTimeWaitRST, Name: "time-wait/rst", From: In(StateTimeWait), On: EvSegment, Phase: PhaseRST,
		Guard: isRST, To: Stay, Then: Drop,
		Cite: "RFC 9293 §3.10.7.4 second: TIME-WAIT, as amended by RFC 1337 (RST ignored)"},

	// Fourth: SYN.
	{ID: RuleSYNReceivedSYNPassive, Name: "syn-received/syn-passive", From: In(StateSynReceived), On: EvSegment,
		Phase: PhaseSYN, Guard: all(isSYN, passive), To: StateListen, Then: Drop,
		Cite: "RFC 9293 §3.10.7.4 fourth: SYN in SYN-RECEIVED from passive OPEN"},
	{ID: RuleOtherSYN, Name: "other/syn", From: OtherStates, On: EvSegment, Phase: PhaseSYN, Guard: isSYN,
		To: Stay, Emit: EmitThrottledACK, Then: Drop,
		Cite: "RFC 9293 §3.10.7.4 fourth: SYN in a synchronized state, challenge ACK"},

	// Fifth: ACK.
	{ID: RuleOtherNoACK, Name: "other/no-ack", From: OtherStates, On: EvSegment, Phase: PhaseACK, Guard: not(isACK),
		To: Stay, Then: Drop, Cite: "RFC 9293 §3.10.7.4 fifth: ACK off, dropped", Unreached: unreachedNoACK},
	{ID: RuleSYNReceivedACK, Name: "syn-received/ack", From: In(StateSynReceived), On: EvSegment, Phase: PhaseACK,
		Guard: ackAcceptable, Do: []Effect{EffectTakeACK}, To: StateEstablished,
		Cite: "RFC 9293 §3.10.7.4 fifth: SYN-RECEIVED, acceptable ACK"},
	{ID: RuleSYNReceivedBadACK, Name: "syn-received/bad-ack", From: In(StateSynReceived), On: EvSegment, Phase: PhaseACK,
		To: Stay, Emit: EmitRSTSeqAck, Then: Drop,
		Cite: "RFC 9293 §3.10.7.4 fifth: SYN-RECEIVED, unacceptable ACK answered by reset"},
	// TIME-WAIT does not share ESTABLISHED's ACK processing: the RFC expects only a
	// retransmitted FIN there ("the only thing that can arrive in this state").
	{ID: RuleTimeWaitACK, Name: "time-wait/ack", From: In(StateTimeWait), On: EvSegment, Phase: PhaseACK, To: Stay,
		Cite: "RFC 9293 §3.10.7.4 fifth: TIME-WAIT, only a retransmitted FIN is expected"},
	{ID: RuleSynchronizedACKOutOfRange, Name: "synchronized/ack-out-of-range", From: In(StateEstablished, StateFinWait1,
		StateFinWait2, StateCloseWait, StateClosing), On: EvSegment,
		Phase: PhaseACK, Guard: not(ackInRange), To: Stay, Emit: EmitThrottledACK, Then: Drop,
		Cite: "RFC 9293 §3.10.7.4 fifth: ACK of unsent data or too old, answered by ACK"},
	{ID: RuleFINWait1FINAcked, Name: "fin-wait-1/fin-acked", From: In(StateFinWait1), On: EvSegment, Phase: PhaseACK,
		Guard: ackAll, Do: []Effect{EffectTakeACK}, To: StateFinWait2,
		Cite: "RFC 9293 §3.10.7.4 fifth: FIN-WAIT-1, our FIN acknowledged"},
	{ID: RuleClosingFINAcked, Name: "closing/fin-acked", From: In(StateClosing), On: EvSegment, Phase: PhaseACK,
		Guard: ackAll, Do: []Effect{EffectTakeACK}, To: StateTimeWait, Then: Drop,
		Cite: "RFC 9293 §3.10.7.4 fifth: CLOSING, our FIN acknowledged"},
	{ID: RuleLastACKFINAcked, Name: "last-ack/fin-acked", From: In(StateLastAck), On: EvSegment, Phase: PhaseACK,
		Guard: ackAll, To: StateClosed, Then: Drop,
		Cite: "RFC 9293 §3.10.7.4 fifth: LAST-ACK, our FIN acknowledged"},
	// LAST-ACK advances SND.UNA on an ACK of its data too, as implementations do: else a
	// lost FIN behind acknowledged data would never be retransmitted.
	{ID: RuleSynchronizedNewACK, Name: "synchronized/new-ack", From: In(StateEstablished, StateFinWait1, StateFinWait2,
		StateCloseWait, StateClosing, StateLastAck), On: EvSegment, Phase: PhaseACK,
		Guard: ackAcceptable, Do: []Effect{EffectTakeACK}, To: Stay,
		Cite: "RFC 9293 §3.10.7.4 fifth: SND.UNA < SEG.ACK =< SND.NXT, SND.UNA advanced"},
	{ID: RuleSynchronizedDupACK, Name: "synchronized/dup-ack", From: In(StateEstablished, StateFinWait1, StateFinWait2,
		StateCloseWait), On: EvSegment, Phase: PhaseACK, To: Stay,
		Cite: "RFC 9293 §3.10.7.4 fifth: duplicate ACK (SEG.ACK =< SND.UNA) ignored"},
	// Deviation: for LAST-ACK the text has no "otherwise, ignore the segment" (CLOSING
	// has): a segment that does not acknowledge our FIN goes on, and a FIN at RCV.NXT is
	// acknowledged at the eighth check. The row drops it in both states. A peer never
	// sends a second FIN at RCV.NXT (its retransmitted FIN is below RCV.NXT and answered at
	// the first check), so only a packetdrill script shows the difference
	// (cmd/verify/internal/pktplay/testdata/deviations).
	{ID: RuleClosingOtherACK, Name: "closing/other-ack", From: In(StateClosing, StateLastAck), On: EvSegment,
		Phase: PhaseACK, To: Stay, Then: Drop,
		Cite: "RFC 9293 §3.10.7.4 fifth: CLOSING and LAST-ACK ignore other segments"},

	// Seventh: segment text.
	{ID: RuleEstablishedText, Name: "established/text", From: In(StateEstablished, StateFinWait1, StateFinWait2),
		On: EvSegment, Phase: PhaseText, Guard: all(hasText, seqExact), Do: []Effect{EffectDeliver},
		To: Stay, Emit: EmitACK, Cite: "RFC 9293 §3.10.7.4 seventh: text delivered"},
	{ID: RuleEstablishedTextOutOfOrder, Name: "established/text-out-of-order", From: In(StateEstablished, StateFinWait1,
		StateFinWait2), On: EvSegment, Phase: PhaseText, Guard: hasText, To: Stay,
		Emit: EmitACK, Then: Drop,
		Cite: "RFC 9293 §3.10.7.4 seventh: text beyond RCV.NXT (Abstraction: not queued)"},
	{ID: RuleCloseWaitText, Name: "close-wait/text", From: In(StateCloseWait, StateClosing, StateLastAck,
		StateTimeWait), On: EvSegment, Phase: PhaseText, Guard: hasText, To: Stay,
		Cite: "RFC 9293 §3.10.7.4 seventh: text after the peer's FIN ignored"},

	// Eighth: FIN. Abstraction: a FIN beyond RCV.NXT is acknowledged and dropped.
	{ID: RuleOtherFINOutOfOrder, Name: "other/fin-out-of-order", From: OtherStates, On: EvSegment, Phase: PhaseFIN,
		Guard: all(isFIN, not(finInOrder)), To: Stay, Emit: EmitACK, Then: Drop,
		Cite: "RFC 9293 §3.10.7.4 eighth: FIN not yet in sequence"},
	// The ACK of a FIN taken in ESTABLISHED is delayed (RFC 9293 §3.8.6.3, RFC 1122
	// §4.2.3.2 allow it, up to 0.5 s), as Linux does (tcp_fin: pingpong mode, delayed ACK):
	// the user, told the peer has closed, may CLOSE at once, and our FIN then carries the
	// ACK: a close in three segments. Otherwise the delayed-ACK timer sends it alone
	// (close-wait/delayed-ack). FreeBSD acknowledges a FIN at once (tcp_input: TF_ACKNOW),
	// the variant no-delayed-ack. Abstraction: only this ACK is delayed. (A FIN reaches this
	// check in SYN-RECEIVED only with an ACK that moved the TCB to ESTABLISHED.)
	{ID: RuleEstablishedFIN, Name: "established/fin", From: In(StateSynReceived, StateEstablished), On: EvSegment,
		Phase: PhaseFIN, Guard: isFIN, Do: []Effect{EffectTakeFIN, EffectHoldACK}, To: StateCloseWait,
		Report: ReportClosing, Cite: "RFC 9293 §3.10.7.4 eighth: SYN-RECEIVED, ESTABLISHED; the ACK delayed (§3.8.6.3, RFC 1122 §4.2.3.2)"},
	{ID: RuleFINWait1FIN, Name: "fin-wait-1/fin", From: In(StateFinWait1), On: EvSegment, Phase: PhaseFIN,
		Guard: isFIN, Do: []Effect{EffectTakeFIN}, To: StateClosing, Emit: EmitACK,
		Report: ReportClosing, Cite: "RFC 9293 §3.10.7.4 eighth: FIN-WAIT-1, FIN not acked"},
	{ID: RuleFINWait2FIN, Name: "fin-wait-2/fin", From: In(StateFinWait2), On: EvSegment, Phase: PhaseFIN,
		Guard: isFIN, Do: []Effect{EffectTakeFIN}, To: StateTimeWait, Emit: EmitACK,
		Report: ReportClosing, Cite: "RFC 9293 §3.10.7.4 eighth: FIN-WAIT-2"},
	{ID: RuleCloseWaitFIN, Name: "close-wait/fin", From: In(StateCloseWait, StateClosing, StateLastAck,
		StateTimeWait), On: EvSegment, Phase: PhaseFIN, Guard: isFIN, To: Stay, Emit: EmitACK,
		Cite: "RFC 9293 §3.10.7.4 eighth: FIN again, acknowledged"},

	// §3.10.8 Timeouts and §3.8.1 retransmission: resend the oldest unacknowledged item.
	// The timer runs while anything is unacknowledged, whatever else is in flight. After
	// R2 retransmissions of one item the endpoint gives up (RFC 9293 §3.8.3, RFC 1122
	// §4.2.3.5 "close the connection"): a TCB a passive OPEN made goes back to LISTEN
	// without a word, as Linux drops a request after tcp_synack_retries (its user never
	// saw it); any other closes and tells its user, as the user timeout does.
	{ID: RuleSYNReceivedGiveUpPassive, Name: "syn-received/give-up-passive", From: In(StateSynReceived),
		On: EvGiveUp, Guard: all(unacked, not(retriesLeft), passive), To: StateListen,
		Cite: "RFC 9293 §3.8.3 R2 reached in SYN-RECEIVED from passive OPEN (Linux tcp_synack_retries)"},
	{ID: RuleAnyGiveUp, Name: "any/give-up", From: In(StateSynSent, StateSynReceived, StateEstablished,
		StateFinWait1, StateCloseWait, StateClosing, StateLastAck),
		On: EvGiveUp, Guard: all(unacked, not(retriesLeft)), To: StateClosed, Report: ReportTimeout,
		Cite: "RFC 9293 §3.8.3 R2 reached: the connection is closed (RFC 1122 §4.2.3.5)"},
	{ID: RuleSYNSentRtx, Name: "syn-sent/rtx", From: In(StateSynSent), On: EvRetransmit, Guard: all(synUnacked, retriesLeft),
		Do: []Effect{EffectCountRetry}, To: Stay, Emit: EmitSYN, Cite: "RFC 9293 §3.10.8 retransmission timeout, SYN"},
	{ID: RuleOtherRtxSYNACK, Name: "other/rtx-syn-ack", From: OtherStates, On: EvRetransmit, Guard: all(synUnacked, retriesLeft),
		Do: []Effect{EffectCountRetry}, To: Stay, Emit: EmitSYNACK, Cite: "RFC 9293 §3.10.8 retransmission timeout, SYN,ACK"},
	{ID: RuleSynchronizedRtxData, Name: "synchronized/rtx-data", From: SynchronizedStates, On: EvRetransmit,
		Guard: all(dataUnacked, retriesLeft), Do: []Effect{EffectCountRetry}, To: Stay, Emit: EmitRtxData,
		Cite: "RFC 9293 §3.10.8 retransmission timeout, data"},
	{ID: RuleSynchronizedRtxFIN, Name: "synchronized/rtx-fin", From: In(StateFinWait1, StateClosing, StateLastAck),
		On: EvRetransmit, Guard: all(finOnlyUnacked, retriesLeft), Do: []Effect{EffectCountRetry}, To: Stay, Emit: EmitFIN,
		Cite: "RFC 9293 §3.10.8 retransmission timeout, FIN"},
	{ID: RuleTimeWait2MSL, Name: "time-wait/2msl", From: In(StateTimeWait), On: EvTimeWait, To: StateClosed,
		Cite: "RFC 9293 §3.10.8 time-wait timeout"},
	// Keepalive (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6), which is optional, is on in the
	// model: in ESTABLISHED, FIN-WAIT-2 and CLOSE-WAIT with nothing unacknowledged (else
	// the retransmission timer runs), a side may probe its peer. Without it a side whose
	// peer is gone (crashed, or gave up on a handshake it thought finished) waits for
	// ever unless its user sends: a half-open connection is found only by traffic (§3.5.2).
	// The probe carries SND.NXT-1, so a live peer answers with an ACK and a dead one with a
	// reset. Linux instead ends an orphaned FIN-WAIT-2 after tcp_fin_timeout; the model's
	// CLOSE is a half-close, after which data may still arrive, so it probes rather than
	// guess.
	{ID: RuleSynchronizedKeepalive, Name: "synchronized/keepalive", From: In(StateEstablished, StateFinWait2, StateCloseWait),
		On: EvKeepalive, Guard: not(unacked), To: Stay, Emit: EmitKeepalive,
		Cite: "RFC 9293 §3.8.4 keep-alives (RFC 1122 §4.2.3.6)"},
	// The delayed ACK leaves alone when nothing we send carries it first (RFC 1122
	// §4.2.3.2: within 0.5 s). The timer is not one that marks time passing for the
	// other timing assumptions (slowTimers).
	{ID: RuleCloseWaitDelayedACK, Name: "close-wait/delayed-ack", From: In(StateCloseWait), On: EvDelayedAck,
		Guard: ackPending, To: Stay, Emit: EmitACK,
		Cite: "RFC 9293 §3.8.6.3 delayed acknowledgments (RFC 1122 §4.2.3.2)"},
	{ID: RuleAnyUserTimeout, Name: "any/user-timeout", From: In(StateSynSent, StateSynReceived, StateEstablished,
		StateFinWait1, StateFinWait2, StateCloseWait, StateClosing, StateLastAck),
		On: EvUserTimeout, To: StateClosed, Report: ReportTimeout,
		Cite: "RFC 9293 §3.10.8 user timeout"},

	// §3.5.1: a crash loses the TCB; the host comes back with no memory of it. Its ISN
	// clock keeps running, and the quiet time of §3.4.3 is the system's (Timing).
	{ID: RuleAnyCrash, Name: "any/crash", From: AnyState &^ In(StateClosed), On: EvCrash, To: StateClosed,
		Report: ReportAborted, Cite: "RFC 9293 §3.5.1 half-open connections, host crash"},
}
