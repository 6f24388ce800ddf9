package checker_test

// A naive reference for the engine: a plain sequential breadth-first search with a map keyed
// by Encode bytes, plus a brute-force liveness judge. It is slow and obviously correct, so the
// engine's answers can be compared with it on small models.

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/tcpverify/tcpverify/checker"
)

// refEdge is one transition of the reference graph: an action with Next ok=true.
type refEdge struct {
	to    int    // target state id
	index int    // position of the action in Actions(source)
	label string // Label(source, action)
	fair  bool   // Fair(source, action)
}

// refSpace is the reachable graph in canonical breadth-first order: initial states in Init
// order (duplicates merged), then each state's new successors in action order. Ids are
// positions in that order.
type refSpace[S, A any] struct {
	m       checker.Model[S, A]
	states  []S
	keys    []string
	ids     map[string]int
	depth   []int
	parent  []int     // breadth-first tree: the first state that reached this one; -1 if initial
	via     []refEdge // the edge from parent that first reached this state
	out     [][]refEdge
	initial []int

	transitions uint64
	maxDepth    int
	// stutter: the model is a Stutterer whose runs may end where nothing fair is enabled.
	stutter bool
}

// refExplore explores m completely, or up to maxDepth when maxDepth > 0 (states at maxDepth
// are kept but not expanded, like Config.MaxDepth). It panics past limit states, so a test
// on an infinite model fails instead of hanging.
func refExplore[S, A any](m checker.Model[S, A], maxDepth, limit int) *refSpace[S, A] {
	r := &refSpace[S, A]{m: m, ids: map[string]int{}}
	if st, ok := any(m).(checker.Stutterer); ok {
		r.stutter = st.Stutters()
	}
	add := func(s S, d, parent int, via refEdge) int {
		k := string(m.Encode(nil, s))
		if id, ok := r.ids[k]; ok {
			return id
		}
		if len(r.states) == limit {
			panic(fmt.Sprintf("reference: more than %d states", limit))
		}
		id := len(r.states)
		r.ids[k] = id
		r.states = append(r.states, s)
		r.keys = append(r.keys, k)
		r.depth = append(r.depth, d)
		r.parent = append(r.parent, parent)
		r.via = append(r.via, via)
		r.out = append(r.out, nil)
		r.maxDepth = max(r.maxDepth, d)
		return id
	}
	for _, s := range m.Init() {
		id := add(s, 0, -1, refEdge{})
		if !slices.Contains(r.initial, id) {
			r.initial = append(r.initial, id)
		}
	}
	for id := 0; id < len(r.states); id++ {
		if maxDepth > 0 && r.depth[id] >= maxDepth {
			continue
		}
		s := r.states[id]
		for i, a := range m.Actions(s, nil) {
			next, ok := m.Next(s, a)
			if !ok {
				continue
			}
			e := refEdge{index: i, label: m.Label(s, a), fair: m.Fair(s, a)}
			e.to = add(next, r.depth[id]+1, id, e)
			r.out[id] = append(r.out[id], e)
			r.transitions++
		}
	}
	return r
}

// first returns the first state in breadth-first order where pred holds, or -1. It is also a
// state of least depth among them.
func (r *refSpace[S, A]) first(pred func(id int) bool) int {
	for id := range r.states {
		if pred(id) {
			return id
		}
	}
	return -1
}

// holds returns a predicate on ids.
func (r *refSpace[S, A]) holds(p func(S) bool) func(int) bool {
	return func(id int) bool { return p(r.states[id]) }
}

// deadlocked reports a non-terminal state with no enabled action. Only meaningful for
// expanded states.
func (r *refSpace[S, A]) deadlocked(id int) bool {
	return len(r.out[id]) == 0 && !r.m.Terminal(r.states[id])
}

