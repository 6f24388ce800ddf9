package fsm

import "strings"

// Phase orders the rows that handle one event. A user call, timeout or crash is handled by
// the first matching row of PhaseCall. A segment runs through the phases in order, as the
// numbered checks of RFC 9293 §3.10.7.4 do: in each phase the first matching row fires,
// and a row whose Then is Drop ends the processing of the segment.
type Phase uint8

// Phases, in processing order.
const (
	PhaseCall  Phase = iota // user calls, timeouts, crash
	PhaseState              // §3.10.7.1–§3.10.7.3: CLOSED, LISTEN, SYN-SENT
	PhaseSeq                // §3.10.7.4 first: sequence number check
	PhaseRST                // second: RST bit
	PhaseSYN                // fourth: SYN bit
	PhaseACK                // fifth: ACK field
	PhaseText               // seventh: segment text
	PhaseFIN                // eighth: FIN bit
	numPhases
)

var phaseNames = [numPhases]string{"call", "state", "seq", "rst", "syn", "ack", "text", "fin"}

func (p Phase) String() string {
	if p < numPhases {
		return phaseNames[p]
	}
	return "phase?"
}

// Then says whether a segment goes on to the next phase after a row fires.
type Then uint8

// Continue goes on; Drop ends processing ("drop the segment and return").
const (
	Continue Then = iota
	Drop
)

// Rule is one row of the transition table. Everything needed to draw the state diagram is
// static: From, On, To, Emit and Cite; Guard and Do are named so that docs can print them.
type Rule struct {
	// ID is the row's identity, unique in a table.
	ID RuleID
	// Name is what docs and stories print, unique in a table, "from-state/what", e.g.
	// "syn-sent/rst-acks-syn".
	Name string
	From StateSet
	On   EventKind
	// Phase orders segment processing; PhaseCall for every other event.
	Phase Phase
	Guard Guard
	Do    []Effect
	// To is the next state, or Stay.
	To State
	// Emit is the segment sent, if any.
	Emit Emit
	// Then applies to segments only.
	Then Then
	// Report is what the user is told.
	Report Report
	// Cite is the RFC 9293 section the row implements, e.g. "RFC 9293 §3.10.7.3".
	Cite string
	// Unreached, when set, says why no run of the system fires the row: it is there for
	// the RFC's segments the model never makes, and the reason names the invariant of
	// the system that fsm's tests check (TestTheSegmentsOfARunAreOnesTheRFCSends). Rule
	// coverage expects it never to fire.
	Unreached string
}

// Targets lists the states the rule may lead to from each of its From states: To, or the
// From states themselves for Stay.
func (r Rule) Targets() []State {
	if r.To != Stay {
		return []State{r.To}
	}
	return r.From.States()
}

// RuleInfo is the static, printable form of a rule, for docs and diagrams.
type RuleInfo struct {
	ID     RuleID
	Name   string
	From   []State
	On     EventKind
	Phase  Phase
	Guard  Guard
	Do     []string
	To     State  // Stay for a self-loop
	Emits  string // e.g. "SYN,ACK", "" for none
	Report string
	Cite   string
	// Unreached is Rule.Unreached.
	Unreached string
}

// Describe lists rules for drawing, in table order.
func Describe(rules []Rule) []RuleInfo {
	out := make([]RuleInfo, 0, len(rules))
	for _, r := range rules {
		info := RuleInfo{
			ID: r.ID, Name: r.Name, From: r.From.States(), On: r.On, Phase: r.Phase,
			Guard: r.Guard, To: r.To, Emits: r.Emit.String(), Report: r.Report.String(),
			Cite: r.Cite, Unreached: r.Unreached,
		}
		for _, d := range r.Do {
			info.Do = append(info.Do, d.String())
		}
		out = append(out, info)
	}
	return out
}

// String renders a rule as one line of a table.
func (i RuleInfo) String() string {
	var b strings.Builder
	b.WriteString(i.Name)
	b.WriteString(": ")
	names := make([]string, len(i.From))
	for k, s := range i.From {
		names[k] = s.String()
	}
	b.WriteString(strings.Join(names, "|"))
	b.WriteString(" --" + i.On.String())
	if g := i.Guard.String(); g != "" {
		b.WriteString("[" + g + "]")
	}
	if i.Emits != "" {
		b.WriteString(" / " + i.Emits)
	}
	b.WriteString("--> " + i.To.String() + "  (" + i.Cite + ")")
	return b.String()
}

// Emit is the kind of segment a rule sends. The numbers come from the TCB after the rule's
// effects (so a FIN or data unit is the last number below SND.NXT) and before a move to
// CLOSED or LISTEN deletes the TCB.
type Emit uint8

