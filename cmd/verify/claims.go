package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/msc"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/story"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// claimRun is one check of a claim: the RFC model or a refuting variant.
type claimRun struct {
	Claim    string `json:"claim"`
	Property string `json:"property"`
	Variant  string `json:"variant"`
	// Want and Got are verdicts: "holds" or "violated" (for a Sometimes property, holds
	// means reachable).
	Want   string `json:"want"`
	Got    string `json:"got"`
	OK     bool   `json:"ok"`
	Steps  int    `json:"steps"` // counterexample or example length, -1 for none
	Loop   int    `json:"loop"`  // lasso loop start, -1 for none
	States uint64 `json:"states"`
	MSC    string `json:"msc,omitempty"`
}

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
		return exitBadInput, fmt.Errorf("format %q: want text or json", *format)
	}
	ccfg, err := sf.config()
	if err != nil {
		return exitBadInput, err
	}
	claims := properties.Claims()
	if *only != "" {
		c, err := properties.LookupClaim(*only)
		if err != nil {
			return exitBadInput, err
		}
		claims = []properties.Claim{c}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return exitBadInput, fmt.Errorf("out: %w", err)
	}
	var runs []claimRun
	charts := map[string]*msc.Chart{}
	incomplete := false
	for _, c := range claims {
		variants := append([]string{fsm.RFC}, c.Refuters...)
		for _, v := range variants {
			r, chart, err := checkClaim(ctx, c, v, ccfg, stderr, sf.progress)
			if err != nil {
				return exitBadInput, err
			}
			if r.Got == "unknown" {
				incomplete = true
			}
			if chart != nil {
				charts[r.MSC] = chart
			}
			runs = append(runs, r)
		}
	}
	if err := writeReportDirCharts(*out, charts); err != nil {
		return exitBadInput, err
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(runs); err != nil {
			return exitBadInput, err
		}
	} else {
		printClaims(stdout, claims, runs)
	}
	for _, r := range runs {
		if !r.OK && r.Got != "unknown" {
			return exitViolated, nil
		}
	}
	if incomplete {
		return exitIncomplete, nil
	}
	return exitOK, nil
}

// checkClaim runs one model of a claim with the claim's property only.
func checkClaim(ctx context.Context, c properties.Claim, variant string, ccfg checker.Config, stderr io.Writer, showProgress bool) (claimRun, *msc.Chart, error) {
	sys, err := fsm.NewSystem(c.Config, variant)
	if err != nil {
		return claimRun{}, nil, fmt.Errorf("claim %s: %w", c.Name, err)
	}
	model := properties.Bind(sys, []properties.Property{c.Property})
	bar := newProgress(stderr, showProgress)
	ccfg.Progress = bar.update
	res, err := checker.Run(ctx, model, ccfg)
	bar.finish()
	if err != nil {
		return claimRun{}, nil, fmt.Errorf("claim %s, variant %s: %w", c.Name, variant, err)
	}
	v := res.Verdicts[0]
	r := claimRun{Claim: c.Name, Property: c.Property.Name, Variant: variant, Got: v.Status.String(),
		Steps: -1, Loop: -1, States: res.States}
	r.Want = "violated"
	if variant == fsm.RFC {
		r.Want = "holds"
	}
	r.OK = r.Got == r.Want
	if v.Trace == nil {
		return r, nil, nil
	}
	r.Steps, r.Loop = len(v.Trace.Steps), v.Trace.Loop
	role := "counterexample"
	if v.Kind == checker.KindSometimes {
		role = "example"
	}
	st, err := story.Tell(sys, v.Trace, fmt.Sprintf("%s under %s: %s (%s)", c.Property.Name, variant, v.Status, role), role)
	if err != nil {
		return r, nil, err
	}
	r.MSC = fmt.Sprintf("msc-%s-%s.dot", c.Name, variant)
	return r, st.Chart, nil
}

func printClaims(w io.Writer, claims []properties.Claim, runs []claimRun) {
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
		if !r.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "%-18s %-26s %-20s %-9s %-9s %-4s %s\n", r.Claim, r.Property, r.Variant, r.Want, r.Got, mark, trace)
	}
	ok := 0
	for _, c := range claims {
		good := true
		for _, r := range runs {
			if r.Claim == c.Name && !r.OK {
				good = false
			}
		}
		if good {
			ok++
		}
	}
	fmt.Fprintf(w, "%d of %d claims demonstrated: %s\n", ok, len(claims), strings.TrimSpace(fmt.Sprintf("%d runs", len(runs))))
}
