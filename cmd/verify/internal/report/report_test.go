package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tcpverify/tcpverify/checker"

	"github.com/stretchr/testify/require"
)

func sample() *Report {
	return &Report{
		Schema: SchemaID, Tool: "tcpverify", Command: "check",
		Model:  Model{Shape: "client-server", Variant: "rfc9293", Config: json.RawMessage(`{"seqspace":8}`)},
		Search: Search{Workers: 2, Visited: "exact"},
		Result: Result{Complete: true, States: 10, Transitions: 20, MaxDepth: 3, Seconds: 0.5, StatesPerSecond: 20},
		Properties: []Property{
			{Name: "no deadlock", Kind: "deadlock", Description: "d", Status: checker.Holds},
			{Name: "isn agreement", Kind: "always", Description: "both ISNs agree", Status: checker.Violated, Trace: &Trace{
				Role: "counterexample", Loop: -1, Start: "A=CLOSED B=LISTEN", MSC: "msc-isn-agreement.dot",
				Steps: []Step{{N: 1, Actor: "A", Action: "A open", Story: "A calls OPEN: CLOSED -> SYN-SENT", State: "A=SYN-SENT B=LISTEN"}},
			}},
		},
		Graph:    "graph.dot",
		Coverage: []RuleCoverage{{Rule: "closed/open", Fired: 3}, {Rule: "listen/abort", Fired: 0}},
	}
}

func TestReportJSONValidatesAgainstItsSchema(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, sample().WriteJSON(&b))
	require.NoError(t, Validate(b.Bytes()))
}

func TestSchemaRejectsAnUnknownStatus(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, sample().WriteJSON(&b))
	raw := strings.Replace(b.String(), `"status": "holds"`, `"status": "maybe"`, 1)
	require.NotEqual(t, b.String(), raw, "the sample has a holding property")
	require.Error(t, Validate([]byte(raw)))
}

func TestSchemaRejectsBrokenReports(t *testing.T) {
	cases := map[string]func(r *Report){
		"incomplete without reason": func(r *Report) { r.Result.Complete = false },
		"step numbered from zero":   func(r *Report) { r.Properties[1].Trace.Steps[0].N = 0 },
		"no workers":                func(r *Report) { r.Search.Workers = 0 },
		"coverage without a rule":   func(r *Report) { r.Coverage[0].Rule = "" },
		"wrong tool":                func(r *Report) { r.Tool = "spin" },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			r := sample()
			mutate(r)
			var b bytes.Buffer
			require.NoError(t, r.WriteJSON(&b))
			require.Error(t, Validate(b.Bytes()))
		})
	}
}

func TestMarkdownTellsVerdictFiguresAndStory(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, sample().WriteMarkdown(&b))
	out := b.String()
	for _, want := range []string{"1 of 2 properties violated", "| states | 10 |", "A calls OPEN: CLOSED -> SYN-SENT", "msc-isn-agreement.dot", "| isn agreement | always | violated | counterexample, 1 steps |",
		"## Rule coverage", "1 of 2 rows never fired", "| closed/open | 3 |", "| listen/abort | 0 (never fired) |"} {
		require.Contains(t, out, want)
	}
	r := sample()
	r.Result.Complete, r.Result.Stop = false, "state limit reached: 5 states"
	b.Reset()
	require.NoError(t, r.WriteMarkdown(&b))
	require.True(t, strings.Contains(b.String(), "INCOMPLETE"), b.String())
	// A violation is final: it comes first, as the exit code says.
	require.Contains(t, b.String(), "**Verdict:** 1 of 2 properties violated; INCOMPLETE")
	for i := range r.Properties {
		if r.Properties[i].Status == checker.Violated {
			r.Properties[i].Status, r.Properties[i].Trace = checker.Unknown, nil
		}
	}
	b.Reset()
	require.NoError(t, r.WriteMarkdown(&b))
	require.Contains(t, b.String(), "**Verdict:** INCOMPLETE: the search stopped early")
}
