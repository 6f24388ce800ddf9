package checker

import (
	"fmt"
	"math"
	"sync"
)

// edgeStore keeps the reachable graph in compressed sparse row form: the transitions out of
// state id are the indexes off(id) up to off(id+1) (or the end, for the last expanded state)
// of the parallel columns. A column is kept only when something reads it: label (the
// action's fairness identity) for liveness, proj for the graph. The index of a
// transition's action is not kept: a lasso finds it again by replaying the source state
// (stepsOf).
type edgeStore struct {
	off   offsets
	to    column[uint32]
	label idColumn
	proj  idColumn
}

// out returns the range of id's transitions; empty for a state that was never expanded.
func (e *edgeStore) out(id uint32) (lo, hi int) {
	if int(id) >= e.off.len() {
		return 0, 0
	}
	lo, hi = e.off.at(id), e.to.len()
	if int(id)+1 < e.off.len() {
		hi = e.off.at(id + 1)
	}
	return lo, hi
}

// column is an append-only array in pages of pageLen elements: growing never copies it, and
// it holds at most one page more than it needs. The first page grows as a slice does, so a
// small search allocates little.
type column[T any] struct {
	pages [][]T
	n     int
}

func (c *column[T]) len() int       { return c.n }
func (c *column[T]) at(i int) T     { return c.pages[i>>pageShift][i&(pageLen-1)] }
func (c *column[T]) set(i int, v T) { c.pages[i>>pageShift][i&(pageLen-1)] = v }

func (c *column[T]) push(v T) {
	if c.n == len(c.pages)<<pageShift {
		var page []T
		if c.n > 0 {
			page = make([]T, 0, pageLen)
		}
		c.pages = append(c.pages, page)
	}
	last := &c.pages[len(c.pages)-1]
	*last = append(*last, v)
	c.n++
}

// idColumn is a column of ids (interned labels) kept in 16 bits while they fit, and
// widened to 32 the first time one does not.
type idColumn struct {
	narrow column[uint16]
	wide   column[uint32]
	wider  bool
}

func (c *idColumn) at(i int) uint32 {
	if c.wider {
		return c.wide.at(i)
	}
	return uint32(c.narrow.at(i))
}

func (c *idColumn) push(id uint32) {
	if !c.wider && id > math.MaxUint16 {
		for p, page := range c.narrow.pages {
			for _, v := range page {
				c.wide.push(uint32(v))
			}
			c.narrow.pages[p] = nil
		}
		c.narrow, c.wider = column[uint16]{}, true
	}
	if c.wider {
		c.wide.push(id)
	} else {
		c.narrow.push(uint16(id))
	}
}

// offsets is the row offsets of an edgeStore, one per expanded state: 32 bits each, plus
// the states where the offset passes another multiple of 2^32.
type offsets struct {
	low column[uint32]
	// wraps[k] is the first state whose offset is at least (k+1)<<32.
	wraps []uint32
}

func (o *offsets) len() int { return o.low.len() }

func (o *offsets) push(off int) {
	for uint64(off) >= uint64(len(o.wraps)+1)<<32 {
		o.wraps = append(o.wraps, uint32(o.low.len()))
	}
	o.low.push(uint32(off))
}

func (o *offsets) at(id uint32) int {
	off := uint64(o.low.at(int(id)))
	for _, w := range o.wraps {
		if id < w {
			break
		}
		off += 1 << 32
	}
	return int(off)
}

// finishEdges resolves the targets of a level's transitions, now that phase 3 has numbered
// the new states, and appends them in source order.
func (s *search[S, A]) finishEdges(chunks []chunk, base uint32) {
	s.expanded = base
	if len(chunks) > 0 {
		s.expanded = base + uint32(chunks[len(chunks)-1].hi)
	}
	if !s.keepEdges {
		return
	}
	es := &s.edges
	live := len(s.evProps) > 0
	for i := range chunks {
		c := &chunks[i]
		next := 0
		for pos := c.lo; pos < c.hi; pos++ {
			es.off.push(es.to.len())
			for ; next < len(c.edges) && int(c.edges[next].pos) == pos; next++ {
				e := &c.edges[next]
				to := e.target
				if to == noStateID && e.cand != noCand {
					cd := &c.cands[e.part][e.cand]
					to = s.vis.slotID(cd.hash, cd.slotIndex())
				}
				if to == noStateID {
					continue // beyond a bound: never numbered
				}
				es.to.push(to)
				if live {
					es.label.push(e.label)
				}
				if s.cfg.Graph {
					es.proj.push(e.proj)
				}
			}
		}
	}
}

