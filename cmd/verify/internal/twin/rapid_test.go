package twin

import (
	"bytes"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func genParams(t *rapid.T) Params {
	return Params{
		SeqN:   rapid.IntRange(1, MaxSeqN).Draw(t, "SEQ_N"),
		NetCap: rapid.IntRange(1, MaxNetCap).Draw(t, "NET_CAP"),
		Loss:   rapid.IntRange(0, MaxBudget).Draw(t, "loss"),
		Dup:    rapid.IntRange(0, MaxBudget).Draw(t, "dup"),
		OldSyn: rapid.IntRange(0, MaxBudget).Draw(t, "oldsyn"),
		Rtx:    rapid.IntRange(0, MaxBudget).Draw(t, "rtx"),
	}
}

func genSeg(t *rapid.T, p Params, label string) Seg {
	fl := rapid.SampledFrom(segKinds[:]).Draw(t, label+" flags")
	seq := func(name string) uint8 { return uint8(rapid.IntRange(0, p.SeqN-1).Draw(t, label+" "+name)) }
	src, sq, ak := uint8(rapid.IntRange(A, B).Draw(t, label+" src")), seq("seq"), seq("ack")
	if fl&FlagACK == 0 {
		ak = 0
	}
	return mkSeg(src, fl, sq, ak)
}

// genState draws any state within p's ranges (reachable or not), with a canonical bag.
func genState(t *rapid.T, p Params) State {
	seq := func(name string) uint8 { return uint8(rapid.IntRange(0, p.SeqN-1).Draw(t, name)) }
	var s State
	for e := A; e <= B; e++ {
		s.St[e] = TCPState(rapid.IntRange(0, int(numStates)-1).Draw(t, "st"))
		s.ISS[e], s.SndUna[e], s.SndNxt[e], s.IRS[e], s.RcvNxt[e] = seq("iss"), seq("una"), seq("nxt"), seq("irs"), seq("rnxt")
		s.RtxLeft[e] = uint8(rapid.IntRange(0, p.Rtx).Draw(t, "rtx"))
	}
	s.LossLeft = uint8(rapid.IntRange(0, p.Loss).Draw(t, "loss"))
	s.DupLeft = uint8(rapid.IntRange(0, p.Dup).Draw(t, "dup"))
	s.OldSynLeft = uint8(rapid.IntRange(0, p.OldSyn).Draw(t, "oldsyn"))
	s.AOpened, s.AEst = rapid.Bool().Draw(t, "opened"), rapid.Bool().Draw(t, "est")
	s.AISS = seq("aiss")
	n := rapid.IntRange(0, p.NetCap).Draw(t, "in flight")
	for i := 0; i < n; i++ {
		s.Net[i] = genSeg(t, p, "seg")
	}
	return s.Canonical()
}

func TestEncodeDecodeRoundTripsAtAFixedSize(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genParams(t)
		m, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		s := genState(t, p)
		prefix := []byte{0xAA}
		b := m.Encode(prefix, s)
		if len(b)-1 != m.EncodedSize() || b[0] != 0xAA {
			t.Fatalf("Encode appended %d bytes (prefix %x), want %d after the prefix", len(b)-1, b[0], m.EncodedSize())
		}
		if got := m.Decode(b[1:]); got != s {
			t.Fatalf("Decode(Encode(s)) = %v\nwant %v", got, s)
		}
	})
}

// Permuting the slots of a bag and canonicalizing gives the same bytes, and so does building
// the bag with bag_insert in any order.
func TestTheBagIsCanonical(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genParams(t)
		m, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		s := genState(t, p)
		n := slices.Index(s.Net[:], 0)
		if n < 0 {
			n = len(s.Net)
		}
		perm := rapid.Permutation(s.Net[:n]).Draw(t, "permutation")
		shuffled := s
		copy(shuffled.Net[:], perm)
		want := m.Encode(nil, s)
		if got := m.Encode(nil, shuffled.Canonical()); !bytes.Equal(got, want) {
			t.Fatalf("permuted bag %v encodes to %x, want %x", shuffled.Net, got, want)
		}
		inserted := s
		inserted.Net = [MaxNetCap]Seg{}
		for _, c := range perm {
			m.insert(&inserted, c)
		}
		if inserted != s {
			t.Fatalf("inserting %v in order gives %v, want %v", perm, inserted.Net, s.Net)
		}
	})
}

// A random walk from the initial state: Next accepts exactly the actions Actions lists,
// every state keeps its bag sorted within NET_CAP, and round-trips through the encoding.
func TestRandomWalksKeepTheModelsInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := Params{
			SeqN: rapid.IntRange(1, 8).Draw(t, "SEQ_N"), NetCap: rapid.IntRange(1, 5).Draw(t, "NET_CAP"),
			Loss: rapid.IntRange(0, 2).Draw(t, "loss"), Dup: rapid.IntRange(0, 2).Draw(t, "dup"),
			OldSyn: rapid.IntRange(0, 2).Draw(t, "oldsyn"), Rtx: rapid.IntRange(0, 2).Draw(t, "rtx"),
		}
		m, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		s := m.Init()[0]
		for step := 0; step < 40; step++ {
			acts := m.Actions(s, nil)
			// A probe action, listed or not: Next must accept it exactly when listed.
			probe := Action{
				Rule: Rule(rapid.IntRange(0, int(numRules)-1).Draw(t, "probe rule")),
				Arg:  uint8(rapid.IntRange(0, 8).Draw(t, "probe arg")),
				ISS:  uint8(rapid.IntRange(0, 8).Draw(t, "probe iss")),
			}
			if _, ok := m.Next(s, probe); ok != slices.Contains(acts, probe) {
				t.Fatalf("in %v: Next(%+v) ok = %v, but Actions lists %v", s, probe, ok, acts)
			}
			if len(acts) == 0 {
				return // a deadlock
			}
			a := rapid.SampledFrom(acts).Draw(t, "action")
			next, ok := m.Next(s, a)
			if !ok {
				t.Fatalf("in %v: Next(%s) not ok", s, m.Label(s, a))
			}
			if next.Canonical() != next || next.Net[min(p.NetCap, MaxNetCap-1)] != 0 && p.NetCap < MaxNetCap {
				t.Fatalf("after %s: bag %v not canonical within NET_CAP=%d", m.Label(s, a), next.Net, p.NetCap)
			}
			if got := m.Decode(m.Encode(nil, next)); got != next {
				t.Fatalf("round trip of %v gives %v", next, got)
			}
			s = next
		}
	})
}
