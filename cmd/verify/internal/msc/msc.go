// Package msc draws message sequence charts as Graphviz DOT: lifelines top to bottom, one row
// per step of a trace, messages as diagonal arrows from the row that sent them to the row
// that received them. It knows nothing of TCP; the caller says what the lifelines, steps and
// messages are.
package msc

import (
	"fmt"
	"io"
	"strings"

	"github.com/emicklei/dot"
)

// Chart is one message sequence chart.
type Chart struct {
	Title string
	// Lifelines are the participants, drawn left to right, with their state at row 0.
	Lifelines []Lifeline
	// Steps are rows 1..len(Steps), in order.
	Steps []Step
	// Messages are the arrows.
	Messages []Message
	// LoopFrom, when > 0, marks rows LoopFrom..len(Steps) as a cycle that repeats forever
	// (the loop of a lasso), and the chart says so.
	LoopFrom int
}

// Lifeline is a participant and its state before the first step.
type Lifeline struct {
	Name  string
	Start string
}

// Step is one row: what happened, and the participants' new states where they changed.
type Step struct {
	// Note describes the step, e.g. "B deliver <SEQ=1><CTL=SYN>".
	Note string
	// States[i] is lifeline i's state after the step, or "" when it did not change.
	States []string
	// Highlight marks the step (e.g. where a property fails).
	Highlight bool
}

// Message is an arrow. Rows are 1-based step numbers; 0 means "before the trace" (an old
// segment already in flight) and -1 "never" (still in flight at the end).
type Message struct {
	Label string
	From  int // lifeline index, or -1 for a message with no sender in the trace
	To    int // lifeline index
	Sent  int // row, 0 for an old segment injected or in flight from the start
	// Recv is the row that delivered it, or -1.
	Recv int
	// Lost is the row where the network dropped it (Recv is then -1).
	Lost int
	// Old marks a segment of an earlier incarnation.
	Old bool
}

// Validate checks that rows and lifelines are in range.
func (c *Chart) Validate() error {
	if len(c.Lifelines) == 0 {
		return fmt.Errorf("msc: no lifelines")
	}
	rows := len(c.Steps)
	for i, s := range c.Steps {
		if len(s.States) != len(c.Lifelines) {
			return fmt.Errorf("msc: step %d has %d states for %d lifelines", i+1, len(s.States), len(c.Lifelines))
		}
	}
	for i, m := range c.Messages {
		switch {
		case m.From < -1 || m.From >= len(c.Lifelines) || m.To < 0 || m.To >= len(c.Lifelines):
			return fmt.Errorf("msc: message %d (%s) has a lifeline out of range", i, m.Label)
		case m.Sent < 0 || m.Sent > rows || m.Recv < -1 || m.Recv > rows || m.Lost < 0 || m.Lost > rows:
			return fmt.Errorf("msc: message %d (%s) has a row out of range", i, m.Label)
		case m.Recv >= 0 && m.Recv < m.Sent:
			return fmt.Errorf("msc: message %d (%s) is received before it is sent", i, m.Label)
		}
	}
	return nil
}

// Write writes the chart as DOT. The same chart gives the same bytes.
func (c *Chart) Write(w io.Writer) error {
	if err := c.Validate(); err != nil {
		return err
	}
	d := newDrawing(c)
	for row := 0; row <= d.last; row++ {
		d.drawRow(row)
	}
	d.drawColumns()
	for _, m := range c.Messages {
		d.drawMessage(m)
	}
	if _, err := io.WriteString(w, d.g.String()); err != nil {
		return fmt.Errorf("msc: write: %w", err)
	}
	return nil
}

// drawing is a chart being drawn: a grid of nodes, one row per step and one column for
// the step notes, each lifeline and the network between lifeline 0 and the others.
type drawing struct {
	c     *Chart
	g     *dot.Graph
	rows  int // the chart's steps
	last  int // the last row drawn: rows, or one more for segments still in flight
	nodes map[string]dot.Node
}

// newDrawing starts the graph: its layout attributes and title.
func newDrawing(c *Chart) *drawing {
	g := dot.NewGraph(dot.Directed)
	g.ID(`"msc"`)
	g.Attr("newrank", "true")
	// Straight arrows read as an MSC's diagonals; labels as xlabels do not bend the layout.
	g.Attr("splines", "false")
	g.Attr("forcelabels", "true")
	g.Attr("nodesep", "0.3")
	g.Attr("ranksep", "0.32")
	g.Attr("fontname", "Helvetica")
	g.Attr("labelloc", "t")
	title := c.Title
	if c.LoopFrom > 0 {
		title += fmt.Sprintf("\nsteps %d..%d repeat forever", c.LoopFrom, len(c.Steps))
	}
	g.Label(title)
	rows := len(c.Steps)
	// Segments still in flight at the end point into one more row, so that their arrows
	// are diagonals too and their labels clear the last states.
	last := rows
	for _, m := range c.Messages {
		if m.Recv < 0 && m.Lost == 0 {
			last = rows + 1
		}
	}
	return &drawing{c: c, g: g, rows: rows, last: last, nodes: map[string]dot.Node{}}
}

