package checker

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
)

// A level is explored in three phases separated by barriers, so that no phase needs a lock:
//
//  1. expand (parallel over chunks of the frontier): decode each state, judge the
//     properties on it, compute its successors, and look each one up in the visited set as
//     it stood at the end of the previous level. Unknown successors become candidates,
//     filed by chunk and by visited-set partition, in generation order, which is the order
//     of their key (frontier position, action index).
//  2. insert (parallel over partitions): each partition's owner inserts its candidates,
//     chunk by chunk, so the first insertion of a state is the one with the smallest key.
//  3. number (sequential, in key order): new states get the next ids, their parent and
//     action are recorded, and their encodings form the next frontier.
//
// None of the three depends on how chunks were shared among workers.

// chunkSize is the number of frontier states a worker takes at a time.
const chunkSize = 256

// frontier holds the encodings of one level's states, in id order.
type frontier struct {
	data []byte
	off  []int
	base uint32
}

func (f *frontier) len() int        { return len(f.off) - 1 }
func (f *frontier) at(i int) []byte { return f.data[f.off[i]:f.off[i+1]] }
func (f *frontier) add(enc []byte) {
	f.data = append(f.data, enc...)
	f.off = append(f.off, len(f.data))
}
func (f *frontier) reset(base uint32) { f.data, f.off, f.base = f.data[:0], append(f.off[:0], 0), base }

// cand is a successor not in the visited set when its chunk was expanded.
type cand struct {
	hash  uint64
	key   uint64 // frontier position << 16 | action index
	off   uint32 // encoding in the chunk's arena
	n     uint32
	slot  int32 // after phase 2: its slot in its partition
	isNew bool  // after phase 2: this candidate inserted the state
	id    uint32
}

// edge is a transition recorded for the graph or liveness.
type edge struct {
	pos    uint32 // source frontier position
	act    uint16
	label  uint32
	proj   uint32
	target uint32 // resolved target id, or noStateID when cand refers to a candidate
	part   uint8
	cand   uint32
}

type chunk struct {
	lo, hi      int
	cands       [partitions][]cand
	order       []uint8 // partition of each candidate, in generation order
	arena       []byte
	edges       []edge
	transitions uint64
	// first[k] is the frontier position of the first state in the chunk that decides
	// property k, or -1.
	first      []int
	unexplored bool
}

func (c *chunk) reset(lo, hi, nprops int) {
	c.lo, c.hi = lo, hi
	for p := range c.cands {
		c.cands[p] = c.cands[p][:0]
	}
	c.order, c.arena, c.edges = c.order[:0], c.arena[:0], c.edges[:0]
	c.transitions, c.unexplored = 0, false
	if cap(c.first) < nprops {
		c.first = make([]int, nprops)
	}
	c.first = c.first[:nprops]
	for k := range c.first {
		c.first[k] = -1
	}
}

// worker holds one goroutine's scratch space, reused across states.
type worker[A any] struct {
	acts   []A
	enc    []byte
	labels map[string]uint32
	nodes  map[string]uint32
	pacts  map[string]uint32
	fair   map[uint32]bool
}

