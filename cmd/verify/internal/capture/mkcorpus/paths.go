package main

import (
	"fmt"
	"sort"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/capture"
)

// derivePaths works out the RFC 9293 states each endpoint went through, from
// the segments of one loopback incarnation. It is not the model: it knows
// only the transitions the corpus scenarios exercise, assumes nothing was
// lost (loopback), and exists so that the expected paths follow from what
// was captured rather than from what the scenario meant to do. Every path
// it writes was also checked by hand (see testdata/README.md).
//
// Timing. On loopback tcpdump sees a segment when it is sent; the receiver
// processes it a little later. A segment s from X that occupies sequence
// space is taken as received by Y just before the first later segment from Y
// whose ACK covers it: Y cannot acknowledge s before processing it, and a
// segment Y sent earlier without covering s shows Y had not processed it yet.
// A segment without sequence space (a pure ACK, a RST) is taken as received
// just before Y's next segment. Anything else is received at the end, and
// receipts keep each direction's order (loopback does not reorder). This is
// what sends crossing FINs through CLOSING rather than CLOSE-WAIT, and
// crossing SYNs through SYN-SENT -> SYN-RECEIVED: a bare SYN is only sent
// from CLOSED, so the peer's SYN cannot have arrived before it.
//
// Processing order within a segment follows RFC 9293 §3.10.7.4: the ACK
// field first ("enter FIN-WAIT-2 and continue processing in that state"),
// then the FIN bit, so a FIN,ACK that acknowledges our FIN takes FIN-WAIT-1
// through FIN-WAIT-2 to TIME-WAIT.
func derivePaths(inc capture.Incarnation) (client, server []string, err error) {
	ab := capture.Abstract(inc)
	segs := ab.Segments
	eps := [2]*endpoint{{state: "CLOSED"}, {state: "LISTEN"}}
	for _, a := range segs {
		if a.Dir == capture.ServerToClient {
			// The server's first segment tells whether it was listening:
			// a bare SYN (simultaneous open) or a RST (closed port) means
			// it was not.
			if a.Flags == capture.SYN || a.Flags.Has(capture.RST) {
				eps[1].state = "CLOSED"
			}
			break
		}
	}
	for _, e := range eps {
		e.path = []string{e.state}
	}

	// key orders events: at position j, receipts (0) come before the send
	// of segment j (1); receipts that nothing forces earlier sit at the end.
	type event struct {
		pos, phase int
		receive    bool
		seg        int
	}
	var events []event
	lastRecv := [2]int{-1, -1} // per direction: receipts keep the send order
	for i, a := range segs {
		events = append(events, event{pos: i, phase: 1, seg: i})
		r := len(segs)
		for j := i + 1; j < len(segs); j++ {
			b := segs[j]
			if b.Dir == a.Dir {
				continue
			}
			covers := b.Flags.Has(capture.ACK) && int32(b.Ack-(a.Seq+seqLen(a))) >= 0
			if seqLen(a) == 0 || covers {
				r = j
				break
			}
		}
		if r < lastRecv[a.Dir] {
			r = lastRecv[a.Dir]
		}
		lastRecv[a.Dir] = r
		events = append(events, event{pos: r, receive: true, seg: i})
	}
	sort.SliceStable(events, func(x, y int) bool {
		ex, ey := events[x], events[y]
		if ex.pos != ey.pos {
			return ex.pos < ey.pos
		}
		return ex.phase < ey.phase
	})
	for _, ev := range events {
		a := segs[ev.seg]
		from, to := eps[0], eps[1]
		if a.Dir == capture.ServerToClient {
			from, to = eps[1], eps[0]
		}
		if ev.receive {
			to.receive(a)
		} else {
			from.send(a)
		}
	}
	for _, e := range eps {
		if e.err != nil {
			return nil, nil, e.err
		}
	}
	return eps[0].path, eps[1].path, nil
}

func seqLen(a capture.AbstractSegment) uint32 {
	n := uint32(a.Len)
	if a.Flags.Has(capture.SYN) {
		n++
	}
	if a.Flags.Has(capture.FIN) {
		n++
	}
	return n
}

