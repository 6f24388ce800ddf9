package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

func caseNames(cases []benchCase) []string {
	var names []string
	for _, c := range cases {
		names = append(names, c.name)
	}
	return names
}

func TestEveryBenchSetMeasuresTheTwinBeforeItsRFCRows(t *testing.T) {
	want := map[string][]string{
		"quick": {"seq2cap2", "seq4cap2", "seq4cap3", "rfc9293-default/safety", "rfc9293-default/all"},
		"rfc": {"seq4cap3", "rfc9293-default/safety", "rfc9293-default/all", "rfc9293-crash1/safety", "rfc9293-crash1/all",
			"rfc9293-cap3/safety", "rfc9293-cap3/all"},
		"spin": {"seq4cap4", "seq8cap3"},
		"full": {"seq4cap3", "seq4cap4", "seq8cap3", "seq8cap4", "rfc9293-default/safety", "rfc9293-default/all",
			"rfc9293-crash1/safety", "rfc9293-crash1/all", "rfc9293-cap3/safety", "rfc9293-cap3/all"},
	}
	sets := benchSets()
	assert.ElementsMatch(t, benchSetNames, slices.Collect(maps.Keys(sets)))
	for name, cases := range sets {
		assert.Equal(t, want[name], caseNames(cases), "set %s", name)
		twin := -1
		for i, c := range cases {
			if c.twin {
				twin = i
			}
			if c.rfc != nil {
				require.GreaterOrEqual(t, twin, 0, "set %s: %s comes after the twin", name, c.name)
			}
		}
	}
}

func TestAPickedRFCConfigBringsItsTwinAlong(t *testing.T) {
	for _, tc := range []struct {
		set, only string
		want      []string
	}{
		{"rfc", "rfc9293-cap3/all", []string{"seq4cap3", "rfc9293-cap3/all"}},
		{"rfc", "rfc9293-crash1/safety", []string{"seq4cap3", "rfc9293-crash1/safety"}},
		{"quick", "rfc9293-default/safety", []string{"seq4cap3", "rfc9293-default/safety"}},
		{"full", "rfc9293-default/all", []string{"seq4cap3", "rfc9293-default/all"}},
		{"rfc", "seq4cap3", []string{"seq4cap3"}},
		{"quick", "seq2cap2", []string{"seq2cap2"}},
	} {
		cases, err := pickBenchCases(tc.set, tc.only)
		require.NoError(t, err, "%s %s", tc.set, tc.only)
		assert.Equal(t, tc.want, caseNames(cases), "%s %s", tc.set, tc.only)
		if cases[len(cases)-1].rfc != nil {
			assert.True(t, cases[0].twin, "%s %s: the twin comes first", tc.set, tc.only)
		}
	}
	plan, err := parseBench([]string{"--set", "rfc", "--config", "rfc9293-cap3/safety", "--workers", "1,2", "--visited", "exact"}, io.Discard)
	require.NoError(t, err)
	var jobs []string
	for _, j := range plan.jobs() {
		jobs = append(jobs, j.c.name)
	}
	assert.Equal(t, []string{"seq4cap3", "seq4cap3", "rfc9293-cap3/safety", "rfc9293-cap3/safety"}, jobs)
}

func TestTheRFCRowsExploreWhatCheckExploresWithTheSameFlags(t *testing.T) {
	for _, tc := range []struct {
		cases []benchCase
		flags []string
	}{
		{rfcDefault(), nil},
		{rfcCrash1(), []string{"--crash", "1"}},
		{rfcCap3(), []string{"--capacity", "3"}},
	} {
		fs := flag.NewFlagSet("check", flag.ContinueOnError)
		mf := addModelFlags(fs)
		require.NoError(t, fs.Parse(tc.flags))
		m, err := mf.resolve(fs)
		require.NoError(t, err)
		require.Len(t, tc.cases, 2)
		for _, c := range tc.cases {
			assert.Equal(t, m.cfg, *c.rfc, "%s is verify check %v", c.name, tc.flags)
		}
		assert.True(t, tc.cases[0].safety)
		assert.False(t, tc.cases[1].safety)
	}
	safety := properties.Safety()
	assert.Less(t, len(safety), len(properties.All()))
	for _, p := range safety {
		assert.NotEqual(t, checker.KindEventually, p.Kind, p.Name)
	}
	assert.Len(t, safety, len(properties.All())-3, "every property but the three eventually ones")
}

