package checker

import (
	"fmt"
	"slices"
	"strings"
)

// Eventually p is violated by a maximal path on which p never holds. Such a path runs
// through the subgraph R of states reachable from an initial state through states where p
// is false, and either ends in a state of R with no successor (for a Stutterer: with no fair
// action enabled), or enters a strongly connected component of R and loops in it forever,
// fairly.
//
// Weak fairness: an infinite path is fair when every fair action that is enabled in all of
// its states from some point on is taken infinitely often. A cycle through every state and
// edge of a component C satisfies it iff every fair action enabled in all states of C is
// taken by an edge inside C; no smaller cycle in C can do better (it has at least the same
// continuously enabled actions and at most the same taken ones).
//
// Strong fairness (StrongFairer): an action enabled infinitely often must be taken
// infinitely often. If some strongly fair action is enabled somewhere in C but never taken
// inside it, no fair cycle may visit the states where it is enabled: they are removed, the
// rest is split into components again, and each is judged the same way (the classic
// refinement for Streett conditions).
//
// The verdict picks the violation nearest to an initial state, breadth-first through R, so
// the stem is shortest and the choice does not depend on the workers.

func (s *search[S, A]) eventuallyVerdict(k int) (Status, *Trace[S]) {
	var bits []uint64
	for j, pk := range s.evProps {
		if pk == k {
			bits = s.eventually[j]
		}
	}
	holds := func(v uint32) bool { return bits[v>>6]>>(v&63)&1 != 0 }
	sc := s.liveScratch()
	order := s.reachWhileFalse(holds, sc)
	defer sc.reset(order)
	if len(order) == 0 {
		return Holds, nil
	}

	finder := sc.finder
	comps := s.fairComponents(sc, finder.groups(order, func(v uint32) bool { return sc.via[v] != unseen }))
	// The finder leaves its comp array all -1: it maps the fair components' members here.
	compOf := finder.comp
	for c, members := range comps {
		for _, v := range members {
			compOf[v] = int32(c)
		}
	}
	defer func() {
		for _, members := range comps {
			for _, v := range members {
				compOf[v] = -1
			}
		}
	}()
	for _, u := range order {
		if s.ends(u) {
			return Violated, s.lasso(sc.via, u, nil)
		}
		if c := compOf[u]; c >= 0 {
			return Violated, s.lasso(sc.via, u, s.fairCycle(u, comps[c]))
		}
	}
	return Holds, nil
}

// liveScratch is the per-state scratch space of the liveness verdicts, allocated once and
// shared by the Eventually properties one after the other.
type liveScratch struct {
	// via[v] is the state from which the search of R first reached v, viaRoot for an
	// initial state, unseen outside R.
	via    []uint32
	order  []uint32
	finder *sccs
	// mark[v] == gen says v is in the set fairComponents has at hand; each set takes a new
	// generation, so the array is never cleared.
	mark []uint32
	gen  uint32
}

const (
	unseen  = noStateID
	viaRoot = noStateID - 1
)

func (s *search[S, A]) liveScratch() *liveScratch {
	if s.live == nil {
		n := s.parent.len()
		sc := &liveScratch{via: make([]uint32, n), order: make([]uint32, 0, n), finder: newSCCs(&s.edges, n),
			mark: make([]uint32, n)}
		for i := range sc.via {
			sc.via[i] = unseen
		}
		s.live = sc
	}
	return s.live
}

// reset clears what a verdict wrote: via, for the states of R.
func (sc *liveScratch) reset(order []uint32) {
	for _, v := range order {
		sc.via[v] = unseen
	}
	sc.order = order[:0]
}

// reachWhileFalse is the breadth-first search of R: the states reachable from an initial
// state through states where holds is false, in the order found, with sc.via marking them.
func (s *search[S, A]) reachWhileFalse(holds func(uint32) bool, sc *liveScratch) []uint32 {
	es := &s.edges
	via, order := sc.via, sc.order[:0]
	for id := uint32(0); id < s.levels[1]; id++ {
		if !holds(id) && via[id] == unseen {
			via[id] = viaRoot
			order = append(order, id)
		}
	}
	for q := 0; q < len(order); q++ {
		u := order[q]
		lo, hi := es.out(u)
		for e := lo; e < hi; e++ {
			v := es.to.at(e)
			if via[v] == unseen && !holds(v) {
				via[v] = u
				order = append(order, v)
			}
		}
	}
	return order
}

