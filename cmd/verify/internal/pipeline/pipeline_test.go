package pipeline

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// small is a configuration that explores in well under a second.
func small() fsm.Config {
	cfg := fsm.DefaultConfig()
	cfg.Units = [2]uint8{0, 0}
	cfg.Incarnations = 1
	cfg.Faults = fsm.Faults{}
	cfg.OldFrom = [2]bool{}
	cfg.SeqBits = cfg.MinSeqBits()
	return cfg
}

func smallClaim() properties.Claim {
	return properties.Claim{Name: "ready-before-data", Property: properties.NoHalfOpenAcceptance,
		Refuters: []string{"two-way-handshake"}, Config: small()}
}

func TestRunTellsAViolationAsAStoryWithItsChart(t *testing.T) {
	res, err := Run(context.Background(), Job{Config: small(), Variant: "two-way-handshake",
		Properties: []properties.Property{properties.NoHalfOpenAcceptance}, Search: checker.Config{Workers: 1}})
	require.NoError(t, err)
	assert.True(t, res.Summary.Complete)
	assert.Positive(t, res.Summary.States)
	require.Len(t, res.Verdicts, 1)
	v := res.Verdicts[0]
	assert.Equal(t, checker.Violated, v.Status)
	assert.Equal(t, properties.NoHalfOpenAcceptance.Statement, v.Statement)
	require.NotNil(t, v.Story)
	assert.Equal(t, len(v.Story.Chart.Steps), v.Steps())
	assert.Equal(t, "two-way-handshake: no-half-open-acceptance (counterexample)", v.Story.Chart.Title)
}

func TestRunWithAnUnknownVariantFails(t *testing.T) {
	_, err := Run(context.Background(), Job{Config: small(), Variant: "no-such", Properties: properties.All()})
	assert.Error(t, err)
}

func TestAClaimHoldsOnTheRFCAndIsRefutedByItsVariant(t *testing.T) {
	c := smallClaim()
	rfc, err := RunClaim(context.Background(), c, fsm.RFC, checker.Config{Workers: 1}, nil)
	require.NoError(t, err)
	assert.Equal(t, checker.Holds, rfc.Want)
	assert.Equal(t, checker.Holds, rfc.Got)
	assert.True(t, rfc.OK())
	assert.Equal(t, -1, rfc.Steps)
	assert.Nil(t, rfc.Chart)

	ref, err := RunClaim(context.Background(), c, "two-way-handshake", checker.Config{Workers: 1}, nil)
	require.NoError(t, err)
	assert.Equal(t, checker.Violated, ref.Want)
	assert.Equal(t, checker.Violated, ref.Got)
	assert.True(t, ref.OK())
	require.NotNil(t, ref.Chart)
	assert.Equal(t, "no-half-open-acceptance under two-way-handshake: violated (counterexample)", ref.Chart.Title)
}

func TestClaimsRunTogetherGetWhatEachGetsAlone(t *testing.T) {
	cfg := small()
	cfg.Units = [2]uint8{1, 1}
	cfg.SeqBits = cfg.MinSeqBits()
	claims := []properties.Claim{
		{Name: "ready", Property: properties.NoHalfOpenAcceptance, Config: cfg},
		{Name: "isn", Property: properties.ISNAgreement, Config: cfg},
		{Name: "data", Property: properties.NoDataLostOnClose, Config: cfg},
		{Name: "half-close", Property: properties.HalfCloseDelivers, Config: cfg},
		{Name: "ready-again", Property: properties.NoHalfOpenAcceptance, Config: cfg},
	}
	for _, variant := range []string{fsm.RFC, "two-way-handshake", "fin-closes-both"} {
		together, err := RunClaims(context.Background(), claims, variant, checker.Config{Workers: 2}, nil, variant == fsm.RFC)
		require.NoError(t, err)
		require.Len(t, together, len(claims))
		for i, c := range claims {
			alone, err := RunClaimWith(context.Background(), c, variant, checker.Config{Workers: 1}, nil, variant == fsm.RFC)
			require.NoError(t, err)
			got := together[i]
			assert.Equal(t, c.Name, got.Claim)
			assert.Equal(t, alone.Got, got.Got, "%s on %s", c.Name, variant)
			assert.Equal(t, alone.Steps, got.Steps, "%s on %s", c.Name, variant)
			assert.Equal(t, alone.Loop, got.Loop, "%s on %s", c.Name, variant)
			assert.Equal(t, alone.Actions, got.Actions, "%s on %s", c.Name, variant)
			// A search stops once its properties are decided: the shared one, with more
			// properties, goes at least as far, and as far when neither stopped early.
			if alone.Complete && got.Complete {
				assert.Equal(t, alone.States, got.States, "%s on %s", c.Name, variant)
				assert.Equal(t, alone.Coverage, got.Coverage, "%s on %s", c.Name, variant)
			} else {
				assert.GreaterOrEqual(t, got.States, alone.States, "%s on %s", c.Name, variant)
				assert.Equal(t, "stopped: every property decided", alone.Stop, "%s on %s", c.Name, variant)
			}
		}
	}
}

