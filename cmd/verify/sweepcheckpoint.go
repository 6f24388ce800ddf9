package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/outdir"
)

// A sweep's checkpoint: sweep.json is written when the sweep ends, by a signal too, but a
// wide grid runs for hours, and a process killed outright (kill -9, the kernel's OOM
// killer, a machine that goes down) writes nothing. So, as explorations end, the sweep
// writes what it has found so far to sweep.checkpoint.json in the --out directory itself
// (not the temporary one, which a crash leaves to be removed), at most once per --checkpoint
// interval, by writing a file beside it and renaming it into place, so that the file is
// always whole. --resume takes explorations from it as from a sweep.json; the sweep's own
// commit removes it, since its sweep.json then says all of it.

// checkpointFile is the name of a sweep's checkpoint in its --out directory.
const checkpointFile = "sweep.checkpoint.json"

// checkpoint collects the explorations a sweep has finished, with their runs, and writes
// them out. It is safe for concurrent use: explorations end on several goroutines.
type checkpoint struct {
	target  string // the --out directory
	scratch string // where the file is written before it is renamed into target
	every   time.Duration
	warn    func(error)

	mu      sync.Mutex
	head    sweepResult // grid, build, visited set and bounds: what --resume checks
	exps    []sweepExploration
	runs    []sweepRun
	pending bool // something finished since the last write
	last    time.Time
	failed  bool // a write failed: warned once, not tried again
}

// add records a finished exploration and its runs (their Exploration fields are set here).
func (c *checkpoint) add(x sweepExploration, runs []sweepRun) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range runs {
		r.Exploration = len(c.exps)
		c.runs = append(c.runs, r)
	}
	c.exps = append(c.exps, x)
	c.pending = true
}

// save writes the checkpoint when something finished since the last write and the
// interval has passed since it. A failed write is reported once and the sweep goes on
// without checkpoints: they only spare work after a crash.
func (c *checkpoint) save() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.pending || c.failed || time.Since(c.last) < c.every {
		return
	}
	res := c.head
	res.Explorations, res.Runs = c.exps, c.runs
	if err := c.write(&res); err != nil {
		c.failed = true
		c.warn(fmt.Errorf("sweep: checkpoint: %w (the sweep goes on without one)", err))
		return
	}
	c.pending, c.last = false, time.Now()
}

func (c *checkpoint) write(res *sweepResult) error {
	data, err := json.Marshal(res)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.target, 0o755); err != nil {
		return err
	}
	return outdir.ReplaceFile(c.scratch, filepath.Join(c.target, checkpointFile), data)
}
