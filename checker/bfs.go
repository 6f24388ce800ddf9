package checker

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
)

// A level is explored, window by window, in three parallel phases separated by barriers, so
// that no phase needs a lock:
//
//  1. expand (expandWindow, by chunks of the frontier): decode each state, judge the
//     properties on it, compute its successors, and look each one up in the visited set as
//     it stood before the window. Unknown successors become candidates, filed by chunk and
//     by visited-set partition, in generation order, which is the order of their key
//     (frontier position, action index).
//  2. insert (insertWindow, by partition): each partition's owner inserts its candidates,
//     chunk by chunk, so the first insertion of a state is the one with the smallest key.
//  3. number (numberWindow, by chunk, after a prefix sum of the new states per chunk): new
//     states get consecutive ids in key order, their parent and action are recorded, and
//     their encodings form the next frontier.
//
// None of the three depends on how chunks were shared among workers, which is why the
// result does not depend on the number of workers.

// chunkSize is the number of frontier states a worker takes at a time. It must stay below
// 256: a candidate keeps its position within the chunk in 8 bits.
const chunkSize = 256

// frontier holds the encodings of one level's states, in id order. A FixedSizer model's
// encodings follow each other every size bytes; other models' need offsets, off[i] being
// where state i's starts (and off[n] the end), 8 bytes more per state of the widest levels.
type frontier struct {
	data []byte
	off  []int
	size int // the fixed encoding length, or 0
	n    int
	base uint32
}

func (f *frontier) len() int { return f.n }
func (f *frontier) at(i int) []byte {
	if f.size > 0 {
		return f.data[i*f.size : (i+1)*f.size : (i+1)*f.size]
	}
	return f.data[f.off[i]:f.off[i+1]]
}
func (f *frontier) add(enc []byte) {
	f.data = append(f.data, enc...)
	f.n++
	if f.size == 0 {
		f.off = append(f.off, len(f.data))
	}
}

// reset empties f for reuse, keeping its buffers.
func (f *frontier) reset(base uint32) {
	f.data, f.n, f.base = f.data[:0], 0, base
	if f.size == 0 {
		f.off = append(f.off[:0], 0)
	}
}

// cand is a successor not in the visited set when its chunk was expanded.
type cand struct {
	hash uint64
	off  uint32 // encoding in the chunk's arena
	key  uint32 // position in the chunk << 16 | action index
	// slot is, after phase 2, the state's slot in its partition: slot >= 0 when this
	// candidate inserted the state, ^slot when an earlier one had.
	slot int32
	n    uint16
}

func (c *cand) isNew() bool { return c.slot >= 0 }
func (c *cand) slotIndex() int {
	if c.slot >= 0 {
		return int(c.slot)
	}
	return int(^c.slot)
}

// edge is a transition recorded for the graph or liveness.
type edge struct {
	pos    uint32 // source frontier position
	part   uint8
	label  uint32
	proj   uint32
	target uint32 // resolved target id, or noStateID when cand refers to a candidate
	cand   uint32
}

type chunk struct {
	lo, hi int
	cands  [partitions][]cand
	order  []uint8 // partition of each candidate, in generation order
	arena  []byte
	edges  []edge
	// newCount and newBytes count, per partition, the candidates that turned out new and
	// their encoding bytes (phase 2); firstID and firstByte place them (phase 3).
	newCount    [partitions]uint32
	newBytes    [partitions]uint32
	firstID     uint32
	firstByte   int
	transitions uint64
	// first[k] is the frontier position of the first state in the chunk that decides
	// property k, or -1; for a KindStep property, the state the rejected step leaves, whose
	// action index is firstAct[k].
	first      []int
	firstAct   []int
	unexplored bool
}

func (c *chunk) reset(lo, hi, nprops int) {
	c.lo, c.hi = lo, hi
	for p := range c.cands {
		c.cands[p] = c.cands[p][:0]
	}
	c.order, c.arena, c.edges = c.order[:0], c.arena[:0], c.edges[:0]
	c.newCount, c.newBytes = [partitions]uint32{}, [partitions]uint32{}
	c.transitions, c.unexplored = 0, false
	if cap(c.first) < nprops {
		c.first, c.firstAct = make([]int, nprops), make([]int, nprops)
	}
	c.first, c.firstAct = c.first[:nprops], c.firstAct[:nprops]
	for k := range c.first {
		c.first[k], c.firstAct[k] = -1, -1
	}
}

