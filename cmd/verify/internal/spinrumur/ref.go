package spinrumur

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/twin"
)

// ErrNotInstalled is wrapped by the error of a run whose tool (spin, rumur or the C
// compiler) is not on PATH.
var ErrNotInstalled = errors.New("not installed")

// Tool is a reference model checker.
type Tool string

// The two anchors.
const (
	SPIN  Tool = "spin"
	Rumur Tool = "rumur"
)

// Tools lists the anchors in a fixed order.
func Tools() []Tool { return []Tool{SPIN, Rumur} }

// ParseTool turns a name ("spin", "rumur", any case) into a Tool.
func ParseTool(name string) (Tool, error) {
	switch t := Tool(strings.ToLower(strings.TrimSpace(name))); t {
	case SPIN, Rumur:
		return t, nil
	}
	return "", fmt.Errorf("unknown reference tool %q, want spin or rumur", name)
}

// Options tune a run. The zero value is the anchor README's set-up.
type Options struct {
	// Dir is where the verifier is generated, compiled and run. Empty: a fresh temporary
	// directory, removed afterwards.
	Dir string
	// MemLimitMB is SPIN's -DMEMLIM, in megabytes; 0 means 16000. SPIN stops with an error
	// past it.
	MemLimitMB int
	// MaxDepth is SPIN's -m (depth of its DFS stack); 0 means 100000. Too small a depth makes
	// SPIN truncate the search, which Run reports as an error.
	MaxDepth int
	// Log, when set, gets each command line before it runs.
	Log io.Writer
}

// Result is what one run of a reference tool reported.
type Result struct {
	Tool   Tool
	Params twin.Params
	// States is the number of distinct states stored.
	States uint64
	// Transitions is the tool's own figure: SPIN's "transitions (= stored+matched)", which
	// counts the initial state too, or Rumur's "rules fired".
	Transitions uint64
	// Firings is the number of rule firings: SPIN's transitions - 1, Rumur's rules fired.
	// It is what checker.Result.Transitions counts for the Go port.
	Firings uint64
	// Errors is the number of errors the verifier found (deadlocks: asserts and invariants
	// are off).
	Errors uint64
	// Elapsed is the search time the tool reports (SPIN: 0.01 s resolution; Rumur: whole
	// seconds). Wall is the wall-clock time of the verifier's run, Build of generating and
	// compiling it.
	Elapsed, Wall, Build time.Duration
	// Memory is the memory the run used, in bytes, and MemorySource says where the figure
	// comes from: SPIN's "total actual memory usage" (its "MB" are MiB), or the verifier's
	// peak resident set size (Rumur reports none).
	Memory       uint64
	MemorySource string
	// PeakRSS is the verifier process's peak resident set size in bytes, from getrusage (0
	// where the platform has none).
	PeakRSS uint64
	// Output is the verifier's whole standard output and error.
	Output string
}

// Run runs tool on the anchor model at p.
func Run(ctx context.Context, tool Tool, p twin.Params, opt Options) (*Result, error) {
	switch tool {
	case SPIN:
		return RunSPIN(ctx, p, opt)
	case Rumur:
		return RunRumur(ctx, p, opt)
	}
	return nil, fmt.Errorf("unknown reference tool %q, want spin or rumur", string(tool))
}

// Available reports whether tool and the C compiler it needs are on PATH; the error wraps
// ErrNotInstalled and says how to install them.
func Available(tool Tool) error {
	var progs []string
	switch tool {
	case SPIN:
		progs = []string{"spin", "gcc"}
	case Rumur:
		progs = []string{"rumur", "cc"}
	default:
		return fmt.Errorf("unknown reference tool %q, want spin or rumur", string(tool))
	}
	for _, prog := range progs {
		if _, err := exec.LookPath(prog); err != nil {
			return fmt.Errorf("%s: %s %w (run .ci/setup --tests, or apt-get install -y spin rumur gcc)",
				tool, prog, ErrNotInstalled)
		}
	}
	return nil
}

// workdir returns the directory to run in and a function that cleans it up.
func workdir(opt Options, tool Tool) (string, func(), error) {
	if opt.Dir != "" {
		if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
			return "", nil, fmt.Errorf("%s: %w", tool, err)
		}
		return opt.Dir, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "tcpverify-"+string(tool)+"-")
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", tool, err)
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// run runs one command in dir and returns its combined output; on failure the error
// carries the output's tail.
func run(ctx context.Context, opt Options, dir, name string, args ...string) (string, *os.ProcessState, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if opt.Log != nil {
		fmt.Fprintf(opt.Log, "%s %s\n", name, strings.Join(args, " "))
	}
	err := cmd.Run()
	if err != nil {
		return out.String(), cmd.ProcessState, fmt.Errorf("%s %s: %w\n%s", name,
			strings.Join(args, " "), err, tail(out.String(), 2000))
	}
	return out.String(), cmd.ProcessState, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// StatesPerSecond is States over the tool's own Elapsed time, or over Wall when the tool
// reports 0 (Rumur counts whole seconds).
func (r *Result) StatesPerSecond() float64 {
	d := r.Elapsed
	if d <= 0 {
		d = r.Wall
	}
	if d <= 0 {
		return 0
	}
	return float64(r.States) / d.Seconds()
}

// BytesPerState is Memory over States.
func (r *Result) BytesPerState() float64 {
	if r.States == 0 {
		return 0
	}
	return float64(r.Memory) / float64(r.States)
}
