package main

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/pipeline"
)

// progress shows a running search on stderr when stderr is a terminal: a spinner with the
// states, states/s, depth, queue and heap. Elsewhere (CI, a file) it shows nothing.
type progress struct {
	mu  sync.Mutex
	bar *progressbar.ProgressBar
}

func newProgress(w io.Writer, enabled bool) *progress {
	f, ok := w.(*os.File)
	if !enabled || !ok || !term.IsTerminal(int(f.Fd())) {
		return &progress{}
	}
	return &progress{bar: progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetDescription("exploring"),
	)}
}

// Update shows a snapshot of the search.
func (p *progress) Update(pr checker.Progress) { p.show("", pr) }

// show shows a snapshot of the search named label ("" for the only one).
func (p *progress) show(label string, pr checker.Progress) {
	if p.bar == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if label != "" {
		label += ": "
	}
	p.bar.Describe(fmt.Sprintf("%s%d states, %.0f/s, depth %d, queue %d, heap %.0f MiB",
		label, pr.States, pr.StatesPerSec, pr.Depth, pr.Queue, float64(pr.HeapBytes)/(1<<20)))
	_ = p.bar.Set64(int64(pr.States))
}

// labelled is the bar as one of several searches sees it, running one after the other or
// at once: its snapshots show under its label, and its end leaves the bar to the others
// (the caller clears it with Done when all have ended).
func (p *progress) labelled(label string) pipeline.Watcher { return labelledProgress{p, label} }

type labelledProgress struct {
	p     *progress
	label string
}

func (l labelledProgress) Update(pr checker.Progress) { l.p.show(l.label, pr) }
func (labelledProgress) Done()                        {}

// Done clears the bar.
func (p *progress) Done() {
	if p.bar == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.bar.Finish()
}

// simProgress shows running walks on stderr when stderr is a terminal.
type simProgress struct{ *progress }

func newSimProgress(w io.Writer, enabled bool) *simProgress {
	p := &simProgress{newProgress(w, enabled)}
	if p.bar != nil {
		p.bar.Describe("simulating")
	}
	return p
}

// Update shows a snapshot of the walks.
func (p *simProgress) Update(pr checker.SimProgress) {
	if p.bar == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	rate := 0.0
	if s := pr.Elapsed.Seconds(); s > 0 {
		rate = float64(pr.Walks) / s
	}
	p.bar.Describe(fmt.Sprintf("%d of %d walks, %d steps, %.0f walks/s", pr.Walks, pr.Of, pr.Steps, rate))
	_ = p.bar.Set64(int64(pr.Walks))
}
