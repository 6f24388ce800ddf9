package checker

import "context"

// Run explores m breadth-first and judges its properties. The error is for invalid input
// (a bad Config); a violated property or a bound hit is reported in the Result.
func Run[S, A any](ctx context.Context, m Model[S, A], cfg Config) (*Result[S], error) {
	panic("not implemented yet")
}
