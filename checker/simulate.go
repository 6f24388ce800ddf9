package checker

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
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
	// Timeout stops the walks after this long (0: no bound). Cancelling the context passed
	// to Simulate stops them too; either way the result says what was done.
	Timeout time.Duration
	// Progress, when set, is called from a separate goroutine every ProgressEvery (default
	// 1s) and once at the end.
	Progress      func(SimProgress)
	ProgressEvery time.Duration
}

// SimProgress is a snapshot of running walks.
type SimProgress struct {
	Walks   int // walks finished
	Of      int // walks planned
	Steps   uint64
	Elapsed time.Duration
}

// SimResult is what the walks found. A simulation never proves a property: a verdict is
// Violated, with the trace of the lowest-numbered walk that violated it, or Unknown.
type SimResult[S any] struct {
	// Walks is the number of walks that ran to their end; Steps their steps.
	Walks    int
	Steps    uint64
	Verdicts []Verdict[S]
	// Stop, when not nil, says why some planned walks did not run (ErrTimeout,
	// ErrCanceled); the walks that did are judged all the same.
	Stop error
}

// Simulate runs seeded random walks from the initial states, for models too large to
// exhaust. Each walk picks uniformly among the enabled transitions and checks the Always and
// deadlock properties on every state it visits and the KindStep ones on every step it takes; it stops at Depth or when no transition is
// enabled.
//
// Memory does not grow with Walks: walks are streamed to the workers and only the path of
// the lowest-numbered violating walk of each property is kept, so the result for a seed is
// the same for any Workers.
func Simulate[S, A any](ctx context.Context, m Model[S, A], cfg SimConfig) (*SimResult[S], error) {
	if cfg.Walks <= 0 || cfg.Depth <= 0 {
		return nil, fmt.Errorf("checker: simulation needs walks > 0 and depth > 0, got %d and %d", cfg.Walks, cfg.Depth)
	}
	if cfg.Workers < 0 || cfg.Timeout < 0 || cfg.ProgressEvery < 0 {
		return nil, fmt.Errorf("checker: simulation needs workers, timeout and progress period >= 0")
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
	workers = min(workers, cfg.Walks)
	if cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Timeout)
		defer cancel()
	}
	start := time.Now()
	var sim simState
	sim.best = make([]*walkOutcome, len(props))
	stopWatch := sim.watch(cfg, start)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sc walkScratch[S, A]
			for ctx.Err() == nil {
				i := int(sim.next.Add(1)) - 1
				if i >= cfg.Walks {
					return
				}
				o := walk(m, props, inits, cfg, i, &sc)
				sim.record(i, o)
			}
		}()
	}
	wg.Wait()
	stopWatch()
	res := &SimResult[S]{Walks: int(sim.done.Load()), Steps: sim.steps.Load()}
	if res.Walks < cfg.Walks {
		res.Stop = ErrCanceled
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			res.Stop = ErrTimeout
		}
	}
	for k, p := range props {
		v := Verdict[S]{Name: p.Name, Kind: p.Kind, Status: Unknown}
		if b := sim.best[k]; b != nil {
			v.Status = Violated
			v.Trace = replay(m, b.init, b.path)
		}
		res.Verdicts = append(res.Verdicts, v)
	}
	return res, nil
}

// simState is what the workers share: the next walk to run, counters, and per property the
// lowest-numbered walk that violated it.
type simState struct {
	next, done atomic.Int64
	steps      atomic.Uint64
	mu         sync.Mutex
	best       []*walkOutcome
}

// record counts walk i and keeps its path for each property it violated first.
func (s *simState) record(i int, o walkOutcome) {
	s.steps.Add(uint64(o.steps))
	s.done.Add(1)
	if !o.violates {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var kept *walkOutcome
	for k, bad := range o.violate {
		if bad && (s.best[k] == nil || i < s.best[k].index) {
			if kept == nil {
				kept = &walkOutcome{index: i, init: o.init, path: append([]int(nil), o.path...)}
			}
			s.best[k] = kept
		}
	}
}

// watch calls cfg.Progress every period until the returned function is called, which
// calls it once more.
func (s *simState) watch(cfg SimConfig, start time.Time) func() {
	if cfg.Progress == nil {
		return func() {}
	}
	every := cfg.ProgressEvery
	if every == 0 {
		every = time.Second
	}
	snapshot := func() SimProgress {
		return SimProgress{Walks: int(s.done.Load()), Of: cfg.Walks, Steps: s.steps.Load(), Elapsed: time.Since(start)}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				cfg.Progress(snapshot())
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		cfg.Progress(snapshot())
	}
}

// walkOutcome is what one random walk did. path is the walker's scratch space until the
// outcome is kept.
type walkOutcome struct {
	index    int
	steps    int
	init     int
	path     []int
	violates bool
	violate  []bool // per property: the walk's last state violates it
}

// walkScratch is one worker's reusable buffers.
type walkScratch[S, A any] struct {
	acts    []A
	succ    []int
	states  []S
	path    []int
	violate []bool
}

// walk runs walk i: from an initial state it picks, with the walk's own generator, among
// the enabled transitions until a state violates an Always, none is enabled, or cfg.Depth
// steps are taken. The outcome lives in sc until the next walk.
func walk[S, A any](m Model[S, A], props []Property[S], inits []S, cfg SimConfig, i int, sc *walkScratch[S, A]) walkOutcome {
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(i)))
	if cap(sc.violate) < len(props) {
		sc.violate = make([]bool, len(props))
	}
	sc.violate = sc.violate[:len(props)]
	clear(sc.violate)
	o := walkOutcome{index: i, init: rng.IntN(len(inits)), violate: sc.violate, path: sc.path[:0]}
	defer func() { sc.path = o.path }()
	st := inits[o.init]
	for {
		for k, p := range props {
			if p.Kind == KindAlways && !p.Holds(st) {
				o.violate[k], o.violates = true, true
			}
		}
		if o.violates || o.steps == cfg.Depth {
			return o
		}
		sc.acts = m.Actions(st, sc.acts[:0])
		sc.succ, sc.states = sc.succ[:0], sc.states[:0]
		for j, a := range sc.acts {
			if nx, ok := m.Next(st, a); ok {
				sc.succ = append(sc.succ, j)
				sc.states = append(sc.states, nx)
			}
		}
		if len(sc.succ) == 0 {
			if !m.Terminal(st) {
				for k, p := range props {
					if p.Kind == KindDeadlock {
						o.violate[k], o.violates = true, true
					}
				}
			}
			return o
		}
		pick := rng.IntN(len(sc.succ))
		o.path = append(o.path, sc.succ[pick])
		st = sc.states[pick]
		o.steps++
		for k, p := range props {
			if p.Kind == KindStep && !p.Holds(st) {
				o.violate[k], o.violates = true, true
			}
		}
	}
}