// worker holds one goroutine's scratch space, reused across states.
type worker[A any] struct {
	// id is the worker's index, 0 to workers-1, as TransitionVisitor sees it.
	id       int
	acts     []A
	batch    []succ
	batchEnc []byte
	// sink keeps the touched words alive, so the compiler cannot drop the loads.
	sink   uint64
	labels map[string]uint32
	keys   map[uint64]uint32
	nodes  map[string]uint32
	pacts  map[string]uint32
	// fair[id] says this worker has seen action label id fair, so need not ask again.
	fair []bool
}

// chunksFor returns reset chunks covering frontier positions lo..hi, reusing the pool's
// buffers.
func (s *search[S, A]) chunksFor(lo, hi int) []chunk {
	n := (hi - lo + chunkSize - 1) / chunkSize
	for len(s.chunkPool) < n {
		s.chunkPool = append(s.chunkPool, chunk{})
	}
	chunks := s.chunkPool[:n]
	for i := range chunks {
		clo := lo + i*chunkSize
		chunks[i].reset(clo, min(clo+chunkSize, hi), len(s.props))
	}
	return chunks
}

// window is how many frontier states go through the three phases together. A level is
// processed window by window, in order, so the candidates held at once are bounded by the
// window, not by the level; and since a window's states are numbered before the next window
// is expanded, the order of ids is the same as if the level were one window.
const window = 1 << 16

// level expands front into out. With expand false it only judges the properties of front's
// states (the depth or state bound was reached) and notes whether any successor is
// unexplored.
func (s *search[S, A]) level(front, out *frontier, expand bool) error {
	n := front.len()
	s.growPerState(int(front.base) + n)
	out.reset(uint32(s.parent.len()))
	for lo := 0; lo < n && !s.halt.Load(); lo += window {
		done, err := s.window(front, out, lo, min(lo+window, n), expand)
		if err != nil {
			return err
		}
		if !done {
			break
		}
	}
	if out.len() > 0 {
		s.levels = append(s.levels, uint32(s.parent.len()))
	}
	s.progress.states.Store(uint64(s.parent.len()))
	s.progress.depth.Add(1)
	return nil
}

// window runs the three phases on frontier positions lo..hi. It reports false when a bound
// halted phase 1 before the window was done.
func (s *search[S, A]) window(front, out *frontier, lo, hi int, expand bool) (bool, error) {
	chunks, complete, err := s.expandWindow(front, s.chunksFor(lo, hi), expand)
	if err != nil {
		return false, err
	}
	if expand {
		s.insertWindow(chunks)
		s.numberWindow(chunks, front.base, out)
	}
	s.finishEdges(chunks, front.base)
	return complete, nil
}

// expandWindow is phase 1: workers take the chunks in order and expand them, looking
// successors up in the visited set as the earlier windows left it; nobody writes to it until
// the barrier at the end of this phase. It returns the chunks that were done (a prefix, after a stop) and
// whether they are all of them.
func (s *search[S, A]) expandWindow(front *frontier, chunks []chunk, expand bool) ([]chunk, bool, error) {
	var next atomic.Int64
	var failed atomic.Pointer[error]
	s.parallel(func(w *worker[A]) {
		for !s.halt.Load() && failed.Load() == nil {
			i := int(next.Add(1) - 1)
			if i >= len(chunks) {
				return
			}
			if err := s.expandChunk(w, front, &chunks[i], expand); err != nil {
				failed.CompareAndSwap(nil, &err)
				return
			}
			s.progress.transitions.Add(chunks[i].transitions)
			s.progress.expanded.Add(uint64(chunks[i].hi - chunks[i].lo))
		}
	})
	if e := failed.Load(); e != nil {
		return nil, false, *e
	}
	// Chunks were handed out in order and each taken one was finished, so after a stop the
	// done chunks are a prefix.
	complete := int(next.Load()) >= len(chunks)
	chunks = chunks[:min(int(next.Load()), len(chunks))]
	s.recordExpanded(chunks, front.base, expand)
	return chunks, complete, nil
}

