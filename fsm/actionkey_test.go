package fsm

import (
	"testing"

	"pgregory.net/rapid"
)

// keyLabels checks, over every action it is given, that equal keys go with equal labels and
// equal labels with equal keys.
type keyLabels struct {
	label map[uint64]string
	key   map[string]uint64
}

func newKeyLabels() *keyLabels {
	return &keyLabels{label: map[uint64]string{}, key: map[string]uint64{}}
}

func (kl *keyLabels) add(t interface{ Fatalf(string, ...any) }, sys System, s SysState, a Action) {
	key, ok := sys.ActionKey(s, a)
	label := sys.Label(s, a)
	if !ok {
		t.Fatalf("action %q has no key", label)
	}
	if l, seen := kl.label[key]; seen && l != label {
		t.Fatalf("key %#x is both %q and %q", key, l, label)
	}
	if k, seen := kl.key[label]; seen && k != key {
		t.Fatalf("label %q has keys %#x and %#x", label, k, key)
	}
	kl.label[key], kl.key[label] = label, key
}

// reachable calls visit on each action enabled in the first n states reachable in sys,
// breadth first.
func reachable(sys System, n int, visit func(s SysState, a Action)) {
	seen := map[SysState]bool{}
	queue := sys.Init()
	for _, s := range queue {
		seen[s] = true
	}
	var acts []Action
	for q := 0; q < len(queue) && q < n; q++ {
		s := queue[q]
		acts = sys.Actions(s, acts[:0])
		for _, a := range acts {
			visit(s, a)
			next, _ := sys.Next(s, a)
			if !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
		}
	}
}

func TestActionKeysTellApartWhatLabelsTellApartInReachableStates(t *testing.T) {
	small := DefaultConfig()
	small.Incarnations, small.Faults.Crash = 2, 1
	small.OldKinds, small.OldFrom = AllOld, [2]bool{true, true}
	small.SeqBits = small.MinSeqBits()
	active := DefaultConfig()
	active.Shape, active.Units = BothActive, [2]uint8{2, 1}
	active.SeqBits = active.MinSeqBits()
	for name, cfg := range map[string]Config{"default": DefaultConfig(), "crash, two incarnations, all old": small, "both active": active} {
		for _, variant := range VariantNames() {
			sys, err := NewSystem(cfg, variant)
			if err != nil {
				t.Fatalf("%s %s: %v", name, variant, err)
			}
			kl := newKeyLabels()
			reachable(sys, 3000, func(s SysState, a Action) { kl.add(t, sys, s, a) })
			if len(kl.key) < 20 {
				t.Errorf("%s %s: only %d distinct labels", name, variant, len(kl.key))
			}
		}
	}
}

func TestActionKeysTellApartWhatLabelsTellApartAlongRandomRuns(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sys := genSystem(t)
		kl := newKeyLabels()
		walk(t, sys, 60, func(s SysState, _ *Action) {
			for _, a := range sys.Actions(s, nil) {
				kl.add(t, sys, s, a)
			}
		})
	})
}

// genPacketAction draws a packet action of any kind with small fields, unreachable ones
// included: ACK numbers without ACK, old packets with any receiving TCB.
func genPacketAction(t *rapid.T) Action {
	tcb := rapid.SampledFrom([]TCB{PreRun, 1, 2, 3, NoTCB})
	src := Side(rapid.IntRange(0, 1).Draw(t, "src"))
	return Action{
		Kind: rapid.SampledFrom([]ActionKind{ActDeliver, ActLose, ActDup, ActInject}).Draw(t, "kind"),
		Side: src.Peer(),
		Pkt: Packet{Src: src, From: tcb.Draw(t, "from"), To: tcb.Draw(t, "to"), Seg: Segment{
			Flags: Flags(rapid.IntRange(0, 15).Draw(t, "flags")),
			Seq:   Seq(rapid.IntRange(0, 5).Draw(t, "seq")),
			Ack:   Seq(rapid.IntRange(0, 5).Draw(t, "ack")),
			Len:   uint32(rapid.IntRange(0, 3).Draw(t, "len")),
		}},
	}
}

func TestActionKeysTellApartWhatLabelsTellApartForAnyPacket(t *testing.T) {
	sys, err := NewSystem(DefaultConfig(), RFC)
	if err != nil {
		t.Fatal(err)
	}
	var s SysState
	rapid.Check(t, func(t *rapid.T) {
		kl := newKeyLabels()
		for range 50 {
			kl.add(t, sys, s, genPacketAction(t))
		}
	})
}

func TestActionKeysGiveWayToLabelsForWideFields(t *testing.T) {
	sys, err := NewSystem(DefaultConfig(), RFC)
	if err != nil {
		t.Fatal(err)
	}
	var s SysState
	pkt := Packet{Src: A, Seg: Segment{Flags: ACK, Seq: 1, Ack: 1}, From: 1, To: 1}
	wide := []struct {
		name string
		a    Action
	}{
		{"unknown kind", Action{Kind: ActPartition + 1, Pkt: pkt}},
		{"no kind", Action{Pkt: pkt}},
	}
	for _, f := range []func(p *Packet){
		func(p *Packet) { p.Seg.Seq = 1 << 16 },
		func(p *Packet) { p.Seg.Ack = 1 << 16 },
		func(p *Packet) { p.Seg.Len = 1 << 7 },
		func(p *Packet) { p.Seg.Flags |= 1 << 4 },
	} {
		p := pkt
		f(&p)
		wide = append(wide, struct {
			name string
			a    Action
		}{p.Seg.String(), Action{Kind: ActDeliver, Side: B, Pkt: p}})
	}
	for _, w := range wide {
		if key, ok := sys.ActionKey(s, w.a); ok {
			t.Errorf("%s: got key %#x, want none", w.name, key)
		}
	}
	// Beyond an ACK the segment does not carry, the number does not count.
	p := pkt
	p.Seg.Flags, p.Seg.Ack = SYN, 1<<20
	if _, ok := sys.ActionKey(s, Action{Kind: ActDeliver, Side: B, Pkt: p}); !ok {
		t.Errorf("a SYN with a wide unused ACK number has no key")
	}
}
