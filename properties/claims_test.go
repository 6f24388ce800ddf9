package properties_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// run checks one property of one variant of a claim's model.
func run(t *testing.T, c properties.Claim, variant string, cfg checker.Config) (fsm.System, checker.Verdict[fsm.SysState]) {
	t.Helper()
	sys, err := fsm.NewSystem(c.Config, variant)
	require.NoError(t, err)
	m := properties.Bind(sys, []properties.Property{c.Property})
	res, err := checker.Run(context.Background(), m, cfg)
	require.NoError(t, err)
	require.Len(t, res.Verdicts, 1)
	return *m.System, res.Verdicts[0] // the traces replay on the bound system
}

// replays checks that a trace is a run of the model: each step's action is enabled, has
// the recorded label, and leads to the recorded state.
func replays(t *testing.T, sys fsm.System, tr *checker.Trace[fsm.SysState]) {
	t.Helper()
	require.Equal(t, sys.Init()[0], tr.States[0], "a trace starts in the initial state")
	for i, st := range tr.Steps {
		acts := sys.Actions(tr.States[i], nil)
		require.Less(t, st.Index, len(acts), "step %d", i+1)
		a := acts[st.Index]
		require.Equal(t, st.Action, sys.Label(tr.States[i], a), "step %d", i+1)
		next, ok := sys.Next(tr.States[i], a)
		require.True(t, ok, "step %d", i+1)
		require.Equal(t, tr.States[i+1], next, "step %d", i+1)
	}
	if tr.Loop >= 0 {
		require.Equal(t, tr.States[tr.Loop], tr.States[len(tr.States)-1], "a lasso returns to its loop state")
	}
}

// TestEveryClaimHoldsForTheRFCAndFailsForEachRefuter is `verify claims` as a test: the RFC
// model satisfies each claim's property, each refuting variant violates it (a Sometimes
// property: the RFC reaches it, the variant cannot), every counterexample replays, and an
// Always counterexample is shortest: no violation exists within one step less.
func TestEveryClaimHoldsForTheRFCAndFailsForEachRefuter(t *testing.T) {
	if raceEnabled {
		// Millions of states: .ci/run runs this test without the race detector, and the
		// race detector sees the same engine code in the smaller tests of this package.
		t.Skip("too slow under the race detector; .ci/run runs it without -race")
	}
	cfg := checker.Config{Workers: 2}
	for _, c := range properties.Claims() {
		t.Run(c.Name, func(t *testing.T) {
			sys, v := run(t, c, fsm.RFC, cfg)
			require.Equal(t, checker.Holds, v.Status, "the RFC model must satisfy %s", c.Property.Name)
			if v.Trace != nil { // a Sometimes example
				replays(t, sys, v.Trace)
			}
			require.NotEmpty(t, c.Refuters)
			for _, variant := range c.Refuters {
				sys, v := run(t, c, variant, cfg)
				require.Equal(t, checker.Violated, v.Status, "%s must violate %s", variant, c.Property.Name)
				if c.Property.Kind == checker.KindSometimes {
					assert.Nil(t, v.Trace, "an unreachable Sometimes has no example")
					continue
				}
				require.NotNil(t, v.Trace)
				replays(t, sys, v.Trace)
				if c.Property.Kind == checker.KindAlways {
					_, shallower := run(t, c, variant, checker.Config{Workers: 2, MaxDepth: len(v.Trace.Steps) - 1})
					assert.NotEqual(t, checker.Violated, shallower.Status,
						"%s: a counterexample of %d steps must be shortest", variant, len(v.Trace.Steps))
				}
			}
		})
	}
}

func TestClaimNamesAndPropertiesAreUnique(t *testing.T) {
	names := map[string]bool{}
	for _, c := range properties.Claims() {
		require.False(t, names[c.Name], "duplicate claim %s", c.Name)
		names[c.Name] = true
		for _, v := range c.Refuters {
			_, err := fsm.LookupVariant(v)
			require.NoError(t, err)
		}
	}
	_, err := properties.LookupClaim("no-such-claim")
	require.ErrorContains(t, err, "valid:")
	_, err = properties.Lookup("isn-agreement", "nope")
	require.ErrorContains(t, err, "unknown property \"nope\"")
}

// Every property is judged at the default configuration: by the claims about it there (two
// claims may share a property, as isn-cycle and old-syn-rejected do), or else by exactly one
// of Envelope's.
func TestEnvelopeAddsEveryPropertyNoClaimChecksAtTheDefault(t *testing.T) {
	cfg := fsm.DefaultConfig()
	claimed, enveloped := map[string]int{}, map[string]int{}
	for _, c := range properties.Claims() {
		if c.Config == cfg {
			claimed[c.Property.Name]++
		}
	}
	for _, c := range properties.Envelope() {
		assert.Empty(t, c.Refuters, c.Name)
		assert.Equal(t, "holds:"+c.Property.Name, c.Name)
		assert.Equal(t, cfg, c.Config, c.Name)
		enveloped[c.Property.Name]++
	}
	for _, p := range properties.All() {
		if claimed[p.Name] > 0 {
			assert.Zero(t, enveloped[p.Name], p.Name)
		} else {
			assert.Equal(t, 1, enveloped[p.Name], p.Name)
		}
	}
}

// A claim is contradicted by its own premise and by its property's.
func TestAClaimIsContradictedByItsPremiseAndItsPropertys(t *testing.T) {
	reuse, err := properties.LookupClaim("clean-time-wait")
	require.NoError(t, err)
	assert.NoError(t, reuse.Contradicts(reuse.Config))
	injected := reuse.Config
	injected.Faults.Inject = 2
	assert.ErrorContains(t, reuse.Contradicts(injected), "ISN clock")

	var prompt properties.Claim
	for _, c := range properties.Envelope() {
		if c.Property.Name == properties.OldSYNRecoveredPromptly.Name {
			prompt = c
		}
	}
	require.Nil(t, prompt.Premise, "the premise is the property's")
	assert.NoError(t, prompt.Contradicts(prompt.Config))
	both := prompt.Config
	both.Shape = fsm.BothActive
	assert.ErrorContains(t, prompt.Contradicts(both), "no side listens")
}

// TestNoStaleAcceptanceAndCleanTimeWaitTellFaultsApart shows that the two properties say
// different things, though the TIME-WAIT variants violate both: clean-time-wait is about
// the old segments of a connection of the run that closed gracefully (what TIME-WAIT keeps
// from the next one), no-stale-acceptance about any old segment. An old SYN from before the
// run that reopens TIME-WAIT (variant reopen-any-syn) is the second, not the first.
func TestNoStaleAcceptanceAndCleanTimeWaitTellFaultsApart(t *testing.T) {
	c, err := properties.LookupClaim("time-wait-reopen")
	require.NoError(t, err)
	sys, err := fsm.NewSystem(c.Config, "reopen-any-syn")
	require.NoError(t, err)
	m := properties.Bind(sys, []properties.Property{properties.NoStaleAcceptance, properties.CleanTimeWait})
	res, err := checker.Run(context.Background(), m, checker.Config{})
	require.NoError(t, err)
	require.True(t, res.Complete)
	require.Len(t, res.Verdicts, 2)
	assert.Equal(t, checker.Violated, res.Verdicts[0].Status, "no-stale-acceptance")
	assert.Equal(t, checker.Holds, res.Verdicts[1].Status, "clean-time-wait")
}
