package fsm

import (
	"encoding/binary"
	"fmt"
)

// Encode appends the canonical bytes of s: every field as a uvarint in a fixed order,
// the network's packets in their (sorted) bag order. Host is implied by the side and not
// written. Equal states give equal bytes because the bag is kept sorted and CLOSED and
// LISTEN endpoints keep zero sequence variables.
func (sys System) Encode(dst []byte, s SysState) []byte {
	u := func(v uint64) { dst = binary.AppendUvarint(dst, v) }
	b := func(v bool, bit uint64) uint64 {
		if v {
			return bit
		}
		return 0
	}
	for side := A; side <= B; side++ {
		e := s.Ep[side]
		u(uint64(e.State)<<1 | b(e.Passive, 1))
		if e.State.HasTCB() {
			u(uint64(e.ISS))
			u(uint64(e.IRS))
			u(uint64(e.SndUna))
			u(uint64(e.SndNxt))
			u(uint64(e.RcvNxt))
			u(uint64(e.Retries)<<1 | b(e.Throttled, 1))
		}
		g := s.Ghost[side]
		u(uint64(g.Peer))
		u(uint64(g.Opens))
		u(uint64(g.Sent))
		u(uint64(g.Delivered))
		u(b(g.Told, 1) | b(g.HalfCloseData, 2) | b(g.StaleRun, 4) | b(g.Agreed, 8) | uint64(g.Stale)<<4)
		u(uint64(g.Closes))
		u(uint64(g.Graceful))
	}
	u(uint64(s.Clock[A]))
	u(uint64(s.Clock[B])<<1 | b(s.Timed, 1))
	u(uint64(s.Left.Loss))
	u(uint64(s.Left.Dup))
	u(uint64(s.Left.Inject))
	u(uint64(s.Left.Crash))
	u(uint64(s.Net.N))
	for _, p := range s.Net.Slots[:s.Net.N] {
		u(uint64(p.Src) | uint64(p.Seg.Flags)<<1)
		u(uint64(p.Seg.Seq))
		u(uint64(p.Seg.Ack))
		u(uint64(p.Seg.Len))
		u(uint64(p.From))
		u(uint64(p.To))
	}
	return dst
}

// Decode inverts Encode. It panics on bytes Encode did not produce, which the checker
// never passes.
func (sys System) Decode(b []byte) SysState {
	s, err := decode(b)
	if err != nil {
		panic(fmt.Sprintf("fsm: decode: %v", err))
	}
	return s
}

func decode(b []byte) (SysState, error) {
	var s SysState
	var bad error
	u := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			if bad == nil {
				bad = fmt.Errorf("truncated or overlong varint")
			}
			return 0
		}
		b = b[n:]
		return v
	}
	for side := A; side <= B; side++ {
		e := &s.Ep[side]
		e.Host = uint8(side)
		flags := u()
		e.State = State(flags >> 1)
		e.Passive = flags&1 != 0
		if e.State >= numStates {
			return s, fmt.Errorf("bad state %d", e.State)
		}
		if e.State.HasTCB() {
			e.ISS, e.IRS, e.SndUna, e.SndNxt, e.RcvNxt = Seq(u()), Seq(u()), Seq(u()), Seq(u()), Seq(u())
			rt := u()
			e.Retries, e.Throttled = uint8(rt>>1), rt&1 != 0
		}
		g := &s.Ghost[side]
		g.Peer = TCB(u())
		g.Opens = uint8(u())
		g.Sent, g.Delivered = uint8(u()), uint8(u())
		marks := u()
		g.Told = marks&1 != 0
		g.HalfCloseData = marks&2 != 0
		g.StaleRun = marks&4 != 0
		g.Agreed = marks&8 != 0
		g.Stale = StaleMark(marks >> 4)
		g.Closes = uint8(u())
		g.Graceful = uint32(u())
	}
	s.Clock[A] = uint8(u())
	cb := u()
	s.Clock[B], s.Timed = uint8(cb>>1), cb&1 != 0
	s.Left = Faults{Loss: uint8(u()), Dup: uint8(u()), Inject: uint8(u()), Crash: uint8(u())}
	n := u()
	if n > MaxCapacity {
		return s, fmt.Errorf("bad packet count %d", n)
	}
	s.Net.N = uint8(n)
	for i := range s.Net.Slots[:n] {
		p := &s.Net.Slots[i]
		head := u()
		p.Src = Side(head & 1)
		p.Seg.Flags = Flags(head >> 1)
		p.Seg.Seq, p.Seg.Ack, p.Seg.Len = Seq(u()), Seq(u()), uint32(u())
		p.From, p.To = TCB(u()), TCB(u())
	}
	if bad != nil {
		return s, bad
	}
	if len(b) != 0 {
		return s, fmt.Errorf("%d trailing bytes", len(b))
	}
	return s, nil
}
