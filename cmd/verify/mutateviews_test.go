package main

import (
	"context"
	"io"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// The searches of a point check every property once, in a view holding what it reads;
// the mutants are compared in the views no other holds, which hold every view.
func TestTheViewsCheckEachPropertyOnceInAViewHoldingWhatItReads(t *testing.T) {
	all := properties.All()
	for _, crash := range []uint8{0, 1} {
		cfg := fsm.DefaultConfig()
		cfg.Faults.Crash = crash
		for _, byView := range []bool{false, true} {
			views := planViews(cfg, all, byView)
			if !byView {
				require.Len(t, views, 1)
			}
			seen := make([]int, len(all))
			var screened, every fsm.GhostParts
			for k, v := range views {
				require.NotEmpty(t, v.props, "view %s", v.Ghost)
				var reads fsm.GhostParts
				for _, i := range v.props {
					seen[i]++
					r := cfg.Settable(all[i].Reads)
					assert.Zero(t, r&^v.parts, "%s reads %s, outside its view %s", all[i].Name, r, v.Ghost)
					if byView {
						assert.Equal(t, all[i].Kind == checker.KindEventually, v.live, "%s in view %s", all[i].Name, v.Ghost)
					}
					reads |= r
				}
				if !v.live {
					// A view is what its properties read: no search keeps what none reads.
					assert.Equal(t, v.parts, reads, "view %s", v.Ghost)
				}
				every |= v.parts
				if v.Screen {
					screened |= v.parts
					for j, o := range views {
						assert.False(t, j != k && v.parts&^o.parts == 0 && o.parts != v.parts, "screened view %s is held by %s", v.Ghost, o.Ghost)
					}
				} else {
					assert.True(t, slices.ContainsFunc(views, func(o mutateView) bool { return o.Screen && v.parts&^o.parts == 0 }),
						"view %s is compared in no view holding it", v.Ghost)
				}
			}
			assert.Equal(t, every, screened)
			for i, n := range seen {
				assert.Equal(t, 1, n, "crash=%d by-view=%v: %s", crash, byView, all[i].Name)
			}
			assert.Equal(t, crash > 0, every&fsm.GhostHalfOpen != 0, "half-open data is kept only where a crash can set it")
		}
	}
}

// --by-view searches each view on its own, and decides every mutant as one search does.
func TestByViewClassifiesTheMutantsAsOneSearchDoes(t *testing.T) {
	points := []string{"--point", "base", "--point", "crash=1", "--point", "loss=2"}
	if raceEnabled {
		points = points[:4] // loss=2 takes long under the race detector; base and crash=1 have every class
	}
	args := append(mutantsOf(twoWay, noOpen, unreached, silentClose), points...)
	var runs [2]mutateResult
	for k, flag := range []string{"--by-view=false", "--by-view"} {
		dir := filepath.Join(t.TempDir(), "m")
		code, out, stderr := invokeMutate(t, context.Background(), append(args, flag, "--out", dir)...)
		require.Equal(t, exitOK, code, "%s: %s%s", flag, out, stderr)
		runs[k], _ = readMutate(t, dir)
	}
	one, views := runs[0], runs[1]
	require.Equal(t, len(one.Mutants), len(views.Mutants))
	require.NotEmpty(t, one.Mutants)
	classes := map[string]int{}
	for i, m := range one.Mutants {
		v := views.Mutants[i]
		assert.Equal(t, m.Class, v.Class, m.Name)
		assert.Equal(t, m.DiffersPoint, v.DiffersPoint, m.Name)
		assert.Equal(t, m.DiffersSteps, v.DiffersSteps, "%s: the shortest run to a difference is the same in any view holding it", m.Name)
		classes[m.Class]++
	}
	for _, c := range []string{classKilled, classEquivalent, classSurvived} {
		assert.Positive(t, classes[c], "the mutants include a %s one", c)
	}
	for i, p := range one.Points {
		q := views.Points[i]
		assert.Equal(t, p.Verdicts, q.Verdicts, "point %s", p.Name)
		require.Len(t, p.Views, 1)
		assert.Greater(t, len(q.Views), 1)
		var sum uint64
		for _, v := range q.Views {
			assert.LessOrEqual(t, v.States, p.States, "point %s: view %s keeps less than all of the ghost data", p.Name, v.Ghost)
			sum += v.States
		}
		assert.Equal(t, sum, q.States)
		// Each mutant that differs is named by the first search it differs in.
		var differs []string
		for _, v := range q.Views {
			differs = append(differs, v.Differs...)
		}
		var want []string
		for _, m := range views.Mutants {
			if m.DiffersPoint == p.Name {
				want = append(want, m.Name)
			}
		}
		if i == 0 {
			assert.ElementsMatch(t, want, differs, "point %s", p.Name)
		}
	}
}

// A view whose search was cut short leaves its properties without a verdict of the
// variant's: a mutant that differs is then killed only by another view's property, and
// cannot be said to survive; which mutants differ is still known while every view they
// were compared in is complete.
func TestAnIncompleteViewLeavesOnlyItsPropertiesUndecided(t *testing.T) {
	cfg := fsm.DefaultConfig()
	cfg.Units = [2]uint8{0, 0}
	cfg.Faults.Loss, cfg.Faults.Dup, cfg.Faults.Inject = 0, 0, 0
	rfc, err := fsm.LookupVariant("rfc9293")
	require.NoError(t, err)
	all, err := fsm.Mutants(rfc)
	require.NoError(t, err)
	mutants, err := chooseMutants(all, "", []string{twoWay, unreached, silentClose})
	require.NoError(t, err)
	props := properties.All()
	p := pointOf("config", nil, cfg, 0, nil)
	nowatch := newProgress(io.Discard, false).labelled
	require.NoError(t, checkBase(context.Background(), &p, rfc, props, mutants, true, checker.Config{Workers: 1}, nowatch))
	require.True(t, p.Complete)
	judgeAll := func() map[string]mutantResult {
		out := map[string]mutantResult{}
		for i, mu := range mutants {
			out[mu.Name] = judge(context.Background(), []mutatePoint{p}, rfc, props, i, mu, checker.Config{Workers: 1}, nowatch)
		}
		return out
	}
	whole := judgeAll()
	require.Equal(t, classSurvived, whole[silentClose].Class)
	// Cut the eventually properties' view short, as a memory bound would.
	live := slices.IndexFunc(p.Views, func(v mutateView) bool { return v.live })
	require.GreaterOrEqual(t, live, 0)
	require.False(t, p.Views[live].Screen, "the eventually properties' view is held by a view the mutants are compared in")
	p.Views[live].Complete, p.Views[live].Stop, p.Complete = false, "memory bound", false
	for _, i := range p.Views[live].props {
		p.base[i] = checker.Unknown
	}
	cut := judgeAll()
	assert.Equal(t, whole[twoWay], cut[twoWay], "killed by a safety property of a complete view")
	assert.Equal(t, classEquivalent, cut[unreached].Class, "its difference would show in a complete view")
	assert.Equal(t, classIncomplete, cut[silentClose].Class)
	assert.Contains(t, cut[silentClose].Stop, "ghost view close is incomplete: memory bound")
	// A view the mutants were compared in, cut short, leaves them all undecided.
	p.Views[0].Complete = false
	for name, m := range judgeAll() {
		assert.Equal(t, classIncomplete, m.Class, name)
	}
}