// treePath is the breadth-first tree path from an initial state to id: a shortest trace, and
// among shortest ones the canonical one (earliest parents, lowest action index).
func (r *refSpace[S, A]) treePath(id int) *checker.Trace[S] {
	var ids []int
	for v := id; v >= 0; v = r.parent[v] {
		ids = append(ids, v)
	}
	slices.Reverse(ids)
	tr := &checker.Trace[S]{Loop: -1}
	for i, v := range ids {
		tr.States = append(tr.States, r.states[v])
		if i > 0 {
			tr.Steps = append(tr.Steps, checker.Step{Action: r.via[v].label, Index: r.via[v].index})
		}
	}
	return tr
}

// reach returns the set of ids reachable from the ids in from (included) by edges whose both
// ends satisfy keep.
func (r *refSpace[S, A]) reach(from []int, keep func(int) bool) []bool {
	seen := make([]bool, len(r.states))
	var stack []int
	for _, v := range from {
		if keep(v) && !seen[v] {
			seen[v] = true
			stack = append(stack, v)
		}
	}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, e := range r.out[v] {
			if keep(e.to) && !seen[e.to] {
				seen[e.to] = true
				stack = append(stack, e.to)
			}
		}
	}
	return seen
}

// fairEnabled is the set of labels of fair actions enabled in id.
func (r *refSpace[S, A]) fairEnabled(id int) map[string]bool {
	set := map[string]bool{}
	for _, e := range r.out[id] {
		if e.fair {
			set[e.label] = true
		}
	}
	return set
}

// eventuallyViolated is the brute-force liveness judge of a complete space. Eventually(p) fails
// iff, among the states reachable from an initial state through ¬p states only, one has no
// enabled action at all, or some strongly connected component with an internal edge is
// weakly fair: every label that is fair and enabled in all of its states labels one of its
// internal edges. (Weak fairness is monotone: a sub-cycle has at least the same labels
// enabled everywhere and at most the same labels taken, so a component with no fair closed
// walk covering it all has no fair cycle at all.) Components are found naively: u and v share
// one iff each reaches the other.
func (r *refSpace[S, A]) eventuallyViolated(p func(S) bool) bool {
	notP := func(id int) bool { return !p(r.states[id]) }
	live := r.reach(r.initial, notP)
	inside := func(id int) bool { return live[id] }
	for id, ok := range live {
		if ok && r.ends(id) {
			return true
		}
	}
	reachFrom := make([][]bool, len(r.states))
	for id, ok := range live {
		if ok {
			reachFrom[id] = r.reach([]int{id}, inside)
		}
	}
	sameSCC := func(u, v int) bool { return reachFrom[u][v] && reachFrom[v][u] }
	done := make([]bool, len(r.states))
	for root, ok := range live {
		if !ok || done[root] {
			continue
		}
		var comp []int
		for v, ok := range live {
			if ok && sameSCC(root, v) {
				comp = append(comp, v)
				done[v] = true
			}
		}
		taken := map[string]bool{}
		internal := false
		for _, v := range comp {
			for _, e := range r.out[v] {
				if live[e.to] && sameSCC(root, e.to) {
					internal = true
					taken[e.label] = true
				}
			}
		}
		if !internal {
			continue
		}
		if fairCycle(r.fairEnabledEverywhere(comp), taken) {
			return true
		}
	}
	return false
}

