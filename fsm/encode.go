package fsm

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// The encoding packs a SysState into a fixed number of bits, least significant first, each
// field in the width its range under the System's Config needs. The widths are computed
// once, by NewSystem (newLayout), so every state of one System encodes to EncodedSize
// bytes: 24 for DefaultConfig, of which 190 bits are used (EncodedBits), so that the
// checker's inline visited set keeps a state and its tag in three words.
//
// The fields, in order (eachField is the definition; Encode and Decode spell it out faster,
// and the tests hold them to it):
//
//	per side, A then B:
//	  State (4 bits), Passive, Throttled (1 each), Retries (0..Config.R2);
//	  Ghost Told, HalfCloseData, StaleRun, Agreed (1 each), Stale (5 bits);
//	  Clock[side] (0..MaxTCBs(side));
//	  Ghost.Graceful, Ghost.Moved (bits 1..MaxTCBs(side) each: bit 0, PreRun's, is never set);
//	  ISS, IRS (Config.SeqBits each);
//	  SND.UNA - ISS, SND.NXT - ISS (0..Units[side]+2 each), RCV.NXT (Config.SeqBits);
//	  Ghost.Peer (a serial of the peer), Opens (0..Incarnations), Sent (0..Units[side]),
//	  Delivered (0..Units[peer]+1), Closes (0..Incarnations), SimOpen, Pending (1 bit each: AckPending in
//	  CLOSE-WAIT, the only state that holds it, FinPending in the others);
//	Timed, Abrupt, ResetOnClose, TimerExpired, Opened, Closing (1 bit each); before the open Troubled
//	(1 bit) and Lost's SYN and SYN,ACK (2 bits), after it CloseSegs (3 bits); OpenSegs (3 bits), Lost's data and FIN (2 bits); Left.Loss, Dup, Inject, Crash, Partition (0..Config.Faults.*); HalfOpen (2 bits, only with crashes); Net.N (0..Capacity);
//	Capacity slots: Src (1 bit), Flags (4 bits), SEG.LEN (1 bit: a segment carries at
//	most one data unit), From, To (serials), SEG.SEQ, SEG.ACK (SeqBits each).
//
// A serial (TCB) field holds PreRun or a serial of its side, 0..MaxTCBs, as itself, and
// NoTCB as the field's all-ones value; the width is the smallest with room for both, and a
// serial that reaches NoTCB's code counts as too wide. Peer fields use the peer's MaxTCBs,
// packet fields the larger of the two sides'.
//
// Every field is written whatever the endpoint's state: CLOSED and LISTEN endpoints keep
// their sequence variables zero, so equal situations give equal bytes all the same. The
// network slots past Net.N are zero (Network keeps them so) and encode as zero bits; with
// the bag kept sorted, equal states give equal bytes. Host is implied by the side and not
// written.
//
// The send variables are written as their distances from ISS (modulo the space), which is
// what an endpoint's own numbers span: a SYN, the data units and a FIN, since only the
// endpoint's own sending moves SND.NXT (SEND while units are left, CLOSE's FIN) and SND.UNA
// stays between ISS and SND.NXT (an ACK is acceptable only up to SND.NXT, RFC 9293 §3.10.7.4).
// That takes 2 bits each instead of SeqBits at one unit per side, and decoding adds ISS
// back, so the code stays one-to-one. RCV.NXT stays absolute: what moves it is the peer's
// segments, and where the ISN clock is dropped (a claim's premise) an old TCB may accept
// another incarnation's, carrying RCV.NXT past IRS by more than the peer's units. A
// segment's numbers stay absolute too: an old segment's are not near anything of the TCB
// it meets.
//
// Some bounds follow from the rules: Retries from R2, Opens from the incarnations, Sent
// from the units (SEND only transmits, and only while units are left), the budgets and
// the count from the Config, SEG.LEN from the segments the rules emit, sequence numbers
// from the space. Others are the TCB invariants Check holds every state to: Clock and the
// serials from MaxTCBs, Delivered from RCV.NXT - IRS =< the peer's units + 2, Closes from
// one CLOSE per OPEN (CLOSE leaves every state it is allowed in for CLOSED or one that has
// sent its FIN). A value too wide for its field is never truncated, since that would merge
// states and make verdicts wrong: Encode panics naming the field, and the checker reports
// the panic as an error of the model.

