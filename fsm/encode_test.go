package fsm

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// genEncodingSystem draws a system for the encoding tests: wider ranges of what sizes the
// layout (capacity, units, incarnations, crashes, both shapes, extra sequence bits).
func genEncodingSystem(t *rapid.T) System { return drawSystem(t, wideRanges) }

func TestEveryReachableStateEncodesToEncodedSizeBytesAndBack(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sys := genEncodingSystem(t)
		var prev []byte
		var prevState SysState
		walk(t, sys, 150, func(s SysState, _ *Action) {
			b := sys.Encode(nil, s)
			s.Step = 0 // not part of the state (StepFacts)
			if len(b) != sys.EncodedSize() {
				t.Fatalf("%d bytes, EncodedSize %d, for %s", len(b), sys.EncodedSize(), s.Detail())
			}
			got, err := sys.decode(b)
			if err != nil {
				t.Fatalf("decode of Encode's bytes: %v\nstate %s", err, s.Detail())
			}
			if got != s || sys.Decode(b) != s {
				t.Fatalf("decode(encode(s)) = %s\nwant %s", got.Detail(), s.Detail())
			}
			if prev != nil && (prevState == s) != bytes.Equal(prev, b) {
				t.Fatalf("states equal %v, bytes equal %v:\n%s\n%s", prevState == s, bytes.Equal(prev, b),
					prevState.Detail(), s.Detail())
			}
			prev, prevState = b, s
		})
	})
}

// referenceEncode is the encoding as eachField defines it, one bit at a time.
func referenceEncode(l *layout, s *SysState) []byte {
	out := make([]byte, l.size)
	at := 0
	l.eachField(s, func(_ field, v uint64, w uint8) {
		for i := range int(w) {
			if v>>i&1 != 0 {
				out[at/8] |= 1 << (at % 8)
			}
			at++
		}
	})
	return out
}

// wideConfig is about the widest validate allows: 32-bit sequence numbers, a full network,
// 255 units, 31 TCBs for B, the largest budgets and a partition.
func wideConfig() Config {
	c := DefaultConfig()
	c.Capacity, c.Units, c.Incarnations = MaxCapacity, [2]uint8{255, 255}, 3
	c.Faults = Faults{Loss: 200, Dup: 9, Inject: 0, Crash: 255, Partition: 1}
	c.SeqBits = 32
	return c
}

func TestTheWidestConfigFitsTheGroups(t *testing.T) {
	cfg := wideConfig()
	require.Equal(t, maxSerial-1, cfg.MaxTCBs(B))
	sys, err := NewSystem(cfg, RFC)
	require.NoError(t, err)
	l := sys.enc
	assert.Equal(t, 64, int(l.endpoint(B)), "B's clock, Graceful and Moved the widest")
	assert.Equal(t, 59, int(l.ghost(A)), "A's Peer the widest")
	assert.Equal(t, 18, 2*int(l.snd[A]), "SND.UNA - ISS and SND.NXT - ISS: 0..257 each")
	assert.Equal(t, 41, int(l.budgets()))
	assert.Equal(t, 48, int(l.packet()))
	assert.Equal(t, 132, sys.EncodedSize())
}

// Any bytes with zero padding are the encoding of the state decodeFields reads from them,
// bit for bit as eachField defines it: Encode and decodeFields spell out the same fields in
// the same order and widths.
func TestEncodeAndDecodeFollowEachField(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var sys System
		if rapid.Bool().Draw(t, "widest") {
			var err error
			sys, err = NewSystem(wideConfig(), RFC)
			require.NoError(t, err)
		} else {
			sys = genEncodingSystem(t)
		}
		l := sys.enc
		b := rapid.SliceOfN(rapid.Byte(), int(l.size), int(l.size)).Draw(t, "bytes")
		for i := int(l.bits); i < 8*int(l.size); i++ {
			b[i/8] &^= 1 << (i % 8)
		}
		var s SysState
		sys.decodeFields(&s, b)
		if got := sys.Encode(nil, s); !bytes.Equal(got, b) {
			t.Fatalf("Encode(decodeFields(%x)) = %x", b, got)
		}
		if ref := referenceEncode(l, &s); !bytes.Equal(ref, b) {
			t.Fatalf("eachField gives %x, Encode %x", ref, b)
		}
	})
}

