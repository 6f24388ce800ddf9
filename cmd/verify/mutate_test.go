package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpverify/tcpverify/checker"
)

// tinyFlags choose tinyConfig on the command line: no data, one incarnation, no faults.
var tinyFlags = []string{"--units", "0", "--loss", "0", "--dup", "0", "--inject", "0"}

// Mutants of the RFC table whose class at tinyConfig is known.
const (
	twoWay      = "retarget listen/syn -> ESTABLISHED" // the two-way handshake: killed
	noOpen      = "delete closed/open"                 // A never opens: killed
	unreached   = "delete listen/other"                // a row no run fires: equivalent
	silentClose = "delete close-wait/delayed-ack"      // the held ACK rides on the FIN: survives
)

// invokeMutate runs verify mutate in-process at tinyConfig with the given flags.
func invokeMutate(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	all := append([]string{"mutate", "--progress=false"}, tinyFlags...)
	code := run(ctx, append(all, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func readMutate(t *testing.T, dir string) (mutateResult, []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "mutate.json"))
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var res mutateResult
	require.NoError(t, dec.Decode(&res))
	return res, data
}

func mutantsOf(args ...string) []string {
	var out []string
	for _, a := range args {
		out = append(out, "--mutant", a)
	}
	return out
}

func TestMutateClassifiesKilledEquivalentAndSurvivingMutants(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "m")
	code, out, stderr := invokeMutate(t, context.Background(), append(mutantsOf(twoWay, noOpen, unreached, silentClose), "--out", dir)...)
	require.Equal(t, exitOK, code, "stderr: %s\n%s", stderr, out)
	res, _ := readMutate(t, dir)
	require.Len(t, res.Mutants, 4)
	byName := map[string]mutantResult{}
	for _, m := range res.Mutants {
		byName[m.Name] = m
	}
	kill := byName[twoWay]
	assert.Equal(t, classKilled, kill.Class)
	assert.Equal(t, "no-half-open-acceptance", kill.Property)
	assert.Equal(t, "config", kill.Point)
	assert.Equal(t, 2, kill.Steps, "A opens, B takes the SYN to ESTABLISHED")
	assert.Equal(t, 1, kill.DiffersSteps, "they differ once the SYN is in flight")
	assert.Equal(t, classKilled, byName[noOpen].Class)
	eq := byName[unreached]
	assert.Equal(t, mutantResult{Name: unreached, Kind: "delete", Rule: "listen/other", Class: classEquivalent,
		Steps: -1, Loop: -1, DiffersSteps: -1}, eq)
	surv := byName[silentClose]
	assert.Equal(t, classSurvived, surv.Class)
	assert.Equal(t, 5, surv.DiffersSteps, "B's delayed-ACK timer is the first to differ")
	assert.Equal(t, mutateCount{Kind: "total", Mutants: 4, Killed: 2, Equivalent: 1, Survived: 1}, res.Total)
	assert.InDelta(t, 66.7, res.Score, 1e-9)
	assert.True(t, res.Complete)
	assert.Contains(t, out, "score 66.7%: 2 of 3 non-equivalent mutants killed, 1 equivalent left out")
	assert.Contains(t, out, "survivors (1):\n  delete     delete close-wait/delayed-ack: differs after 5 steps")
	md, err := os.ReadFile(filepath.Join(dir, "mutate.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "## Survivors (1)")
	assert.Contains(t, string(md), "| `"+twoWay+"` | retarget | killed | no-half-open-acceptance (2 steps) at config |")
}

// Model flags with --point: the grid's points are applied to the flags' config, and a
// mutant is killed when it is killed at one of them.
func TestMutatePointsApplyToTheFlagsConfig(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "m")
	code, out, stderr := invokeMutate(t, context.Background(),
		append(mutantsOf(twoWay, unreached), "--point", "base", "--point", "crash=1", "--out", dir)...)
	require.Equal(t, exitOK, code, "stderr: %s\n%s", stderr, out)
	res, _ := readMutate(t, dir)
	require.Len(t, res.Points, 2)
	assert.Equal(t, "base", res.Points[0].Name)
	assert.Equal(t, "crash=1", res.Points[1].Name)
	assert.Equal(t, []string{"crash=1"}, res.Points[1].Settings)
	// base is the flags' config itself: the same states as the one point of a run
	// without --point; crash=1 adds crashes to it.
	one := filepath.Join(t.TempDir(), "one")
	code, _, stderr = invokeMutate(t, context.Background(), append(mutantsOf(twoWay), "--out", one)...)
	require.Equal(t, exitOK, code, stderr)
	single, _ := readMutate(t, one)
	require.Len(t, single.Points, 1)
	assert.Equal(t, single.Points[0].States, res.Points[0].States)
	assert.Greater(t, res.Points[1].States, res.Points[0].States)
	// half-open-reset needs a crash: not applicable at base, which has none, and judged at
	// crash=1.
	verdict := func(p mutatePoint, name string) mutateVerdict {
		for _, v := range p.Verdicts {
			if v.Property == name {
				return v
			}
		}
		t.Fatalf("point %s has no verdict for %s", p.Name, name)
		return mutateVerdict{}
	}
	assert.Equal(t, checker.Unknown, verdict(res.Points[0], "half-open-reset").Verdict)
	assert.Contains(t, verdict(res.Points[0], "half-open-reset").NotApplicable, "no host crashes")
	assert.Equal(t, checker.Holds, verdict(res.Points[1], "half-open-reset").Verdict)
	assert.Empty(t, verdict(res.Points[1], "half-open-reset").NotApplicable)
	byName := map[string]mutantResult{}
	for _, m := range res.Mutants {
		byName[m.Name] = m
	}
	assert.Equal(t, classKilled, byName[twoWay].Class)
	assert.Equal(t, "base", byName[twoWay].Point, "killed at the first point")
	assert.Contains(t, out, "at 2 points")
}

func TestMutateExitsOneBelowTheMinimumScore(t *testing.T) {
	tests := []struct {
		min  string
		want int
	}{{"50", exitOK}, {"50.1", exitViolated}, {"100", exitViolated}, {"0", exitOK}}
	for _, tt := range tests {
		code, out, stderr := invokeMutate(t, context.Background(), append(mutantsOf(twoWay, silentClose),
			"--min-score", tt.min, "--out", filepath.Join(t.TempDir(), "m"))...)
		assert.Equal(t, tt.want, code, "--min-score %s: %s%s", tt.min, out, stderr)
	}
}

func TestMutateResultsDoNotDependOnJobsOrWorkers(t *testing.T) {
	var first []byte
	for _, jw := range [][2]string{{"1", "1"}, {"3", "2"}} {
		dir := filepath.Join(t.TempDir(), "m")
		code, out, stderr := invokeMutate(t, context.Background(), "--kind", "continue", "--jobs", jw[0], "--workers", jw[1], "--out", dir)
		require.Equal(t, exitOK, code, "%s%s", out, stderr)
		_, data := readMutate(t, dir)
		if first == nil {
			first = data
			continue
		}
		assert.Equal(t, string(first), string(data), "--jobs %s --workers %s", jw[0], jw[1])
	}
}

func TestAMutantThatBreaksTheModelIsKilledByAModelError(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "m")
	m := "guard syn-sent/rtx syn-unacked&retries-left -> syn-unacked" // retransmits the SYN for ever
	code, out, stderr := invokeMutate(t, context.Background(), "--mutant", m, "--out", dir)
	require.Equal(t, exitOK, code, "%s%s", out, stderr)
	res, _ := readMutate(t, dir)
	got := res.Mutants[0]
	assert.Equal(t, classKilled, got.Class)
	assert.Equal(t, modelError, got.Property)
	assert.Contains(t, got.Error, "Retries is 2, wider than its 1 bits")
	assert.NotContains(t, got.Error, "\n")
	assert.Contains(t, out, "(1 by a model error)")
}

