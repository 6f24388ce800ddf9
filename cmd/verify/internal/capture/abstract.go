package capture

import (
	"fmt"
	"net/netip"
	"strings"
)

// Dir is the direction of a segment within an incarnation.
type Dir uint8

// The two directions.
const (
	ClientToServer Dir = iota
	ServerToClient
)

// String prints the direction as expectation files write it.
func (d Dir) String() string {
	if d == ClientToServer {
		return "c>s"
	}
	return "s>c"
}

// Note marks what the abstraction dropped or assumed about a segment; the
// model never sees these, the report shows them.
type Note uint8

// The notes, in the order they print.
const (
	// NoteISNUnseen: the sender's SYN is not in the incarnation (the capture
	// began mid-connection), so its numbers count from one before its first
	// segment's SEQ, as Wireshark does, and the first byte seen is byte 1.
	NoteISNUnseen Note = 1 << iota
	// NotePeerISNUnseen: the receiver never sent a segment in the
	// incarnation, so ACK counts from one before the first ACK value sent to
	// it.
	NotePeerISNUnseen
	// NoteWindowUpdate: no data, no SYN, FIN or RST, an ACK that does not
	// advance, a different window: the segment only updates the window,
	// which the model does not track.
	NoteWindowUpdate
	// NotePSH: PSH is ignored; it only asks the receiver to deliver promptly.
	NotePSH
	// NoteURG: URG and the urgent pointer are ignored.
	NoteURG
	// NoteECN: ECE and CWR (RFC 3168) are ignored.
	NoteECN
	// NoteOptions: TCP options are ignored (MSS, window scale, SACK,
	// timestamps, ...); AbstractSegment.Options lists their kinds.
	NoteOptions
)

var noteNames = []struct {
	n    Note
	name string
}{
	{NoteISNUnseen, "isn not seen"},
	{NotePeerISNUnseen, "peer isn not seen"},
	{NoteWindowUpdate, "window update"},
	{NotePSH, "psh ignored"},
	{NoteURG, "urg ignored"},
	{NoteECN, "ecn ignored"},
	{NoteOptions, "options ignored"},
}

// AbstractSegment is a segment in the model's terms.
type AbstractSegment struct {
	Frame int
	Dir   Dir
	// Seq and Ack are relative to the sender's and the receiver's ISN,
	// modulo 2^32, like Wireshark's relative sequence numbers: a SYN has
	// SEQ 0 and the first data byte is 1. Ack is 0 when ACK is not set.
	Seq, Ack uint32
	Flags    Flags // SYN, ACK, FIN and RST only
	Len      int
	Notes    Note
	// Options lists the distinct option kinds in order of appearance, for
	// the "options ignored" note.
	Options []uint8
}

// Text prints the segment as <SEQ=1><ACK=1><CTL=FIN,ACK> len=0: SEQ always,
// ACK only when the ACK bit is set, CTL only when a bit is set.
func (a AbstractSegment) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "<SEQ=%d>", a.Seq)
	if a.Flags.Has(ACK) {
		fmt.Fprintf(&b, "<ACK=%d>", a.Ack)
	}
	if a.Flags != 0 {
		fmt.Fprintf(&b, "<CTL=%s>", a.Flags)
	}
	fmt.Fprintf(&b, " len=%d", a.Len)
	return b.String()
}

// NoteText prints the notes, "; "-separated, options with their kinds:
// "psh ignored; options ignored: nop,ts".
func (a AbstractSegment) NoteText() string {
	var parts []string
	for _, n := range noteNames {
		if a.Notes&n.n == 0 {
			continue
		}
		if n.n == NoteOptions {
			kinds := make([]string, len(a.Options))
			for i, k := range a.Options {
				kinds[i] = OptionName(k)
			}
			parts = append(parts, n.name+": "+strings.Join(kinds, ","))
			continue
		}
		parts = append(parts, n.name)
	}
	return strings.Join(parts, "; ")
}

// Abstraction is an incarnation in the model's terms.
type Abstraction struct {
	// ClientISN and ServerISN are the raw numbers the relative ones count
	// from; when a side's SYN was not seen they are assumed (see
	// NoteISNUnseen) and the matching Seen field is false.
	ClientISN, ServerISN         uint32
	ClientISNSeen, ServerISNSeen bool
	Segments                     []AbstractSegment
}

// Abstract translates an incarnation's segments into the model's terms.
func Abstract(inc Incarnation) Abstraction {
	cb := baseFor(inc, inc.Client)
	sb := baseFor(inc, inc.Server)
	ab := Abstraction{ClientISN: cb.isn, ServerISN: sb.isn, ClientISNSeen: cb.seen, ServerISNSeen: sb.seen}
	type last struct {
		ok   bool
		ack  uint32
		win  uint16
		sent bool
	}
	var prev [2]last
	for _, s := range inc.Segments {
		a := AbstractSegment{Frame: s.Frame, Dir: ServerToClient, Flags: s.Flags.Model(), Len: s.Len}
		own, peer := sb, cb
		if inc.FromClient(s) {
			a.Dir, own, peer = ClientToServer, cb, sb
		}
		a.Seq = s.Seq - own.isn
		if !own.seen && !prev[a.Dir].sent {
			a.Notes |= NoteISNUnseen
		}
		if s.Flags.Has(ACK) {
			a.Ack = s.Ack - peer.isn
			if !peer.seen && peer.fromAck && !prev[a.Dir].ok {
				a.Notes |= NotePeerISNUnseen
			}
		}
		p := &prev[a.Dir]
		if s.Flags.Has(ACK) && s.Len == 0 && s.Flags&(SYN|FIN|RST) == 0 &&
			p.ok && int32(s.Ack-p.ack) <= 0 && s.Window != p.win {
			a.Notes |= NoteWindowUpdate
		}
		if s.Flags.Has(PSH) {
			a.Notes |= NotePSH
		}
		if s.Flags.Has(URG) {
			a.Notes |= NoteURG
		}
		if s.Flags&(ECE|CWR) != 0 {
			a.Notes |= NoteECN
		}
		if len(s.Options) > 0 {
			a.Notes |= NoteOptions
			a.Options = distinct(s.Options)
		}
		p.sent = true
		// A SYN,ACK is not the "previous ACK" of a window update: the
		// ACK that answers it completes a handshake.
		if s.Flags.Has(ACK) && !s.Flags.Has(SYN) {
			p.ok, p.ack, p.win = true, s.Ack, s.Window
		}
		ab.Segments = append(ab.Segments, a)
	}
	return ab
}

// base is the number an endpoint's sequence numbers count from.
type base struct {
	isn     uint32
	seen    bool // from a SYN the endpoint sent
	fromAck bool // guessed from the peer's ACKs: the endpoint sent nothing
}

// baseFor finds x's ISN: its first SYN's SEQ; failing that one before the
// SEQ of its first segment; failing that (x sent nothing) one before the
// first ACK the peer sent it.
func baseFor(inc Incarnation, x netip.AddrPort) base {
	for _, s := range inc.Segments {
		if s.Src == x && s.Flags.Has(SYN) {
			return base{isn: s.Seq, seen: true}
		}
	}
	for _, s := range inc.Segments {
		if s.Src == x {
			return base{isn: s.Seq - 1}
		}
	}
	for _, s := range inc.Segments {
		if s.Dst == x && s.Flags.Has(ACK) {
			return base{isn: s.Ack - 1, fromAck: true}
		}
	}
	return base{}
}

// distinct returns kinds without repeats, in order of first appearance.
func distinct(kinds []uint8) []uint8 {
	var out []uint8
	var seen [256]bool
	for _, k := range kinds {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
