package docgen

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/tcpverify/tcpverify/fsm"
)

// An edge is one line of the state diagram: one rule from one of its From states.
type edge struct {
	from, to fsm.State // to is from for a self-loop
	label    string    // e.g. "rcv SYN / snd SYN,ACK (§3.10.7.2)"
	rule     fsm.RuleID
	effects  string // the rule's effects, shown on highlighted edges
}

func (e edge) self() bool { return e.from == e.to }

// escape reports whether the edge is one of those that RFC 9293 Figure 5 leaves out and so
// does the diagram unless a variant changes it: ABORT, the user timeout, giving up after R2
// retransmissions, a crash or a reset taking a state to CLOSED.
func (e edge) escape(info fsm.RuleInfo) bool {
	if e.to != fsm.StateClosed || e.self() {
		return false
	}
	switch info.On {
	case fsm.EvAbort, fsm.EvUserTimeout, fsm.EvCrash, fsm.EvGiveUp:
		return true
	}
	return info.Guard.Has(fsm.CondRST)
}

// edgesOf lists the edges of a table, in table order.
func edgesOf(rules []fsm.RuleInfo) []edge {
	var out []edge
	for _, r := range rules {
		for _, from := range r.From {
			to := r.To
			if to == fsm.Stay {
				to = from
			}
			out = append(out, edge{from: from, to: to, label: edgeLabel(r), rule: r.ID,
				effects: strings.Join(r.Do, ", ")})
		}
	}
	return out
}

// eventText is how a diagram names an event kind.
var eventText = map[fsm.EventKind]string{
	fsm.EvOpen: "OPEN", fsm.EvListen: "passive OPEN", fsm.EvSend: "SEND", fsm.EvClose: "CLOSE",
	fsm.EvAbort: "ABORT", fsm.EvRetransmit: "retransmission timeout", fsm.EvTimeWait: "2MSL timeout",
	fsm.EvGiveUp: "giving up after R2", fsm.EvKeepalive: "keepalive", fsm.EvUserTimeout: "user timeout", fsm.EvCrash: "crash",
}

// segmentText names what arrives for a segment rule, e.g. "SYN,ACK" for "syn&ack-acks-syn":
// each term of the guard as fsm writes it in diagrams.
func segmentText(guard fsm.Guard, phase string) string {
	if len(guard.Terms) == 0 {
		return "other (" + phase + " check)"
	}
	var parts []string
	terms := guard.Terms
	// A SYN whose ACK acknowledges our SYN is the SYN,ACK of the handshake.
	if guard.Has(fsm.CondSYN) && guard.Has(fsm.CondAcksSYN) {
		parts = append(parts, "SYN,ACK")
		terms = slices.DeleteFunc(slices.Clone(terms), func(t fsm.Term) bool {
			return !t.Not && (t.Cond == fsm.CondSYN || t.Cond == fsm.CondAcksSYN)
		})
	}
	for _, t := range terms {
		parts = append(parts, t.Text())
	}
	return strings.Join(parts, " ")
}

// section cuts a citation to its section, with the ordinal of a §3.10.7.4 check:
// "RFC 9293 §3.10.7.4 fifth: ..." gives "§3.10.7.4 fifth".
var sectionRE = regexp.MustCompile(`§[0-9.]*[0-9](?: (?:first|second|third|fourth|fifth|sixth|seventh|eighth):)?`)

func section(cite string) string {
	s := sectionRE.FindString(cite)
	if s == "" {
		return cite
	}
	return strings.TrimSuffix(s, ":")
}

// edgeLabel is one line: event, what is sent, and the section, e.g.
// "rcv SYN / snd SYN,ACK (§3.10.7.2)".
func edgeLabel(r fsm.RuleInfo) string {
	ev := eventText[r.On]
	if r.On == fsm.EvSegment {
		ev = "rcv " + segmentText(r.Guard, r.Phase.String())
	} else if ev == "" {
		ev = r.On.String()
	}
	if r.Emits != "" {
		ev += " / snd " + r.Emits
	}
	return fmt.Sprintf("%s (%s)", ev, section(r.Cite))
}