// recordExpanded adds the expanded chunks' findings to the search, in chunk order, so that
// the state reported for a property is the first in id order whatever the workers.
func (s *search[S, A]) recordExpanded(chunks []chunk, base uint32, expand bool) {
	for i := range chunks {
		c := &chunks[i]
		s.transitions += c.transitions
		for k, pos := range c.first {
			if pos >= 0 && s.found[k] == noStateID {
				s.found[k], s.foundAct[k] = base+uint32(pos), c.firstAct[k]
			}
		}
		if c.unexplored && !expand {
			s.markUnexplored()
		}
	}
}

// insertWindow is phase 2: workers take the visited-set partitions one at a time and insert
// their candidates. A partition has one writer, so no lock is needed; the barrier before it
// keeps phase 1's lookups from seeing half a window's insertions, and the one after it
// makes every candidate's outcome known before phase 3 counts them.
func (s *search[S, A]) insertWindow(chunks []chunk) {
	var nextPart atomic.Int64
	s.parallel(func(*worker[A]) {
		for {
			p := int(nextPart.Add(1) - 1)
			if p >= partitions {
				return
			}
			s.insertPartition(chunks, p)
		}
	})
}

// insertPartition is phase 2 for partition p: its candidates go in chunk by chunk, in
// generation order, so the first insertion of a state is the one with the smallest key.
func (s *search[S, A]) insertPartition(chunks []chunk, p int) {
	extra := 0
	for i := range chunks {
		extra += len(chunks[i].cands[p])
	}
	s.vis.reserve(p, extra)
	var sink uint64
	for i := range chunks {
		c := &chunks[i]
		for j := range c.cands[p] {
			// Touch the home slots a batch ahead, as phase 1 does, so that the cache
			// misses of a batch overlap.
			if j%batchSize == 0 {
				for _, ahead := range c.cands[p][j:min(j+batchSize, len(c.cands[p]))] {
					sink += s.vis.touch(ahead.hash)
				}
			}
			cd := &c.cands[p][j]
			slot, added := s.vis.insert(cd.hash, c.arena[cd.off:cd.off+uint32(cd.n)])
			if added {
				cd.slot = int32(slot)
				c.newCount[p]++
				c.newBytes[p] += uint32(cd.n)
			} else {
				cd.slot = ^int32(slot)
			}
		}
	}
	s.sinks[p] = sink
}

// numberWindow is phase 3: the new states are numbered in key order. A prefix sum over the
// chunks, which needs phase 2's counts and so its barrier, places each chunk's new states;
// then workers number the chunks independently. The state bound cuts the numbering at the
// same place whatever the workers.
func (s *search[S, A]) numberWindow(chunks []chunk, base uint32, out *frontier) {
	id := uint32(s.parent.len())
	limit := uint64(math.MaxUint32 - 1)
	if s.cfg.MaxStates > 0 {
		limit = s.cfg.MaxStates
	}
	bytes := len(out.data)
	for i := range chunks {
		c := &chunks[i]
		c.firstID, c.firstByte = id, bytes
		for p := range partitions {
			id += c.newCount[p]
			bytes += int(c.newBytes[p])
		}
	}
	last := id // one past the last id, before the bound
	if uint64(last) > limit {
		last = max(uint32(limit), uint32(s.parent.len()))
		s.stop(fmt.Errorf("%w: %d states", ErrStateLimit, s.cfg.MaxStates))
	}
	kept := int(last - out.base)
	out.data = growTo(out.data, bytes)
	if out.size == 0 {
		out.off = growTo(out.off, kept+1)
	}
	s.parent.grow(int(last))
	s.action.grow(int(last))
	var nextChunk atomic.Int64
	s.parallel(func(*worker[A]) {
		for {
			i := int(nextChunk.Add(1) - 1)
			if i >= len(chunks) {
				return
			}
			s.numberChunk(&chunks[i], base, out, last)
		}
	})
	// Keep the states numbered: fewer than counted when the bound cut the window.
	out.n = kept
	if out.size > 0 {
		out.data = out.data[:kept*out.size]
	} else {
		out.off = out.off[:kept+1]
		out.data = out.data[:out.off[kept]]
	}
}

