package spinrumur

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/twin"
)

// RunSPIN generates, compiles and runs SPIN's safety verifier for tcp.pml at p, on one core,
// with asserts off (-A) and going on past errors (-c0), so it stores every reachable state.
func RunSPIN(ctx context.Context, p twin.Params, opt Options) (*Result, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := Available(SPIN); err != nil {
		return nil, err
	}
	dir, cleanup, err := workdir(opt, SPIN)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	if err := os.WriteFile(filepath.Join(dir, "tcp.pml"), twin.Promela(), 0o644); err != nil {
		return nil, fmt.Errorf("spin: %w", err)
	}
	memlim, depth := opt.MemLimitMB, opt.MaxDepth
	if memlim <= 0 {
		memlim = 16000
	}
	if depth <= 0 {
		depth = 100000
	}

	start := time.Now()
	args := []string{"-a"}
	for _, d := range p.Defines() {
		args = append(args, "-D"+d)
	}
	if _, _, err := run(ctx, opt, dir, "spin", append(args, "tcp.pml")...); err != nil {
		return nil, fmt.Errorf("spin: %w", err)
	}
	if err := exactCounts(filepath.Join(dir, "pan.c")); err != nil {
		return nil, fmt.Errorf("spin: %w", err)
	}
	if _, _, err := run(ctx, opt, dir, "gcc", "-O2", "-DSAFETY", "-DNOFAIR",
		fmt.Sprintf("-DMEMLIM=%d", memlim), "-o", "pan", "pan.c"); err != nil {
		return nil, fmt.Errorf("spin: %w", err)
	}
	build := time.Since(start)

	start = time.Now()
	out, ps, err := run(ctx, opt, dir, "./pan", fmt.Sprintf("-m%d", depth), "-A", "-c0", "-n")
	wall := time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("spin: %w", err)
	}
	r, err := parseSPIN(out)
	if err != nil {
		return nil, fmt.Errorf("spin: %w\n%s", err, tail(out, 2000))
	}
	r.Params, r.Wall, r.Build, r.PeakRSS = p, wall, build, peakRSS(ps)
	return r, nil
}

// exactCounts makes pan print its counts as integers: it prints them with %9.8g, which
// rounds anything above 1e8 (the counts are doubles, so %.0f prints them exactly).
func exactCounts(panC string) error {
	b, err := os.ReadFile(panC)
	if err != nil {
		return err
	}
	s := string(b)
	for _, what := range []string{"states, stored", "states, matched", "transitions (="} {
		s = strings.ReplaceAll(s, `"%9.8g `+what, `"%12.0f `+what)
	}
	return os.WriteFile(panC, []byte(s), 0o644)
}

var (
	spinStored      = regexp.MustCompile(`(?m)^\s*(\S+) states, stored`)
	spinTransitions = regexp.MustCompile(`(?m)^\s*(\S+) transitions \(= stored\+matched\)`)
	spinErrors      = regexp.MustCompile(`errors: (\d+)`)
	spinMemory      = regexp.MustCompile(`(?m)^\s*(\S+)\s+total actual memory usage`)
	spinElapsed     = regexp.MustCompile(`pan: elapsed time (\S+) seconds`)
)

// parseSPIN reads pan's final report.
func parseSPIN(out string) (*Result, error) {
	for _, bad := range []string{"max search depth too small", "out of memory", "Search not completed"} {
		if strings.Contains(out, bad) {
			return nil, fmt.Errorf("incomplete search: pan says %q", bad)
		}
	}
	r := &Result{Tool: SPIN, Output: out, MemorySource: "spin total actual memory usage"}
	var err error
	if r.States, err = count(spinStored, out, "states, stored"); err != nil {
		return nil, err
	}
	if r.Transitions, err = count(spinTransitions, out, "transitions"); err != nil {
		return nil, err
	}
	if r.Errors, err = count(spinErrors, out, "errors"); err != nil {
		return nil, err
	}
	if r.Transitions == 0 {
		return nil, fmt.Errorf("no transitions in pan's report")
	}
	r.Firings = r.Transitions - 1 // SPIN counts the initial state as a transition
	mb, err := number(spinMemory, out, "total actual memory usage")
	if err != nil {
		return nil, err
	}
	r.Memory = uint64(mb * (1 << 20)) // pan divides by 1048576
	sec, err := number(spinElapsed, out, "elapsed time")
	if err != nil {
		return nil, err
	}
	r.Elapsed = time.Duration(sec * float64(time.Second))
	return r, nil
}

// count parses a count, which pan may print as a float ("1.6231087e+08") if exactCounts
// did not apply; a rounded count is an error, not a figure.
func count(re *regexp.Regexp, out, what string) (uint64, error) {
	m := re.FindStringSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no %q in the report", what)
	}
	n, err := strconv.ParseUint(m[1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not an exact count", what, m[1])
	}
	return n, nil
}

func number(re *regexp.Regexp, out, what string) (float64, error) {
	m := re.FindStringSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no %q in the report", what)
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return f, nil
}