// layout is the field widths, in bits, of a System's encoding, and its size in bytes. It is
// computed once from the Config, by NewSystem, and never changed: the copies of a System
// share it. A System holds a pointer to it rather than the value, since the model passes
// System by value on every call, and every byte of it is copied each time.
type layout struct {
	size      uint16 // bytes
	bits      uint16 // bits written, the last byte padded with zeros
	seq       uint8
	retries   uint8
	incs      uint8 // Opens and Closes
	sent      [2]uint8
	delivered [2]uint8
	snd       [2]uint8 // SND.UNA - ISS and SND.NXT - ISS
	peer      [2]uint8 // Ghost[side].Peer, a serial of side's peer
	graceful  [2]uint8
	clock     [2]uint8
	pkt       uint8 // a packet's From and To
	loss      uint8
	dup       uint8
	inject    uint8
	crash     uint8
	part      uint8 // Left.Partition
	half      uint8 // HalfOpen: 2 bits when crashes are allowed
	count     uint8
	cap       uint8
}

// Fixed widths.
const (
	stateBits = 4 // numStates values
	flagBits  = 4 // SYN, ACK, FIN, RST
	staleBits = 5 // StaleMark's five marks
	lenBits   = 1 // a segment's data units: 0 or 1
	// openSegsBits holds SysState.OpenSegs, 0..maxOpenSegs.
	openSegsBits = 3
)

// pending is the code of the endpoint's Pending bit: AckPending in CLOSE-WAIT, the only
// state that holds it (a FIN taken in ESTABLISHED sets it, and every segment we send
// clears it), FinPending in any other (variant fin-after-ack sets it in SYN-RECEIVED). One
// bit serves both, read by the state, which keeps the default state in three words with a
// tag's bits to spare. A flag in the other's state, or both, is too wide (2): a table that
// breaks the invariant is an error of the model, not a state merged with another.
func pending(e *Endpoint) uint64 {
	inCloseWait := e.State == StateCloseWait
	switch {
	case !e.FinPending && !e.AckPending:
		return 0
	case e.AckPending && !e.FinPending && inCloseWait, e.FinPending && !e.AckPending && !inCloseWait:
		return 1
	}
	return 2
}

// overlap is the code of three bits that serve two phases of the first connection:
// before it opens, Troubled and the losses of the open (LostSYN, LostSYNACK), which the
// open clears and nothing sets again; after it, the close's count (CloseSegs), which
// nothing sets before. Sharing them keeps the default state in three words. A field set
// outside its phase is too wide: the code is then wider than the three bits.
func overlap(s *SysState) uint64 {
	if s.Opened {
		if s.Troubled || s.Lost&lostEarly != 0 {
			return 1 << openSegsBits
		}
		return uint64(s.CloseSegs)
	}
	if s.CloseSegs != 0 {
		return 1 << openSegsBits
	}
	return b2u(s.Troubled) | uint64(s.Lost&lostEarly)<<1
}

// width is the number of bits that hold 0..max.
func width(max int) uint8 { return uint8(bits.Len(uint(max))) }

// newLayout sizes the encoding of cfg's states; cfg is valid.
func newLayout(cfg Config) *layout {
	maxTCBs := [2]int{cfg.MaxTCBs(A), cfg.MaxTCBs(B)}
	l := layout{
		seq:     uint8(cfg.SeqBits),
		retries: width(int(cfg.R2())),
		incs:    width(int(cfg.Incarnations)),
		pkt:     width(max(maxTCBs[A], maxTCBs[B]) + 1),
		loss:    width(int(cfg.Faults.Loss)),
		dup:     width(int(cfg.Faults.Dup)),
		inject:  width(int(cfg.Faults.Inject)),
		crash:   width(int(cfg.Faults.Crash)),
		part:    width(int(cfg.Faults.Partition)),
		half:    2 * width(min(int(cfg.Faults.Crash), 1)),
		count:   width(cfg.Capacity),
		cap:     uint8(cfg.Capacity),
	}
	for side := A; side <= B; side++ {
		l.sent[side] = width(int(cfg.Units[side]))
		l.delivered[side] = width(min(int(cfg.Units[side.Peer()])+1, math.MaxUint8))
		l.snd[side] = width(int(cfg.Units[side]) + 2)
		l.peer[side] = width(maxTCBs[side.Peer()] + 1)
		l.graceful[side] = uint8(maxTCBs[side])
		l.clock[side] = width(maxTCBs[side])
	}
	n := 0
	l.eachField(&SysState{}, func(_ field, _ uint64, w uint8) { n += int(w) })
	// At least 8 bytes, which bitReader needs.
	l.bits, l.size = uint16(n), uint16(max(8, (n+7)/8))
	for side := A; side <= B; side++ {
		if max(l.endpoint(side), 2*l.seq, 2*l.snd[side], l.ghost(side), l.budgets(), l.packet()) > 64 {
			panic(fmt.Sprintf("fsm: a group of the encoding is wider than 64 bits: %+v", l))
		}
	}
	return &l
}