func TestEncodeAppendsToWhatItIsGiven(t *testing.T) {
	sys, err := NewSystem(DefaultConfig(), RFC)
	require.NoError(t, err)
	s := sys.Init()[0]
	b := sys.Encode([]byte("prefix"), s)
	require.Len(t, b, len("prefix")+sys.EncodedSize())
	assert.Equal(t, "prefix", string(b[:6]))
	assert.Equal(t, s, sys.Decode(b[6:]))
}

// The sizes the README and issue 14 quote.
func TestEncodedSizeOfTheDefaultConfigAndAReconnectingOne(t *testing.T) {
	sys, err := NewSystem(DefaultConfig(), RFC)
	require.NoError(t, err)
	assert.Equal(t, 24, sys.EncodedSize(), "default config")
	assert.Equal(t, 190, sys.EncodedBits(), "default config: three words with two bits to spare")
	cfg := DefaultConfig()
	cfg.Capacity, cfg.Faults.Crash, cfg.Incarnations = 3, 1, 2
	cfg.SeqBits = cfg.MinSeqBits()
	sys, err = NewSystem(cfg, RFC)
	require.NoError(t, err)
	assert.Equal(t, 30, sys.EncodedSize(), "capacity 3, crash 1, incarnations 2")
}

func TestEncodeRefusesAValueTooWideForItsField(t *testing.T) {
	sys, err := NewSystem(DefaultConfig(), RFC)
	require.NoError(t, err)
	for name, c := range map[string]struct {
		f    func(s *SysState)
		want string
	}{
		"a serial past MaxTCBs": {func(s *SysState) { s.Clock[A] = 2 }, "A's Clock is 2, wider than its 1 bits"},
		"a sequence number outside the space": {func(s *SysState) { s.Ep[B].State = StateSynSent; s.Ep[B].ISS = 128 },
			"B's ISS is 128, wider than its 7 bits"},
		"more numbers sent than a SYN, a unit and a FIN": {func(s *SysState) {
			s.Ep[A] = Endpoint{State: StateEstablished, ISS: 10, SndUna: 10, SndNxt: 14, IRS: 3, RcvNxt: 4}
		}, "A's SND.NXT - ISS is 4, wider than its 2 bits"},
		"SND.UNA past SND.NXT, across the wrap": {func(s *SysState) {
			s.Ep[B] = Endpoint{Host: 1, State: StateEstablished, ISS: 126, SndUna: 2, SndNxt: 1, IRS: 5, RcvNxt: 6}
		}, "B's SND.UNA - ISS is 4, wider than its 2 bits"},
		"a state past the 16 of 4 bits": {func(s *SysState) { s.Ep[A].State = 16 }, "A's State is 16"},
		"more retries than R2":          {func(s *SysState) { s.Ep[A].Retries = 4 }, "A's Retries is 4"},
		"a budget above the config's":   {func(s *SysState) { s.Left.Loss = 2 }, "Left.Loss is 2"},
		"a packet's From past the serials": {func(s *SysState) {
			s.Net.N = 1
			s.Net.Slots[0] = Packet{Src: B, Seg: Segment{Flags: SYN}, From: 7, To: NoTCB}
		}, "packet 0's From is 7, not below 7, NoTCB's code in its 3 bits"},
		"two data units in one segment": {func(s *SysState) {
			s.Net.N = 1
			s.Net.Slots[0] = Packet{Src: A, Seg: Segment{Flags: ACK, Len: 2}, From: 1, To: 1}
		}, "packet 0's SEG.LEN is 2"},
		"a Graceful bit for PreRun":   {func(s *SysState) { s.Ghost[B].Graceful = 1 }, "B's Ghost.Graceful has bit 0 set"},
		"a Moved bit for PreRun":      {func(s *SysState) { s.Ghost[A].Moved = 1 }, "A's Ghost.Moved has bit 0 set"},
		"a source that is no side":    {func(s *SysState) { s.Net.N = 1; s.Net.Slots[0].Src = 2 }, "packet 0's Src is 2"},
		"a host that is not the side": {func(s *SysState) { s.Ep[B].Host = 0 }, "B's Host is 0, but the encoding implies it"},
	} {
		s := sys.Init()[0]
		c.f(&s)
		func() {
			defer func() {
				r := recover()
				require.NotNil(t, r, "%s: Encode did not panic", name)
				assert.Contains(t, r, c.want, name)
			}()
			sys.Encode(nil, s)
		}()
	}
}

