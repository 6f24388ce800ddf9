package fsm

import "fmt"

// Seq is a sequence number. Only its low Space.Bits() bits are meaningful; all arithmetic
// and every comparison go through a Space, so numbers wrap as RFC 9293 §3.4 requires.
type Seq uint32

// Space is a sequence-number space of 2^bits numbers, 1 <= bits <= 32. The model uses a
// small space (Config.MinSeqBits) so that wraparound and collisions with old incarnations are
// reachable in a bounded search; trace checking uses 32 bits, the real TCP space.
//
// The zero Space is invalid; build one with NewSpace.
type Space struct {
	mask uint32
}

// NewSpace returns the space of 2^bits sequence numbers.
func NewSpace(bits int) (Space, error) {
	if bits < 1 || bits > 32 {
		return Space{}, fmt.Errorf("sequence space of %d bits: want 1 to 32", bits)
	}
	return Space{mask: uint32(uint64(1)<<bits - 1)}, nil
}

// MustSpace is NewSpace for constant arguments; it panics on a bad width.
func MustSpace(bits int) Space {
	s, err := NewSpace(bits)
	if err != nil {
		panic(err)
	}
	return s
}

// Size is the number of distinct sequence numbers (2^32 reported as 0 would be ambiguous,
// so it returns uint64).
func (s Space) Size() uint64 { return uint64(s.mask) + 1 }

// Bits is the width of the space.
func (s Space) Bits() int {
	n := 0
	for m := uint64(s.mask) + 1; m > 1; m >>= 1 {
		n++
	}
	return n
}

// Norm reduces x into the space.
func (s Space) Norm(x Seq) Seq { return x & Seq(s.mask) }

// Add is a + n modulo the space size.
func (s Space) Add(a Seq, n uint32) Seq { return Seq((uint32(a) + n) & s.mask) }

// Dist is the forward distance from a to b: the n in [0, size) with a + n = b.
func (s Space) Dist(a, b Seq) uint32 { return (uint32(b) - uint32(a)) & s.mask }

// Lt reports a < b in the modular sense of RFC 9293 §3.4: b lies less than half the space
// ahead of a. Exactly half is neither less nor greater (serial-number arithmetic leaves it
// undefined); the model keeps windows far below half the space so it never matters.
func (s Space) Lt(a, b Seq) bool {
	d := s.Dist(a, b)
	return d != 0 && uint64(d) < s.Size()/2
}

// Leq reports a <= b in the modular sense.
func (s Space) Leq(a, b Seq) bool { return s.Norm(a) == s.Norm(b) || s.Lt(a, b) }

// Gt reports a > b in the modular sense.
func (s Space) Gt(a, b Seq) bool { return s.Lt(b, a) }

// Geq reports a >= b in the modular sense.
func (s Space) Geq(a, b Seq) bool { return s.Leq(b, a) }

// InWindow reports lo <= x < lo + n: x lies in the n numbers starting at lo. It is the form
// of the RFC 9293 §3.10.7.4 acceptability test and, unlike Lt, is exact for any n up to the
// space size.
func (s Space) InWindow(x, lo Seq, n uint32) bool {
	return uint64(s.Dist(lo, x)) < uint64(n)
}

// InRange reports lo < x <= hi, the form of the ACK acceptability tests
// (SND.UNA < SEG.ACK =< SND.NXT), as a window of hi - lo numbers after lo.
func (s Space) InRange(x, lo, hi Seq) bool {
	d := s.Dist(lo, x)
	return d != 0 && d <= s.Dist(lo, hi)
}