// The widths of Encode's groups: State to Graceful, RCV.NXT to Closes, the budgets and
// the count, a packet but its SEG.ACK. With 32-bit sequence numbers and the widest
// budgets validate allows, at most 64, 62, 53 and 50 bits.
func (l *layout) endpoint(side Side) uint8 {
	return stateBits + 2 + l.retries + 4 + staleBits + l.clock[side] + 2*l.graceful[side]
}
func (l *layout) ghost(side Side) uint8 {
	return l.seq + l.peer[side] + 2*l.incs + l.sent[side] + l.delivered[side] + 2
}
func (l *layout) budgets() uint8 {
	return 6 + 2*openSegsBits + lostBits - 2 + l.loss + l.dup + l.inject + l.crash + l.part + l.half + l.count
}
func (l *layout) packet() uint8 { return 1 + flagBits + lenBits + 2*l.pkt + l.seq }

// EncodedSize is the length in bytes of every encoding Encode makes: a model checker may
// then keep encodings inline in its visited set.
// It is 0 for a System not built by NewSystem.
func (sys *System) EncodedSize() int {
	if sys.enc == nil {
		return 0
	}
	return int(sys.enc.size)
}

// EncodedBits is how many bits of the EncodedSize bytes an encoding uses, least significant
// first: the bits past it are zero. A model checker may keep its own marks there.
func (sys *System) EncodedBits() int {
	if sys.enc == nil {
		return 0
	}
	return int(sys.enc.bits)
}

// field names a field of the encoding, for the panic of a value too wide for it: the low
// byte is the field (fieldNames), the high byte the side or the packet slot.
type field uint16

const (
	fHost field = iota
	fState
	fPassive
	fThrottled
	fRetries
	fTold
	fHalfCloseData
	fStaleRun
	fAgreed
	fStale
	fClock
	fGraceful
	fMoved
	fISS
	fIRS
	fSndUna
	fSndNxt
	fRcvNxt
	fPeer
	fOpens
	fSent
	fDelivered
	fCloses
	fSimOpen
	fPending
	fTimed
	fAbrupt
	fResetOnClose
	fTimerExpired
	fOpened
	fClosing
	fTroubled
	fLostEarly
	fCloseSegs
	fOpenSegs
	fLost
	fLoss
	fDup
	fInject
	fCrash
	fPartition
	fHalfOpen
	fCount
	fSrc
	fFlags
	fLen
	fFrom
	fTo
	fSeq
	fAck
	numFields
)

var fieldNames = [numFields]string{
	"Host", "State", "Passive", "Throttled", "Retries", "Ghost.Told", "Ghost.HalfCloseData",
	"Ghost.StaleRun", "Ghost.Agreed", "Ghost.Stale", "Clock", "Ghost.Graceful", "Ghost.Moved", "ISS", "IRS",
	"SND.UNA - ISS", "SND.NXT - ISS", "RCV.NXT", "Ghost.Peer", "Ghost.Opens", "Ghost.Sent",
	"Ghost.Delivered", "Ghost.Closes", "Ghost.SimOpen", "Pending (FinPending or AckPending)", "Timed", "Abrupt", "ResetOnClose", "TimerExpired", "Opened", "Closing", "Troubled", "Lost (SYN, SYN,ACK)", "CloseSegs", "OpenSegs", "Lost (data, FIN)", "Left.Loss", "Left.Dup", "Left.Inject",
	"Left.Crash", "Left.Partition", "HalfOpen", "Net.N", "Src", "Flags", "SEG.LEN", "From", "To", "SEG.SEQ", "SEG.ACK",
}

