package fsm

import (
	"testing"

	"pgregory.net/rapid"
)

// The rows marked Unreached are there for segments the model never makes. This checks the
// invariants their reasons name, on random runs of random systems (every variant, shape and
// budget): every segment in flight but a SYN or a RST carries ACK, and none occupies more
// than one sequence number; and no transition fires a row marked Unreached.
func TestTheSegmentsOfARunAreOnesTheRFCSends(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sys := drawSystem(t, wideRanges)
		s := sys.Init()[0]
		var acts []Action
		var fired []int
		for range 80 {
			for _, p := range s.Net.Packets() {
				f := p.Seg.Flags
				if !f.Has(ACK) && !f.Has(SYN) && !f.Has(RST) {
					t.Fatalf("%s in flight has no ACK, SYN or RST: %s", p.Seg, s.Detail())
				}
				if p.Seg.SegLen() > 1 {
					t.Fatalf("%s in flight occupies %d numbers: %s", p.Seg, p.Seg.SegLen(), s.Detail())
				}
			}
			acts = sys.Enabled(s, acts[:0])
			if len(acts) == 0 {
				return
			}
			a := acts[rapid.IntRange(0, len(acts)-1).Draw(t, "action")]
			next, ok := sys.Next(s, a)
			if !ok {
				t.Fatalf("enabled action %s not enabled in %s", sys.Label(s, a), s)
			}
			fired = sys.AppendFiredTo(fired[:0], s, a, next)
			for _, i := range fired {
				if r := sys.Machine.Rules[i]; r.Unreached != "" {
					t.Fatalf("%s fired row %s, marked unreached (%s), in %s", sys.Label(s, a), r.Name, r.Unreached, s.Detail())
				}
			}
			s = next
		}
	})
}
