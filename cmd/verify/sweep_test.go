package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/pipeline"
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
	assert.Regexp(t, `(?m)^loss=2( \(seqspace raised to \d+\))? +ok`, out)
	res := readSweep(t, dir)
	assert.Equal(t, []string{"ready"}, res.Claims)
	require.Len(t, res.Points, 1)
	assert.Equal(t, sweepPoint{Name: "loss=2", Settings: []string{"loss=2"}}, res.Points[0])
	require.Len(t, res.Runs, 2)
	rfc, refuter := res.Runs[0], res.Runs[1]
	pts, err := gridPoints("ci")
	require.NoError(t, err)
	loss2, err := lookupPoint(pts, "ci", "loss=2")
	require.NoError(t, err)
	at, raised, refused := configAt(tinyConfig(), loss2, fsm.RFC)
	require.NoError(t, refused)
	assert.Equal(t, at.MinSeqBits(), at.SeqBits, "a second loss needs more numbers (R2 and the TCBs it opens), and no more")
	assert.Equal(t, sweepRun{Point: "loss=2", Claim: "ready", Variant: fsm.RFC, Want: checker.Holds, Got: checker.Holds, OK: true,
		Steps: -1, Loop: -1, States: rfc.States, Seconds: rfc.Seconds, Complete: true, SeqSpace: 1 << at.SeqBits, Raised: raised > 0}, rfc)
	assert.Equal(t, "two-way-handshake", refuter.Variant)
	assert.Equal(t, checker.Violated, refuter.Got)
	assert.Positive(t, refuter.Steps)
	assert.Equal(t, sweepSummary{Runs: 2, OK: 2}, res.Summary)
	md, err := os.ReadFile(filepath.Join(dir, "sweep.md"))
	require.NoError(t, err)
	assert.Regexp(t, `\| loss=2( \(seqspace raised to \d+\))? \| ok \|`, string(md))
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
		{[]string{"--checkpoint", "5"}, "--checkpoint 5: want a duration such as 30s or 5m (0: after every exploration)"},
		{[]string{"--checkpoint", "-1m"}, "--checkpoint -1m: want a duration"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, stderr := invokeSweep(t, append(tc.args, "--out", t.TempDir())...)
			assert.Equal(t, exitBadInput, code)
			assert.Empty(t, out)
			assertOneLine(t, stderr, tc.want)
		})
	}
}

func TestSweepOutputDoesNotDependOnTheWorkersOrTheJobs(t *testing.T) {
	var outs []sweepResult
	for _, wj := range [][2]string{{"1", "1"}, {"2", "1"}, {"1", "3"}, {"2", "2"}} {
		dir := t.TempDir()
		code, _, _ := invokeSweep(t, "--point", "dup=2", "--workers", wj[0], "--jobs", wj[1], "--out", dir)
		require.Equal(t, exitViolated, code)
		res := readSweep(t, dir)
		for j := range res.Runs {
			res.Runs[j].Seconds = 0
		}
		for j := range res.Explorations {
			res.Explorations[j].Seconds = 0
		}
		outs = append(outs, res)
	}
	for i := range outs[1:] {
		assert.Equal(t, outs[0], outs[i+1])
	}
}

func TestRunExplorationsRunsEachOnceInOrderAndReturnsTheFirstError(t *testing.T) {
	exps := make([]*exploration, 9)
	for i := range exps {
		exps[i] = &exploration{point: point{name: fmt.Sprint(i)}}
	}
	for _, jobs := range []int{1, 2, 4, 20} {
		var mu sync.Mutex
		var started []string
		run := func(bad map[string]bool) func(context.Context, *exploration) error {
			return func(_ context.Context, e *exploration) error {
				mu.Lock()
				started = append(started, e.point.name)
				mu.Unlock()
				if bad[e.point.name] {
					return errors.New("failed at " + e.point.name)
				}
				return nil
			}
		}
		require.NoError(t, runExplorations(context.Background(), exps, jobs, run(nil)))
		assert.ElementsMatch(t, []string{"0", "1", "2", "3", "4", "5", "6", "7", "8"}, started, "jobs=%d: each once", jobs)
		if jobs == 1 {
			assert.Equal(t, []string{"0", "1", "2", "3", "4", "5", "6", "7", "8"}, started, "one job: in order")
		}
		started = nil
		err := runExplorations(context.Background(), exps, jobs, run(map[string]bool{"3": true, "5": true}))
		assert.EqualError(t, err, "failed at 3", "jobs=%d", jobs)
		if jobs == 1 {
			assert.Equal(t, []string{"0", "1", "2", "3"}, started, "one job: nothing starts after the error")
		}
	}
}

