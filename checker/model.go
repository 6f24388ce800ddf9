package checker

// Model is a transition system the checker explores. It is the whole contract between the
// engine and a protocol: the engine knows states only through Encode/Decode and actions only
// through Actions/Next/Label, so nothing in this package knows what the states mean.
//
// A Model must be deterministic: the same state gives the same actions in the same order, and
// the same state and action give the same next state. Traces are stored as action indexes and
// replayed through Actions and Next, so any hidden randomness would corrupt them.
type Model[S, A any] interface {
	// Init returns the initial states, in a fixed order.
	Init() []S
	// Actions appends the actions that may be enabled in s to dst, in a fixed order, and
	// returns it. It need not check them: as in Stateright, Next decides, so a model that
	// lists candidates computes each successor once (the engine calls Next once per listed
	// action). An action's index in this list is how traces record it.
	Actions(s S, dst []A) []A
	// Next returns the state reached from s by a. ok is false when a leads nowhere from s
	// (a candidate that is not enabled): such an action is not a transition and does not
	// count as enabled, for deadlock, fairness or anything else.
	Next(s S, a A) (next S, ok bool)
	// Encode appends the canonical encoding of s to dst: equal states give equal bytes and
	// different states different bytes. The engine hashes and stores these bytes.
	Encode(dst []byte, s S) []byte
	// Decode inverts Encode. The engine only decodes bytes that Encode produced.
	Decode(b []byte) S
	// Terminal reports whether s is a proper end state: one where having no enabled action is
	// not a deadlock.
	Terminal(s S) bool
	// Label names action a taken from state s, for traces and graphs. The label is the
	// identity of the action for fairness: two transitions with the same label are the same
	// action. (An ActionKeyer spares the engine most of these calls.)
	Label(s S, a A) string
	// Fair reports whether weak fairness applies to action a from s: on an infinite path, an
	// action that is fair and enabled from some point on in every state must eventually be
	// taken. Eventually properties are judged on fair paths only.
	Fair(s S, a A) bool
	// Properties returns the properties to check, in report order.
	Properties() []Property[S]
}

// Projector is implemented by models whose graph is drawn as a projection: states with the
// same Project label merge into one node, and transitions between two nodes with the same
// ProjectAction label merge into one edge. A model without it is drawn state by state, with
// fmt's %v of the state and the action's Label.
type Projector[S, A any] interface {
	Project(s S) string
	ProjectAction(s S, a A) string
}

// FixedSizer is implemented by models whose encodings all have the same length, in bytes.
// The exact visited set then keeps each encoding inline in its hash-table slot, so a lookup
// touches one cache line instead of two, and TreeCompression can cut encodings into words.
// Encode must honour the size; the engine panics on an encoding of another length.
type FixedSizer interface {
	EncodedSize() int
}

// BitSizer is implemented by FixedSizer models whose encodings use only their first
// EncodedBits bits, least significant first (bit i is bit i%8 of byte i/8), the bits past
// them being zero. The inline visited set then keeps its tag in the spare bits of the last
// word, when there are any, instead of a byte of its own: a 24-byte state of 190 bits takes
// three words instead of four. The engine panics on an encoding with a bit set past them.
type BitSizer interface {
	EncodedBits() int
}

// StrongFairer is implemented by models some of whose fair actions are strongly fair: on an
// infinite path, such an action that is enabled infinitely often (not necessarily without
// interruption) must be taken infinitely often. It suits an action whose enabling comes and
// goes for reasons that do not depend on it, such as a timer that may only fire while the
// network is quiet. Strong fairness applies on top of Fair: the engine treats an action as
// strongly fair only when Fair also holds for it.
type StrongFairer[S, A any] interface {
	StrongFair(s S, a A) bool
}

// ActionKeyer is implemented by models that can give an action's fairness identity as a
// number, so that judging liveness does not build a Label string for every transition: the
// engine then calls Label once per distinct key, and otherwise only for what it prints.
// ActionKey returns the key of action a taken from s, or ok false when a has none (the
// engine then uses its Label). Two transitions with the same key must have the same label.
// Keys should also tell apart what labels tell apart (equal labels, equal keys): the
// engine still merges actions with different keys and equal labels, but pays a Label call
// for each key. Fair and StrongFair are asked exactly as without keys.
type ActionKeyer[S, A any] interface {
	ActionKey(s S, a A) (key uint64, ok bool)
}

// Stutterer is implemented by models whose runs may stop for ever in a state where no fair
// action is enabled, as TLA+'s stuttering steps allow: what can happen there is unfair (a
// fault, a crash, a user giving up), and nothing obliges it to. Without it (or when Stutters
// is false) a run goes on while any action is enabled, so an unfair action that is the only
// way on is taken in the end. It changes only Eventually verdicts: such a state, where the
// property does not hold, ends a finite counterexample.
type Stutterer interface {
	Stutters() bool
}

// TransitionVisitor is implemented by models that want to see every transition the search
// explores, e.g. to count which parts of the model fire. It is optional and costs nothing
// when absent. Run calls StartVisit once, before exploring, with the number of workers,
// then VisitTransition for every transition it counts in Result.Transitions, each exactly
// once, from the worker that explored it: worker is in [0, workers), and calls with the same
// worker never overlap, so a visitor that keeps one accumulator per worker needs no lock.
// Since the explored transitions do not depend on the number of workers, totals summed over
// the workers do not either (unless a time, memory or cancellation bound stopped the
// search, which cuts it at an arbitrary point). Simulate does not call it.
type TransitionVisitor[S, A any] interface {
	StartVisit(workers int)
	VisitTransition(worker int, from S, a A, to S)
}
