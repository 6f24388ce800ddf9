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

// traceEntry is the verdict on one incarnation of one connection of one file, or, when
// Joined is set, on all the incarnations of a reused 4-tuple as one run.
type traceEntry struct {
	File        string `json:"file"`
	ClientAddr  string `json:"client_addr"`
	ServerAddr  string `json:"server_addr"`
	Incarnation int    `json:"incarnation"`
	// Joined lists the incarnations judged together as one run of the model (the
	// endpoints carry over from one to the next), for a 4-tuple used more than once.
	Joined   []int `json:"joined,omitempty"`
	Segments int   `json:"segments"`
	trace.Result
}

// traceFile says how one file read: its error when it could not be read, where it was
// cut when it ends mid-frame.
type traceFile struct {
	File string `json:"file"`
	// Error is why the file could not be read; it then has no incarnations.
	Error string `json:"error,omitempty"`
	// Cut is set when the file ends in the middle of a frame: the whole frames before
	// the cut are judged, and Note says where it was cut.
	Cut  *capture.Cut `json:"cut,omitempty"`
	Note string       `json:"note,omitempty"`
	// Joins says which reused 4-tuples could not be judged as one run, and why.
	Joins []string `json:"joins,omitempty"`
	// Incarnations counts this file's entries in traceReport.Incarnations.
	Incarnations int `json:"incarnations"`
}

// traceReport is what --format json prints.
type traceReport struct {
	Variant string `json:"variant"`
	// Accepted is true when every file could be read and every incarnation of every
	// file is accepted.
	Accepted bool `json:"accepted"`
	// Complete is false when a file could not be read or was cut mid-frame: the
	// verdicts cover only what was read.
	Complete     bool         `json:"complete"`
	Incarnations []traceEntry `json:"incarnations"`
	// Files lists every file in the order given.
	Files []traceFile `json:"files"`
	// Stop, when set, says why the judging stopped before every incarnation was judged
	// (a signal); Incarnations holds those judged until then.
	Stop string `json:"stop,omitempty"`
}

// traceHelp is the text above the flags of verify trace -help.
const traceHelp = `usage: verify trace [flags] FILE...

Checks pcap and pcapng captures against the model, one verdict per incarnation of
each connection. Every readable file is judged, whatever the others are; a file cut
in the middle of a frame is judged on the whole frames before the cut.

exit codes:
  0  every incarnation of every file accepted
  1  some incarnation rejected (even in a cut file: what was read cannot be explained)
  2  some file unreadable (one line on stderr each); the others are still judged
  3  incomplete: a capture was cut mid-frame and everything before the cut is accepted

flags:
`

