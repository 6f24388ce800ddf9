package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/pipeline"
)

// withoutTimes is res with what may differ between equal sweeps cleared: the seconds, and
// whether an exploration was taken from an earlier sweep.
func withoutTimes(res sweepResult) sweepResult {
	res.Runs, res.Explorations = slices.Clone(res.Runs), slices.Clone(res.Explorations)
	for j := range res.Runs {
		res.Runs[j].Seconds = 0
	}
	for j := range res.Explorations {
		res.Explorations[j].Seconds, res.Explorations[j].Reused = 0, false
	}
	return res
}

// A resumed sweep is the sweep that was not interrupted: it takes what the earlier one
// decided and searches the rest, here the explorations a state bound cut short and a point
// the earlier sweep did not have.
func TestSweepResumeTakesWhatWasDecidedAndSearchesTheRest(t *testing.T) {
	fresh := t.TempDir()
	code, _, _ := invokeSweep(t, "--point", "base", "--point", "dup=2", "--out", fresh)
	require.Equal(t, exitViolated, code, "the claim wrong fails at every point")
	want := readSweep(t, fresh)

	dir := t.TempDir()
	code, _, _ = invokeSweep(t, "--point", "base", "--max-states", "40", "--out", dir)
	require.Equal(t, exitIncomplete, code)
	cut := readSweep(t, dir)
	decided, undecided := 0, 0
	for _, r := range cut.Runs {
		if r.undecided() {
			undecided++
		} else {
			decided++
		}
	}
	require.NotZero(t, decided, "the bound must leave some runs decided")
	require.NotZero(t, undecided, "and some not")

	code, out, _ := invokeSweep(t, "--point", "base", "--point", "dup=2", "--resume", "--out", dir)
	require.Equal(t, exitViolated, code, out)
	got := readSweep(t, dir)
	assert.Equal(t, withoutTimes(want), withoutTimes(got))
	reused := 0
	for i, x := range got.Explorations {
		if !x.Reused {
			continue
		}
		reused++
		assert.Equal(t, "base", x.Point, "only the first sweep's point has anything to take")
		for _, c := range cut.Explorations {
			if c.key() == x.key() {
				assert.Equal(t, c.Seconds, x.Seconds, "exploration %d keeps the earlier sweep's figures", i+1)
			}
		}
	}
	assert.NotZero(t, reused)
	assert.Less(t, reused, len(got.Explorations))
	assert.Contains(t, out, "taken from the earlier sweep.json")
}

func TestSweepResumeRefusesWhatItCannotTrustWithExitTwo(t *testing.T) {
	swept := func(t *testing.T, args ...string) string {
		dir := t.TempDir()
		code, _, _ := invokeSweep(t, append([]string{"--point", "base", "--out", dir}, args...)...)
		require.Equal(t, exitViolated, code)
		return dir
	}
	rewrite := func(t *testing.T, dir string, edit func(*sweepResult)) {
		res := readSweep(t, dir)
		edit(&res)
		data, err := json.Marshal(res)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "sweep.json"), data, 0o644))
	}
	for _, tc := range []struct {
		name    string
		dir     func(t *testing.T) string
		args    []string
		message string
	}{
		{"nothing to resume", func(t *testing.T) string { return t.TempDir() }, nil, "no "},
		{"junk", func(t *testing.T) string {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "sweep.json"), []byte(`{"grid": "ci", "bogus": 1}`), 0o644))
			return dir
		}, nil, "is not a sweep.json of this build"},
		{"trailing data", func(t *testing.T) string {
			dir := swept(t)
			f, err := os.OpenFile(filepath.Join(dir, "sweep.json"), os.O_APPEND|os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = f.WriteString(`{}`)
			require.NoError(t, err)
			require.NoError(t, f.Close())
			return dir
		}, nil, "data after its object"},
		{"another build", func(t *testing.T) string {
			dir := swept(t)
			rewrite(t, dir, func(r *sweepResult) { r.Build = "sha256:0123" })
			return dir
		}, nil, "was written by another build of verify (sha256:0123"},
		{"no build recorded", func(t *testing.T) string {
			dir := swept(t)
			rewrite(t, dir, func(r *sweepResult) { r.Build = "" })
			return dir
		}, nil, "(none recorded;"},
		{"hash into exact", func(t *testing.T) string { return swept(t, "--visited", "hash") }, nil, "was swept with --visited hash"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.dir(t)
			code, out, stderr := invokeSweep(t, append([]string{"--point", "base", "--resume", "--out", dir}, tc.args...)...)
			assert.Equal(t, exitBadInput, code)
			assert.Empty(t, out)
			assertOneLine(t, stderr, tc.message)
		})
	}

	// An exact sweep's results carry over to one with hash compaction.
	dir := swept(t)
	code, out, _ := invokeSweep(t, "--point", "base", "--resume", "--visited", "hash", "--out", dir)
	assert.Equal(t, exitViolated, code, out)
	for _, x := range readSweep(t, dir).Explorations {
		assert.True(t, x.Reused, "%s %s", x.Point, x.Variant)
	}
}

