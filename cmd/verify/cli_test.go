package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/report"
)

// invoke runs the command in-process and returns its exit code, stdout and stderr.
func invoke(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// small is a configuration that explores in well under a second, in the smallest sequence
// space it allows (the default).
var small = []string{"--units", "0", "--incarnations", "1", "--loss", "0", "--dup", "0", "--inject", "0", "--progress=false"}

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
	cased := write("cased.json", `{"Seqspace": 8}`)
	casedFaults := write("casedfaults.json", `{"Faults": {"loss": 1}}`)
	topLoss := write("toploss.json", `{"loss": 1}`)
	noProps := write("noprops.json", `{"properties": []}`)
	unknownProp := write("unknownprop.json", `{"properties": ["isn-agreement", "nope"]}`)
	lossString := write("lossstring.json", `{"faults": {"loss": "x"}}`)
	faultCase := write("faultcase.json", `{"faults": {"Dup": 1}}`)
	faultUnknown := write("faultunknown.json", `{"faults": {"colour": 1}}`)
	faultsNull := write("faultsnull.json", `{"faults": null}`)
	twice := write("twice.json", `{"seqspace": 8, "seqspace": 16}`)
	empty := write("empty.json", "")
	array := write("array.json", `[{"seqspace": 8}]`)
	seqFloat := write("seqfloat.json", `{"seqspace": 8.0}`)
	seqExp := write("seqexp.json", `{"seqspace": 1e3}`)
	seqNull := write("seqnull.json", `{"seqspace": null}`)
	incFile := write("inc.json", `{"incarnations": 9}`)
	unitsThree := write("units3.json", `{"units": [1, 2, 3]}`)
	unitsBare := write("unitsbare.json", `{"units": 1}`)
	shapeNumber := write("shapenum.json", `{"shape": 3}`)
	garbage := write("garbage.json", `{"seqspace": 8} x`)
	cut := write("cut.json", `{"seqspace": 8`)
	// Below the minimum the ISN clock needs (RFC 9293 §3.4.1), and, with that assumption
	// dropped, at the minimum but too small for the data.
	tooSmall := write("toosmall.json", `{"seqspace": 4, "units": [3]}`)
	threeUnits := fsm.DefaultConfig()
	threeUnits.Units = [2]uint8{3, 3}
	slowClock := fsm.DefaultConfig()
	slowClock.Units = [2]uint8{10, 10}
	slowClock.Timing.SlowISNClock = true
	slowSpace := fmt.Sprint(1 << slowClock.MinSeqBits())
	halfSlow := fmt.Sprint(1 << (slowClock.MinSeqBits() - 1))
	notFit := write("notfit.json", `{"seqspace": `+halfSlow+`, "units": [10], "drop": ["isn-clock"]}`)
	defaultMin := fmt.Sprint(1 << fsm.DefaultConfig().MinSeqBits())
	dropUnknown := write("dropunknown.json", `{"drop": ["msl", "gravity"]}`)
	dropString := write("dropstring.json", `{"drop": "msl"}`)
	dropTwice := write("droptwice.json", `{"drop": ["msl", "msl"]}`)
	r2File := write("r2.json", `{"r2": 0}`)
	r2Big := write("r2big.json", `{"r2": 4}`)
	oldFromC := write("oldfromc.json", `{"old_from": ["A", "C"]}`)
	oldFromNone := write("oldfromnone.json", `{"old_from": []}`)
	oldFromTwice := write("oldfromtwice.json", `{"old_from": ["A", "a"]}`)
	oldFromHyphen := write("oldfromhyphen.json", `{"old-from": ["A"]}`)
	oldKindsURG := write("oldkindsurg.json", `{"old_kinds": ["syn", "urg"]}`)
	oldKindsNone := write("oldkindsnone.json", `{"old_kinds": []}`)
	oldKindsComma := write("oldkindscomma.json", `{"old_kinds": ["syn,fin"]}`)
	oldKindsAll := write("oldkindsall.json", `{"old_kinds": ["syn", "all"]}`)
	callsTypo := write("callstypo.json", `{"calls_b": ["listen", "sned"]}`)
	callsComma := write("callscomma.json", `{"calls_a": ["open,send"]}`)
	callsAll := write("callsall.json", `{"calls_a": ["all", "open"]}`)
	maxR2 := fmt.Sprint(fsm.MaxR2)
	maxInc := fmt.Sprint(fsm.MaxIncarnations)
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
		{"unknown mutant", []string{"check", "--mutant", "delete no/such"}, `--mutant: "delete no/such" is no mutant of rfc9293 (verify mutate --list names them)`},
		{"mutant of an unknown variant", []string{"check", "--variant", "no-such", "--mutant", "delete closed/open"}, "unknown variant"},
		{"mutant of another variant", []string{"check", "--variant", "two-way-handshake", "--mutant", "retarget listen/syn -> ESTABLISHED"}, "is no mutant of two-way-handshake"},
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
		{"bad visited mode", []string{"check", "--visited", "bloom"}, "--visited bloom: want exact, hash or tree"},
		{"bad format", []string{"check", "--format", "xml"}, "format"},
		{"missing config file", []string{"check", "--config", filepath.Join(dir, "nope.json")}, "config"},
		{"config not json", []string{"check", "--config", notJSON}, "config"},
		{"config unknown field", []string{"check", "--config", unknownField}, "colour: unknown key (valid: shape,"},
		{"config unknown variant", []string{"check", "--config", badVariantFile}, "unknown variant"},
		{"config bad seqspace", []string{"check", "--config", badSeqFile}, "power of two"},
		{"config trailing data", []string{"check", "--config", trailing}, "trailing data"},
		{"config wrong type", []string{"check", "--config", wrongType}, "type.json: capacity: want a whole number from 1 to 8"},
		{"config key in another case", []string{"check", "--config", cased}, `Seqspace: unknown key: keys are case-sensitive, want "seqspace"`},
		{"config faults in another case", []string{"check", "--config", casedFaults}, `Faults: unknown key: keys are case-sensitive, want "faults"`},
		{"config fault at the top level", []string{"check", "--config", topLoss}, `loss: unknown key at the top level: "loss" belongs under "faults"`},
		{"config no properties", []string{"check", "--config", noProps}, "properties: want a list of one or more property names"},
		{"config unknown property", []string{"check", "--config", unknownProp}, `properties: unknown property "nope"`},
		{"config fault not a number", []string{"check", "--config", lossString}, "faults.loss: want a whole number from 0 to 100"},
		{"config fault key in another case", []string{"check", "--config", faultCase}, `faults.Dup: unknown key: keys are case-sensitive, want "dup"`},
		{"config unknown fault", []string{"check", "--config", faultUnknown}, "faults.colour: unknown key (valid: loss, dup, inject, crash, partition)"},
		{"config faults null", []string{"check", "--config", faultsNull}, "faults: want a JSON object"},
		{"config key twice", []string{"check", "--config", twice}, "seqspace: given twice"},
		{"config empty", []string{"check", "--config", empty}, "empty.json: empty: want a JSON object"},
		{"config an array", []string{"check", "--config", array}, "array.json: want a JSON object"},
		{"config seqspace a fraction", []string{"check", "--config", seqFloat}, "seqspace: want a power of two from 2 to 4294967296"},
		{"config seqspace an exponent", []string{"check", "--config", seqExp}, "seqspace: want a power of two"},
		{"config seqspace null", []string{"check", "--config", seqNull}, "seqspace: want a power of two"},
		{"config incarnations out of range", []string{"check", "--config", incFile}, "incarnations: want a whole number from 1 to " + maxInc},
		{"config three units", []string{"check", "--config", unitsThree}, "units: want [A, B] or [N]"},
		{"config units not a list", []string{"check", "--config", unitsBare}, "units: want [A, B] or [N]"},
		{"config shape a number", []string{"check", "--config", shapeNumber}, "shape: want a string"},
		{"config garbage after the object", []string{"check", "--config", garbage}, "trailing data after the JSON object"},
		{"config cut short", []string{"check", "--config", cut}, "cut.json: not valid JSON: the file ends inside a value"},
		{"config below the minimum", []string{"check", "--config", tooSmall}, "check: model does not fit: sequence space 4 is too small: a run's numbers must lie within half the space, so that comparisons order them (RFC 9293 §3.4) and the ISN clock never wraps into numbers still alive (§3.4.1); this config needs at least " + fmt.Sprint(1<<threeUnits.MinSeqBits()) + " (want a larger seqspace, or leave seqspace unset for the smallest that fits)"},
		{"config does not fit", []string{"check", "--config", notFit}, "check: model does not fit: sequence space " + halfSlow + " is too small: a run's numbers must lie within half the space, so that comparisons order them (RFC 9293 §3.4) and the ISN clock never wraps into numbers still alive (§3.4.1); this config needs at least " + slowSpace + " (want a larger seqspace, or leave seqspace unset for the smallest that fits)"},
		{"config drops an unknown assumption", []string{"check", "--config", dropUnknown}, "dropunknown.json: drop: unknown timing assumption \"gravity\" (valid: isn-clock, isn-cycle, msl, quiet-time, time-wait-outlasts-r2, keepalive, throttle)"},
		{"config drop not a list", []string{"check", "--config", dropString}, "dropstring.json: drop: want a list of timing assumption names"},
		{"config drop twice", []string{"check", "--config", dropTwice}, "droptwice.json: drop: \"msl\" given twice"},
		{"config r2 zero", []string{"check", "--config", r2File}, "r2.json: r2: want a whole number from 1 to " + maxR2},
		{"config r2 too large", []string{"check", "--config", r2Big}, "r2big.json: r2: want a whole number from 1 to " + maxR2},
		{"config old segments from a third side", []string{"check", "--config", oldFromC}, `oldfromc.json: old_from: unknown side "C" (valid: A, B)`},
		{"config old segments from no side", []string{"check", "--config", oldFromNone}, "oldfromnone.json: old_from: want a list of one or two sides"},
		{"config old segments from a side twice", []string{"check", "--config", oldFromTwice}, "oldfromtwice.json: old_from: side A given twice"},
		{"config old_from spelt as the flag", []string{"check", "--config", oldFromHyphen}, `old-from: unknown key: keys join words with _, want "old_from"`},
		{"config unknown old segment kind", []string{"check", "--config", oldKindsURG}, `oldkindsurg.json: old_kinds: unknown old segment kind "urg" (valid: syn, syn-ack, ack, data, fin, rst, or all)`},
		{"config no old segment kinds", []string{"check", "--config", oldKindsNone}, "oldkindsnone.json: old_kinds: want a list of one or more old segment kinds"},
		{"config two kinds in one item", []string{"check", "--config", oldKindsComma}, `oldkindscomma.json: old_kinds: "syn,fin" names several kinds: want one kind per item`},
		{"config all among other kinds", []string{"check", "--config", oldKindsAll}, `oldkindsall.json: old_kinds: "all" stands alone`},
		{"config unknown call", []string{"check", "--config", callsTypo}, `callstypo.json: calls_b: unknown user call "sned" (valid: open, listen, send, close, abort, user-timeout, or all)`},
		{"config two calls in one item", []string{"check", "--config", callsComma}, `callscomma.json: calls_a: "open,send" names several calls: want one call per item`},
		{"config all among other calls", []string{"check", "--config", callsAll}, `callsall.json: calls_a: "all" stands alone`},
		{"unknown call flag", []string{"check", "--calls-b", "listen,snd"}, `check: --calls-b: unknown user call "snd"`},
		{"config a directory", []string{"check", "--config", dir}, "config file " + dir + ": cannot read it"},
		{"config empty name", []string{"check", "--config", ""}, `--config "": want a config file name`},
		{"max-memory NaN", []string{"check", "--max-memory", "NaN"}, "--max-memory NaN: want a size from 1B to 1024TiB"},
		{"max-memory Inf", []string{"check", "--max-memory", "Inf"}, "--max-memory Inf: want a size"},
		{"max-memory rounds to zero", []string{"check", "--max-memory", "1e-9"}, "--max-memory 1e-9: want a size"},
		{"max-memory half a byte", []string{"check", "--max-memory", "0.5B"}, "--max-memory 0.5B: 0.5B is not a whole number of bytes"},
		{"max-memory zero", []string{"check", "--max-memory", "0"}, "--max-memory 0: want a size from 1B"},
		{"max-memory too large", []string{"check", "--max-memory", "2000TiB"}, "--max-memory 2000TiB: want a size from 1B to 1024TiB"},
		{"max-memory lowercase unit", []string{"claims", "--max-memory", "4gb"}, "--max-memory 4gb: want a size"},
		{"timeout without a unit", []string{"check", "--timeout", "30"}, "--timeout 30: a duration needs a unit: want e.g. 30s"},
		{"timeout negative", []string{"check", "--timeout", "-1s"}, "--timeout -1s: want a duration"},
		{"timeout rounds to zero", []string{"check", "--timeout", "0.1ns"}, "--timeout 0.1ns: rounds to zero"},
		{"timeout NaN", []string{"claims", "--timeout", "NaN"}, "--timeout NaN: want a duration"},
		{"timeout without a value", []string{"claims", "--timeout"}, "--timeout needs a value"},
		{"incarnations beyond the model", []string{"check", "--incarnations", "8"}, "--incarnations 8: want a whole number from 1 to " + maxInc},
		{"incarnations far beyond", []string{"check", "--incarnations", "100"}, "--incarnations 100: want a whole number from 1 to " + maxInc},
		{"seqspace one", []string{"check", "--seqspace", "1"}, "--seqspace 1: want a power of two from 2 to 4294967296"},
		{"seqspace beyond 32 bits", []string{"check", "--seqspace", "8589934592"}, "--seqspace 8589934592: want a power of two from 2 to 4294967296"},
		{"seqspace in hex", []string{"check", "--seqspace", "0x10"}, "--seqspace 0x10: want a power of two"},
		{"window zero", []string{"check", "--window", "0"}, "--window 0: want a whole number from 1 to 1048576"},
		{"units too many", []string{"check", "--units", "101"}, "--units 101: want N or A,B, each a whole number from 0 to 100"},
		{"loss too many", []string{"check", "--loss", "101"}, "--loss 101: want a whole number from 0 to 100"},
		{"crash negative", []string{"check", "--crash", "-1"}, "--crash -1: want a whole number from 0 to 100"},
		{"max-states negative", []string{"check", "--max-states", "-1"}, "--max-states -1: want a whole number, 0 or more"},
		{"max-depth a fraction", []string{"check", "--max-depth", "1.5"}, "--max-depth 1.5: want a whole number, 0 or more"},
		{"too many workers", []string{"check", "--workers", "1025"}, "--workers 1025: want a whole number from 1 to 1024"},
		{"progress not a boolean", []string{"check", "--progress=maybe"}, "--progress maybe: want true or false"},
		{"properties empty", []string{"check", "--properties", ""}, `--properties "": want one or more property names`},
		{"properties with an empty name", []string{"check", "--properties", "isn-agreement,,open-completes"}, `--properties isn-agreement,,open-completes: want one or more property names`},
		{"claims empty claim", []string{"claims", "--claim", ""}, `--claim: unknown claim ""`},
		{"help with two commands", []string{"help", "check", "trace"}, "help: unexpected argument trace"},
		{"docs outside the repository", []string{"docs", "--out", filepath.Join(dir, "docs")}, "is not tcpverify's docs directory (it lacks README.md)"},
		{"docs zero workers", []string{"docs", "--workers", "0"}, "--workers 0: want a whole number from 1 to 1024"},
		{"trace unknown variant", []string{"trace", "--variant", "no-such", aFile}, `trace: --variant: unknown variant "no-such"`},
		{"trace bad format", []string{"trace", "--format", "xml", aFile}, "trace: --format xml: want text or json"},
		{"simulate too many walks", []string{"simulate", "--walks", "1073741825"}, "--walks 1073741825: want a whole number from 1 to 1073741824"},
		{"simulate too deep", []string{"simulate", "--depth", "1048577"}, "--depth 1048577: want a whole number from 1 to 1048576"},
		{"simulate negative workers", []string{"simulate", "--workers", "-1"}, "--workers -1: want a whole number from 0 to 1024"},
		{"simulate seed not a number", []string{"simulate", "--seed", "x"}, "--seed x: want a whole number"},
		{"simulate timeout without a unit", []string{"simulate", "--timeout", "30"}, "--timeout 30: a duration needs a unit"},
		{"simulate config key in another case", []string{"simulate", "--config", cased}, "simulate: config file " + cased + ": Seqspace: unknown key"},
		{"bench half a byte", []string{"bench", "--max-memory", "0.5B"}, "--max-memory 0.5B: 0.5B is not a whole number of bytes"},
		{"bench zero workers", []string{"bench", "--workers", "1,0"}, "--workers 1,0: want comma-separated counts, each a whole number from 1 to 1024"},
		{"bench bad visited", []string{"bench", "--visited", "bloom"}, "--visited bloom: want comma-separated modes, each exact, hash or tree"},
		{"out is a file", append([]string{"check", "--out", filepath.Join(aFile, "sub")}, small...), "out"},
		{"claims out is a file", []string{"claims", "--out", filepath.Join(aFile, "sub")}, "out"},
		{"simulate out is a file", []string{"simulate", "--out", filepath.Join(aFile, "sub")}, "out"},
		{"out names a json file", []string{"check", "--out", filepath.Join(dir, "x.json")}, "--out names a directory"},
		{"out names a markdown file", []string{"simulate", "--out", "report.md"}, "--out names a directory"},
		{"claims out names an svg file", []string{"claims", "--out", "c.svg"}, "--out names a directory"},
		{"out is empty", []string{"check", "--out", ""}, "--out is empty"},
		{"seqspace below the minimum", []string{"check", "--seqspace", "32"}, "check: model does not fit: sequence space 32 is too small: a run's numbers must lie within half the space, so that comparisons order them (RFC 9293 §3.4) and the ISN clock never wraps into numbers still alive (§3.4.1); this config needs at least " + defaultMin + " (want a larger seqspace, or leave seqspace unset for the smallest that fits)"},
		{"too many TCBs", []string{"check", "--dup", "40"}, "check: model does not fit: B may make 44 TCBs: want fewer than 22 (fewer incarnations, duplications or injections)"},
		{"seqspace two", []string{"check", "--seqspace", "2"}, "check: model does not fit: sequence space 2 is too small: a run's numbers must lie within half the space, so that comparisons order them (RFC 9293 §3.4) and the ISN clock never wraps into numbers still alive (§3.4.1); this config needs at least " + defaultMin},
		{"window too small for data", []string{"check", "--drop", "isn-clock", "--seqspace", halfSlow, "--units", "10"}, "check: model does not fit: sequence space " + halfSlow + " is too small: a run's numbers must lie within half the space, so that comparisons order them (RFC 9293 §3.4) and the ISN clock never wraps into numbers still alive (§3.4.1); this config needs at least " + slowSpace + " (want a larger seqspace, or leave seqspace unset for the smallest that fits)"},
		{"drop an unknown assumption", []string{"check", "--drop", "msl,gravity"}, `check: --drop: unknown timing assumption "gravity" (valid: isn-clock, isn-cycle, msl, quiet-time, time-wait-outlasts-r2, keepalive, throttle)`},
		{"drop an empty name", []string{"check", "--drop", "msl,"}, `check: --drop: unknown timing assumption ""`},
		{"r2 zero", []string{"check", "--r2", "0"}, "check: --r2 0: want a whole number from 1 to " + maxR2},
		{"r2 too large", []string{"check", "--r2", "4"}, "check: --r2 4: want a whole number from 1 to " + maxR2},
		{"r2 not a number", []string{"simulate", "--r2", "twice"}, "simulate: --r2 twice: want a whole number from 1 to " + maxR2},
		{"old segments from a third side", []string{"check", "--old-from", "C"}, `check: --old-from: unknown side "C" (valid: A, B)`},
		{"old segments from no side", []string{"check", "--old-from", ""}, `check: --old-from: unknown side ""`},
		{"unknown old segment kind", []string{"check", "--old-kinds", "syn,urg"}, `check: --old-kinds: unknown old segment kind "urg" (valid: syn, syn-ack, ack, data, fin, rst, or all)`},
		{"no old segment kinds", []string{"simulate", "--old-kinds", ""}, `simulate: --old-kinds: unknown old segment kind ""`},
		{"unknown claim", []string{"claims", "--claim", "no-such"}, "unknown claim"},
		{"claims bad format", []string{"claims", "--format", "yaml"}, "format"},
		{"list bad format", []string{"list", "--format", "yaml"}, "format"},
		{"simulate zero walks", []string{"simulate", "--walks", "0"}, "walks"},
		{"simulate zero depth", []string{"simulate", "--depth", "0"}, "depth"},
		{"bench unknown set", []string{"bench", "--set", "huge"}, "set"},
		{"bench unknown tool", []string{"bench", "--against", "tlc"}, "tool"},
		{"bench bad workers", []string{"bench", "--workers", "1,x"}, "workers"},
		{"bench config not in set", []string{"bench", "--config", "seq99cap9"}, "not in set"},
		{"bench unknown set lists the sets", []string{"bench", "--set", "rfc9293"}, "--set rfc9293: want quick, rfc, spin or full"},
		{"bench rfc config of another set", []string{"bench", "--config", "rfc9293-cap3/all"}, "--config rfc9293-cap3/all: not in set quick (valid: seq2cap2, seq4cap2, seq4cap3, rfc9293-default/safety, rfc9293-default/all)"},
		{"bench rfc config without properties", []string{"bench", "--set", "rfc", "--config", "rfc9293-crash1"}, "--config rfc9293-crash1: not in set rfc (valid: seq4cap3, rfc9293-default/safety, rfc9293-default/all, rfc9293-crash1/safety, rfc9293-crash1/all, rfc9293-cap3/safety, rfc9293-cap3/all)"},
		{"help for unknown command", []string{"help", "nothing"}, "unknown command"},
	}
	require.GreaterOrEqual(t, len(cases), 60)
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
			for _, internal := range []string{"new system", "new machine", "trace machine", "cannot unmarshal", "json: unknown field", "Go struct", "unmarshal", "invalid value", "parse error"} {
				assert.NotContains(t, stderr, internal, "an internal function or a Go type")
			}
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
		{"simulate", []string{"simulate", "--units", "0", "--incarnations", "1", "--walks", "5", "--depth", "10"}},
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
	_, err := os.Stat(filepath.Join(dir, "report.md"))
	assert.NoError(t, err)
	for _, p := range r.Properties {
		if p.Trace != nil {
			_, err := os.Stat(filepath.Join(dir, p.Trace.MSC))
			assert.NoError(t, err, "the chart of %s", p.Name)
		}
	}
}

