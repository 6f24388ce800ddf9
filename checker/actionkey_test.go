package checker_test

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tcpverify/tcpverify/checker"
)

// keying is how keyedDigraph gives keys.
type keying int

const (
	keyPerLabel keying = iota // one key per label, as a model should
	keyPerArc                 // finer than the labels: the engine must merge them by label
	keySomeArcs               // per arc, and none for every third arc: labels fill in
)

// keyedDigraph is a digraph whose actions have keys (checker.ActionKeyer).
type keyedDigraph struct {
	*digraph
	keys keying
}

func (g keyedDigraph) ActionKey(_ vertex, a int) (uint64, bool) {
	switch g.keys {
	case keyPerLabel:
		return uint64(slices.Index(arcLabels, g.arcs[a].Label)), true
	case keyPerArc:
		return uint64(a) << 40, true
	}
	return uint64(a), a%3 != 0
}

var _ checker.ActionKeyer[vertex, int] = keyedDigraph{}

func TestActionKeysGiveTheResultsLabelsGive(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g, _ := drawDigraph(t, maxRandomNodes)
		cfg := checker.Config{Workers: rapid.IntRange(1, 3).Draw(t, "workers"), Graph: rapid.Bool().Draw(t, "graph")}
		plain, err := mustRun(g, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []keying{keyPerLabel, keyPerArc, keySomeArcs} {
			keyed, err := mustRun(keyedDigraph{g, k}, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if d := sameOutcome(plain, keyed); d != "" {
				t.Fatalf("labels versus keying %d, %+v:\n%s\nmodel: %v", k, cfg, d, g)
			}
		}
	})
}

// keyedSF is sfModel with a key per label.
type keyedSF struct{ sfModel }

func (m keyedSF) ActionKey(_ int, a int) (uint64, bool) {
	return uint64(len(m.arcs[a].label))<<8 | uint64(m.arcs[a].label[0]), true
}

func TestActionKeysKeepStrongFairness(t *testing.T) {
	arcs := []sfArc{{0, 1, "go"}, {1, 0, "back"}, {1, 3, "side"}, {3, 1, "return"}, {0, 2, "exit"}, {2, 2, "stay"}}
	for _, strong := range []bool{false, true} {
		for _, workers := range []int{1, 2} {
			cfg := checker.Config{Workers: workers}
			plain, err := mustRun(sfModel{arcs: arcs, strong: strong}, cfg)
			require.NoError(t, err)
			keyed, err := mustRun(keyedSF{sfModel{arcs: arcs, strong: strong}}, cfg)
			require.NoError(t, err)
			require.Equal(t, checker.Violated, keyed.Verdicts[0].Status)
			require.Empty(t, sameOutcome(plain, keyed), "strong %v, workers %d", strong, workers)
		}
	}
}

// countingLattice is benchLattice with keys, counting its Label calls.
type countingLattice struct {
	benchLattice
	labels *atomic.Int64
}

func (l countingLattice) Label(s latticePoint, a int) string {
	l.labels.Add(1)
	return l.benchLattice.Label(s, a)
}

func (l countingLattice) ActionKey(_ latticePoint, a int) (uint64, bool) { return uint64(a), true }

func (l countingLattice) Properties() []checker.Property[latticePoint] {
	return []checker.Property[latticePoint]{
		checker.Eventually("first counter wraps", func(s latticePoint) bool { return s[0] == uint8(l.size-1) }),
	}
}

func TestActionKeysCallLabelOncePerKey(t *testing.T) {
	m := countingLattice{benchLattice: benchLattice{dims: 3, size: 8}, labels: &atomic.Int64{}}
	res, err := checker.Run(context.Background(), m, checker.Config{Workers: 1})
	require.NoError(t, err)
	require.Equal(t, checker.Holds, res.Verdicts[0].Status)
	require.Equal(t, uint64(3*8*8*8), res.Transitions)
	require.Equal(t, int64(3), m.labels.Load(), "one Label call per key")
}
