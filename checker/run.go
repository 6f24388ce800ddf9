package checker

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Run explores m breadth-first and judges its properties. The error is for invalid input (a
// bad Config or a misbehaving model); a violated property or a bound hit is reported in the
// Result, which is then still complete enough to write a report from.
func Run[S, A any](ctx context.Context, m Model[S, A], cfg Config) (*Result[S], error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s, err := newSearch(m, cfg)
	if err != nil {
		return nil, err
	}
	return s.run(ctx)
}

func (c Config) validate() error {
	switch {
	case c.Workers < 0:
		return fmt.Errorf("checker: workers must be >= 0, got %d", c.Workers)
	case c.MaxDepth < 0:
		return fmt.Errorf("checker: max depth must be >= 0, got %d", c.MaxDepth)
	case c.Timeout < 0:
		return fmt.Errorf("checker: timeout must be >= 0, got %s", c.Timeout)
	case c.ProgressEvery < 0:
		return fmt.Errorf("checker: progress period must be >= 0, got %s", c.ProgressEvery)
	case c.Visited > TreeCompression:
		return fmt.Errorf("checker: unknown visited-set mode %d", c.Visited)
	case c.MaxStates > math.MaxUint32-1:
		return fmt.Errorf("checker: max states must be below 2^32-1, got %d", c.MaxStates)
	}
	return nil
}

// search is the state of one Run. States get ids 0, 1, 2, ... in breadth-first order: by
// depth, then by the (parent id, action index) of the transition that first reached them.
// That order does not depend on the number of workers, which is what makes results and
// counterexamples deterministic.
type search[S, A any] struct {
	m       Model[S, A]
	cfg     Config
	workers int
	props   []Property[S]
	proj    Projector[S, A]
	strong  StrongFairer[S, A]
	keyer   ActionKeyer[S, A]
	// stutter: runs may stop where no fair action is enabled (Stutterer).
	stutter bool
	visitor TransitionVisitor[S, A]
	vis     *visited

	// Per state, by id: the parent's id (noStateID for initial states) and the index of the
	// action in the parent's Actions (for initial states, the index in Init).
	parent paged[uint32]
	action paged[uint16]
	// levels[d] is the id of the first state at depth d; the last entry is the state count.
	levels []uint32

	// Kept when the graph or liveness is needed.
	keepEdges bool
	edges     edgeStore
	// eventually[k] is the value of the k-th Eventually predicate, a bit per state by id
	// (liveness only).
	eventually [][]uint64
	evProps    []int
	// flags[id] (graph only): terminal and violating states.
	flags  []uint8
	nodeOf []uint32
	labels interner // action labels (fairness identity)
	live   *liveScratch
	tally  labelTally
	nodes  interner // projected node labels
	pacts  interner // projected action labels

	// found[k] is the id of the first state that decides property k (a violation of an
	// Always or deadlock, an example of a Sometimes, the source of a step a KindStep
	// property rejects), or noStateID; foundAct[k] is that step's action index.
	found    []uint32
	foundAct []int
	// stepProps are the indexes of the KindStep properties, judged on every successor.
	stepProps []int

	// sinks keep phase 2's touched words alive, one per partition (its owner writes it).
	sinks       [partitions]uint64
	scratchpads []*worker[A]
	chunkPool   []chunk
	fronts      [2]frontier
	// expanded is the number of states whose successors were computed: a prefix of the ids.
	expanded    uint32
	transitions uint64
	maxDepth    int
	stopped     atomic.Pointer[error]
	halt        atomic.Bool
	progress    progressCounters
	start       time.Time
	peakHeap    atomic.Uint64
}

const (
	flagTerminal = 1 << iota
	flagViolating
)

func newSearch[S, A any](m Model[S, A], cfg Config) (*search[S, A], error) {
	s := &search[S, A]{m: m, cfg: cfg, workers: cfg.Workers, props: m.Properties()}
	if s.workers == 0 {
		s.workers = runtime.GOMAXPROCS(0)
	}
	names := map[string]bool{}
	for i, p := range s.props {
		if p.Name == "" {
			return nil, fmt.Errorf("checker: property %d has no name", i)
		}
		if names[p.Name] {
			return nil, fmt.Errorf("checker: duplicate property name %q", p.Name)
		}
		names[p.Name] = true
		switch p.Kind {
		case KindAlways, KindSometimes, KindEventually, KindStep:
			if p.Holds == nil {
				return nil, fmt.Errorf("checker: property %q has no predicate", p.Name)
			}
		case KindDeadlock:
		default:
			return nil, fmt.Errorf("checker: property %q has unknown kind %d", p.Name, p.Kind)
		}
		if p.Kind == KindEventually {
			s.evProps = append(s.evProps, i)
		}
		if p.Kind == KindStep {
			s.stepProps = append(s.stepProps, i)
		}
	}
	s.found, s.foundAct = make([]uint32, len(s.props)), make([]int, len(s.props))
	for i := range s.found {
		s.found[i] = noStateID
	}
	s.eventually = make([][]uint64, len(s.evProps))
	s.keepEdges = cfg.Graph || len(s.evProps) > 0
	if pr, ok := m.(Projector[S, A]); ok {
		s.proj = pr
	}
	if sf, ok := m.(StrongFairer[S, A]); ok {
		s.strong = sf
	}
	if k, ok := m.(ActionKeyer[S, A]); ok {
		s.keyer = k
	}
	if st, ok := m.(Stutterer); ok {
		s.stutter = st.Stutters()
	}
	if tv, ok := m.(TransitionVisitor[S, A]); ok {
		s.visitor = tv
		tv.StartVisit(s.workers)
	}
	fixed, bits := 0, 0
	if fs, ok := m.(FixedSizer); ok {
		fixed = fs.EncodedSize()
		if bs, ok := m.(BitSizer); ok {
			bits = bs.EncodedBits()
			if bits <= 0 || bits > 8*fixed {
				return nil, fmt.Errorf("checker: the model's EncodedBits is %d, not within its EncodedSize of %d bytes", bits, fixed)
			}
		}
	}
	s.vis = newVisited(cfg.Visited, fixed, bits, s.keepEdges, cfg.ExpectedStates)
	s.fronts[0].size, s.fronts[1].size = fixed, fixed
	s.labels.init()
	s.nodes.init()
	s.pacts.init()
	return s, nil
}

// stop records the first reason the search must end early; later reasons are ignored. The
// time, memory and cancellation bounds also halt the workers at once; the state and depth
// bounds let the current level finish.
func (s *search[S, A]) stop(reason error) {
	s.stopped.CompareAndSwap(nil, &reason)
	if !errors.Is(reason, ErrStateLimit) && !errors.Is(reason, ErrDepthLimit) {
		s.halt.Store(true)
	}
}

func (s *search[S, A]) stopReason() error {
	if p := s.stopped.Load(); p != nil {
		return *p
	}
	return nil
}

func (s *search[S, A]) run(ctx context.Context) (*Result[S], error) {
	s.start = time.Now()
	if s.cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.cfg.Timeout)
		defer cancel()
	}
	var monitorDone sync.WaitGroup
	quit := make(chan struct{})
	monitorDone.Add(1)
	go func() {
		defer monitorDone.Done()
		s.monitor(ctx, quit)
	}()

	err := s.explore(ctx)
	close(quit)
	monitorDone.Wait()
	if err != nil {
		return nil, err
	}
	s.sampleHeap()
	s.release()
	stop := s.watchHeap()
	res := s.result()
	stop()
	res.PeakHeap = s.peakHeap.Load()
	if s.cfg.Progress != nil {
		s.cfg.Progress(s.snapshot())
	}
	return res, nil
}

