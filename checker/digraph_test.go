package checker_test

// digraph is a model drawn by rapid: a directed graph over numbered vertices whose actions
// are the indexes of its arcs in one fixed list. Some arcs are dead (offered but Next says
// ok=false), labels repeat across arcs so fairness is judged per label, and the initial,
// terminal and predicate sets are drawn too.

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"

	"github.com/tcpverify/tcpverify/checker"
	"pgregory.net/rapid"
)

type vertex uint16

type arc struct {
	From, To vertex
	Label    string
	Dead     bool
}

type digraph struct {
	nodes     int
	arcs      []arc
	from      [][]int // arc indexes by source vertex, in list order
	init      []vertex
	terminal  []bool
	fairLabel map[string]bool
	props     []checker.Property[vertex]
	// stutter makes runs stop where no fair arc leaves (checker.Stutterer).
	stutter bool
}

func (g *digraph) Stutters() bool { return g.stutter }

func (g *digraph) Init() []vertex { return g.init }

func (g *digraph) Actions(s vertex, dst []int) []int { return append(dst, g.from[s]...) }

func (g *digraph) Next(s vertex, a int) (vertex, bool) {
	e := g.arcs[a]
	if e.From != s {
		panic(fmt.Sprintf("digraph: arc %d starts at %d, asked from %d", a, e.From, s))
	}
	return e.To, !e.Dead
}

func (g *digraph) Encode(dst []byte, s vertex) []byte {
	return binary.BigEndian.AppendUint16(dst, uint16(s))
}

func (g *digraph) Decode(b []byte) vertex                 { return vertex(binary.BigEndian.Uint16(b)) }
func (g *digraph) Terminal(s vertex) bool                 { return g.terminal[s] }
func (g *digraph) Label(_ vertex, a int) string           { return g.arcs[a].Label }
func (g *digraph) Fair(_ vertex, a int) bool              { return g.fairLabel[g.arcs[a].Label] }
func (g *digraph) Properties() []checker.Property[vertex] { return g.props }

// fixedDigraph is a digraph that declares its encodings' size, so the exact visited set keeps
// them inline in its slots.
type fixedDigraph struct{ *digraph }

func (fixedDigraph) EncodedSize() int { return 2 }

var _ checker.FixedSizer = fixedDigraph{}

// vertexSet is a drawn set of vertices, used as a predicate.
type vertexSet []bool

func (v vertexSet) has(s vertex) bool { return v[s] }
func (v vertexSet) not(s vertex) bool { return !v[s] }

// Sets drawn for one digraph: the predicates of its properties.
type digraphSets struct {
	bad, goal, live1, live2 vertexSet
}

var arcLabels = []string{"a", "b", "c", "d"}

// drawDigraph draws a digraph of 1 to maxNodes vertices: rapid draws the size, density, fair
// labels and a seed, and newDigraph does the rest (drawing each arc through rapid makes most
// graphs tiny, since rapid favours short slices).
func drawDigraph(t *rapid.T, maxNodes int) (*digraph, digraphSets) {
	n := rapid.IntRange(1, maxNodes).Draw(t, "nodes")
	if rapid.Bool().Draw(t, "big") {
		n = maxNodes + 1 - n // rapid favours small numbers; half the graphs favour large ones
	}
	degree := rapid.IntRange(1, 4).Draw(t, "mean out-degree")
	seed := rapid.Uint64().Draw(t, "seed")
	fair := make([]bool, len(arcLabels))
	for i, l := range arcLabels {
		fair[i] = rapid.Bool().Draw(t, "fair "+l)
	}
	g, sets := newDigraph(seed, n, degree, fair)
	g.stutter = rapid.Bool().Draw(t, "stutter")
	return g, sets
}

// newDigraph makes a random digraph of n vertices and about degree arcs per vertex. Half the
// arcs go to a near vertex, so paths are long as well as random. Its properties, in order:
// Always(not bad), Sometimes(goal), Eventually(live1), NoDeadlock, Eventually(live2).
func newDigraph(seed uint64, n, degree int, fair []bool) (*digraph, digraphSets) {
	rng := rand.New(rand.NewPCG(seed, 1))
	percent := func(most int) int { return rng.IntN(most + 1) }
	deadPct, termPct := percent(40), percent(60)
	badPct, goalPct, live1Pct, live2Pct := percent(10), percent(10), percent(30), percent(60)
	g := &digraph{nodes: n, from: make([][]int, n), fairLabel: map[string]bool{}}
	for range rng.IntN(2*degree*n + 1) {
		from := rng.IntN(n)
		to := rng.IntN(n)
		if rng.IntN(2) == 0 {
			to = (from + rng.IntN(4) - 1 + n) % n
		}
		e := arc{From: vertex(from), To: vertex(to), Label: arcLabels[rng.IntN(len(arcLabels))], Dead: rng.IntN(100) < deadPct}
		g.from[from] = append(g.from[from], len(g.arcs))
		g.arcs = append(g.arcs, e)
	}
	for range 1 + rng.IntN(3) {
		g.init = append(g.init, vertex(rng.IntN(n)))
	}
	set := func(pct int) vertexSet {
		s := make(vertexSet, n)
		for v := range s {
			s[v] = rng.IntN(100) < pct
		}
		return s
	}
	g.terminal = set(termPct)
	for i, l := range arcLabels {
		g.fairLabel[l] = fair[i]
	}
	sets := digraphSets{bad: set(badPct), goal: set(goalPct), live1: set(live1Pct), live2: set(live2Pct)}
	g.props = []checker.Property[vertex]{
		checker.Always("not bad", sets.bad.not),
		checker.Sometimes("goal", sets.goal.has),
		checker.Eventually("live1", sets.live1.has),
		checker.NoDeadlock[vertex]("no deadlock"),
		checker.Eventually("live2", sets.live2.has),
	}
	return g, sets
}

// String prints the digraph compactly, for failure messages.
func (g *digraph) String() string {
	fair := []string{}
	for _, l := range arcLabels {
		if g.fairLabel[l] {
			fair = append(fair, l)
		}
	}
	var term []int
	for v, ok := range g.terminal {
		if ok {
			term = append(term, v)
		}
	}
	s := fmt.Sprintf("digraph{nodes: %d, init: %v, terminal: %v, fair: %v, arcs:", g.nodes, g.init, term, fair)
	for i, e := range g.arcs {
		dead := ""
		if e.Dead {
			dead = "(dead)"
		}
		s += fmt.Sprintf(" %d:%d-%s->%d%s", i, e.From, e.Label, e.To, dead)
	}
	return s + "}"
}