// sccs finds strongly connected components of subgraphs of the kept graph. Its arrays are
// sized for the whole graph once and reset only where a search wrote, so that the many
// small searches of the strong-fairness refinement cost what they visit, not the graph.
type sccs struct {
	es    *edgeStore
	index []int32
	// comp[v] is v's component once tarjan has closed it (trivial for one without a
	// cycle); -1 before. A visited state whose comp is still -1 is on the stack.
	comp []int32
	// tarjan's stacks, kept for the next search.
	stack []uint32
	call  []frame
}

// frame is a state tarjan is visiting: how many of its edges it has been through, and its
// lowlink, the smallest index it reaches of a state still on the stack. Only the states on
// the call stack need a lowlink, so it lives here rather than in an array over the states.
type frame struct {
	v, done uint32
	low     int32
}

// trivial is the component of a state that lies on no cycle of the subgraph.
const trivial = -2

func newSCCs(es *edgeStore, n int) *sccs {
	c := &sccs{es: es, index: make([]int32, n), comp: make([]int32, n)}
	for i := range c.index {
		c.index[i], c.comp[i] = -1, -1
	}
	return c
}

// groups splits the states of order that satisfy in into strongly connected components,
// each listed in the order of order, the components by their first member. It leaves out
// the trivial ones, single states without a loop: no cycle goes through them. Every state
// for which in holds must be in order: that is how groups finds what to reset.
func (c *sccs) groups(order []uint32, in func(uint32) bool) [][]uint32 {
	c.tarjan(order, in)
	index := map[int32]int{}
	var groups [][]uint32
	for _, v := range order {
		if !in(v) || c.comp[v] == trivial {
			continue
		}
		g, ok := index[c.comp[v]]
		if !ok {
			g = len(groups)
			index[c.comp[v]] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], v)
	}
	for _, v := range order {
		if in(v) {
			c.index[v], c.comp[v] = -1, -1
		}
	}
	return groups
}

// fairComponents keeps, from the given components, the parts that hold a fair cycle. A
// component where a strongly fair action is enabled but never taken is refined: the states
// where it is enabled go, and what is left is split and judged again.
func (s *search[S, A]) fairComponents(sc *liveScratch, groups [][]uint32) [][]uint32 {
	var out [][]uint32
	mark := sc.mark
	for len(groups) > 0 {
		members := groups[0]
		groups = groups[1:]
		inGen := sc.next()
		for _, v := range members {
			mark[v] = inGen
		}
		cl := s.componentLabels(members, func(v uint32) bool { return mark[v] == inGen })
		if !cl.cyclic || !cl.weaklyFair() {
			continue // no cycle in here, nor in any part of it, is weakly fair
		}
		banned := cl.banned()
		if len(banned) == 0 {
			out = append(out, members)
			continue
		}
		// Drop the states where a banned action is enabled and judge what is left.
		keepGen := sc.next()
		rest := s.withoutEnabled(members, banned)
		for _, u := range rest {
			mark[u] = keepGen
		}
		if len(rest) > 0 {
			groups = append(groups, sc.finder.groups(rest, func(v uint32) bool { return mark[v] == keepGen })...)
		}
	}
	return out
}

// next starts a new generation of mark, clearing the array when the counter wraps.
func (sc *liveScratch) next() uint32 {
	sc.gen++
	if sc.gen == 0 {
		clear(sc.mark)
		sc.gen = 1
	}
	return sc.gen
}

// labelTally is componentLabels' count of the members that enable each label, over the
// labels, kept between calls and cleared where used.
type labelTally struct {
	seen, count, used []uint32
}

// componentLabels is what the edges leaving a component say about its fairness.
type componentLabels struct {
	cyclic   bool            // some edge stays inside
	internal map[uint32]bool // labels of the edges that stay inside
	common   map[uint32]bool // fair labels enabled in every member
	strong   map[uint32]bool // strongly fair labels enabled in some member
}

