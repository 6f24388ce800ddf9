package pktplay

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tcpverify/tcpverify/fsm"
)

// run is one way the model plays the script so far: the endpoint, what it sent that no
// ">" line has matched yet, the sockets the script opened and the timers' start times.
type run struct {
	ep fsm.Endpoint
	// iss is the ISS the script's numbers for our side are relative to: the current
	// TCB's, or the last one's once it is gone (0 before the first).
	iss fsm.Seq
	// clock is the ISN clock reading of the last event that could choose an ISS.
	clock uint32
	// out lists the segments sent and not yet matched, in order; contiguous data is
	// coalesced, as the script may show a write of n bytes as one segment or several.
	out []sent
	// now is the script time of the line being played.
	now float64
	// rtxAt is when the retransmission timer last started: the last time something was
	// sent, acknowledged or retransmitted. unaAt is when the oldest unacknowledged item
	// was sent (SND.UNA last moved, or something was sent with nothing outstanding): the
	// user timeout counts from there, as RFC 5482 and Linux's TCP_USER_TIMEOUT do.
	// twAt is when the 2MSL timer last started: TIME-WAIT began, or a FIN arrived again
	// (RFC 9293 §3.10.7.4 eighth: "restart the 2 MSL time-wait timeout"). heardAt is
	// when a segment last arrived.
	rtxAt, unaAt, twAt, heardAt float64
	// keepalive is SO_KEEPALIVE; idle is TCP_KEEPIDLE in seconds (0: the timing's);
	// userTimeout is TCP_USER_TIMEOUT in seconds (0: none).
	keepalive   bool
	idle        float64
	userTimeout float64

	socks []sock
	conns []conn
	// cur is the connection the endpoint holds (an index of conns), -1 before any.
	cur int
	// listener is the open listening socket (an index of socks), -1 when there is none.
	listener int
	blocked  *blocked
	depth    int // hidden steps before the current line

	steps []Step
	notes []string
	cover []Cover
	fired []int
}

// sock is a socket the script opened.
type sock struct {
	fd       int64
	listener bool
	// conn is the connection the socket is bound to (an index of run.conns), -1 none.
	conn     int
	nonblock bool
	linger0  bool
	closed   bool
}

// conn is what a socket reads from one connection of the endpoint.
type conn struct {
	unread uint64 // data delivered to the user and not yet read
	eof    bool   // the peer's FIN arrived
	err    string // the pending socket error, an errno name ("" none)
	// synced: the connection reached ESTABLISHED (accept may return it); over: it has
	// left the endpoint (CLOSED, or the endpoint moved on to another connection).
	synced   bool
	over     bool
	accepted bool
	// closed: the user called close() on it (not shutdown): it reads no more.
	closed bool
}

// sent is a segment the endpoint sent.
type sent struct {
	seg  fsm.Segment
	rel  uint32 // SEG.SEQ relative to the ISS of the time
	rule string // the row that sent it
	// rtx marks a retransmission; nxt is SND.NXT relative to the ISS when it was sent
	// (a retransmission may be shown repacketized up to there).
	rtx bool
	nxt uint32
}

func (s sent) pureACK() bool { return s.seg.Flags == fsm.ACK && s.seg.Len == 0 }

// blocked is a system call waiting for the endpoint (a blocking connect, accept, read or
// write), tried again after every step.
type blocked struct {
	line int
	text string
	call *callSpec
}

func newRun() *run {
	return &run{cur: -1, listener: -1}
}

// clone copies r deeply enough that changing the copy leaves r as it is.
func (r *run) clone() *run {
	n := *r
	n.out = slices.Clone(r.out)
	n.socks = slices.Clone(r.socks)
	n.conns = slices.Clone(r.conns)
	n.steps = slices.Clip(r.steps)
	n.notes = slices.Clip(r.notes)
	n.cover = slices.Clip(r.cover)
	n.fired = slices.Clip(r.fired)
	if r.blocked != nil {
		b := *r.blocked
		n.blocked = &b
	}
	return &n
}

// key identifies what decides r's future, so that equal runs are kept once.
func (r *run) key() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v|%d|%d|%v|%v|%v|%v|%v|%v|%v|%v|%d|%d|", r.ep, r.iss, r.clock, r.out, r.rtxAt, r.unaAt, r.twAt, r.heardAt,
		r.keepalive, r.idle, r.userTimeout, r.cur, r.listener)
	fmt.Fprintf(&b, "%v|%v|", r.socks, r.conns)
	if r.blocked != nil {
		fmt.Fprintf(&b, "%d", r.blocked.line)
	}
	return b.String()
}

func (r *run) keepIdle(t Timing) float64 {
	if r.idle > 0 {
		return r.idle
	}
	return t.KeepIdle
}

func (r *run) note(line int, text string) {
	r.notes = append(slices.Clip(r.notes), fmt.Sprintf("line %d: %s", line, text))
}

