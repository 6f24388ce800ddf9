package checker

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"runtime"
	"sync/atomic"
)

// The visited set is an open-addressing hash table of uint64 slots, split into partitions by
// the top bits of a state's hash. Each partition has its own slots and (record mode) its own
// store of encodings, and is only ever written by one goroutine at a time: phase 2 of a level
// hands each partition to one worker. So the table needs no locks or atomics, and phase 1 of
// the next level reads it freely.
//
// Four layouts:
//   - inline (Exact, for a FixedSizer model with encodings of at most maxInline bytes): a
//     slot is the encoding itself followed by a tag (up to 8 bits of the hash with the low
//     bit set, so an occupied slot is never all zeros), zero-padded to whole words. The tag
//     takes a byte of its own, or, for a BitSizer whose last word has bits to spare, those
//     bits. One cache line per lookup, and nothing stored but the state: an 8-byte state
//     takes two words, a 7-byte one a single word, and so does an 8-byte one of 63 bits.
//   - records (Exact, any other model): a slot is tag<<40 | (ref+1), where ref locates the
//     encoding in the partition's store and tag is 24 more bits of the hash that spare most
//     byte comparisons.
//   - compact (HashCompaction): a slot is the 64-bit hash itself (0 is remapped to 1);
//     nothing else is stored, and two states with one hash are taken to be the same.
//   - tree (TreeCompression, for a FixedSizer model; for others it falls back on records):
//     a slot is the pair of indices of the state's two halves in the partition's tables of
//     sub-vectors, which are stored once however many states share them (see tree.go).
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
	maxInline = 56
)

type layout uint8

const (
	layoutRecords layout = iota
	layoutInline
	layoutCompact
	layoutTree
)

type visited struct {
	layout layout
	// size is the fixed encoding length (inline layout); stride the words per slot; the tag
	// sits in word tagWord at bit tagBit, tagMask wide.
	size    int
	stride  int
	tagWord int
	tagBit  uint
	tagMask uint64
	ids     bool
	tree    *treeShape
	parts   [partitions]partition
	// tables is the bytes of the partitions' slot and root tables; retired those that grown
	// tables left behind since the last collection (see retire).
	tables, retired atomic.Int64
}

type partition struct {
	slots []uint64
	ids   []uint32
	n     int
	// pages is the record layout's store: uvarint length + encoding, never moved.
	pages [][]byte
	// The tree layout's tables.
	root   rootTable
	tables []nodeTable
}

// newVisited sizes the table for about expected states. fixed is the encoding length of a
// FixedSizer model, or 0; bits how many of its bits a BitSizer uses, or 0.
func newVisited(mode Visited, fixed, bits int, ids bool, expected uint64) *visited {
	v := &visited{ids: ids, stride: 1}
	switch {
	case mode == HashCompaction:
		v.layout = layoutCompact
	case mode == TreeCompression && fixed > 0:
		v.layout, v.size, v.tree = layoutTree, fixed, newTreeShape(fixed)
	case fixed > 0 && fixed <= maxInline:
		v.layout, v.size, v.stride = layoutInline, fixed, (fixed+1+7)/8
		v.tagWord, v.tagBit, v.tagMask = fixed/8, uint(8*(fixed%8)), 0xff
		if words := (fixed + 7) / 8; bits > 0 && bits < 64*words {
			// The tag fits in the spare bits, which all lie in the last word: the encoding
			// reaches past the word before, or it would have fewer words.
			v.stride, v.tagWord, v.tagBit = words, words-1, uint(bits-64*(words-1))
			v.tagMask = 1<<min(8, 64-v.tagBit) - 1
		}
	default:
		v.layout = layoutRecords
	}
	// Sized so that the expected states fill each partition to the maximum load: a good
	// guess never rehashes and wastes no slot.
	size := max(1<<8, int(expected/partitions*16/maxLoad)+1)
	for i := range v.parts {
		if v.layout == layoutTree {
			v.initTree(&v.parts[i], size)
		} else {
			v.parts[i].init(size, v.stride, ids)
		}
		p := &v.parts[i]
		v.tables.Add(int64(8*len(p.slots) + 4*len(p.ids) + len(p.root.b)))
	}
	return v
}

func (p *partition) init(size, stride int, ids bool) {
	p.slots = make([]uint64, size*stride)
	if ids {
		p.ids = make([]uint32, size)
	}
}

// nslots is the number of slots a partition probes.
func (v *visited) nslots(p *partition) int {
	if v.layout == layoutTree {
		return p.root.n
	}
	return len(p.slots) / v.stride
}