// The layout follows RFC 9293 Figure 5: opening above ESTABLISHED, the active close on the
// left, the passive close on the right, CLOSED drawn at the top (where connections start)
// and again at the bottom (where they end).
var ranks = [][]fsm.State{
	{fsm.StateClosed},
	{fsm.StateListen},
	{fsm.StateSynReceived, fsm.StateSynSent},
	{fsm.StateEstablished},
	{fsm.StateFinWait1, fsm.StateCloseWait},
	{fsm.StateFinWait2, fsm.StateClosing, fsm.StateLastAck},
	{fsm.StateTimeWait},
}

func rankOf(s fsm.State) int {
	for i, r := range ranks {
		if slices.Contains(r, s) {
			return i
		}
	}
	return len(ranks)
}

// nodeID names a state's node; CLOSED at the end of a connection is its own node.
func nodeID(s fsm.State, target bool, from fsm.State) string {
	if s == fsm.StateClosed && target && rankOf(from) > rankOf(fsm.StateEstablished) {
		return "CLOSED_end"
	}
	return s.String()
}

// style of an edge in a diagram.
type style uint8

const (
	plain   style = iota
	added         // added or changed by a variant: red, bold
	removed       // removed by a variant: dashed grey
)

// drawn is an edge as it is drawn, merged with the others of the same ends and style.
type drawn struct {
	from, to string
	style    style
	lines    []string
}

// diagram is a state diagram ready to print.
type diagram struct {
	name, title string
	edges       []drawn
	notes       []string // the caption, one line each
	dimmed      bool     // plain edges grey, so that the highlighted ones stand out
}

// add merges an edge into the diagram, keeping first-seen order.
func (d *diagram) add(from, to string, st style, line string) {
	for i := range d.edges {
		e := &d.edges[i]
		if e.from == from && e.to == to && e.style == st {
			if !slices.Contains(e.lines, line) {
				e.lines = append(e.lines, line)
			}
			return
		}
	}
	d.edges = append(d.edges, drawn{from: from, to: to, style: st, lines: []string{line}})
}

// FSMDiagram draws the state diagram of the RFC table: one node per state, one edge per
// (from, to) pair with a line per rule. Self-loops and the edges Figure 5 leaves out
// (ABORT, user timeout, crash and resets to CLOSED) are listed in the caption instead.
func FSMDiagram(name, title string, rules []fsm.Rule) string {
	infos := fsm.Describe(rules)
	d := diagram{name: name, title: title}
	byID := map[fsm.RuleID]fsm.RuleInfo{}
	for _, r := range infos {
		byID[r.ID] = r
	}
	for _, e := range edgesOf(infos) {
		if e.self() || e.escape(byID[e.rule]) {
			continue
		}
		d.add(nodeID(e.from, false, 0), nodeID(e.to, true, e.from), plain, e.label)
	}
	d.notes = caption(infos)
	return d.dot()
}

// caption lists what the diagram leaves out, grouped by what happens, e.g.
// "rcv RST: SYN-SENT, SYN-RECEIVED, ... -> CLOSED".
func caption(infos []fsm.RuleInfo) []string {
	type group struct {
		what   string
		states []fsm.State
	}
	var groups []group
	loops := 0
	for _, r := range infos {
		for _, e := range edgesOf([]fsm.RuleInfo{r}) {
			if e.self() {
				loops++
				continue
			}
			if !e.escape(r) {
				continue
			}
			what := eventText[r.On]
			if r.On == fsm.EvSegment {
				what = "rcv RST"
			}
			if r.Emits != "" {
				what += " / snd " + r.Emits
			}
			i := slices.IndexFunc(groups, func(g group) bool { return g.what == what })
			if i < 0 {
				groups = append(groups, group{what: what})
				i = len(groups) - 1
			}
			if !slices.Contains(groups[i].states, e.from) {
				groups[i].states = append(groups[i].states, e.from)
			}
		}
	}
	lines := []string{"Not drawn, as in RFC 9293 Figure 5 (see the rules table):"}
	for _, g := range groups {
		slices.Sort(g.states)
		names := make([]string, len(g.states))
		for i, s := range g.states {
			names[i] = s.String()
		}
		lines = append(lines, fmt.Sprintf("  %s: %s -> CLOSED", g.what, strings.Join(names, ", ")))
	}
	lines = append(lines, fmt.Sprintf("  %d self-loops (segments and timeouts that leave the state as it is)", loops))
	return lines
}

