package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/checker"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/report"
)

// invoke runs the command in-process and returns its exit code, stdout and stderr.
func invoke(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// small is a configuration that explores in well under a second.
var small = []string{"--seqspace", "8", "--units", "0", "--incarnations", "1", "--loss", "0", "--dup", "0", "--inject", "0", "--progress=false"}

func TestBadInputExitsTwoWithOneLine(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	notJSON := write("bad.json", "{seqspace: 8")
	unknownField := write("unknown.json", `{"seqspace": 8, "colour": "blue"}`)
	badVariantFile := write("variant.json", `{"variant": "three-and-a-half-way"}`)
	badSeqFile := write("seq.json", `{"seqspace": 6}`)
	trailing := write("trailing.json", `{"seqspace": 8} {}`)
	wrongType := write("type.json", `{"capacity": "three"}`)
	aFile := write("plain", "x")
	cases := []struct {
		name string
		args []string
		want string // a fragment of the one-line error
	}{
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"unknown flag", []string{"check", "--colour"}, "flag provided but not defined"},
		{"unknown flag on default command", []string{"--bogus"}, "flag provided but not defined"},
		{"stray argument", []string{"check", "extra"}, "unexpected argument"},
		{"unknown variant", []string{"check", "--variant", "no-such"}, "unknown variant"},
		{"unknown shape", []string{"check", "--shape", "triangle"}, "unknown shape"},
		{"unknown property", []string{"check", "--properties", "no-such"}, "unknown property"},
		{"seqspace not a power of two", []string{"check", "--seqspace", "6"}, "power of two"},
		{"seqspace not a number", []string{"check", "--seqspace", "eight"}, "--seqspace eight: want a power of two from 2 to 4294967296"},
		{"capacity zero", []string{"check", "--capacity", "0"}, "capacity"},
		{"capacity too large", []string{"check", "--capacity", "99"}, "capacity"},
		{"negative loss", []string{"check", "--loss", "-1"}, "loss"},
		{"units garbage", []string{"check", "--units", "a,b"}, "units"},
		{"units three sides", []string{"check", "--units", "1,2,3"}, "units"},
		{"zero incarnations", []string{"check", "--incarnations", "0"}, "incarnations"},
		{"zero workers", []string{"check", "--workers", "0"}, "workers"},
		{"negative max depth", []string{"check", "--max-depth", "-3"}, "max-depth"},
		{"bad memory size", []string{"check", "--max-memory", "lots"}, "max-memory"},
		{"negative memory size", []string{"check", "--max-memory", "-5MB"}, "max-memory"},
		{"bad timeout", []string{"check", "--timeout", "soon"}, "--timeout soon: want a duration"},
		{"bad visited mode", []string{"check", "--visited", "bloom"}, "visited"},
		{"bad format", []string{"check", "--format", "xml"}, "format"},
		{"missing config file", []string{"check", "--config", filepath.Join(dir, "nope.json")}, "config"},
		{"config not json", []string{"check", "--config", notJSON}, "config"},
		{"config unknown field", []string{"check", "--config", unknownField}, "colour: unknown key (valid: shape,"},
		{"config unknown variant", []string{"check", "--config", badVariantFile}, "unknown variant"},
		{"config bad seqspace", []string{"check", "--config", badSeqFile}, "power of two"},
		{"config trailing data", []string{"check", "--config", trailing}, "trailing data"},
		{"config wrong type", []string{"check", "--config", wrongType}, "config"},
		{"out is a file", append([]string{"check", "--out", filepath.Join(aFile, "sub")}, small...), "out"},
		{"claims out is a file", []string{"claims", "--out", filepath.Join(aFile, "sub")}, "out"},
		{"simulate out is a file", []string{"simulate", "--out", filepath.Join(aFile, "sub")}, "out"},
		{"window too small for data", []string{"check", "--seqspace", "4", "--units", "3"}, "fit"},
		{"unknown claim", []string{"claims", "--claim", "no-such"}, "unknown claim"},
		{"claims bad format", []string{"claims", "--format", "yaml"}, "format"},
		{"list bad format", []string{"list", "--format", "yaml"}, "format"},
		{"simulate zero walks", []string{"simulate", "--walks", "0"}, "walks"},
		{"simulate zero depth", []string{"simulate", "--depth", "0"}, "depth"},
		{"bench unknown set", []string{"bench", "--set", "huge"}, "set"},
		{"bench unknown tool", []string{"bench", "--against", "tlc"}, "tool"},
		{"bench bad workers", []string{"bench", "--workers", "1,x"}, "workers"},
		{"bench config not in set", []string{"bench", "--config", "seq99cap9"}, "not in set"},
		{"help for unknown command", []string{"help", "nothing"}, "unknown command"},
	}
	require.GreaterOrEqual(t, len(cases), 25)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string(nil), tc.args...)
			if (args[0] == "check" || args[0] == "--bogus") && !slices.Contains(args, "--out") {
				args = append(args, "--out", filepath.Join(t.TempDir(), "r"))
			}
			code, _, stderr := invoke(t, args...)
			assert.Equal(t, exitBadInput, code, "stderr: %s", stderr)
			lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
			assert.Len(t, lines, 1, "stderr: %q", stderr)
			assert.True(t, strings.HasPrefix(stderr, "verify: "), "stderr: %q", stderr)
			assert.Contains(t, stderr, tc.want)
		})
	}
}