// runTrace checks packet captures against the model: exit 0 when every incarnation is
// accepted, 1 when one is rejected, 2 when a file cannot be read (or the flags are bad),
// 3 when a file was cut mid-frame or a signal stopped the judging, and nothing is rejected.
// Unreadable and cut files get one line each on stderr; the verdicts on the rest are
// printed all the same.
func runTrace(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("trace")
	format := fs.String("format", "text", "what to print: text, or json (the same as data)")
	variant := fs.String("variant", fsm.RFC, "rule-table variant to check the captures against (verify list shows them)")
	showRun := fs.Bool("run", false, "also print the inferred run: every delivery, user call and timer")
	files, err := parseFiles(fs, args, stdout, traceHelp)
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
	rep := traceReport{Variant: *variant, Accepted: true, Complete: true,
		Incarnations: []traceEntry{}, Files: []traceFile{}}
	var unreadable, cut bool
	total := 0 // incarnations found, judged or not
	for _, f := range files {
		tf := traceFile{File: f}
		c, err := capture.ReadFile(f)
		if err != nil {
			unreadable = true
			rep.Accepted, rep.Complete = false, false
			tf.Error = oneLine(err)
			rep.Files = append(rep.Files, tf)
			fmt.Fprintf(stderr, "verify: trace: %s\n", tf.Error) // the error names the file
			continue
		}
		if c.Cut != nil {
			cut = true
			rep.Complete = false
			tf.Cut, tf.Note = c.Cut, c.Cut.String()
			fmt.Fprintf(stderr, "verify: trace %s: incomplete: the capture was %s; judged the %d whole frames before it\n",
				f, tf.Note, c.Cut.Complete)
		}
		for _, conn := range capture.Split(c.Segments) {
			for _, inc := range conn.Incarnations {
				total++
				if ctx.Err() != nil {
					continue
				}
				e := traceEntry{File: f, ClientAddr: inc.Client.String(),
					ServerAddr: inc.Server.String(), Incarnation: inc.Index,
					Segments: len(inc.Segments), Result: trace.Check(m, inc)}
				if !*showRun {
					e.Run = nil
				}
				rep.Accepted = rep.Accepted && e.Accepted
				rep.Incarnations = append(rep.Incarnations, e)
				tf.Incarnations++
			}
			// A reused 4-tuple is also one run: the next SYN meets what the last
			// connection left, TIME-WAIT perhaps (RFC 9293 §3.6.1).
			if len(conn.Incarnations) > 1 && ctx.Err() == nil {
				if res, ok := trace.CheckJoined(m, conn.Incarnations); ok {
					first := conn.Incarnations[0]
					e := traceEntry{File: f, ClientAddr: first.Client.String(), ServerAddr: first.Server.String(),
						Incarnation: first.Index, Result: res}
					for _, inc := range conn.Incarnations {
						e.Joined = append(e.Joined, inc.Index)
						e.Segments += len(inc.Segments)
					}
					if !*showRun {
						e.Run = nil
					}
					rep.Accepted = rep.Accepted && e.Accepted
					rep.Incarnations = append(rep.Incarnations, e)
					tf.Incarnations++
				} else {
					// The 4-tuple was reused from the other end: the model's client and
					// server would swap, which one run cannot do. Said, not dropped.
					tf.Joins = append(tf.Joins, fmt.Sprintf("%s <-> %s: incarnations not joined into one run: a later one is opened from the other end",
						conn.Incarnations[0].Client, conn.Incarnations[0].Server))
				}
			}
		}
		rep.Files = append(rep.Files, tf)
	}
	if n := len(rep.Incarnations); n < total {
		why := context.Cause(ctx)
		if in := interruption(ctx); in != nil {
			why = in
		}
		rep.Stop = fmt.Sprintf("%s: %d of %d incarnations judged", why, n, total)
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return exitBadInput, fmt.Errorf("trace: write json: %w", err)
		}
	} else {
		printTraceReport(stdout, rep)
		if rep.Stop != "" {
			fmt.Fprintf(stdout, "INCOMPLETE: %s\n", rep.Stop)
		}
	}
	return traceCode(rep, unreadable, cut), nil
}

// traceCode: unreadable input wins (the run did not judge what it was given), then a
// rejection (final: a prefix the model cannot explain stays unexplained whatever follows
// a cut), then a cut or a stop (what was read is accepted, what was cut off or not judged is
// unknown).
func traceCode(rep traceReport, unreadable, cut bool) int {
	switch {
	case unreadable:
		return exitBadInput
	case !rep.Accepted:
		return exitViolated
	case cut || rep.Stop != "":
		return exitIncomplete
	}
	return exitOK
}

// parseFiles parses flags and file names, which may come in any order (flags after the
// files too). -help prints help and the flags to out and returns errHelp.
func parseFiles(fs *flag.FlagSet, args []string, out io.Writer, help string) ([]string, error) {
	var files []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(out, help)
			fs.SetOutput(out)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
			return nil, errHelp
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fs.Name(), flagError(err))
		}
		if fs.NArg() == 0 {
			return files, nil
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// printTraceReport prints the verdicts file by file; a cut file's verdicts follow a line
// saying where it was cut, an unreadable file has only its line on stderr.
//
//	f.pcap: cut at byte 5120 (frame 17 incomplete); the 16 whole frames before it are judged
func printTraceReport(w io.Writer, rep traceReport) {
	next := 0
	for _, f := range rep.Files {
		if f.Cut != nil {
			fmt.Fprintf(w, "%s: %s; the %d whole frames before it are judged\n", f.File, f.Note, f.Cut.Complete)
		}
		for _, e := range rep.Incarnations[next : next+f.Incarnations] {
			printTraceEntry(w, e)
		}
		for _, j := range f.Joins {
			fmt.Fprintf(w, "%s: %s\n", f.File, j)
		}
		next += f.Incarnations
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
	which := fmt.Sprintf("incarnation %d", e.Incarnation)
	if len(e.Joined) > 0 {
		which = fmt.Sprintf("incarnations %d-%d as one run", e.Joined[0], e.Joined[len(e.Joined)-1])
	}
	fmt.Fprintf(w, "%s: %s <-> %s, %s: %s\n", e.File, e.ClientAddr, e.ServerAddr, which, verdict)
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
