package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// table is the counts by kind, then the total, as rows.
func (res *mutateResult) table() (header []string, rows [][]string) {
	header = []string{"kind", "mutants", "killed", "equivalent", "survived", "incomplete"}
	for _, c := range append(slices.Clone(res.Kinds), res.Total) {
		rows = append(rows, []string{c.Kind, fmt.Sprint(c.Mutants), fmt.Sprint(c.Killed), fmt.Sprint(c.Equivalent),
			fmt.Sprint(c.Survived), fmt.Sprint(c.Incomplete)})
	}
	return header, rows
}

func (res *mutateResult) pointNames() string {
	var names []string
	for _, p := range res.Points {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

func (res *mutateResult) scoreLine() string {
	t := res.Total
	line := fmt.Sprintf("score %.1f%%: %d of %d non-equivalent mutants killed", res.Score, t.Killed, t.Mutants-t.Equivalent)
	broke := 0
	for _, m := range res.Mutants {
		if m.Class == classKilled && m.Property == modelError {
			broke++
		}
	}
	if broke > 0 {
		line += fmt.Sprintf(" (%d by a model error)", broke)
	}
	line += fmt.Sprintf(", %d equivalent left out", t.Equivalent)
	if !res.Complete {
		line += "; INCOMPLETE: " + res.Stop
	}
	return line
}

func (m mutantResult) differs() string {
	if m.DiffersSteps < 0 {
		return "no difference found"
	}
	return fmt.Sprintf("differs after %d steps at %s: %s", m.DiffersSteps, m.DiffersPoint, m.DiffersAt)
}

func (m mutantResult) killedBy() string {
	if m.Property == modelError {
		return modelError + ": " + m.Error
	}
	if m.Steps < 0 {
		return fmt.Sprintf("%s (no example reachable) at %s", m.Property, m.Point)
	}
	t := fmt.Sprintf("%s (%d steps", m.Property, m.Steps)
	if m.Loop >= 0 {
		t += fmt.Sprintf(", lasso from step %d", m.Loop+1)
	}
	return t + ") at " + m.Point
}

func printMutate(w io.Writer, res *mutateResult) {
	fmt.Fprintf(w, "mutate %s: %s at %s (%s), %s\n\n", res.Variant, plural(len(res.Mutants), "mutant"),
		plural(len(res.Points), "point"), res.pointNames(), plural(len(res.Properties), "property"))
	header, rows := res.table()
	printTable(w, header, rows, func(col, _ int) bool { return col > 0 })
	fmt.Fprintf(w, "\n%s\n", res.scoreLine())
	for _, class := range []string{classSurvived, classIncomplete} {
		var ms []mutantResult
		for _, m := range res.Mutants {
			if m.Class == class {
				ms = append(ms, m)
			}
		}
		if len(ms) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s (%d):\n", map[string]string{classSurvived: "survivors", classIncomplete: "undecided"}[class], len(ms))
		for _, m := range ms {
			what := m.differs()
			if class == classIncomplete {
				what = m.Stop
			}
			fmt.Fprintf(w, "  %-9s  %s: %s\n", m.Kind, m.Name, what)
		}
	}
}

func writeMutate(dir string, res *mutateResult) error {
	return writeResultFiles(dir, "mutate", res, mutateMarkdown(res))
}

func mutateMarkdown(res *mutateResult) string {
	var b strings.Builder
	md := func(cells ...string) { mdRow(&b, cells...) }
	fmt.Fprintf(&b, "# tcpverify mutate: %s\n\n", res.Variant)
	fmt.Fprintf(&b, "**%s.**\n\n", res.scoreLine())
	fmt.Fprintf(&b, "Each mutant is the rule table of %s with one mistake (docs/properties.md, Mutation testing). ", res.Variant)
	b.WriteString("It is *killed* when a property the unmutated table satisfies at a point fails on it there (a `sometimes` property: the example can no longer be reached), or when it breaks the model itself (model error); ")
	b.WriteString("*equivalent* when at every point it has the same successors as the unmutated table in every state that table reaches, so that no property can tell them apart (left out of the score); ")
	b.WriteString("*survived* otherwise. A killed mutant names the first property that killed it, in the search that did (safety properties first, then eventually ones), and its trace's length; a survivor, the shortest run to a state where it behaves differently.\n\n")
	header, rows := res.table()
	md(header...)
	md("---", "--:", "--:", "--:", "--:", "--:")
	for _, row := range rows {
		md(row...)
	}
	b.WriteString("\n## Points\n\n")
	md("point", "settings", "seqspace", "states", "refused or stop", "verdicts of "+res.Variant)
	md("---", "---", "--:", "--:", "---", "---")
	for _, p := range res.Points {
		var vs []string
		for _, v := range p.Verdicts {
			vs = append(vs, v.Property+" "+v.Verdict.String())
		}
		why := p.Stop
		if p.Refused != "" {
			why = "refused: " + p.Refused
		}
		md(p.Name, strings.Join(p.Settings, ", "), fmt.Sprint(p.SeqSpace), fmt.Sprint(p.States), why, strings.Join(vs, ", "))
	}
	if slices.ContainsFunc(res.Points, func(p mutatePoint) bool { return len(p.Views) > 1 }) {
		b.WriteString("\n## Searches by ghost view\n\n")
		b.WriteString("Each point's variant was searched once per ghost view (--by-view); its states above are their sum. The mutants were compared in the searches marked screened.\n\n")
		md("point", "ghost data kept", "properties", "screened", "mutants first differing", "states", "complete")
		md("---", "---", "---", "---", "--:", "--:", "---")
		for _, p := range res.Points {
			for _, v := range p.Views {
				md(p.Name, v.Ghost, strings.Join(v.Properties, ", "), yesNo(v.Screen), fmt.Sprint(len(v.Differs)), fmt.Sprint(v.States), yesNo(v.Complete))
			}
		}
	}
	var survivors []mutantResult
	for _, m := range res.Mutants {
		if m.Class == classSurvived {
			survivors = append(survivors, m)
		}
	}
	if len(survivors) > 0 {
		fmt.Fprintf(&b, "\n## Survivors (%d)\n\n", len(survivors))
		md("mutant", "kind", "rule", "first difference")
		md("---", "---", "---", "---")
		for _, m := range survivors {
			md("`"+m.Name+"`", m.Kind, m.Rule, m.differs())
		}
	}
	b.WriteString("\n## Mutants\n\n")
	md("mutant", "kind", "class", "killed by", "first difference", "stop")
	md("---", "---", "---", "---", "---", "---")
	for _, m := range res.Mutants {
		by, diff := "", ""
		if m.Class == classKilled {
			by = m.killedBy()
		}
		if m.DiffersSteps >= 0 {
			diff = fmt.Sprintf("%d steps at %s", m.DiffersSteps, m.DiffersPoint)
		}
		md("`"+m.Name+"`", m.Kind, m.Class, by, diff, m.Stop)
	}
	return b.String()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
