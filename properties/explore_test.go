package properties_test

import (
	"github.com/tcpverify/tcpverify/fsm"

	"testing"
)

// explore is a small breadth-first search over a System, for tests only: it does not
// depend on the checker engine. It returns the number of distinct states and, if find is
// set, a shortest path (as action labels) to a state satisfying it.
func explore(t testing.TB, sys fsm.System, limit int, find func(fsm.SysState) bool) (int, []string, bool) {
	t.Helper()
	type node struct {
		s      fsm.SysState
		parent int
		label  string
	}
	seen := map[string]int{}
	var nodes []node
	for _, s := range sys.Init() {
		seen[string(sys.Encode(nil, s))] = len(nodes)
		nodes = append(nodes, node{s: s, parent: -1})
	}
	var acts []fsm.Action
	for i := 0; i < len(nodes); i++ {
		s := nodes[i].s
		if find != nil && find(s) {
			var path []string
			for j := i; nodes[j].parent >= 0; j = nodes[j].parent {
				path = append([]string{nodes[j].label}, path...)
			}
			return len(nodes), path, true
		}
		acts = sys.Actions(s, acts[:0])
		for _, a := range acts {
			next, ok := sys.Next(s, a)
			if !ok {
				continue // a candidate that is not enabled (fsm.System.Actions)
			}
			key := string(sys.Encode(nil, next))
			if _, dup := seen[key]; dup {
				continue
			}
			seen[key] = len(nodes)
			nodes = append(nodes, node{s: next, parent: i, label: sys.Story(s, a)})
			if limit > 0 && len(nodes) >= limit {
				return len(nodes), nil, false
			}
		}
	}
	return len(nodes), nil, false
}