func TestABoundLeavesMutantsUndecidedAndExitsThree(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "m")
	code, out, stderr := invokeMutate(t, context.Background(), append(mutantsOf(unreached, silentClose), "--max-states", "20", "--out", dir)...)
	require.Equal(t, exitIncomplete, code, "%s%s", out, stderr)
	res, _ := readMutate(t, dir)
	assert.False(t, res.Complete)
	assert.Contains(t, res.Stop, "state limit reached")
	assert.Contains(t, out, "INCOMPLETE")
	// The undecided mutants could all be killed: the score may still reach the minimum.
	code, _, _ = invokeMutate(t, context.Background(), append(mutantsOf(unreached, silentClose), "--max-states", "20",
		"--min-score", "100", "--out", filepath.Join(t.TempDir(), "m"))...)
	assert.Equal(t, exitIncomplete, code, "the undecided mutants could all be killed")
}

func TestAnInterruptedMutateWritesAnIncompleteReport(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(interrupted{os.Interrupt})
	dir := filepath.Join(t.TempDir(), "m")
	code, out, stderr := invokeMutate(t, ctx, append(mutantsOf(twoWay, unreached), "--out", dir)...)
	require.Equal(t, exitIncomplete, code, "%s%s", out, stderr)
	res, _ := readMutate(t, dir)
	assert.False(t, res.Complete)
	assert.Equal(t, "interrupted by SIGINT", res.Stop)
}

