package checker

import (
	"fmt"
	"time"
)

// Visited selects how the set of visited states is stored.
type Visited uint8

const (
	// Exact stores every state's full encoding: no state is ever missed.
	Exact Visited = iota
	// HashCompaction stores a 64-bit fingerprint per state: less memory, at the price of a
	// small probability that two states share a fingerprint and one is never explored.
	// Result.OmissionBound states that probability.
	HashCompaction
	// TreeCompression stores every state exactly, like Exact, but as a tree of hash tables
	// over its 32-bit words, so that the parts states share are stored once (Laarman, van de
	// Pol and Weber, "Parallel Recursive State Compression for Free", SPIN 2011): about 8
	// bytes per state, plus load overhead and the shared parts, whatever the encoding's
	// length. It needs a FixedSizer model; for any other it stores states as Exact does.
	TreeCompression
)

func (v Visited) String() string {
	switch v {
	case Exact:
		return "exact"
	case HashCompaction:
		return "hash-compaction"
	case TreeCompression:
		return "tree"
	}
	return fmt.Sprintf("Visited(%d)", uint8(v))
}

// Config holds the options of one exploration. The zero value explores exhaustively with
// GOMAXPROCS workers, an exact visited set and no bounds.
type Config struct {
	// Workers is the number of exploring goroutines; 0 means GOMAXPROCS. The result does not
	// depend on it.
	Workers int
	// Visited selects exact storage, hash compaction or tree compression.
	Visited Visited
	// MaxStates stops the search once this many distinct states are found (0: no bound).
	// States are numbered in a deterministic breadth-first order, so the same states are kept
	// whatever the number of workers.
	MaxStates uint64
	// MaxDepth stops expansion at this depth (0: no bound): states at depth MaxDepth are
	// checked but their successors are not explored.
	MaxDepth int
	// MaxMemory stops the search when the Go heap exceeds this many bytes (0: no bound).
	MaxMemory uint64
	// Timeout stops the search after this long (0: no bound). Cancelling the context passed
	// to Run stops it too.
	Timeout time.Duration
	// Graph keeps the reachable graph in the result, for export with WriteDOT.
	Graph bool
	// Progress, when set, is called from a separate goroutine every ProgressEvery (default 1s)
	// and once at the end.
	Progress      func(Progress)
	ProgressEvery time.Duration
	// ExpectedStates sizes the visited set up front (0: grow as needed). A good guess saves
	// rehashing.
	ExpectedStates uint64
	// StopWhenDecided ends the search once every property has a verdict that exploring
	// further cannot change: each Always and deadlock property violated, each Sometimes
	// property met. An Eventually property is decided only by a complete search, so a model
	// with one never stops early. The level in which the last verdict was found is finished
	// first, so the counts, like the traces, do not depend on the number of workers. The
	// result is then not Complete and its Stop wraps ErrDecided; the verdicts are final.
	StopWhenDecided bool
	// StopAtViolation ends the search once some Always, step or deadlock property is
	// violated, for a caller that needs only one (mutation testing: any violation kills a
	// mutant). The level in which the first was found is finished first, so the counts, the
	// violations found and their traces do not depend on the number of workers. The result
	// is then not Complete and its Stop wraps ErrViolationFound; the violations are final,
	// and every property without a trace is Unknown.
	StopAtViolation bool
}

// Progress is a snapshot of a running search.
type Progress struct {
	States       uint64
	Transitions  uint64
	Depth        int
	Queue        uint64 // states waiting to be expanded at the current depth
	Elapsed      time.Duration
	StatesPerSec float64
	HeapBytes    uint64
}
