package fsm

import (
	"fmt"
	"strconv"
	"strings"
)

// Flags are the control bits connection management uses (RFC 9293 §3.1). URG and PSH are
// not modeled.
type Flags uint8

// Control bits. The order of the String output follows the RFC figures: SYN,ACK, FIN,ACK,
// RST,ACK.
const (
	SYN Flags = 1 << iota
	ACK
	FIN
	RST
)

var flagNames = []struct {
	f    Flags
	name string
}{{SYN, "SYN"}, {FIN, "FIN"}, {RST, "RST"}, {ACK, "ACK"}}

// Has reports whether every bit of g is set.
func (f Flags) Has(g Flags) bool { return f&g == g }

func (f Flags) String() string {
	var parts []string
	for _, n := range flagNames {
		if f.Has(n.f) {
			parts = append(parts, n.name)
		}
	}
	return strings.Join(parts, ",")
}

// Segment is what one TCP segment carries for connection management: control bits,
// SEG.SEQ, SEG.ACK (meaningful only with ACK) and the data length in units.
//
// Abstraction: a unit of data is one sequence number; the payload itself is not modeled.
type Segment struct {
	Flags Flags
	Seq   Seq
	Ack   Seq
	Len   uint32
}

// SegLen is SEG.LEN of RFC 9293 §3.4: data plus one for SYN and one for FIN.
func (s Segment) SegLen() uint32 {
	n := s.Len
	if s.Flags.Has(SYN) {
		n++
	}
	if s.Flags.Has(FIN) {
		n++
	}
	return n
}

// String renders the segment as the RFC figures do, e.g. "<SEQ=1><ACK=4><CTL=SYN,ACK>";
// one data unit shows as "<DATA>", more as "<DATA=3>".
func (s Segment) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "<SEQ=%d>", s.Seq)
	if s.Flags.Has(ACK) {
		fmt.Fprintf(&b, "<ACK=%d>", s.Ack)
	}
	if s.Flags != 0 {
		fmt.Fprintf(&b, "<CTL=%s>", s.Flags)
	}
	switch {
	case s.Len == 1:
		b.WriteString("<DATA>")
	case s.Len > 1:
		fmt.Fprintf(&b, "<DATA=%d>", s.Len)
	}
	return b.String()
}

// ParseSegment reads the String form back. Fields may come in any order; SEQ is required,
// ACK is required exactly when CTL holds ACK.
func ParseSegment(text string) (Segment, error) {
	var seg Segment
	rest := strings.TrimSpace(text)
	if rest == "" {
		return seg, fmt.Errorf("parse segment: empty")
	}
	var haveSeq, haveAck bool
	for rest != "" {
		if rest[0] != '<' {
			return seg, fmt.Errorf("parse segment %q: want '<' at %q", text, rest)
		}
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			return seg, fmt.Errorf("parse segment %q: missing '>'", text)
		}
		field := rest[1:end]
		rest = rest[end+1:]
		key, val, hasVal := strings.Cut(field, "=")
		switch key {
		case "SEQ", "ACK":
			n, err := strconv.ParseUint(val, 10, 32)
			if err != nil || !hasVal {
				return seg, fmt.Errorf("parse segment %q: bad %s value %q", text, key, val)
			}
			if key == "SEQ" {
				if haveSeq {
					return seg, fmt.Errorf("parse segment %q: SEQ twice", text)
				}
				seg.Seq, haveSeq = Seq(n), true
			} else {
				if haveAck {
					return seg, fmt.Errorf("parse segment %q: ACK twice", text)
				}
				seg.Ack, haveAck = Seq(n), true
			}
		case "CTL":
			for _, name := range strings.Split(val, ",") {
				f, err := parseFlag(name)
				if err != nil {
					return seg, fmt.Errorf("parse segment %q: %w", text, err)
				}
				seg.Flags |= f
			}
		case "DATA":
			seg.Len = 1
			if hasVal {
				n, err := strconv.ParseUint(val, 10, 32)
				if err != nil || n == 0 {
					return seg, fmt.Errorf("parse segment %q: bad DATA length %q", text, val)
				}
				seg.Len = uint32(n)
			}
		default:
			return seg, fmt.Errorf("parse segment %q: unknown field %q", text, key)
		}
	}
	if !haveSeq {
		return seg, fmt.Errorf("parse segment %q: missing SEQ", text)
	}
	if haveAck != seg.Flags.Has(ACK) {
		return seg, fmt.Errorf("parse segment %q: ACK field and ACK bit disagree", text)
	}
	return seg, nil
}

func parseFlag(name string) (Flags, error) {
	for _, n := range flagNames {
		if n.name == name {
			return n.f, nil
		}
	}
	return 0, fmt.Errorf("unknown control bit %q", name)
}
