package fsm

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func rfcVariant(t *testing.T) Variant {
	t.Helper()
	v, err := LookupVariant(RFC)
	require.NoError(t, err)
	return v
}

func mutantNamed(t *testing.T, ms []Mutant, name string) Mutant {
	t.Helper()
	for _, m := range ms {
		if m.Name == name {
			return m
		}
	}
	require.Failf(t, "no such mutant", "%q", name)
	return Mutant{}
}

func TestEveryKindMakesMutantsOfTheRFCTable(t *testing.T) {
	ms, err := Mutants(rfcVariant(t))
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(ms), 150)
	assert.LessOrEqual(t, len(ms), 360)
	count := map[MutantKind]int{}
	for _, m := range ms {
		count[m.Kind]++
	}
	for _, k := range MutantKinds() {
		assert.Positive(t, count[k], "kind %s", k)
	}
}

func TestMutantsHaveUniqueNamesAndDistinctTablesUnlikeTheOriginal(t *testing.T) {
	for _, v := range Variants {
		ms, err := Mutants(v)
		require.NoError(t, err, v.Name)
		base, err := v.Apply(Rules)
		require.NoError(t, err)
		names := map[string]bool{}
		tables := map[string]string{tableKey(base): "the original"}
		for _, m := range ms {
			assert.False(t, names[m.Name], "%s: name %q given twice", v.Name, m.Name)
			names[m.Name] = true
			table, err := m.Of(v).Apply(Rules)
			require.NoError(t, err, m.Name)
			k := tableKey(table)
			if other, ok := tables[k]; ok {
				assert.Failf(t, "same table", "%s: mutant %q has the table of %s", v.Name, m.Name, other)
			}
			tables[k] = m.Name
			assert.NotEmpty(t, m.Rule, m.Name)
		}
	}
}

func TestMutantNamesSayWhatChanged(t *testing.T) {
	ms, err := Mutants(rfcVariant(t))
	require.NoError(t, err)
	tests := []struct {
		name string
		kind MutantKind
		rule string
	}{
		{"delete syn-sent/syn-ack", MutDelete, "syn-sent/syn-ack"},
		{"retarget listen/syn -> ESTABLISHED", MutRetarget, "listen/syn"},
		{"retarget time-wait/rst -> CLOSED", MutRetarget, "time-wait/rst"},
		{"stay listen/syn", MutStay, "listen/syn"},
		{"no-emit established/close", MutNoEmit, "established/close"},
		{"continue other/bad-seq", MutContinue, "other/bad-seq"},
		{"guard syn-sent/syn-ack syn&ack-acks-syn -> syn", MutGuard, "syn-sent/syn-ack"},
		{"guard listen/syn syn -> always", MutGuard, "listen/syn"},
		{"no-effect syn-sent/syn-ack snd.una=seg.ack", MutNoEffect, "syn-sent/syn-ack"},
		{"reorder syn-sent/syn before syn-sent/syn-ack", MutReorder, "syn-sent/syn"},
	}
	for _, tt := range tests {
		m := mutantNamed(t, ms, tt.name)
		assert.Equal(t, tt.kind, m.Kind, tt.name)
		assert.Equal(t, tt.rule, m.Rule, tt.name)
	}
}

func TestAMutantOfAVariantKeepsTheVariantsEdits(t *testing.T) {
	v, err := LookupVariant("no-time-wait")
	require.NoError(t, err)
	ms, err := Mutants(v)
	require.NoError(t, err)
	m := mutantNamed(t, ms, "delete listen/syn")
	table, err := m.Of(v).Apply(Rules)
	require.NoError(t, err)
	assert.Equal(t, -1, indexOf(table, RuleListenSYN))
	assert.Equal(t, StateClosed, table[indexOf(table, RuleFINWait2FIN)].To, "the variant's edit is kept")
	assert.Equal(t, "no-time-wait delete listen/syn", m.Of(v).Name)
}

func TestAReorderedRowMovesBeforeItsCompetitor(t *testing.T) {
	ms, err := Mutants(rfcVariant(t))
	require.NoError(t, err)
	table, err := mutantNamed(t, ms, "reorder syn-sent/syn before syn-sent/syn-ack").Of(rfcVariant(t)).Apply(Rules)
	require.NoError(t, err)
	require.Len(t, table, len(Rules))
	assert.Equal(t, indexOf(Rules, RuleSYNSentSYNACK), indexOf(table, RuleSYNSentSYN))
	assert.Equal(t, indexOf(Rules, RuleSYNSentSYN), indexOf(table, RuleSYNSentSYNACK))
}

func TestParseMutantKindReadsEveryKindByName(t *testing.T) {
	for _, k := range MutantKinds() {
		got, err := ParseMutantKind(k.String())
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
	_, err := ParseMutantKind("swap")
	assert.ErrorContains(t, err, `unknown mutant kind "swap" (valid: delete, retarget,`)
}

func TestNewSystemOfRefusesAnEditOfAMissingRow(t *testing.T) {
	_, err := NewSystemOf(DefaultConfig(), Variant{Name: "x", Edits: []Edit{{Op: Remove, Rule: RuleFINWaitTextDiscarded}}})
	assert.ErrorContains(t, err, "no such rule")
}

func TestASystemBuiltFromAVariantValueStepsAsTheNamedVariant(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := rapid.SampledFrom(Variants).Draw(t, "variant")
		named, err := NewSystem(DefaultConfig(), v.Name)
		require.NoError(t, err)
		of, err := NewSystemOf(DefaultConfig(), v)
		require.NoError(t, err)
		walk(t, named, 40, func(s SysState, _ *Action) {
			same, _ := named.SameSuccessors(&of, s, nil)
			require.True(t, same, "%s at %s", v.Name, s)
		})
	})
}

func TestAMutantOfAnUnreachedRowHasTheOriginalsSuccessors(t *testing.T) {
	ms, err := Mutants(rfcVariant(t))
	require.NoError(t, err)
	rfc, err := NewSystem(DefaultConfig(), RFC)
	require.NoError(t, err)
	mut, err := NewSystemOf(DefaultConfig(), mutantNamed(t, ms, "delete listen/other").Of(rfcVariant(t)))
	require.NoError(t, err)
	rapid.Check(t, func(t *rapid.T) {
		var scratch []Action
		walk(t, rfc, 40, func(s SysState, _ *Action) {
			var same bool
			same, scratch = rfc.SameSuccessors(&mut, s, scratch)
			require.True(t, same, "at %s", s)
		})
	})
}

func TestATwoWayHandshakeMutantDiffersWhereTheSYNArrives(t *testing.T) {
	ms, err := Mutants(rfcVariant(t))
	require.NoError(t, err)
	rfc, err := NewSystem(DefaultConfig(), RFC)
	require.NoError(t, err)
	mut, err := NewSystemOf(DefaultConfig(), mutantNamed(t, ms, "retarget listen/syn -> ESTABLISHED").Of(rfcVariant(t)))
	require.NoError(t, err)
	s := rfc.Init()[0]
	same, _ := rfc.SameSuccessors(&mut, s, nil)
	assert.True(t, same, "nothing has arrived yet")
	s, ok := rfc.Next(s, Action{Kind: ActCall, Side: A, Event: EvOpen})
	require.True(t, ok)
	same, _ = rfc.SameSuccessors(&mut, s, nil)
	assert.False(t, same, "B takes A's SYN to SYN-RECEIVED in the RFC, to ESTABLISHED in the mutant")
}
