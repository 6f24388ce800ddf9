package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/msc"
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
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return exitBadInput, fmt.Errorf("out: %w", err)
	}
	var runs []pipeline.ClaimRun
	charts := map[string]*msc.Chart{}
	for _, c := range claims {
		for _, v := range append([]string{fsm.RFC}, c.Refuters...) {
			r, err := pipeline.RunClaim(ctx, c, v, ccfg, newProgress(stderr, sf.progress))
			if err != nil {
				return exitInternal, err
			}
			if r.Chart != nil {
				r.MSC = fmt.Sprintf("msc-%s-%s.dot", c.Name, v)
				charts[r.MSC] = r.Chart
			}
			runs = append(runs, r)
		}
	}
	if err := writeReportDirCharts(*out, charts); err != nil {
		return exitInternal, err
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(runs); err != nil {
			return exitInternal, err
		}
	} else {
		printClaims(stdout, claims, runs)
	}
	return claimsCode(runs), nil
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

func printClaims(w io.Writer, claims []properties.Claim, runs []pipeline.ClaimRun) {
	fmt.Fprintf(w, "%-18s %-26s %-20s %-9s %-9s %s\n", "claim", "property", "model", "want", "got", "trace")
	for _, r := range runs {
		trace := "-"
		if r.Steps >= 0 {
			trace = fmt.Sprintf("%d steps", r.Steps)
			if r.Loop >= 0 {
				trace += fmt.Sprintf(" (lasso, cycle from step %d)", r.Loop+1)
			}
		}
		mark := "ok"
		if !r.OK() {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "%-18s %-26s %-20s %-9s %-9s %-4s %s\n", r.Claim, r.Property, r.Variant, r.Want, r.Got, mark, trace)
	}
	ok := 0
	for _, c := range claims {
		good := true
		for _, r := range runs {
			if r.Claim == c.Name && !r.OK() {
				good = false
			}
		}
		if good {
			ok++
		}
	}
	fmt.Fprintf(w, "%d of %d claims demonstrated: %s\n", ok, len(claims), strings.TrimSpace(fmt.Sprintf("%d runs", len(runs))))
}
