package checker_test

// Property tests: the engine against the naive reference on random digraphs.

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync/atomic"
	"testing"

	"github.com/tcpverify/tcpverify/checker"
	"pgregory.net/rapid"
)

const maxRandomNodes = 200

func TestEngineAgreesWithReferenceOnRandomGraphs(t *testing.T) {
	var holds, lasso, deadEnd atomic.Int64
	rapid.Check(t, func(t *rapid.T) {
		g, _ := drawDigraph(t, maxRandomNodes)
		ref := refExplore(g, 0, 1<<16)
		res, err := mustRun(g, checker.Config{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := checkAgainstReference(ref, res); err != nil {
			t.Fatalf("%v\nmodel: %v", err, g)
		}
		for _, v := range res.Verdicts {
			switch {
			case v.Kind != checker.KindEventually:
			case v.Status == checker.Holds:
				holds.Add(1)
			case v.Trace.Loop >= 0:
				lasso.Add(1)
			default:
				deadEnd.Add(1)
			}
		}
	})
	// The generator must exercise every liveness outcome, or the test proves little.
	if holds.Load() == 0 || lasso.Load() == 0 || deadEnd.Load() == 0 {
		t.Errorf("eventually outcomes: %d holds, %d lassos, %d dead ends; want some of each", holds.Load(), lasso.Load(), deadEnd.Load())
	}
	t.Logf("eventually outcomes: %d holds, %d lassos, %d dead ends", holds.Load(), lasso.Load(), deadEnd.Load())
}

func TestResultsDoNotDependOnWorkersVisitedSetOrLayoutOnRandomGraphs(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g, _ := drawDigraph(t, maxRandomNodes)
		var first *checker.Result[vertex]
		for _, m := range []checker.Model[vertex, int]{g, fixedDigraph{g}} {
			for _, cfg := range configs(checker.Config{}) {
				res, err := mustRun(m, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if first == nil {
					first = res
					continue
				}
				if d := sameOutcome(first, res); d != "" {
					t.Fatalf("workers 1, exact versus %T, workers %d, %v:\n%s\nmodel: %v", m, cfg.Workers, cfg.Visited, d, g)
				}
			}
		}
	})
}

func TestStateLimitKeepsTheFirstStatesInBreadthFirstOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g, sets := drawDigraph(t, maxRandomNodes)
		ref := refExplore(g, 0, 1<<16)
		total := len(ref.states)
		limit := rapid.IntRange(1, total+2).Draw(t, "limit")
		var first *checker.Result[vertex]
		for _, cfg := range configs(checker.Config{MaxStates: uint64(limit), Graph: true}) {
			res, err := mustRun(g, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if first != nil {
				if d := sameOutcome(first, res); d != "" {
					t.Fatalf("limit %d, workers 1, exact versus workers %d, %v:\n%s\nmodel: %v", limit, cfg.Workers, cfg.Visited, d, g)
				}
				continue
			}
			first = res
			kept := min(limit, total)
			if res.States != uint64(kept) {
				t.Fatalf("limit %d on %d states: kept %d", limit, total, res.States)
			}
			switch {
			case limit < total && (res.Complete || !errors.Is(res.Stop, checker.ErrStateLimit)):
				t.Fatalf("limit %d on %d states: complete = %v, stop = %v; want a state limit", limit, total, res.Complete, res.Stop)
			case limit > total && !res.Complete:
				t.Fatalf("limit %d on %d states: stopped with %v", limit, total, res.Stop)
			case !res.Complete && !errors.Is(res.Stop, checker.ErrStateLimit):
				t.Fatalf("limit %d on %d states: stopped with %v", limit, total, res.Stop)
			}
			// Every kept state is judged, so its transitions count, even those leading to
			// states the limit dropped.
			if want := outDegree(ref, func(id int) bool { return id < kept }); res.Transitions != want {
				t.Fatalf("limit %d on %d states: %d transitions, want %d (out of the kept states)", limit, total, res.Transitions, want)
			}
			if res.Graph == nil || len(res.Graph.Nodes) != kept {
				t.Fatalf("limit %d: graph %+v, want %d nodes", limit, res.Graph, kept)
			}
			for i, n := range res.Graph.Nodes {
				if want := fmt.Sprint(ref.states[i]); n.Label != want {
					t.Fatalf("limit %d: node %d is %q, want %q (breadth-first order)", limit, i, n.Label, want)
				}
			}
			// A violation among the kept states is reported, with the same trace as in a full run.
			bad := func(id int) bool { return sets.bad.has(ref.states[id]) }
			v := res.Verdicts[0]
			if id := ref.first(bad); id >= 0 && id < kept {
				if v.Status != checker.Violated {
					t.Fatalf("limit %d: always is %s, but kept state %v violates it", limit, v.Status, ref.states[id])
				}
				if err := checkTraceTo(ref, v.Trace, bad, id); err != nil {
					t.Fatalf("limit %d: %v", limit, err)
				}
			} else if v.Status == checker.Violated {
				t.Fatalf("limit %d: always is violated but no kept state violates it", limit)
			}
			if res.Complete {
				// A bound that cut nothing changes nothing.
				plain, err := mustRun(g, checker.Config{Workers: 1, Graph: true})
				if err != nil {
					t.Fatal(err)
				}
				if diff := sameOutcome(plain, res); diff != "" {
					t.Fatalf("limit %d, complete, differs from an unbounded run:\n%s\nmodel: %v", limit, diff, g)
				}
			} else {
				for _, v := range res.Verdicts {
					if v.Kind == checker.KindEventually && v.Status != checker.Unknown {
						t.Fatalf("limit %d: incomplete run judges %q %s", limit, v.Name, v.Status)
					}
					if v.Kind == checker.KindSometimes && v.Status == checker.Violated {
						t.Fatalf("limit %d: incomplete run says sometimes %q is violated", limit, v.Name)
					}
				}
			}
		}
	})
}

