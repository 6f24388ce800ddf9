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
	mutantsOf := map[string][]Mutant{}
	rapid.Check(t, func(t *rapid.T) {
		sys := genSystem(t)
		v, err := LookupVariant(sys.Machine.Variant)
		require.NoError(t, err)
		ms, ok := mutantsOf[v.Name]
		if !ok {
			ms, err = Mutants(v)
			require.NoError(t, err)
			mutantsOf[v.Name] = ms
		}
		mu := rapid.SampledFrom(ms).Draw(t, "mutant")
		mut, err := NewSystemOf(sys.Config, mu.Of(v))
		require.NoError(t, err)
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

// The screen of verify mutate computes the variant's successors once per state
// (ConsultSuccessors) and compares each mutant with them (HasSuccessors): that must be
// SameSuccessors, and the successors those of Enabled and Next, in the same order.
func TestHasSuccessorsOfConsultedSuccessorsIsSameSuccessors(t *testing.T) {
	mutantsOf := map[string][]Mutant{}
	rapid.Check(t, func(t *rapid.T) {
		sys := genSystem(t)
		v, err := LookupVariant(sys.Machine.Variant)
		require.NoError(t, err)
		ms, ok := mutantsOf[v.Name]
		if !ok {
			ms, err = Mutants(v)
			require.NoError(t, err)
			mutantsOf[v.Name] = ms
		}
		mu := rapid.SampledFrom(ms).Draw(t, "mutant")
		mut, err := NewSystemOf(sys.Config, mu.Of(v))
		require.NoError(t, err)
		var scratch []Action
		var succ []Successor
		walk(t, sys, 40, func(s SysState, _ *Action) {
			var c, alone Consulted
			scratch, succ = sys.ConsultSuccessors(s, &c, scratch, succ[:0])
			sys.Consult(s, &alone, nil)
			require.Equal(t, alone, c, "ConsultSuccessors consults what Consult does")
			enabled := sys.Enabled(s, nil)
			require.Len(t, succ, len(enabled))
			for i, a := range enabled {
				next, ok := sys.Next(s, a)
				require.True(t, ok)
				require.Equal(t, Successor{a, next}, succ[i])
			}
			want, _ := sys.SameSuccessors(&mut, s, nil)
			var got bool
			got, scratch = mut.HasSuccessors(s, succ, scratch)
			require.Equal(t, want, got, "%s at %s", mu.Name, s)
			got, _ = sys.HasSuccessors(s, succ, nil)
			require.True(t, got, "a system has its own successors")
			if len(succ) > 0 {
				got, _ = sys.HasSuccessors(s, succ[:len(succ)-1], nil)
				require.False(t, got, "a successor short")
				other := append([]Successor(nil), succ...)
				other[len(other)-1].Next.Clock[A]++
				got, _ = sys.HasSuccessors(s, other, nil)
				require.False(t, got, "a successor's state changed")
			}
		})
	})
}
