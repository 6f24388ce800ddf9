package checker

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"sort"
	"unsafe"
)

// The tree layout (TreeCompression) follows Laarman, van de Pol and Weber, "Parallel
// Recursive State Compression for Free" (SPIN 2011). A fixed-size encoding is cut into
// 32-bit words, the last one zero-padded, and a balanced binary tree is laid over the words.
// An internal node stands for the words below it as the pair (left, right) of its
// children's values: a word for a leaf, else the child's index in the child's own table. A
// node below the root has a table that maps its pairs to indices; the root's table holds
// the state as the pair of its children's values. So a state costs one root slot (8 bytes
// at most, packed to what the indices need: 4 on the RFC model), and a sub-vector that many
// states share is stored once, in its node's table.
//
// Each visited-set partition has its own tree of tables, so that phase 2 still has one
// writer per table and phase 1 only reads (a pair absent from a node's table means the state
// is absent too). Sub-vectors that states of several partitions share are stored once per
// partition. To cut that duplication, the tree layout partitions states by a hash of their
// root's right sub-vector (visited.hash), not of the whole encoding: all states with one
// right half then live in one partition, whose tables alone hold that half's sub-vectors, and
// only the left half's are repeated across partitions. On the RFC model this divides the
// node tables' entries by about three. The price: when few states differ in the right half,
// the partitions are uneven, and so is phase 2's work.
//
// A node table's slot holds a pair and its index, the order of its insertion: growing
// moves the slots but keeps the indices, so no parent's reference changes. Nothing refers
// to the root's entries, so the root's slots hold the pairs alone, packed into as few bytes
// as the indices need (rootTable), and move when the table grows, as in the other layouts
// (ids move with them).

// treeShape is the tree laid over the words of an encoding of size bytes.
type treeShape struct {
	size, words int
	// nodes are the internal nodes, children before parents (see byHeight): the root is
	// last, and node k < len(nodes)-1 has table k in each partition.
	nodes []treeNode
	// ops are the nodes again, each child given as its place in a lookup's values: words
	// 0..words-1, then the nodes' indices (see treeKey).
	ops []treeNode
	// split is the first word of the root's right child, when the partition hash covers words
	// split.. (a sub-vector of at least two words, so a node with a table), or else 0: it
	// covers the whole encoding.
	split int
	// direct: the encoding has two words at most, so the root pair is the encoding itself,
	// and the root's slots are placed by the encoding's hash as in the other layouts (see
	// rootHome).
	direct bool
}

// treeNode holds its children: a node index, or a word index w as ^w (negative).
type treeNode struct{ left, right int32 }

func newTreeShape(size int) *treeShape {
	t := &treeShape{size: size, words: max(2, (size+3)/4)}
	t.build(0, t.words)
	t.byHeight()
	for _, nd := range t.nodes {
		op := func(src int32) int32 {
			if src < 0 {
				return ^src
			}
			return int32(t.words) + src
		}
		t.ops = append(t.ops, treeNode{op(nd.left), op(nd.right)})
	}
	if mid := t.words / 2; t.words-mid >= 2 {
		t.split = mid
	}
	t.direct = t.words == 2
	return t
}

// byHeight reorders the nodes from post-order to order of height, the nodes over two words
// first and the root still last, so that a lookup first probes all the tables whose pairs
// are known from the words alone, none waiting on another's result.
func (t *treeShape) byHeight() {
	height := make([]int, len(t.nodes))
	of := func(src int32) int {
		if src < 0 {
			return 0
		}
		return height[src]
	}
	for k, nd := range t.nodes {
		height[k] = 1 + max(of(nd.left), of(nd.right))
	}
	order := make([]int32, len(t.nodes)) // order[new] = old
	for k := range order {
		order[k] = int32(k)
	}
	sort.SliceStable(order, func(i, j int) bool { return height[order[i]] < height[order[j]] })
	moved := make([]int32, len(t.nodes)) // moved[old] = new
	for k, old := range order {
		moved[old] = int32(k)
	}
	remap := func(src int32) int32 {
		if src < 0 {
			return src
		}
		return moved[src]
	}
	nodes := make([]treeNode, len(t.nodes))
	for k, old := range order {
		nd := t.nodes[old]
		nodes[k] = treeNode{remap(nd.left), remap(nd.right)}
	}
	t.nodes = nodes
}