// eventuallyViolatedFast is eventuallyViolated with components found by Kosaraju's two
// passes instead of pairwise reachability, for graphs too big for the naive judge. A rapid
// test checks the two agree.
func (r *refSpace[S, A]) eventuallyViolatedFast(p func(S) bool) bool {
	notP := func(id int) bool { return !p(r.states[id]) }
	live := r.reach(r.initial, notP)
	in := make([][]int, len(r.states)) // reversed live edges
	for v, ok := range live {
		if !ok {
			continue
		}
		if r.ends(v) {
			return true
		}
		for _, e := range r.out[v] {
			if live[e.to] {
				in[e.to] = append(in[e.to], v)
			}
		}
	}
	// Pass 1: live states by finishing time of an iterative depth-first search.
	var order []int
	seen := make([]bool, len(r.states))
	type frame struct{ v, next int }
	for root, ok := range live {
		if !ok || seen[root] {
			continue
		}
		seen[root] = true
		stack := []frame{{root, 0}}
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.next < len(r.out[f.v]) {
				w := r.out[f.v][f.next].to
				f.next++
				if live[w] && !seen[w] {
					seen[w] = true
					stack = append(stack, frame{w, 0})
				}
				continue
			}
			order = append(order, f.v)
			stack = stack[:len(stack)-1]
		}
	}
	// Pass 2: components on the reversed graph, in reverse finishing order.
	comp := make([]int, len(r.states))
	for i := range comp {
		comp[i] = -1
	}
	var comps [][]int
	for i := len(order) - 1; i >= 0; i-- {
		root := order[i]
		if comp[root] >= 0 {
			continue
		}
		c := len(comps)
		comp[root] = c
		members := []int{root}
		for j := 0; j < len(members); j++ {
			for _, u := range in[members[j]] {
				if comp[u] < 0 {
					comp[u] = c
					members = append(members, u)
				}
			}
		}
		comps = append(comps, members)
	}
	for c, members := range comps {
		taken := map[string]bool{}
		internal := false
		for _, v := range members {
			for _, e := range r.out[v] {
				if live[e.to] && comp[e.to] == c {
					internal = true
					taken[e.label] = true
				}
			}
		}
		if internal && fairCycle(r.fairEnabledEverywhere(members), taken) {
			return true
		}
	}
	return false
}

// fairEnabledEverywhere is the set of labels fair and enabled in every state of ids.
func (r *refSpace[S, A]) fairEnabledEverywhere(ids []int) map[string]bool {
	var all map[string]bool
	for _, v := range ids {
		here := r.fairEnabled(v)
		if all == nil {
			all = here
			continue
		}
		for l := range all {
			if !here[l] {
				delete(all, l)
			}
		}
	}
	return all
}

func fairCycle(enabledEverywhere, taken map[string]bool) bool {
	for l := range enabledEverywhere {
		if !taken[l] {
			return false
		}
	}
	return true
}

// distWithin is the length of a shortest path from an initial state to each state through
// states satisfying keep only (-1: none).
func (r *refSpace[S, A]) distWithin(keep func(int) bool) []int {
	dist := make([]int, len(r.states))
	for i := range dist {
		dist[i] = -1
	}
	var queue []int
	for _, v := range r.initial {
		if keep(v) && dist[v] < 0 {
			dist[v] = 0
			queue = append(queue, v)
		}
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, e := range r.out[v] {
			if keep(e.to) && dist[e.to] < 0 {
				dist[e.to] = dist[v] + 1
				queue = append(queue, e.to)
			}
		}
	}
	return dist
}

// replay checks that tr is a path of m: States[0] is an initial state, and each step's Index
// names an action of its source state whose label is Step.Action and whose Next (ok) is the
// next state. Steps[i] always leads from States[i] to States[i+1]; a lasso's last state
// repeats States[Loop], so its cycle is States[Loop:len-1].
func replay[S, A any](m checker.Model[S, A], tr *checker.Trace[S]) error {
	if tr == nil {
		return fmt.Errorf("nil trace")
	}
	if len(tr.States) == 0 {
		return fmt.Errorf("trace has no states")
	}
	if len(tr.Steps) != len(tr.States)-1 {
		return fmt.Errorf("trace has %d steps for %d states", len(tr.Steps), len(tr.States))
	}
	if tr.Loop < -1 || tr.Loop >= len(tr.States)-1 {
		return fmt.Errorf("loop = %d, want -1 or the index of a state before the last of %d", tr.Loop, len(tr.States))
	}
	if tr.Loop >= 0 && !bytes.Equal(m.Encode(nil, tr.States[tr.Loop]), m.Encode(nil, tr.States[len(tr.States)-1])) {
		return fmt.Errorf("lasso ends in %v, not in States[%d] = %v", tr.States[len(tr.States)-1], tr.Loop, tr.States[tr.Loop])
	}
	enc := func(s S) []byte { return m.Encode(nil, s) }
	isInit := false
	for _, s := range m.Init() {
		if bytes.Equal(enc(s), enc(tr.States[0])) {
			isInit = true
		}
	}
	if !isInit {
		return fmt.Errorf("trace starts in %v, not an initial state", tr.States[0])
	}
	for i, st := range tr.Steps {
		from, to := tr.States[i], tr.States[i+1]
		acts := m.Actions(from, nil)
		if st.Index < 0 || st.Index >= len(acts) {
			return fmt.Errorf("step %d: index %d out of %d actions of %v", i, st.Index, len(acts), from)
		}
		a := acts[st.Index]
		if got := m.Label(from, a); got != st.Action {
			return fmt.Errorf("step %d: action %d of %v is labelled %q, trace says %q", i, st.Index, from, got, st.Action)
		}
		next, ok := m.Next(from, a)
		if !ok {
			return fmt.Errorf("step %d: action %q from %v is not enabled", i, st.Action, from)
		}
		if !bytes.Equal(enc(next), enc(to)) {
			return fmt.Errorf("step %d: action %q from %v leads to %v, trace says %v", i, st.Action, from, next, to)
		}
	}
	return nil
}