// assertOneLine checks that stderr is one line from verify that says want.
func assertOneLine(t *testing.T, stderr, want string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	assert.Len(t, lines, 1, "stderr: %q", stderr)
	assert.True(t, strings.HasPrefix(stderr, "verify: "), "stderr: %q", stderr)
	assert.Contains(t, stderr, want)
}

func TestAWriteThatFailsAfterTheSearchExitsFourWithOneLine(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		{"check", append([]string{"check"}, small...)},
		{"simulate", []string{"simulate", "--seqspace", "8", "--units", "0", "--incarnations", "1", "--walks", "5", "--depth", "10"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The directory exists, so it passes the check up front; report.json is a
			// directory in it, so writing the report fails once the search is done.
			dir := t.TempDir()
			require.NoError(t, os.Mkdir(filepath.Join(dir, "report.json"), 0o755))
			code, _, stderr := invoke(t, append(tc.args, "--out", dir)...)
			assert.Equal(t, exitInternal, code, "stderr: %s", stderr)
			assertOneLine(t, stderr, "report.json")
		})
	}
}

func TestAPanickingCommandIsAnInternalErrorWithOneLine(t *testing.T) {
	cmds := []command{{name: "boom", run: func(context.Context, []string, io.Writer, io.Writer) (int, error) {
		panic("something\nbroke")
	}}}
	var stdout, stderr bytes.Buffer
	code := runWith(context.Background(), cmds, []string{"boom"}, &stdout, &stderr)
	assert.Equal(t, exitInternal, code)
	assertOneLine(t, stderr.String(), "verify: internal error: something broke")
}

func TestHelpExitsZeroAndListsFlags(t *testing.T) {
	code, out, _ := invoke(t, "help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "claims")
	assert.Contains(t, out, "4 could not finish")
	code, out, _ = invoke(t, "help", "check")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "-max-states")
	code, out, _ = invoke(t, "check", "-help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "-variant")
}

func TestListNamesVariantsPropertiesAndClaims(t *testing.T) {
	code, out, _ := invoke(t, "list")
	require.Equal(t, exitOK, code)
	for _, want := range []string{"rfc9293", "two-way-handshake", "no-time-wait", "isn-agreement", "half-close", "client-server"} {
		assert.Contains(t, out, want)
	}
	code, out, _ = invoke(t, "list", "--format", "json")
	require.Equal(t, exitOK, code)
	var l listing
	require.NoError(t, json.Unmarshal([]byte(out), &l))
	assert.NotEmpty(t, l.Variants)
	assert.NotEmpty(t, l.Claims)
}

func readReport(t *testing.T, dir string) report.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	require.NoError(t, err)
	require.NoError(t, report.Validate(data), "report.json must validate against its schema")
	var r report.Report
	require.NoError(t, json.Unmarshal(data, &r))
	return r
}

func TestCheckWritesAValidReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	code, out, stderr := invoke(t, append([]string{"check", "--out", dir}, small...)...)
	require.Contains(t, []int{exitOK, exitViolated}, code, "stderr: %s", stderr)
	assert.Contains(t, out, "states")
	r := readReport(t, dir)
	assert.True(t, r.Result.Complete)
	assert.Positive(t, r.Result.States)
	for _, f := range []string{"report.md", "graph.dot"} {
		_, err := os.Stat(filepath.Join(dir, f))
		assert.NoError(t, err, f)
	}
	for _, p := range r.Properties {
		if p.Trace != nil {
			_, err := os.Stat(filepath.Join(dir, p.Trace.MSC))
			assert.NoError(t, err, "the chart of %s", p.Name)
		}
	}
}

func TestABoundGivesExitThreeAndAnIncompleteReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	code, _, stderr := invoke(t, append([]string{"check", "--out", dir, "--max-states", "20", "--properties", "isn-agreement,open-completes"}, small...)...)
	require.Equal(t, exitIncomplete, code, "stderr: %s", stderr)
	r := readReport(t, dir)
	assert.False(t, r.Result.Complete)
	assert.Contains(t, r.Result.Stop, "state limit")
	assert.EqualValues(t, 20, r.Result.States)
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "INCOMPLETE")
}

func TestAViolationGivesExitOne(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	code, out, stderr := invoke(t, append([]string{"check", "--out", dir, "--variant", "two-way-handshake", "--properties", "no-half-open-acceptance"}, small...)...)
	require.Equal(t, exitViolated, code, "stdout: %s stderr: %s", out, stderr)
	r := readReport(t, dir)
	require.Len(t, r.Properties, 1)
	p := r.Properties[0]
	assert.Equal(t, checker.Violated, p.Status)
	require.NotNil(t, p.Trace)
	for _, s := range p.Trace.Steps {
		assert.NotEmpty(t, s.Story)
		assert.NotEmpty(t, s.Actor)
	}
}

func TestCountsDoNotDependOnWorkers(t *testing.T) {
	var results []report.Report
	for _, w := range []string{"1", "2"} {
		dir := filepath.Join(t.TempDir(), "report")
		code, _, stderr := invoke(t, append([]string{"check", "--out", dir, "--workers", w, "--loss", "1"}, small...)...)
		require.Contains(t, []int{exitOK, exitViolated}, code, "stderr: %s", stderr)
		results = append(results, readReport(t, dir))
	}
	assert.Equal(t, results[0].Result.States, results[1].Result.States)
	assert.Equal(t, results[0].Result.Transitions, results[1].Result.Transitions)
	assert.Equal(t, results[0].Result.MaxDepth, results[1].Result.MaxDepth)
	assert.Equal(t, results[0].Properties, results[1].Properties)
}

func TestConfigFileIsReadAndFlagsOverrideIt(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "model.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"seqspace": 8, "units": [0, 0], "incarnations": 1, "faults": {"loss": 0, "dup": 0, "inject": 0}, "capacity": 2}`), 0o644))
	out := filepath.Join(dir, "r")
	code, _, stderr := invoke(t, "check", "--config", cfg, "--capacity", "3", "--out", out, "--progress=false")
	require.Contains(t, []int{exitOK, exitViolated}, code, "stderr: %s", stderr)
	r := readReport(t, out)
	var c fileConfig
	require.NoError(t, json.Unmarshal(r.Model.Config, &c))
	assert.Equal(t, 3, *c.Capacity, "the flag overrides the file")
	assert.Equal(t, 1, *c.Incarnations, "the file overrides the default")
}
