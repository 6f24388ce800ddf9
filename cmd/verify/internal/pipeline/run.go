package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/story"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// Job is one verification: the variant's rule table on a config, checking some properties,
// under the search's limits.
type Job struct {
	Config  fsm.Config
	Variant string
	// Table, when set, is the variant the system runs instead of the named one: a mutant's
	// (fsm.Mutant.Of), which fsm.Variants does not list. Variant is then its name.
	Table      *fsm.Variant
	Properties []properties.Property
	// Search holds the limits; its Progress is replaced by Watch's.
	Search checker.Config
	// Watch, when set, follows the search: Update while it runs, Done when it ends.
	Watch Watcher
	// Title names each trace's chart; nil means ReportTitle("").
	Title Title
	// Coverage counts how often each row of the variant's table fires (Result.Coverage).
	// It re-runs every explored step, so only ask for it when it is wanted.
	Coverage bool
}

// Watcher follows one running search, e.g. a progress bar.
type Watcher interface {
	Update(checker.Progress)
	Done()
}

// Title names the chart of a verdict's trace on a variant; role is Role(v.Kind).
type Title func(variant string, v checker.Verdict[fsm.SysState], role string) string

// ReportTitle is the title of a report's charts, "VARIANT: PROPERTY (HOW)"; an empty how
// says the trace's role (counterexample or example).
func ReportTitle(how string) Title {
	return func(variant string, v checker.Verdict[fsm.SysState], role string) string {
		what := how
		if what == "" {
			what = role
		}
		return fmt.Sprintf("%s: %s (%s)", variant, v.Name, what)
	}
}

// ClaimTitle is the title of a claim's charts and the docs': "PROPERTY under VARIANT:
// STATUS (ROLE)".
func ClaimTitle(variant string, v checker.Verdict[fsm.SysState], role string) string {
	return fmt.Sprintf("%s under %s: %s (%s)", v.Name, variant, v.Status, role)
}

// Role is what a trace of a property of kind k is: the example of a Sometimes property
// that holds, otherwise a counterexample.
func Role(k checker.Kind) string {
	if k == checker.KindSometimes {
		return "example"
	}
	return "counterexample"
}

// Result is a finished verification.
type Result struct {
	Summary  Summary
	Verdicts []Verdict
	// Graph is the reachable graph when Job.Search.Graph was set.
	Graph *checker.Graph
	// Coverage is each row of the variant's table, in table order, with how often it fired
	// in the explored transitions; nil unless Job.Coverage was set.
	Coverage []RuleCount
}

// Summary is what a search did, whatever its model.
type Summary struct {
	States      uint64
	Transitions uint64
	// Depth is the largest breadth-first depth of a state.
	Depth    int
	Complete bool
	// Stop says why an incomplete search ended (nil when Complete).
	Stop          error
	Workers       int
	Visited       checker.Visited
	OmissionBound float64
	Elapsed       time.Duration
	// PeakHeap is the largest Go heap seen during the search, in bytes.
	PeakHeap uint64
}

// Summarize is the summary of any model's result.
func Summarize[S any](r *checker.Result[S]) Summary {
	return Summary{
		States: r.States, Transitions: r.Transitions, Depth: r.MaxDepth, Complete: r.Complete,
		Stop: r.Stop, Workers: r.Workers, Visited: r.Visited, OmissionBound: r.OmissionBound,
		Elapsed: r.Elapsed, PeakHeap: r.PeakHeap,
	}
}

// StatesPerSecond is the exploration rate, 0 when no time was measured.
func (s Summary) StatesPerSecond() float64 {
	if sec := s.Elapsed.Seconds(); sec > 0 {
		return float64(s.States) / sec
	}
	return 0
}

// BytesPerState is the peak heap over the states, 0 for no states.
func (s Summary) BytesPerState() float64 {
	if s.States > 0 {
		return float64(s.PeakHeap) / float64(s.States)
	}
	return 0
}

// Verdict is one property's outcome, its trace told.
type Verdict struct {
	Name   string
	Kind   checker.Kind
	Status checker.Status
	// Statement is the property's statement ("" when it is not one of the job's).
	Statement string
	// Story tells the trace (numbered steps and a chart); nil when the verdict has none.
	Story *story.Story
}

// Steps is the trace's length, -1 for no trace.
func (v Verdict) Steps() int {
	if v.Story == nil {
		return -1
	}
	return len(v.Story.Trace.Steps)
}

// Loop is the step a lasso returns to (0-based), -1 for no trace or a finite one.
func (v Verdict) Loop() int {
	if v.Story == nil {
		return -1
	}
	return v.Story.Trace.Loop
}

// Run builds the job's system, checks its properties and tells the verdicts.
func Run(ctx context.Context, job Job) (*Result, error) {
	var sys fsm.System
	var err error
	if job.Table != nil {
		sys, err = fsm.NewSystemOf(job.Config, *job.Table)
	} else {
		sys, err = fsm.NewSystem(job.Config, job.Variant)
	}
	if err != nil {
		return nil, err
	}
	cfg := job.Search
	cfg.Progress = nil
	if job.Watch != nil {
		cfg.Progress = job.Watch.Update
	}
	bound := properties.Bind(sys, job.Properties)
	var model checker.Model[fsm.SysState, fsm.Action] = bound
	var cov *coverage
	if job.Coverage {
		cov = &coverage{Model: bound}
		model = cov
	}
	res, err := checker.Run(ctx, model, cfg)
	if job.Watch != nil {
		job.Watch.Done()
	}
	if err != nil {
		return nil, err
	}
	// The traces are of the bound system, which keeps only the ghost data its properties
	// read (fsm.System.Tracks): they replay on it, not on sys.
	verdicts, err := Tell(*bound.System, job.Variant, job.Properties, res.Verdicts, job.Title)
	if err != nil {
		return nil, err
	}
	out := &Result{Summary: Summarize(res), Verdicts: verdicts, Graph: res.Graph}
	if cov != nil {
		out.Coverage = cov.table()
	}
	return out, nil
}

// Tell tells the verdicts of props on the variant's system sys (from checker.Run or
// checker.Simulate): each trace as a story with its chart, titled by title (nil means
// ReportTitle("")).
func Tell(sys fsm.System, variant string, props []properties.Property, verdicts []checker.Verdict[fsm.SysState], title Title) ([]Verdict, error) {
	if title == nil {
		title = ReportTitle("")
	}
	out := make([]Verdict, 0, len(verdicts))
	for i, v := range verdicts {
		tv := Verdict{Name: v.Name, Kind: v.Kind, Status: v.Status}
		if i < len(props) {
			tv.Statement = props[i].Statement
		}
		if v.Trace != nil {
			role := Role(v.Kind)
			st, err := story.Tell(sys, v.Trace, title(variant, v, role), role)
			if err != nil {
				return nil, fmt.Errorf("property %s: %w", v.Name, err)
			}
			tv.Story = st
		}
		out = append(out, tv)
	}
	return out, nil
}