// newConn starts a connection record for the endpoint's next TCB.
func (r *run) newConn() {
	if r.cur >= 0 {
		r.conns[r.cur].over = true
	}
	r.conns = append(r.conns, conn{})
	r.cur = len(r.conns) - 1
}

// record takes a step's outcome into r.
func (r *run) record(m fsm.Machine, line int, ev fsm.Event, hidden bool, before fsm.Endpoint, out fsm.Outcome) {
	after := out.Next
	r.ep = after
	if before.State == fsm.StateTimeWait && after.State == fsm.StateSynReceived {
		// TIME-WAIT reopened by a new SYN: the listener's next connection.
		r.newConn()
	}
	if after.State.HasTCB() && (!before.State.HasTCB() || after.ISS != before.ISS) {
		r.iss = after.ISS
	}
	if ev.Kind == fsm.EvRetransmit || after.SndNxt != before.SndNxt || after.SndUna != before.SndUna {
		r.rtxAt = r.now
	}
	if after.SndUna != before.SndUna || (!before.Unacked() && after.Unacked()) {
		r.unaAt = r.now
	}
	if ev.Kind == fsm.EvKeepalive {
		r.heardAt = r.now // the next probe waits as long again
	}
	if after.State == fsm.StateTimeWait && (before.State != fsm.StateTimeWait ||
		ev.Kind == fsm.EvSegment && ev.Seg.Flags.Has(fsm.FIN)) {
		r.twAt = r.now
	}
	rule := ""
	var names []string
	for i := range out.Fired.Len() {
		idx := out.Fired.At(i)
		rule = m.Rules[idx].Name
		names = append(names, rule)
		if !slices.Contains(r.fired, idx) {
			r.fired = append(slices.Clip(r.fired), idx)
		}
	}
	var sends []string
	for _, seg := range out.Emit.Segments() {
		s := sent{seg: seg, rel: m.Space.Dist(r.iss, seg.Seq), rule: rule, rtx: ev.Kind == fsm.EvRetransmit,
			nxt: m.Space.Dist(r.iss, after.SndNxt)}
		sends = append(sends, r.render(s))
		r.push(s)
	}
	if r.cur >= 0 {
		c := &r.conns[r.cur]
		c.unread += uint64(out.Delivered)
		if after.State.FinReceived() && !before.State.FinReceived() {
			c.eof = true
		}
		if after.State == fsm.StateEstablished || after.State == fsm.StateCloseWait {
			c.synced = true
		}
		switch out.Report {
		case fsm.ReportRefused:
			c.err = "ECONNREFUSED"
		case fsm.ReportReset:
			c.err = "ECONNRESET"
		case fsm.ReportTimeout:
			c.err = "ETIMEDOUT"
		}
	}
	r.steps = append(slices.Clip(r.steps), Step{Line: line, Hidden: hidden, Event: r.eventText(ev), Fired: names,
		Sends: sends, From: before.State.String(), To: after.State.String()})
}

// push appends a sent segment, coalescing it with the last one when both are data of
// one run of numbers with the same acknowledgment.
func (r *run) push(s sent) {
	if n := len(r.out); n > 0 && s.seg.Flags == fsm.ACK && s.seg.Len > 0 && !s.rtx {
		last := &r.out[n-1]
		if last.seg.Flags == fsm.ACK && last.seg.Len > 0 && !last.rtx && last.seg.Ack == s.seg.Ack &&
			last.rel+last.seg.Len == s.rel {
			last.seg.Len += s.seg.Len
			last.nxt = s.nxt
			return
		}
	}
	r.out = append(r.out, s)
}

// eventText renders an event in the script's terms.
func (r *run) eventText(ev fsm.Event) string {
	if ev.Kind != fsm.EvSegment {
		return ev.Kind.String()
	}
	return "< " + r.renderSeg(ev.Seg, uint32(ev.Seg.Seq), true)
}

// render is a sent segment in the script's notation, e.g. "> F. 1:1(0) ack 1".
func (r *run) render(s sent) string { return "> " + r.renderSeg(s.seg, s.rel, false) }

// renderSeg writes a segment as a packet line does: numbers of our side relative to our
// ISS, the peer's as they are. seq is the first number as the line writes it.
func (r *run) renderSeg(seg fsm.Segment, seq uint32, inbound bool) string {
	var f strings.Builder
	for _, c := range []struct {
		bit  fsm.Flags
		name string
	}{{fsm.SYN, "S"}, {fsm.FIN, "F"}, {fsm.RST, "R"}} {
		if seg.Flags.Has(c.bit) {
			f.WriteString(c.name)
		}
	}
	if seg.Flags.Has(fsm.ACK) {
		f.WriteString(".")
	}
	if f.Len() == 0 {
		f.WriteString("-")
	}
	s := fmt.Sprintf("%s %d:%d(%d)", f.String(), seq, seq+seg.Len, seg.Len)
	if seg.Flags.Has(fsm.ACK) {
		ack := uint32(seg.Ack)
		if inbound {
			ack -= uint32(r.iss)
		}
		s += fmt.Sprintf(" ack %d", ack)
	}
	return s
}
