package properties_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// benchRFC explores the RFC model's default configuration b.N times with the visited set
// visited and reports states/second, the state count and the peak heap over states
// (Result.PeakHeap, the search and its verdicts, above the heap before the run).
func benchRFC(b *testing.B, props []properties.Property, workers int, visited checker.Visited) {
	sys, err := fsm.NewSystem(fsm.DefaultConfig(), fsm.RFC)
	if err != nil {
		b.Fatal(err)
	}
	m := properties.Bind(sys, props)
	var states, peak uint64
	b.ResetTimer()
	for range b.N {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		r, err := checker.Run(context.Background(), m, checker.Config{Workers: workers, Visited: visited})
		if err != nil {
			b.Fatal(err)
		}
		states = r.States
		peak = max(peak, r.PeakHeap-min(before.HeapAlloc, r.PeakHeap))
	}
	b.ReportMetric(float64(states)*float64(b.N)/b.Elapsed().Seconds(), "states/s")
	b.ReportMetric(float64(states), "states")
	b.ReportMetric(float64(peak)/float64(states), "peak-B/state")
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