// Emit kinds.
const (
	EmitNone      Emit = iota
	EmitSYN            // <SEQ=ISS><CTL=SYN>, with the data unit OPEN sent, if any (variant syn-data)
	EmitSYNACK         // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>
	EmitACK            // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, one per segment processed
	EmitData           // <SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=ACK><DATA>: a new unit
	EmitRtxData        // <SEQ=SND.UNA><ACK=RCV.NXT><CTL=ACK><DATA>: the oldest unacked unit
	EmitFIN            // <SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=FIN,ACK>
	EmitRSTSeqAck      // <SEQ=SEG.ACK><CTL=RST>, the reply to a segment with ACK (§3.5.2)
	EmitRSTACKSeg      // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, the reply to one without
	EmitRSTAbort       // <SEQ=SND.NXT><CTL=RST>, sent by ABORT
	// EmitThrottledACK is EmitACK answering an unacceptable segment, through a rate
	// limiter (RFC 5961 §7; Linux's tcp_invalid_ratelimit, 500 ms): an endpoint answers
	// one such segment, then none until a timer expires (Endpoint.Throttled; the system
	// clears it, since a timer's expiry, but the delayed-ACK timer's, means more time has
	// passed than the limiter's interval). Machine.Throttle off makes it EmitACK.
	EmitThrottledACK
	EmitKeepalive // <SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=ACK>, a keepalive probe (RFC 1122 §4.2.3.6)
	numEmits
)

var emitNames = [numEmits]string{"", "SYN", "SYN,ACK", "ACK", "ACK,DATA", "ACK,DATA",
	"FIN,ACK", "RST", "RST,ACK", "RST", "ACK", "ACK"}

// String is the control bits of the emitted segment, e.g. "SYN,ACK", "" for none.
func (e Emit) String() string {
	if e < numEmits {
		return emitNames[e]
	}
	return "emit?"
}

// Ignore says that a state does not react to an event at all, and why. Together with the
// rules it covers every state and event kind (a test checks it), so that the table is the
// only place that decides what an event does.
type Ignore struct {
	From StateSet
	On   EventKind
	Why  string
}

// Ignored lists the state/event pairs with no row.
var Ignored = []Ignore{
	{AnyState &^ In(StateClosed, StateListen), EvOpen,
		"RFC 9293 §3.10.1: error, connection already exists"},
	{AnyState &^ In(StateClosed), EvListen, "RFC 9293 §3.10.1: error, connection already exists"},
	{In(StateClosed), EvSend, "RFC 9293 §3.10.2: error, connection does not exist"},
	{In(StateListen, StateSynSent, StateSynReceived), EvSend,
		"RFC 9293 §3.10.2: queued until ESTABLISHED (Abstraction: SEND is offered only once synchronized)"},
	{In(StateFinWait1, StateFinWait2, StateClosing, StateLastAck, StateTimeWait), EvSend,
		"RFC 9293 §3.10.2: error, connection closing"},
	{In(StateClosed), EvClose, "RFC 9293 §3.10.4: error, connection does not exist"},
	{In(StateFinWait1, StateFinWait2, StateClosing, StateLastAck, StateTimeWait), EvClose,
		"RFC 9293 §3.10.4: error, connection closing"},
	{In(StateClosed), EvAbort, "RFC 9293 §3.10.5: error, connection does not exist"},
	{In(StateTimeWait), EvAbort,
		"Deviation from RFC 9293 §3.10.5: the user has closed, and real stacks give it no handle on TIME-WAIT (row closing/abort)"},
	{In(StateClosed, StateListen), EvRetransmit, "no retransmission timer without a TCB"},
	{In(StateClosed, StateListen, StateFinWait2, StateTimeWait), EvGiveUp,
		"nothing to retransmit: FIN-WAIT-2 and TIME-WAIT have had everything acknowledged"},
	{AnyState &^ In(StateTimeWait), EvTimeWait, "the 2MSL timer runs only in TIME-WAIT"},
	{AnyState &^ In(StateEstablished, StateFinWait2, StateCloseWait), EvKeepalive,
		"keepalive probes only an idle synchronized connection (RFC 1122 §4.2.3.6); closing states retransmit their FIN"},
	{In(StateClosed, StateListen, StateTimeWait), EvUserTimeout,
		"RFC 9293 §3.10.8: no user timeout without outstanding sends"},
	{In(StateClosed), EvCrash, "a crash loses nothing when there is no TCB"},
	{AnyState &^ In(StateCloseWait), EvDelayedAck,
		"only the ACK of a FIN taken in ESTABLISHED is delayed, and CLOSE-WAIT is where it is held (Abstraction: Endpoint.AckPending)"},
}
