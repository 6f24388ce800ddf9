package fsm

import "fmt"

// EventKind is what happens to an endpoint: a user call (RFC 9293 §3.10.1–§3.10.5), a
// segment arriving (§3.10.7), a timeout (§3.10.8) or a host crash.
type EventKind uint8

// Event kinds. Timeouts are events, not durations: the system decides when a timer may
// expire, the endpoint only reacts.
const (
	EvOpen        EventKind = iota + 1 // active OPEN
	EvListen                           // passive OPEN
	EvSend                             // SEND of one data unit
	EvClose                            // CLOSE: no more data from us (a half-close)
	EvAbort                            // ABORT
	EvSegment                          // SEGMENT ARRIVES
	EvRetransmit                       // retransmission timeout
	EvGiveUp                           // retransmission timeout after R2 retransmissions
	EvTimeWait                         // 2MSL timeout in TIME-WAIT
	EvKeepalive                        // keepalive timeout (RFC 1122 §4.2.3.6)
	EvUserTimeout                      // user timeout
	EvDelayedAck                       // delayed-ACK timeout (RFC 1122 §4.2.3.2)
	EvCrash                            // host crash and reboot: the TCB is lost
	numEventKinds
)

var eventNames = [numEventKinds]string{
	"", "open", "listen", "send", "close", "abort", "segment", "retransmit", "give-up", "2msl",
	"keepalive", "user-timeout", "delayed-ack", "crash",
}

func (k EventKind) String() string {
	if k > 0 && k < numEventKinds {
		return eventNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// AllEventKinds lists the kinds in declaration order.
func AllEventKinds() []EventKind {
	out := make([]EventKind, 0, numEventKinds-1)
	for k := EvOpen; k < numEventKinds; k++ {
		out = append(out, k)
	}
	return out
}

// Event is one input to Step.
type Event struct {
	Kind EventKind
	// Seg is the arriving segment, for EvSegment.
	Seg Segment
	// Clock is the reading of the ISN clock, for events that may choose an ISS (an active
	// OPEN, a SYN arriving in LISTEN). The Machine's ISN generator maps it to a number.
	Clock uint32
	// SetISS overrides the generator with ISS, for trace checking, where the ISS is
	// observed rather than chosen.
	SetISS bool
	ISS    Seq
	// Listener says that the host listens on the endpoint's port, so that a new SYN may
	// reopen a connection from TIME-WAIT (RFC 9293 §3.6.1 MAY-2): real stacks hand such a
	// SYN to the listening socket (Linux's TCP_TW_SYN), and without one answer it as
	// TIME-WAIT does. The system sets it for the server while it would listen again.
	Listener bool
	// HasData says that the user of an OPEN has data it has not sent yet (units left), which
	// an OPEN may send with its SYN (variant syn-data, RFC 7413). The system sets it.
	HasData bool
}

// Open, Listen, Send, Close, Abort and Arrive build the common events.
func Open(clock uint32) Event      { return Event{Kind: EvOpen, Clock: clock} }
func Listen() Event                { return Event{Kind: EvListen} }
func Send() Event                  { return Event{Kind: EvSend} }
func Close() Event                 { return Event{Kind: EvClose} }
func Abort() Event                 { return Event{Kind: EvAbort} }
func Timeout(kind EventKind) Event { return Event{Kind: kind} }
func Arrive(seg Segment, clock uint32) Event {
	return Event{Kind: EvSegment, Seg: seg, Clock: clock}
}

func (ev Event) String() string {
	if ev.Kind == EvSegment {
		return "segment " + ev.Seg.String()
	}
	return ev.Kind.String()
}

// Report is what the endpoint tells its user about the connection as a result of a step
// (RFC 9293 §3.10 "signal the user" clauses).
type Report uint8

// Reports. Reset-like reports (refused, reset, timeout, aborted) are what the "no data
// lost" property treats as the user having been told.
const (
	ReportNone    Report = iota
	ReportRefused        // "connection refused"
	ReportReset          // "connection reset"
	ReportTimeout        // "connection aborted due to user timeout"
	ReportAborted        // the user's own ABORT, or a host crash
	ReportClosing        // "connection closing": the peer's FIN
)

var reportNames = []string{"", "connection refused", "connection reset",
	"connection aborted due to user timeout", "connection aborted", "connection closing"}

func (r Report) String() string {
	if int(r) < len(reportNames) {
		return reportNames[r]
	}
	return fmt.Sprintf("Report(%d)", uint8(r))
}

// IsReset reports whether the user learns that data may have been lost.
func (r Report) IsReset() bool {
	return r == ReportRefused || r == ReportReset || r == ReportTimeout || r == ReportAborted
}
