package spinrumur

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/twin"
)

// RunRumur generates, compiles and runs Rumur's verifier for tcp.m at p, on one thread,
// with the P1/P2 invariants deleted and no stop at deadlocks, so it stores every reachable
// state.
func RunRumur(ctx context.Context, p twin.Params, opt Options) (*Result, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := Available(Rumur); err != nil {
		return nil, err
	}
	src, err := MurphiFor(p)
	if err != nil {
		return nil, fmt.Errorf("rumur: %w", err)
	}
	dir, cleanup, err := workdir(opt, Rumur)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	if err := os.WriteFile(filepath.Join(dir, "tcp.m"), src, 0o644); err != nil {
		return nil, fmt.Errorf("rumur: %w", err)
	}

	start := time.Now()
	// --max-errors: Rumur stops at the first error (a deadlock here) unless told to go on;
	// the traces of thousands of deadlocks are not wanted.
	if _, _, err := run(ctx, opt, dir, "rumur", "--deadlock-detection", "stuck", "--threads", "1",
		"--max-errors", "4000000000", "--counterexample-trace", "off", "--colour", "off",
		"tcp.m", "--output", "tcp.c"); err != nil {
		return nil, fmt.Errorf("rumur: %w", err)
	}
	if _, _, err := run(ctx, opt, dir, "cc", "-O3", "-pthread", "tcp.c", "-o", "tcp_rumur"); err != nil {
		return nil, fmt.Errorf("rumur: %w", err)
	}
	build := time.Since(start)

	start = time.Now()
	out, ps, err := run(ctx, opt, dir, "./tcp_rumur")
	wall := time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("rumur: %w", err)
	}
	r, err := parseRumur(out)
	if err != nil {
		return nil, fmt.Errorf("rumur: %w\n%s", err, tail(out, 2000))
	}
	r.Params, r.Wall, r.Build, r.PeakRSS = p, wall, build, peakRSS(ps)
	r.Memory, r.MemorySource = r.PeakRSS, "peak RSS"
	return r, nil
}

var (
	murphiConst     = regexp.MustCompile(`(?m)^(\s*)(SEQ_N|NET_CAP|LOSS_BUDGET|DUP_BUDGET|OLDSYN_BUDGET|RTX_BUDGET)(\s*):\s*\d+;`)
	murphiProps     = regexp.MustCompile(`(?s)\n-- BEGIN P1\n.*\n-- END P2\n`)
	murphiInvariant = regexp.MustCompile(`(?m)^\s*invariant\b`)
)

// MurphiFor returns tcp.m set up for p: its constants set, and the P1/P2 invariants, between
// the "-- BEGIN P1" and "-- END P2" markers, deleted (Rumur would prune the states that
// break them, and the count would no longer be of every reachable state).
func MurphiFor(p twin.Params) ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	vals := map[string]int{
		"SEQ_N": p.SeqN, "NET_CAP": p.NetCap, "LOSS_BUDGET": p.Loss, "DUP_BUDGET": p.Dup,
		"OLDSYN_BUDGET": p.OldSyn, "RTX_BUDGET": p.Rtx,
	}
	src := twin.Murphi()
	seen := 0
	src = murphiConst.ReplaceAllFunc(src, func(line []byte) []byte {
		m := murphiConst.FindSubmatch(line)
		seen++
		return fmt.Appendf(nil, "%s%s%s: %d;", m[1], m[2], m[3], vals[string(m[2])])
	})
	if seen != len(vals) {
		return nil, fmt.Errorf("tcp.m: found %d of the %d parameter constants", seen, len(vals))
	}
	loc := murphiProps.FindIndex(src)
	if loc == nil {
		return nil, fmt.Errorf("tcp.m: no -- BEGIN P1 ... -- END P2 block")
	}
	src = append(src[:loc[0]:loc[0]], append([]byte("\n"), src[loc[1]:]...)...)
	if murphiInvariant.Match(src) {
		return nil, fmt.Errorf("tcp.m: an invariant is left after deleting P1 and P2")
	}
	return src, nil
}

var (
	rumurExplored = regexp.MustCompile(`(\d+) states, (\d+) rules fired in (\d+)s`)
	rumurErrors   = regexp.MustCompile(`(\d+) error\(s\) found`)
)

// parseRumur reads the verifier's final summary.
func parseRumur(out string) (*Result, error) {
	m := rumurExplored.FindStringSubmatch(out)
	if m == nil {
		return nil, fmt.Errorf("no \"N states, M rules fired\" in the report")
	}
	r := &Result{Tool: Rumur, Output: out}
	var err error
	if r.States, err = strconv.ParseUint(m[1], 10, 64); err != nil {
		return nil, err
	}
	if r.Transitions, err = strconv.ParseUint(m[2], 10, 64); err != nil {
		return nil, err
	}
	r.Firings = r.Transitions
	sec, err := strconv.ParseUint(m[3], 10, 64)
	if err != nil {
		return nil, err
	}
	r.Elapsed = time.Duration(sec) * time.Second
	if e := rumurErrors.FindStringSubmatch(out); e != nil {
		if r.Errors, err = strconv.ParseUint(e[1], 10, 64); err != nil {
			return nil, err
		}
	}
	return r, nil
}
