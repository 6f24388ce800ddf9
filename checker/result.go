package checker

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel reasons for a search that ended before it had explored everything; Result.Stop
// wraps one of them.
var (
	ErrStateLimit  = errors.New("state limit reached")
	ErrDepthLimit  = errors.New("depth limit reached")
	ErrMemoryLimit = errors.New("memory limit reached")
	ErrTimeout     = errors.New("time limit reached")
	ErrCanceled    = errors.New("canceled")
	// ErrDecided is not a bound: Config.StopWhenDecided ended the search because every
	// property had its final verdict.
	ErrDecided = errors.New("stopped: every property decided")
	// ErrViolationFound is not a bound either: Config.StopAtViolation ended the search at a
	// violation.
	ErrViolationFound = errors.New("stopped: a violation found")
)

// Status is a property's verdict.
type Status uint8

const (
	// Unknown: the search stopped before the property could be decided.
	Unknown Status = iota
	// Holds: the property is proved on the explored space (for Sometimes: an example exists).
	Holds
	// Violated: a counterexample exists (for Sometimes: the search was complete and found no
	// example).
	Violated
)

func (s Status) String() string {
	switch s {
	case Holds:
		return "holds"
	case Violated:
		return "violated"
	}
	return "unknown"
}

// MarshalText spells the status as String does, so that reports carry words.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a status as MarshalText wrote it; anything else is an error.
func (s *Status) UnmarshalText(b []byte) error {
	for _, st := range []Status{Unknown, Holds, Violated} {
		if st.String() == string(b) {
			*s = st
			return nil
		}
	}
	return fmt.Errorf("verdict %q: want holds, violated or unknown", b)
}

// Result is what a search found. A violated property is a result, not an error.
type Result[S any] struct {
	// States and Transitions count distinct reachable states and the transitions out of
	// every state judged (self-loops and edges to known states included). Under a state or
	// depth bound the last states kept are judged too, so their transitions count even when
	// they lead to states beyond the bound.
	States      uint64
	Transitions uint64
	// MaxDepth is the largest breadth-first depth of a state (initial states have depth 0).
	MaxDepth int
	// Complete is true when the whole reachable space was explored.
	Complete bool
	// Stop says why the search ended early (nil when Complete); it wraps one of the Err
	// sentinels.
	Stop error
	// Verdicts are the model's properties' verdicts, in the model's order.
	Verdicts []Verdict[S]
	Workers  int
	Visited  Visited
	// OmissionBound is an upper bound on the probability that hash compaction missed a
	// state (0 for Exact).
	OmissionBound float64
	Elapsed       time.Duration
	// PeakHeap is the largest Go heap seen during the search and the verdicts after it, in
	// bytes: live and not yet swept heap objects, sampled every few milliseconds.
	PeakHeap uint64
	// Graph is the reachable graph when Config.Graph was set.
	Graph *Graph
}

// Verdict is one property's outcome.
type Verdict[S any] struct {
	Name   string
	Kind   Kind
	Status Status
	// Trace is the counterexample of a violated Always, Eventually or deadlock property, or
	// the example of a Sometimes property that holds; nil otherwise.
	Trace *Trace[S]
}

// Trace is a path through the model: States[0] is an initial state and Steps[i] leads from
// States[i] to States[i+1]. A lasso has Loop >= 0: the last step returns to States[Loop], and
// the path from there repeats forever. Loop is -1 for a finite path.
type Trace[S any] struct {
	States []S
	Steps  []Step
	Loop   int
}

// Step is one transition of a trace.
type Step struct {
	// Action is the model's label of the action.
	Action string
	// Index is the action's position in Model.Actions of the source state.
	Index int
}
