// Package trace checks real packet captures against the TCP model: for one incarnation of
// a connection (as cmd/verify/internal/capture cuts it) it searches for a run of two fsm endpoints, a
// client and a server, that sends the observed segments in the observed order. The user
// calls, timer expiries and deliveries that the capture does not show are inferred.
//
//	m, _ := trace.NewMachine(fsm.RFC)
//	for _, conn := range capture.Split(c.Segments) {
//		for _, inc := range conn.Incarnations {
//			r := trace.Check(m, inc)
//			fmt.Println(r.Accepted, r.Client, r.Server) // true CLOSED -> SYN-SENT -> ... LISTEN -> ...
//		}
//	}
//
// # The capture point
//
// Every captured segment is taken to be seen once, when its sender sends it: on loopback
// (where the corpus was recorded) sending, capturing and arriving are one moment, and per
// direction segments arrive in the order they were sent. The search therefore treats each
// observed segment as an emission of its sender's endpoint, made by one model step after
// zero or more hidden steps of that same endpoint:
//
//   - deliveries, in order, of the segments the peer sent earlier (observed) and this
//     endpoint has not processed yet;
//   - losses of such a segment after the capture point (it never arrives; a listen queue
//     that drops a SYN looks like this);
//   - user calls (LISTEN, OPEN, CLOSE, ABORT) and the timers whose expiry changes state
//     (2MSL, user timeout);
//   - data sent but never captured: numbers skipped in SEQ are SENDs whose segments were
//     lost before the capture point.
//
// The hidden steps of the other endpoint are postponed until it next sends (or the
// capture ends): they cannot change what this endpoint sends, so trying them here would
// only multiply equal runs. Whatever the model emits that the capture does not show (an
// ACK the real stack delayed and folded into a later segment, a segment of a hidden step)
// is taken as lost before the capture point. At the end of the capture the segments still
// in flight are delivered, so a last ACK takes LAST-ACK to CLOSED.
//
// # The search
//
// The search is breadth-first over layers: layer i holds the distinct configurations
// (both endpoints, and how far each has read the other's segments) that explain the first
// i observed segments. A configuration of layer i leads to layer i+1 through a local
// search of its sender: at most MaxExtra hidden steps other than deliveries, deliveries
// only as far as the segments already observed, visited local states deduplicated. Bounds
// and pruning, each chosen so that the runs a loopback capture needs survive:
//
//   - every run has a cost: a hidden call or timer, a workaround, a segment not in the
//     capture each cost something, and so does every segment the sender leaves
//     unreceived when it sends (on loopback a segment arrives as it is captured);
//   - of the ways to send one segment, only those leaving at most MaxLag more segments
//     unreceived than the most eager one are kept;
//   - a pure ACK is never taken as lost (ACKs are cumulative: leaving it unreceived does
//     as much);
//   - a layer keeps its MaxLayer cheapest configurations.
//
// The run reported is the cheapest configuration of the last layer, traced back: the one
// with the fewest assumptions and the earliest deliveries. A corpus file checks in about a
// millisecond; a transfer of 100 segments of 64 KiB in about 0.1 s.
//
// When a layer comes out empty, the segment that produced it is the first the model cannot
// explain: Result gives its frame and why, naming both endpoints' states and the closest
// segment the sender's model could send.
//
// # Abstraction
//
// A data byte is one sequence number (the model's unit); sequence numbers are the raw
// 32-bit ones, over a space of 2^32 numbers, and the observed ISNs are imposed on OPEN and
// on the SYN that a listener answers (fsm.Event.SetISS). The window is fixed at Window,
// 2^30, the largest a window-scaled TCP can advertise (RFC 7323 §2.3), so no segment of a
// real connection falls outside it. PSH, URG, ECN bits, options and window values are
// ignored; Result.Notes says which appeared.
//
// Where real TCP does what the model abstracts, the matcher accepts it and says so in a
// note, rather than editing the model:
//
//   - one data segment of n bytes is n SENDs of one unit each, their segments coalesced;
//   - a retransmission of more than the model's one unit (or of data and FIN together) is
//     accepted when the model's retransmission timer sends its first unit and everything
//     it covers was sent before;
//   - a pure ACK carrying the current SND.NXT and RCV.NXT may be sent at any time in a
//     synchronized state (a delayed ACK, a window update): the model ACKs only in answer
//     to an arrival, or by its delayed-ACK timer for a FIN it took in ESTABLISHED (which
//     the checker tries first, without a note);
//   - a RST that also carries ACK (Linux's ABORT and answers) matches the model's bare RST
//     with the same SEQ.
package trace