// level expands front. With expand false it only judges the properties of front's states
// (the depth or state bound was reached) and notes whether any successor is unexplored.
func (s *search[S, A]) level(front *frontier, expand bool) (*frontier, error) {
	n := front.len()
	base := front.base
	s.growPerState(int(base) + n)
	nchunks := (n + chunkSize - 1) / chunkSize
	chunks := make([]chunk, nchunks)
	for i := range chunks {
		hi := min((i+1)*chunkSize, n)
		chunks[i].reset(i*chunkSize, hi, len(s.props))
	}

	// Phase 1: expand.
	var next atomic.Int64
	var failed atomic.Pointer[error]
	s.parallel(func(w *worker[A]) {
		for !s.halt.Load() && failed.Load() == nil {
			i := int(next.Add(1) - 1)
			if i >= nchunks {
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
		return nil, *e
	}
	// Chunks were handed out in order and each taken one was finished, so after a stop the
	// done chunks are a prefix.
	done := min(int(next.Load()), nchunks)
	chunks = chunks[:done]
	for i := range chunks {
		c := &chunks[i]
		s.transitions += c.transitions
		for k, pos := range c.first {
			if pos >= 0 && s.found[k] == noStateID {
				s.found[k] = base + uint32(pos)
			}
		}
		if c.unexplored && !expand {
			s.markUnexplored()
		}
	}
	if !expand {
		s.finishEdges(chunks, base)
		return nil, nil
	}

	// Phase 2: insert, one partition per worker at a time.
	var nextPart atomic.Int64
	s.parallel(func(*worker[A]) {
		for {
			p := int(nextPart.Add(1) - 1)
			if p >= partitions {
				return
			}
			extra := 0
			for i := range chunks {
				extra += len(chunks[i].cands[p])
			}
			s.vis.reserve(p, extra)
			for i := range chunks {
				c := &chunks[i]
				for j := range c.cands[p] {
					cd := &c.cands[p][j]
					slot, added := s.vis.insert(cd.hash, c.arena[cd.off:cd.off+cd.n])
					cd.slot, cd.isNew = int32(slot), added
				}
			}
		}
	})

	// Phase 3: number the new states in key order.
	out := &frontier{off: []int{0}, base: uint32(len(s.parent))}
	var cursor [partitions]int
	for i := range chunks {
		c := &chunks[i]
		cursor = [partitions]int{}
		for _, p := range c.order {
			cd := &c.cands[p][cursor[p]]
			cursor[p]++
			if !cd.isNew {
				continue
			}
			if s.cfg.MaxStates > 0 && uint64(len(s.parent)) >= s.cfg.MaxStates {
				cd.id = noStateID
				s.stop(fmt.Errorf("%w: %d states", ErrStateLimit, s.cfg.MaxStates))
				continue
			}
			cd.id = uint32(len(s.parent))
			s.parent = append(s.parent, base+uint32(cd.key>>16))
			s.action = append(s.action, uint16(cd.key))
			out.add(c.arena[cd.off : cd.off+cd.n])
			if s.keepEdges {
				s.vis.setSlotID(cd.hash, int(cd.slot), cd.id)
			}
		}
	}
	s.finishEdges(chunks, base)
	if out.len() > 0 {
		s.levels = append(s.levels, uint32(len(s.parent)))
	}
	s.progress.states.Store(uint64(len(s.parent)))
	s.progress.depth.Add(1)
	return out, nil
}

// markUnexplored records that a bound left successors unexplored.
func (s *search[S, A]) markUnexplored() {
	if s.cfg.MaxDepth > 0 && (s.cfg.MaxStates == 0 || uint64(len(s.parent)) < s.cfg.MaxStates) {
		s.stop(fmt.Errorf("%w: depth %d", ErrDepthLimit, s.cfg.MaxDepth))
		return
	}
	s.stop(fmt.Errorf("%w: %d states", ErrStateLimit, s.cfg.MaxStates))
}

// expandChunk is phase 1 for one chunk.
func (s *search[S, A]) expandChunk(w *worker[A], front *frontier, c *chunk, expand bool) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("checker: the model panicked: %v", r)
		}
	}()
	base := front.base
	for pos := c.lo; pos < c.hi; pos++ {
		id := base + uint32(pos)
		st := s.m.Decode(front.at(pos))
		violating := s.judge(c, pos, id, st)
		w.acts = s.m.Actions(st, w.acts[:0])
		if len(w.acts) > math.MaxUint16+1 {
			return fmt.Errorf("checker: a state has %d actions, at most %d supported", len(w.acts), math.MaxUint16+1)
		}
		succ := 0
		for i, a := range w.acts {
			nx, ok := s.m.Next(st, a)
			if !ok {
				continue
			}
			succ++
			w.enc = s.m.Encode(w.enc[:0], nx)
			h := hashBytes(w.enc)
			slot := s.vis.find(h, w.enc)
			var e *edge
			if s.keepEdges {
				c.edges = append(c.edges, edge{pos: uint32(pos), act: uint16(i), target: noStateID, cand: noCand})
				e = &c.edges[len(c.edges)-1]
				s.labelEdge(w, e, st, a)
			}
			if slot >= 0 {
				if e != nil {
					e.target = s.vis.slotID(h, slot)
				}
				continue
			}
			if !expand {
				c.unexplored = true
				continue
			}
			p := partitionOf(h)
			if e != nil {
				e.part, e.cand = uint8(p), uint32(len(c.cands[p]))
			}
			c.cands[p] = append(c.cands[p], cand{hash: h, key: uint64(pos)<<16 | uint64(i), off: uint32(len(c.arena)), n: uint32(len(w.enc))})
			c.order = append(c.order, uint8(p))
			c.arena = append(c.arena, w.enc...)
		}
		c.transitions += uint64(succ)
		terminal := s.m.Terminal(st)
		if succ == 0 && !terminal {
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
	}
	return nil
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
			s.eventually[ev][id] = p.Holds(st)
			ev++
		}
	}
	return violating
}

// growPerState makes the per-state side arrays long enough for n states.
func (s *search[S, A]) growPerState(n int) {
	for k := range s.eventually {
		s.eventually[k] = growTo(s.eventually[k], n)
	}
	if s.cfg.Graph {
		s.flags = growTo(s.flags, n)
		s.nodeOf = growTo(s.nodeOf, n)
	}
}

func growTo[T any](xs []T, n int) []T {
	if len(xs) >= n {
		return xs
	}
	return append(xs, make([]T, n-len(xs))...)
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
