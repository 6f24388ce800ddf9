package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// tinyConfig explores in milliseconds: no data, one incarnation, no faults, the smallest
// sequence space that allows.
func tinyConfig() fsm.Config {
	cfg := fsm.DefaultConfig()
	cfg.Units, cfg.Incarnations = [2]uint8{0, 0}, 1
	cfg.Faults, cfg.OldFrom = fsm.Faults{}, [2]bool{}
	cfg.SeqBits = cfg.MinSeqBits()
	return cfg
}

// tinyClaims are two claims on tinyConfig: "ready" is demonstrated, "wrong" names a refuter
// (fixed-isn) that does not violate its property, so it fails at every point.
func tinyClaims() []properties.Claim {
	return []properties.Claim{
		{Name: "ready", Property: properties.NoHalfOpenAcceptance, Refuters: []string{"two-way-handshake"}, Config: tinyConfig()},
		{Name: "wrong", Property: properties.NoHalfOpenAcceptance, Refuters: []string{"fixed-isn"}, Config: tinyConfig()},
	}
}

// invokeSweep runs verify sweep over tinyClaims in-process.
func invokeSweep(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmds := []command{{"sweep", "", sweepCommand(tinyClaims())}}
	code := runWith(context.Background(), cmds, append([]string{"sweep", "--progress=false"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func readSweep(t *testing.T, dir string) sweepResult {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "sweep.json"))
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var res sweepResult
	require.NoError(t, dec.Decode(&res))
	return res
}

func TestSweepOfADemonstratedClaimExitsZeroAndWritesBothFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	code, out, stderr := invokeSweep(t, "--claim", "ready", "--point", "loss=2", "--out", dir)
	require.Equal(t, exitOK, code, "stderr: %s\n%s", stderr, out)
	assert.Contains(t, out, "loss=2  ok")
	res := readSweep(t, dir)
	assert.Equal(t, []string{"ready"}, res.Claims)
	require.Len(t, res.Points, 1)
	assert.Equal(t, sweepPoint{Name: "loss=2", Settings: []string{"loss=2"}}, res.Points[0])
	require.Len(t, res.Runs, 2)
	rfc, refuter := res.Runs[0], res.Runs[1]
	assert.Equal(t, sweepRun{Point: "loss=2", Claim: "ready", Variant: fsm.RFC, Want: checker.Holds, Got: checker.Holds, OK: true,
		Steps: -1, Loop: -1, States: rfc.States, Seconds: rfc.Seconds, Complete: true, SeqSpace: 1 << tinyConfig().MinSeqBits()}, rfc)
	assert.Equal(t, "two-way-handshake", refuter.Variant)
	assert.Equal(t, checker.Violated, refuter.Got)
	assert.Positive(t, refuter.Steps)
	assert.Equal(t, sweepSummary{Runs: 2, OK: 2}, res.Summary)
	md, err := os.ReadFile(filepath.Join(dir, "sweep.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "| loss=2 | ok |")
	assert.Contains(t, string(md), "## Rule coverage")
}

func TestSweepReportsAFailedExpectationWithExitOne(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := invokeSweep(t, "--point", "base", "--out", dir)
	require.Equal(t, exitViolated, code, out)
	assert.Contains(t, out, "FAIL fixed-isn holds")
	assert.Contains(t, out, "base  wrong  fixed-isn: want violated, got holds, no trace")
	res := readSweep(t, dir)
	assert.Equal(t, sweepSummary{Runs: 4, OK: 3, Failed: 1}, res.Summary)
	md, err := os.ReadFile(filepath.Join(dir, "sweep.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "## Failed expectations")
}

func TestSweepRaisesTheSequenceSpaceOfAPointThatDoesNotFit(t *testing.T) {
	// Three incarnations need more numbers than the claim's space, the smallest one
	// incarnation allows (the ISN clock strides over each connection, RFC 9293 §3.4.1): the
	// point runs at the smallest space it allows and says so.
	at := tinyConfig()
	at.Incarnations = 3
	want := 1 << at.MinSeqBits()
	require.Greater(t, at.MinSeqBits(), tinyConfig().SeqBits, "the point must not fit the claim's space")
	dir := t.TempDir()
	code, out, _ := invokeSweep(t, "--claim", "ready", "--point", "incarnations=3", "--out", dir)
	require.Equal(t, exitOK, code, out)
	assert.Contains(t, out, fmt.Sprintf("incarnations=3 (seqspace raised to %d)", want))
	for _, r := range readSweep(t, dir).Runs {
		assert.True(t, r.Raised)
		assert.Equal(t, want, r.SeqSpace)
	}
}

func TestSweepCallsABoundedRunIncompleteNotHolding(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := invokeSweep(t, "--claim", "ready", "--point", "base", "--max-states", "5", "--out", dir)
	require.Equal(t, exitIncomplete, code, out)
	assert.Contains(t, out, "base   incomplete")
	res := readSweep(t, dir)
	rfc := res.Runs[0]
	assert.Equal(t, checker.Unknown, rfc.Got)
	assert.False(t, rfc.OK)
	assert.False(t, rfc.Complete)
	assert.Contains(t, rfc.Stop, "state")
	assert.Equal(t, 1, res.Summary.Incomplete)

	// A failure elsewhere wins over incompleteness.
	res.Runs = append(res.Runs, sweepRun{Point: "x", Claim: "ready", Variant: "v", Want: checker.Violated, Got: checker.Holds, Complete: true})
	res.Summary = sweepSummary{}
	res.summarize()
	assert.Equal(t, exitViolated, sweepCode(&res))
}

func TestSweepBadFlagsExitTwoWithOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--grid", "nope"}, `grid "nope": want ci or wide`},
		{[]string{"--claim", "nope"}, `unknown claim "nope" (valid: ready, wrong)`},
		{[]string{"--point", "nope"}, `unknown point "nope" in grid ci`},
		{[]string{"--point", "loss=2,dup=2"}, `unknown point "loss=2,dup=2" in grid ci`},
		{[]string{"--timeout", "-1s"}, "timeout"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, stderr := invokeSweep(t, append(tc.args, "--out", t.TempDir())...)
			assert.Equal(t, exitBadInput, code)
			assert.Empty(t, out)
			assertOneLine(t, stderr, tc.want)
		})
	}
}

func TestSweepOutputDoesNotDependOnTheWorkers(t *testing.T) {
	var outs [2]sweepResult
	for i, w := range []string{"1", "2"} {
		dir := t.TempDir()
		code, _, _ := invokeSweep(t, "--point", "dup=2", "--workers", w, "--out", dir)
		require.Equal(t, exitViolated, code)
		outs[i] = readSweep(t, dir)
		for j := range outs[i].Runs {
			outs[i].Runs[j].Seconds = 0
		}
	}
	assert.Equal(t, outs[0], outs[1])
}

func TestGridsListBaseThenSinglesThenPairs(t *testing.T) {
	ci, err := gridPoints("ci")
	require.NoError(t, err)
	var names []string
	for _, p := range ci {
		names = append(names, p.name)
	}
	assert.Equal(t, []string{"base", "loss=2", "dup=2", "inject=2", "crash=1", "capacity=3", "units=2",
		"incarnations=3", "window=1", "window=4", "shape=both-active", "calls=+abort+user-timeout"}, names)
	wide, err := gridPoints("wide")
	require.NoError(t, err)
	// 11 settings over 10 parameters: 55 pairs less the one pair of two windows.
	assert.Len(t, wide, len(ci)+54)
	assert.Equal(t, "loss=2,dup=2", wide[len(ci)].name)
	for _, p := range wide {
		assert.NotContains(t, p.name, "window=1,window=4")
	}
}

func TestCallsPointAddsAbortAndUserTimeoutToTheShapesCalls(t *testing.T) {
	pts, err := gridPoints("wide")
	require.NoError(t, err)
	p, err := lookupPoint(pts, "wide", "shape=both-active,calls=+abort+user-timeout")
	require.NoError(t, err)
	cfg, raised, refused := configAt(fsm.DefaultConfig(), p, fsm.RFC)
	require.NoError(t, refused)
	assert.Zero(t, raised)
	want := fsm.CallOpen | fsm.CallSend | fsm.CallClose | fsm.CallAbort | fsm.CallUserTimeout
	assert.Equal(t, [2]fsm.Calls{want, want}, cfg.Calls)
}