// endpoint is one side's state as far as the paths need it.
type endpoint struct {
	state   string
	path    []string
	passive bool   // came from LISTEN: a RST in SYN-RECEIVED returns there
	finEnd  uint32 // relative SEQ just after our FIN, once sent
	finSent bool
	err     error
}

func (e *endpoint) enter(s string) {
	if s != e.state {
		e.state = s
		e.path = append(e.path, s)
	}
}

// acks reports whether ack acknowledges our FIN.
func (e *endpoint) acksFIN(a capture.AbstractSegment) bool {
	return e.finSent && a.Flags.Has(capture.ACK) && int32(a.Ack-e.finEnd) >= 0
}

// send applies the effect of sending a on the sender (user calls show up as
// the segments they cause: OPEN as a SYN, CLOSE as a FIN, ABORT as a RST).
func (e *endpoint) send(a capture.AbstractSegment) {
	switch {
	case a.Flags.Has(capture.RST):
		// ABORT from a synchronized state (§3.10.5), or the RST a closed
		// port answers with (§3.10.7.1), which leaves CLOSED as it is.
		if e.state != "CLOSED" && e.state != "LISTEN" {
			e.enter("CLOSED")
		}
	case a.Flags == capture.SYN:
		if e.state == "CLOSED" {
			e.enter("SYN-SENT") // OPEN, active (§3.10.1)
		}
	case a.Flags.Has(capture.FIN):
		if !e.finSent {
			e.finSent, e.finEnd = true, a.Seq+uint32(a.Len)+1
		}
		switch e.state { // CLOSE (§3.10.4)
		case "SYN-RECEIVED", "ESTABLISHED":
			e.enter("FIN-WAIT-1")
		case "CLOSE-WAIT":
			e.enter("LAST-ACK")
		}
	}
}

// receive applies the arrival of a (§3.10.7), assuming it is acceptable.
func (e *endpoint) receive(a capture.AbstractSegment) {
	f := a.Flags
	switch e.state {
	case "CLOSED":
		return // answered with RST, state unchanged (§3.10.7.1)
	case "LISTEN": // §3.10.7.2
		if f == capture.SYN {
			e.passive = true
			e.enter("SYN-RECEIVED")
		}
		return
	case "SYN-SENT": // §3.10.7.3
		acked := f.Has(capture.ACK) && a.Ack == 1
		switch {
		case f.Has(capture.RST):
			if acked {
				e.enter("CLOSED")
			}
		case f.Has(capture.SYN) && acked:
			e.enter("ESTABLISHED")
		case f == capture.SYN:
			e.enter("SYN-RECEIVED") // simultaneous open
		}
		return
	}
	// §3.10.7.4, SYN-RECEIVED and the synchronized states.
	if f.Has(capture.RST) {
		if e.state == "SYN-RECEIVED" && e.passive {
			e.enter("LISTEN")
		} else {
			e.enter("CLOSED")
		}
		return
	}
	if f.Has(capture.SYN) && !(e.state == "SYN-RECEIVED" && f.Has(capture.ACK)) {
		// A SYN in a synchronized state draws a challenge ACK; the SYN,ACK
		// of a simultaneous open is the exception Linux makes and RFC 9293
		// Figure 7 draws: it completes the handshake.
		return
	}
	if f.Has(capture.ACK) {
		switch {
		case e.state == "SYN-RECEIVED" && int32(a.Ack) >= 1:
			e.enter("ESTABLISHED")
		case e.state == "FIN-WAIT-1" && e.acksFIN(a):
			e.enter("FIN-WAIT-2")
		case e.state == "CLOSING" && e.acksFIN(a):
			e.enter("TIME-WAIT")
		case e.state == "LAST-ACK" && e.acksFIN(a):
			e.enter("CLOSED")
		}
	}
	if f.Has(capture.FIN) {
		switch e.state {
		case "SYN-RECEIVED", "ESTABLISHED":
			e.enter("CLOSE-WAIT")
		case "FIN-WAIT-1":
			e.enter("CLOSING")
		case "FIN-WAIT-2":
			e.enter("TIME-WAIT")
		case "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT":
			// a retransmitted FIN: no change
		default:
			e.err = fmt.Errorf("frame %d: FIN in %s", a.Frame, e.state)
		}
	}
}
