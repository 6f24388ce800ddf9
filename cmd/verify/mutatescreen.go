package main

import (
	"math/bits"
	"sync"
	"sync/atomic"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
)

// screen compares every mutant with the unmutated variant in every state the variant's
// search at a point visits, in that same search, instead of one search of the variant's
// space per mutant: a state is compared only for the mutants whose changed row its
// successors read as the mutant changes it (fsm.System.Consult, fsm.Sensitivity), and a
// mutant is no longer compared once it differs somewhere. Whether a mutant differs in some
// reachable state does not depend on the order the workers visit the states in, so the
// outcome is deterministic; the shortest run to a difference is left to a search of its
// own (judge), for the mutants that differ.
type screen struct {
	orig *fsm.System
	// byRow lists, per row of the variant's table, the mutants whose change shows in
	// lookups of that row; anywhere lists those that may differ in any state.
	byRow    [][]int
	anywhere []int
	sense    []fsm.Sensitivity
	muts     []*fsm.System // nil when the mutant's system cannot be built (judge kills it)
	differs  []atomic.Bool
}

func newScreen(orig *fsm.System, cfg fsm.Config, base fsm.Variant, mutants []fsm.Mutant) *screen {
	table := orig.Machine.Rules
	sc := &screen{orig: orig, byRow: make([][]int, len(table)), sense: make([]fsm.Sensitivity, len(mutants)),
		muts: make([]*fsm.System, len(mutants)), differs: make([]atomic.Bool, len(mutants))}
	for i, mu := range mutants {
		sys, err := fsm.NewSystemOf(cfg, mu.Of(base))
		if err != nil {
			continue
		}
		sys.Tracks = orig.Tracks // the same ghost view, or every mutant would differ in it
		sc.muts[i] = &sys
		sc.sense[i] = mu.SensitivityIn(table)
		if r := sc.sense[i].Row; r >= 0 {
			sc.byRow[r] = append(sc.byRow[r], i)
		} else {
			sc.anywhere = append(sc.anywhere, i)
		}
	}
	return sc
}

// property compares the mutants in each state it is given, and always holds.
func (sc *screen) property() checker.Property[fsm.SysState] {
	return checker.Always("mutants compared", func(s fsm.SysState) bool {
		w := work.Get().(*screenWork)
		defer work.Put(w)
		var c fsm.Consulted
		w.actions = sc.orig.ConsultOutcomes(s, &c, &w.outcomes, w.actions)
		for _, i := range sc.anywhere {
			sc.compare(i, s, &c, w)
		}
		for k, word := range c.Candidate {
			for ; word != 0; word &= word - 1 {
				for _, i := range sc.byRow[k*64+bits.TrailingZeros64(word)] {
					sc.compare(i, s, &c, w)
				}
			}
		}
		return true
	})
}

// compare compares mutant i with the variant in s, whose outcomes w holds.
func (sc *screen) compare(i int, s fsm.SysState, c *fsm.Consulted, w *screenWork) {
	if sc.muts[i] == nil || sc.differs[i].Load() || !sc.sense[i].MayDiffer(c) {
		return
	}
	if !sameOutcomes(sc.muts[i], s, sc.sense[i], w) {
		sc.differs[i].Store(true)
	}
}

// screenWork is one goroutine's scratch for a state: the candidate actions, and the
// variant's outcomes, computed once and compared with each mutant's where it may differ.
type screenWork struct {
	actions  []fsm.Action
	outcomes fsm.Outcomes
}

var work = sync.Pool{New: func() any { return new(screenWork) }}

// sameOutcomes is mut.SameOutcomes(s, &w.outcomes, sense); a mutant that panics in s
// differs there.
func sameOutcomes(mut *fsm.System, s fsm.SysState, sense fsm.Sensitivity, w *screenWork) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	same, w.actions = mut.SameOutcomes(s, &w.outcomes, sense, w.actions)
	return same
}

// scratch holds the candidate actions of SameSuccessors, one slice per goroutine at a time.
var scratch = sync.Pool{New: func() any { return new([]fsm.Action) }}

// sameSuccessors is orig.SameSuccessors(mut, s); a mutant that panics in s differs there.
func sameSuccessors(orig, mut *fsm.System, s fsm.SysState, buf *[]fsm.Action) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	same, *buf = orig.SameSuccessors(mut, s, *buf)
	return same
}

// sameAs is the property that orig has mut's successors in every state.
func sameAs(orig, mut *fsm.System) checker.Property[fsm.SysState] {
	return checker.Always("same successors", func(s fsm.SysState) bool {
		buf := scratch.Get().(*[]fsm.Action)
		defer scratch.Put(buf)
		return sameSuccessors(orig, mut, s, buf)
	})
}
