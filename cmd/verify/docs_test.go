package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/docgen"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/pipeline"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// docsDir is the committed docs, from this package's directory.
var docsDir = filepath.Join("..", "..", "docs")

func recordedRuns(t *testing.T) *docgen.Runs {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(docsDir, docgen.GeneratedDir, "runs.json"))
	require.NoError(t, err)
	runs, err := docgen.ParseRuns(data)
	require.NoError(t, err)
	return runs
}

// TestTheCommittedDocsAreWhatTheCodeGenerates rebuilds every diagram and table from the
// code and the recorded runs (docs/generated/runs.json), and compares: DOT and markdown
// byte for byte, the marked sections of the hand-written docs, and each SVG with a fresh
// rendering of its DOT when the installed Graphviz is the version that rendered it. It
// takes a second, so it runs under the race detector too; that the recorded runs are what
// the checker finds is TestTheRecordedRunsAreWhatTheCheckerFinds.
func TestTheCommittedDocsAreWhatTheCodeGenerates(t *testing.T) {
	set, err := docgen.Build(context.Background(), recordedRuns(t))
	require.NoError(t, err)
	dotPath, _ := exec.LookPath("dot")
	problems, err := docgen.Diff(docsDir, set, dotPath)
	require.NoError(t, err)
	if len(problems) > 0 {
		t.Errorf("docs/ is out of date; run go run ./cmd/verify docs and commit the result:\n  %s",
			strings.Join(problems, "\n  "))
	}
}

// TestTheRecordedRunsAreWhatTheCheckerFinds runs every claim and the check of the RFC model
// again and compares with docs/generated/runs.json. It takes minutes and gigabytes (too
// much under the race detector), so it runs only when TCPVERIFY_DOCS_SEARCH is set:
//
//	TCPVERIFY_DOCS_SEARCH=1 go test -run TestTheRecordedRuns ./cmd/verify
func TestTheRecordedRunsAreWhatTheCheckerFinds(t *testing.T) {
	if os.Getenv("TCPVERIFY_DOCS_SEARCH") == "" {
		t.Skip("set TCPVERIFY_DOCS_SEARCH=1 to search again (minutes; not under -race)")
	}
	runs, err := docgen.Search(context.Background(), 2, nil)
	require.NoError(t, err)
	got, err := runs.Marshal()
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join(docsDir, docgen.GeneratedDir, "runs.json"))
	require.NoError(t, err)
	if !bytes.Equal(want, got) {
		t.Errorf("docs/generated/runs.json is out of date; run go run ./cmd/verify docs")
	}
}

// TestTheRecordedTracesStillReplay replays every recorded trace on the current model, a
// cheap check (it runs under -race) that a rule change has not made a chart in docs/ a
// story the model no longer tells.
func TestTheRecordedTracesStillReplay(t *testing.T) {
	runs := recordedRuns(t)
	for _, r := range runs.Claims {
		if r.Chart == nil {
			continue
		}
		t.Run(r.Claim+"/"+r.Variant, func(t *testing.T) {
			c, err := properties.LookupClaim(r.Claim)
			require.NoError(t, err)
			sys, err := fsm.NewSystem(c.Config, r.Variant)
			require.NoError(t, err)
			require.NoError(t, docgen.Replay(sys, r.Actions, r.Chart))
		})
	}
	for _, v := range runs.Check.Verdicts {
		if v.Chart == nil {
			continue
		}
		t.Run("check/"+v.Property, func(t *testing.T) {
			sys, err := fsm.NewSystem(fsm.DefaultConfig(), fsm.RFC)
			require.NoError(t, err)
			require.NoError(t, docgen.Replay(sys, v.Actions, v.Chart))
		})
	}
}

func TestAReplayFailsWhenTheModelNoLongerTellsTheRecordedRun(t *testing.T) {
	runs := recordedRuns(t)
	var r *pipeline.ClaimRun
	for i := range runs.Claims {
		if runs.Claims[i].Chart != nil && len(runs.Claims[i].Actions) > 1 {
			r = &runs.Claims[i]
			break
		}
	}
	require.NotNil(t, r, "no recorded trace to replay")
	c, err := properties.LookupClaim(r.Claim)
	require.NoError(t, err)
	sys, err := fsm.NewSystem(c.Config, r.Variant)
	require.NoError(t, err)
	require.NoError(t, docgen.Replay(sys, r.Actions, r.Chart))

	chart := *r.Chart
	chart.Steps = slices.Clone(chart.Steps)
	chart.Steps[0].Note += " (changed)"
	assert.ErrorContains(t, docgen.Replay(sys, r.Actions, &chart), "step 1: the chart says")

	acts := slices.Clone(r.Actions)
	acts[0], acts[1] = acts[1], acts[0]
	assert.ErrorContains(t, docgen.Replay(sys, acts, r.Chart), "not enabled")
	assert.ErrorContains(t, docgen.Replay(sys, acts[1:], r.Chart), "actions recorded for a chart of")
}

func TestDocsRejectsBadFlags(t *testing.T) {
	var out, errb bytes.Buffer
	code, err := runDocs(context.Background(), []string{"-workers", "0"}, &out, &errb)
	assert.Equal(t, exitBadInput, code)
	assert.ErrorContains(t, err, "workers")
	code, err = runDocs(context.Background(), []string{"-help"}, &out, &errb)
	assert.Equal(t, exitOK, code)
	assert.NoError(t, err)
	assert.Contains(t, out.String(), "-cached")
}
