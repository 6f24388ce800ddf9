package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/capture"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/trace"
	"github.com/tcpverify/tcpverify/fsm"
)

// traceEntry is the verdict on one incarnation of one connection of one file.
type traceEntry struct {
	File        string `json:"file"`
	ClientAddr  string `json:"client_addr"`
	ServerAddr  string `json:"server_addr"`
	Incarnation int    `json:"incarnation"`
	Segments    int    `json:"segments"`
	trace.Result
}

// traceReport is what --format json prints.
type traceReport struct {
	Variant string `json:"variant"`
	// Accepted is true when every incarnation of every file is.
	Accepted     bool         `json:"accepted"`
	Incarnations []traceEntry `json:"incarnations"`
}

// runTrace checks packet captures against the model: exit 0 when every incarnation is
// accepted, 1 when one is rejected, 2 when a file cannot be read (or the flags are bad).
func runTrace(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("trace")
	format := fs.String("format", "text", "what to print: text, or json (the same as data)")
	variant := fs.String("variant", fsm.RFC, "rule-table variant to check the captures against (verify list shows them)")
	showRun := fs.Bool("run", false, "also print the inferred run: every delivery, user call and timer")
	files, err := parseFiles(fs, args, stdout)
	if err != nil {
		return helpOr(err)
	}
	if *format != "text" && *format != "json" {
		return exitBadInput, fmt.Errorf("trace: --format %s: want text or json", quoteArg(*format))
	}
	if len(files) == 0 {
		return exitBadInput, errors.New("trace: no capture files (usage: verify trace [flags] FILE...)")
	}
	if _, err := fsm.LookupVariant(*variant); err != nil {
		return exitBadInput, fmt.Errorf("trace: --variant: %w", err)
	}
	m, err := trace.NewMachine(*variant)
	if err != nil {
		return exitInternal, fmt.Errorf("trace: %w", err)
	}
	// Read every file before checking any, so that bad input prints nothing but its error.
	captures := make([]*capture.Capture, len(files))
	for i, f := range files {
		if captures[i], err = capture.ReadFile(f); err != nil {
			return exitBadInput, fmt.Errorf("trace %s: %w", f, err)
		}
	}
	rep := traceReport{Variant: *variant, Accepted: true, Incarnations: []traceEntry{}}
	for i, c := range captures {
		for _, conn := range capture.Split(c.Segments) {
			for _, inc := range conn.Incarnations {
				if err := ctx.Err(); err != nil {
					return exitIncomplete, fmt.Errorf("trace: %w", err)
				}
				e := traceEntry{File: files[i], ClientAddr: inc.Client.String(),
					ServerAddr: inc.Server.String(), Incarnation: inc.Index,
					Segments: len(inc.Segments), Result: trace.Check(m, inc)}
				if !*showRun {
					e.Run = nil
				}
				rep.Accepted = rep.Accepted && e.Accepted
				rep.Incarnations = append(rep.Incarnations, e)
			}
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return exitBadInput, fmt.Errorf("trace: write json: %w", err)
		}
	} else {
		for _, e := range rep.Incarnations {
			printTraceEntry(stdout, e)
		}
	}
	if !rep.Accepted {
		return exitViolated, nil
	}
	return exitOK, nil
}

// parseFiles parses flags and capture file names, which may come in any order (flags
// after the files too). -help prints the usage to out and returns errHelp.
func parseFiles(fs *flag.FlagSet, args []string, out io.Writer) ([]string, error) {
	var files []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(out, "usage: verify trace [flags] FILE...\n\n"+
				"Checks pcap and pcapng captures against the model, one verdict per incarnation of\n"+
				"each connection. Exit 0 all accepted, 1 some rejected, 2 unreadable input.\n\nflags:\n")
			fs.SetOutput(out)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
			return nil, errHelp
		}
		if err != nil {
			return nil, fmt.Errorf("trace: %w", flagError(err))
		}
		if fs.NArg() == 0 {
			return files, nil
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// printTraceEntry prints one verdict as a header line and indented paths and notes:
//
//	f.pcap: 127.0.0.1:40000 <-> 127.0.0.1:5001, incarnation 1: accepted
//	  client: CLOSED -> SYN-SENT -> ESTABLISHED
//	  server: LISTEN -> SYN-RECEIVED -> ESTABLISHED
//	  notes: TCP options ignored (kinds 2,4,8,1,3); PSH ignored
func printTraceEntry(w io.Writer, e traceEntry) {
	verdict := "accepted"
	if !e.Accepted {
		verdict = fmt.Sprintf("rejected at frame %d: %s", e.RejectFrame, e.Reason)
	}
	fmt.Fprintf(w, "%s: %s <-> %s, incarnation %d: %s\n", e.File, e.ClientAddr, e.ServerAddr,
		e.Incarnation, verdict)
	fmt.Fprintf(w, "  client: %s\n", e.Client)
	fmt.Fprintf(w, "  server: %s\n", e.Server)
	if len(e.Notes) > 0 {
		fmt.Fprintf(w, "  notes: %s\n", strings.Join(e.Notes, "; "))
	}
	if len(e.Run) > 0 {
		fmt.Fprintln(w, "  run:")
		for i, s := range e.Run {
			fmt.Fprintf(w, "  %4d  %s\n", i+1, s)
		}
	}
}