func TestMutateListsItsMutants(t *testing.T) {
	code, out, _ := invokeMutate(t, context.Background(), "--list", "--kind", "stay")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "stay       stay listen/syn\n")
	assert.NotContains(t, out, "delete")
}

func TestBadMutateFlagsExitTwoWithOneLine(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--kind", "swap"}, `verify: mutate: --kind: unknown mutant kind "swap" (valid: delete, retarget, stay, no-emit, continue, guard, no-effect, reorder)`},
		{[]string{"--mutant", "delete nothing"}, `verify: mutate: --mutant: unknown mutant "delete nothing" (verify mutate --list shows them)`},
		{[]string{"--kind", "stay", "--mutant", twoWay}, "verify: mutate: no mutant has the kinds and names asked for"},
		{[]string{"--min-score", "101"}, "verify: mutate: --min-score 101: want a percentage from 0 to 100"},
		{[]string{"--min-score", "NaN"}, "verify: mutate: --min-score NaN: want a percentage from 0 to 100"},
		{[]string{"--point", "crash=9"}, `verify: mutate: --point: unknown point "crash=9" in grid ci`},
		{[]string{"--variant", "nope"}, `verify: mutate: --variant: unknown variant "nope"`},
		{[]string{"--out", "x.json"}, "verify: --out names a directory, not a json file: x.json"},
	}
	for _, tt := range tests {
		code, _, stderr := invokeMutate(t, context.Background(), tt.args...)
		assert.Equal(t, exitBadInput, code, "%v", tt.args)
		assert.Contains(t, stderr, tt.want, "%v", tt.args)
		assert.Equal(t, 1, bytes.Count([]byte(stderr), []byte("\n")), "%v: %q", tt.args, stderr)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"mutate", "--grid", "huge"}, &stdout, &stderr)
	assert.Equal(t, exitBadInput, code)
	assert.Equal(t, "verify: mutate: --grid: grid \"huge\": want ci or wide\n", stderr.String())
	code = run(context.Background(), []string{"mutate", "--point", "loss=9"}, &stdout, &stderr)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, stderr.String(), `verify: mutate: --point: unknown point "loss=9" in grid ci`)
}

func TestAnIncompleteRunFailsOnlyWhenNoOutcomeOfItsUndecidedMutantsReachesTheMinimum(t *testing.T) {
	tests := []struct {
		name     string
		total    mutateCount
		min      float64
		minSet   bool
		complete bool
		want     int
	}{
		{"complete, above", mutateCount{Mutants: 4, Killed: 3, Equivalent: 1}, 90, true, true, exitOK},
		{"complete, below", mutateCount{Mutants: 4, Killed: 2, Survived: 1, Equivalent: 1}, 90, true, true, exitViolated},
		{"complete, no minimum", mutateCount{Mutants: 4, Survived: 4}, 0, false, true, exitOK},
		{"incomplete, could reach", mutateCount{Mutants: 4, Killed: 2, Incomplete: 2}, 90, true, false, exitIncomplete},
		{"incomplete, cannot reach", mutateCount{Mutants: 4, Killed: 1, Survived: 2, Incomplete: 1}, 90, true, false, exitViolated},
		{"incomplete, no minimum", mutateCount{Mutants: 4, Killed: 4}, 0, false, false, exitIncomplete},
	}
	for _, tt := range tests {
		res := &mutateResult{Total: tt.total, Complete: tt.complete}
		res.Score = score(tt.total.Killed, tt.total.Mutants-tt.total.Equivalent)
		assert.Equal(t, tt.want, mutateCode(res, tt.min, tt.minSet), tt.name)
	}
}
