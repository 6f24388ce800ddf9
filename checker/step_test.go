package checker_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tcpverify/tcpverify/checker"
	"pgregory.net/rapid"
)

// stepped is a digraph whose state also says which arc made it (arc, -1 in an initial
// state): what a KindStep property reads and the encoding leaves out, as the TCP model's
// record of what its last step did. Two steps into one vertex by different arcs so reach
// the same state, and a step property must still judge each.
type stepped struct {
	g *digraph
	// bad arcs are the steps the property rejects; bad vertices the states Always rejects.
	bad     []bool
	badNode vertexSet
}

type stepState struct {
	v   vertex
	arc int
}

func (m *stepped) Init() []stepState {
	var out []stepState
	for _, v := range m.g.init {
		out = append(out, stepState{v: v, arc: -1})
	}
	return out
}
func (m *stepped) Actions(s stepState, dst []int) []int { return m.g.Actions(s.v, dst) }
func (m *stepped) Next(s stepState, a int) (stepState, bool) {
	v, ok := m.g.Next(s.v, a)
	return stepState{v: v, arc: a}, ok
}
func (m *stepped) Encode(dst []byte, s stepState) []byte {
	return binary.BigEndian.AppendUint16(dst, uint16(s.v))
}
func (m *stepped) Decode(b []byte) stepState {
	return stepState{v: vertex(binary.BigEndian.Uint16(b)), arc: -1}
}
func (m *stepped) Terminal(s stepState) bool       { return m.g.terminal[s.v] }
func (m *stepped) Label(s stepState, a int) string { return m.g.Label(s.v, a) }
func (m *stepped) Fair(s stepState, a int) bool    { return m.g.Fair(s.v, a) }
func (m *stepped) Properties() []checker.Property[stepState] {
	return []checker.Property[stepState]{
		checker.AlwaysStep("no bad arc", func(s stepState) bool { return s.arc < 0 || !m.bad[s.arc] }),
		checker.Always("no bad vertex", func(s stepState) bool { return !m.badNode[s.v] }),
	}
}

func drawStepped(t *rapid.T) *stepped {
	g, _ := drawDigraph(t, maxRandomNodes)
	rng := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "bad seed"), 2))
	pct := rng.IntN(15)
	m := &stepped{g: g, bad: make([]bool, len(g.arcs)), badNode: make(vertexSet, g.nodes)}
	for i := range m.bad {
		m.bad[i] = rng.IntN(100) < pct
	}
	for v := range m.badNode {
		m.badNode[v] = rng.IntN(100) < pct/2
	}
	return m
}

// refFirstBadStep is the reference's verdict on "no bad arc": the first rejected step in
// breadth-first order (source id, then action index) among the expanded states, and the
// tree path to its source followed by it; nil when there is none.
func refFirstBadStep(r *refSpace[stepState, int], m *stepped) *checker.Trace[stepState] {
	for id, s := range r.states {
		for i, a := range m.Actions(s, nil) {
			nx, ok := m.Next(s, a)
			if !ok || !m.bad[a] {
				continue
			}
			tr := r.treePath(id)
			tr.States = append(tr.States, nx)
			tr.Steps = append(tr.Steps, checker.Step{Action: m.Label(s, a), Index: i})
			return tr
		}
	}
	return nil
}

func sameTrace(got, want *checker.Trace[stepState]) error {
	if len(got.Steps) != len(want.Steps) {
		return fmt.Errorf("trace of %d steps, reference %d", len(got.Steps), len(want.Steps))
	}
	for i := range want.Steps {
		if got.Steps[i].Index != want.Steps[i].Index || got.States[i+1] != want.States[i+1] {
			return fmt.Errorf("step %d: action %d to %v, reference action %d to %v", i,
				got.Steps[i].Index, got.States[i+1], want.Steps[i].Index, want.States[i+1])
		}
	}
	if got.States[0].v != want.States[0].v {
		return fmt.Errorf("starts at %v, reference %v", got.States[0], want.States[0])
	}
	return nil
}

// A step property is judged on every transition from a reachable state, including those into
// states already seen: its verdict is the reference's first rejected step in breadth-first
// order, with the shortest path through it, whatever the workers and the visited set.
func TestStepPropertiesJudgeEveryTransitionAgainstTheReference(t *testing.T) {
	var violated, held, revisit int
	rapid.Check(t, func(t *rapid.T) {
		m := drawStepped(t)
		ref := refExplore[stepState, int](m, 0, 1<<16)
		want := refFirstBadStep(ref, m)
		cfg := checker.Config{
			Workers: rapid.IntRange(1, 4).Draw(t, "workers"),
			Visited: rapid.SampledFrom([]checker.Visited{checker.Exact, checker.HashCompaction, checker.TreeCompression}).Draw(t, "visited"),
		}
		res, err := checker.Run(context.Background(), m, cfg)
		if err != nil {
			t.Fatal(err)
		}
		v := res.Verdicts[0]
		if v.Kind != checker.KindStep {
			t.Fatalf("kind %v, want step", v.Kind)
		}
		if want == nil {
			if v.Status != checker.Holds || v.Trace != nil {
				t.Fatalf("got %s with %v, reference: holds\n%v", v.Status, v.Trace, m.g)
			}
			held++
			return
		}
		violated++
		if v.Status != checker.Violated || v.Trace == nil {
			t.Fatalf("got %s, reference: violated by %v\n%v", v.Status, want, m.g)
		}
		if err := sameTrace(v.Trace, want); err != nil {
			t.Fatalf("%v\n%v", err, m.g)
		}
		last := want.States[len(want.States)-1]
		if _, seen := ref.ids[string(m.Encode(nil, last))]; seen && ref.depth[ref.ids[string(m.Encode(nil, last))]] < len(want.Steps) {
			revisit++ // the rejected step led to a state reached sooner by another path
		}
		// The Always property beside it is judged as before.
		if err := checkVerdict(ref, m.Properties()[1], res.Verdicts[1]); err != nil {
			t.Fatalf("always: %v\n%v", err, m.g)
		}
	})
	if violated == 0 || held == 0 || revisit == 0 {
		t.Errorf("outcomes: %d violated, %d held, %d through a seen state; want some of each", violated, held, revisit)
	}
}

// A random walk judges the steps it takes: a walk over a rejected arc reports the property
// violated with a trace that ends in that step.
func TestSimulateJudgesTheStepsItTakes(t *testing.T) {
	g := &digraph{nodes: 3, from: [][]int{{0, 1}, {2}, {}}, init: []vertex{0}, terminal: []bool{false, false, true},
		arcs: []arc{{From: 0, To: 1, Label: "a"}, {From: 0, To: 1, Label: "b"}, {From: 1, To: 2, Label: "a"}}}
	m := &stepped{g: g, bad: []bool{false, true, false}, badNode: make(vertexSet, 3)}
	res, err := checker.Simulate(context.Background(), m, checker.SimConfig{Seed: 1, Walks: 50, Depth: 5})
	require.NoError(t, err)
	v := res.Verdicts[0]
	require.Equal(t, checker.Violated, v.Status)
	require.Len(t, v.Trace.Steps, 1)
	require.Equal(t, "b", v.Trace.Steps[0].Action)
	require.Equal(t, checker.Unknown, res.Verdicts[1].Status)
}