// An exploration a bound stopped is taken by a resumed sweep whose bounds are no wider:
// searching it again would stop again, no further on. Wider bounds search it again.
func TestSweepResumeTakesWhatABoundStoppedUnlessTheBoundsWiden(t *testing.T) {
	dir := t.TempDir()
	code, _, _ := invokeSweep(t, "--point", "base", "--max-states", "40", "--out", dir)
	require.Equal(t, exitIncomplete, code)
	cut := readSweep(t, dir)
	assert.Equal(t, sweepBounds{MaxStates: 40}, cut.Bounds)

	code, out, _ := invokeSweep(t, "--point", "base", "--max-states", "40", "--resume", "--out", dir)
	require.Equal(t, exitIncomplete, code, out)
	again := readSweep(t, dir)
	assert.Equal(t, withoutTimes(cut), withoutTimes(again))
	for i, x := range again.Explorations {
		assert.True(t, x.Reused, "exploration %d", i+1)
	}

	code, out, _ = invokeSweep(t, "--point", "base", "--max-states", "80", "--resume", "--out", dir)
	require.Equal(t, exitIncomplete, code, out)
	wider := readSweep(t, dir)
	searched := 0
	for i, x := range wider.Explorations {
		if !cut.Explorations[i].Complete && strings.HasPrefix(cut.Explorations[i].Stop, "state limit reached") {
			assert.False(t, x.Reused, "exploration %d: 80 states may take it further than 40", i+1)
			searched++
		}
	}
	assert.NotZero(t, searched)
}

func TestSweepBoundsWithin(t *testing.T) {
	five := sweepBounds{Timeout: 300, MaxMemory: 12 << 30}
	tests := []struct {
		now, old sweepBounds
		want     bool
	}{
		{five, five, true},
		{sweepBounds{Timeout: 60, MaxMemory: 12 << 30}, five, true},
		{sweepBounds{Timeout: 600, MaxMemory: 12 << 30}, five, false},
		{sweepBounds{MaxMemory: 12 << 30}, five, false}, // no time bound is wider than any
		{sweepBounds{Timeout: 300, MaxMemory: 12 << 30, MaxStates: 1000}, five, true},
		{five, sweepBounds{Timeout: 300, MaxMemory: 12 << 30, MaxDepth: 50}, false},
		{sweepBounds{}, sweepBounds{}, true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.now.within(tt.old), "%+v within %+v", tt.now, tt.old)
	}
}

