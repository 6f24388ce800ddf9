package checker_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tcpverify/tcpverify/checker"
)

// benchLattice is the synthetic benchmark model: dims counters, each 0..size-1, and one
// action per counter that increments it modulo size. It has size^dims states and dims
// transitions out of each, so the figures measure the engine, not a protocol.
type benchLattice struct{ dims, size int }

type latticePoint [8]uint8

func (l benchLattice) Init() []latticePoint { return []latticePoint{{}} }
func (l benchLattice) Actions(s latticePoint, dst []int) []int {
	for i := range l.dims {
		dst = append(dst, i)
	}
	return dst
}
func (l benchLattice) Next(s latticePoint, a int) (latticePoint, bool) {
	s[a] = uint8((int(s[a]) + 1) % l.size)
	return s, true
}
func (l benchLattice) Encode(dst []byte, s latticePoint) []byte { return append(dst, s[:l.dims]...) }
func (l benchLattice) Decode(b []byte) latticePoint {
	var s latticePoint
	copy(s[:], b)
	return s
}
func (l benchLattice) Terminal(latticePoint) bool         { return false }
func (l benchLattice) Label(_ latticePoint, a int) string { return fmt.Sprintf("inc %d", a) }
func (l benchLattice) Fair(latticePoint, int) bool        { return true }
func (l benchLattice) Properties() []checker.Property[latticePoint] {
	return []checker.Property[latticePoint]{
		checker.Always("first counter below size", func(s latticePoint) bool { return int(s[0]) < l.size }),
		checker.NoDeadlock[latticePoint]("no deadlock"),
	}
}

// BenchmarkLattice explores 32^4 = 1,048,576 states with 1 and 2 workers, both visited-set
// modes, and reports states/s and bytes/state (peak Go heap over states).
func BenchmarkLattice(b *testing.B) {
	m := benchLattice{dims: 4, size: 32}
	for _, visited := range []checker.Visited{checker.Exact, checker.HashCompaction} {
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", visited, workers), func(b *testing.B) {
				var res *checker.Result[latticePoint]
				for range b.N {
					var err error
					res, err = checker.Run(context.Background(), m, checker.Config{Workers: workers, Visited: visited})
					if err != nil {
						b.Fatal(err)
					}
				}
				if res.States != 1<<20 || !res.Complete {
					b.Fatalf("got %d states (complete %v), want %d", res.States, res.Complete, 1<<20)
				}
				b.ReportMetric(float64(res.States)/res.Elapsed.Seconds(), "states/s")
				b.ReportMetric(float64(res.PeakHeap)/float64(res.States), "bytes/state")
			})
		}
	}
}