// checkLasso checks what a lasso for Eventually(p) must be beyond a valid path: every state
// fails p, and the cycle States[Loop:len-1] is weakly fair — every label fair and enabled in all
// of its states is taken by one of its steps. It also checks the stem is a shortest path
// through ¬p states to States[Loop] (dist from distWithin over ¬p).
func checkLasso[S, A any](r *refSpace[S, A], p func(S) bool, tr *checker.Trace[S]) error {
	if err := replay(r.m, tr); err != nil {
		return err
	}
	if tr.Loop < 0 {
		return fmt.Errorf("not a lasso")
	}
	if err := allFail(p, tr); err != nil {
		return err
	}
	var cycle []int
	for _, s := range tr.States[tr.Loop : len(tr.States)-1] {
		cycle = append(cycle, r.ids[string(r.m.Encode(nil, s))])
	}
	taken := map[string]bool{}
	for _, st := range tr.Steps[tr.Loop:] {
		taken[st.Action] = true
	}
	for l := range r.fairEnabledEverywhere(cycle) {
		if !taken[l] {
			return fmt.Errorf("cycle from state %d is unfair: fair action %q is enabled in all of its states and never taken", tr.Loop, l)
		}
	}
	dist := r.distWithin(func(id int) bool { return !p(r.states[id]) })
	if d := dist[cycle[0]]; d != tr.Loop {
		return fmt.Errorf("stem has %d steps, a shortest path through ¬p states to %v has %d", tr.Loop, tr.States[tr.Loop], d)
	}
	return nil
}

// ends reports whether a run may end in state id: nothing is enabled there, or the model
// stutters and no fair action is enabled.
func (r *refSpace[S, A]) ends(id int) bool {
	return len(r.out[id]) == 0 || (r.stutter && len(r.fairEnabled(id)) == 0)
}

// checkDeadEnd checks a finite counterexample to Eventually(p): a valid path whose states all
// fail p, ending in a state where a run may end (see ends).
func checkDeadEnd[S, A any](r *refSpace[S, A], p func(S) bool, tr *checker.Trace[S]) error {
	if err := replay(r.m, tr); err != nil {
		return err
	}
	if err := allFail(p, tr); err != nil {
		return err
	}
	last := tr.States[len(tr.States)-1]
	if id := r.ids[string(r.m.Encode(nil, last))]; !r.ends(id) {
		return fmt.Errorf("finite trace ends in %v, which has %d enabled actions", last, len(r.out[id]))
	}
	return nil
}

func allFail[S any](p func(S) bool, tr *checker.Trace[S]) error {
	for i, s := range tr.States {
		if p(s) {
			return fmt.Errorf("state %d (%v) of the counterexample satisfies the predicate", i, s)
		}
	}
	return nil
}