// build appends the nodes over words lo..hi-1 and returns the value source of their root.
// The right child takes the larger half of an odd count, so that the partition hash covers
// at least as many words as the sub-vector repeated across partitions.
func (t *treeShape) build(lo, hi int) int32 {
	if hi-lo == 1 {
		return ^int32(lo)
	}
	mid := lo + (hi-lo)/2
	l := t.build(lo, mid)
	r := t.build(mid, hi)
	t.nodes = append(t.nodes, treeNode{l, r})
	return int32(len(t.nodes) - 1)
}

// word returns word w of enc, zero-padded past its end.
func (t *treeShape) word(enc []byte, w int) uint32 {
	i := 4 * w
	if i+4 <= len(enc) {
		return binary.LittleEndian.Uint32(enc[i:])
	}
	var x uint32
	for j := i; j < len(enc); j++ {
		x |= uint32(enc[j]) << (8 * (j - i))
	}
	return x
}

// partitionHash is the hash whose top bits choose a state's partition (see the top of this
// file).
func (t *treeShape) partitionHash(enc []byte) uint64 {
	return hashBytes(enc[min(4*t.split, len(enc)):])
}

// treeHome is the first slot probed for a pair in a table of n slots. Pairs are small
// counters and words, so they are mixed first.
func treeHome(key uint64, n int) int {
	hi, _ := bits.Mul64(fmix64(key), uint64(n))
	return int(hi)
}

// treeKey returns the root pair of enc. With add, the sub-vectors missing from p's node
// tables are inserted; without, ok is false as soon as one is missing: then so is the state.
func (v *visited) treeKey(p *partition, enc []byte, add bool) (key uint64, ok bool) {
	t := v.tree
	if len(enc) != t.size {
		panic(fmt.Sprintf("checker: the model's EncodedSize is %d but Encode gave %d bytes", t.size, len(enc)))
	}
	// vals holds the words, then each node's index as it is found: on the stack up to 32
	// words (128-byte encodings); past that, a lookup allocates.
	var buf [64]uint32
	vals := buf[:]
	if t.words+len(t.nodes) > len(buf) {
		vals = make([]uint32, t.words+len(t.nodes))
	}
	for w := range t.words {
		vals[w] = t.word(enc, w)
	}
	last := len(t.ops) - 1
	node := vals[t.words:]
	for k, op := range t.ops[:last] {
		key = uint64(vals[op.left])<<32 | uint64(vals[op.right])
		if add {
			tb := &p.tables[k]
			if tb.full() {
				before := tb.bytes()
				tb.grow()
				v.retire(before, tb.bytes())
			}
			node[k] = tb.put(key)
		} else if node[k], ok = p.tables[k].find(key); !ok {
			return 0, false
		}
	}
	root := t.ops[last]
	return uint64(vals[root.left])<<32 | uint64(vals[root.right]), true
}

// initTree gives p a root table of n slots and empty node tables.
func (v *visited) initTree(p *partition, n int) {
	t := v.tree
	root := t.nodes[len(t.nodes)-1]
	// A word child needs all its 32 bits; a node child's index, none until its table has
	// entries.
	var lbits, rbits uint
	if root.left < 0 {
		lbits = 32
	}
	if root.right < 0 {
		rbits = 32
	}
	p.root.init(n, lbits, rbits)
	if v.ids {
		p.ids = make([]uint32, n+1)
	}
	p.tables = make([]nodeTable, len(t.nodes)-1)
}

// rootHome is the first root slot probed for the state with hash h and root pair key. It is
// the pair's own hash, except when the pair is the whole encoding: then it is h, which touch
// knows in advance, and grow can hash the pair again.
func (v *visited) rootHome(h, key uint64, n int) int {
	if v.tree.direct {
		return home(h, n)
	}
	return treeHome(key, n)
}

// rootHash recovers h from a root pair, for a direct tree.
func (v *visited) rootHash(key uint64) uint64 {
	var b [8]byte
	binary.LittleEndian.PutUint32(b[:], uint32(key>>32))
	binary.LittleEndian.PutUint32(b[4:], uint32(key))
	return v.tree.partitionHash(b[:v.tree.size])
}