// A property decided in the initial state has a counterexample of no steps: its steps are
// an empty list in report.json, which the schema requires (they were null once).
func TestACounterexampleOfNoStepsIsAValidReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	code, _, stderr := invoke(t, "check", "--out", dir, "--shape", "both-active", "--calls-a", "send", "--calls-b", "send")
	require.Equal(t, exitViolated, code, "stderr: %s", stderr)
	r := readReport(t, dir)
	zero := 0
	for _, p := range r.Properties {
		if p.Trace != nil && len(p.Trace.Steps) == 0 {
			require.NotNil(t, p.Trace.Steps, p.Name)
			zero++
		}
	}
	assert.Positive(t, zero, "no user opens: the liveness properties fail at once")
}

func TestACheckWithoutGraphWritesNoGraphAndSaysSo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	code, _, stderr := invoke(t, append([]string{"check", "--out", dir}, small...)...)
	require.Contains(t, []int{exitOK, exitViolated}, code, "stderr: %s", stderr)
	assert.NoFileExists(t, filepath.Join(dir, "graph.dot"))
	assert.NoFileExists(t, filepath.Join(dir, "graph.svg"))
	r := readReport(t, dir)
	assert.Empty(t, r.Graph)
	require.NotEmpty(t, r.Notes)
	assert.Contains(t, r.Notes[0], "No state graph was kept: run with --graph")
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "run with --graph")
}