func TestGridsListBaseThenSinglesThenPairs(t *testing.T) {
	ci, err := gridPoints("ci")
	require.NoError(t, err)
	var names []string
	for _, p := range ci {
		names = append(names, p.name)
	}
	assert.Equal(t, []string{"base", "loss=2", "dup=2", "inject=2", "crash=1", "capacity=3", "units=2",
		"incarnations=3", "window=1", "window=4", "shape=both-active", "calls=all",
		"calls+abort", "calls+user-timeout", "calls+listen", "seqspace=4x"}, names)
	wide, err := gridPoints("wide")
	require.NoError(t, err)
	// 12 ends over 11 parameters: 66 pairs less the one pair of two windows; the parts of
	// calls=all are not paired.
	assert.Len(t, wide, len(ci)+65)
	assert.Equal(t, "loss=2,dup=2", wide[len(ci)].name)
	for _, p := range wide {
		assert.NotContains(t, p.name, "window=1,window=4")
		if len(p.settings) == 2 {
			assert.NotContains(t, p.name, "calls+", "a part of a parameter's end is not paired")
		}
	}
}

func TestALargerSequenceSpaceGivesTheSameCountsAndVerdicts(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := invokeSweep(t, "--claim", "ready", "--point", "window=4", "--point", "window=4,seqspace=4x",
		"--grid", "wide", "--out", dir)
	require.Equal(t, exitOK, code, "stderr: %s\n%s", stderr, out)
	res := readSweep(t, dir)
	require.Len(t, res.Runs, 4)
	small, large := res.Runs[0], res.Runs[2]
	assert.Equal(t, "window=4,seqspace=4x", large.Point)
	assert.Equal(t, 4*small.SeqSpace, large.SeqSpace)
	assert.Equal(t, small.States, large.States)
	assert.Equal(t, small.Got, large.Got)
	assert.Equal(t, res.Runs[1].Steps, res.Runs[3].Steps, "the refuter's counterexample")
}

func TestThePartsOfCallsAllAddOneKindOfCallToEachUsersOwn(t *testing.T) {
	pts, err := gridPoints("ci")
	require.NoError(t, err)
	for name, add := range map[string]fsm.Calls{
		"calls+abort": fsm.CallAbort, "calls+user-timeout": fsm.CallUserTimeout,
		"calls+listen": fsm.CallListen,
	} {
		p, err := lookupPoint(pts, "ci", name)
		require.NoError(t, err)
		for _, shape := range []fsm.Shape{fsm.ClientServer, fsm.BothActive} {
			base := fsm.DefaultConfig()
			base.Shape = shape
			cfg, _, refused := configAt(base, p, fsm.RFC)
			require.NoError(t, refused)
			for side := fsm.A; side <= fsm.B; side++ {
				assert.Equal(t, base.CallsOf(side)|add, cfg.CallsOf(side), "%s, %s, side %s", name, shape, side)
			}
		}
	}
}

func TestCallsPointLetsBothUsersMakeEveryCall(t *testing.T) {
	pts, err := gridPoints("wide")
	require.NoError(t, err)
	p, err := lookupPoint(pts, "wide", "shape=both-active,calls=all")
	require.NoError(t, err)
	cfg, _, refused := configAt(fsm.DefaultConfig(), p, fsm.RFC)
	require.NoError(t, refused)
	want := fsm.CallOpen | fsm.CallListen | fsm.CallSend | fsm.CallClose | fsm.CallAbort | fsm.CallUserTimeout
	assert.Equal(t, [2]fsm.Calls{want, want}, cfg.Calls)
	assert.Equal(t, fsm.BothActive, cfg.Shape)
}

// runCount is the number of runs of claims at a point: the RFC model's and each refuter's.
func runCount(claims []properties.Claim) int {
	n := 0
	for _, c := range claims {
		n += 1 + len(c.Refuters)
	}
	return n
}

// tinyRealClaims are properties.Claims on tiny configs: a sequence space of 8, no faults and
// one incarnation, so that the claims' default and once configs are the same and most runs
// of a point share an exploration, liveness and safety properties together.
func tinyRealClaims() []properties.Claim {
	claims := properties.Claims()
	for i := range claims {
		c := &claims[i].Config
		c.SeqBits, c.Incarnations = 3, 1
		c.Faults, c.OldFrom = fsm.Faults{}, [2]bool{}
	}
	return claims
}

