package fsm

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// MayDiffer is a proof obligation: wherever it says a mutant cannot differ, the mutant has
// the unmutated table's successors. Any variant, any config, any mutant, any reached state.
func TestAMutantThatCannotDifferInAStateHasTheOriginalsSuccessorsThere(t *testing.T) {
	mutantsOf := mutantCache{}
	rapid.Check(t, func(t *rapid.T) {
		sys, mu, mut := mutantsOf.draw(t)
		var scratch []Action
		walk(t, sys, 40, func(s SysState, _ *Action) {
			var c Consulted
			scratch = sys.Consult(s, &c, scratch)
			if mu.MayDiffer(sys.Machine.Rules, &c) {
				return
			}
			var same bool
			same, scratch = sys.SameSuccessors(&mut, s, scratch)
			require.True(t, same, "%s: MayDiffer says no at %s", mu.Name, s)
		})
	})
}

func TestConsultedRowsNestAndIncludeEveryFiredRow(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sys := genSystem(t)
		var acts []Action
		walk(t, sys, 40, func(s SysState, _ *Action) {
			var c Consulted
			acts = sys.Consult(s, &c, acts)
			for w := range c.Matched {
				require.Zero(t, c.Matched[w]&^c.Reached[w], "matched but not reached")
				require.Zero(t, c.Reached[w]&^c.Candidate[w], "reached but not a candidate")
			}
			for _, a := range sys.Enabled(s, nil) {
				for _, i := range sys.AppendFired(nil, s, a) {
					require.True(t, c.Matched.Has(i), "row %s fired by %s but not matched", sys.Machine.Rules[i].Name, sys.Label(s, a))
				}
			}
		})
	})
}

func TestAMutantOfARowNoStateReadsCannotDifferAndOneOfTheSYNsRowDoes(t *testing.T) {
	ms, err := Mutants(rfcVariant(t))
	require.NoError(t, err)
	rfc, err := NewSystem(DefaultConfig(), RFC)
	require.NoError(t, err)
	unread := mutantNamed(t, ms, "delete listen/other")
	synRow := mutantNamed(t, ms, "retarget listen/syn -> ESTABLISHED")
	s := rfc.Init()[0]
	var c Consulted
	rfc.Consult(s, &c, nil)
	assert.False(t, unread.MayDiffer(rfc.Machine.Rules, &c))
	assert.False(t, synRow.MayDiffer(rfc.Machine.Rules, &c), "no SYN has arrived")
	s, ok := rfc.Next(s, Action{Kind: ActCall, Side: A, Event: EvOpen})
	require.True(t, ok)
	rfc.Consult(s, &c, nil)
	assert.False(t, unread.MayDiffer(rfc.Machine.Rules, &c))
	assert.True(t, synRow.MayDiffer(rfc.Machine.Rules, &c), "B's LISTEN row takes A's SYN")
}

// The screen of verify mutate computes the variant's outcomes once per state
// (ConsultOutcomes) and compares each mutant with them, recomputing only what may differ
// (SameOutcomes): that must be SameSuccessors wherever the mutant may differ, and the
// outcomes those of Next, in the order of Actions.
func TestSameOutcomesIsSameSuccessors(t *testing.T) {
	mutantsOf := mutantCache{}
	rapid.Check(t, func(t *rapid.T) {
		sys, mu, mut := mutantsOf.draw(t)
		sense := mu.SensitivityIn(sys.Machine.Rules)
		var scratch []Action
		var o Outcomes
		walk(t, sys, 40, func(s SysState, _ *Action) {
			var c, alone Consulted
			scratch = sys.ConsultOutcomes(s, &c, &o, scratch)
			sys.Consult(s, &alone, nil)
			require.Equal(t, alone, c, "ConsultOutcomes consults what Consult does")
			acts := sys.Actions(s, nil)
			require.Len(t, o.Of, len(acts))
			for k, a := range acts {
				next, ok := sys.Next(s, a)
				require.Equal(t, a, o.Of[k].Action)
				require.Equal(t, ok, o.Of[k].OK)
				if ok {
					require.Equal(t, next, o.Of[k].Next)
				}
			}
			var got bool
			got, scratch = sys.SameOutcomes(s, &o, sense, scratch)
			require.True(t, got, "a system has its own outcomes")
			if !sense.MayDiffer(&c) {
				return
			}
			want, _ := sys.SameSuccessors(&mut, s, nil)
			got, scratch = mut.SameOutcomes(s, &o, sense, scratch)
			require.Equal(t, want, got, "%s at %s", mu.Name, s)
		})
	})
}

// mutantCache keeps each variant's mutants across a rapid check's draws.
type mutantCache map[string][]Mutant

// draw draws a system (genSystem), one of its variant's mutants, and the mutant's system
// of the same config.
func (mc mutantCache) draw(t *rapid.T) (System, Mutant, System) {
	sys := genSystem(t)
	v, err := LookupVariant(sys.Machine.Variant)
	require.NoError(t, err)
	ms, ok := mc[v.Name]
	if !ok {
		ms, err = Mutants(v)
		require.NoError(t, err)
		mc[v.Name] = ms
	}
	mu := rapid.SampledFrom(ms).Draw(t, "mutant")
	mut, err := NewSystemOf(sys.Config, mu.Of(v))
	require.NoError(t, err)
	return sys, mu, mut
}