// As explorations end, a sweep writes what it has found to its checkpoint: every
// exploration with its runs, as sweep.json has them, whatever order they ended in.
func TestASweepCheckpointsEveryExplorationWithItsRuns(t *testing.T) {
	pts, err := gridPoints("ci")
	require.NoError(t, err)
	var at []point
	for _, name := range []string{"base", "dup=2"} {
		p, err := lookupPoint(pts, "ci", name)
		require.NoError(t, err)
		at = append(at, p)
	}
	dir := filepath.Join(t.TempDir(), "sweep")
	bounds := sweepBounds{MaxStates: 40}
	ck := &checkpoint{target: dir, scratch: t.TempDir(), warn: func(err error) { t.Error(err) },
		head: sweepResult{Grid: "ci", Build: "sha256:test", Visited: checker.Exact.String(), Bounds: bounds}}
	res, err := sweep(context.Background(), "ci", at, tinyClaims(), checker.Config{Workers: 2, MaxStates: 40}, 0, 2,
		func(string) pipeline.Watcher { return nil }, nil, ck)
	require.NoError(t, err)

	saved, err := readSweepFile(filepath.Join(dir, checkpointFile), "sha256:test", checker.Exact)
	require.NoError(t, err)
	assert.Equal(t, bounds, saved.Bounds)
	require.Len(t, saved.Explorations, len(res.Explorations), "one write after each exploration (--checkpoint 0)")
	for i, x := range res.Explorations {
		j := slices.IndexFunc(saved.Explorations, func(y sweepExploration) bool { return y.key() == x.key() })
		require.GreaterOrEqual(t, j, 0, "exploration %d", i+1)
		assert.Equal(t, x, saved.Explorations[j])
		var want, got []sweepRun
		for _, r := range res.Runs {
			if r.Exploration == i {
				r.Exploration = j
				want = append(want, r)
			}
		}
		for _, r := range saved.Runs {
			if r.Exploration == j {
				got = append(got, r)
			}
		}
		assert.Equal(t, want, got, "the runs of exploration %d", i+1)
	}
	var bounded int
	for _, x := range res.Explorations {
		if !x.Complete {
			bounded++
		}
	}
	require.NotZero(t, bounded, "the state bound must cut some exploration short")

	// What --resume takes from it: everything, decided or stopped by a bound no wider.
	prior, err := readPrior(dir, "sha256:test", checker.Exact, bounds)
	require.NoError(t, err)
	assert.Len(t, prior.took, len(res.Explorations))
}

// A checkpoint is taken as a sweep.json is, and wins over one: it is the later of the two.
// The resumed sweep's commit removes it.
func TestSweepResumeTakesACheckpointOverTheSweepJSON(t *testing.T) {
	full := t.TempDir()
	code, _, _ := invokeSweep(t, "--point", "base", "--out", full)
	require.Equal(t, exitViolated, code)
	want := readSweep(t, full)

	dir := t.TempDir()
	code, _, _ = invokeSweep(t, "--point", "base", "--max-states", "40", "--out", dir)
	require.Equal(t, exitIncomplete, code)
	data, err := os.ReadFile(filepath.Join(full, "sweep.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, checkpointFile), data, 0o644))

	code, out, _ := invokeSweep(t, "--point", "base", "--resume", "--out", dir)
	require.Equal(t, exitViolated, code, out)
	got := readSweep(t, dir)
	assert.Equal(t, withoutTimes(want), withoutTimes(got))
	for i, x := range got.Explorations {
		assert.True(t, x.Reused, "exploration %d: the checkpoint decided it", i+1)
		assert.Equal(t, want.Explorations[i].Seconds, x.Seconds, "exploration %d keeps the checkpoint's figures", i+1)
	}
	assert.NoFileExists(t, filepath.Join(dir, checkpointFile), "the commit removes the checkpoint")

	// A checkpoint alone is enough to resume from.
	only := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(only, checkpointFile), data, 0o644))
	code, out, _ = invokeSweep(t, "--point", "base", "--resume", "--out", only)
	require.Equal(t, exitViolated, code, out)
	assert.Equal(t, withoutTimes(want), withoutTimes(readSweep(t, only)))

	// And one of another build is refused, naming it.
	var res sweepResult
	require.NoError(t, json.Unmarshal(data, &res))
	res.Build = "sha256:0123"
	other, err := json.Marshal(res)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(only, checkpointFile), other, 0o644))
	code, out, stderr := invokeSweep(t, "--point", "base", "--resume", "--out", only)
	assert.Equal(t, exitBadInput, code)
	assert.Empty(t, out)
	assertOneLine(t, stderr, checkpointFile+" was written by another build of verify (sha256:0123")
}