// cell names the node of a column at a row.
func cell(col string, row int) string { return fmt.Sprintf("%s_%03d", col, row) }

// life names lifeline i's column.
func life(i int) string { return fmt.Sprintf("l%d", i) }

func (d *drawing) add(sub *dot.Graph, id string) dot.Node {
	n := sub.Node(id).Attr("fontname", "Helvetica").Attr("fontsize", "11")
	d.nodes[id] = n
	return n
}

// drawRow draws one row at one rank, columns in order: the step note, lifeline 0, the
// network, lifelines 1..n-1.
func (d *drawing) drawRow(row int) {
	c := d.c
	sub := d.g.Subgraph(fmt.Sprintf("row%03d", row))
	sub.Attr("rank", "same")
	order := []dot.Node{d.drawNote(sub, row)}
	for i := range c.Lifelines {
		order = append(order, d.drawState(sub, i, row))
		if i == 0 {
			// The invisible network column is wide so that arrows have room for labels.
			net := d.add(sub, cell("net", row)).Attr("shape", "box").Attr("width", "3.2").Attr("style", "invis").Label("")
			order = append(order, net)
		}
	}
	// Invisible same-rank edges keep the columns in order.
	for k := 1; k < len(order); k++ {
		sub.Edge(order[k-1], order[k]).Attr("style", "invis")
	}
}

// drawNote draws a row's step note: nothing at row 0, the step, or the in-flight end.
func (d *drawing) drawNote(sub *dot.Graph, row int) dot.Node {
	note := d.add(sub, cell("note", row)).Attr("shape", "plaintext")
	switch {
	case row == 0:
		note.Label("")
	case row > d.rows:
		note.Label("(end: still in flight)").Attr("fontsize", "10").Attr("fontcolor", "gray40")
	default:
		st := d.c.Steps[row-1]
		note.Label(fmt.Sprintf("%d  %s", row, st.Note)).Attr("fontsize", "10")
		if st.Highlight {
			note.Attr("fontcolor", "red")
		}
		if d.c.LoopFrom > 0 && row >= d.c.LoopFrom {
			note.Attr("fontcolor", "blue")
		}
	}
	return note
}

// drawState draws lifeline i at a row: its name and start at row 0, a box where its state
// changed, a point elsewhere.
func (d *drawing) drawState(sub *dot.Graph, i, row int) dot.Node {
	c := d.c
	n := d.add(sub, cell(life(i), row))
	label := ""
	switch {
	case row == 0:
		label = c.Lifelines[i].Name + "\n" + c.Lifelines[i].Start
	case row <= d.rows:
		label = c.Steps[row-1].States[i]
	}
	if label == "" {
		n.Attr("shape", "point").Attr("width", "0.06").Label("")
	} else {
		n.Attr("shape", "box").Attr("style", "rounded").Label(label)
		if row > 0 && row <= d.rows && c.Steps[row-1].Highlight {
			n.Attr("color", "red").Attr("fontcolor", "red")
		}
	}
	return n
}

// drawColumns links each column top to bottom: lifelines as gray lines, the note and
// network columns invisibly.
func (d *drawing) drawColumns() {
	cols := []string{"note", "net"}
	for i := range d.c.Lifelines {
		cols = append(cols, life(i))
	}
	for _, col := range cols {
		for row := 1; row <= d.last; row++ {
			e := d.g.Edge(d.nodes[cell(col, row-1)], d.nodes[cell(col, row)]).Attr("weight", "100")
			if strings.HasPrefix(col, "l") {
				e.Attr("dir", "none").Attr("color", "gray40")
			} else {
				e.Attr("style", "invis")
			}
		}
	}
}

// drawMessage draws a message as an arrow from its sender's row to where it ended:
// delivered, lost in the network, or still in flight at the end.
func (d *drawing) drawMessage(m Message) {
	from := d.nodes[cell("net", m.Sent)]
	if m.From >= 0 {
		from = d.nodes[cell(life(m.From), m.Sent)]
	}
	var to dot.Node
	label := m.Label
	switch {
	case m.Recv >= 0:
		to = d.nodes[cell(life(m.To), m.Recv)]
	case m.Lost > 0:
		to = d.nodes[cell("net", m.Lost)]
		label += " (lost)"
	default:
		to = d.nodes[cell("net", d.last)]
		label += " (in flight)"
	}
	e := d.g.Edge(from, to).Attr("xlabel", label).Attr("constraint", "false").Attr("fontname", "Helvetica").Attr("fontsize", "10")
	switch {
	case m.Old:
		e.Attr("style", "dashed").Attr("color", "darkorange3").Attr("fontcolor", "darkorange3")
	case m.Lost > 0:
		e.Attr("arrowhead", "tee").Attr("color", "gray50").Attr("fontcolor", "gray40")
	case m.Recv < 0:
		e.Attr("style", "dotted")
	}
}
