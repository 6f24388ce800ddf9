package pktplay

import (
	"fmt"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/pktscript"
	"github.com/tcpverify/tcpverify/fsm"
)

// outbound matches a ">" line against what the endpoint has sent and no earlier line
// matched, in order.
//
// Two abstractions of the model meet a real stack here, and each match that relies on one
// is noted:
//   - the model acknowledges every segment at once (but a FIN taken in ESTABLISHED,
//     whose ACK it may hold), where a real receiver may delay an
//     ACK and fold it into a later segment (RFC 1122 §4.2.3.2): a pure ACK the script
//     does not show is passed over when the line acknowledges at least as much;
//   - the model's retransmission sends one unit, where a real stack resends the segment
//     (or more): a retransmitted line may cover more, up to what had been sent.
//
// Everything else must match exactly: control bits (PSH and the ECN bits not judged; a
// RST,ACK matches the model's RST with the same SEQ, as Linux acknowledges in its resets),
// SEQ relative to our ISS, ACK when the line has one, and the data length, where data the
// model sent in several segments may be shown as one and one as several.
func (p *player) outbound(r *run, ev *pktscript.Event) *lineError {
	pk := ev.Packet
	if pk.Flags&pktscript.FlagFIN != 0 && pk.Len > 0 {
		// Data and FIN in one segment: the model sends the data, then the FIN.
		data, fin := *pk, *pk
		data.Flags &^= pktscript.FlagFIN
		fin.Seq, fin.Len = pk.Seq+pk.Len, 0
		if e := p.match(r, ev, &data); e != nil {
			return e
		}
		return p.match(r, ev, &fin)
	}
	return p.match(r, ev, pk)
}

// match is outbound for one segment of the model.
func (p *player) match(r *run, ev *pktscript.Event, pk *pktscript.Packet) *lineError {
	fail := func(format string, args ...any) *lineError {
		return &lineError{line: ev.Line, text: ev.Text, reason: fmt.Sprintf(format, args...)}
	}
	want := flagsOf(pk.Flags)
	hasACK := want.Has(fsm.ACK)
	ackLeq := func(a fsm.Seq) bool { return p.m.Space.Leq(a, fsm.Seq(pk.Ack)) }
	i := 0
	folded := func() {
		for i < len(r.out) && r.out[i].pureACK() && hasACK && ackLeq(r.out[i].seg.Ack) &&
			!(want == fsm.ACK && pk.Len == 0 && r.out[i].rel == pk.Seq && r.out[i].seg.Ack == fsm.Seq(pk.Ack)) {
			r.note(ev.Line, fmt.Sprintf("the endpoint's %s (%s) is not shown: taken as a delayed ACK folded into this segment (RFC 1122 §4.2.3.2)",
				r.render(r.out[i]), r.out[i].rule))
			i++
		}
	}
	folded()
	if i == len(r.out) {
		if i > 0 {
			last := r.out[i-1]
			return fail("the endpoint sent %s (%s) and nothing after it (state %s)", r.render(last), last.rule, r.ep.State)
		}
		return fail("the endpoint sent nothing (state %s)", r.ep.State)
	}
	head := r.out[i]
	got := head.seg.Flags
	if got != want {
		rstACK := got.Has(fsm.RST) && want.Has(fsm.RST) && got&^fsm.ACK == want&^fsm.ACK
		if !rstACK {
			return fail("the endpoint sent %s (%s)", r.render(head), head.rule)
		}
		r.note(ev.Line, fmt.Sprintf("%s matched to the model's %s: only the ACK bit differs", ev.Text, r.render(head)))
	}
	if head.rel != pk.Seq {
		return fail("the endpoint sent %s (%s): SEQ %d, not %d", r.render(head), head.rule, head.rel, pk.Seq)
	}
	if hasACK && !got.Has(fsm.RST) && head.seg.Ack != fsm.Seq(pk.Ack) {
		return fail("the endpoint sent %s (%s): ACK %d, not %d", r.render(head), head.rule, head.seg.Ack, pk.Ack)
	}
	switch {
	case pk.Len == head.seg.Len:
		i++
	case head.seg.Len > pk.Len && pk.Len > 0:
		// The line shows the first part of the data sent; the rest waits for the next.
		rest := &r.out[i]
		rest.seg.Seq = p.m.Space.Add(rest.seg.Seq, pk.Len)
		rest.rel += pk.Len
		rest.seg.Len -= pk.Len
	case head.rtx && pk.Len > head.seg.Len && pk.Seq+pk.Len <= head.nxt:
		r.note(ev.Line, fmt.Sprintf("%s matched to the model's retransmission %s: a real stack resends more than the model's one unit, all of it sent before",
			ev.Text, r.render(head)))
		i++
	case pk.Len > head.seg.Len && head.seg.Len > 0:
		// The line shows as one segment data the model sent in several: take them in order.
		need, at := pk.Len-head.seg.Len, pk.Seq+head.seg.Len
		i++
		for need > 0 {
			folded()
			if i == len(r.out) || r.out[i].seg.Flags != fsm.ACK || r.out[i].seg.Len == 0 || r.out[i].rel != at {
				return fail("the endpoint sent %d bytes from SEQ %d, not %d", pk.Len-need, pk.Seq, pk.Len)
			}
			take := min(need, r.out[i].seg.Len)
			if take < r.out[i].seg.Len {
				r.out[i].seg.Seq = p.m.Space.Add(r.out[i].seg.Seq, take)
				r.out[i].rel += take
				r.out[i].seg.Len -= take
			} else {
				i++
			}
			need -= take
			at += take
		}
	default:
		return fail("the endpoint sent %s (%s): %d bytes, not %d", r.render(head), head.rule, head.seg.Len, pk.Len)
	}
	r.out = append(r.out[:0:0], r.out[i:]...)
	return nil
}
