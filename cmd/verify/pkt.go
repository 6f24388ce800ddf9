package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/pktplay"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/pktscript"
	"github.com/tcpverify/tcpverify/fsm"
)

// pktHelp is the text above the flags of verify pkt -help.
const pktHelp = `usage: verify pkt [flags] FILE|DIR...

Plays packetdrill scripts against one endpoint of the model: the script is the peer
and the network ("<" segments arrive, ">" segments the endpoint must send), its system
calls are the user's calls. A directory is searched for *.pkt files. Each script
passes, fails (the first line no run of the model matches, and why), or is
unsupported (a construct the model cannot play). Lines the model cannot judge (shell
commands, Python blocks, window and option values, timing) are listed as not judged.

exit codes:
  0  every judged script passes (unsupported scripts are not judged)
  1  some script fails
  2  some script unreadable or unparsable (one line on stderr each), or bad flags

flags:
`

// pktReport is what --format json prints.
type pktReport struct {
	Variant string           `json:"variant"`
	Scripts []pktplay.Result `json:"scripts"`
	// Unreadable lists the files that could not be read or parsed, with why.
	Unreadable []pktUnreadable `json:"unreadable,omitempty"`
	Folders    []pktFolder     `json:"folders"`
	// Cover counts, per state and segment kind, the passing scripts that delivered such
	// a segment in such a state, and all scripts that did.
	Cover []pktCover `json:"cover"`
	Stop  string     `json:"stop,omitempty"`
}

type pktUnreadable struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

type pktFolder struct {
	Folder      string `json:"folder"`
	Pass        int    `json:"pass"`
	Fail        int    `json:"fail"`
	Unsupported int    `json:"unsupported"`
}

type pktCover struct {
	State   string `json:"state"`
	Kind    string `json:"kind"`
	Passing int    `json:"passing"`
	Scripts int    `json:"scripts"`
}

func runPkt(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("pkt")
	format := fs.String("format", "text", "what to print: text, or json")
	variant := fs.String("variant", fsm.RFC, "rule-table variant to play the scripts against (verify list shows them)")
	showRun := fs.Bool("run", false, "also print each script's run: every model step, hidden timers included")
	msl := fs.Duration("time-wait", 0, "how long TIME-WAIT lasts before the 2MSL timer may expire (default 60s, Linux's TCP_TIMEWAIT_LEN)")
	args, err := parseFiles(fs, args, stdout, pktHelp)
	if err != nil {
		return helpOr(err)
	}
	if *format != "text" && *format != "json" {
		return exitBadInput, fmt.Errorf("pkt: --format %s: want text or json", quoteArg(*format))
	}
	if len(args) == 0 {
		return exitBadInput, errors.New("pkt: no scripts (usage: verify pkt [flags] FILE|DIR...)")
	}
	if _, err := fsm.LookupVariant(*variant); err != nil {
		return exitBadInput, fmt.Errorf("pkt: --variant: %w", err)
	}
	if *msl < 0 {
		return exitBadInput, fmt.Errorf("pkt: --time-wait %s: want a duration of 0 or more", *msl)
	}
	opts := pktplay.Options{Variant: *variant, Timing: pktplay.LinuxTiming}
	if *msl > 0 {
		opts.Timing.TwoMSL = msl.Seconds()
	}
	rep := pktReport{Variant: *variant, Scripts: []pktplay.Result{}}
	files, bad := pktFiles(args)
	for _, b := range bad {
		rep.Unreadable = append(rep.Unreadable, b)
		fmt.Fprintf(stderr, "verify: pkt: %s\n", b.Error)
	}
	for i, f := range files {
		if ctx.Err() != nil {
			rep.Stop = fmt.Sprintf("%s: %d of %d scripts played", context.Cause(ctx), i, len(files))
			break
		}
		src, err := os.ReadFile(f)
		var s *pktscript.Script
		if err == nil {
			s, err = pktscript.Parse(f, src)
		}
		if err != nil {
			b := pktUnreadable{File: f, Error: oneLine(fmt.Errorf("%s: %w", f, err))}
			if strings.HasPrefix(err.Error(), f) {
				b.Error = oneLine(err)
			}
			rep.Unreadable = append(rep.Unreadable, b)
			fmt.Fprintf(stderr, "verify: pkt: %s\n", b.Error)
			continue
		}
		rep.Scripts = append(rep.Scripts, pktplay.Play(s, opts))
	}
	rep.Folders, rep.Cover = pktSummary(rep.Scripts)
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return exitInternal, fmt.Errorf("pkt: write json: %w", err)
		}
	} else {
		printPktReport(stdout, rep, *showRun)
	}
	switch {
	case len(rep.Unreadable) > 0:
		return exitBadInput, nil
	case slices.ContainsFunc(rep.Scripts, func(r pktplay.Result) bool { return r.Status == pktplay.Fail }):
		return exitViolated, nil
	case rep.Stop != "":
		return exitIncomplete, nil
	}
	return exitOK, nil
}

