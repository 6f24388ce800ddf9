package checker

import (
	"bytes"
	"encoding/binary"
)

// The visited set is an open-addressing hash table of uint64 slots, split into partitions by
// the top bits of a state's hash. Each partition has its own slots and (exact mode) its own
// store of encodings, and is only ever written by one goroutine at a time: phase 2 of a level
// hands each partition to one worker. So the table needs no locks or atomics, and phase 1 of
// the next level reads it freely.
//
// Exact mode: a slot holds tag<<40 | (ref+1), where ref locates the encoding in the
// partition's store and tag is 24 more bits of the hash that spare most byte comparisons.
// HashCompaction: a slot holds the 64-bit hash itself (0 is remapped to 1); nothing else is
// stored, and two states with one hash are taken to be the same.
//
// When the search keeps a graph, ids holds each slot's state id, so that an edge to an
// already-seen state can be resolved.
const (
	partitionBits = 4
	partitions    = 1 << partitionBits
	// maxLoad is the load factor (in 1/16ths) past which a partition doubles.
	maxLoad   = 12
	pageBits  = 20
	pageSize  = 1 << pageBits
	refBits   = 40
	refMask   = 1<<refBits - 1
	tagShift  = refBits
	noStateID = ^uint32(0)
)

type visited struct {
	exact bool
	ids   bool
	parts [partitions]partition
}

type partition struct {
	slots []uint64
	ids   []uint32
	n     int
	// pages is the exact-mode store: records of uvarint length + encoding, never moved.
	pages [][]byte
}

func newVisited(exact, ids bool, expected uint64) *visited {
	v := &visited{exact: exact, ids: ids}
	per := expected / partitions * 16 / maxLoad
	size := 1 << 8
	for uint64(size) < per {
		size <<= 1
	}
	for i := range v.parts {
		v.parts[i].init(size, ids)
	}
	return v
}

func (p *partition) init(size int, ids bool) {
	p.slots = make([]uint64, size)
	if ids {
		p.ids = make([]uint32, size)
	}
}

func partitionOf(h uint64) int { return int(h >> (64 - partitionBits)) }

// home is the first slot probed for h: bits just below the partition bits.
func (p *partition) home(h uint64) int {
	return int(((h << partitionBits) >> 32) & uint64(len(p.slots)-1))
}

func compactFP(h uint64) uint64 {
	if h == 0 {
		return 1
	}
	return h
}

// find returns the slot holding the state with hash h and encoding enc, or -1.
func (v *visited) find(h uint64, enc []byte) int {
	p := &v.parts[partitionOf(h)]
	mask := len(p.slots) - 1
	if !v.exact {
		fp := compactFP(h)
		for i := p.home(h); ; i = (i + 1) & mask {
			s := p.slots[i]
			if s == 0 {
				return -1
			}
			if s == fp {
				return i
			}
		}
	}
	tag := h & (1<<(64-tagShift) - 1)
	for i := p.home(h); ; i = (i + 1) & mask {
		s := p.slots[i]
		if s == 0 {
			return -1
		}
		if s>>tagShift == tag && bytes.Equal(p.record(s&refMask-1), enc) {
			return i
		}
	}
}

// reserve grows partition part, if needed, so that extra more states fit without growing
// again: slots handed out by insert stay valid until the next reserve.
func (v *visited) reserve(part, extra int) {
	p := &v.parts[part]
	for (p.n+extra)*16 > len(p.slots)*maxLoad {
		v.grow(p)
	}
}

// insert adds the state unless present. It returns the partition-local slot and whether the
// state was new. Only the goroutine that owns partition partitionOf(h) may call it, after
// reserving room for it.
func (v *visited) insert(h uint64, enc []byte) (slot int, added bool) {
	p := &v.parts[partitionOf(h)]
	mask := len(p.slots) - 1
	var want uint64
	if v.exact {
		tag := h & (1<<(64-tagShift) - 1)
		for i := p.home(h); ; i = (i + 1) & mask {
			s := p.slots[i]
			if s == 0 {
				want = tag<<tagShift | (p.store(enc) + 1)
				p.slots[i] = want
				p.n++
				return i, true
			}
			if s>>tagShift == tag && bytes.Equal(p.record(s&refMask-1), enc) {
				return i, false
			}
		}
	}
	want = compactFP(h)
	for i := p.home(h); ; i = (i + 1) & mask {
		s := p.slots[i]
		if s == 0 {
			p.slots[i] = want
			p.n++
			return i, true
		}
		if s == want {
			return i, false
		}
	}
}

// slotID and setSlotID read and write the state id kept beside a slot (graph mode only).
func (v *visited) slotID(h uint64, slot int) uint32 { return v.parts[partitionOf(h)].ids[slot] }
func (v *visited) setSlotID(h uint64, slot int, id uint32) {
	v.parts[partitionOf(h)].ids[slot] = id
}

// grow doubles a partition and reinserts its entries. Exact-mode entries are rehashed from
// their stored encodings.
func (v *visited) grow(p *partition) {
	old, oldIDs := p.slots, p.ids
	p.init(len(old)*2, v.ids)
	mask := len(p.slots) - 1
	for j, s := range old {
		if s == 0 {
			continue
		}
		h := s
		if v.exact {
			h = hashBytes(p.record(s&refMask - 1))
		}
		i := p.home(h)
		for p.slots[i] != 0 {
			i = (i + 1) & mask
		}
		p.slots[i] = s
		if v.ids {
			p.ids[i] = oldIDs[j]
		}
	}
}

// store appends enc to the partition's pages and returns its reference.
func (p *partition) store(enc []byte) uint64 {
	need := binary.MaxVarintLen64 + len(enc)
	if need > pageSize {
		panic("checker: state encoding larger than a store page")
	}
	last := len(p.pages) - 1
	if last < 0 || len(p.pages[last])+need > cap(p.pages[last]) {
		// Pages start small and double up to pageSize, so that a tiny model does not pay
		// for sixteen megabyte pages.
		size := pageSize
		if len(p.pages) < pageBits-12 {
			size = 4096 << len(p.pages)
		}
		if size < need {
			size = pageSize
		}
		p.pages = append(p.pages, make([]byte, 0, size))
		last++
	}
	pg := p.pages[last]
	ref := uint64(last)<<pageBits | uint64(len(pg))
	pg = binary.AppendUvarint(pg, uint64(len(enc)))
	p.pages[last] = append(pg, enc...)
	if ref > refMask {
		panic("checker: state store exceeds its address space")
	}
	return ref
}

func (p *partition) record(ref uint64) []byte {
	pg := p.pages[ref>>pageBits][ref&(pageSize-1):]
	n, k := binary.Uvarint(pg)
	return pg[k : k+int(n)]
}

// bytes is the memory the table and store hold.
func (v *visited) bytes() uint64 {
	var b uint64
	for i := range v.parts {
		p := &v.parts[i]
		b += uint64(len(p.slots))*8 + uint64(len(p.ids))*4
		for _, pg := range p.pages {
			b += uint64(cap(pg))
		}
	}
	return b
}

func (v *visited) len() int {
	n := 0
	for i := range v.parts {
		n += v.parts[i].n
	}
	return n
}
