package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/msc"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/outdir"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/pipeline"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

func runClaims(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("claims")
	sf := addSearchFlags(fs)
	out := fs.String("out", "claims", "`directory` for the counterexamples' message sequence charts")
	only := fs.String("claim", "", "check only this claim (verify list shows them)")
	format := fs.String("format", "text", "text (a table) or json")
	if err := parse(fs, args, stdout); err != nil {
		return helpOr(err)
	}
	if *format != "text" && *format != "json" {
		return exitBadInput, fmt.Errorf("--format %s: want text or json", quoteArg(*format))
	}
	ccfg, err := sf.config()
	if err != nil {
		return exitBadInput, err
	}
	claims := properties.Claims()
	claimSet := false
	fs.Visit(func(f *flag.Flag) { claimSet = claimSet || f.Name == "claim" })
	if *only != "" || claimSet {
		c, err := properties.LookupClaim(*only)
		if err != nil {
			return exitBadInput, fmt.Errorf("--claim: %w", err)
		}
		claims = []properties.Claim{c}
	}
	dir, err := outdir.Prepare(*out, outdir.MSC)
	if err != nil {
		return exitBadInput, err
	}
	defer dir.Abort()
	planned := 0
	for _, c := range claims {
		planned += 1 + len(c.Refuters)
	}
	var runs []pipeline.ClaimRun
	charts := map[string]*msc.Chart{}
	for _, c := range claims {
		for _, v := range append([]string{fsm.RFC}, c.Refuters...) {
			if interruption(ctx) != nil {
				break
			}
			r, err := pipeline.RunClaim(ctx, c, v, ccfg, newProgress(stderr, sf.progress))
			if err != nil {
				return exitInternal, err
			}
			if in := interruption(ctx); in != nil && r.Canceled() {
				r.Stop = in.Error()
			}
			if r.Chart != nil {
				r.MSC = fmt.Sprintf("msc-%s-%s.dot", c.Name, v)
				charts[r.MSC] = r.Chart
			}
			runs = append(runs, r)
		}
	}
	if err := writeReportDirCharts(dir.Path(), charts); err != nil {
		return exitInternal, err
	}
	if err := dir.Commit(); err != nil {
		return exitInternal, err
	}
	if in := interruption(ctx); in != nil && len(runs) < planned {
		fmt.Fprintf(stderr, "verify: claims %s: %d of %d runs not started\n", in, planned-len(runs), planned)
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(runs); err != nil {
			return exitInternal, err
		}
	} else {
		printClaims(stdout, claims, runs, planned)
	}
	code := claimsCode(runs)
	if code == exitOK && len(runs) < planned {
		code = exitIncomplete
	}
	return code, nil
}

// claimsCode: a run that decided against its claim fails the claims; otherwise a run that
// could not decide leaves them incomplete.
func claimsCode(runs []pipeline.ClaimRun) int {
	incomplete := false
	for _, r := range runs {
		switch {
		case r.Got == checker.Unknown:
			incomplete = true
		case !r.OK():
			return exitViolated
		}
	}
	if incomplete {
		return exitIncomplete
	}
	return exitOK
}

// printClaims prints the table and a summary line. A run that did not decide (its search
// was cut short) is marked "?" and counted apart: its claim is undecided, not failed.
func printClaims(w io.Writer, claims []properties.Claim, runs []pipeline.ClaimRun, planned int) {
	wc, wp, wv := len("claim"), len("property"), len("model")
	for _, r := range runs {
		wc, wp, wv = max(wc, len(r.Claim)), max(wp, len(r.Property)), max(wv, len(r.Variant))
	}
	fmt.Fprintf(w, "%-*s %-*s %-*s %-9s %-9s %s\n", wc, "claim", wp, "property", wv, "model", "want", "got", "trace")
	undecided, reasons := 0, []string{}
	for _, r := range runs {
		trace := "-"
		if r.Steps >= 0 {
			trace = fmt.Sprintf("%d steps", r.Steps)
			if r.Loop >= 0 {
				trace += fmt.Sprintf(" (lasso, cycle from step %d)", r.Loop+1)
			}
		}
		mark := "ok"
		switch {
		case r.Got == checker.Unknown:
			mark, trace = "?", "incomplete: "+r.Stop
			undecided++
			if !slices.Contains(reasons, r.Stop) {
				reasons = append(reasons, r.Stop)
			}
		case !r.OK():
			mark = "FAIL"
		}
		fmt.Fprintf(w, "%-*s %-*s %-*s %-9s %-9s %-4s %s\n", wc, r.Claim, wp, r.Property, wv, r.Variant, r.Want, r.Got, mark, trace)
	}
	ok, open := 0, 0
	for _, c := range claims {
		good, ran, decided := true, 0, true
		for _, r := range runs {
			if r.Claim != c.Name {
				continue
			}
			ran++
			if r.Got == checker.Unknown {
				decided = false
			} else if !r.OK() {
				good = false
			}
		}
		switch {
		case !good:
		case !decided || ran < 1+len(c.Refuters):
			open++
		default:
			ok++
		}
	}
	if undecided == 0 && len(runs) == planned {
		fmt.Fprintf(w, "%d of %d claims demonstrated: %d runs\n", ok, len(claims), len(runs))
		return
	}
	line := fmt.Sprintf("INCOMPLETE: %d of %d claims demonstrated, %d undecided", ok, len(claims), open)
	if undecided > 0 {
		line += fmt.Sprintf(": %d of %d runs cut short (%s)", undecided, planned, strings.Join(reasons, ", "))
	}
	if n := planned - len(runs); n > 0 {
		line += fmt.Sprintf("; %d of %d runs not started", n, planned)
	}
	fmt.Fprintln(w, line)
}
