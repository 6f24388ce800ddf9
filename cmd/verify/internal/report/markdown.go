package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/tcpverify/tcpverify/checker"
)

// WriteMarkdown writes r for people: the verdicts first, then the figures, then each trace
// as numbered steps.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# tcpverify report: %s\n\n", r.Command)
	verdict := "every property holds"
	switch {
	case !r.Result.Complete && r.violated() > 0:
		// A violation is final whatever was not explored, as the exit code says.
		verdict = fmt.Sprintf("%d of %d properties violated; INCOMPLETE: the search stopped early (%s), so the verdicts marked unknown were not decided",
			r.violated(), len(r.Properties), r.Result.Stop)
	case !r.Result.Complete:
		verdict = fmt.Sprintf("INCOMPLETE: the search stopped early (%s); verdicts marked unknown were not decided", r.Result.Stop)
	case r.violated() > 0:
		verdict = fmt.Sprintf("%d of %d properties violated", r.violated(), len(r.Properties))
	}
	fmt.Fprintf(&b, "**Verdict:** %s.\n\n", verdict)

	b.WriteString("## Model\n\n")
	fmt.Fprintf(&b, "- shape: %s\n- variant: %s\n", r.Model.Shape, r.Model.Variant)
	if len(r.Model.Config) > 0 {
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, r.Model.Config, "", "  "); err == nil {
			fmt.Fprintf(&b, "- config:\n\n```json\n%s\n```\n", pretty.String())
		}
	}
	b.WriteString("\n## Search\n\n| | |\n|---|---|\n")
	row := func(k, v string) { fmt.Fprintf(&b, "| %s | %s |\n", k, v) }
	row("complete", fmt.Sprint(r.Result.Complete))
	if r.Result.Stop != "" {
		row("stopped by", r.Result.Stop)
	}
	row("states", fmt.Sprint(r.Result.States))
	row("transitions", fmt.Sprint(r.Result.Transitions))
	row("max depth", fmt.Sprint(r.Result.MaxDepth))
	row("time", fmt.Sprintf("%.2f s", r.Result.Seconds))
	row("states/s", fmt.Sprintf("%.0f", r.Result.StatesPerSecond))
	row("peak heap", fmt.Sprintf("%.1f MiB", float64(r.Result.PeakHeapBytes)/(1<<20)))
	row("bytes/state", fmt.Sprintf("%.1f", r.Result.BytesPerState))
	row("workers", fmt.Sprint(r.Search.Workers))
	row("visited set", r.Search.Visited)
	if r.Search.Visited == "hash-compaction" {
		row("omission bound", fmt.Sprintf("%.3g", r.Result.OmissionBound))
	}
	if r.Graph != "" {
		row("state graph", drawing(r.GraphSVG, r.Graph))
	}

	b.WriteString("\n## Properties\n\n| property | kind | verdict | trace |\n|---|---|---|---|\n")
	for _, p := range r.Properties {
		trace := ""
		if p.Trace != nil {
			trace = fmt.Sprintf("%s, %d steps", p.Trace.Role, len(p.Trace.Steps))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", p.Name, p.Kind, p.Status, trace)
	}
	for _, p := range r.Properties {
		if p.Trace == nil {
			continue
		}
		fmt.Fprintf(&b, "\n### %s: %s\n\n%s\n\n", p.Name, p.Status, p.Description)
		if p.Trace.MSC != "" {
			fmt.Fprintf(&b, "Message sequence chart: %s\n\n", drawing(p.Trace.MSCSVG, p.Trace.MSC))
		}
		fmt.Fprintf(&b, "```\n0  start  %s\n", p.Trace.Start)
		for _, s := range p.Trace.Steps {
			mark := ""
			if p.Trace.Loop >= 0 && s.N == p.Trace.Loop+1 {
				mark = "   <- the cycle starts here"
			}
			fmt.Fprintf(&b, "%-2d %s%s\n   => %s\n", s.N, s.Story, mark, s.State)
		}
		if p.Trace.Loop >= 0 {
			fmt.Fprintf(&b, "(back to the state after step %d: the cycle repeats forever)\n", p.Trace.Loop)
		}
		b.WriteString("```\n")
	}
	if len(r.Coverage) > 0 {
		never := 0
		for _, c := range r.Coverage {
			if c.Fired == 0 {
				never++
			}
		}
		fmt.Fprintf(&b, "\n## Rule coverage\n\nHow many explored transitions each row of the %s table took part in; %d of %d rows never fired.\n\n| rule | fired |\n|---|---|\n",
			r.Model.Variant, never, len(r.Coverage))
		for _, c := range r.Coverage {
			fired := fmt.Sprint(c.Fired)
			if c.Fired == 0 {
				fired = "0 (never fired)"
			}
			fmt.Fprintf(&b, "| %s | %s |\n", c.Rule, fired)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\n> %s\n", n)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("report: write markdown: %w", err)
	}
	return nil
}

func (r *Report) violated() int {
	n := 0
	for _, p := range r.Properties {
		if p.Status == checker.Violated {
			n++
		}
	}
	return n
}

// drawing links a drawing: its SVG, with the DOT source beside it, or the DOT alone when
// it was not rendered.
func drawing(svg, dot string) string {
	if svg == "" {
		return fmt.Sprintf("[%s](%s)", dot, dot)
	}
	return fmt.Sprintf("[%s](%s) (source: [%s](%s))", svg, svg, dot, dot)
}