// release lets the visited set and the search's buffers go once the search is over: the
// verdicts and the graph read only the per-state arrays and the edges. When those are about
// to allocate arrays as long as the states, it also collects at once, so that they reuse
// the memory instead of adding to it (the heap would otherwise not be collected until it
// doubled); the collection is quick, the heap being mostly arrays without pointers.
func (s *search[S, A]) release() {
	s.vis, s.fronts, s.chunkPool = nil, [2]frontier{}, nil
	if s.keepEdges && s.parent.len() >= bigSearch {
		runtime.GC()
	}
}

// bigSearch is the state count from which release collects: below, the memory it would
// give back is not worth a collection.
const bigSearch = 1 << 16

// explore runs the levels until the frontier is empty or a bound stops it.
func (s *search[S, A]) explore(ctx context.Context) error {
	front, err := s.initial()
	if err != nil {
		return err
	}
	// Two frontiers take turns, so their buffers are reused level after level.
	out := &s.fronts[1]
	for depth := 0; front.len() > 0; depth++ {
		s.maxDepth = depth
		if s.stopReason() == nil {
			s.checkBounds(ctx)
		}
		// A state bound leaves a numbered but unexpanded frontier: judge it before stopping.
		// Other bounds stop at once.
		if s.halt.Load() {
			break
		}
		expand := s.cfg.MaxDepth == 0 || depth < s.cfg.MaxDepth
		if s.cfg.MaxStates > 0 && uint64(s.parent.len()) >= s.cfg.MaxStates {
			expand = false
		}
		if err := s.level(front, out, expand); err != nil {
			return err
		}
		if !expand {
			break
		}
		if s.cfg.StopWhenDecided && out.len() > 0 && s.decided() {
			s.stop(ErrDecided)
			break
		}
		if s.cfg.StopAtViolation && out.len() > 0 && s.violated() {
			s.stop(ErrViolationFound)
			break
		}
		front, out = out, front
	}
	return nil
}