// componentLabels reads the edges leaving members; in says which states are members.
func (s *search[S, A]) componentLabels(members []uint32, in func(uint32) bool) componentLabels {
	es := &s.edges
	cl := componentLabels{internal: map[uint32]bool{}, common: map[uint32]bool{}, strong: map[uint32]bool{}}
	// A fair label is common when as many members enable it as there are members: seen[l]
	// is 1 + the last member that counted l, so that a member counts it once.
	tally := &s.tally
	if n := len(s.labels.names); len(tally.seen) < n {
		tally.seen, tally.count = make([]uint32, n), make([]uint32, n)
	}
	used := tally.used[:0]
	for i, u := range members {
		lo, hi := es.out(u)
		for e := lo; e < hi; e++ {
			l := es.label.at(e)
			if s.labels.fair[l] && tally.seen[l] != uint32(i+1) {
				if tally.seen[l] == 0 {
					used = append(used, l)
				}
				tally.seen[l] = uint32(i + 1)
				tally.count[l]++
				if s.labels.strong[l] {
					cl.strong[l] = true
				}
			}
			if in(es.to.at(e)) {
				cl.cyclic = true
				cl.internal[l] = true
			}
		}
	}
	for _, l := range used {
		if tally.count[l] == uint32(len(members)) {
			cl.common[l] = true
		}
		tally.seen[l], tally.count[l] = 0, 0
	}
	tally.used = used
	return cl
}

// weaklyFair reports whether every fair action enabled throughout the component is taken
// inside it, that is whether the cycle through all its states and edges is weakly fair.
func (cl *componentLabels) weaklyFair() bool {
	for l := range cl.common {
		if !cl.internal[l] {
			return false
		}
	}
	return true
}

// banned returns the strongly fair actions enabled somewhere in the component but never
// taken inside it: a fair cycle must avoid the states where they are enabled.
func (cl *componentLabels) banned() map[uint32]bool {
	banned := map[uint32]bool{}
	for l := range cl.strong {
		if !cl.internal[l] {
			banned[l] = true
		}
	}
	return banned
}

// withoutEnabled returns the members where no banned action is enabled, in order.
func (s *search[S, A]) withoutEnabled(members []uint32, banned map[uint32]bool) []uint32 {
	es := &s.edges
	var rest []uint32
	for _, u := range members {
		ok := true
		lo, hi := es.out(u)
		for e := lo; e < hi && ok; e++ {
			ok = !banned[es.label.at(e)]
		}
		if ok {
			rest = append(rest, u)
		}
	}
	return rest
}

// tarjan labels the strongly connected components of the subgraph induced by in, visiting
// roots in the given order. It is iterative: components can be as large as the graph.
func (c *sccs) tarjan(order []uint32, in func(uint32) bool) {
	es := c.es
	index, comp := c.index, c.comp
	stack, call := c.stack[:0], c.call[:0]
	defer func() { c.stack, c.call = stack[:0], call[:0] }()
	var next, ncomp int32
	for _, root := range order {
		if !in(root) || index[root] >= 0 {
			continue
		}
		index[root] = next
		stack = append(stack, root)
		call = append(call, frame{v: root, low: next})
		next++
		for len(call) > 0 {
			f := &call[len(call)-1]
			v := f.v
			lo, hi := es.out(v)
			pushed := false
			for e := lo + int(f.done); e < hi; e++ {
				w := es.to.at(e)
				f.done++
				if !in(w) {
					continue
				}
				if index[w] < 0 {
					index[w] = next
					stack = append(stack, w)
					call = append(call, frame{v: w, low: next})
					next++
					pushed = true
					break
				}
				if comp[w] == -1 && index[w] < f.low { // w is on the stack
					f.low = index[w]
				}
			}
			if pushed {
				continue
			}
			low := f.low
			if low == index[v] {
				if stack[len(stack)-1] == v && !c.selfLoop(v) {
					stack = stack[:len(stack)-1]
					comp[v] = trivial
				} else {
					for {
						w := stack[len(stack)-1]
						stack = stack[:len(stack)-1]
						comp[w] = ncomp
						if w == v {
							break
						}
					}
					ncomp++
				}
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := &call[len(call)-1]
				p.low = min(p.low, low)
			}
		}
	}
}

// selfLoop reports whether v has a transition to itself.
func (c *sccs) selfLoop(v uint32) bool {
	lo, hi := c.es.out(v)
	for e := lo; e < hi; e++ {
		if c.es.to.at(e) == v {
			return true
		}
	}
	return false
}

