package checker_test

// The reachable graph kept by Config.Graph, its projection, and its DOT export.

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpverify/tcpverify/checker"
)

// columns is grid(2) drawn by column: states merge by X, and moves by direction.
type columns struct{ *toy[cell] }

func (columns) Project(c cell) string { return fmt.Sprintf("x=%d", c.X) }

func (columns) ProjectAction(_ cell, a string) string {
	if a == "x+" {
		return "east"
	}
	return "north"
}

func columnsModel() columns {
	return columns{grid(2).with(checker.Always("x+y<4", func(c cell) bool { return c.X+c.Y < 4 }))}
}

// columnsGraph is worked out by hand: three columns of three states; "north" stays in a
// column (two moves each), "east" crosses to the next (three moves each). (0,0) is initial,
// (2,2) is terminal and violates x+y<4.
var columnsGraph = &checker.Graph{
	Nodes: []checker.GraphNode{
		{Label: "x=0", States: 3, Initial: true},
		{Label: "x=1", States: 3},
		{Label: "x=2", States: 3, Terminal: true, Violating: true},
	},
	Edges: []checker.GraphEdge{
		{From: 0, To: 0, Label: "north", Count: 2},
		{From: 0, To: 1, Label: "east", Count: 3},
		{From: 1, To: 1, Label: "north", Count: 2},
		{From: 1, To: 2, Label: "east", Count: 3},
		{From: 2, To: 2, Label: "north", Count: 2},
	},
}

func TestGraphMergesProjectedStatesAndActions(t *testing.T) {
	for _, cfg := range configs(checker.Config{Graph: true}) {
		res, err := mustRun(columnsModel(), cfg)
		require.NoError(t, err)
		assert.Equal(t, columnsGraph, res.Graph, "workers %d, %v", cfg.Workers, cfg.Visited)
	}
}

func TestGraphWithoutProjectionHasOneNodePerState(t *testing.T) {
	res, err := mustRun(binaryClock(), checker.Config{Graph: true})
	require.NoError(t, err)
	want := &checker.Graph{
		Nodes: []checker.GraphNode{
			{Label: "0", States: 1, Initial: true},
			{Label: "1", States: 1, Initial: true},
		},
		Edges: []checker.GraphEdge{
			{From: 0, To: 1, Label: "go-high", Count: 1},
			{From: 1, To: 0, Label: "go-low", Count: 1},
		},
	}
	assert.Equal(t, want, res.Graph)
}

func TestGraphIsKeptOnlyWhenAsked(t *testing.T) {
	res, err := mustRun(columnsModel(), checker.Config{})
	require.NoError(t, err)
	assert.Nil(t, res.Graph)
}

func TestWriteDOTIsStyledAndTheSameBytesEveryTime(t *testing.T) {
	var first []byte
	for round := range 2 {
		for _, cfg := range configs(checker.Config{Graph: true}) {
			res, err := mustRun(columnsModel(), cfg)
			require.NoError(t, err)
			var buf bytes.Buffer
			require.NoError(t, checker.WriteDOT(&buf, res.Graph, "columns"))
			if first == nil {
				first = buf.Bytes()
				continue
			}
			require.Equal(t, string(first), buf.String(), "round %d, workers %d, %v", round, cfg.Workers, cfg.Visited)
		}
	}
	out := string(first)
	assert.Contains(t, out, "digraph")
	assert.Contains(t, out, "columns")
	node := func(label string) string {
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, `"`+label+`"`) && !strings.Contains(line, "->") {
				return line
			}
		}
		t.Fatalf("no node labelled %q in\n%s", label, out)
		return ""
	}
	// Documented styles: initial nodes bold, terminal nodes a double border, violating red.
	assert.Contains(t, node("x=0"), "bold")
	assert.NotContains(t, node("x=0"), "red")
	assert.NotContains(t, node("x=1"), "bold")
	assert.NotContains(t, node("x=1"), "red")
	assert.NotContains(t, node("x=1"), "peripheries")
	assert.Contains(t, node("x=2"), "red")
	assert.Contains(t, node("x=2"), "peripheries")
	assert.Equal(t, len(columnsGraph.Edges), strings.Count(out, "->"), "one DOT edge per graph edge")
	for _, label := range []string{"north (2)", "east (3)"} {
		assert.Contains(t, out, label)
	}

	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Log("graphviz dot is not on PATH; the output is not rendered")
		return
	}
	cmd := exec.CommandContext(context.Background(), dot, "-Tsvg")
	cmd.Stdin = bytes.NewReader(first)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	svg, err := cmd.Output()
	require.NoError(t, err, "dot -Tsvg: %s\ninput:\n%s", stderr.String(), out)
	assert.Contains(t, string(svg), "<svg")
	assert.Empty(t, stderr.String(), "dot warnings")
}

