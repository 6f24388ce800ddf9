package checker

// Graph is the reachable graph of a search, after projection (see Projector). Nodes and edges
// are in a deterministic order: nodes by the first state that maps to them in breadth-first
// order, edges by source node, then target node, then label.
type Graph struct {
	Nodes []GraphNode
	Edges []GraphEdge
}

// GraphNode is one node: a state, or the set of states with one projection.
type GraphNode struct {
	Label string
	// States is how many reachable states the node stands for.
	States int
	// Initial: some initial state maps here. Terminal: some terminal state maps here.
	// Violating: some state here violates an Always property or is a deadlock.
	Initial, Terminal, Violating bool
}

// GraphEdge is one edge: the transitions from states of From to states of To whose actions
// project to Label.
type GraphEdge struct {
	From, To int
	Label    string
	// Count is how many transitions the edge stands for.
	Count int
}
