package fsm

import (
	"testing"

	"pgregory.net/rapid"
)

// The rows marked Unreached are there for segments the model never makes. This checks the
// invariants their reasons name, on random runs of random systems (every variant, shape and
// budget): every segment in flight but a SYN or a RST carries ACK, and none occupies more
// than one sequence number; and no transition fires a row marked Unreached. Variant
// syn-data is the exception to the second and so to rows other/trim and other/no-ack: its
// SYN carries a data unit, which a TCB that took the SYN alone (a simultaneous open, a
// reopened TIME-WAIT) may see straddle RCV.NXT, and the data trimmed of the SYN carries
// no ACK.
func TestTheSegmentsOfARunAreOnesTheRFCSends(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sys := drawSystem(t, wideRanges)
		synData := sys.Machine.Variant == "syn-data"
		var fired []int
		walkSteps(t, sys, 80, func(from SysState, a *Action, to SysState) {
			for _, p := range to.Net.Packets() {
				f := p.Seg.Flags
				if !f.Has(ACK) && !f.Has(SYN) && !f.Has(RST) {
					t.Fatalf("%s in flight has no ACK, SYN or RST: %s", p.Seg, to.Detail())
				}
				if p.Seg.SegLen() > 1 && !(synData && f.Has(SYN) && p.Seg.SegLen() == 2) {
					t.Fatalf("%s in flight occupies %d numbers: %s", p.Seg, p.Seg.SegLen(), to.Detail())
				}
			}
			if a == nil {
				return
			}
			fired = sys.AppendFiredTo(fired[:0], from, *a, to)
			for _, i := range fired {
				if r := sys.Machine.Rules[i]; r.Unreached != "" && !(synData && (r.ID == RuleOtherTrim || r.ID == RuleOtherNoACK)) {
					t.Fatalf("%s fired row %s, marked unreached (%s), in %s", sys.Label(from, *a), r.Name, r.Unreached, from.Detail())
				}
			}
		})
	})
}
