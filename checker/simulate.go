package checker

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
)

// SimConfig sets up Simulate.
type SimConfig struct {
	// Seed makes the walks reproducible: walk i draws from a generator seeded by (Seed, i).
	Seed int64
	// Walks is the number of random walks; Depth bounds each walk's steps.
	Walks int
	Depth int
	// Workers runs walks in parallel; 0 means GOMAXPROCS. The result does not depend on it.
	Workers int
}

// SimResult is what the walks found. A simulation never proves a property: a verdict is
// Violated, with the trace of the lowest-numbered walk that violated it, or Unknown.
type SimResult[S any] struct {
	// Walks is the number of walks taken: SimConfig.Walks unless Stop is set.
	Walks int
	// Stop is ErrCanceled or ErrTimeout when the context ended the simulation early; the
	// verdicts are then those of the walks that finished.
	Stop     error
	Steps    uint64
	Verdicts []Verdict[S]
}

// Simulate runs seeded random walks from the initial states, for models too large to
// exhaust. Each walk picks uniformly among the enabled transitions and checks the Always and
// deadlock properties on every state it visits; it stops at Depth or when no transition is
// enabled.
func Simulate[S, A any](ctx context.Context, m Model[S, A], cfg SimConfig) (*SimResult[S], error) {
	if cfg.Walks <= 0 || cfg.Depth <= 0 {
		return nil, fmt.Errorf("checker: simulation needs walks > 0 and depth > 0, got %d and %d", cfg.Walks, cfg.Depth)
	}
	if cfg.Workers < 0 {
		return nil, fmt.Errorf("checker: workers must be >= 0, got %d", cfg.Workers)
	}
	props := m.Properties()
	inits := m.Init()
	if len(inits) == 0 {
		return nil, fmt.Errorf("checker: the model has no initial state")
	}
	workers := cfg.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	results := make([]walkOutcome, cfg.Walks)
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var acts []A
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= cfg.Walks || ctx.Err() != nil {
					return
				}
				results[i] = walk(m, props, inits, cfg, i, &acts)
			}
		}()
	}
	wg.Wait()
	res := &SimResult[S]{}
	for i := range results {
		if results[i].done {
			res.Walks++
		}
	}
	if res.Walks < cfg.Walks {
		res.Stop = ErrCanceled
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			res.Stop = ErrTimeout
		}
	}
	for k, p := range props {
		res.Verdicts = append(res.Verdicts, Verdict[S]{Name: p.Name, Kind: p.Kind, Status: Unknown})
		for i := range results {
			if results[i].done && results[i].violate[k] {
				res.Verdicts[k].Status = Violated
				res.Verdicts[k].Trace = replay(m, results[i].init, results[i].path)
				break
			}
		}
	}
	for i := range results {
		res.Steps += uint64(results[i].steps)
	}
	return res, nil
}

// walkOutcome is what one random walk did.
type walkOutcome struct {
	done    bool // the walk ran (false for walks a cancelled context left untaken)
	steps   int
	init    int
	path    []int
	violate []bool // per property: the walk's last state violates it
}

// walk runs walk i: from an initial state it picks, with the walk's own generator, among
// the enabled transitions until a state violates an Always, none is enabled, or cfg.Depth
// steps are taken. acts is the caller's scratch space.
func walk[S, A any](m Model[S, A], props []Property[S], inits []S, cfg SimConfig, i int, acts *[]A) walkOutcome {
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(i)))
	o := walkOutcome{done: true, init: rng.IntN(len(inits)), violate: make([]bool, len(props))}
	st := inits[o.init]
	for {
		bad := false
		for k, p := range props {
			if p.Kind == KindAlways && !p.Holds(st) {
				o.violate[k], bad = true, true
			}
		}
		if bad || o.steps == cfg.Depth {
			return o
		}
		*acts = m.Actions(st, (*acts)[:0])
		var succ []int
		var states []S
		for j, a := range *acts {
			if nx, ok := m.Next(st, a); ok {
				succ = append(succ, j)
				states = append(states, nx)
			}
		}
		if len(succ) == 0 {
			if !m.Terminal(st) {
				for k, p := range props {
					if p.Kind == KindDeadlock {
						o.violate[k] = true
					}
				}
			}
			return o
		}
		pick := rng.IntN(len(succ))
		o.path = append(o.path, succ[pick])
		st = states[pick]
		o.steps++
	}
}
