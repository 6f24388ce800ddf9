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
	for side := A; side <= B; side++ {
		e := s.Ep[side]
		flags := uint64(e.State) << 1
		if e.Passive {
			flags |= 1
		}
		u(flags)
		if e.State.HasTCB() {
			u(uint64(e.ISS))
			u(uint64(e.IRS))
			u(uint64(e.SndUna))
			u(uint64(e.SndNxt))
			u(uint64(e.RcvNxt))
		}
		g := s.Ghost[side]
		told := uint64(0)
		if g.Told {
			told = 1
		}
		u(uint64(g.Inc))
		u(uint64(g.ISS))
		u(uint64(g.Took))
		for k := range g.ISSOf {
			if g.HasTaken(uint8(k)) {
				u(uint64(g.ISSOf[k]))
			}
		}
		u(uint64(g.Opens))
		u(uint64(g.Sent))
		u(uint64(g.Delivered))
		if g.HalfCloseData {
			told |= 2
		}
		if g.StaleRun {
			told |= 4
		}
		u(told | uint64(g.Stale)<<3)
		u(uint64(g.Closes))
	}
	u(uint64(s.Cur))
	u(uint64(s.Clock[A]))
	u(uint64(s.Clock[B]))
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
		u(uint64(p.Inc))
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
		}
		g := &s.Ghost[side]
		g.Inc, g.ISS, g.Took = uint8(u()), Seq(u()), uint8(u())
		for k := range g.ISSOf {
			if g.HasTaken(uint8(k)) {
				g.ISSOf[k] = Seq(u())
			}
		}
		g.Opens = uint8(u())
		g.Sent, g.Delivered = uint8(u()), uint8(u())
		marks := u()
		g.Told = marks&1 != 0
		g.HalfCloseData = marks&2 != 0
		g.StaleRun = marks&4 != 0
		g.Stale = StaleMark(marks >> 3)
		g.Closes = uint8(u())
	}
	s.Cur = uint8(u())
	s.Clock = [2]uint8{uint8(u()), uint8(u())}
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
		p.Seg.Seq, p.Seg.Ack, p.Seg.Len, p.Inc = Seq(u()), Seq(u()), uint32(u()), uint8(u())
	}
	if bad != nil {
		return s, bad
	}
	if len(b) != 0 {
		return s, fmt.Errorf("%d trailing bytes", len(b))
	}
	return s, nil
}
