package properties

import (
	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
)

// Model is a TCP system paired with the properties checked of it: the checker.Model the
// engine explores. The system itself (fsm.System) knows nothing of what is checked; this
// adapter adds it, so that data flows one way, from the model to the checker.
type Model struct {
	// The system is held by pointer: the engine calls its methods through an interface
	// for every state and action, and a value would be copied on each call.
	*fsm.System
	props []checker.Property[fsm.SysState]
}

var (
	_ checker.Model[fsm.SysState, fsm.Action]        = Model{}
	_ checker.Projector[fsm.SysState, fsm.Action]    = Model{}
	_ checker.StrongFairer[fsm.SysState, fsm.Action] = Model{}
	_ checker.ActionKeyer[fsm.SysState, fsm.Action]  = Model{}
	_ checker.Stutterer                              = Model{}
)

// Bind returns sys checking exactly props, in order.
func Bind(sys fsm.System, props []Property) Model {
	cps := make([]checker.Property[fsm.SysState], len(props))
	sys.Tracks = 0
	for _, p := range props {
		sys.Tracks |= p.Reads
	}
	for i, p := range props {
		cps[i] = p.For(sys)
	}
	return Model{System: &sys, props: cps}
}

// BindChecker returns sys checking exactly the given checker properties, in order: for
// tests and tools that state a property of their own.
func BindChecker(sys fsm.System, props ...checker.Property[fsm.SysState]) Model {
	return Model{System: &sys, props: append([]checker.Property[fsm.SysState](nil), props...)}
}

// Stutters: a run of the TCP system may stop for ever where only unfair actions are
// enabled. fsm.System.Fair leaves the network's faults, crashes, ABORT and the user timeout
// unfair because nothing obliges them to happen; a liveness property that holds only because
// one of them would have to happen in the end does not hold.
func (Model) Stutters() bool { return true }

// Properties returns the properties the model was bound with.
func (m Model) Properties() []checker.Property[fsm.SysState] { return m.props }

// Sanity is what every run of the system must keep whatever is claimed of it: no
// deadlock, and the TCB invariants of fsm.System.Check in every reachable state.
func Sanity(sys fsm.System) []checker.Property[fsm.SysState] {
	return []checker.Property[fsm.SysState]{
		checker.NoDeadlock[fsm.SysState]("no deadlock"),
		checker.Always("tcb invariants", func(s fsm.SysState) bool { return sys.Check(s) == nil }),
	}
}