// treeTouch loads the home slot of a direct tree's root, as touch does for other layouts.
func (v *visited) treeTouch(h uint64) uint64 {
	if !v.tree.direct {
		return 0
	}
	r := &v.parts[partitionOf(h)].root
	return r.at(home(h, r.n))
}

// treeFind returns the root slot of enc's state in p, or -1.
func (v *visited) treeFind(p *partition, h uint64, enc []byte) int {
	key, ok := v.treeKey(p, enc, false)
	if !ok {
		return -1
	}
	r := &p.root
	if key == 0 {
		if r.zero {
			return r.n
		}
		return -1
	}
	if !r.fits(key) {
		return -1 // an index no root pair holds yet
	}
	x := r.pack(key)
	for i := v.rootHome(h, key, r.n); ; i = step(i, r.n) {
		s := r.at(i)
		if s == 0 {
			return -1
		}
		if s == x {
			return i
		}
	}
}

// treeInsert adds enc's state to p unless present, and returns its root slot.
func (v *visited) treeInsert(p *partition, h uint64, enc []byte) (slot int, added bool) {
	key, _ := v.treeKey(p, enc, true)
	r := &p.root
	if key == 0 {
		if r.zero {
			return r.n, false
		}
		r.zero = true
		p.n++
		return r.n, true
	}
	if !r.fits(key) {
		r.widen(key)
	}
	x := r.pack(key)
	for i := v.rootHome(h, key, r.n); ; i = step(i, r.n) {
		s := r.at(i)
		if s == 0 {
			r.set(i, x)
			p.n++
			return i, true
		}
		if s == x {
			return i, false
		}
	}
}

// treeGrow enlarges p's root table by half, moving each pair (and id) to where its hash now
// puts it. The node tables grow by themselves, as they fill.
func (v *visited) treeGrow(p *partition) {
	old, oldIDs := p.root, p.ids
	r := &p.root
	r.init(old.n*3/2, old.lbits, old.rbits)
	r.zero = old.zero
	defer v.retire(len(old.b)+4*len(oldIDs), len(r.b)+4*len(p.ids))
	if v.ids {
		p.ids = make([]uint32, r.n+1)
		p.ids[r.n] = oldIDs[old.n]
	}
	for j := 0; j < old.n; j++ {
		x := old.at(j)
		if x == 0 {
			continue
		}
		key := old.unpack(x)
		var i int
		if v.tree.direct {
			i = home(v.rootHash(key), r.n)
		} else {
			i = treeHome(key, r.n)
		}
		for r.at(i) != 0 {
			i = step(i, r.n)
		}
		r.set(i, x)
		if v.ids {
			p.ids[i] = oldIDs[j]
		}
	}
}

// rootTable is a partition's root table. A slot holds a pair packed into as few bytes as
// its two values need: the left value's bits above the right value's rbits. A word takes
// 32 bits, an index as many as the largest index any slot holds. A slot's position depends
// on the pair, not on its packing, so repacking (widen) moves nothing: the slots insert
// handed out in phase 2 stay valid. The pair 0 packs to 0, which marks an empty slot, so
// it has its own slot, number n, past the table.
type rootTable struct {
	// b holds the n slots of width bytes, then 7 bytes so that at can load any slot as a
	// word.
	b            []byte
	n, width     int
	lbits, rbits uint
	mask         uint64
	zero         bool
}

func (r *rootTable) init(n int, lbits, rbits uint) {
	r.n, r.lbits, r.rbits = n, lbits, rbits
	r.width = max(1, int(lbits+rbits+7)/8)
	r.mask = ^uint64(0) >> (64 - 8*r.width)
	r.b = make([]byte, n*r.width+7)
	r.zero = false
}

// at returns slot i's packed pair, 0 when empty.
func (r *rootTable) at(i int) uint64 {
	return binary.LittleEndian.Uint64(r.b[i*r.width:]) & r.mask
}

func (r *rootTable) set(i int, x uint64) {
	b := r.b[i*r.width : i*r.width+r.width]
	for j := range b {
		b[j] = byte(x >> (8 * j))
	}
}