func TestDepthLimitExploresExactlyTheShallowStates(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g, sets := drawDigraph(t, maxRandomNodes)
		full := refExplore(g, 0, 1<<16)
		d := rapid.IntRange(1, full.maxDepth+2).Draw(t, "max depth")
		ref := refExplore(g, d, 1<<16)
		var first *checker.Result[vertex]
		for _, cfg := range configs(checker.Config{MaxDepth: d}) {
			res, err := mustRun(g, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if first != nil {
				if diff := sameOutcome(first, res); diff != "" {
					t.Fatalf("max depth %d, workers 1, exact versus workers %d, %v:\n%s\nmodel: %v", d, cfg.Workers, cfg.Visited, diff, g)
				}
				continue
			}
			first = res
			// States at depth d are judged (for deadlocks, and to know whether anything lies
			// deeper), so their transitions count too, even those leading deeper.
			transitions := outDegree(full, func(id int) bool { return full.depth[id] <= d })
			if res.States != uint64(len(ref.states)) || res.MaxDepth != ref.maxDepth || res.Transitions != transitions {
				t.Fatalf("max depth %d: got %d states, depth %d, %d transitions; reference: %d, %d, %d\nmodel: %v",
					d, res.States, res.MaxDepth, res.Transitions, len(ref.states), ref.maxDepth, transitions, g)
			}
			// Unexplored states remain iff some state is deeper than d.
			switch {
			case full.maxDepth > d && (res.Complete || !errors.Is(res.Stop, checker.ErrDepthLimit)):
				t.Fatalf("max depth %d, states to depth %d: complete = %v, stop = %v; want a depth limit", d, full.maxDepth, res.Complete, res.Stop)
			case full.maxDepth <= d && !res.Complete:
				t.Fatalf("max depth %d, states to depth %d: stopped with %v", d, full.maxDepth, res.Stop)
			}
			if res.Complete {
				// A bound that cut nothing changes nothing.
				plain, err := mustRun(g, checker.Config{Workers: 1})
				if err != nil {
					t.Fatal(err)
				}
				if diff := sameOutcome(plain, res); diff != "" {
					t.Fatalf("max depth %d, complete, differs from an unbounded run:\n%s\nmodel: %v", d, diff, g)
				}
			} else {
				for _, v := range res.Verdicts {
					if v.Kind == checker.KindEventually && v.Status != checker.Unknown {
						t.Fatalf("max depth %d: incomplete run judges %q %s", d, v.Name, v.Status)
					}
				}
			}
			bad := func(id int) bool { return sets.bad.has(ref.states[id]) }
			v := res.Verdicts[0]
			if id := ref.first(bad); id >= 0 {
				if v.Status != checker.Violated {
					t.Fatalf("max depth %d: always is %s, but %v violates it at depth %d", d, v.Status, ref.states[id], ref.depth[id])
				}
				if err := checkTraceTo(ref, v.Trace, bad, id); err != nil {
					t.Fatalf("max depth %d: %v", d, err)
				}
			} else if v.Status == checker.Violated {
				t.Fatalf("max depth %d: always is violated but no state within depth %d violates it", d, d)
			}
		}
	})
}

