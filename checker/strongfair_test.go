package checker_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/checker"
)

// sfModel is a small graph given as labelled arcs. Eventually "goal" must be reached;
// "exit" is the only way there and is enabled in state 0 only, so a path that loops
// through 0 and other states keeps exit enabled only intermittently: weak fairness does not
// force it, strong fairness does.
type sfModel struct {
	arcs   []sfArc
	strong bool
}

type sfArc struct {
	from, to int
	label    string
}

func (m sfModel) Init() []int { return []int{0} }
func (m sfModel) Actions(s int, dst []int) []int {
	for i, a := range m.arcs {
		if a.from == s {
			dst = append(dst, i)
		}
	}
	return dst
}
func (m sfModel) Next(s, a int) (int, bool)       { return m.arcs[a].to, true }
func (m sfModel) Encode(dst []byte, s int) []byte { return append(dst, byte(s)) }
func (m sfModel) Decode(b []byte) int             { return int(b[0]) }
func (m sfModel) Terminal(s int) bool             { return s == 2 }
func (m sfModel) Label(_ int, a int) string       { return m.arcs[a].label }
func (m sfModel) Fair(int, int) bool              { return true }
func (m sfModel) StrongFair(_ int, a int) bool    { return m.strong && m.arcs[a].label == "exit" }
func (m sfModel) Properties() []checker.Property[int] {
	return []checker.Property[int]{checker.Eventually("goal", func(s int) bool { return s == 2 })}
}

func TestStrongFairnessForcesAnIntermittentlyEnabledAction(t *testing.T) {
	arcs := []sfArc{{0, 1, "go"}, {1, 0, "back"}, {0, 2, "exit"}, {2, 2, "stay"}}
	for _, workers := range []int{1, 2} {
		weak, err := checker.Run(context.Background(), sfModel{arcs: arcs}, checker.Config{Workers: workers})
		require.NoError(t, err)
		require.Equal(t, checker.Violated, weak.Verdicts[0].Status, "weak fairness allows looping 0-1 forever")
		tr := weak.Verdicts[0].Trace
		require.Equal(t, 0, tr.Loop)
		require.Equal(t, []string{"go", "back"}, []string{tr.Steps[0].Action, tr.Steps[1].Action})

		strong, err := checker.Run(context.Background(), sfModel{arcs: arcs, strong: true}, checker.Config{Workers: workers})
		require.NoError(t, err)
		require.Equal(t, checker.Holds, strong.Verdicts[0].Status, "exit is enabled infinitely often, so it is taken")
	}
}

func TestStrongFairnessStillFindsACycleAvoidingTheAction(t *testing.T) {
	// 1 and 3 loop without ever enabling exit: removing state 0 from the component leaves
	// the fair cycle 1-3-1.
	arcs := []sfArc{{0, 1, "go"}, {1, 0, "back"}, {1, 3, "side"}, {3, 1, "return"}, {0, 2, "exit"}, {2, 2, "stay"}}
	res, err := checker.Run(context.Background(), sfModel{arcs: arcs, strong: true}, checker.Config{Workers: 2})
	require.NoError(t, err)
	v := res.Verdicts[0]
	require.Equal(t, checker.Violated, v.Status)
	tr := v.Trace
	require.Equal(t, 1, tr.Loop, "the stem is 0 -go-> 1, the cycle starts at 1")
	require.Equal(t, tr.States[tr.Loop], tr.States[len(tr.States)-1], "a lasso returns to its loop state")
	for _, st := range tr.States[tr.Loop:] {
		require.NotEqual(t, 0, st, "the fair cycle must avoid state 0, where exit is enabled")
	}
}
