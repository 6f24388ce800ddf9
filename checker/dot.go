package checker

import (
	"cmp"
	"fmt"
	"io"
	"slices"

	"github.com/emicklei/dot"
)

// graph builds the projected graph from the kept transitions: nodes in order of the first
// state (by id) drawn as them, edges merged by (from, to, projected label).
func (s *search[S, A]) graph() *Graph {
	g := &Graph{}
	nodeIndex := map[uint32]int{}
	nodeOfState := make([]int, s.expanded)
	for id := uint32(0); id < s.expanded; id++ {
		lid := s.nodeOf[id]
		ni, ok := nodeIndex[lid]
		if !ok {
			ni = len(g.Nodes)
			nodeIndex[lid] = ni
			g.Nodes = append(g.Nodes, GraphNode{Label: s.nodes.names[lid]})
		}
		nodeOfState[id] = ni
		n := &g.Nodes[ni]
		n.States++
		n.Initial = n.Initial || id < s.levels[1]
		n.Terminal = n.Terminal || s.flags[id]&flagTerminal != 0
		n.Violating = n.Violating || s.flags[id]&flagViolating != 0
	}
	type key struct {
		from, to int
		label    string
	}
	counts := map[key]int{}
	es := &s.edges
	for id := uint32(0); id < s.expanded; id++ {
		lo, hi := es.out(id)
		for e := lo; e < hi; e++ {
			to := es.to.at(e)
			if to >= s.expanded {
				continue // a state beyond a bound, never drawn
			}
			counts[key{nodeOfState[id], nodeOfState[to], s.pacts.names[es.proj.at(e)]}]++
		}
	}
	for k, n := range counts {
		g.Edges = append(g.Edges, GraphEdge{From: k.from, To: k.to, Label: k.label, Count: n})
	}
	slices.SortFunc(g.Edges, func(a, b GraphEdge) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To), cmp.Compare(a.Label, b.Label))
	})
	return g
}

// WriteDOT writes g as a Graphviz digraph named name. Initial nodes are bold, terminal nodes
// have a double border, violating nodes are red; an edge standing for several transitions
// says how many. The output is the same bytes for the same graph.
func WriteDOT(w io.Writer, g *Graph, name string) error {
	if g == nil {
		return fmt.Errorf("checker: no graph to write (run with Config.Graph)")
	}
	d := dot.NewGraph(dot.Directed)
	d.ID(fmt.Sprintf("%q", name))
	d.Attr("rankdir", "LR")
	d.Attr("fontname", "Helvetica")
	nodes := make([]dot.Node, len(g.Nodes))
	width := len(fmt.Sprint(len(g.Nodes)))
	for i, n := range g.Nodes {
		nd := d.Node(fmt.Sprintf("s%0*d", width, i)).Label(n.Label).Attr("fontname", "Helvetica")
		if n.Initial {
			nd.Attr("style", "bold")
		}
		if n.Terminal {
			nd.Attr("peripheries", "2")
		}
		if n.Violating {
			nd.Attr("color", "red").Attr("fontcolor", "red")
		}
		nodes[i] = nd
	}
	for _, e := range g.Edges {
		label := e.Label
		if e.Count > 1 {
			label = fmt.Sprintf("%s (%d)", label, e.Count)
		}
		d.Edge(nodes[e.From], nodes[e.To], label).Attr("fontname", "Helvetica").Attr("fontsize", "10")
	}
	_, err := io.WriteString(w, d.String())
	if err != nil {
		return fmt.Errorf("checker: write dot: %w", err)
	}
	return nil
}
