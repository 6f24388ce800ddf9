package twin

import "encoding/binary"

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

// maxEncoded bounds an encoding: 2*(4+25+8) + 3*8 + 2+5 + 8*14 = 217 bits at the largest
// parameters, 28 bytes; the scratch arrays below have room for a word more.
const maxEncoded = 40

// bitWriter accumulates fields least significant bit first in a 64-bit word and stores 32
// bits at a time into a scratch array, which Encode appends in one copy. Fields are at most
// 32 bits wide, so the word never overflows.
type bitWriter struct {
	buf [maxEncoded]byte
	pos int
	acc uint64
	n   uint
}

func (w *bitWriter) put(v uint64, width uint) {
	w.acc |= v << w.n
	w.n += width
	if w.n >= 32 {
		binary.LittleEndian.PutUint32(w.buf[w.pos:], uint32(w.acc))
		w.pos += 4
		w.acc >>= 32
		w.n -= 32
	}
}

// Encode appends s's fixed-size encoding to dst. It panics on a segment whose control bits
// no rule sends, which only a hand-built State can hold.
func (m *Model) Encode(dst []byte, s State) []byte {
	var w bitWriter
	sb := m.seqBits
	for e := A; e <= B; e++ {
		// 4 + 5*seqBits <= 29 bits in one field.
		w.put(uint64(s.St[e])|uint64(s.ISS[e])<<stBits|uint64(s.SndUna[e])<<(stBits+sb)|
			uint64(s.SndNxt[e])<<(stBits+2*sb)|uint64(s.IRS[e])<<(stBits+3*sb)|
			uint64(s.RcvNxt[e])<<(stBits+4*sb), stBits+5*sb)
		w.put(uint64(s.RtxLeft[e]), m.rtxBits)
	}
	// The budgets left and the ghosts: at most 3*8 + 2 + 5 = 31 bits.
	g := uint64(s.LossLeft) | uint64(s.DupLeft)<<m.lossBits |
		uint64(s.OldSynLeft)<<(m.lossBits+m.dupBits)
	g |= (uint64(b2u(s.AOpened)) | uint64(b2u(s.AEst))<<1 | uint64(s.AISS)<<2) <<
		(m.lossBits + m.dupBits + m.oldSynBits)
	w.put(g, m.lossBits+m.dupBits+m.oldSynBits+2+sb)
	// The bag, two slots (at most 2*14 bits) per field.
	for i := 0; i < m.cap; i += 2 {
		v, width := m.encodeSeg(s.Net[i]), m.segBits
		if i+1 < m.cap {
			v |= m.encodeSeg(s.Net[i+1]) << m.segBits
			width += m.segBits
		}
		w.put(v, width)
	}
	binary.LittleEndian.PutUint64(w.buf[w.pos:], w.acc)
	return append(dst, w.buf[:m.size]...)
}

func (m *Model) encodeSeg(c Seg) uint64 {
	if c == 0 {
		return 0
	}
	k := kindOf[c.Flags()]
	if k == 0 {
		panic("anchor: encode: segment " + c.String() + " has control bits no rule sends")
	}
	return uint64(k) | uint64(c.Src())<<3 | uint64(c.Seq())<<4 | uint64(c.Ack())<<(4+m.seqBits)
}

func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// bitReader reads fields back in the order bitWriter wrote them, 32 bits at a time from a
// zero-padded copy of the encoding.
type bitReader struct {
	buf [maxEncoded]byte
	pos int
	acc uint64
	n   uint
}

func (r *bitReader) get(width uint) uint64 {
	if r.n < width {
		r.acc |= uint64(binary.LittleEndian.Uint32(r.buf[r.pos:])) << r.n
		r.pos += 4
		r.n += 32
	}
	v := r.acc & (1<<width - 1)
	r.acc >>= width
	r.n -= width
	return v
}

// Decode inverts Encode.
func (m *Model) Decode(b []byte) State {
	var s State
	var r bitReader
	copy(r.buf[:], b[:m.size])
	sb := m.seqBits
	mask := uint64(1)<<sb - 1
	for e := A; e <= B; e++ {
		v := r.get(stBits + 5*sb)
		s.St[e] = TCPState(v & (1<<stBits - 1))
		v >>= stBits
		s.ISS[e], s.SndUna[e], s.SndNxt[e] = uint8(v&mask), uint8(v>>sb&mask), uint8(v>>(2*sb)&mask)
		s.IRS[e], s.RcvNxt[e] = uint8(v>>(3*sb)&mask), uint8(v>>(4*sb)&mask)
		s.RtxLeft[e] = uint8(r.get(m.rtxBits))
	}
	g := r.get(m.lossBits + m.dupBits + m.oldSynBits + 2 + sb)
	s.LossLeft = uint8(g & (1<<m.lossBits - 1))
	g >>= m.lossBits
	s.DupLeft = uint8(g & (1<<m.dupBits - 1))
	g >>= m.dupBits
	s.OldSynLeft = uint8(g & (1<<m.oldSynBits - 1))
	g >>= m.oldSynBits
	s.AOpened, s.AEst, s.AISS = g&1 != 0, g&2 != 0, uint8(g>>2&mask)
	segMask := uint64(1)<<m.segBits - 1
	for i := 0; i < m.cap; i += 2 {
		width := m.segBits
		if i+1 < m.cap {
			width += m.segBits
		}
		v := r.get(width)
		s.Net[i] = m.decodeSeg(v & segMask)
		if i+1 < m.cap {
			s.Net[i+1] = m.decodeSeg(v >> m.segBits)
		}
	}
	return s
}

func (m *Model) decodeSeg(v uint64) Seg {
	if v == 0 {
		return 0
	}
	mask := uint64(1)<<m.seqBits - 1
	return mkSeg(uint8(v>>3&1), segKinds[v&7-1], uint8(v>>4&mask), uint8(v>>(4+m.seqBits)&mask))
}