func TestClaimsOfDifferentConfigsDoNotRunTogether(t *testing.T) {
	other := small()
	other.Capacity = 3
	_, err := RunClaims(context.Background(), []properties.Claim{smallClaim(), {Name: "x", Property: properties.ISNAgreement, Config: other}},
		fsm.RFC, checker.Config{Workers: 1}, nil, false)
	assert.ErrorContains(t, err, "x has another config than ready-before-data")
}

func TestAClaimRunSpellsItsVerdictsAsWordsInJSON(t *testing.T) {
	r := ClaimRun{Claim: "c", Property: "p", Variant: "v", Want: checker.Violated, Got: checker.Unknown,
		Steps: -1, Loop: -1, States: 7}
	data, err := json.Marshal(r)
	require.NoError(t, err)
	assert.JSONEq(t, `{"claim":"c","property":"p","variant":"v","want":"violated","got":"unknown","ok":false,"steps":-1,"loop":-1,"states":7}`, string(data))
	var back ClaimRun
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, r, back)
}

func TestAClaimRunCarriesItsChartFileNameInsteadOfTheChart(t *testing.T) {
	ref, err := RunClaim(context.Background(), smallClaim(), "two-way-handshake", checker.Config{Workers: 1}, nil)
	require.NoError(t, err)
	inline, err := json.Marshal(ref)
	require.NoError(t, err)
	assert.Contains(t, string(inline), `"chart":`)
	assert.NotContains(t, string(inline), `"msc":`)
	ref.MSC = "msc-x.dot"
	named, err := json.Marshal(ref)
	require.NoError(t, err)
	assert.Contains(t, string(named), `"msc":"msc-x.dot"`)
	assert.NotContains(t, string(named), `"chart":`)
}

func TestReadingAClaimRunRejectsUnknownVerdictsAndFields(t *testing.T) {
	for _, bad := range []string{
		`{"claim":"c","property":"p","variant":"v","want":"maybe","got":"holds","ok":false,"steps":-1,"loop":-1,"states":1}`,
		`{"claim":"c","property":"p","variant":"v","want":"holds","got":"holds","ok":true,"steps":-1,"loop":-1,"states":1,"colour":1}`,
		`{"claim":"c","property":"p","variant":"v","want":"holds","got":"holds","ok":false,"steps":-1,"loop":-1,"states":1}`,
	} {
		var r ClaimRun
		assert.Error(t, json.Unmarshal([]byte(bad), &r), bad)
	}
}

func TestParseStatusReadsWhatStringWrites(t *testing.T) {
	for _, s := range []checker.Status{checker.Unknown, checker.Holds, checker.Violated} {
		got, err := ParseStatus(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	_, err := ParseStatus("Holds")
	assert.Error(t, err)
}

func TestCoverageCountsTheSameWhateverTheWorkers(t *testing.T) {
	cfg := small()
	cfg.Units = [2]uint8{1, 1}
	cfg.Faults = fsm.Faults{Loss: 1, Dup: 1}
	cfg.SeqBits = cfg.MinSeqBits()
	var first *Result
	for _, workers := range []int{1, 2} {
		res, err := Run(context.Background(), Job{Config: cfg, Variant: fsm.RFC,
			Properties: []properties.Property{properties.NoHalfOpenAcceptance},
			Search:     checker.Config{Workers: workers}, Coverage: true})
		require.NoError(t, err)
		require.Len(t, res.Coverage, len(fsm.Rules))
		if first == nil {
			first = res
			continue
		}
		assert.Equal(t, first.Coverage, res.Coverage, "workers=%d", workers)
	}
	fired := map[string]uint64{}
	for i, rc := range first.Coverage {
		assert.Equal(t, fsm.Rules[i].Name, rc.Name, "table order")
		fired[rc.Name] = rc.Fired
	}
	assert.Positive(t, fired["closed/open"])
	assert.Positive(t, fired["listen/syn"])
	assert.Zero(t, fired["listen/abort"], "no user may ABORT at this config")
}

func TestCoverageIsOnlyCountedWhenAskedFor(t *testing.T) {
	res, err := Run(context.Background(), Job{Config: small(), Variant: fsm.RFC,
		Properties: []properties.Property{properties.NoHalfOpenAcceptance}, Search: checker.Config{Workers: 1}})
	require.NoError(t, err)
	assert.Nil(t, res.Coverage)
}