// fairCycle builds a fair cycle from u through a fair component, as a list of edges. It
// starts by requiring an edge for every fair action enabled throughout the component, then,
// while the cycle built leaves some action continuously enabled (or, strongly fair, enabled
// somewhere) but untaken, adds a waypoint that fixes it: an edge with that action, or a
// state of the component where it is disabled.
func (s *search[S, A]) fairCycle(u uint32, members []uint32) []int {
	member := make(map[uint32]bool, len(members))
	for _, v := range members {
		member[v] = true
	}
	inC := func(v uint32) bool { return member[v] }
	cl := s.componentLabels(members, inC)
	var wps []waypoint
	for _, l := range s.sortedLabels(cl.common) {
		wps = append(wps, waypoint{label: l, state: -1})
	}
	for range len(s.labels.names) + len(members) + 1 {
		cycle := s.cycleThrough(u, wps, inC)
		missing := s.untakenOn(u, cycle)
		if len(missing) == 0 {
			return cycle
		}
		for _, l := range s.sortedLabels(missing) {
			if wp, ok := s.waypointFor(l, cl.internal, members); ok {
				wps = append(wps, wp)
			}
		}
	}
	panic("checker: no fair cycle found in a component judged fair")
}

// waypoint is a place a fair cycle must pass.
type waypoint struct {
	label uint32 // take an edge with this label
	state int64  // or visit this state (-1: label waypoint)
}

// waypointFor returns the waypoint that makes a cycle take or avoid action l: an edge with
// it when the component has one inside, else the first member where it is disabled. It
// reports false when there is neither.
func (s *search[S, A]) waypointFor(l uint32, internal map[uint32]bool, members []uint32) (waypoint, bool) {
	if internal[l] {
		return waypoint{label: l, state: -1}, true
	}
	for _, v := range members {
		if !s.fairEnabled(v)[l] {
			return waypoint{state: int64(v)}, true
		}
	}
	return waypoint{}, false
}

// cycleThrough joins shortest paths inside the component from u through the waypoints in
// order and back to u, taking at least one step.
func (s *search[S, A]) cycleThrough(u uint32, wps []waypoint, inC func(uint32) bool) []int {
	es := &s.edges
	var cycle []int
	cur := u
	for _, wp := range wps {
		var path []int
		if wp.state >= 0 {
			path = s.pathWithin(cur, inC, func(v uint32) bool { return v == uint32(wp.state) }, -1)
		} else {
			path = s.pathWithin(cur, inC, nil, int64(wp.label))
		}
		cycle = append(cycle, path...)
		if len(path) > 0 {
			cur = es.to.at(path[len(path)-1])
		}
	}
	if cur != u || len(cycle) == 0 {
		back := s.pathWithin(cur, inC, func(v uint32) bool { return v == u }, -1)
		if cur == u { // need at least one step: leave u and come back
			back = s.pathWithin(u, inC, func(v uint32) bool { return v == u }, -2)
		}
		cycle = append(cycle, back...)
	}
	return cycle
}

// untakenOn returns the fair actions that stay enabled all along the cycle from u, and the
// strongly fair ones enabled somewhere on it, that the cycle never takes.
func (s *search[S, A]) untakenOn(u uint32, cycle []int) map[uint32]bool {
	es := &s.edges
	cont := s.fairEnabled(u)
	some := s.fairEnabled(u)
	taken := map[uint32]bool{}
	for _, e := range cycle {
		taken[es.label.at(e)] = true
		here := s.fairEnabled(es.to.at(e))
		for l := range cont {
			if !here[l] {
				delete(cont, l)
			}
		}
		for l := range here {
			some[l] = true
		}
	}
	missing := map[uint32]bool{}
	for l := range cont {
		if !taken[l] {
			missing[l] = true
		}
	}
	for l := range some {
		if s.labels.strong[l] && !taken[l] {
			missing[l] = true // the component has an edge for it: it was refined so
		}
	}
	return missing
}

// ends reports whether a run may end in state v: v has no successor or, for a Stutterer,
// no fair action is enabled there, so staying in v for ever takes nothing fairness forces.
func (s *search[S, A]) ends(v uint32) bool {
	es := &s.edges
	lo, hi := es.out(v)
	if lo == hi {
		return true
	}
	if !s.stutter {
		return false
	}
	for e := lo; e < hi; e++ {
		if s.labels.fair[es.label.at(e)] {
			return false
		}
	}
	return true
}

