// Package checker is tcpverify's explicit-state model checker. It knows nothing about TCP:
// a protocol reaches it only through the Model interface.
//
// A model gives its initial states, the actions that may be enabled in a state (candidates,
// as Stateright's actions are: the engine computes each one's successor once, and an action
// whose Next fails is not a transition), the state an action leads to, and a canonical byte
// encoding of states; it names its properties with Always
// (invariants), AlwaysStep (invariants of the transitions, judged on each successor as Next
// returns it, so they may read what the step did and the encoding leaves out), Sometimes
// (reachability), Eventually (liveness under weak fairness of the actions it marks fair) and
// NoDeadlock. Run explores every reachable state breadth-first and
// returns a Result with each property's verdict:
//
//	res, err := checker.Run(ctx, model, checker.Config{Workers: 2, MaxStates: 1e7})
//	for _, v := range res.Verdicts {
//		fmt.Println(v.Name, v.Status)
//		if v.Trace != nil { // a shortest counterexample (or a Sometimes example)
//			for i, step := range v.Trace.Steps {
//				fmt.Println(i+1, step.Action, v.Trace.States[i+1])
//			}
//		}
//	}
//
// # Determinism
//
// States are numbered in breadth-first order, and within a depth by the (parent, action
// index) of the transition that first reached them. Workers race within a level, but every
// decision is taken in that order (see bfs.go), so the counts, the verdicts and every trace
// are the same for any number of workers and on every run. Action order is therefore part of
// a model's contract: Actions must list the same actions in the same order for the same
// state.
//
// # Memory
//
// The visited set stores either every state's encoding (Exact: a FixedSizer's inline in its
// hash-table slot, with a tag of the hash in a BitSizer's spare bits, or in a byte of its
// own), a 64-bit fingerprint
// (HashCompaction, with Result.OmissionBound the chance of having missed a state), or, for
// a FixedSizer model, every state exactly as a tree of hash tables over its 32-bit words
// whose shared parts are stored once (TreeCompression: about 8 bytes per state and load
// overhead, plus the parts). Paths are
// kept as a 4-byte parent id and a 2-byte action index per state and replayed through the
// model when a trace is needed, so a trace costs nothing until it is printed.
//
// # Liveness
//
// When the model has Eventually properties, or Config.Graph is set, the transitions are kept
// too: per state, 4 bytes for where its transitions start; per transition, 4 bytes for its
// target, and for liveness 2 bytes for its action's label (4 past 65,536 distinct labels);
// per state and Eventually property, a bit. The verdicts add 20 bytes per state: the
// search of the states where p is false (parent and queue) and Tarjan's (index and
// component; lowlinks live on its call stack), and a mark for the strong-fairness refinement,
// allocated once for all the properties. A model that is an ActionKeyer names actions by
// number, so that labels are built per distinct action rather than per transition. Eventually p is then decided on the complete graph: a violation is a path from an
// initial state on which p never holds and that either stops in a state with no successor
// (for a model that is a Stutterer: with no fair action enabled) or ends in a fair cycle
// (weak fairness, and strong fairness for a StrongFairer; found with Tarjan's strongly
// connected components). It comes as a lasso: a shortest stem and a cycle (Trace.Loop), or
// a finite path (Trace.Loop -1).
//
// # Bounds
//
// Config bounds the states, the depth, the Go heap and the time; cancelling the context
// stops the search too. A bounded search returns a Result with Complete false, Stop saying
// why (errors.Is one of ErrStateLimit, ErrDepthLimit, ErrMemoryLimit, ErrTimeout,
// ErrCanceled), and every violation found until then.
//
// Simulate runs seeded random walks instead, for models too large to exhaust. WriteDOT draws
// the reachable graph, or a projection of it when the model is a Projector.
package checker
