package fsm_test

import (
	"testing"

	"github.com/tcpverify/tcpverify/fsm"
)

// reachable lists up to n states of the default system, breadth-first, for benchmarks
// that need a realistic mix of states.
func reachable(b *testing.B, sys fsm.System, n int) []fsm.SysState {
	b.Helper()
	seen := map[string]bool{}
	states := sys.Init()
	for _, s := range states {
		seen[string(sys.Encode(nil, s))] = true
	}
	var acts []fsm.Action
	for i := 0; i < len(states) && len(states) < n; i++ {
		acts = sys.Actions(states[i], acts[:0])
		for _, a := range acts {
			nx, ok := sys.Next(states[i], a)
			if !ok {
				continue
			}
			k := string(sys.Encode(nil, nx))
			if !seen[k] {
				seen[k] = true
				states = append(states, nx)
			}
		}
	}
	return states
}

// BenchmarkSuccessors is the model's share of one state's expansion: its actions listed
// and each one's successor computed, as the checker does. An op is one state.
func BenchmarkSuccessors(b *testing.B) {
	sys, err := fsm.NewSystem(fsm.DefaultConfig(), fsm.RFC)
	if err != nil {
		b.Fatal(err)
	}
	states := reachable(b, sys, 20000)
	var acts []fsm.Action
	succ, cands := 0, 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		s := states[i%len(states)]
		acts = sys.Actions(s, acts[:0])
		cands += len(acts)
		for _, a := range acts {
			if _, ok := sys.Next(s, a); ok {
				succ++
			}
		}
	}
	b.ReportMetric(float64(succ)/float64(b.N), "successors/op")
	b.ReportMetric(float64(cands)/float64(b.N), "candidates/op")
}

// BenchmarkStep is one endpoint step: a segment arriving in ESTABLISHED.
func BenchmarkStep(b *testing.B) {
	m, err := fsm.NewMachine(fsm.RFC, 6, 2)
	if err != nil {
		b.Fatal(err)
	}
	ep := fsm.Endpoint{State: fsm.StateEstablished, ISS: 1, IRS: 32, SndUna: 2, SndNxt: 2, RcvNxt: 33}
	ev := fsm.Arrive(fsm.Segment{Flags: fsm.ACK, Seq: 33, Ack: 2, Len: 1}, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		out := m.Step(ep, ev)
		if !out.OK {
			b.Fatal("not ok")
		}
	}
}

// BenchmarkEncodeDecode is the encoding's share of one state's expansion: the state decoded
// from the visited set, and a successor encoded. An op is one of each.
func BenchmarkEncodeDecode(b *testing.B) {
	sys, err := fsm.NewSystem(fsm.DefaultConfig(), fsm.RFC)
	if err != nil {
		b.Fatal(err)
	}
	states := reachable(b, sys, 20000)
	encs := make([][]byte, len(states))
	for i, s := range states {
		encs[i] = sys.Encode(nil, s)
	}
	buf := make([]byte, 0, sys.EncodedSize())
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		s := sys.Decode(encs[i%len(encs)])
		buf = sys.Encode(buf[:0], s)
	}
}