func TestDecodeRejectsBytesEncodeDoesNotMake(t *testing.T) {
	sys, err := NewSystem(DefaultConfig(), RFC)
	require.NoError(t, err)
	good := sys.Encode(nil, sys.Init()[0])
	_, err = sys.decode(good)
	require.NoError(t, err)
	_, err = sys.decode(good[1:])
	assert.ErrorContains(t, err, "23 bytes, want 24")
	// The state of A is the first 4 bits.
	bad := bytes.Clone(good)
	bad[0] |= 0x0f
	_, err = sys.decode(bad)
	assert.ErrorContains(t, err, "bad state 15")
	// Padding bits in the last byte must be zero (the default config leaves two).
	require.NotZero(t, sys.enc.bits%8, "the config must leave padding bits")
	bad = bytes.Clone(good)
	bad[len(bad)-1] |= 0x80
	_, err = sys.decode(bad)
	assert.ErrorContains(t, err, "padding")
	assert.Panics(t, func() { sys.Decode(good[1:]) })
	_, err = (&System{}).decode(good)
	assert.ErrorContains(t, err, "NewSystem")
	assert.Panics(t, func() { (&System{}).Encode(nil, sys.Init()[0]) })
}

// FuzzDecode: whatever decode accepts encodes back to the same bytes, so that no two byte
// strings stand for one state; Encode's bytes are accepted.
func FuzzDecode(f *testing.F) {
	sys, err := NewSystem(DefaultConfig(), RFC)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range sample(f, sys, 64) {
		f.Add(sys.Encode(nil, s))
	}
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{0xff}, sys.EncodedSize()))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := sys.decode(b)
		if err != nil {
			return
		}
		if again := sys.Encode(nil, s); !bytes.Equal(again, b) {
			t.Fatalf("decode(%x) = %s encodes to %x", b, s.Detail(), again)
		}
		if sys.Decode(b) != s {
			t.Fatalf("Decode and decode disagree on %x", b)
		}
	})
}

// sample returns up to n states of sys in breadth-first order from the initial state, the
// deepest ones found: a fixture, not a count.
func sample(tb testing.TB, sys System, n int) []SysState {
	seen := map[SysState]bool{}
	queue := sys.Init()
	var acts []Action
	for len(queue) > 0 && len(seen) < 4*n {
		s := queue[0]
		queue = queue[1:]
		acts = sys.Actions(s, acts[:0])
		for _, a := range acts {
			if next, ok := sys.Next(s, a); ok && !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
		}
	}
	if len(queue) > n {
		queue = queue[len(queue)-n:]
	}
	if len(queue) == 0 {
		tb.Fatal("no states")
	}
	return queue
}

// BenchmarkEncode encodes one state of the default config per op. It must not allocate.
func BenchmarkEncode(b *testing.B) {
	sys, err := NewSystem(DefaultConfig(), RFC)
	require.NoError(b, err)
	states := sample(b, sys, 4096)
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf = sys.Encode(buf[:0], states[i%len(states)])
	}
	b.ReportMetric(float64(len(buf)), "bytes/state")
}

// BenchmarkDecode decodes one state of the default config per op. It must not allocate.
func BenchmarkDecode(b *testing.B) {
	sys, err := NewSystem(DefaultConfig(), RFC)
	require.NoError(b, err)
	states := sample(b, sys, 4096)
	var encs [][]byte
	for _, s := range states {
		encs = append(encs, sys.Encode(nil, s))
	}
	var sink SysState
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sink = sys.Decode(encs[i%len(encs)])
	}
	_ = sink
}
