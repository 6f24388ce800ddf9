package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/docgen"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/pipeline"
)

// runDocs regenerates the diagrams and tables of docs/: the state diagrams from the rule
// table, a message sequence chart per claim trace, the small reachable graph, and the
// markdown tables spliced into the hand-written prose. See package docgen.
func runDocs(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("docs")
	out := fs.String("out", "docs", "docs `directory`: its diagrams/ and generated/ are rewritten, and the marked sections of its *.md")
	cached := fs.Bool("cached", false, "rebuild from the recorded runs (OUT/generated/runs.json) instead of running the checker")
	check := fs.Bool("check", false, "write nothing; exit 1 if the docs differ from what the code generates")
	var workers int
	intFlag(fs, &workers, "workers", min(runtime.GOMAXPROCS(0), int(workersSpec.hi)), workersSpec, "exploring goroutines (results do not depend on it)")
	progress := fs.Bool("progress", true, "show progress on stderr when it is a terminal")
	if err := parse(fs, args, stdout); err != nil {
		return helpOr(err)
	}
	if err := isDocsDir(*out); err != nil {
		return exitBadInput, err
	}
	dotPath, err := exec.LookPath("dot")
	if err != nil && !*check {
		return exitBadInput, fmt.Errorf("docs: Graphviz dot not found (install graphviz; see .ci/setup): %w", err)
	}
	if !*check {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return exitBadInput, fmt.Errorf("out: %w", err)
		}
	}
	var runs *docgen.Runs
	if *cached {
		data, err := os.ReadFile(filepath.Join(*out, docgen.GeneratedDir, "runs.json"))
		if err != nil {
			return exitBadInput, fmt.Errorf("docs: %w", err)
		}
		if runs, err = docgen.ParseRuns(data); err != nil {
			return exitBadInput, err
		}
	} else {
		runs, err = docgen.Search(ctx, workers, func() pipeline.Watcher { return newProgress(stderr, *progress) })
		if err := docsStopped(ctx, *out, *check); err != nil {
			return exitIncomplete, err
		}
		if err != nil {
			return exitInternal, err
		}
	}
	set, err := docgen.Build(ctx, runs)
	if err := docsStopped(ctx, *out, *check); err != nil {
		return exitIncomplete, err
	}
	if err != nil {
		return exitInternal, err
	}
	if *check {
		problems, err := docgen.Diff(*out, set, dotPath)
		if err != nil {
			return exitBadInput, err
		}
		for _, p := range problems {
			fmt.Fprintln(stdout, p)
		}
		if len(problems) > 0 {
			fmt.Fprintf(stdout, "docs are out of date: run go run ./cmd/verify docs\n")
			return exitViolated, nil
		}
		fmt.Fprintf(stdout, "docs are up to date: %d generated files\n", len(set.Files))
		return exitOK, nil
	}
	// Write renders every diagram before it writes the first file; a signal that came
	// meanwhile (and may have killed Graphviz) leaves the docs untouched.
	if err := docgen.Write(*out, set, dotPath); err != nil {
		if err := docsStopped(ctx, *out, *check); err != nil {
			return exitIncomplete, err
		}
		return exitInternal, fmt.Errorf("docs: %w", err)
	}
	fmt.Fprintf(stdout, "docs: %d generated files in %s, every DOT rendered to SVG\n", len(set.Files), *out)
	return exitOK, nil
}

// docsStopped is the error of a docs run stopped by a signal: its searches are incomplete,
// so nothing is written (and, with -check, nothing is judged).
func docsStopped(ctx context.Context, out string, check bool) error {
	in := interruption(ctx)
	if in == nil {
		return nil
	}
	if check {
		return fmt.Errorf("docs: %s: not checked", in)
	}
	return fmt.Errorf("docs: %s: %s left untouched", in, out)
}

// handWritten are the docs written by hand around the generated files: their presence is
// how docs knows it was pointed at tcpverify's docs directory.
var handWritten = []string{"README.md", "model.md", "properties.md", "claims.md"}

// isDocsDir refuses a directory that does not hold the hand-written docs, so that docs run
// outside the repository creates nothing.
func isDocsDir(dir string) error {
	for _, f := range handWritten {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return fmt.Errorf("docs: --out %s is not tcpverify's docs directory (it lacks %s): run verify docs from the repository root, or point --out at its docs/", quoteArg(dir), f)
		}
	}
	return nil
}