func TestWriteDOTWithoutAGraphIsAnError(t *testing.T) {
	assert.Error(t, checker.WriteDOT(&bytes.Buffer{}, nil, "none"))
}

// TestWriteDOTEscapesAwkwardLabels: labels come from %v of arbitrary states, so quotes,
// backslashes, newlines and DOT punctuation must all survive as text.
func TestWriteDOTEscapesAwkwardLabels(t *testing.T) {
	labels := []string{`say "hi"`, `back\slash`, "two\nlines", `{a|b}`, `<html>`, `a;b->c`, ""}
	g := &checker.Graph{}
	for i, l := range labels {
		g.Nodes = append(g.Nodes, checker.GraphNode{Label: l, States: 1, Initial: i == 0})
		g.Edges = append(g.Edges, checker.GraphEdge{From: i, To: (i + 1) % len(labels), Label: l, Count: 1})
	}
	var buf bytes.Buffer
	require.NoError(t, checker.WriteDOT(&buf, g, `name "with" quotes`))
	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("graphviz dot is not on PATH")
	}
	cmd := exec.CommandContext(context.Background(), dot, "-Tplain")
	cmd.Stdin = bytes.NewReader(buf.Bytes())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	plain, err := cmd.Output()
	require.NoError(t, err, "dot -Tplain: %s\ninput:\n%s", stderr.String(), buf.String())
	// -Tplain lists one "node" line per node and one "edge" line per edge.
	assert.Equal(t, len(labels), strings.Count(string(plain), "\nnode "), "nodes in\n%s", plain)
	assert.Equal(t, len(labels), strings.Count(string(plain), "\nedge "), "edges in\n%s", plain)
}

func TestWriteDOTWithFoldsSelfLoopsIntoTheirNodeAndRanksRows(t *testing.T) {
	g := &checker.Graph{
		Nodes: []checker.GraphNode{{Label: "start", Initial: true}, {Label: "middle"}, {Label: "end", Terminal: true}},
		Edges: []checker.GraphEdge{
			{From: 0, To: 0, Label: "wait", Count: 3},
			{From: 0, To: 1, Label: "go", Count: 1},
			{From: 1, To: 1, Label: "a", Count: 1}, {From: 1, To: 1, Label: "b", Count: 2},
			{From: 1, To: 1, Label: "c", Count: 1}, {From: 1, To: 1, Label: "d", Count: 1},
			{From: 1, To: 1, Label: "e", Count: 1},
			{From: 1, To: 2, Label: "stop", Count: 2},
		},
	}
	groups := map[string]string{"start": "first", "middle": "second", "end": ""}
	opts := checker.DOTOptions{FoldSelfLoops: true, Group: func(label string) (string, int) {
		if label == "start" {
			return groups[label], 0
		}
		return groups[label], 1
	}}
	var buf bytes.Buffer
	require.NoError(t, checker.WriteDOTWith(&buf, g, "folded", opts))
	out := buf.String()
	assert.Equal(t, 2, strings.Count(out, "->"), "only the edges between nodes are drawn:\n%s", out)
	assert.Contains(t, out, `label="start\n⟲ 3 in 1 action"`)
	assert.Contains(t, out, `label="middle\n⟲ 6 in 5 actions"`)
	assert.Contains(t, out, `tooltip="a (1)\nb (2)\nc (1)\nd (1)\ne (1)"`)
	assert.Contains(t, out, `"stop (2)"`)
	// A box per group, in order, each holding its node; a node of group "" stays outside.
	assert.Equal(t, 2, strings.Count(out, "subgraph cluster"), out)
	assert.Regexp(t, `(?s)subgraph cluster\w*\s*\{[^}]*label="first"[^}]*label="start`, out)
	assert.Regexp(t, `(?s)subgraph cluster\w*\s*\{[^}]*label="second"[^}]*label="middle`, out)
	assert.Less(t, strings.Index(out, `"first"`), strings.Index(out, `"second"`))
	var again bytes.Buffer
	require.NoError(t, checker.WriteDOTWith(&again, g, "folded", opts))
	assert.Equal(t, out, again.String(), "the same bytes every time")
	// Without options nothing is folded.
	var plain bytes.Buffer
	require.NoError(t, checker.WriteDOT(&plain, g, "plain"))
	assert.Equal(t, len(g.Edges), strings.Count(plain.String(), "->"))
}
