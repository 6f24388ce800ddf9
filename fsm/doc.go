// Package fsm is RFC 9293 connection management for two endpoints over a hostile network,
// written as a table of rules. It is the model alone: it imports only the standard library
// and knows nothing of what is checked of it (package properties binds it to properties;
// package checker explores it).
//
// # Endpoint and Step
//
// An Endpoint is one TCP endpoint: its state (the 11 states of RFC 9293 §3.3.2) and the
// TCB variables connection management needs (ISS, IRS, SND.UNA, SND.NXT, RCV.NXT). A
// Machine holds a rule table, a sequence space and the window; Machine.Step applies one
// Event (a user call, an arriving segment, a timeout or a host crash) and returns an
// Outcome: the next endpoint, the segments to send, the rows that fired, the data units
// delivered and what the user is told. Step does no I/O, reads no clock and draws no
// random number, as etcd raft's Step: time is an event, and an ISS comes from the ISN
// clock reading the event carries.
//
//	m, _ := fsm.NewMachine(fsm.RFC, 4, 2) // 16 sequence numbers, window 2
//	out := m.Step(fsm.Endpoint{}, fsm.Open(1))
//	// out.Next.State == fsm.StateSynSent, out.Emit.At(0).String() == "<SEQ=1><CTL=SYN>"
//
// # Rules are rows
//
// Rules (rules.go) is the table, in the order of RFC 9293 §3.10. Each Rule has an
// identity (RuleID) and a name, its from-states, the event, a phase (segments go through
// the numbered checks of §3.10.7.4 in order; the first matching row of each phase fires),
// a guard (a conjunction of conditions, each a CondID with its name and display text,
// conds.go), effects (Effect ids), the to-state (or Stay), the kind of segment it sends,
// what it reports, and the RFC 9293 section it implements. Variants edit rows by RuleID
// and swap effects by id; an Outcome lists the rows that fired by table index (Fired).
// Machine.Sends plays n SEND calls, in one step when the table's SEND row allows it. Ignored lists the state/event pairs no row handles,
// with the reason. Describe turns a table into static rows for drawing.
//
// A Variant is a named edit of the table (rows removed, changed or added); Variants lists
// them, VariantRules builds one, and an unknown name is an error listing the valid ones.
// Each variant breaks one claim of the RFC: two-way-handshake, no-rst-on-bad-ack,
// no-time-wait, time-wait-assassination, fin-closes-both, fixed-isn, no-retransmission.
//
// # The system
//
// System is two endpoints and a Network (an unordered, sorted bag of Packets) as one
// transition system over SysState and Action; package properties pairs it with the
// properties a model checker checks. Build it with NewSystem(cfg, variant): Config
// sets the shape (ClientServer or BothActive), the sequence space, the window, the network
// capacity, the data units per side, the number of incarnations, the fault budgets (loss,
// duplication, injection of an old segment, host crash) and the user calls each side may
// make, and Timing its timing assumptions (timing.go). DefaultConfig (under a million
// states) explores exhaustively in seconds on two cores.
//
// Ghost data, which no rule reads, lets properties tell connections apart by what
// happened: each TCB has a serial (its host's ISN clock reading), every Packet carries the
// TCB that sent it and the TCB it is meant for (From, To; PreRun for the life before the
// run, whose segments an injection adds), and SysState.Ghost records per side the peer
// TCB its TCB handshook with, data units sent and delivered, whether its user was told of
// a reset, data delivered after its FIN, which TCBs ended gracefully, and what old
// segments did to it.
//
// Action labels read like the RFC figures, "B deliver <SEQ=1><CTL=SYN> #1>-"; Story adds
// the state change, "(LISTEN -> SYN-RECEIVED)". Delivery is weakly fair; timers and the
// user's ordinary calls strongly fair (StrongFair); giving up after R2 only while nothing
// is in flight; faults, ABORT, the user timeout and crashes are not fair.
//
// # Abstractions
//
// Each is marked "Abstraction:" where it is made. Data is counted in units of one sequence
// number; the window is fixed; out-of-order segments are acknowledged, not queued; SEND
// transmits at once and only once synchronized; there are no clocks, and what a timer's
// expiry implies is a named timing assumption (Timing); a server listens again as soon as
// a connection ends; a full network refuses an action instead of losing its segment. The
// one deliberate departure from RFC 9293's text is TIME-WAIT ignoring a reset (RFC 1337);
// the variant time-wait-assassination restores the text and shows why.
//
// # Real sequence numbers
//
// For trace checking, build the machine over 32 bits, NewMachine(RFC, 32, window), and
// give each open the observed ISS with Event.SetISS; every comparison is modular, so
// captured numbers need no mapping. A smaller space can be used by taking numbers
// relative to the ISS, as long as a connection uses fewer than half the space.
//
// # Scenario files
//
// testdata/*.scn replay the scenarios of RFC 9293 §3.5 and §3.6 and each timing
// assumption, kept and dropped, step by step. The harness
// that parses and runs them (and rewrites their expect lines with -update) is the
// test-support package fsm/fsmtest, as etcd raft keeps rafttest beside raft.
package fsm