func TestTheTwinRatioComparesRowsOfTheSameEngineSettings(t *testing.T) {
	twins := map[benchKey]benchRow{}
	for _, r := range []benchRow{
		{Config: "seq4cap3", Workers: 1, Visited: "exact", StatesPerSec: 1000, Complete: true},
		{Config: "seq4cap3", Workers: 2, Visited: "exact", StatesPerSec: 1600, Complete: true},
		{Config: "seq4cap3", Workers: 1, Visited: "hash-compaction", StatesPerSec: 1250, Complete: false},
	} {
		twins[keyOf(r)] = r
	}
	for _, tc := range []struct {
		name string
		row  benchRow
		want float64
	}{
		{"one worker", benchRow{Workers: 1, Visited: "exact", StatesPerSec: 100, Complete: true}, 0.1},
		{"two workers", benchRow{Workers: 2, Visited: "exact", StatesPerSec: 400, Complete: true}, 0.25},
		{"no twin at four workers", benchRow{Workers: 4, Visited: "exact", StatesPerSec: 400, Complete: true}, 0},
		{"an incomplete twin", benchRow{Workers: 1, Visited: "hash-compaction", StatesPerSec: 400, Complete: true}, 0},
		{"an incomplete row", benchRow{Workers: 1, Visited: "exact", StatesPerSec: 400}, 0},
	} {
		assert.InDelta(t, tc.want, twinRatio(tc.row, twins), 1e-12, tc.name)
	}
}

func TestTheBenchTableShowsTheTwinRatio(t *testing.T) {
	rows := []benchRow{
		{Config: "seq4cap3", Tool: "tcpverify", Workers: 1, Visited: "exact", StatesPerSec: 1000, Complete: true},
		{Config: "rfc9293-crash1/safety", Tool: "tcpverify", Workers: 1, Visited: "exact", StatesPerSec: 125, Complete: true, TwinRatio: 0.125},
	}
	var b bytes.Buffer
	printBench(&b, rows, nil)
	lines := bytes.Split(bytes.TrimSpace(b.Bytes()), []byte("\n"))
	require.Len(t, lines, 3)
	assert.Regexp(t, `vs twin$`, string(lines[0]))
	assert.Regexp(t, `^seq4cap3 .* -$`, string(lines[1]))
	assert.Regexp(t, `^rfc9293-crash1/safety .* 0\.125x$`, string(lines[2]))

	js, err := json.Marshal(rows)
	require.NoError(t, err)
	var back []map[string]any
	require.NoError(t, json.Unmarshal(js, &back))
	assert.NotContains(t, back[0], "twin_ratio")
	assert.Equal(t, 0.125, back[1]["twin_ratio"])
}

// A run of jobs measures the twin first and gives each RFC row its ratio; the twin here is
// a tiny anchor setting and the RFC config a tiny one, so that the test takes a moment.
func TestBenchJobsGiveTheRFCRowsTheirTwinRatio(t *testing.T) {
	tw := anchorCase(2, 2)
	tw.twin = true
	cfg := fsm.DefaultConfig()
	cfg.Units, cfg.Faults = [2]uint8{}, fsm.Faults{}
	cfg.SeqBits = cfg.MinSeqBits()
	var jobs []benchJob
	for _, c := range slices.Concat([]benchCase{tw}, rfcCases("tiny", cfg)) {
		jobs = append(jobs, benchJob{c: c, workers: 1, mode: checker.Exact})
	}
	rows, code, err := runBenchJobs(context.Background(), jobs, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, exitOK, code)
	require.Len(t, rows, 3)
	assert.Zero(t, rows[0].TwinRatio, "the twin has no ratio of its own")
	for _, r := range rows[1:] {
		require.True(t, r.Complete, r.Config)
		assert.Positive(t, r.States, r.Config)
		assert.InDelta(t, r.StatesPerSec/rows[0].StatesPerSec, r.TwinRatio, 1e-9, r.Config)
	}
	assert.Equal(t, rows[1].States, rows[2].States, "the properties do not change the states")
}
