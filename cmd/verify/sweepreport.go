package main

// The sweep's reports: the matrix on stdout and in sweep.md, and the lists below it.

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// cellText is the matrix's verdict for claim at point: ok, or each failed run
// ("FAIL rfc9293 violated (12)"), then "incomplete" or "refused: ..." for runs that could
// not decide.
func (res *sweepResult) cellText(pt, claim string) string {
	var fails []string
	incomplete, refused, na := false, "", false
	for _, r := range res.Runs {
		if r.Point != pt || r.Claim != claim {
			continue
		}
		switch {
		case r.NotApplicable:
			na = true
		case r.refused:
			refused = r.Stop
		case r.failed():
			f := fmt.Sprintf("FAIL %s %s", r.Variant, r.Got)
			if r.Steps >= 0 {
				f += fmt.Sprintf(" (%d)", r.Steps)
			}
			fails = append(fails, f)
		case r.undecided():
			incomplete = true
		}
	}
	if refused != "" {
		fails = append(fails, refused)
	}
	if incomplete {
		fails = append(fails, "incomplete")
	}
	switch {
	case len(fails) > 0:
		return strings.Join(fails, "; ")
	case na:
		return "n/a"
	}
	return "ok"
}

// rowTotals are a point's states and seconds over its explorations, each counted once
// however many runs it served.
func (res *sweepResult) rowTotals(pt string) (states uint64, seconds float64) {
	for _, e := range res.Explorations {
		if e.Point == pt {
			states += e.States
			seconds += e.Seconds
		}
	}
	return states, seconds
}

// pointLabel is the point's name, with the sequence spaces runs had to raise theirs to,
// and how many of its runs did when not all: each claim has its own config, and a claim
// whose space the point's settings fit keeps it.
func (res *sweepResult) pointLabel(pt string) string {
	var spaces []string
	raised, runs := 0, 0
	for _, r := range res.Runs {
		if r.Point != pt {
			continue
		}
		runs++
		if r.Raised {
			raised++
			if n := fmt.Sprint(r.SeqSpace); !slices.Contains(spaces, n) {
				spaces = append(spaces, n)
			}
		}
	}
	switch {
	case raised == 0:
		return pt
	case raised == runs:
		return fmt.Sprintf("%s (seqspace raised to %s)", pt, strings.Join(spaces, ", "))
	}
	return fmt.Sprintf("%s (seqspace raised to %s in %d of %d runs)", pt, strings.Join(spaces, ", "), raised, runs)
}

// matrix is the table of points by claims, with each row's states and seconds.
func (res *sweepResult) matrix() (header []string, rows [][]string) {
	header = append([]string{"point"}, res.Claims...)
	header = append(header, "states", "s")
	for _, p := range res.Points {
		row := []string{res.pointLabel(p.Name)}
		for _, c := range res.Claims {
			row = append(row, res.cellText(p.Name, c))
		}
		states, secs := res.rowTotals(p.Name)
		row = append(row, fmt.Sprint(states), fmt.Sprintf("%.1f", secs))
		rows = append(rows, row)
	}
	return header, rows
}

// maxMatrixWidth is the widest matrix printed on stdout as it is in sweep.md; a wider one
// (the grids' fifty-odd claims) is printed a character per cell.
const maxMatrixWidth = 200

// Cell marks of the compact matrix.
var cellMarks = []struct{ mark, meaning string }{
	{".", "ok"}, {"F", "an expectation failed"}, {"?", "undecided (a bound stopped a run, or the point was refused)"}, {"-", "not applicable"},
}

// printCompactMatrix prints the matrix with one character per cell, claims numbered in
// columns, and the legend: what fits a terminal; sweep.md has the cells in words.
func (res *sweepResult) printCompactMatrix(w io.Writer) {
	header := []string{"point", "claims 1-" + fmt.Sprint(len(res.Claims)), "states", "s"}
	var rows [][]string
	for _, p := range res.Points {
		var cells strings.Builder
		for _, c := range res.Claims {
			cells.WriteString(res.cellMark(p.Name, c))
		}
		states, secs := res.rowTotals(p.Name)
		rows = append(rows, []string{res.pointLabel(p.Name), cells.String(), fmt.Sprint(states), fmt.Sprintf("%.1f", secs)})
	}
	printTable(w, header, rows, func(col, cols int) bool { return col >= cols-2 })
	var legend []string
	for _, m := range cellMarks {
		legend = append(legend, fmt.Sprintf("%s %s", m.mark, m.meaning))
	}
	fmt.Fprintf(w, "\ncells: %s (sweep.md has them in words)\nclaims:", strings.Join(legend, ", "))
	for i, c := range res.Claims {
		fmt.Fprintf(w, " %d %s", i+1, c)
		if i+1 < len(res.Claims) {
			w.Write([]byte(","))
		}
	}
	fmt.Fprintln(w)
}

