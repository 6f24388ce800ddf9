package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/pipeline"
	"github.com/tcpverify/tcpverify/fsm"
)

// Resuming a sweep (verify sweep --resume): a wide grid takes hours, longer than one
// sitting, and a signal, a bound or a crash leaves most of it done. --resume reads the
// sweep.json already under --out, and the checkpoint a sweep killed outright left there
// (sweepcheckpoint.go), and takes from them every exploration whose runs it decided, and
// every one a bound stopped when the new bounds are no wider (it would stop again), so
// that only the rest is searched again (a signal's, or with wider bounds). An exploration is one
// search (sweepPlan), named by its point, variant and claims; its verdicts and traces are
// a function of the build that ran it and of the visited set (hash compaction may miss
// states), so a sweep.json is taken only from the very same build (buildID: the digest of
// the executable, the same for the same sources whether built by go build or go run),
// and a search with hash compaction only by a sweep that uses it too.

// sweepBounds are the bounds each search of a sweep had (0: none; Timeout in seconds).
type sweepBounds struct {
	Timeout      float64 `json:"timeout"`
	PointTimeout float64 `json:"point_timeout"`
	MaxMemory    uint64  `json:"max_memory"`
	MaxStates    uint64  `json:"max_states"`
	MaxDepth     int     `json:"max_depth"`
}

func boundsOf(c checker.Config, pointTimeout time.Duration) sweepBounds {
	return sweepBounds{Timeout: c.Timeout.Seconds(), PointTimeout: pointTimeout.Seconds(), MaxMemory: c.MaxMemory,
		MaxStates: c.MaxStates, MaxDepth: c.MaxDepth}
}

// within says whether every bound of b is at most old's (0 is no bound, the widest): a
// search that old's bounds stopped would stop again under b, no further on.
func (b sweepBounds) within(old sweepBounds) bool {
	le := func(x, y float64) bool { return y == 0 || x != 0 && x <= y }
	return le(b.Timeout, old.Timeout) && le(b.PointTimeout, old.PointTimeout) && le(float64(b.MaxMemory), float64(old.MaxMemory)) &&
		le(float64(b.MaxStates), float64(old.MaxStates)) && le(float64(b.MaxDepth), float64(old.MaxDepth))
}

// boundStops are the stops of a search that a bound, not a signal, ended.
var boundStops = []error{checker.ErrTimeout, checker.ErrMemoryLimit, checker.ErrStateLimit, checker.ErrDepthLimit}

// buildID identifies the running build of verify: the SHA-256 digest of its executable.
func buildID() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("cannot find the verify executable: %w", err)
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", fmt.Errorf("cannot read the verify executable: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("cannot read the verify executable: %w", err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// priorSweep is what a resumed sweep takes from an earlier one: the explorations that
// decided every run they served, by their key, with those runs.
type priorSweep struct {
	took map[explorationKey]priorExploration
}

type priorExploration struct {
	summary sweepExploration
	runs    map[string]sweepRun // by claim
}

// explorationKey names an exploration across sweeps of one build: its point's config and
// the variant are functions of the point's name and the claims it serves.
type explorationKey struct {
	point, variant, claims string
	seqspace               int
}

func (x sweepExploration) key() explorationKey {
	return explorationKey{x.Point, x.Variant, strings.Join(x.Claims, ","), x.SeqSpace}
}

// readPrior reads, for a sweep of this build with visited set visited and the given
// bounds, the sweep.json under dir and the checkpoint a sweep killed outright left there;
// an exploration both have is taken from the checkpoint, the later of the two (a sweep's
// commit removes its checkpoint). Every error is the user's (exit 2): neither file, a file
// that is not a sweep's, another build's, a visited set that does not carry over.
func readPrior(dir, build string, visited checker.Visited, bounds sweepBounds) (*priorSweep, error) {
	p := &priorSweep{took: map[explorationKey]priorExploration{}}
	found := false
	for _, name := range []string{"sweep.json", checkpointFile} {
		path := filepath.Join(dir, name)
		old, err := readSweepFile(path, build, visited)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("--resume: %w", err)
		}
		found = true
		p.take(old, bounds)
	}
	if !found {
		return nil, fmt.Errorf("--resume: no %s or %s to resume: run the sweep without --resume first",
			filepath.Join(dir, "sweep.json"), checkpointFile)
	}
	return p, nil
}

