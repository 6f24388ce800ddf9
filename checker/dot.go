package checker

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

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

// DOTOptions shape a drawing of a graph.
type DOTOptions struct {
	// FoldSelfLoops draws no edge from a node to itself: the node's label counts those
	// transitions and actions instead, and its tooltip (shown over the node in an SVG)
	// lists the actions with their counts, so that a graph whose nodes are projections,
	// where most transitions stay in their node, stays readable.
	FoldSelfLoops bool
	// Group, when set, draws the nodes of one group in a box (a Graphviz cluster) labelled
	// with the group's name, the boxes made in ascending order; a node whose group is ""
	// stays outside every box.
	Group func(label string) (name string, order int)
}

// WriteDOT writes g as a Graphviz digraph named name. Initial nodes are bold, terminal nodes
// have a double border, violating nodes are red; an edge standing for several transitions
// says how many. The output is the same bytes for the same graph.
func WriteDOT(w io.Writer, g *Graph, name string) error {
	return WriteDOTWith(w, g, name, DOTOptions{})
}

// WriteDOTWith is WriteDOT with options; the output is still the same bytes for the same
// graph and options.
func WriteDOTWith(w io.Writer, g *Graph, name string, o DOTOptions) error {
	if g == nil {
		return fmt.Errorf("checker: no graph to write (run with Config.Graph)")
	}
	d := dot.NewGraph(dot.Directed)
	d.ID(fmt.Sprintf("%q", name))
	d.Attr("rankdir", "LR")
	d.Attr("fontname", "Helvetica")
	loops := make([][]GraphEdge, len(g.Nodes))
	if o.FoldSelfLoops {
		for _, e := range g.Edges {
			if e.From == e.To {
				loops[e.From] = append(loops[e.From], e)
			}
		}
	}
	nodes := make([]dot.Node, len(g.Nodes))
	width := len(fmt.Sprint(len(g.Nodes)))
	// A node of a group is made in its group's cluster; the clusters are made in order,
	// so that the output does not depend on the order of the nodes' first appearance.
	boxes := map[string]*dot.Graph{}
	if o.Group != nil {
		type group struct {
			name  string
			order int
		}
		var groups []group
		for _, n := range g.Nodes {
			if name, order := o.Group(n.Label); name != "" && !slices.Contains(groups, group{name, order}) {
				groups = append(groups, group{name, order})
			}
		}
		slices.SortFunc(groups, func(a, b group) int { return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(a.name, b.name)) })
		for i, gr := range groups {
			box := d.Subgraph(fmt.Sprintf("group%d", i), dot.ClusterOption{})
			box.Label(gr.name)
			box.Attr("fontname", "Helvetica")
			box.Attr("style", "rounded")
			box.Attr("color", "gray70")
			boxes[gr.name] = box
		}
	}
	for i, n := range g.Nodes {
		label, tooltip := n.Label, ""
		if ls := loops[i]; len(ls) > 0 {
			var count string
			count, tooltip = foldedLoops(ls)
			label += "\n" + count
		}
		in := d
		if o.Group != nil {
			if name, _ := o.Group(n.Label); boxes[name] != nil {
				in = boxes[name]
			}
		}
		nd := in.Node(fmt.Sprintf("s%0*d", width, i)).Label(label).Attr("fontname", "Helvetica")
		if tooltip != "" {
			nd.Attr("tooltip", tooltip)
		}
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
		if o.FoldSelfLoops && e.From == e.To {
			continue
		}
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

// foldedLoops says what a node's self-loops were: a line for its label (how many
// transitions, how many actions) and a tooltip listing each action with its count.
func foldedLoops(ls []GraphEdge) (line, tooltip string) {
	total := 0
	parts := make([]string, len(ls))
	for i, e := range ls {
		total += e.Count
		parts[i] = fmt.Sprintf("%s (%d)", e.Label, e.Count)
	}
	noun := "actions"
	if len(ls) == 1 {
		noun = "action"
	}
	return fmt.Sprintf("⟲ %d in %d %s", total, len(ls), noun), strings.Join(parts, "\n")
}
