package fsm

import (
	"fmt"
	"slices"
	"strings"
)

// Side names one of the two endpoints of the system.
type Side uint8

// The two endpoints. In the client/server shape A opens actively and B listens.
const (
	A Side = iota
	B
)

// Peer is the other side.
func (s Side) Peer() Side { return 1 - s }

func (s Side) String() string {
	if s == A {
		return "A"
	}
	return "B"
}

// ParseSide reads "A" or "B".
func ParseSide(text string) (Side, error) {
	switch text {
	case "A", "a":
		return A, nil
	case "B", "b":
		return B, nil
	}
	return 0, fmt.Errorf("unknown side %q (valid: A, B)", text)
}

// Packet is a segment in flight: who sent it, and which TCBs it is between. From and To
// are ghost data, no rule reads them: From is the sending TCB (its serial, see TCB), To
// the receiver's TCB it is meant for, as the sender knows it: the TCB whose SYN the sender
// accepted, or, for a reset, the TCB that sent the segment it answers. Properties use them
// to tell an old duplicate from a current segment by what happened, not by counters.
type Packet struct {
	Src      Side
	From, To TCB
	Seg      Segment
}

// TCB is the serial of a TCB of one host: the reading of the host's ISN clock when it was
// made (1 for its first TCB of the run). It is ghost data.
type TCB uint8

// Serials with a meaning of their own.
const (
	// PreRun is the TCB of the connection before the run, whose old segments the network
	// may still hold.
	PreRun TCB = 0
	// NoTCB: the packet was sent without a TCB (a reset from CLOSED or LISTEN), or its
	// sender does not know the receiver's TCB yet (a SYN).
	NoTCB TCB = 255
)

func (t TCB) String() string {
	switch t {
	case PreRun:
		return "old"
	case NoTCB:
		return "-"
	}
	return fmt.Sprintf("%d", uint8(t))
}

// Dst is the side the packet is going to.
func (p Packet) Dst() Side { return p.Src.Peer() }

// String shows the direction, the segment and the TCBs, as "#from>to".
func (p Packet) String() string {
	return fmt.Sprintf("%s->%s %s#%s>%s", p.Src, p.Dst(), p.Seg, p.From, p.To)
}

// less is the canonical order of the bag.
func (p Packet) less(q Packet) bool {
	switch {
	case p.Src != q.Src:
		return p.Src < q.Src
	case p.Seg.Flags != q.Seg.Flags:
		return p.Seg.Flags < q.Seg.Flags
	case p.Seg.Seq != q.Seg.Seq:
		return p.Seg.Seq < q.Seg.Seq
	case p.Seg.Ack != q.Seg.Ack:
		return p.Seg.Ack < q.Seg.Ack
	case p.Seg.Len != q.Seg.Len:
		return p.Seg.Len < q.Seg.Len
	case p.From != q.From:
		return p.From < q.From
	}
	return p.To < q.To
}

// MaxCapacity bounds Network capacity; the bag is a fixed array so that the network is a
// comparable value.
const MaxCapacity = 8

// Faults are fault budgets: how many losses, duplications and old-segment injections a run
// may still make, how many host crashes, and whether the path between the hosts may fail
// for good (Partition, 0 or 1). What is left is part of the state.
type Faults struct {
	Loss, Dup, Inject, Crash uint8
	// Partition: the path fails and stays down for longer than R2's retransmissions: every
	// segment in flight and every later one is lost. It is the fault RFC 9293 §3.8.3's R2
	// (and the keepalive, §3.8.4) exist for: a peer that will never answer. A run has
	// partitioned once its budget is spent (Left.Partition < Faults.Partition).
	Partition uint8
}

// Network is an unordered bag of packets in flight: any packet may arrive next, so
// reordering is built in. It is kept sorted, so two bags with the same packets are equal
// values and encode to the same bytes whatever order the packets were sent in.
type Network struct {
	N     uint8
	Slots [MaxCapacity]Packet
}

// Len is the number of packets in flight.
func (n Network) Len() int { return int(n.N) }

// Packets lists the packets in canonical order.
func (n Network) Packets() []Packet { return append([]Packet(nil), n.Slots[:n.N]...) }

// Add puts p in the bag, keeping it sorted. It reports false, leaving the bag unchanged,
// when the bag already holds capacity packets.
func (n Network) Add(p Packet, capacity int) (Network, bool) {
	ok := n.add(p, capacity)
	return n, ok
}

// add is Add in place.
func (n *Network) add(p Packet, capacity int) bool {
	if int(n.N) >= capacity || int(n.N) >= MaxCapacity {
		return false
	}
	i := int(n.N)
	for i > 0 && p.less(n.Slots[i-1]) {
		n.Slots[i] = n.Slots[i-1]
		i--
	}
	n.Slots[i] = p
	n.N++
	return true
}

// remove takes one copy of p out of the bag, in place; false if it holds none.
func (n *Network) remove(p Packet) bool {
	i := n.index(p)
	if i < 0 {
		return false
	}
	n.removeAt(i)
	return true
}

// index is the slot of the first copy of p in the bag, or -1 if it holds none.
func (n *Network) index(p Packet) int {
	for i := 0; i < int(n.N); i++ {
		if n.Slots[i] == p {
			return i
		}
	}
	return -1
}

// removeAt takes the packet in slot i, below N, out of the bag, in place.
func (n *Network) removeAt(i int) {
	copy(n.Slots[i:], n.Slots[i+1:n.N])
	n.N--
	n.Slots[n.N] = Packet{}
}

// Distinct lists each different packet once, in canonical order: delivering either of
// two equal copies leads to the same state, so the system offers one action for both.
func (n Network) Distinct() []Packet {
	var out []Packet
	for i := 0; i < int(n.N); i++ {
		if i == 0 || n.Slots[i] != n.Slots[i-1] {
			out = append(out, n.Slots[i])
		}
	}
	return out
}

// Keep removes every packet for which alive is false, keeping the rest in order.
func (n Network) Keep(alive func(Packet) bool) Network {
	var out Network
	for _, p := range n.Slots[:n.N] {
		if alive(p) {
			out.Slots[out.N] = p
			out.N++
		}
	}
	return out
}

// Count is how many packets satisfy pred.
func (n Network) Count(pred func(Packet) bool) int {
	k := 0
	for _, p := range n.Slots[:n.N] {
		if pred(p) {
			k++
		}
	}
	return k
}

func (n Network) String() string {
	parts := make([]string, n.N)
	for i, p := range n.Slots[:n.N] {
		parts[i] = p.String()
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// Minus lists the packets of n that are not in before (as multisets), in n's order: what
// a step put on the network.
func (n Network) Minus(before Network) []Packet {
	rest := before.Packets()
	var out []Packet
	for _, p := range n.Packets() {
		if i := slices.Index(rest, p); i >= 0 {
			rest = slices.Delete(rest, i, i+1)
			continue
		}
		out = append(out, p)
	}
	return out
}