func TestASharedExplorationDecidesEachRunAsItsOwnRunWould(t *testing.T) {
	pts, err := gridPoints("ci")
	require.NoError(t, err)
	claims := tinyRealClaims()
	search := checker.Config{Workers: 2}
	names := []string{"base", "window=1"}
	if raceEnabled {
		// The sweep's jobs at one point for the race detector; .ci/run runs both without -race.
		names = names[:1]
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			p, err := lookupPoint(pts, "ci", name)
			require.NoError(t, err)
			res, err := sweep(context.Background(), "ci", []point{p}, claims, search, 0, 2, func(string) pipeline.Watcher { return nil }, nil, nil)
			require.NoError(t, err)
			require.Len(t, res.Runs, runCount(claims))
			assert.Less(t, len(res.Explorations), len(res.Runs), "some runs share an exploration")
			shared := 0
			for _, e := range res.Explorations {
				shared = max(shared, len(e.Properties))
			}
			assert.GreaterOrEqual(t, shared, 5, "the RFC model checks the properties of every claim but old-syn-recovery at once")
			traced, notApplicable := 0, 0
			for _, r := range res.Runs {
				if r.NotApplicable {
					// isn-cycle without old segments: no exploration decides it.
					assert.Equal(t, -1, r.Exploration, r.Claim)
					notApplicable++
					continue
				}
				if len(res.Explorations[r.Exploration].Properties) > 1 && r.Steps >= 0 {
					traced++
				}
			}
			assert.Less(t, notApplicable, len(res.Runs))
			assert.Positive(t, traced, "some shared exploration finds a trace")
			for _, r := range res.Runs {
				if r.NotApplicable {
					continue
				}
				c := claims[slices.IndexFunc(claims, func(c properties.Claim) bool { return c.Name == r.Claim })]
				cfg, _, refused := configAt(c.Config, p, r.Variant)
				require.NoError(t, refused)
				c.Config = cfg
				alone, err := pipeline.RunClaim(context.Background(), c, r.Variant, search, nil)
				require.NoError(t, err)
				what := r.Claim + " on " + r.Variant
				assert.Equal(t, alone.Got, r.Got, what)
				assert.Equal(t, alone.Steps, r.Steps, what)
				assert.Equal(t, alone.Loop, r.Loop, what)
				// A search stops once its properties are decided, and keeps only the ghost
				// data its properties read (fsm.System.Tracks): the shared one, with more
				// properties, goes at least as far over at least as many states.
				assert.GreaterOrEqual(t, r.States, alone.States, what)
				if !(alone.Complete && r.Complete) {
					assert.NotEqual(t, checker.Unknown, r.Got, what)
				}
				e := res.Explorations[r.Exploration]
				assert.Equal(t, r.States, e.States, what)
				assert.Contains(t, e.Claims, r.Claim, what)
			}
		})
	}
}

func TestSweepPlanSharesAnExplorationPerConfigAndVariant(t *testing.T) {
	pts, err := gridPoints("ci")
	require.NoError(t, err)
	base, err := lookupPoint(pts, "ci", "base")
	require.NoError(t, err)
	claims := properties.Claims()
	cells, exps := sweepPlan(base, claims)
	require.Len(t, cells, runCount(claims))
	// The RFC model on the default config (which data-before-close's once config equals now
	// that the default has one incarnation), on the patient users of old-syn-recovery and on
	// clean-time-wait's reconnects, and without faults for the close's thesis;
	// two-way-handshake, fixed-isn and fin-closes-both on the default; no-rst-on-bad-ack on patient users, no-time-wait on reconnects.
	var got []string
	for _, e := range exps {
		var names []string
		for _, ci := range e.claims {
			names = append(names, claims[ci].Name)
		}
		got = append(got, e.variant+": "+strings.Join(names, ","))
	}
	assert.Equal(t, []string{
		"rfc9293: open-in-three,ready-before-data,isn-agreement,old-syn-rejected,data-after-handshake,data-before-close,isn-cycle,half-close,simultaneous-close,last-ack-lost",
		"no-third-segment: open-in-three",
		"two-way-handshake: ready-before-data,isn-agreement,old-syn-rejected",
		"fixed-isn: isn-agreement",
		"rfc9293: old-syn-recovery",
		"no-rst-on-bad-ack: old-syn-recovery",
		"syn-data: data-after-handshake",
		"fin-closes-both: data-before-close,half-close",
		"no-retransmission: data-before-close",
		"rfc9293: clean-time-wait,no-assassination",
		"no-time-wait: clean-time-wait", "time-wait-assassination: no-assassination", "rfc9293: quiet-time", "no-quiet-time: quiet-time",
		"short-isn-cycle: isn-cycle",
		"rfc9293: time-wait-reopen", "reopen-any-syn: time-wait-reopen",
		"rfc9293: close-in-four,fin-rides", "fin-answers-fin: close-in-four", "no-delayed-ack: fin-rides",
		"rfc9293: simultaneous-open",
		"no-simultaneous-open: simultaneous-open",
		"no-simultaneous-close: simultaneous-close",
		"rfc9293: early-release", "no-retransmission: early-release",
		"no-time-wait: last-ack-lost",
		"short-time-wait: last-ack-lost",
		"rfc9293: half-open-discovered",
		"no-keepalive: half-open-discovered",
		"rfc9293: no-ack-war",
		"no-throttle: no-ack-war",
	}, got)
	for _, cl := range cells {
		e := exps[cl.exp]
		assert.Equal(t, cl.variant, e.variant)
		assert.Equal(t, cl.cfg, e.cfg)
		assert.Contains(t, e.claims, cl.claim)
	}
	inc, err := lookupPoint(pts, "ci", "incarnations=3")
	require.NoError(t, err)
	_, incExps := sweepPlan(inc, claims)
	assert.Len(t, incExps, len(exps), "configs that coincide stay together at a point")
}

