package properties_test

import (
	"context"
	"testing"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// safetyOnly is every property but the Eventually ones: a search that keeps no edges.
func safetyOnly() []properties.Property {
	var out []properties.Property
	for _, p := range properties.All() {
		if p.Kind != checker.KindEventually {
			out = append(out, p)
		}
	}
	return out
}

// benchRFC explores the RFC model's default configuration b.N times and reports
// states/second and the state count, with the properties given.
func benchRFC(b *testing.B, props []properties.Property, workers int) {
	sys, err := fsm.NewSystem(fsm.DefaultConfig(), fsm.RFC)
	if err != nil {
		b.Fatal(err)
	}
	m := properties.Bind(sys, props)
	var states uint64
	b.ResetTimer()
	for range b.N {
		r, err := checker.Run(context.Background(), m, checker.Config{Workers: workers})
		if err != nil {
			b.Fatal(err)
		}
		states = r.States
	}
	b.ReportMetric(float64(states)*float64(b.N)/b.Elapsed().Seconds(), "states/s")
	b.ReportMetric(float64(states), "states")
}

func BenchmarkRFCDefaultSafety1(b *testing.B) { benchRFC(b, safetyOnly(), 1) }
func BenchmarkRFCDefaultAll1(b *testing.B)    { benchRFC(b, properties.All(), 1) }
func BenchmarkRFCDefaultSafety2(b *testing.B) { benchRFC(b, safetyOnly(), 2) }
func BenchmarkRFCDefaultAll2(b *testing.B)    { benchRFC(b, properties.All(), 2) }