func TestGraphEqualsReferenceOnRandomGraphs(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g, sets := drawDigraph(t, maxRandomNodes)
		ref := refExplore(g, 0, 1<<16)
		res, err := mustRun(g, checker.Config{Workers: 2, Graph: true})
		if err != nil {
			t.Fatal(err)
		}
		want := &checker.Graph{}
		for id, s := range ref.states {
			want.Nodes = append(want.Nodes, checker.GraphNode{
				Label:     fmt.Sprint(s),
				States:    1,
				Initial:   ref.depth[id] == 0,
				Terminal:  g.Terminal(s),
				Violating: sets.bad.has(s) || ref.deadlocked(id),
			})
		}
		type key struct {
			from, to int
			label    string
		}
		count := map[key]int{}
		for id, out := range ref.out {
			for _, e := range out {
				count[key{id, e.to, e.label}]++
			}
		}
		for k, c := range count {
			want.Edges = append(want.Edges, checker.GraphEdge{From: k.from, To: k.to, Label: k.label, Count: c})
		}
		sort.Slice(want.Edges, func(i, j int) bool {
			a, b := want.Edges[i], want.Edges[j]
			if a.From != b.From {
				return a.From < b.From
			}
			if a.To != b.To {
				return a.To < b.To
			}
			return a.Label < b.Label
		})
		if res.Graph != nil && len(res.Graph.Edges) == 0 {
			res.Graph.Edges = nil // an empty list equals none
		}
		if !reflect.DeepEqual(want, res.Graph) {
			t.Fatalf("graph:\n got %+v\nwant %+v\nmodel: %v", res.Graph, want, g)
		}
	})
}

// TestReferenceLivenessAgreesWithBruteForceOnTinyGraphs checks the reference's component
// argument against plain enumeration: Eventually(p) fails iff a ¬p-reachable ¬p state has no
// enabled action, or some set of such states is strongly connected by its internal edges
// (at least one) and weakly fair — every label fair and enabled in all of them is taken on
// one of those edges. On at most 8 states every subset can be tried.
func TestReferenceLivenessAgreesWithBruteForceOnTinyGraphs(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g, sets := drawDigraph(t, 8)
		ref := refExplore(g, 0, 1<<16)
		for _, p := range []vertexSet{sets.live1, sets.live2} {
			if got, want := ref.eventuallyViolated(p.has), bruteEventuallyViolated(ref, p.has); got != want {
				t.Fatalf("reference says violated = %v, brute force %v\nmodel: %v\npredicate: %v", got, want, g, p)
			}
		}
	})
}

func bruteEventuallyViolated[S, A any](r *refSpace[S, A], p func(S) bool) bool {
	live := r.reach(r.initial, func(id int) bool { return !p(r.states[id]) })
	var ids []int
	for id, ok := range live {
		if ok {
			if r.ends(id) {
				return true
			}
			ids = append(ids, id)
		}
	}
	for mask := 1; mask < 1<<len(ids); mask++ {
		in := map[int]bool{}
		var sub []int
		for i, id := range ids {
			if mask&(1<<i) != 0 {
				in[id] = true
				sub = append(sub, id)
			}
		}
		keep := func(id int) bool { return in[id] }
		taken := map[string]bool{}
		for _, v := range sub {
			for _, e := range r.out[v] {
				if in[e.to] {
					taken[e.label] = true
				}
			}
		}
		if len(taken) == 0 {
			continue // no internal edge
		}
		connected := true
		for _, v := range sub {
			if reach := r.reach([]int{v}, keep); !reach[sub[0]] || len(trueIDs(reach)) != len(sub) {
				connected = false
				break
			}
		}
		if connected && fairCycle(r.fairEnabledEverywhere(sub), taken) {
			return true
		}
	}
	return false
}

func trueIDs(set []bool) []int {
	var ids []int
	for id, ok := range set {
		if ok {
			ids = append(ids, id)
		}
	}
	return ids
}