// pktFiles expands directories into their *.pkt files, sorted; a path that cannot be
// read is reported, not fatal.
func pktFiles(args []string) (files []string, bad []pktUnreadable) {
	for _, a := range args {
		info, err := os.Stat(a)
		if err != nil {
			bad = append(bad, pktUnreadable{File: a, Error: oneLine(err)})
			continue
		}
		if !info.IsDir() {
			files = append(files, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".pkt") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			bad = append(bad, pktUnreadable{File: a, Error: oneLine(err)})
		}
		if len(found) == 0 && err == nil {
			bad = append(bad, pktUnreadable{File: a, Error: fmt.Sprintf("%s: no *.pkt files in the directory", a)})
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, bad
}

// pktSummary counts the verdicts by folder and the coverage by state and segment kind.
func pktSummary(rs []pktplay.Result) ([]pktFolder, []pktCover) {
	folders := map[string]*pktFolder{}
	var names []string
	cover := map[pktplay.Cover]*pktCover{}
	for _, r := range rs {
		d := filepath.Dir(r.File)
		f := folders[d]
		if f == nil {
			f = &pktFolder{Folder: d}
			folders[d] = f
			names = append(names, d)
		}
		switch r.Status {
		case pktplay.Pass:
			f.Pass++
		case pktplay.Fail:
			f.Fail++
		default:
			f.Unsupported++
		}
		for _, c := range r.Cover {
			pc := cover[c]
			if pc == nil {
				pc = &pktCover{State: c.State, Kind: c.Kind}
				cover[c] = pc
			}
			pc.Scripts++
			if r.Status == pktplay.Pass {
				pc.Passing++
			}
		}
	}
	sort.Strings(names)
	outF := []pktFolder{}
	for _, n := range names {
		outF = append(outF, *folders[n])
	}
	outC := []pktCover{}
	for _, c := range cover {
		outC = append(outC, *c)
	}
	order := map[string]int{}
	for i, s := range fsm.AllStates() {
		order[s.String()] = i
	}
	sort.Slice(outC, func(i, j int) bool {
		if outC[i].State != outC[j].State {
			return order[outC[i].State] < order[outC[j].State]
		}
		return outC[i].Kind < outC[j].Kind
	})
	return outF, outC
}

// printPktReport prints a line per script, then the summaries.
func printPktReport(w io.Writer, rep pktReport, showRun bool) {
	for _, r := range rep.Scripts {
		fmt.Fprintln(w, r.Summary())
		if showRun {
			for i, s := range r.Steps {
				hidden := ""
				if s.Hidden {
					hidden = " (hidden)"
				}
				fmt.Fprintf(w, "  %4d  line %d%s: %s  %s -> %s  [%s]", i+1, s.Line, hidden, s.Event, s.From, s.To, strings.Join(s.Fired, ", "))
				if len(s.Sends) > 0 {
					fmt.Fprintf(w, "  sends %s", strings.Join(s.Sends, "; "))
				}
				fmt.Fprintln(w)
			}
			for _, n := range r.Notes {
				fmt.Fprintf(w, "  note: %s\n", n)
			}
			for _, u := range r.NotJudged {
				fmt.Fprintf(w, "  not judged: line %d: %s\n", u.Line, u.What)
			}
		}
	}
	if rep.Stop != "" {
		fmt.Fprintf(w, "INCOMPLETE: %s\n", rep.Stop)
	}
	fmt.Fprintln(w)
	width := len("folder")
	for _, f := range rep.Folders {
		width = max(width, len(f.Folder))
	}
	fmt.Fprintf(w, "%-*s %5s %5s %11s\n", width, "folder", "pass", "fail", "unsupported")
	total := pktFolder{Folder: "total"}
	for _, f := range rep.Folders {
		fmt.Fprintf(w, "%-*s %5d %5d %11d\n", width, f.Folder, f.Pass, f.Fail, f.Unsupported)
		total.Pass += f.Pass
		total.Fail += f.Fail
		total.Unsupported += f.Unsupported
	}
	fmt.Fprintf(w, "%-*s %5d %5d %11d\n", width, total.Folder, total.Pass, total.Fail, total.Unsupported)
	if len(rep.Cover) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "segments injected, by state and kind (passing scripts / scripts):")
	var kinds []string
	for _, c := range rep.Cover {
		if !slices.Contains(kinds, c.Kind) {
			kinds = append(kinds, c.Kind)
		}
	}
	sort.Strings(kinds)
	fmt.Fprintf(w, "%-13s", "state")
	for _, k := range kinds {
		fmt.Fprintf(w, " %12s", k)
	}
	fmt.Fprintln(w)
	for _, st := range fsm.AllStates() {
		row := map[string]pktCover{}
		for _, c := range rep.Cover {
			if c.State == st.String() {
				row[c.Kind] = c
			}
		}
		if len(row) == 0 {
			continue
		}
		fmt.Fprintf(w, "%-13s", st)
		for _, k := range kinds {
			cell := "."
			if c, ok := row[k]; ok {
				cell = fmt.Sprintf("%d/%d", c.Passing, c.Scripts)
			}
			fmt.Fprintf(w, " %12s", cell)
		}
		fmt.Fprintln(w)
	}
}