// VariantDiagram draws a variant against the RFC diagram: the RFC's edges as in
// FSMDiagram (in grey), the rows the variant adds or changes in red and bold, and the rows
// it removes or replaces dashed grey. Changed rows are drawn even where FSMDiagram leaves
// them out (self-loops, resets), with their effects, so that every edit shows.
func VariantDiagram(v fsm.Variant, rfc []fsm.Rule) (string, error) {
	rules, err := v.Apply(rfc)
	if err != nil {
		return "", err
	}
	old, cur := fsm.Describe(rfc), fsm.Describe(rules)
	touched := map[fsm.RuleID]bool{}
	for _, e := range v.Edits {
		switch e.Op {
		case fsm.Add: // e.Rule only says where the new row goes
			touched[e.New.ID] = true
		case fsm.Replace:
			touched[e.Rule], touched[e.New.ID] = true, true
		default:
			touched[e.Rule] = true
		}
	}
	d := diagram{name: "fsm-" + v.Name, dimmed: true,
		title: fmt.Sprintf("Variant %s: %s", v.Name, v.Desc)}
	byID := map[fsm.RuleID]fsm.RuleInfo{}
	for _, r := range cur {
		byID[r.ID] = r
	}
	// Unchanged rows, as in the RFC diagram.
	for _, e := range edgesOf(cur) {
		if touched[e.rule] || e.self() || e.escape(byID[e.rule]) {
			continue
		}
		d.add(nodeID(e.from, false, 0), nodeID(e.to, true, e.from), plain, e.label)
	}
	// What the edits take away, then what they put in. An edge that a Replace keeps, with
	// the same ends and label, is drawn once, in red, with the effects that changed.
	var gone, come []edge
	for _, e := range edgesOf(old) {
		if touched[e.rule] {
			gone = append(gone, e)
		}
	}
	for _, e := range edgesOf(cur) {
		if touched[e.rule] {
			come = append(come, e)
		}
	}
	// An edge an edit leaves as it was (another From state of a narrowed row) is plain.
	same := func(a, b edge) bool {
		return a.from == b.from && a.to == b.to && a.label == b.label && a.effects == b.effects
	}
	var out, in []edge
	for _, e := range gone {
		if !slices.ContainsFunc(come, func(c edge) bool { return same(c, e) }) {
			out = append(out, e)
		}
	}
	for _, e := range come {
		if slices.ContainsFunc(gone, func(g edge) bool { return same(g, e) }) {
			if !e.self() && !e.escape(byID[e.rule]) {
				d.add(nodeID(e.from, false, 0), nodeID(e.to, true, e.from), plain, e.label)
			}
			continue
		}
		in = append(in, e)
	}
	// Where an edit replaces an edge by one with the same ends, one red edge says what it
	// is now and what it was; otherwise removed edges are dashed and new ones red.
	ends := func(a, b edge) bool { return a.from == b.from && a.to == b.to }
	for _, e := range in {
		from, to := nodeID(e.from, false, 0), nodeID(e.to, true, e.from)
		if !slices.ContainsFunc(out, func(o edge) bool { return ends(o, e) }) {
			d.add(from, to, added, highlight(e))
			continue
		}
		d.add(from, to, added, "now: "+highlight(e))
	}
	for _, o := range out {
		from, to := nodeID(o.from, false, 0), nodeID(o.to, true, o.from)
		if slices.ContainsFunc(in, func(e edge) bool { return ends(o, e) }) {
			d.add(from, to, added, "was: "+highlight(o))
			continue
		}
		d.add(from, to, removed, highlight(o))
	}
	d.notes = []string{
		"red, bold: rows " + v.Name + " adds or changes (now: what the row does, was: what the RFC row did);",
		"dashed grey: RFC rows it removes; grey: the RFC diagram, unchanged",
		"edits: " + strings.Join(v.Changed(), ", "),
	}
	return d.dot(), nil
}

