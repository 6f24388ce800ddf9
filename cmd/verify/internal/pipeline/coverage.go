package pipeline

import (
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// RuleCount is how often one row of the variant's rule table fired during a search.
type RuleCount struct {
	ID   fsm.RuleID
	Name string
	// Fired counts the explored transitions in which the row fired (a row that fires in a
	// step and again in the server's return to LISTEN counts twice).
	Fired uint64
}

// coverage is the model with a checker.TransitionVisitor that counts, per worker, the rows
// each explored transition fires; the rows are found by re-running the endpoint's step
// (fsm.System.AppendFiredTo). Each explored transition is visited once, so the merged counts
// do not depend on the workers.
type coverage struct {
	properties.Model
	counts  [][]uint64 // [worker][row]
	scratch [][]int    // [worker] rows of the current transition
}

func (c *coverage) StartVisit(workers int) {
	rows := len(c.Machine.Rules)
	c.counts, c.scratch = make([][]uint64, workers), make([][]int, workers)
	for w := range workers {
		c.counts[w] = make([]uint64, rows)
	}
}

func (c *coverage) VisitTransition(worker int, from fsm.SysState, a fsm.Action, to fsm.SysState) {
	c.scratch[worker] = c.AppendFiredTo(c.scratch[worker][:0], from, a, to)
	for _, i := range c.scratch[worker] {
		c.counts[worker][i]++
	}
}

// table merges the workers' counts, in table order.
func (c *coverage) table() []RuleCount {
	out := make([]RuleCount, len(c.Machine.Rules))
	for i, r := range c.Machine.Rules {
		out[i] = RuleCount{ID: r.ID, Name: r.Name}
		for _, w := range c.counts {
			out[i].Fired += w[i]
		}
	}
	return out
}
