package capture

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Flags are the TCP control bits, with the values they have in the header's
// flags byte so that decoding is a plain copy.
type Flags uint8

// The eight control bits of RFC 9293 §3.1 (and RFC 3168 for ECE and CWR).
const (
	FIN Flags = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
	ECE
	CWR
)

// flagNames lists the bits in the order they print: the model's four first,
// ACK last among them as RFC 9293 writes <CTL=SYN,ACK> and <CTL=FIN,ACK>,
// then the ones the model ignores.
var flagNames = []struct {
	f    Flags
	name string
}{
	{SYN, "SYN"}, {FIN, "FIN"}, {RST, "RST"}, {ACK, "ACK"},
	{PSH, "PSH"}, {URG, "URG"}, {ECE, "ECE"}, {CWR, "CWR"},
}

// Has reports whether all bits of g are set in f.
func (f Flags) Has(g Flags) bool { return f&g == g }

// Model reduces f to the bits the model knows: SYN, ACK, FIN and RST.
func (f Flags) Model() Flags { return f & (SYN | ACK | FIN | RST) }

// String prints the set bits comma-separated, as in <CTL=SYN,ACK>.
func (f Flags) String() string {
	var names []string
	for _, n := range flagNames {
		if f.Has(n.f) {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, ",")
}

// Segment is one TCP segment as decoded from one captured frame, before any
// interpretation: raw sequence numbers, every flag the header carried.
//
// The TCP checksum is deliberately not validated: on loopback, and on any
// interface with checksum offload, the capture point sits before the
// checksum is filled in, so real captures are full of "bad" checksums.
type Segment struct {
	// Frame is the 1-based position of the frame in the file, counting every
	// frame (TCP or not), as Wireshark numbers them.
	Frame int
	Time  time.Time
	Src   netip.AddrPort
	Dst   netip.AddrPort
	Flags Flags
	Seq   uint32
	Ack   uint32 // meaningful only when Flags has ACK
	// Len is the number of payload bytes the segment carried on the wire,
	// computed from the IP length fields, so a snap length that cut the
	// payload short does not change it.
	Len    int
	Window uint16
	// Options holds the kinds of the TCP options in header order (NOPs
	// included); nil when the header had none.
	Options []uint8
}

// SeqLen is the sequence space the segment occupies: its data plus one for
// SYN and one for FIN (RFC 9293 §3.4, SEG.LEN).
func (s Segment) SeqLen() uint32 {
	n := uint32(s.Len)
	if s.Flags.Has(SYN) {
		n++
	}
	if s.Flags.Has(FIN) {
		n++
	}
	return n
}

// String prints the segment with raw numbers, for debugging and errors.
func (s Segment) String() string {
	return fmt.Sprintf("frame %d %s > %s [%s] seq=%d ack=%d len=%d win=%d",
		s.Frame, s.Src, s.Dst, s.Flags, s.Seq, s.Ack, s.Len, s.Window)
}

// optionNames names the TCP option kinds seen in practice (IANA registry).
var optionNames = map[uint8]string{
	0: "eol", 1: "nop", 2: "mss", 3: "wscale", 4: "sackok", 5: "sack",
	8: "ts", 19: "md5", 28: "uto", 29: "ao", 30: "mptcp", 34: "tfo",
}

// OptionName names a TCP option kind, or kindN for an unnamed one.
func OptionName(kind uint8) string {
	if n, ok := optionNames[kind]; ok {
		return n
	}
	return fmt.Sprintf("kind%d", kind)
}
