package anchor

// The encoding packs the state vector into a fixed number of bits, least significant first:
// per endpoint the state (4 bits), ISS, SND.UNA, SND.NXT, IRS, RCV.NXT (seqBits each) and the
// retransmissions left; then the three network budgets, gAOpened, gAEst and gAIss; then the
// NetCap slots of the bag in order. Widths come from the parameters (bits.Len of the largest
// value), so every state of one Model encodes to Model.EncodedSize bytes: 8 at SEQ_N=4
// NET_CAP=3, 11 at the default SEQ_N=8 NET_CAP=4.
//
// A slot is 4+2*seqBits bits: a 3-bit kind (0 empty, else the index of the segment's control
// bits among the six the model sends, segKinds), the source, SEG.SEQ and SEG.ACK. The bag is
// already canonical (sorted), so equal states give equal bytes.

const (
	stBits      = 4
	segKindBits = 4 // the kind (3 bits) and the source (1 bit)
)

// segKinds are the control-bit combinations a segment can carry; its kind is its index + 1.
var segKinds = [...]uint8{
	FlagSYN, FlagACK, FlagSYN | FlagACK, FlagFIN | FlagACK, FlagRST, FlagRST | FlagACK,
}

// kindOf maps control bits to a kind; 0 marks combinations no rule sends.
var kindOf = func() (k [16]uint8) {
	for i, f := range segKinds {
		k[f] = uint8(i + 1)
	}
	return k
}()

// EncodedSize is the length of every encoding, in bytes.
func (m *Model) EncodedSize() int { return m.size }

// bitWriter accumulates fields least significant bit first and flushes whole bytes.
type bitWriter struct {
	dst []byte
	acc uint64
	n   uint
}

func (w *bitWriter) put(v uint64, width uint) {
	w.acc |= v << w.n
	w.n += width
	for w.n >= 8 {
		w.dst = append(w.dst, byte(w.acc))
		w.acc >>= 8
		w.n -= 8
	}
}

func (w *bitWriter) flush() []byte {
	if w.n > 0 {
		w.dst = append(w.dst, byte(w.acc))
	}
	return w.dst
}

// Encode appends s's fixed-size encoding to dst. It panics on a segment whose control bits
// no rule sends, which only a hand-built State can hold.
func (m *Model) Encode(dst []byte, s State) []byte {
	w := bitWriter{dst: dst}
	sb := m.seqBits
	for e := A; e <= B; e++ {
		w.put(uint64(s.St[e]), stBits)
		w.put(uint64(s.ISS[e])|uint64(s.SndUna[e])<<sb|uint64(s.SndNxt[e])<<(2*sb), 3*sb)
		w.put(uint64(s.IRS[e])|uint64(s.RcvNxt[e])<<sb, 2*sb)
		w.put(uint64(s.RtxLeft[e]), m.rtxBits)
	}
	w.put(uint64(s.LossLeft), m.lossBits)
	w.put(uint64(s.DupLeft), m.dupBits)
	w.put(uint64(s.OldSynLeft), m.oldSynBits)
	w.put(uint64(b2u(s.AOpened))|uint64(b2u(s.AEst))<<1|uint64(s.AISS)<<2, 2+sb)
	for i := 0; i < m.cap; i++ {
		c := s.Net[i]
		if c == 0 {
			w.put(0, m.segBits)
			continue
		}
		k := kindOf[c.Flags()]
		if k == 0 {
			panic("anchor: encode: segment " + c.String() + " has control bits no rule sends")
		}
		w.put(uint64(k)|uint64(c.Src())<<3|uint64(c.Seq())<<4|uint64(c.Ack())<<(4+sb), m.segBits)
	}
	return w.flush()
}

func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// bitReader reads fields back in the order bitWriter wrote them.
type bitReader struct {
	b   []byte
	acc uint64
	n   uint
}

func (r *bitReader) get(width uint) uint64 {
	for r.n < width {
		r.acc |= uint64(r.b[0]) << r.n
		r.b = r.b[1:]
		r.n += 8
	}
	v := r.acc & (1<<width - 1)
	r.acc >>= width
	r.n -= width
	return v
}

// Decode inverts Encode.
func (m *Model) Decode(b []byte) State {
	var s State
	r := bitReader{b: b}
	sb := m.seqBits
	mask := uint64(1)<<sb - 1
	for e := A; e <= B; e++ {
		s.St[e] = TCPState(r.get(stBits))
		v := r.get(3 * sb)
		s.ISS[e], s.SndUna[e], s.SndNxt[e] = uint8(v&mask), uint8(v>>sb&mask), uint8(v>>(2*sb)&mask)
		v = r.get(2 * sb)
		s.IRS[e], s.RcvNxt[e] = uint8(v&mask), uint8(v>>sb&mask)
		s.RtxLeft[e] = uint8(r.get(m.rtxBits))
	}
	s.LossLeft = uint8(r.get(m.lossBits))
	s.DupLeft = uint8(r.get(m.dupBits))
	s.OldSynLeft = uint8(r.get(m.oldSynBits))
	v := r.get(2 + sb)
	s.AOpened, s.AEst, s.AISS = v&1 != 0, v&2 != 0, uint8(v>>2&mask)
	for i := 0; i < m.cap; i++ {
		v := r.get(m.segBits)
		if v == 0 {
			continue
		}
		s.Net[i] = mkSeg(uint8(v>>3&1), segKinds[v&7-1], uint8(v>>4&mask), uint8(v>>(4+sb)&mask))
	}
	return s
}
