// Package twin is a Go port of the project's performance anchor: the abstract TCP
// connection-management model written for SPIN (testdata/tcp.pml) and for Rumur
// (testdata/tcp.m). It has the same state variables, rules, guards and canonical network
// bag, so checker.Run on it reaches exactly the states SPIN and Rumur reach, at every
// setting of Params, and the engine's states/s and bytes/state compare like with like.
// It is a benchmark, not the RFC model: the RFC 9293 rule table lives in fsm.
//
//	m, err := twin.New(twin.Params{SeqN: 4, NetCap: 3, Loss: 1, Dup: 1, OldSyn: 1, Rtx: 1})
//	res, err := checker.Run(ctx, m, checker.Config{Workers: 1})
//	// res.States == 4,855,245 (SPIN's "states, stored")
//	// res.Transitions+1 == 19,305,614 (SPIN's "transitions")
//
// Package spinrumur runs SPIN and Rumur themselves; testdata/counts.txt records their counts.
//
// # Counting transitions
//
// tcp.pml is one process whose do-loop has one option per rule instance, each a d_step,
// so one rule firing is one SPIN transition and no intermediate state is stored. SPIN's
// "transitions" is stored+matched: every firing reaches a stored or a matched state, and the
// initial state is stored without a firing, so it is the number of firings + 1. Rumur's
// "rules fired" is the number of firings. checker.Result.Transitions counts the successor
// edges of every expanded state, self-loops included: the firings. So the engine's
// Transitions + 1 equals SPIN's transitions.
//
// For that, Actions lists exactly the enabled options of the do-loop:
//
//   - "A open(iss)": FOR_V(OPT_OPEN) makes SEQ_N options, so an enabled open is SEQ_N
//     actions, one per ISS.
//   - "deliver(slot, iss)": FOR_S(DELIVER_ROW) makes NET_CAP*SEQ_N options, OPT_DELIVER(i,
//     v), guarded by DISTINCT(i) && (v == 0 || NEEDS_ISS(net[i])). So each distinct segment
//     is one action (v = 0), or SEQ_N when it is a SYN reaching LISTEN (the receiver picks
//     its ISS v); a second copy of a segment in the next slot is not DISTINCT and gives no
//     action, since it would reach the same state.
//   - "loss(slot)", "dup(slot)": one per distinct slot (FOR_S(OPT_LOSE), FOR_S(OPT_DUP)).
//   - "old SYN(seq)": SEQ_N options (FOR_V(OPT_OLDSYN)).
//   - "close", "retransmission timeout", "2MSL timeout": one option per endpoint.
//   - "idle": the self-loop of terminal states. It is a transition like any other (SPIN
//     counts its matched successor, Rumur fires it), and it is why terminal states are never
//     deadlocks.
//
// Action.Rule is the rule, Action.Arg its ruleset parameter and Action.ISS deliver's v.
//
// # From tcp.pml to Go
//
//	tcp.pml                                 this package
//	#define CLOSED .. LAST_ACK              TCPState (same numbering), Synchronized
//	#define F_SYN .. F_RST                  FlagSYN .. FlagRST
//	SEG_CODE, SEG_SRC/FLAGS/SEQ/ACK         Seg, mkSeg, Seg.Src/Flags/Seq/Ack (see below)
//	state vector (st .. gAIss)              State, field for field
//	hidden temporaries h_*                  locals of Next and arrive
//	P1, P2, TERMINAL                        P1, P2, Model.Terminal
//	NET_HAS_ROOM, DISTINCT, NEEDS_ISS       Model.hasRoom, distinct, needsISS
//	bag_insert, bag_remove, send            Model.insert, Model.remove, Model.send
//	reset_tcb, to_closed/listen/established resetTCB, toClosed, toListen, toEstablished
//	user_open, user_close, CLOSE_ENABLED    Next (RuleOpen, RuleClose), closeEnabled
//	RTX_ENABLED, retransmit                 rtxEnabled, Next (RuleRtx)
//	NOT_FROM, TW_ENABLED                    twEnabled
//	segment_arrives (3.10.7.1, 3.10.7.2)    Model.arrive
//	syn_sent_arrives (3.10.7.3)             Model.synSentArrives
//	other_arrives (3.10.7.4)                Model.otherArrives
//	deliver(i, v)                           Next (RuleDeliver)
//	FOR_V / FOR_S options of the do-loop    Actions, in the do-loop's order
//	the d_step guards                       Model.enabled (Next rejects a disabled action)
//
// tcp.pml clears h_go where tcp.m returns; the Go code returns, like tcp.m. Where tcp.pml
// has an if with several branches, their guards are mutually exclusive, so the d_step's
// choice is the Go switch's.
//
// The one deliberate difference is the segment code: tcp.pml's is 1 + src + 2*flags +
// 32*seq + 32*SEQ_N*ack, ours puts 32*32 in place of 32*SEQ_N so that a Seg can be printed
// without the parameters. Both order segments by (ack, seq, flags, src), so the sorted bag,
// DISTINCT, and the state space are the same.
//
// # Properties
//
// P1 (no half-open acceptance) and P2 (sequence numbers agree when both are ESTABLISHED)
// are checker.Always, as tcp.pml asserts them after every rule; P3 is checker.NoDeadlock
// with Terminal = A CLOSED and B CLOSED or LISTEN, SPIN's invalid end states. The model is
// a stress model: SPIN and the engine both find P1 violated and deadlocks (SPIN counts 324
// deadlock states at SEQ_N=2 NET_CAP=2), while P2 holds.
//
// # Performance
//
// State is a 36-byte comparable value; Actions appends small value Actions to the caller's
// slice and Next works on a copy, so neither allocates. Encode packs the state into
// EncodedSize bytes (11 at the defaults, 8 at SEQ_N=4 NET_CAP=3; see encode.go), which the
// engine stores inline (checker.FixedSizer). Label formats strings and is only called for
// traces.
package twin
