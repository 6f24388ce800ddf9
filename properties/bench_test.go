package properties_test

import (
	"context"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// benchRFC explores the RFC model's default configuration b.N times with the visited set
// visited and reports states/second, the state count and the peak heap over states. Result.PeakHeap stops
// before the verdicts, so a sampler beside the run measures the whole of it: the search,
// then the liveness verdicts (peak-B/state).
func benchRFC(b *testing.B, props []properties.Property, workers int, visited checker.Visited) {
	sys, err := fsm.NewSystem(fsm.DefaultConfig(), fsm.RFC)
	if err != nil {
		b.Fatal(err)
	}
	m := properties.Bind(sys, props)
	var states uint64
	var searchPeak, runPeak uint64
	b.ResetTimer()
	for range b.N {
		runtime.GC()
		base := heapBytes()
		var peak uint64
		stop := sampleHeap(&peak)
		r, err := checker.Run(context.Background(), m, checker.Config{Workers: workers, Visited: visited})
		stop()
		if err != nil {
			b.Fatal(err)
		}
		states = r.States
		searchPeak = max(searchPeak, r.PeakHeap-min(base, r.PeakHeap))
		runPeak = max(runPeak, peak-min(base, peak))
	}
	b.ReportMetric(float64(states)*float64(b.N)/b.Elapsed().Seconds(), "states/s")
	b.ReportMetric(float64(states), "states")
	b.ReportMetric(float64(searchPeak)/float64(states), "search-B/state")
	b.ReportMetric(float64(runPeak)/float64(states), "peak-B/state")
}

// heapBytes is the live and unswept heap, as the checker samples it.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// sampleHeap raises *peak to the heap seen every few milliseconds until the returned
// function is called.
func sampleHeap(peak *uint64) (stop func()) {
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			*peak = max(*peak, heapBytes())
			select {
			case <-quit:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(quit); wg.Wait() }
}

func BenchmarkRFCDefaultSafety1(b *testing.B) { benchRFC(b, properties.Safety(), 1, checker.Exact) }
func BenchmarkRFCDefaultAll1(b *testing.B)    { benchRFC(b, properties.All(), 1, checker.Exact) }
func BenchmarkRFCDefaultSafety2(b *testing.B) { benchRFC(b, properties.Safety(), 2, checker.Exact) }
func BenchmarkRFCDefaultAll2(b *testing.B)    { benchRFC(b, properties.All(), 2, checker.Exact) }

// The same searches with the tree-compressed visited set.
func BenchmarkRFCDefaultSafetyTree1(b *testing.B) {
	benchRFC(b, properties.Safety(), 1, checker.TreeCompression)
}
func BenchmarkRFCDefaultAllTree1(b *testing.B) {
	benchRFC(b, properties.All(), 1, checker.TreeCompression)
}
func BenchmarkRFCDefaultSafetyTree2(b *testing.B) {
	benchRFC(b, properties.Safety(), 2, checker.TreeCompression)
}
func BenchmarkRFCDefaultAllTree2(b *testing.B) {
	benchRFC(b, properties.All(), 2, checker.TreeCompression)
}
