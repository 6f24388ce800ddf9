package fsm

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var citation = regexp.MustCompile(`^RFC 9293 §3(\.\d+)+( |$)`)

func allTables(t *testing.T) map[string][]Rule {
	t.Helper()
	out := map[string][]Rule{}
	for _, v := range Variants {
		rules, err := VariantRules(v.Name)
		require.NoError(t, err, "variant %s", v.Name)
		out[v.Name] = rules
	}
	return out
}

func TestEveryRuleOfEveryVariantCitesAnRFC9293Section(t *testing.T) {
	for name, rules := range allTables(t) {
		for _, r := range rules {
			assert.Regexp(t, citation, r.Cite, "variant %s, rule %q", name, r.Name)
		}
	}
}

func TestACitationCheckRejectsRulesWithoutASection(t *testing.T) {
	for _, bad := range []string{"", "RFC 793", "RFC 9293", "RFC 9293 section 3", "§3.10"} {
		assert.NotRegexp(t, citation, bad)
	}
}

func TestRuleNamesAreUniqueAndRulesAreWellFormed(t *testing.T) {
	for name, rules := range allTables(t) {
		seen := map[string]bool{}
		ids := map[RuleID]bool{}
		for _, r := range rules {
			assert.False(t, seen[r.Name], "variant %s: duplicate rule %q", name, r.Name)
			seen[r.Name] = true
			assert.True(t, r.ID > ruleNone && r.ID < numRuleIDs, "rule %q: no identity", r.Name)
			assert.False(t, ids[r.ID], "variant %s: rule %q reuses an identity", name, r.Name)
			ids[r.ID] = true
			assert.NotZero(t, r.From, "rule %q has no from-state", r.Name)
			assert.NotZero(t, r.On, "rule %q has no event", r.Name)
			assert.True(t, r.To == Stay || r.To < numStates, "rule %q: bad to-state", r.Name)
			assert.Equal(t, r.On == EvSegment, r.Phase != PhaseCall,
				"rule %q: only segment rows have a segment phase", r.Name)
			for _, term := range r.Guard.Terms {
				assert.True(t, term.Cond > condNone && term.Cond < numConds, "rule %q: bad condition", r.Name)
			}
			for _, d := range r.Do {
				assert.True(t, d > effectNone && d < numEffects, "rule %q: bad effect", r.Name)
			}
		}
	}
}

func TestEveryStateAndEventHasARowOrIsListedAsIgnored(t *testing.T) {
	for _, s := range AllStates() {
		for _, k := range AllEventKinds() {
			var rows []string
			for _, r := range Rules {
				if r.From.Has(s) && r.On == k {
					rows = append(rows, r.Name)
				}
			}
			var why []string
			for _, ig := range Ignored {
				if ig.From.Has(s) && ig.On == k {
					why = append(why, ig.Why)
				}
			}
			assert.True(t, len(rows) > 0 != (len(why) > 0),
				"%s on %s: rows %v, ignored because %v; want exactly one of them", s, k, rows, why)
			assert.LessOrEqual(t, len(why), 1, "%s on %s ignored twice", s, k)
		}
	}
}

func TestUnknownVariantIsAnErrorListingTheValidNames(t *testing.T) {
	_, err := VariantRules("three-way-handshake")
	require.Error(t, err)
	for _, v := range Variants {
		assert.Contains(t, err.Error(), v.Name)
	}
	_, err = NewSystem(DefaultConfig(), "nope")
	require.ErrorContains(t, err, "unknown variant \"nope\"")
}

func TestEveryVariantButTheRFCChangesTheTableAsItSays(t *testing.T) {
	base := Describe(Rules)
	for _, v := range Variants {
		rules, err := VariantRules(v.Name)
		require.NoError(t, err)
		if v.Name == RFC {
			assert.Empty(t, v.Edits)
			assert.Equal(t, base, Describe(rules))
			continue
		}
		assert.NotEmpty(t, v.Desc)
		assert.Len(t, v.Changed(), len(v.Edits)+len(v.Drops))
		if len(v.Drops) > 0 {
			// A timing variant keeps the table and drops an assumption instead.
			assert.Empty(t, v.Edits, v.Name)
			assert.Equal(t, base, Describe(rules), v.Name)
			continue
		}
		require.NotEmpty(t, v.Edits, v.Name)
		assert.NotEqual(t, base, Describe(rules), "variant %s leaves the table as it was", v.Name)
	}
}

func TestVariantEditsOfMissingRulesAreErrors(t *testing.T) {
	v := Variant{Name: "broken", Edits: []Edit{remove(RuleClosedOpen), remove(RuleClosedOpen)}}
	_, err := v.Apply(Rules)
	require.ErrorContains(t, err, `edit of rule closed/open: no such rule`)
}

func TestVariantsDoNotChangeTheRFCTable(t *testing.T) {
	before := Describe(Rules)
	for _, v := range Variants {
		_, err := VariantRules(v.Name)
		require.NoError(t, err)
	}
	assert.Equal(t, before, Describe(Rules))
}

func TestDescribeGivesEachRuleStaticDrawingData(t *testing.T) {
	infos := Describe(Rules)
	require.Len(t, infos, len(Rules))
	byName := map[string]RuleInfo{}
	for _, info := range infos {
		byName[info.Name] = info
		assert.NotEmpty(t, info.From)
		assert.NotZero(t, info.On)
		assert.NotEmpty(t, info.Cite)
	}
	syn := byName["listen/syn"]
	assert.Equal(t, []State{StateListen}, syn.From)
	assert.Equal(t, EvSegment, syn.On)
	assert.Equal(t, StateSynReceived, syn.To)
	assert.Equal(t, "SYN,ACK", syn.Emits)
	assert.Equal(t, "syn", syn.Guard.String())
	assert.True(t, syn.Guard.Has(CondSYN))
	assert.Equal(t, "no ACK", not(isACK).Terms[0].Text())
	assert.Equal(t, "!fin", not(isFIN).Terms[0].Text())
	assert.Equal(t, "ACK of SYN", synSentAckOK.Terms[0].Text())
	assert.True(t, strings.HasPrefix(syn.String(), "listen/syn: LISTEN --segment[syn] / SYN,ACK--> SYN-RECEIVED"), syn.String())
	assert.Equal(t, []State{StateSynSent, StateEstablished}, Rule{From: In(StateEstablished, StateSynSent), To: Stay}.Targets())
}

// A variant drops only timing assumptions that exist, and NewSystem drops them whatever
// the config keeps.
func TestVariantsDropKnownAssumptions(t *testing.T) {
	for _, v := range Variants {
		for _, d := range v.Drops {
			assert.Contains(t, AssumptionNames(), d, "variant %s", v.Name)
		}
		if len(v.Drops) == 0 {
			continue
		}
		sys, err := NewSystem(DefaultConfig(), v.Name)
		require.NoError(t, err)
		assert.NotEqual(t, DefaultConfig().Timing, sys.Config.Timing, "variant %s", v.Name)
		assert.Equal(t, v.Timing(DefaultConfig().Timing), sys.Config.Timing, "variant %s", v.Name)
	}
}