// readSweepFile reads a sweep.json, or a checkpoint, that this build with visited set
// visited can take results from; an error wrapping fs.ErrNotExist when there is none.
func readSweepFile(path, build string, visited checker.Visited) (*sweepResult, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var old sweepResult
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&old); err != nil {
		return nil, fmt.Errorf("%s is not a sweep.json of this build: %v", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s is not a sweep.json of this build: data after its object", path)
	}
	if old.Build != build {
		return nil, fmt.Errorf("%s was written by another build of verify (%s; this is %s), whose verdicts may differ: sweep afresh without --resume",
			path, orNone(old.Build), build)
	}
	if old.Visited == checker.HashCompaction.String() && visited != checker.HashCompaction {
		return nil, fmt.Errorf("%s was swept with --visited hash, which may miss states; an exact sweep cannot take its results: sweep afresh or with --visited hash", path)
	}
	return &old, nil
}

// take adds the explorations of old that decided every run they served, or that a bound
// stopped which bounds do not widen, replacing any p had of the same key.
func (p *priorSweep) take(old *sweepResult, bounds sweepBounds) {
	runs := make([]map[string]sweepRun, len(old.Explorations)) // by exploration, then claim
	for _, r := range old.Runs {
		if r.Exploration < 0 || r.Exploration >= len(runs) {
			continue // refused or not applicable: no exploration
		}
		if runs[r.Exploration] == nil {
			runs[r.Exploration] = map[string]sweepRun{}
		}
		runs[r.Exploration][r.Claim] = r
	}
	for i, x := range old.Explorations {
		pe := priorExploration{summary: x, runs: runs[i]}
		decided := true
		for _, c := range x.Claims {
			if r, ok := pe.runs[c]; !ok || r.Got == checker.Unknown {
				decided = false
			}
		}
		// A search a bound stopped is as far as these bounds would take it again.
		bounded := !x.Complete && bounds.within(old.Bounds) &&
			slices.ContainsFunc(boundStops, func(e error) bool { return strings.HasPrefix(x.Stop, e.Error()) })
		if (decided || bounded) && len(pe.runs) == len(x.Claims) && len(x.Claims) > 0 {
			p.took[x.key()] = pe
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "none recorded"
	}
	return s
}

// claimRuns are exploration x's runs as the earlier sweep found them, in x's claim order,
// with its rule coverage; false when that sweep did not decide them all.
func (p *priorSweep) claimRuns(x sweepExploration) ([]pipeline.ClaimRun, sweepExploration, bool) {
	if p == nil {
		return nil, sweepExploration{}, false
	}
	pe, ok := p.took[x.key()]
	if !ok {
		return nil, sweepExploration{}, false
	}
	var cov []pipeline.RuleCount
	for _, rc := range pe.summary.Coverage {
		i := slices.IndexFunc(fsm.Rules, func(r fsm.Rule) bool { return r.Name == rc.Rule })
		if i < 0 {
			return nil, sweepExploration{}, false // not this build's table after all
		}
		cov = append(cov, pipeline.RuleCount{ID: fsm.Rules[i].ID, Name: rc.Rule, Fired: rc.Fired})
	}
	crs := make([]pipeline.ClaimRun, len(x.Claims))
	for i, c := range x.Claims {
		r := pe.runs[c]
		crs[i] = pipeline.ClaimRun{Claim: c, Variant: r.Variant, Want: r.Want, Got: r.Got, Steps: r.Steps, Loop: r.Loop,
			States: r.States, Complete: r.Complete, Stop: r.Stop, Coverage: cov,
			Elapsed: time.Duration(r.Seconds * float64(time.Second))}
	}
	s := pe.summary
	s.Reused = true
	return crs, s, true
}
