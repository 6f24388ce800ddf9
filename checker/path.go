package checker

import "fmt"

// Traces are stored as action indexes and rebuilt by replaying them through the model, so a
// search keeps 6 bytes per state for paths instead of the states themselves.

// pathTo is the breadth-first tree path from an initial state to id: a shortest path.
func (s *search[S, A]) pathTo(id uint32) *Trace[S] {
	return s.pathThrough(id, -1)
}

// pathThrough is pathTo(id) followed by id's action act (none when act < 0): the shortest
// path whose last step is that one.
func (s *search[S, A]) pathThrough(id uint32, act int) *Trace[S] {
	var steps []int
	if act >= 0 {
		steps = append(steps, act)
	}
	cur := id
	for s.parent.at(cur) != noStateID {
		steps = append(steps, int(s.action.at(cur)))
		cur = s.parent.at(cur)
	}
	for i, j := 0, len(steps)-1; i < j; i, j = i+1, j-1 {
		steps[i], steps[j] = steps[j], steps[i]
	}
	return s.replay(cur, steps)
}

// replay rebuilds the trace that starts at initial state root and takes the given action
// indexes.
func (s *search[S, A]) replay(root uint32, steps []int) *Trace[S] {
	return replay(s.m, int(s.action.at(root)), steps)
}

func replay[S, A any](m Model[S, A], init int, steps []int) *Trace[S] {
	st := m.Init()[init]
	tr := &Trace[S]{States: []S{st}, Loop: -1}
	var acts []A
	for n, i := range steps {
		acts = m.Actions(st, acts[:0])
		if i >= len(acts) {
			panic(fmt.Sprintf("checker: replaying step %d: action %d of %d: the model is not deterministic", n, i, len(acts)))
		}
		nx, ok := m.Next(st, acts[i])
		if !ok {
			panic(fmt.Sprintf("checker: replaying step %d: action %d no longer leads anywhere: the model is not deterministic", n, i))
		}
		tr.Steps = append(tr.Steps, Step{Action: m.Label(st, acts[i]), Index: i})
		tr.States = append(tr.States, nx)
		st = nx
	}
	return tr
}