func TestFastLivenessJudgeAgreesWithTheNaiveOne(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g, sets := drawDigraph(t, maxRandomNodes)
		ref := refExplore(g, 0, 1<<16)
		for _, p := range []vertexSet{sets.live1, sets.live2} {
			if naive, fast := ref.eventuallyViolated(p.has), ref.eventuallyViolatedFast(p.has); naive != fast {
				t.Fatalf("naive judge says violated = %v, fast one %v\nmodel: %v\npredicate: %v", naive, fast, g, p)
			}
		}
	})
}

// TestEngineAgreesWithReferenceOnLargeRandomGraphs uses graphs of thousands of states, whose
// breadth-first levels span several work chunks, so that workers really race; rapid's small
// graphs fit in one chunk. The seeds are fixed: shrinking such graphs would not help.
func TestEngineAgreesWithReferenceOnLargeRandomGraphs(t *testing.T) {
	gs := largeDigraphs(6)
	if len(gs) < 6 {
		t.Fatalf("only %d seeds of 200 give a level of 300 states", len(gs))
	}
	for seed, g := range gs {
		ref := refExplore(g, 0, 1<<16)
		var first *checker.Result[vertex]
		for _, m := range []checker.Model[vertex, int]{g, fixedDigraph{g}, keyedDigraph{g, keying(seed % 3)}} {
			for _, cfg := range configs(checker.Config{}) {
				res, err := mustRun(m, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if first == nil {
					first = res
					if err := checkAgainstReference(ref, res); err != nil {
						t.Fatalf("graph %d: %v", seed, err)
					}
					continue
				}
				if d := sameOutcome(first, res); d != "" {
					t.Fatalf("graph %d: workers 1, exact versus %T, workers %d, %v:\n%s", seed, m, cfg.Workers, cfg.Visited, d)
				}
			}
		}
		t.Logf("graph %d: %d states, %d transitions", seed, len(ref.states), ref.transitions)
	}
}

// largeDigraphs are the first n random digraphs with a level of at least 300 states.
func largeDigraphs(n int) []*digraph {
	var gs []*digraph
	for seed := uint64(0); len(gs) < n && seed < 200; seed++ {
		g, _ := newDigraph(seed, 2000+int(seed%5)*500, 1+int(seed%3), []bool{seed%2 == 0, true, false, seed%3 == 0})
		ref := refExplore(g, 0, 1<<16)
		width := map[int]int{}
		for _, d := range ref.depth {
			width[d]++
			if width[d] == 300 {
				gs = append(gs, g)
				break
			}
		}
	}
	return gs
}

// TestStateLimitCutsAWideLevelTheSameWayWhateverTheWorkers puts the limit inside a level that
// several workers expand at once: the states kept must still be the first ones in
// breadth-first order.
func TestStateLimitCutsAWideLevelTheSameWayWhateverTheWorkers(t *testing.T) {
	for i, g := range largeDigraphs(3) {
		ref := refExplore(g, 0, 1<<16)
		// The middle of the widest level.
		lo, hi := 0, 0
		for start := 0; start < len(ref.depth); {
			end := start
			for end < len(ref.depth) && ref.depth[end] == ref.depth[start] {
				end++
			}
			if end-start > hi-lo {
				lo, hi = start, end
			}
			start = end
		}
		limit := (lo + hi) / 2
		var first *checker.Result[vertex]
		for _, cfg := range configs(checker.Config{MaxStates: uint64(limit), Graph: true}) {
			res, err := mustRun(g, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if first != nil {
				if d := sameOutcome(first, res); d != "" {
					t.Fatalf("graph %d, limit %d: workers 1, exact versus workers %d, %v differ", i, limit, cfg.Workers, cfg.Visited)
				}
				continue
			}
			first = res
			if res.States != uint64(limit) || !errors.Is(res.Stop, checker.ErrStateLimit) {
				t.Fatalf("graph %d, limit %d: %d states, stop %v", i, limit, res.States, res.Stop)
			}
			for id, n := range res.Graph.Nodes {
				if want := fmt.Sprint(ref.states[id]); n.Label != want {
					t.Fatalf("graph %d, limit %d: node %d is %q, want %q (breadth-first order)", i, limit, id, n.Label, want)
				}
			}
		}
	}
}

// outDegree sums the transitions out of the states where keep holds.
func outDegree[S, A any](r *refSpace[S, A], keep func(int) bool) uint64 {
	var n uint64
	for id, out := range r.out {
		if keep(id) {
			n += uint64(len(out))
		}
	}
	return n
}