func TestACheckWithGraphWritesAndDrawsIt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	code, _, stderr := invoke(t, append([]string{"check", "--out", dir, "--graph"}, small...)...)
	require.Contains(t, []int{exitOK, exitViolated}, code, "stderr: %s", stderr)
	assert.FileExists(t, filepath.Join(dir, "graph.dot"))
	r := readReport(t, dir)
	assert.Equal(t, "graph.dot", r.Graph)
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	require.NoError(t, err)
	if _, err := exec.LookPath("dot"); err == nil {
		assert.FileExists(t, filepath.Join(dir, "graph.svg"))
		assert.Equal(t, "graph.svg", r.GraphSVG)
		assert.Contains(t, string(md), "[graph.svg](graph.svg)", "report.md links the drawing")
	} else {
		assert.Empty(t, r.GraphSVG)
	}
	for _, n := range r.Notes {
		assert.NotContains(t, n, "state graph", "a drawn graph needs no note")
	}
	// The drawing folds each node's self-loops into its label and boxes the nodes by
	// the connection's phase.
	g, err := os.ReadFile(filepath.Join(dir, "graph.dot"))
	require.NoError(t, err)
	for _, line := range strings.Split(string(g), "\n") {
		if from, to, ok := strings.Cut(strings.TrimSpace(line), "->"); ok {
			to, _, _ = strings.Cut(to, "[")
			assert.NotEqual(t, strings.TrimSpace(from), strings.TrimSpace(to), "a self-loop is drawn: %s", line)
		}
	}
	assert.Contains(t, string(g), "⟲")
	assert.Contains(t, string(g), `label="opening"`)
}