func TestSweepListsAPointThatContradictsAClaimsPremiseAsNotApplicable(t *testing.T) {
	claims := tinyClaims()[:1]
	claims[0].Premise = func(c fsm.Config) error {
		if c.Faults.Inject > 0 {
			return errors.New("no old segments here")
		}
		return nil
	}
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	cmds := []command{{"sweep", "", sweepCommand(claims)}}
	code := runWith(context.Background(), cmds, []string{"sweep", "--progress=false", "--out", dir}, &stdout, &stderr)
	require.Equal(t, exitOK, code, "stderr: %s\n%s", stderr.String(), stdout.String())
	res := readSweep(t, dir)
	na := 0
	for _, r := range res.Runs {
		assert.Equal(t, r.Point == "inject=2", r.NotApplicable, "%s %s", r.Point, r.Variant)
		if r.NotApplicable {
			na++
			assert.Equal(t, "not applicable: no old segments here", r.Stop)
			assert.Equal(t, -1, r.Exploration, "a run not applicable is not explored")
		}
	}
	assert.Equal(t, 2, na, "the RFC run and the refuter's")
	assert.Equal(t, 2, res.Summary.NotApplicable)
	assert.Equal(t, len(res.Runs)-2, res.Summary.Runs, "runs not applicable are no expectations")
	assert.Equal(t, res.Summary.Runs, res.Summary.OK)
	assert.Regexp(t, `(?m)^inject=2 (\(seqspace raised to \d+\) +)?n/a +0 +0\.0$`, stdout.String())
	assert.Contains(t, stdout.String(), "inject=2  ready  two-way-handshake: no old segments here")
	md, err := os.ReadFile(filepath.Join(dir, "sweep.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "## Not applicable")
}

func TestSweepTakesSeveralPointsInGridOrder(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := invokeSweep(t, "--claim", "ready", "--point", "window=1", "--point", "loss=2", "--out", dir)
	require.Equal(t, exitOK, code, "stderr: %s\n%s", stderr, out)
	res := readSweep(t, dir)
	require.Len(t, res.Points, 2)
	assert.Equal(t, "loss=2", res.Points[0].Name, "grid order, not flag order")
	assert.Equal(t, "window=1", res.Points[1].Name)

	code, _, stderr = invokeSweep(t, "--point", "loss=2", "--point", "nope", "--out", dir)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, stderr, `unknown point "nope"`)
}

func TestSweepRequireCoverageFailsWhenARowFiresNowhere(t *testing.T) {
	// The tiny claims open and close once without faults: most rows never fire.
	dir := t.TempDir()
	code, out, stderr := invokeSweep(t, "--claim", "ready", "--point", "base", "--out", dir)
	require.Equal(t, exitOK, code, "stderr: %s\n%s", stderr, out)
	res := readSweep(t, dir)
	require.NotEmpty(t, res.Coverage.NeverFired)
	assert.Empty(t, res.Coverage.UnreachedFired)
	assert.ElementsMatch(t, []string{"listen/other", "other/trim", "other/no-ack"}, res.Coverage.Unreached)

	code, _, stderr = invokeSweep(t, "--claim", "ready", "--point", "base", "--require-coverage", "--out", dir)
	assert.Equal(t, exitViolated, code)
	assert.Contains(t, stderr, "--require-coverage: ")
	assert.Contains(t, stderr, res.Coverage.NeverFired[0])
}

// A matrix too wide for a terminal is printed a character per cell, with a legend of the
// marks and the claims' numbers; each mark says what the cell in words says.
func TestAWideMatrixIsPrintedACharacterPerCell(t *testing.T) {
	res := &sweepResult{Grid: "wide", Points: []sweepPoint{{Name: "base"}, {Name: "loss=2"}}}
	for i := range 30 {
		res.Claims = append(res.Claims, fmt.Sprintf("a-claim-with-a-long-name-%d", i))
	}
	run := func(pt, claim string, edit func(*sweepRun)) {
		r := sweepRun{Point: pt, Claim: claim, Variant: fsm.RFC, Want: checker.Holds, Got: checker.Holds, OK: true, Steps: -1, Loop: -1}
		edit(&r)
		res.Runs = append(res.Runs, r)
	}
	for _, pt := range []string{"base", "loss=2"} {
		for _, c := range res.Claims {
			run(pt, c, func(*sweepRun) {})
		}
	}
	run("loss=2", res.Claims[1], func(r *sweepRun) {
		r.Variant, r.Want, r.Got, r.OK = "two-way-handshake", checker.Violated, checker.Holds, false
	})
	run("loss=2", res.Claims[2], func(r *sweepRun) { r.Got, r.OK, r.Stop = checker.Unknown, false, "time limit reached" })
	run("loss=2", res.Claims[3], func(r *sweepRun) { r.NotApplicable, r.Stop = true, "not applicable: no old segments" })
	res.Runs = slices.DeleteFunc(res.Runs, func(r sweepRun) bool {
		return r.Point == "loss=2" && r.Claim == res.Claims[3] && !r.NotApplicable
	})
	res.summarize()
	header, rows := res.matrix()
	require.Greater(t, tableWidth(header, rows), maxMatrixWidth)
	var b bytes.Buffer
	printSweep(&b, res)
	out := b.String()
	assert.Regexp(t, `(?m)^base +\.{30} +0 +0\.0$`, out)
	assert.Regexp(t, `(?m)^loss=2 +\.F\?-\.{26} +0 +0\.0$`, out)
	assert.Contains(t, out, "claims: 1 a-claim-with-a-long-name-0, 2 a-claim-with-a-long-name-1,")
	assert.Contains(t, out, "F an expectation failed")
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "claims:") && !strings.HasPrefix(line, "cells:") {
			assert.LessOrEqual(t, len(line), maxMatrixWidth, line)
		}
	}
}