// numberChunk is phase 3 for one chunk: its new states take ids firstID, firstID+1, ... in
// key order, up to (not including) last.
func (s *search[S, A]) numberChunk(c *chunk, base uint32, out *frontier, last uint32) {
	id, b := c.firstID, c.firstByte
	var cursor [partitions]int
	for _, p := range c.order {
		cd := &c.cands[p][cursor[p]]
		cursor[p]++
		if !cd.isNew() {
			continue
		}
		if id >= last {
			if s.keepEdges {
				s.vis.setSlotID(cd.hash, cd.slotIndex(), noStateID)
			}
			continue
		}
		s.parent.set(id, base+uint32(c.lo)+cd.key>>16)
		s.action.set(id, uint16(cd.key))
		k := int(id - out.base)
		copy(out.data[b:], c.arena[cd.off:cd.off+uint32(cd.n)])
		b += int(cd.n)
		if out.size == 0 {
			out.off[k+1] = b
		}
		if s.keepEdges {
			s.vis.setSlotID(cd.hash, cd.slotIndex(), id)
		}
		id++
	}
}

// markUnexplored records that a bound left successors unexplored.
func (s *search[S, A]) markUnexplored() {
	if s.cfg.MaxDepth > 0 && (s.cfg.MaxStates == 0 || uint64(s.parent.len()) < s.cfg.MaxStates) {
		s.stop(fmt.Errorf("%w: depth %d", ErrDepthLimit, s.cfg.MaxDepth))
		return
	}
	s.stop(fmt.Errorf("%w: %d states", ErrStateLimit, s.cfg.MaxStates))
}

// succ is a successor waiting in a worker's batch to be looked up.
type succ struct {
	pos      int
	act      uint16
	from, to int // its encoding in worker.batchEnc
	hash     uint64
	edge     int // its edge in the chunk, or -1
}

// batchSize is how many successors phase 1 gathers before looking them up together.
const batchSize = 32

// expandChunk is phase 1 for one chunk. Successors are looked up in batches: their home
// slots are touched first, all together, so the cache misses of a batch overlap.
func (s *search[S, A]) expandChunk(w *worker[A], front *frontier, c *chunk, expand bool) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("checker: the model panicked: %v", r)
		}
	}()
	base := front.base
	w.batch, w.batchEnc = w.batch[:0], w.batchEnc[:0]
	for pos := c.lo; pos < c.hi; pos++ {
		id := base + uint32(pos)
		st := s.m.Decode(front.at(pos))
		violating := s.judge(c, pos, id, st)
		w.acts = s.m.Actions(st, w.acts[:0])
		if len(w.acts) > math.MaxUint16+1 {
			return fmt.Errorf("checker: a state has %d actions, at most %d supported", len(w.acts), math.MaxUint16+1)
		}
		n := 0
		for i, a := range w.acts {
			nx, ok := s.m.Next(st, a)
			if !ok {
				continue
			}
			n++
			for _, k := range s.stepProps {
				// States and actions are taken in key order, so the first rejected step
				// of a chunk is its smallest (position, action index).
				if c.first[k] < 0 && !s.props[k].Holds(nx) {
					c.first[k], c.firstAct[k] = pos, i
				}
			}
			if s.visitor != nil {
				s.visitor.VisitTransition(w.id, st, a, nx)
			}
			from := len(w.batchEnc)
			w.batchEnc = s.m.Encode(w.batchEnc, nx)
			if len(w.batchEnc)-from > math.MaxUint16 {
				return fmt.Errorf("checker: a state encodes to %d bytes, at most %d supported", len(w.batchEnc)-from, math.MaxUint16)
			}
			sc := succ{pos: pos, act: uint16(i), from: from, to: len(w.batchEnc), hash: s.vis.hash(w.batchEnc[from:]), edge: -1}
			if s.keepEdges {
				sc.edge = len(c.edges)
				c.edges = append(c.edges, edge{pos: uint32(pos), target: noStateID, cand: noCand})
				s.labelEdge(w, &c.edges[sc.edge], st, a)
			}
			w.batch = append(w.batch, sc)
		}
		c.transitions += uint64(n)
		terminal := s.m.Terminal(st)
		if n == 0 && !terminal {
			for k, p := range s.props {
				if p.Kind == KindDeadlock && c.first[k] < 0 {
					c.first[k] = pos
				}
			}
			violating = true
		}
		if s.cfg.Graph {
			var f uint8
			if terminal {
				f |= flagTerminal
			}
			if violating {
				f |= flagViolating
			}
			s.flags[id] = f
			s.nodeOf[id] = s.nodeLabel(w, id, st)
		}
		if len(w.batch) >= batchSize {
			s.lookupBatch(w, c, expand)
		}
	}
	s.lookupBatch(w, c, expand)
	return nil
}