const noCand = ^uint32(0)

// interner numbers strings (action and node labels) across workers. Ids depend on the race
// between workers, so they are never printed or used to order anything: output is ordered by
// state ids and by the strings themselves.
type interner struct {
	mu    sync.Mutex
	ids   map[string]uint32
	names []string
	// keys maps ActionKeyer keys to the id of their label.
	keys   map[uint64]uint32
	fair   []bool
	strong []bool
}

func (in *interner) init() { in.ids, in.keys = map[string]uint32{}, map[uint64]uint32{} }

func (in *interner) intern(cache map[string]uint32, name string) uint32 {
	if id, ok := cache[name]; ok {
		return id
	}
	in.mu.Lock()
	id := in.internLocked(name)
	in.mu.Unlock()
	cache[name] = id
	return id
}

func (in *interner) internLocked(name string) uint32 {
	id, ok := in.ids[name]
	if !ok {
		id = uint32(len(in.names))
		in.ids[name] = id
		in.names = append(in.names, name)
		in.fair = append(in.fair, false)
		in.strong = append(in.strong, false)
	}
	return id
}

// internKey returns the id of the label of key, a key not in the worker's cache, calling
// label (outside the lock, since it is the model's code) only for a key no worker has seen.
func (in *interner) internKey(cache map[uint64]uint32, key uint64, label func() string) uint32 {
	in.mu.Lock()
	id, ok := in.keys[key]
	in.mu.Unlock()
	if !ok {
		name := label()
		in.mu.Lock()
		id = in.internLocked(name)
		in.keys[key] = id
		in.mu.Unlock()
	}
	cache[key] = id
	return id
}

func (in *interner) markFair(id uint32, strong bool) {
	in.mu.Lock()
	in.fair[id] = true
	in.strong[id] = in.strong[id] || strong
	in.mu.Unlock()
}

// labelEdge names a transition: for liveness, its action's label id (the identity for
// fairness), and for the graph, its projected label.
func (s *search[S, A]) labelEdge(w *worker[A], e *edge, st S, a A) {
	e.cand = noCand
	if len(s.evProps) > 0 {
		e.label = s.actionID(w, st, a)
		for int(e.label) >= len(w.fair) {
			w.fair = append(w.fair, false)
		}
		if !w.fair[e.label] && s.m.Fair(st, a) {
			s.labels.markFair(e.label, s.strong != nil && s.strong.StrongFair(st, a))
			w.fair[e.label] = true
		}
	}
	if s.cfg.Graph {
		var label string
		if s.proj != nil {
			label = s.proj.ProjectAction(st, a)
		} else {
			label = s.m.Label(st, a)
		}
		e.proj = s.pacts.intern(w.pacts, label)
	}
}

// actionID interns the label of a taken from st: through its key when the model has
// one, so the label is built once per key, not once per transition.
func (s *search[S, A]) actionID(w *worker[A], st S, a A) uint32 {
	if s.keyer != nil {
		if key, ok := s.keyer.ActionKey(st, a); ok {
			if id, ok := w.keys[key]; ok {
				return id
			}
			return s.labels.internKey(w.keys, key, func() string { return s.m.Label(st, a) })
		}
	}
	return s.labels.intern(w.labels, s.m.Label(st, a))
}

// nodeLabel interns the graph node a state is drawn as.
func (s *search[S, A]) nodeLabel(w *worker[A], id uint32, st S) uint32 {
	if s.proj != nil {
		return s.nodes.intern(w.nodes, s.proj.Project(st))
	}
	return s.nodes.intern(w.nodes, fmt.Sprintf("%v", st))
}

// scratch returns worker i's reusable scratch space.
func (s *search[S, A]) scratch(i int) *worker[A] {
	for len(s.scratchpads) <= i {
		s.scratchpads = append(s.scratchpads, &worker[A]{
			id:     len(s.scratchpads),
			labels: map[string]uint32{},
			keys:   map[uint64]uint32{},
			nodes:  map[string]uint32{},
			pacts:  map[string]uint32{},
		})
	}
	return s.scratchpads[i]
}