// A point's label says which sequence space its runs were raised to, and in how many of
// them when some claims' own spaces fit the point.
func TestAPointSaysHowManyOfItsRunsRaisedTheSequenceSpace(t *testing.T) {
	res := &sweepResult{Runs: []sweepRun{
		{Point: "inject=2", Raised: true, SeqSpace: 128}, {Point: "inject=2", SeqSpace: 256},
		{Point: "inject=2", Raised: true, SeqSpace: 128}, {Point: "calls=all", Raised: true, SeqSpace: 64},
		{Point: "base", SeqSpace: 16},
	}}
	assert.Equal(t, "inject=2 (seqspace raised to 128 in 2 of 3 runs)", res.pointLabel("inject=2"))
	assert.Equal(t, "calls=all (seqspace raised to 64)", res.pointLabel("calls=all"))
	assert.Equal(t, "base", res.pointLabel("base"))
}

// --point-timeout bounds a point's explorations together: with nothing left, each stops
// at once, incomplete, and never as holding; without it the same point is decided.
func TestSweepPointTimeoutBoundsAPointsExplorationsTogether(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := invokeSweep(t, "--point", "base", "--point-timeout", "1ns", "--out", dir)
	require.Equal(t, exitIncomplete, code, out)
	res := readSweep(t, dir)
	assert.Equal(t, sweepBounds{PointTimeout: 1e-9}, res.Bounds)
	require.NotEmpty(t, res.Explorations)
	for _, x := range res.Explorations {
		assert.False(t, x.Complete, "exploration %s %s", x.Variant, x.Claims)
	}
	for _, r := range res.Runs {
		assert.NotEqual(t, checker.Holds, r.Got, "%s %s", r.Claim, r.Variant)
		if r.Got == checker.Unknown {
			assert.Equal(t, "time limit reached", r.Stop)
		}
	}
	code, out, _ = invokeSweep(t, "--point", "base", "--point-timeout", "1h", "--out", t.TempDir())
	assert.Equal(t, exitViolated, code, "decided, and the claim wrong fails: %s", out)
	code, _, stderr := invokeSweep(t, "--point", "base", "--point-timeout", "soon")
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, stderr, "--point-timeout")
}