// lookupBatch looks up the worker's batch of successors, in generation order, and files
// the unknown ones as candidates.
func (s *search[S, A]) lookupBatch(w *worker[A], c *chunk, expand bool) {
	var sink uint64
	for i := range w.batch {
		sink += s.vis.touch(w.batch[i].hash)
	}
	w.sink += sink
	for i := range w.batch {
		sc := &w.batch[i]
		enc := w.batchEnc[sc.from:sc.to]
		slot := s.vis.find(sc.hash, enc)
		if slot >= 0 {
			if sc.edge >= 0 {
				c.edges[sc.edge].target = s.vis.slotID(sc.hash, slot)
			}
			continue
		}
		if !expand {
			c.unexplored = true
			continue
		}
		p := partitionOf(sc.hash)
		if sc.edge >= 0 {
			c.edges[sc.edge].part, c.edges[sc.edge].cand = uint8(p), uint32(len(c.cands[p]))
		}
		c.cands[p] = append(c.cands[p], cand{hash: sc.hash, key: uint32(sc.pos-c.lo)<<16 | uint32(sc.act),
			off: uint32(len(c.arena)), n: uint16(len(enc))})
		c.order = append(c.order, uint8(p))
		c.arena = append(c.arena, enc...)
	}
	w.batch, w.batchEnc = w.batch[:0], w.batchEnc[:0]
}

// judge evaluates the state properties on st and reports whether it violates an Always.
func (s *search[S, A]) judge(c *chunk, pos int, id uint32, st S) (violating bool) {
	ev := 0
	for k, p := range s.props {
		switch p.Kind {
		case KindAlways:
			if !p.Holds(st) {
				violating = true
				if c.first[k] < 0 {
					c.first[k] = pos
				}
			}
		case KindSometimes:
			if c.first[k] < 0 && s.found[k] == noStateID && p.Holds(st) {
				c.first[k] = pos
			}
		case KindEventually:
			if p.Holds(st) {
				// Workers share the words at the edges of their chunks.
				atomic.OrUint64(&s.eventually[ev][id>>6], 1<<(id&63))
			}
			ev++
		}
	}
	return violating
}

// growPerState makes the per-state side arrays long enough for n states.
func (s *search[S, A]) growPerState(n int) {
	for k := range s.eventually {
		s.eventually[k] = growTo(s.eventually[k], (n+63)/64)
	}
	if s.cfg.Graph {
		s.flags = growTo(s.flags, n)
		s.nodeOf = growTo(s.nodeOf, n)
	}
}

// growTo returns xs with length n, keeping its contents up to the old length.
func growTo[T any](xs []T, n int) []T {
	if cap(xs) >= n {
		return xs[:n]
	}
	return append(xs[:cap(xs)], make([]T, n-cap(xs))...)
}

// parallel runs fn on every worker and waits for all of them.
func (s *search[S, A]) parallel(fn func(w *worker[A])) {
	if s.workers == 1 {
		fn(s.scratch(0))
		return
	}
	var wg sync.WaitGroup
	for i := 0; i < s.workers; i++ {
		wg.Add(1)
		go func(w *worker[A]) {
			defer wg.Done()
			fn(w)
		}(s.scratch(i))
	}
	wg.Wait()
}
