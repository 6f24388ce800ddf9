package fsm

import (
	"fmt"
	"strings"
)

// State is one of the 11 connection states of RFC 9293 §3.3.2.
type State uint8

// The RFC 9293 states, in the order of §3.3.2. StateClosed is the zero value: an endpoint
// with no TCB.
const (
	StateClosed State = iota
	StateListen
	StateSynSent
	StateSynReceived
	StateEstablished
	StateFinWait1
	StateFinWait2
	StateCloseWait
	StateClosing
	StateLastAck
	StateTimeWait
	numStates
)

// Stay is the To of a rule that leaves the state unchanged. It is not a state.
const Stay State = 255

var stateNames = [numStates]string{
	"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
	"FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
}

// AllStates lists the 11 states in RFC order.
func AllStates() []State {
	out := make([]State, numStates)
	for i := range out {
		out[i] = State(i)
	}
	return out
}

// String gives the RFC spelling, e.g. "SYN-RECEIVED".
func (s State) String() string {
	if s == Stay {
		return "(same)"
	}
	if s < numStates {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// ParseState reads an RFC state name such as "FIN-WAIT-1".
func ParseState(name string) (State, error) {
	for i, n := range stateNames {
		if strings.EqualFold(n, name) {
			return State(i), nil
		}
	}
	return 0, fmt.Errorf("unknown state %q (valid: %s)", name, strings.Join(stateNames[:], ", "))
}

// Synchronized reports whether the state is one where both sequence numbers are known:
// ESTABLISHED and every later state (RFC 9293 §3.5.2 groups them so).
func (s State) Synchronized() bool { return s >= StateEstablished && s < numStates }

// HasTCB reports whether an endpoint in this state holds connection variables. LISTEN has
// a TCB in the RFC but no sequence variables, so the model keeps them zero there.
func (s State) HasTCB() bool { return s >= StateSynSent && s < numStates }

// FinSent reports whether the state implies our FIN has been sent and occupies the last
// sequence number below SND.NXT (RFC 9293 §3.6).
func (s State) FinSent() bool {
	switch s {
	case StateFinWait1, StateFinWait2, StateClosing, StateLastAck, StateTimeWait:
		return true
	}
	return false
}

// FinReceived reports whether the state implies the peer's FIN has been received and
// counted in RCV.NXT.
func (s State) FinReceived() bool {
	switch s {
	case StateCloseWait, StateClosing, StateLastAck, StateTimeWait:
		return true
	}
	return false
}

// StateSet is a set of states, used for the From of a rule.
type StateSet uint16

// In builds the set of the given states.
func In(states ...State) StateSet {
	var set StateSet
	for _, s := range states {
		set |= 1 << s
	}
	return set
}

// Has reports whether s is in the set.
func (set StateSet) Has(s State) bool { return s < numStates && set&(1<<s) != 0 }

// States lists the members in RFC order.
func (set StateSet) States() []State {
	var out []State
	for s := State(0); s < numStates; s++ {
		if set.Has(s) {
			out = append(out, s)
		}
	}
	return out
}

func (set StateSet) String() string {
	names := make([]string, 0, numStates)
	for _, s := range set.States() {
		names = append(names, s.String())
	}
	return "{" + strings.Join(names, ",") + "}"
}

// Common sets, named after the RFC's groupings.
var (
	// AnyState is every state.
	AnyState = StateSet(1<<numStates - 1)
	// SynchronizedStates are ESTABLISHED and the closing states.
	SynchronizedStates = In(StateEstablished, StateFinWait1, StateFinWait2, StateCloseWait,
		StateClosing, StateLastAck, StateTimeWait)
	// OtherStates are the states of RFC 9293 §3.10.7.4, "Other States": SYN-RECEIVED and
	// the synchronized states.
	OtherStates = SynchronizedStates | In(StateSynReceived)
)

// Endpoint is one TCP endpoint: its state and the TCB variables connection management
// needs (RFC 9293 §3.3.1). It is a comparable value with no pointers, so the checker can
// hash it; Step returns a new value instead of mutating.
//
// Abstraction: data is counted in units, one sequence number each; the window is a fixed
// Machine parameter, so SND.WND, SND.WL1/WL2 and RCV.WND are not variables. Urgent data and
// precedence/security are not modeled. A CLOSED or LISTEN endpoint keeps every sequence
// variable zero, so equal situations have equal values.
type Endpoint struct {
	State State
	// Host identifies the endpoint's host to its ISN generator (RFC 9293 §3.4.1 makes the
	// ISN a function of the connection identifiers, which differ per side).
	Host uint8
	// Passive records that the current TCB came from a passive OPEN, so that a reset in
	// SYN-RECEIVED returns to LISTEN (RFC 9293 §3.10.7.4, second check).
	Passive bool
	ISS     Seq
	IRS     Seq
	SndUna  Seq
	SndNxt  Seq
	RcvNxt  Seq
	// Retries counts the retransmission timeouts since SND.UNA last advanced, against the
	// machine's R2 (RFC 9293 §3.8.3).
	Retries uint8
	// Throttled: the endpoint has answered an unacceptable segment since the last timer
	// expired, and its rate limiter holds back every other answer until one does (RFC
	// 5961 §7; see EmitThrottledACK).
	Throttled bool
	// FinPending: the user called CLOSE in SYN-RECEIVED, and the FIN waits until the peer
	// acknowledges our SYN, as 4.4BSD and FreeBSD do (tcp_usrclosed sets TF_NEEDFIN and
	// stays in SYN-RECEIVED). Only variant fin-after-ack sets it: RFC 9293 §3.10.4 sends
	// the FIN at once when nothing is queued to send, and so does the RFC table.
	FinPending bool
	// AckPending: the peer's FIN has been taken in ESTABLISHED and its acknowledgment is
	// held back, to ride on the next segment we send (our FIN, if the user closes first)
	// or to leave alone when the delayed-ACK timer expires (RFC 9293 §3.8.6.3, RFC 1122
	// §4.2.3.2: an ACK may be delayed, up to 0.5 s). Linux delays it so (tcp_fin enters
	// pingpong mode), which is why its closes often take three segments; FreeBSD sends it
	// at once (TF_ACKNOW), the variant no-delayed-ack. Any segment the endpoint sends with
	// ACK carries it and clears the bit (Machine.step). Abstraction: no other ACK is
	// delayed; the one of a FIN is the ACK a FIN can ride on.
	AckPending bool
}

// String is a compact rendering, e.g. "ESTABLISHED iss=1 una=2 nxt=2 irs=4 rcv=5".
func (e Endpoint) String() string {
	if !e.State.HasTCB() {
		return e.State.String()
	}
	s := fmt.Sprintf("%s iss=%d una=%d nxt=%d irs=%d rcv=%d",
		e.State, e.ISS, e.SndUna, e.SndNxt, e.IRS, e.RcvNxt)
	if e.Retries > 0 {
		s += fmt.Sprintf(" retries=%d", e.Retries)
	}
	if e.Throttled {
		s += " throttled"
	}
	if e.AckPending {
		s += " ack-pending"
	}
	return s
}

// Unacked reports whether the endpoint has sent something not yet acknowledged, so that
// its retransmission timer runs.
func (e Endpoint) Unacked() bool { return e.State.HasTCB() && e.SndUna != e.SndNxt }

// FinUnacked reports whether the endpoint has sent a FIN that is not yet acknowledged,
// so that it may still retransmit it.
func (e Endpoint) FinUnacked() bool { return e.State.FinSent() && e.SndUna != e.SndNxt }

// DataSent is how many data units this TCB has sent: the sequence numbers below SND.NXT
// that are neither our SYN nor our FIN.
func (e Endpoint) DataSent(sp Space) uint32 {
	if !e.State.HasTCB() {
		return 0
	}
	n := sp.Dist(e.ISS, e.SndNxt)
	return sub1(n, 1, e.State.FinSent())
}

// DataAcked is how many data units the peer has acknowledged.
func (e Endpoint) DataAcked(sp Space) uint32 {
	if !e.State.HasTCB() {
		return 0
	}
	n := sp.Dist(e.ISS, e.SndUna)
	finAcked := e.State.FinSent() && e.SndUna == e.SndNxt
	return sub1(n, 1, finAcked)
}

// DataReceived is how many data units this TCB has received in order (and so delivered
// to its user): the numbers below RCV.NXT that are neither the peer's SYN nor its FIN.
func (e Endpoint) DataReceived(sp Space) uint32 {
	if !e.State.HasTCB() || e.State == StateSynSent {
		return 0
	}
	n := sp.Dist(e.IRS, e.RcvNxt)
	return sub1(n, 1, e.State.FinReceived())
}

// sub1 subtracts the SYN (when n counts past it) and, when fin, the FIN, never going below
// zero.
func sub1(n, syn uint32, fin bool) uint32 {
	if n < syn {
		return 0
	}
	n -= syn
	if fin && n > 0 {
		n--
	}
	return n
}