// decided reports whether every property has a verdict that no further state can change:
// found (a violation of an Always or deadlock property, an example of a Sometimes one), and
// no Eventually property, which only a complete search decides. A model without properties
// has nothing to decide and is explored whole.
func (s *search[S, A]) decided() bool {
	if len(s.props) == 0 || len(s.evProps) > 0 {
		return false
	}
	for _, id := range s.found {
		if id == noStateID {
			return false
		}
	}
	return true
}

// violated reports whether some Always, step or deadlock property has a violation.
func (s *search[S, A]) violated() bool {
	for k, p := range s.props {
		switch p.Kind {
		case KindAlways, KindStep, KindDeadlock:
			if s.found[k] != noStateID {
				return true
			}
		}
	}
	return false
}

// checkBounds stops the search when the context is done or memory is over budget.
func (s *search[S, A]) checkBounds(ctx context.Context) {
	select {
	case <-ctx.Done():
		s.stopForContext(ctx)
		return
	default:
	}
	if heap := s.sampleHeap(); s.cfg.MaxMemory > 0 && heap > s.cfg.MaxMemory {
		s.stop(ErrMemoryLimit)
	}
}

// stopForContext stops the search because ctx is done: its deadline (Config.Timeout) or a
// cancellation by the caller.
func (s *search[S, A]) stopForContext(ctx context.Context) {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		s.stop(ErrTimeout)
	} else {
		s.stop(ErrCanceled)
	}
}

// initial numbers the distinct initial states 0..k-1 in Init order.
func (s *search[S, A]) initial() (front *frontier, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("checker: the model panicked: %v", r)
		}
	}()
	inits := s.m.Init()
	if len(inits) == 0 {
		return nil, errors.New("checker: the model has no initial state")
	}
	if len(inits) > math.MaxUint16+1 {
		return nil, fmt.Errorf("checker: %d initial states, at most %d supported", len(inits), math.MaxUint16+1)
	}
	front = &s.fronts[0]
	front.reset(0)
	var enc []byte
	for i, st := range inits {
		enc = s.m.Encode(enc[:0], st)
		h := s.vis.hash(enc)
		s.vis.reserve(partitionOf(h), 1)
		slot, added := s.vis.insert(h, enc)
		if !added {
			continue
		}
		if s.cfg.MaxStates > 0 && uint64(s.parent.len()) >= s.cfg.MaxStates {
			s.stop(fmt.Errorf("%w: %d states", ErrStateLimit, s.cfg.MaxStates))
			break
		}
		id := uint32(s.parent.len())
		if s.keepEdges {
			s.vis.setSlotID(h, slot, id)
		}
		s.parent.append(noStateID)
		s.action.append(uint16(i))
		front.add(enc)
	}
	s.levels = append(s.levels, 0, uint32(s.parent.len()))
	s.progress.states.Store(uint64(s.parent.len()))
	return front, nil
}

// result turns the finished search into a Result.
func (s *search[S, A]) result() *Result[S] {
	res := &Result[S]{
		States:      uint64(s.parent.len()),
		Transitions: s.transitions,
		MaxDepth:    s.maxDepth,
		Stop:        s.stopReason(),
		Workers:     s.workers,
		Visited:     s.cfg.Visited,
		Elapsed:     time.Since(s.start),
		PeakHeap:    s.peakHeap.Load(),
	}
	res.Complete = res.Stop == nil
	if s.cfg.Visited == HashCompaction {
		// Birthday bound: the chance that any two of n states share a 64-bit fingerprint,
		// which is the only way a state can be omitted.
		n := float64(res.States)
		res.OmissionBound = math.Min(1, n*(n-1)/2/math.Exp2(64))
	}
	for k, p := range s.props {
		v := Verdict[S]{Name: p.Name, Kind: p.Kind, Status: Unknown}
		id := s.found[k]
		switch p.Kind {
		case KindAlways, KindDeadlock:
			if id != noStateID {
				v.Status, v.Trace = Violated, s.pathTo(id)
			} else if res.Complete {
				v.Status = Holds
			}
		case KindStep:
			if id != noStateID {
				v.Status, v.Trace = Violated, s.pathThrough(id, s.foundAct[k])
			} else if res.Complete {
				v.Status = Holds
			}
		case KindSometimes:
			if id != noStateID {
				v.Status, v.Trace = Holds, s.pathTo(id)
			} else if res.Complete {
				v.Status = Violated
			}
		case KindEventually:
			if res.Complete {
				v.Status, v.Trace = s.eventuallyVerdict(k)
			}
		}
		res.Verdicts = append(res.Verdicts, v)
	}
	if s.cfg.Graph {
		res.Graph = s.graph()
	}
	return res
}