// fairEnabled returns the fair actions enabled in state v.
func (s *search[S, A]) fairEnabled(v uint32) map[uint32]bool {
	es := &s.edges
	m := map[uint32]bool{}
	lo, hi := es.out(v)
	for e := lo; e < hi; e++ {
		if l := es.label.at(e); s.labels.fair[l] {
			m[l] = true
		}
	}
	return m
}

// sortedLabels orders label ids by their text, so choices do not depend on interning order.
func (s *search[S, A]) sortedLabels(set map[uint32]bool) []uint32 {
	ls := make([]uint32, 0, len(set))
	for l := range set {
		ls = append(ls, l)
	}
	slices.SortFunc(ls, func(a, b uint32) int { return strings.Compare(s.labels.names[a], s.labels.names[b]) })
	return ls
}

// pathWithin is a breadth-first shortest path from src, staying inside the component. It
// ends at the first state where goal holds (label < 0), or, for label >= 0, with the first
// edge carrying that label. label == -2 with goal asks for a non-empty path back to goal.
func (s *search[S, A]) pathWithin(src uint32, in func(uint32) bool, goal func(uint32) bool, label int64) []int {
	es := &s.edges
	via := map[uint32]int{src: -1}
	from := map[int]uint32{}
	queue := []uint32{src}
	build := func(last uint32, tail []int) []int {
		var path []int
		for v := last; via[v] >= 0; v = from[via[v]] {
			path = append(path, via[v])
		}
		slices.Reverse(path)
		return append(path, tail...)
	}
	for q := 0; q < len(queue); q++ {
		u := queue[q]
		if label == -1 && goal(u) {
			return build(u, nil)
		}
		lo, hi := es.out(u)
		for e := lo; e < hi; e++ {
			v := es.to.at(e)
			if !in(v) {
				continue
			}
			if label >= 0 && int64(es.label.at(e)) == label {
				return build(u, []int{e})
			}
			if label == -2 && goal(v) {
				return build(u, []int{e})
			}
			if _, seen := via[v]; !seen {
				via[v] = e
				from[e] = u
				queue = append(queue, v)
			}
		}
	}
	panic("checker: no path inside a strongly connected component")
}

// lasso rebuilds the trace: the breadth-first stem through R to u, then the cycle.
func (s *search[S, A]) lasso(via []uint32, u uint32, cycle []int) *Trace[S] {
	var edges []int
	v := u
	for via[v] != viaRoot {
		p := via[v]
		edges = append(edges, s.firstEdge(p, v))
		v = p
	}
	slices.Reverse(edges)
	stem := len(edges)
	edges = append(edges, cycle...)
	tr := s.replay(v, s.stepsOf(v, edges))
	if cycle != nil {
		tr.Loop = stem
	}
	return tr
}

// firstEdge is the first transition from u to v: the one the search of R took.
func (s *search[S, A]) firstEdge(u, v uint32) int {
	lo, hi := s.edges.out(u)
	for e := lo; e < hi; e++ {
		if s.edges.to.at(e) == v {
			return e
		}
	}
	panic("checker: no edge along a path of the search")
}

// stepsOf turns a path of transitions from root into action indexes. The store keeps a
// state's transitions in action order, all of them (a verdict is given only after a
// complete search), so the transition at position k of its row is the k-th action whose
// Next succeeds.
func (s *search[S, A]) stepsOf(root uint32, edges []int) []int {
	es := &s.edges
	st := s.m.Init()[s.action.at(root)]
	cur := root
	steps := make([]int, len(edges))
	var acts []A
	for n, e := range edges {
		lo, _ := es.out(cur)
		k := e - lo
		acts = s.m.Actions(st, acts[:0])
		steps[n] = -1
		for i, a := range acts {
			nx, ok := s.m.Next(st, a)
			if !ok {
				continue
			}
			if k == 0 {
				steps[n], st = i, nx
				break
			}
			k--
		}
		if steps[n] < 0 {
			panic(fmt.Sprintf("checker: replaying step %d: transition %d of state %d is gone: the model is not deterministic", n, e-lo, cur))
		}
		cur = es.to.at(e)
	}
	return steps
}