// highlight labels a changed edge with the rule's effects, since an edit may change only
// them (fixed-isn swaps how the ISS is chosen).
func highlight(e edge) string {
	if e.effects == "" {
		return e.label
	}
	return e.label + "\n  [" + e.effects + "]"
}

// dot prints the diagram. The output depends only on the diagram, so it is stable.
func (d diagram) dot() string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %q {\n", d.name)
	b.WriteString("\tgraph [rankdir=TB, newrank=true, fontname=\"Helvetica\", fontsize=14, labelloc=t, " +
		"nodesep=0.5, ranksep=0.55];\n")
	fmt.Fprintf(&b, "\tlabel=%s;\n", quote(d.title+"\n "))
	b.WriteString("\tnode [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f4f4\", fontname=\"Helvetica\", fontsize=12];\n")
	b.WriteString("\tedge [fontname=\"Helvetica\", fontsize=9];\n")
	for _, r := range ranks {
		names := make([]string, len(r))
		for k, s := range r {
			names[k] = quote(s.String())
		}
		fmt.Fprintf(&b, "\t{ rank=same; %s; }\n", strings.Join(names, "; "))
	}
	fmt.Fprintf(&b, "\t{ rank=same; %s [label=\"CLOSED\"]; }\n", quote("CLOSED_end"))
	// Keep the columns of Figure 5: the active close left of the passive close.
	b.WriteString("\t\"FIN-WAIT-1\" -> \"CLOSE-WAIT\" [style=invis];\n")
	b.WriteString("\t\"FIN-WAIT-2\" -> \"CLOSING\" -> \"LAST-ACK\" [style=invis];\n")
	b.WriteString("\t\"TIME-WAIT\" -> \"CLOSED_end\" [style=invis];\n")
	for _, e := range d.edges {
		attrs := []string{"label=" + quote(strings.Join(e.lines, "\n"))}
		// Dot draws loops on the right; SYN-SENT's would cover the label of the arrow to
		// SYN-RECEIVED on its right, so it goes on the left.
		if e.from == e.to && e.from == fsm.StateSynSent.String() {
			attrs = append(attrs, "tailport=w", "headport=w")
		}
		switch e.style {
		case added:
			attrs = append(attrs, `color="red3"`, `fontcolor="red3"`, "penwidth=2.2")
		case removed:
			attrs = append(attrs, `color="gray55"`, `fontcolor="gray45"`, `style=dashed`)
		default:
			if d.dimmed {
				attrs = append(attrs, `color="gray60"`, `fontcolor="gray50"`)
			}
		}
		fmt.Fprintf(&b, "\t%s -> %s [%s];\n", quote(e.from), quote(e.to), strings.Join(attrs, ", "))
	}
	if len(d.notes) > 0 {
		fmt.Fprintf(&b, "\tnotes [shape=plaintext, style=\"\", fontsize=10, label=%s];\n",
			quote(strings.Join(d.notes, "\\l")+"\\l"))
		b.WriteString("\t{ rank=sink; notes; }\n")
		b.WriteString("\t\"CLOSED_end\" -> notes [style=invis];\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// quote is a DOT string: double quotes, with quotes escaped and newlines as \n. A "\l"
// already in s is kept.
func quote(s string) string {
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	return `"` + s + `"`
}
