package checker

import "fmt"

// Kind says how a property's predicate is judged.
type Kind uint8

const (
	// KindAlways is an invariant: the predicate holds in every reachable state. A violation is
	// a shortest path to a state where it fails.
	KindAlways Kind = iota + 1
	// KindSometimes is reachability: the predicate holds in some reachable state. The verdict
	// comes with a shortest example path; finding none is the failure.
	KindSometimes
	// KindEventually is liveness: on every maximal fair path from an initial state, the
	// predicate holds in some state. A violation is a path that ends in a state with no
	// successor, or a lasso (a stem and a fair cycle), along which it never holds.
	KindEventually
	// KindDeadlock is freedom from deadlock: every reachable state with no enabled action is
	// Terminal. It has no predicate.
	KindDeadlock
	// KindStep is an invariant of the transitions, as TLA+'s [][A]_vars is: the predicate
	// holds of every successor as Next returns it, from every reachable state. It may so
	// read what Next records about the step that made the state and the encoding leaves
	// out (which is zero in a decoded state): a segment answered, a TCB a reset ended. A
	// violation is a shortest path whose last step is one the predicate rejects.
	KindStep
)

func (k Kind) String() string {
	switch k {
	case KindAlways:
		return "always"
	case KindSometimes:
		return "sometimes"
	case KindEventually:
		return "eventually"
	case KindDeadlock:
		return "deadlock"
	case KindStep:
		return "step"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Property is a named claim about a model. Build one with Always, AlwaysStep, Sometimes,
// Eventually or NoDeadlock; names should be unique within a model, since reports are keyed by them.
type Property[S any] struct {
	Name string
	Kind Kind
	// Holds is the predicate; nil for KindDeadlock.
	Holds func(S) bool
}

// Always is an invariant: pred holds in every reachable state.
func Always[S any](name string, pred func(S) bool) Property[S] {
	return Property[S]{Name: name, Kind: KindAlways, Holds: pred}
}

// Sometimes is reachability: pred holds in at least one reachable state.
func Sometimes[S any](name string, pred func(S) bool) Property[S] {
	return Property[S]{Name: name, Kind: KindSometimes, Holds: pred}
}

// Eventually is liveness: pred holds at some point of every maximal weakly-fair path.
func Eventually[S any](name string, pred func(S) bool) Property[S] {
	return Property[S]{Name: name, Kind: KindEventually, Holds: pred}
}

// AlwaysStep is an invariant of the transitions: pred holds of every state as a step from a
// reachable state makes it (KindStep).
func AlwaysStep[S any](name string, pred func(S) bool) Property[S] {
	return Property[S]{Name: name, Kind: KindStep, Holds: pred}
}

// NoDeadlock is violated by a reachable, non-terminal state with no enabled action.
func NoDeadlock[S any](name string) Property[S] {
	return Property[S]{Name: name, Kind: KindDeadlock}
}