// hash is the hash of an encoding that the search files it under: its partition is the top
// bits. The tree layout hashes only part of the encoding (see tree.go).
func (v *visited) hash(enc []byte) uint64 {
	if v.layout == layoutTree {
		return v.tree.partitionHash(enc)
	}
	return hashBytes(enc)
}

func partitionOf(h uint64) int { return int(h >> (64 - partitionBits)) }

// home is the first slot probed for h: the hash bits below the partition bits, scaled to the
// table by a multiply-shift, so a partition can have any number of slots.
func home(h uint64, nslots int) int {
	hi, _ := bits.Mul64(h<<partitionBits, uint64(nslots))
	return int(hi)
}

// step is linear probing's next slot.
func step(i, nslots int) int {
	i++
	if i == nslots {
		return 0
	}
	return i
}

// touch loads the first word of h's home slot and returns it. Phase 1 touches a batch of
// successors' slots before probing them, so that their cache misses overlap instead of
// following one another: the loads are independent and the CPU issues them together. The
// tree layout's slots depend on more than h, unless the encoding is two words at most.
func (v *visited) touch(h uint64) uint64 {
	if v.layout == layoutTree {
		return v.treeTouch(h)
	}
	p := &v.parts[partitionOf(h)]
	n := len(p.slots) / v.stride
	return p.slots[home(h, n)*v.stride]
}

func compactFP(h uint64) uint64 {
	if h == 0 {
		return 1
	}
	return h
}

// key is an encoding packed into words for the inline layout.
type key [(maxInline + 1 + 7) / 8]uint64

func (v *visited) pack(h uint64, enc []byte, k *key) {
	if len(enc) != v.size {
		panic(fmt.Sprintf("checker: the model's EncodedSize is %d but Encode gave %d bytes", v.size, len(enc)))
	}
	for w := 0; w < v.stride; w++ {
		var x uint64
		if w*8 < len(enc) {
			chunk := enc[w*8:]
			if len(chunk) >= 8 {
				x = binary.LittleEndian.Uint64(chunk)
			} else {
				for i, c := range chunk {
					x |= uint64(c) << (8 * i)
				}
			}
		}
		k[w] = x
	}
	if k[v.tagWord]>>v.tagBit != 0 {
		panic(fmt.Sprintf("checker: the model's encoding uses bits past its EncodedBits, %d", 64*v.tagWord+int(v.tagBit)))
	}
	k[v.tagWord] |= (h&v.tagMask | 1) << v.tagBit
}

// occupied reports whether an inline slot holds a state: its tag is never zero.
func (v *visited) occupied(slot []uint64) bool {
	return slot[v.tagWord]>>v.tagBit&v.tagMask != 0
}

// unpack recovers an inline slot's encoding, to rehash it.
func (v *visited) unpack(slot []uint64, dst []byte) []byte {
	dst = dst[:0]
	for i := 0; i < v.size; i++ {
		w := slot[i/8]
		if i/8 == v.tagWord {
			w &^= v.tagMask << v.tagBit // the tag may share the encoding's last byte
		}
		dst = append(dst, byte(w>>(8*(i%8))))
	}
	return dst
}

// find returns the slot holding the state with hash h and encoding enc, or -1.
func (v *visited) find(h uint64, enc []byte) int {
	p := &v.parts[partitionOf(h)]
	switch v.layout {
	case layoutCompact:
		n := len(p.slots)
		fp := compactFP(h)
		for i := home(h, n); ; i = step(i, n) {
			s := p.slots[i]
			if s == 0 {
				return -1
			}
			if s == fp {
				return i
			}
		}
	case layoutInline:
		var k key
		v.pack(h, enc, &k)
		return v.probeInline(p, h, &k, false)
	case layoutTree:
		return v.treeFind(p, h, enc)
	}
	n := len(p.slots)
	tag := h & (1<<(64-tagShift) - 1)
	for i := home(h, n); ; i = step(i, n) {
		s := p.slots[i]
		if s == 0 {
			return -1
		}
		if s>>tagShift == tag && bytes.Equal(p.record(s&refMask-1), enc) {
			return i
		}
	}
}

// probeInline finds k's slot; when absent it returns -1, or with add stores k and returns
// ^slot (negative) to say it was added.
func (v *visited) probeInline(p *partition, h uint64, k *key, add bool) int {
	st := v.stride
	n := len(p.slots) / st
	for i := home(h, n); ; i = step(i, n) {
		s := p.slots[i*st : i*st+st]
		if !v.occupied(s) {
			if !add {
				return -1
			}
			copy(s, k[:st])
			p.n++
			return ^i
		}
		if equalWords(s, k[:st]) {
			return i
		}
	}
}

