package checker

import (
	"fmt"
	"sync"
)

// edgeStore keeps the reachable graph in compressed sparse row form: the transitions out of
// state id are the indexes off[id] up to off[id+1] (or the end, for the last expanded state)
// of the parallel slices.
type edgeStore struct {
	off   []int
	to    []uint32
	act   []uint16
	label []uint32
	proj  []uint32
}

// out returns the range of id's transitions; empty for a state that was never expanded.
func (e *edgeStore) out(id uint32) (lo, hi int) {
	if int(id) >= len(e.off) {
		return 0, 0
	}
	lo, hi = e.off[id], len(e.to)
	if int(id)+1 < len(e.off) {
		hi = e.off[id+1]
	}
	return lo, hi
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
	for i := range chunks {
		c := &chunks[i]
		next := 0
		for pos := c.lo; pos < c.hi; pos++ {
			es.off = append(es.off, len(es.to))
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
				es.to = append(es.to, to)
				es.act = append(es.act, e.act)
				es.label = append(es.label, e.label)
				es.proj = append(es.proj, e.proj)
			}
		}
	}
}

const noCand = ^uint32(0)

// interner numbers strings (action and node labels) across workers. Ids depend on the race
// between workers, so they are never printed or used to order anything: output is ordered by
// state ids and by the strings themselves.
type interner struct {
	mu     sync.Mutex
	ids    map[string]uint32
	names  []string
	fair   []bool
	strong []bool
}

func (in *interner) init() { in.ids = map[string]uint32{} }

func (in *interner) intern(cache map[string]uint32, name string) uint32 {
	if id, ok := cache[name]; ok {
		return id
	}
	in.mu.Lock()
	id, ok := in.ids[name]
	if !ok {
		id = uint32(len(in.names))
		in.ids[name] = id
		in.names = append(in.names, name)
		in.fair = append(in.fair, false)
		in.strong = append(in.strong, false)
	}
	in.mu.Unlock()
	cache[name] = id
	return id
}

func (in *interner) markFair(id uint32, strong bool) {
	in.mu.Lock()
	in.fair[id] = true
	in.strong[id] = in.strong[id] || strong
	in.mu.Unlock()
}

// labelEdge names a transition: its action label (the identity for fairness) and, for the
// graph, its projected label.
func (s *search[S, A]) labelEdge(w *worker[A], e *edge, st S, a A) {
	e.cand = noCand
	label := s.m.Label(st, a)
	e.label = s.labels.intern(w.labels, label)
	if len(s.evProps) > 0 && !w.fair[e.label] && s.m.Fair(st, a) {
		s.labels.markFair(e.label, s.strong != nil && s.strong.StrongFair(st, a))
		w.fair[e.label] = true
	}
	if s.cfg.Graph {
		if s.proj != nil {
			label = s.proj.ProjectAction(st, a)
		}
		e.proj = s.pacts.intern(w.pacts, label)
	}
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
			nodes:  map[string]uint32{},
			pacts:  map[string]uint32{},
			fair:   map[uint32]bool{},
		})
	}
	return s.scratchpads[i]
}
