package twin

import (
	"fmt"
	"strings"
)

// Endpoints, as tcp.pml's EP_A and EP_B.
const (
	A = 0 // the client: one active open
	B = 1 // the server: passive open, starts in LISTEN
)

// TCPState is an RFC 9293 connection state, numbered as tcp.pml's #defines (and tcp.m's enum),
// so that the synchronized states are exactly those >= Established.
type TCPState uint8

const (
	Closed TCPState = iota
	Listen
	SynSent
	SynRcvd
	Established
	FinWait1
	FinWait2
	Closing
	TimeWait
	CloseWait
	LastAck
	numStates
)

var stateNames = [numStates]string{
	"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2",
	"CLOSING", "TIME-WAIT", "CLOSE-WAIT", "LAST-ACK",
}

// String prints the state as RFC 9293 does: "SYN-SENT".
func (t TCPState) String() string {
	if t < numStates {
		return stateNames[t]
	}
	return fmt.Sprintf("TCPState(%d)", uint8(t))
}

// Synchronized is tcp.pml's SYNCHRONIZED(s): ESTABLISHED and every state after it.
func (t TCPState) Synchronized() bool { return t >= Established }

// Control bits, as tcp.pml's F_SYN..F_RST.
const (
	FlagSYN = 1
	FlagACK = 2
	FlagFIN = 4
	FlagRST = 8
)

// Seg is a segment in flight as one integer code; 0 is an empty slot. tcp.pml's code is
// 1 + src + 2*flags + 32*seq + 32*SEQ_N*ack; ours uses 32*32 (MaxSeqN*32) in place of
// 32*SEQ_N, so the code does not depend on the parameters. Both codes order segments
// lexicographically by (ack, seq, flags, src), since every component is below its
// multiplier's range, so the sorted bag, and with it DISTINCT and every state, is the same
// as tcp.pml's; only the numbers differ.
type Seg uint16

const ackMul = 32 * MaxSeqN

// mkSeg is tcp.pml's SEG_CODE(src, fl, sq, ak).
func mkSeg(src, fl, sq, ak uint8) Seg {
	return Seg(1 + uint16(src) + 2*uint16(fl) + 32*uint16(sq) + ackMul*uint16(ak))
}

// Src is SEG_SRC: the endpoint that sent the segment.
func (c Seg) Src() uint8 { return uint8((c - 1) % 2) }

// Flags is SEG_FLAGS: the control bits.
func (c Seg) Flags() uint8 { return uint8((c - 1) / 2 % 16) }

// Seq is SEG_SEQ.
func (c Seg) Seq() uint8 { return uint8((c - 1) / 32 % MaxSeqN) }

// Ack is SEG_ACK (0 unless the ACK bit is set).
func (c Seg) Ack() uint8 { return uint8((c - 1) / ackMul) }

// String prints the segment as RFC 9293 does, with its direction:
// "A>B <SEQ=1><ACK=4><CTL=SYN,ACK>"; "-" is an empty slot.
func (c Seg) String() string {
	if c == 0 {
		return "-"
	}
	var b strings.Builder
	src := c.Src()
	fmt.Fprintf(&b, "%c>%c <SEQ=%d>", "AB"[src], "AB"[1-src], c.Seq())
	fl := c.Flags()
	if fl&FlagACK != 0 {
		fmt.Fprintf(&b, "<ACK=%d>", c.Ack())
	}
	b.WriteString("<CTL=")
	sep := ""
	for _, f := range []struct {
		bit  uint8
		name string
	}{{FlagSYN, "SYN"}, {FlagACK, "ACK"}, {FlagFIN, "FIN"}, {FlagRST, "RST"}} {
		if fl&f.bit != 0 {
			b.WriteString(sep + f.name)
			sep = ","
		}
	}
	b.WriteString(">")
	return b.String()
}

// State is tcp.pml's state vector, field for field (tcp.pml lines "state vector"): a
// comparable value of 36 bytes with no pointers. Arrays indexed by endpoint use A and B.
// Net is the bag: codes sorted non-increasing, empty slots (0) last; slots at NetCap and
// beyond are always 0.
type State struct {
	St      [2]TCPState
	ISS     [2]uint8
	SndUna  [2]uint8
	SndNxt  [2]uint8
	IRS     [2]uint8
	RcvNxt  [2]uint8
	RtxLeft [2]uint8
	Net     [MaxNetCap]Seg

	LossLeft   uint8
	DupLeft    uint8
	OldSynLeft uint8
	AOpened    bool  // gAOpened: A has done its single active open
	AEst       bool  // gAEst, ghost: A has been ESTABLISHED
	AISS       uint8 // gAIss, ghost: the ISS A chose, kept after CLOSED
}

// String prints the whole state on one line, endpoints first, then the bag and the budgets
// left.
func (s State) String() string {
	var b strings.Builder
	for e := A; e <= B; e++ {
		if e == B {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%c=%v[ISS=%d SND.UNA=%d SND.NXT=%d IRS=%d RCV.NXT=%d rtx=%d]",
			"AB"[e], s.St[e], s.ISS[e], s.SndUna[e], s.SndNxt[e], s.IRS[e], s.RcvNxt[e], s.RtxLeft[e])
	}
	b.WriteString(" net{")
	for i, c := range s.Net {
		if c == 0 {
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.String())
	}
	fmt.Fprintf(&b, "} loss=%d dup=%d oldsyn=%d", s.LossLeft, s.DupLeft, s.OldSynLeft)
	if s.AOpened {
		fmt.Fprintf(&b, " opened(ISS=%d)", s.AISS)
	}
	if s.AEst {
		b.WriteString(" A-was-established")
	}
	return b.String()
}

// Canonical returns s with its bag sorted as tcp.pml keeps it: codes non-increasing, empty
// slots last. The rules keep the bag sorted, so only hand-built states need it.
func (s State) Canonical() State {
	// Insertion sort: eight slots at most.
	for i := 1; i < len(s.Net); i++ {
		for k := i; k > 0 && s.Net[k-1] < s.Net[k]; k-- {
			s.Net[k-1], s.Net[k] = s.Net[k], s.Net[k-1]
		}
	}
	return s
}