func equalWords(a, b []uint64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// reserve grows partition part, if needed, so that extra more states fit without growing
// again: slots handed out by insert stay valid until the next reserve.
func (v *visited) reserve(part, extra int) {
	p := &v.parts[part]
	if v.layout == layoutTree {
		for (p.n+extra)*16 > v.nslots(p)*treeMaxLoad {
			v.treeGrow(p)
		}
		return
	}
	for (p.n+extra)*16 > v.nslots(p)*maxLoad {
		v.grow(p)
	}
}

// insert adds the state unless present. It returns the partition-local slot and whether the
// state was new. Only the goroutine that owns partition partitionOf(h) may call it, after
// reserving room for it.
func (v *visited) insert(h uint64, enc []byte) (slot int, added bool) {
	p := &v.parts[partitionOf(h)]
	switch v.layout {
	case layoutInline:
		var k key
		v.pack(h, enc, &k)
		i := v.probeInline(p, h, &k, true)
		if i < 0 {
			return ^i, true
		}
		return i, false
	case layoutTree:
		return v.treeInsert(p, h, enc)
	case layoutCompact:
		n := len(p.slots)
		want := compactFP(h)
		for i := home(h, n); ; i = step(i, n) {
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
	n := len(p.slots)
	tag := h & (1<<(64-tagShift) - 1)
	for i := home(h, n); ; i = step(i, n) {
		s := p.slots[i]
		if s == 0 {
			p.slots[i] = tag<<tagShift | (p.store(enc) + 1)
			p.n++
			return i, true
		}
		if s>>tagShift == tag && bytes.Equal(p.record(s&refMask-1), enc) {
			return i, false
		}
	}
}

// slotID and setSlotID read and write the state id kept beside a slot (graph mode only).
func (v *visited) slotID(h uint64, slot int) uint32 { return v.parts[partitionOf(h)].ids[slot] }
func (v *visited) setSlotID(h uint64, slot int, id uint32) {
	v.parts[partitionOf(h)].ids[slot] = id
}

// grow doubles a partition and reinserts its entries where their hashes now put them. The
// load then lies between 3/8 and 3/4. Growing by half instead (load 1/2 to 3/4) was
// measured slower on every bench configuration (5-15 %: each entry is rehashed about three
// times rather than twice, each time a cache miss) and no smaller at the peak on four of
// five, since a grow holds the old and the new table at once.
func (v *visited) grow(p *partition) {
	st := v.stride
	old, oldIDs := p.slots, p.ids
	p.init(len(old)/st*2, st, v.ids)
	defer v.retire(8*len(old)+4*len(oldIDs), 8*len(p.slots)+4*len(p.ids))
	n := len(p.slots) / st
	var enc []byte
	for j := 0; j < len(old)/st; j++ {
		s := old[j*st : j*st+st]
		var h uint64
		switch v.layout {
		case layoutInline:
			if !v.occupied(s) {
				continue
			}
			enc = v.unpack(s, enc)
			h = hashBytes(enc)
		case layoutRecords:
			if s[0] == 0 {
				continue
			}
			h = hashBytes(p.record(s[0]&refMask - 1))
		default: // compaction: the slot is the hash
			if s[0] == 0 {
				continue
			}
			h = s[0]
		}
		i := home(h, n)
		for v.used(p.slots[i*st : i*st+st]) {
			i = step(i, n)
		}
		copy(p.slots[i*st:i*st+st], s)
		if v.ids {
			p.ids[i] = oldIDs[j]
		}
	}
}

// retire accounts for a table that grew from old to new bytes, the old one now garbage, and
// collects once the garbage of grown tables reaches an eighth of the tables. The partitions
// fill evenly, so they grow in one wave: without collecting, the old tables of the whole
// wave would stay on the heap beside the new ones until the heap doubled, half as much
// again as the visited set needs at that moment. Collecting is quick, the heap being
// mostly arrays without pointers, and is only done for tables worth it (minRetired).
func (v *visited) retire(old, new int) {
	total := v.tables.Add(int64(new - old))
	if r := v.retired.Add(int64(old)); r >= minRetired && r >= total/8 {
		v.retired.Store(0)
		runtime.GC()
	}
}

// minRetired is the garbage from grown tables below which retire does not collect.
const minRetired = 4 << 20

// used reports whether a slot of any layout holds a state.
func (v *visited) used(slot []uint64) bool {
	if v.layout == layoutInline {
		return v.occupied(slot)
	}
	return slot[0] != 0
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