func (f field) String() string {
	name, at := fieldNames[f&0xff], int(f>>8)
	switch {
	case f&0xff >= fSrc:
		return fmt.Sprintf("packet %d's %s", at, name)
	case f&0xff >= fTimed:
		return name
	}
	return fmt.Sprintf("%s's %s", Side(at), name)
}

// eachField calls visit with every field of s in the encoding's order: its name, its code
// and its width. Host's width is 0: it is implied by the side, and its code, Host xor the
// side, must be 0. It is the encoding's definition, too slow for the checker: Encode and
// Decode spell it out.
func (l *layout) eachField(s *SysState, visit func(f field, v uint64, width uint8)) {
	mask := Seq(1)<<l.seq - 1
	for side := A; side <= B; side++ {
		e, g := &s.Ep[side], &s.Ghost[side]
		at := field(side) << 8
		visit(fHost|at, uint64(e.Host^uint8(side)), 0)
		visit(fState|at, uint64(e.State), stateBits)
		visit(fPassive|at, b2u(e.Passive), 1)
		visit(fThrottled|at, b2u(e.Throttled), 1)
		visit(fRetries|at, uint64(e.Retries), l.retries)
		visit(fTold|at, b2u(g.Told), 1)
		visit(fHalfCloseData|at, b2u(g.HalfCloseData), 1)
		visit(fStaleRun|at, b2u(g.StaleRun), 1)
		visit(fAgreed|at, b2u(g.Agreed), 1)
		visit(fStale|at, uint64(g.Stale), staleBits)
		visit(fClock|at, uint64(s.Clock[side]), l.clock[side])
		visit(fGraceful|at, graceful(g.Graceful), l.graceful[side])
		visit(fMoved|at, graceful(g.Moved), l.graceful[side])
		visit(fISS|at, uint64(e.ISS), l.seq)
		visit(fIRS|at, uint64(e.IRS), l.seq)
		visit(fSndUna|at, uint64((e.SndUna-e.ISS)&mask), l.snd[side])
		visit(fSndNxt|at, uint64((e.SndNxt-e.ISS)&mask), l.snd[side])
		visit(fRcvNxt|at, uint64(e.RcvNxt), l.seq)
		visit(fPeer|at, serial(g.Peer, l.peer[side]), l.peer[side])
		visit(fOpens|at, uint64(g.Opens), l.incs)
		visit(fSent|at, uint64(g.Sent), l.sent[side])
		visit(fDelivered|at, uint64(g.Delivered), l.delivered[side])
		visit(fCloses|at, uint64(g.Closes), l.incs)
		visit(fSimOpen|at, b2u(g.SimOpen), 1)
		visit(fPending|at, pending(e), 1)
	}
	visit(fTimed, b2u(s.Timed), 1)
	visit(fAbrupt, b2u(s.Abrupt), 1)
	visit(fResetOnClose, b2u(s.ResetOnClose), 1)
	visit(fTimerExpired, b2u(s.TimerExpired), 1)
	visit(fOpened, b2u(s.Opened), 1)
	visit(fClosing, b2u(s.Closing), 1)
	// Before the open, Troubled and the open's losses; after it, the close's count
	// (see overlap).
	early := uint8(1)
	if s.Opened {
		early = 0
	}
	visit(fTroubled, b2u(s.Troubled), early)
	visit(fLostEarly, uint64(s.Lost&lostEarly), 2*early)
	visit(fCloseSegs, uint64(s.CloseSegs), openSegsBits*(1-early))
	visit(fOpenSegs, uint64(s.OpenSegs), openSegsBits)
	visit(fLost, uint64(s.Lost>>2), lostBits-2)
	visit(fLoss, uint64(s.Left.Loss), l.loss)
	visit(fDup, uint64(s.Left.Dup), l.dup)
	visit(fInject, uint64(s.Left.Inject), l.inject)
	visit(fCrash, uint64(s.Left.Crash), l.crash)
	visit(fPartition, uint64(s.Left.Partition), l.part)
	visit(fHalfOpen, uint64(s.HalfOpen), l.half)
	visit(fCount, uint64(s.Net.N), l.count)
	for i := range int(l.cap) {
		p := &s.Net.Slots[i]
		at := field(i) << 8
		visit(fSrc|at, uint64(p.Src), 1)
		visit(fFlags|at, uint64(p.Seg.Flags), flagBits)
		visit(fLen|at, uint64(p.Seg.Len), lenBits)
		visit(fFrom|at, serial(p.From, l.pkt), l.pkt)
		visit(fTo|at, serial(p.To, l.pkt), l.pkt)
		visit(fSeq|at, uint64(p.Seg.Seq), l.seq)
		visit(fAck|at, uint64(p.Seg.Ack), l.seq)
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// serial is the code of a TCB field of width w: t itself, or all ones for NoTCB. A serial
// must be below NoTCB's code; one that is not comes back with badCode set, too wide for
// any field.
func serial(t TCB, w uint8) uint64 {
	ones := uint64(1)<<w - 1
	if t == NoTCB {
		return ones
	}
	if uint64(t) >= ones {
		return uint64(t) | badCode
	}
	return uint64(t)
}

// graceful is the code of Ghost.Graceful: bits 1 up, shifted down one. Bit 0, PreRun's, is
// never set; when it is, the code has badCode set.
func graceful(g uint32) uint64 {
	return uint64(g>>1) | uint64(g&1)<<63
}

// badCode is set in a code too wide for any field (fields are at most 32 bits wide).
const badCode = 1 << 63

// group gathers consecutive fields of the encoding, at most 64 bits, into one word, and
// the bits of each that did not fit its width into over. It is a value, so that its
// fields stay in registers.
type group struct {
	v, over uint64
	n       uint8
}

// add appends the field x of width w. The shifts are masked, which spares the compiler's
// checks for shifts past 63: a field starts below bit 64 of its group and is at most 32
// bits wide.
func (g group) add(x uint64, w uint8) group {
	return group{v: g.v | x<<(g.n&63), over: g.over | x>>(w&63), n: g.n + w}
}

// bit appends a bool, which always fits.
func (g group) bit(b bool) group {
	return group{v: g.v | b2u(b)<<(g.n&63), over: g.over, n: g.n + 1}
}

// tcb appends the serial field t of width w, as serial codes it but without a branch:
// masking NoTCB leaves all ones, and t+1 (in 8 bits) fits w bits exactly when t is below
// NoTCB's code or is NoTCB.
func (g group) tcb(t TCB, w uint8) group {
	return group{v: g.v | (uint64(t)&(1<<(w&63)-1))<<(g.n&63), over: g.over | uint64(t+1)>>(w&63), n: g.n + w}
}

// bitWriter fills an encoding, least significant bit first: groups gather in a 64-bit
// word that is stored whole once full. A store never passes the end of the encoding,
// since it follows 64 more bits written. It is a value of at most four words, with the
// encoding's bytes passed alongside, so that it stays in registers.
type bitWriter struct {
	pos  int
	acc  uint64
	n    uint
	over uint64
}

// put writes g into buf.
func (w bitWriter) put(buf []byte, g group) bitWriter {
	w.over |= g.over
	w.acc |= g.v << (w.n & 63)
	w.n += uint(g.n)
	if w.n >= 64 {
		binary.LittleEndian.PutUint64(buf[w.pos:], w.acc)
		w.pos += 8
		w.n -= 64
		// The bits of g that did not fit, g.n - w.n of them having gone: 1 to 64, so in
		// two shifts, none when the word filled exactly.
		w.acc = g.v >> 1 >> ((uint(g.n) - w.n - 1) & 63)
	}
	return w
}

// flush stores the bits left into buf, the rest of whose bytes are padding, and returns
// how many bits were written.
func (w bitWriter) flush(buf []byte) int {
	rest := buf[w.pos:]
	if len(rest) >= 8 {
		binary.LittleEndian.PutUint64(rest, w.acc)
		clear(rest[8:])
	} else {
		for i := range rest {
			rest[i] = byte(w.acc >> (8 * i))
		}
	}
	return 8*w.pos + int(w.n)
}

// Encode appends the canonical bytes of s, exactly EncodedSize of them (see the top of this
// file). It panics on a value too wide for its field, which would otherwise merge states,
// naming the field.
func (sys *System) Encode(dst []byte, s SysState) []byte {
	l := sys.enc
	if l == nil {
		panic("fsm: encode: the System was not built by NewSystem")
	}
	n0 := len(dst)
	if cap(dst)-n0 < int(l.size) {
		dst = slices.Grow(dst, int(l.size))
	}
	dst = dst[:n0+int(l.size)]
	buf := dst[n0:]
	var w bitWriter
	sb := l.seq
	mask := Seq(1)<<sb - 1
	for side := A; side <= B; side++ {
		e, g := &s.Ep[side], &s.Ghost[side]
		w.over |= uint64(e.Host ^ uint8(side))
		w = w.put(buf, group{}.add(uint64(e.State), stateBits).bit(e.Passive).bit(e.Throttled).
			add(uint64(e.Retries), l.retries).bit(g.Told).bit(g.HalfCloseData).bit(g.StaleRun).bit(g.Agreed).
			add(uint64(g.Stale), staleBits).add(uint64(s.Clock[side]), l.clock[side]).
			add(graceful(g.Graceful), l.graceful[side]).add(graceful(g.Moved), l.graceful[side]))
		w = w.put(buf, group{}.add(uint64(e.ISS), sb).add(uint64(e.IRS), sb))
		w = w.put(buf, group{}.add(uint64((e.SndUna-e.ISS)&mask), l.snd[side]).add(uint64((e.SndNxt-e.ISS)&mask), l.snd[side]))
		w = w.put(buf, group{}.add(uint64(e.RcvNxt), sb).tcb(g.Peer, l.peer[side]).
			add(uint64(g.Opens), l.incs).add(uint64(g.Sent), l.sent[side]).
			add(uint64(g.Delivered), l.delivered[side]).add(uint64(g.Closes), l.incs).bit(g.SimOpen).add(pending(e), 1))
	}
	w = w.put(buf, group{}.bit(s.Timed).bit(s.Abrupt).bit(s.ResetOnClose).bit(s.TimerExpired).bit(s.Opened).bit(s.Closing).add(overlap(&s), openSegsBits).add(uint64(s.OpenSegs), openSegsBits).add(uint64(s.Lost>>2), lostBits-2).add(uint64(s.Left.Loss), l.loss).add(uint64(s.Left.Dup), l.dup).
		add(uint64(s.Left.Inject), l.inject).add(uint64(s.Left.Crash), l.crash).add(uint64(s.Left.Partition), l.part).add(uint64(s.HalfOpen), l.half).add(uint64(s.Net.N), l.count))
	for i := range int(l.cap) {
		p := &s.Net.Slots[i]
		w = w.put(buf, group{}.add(uint64(p.Src), 1).add(uint64(p.Seg.Flags), flagBits).add(uint64(p.Seg.Len), lenBits).
			tcb(p.From, l.pkt).tcb(p.To, l.pkt).add(uint64(p.Seg.Seq), sb))
		w = w.put(buf, group{}.add(uint64(p.Seg.Ack), sb))
	}
	if w.over != 0 {
		l.tooWide(&s)
	}
	if n := w.flush(buf); n != int(l.bits) {
		panic(fmt.Sprintf("fsm: encode: wrote %d bits, the layout has %d", n, l.bits))
	}
	return dst
}

// tooWide panics naming the first field of s too wide for its width. It is Encode's cold
// path.
//
//go:noinline
func (l *layout) tooWide(s *SysState) {
	l.eachField(s, func(f field, v uint64, w uint8) {
		if v>>w == 0 {
			return
		}
		var what string
		switch {
		case f&0xff == fHost:
			what = fmt.Sprintf("%s is %d, but the encoding implies it by the side", f, s.Ep[f>>8].Host)
		case (f&0xff == fGraceful || f&0xff == fMoved) && v&badCode != 0:
			what = fmt.Sprintf("%s has bit 0 set, PreRun's", f)
		case v&badCode != 0:
			what = fmt.Sprintf("%s is %d, not below %d, NoTCB's code in its %d bits", f, v&^badCode, 1<<w-1, w)
		default:
			what = fmt.Sprintf("%s is %d, wider than its %d bits", f, v, w)
		}
		panic(fmt.Sprintf("fsm: encode: %s: a bound of the encoding (see encode.go) does not hold in "+
			"this state:\n%s", what, s.Detail()))
	})
	panic("fsm: encode: a field is too wide, but none is found")
}

// bitReader reads fields back in the order bitWriter wrote them, 64 bits at a time from
// buf, which is at least 8 bytes long (newLayout sees to it).
type bitReader struct {
	buf []byte
	pos int
	acc uint64
	n   uint
}

// get reads a group of width bits, at most 64.
func (r *bitReader) get(width uint8) uint64 {
	w := uint(width)
	mask := ^uint64(0) >> ((64 - w) & 63) // width is 1 to 64: every group has a field
	if r.n >= w {
		v := r.acc & mask
		r.acc = r.acc >> 1 >> ((w - 1) & 63)
		r.n -= w
		return v
	}
	// The next 64 bits; at the end, the last 8 bytes shifted past what was read already.
	var x uint64
	if r.pos+8 <= len(r.buf) {
		x = binary.LittleEndian.Uint64(r.buf[r.pos:])
	} else {
		x = binary.LittleEndian.Uint64(r.buf[len(r.buf)-8:]) >> (8 * uint(r.pos+8-len(r.buf)))
	}
	r.pos += 8
	v := (r.acc | x<<(r.n&63)) & mask
	r.acc = x >> 1 >> ((w - r.n - 1) & 63) // w - r.n is 1 to 64
	r.n += 64 - w
	return v
}

// cut takes the fields of a group back, lowest first.
type cut struct{ v uint64 }

func (c *cut) take(w uint8) uint64 {
	x := c.v & (1<<(w&63) - 1) // fields are at most 32 bits wide
	c.v >>= w & 63
	return x
}

// tcb decodes a serial field of width w.
func tcb(v uint64, w uint8) TCB {
	if v == 1<<w-1 {
		return NoTCB
	}
	return TCB(v)
}

// Decode inverts Encode. It panics on bytes of another length than EncodedSize, or that
// hold no valid state or packet count; other bytes Encode did not make decode to a state
// that may not be canonical (decode rejects them). The checker passes only Encode's bytes.
func (sys *System) Decode(b []byte) (s SysState) {
	sys.decodeChecked(&s, b)
	return s
}

// decodeChecked is Decode into *s, the zero SysState.
func (sys *System) decodeChecked(s *SysState, b []byte) {
	if sys.enc == nil {
		panic("fsm: decode: the System was not built by NewSystem")
	}
	if len(b) != int(sys.enc.size) {
		panic(fmt.Sprintf("fsm: decode: %d bytes, the encoding has %d", len(b), sys.enc.size))
	}
	sys.decodeFields(s, b)
	if s.Ep[A].State >= numStates || s.Ep[B].State >= numStates || s.Net.N > sys.enc.cap {
		// *s, not s: a pointer given to fmt would move every decoded state to the heap.
		panic(fmt.Sprintf("fsm: decode: bytes Encode did not make: %s", *s))
	}
}

// decodeFields reads every field of b, which has the encoding's length, into *s, the zero
// SysState, checking nothing.
func (sys *System) decodeFields(s *SysState, b []byte) {
	l := sys.enc
	r := bitReader{buf: b}
	sb := l.seq
	mask := Seq(1)<<sb - 1
	seqs := func(v uint64) (Seq, Seq) { return Seq(v) & mask, Seq(v >> sb) }
	for side := A; side <= B; side++ {
		e, g := &s.Ep[side], &s.Ghost[side]
		e.Host = uint8(side)
		c := cut{r.get(l.endpoint(side))}
		e.State = State(c.take(stateBits))
		e.Passive = c.take(1) != 0
		e.Throttled = c.take(1) != 0
		e.Retries = uint8(c.take(l.retries))
		g.Told = c.take(1) != 0
		g.HalfCloseData = c.take(1) != 0
		g.StaleRun = c.take(1) != 0
		g.Agreed = c.take(1) != 0
		g.Stale = StaleMark(c.take(staleBits))
		s.Clock[side] = uint8(c.take(l.clock[side]))
		g.Graceful = uint32(c.take(l.graceful[side])) << 1
		g.Moved = uint32(c.v) << 1
		e.ISS, e.IRS = seqs(r.get(2 * sb))
		c = cut{r.get(2 * l.snd[side])}
		e.SndUna = (e.ISS + Seq(c.take(l.snd[side]))) & mask
		e.SndNxt = (e.ISS + Seq(c.v)) & mask
		c = cut{r.get(l.ghost(side))}
		e.RcvNxt = Seq(c.take(sb))
		g.Peer = tcb(c.take(l.peer[side]), l.peer[side])
		g.Opens = uint8(c.take(l.incs))
		g.Sent = uint8(c.take(l.sent[side]))
		g.Delivered = uint8(c.take(l.delivered[side]))
		g.Closes = uint8(c.take(l.incs))
		g.SimOpen = c.take(1) != 0
		e.AckPending = c.v != 0 && e.State == StateCloseWait
		e.FinPending = c.v != 0 && e.State != StateCloseWait
	}
	c := cut{r.get(l.budgets())}
	s.Timed = c.take(1) != 0
	s.Abrupt = c.take(1) != 0
	s.ResetOnClose = c.take(1) != 0
	s.TimerExpired = c.take(1) != 0
	s.Opened = c.take(1) != 0
	s.Closing = c.take(1) != 0
	if o := c.take(openSegsBits); s.Opened {
		s.CloseSegs = uint8(o)
	} else {
		s.Troubled, s.Lost = o&1 != 0, LostKinds(o>>1)
	}
	s.OpenSegs = uint8(c.take(openSegsBits))
	s.Lost |= LostKinds(c.take(lostBits-2)) << 2
	s.Left.Loss = uint8(c.take(l.loss))
	s.Left.Dup = uint8(c.take(l.dup))
	s.Left.Inject = uint8(c.take(l.inject))
	s.Left.Crash = uint8(c.take(l.crash))
	s.Left.Partition = uint8(c.take(l.part))
	s.HalfOpen = uint8(c.take(l.half))
	s.Net.N = uint8(c.v)
	for i := range int(l.cap) {
		p := &s.Net.Slots[i]
		c := cut{r.get(l.packet())}
		p.Src = Side(c.take(1))
		p.Seg.Flags = Flags(c.take(flagBits))
		p.Seg.Len = uint32(c.take(lenBits))
		p.From = tcb(c.take(l.pkt), l.pkt)
		p.To = tcb(c.take(l.pkt), l.pkt)
		p.Seg.Seq = Seq(c.v)
		p.Seg.Ack = Seq(r.get(sb))
	}
}

// decode is Decode for bytes from anywhere: it returns an error instead of a state for
// bytes Encode would not make, so that what it accepts encodes back to the same bytes.
func (sys *System) decode(b []byte) (SysState, error) {
	var s SysState
	if sys.enc == nil {
		return s, fmt.Errorf("the System was not built by NewSystem")
	}
	if len(b) != int(sys.enc.size) {
		return s, fmt.Errorf("%d bytes, want %d", len(b), sys.enc.size)
	}
	sys.decodeFields(&s, b)
	for side := A; side <= B; side++ {
		if st := s.Ep[side].State; st >= numStates {
			return s, fmt.Errorf("%s: bad state %d", side, st)
		}
	}
	if s.Net.N > sys.enc.cap {
		return s, fmt.Errorf("bad packet count %d, capacity %d", s.Net.N, sys.enc.cap)
	}
	for i := 1; i < int(s.Net.N); i++ {
		if s.Net.Slots[i].less(s.Net.Slots[i-1]) {
			return s, fmt.Errorf("packets %d and %d out of order", i-1, i)
		}
	}
	for i := int(s.Net.N); i < MaxCapacity; i++ {
		if s.Net.Slots[i] != (Packet{}) {
			return s, fmt.Errorf("empty slot %d holds %v", i, s.Net.Slots[i])
		}
	}
	// What is left is the padding of the last byte.
	if again := sys.Encode(nil, s); string(again) != string(b) {
		return s, fmt.Errorf("nonzero padding bits")
	}
	return s, nil
}