// cellMark is the compact matrix's mark for a cell: the first of failed, undecided, not
// applicable that some run of it is, else ok.
func (res *sweepResult) cellMark(pt, claim string) string {
	text := res.cellText(pt, claim)
	switch {
	case strings.Contains(text, "FAIL"):
		return "F"
	case text == "ok":
		return "."
	case text == "n/a":
		return "-"
	}
	return "?"
}

func (r sweepRun) trace() string {
	if r.Steps < 0 {
		return "no trace"
	}
	t := fmt.Sprintf("%d steps", r.Steps)
	if r.Loop >= 0 {
		t += fmt.Sprintf(" (lasso, cycle from step %d)", r.Loop+1)
	}
	return t
}

func printSweep(w io.Writer, res *sweepResult) {
	fmt.Fprintf(w, "sweep %s: %d points x %d claims, %d runs in %d explorations\n", res.Grid, len(res.Points), len(res.Claims), len(res.Runs), len(res.Explorations))
	if n := res.reused(); n > 0 {
		fmt.Fprintf(w, "%d of the explorations taken from the earlier sweep.json (--resume), %d searched\n", n, len(res.Explorations)-n)
	}
	fmt.Fprintln(w)
	header, rows := res.matrix()
	if tableWidth(header, rows) <= maxMatrixWidth {
		printTable(w, header, rows, func(col, cols int) bool { return col >= cols-2 })
	} else {
		res.printCompactMatrix(w)
	}
	var failed, undecided, na []sweepRun
	for _, r := range res.Runs {
		switch {
		case r.failed():
			failed = append(failed, r)
		case r.undecided():
			undecided = append(undecided, r)
		case r.NotApplicable:
			na = append(na, r)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(w, "\nfailed expectations (%d):\n", len(failed))
		for _, r := range failed {
			fmt.Fprintf(w, "  %s  %s  %s: want %s, got %s, %s\n", r.Point, r.Claim, r.Variant, r.Want, r.Got, r.trace())
		}
	}
	if len(undecided) > 0 {
		fmt.Fprintf(w, "\nnot decided (%d):\n", len(undecided))
		for _, r := range undecided {
			what := "incomplete: " + r.Stop
			if r.refused {
				what = r.Stop
			}
			fmt.Fprintf(w, "  %s  %s  %s: want %s, %s\n", r.Point, r.Claim, r.Variant, r.Want, what)
		}
	}
	if len(na) > 0 {
		fmt.Fprintf(w, "\nnot applicable (%d):\n", len(na))
		for _, r := range na {
			fmt.Fprintf(w, "  %s  %s  %s: %s\n", r.Point, r.Claim, r.Variant, strings.TrimPrefix(r.Stop, "not applicable: "))
		}
	}
	fmt.Fprintf(w, "\n%s\n", res.Coverage)
	s := res.Summary
	fmt.Fprintf(w, "%s\n", s)
}

// sweepFile names the files a sweep writes, which replace an earlier sweep's: a sweep's
// commit removes a checkpoint left in the directory, which its sweep.json supersedes.
func sweepFile(name string) bool {
	return name == "sweep.md" || name == "sweep.json" || name == checkpointFile
}

// writeSweep writes sweep.json and sweep.md into dir.
func writeSweep(dir string, res *sweepResult) error {
	return writeResultFiles(dir, "sweep", res, sweepMarkdown(res))
}

func sweepMarkdown(res *sweepResult) string {
	var b strings.Builder
	s := res.Summary
	fmt.Fprintf(&b, "# tcpverify sweep: %s grid\n\n", res.Grid)
	fmt.Fprintf(&b, "**Verdict:** %s.\n\n", s)
	b.WriteString("Each point is every claim's own config with the named parameters at their envelope maxima; a cell is `ok` when the RFC model holds and every refuting variant violates, otherwise each failed run as `FAIL variant verdict (trace length)`, and `n/a` when the point contradicts the claim's premise (listed below). The `holds:` columns are the other properties of the RFC model, checked at the default configuration with the point's parameters. ")
	fmt.Fprintf(&b, "The %d runs share %d explorations: the runs of a point that need the same variant on the same config are decided by one search of all their claims' properties, which gives each the verdict and shortest trace it would get alone. A row's states and seconds count each of its explorations once; with --jobs above 1 explorations overlap, so the seconds add up to more than the sweep took.\n\n", len(res.Runs), len(res.Explorations))
	header, rows := res.matrix()
	md := func(cells []string) { mdRow(&b, cells...) }
	md(header)
	md(strings.Split(strings.Repeat("---,", len(header)-2)+"--:,--:", ","))
	for _, row := range rows {
		md(row)
	}
	var failed, na []sweepRun
	for _, r := range res.Runs {
		if r.failed() {
			failed = append(failed, r)
		} else if r.NotApplicable {
			na = append(na, r)
		}
	}
	if len(failed) > 0 {
		b.WriteString("\n## Failed expectations\n\n")
		md([]string{"point", "claim", "variant", "want", "got", "trace"})
		md([]string{"---", "---", "---", "---", "---", "---"})
		for _, r := range failed {
			md([]string{r.Point, r.Claim, r.Variant, r.Want.String(), r.Got.String(), r.trace()})
		}
	}
	if len(na) > 0 {
		b.WriteString("\n## Not applicable\n\n")
		md([]string{"point", "claim", "variant", "why"})
		md([]string{"---", "---", "---", "---"})
		for _, r := range na {
			md([]string{r.Point, r.Claim, r.Variant, strings.TrimPrefix(r.Stop, "not applicable: ")})
		}
	}
	b.WriteString("\n## Runs\n\n")
	b.WriteString("A run's states and seconds are those of the exploration that decided it (numbered as in the explorations below): runs that share one show the same totals.\n\n")
	md([]string{"point", "claim", "variant", "want", "got", "ok", "trace", "states", "s", "exploration", "stop"})
	md([]string{"---", "---", "---", "---", "---", "---", "---", "--:", "--:", "--:", "---"})
	for _, r := range res.Runs {
		exp := ""
		if r.Exploration >= 0 {
			exp = fmt.Sprint(r.Exploration + 1)
		}
		md([]string{r.Point, r.Claim, r.Variant, r.Want.String(), r.Got.String(), fmt.Sprint(r.OK), r.trace(),
			fmt.Sprint(r.States), fmt.Sprintf("%.2f", r.Seconds), exp, r.Stop})
	}
	b.WriteString("\n## Explorations\n\n")
	if n := res.reused(); n > 0 {
		fmt.Fprintf(&b, "%d of the %d explorations were taken from an earlier sweep of the same build (`--resume`), with that sweep's figures: they are marked *reused*.\n\n", n, len(res.Explorations))
	}
	md([]string{"exploration", "point", "variant", "claims", "properties", "states", "s", "stop"})
	md([]string{"--:", "---", "---", "---", "---", "--:", "--:", "---"})
	for i, e := range res.Explorations {
		stop := e.Stop
		if e.Reused {
			stop = strings.TrimPrefix(stop+"; reused", "; ")
		}
		md([]string{fmt.Sprint(i + 1), e.Point, e.Variant, strings.Join(e.Claims, ", "), strings.Join(e.Properties, ", "),
			fmt.Sprint(e.States), fmt.Sprintf("%.2f", e.Seconds), stop})
	}
	b.WriteString("\n## Rule coverage\n\n")
	fmt.Fprintf(&b, "%s.", res.Coverage)
	b.WriteString(" Each RFC run adds the counts of the exploration that decided it, as if it had run alone, so an exploration shared by several runs counts once for each. A row marked unreached is there for segments the model never makes (docs/model.md, All the rules, says why).")
	b.WriteString("\n\n")
	md([]string{"rule", "fired"})
	md([]string{"---", "--:"})
	for _, c := range res.Coverage.Rows {
		md([]string{c.Rule, fmt.Sprint(c.Fired)})
	}
	return b.String()
}
