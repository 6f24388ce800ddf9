package docgen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/msc"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/pipeline"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// cell makes text safe in a markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + s + "`"
}

func stateList(states []fsm.State) string {
	if len(states) == len(fsm.AllStates()) {
		return "any"
	}
	names := make([]string, len(states))
	for i, s := range states {
		names[i] = s.String()
	}
	return strings.Join(names, ", ")
}

// RulesTable lists every row of a table with its citation, in table order.
func RulesTable(rules []fsm.Rule) string {
	var b strings.Builder
	b.WriteString("| # | rule | from | event | phase | guard | effects | to | sends | user told | RFC 9293 |\n")
	b.WriteString("|--:|---|---|---|---|---|---|---|---|---|---|\n")
	for i, r := range fsm.Describe(rules) {
		to := r.To.String()
		if r.To == fsm.Stay {
			to = "(same)"
		}
		if r.Unreached != "" {
			r.Cite += " (unreached: " + r.Unreached + ")"
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", i+1, code(r.Name),
			stateList(r.From), r.On, r.Phase, cell(code(r.Guard.String())), cell(code(strings.Join(r.Do, ", "))),
			to, r.Emits, r.Report, cell(strings.TrimPrefix(r.Cite, "RFC 9293 ")))
	}
	return b.String()
}

// IgnoredTable lists the state/event pairs no row handles, and why.
func IgnoredTable() string {
	var b strings.Builder
	b.WriteString("| states | event | why nothing happens |\n|---|---|---|\n")
	for _, ig := range fsm.Ignored {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", stateList(ig.From.States()), ig.On, cell(ig.Why))
	}
	return b.String()
}

// VariantsTable lists the variants, what each edits, and the claims it refutes.
func VariantsTable() string {
	refutes := map[string][]string{}
	for _, c := range properties.Claims() {
		for _, v := range c.Refuters {
			refutes[v] = append(refutes[v], c.Name)
		}
	}
	var b strings.Builder
	b.WriteString("| variant | what it changes | rows edited | refutes | diagram |\n|---|---|---|---|---|\n")
	for _, v := range fsm.Variants {
		if v.Name == fsm.RFC {
			continue
		}
		claims := "none of the claims"
		if len(refutes[v.Name]) > 0 {
			claims = strings.Join(refutes[v.Name], ", ")
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | [fsm-%s.svg](diagrams/fsm-%s.svg) |\n", code(v.Name),
			cell(v.Desc), cell(strings.Join(v.Changed(), "; ")), claims, v.Name, v.Name)
	}
	return b.String()
}

