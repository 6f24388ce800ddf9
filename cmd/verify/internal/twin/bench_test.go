package twin_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/twin"
)

// sample returns up to n states of the model at p, in breadth-first order from a random
// point of the space: a fixture for the micro-benchmarks, not a count.
func sample(b *testing.B, p twin.Params, n int) (*twin.Model, []twin.State) {
	m, err := twin.New(p)
	if err != nil {
		b.Fatal(err)
	}
	seen := map[twin.State]bool{}
	queue := m.Init()
	var acts []twin.Action
	for len(queue) > 0 && len(seen) < 4*n {
		s := queue[0]
		queue = queue[1:]
		acts = m.Actions(s, acts[:0])
		for _, a := range acts {
			if next, _ := m.Next(s, a); !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
		}
	}
	// The last states found are the deepest: busier networks, more actions.
	if len(queue) > n {
		queue = queue[len(queue)-n:]
	}
	return m, queue
}

// BenchmarkActionsNext expands one state per op: Actions, then Next for each action, as
// the engine does. It must not allocate.
func BenchmarkActionsNext(b *testing.B) {
	m, states := sample(b, twin.DefaultParams(), 4096)
	acts := make([]twin.Action, 0, 64)
	var sink twin.State
	transitions := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := states[i%len(states)]
		acts = m.Actions(s, acts[:0])
		for _, a := range acts {
			next, ok := m.Next(s, a)
			if ok {
				sink = next
			}
		}
		transitions += len(acts)
	}
	b.ReportMetric(float64(transitions)/float64(b.N), "transitions/op")
	_ = sink
}

// BenchmarkEncodeDecode encodes and decodes one state per op. It must not allocate.
func BenchmarkEncodeDecode(b *testing.B) {
	m, states := sample(b, twin.DefaultParams(), 4096)
	buf := make([]byte, 0, m.EncodedSize())
	var sink twin.State
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf = m.Encode(buf[:0], states[i%len(states)])
		sink = m.Decode(buf)
	}
	b.ReportMetric(float64(m.EncodedSize()), "bytes/state")
	_ = sink
}

// BenchmarkAnchor explores the settings of testdata/counts.txt too large for the test suite
// (the anchor README's table among them) with one worker, as SPIN runs on one core, checks
// the counts against SPIN's, and reports states/s and bytes/state (the peak of the Go heap's
// live objects over the search, above what was there before, per state). Each op is one
// whole search: run with -benchtime=1x.
func BenchmarkAnchor(b *testing.B) {
	for _, c := range readCounts(b) {
		if c.States <= ciLimit() {
			continue
		}
		b.Run(c.Params.Name(), func(b *testing.B) {
			m, err := twin.New(c.Params)
			if err != nil {
				b.Fatal(err)
			}
			var states, peak uint64
			var elapsed time.Duration
			for i := 0; i < b.N; i++ {
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				res, err := checker.Run(b.Context(), m, checker.Config{Workers: 1})
				if err != nil {
					b.Fatal(err)
				}
				if !res.Complete {
					b.Fatalf("%s: search incomplete: %v", c.Params.Name(), res.Stop)
				}
				if err := sameCounts(res, c.States, c.SPINTransitions); err != nil {
					b.Fatalf("%s (%s): %v", c.Params.Name(), c.Source, err)
				}
				states += res.States
				elapsed += res.Elapsed
				peak = max(peak, res.PeakHeap-min(before.HeapAlloc, res.PeakHeap))
			}
			b.ReportMetric(float64(states)/elapsed.Seconds(), "states/s")
			b.ReportMetric(float64(peak)/float64(c.States), "bytes/state")
		})
	}
}
