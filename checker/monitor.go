package checker

import (
	"context"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

// progressCounters are updated by the search and read by the monitor goroutine.
type progressCounters struct {
	states      atomic.Uint64
	transitions atomic.Uint64
	expanded    atomic.Uint64 // states expanded so far, all levels
	depth       atomic.Int64
}

const heapMetric = "/memory/classes/heap/objects:bytes"

// sampleHeap reads the bytes of live and not-yet-swept heap objects (no stop-the-world,
// unlike runtime.ReadMemStats) and keeps the peak.
func (s *search[S, A]) sampleHeap() uint64 {
	sample := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(sample)
	var b uint64
	if sample[0].Value.Kind() == metrics.KindUint64 {
		b = sample[0].Value.Uint64()
	}
	for {
		peak := s.peakHeap.Load()
		if b <= peak || s.peakHeap.CompareAndSwap(peak, b) {
			return b
		}
	}
}

// heapTick is how often the heap is sampled, for the memory bound and Result.PeakHeap:
// often enough to see the peak of a visited-set partition growing (reading the metric costs
// about a microsecond, no stop-the-world).
const heapTick = 5 * time.Millisecond

// watchHeap samples the heap every heapTick until the returned function is called: the
// verdicts, after the search, allocate too, and PeakHeap covers them.
func (s *search[S, A]) watchHeap() (stop func()) {
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(heapTick)
		defer t.Stop()
		for {
			s.sampleHeap()
			select {
			case <-quit:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(quit); <-done }
}

// monitor runs beside the search: it enforces the time, cancellation and memory bounds
// between levels' chunks, and calls the progress callback.
func (s *search[S, A]) monitor(ctx context.Context, quit <-chan struct{}) {
	every := s.cfg.ProgressEvery
	if every == 0 {
		every = time.Second
	}
	t := time.NewTicker(heapTick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-quit:
			return
		case <-ctx.Done():
			s.stopForContext(ctx)
			<-quit
			return
		case now := <-t.C:
			heap := s.sampleHeap()
			if s.cfg.MaxMemory > 0 && heap > s.cfg.MaxMemory {
				s.stop(ErrMemoryLimit)
			}
			if s.cfg.Progress != nil && now.Sub(last) >= every {
				last = now
				s.cfg.Progress(s.snapshot())
			}
		}
	}
}

func (s *search[S, A]) snapshot() Progress {
	el := time.Since(s.start)
	p := Progress{
		States:      s.progress.states.Load(),
		Transitions: s.progress.transitions.Load(),
		Depth:       int(s.progress.depth.Load()),
		Elapsed:     el,
		HeapBytes:   s.sampleHeap(),
	}
	if exp := s.progress.expanded.Load(); p.States > exp {
		p.Queue = p.States - exp
	}
	if el > 0 {
		p.StatesPerSec = float64(p.States) / el.Seconds()
	}
	return p
}