// PropertiesTable lists every property with its statement and its verdict on the RFC model
// at the default configuration.
func PropertiesTable(runs *Runs) string {
	var b strings.Builder
	c := runs.Check
	complete := "complete"
	if !c.Complete {
		complete = "INCOMPLETE"
	}
	fmt.Fprintf(&b, "Verdicts on the RFC model at the default configuration (%s): %d states, %d transitions, depth %d, search %s.\n\n",
		configText(fsm.DefaultConfig()), c.States, c.Transitions, c.Depth, complete)
	b.WriteString("| property | kind | claim | statement | RFC verdict | trace |\n|---|---|---|---|---|---|\n")
	for _, p := range properties.All() {
		verdict, trace := "not checked", ""
		if why := p.Contradicts(fsm.DefaultConfig()); why != nil {
			verdict = "not applicable: " + why.Error()
		}
		i := slices.IndexFunc(c.Verdicts, func(v Verdict) bool { return v.Property == p.Name })
		if i >= 0 {
			v := c.Verdicts[i]
			verdict = "**" + v.Status.String() + "**"
			if v.Chart != nil {
				trace = fmt.Sprintf("[%s, %d steps](diagrams/%s.svg)", pipeline.Role(p.Kind), v.Steps,
					traceName("check", v.Property))
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", code(p.Name), p.Kind, cell(p.Claim),
			cell(p.Statement), verdict, trace)
	}
	return b.String()
}

// ClaimsTable lists every claim's runs: the RFC model and each refuting variant, with
// the verdict wanted and found and the trace.
func ClaimsTable(runs *Runs) string {
	var b strings.Builder
	b.WriteString("| claim | property | model | config | want | got | | trace |\n|---|---|---|---|---|---|---|---|\n")
	ok := 0
	for _, c := range properties.Claims() {
		good := true
		for _, r := range runs.Claims {
			if r.Claim != c.Name {
				continue
			}
			good = good && r.OK()
			mark := "ok"
			if !r.OK() {
				mark = "**FAIL**"
			}
			trace := "–"
			if r.Chart != nil {
				trace = fmt.Sprintf("[%s, %d steps", pipeline.Role(c.Property.Kind), r.Steps)
				if r.Loop >= 0 {
					trace += fmt.Sprintf(", cycle from step %d", r.Loop+1)
				}
				trace += fmt.Sprintf("](diagrams/%s.svg)", traceName(r.Claim, r.Variant))
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", code(c.Name), code(r.Property),
				code(r.Variant), configDiff(c.Config), r.Want, r.Got, mark, trace)
		}
		if good {
			ok++
		}
	}
	fmt.Fprintf(&b, "\n%d of %d claims demonstrated. For a *sometimes* property, \"holds\" means that its example is reachable.\n",
		ok, len(properties.Claims()))
	return b.String()
}

// configText describes a configuration in one line.
func configText(c fsm.Config) string {
	s := fmt.Sprintf("%s, sequence space %d, window %d, capacity %d, data units %d/%d, incarnations %d, "+
		"faults: loss %d, dup %d, inject %d, crash %d", c.Shape, 1<<c.SeqBits, c.Window, c.Capacity,
		c.Units[0], c.Units[1], c.Incarnations, c.Faults.Loss, c.Faults.Dup, c.Faults.Inject, c.Faults.Crash)
	if c.Faults.Partition > 0 {
		s += ", partition"
	}
	return s
}

// configDiff says how a claim's configuration differs from the default.
func configDiff(c fsm.Config) string {
	d := fsm.DefaultConfig()
	var parts []string
	if c.Shape != d.Shape {
		parts = append(parts, c.Shape.String())
	}
	if c.SeqBits != d.SeqBits {
		parts = append(parts, fmt.Sprintf("space %d", 1<<c.SeqBits))
	}
	if c.Window != d.Window {
		parts = append(parts, fmt.Sprintf("window %d", c.Window))
	}
	if c.Capacity != d.Capacity {
		parts = append(parts, fmt.Sprintf("capacity %d", c.Capacity))
	}
	if c.Units != d.Units {
		parts = append(parts, fmt.Sprintf("units %d/%d", c.Units[0], c.Units[1]))
	}
	if c.Incarnations != d.Incarnations {
		parts = append(parts, fmt.Sprintf("%d incarnation(s)", c.Incarnations))
	}
	if c.Faults != d.Faults {
		f := fmt.Sprintf("faults {Loss:%d Dup:%d Inject:%d Crash:%d", c.Faults.Loss, c.Faults.Dup, c.Faults.Inject, c.Faults.Crash)
		if c.Faults.Partition > 0 {
			f += fmt.Sprintf(" Partition:%d", c.Faults.Partition)
		}
		parts = append(parts, f+"}")
	}
	if c.Calls != d.Calls {
		parts = append(parts, "users only "+callsText(c.Calls[0])+" / "+callsText(c.Calls[1]))
	}
	if c.OldFrom != d.OldFrom {
		parts = append(parts, fmt.Sprintf("old segments from %v", c.OldFrom))
	}
	if len(parts) == 0 {
		return "default"
	}
	return strings.Join(parts, ", ")
}

func callsText(c fsm.Calls) string {
	var names []string
	for _, n := range []struct {
		bit  fsm.Calls
		name string
	}{{fsm.CallOpen, "OPEN"}, {fsm.CallListen, "LISTEN"}, {fsm.CallSend, "SEND"},
		{fsm.CallClose, "CLOSE"}, {fsm.CallAbort, "ABORT"}, {fsm.CallUserTimeout, "user timeout"}} {
		if c&n.bit != 0 {
			names = append(names, n.name)
		}
	}
	if len(names) == 0 {
		return "default"
	}
	return strings.Join(names, "+")
}

// storyTable is a chart's image and its steps as a numbered list, for readers who want
// the text (and for screen readers).
func storyTable(name string, c *msc.Chart, loop int, kind checker.Kind) string {
	var b strings.Builder
	fmt.Fprintf(&b, "![%s](diagrams/%s.svg)\n\n", cell(strings.SplitN(c.Title, "\n", 2)[0]), name)
	fmt.Fprintf(&b, "<details><summary>The %d steps as text</summary>\n\n", len(c.Steps))
	starts := make([]string, len(c.Lifelines))
	for i, l := range c.Lifelines {
		starts[i] = l.Name + " " + l.Start
	}
	fmt.Fprintf(&b, "Start: %s.\n\n", strings.Join(starts, ", "))
	for i, st := range c.Steps {
		mark := ""
		if st.Highlight {
			switch kind {
			case checker.KindSometimes:
				mark = " **(the example is reached)**"
			case checker.KindEventually:
				mark = " **(no fair action is left to happen, and the property never held)**"
			case checker.KindDeadlock:
				mark = " **(nothing more can happen, and this is no proper end)**"
			default:
				mark = " **(the property is violated)**"
			}
		}
		if loop >= 0 && i == loop {
			mark += " *(the cycle starts here and repeats forever)*"
		}
		fmt.Fprintf(&b, "%d. `%s`%s\n", i+1, st.Note, mark)
	}
	b.WriteString("\n</details>\n")
	return b.String()
}
