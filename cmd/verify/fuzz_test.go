package main

import (
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/tcpverify/tcpverify/fsm"
)

// The fuzz targets check the parsers of what users type: config files, sizes and
// durations. Run one for a while with
//
//	go test -run '^$' -fuzz FuzzConfigFile -fuzztime 10m -parallel 1 ./cmd/verify/

// FuzzConfigFile: parseConfig never panics; an error is one line that names the file and
// says something after it; an accepted file has every number in its range and reads back
// the same once written out again.
func FuzzConfigFile(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `[]`, `null`, `{"seqspace": 8}`, `{"Seqspace": 8}`, `{"loss": 1}`, `{"seqspace": 8} {}`,
		`{"seqspace": 8.0}`, `{"seqspace": 1e3}`, `{"seqspace": -4}`, `{"capacity": "three"}`,
		`{"units": [1, 2]}`, `{"units": [1]}`, `{"units": [1, 2, 3]}`, `{"units": 1}`,
		`{"faults": {"loss": 1, "dup": 0, "inject": 1, "crash": 0}}`, `{"faults": {"Loss": 1}}`,
		`{"faults": null}`, `{"properties": []}`, `{"properties": ["isn-agreement"]}`,
		`{"properties": ["nope"]}`, `{"shape": "both-active", "variant": "rfc9293"}`,
		`{"shape": 3}`, `{"seqspace": 8, "seqspace": 16}`, `{"window": 99999999999999999999}`,
		`{"incarnations": 7, "window": 2, "capacity": 8}`, "{\"a\nb\": 1}", `{"seqspace": 8,}`,
		`{"r2": 2}`, `{"r2": 0}`, `{"drop": []}`, `{"drop": ["msl", "keepalive"]}`, `{"drop": ["gravity"]}`,
		`{"drop": "msl"}`, `{"drop": ["msl", "msl"]}`, `{"old_from": ["A", "B"]}`, `{"old_from": ["a", "A"]}`,
		`{"old_from": []}`, `{"old-from": ["A"]}`, `{"old_kinds": ["all"]}`, `{"old_kinds": ["syn", "rst"]}`,
		`{"old_kinds": ["syn,fin"]}`, `{"old_kinds": ["all", "syn"]}`, `{"old_kinds": null}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fc, err := parseConfig("m.json", data)
		if err != nil {
			msg := err.Error()
			if strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("error on several lines: %q", msg)
			}
			rest, ok := strings.CutPrefix(msg, "config file m.json: ")
			if !ok || rest == "" {
				t.Fatalf("error does not name the file, or says nothing: %q", msg)
			}
			for _, goism := range []string{"json: ", "Go ", "struct", "unmarshal", "[]int", "*int", "*main."} {
				if strings.Contains(rest, goism) {
					t.Fatalf("error shows Go's wording %q: %q", goism, msg)
				}
			}
			return
		}
		checkInRange(t, fc)
		again, err := json.Marshal(fc)
		if err != nil {
			t.Fatal(err)
		}
		fc2, err := parseConfig("m.json", again)
		if err != nil {
			t.Fatalf("%s was accepted, but written out as %s it is refused: %v", data, again, err)
		}
		if !reflect.DeepEqual(fc, fc2) {
			t.Fatalf("%s does not read back the same as %s", data, again)
		}
	})
}

func checkInRange(t *testing.T, fc *fileConfig) {
	t.Helper()
	for _, c := range []struct {
		name string
		p    *int
		s    spec
	}{{"seqspace", fc.SeqSpace, seqspaceSpec}, {"window", fc.Window, windowSpec}, {"capacity", fc.Capacity, capacitySpec},
		{"incarnations", fc.Incarnations, incarnationsSpec}, {"r2", fc.R2, r2Spec}} {
		if c.p != nil && c.s.check(int64(*c.p)) != nil {
			t.Fatalf("%s %d accepted out of its range %s", c.name, *c.p, c.s.Range())
		}
	}
	if fc.Units != nil && (len(fc.Units) < 1 || len(fc.Units) > 2) {
		t.Fatalf("units %v accepted", fc.Units)
	}
	for _, u := range fc.Units {
		if unitsSpec.check(int64(u)) != nil {
			t.Fatalf("units %v accepted", fc.Units)
		}
	}
	if fc.Properties != nil && len(fc.Properties) == 0 {
		t.Fatal("an empty list of properties accepted")
	}
	// What the flags accept, the file accepts: each list read as its flag reads it.
	var timing fsm.Timing
	for _, n := range fc.Drop {
		if err := timing.Drop(n); err != nil {
			t.Fatalf("drop %v accepted: %v", fc.Drop, err)
		}
	}
	if fc.OldFrom != nil && (len(fc.OldFrom) < 1 || len(fc.OldFrom) > 2) {
		t.Fatalf("old_from %v accepted", fc.OldFrom)
	}
	for _, n := range fc.OldFrom {
		if _, err := fsm.ParseSide(n); err != nil {
			t.Fatalf("old_from %v accepted: %v", fc.OldFrom, err)
		}
	}
	if fc.OldKinds != nil {
		if _, err := fsm.ParseOldKinds(strings.Join(fc.OldKinds, ",")); err != nil || len(fc.OldKinds) == 0 {
			t.Fatalf("old_kinds %v accepted: %v", fc.OldKinds, err)
		}
	}
	if f := fc.Faults; f != nil {
		for _, p := range []*int{f.Loss, f.Dup, f.Inject, f.Crash} {
			if p != nil && faultSpec.check(int64(*p)) != nil {
				t.Fatalf("fault budget %d accepted", *p)
			}
		}
	}
}

// FuzzSizeAndDurationFlags: --max-memory and --timeout never panic; an error is one line
// that names the flag; an accepted size is a positive number of bytes at most maxSize that
// reads back the same once printed, and an accepted duration is 0 or positive and reads
// back the same once printed.
func FuzzSizeAndDurationFlags(f *testing.F) {
	for _, seed := range []string{
		"", "0", "1", "1B", "0.5B", "1.5KiB", "512MiB", "4GB", "1e-9", "NaN", "Inf", "-5MB", "lots",
		"1024TiB", "1025TiB", "0x10", "1_000", " 1B", "1 B", "30", "30s", "0.1ns", "-1s", "1h30m",
		"9999999999h", "0s", "1.0000000001KB", "\n", "5\nm",
	} {
		f.Add(seed)
	}
	// One flag set per worker process, reused: a fresh one per input costs more than the
	// parsing under test.
	fs := newFlagSet("check")
	sf := addSearchFlags(fs)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 256 {
			t.Skip("long inputs add little to these parsers and make minimizing slow")
		}
		sf.maxMemory, sf.timeout = 0, 0
		err := parse(fs, []string{"--max-memory=" + s}, io.Discard)
		if err != nil {
			oneLineNaming(t, err, "--max-memory")
		} else {
			n := sf.maxMemory
			if n < 1 || n > maxSize {
				t.Fatalf("--max-memory %q accepted as %d bytes", s, n)
			}
			if back, err := parseSize(formatSize(n)); err != nil || back != n {
				t.Fatalf("--max-memory %q: %d bytes printed as %s reads back as %d, %v", s, n, formatSize(n), back, err)
			}
		}
		err = parse(fs, []string{"--timeout=" + s}, io.Discard)
		if err != nil {
			oneLineNaming(t, err, "--timeout")
			return
		}
		d := sf.timeout
		if d < 0 {
			t.Fatalf("--timeout %q accepted as %s", s, d)
		}
		if back, err := parseDuration(d.String()); err != nil || back != d {
			t.Fatalf("--timeout %q: %s reads back as %s, %v", s, d, back, err)
		}
	})
}

func oneLineNaming(t *testing.T, err error, flag string) {
	t.Helper()
	msg := err.Error()
	if strings.ContainsAny(msg, "\n\r") {
		t.Fatalf("error on several lines: %q", msg)
	}
	if !strings.HasPrefix(msg, "check: "+flag+" ") || !strings.Contains(msg, ": want") && !strings.Contains(msg, "want ") {
		t.Fatalf("error does not name %s and say what is wanted: %q", flag, msg)
	}
}