// fits reports whether key's values fit the slots' bits.
func (r *rootTable) fits(key uint64) bool {
	return uint(bits.Len32(uint32(key>>32))) <= r.lbits && uint(bits.Len32(uint32(key))) <= r.rbits
}

func (r *rootTable) pack(key uint64) uint64 { return key>>32<<r.rbits | key&0xffffffff }

func (r *rootTable) unpack(x uint64) uint64 {
	return x>>r.rbits<<32 | x&(1<<r.rbits-1)
}

// widen gives the slots enough bits for key's values and repacks them where they are.
func (r *rootTable) widen(key uint64) {
	old := *r
	r.init(old.n, max(old.lbits, uint(bits.Len32(uint32(key>>32)))), max(old.rbits, uint(bits.Len32(uint32(key)))))
	r.zero = old.zero
	for i := 0; i < r.n; i++ {
		if x := old.at(i); x != 0 {
			r.set(i, r.pack(old.unpack(x)))
		}
	}
}

// treeMaxLoad is the load factor (in 1/16ths) past which the tree layout's tables grow.
const treeMaxLoad = 14

// nodeMinSlots is the size of a node table when its first pair arrives.
const nodeMinSlots = 32

// nodeTable is the table of one node of a partition's tree: the distinct pairs seen at the
// node, each with its index, the order of its insertion. A slot holds the pair and index+1
// (0: empty) side by side, so that a lookup reads one place; growing moves the slots but
// keeps their indices.
type nodeTable struct {
	slots []nodeSlot
	n     int
}

type nodeSlot struct{ left, right, idx uint32 }

func (s nodeSlot) key() uint64 { return uint64(s.left)<<32 | uint64(s.right) }

// find returns the index of key, if present.
func (t *nodeTable) find(key uint64) (uint32, bool) {
	n := len(t.slots)
	if n == 0 {
		return 0, false
	}
	for i := treeHome(key, n); ; i = step(i, n) {
		s := &t.slots[i]
		if s.idx == 0 {
			return 0, false
		}
		if s.key() == key {
			return s.idx - 1, true
		}
	}
}

// put returns the index of key, adding it if absent. Its caller grows a full table first
// (treeKey, which accounts for the old slots), so there is always an empty slot.
func (t *nodeTable) put(key uint64) uint32 {
	n := len(t.slots)
	for i := treeHome(key, n); ; i = step(i, n) {
		s := &t.slots[i]
		if s.idx == 0 {
			// Slots hold index+1 in 32 bits. A partition's table has at most as many
			// entries as the partition has states, and the search numbers fewer than 2^32-1
			// states in all, so this is a guard, not a bound a search can reach.
			if t.n >= math.MaxUint32 {
				panic("checker: tree compression: a node table of the visited set would exceed 2^32-1 entries")
			}
			t.n++
			*s = nodeSlot{uint32(key >> 32), uint32(key), uint32(t.n)}
			return uint32(t.n - 1)
		}
		if s.key() == key {
			return s.idx - 1
		}
	}
}

// full reports whether one more pair would take the table past its load.
func (t *nodeTable) full() bool { return (t.n+1)*16 > len(t.slots)*treeMaxLoad }

// bytes is the size of the table's slots.
func (t *nodeTable) bytes() int { return len(t.slots) * int(unsafe.Sizeof(nodeSlot{})) }

// grow enlarges the table by half (to nodeMinSlots at first) and moves each pair where its
// hash now puts it, with its index.
func (t *nodeTable) grow() {
	old := t.slots
	n := max(nodeMinSlots, len(old)*3/2)
	t.slots = make([]nodeSlot, n)
	for _, s := range old {
		if s.idx == 0 {
			continue
		}
		i := treeHome(s.key(), n)
		for t.slots[i].idx != 0 {
			i = step(i, n)
		}
		t.slots[i] = s
	}
}

// treeStats counts the entries of the tree layout's tables, summed over the partitions: the
// roots', then node k's for each node below the root, in the order of treeShape.nodes.
func (v *visited) treeStats() (roots int, nodes []int) {
	nodes = make([]int, len(v.tree.nodes)-1)
	for i := range v.parts {
		p := &v.parts[i]
		roots += p.n
		for k := range p.tables {
			nodes[k] += p.tables[k].n
		}
	}
	return roots, nodes
}