func TestPhaseNamesTheConnectionsPhaseOfAProjectedNode(t *testing.T) {
	for _, tt := range []struct {
		label, want string
	}{
		{"A=CLOSED B=LISTEN", "opening"},
		{"A=SYN-SENT B=SYN-RECEIVED", "opening"},
		{"A=ESTABLISHED B=SYN-RECEIVED", "established"},
		{"A=ESTABLISHED B=CLOSE-WAIT", "closing"},
		{"A=TIME-WAIT B=CLOSED", "closing"},
		{"A=CLOSED B=CLOSED", "opening"},
		{"x=1", ""},
		{"A=NOWHERE B=LISTEN", ""},
	} {
		got, _ := phase(tt.label)
		assert.Equal(t, tt.want, got, tt.label)
	}
}

func TestAGraphTooBigToReadIsWrittenButNotLaidOut(t *testing.T) {
	atLimits := &checker.Graph{Nodes: make([]checker.GraphNode, maxDrawnNodes), Edges: make([]checker.GraphEdge, maxDrawnEdges)}
	assert.Empty(t, graphNote(atLimits), "a graph at the limits is drawn")
	wide := &checker.Graph{Nodes: make([]checker.GraphNode, maxDrawnNodes+1)}
	assert.Equal(t, "The state graph has 201 nodes and 0 edges, more than a drawing can show (at most 200 nodes and 2000 edges): graph.dot is written, graph.svg is not laid out.", graphNote(wide))
	dense := &checker.Graph{Nodes: make([]checker.GraphNode, 2), Edges: make([]checker.GraphEdge, maxDrawnEdges+1)}
	assert.Contains(t, graphNote(dense), "2001 edges")

	// A report of a real run, written again with a graph too big to draw.
	first := filepath.Join(t.TempDir(), "report")
	code, _, stderr := invoke(t, append([]string{"check", "--out", first}, small...)...)
	require.Contains(t, []int{exitOK, exitViolated}, code, "stderr: %s", stderr)
	rep := readReport(t, first)
	for i := range wide.Nodes {
		wide.Nodes[i].Label = fmt.Sprint("n", i)
	}
	dir := t.TempDir()
	require.NoError(t, writeReportDir(dir, &rep, nil, wide))
	assert.FileExists(t, filepath.Join(dir, "graph.dot"))
	assert.NoFileExists(t, filepath.Join(dir, "graph.svg"))
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

func TestTreeCompressionFindsWhatExactStorageFinds(t *testing.T) {
	var results []report.Report
	for _, v := range []string{"exact", "tree"} {
		dir := filepath.Join(t.TempDir(), "report")
		code, _, stderr := invoke(t, append([]string{"check", "--out", dir, "--visited", v, "--loss", "1"}, small...)...)
		require.Contains(t, []int{exitOK, exitViolated}, code, "stderr: %s", stderr)
		results = append(results, readReport(t, dir))
	}
	assert.Equal(t, "tree", results[1].Search.Visited)
	assert.Zero(t, results[1].Result.OmissionBound)
	assert.Equal(t, results[0].Result.States, results[1].Result.States)
	assert.Equal(t, results[0].Result.Transitions, results[1].Result.Transitions)
	assert.Equal(t, results[0].Result.MaxDepth, results[1].Result.MaxDepth)
	assert.Equal(t, results[0].Properties, results[1].Properties)
}

func TestConfigFileIsReadAndFlagsOverrideIt(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "model.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"units": [0, 0], "incarnations": 1, "faults": {"loss": 0, "dup": 0, "inject": 1},
		"capacity": 2, "r2": 2, "drop": ["msl"], "old_from": ["B"], "old_kinds": ["syn", "rst"]}`), 0o644))
	out := filepath.Join(dir, "r")
	code, _, stderr := invoke(t, "check", "--config", cfg, "--capacity", "3", "--drop", "throttle,keepalive", "--out", out, "--progress=false")
	require.Contains(t, []int{exitOK, exitViolated}, code, "stderr: %s", stderr)
	r := readReport(t, out)
	var c fileConfig
	require.NoError(t, json.Unmarshal(r.Model.Config, &c))
	assert.Equal(t, 3, *c.Capacity, "the flag overrides the file")
	assert.Equal(t, 1, *c.Incarnations, "the file overrides the default")
	assert.Equal(t, 2, *c.R2, "r2 from the file")
	assert.Equal(t, []string{"keepalive", "throttle"}, c.Drop, "the flag's list replaces the file's, recorded in fsm.Assumptions order")
	assert.Equal(t, []string{"B"}, c.OldFrom)
	assert.Equal(t, []string{"syn", "rst"}, c.OldKinds)
	want := fsm.DefaultConfig()
	want.Units, want.Capacity, want.Faults = [2]uint8{0, 0}, 3, fsm.Faults{Inject: 1}
	want.Timing = fsm.Timing{R2: 2, NoKeepalive: true, NoThrottle: true}
	want.OldFrom, want.OldKinds = [2]bool{false, true}, fsm.OldSYN|fsm.OldRST
	assert.Equal(t, 1<<want.MinSeqBits(), *c.SeqSpace, "the default sequence space is the smallest the config allows")
}

func TestAReportsConfigGivenBackAsAConfigFileRepeatsTheRun(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "first")
	code, _, stderr := invoke(t, append([]string{"check", "--out", first, "--r2", "2", "--drop", "isn-clock",
		"--old-from", "A,B", "--old-kinds", "all", "--inject", "1", "--window", "1"}, small...)...)
	require.Contains(t, []int{exitOK, exitViolated}, code, "stderr: %s", stderr)
	r1 := readReport(t, first)
	cfg := filepath.Join(dir, "recorded.json")
	require.NoError(t, os.WriteFile(cfg, r1.Model.Config, 0o644))
	again := filepath.Join(dir, "again")
	code, _, stderr = invoke(t, "check", "--config", cfg, "--out", again, "--progress=false")
	require.Contains(t, []int{exitOK, exitViolated}, code, "stderr: %s", stderr)
	r2 := readReport(t, again)
	assert.JSONEq(t, string(r1.Model.Config), string(r2.Model.Config))
	assert.Equal(t, r1.Result.States, r2.Result.States)
	assert.Equal(t, r1.Result.Transitions, r2.Result.Transitions)
	var c fileConfig
	require.NoError(t, json.Unmarshal(r1.Model.Config, &c))
	assert.Equal(t, []string{"isn-clock"}, c.Drop)
	assert.Equal(t, []string{"A", "B"}, c.OldFrom)
	assert.Equal(t, []string{"syn", "syn-ack", "ack", "data", "fin", "rst"}, c.OldKinds)
}

func TestAReportRecordsThatEveryAssumptionWasKept(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "r")
	code, _, stderr := invoke(t, append([]string{"check", "--out", dir}, small...)...)
	require.Contains(t, []int{exitOK, exitViolated}, code, "stderr: %s", stderr)
	var c fileConfig
	require.NoError(t, json.Unmarshal(readReport(t, dir).Model.Config, &c))
	assert.Equal(t, []string{}, c.Drop, "drop: [] says no assumption was dropped")
}

func TestTheDefaultSequenceSpaceIsTheSmallestThatFits(t *testing.T) {
	resolve := func(args ...string) fsm.Config {
		t.Helper()
		fs := newFlagSet("check")
		mf := addModelFlags(fs)
		require.NoError(t, parse(fs, args, io.Discard))
		m, err := mf.resolve(fs)
		require.NoError(t, err)
		return m.cfg
	}
	def := resolve()
	assert.Equal(t, fsm.DefaultConfig().MinSeqBits(), def.SeqBits, "the timing assumptions' minimum")
	// With a slow ISN clock the minimum is what one connection's data needs; the default
	// is that space, and one half that size is refused.
	slow := resolve("--drop", "isn-clock", "--units", "10")
	assert.Equal(t, slow.MinSeqBits(), slow.SeqBits)
	_, err := fsm.NewSystem(slow, fsm.RFC)
	require.NoError(t, err)
	smaller := fmt.Sprint(1 << (slow.SeqBits - 1))
	code, _, stderr := invoke(t, "check", "--drop", "isn-clock", "--units", "10", "--seqspace", smaller, "--out", filepath.Join(t.TempDir(), "r"))
	assert.Equal(t, exitBadInput, code)
	assertOneLine(t, stderr, "sequence space "+smaller+" is too small")
}

func TestTheHelpStatesTheRangesTheErrorsAskFor(t *testing.T) {
	code, help, _ := invoke(t, "help", "check")
	require.Equal(t, exitOK, code)
	for _, tc := range []struct {
		flag, bad string
		s         spec
	}{
		{"incarnations", "99", incarnationsSpec}, {"capacity", "99", capacitySpec}, {"seqspace", "6", seqspaceSpec},
		{"window", "0", windowSpec}, {"loss", "-1", faultSpec}, {"workers", "0", workersSpec}, {"r2", "9", r2Spec},
		{"partition", "2", partitionSpec},
	} {
		assert.Contains(t, help, tc.s.Range()+")", tc.flag)
		_, _, stderr := invoke(t, "check", "--"+tc.flag, tc.bad, "--out", filepath.Join(t.TempDir(), "r"))
		assert.Contains(t, stderr, tc.s.want(), tc.flag)
	}
	assert.Contains(t, help, fmt.Sprintf("(N: 1 to %d)", fsm.MaxIncarnations))
}

func TestDocsOutsideTheRepositoryCreatesNothing(t *testing.T) {
	// The package directory holds no docs/: the default --out is refused before anything
	// is searched or written.
	code, _, stderr := invoke(t, "docs")
	assert.Equal(t, exitBadInput, code)
	assertOneLine(t, stderr, "not tcpverify's docs directory")
	_, err := os.Stat("docs")
	assert.True(t, os.IsNotExist(err), "docs was created: %v", err)
}

func TestSimulateWithTheLargestWalksStopsAtItsTimeoutWithAnIncompleteReport(t *testing.T) {
	// 2^30 walks, the most --walks allows: memory does not grow with it, and --timeout
	// stops the walks with a report that says so.
	dir := filepath.Join(t.TempDir(), "sim")
	code, out, stderr := invoke(t, "simulate", "--walks", "1073741824", "--timeout", "300ms", "--out", dir)
	require.Equal(t, exitIncomplete, code, "stdout: %s stderr: %s", out, stderr)
	assert.Contains(t, out, "of 1073741824 walks")
	assert.Contains(t, out, "INCOMPLETE: time limit reached")
	assert.Contains(t, out, "report: "+filepath.Join(dir, "report.md"))
	r := readReport(t, dir)
	assert.False(t, r.Result.Complete)
	assert.Contains(t, r.Result.Stop, "time limit reached after")
	assert.EqualValues(t, 0.3, r.Search.TimeoutSeconds)
}

func TestSimulateEndsWithAReportLine(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sim")
	code, out, stderr := invoke(t, "simulate", "--units", "0", "--incarnations", "1", "--walks", "20", "--depth", "30", "--out", dir)
	require.Equal(t, exitIncomplete, code, "stderr: %s", stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.Equal(t, "simulated 20 walks, "+strings.Fields(lines[0])[3]+" steps (seed 1)", lines[0])
	assert.Equal(t, "report: "+filepath.Join(dir, "report.md"), lines[len(lines)-1])
	readReport(t, dir)
}

// A report records the model's config as a config file spells it, the users' calls
// included: read back, it builds the same config.
func TestAReportsConfigReadsBackAsTheSameConfig(t *testing.T) {
	dir := t.TempDir()
	flags := []string{"--calls-a", "open,send,close,abort", "--calls-b", "all", "--units", "0", "--loss", "0",
		"--dup", "0", "--inject", "0", "--shape", "both-active"}
	fs := newFlagSet("check")
	mf := addModelFlags(fs)
	require.NoError(t, fs.Parse(flags))
	want, err := mf.resolve(fs)
	require.NoError(t, err)
	assert.Equal(t, fsm.CallOpen|fsm.CallSend|fsm.CallClose|fsm.CallAbort, want.cfg.Calls[fsm.A])
	assert.Equal(t, fsm.AllCalls, want.cfg.Calls[fsm.B])
	data, err := json.Marshal(configJSON(want.cfg))
	require.NoError(t, err)
	path := filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	fs = newFlagSet("check")
	mf = addModelFlags(fs)
	require.NoError(t, fs.Parse([]string{"--config", path}))
	got, err := mf.resolve(fs)
	require.NoError(t, err)
	assert.Equal(t, want.cfg, got.cfg)
}

// check --mutant checks a mutant of the variant's table, as verify mutate judges it, so a
// user can read the trace that kills it; --stop-at-violation ends the search at the level
// of the first violation, whose verdict is final (exit 1), leaving the rest unknown.
func TestCheckRunsAMutantAndStopsAtItsFirstViolation(t *testing.T) {
	args := []string{"check", "--properties", "unacceptable-acked,no-half-open-acceptance", "--dup", "0", "--inject", "0", "--progress=false"}
	dir := filepath.Join(t.TempDir(), "rfc")
	code, _, stderr := invoke(t, append(args, "--stop-at-violation", "--out", dir)...)
	require.Equal(t, exitOK, code, "stderr: %s", stderr)
	rfc := readReport(t, dir)
	assert.True(t, rfc.Result.Complete, "no violation: the whole space")

	mutant := append(args, "--mutant", "no-emit other/bad-seq")
	dir = filepath.Join(t.TempDir(), "full")
	code, _, stderr = invoke(t, append(mutant, "--out", dir)...)
	require.Equal(t, exitViolated, code, "stderr: %s", stderr)
	full := readReport(t, dir)
	assert.Equal(t, "rfc9293 no-emit other/bad-seq", full.Model.Variant)
	assert.True(t, full.Result.Complete)

	dir = filepath.Join(t.TempDir(), "stop")
	code, stdout, stderr := invoke(t, append(mutant, "--stop-at-violation", "--out", dir)...)
	require.Equal(t, exitViolated, code, "stderr: %s", stderr)
	stopped := readReport(t, dir)
	assert.False(t, stopped.Result.Complete)
	assert.Contains(t, stopped.Result.Stop, "violation")
	assert.Less(t, stopped.Result.States, full.Result.States)
	require.Len(t, stopped.Properties, 2)
	for i, p := range stopped.Properties {
		if p.Status == checker.Violated {
			// The same shortest counterexample as the whole search's.
			require.NotNil(t, p.Trace)
			assert.Equal(t, len(full.Properties[i].Trace.Steps), len(p.Trace.Steps), p.Name)
		} else {
			assert.Equal(t, checker.Unknown, p.Status, p.Name)
		}
	}
	assert.Contains(t, stdout, "violated  unacceptable-acked")
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "**Verdict:** 1 of 2 properties violated; INCOMPLETE")
}
