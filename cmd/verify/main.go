// Command verify checks the TCP model of tcpverify and writes reports.
//
// Usage:
//
//	verify [check] [flags]     check the model (default: the RFC 9293 model, every property)
//	verify claims [flags]      check every claim: the RFC model holds, each variant refutes
//	verify sweep [flags]       the claims over a grid of configurations (--grid ci|wide)
//	verify mutate [flags]      rule-table mutants: which do the properties kill?
//	verify list                list variants, properties, claims and shapes
//	verify simulate [flags]    seeded random walks instead of an exhaustive search
//	verify bench [flags]       states/s and bytes/state, against SPIN and Rumur
//	verify trace FILE...       check packet captures against the model
//	verify pkt FILE|DIR...     play packetdrill scripts against one endpoint of the model
//	verify explore [flags]     step through the model in a web page
//	verify docs [flags]        regenerate the diagrams and tables in docs/
//	verify help [command]      flags of a command
//
// Exit codes: 0 every property holds, 1 a property is violated (or a claim failed), 2 bad
// input (flags, config file, names, an unreadable capture, an output directory that cannot
// be used or is locked by another run), 3 incomplete: a bound (states, depth, memory, time)
// or a signal stopped the search before it could decide, or a capture was cut mid-frame;
// the report is still written and says so. 4 could not finish: an internal error (the
// model or the engine failed, a trace did not replay, a panic) or an output that could not
// be written after the search; one line on stderr says which.
//
// Stopping: the first SIGINT or SIGTERM cancels the run (stopOnSignal): every command
// stops at the next state and writes what it found, marked incomplete with the signal as
// the reason, and exits 3; docs writes nothing. A second signal exits at once with 130
// (SIGINT) or 143 (SIGTERM). Reports are written into a temporary directory and renamed
// into place (package outdir), so an earlier good report is never half-replaced.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// Exit codes.
const (
	exitOK         = 0
	exitViolated   = 1
	exitBadInput   = 2
	exitIncomplete = 3
	exitInternal   = 4
)

// gcPercent is the garbage collector's target unless GOGC says otherwise. The search's heap
// is almost all pointer-free arrays (the visited set, parent links, frontiers), which a
// collection does not scan, so collecting twice as often costs little and keeps the peak
// heap, the memory a run really needs, close to what is live.
const gcPercent = 50

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, release := stopOnSignal(context.Background(), os.Stderr, os.Exit)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	release()
	os.Exit(code)
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error)
}

func commands() []command {
	return []command{
		{"check", "check the model and write a report (the default)", runCheck},
		{"claims", "check every claim: the RFC model holds, each variant refutes it", runClaims},
		{"sweep", "check the claims across a grid of configurations, and the rules they fire", runSweep},
		{"mutate", "mutation testing: which mistakes in the rule table the properties notice", runMutate},
		{"list", "list variants, properties, claims and shapes", runList},
		{"simulate", "seeded random walks of the model", runSimulate},
		{"bench", "measure the engine, against SPIN and Rumur on the same state space", runBench},
		{"pkt", "play packetdrill scripts against one endpoint of the model", runPkt},
		{"trace", "check packet captures (pcap, pcapng) against the model", runTrace},
		{"explore", "step through the model in a web page (serves it on loopback)", runExplore},
		{"docs", "regenerate the diagrams and tables in docs/", runDocs},
	}
}

// run is main without the process: it returns the exit code. Every error is reported as one
// line on stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runWith(ctx, commands(), args, stdout, stderr)
}

// runWith is run with the commands to choose from. A command that panics is an internal
// error: one line, exit 4.
func runWith(ctx context.Context, cmds []command, args []string, stdout, stderr io.Writer) int {
	code, err := dispatchSafely(ctx, cmds, args, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "verify: %s\n", oneLine(err))
		if code == exitOK {
			code = exitBadInput
		}
	}
	return code
}

// dispatchSafely is dispatch with a panic turned into an internal error.
func dispatchSafely(ctx context.Context, cmds []command, args []string, stdout, stderr io.Writer) (code int, err error) {
	defer func() {
		if r := recover(); r != nil {
			code, err = exitInternal, fmt.Errorf("internal error: %v", r)
		}
	}()
	return dispatch(ctx, cmds, args, stdout, stderr)
}

func dispatch(ctx context.Context, cmds []command, args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return runCheck(ctx, args, stdout, stderr)
	}
	name, rest := args[0], args[1:]
	if name == "help" {
		return help(rest, stdout)
	}
	for _, c := range cmds {
		if c.name == name {
			return c.run(ctx, rest, stdout, stderr)
		}
	}
	return exitBadInput, fmt.Errorf("unknown command %q (valid: %s, help)", name, strings.Join(commandNames(), ", "))
}

func commandNames() []string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return names
}

func help(args []string, stdout io.Writer) (int, error) {
	if len(args) == 0 {
		fmt.Fprintln(stdout, "usage: verify [command] [flags]\n\ncommands:")
		for _, c := range commands() {
			fmt.Fprintf(stdout, "  %-9s %s\n", c.name, c.summary)
		}
		fmt.Fprintln(stdout, "\nexit codes: 0 all hold, 1 a violation, 2 bad input, 3 incomplete (a bound was hit,")
		fmt.Fprintln(stdout, "  SIGINT/SIGTERM, or a capture was cut), 4 could not finish (an internal error, or an")
		fmt.Fprintln(stdout, "  output that could not be written)")
		fmt.Fprintln(stdout, "stopping: a first SIGINT (Ctrl-C) or SIGTERM stops at the next state and writes what was")
		fmt.Fprintln(stdout, "  found, marked incomplete (docs writes nothing); a second exits at once (130 or 143)")
		fmt.Fprintln(stdout, "run 'verify help COMMAND' for a command's flags")
		return exitOK, nil
	}
	if len(args) > 1 {
		return exitBadInput, fmt.Errorf("help: unexpected argument %s (usage: verify help [command])", quoteArg(args[1]))
	}
	for _, c := range commands() {
		if c.name == args[0] {
			_, err := c.run(context.Background(), []string{"-help"}, stdout, stdout)
			if errors.Is(err, errHelp) {
				return exitOK, nil
			}
			return exitOK, err
		}
	}
	return exitBadInput, fmt.Errorf("unknown command %q (valid: %s)", args[0], strings.Join(commandNames(), ", "))
}

// oneLine folds an error onto one line, so that bad input always reads as one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
