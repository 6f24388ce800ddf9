package fsm

import (
	"bytes"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// drawRanges bounds what drawSystem draws.
type drawRanges struct {
	maxCapacity, maxUnits, maxWindow, maxCrash, extraBits int
	// wide also draws whether A sends old segments, no old kinds at all, R2 = 0 (never
	// give up), and ABORT for B; a config validate refuses falls back to one incarnation.
	wide bool
}

var (
	// smallRanges keep random walks short: the systems the rule and invariant tests run.
	smallRanges = drawRanges{maxCapacity: 4, maxUnits: 1, maxWindow: 0, maxCrash: 1, extraBits: 2}
	// wideRanges reach every size the encoding's layout depends on, within validate.
	wideRanges = drawRanges{maxCapacity: 5, maxUnits: 2, maxWindow: 3, maxCrash: 2, extraBits: 3, wide: true}
)

// genSystem draws a small system: any shape, variant and budget.
func genSystem(t *rapid.T) System { return drawSystem(t, smallRanges) }

// drawSystem draws a system within r: any shape, variant, budget and timing assumptions.
func drawSystem(t *rapid.T, r drawRanges) System {
	cfg := DefaultConfig()
	cfg.Shape = Shape(rapid.IntRange(0, 1).Draw(t, "shape"))
	cfg.Capacity = rapid.IntRange(1, r.maxCapacity).Draw(t, "cap")
	if r.maxWindow > 0 {
		cfg.Window = uint32(rapid.IntRange(1, r.maxWindow).Draw(t, "window"))
	}
	cfg.Units = [2]uint8{uint8(rapid.IntRange(0, r.maxUnits).Draw(t, "unitsA")),
		uint8(rapid.IntRange(0, r.maxUnits).Draw(t, "unitsB"))}
	cfg.Incarnations = uint8(rapid.IntRange(1, 3).Draw(t, "incs"))
	cfg.Faults = Faults{
		Loss:      uint8(rapid.IntRange(0, 2).Draw(t, "loss")),
		Dup:       uint8(rapid.IntRange(0, 2).Draw(t, "dup")),
		Inject:    uint8(rapid.IntRange(0, 2).Draw(t, "inject")),
		Crash:     uint8(rapid.IntRange(0, r.maxCrash).Draw(t, "crash")),
		Partition: uint8(rapid.IntRange(0, 1).Draw(t, "partition")),
	}
	least := 1 // old kinds and R2
	cfg.OldFrom = [2]bool{true, rapid.Bool().Draw(t, "oldFromB")}
	if r.wide {
		least = 0
		cfg.OldFrom[A] = rapid.Bool().Draw(t, "oldFromA")
	}
	cfg.OldKinds = OldKinds(rapid.IntRange(least, int(AllOld)).Draw(t, "oldKinds"))
	if rapid.Bool().Draw(t, "userTimeout") {
		b := cfg.calls(B) | CallUserTimeout
		if r.wide {
			b |= CallAbort
		}
		cfg.Calls = [2]Calls{cfg.calls(A) | CallUserTimeout | CallAbort, b}
	}
	cfg.Timing.R2 = uint8(rapid.IntRange(least, MaxR2).Draw(t, "r2"))
	for _, a := range Assumptions {
		if rapid.Bool().Draw(t, "drop "+a.Name) {
			_ = cfg.Timing.Drop(a.Name)
		}
	}
	// The smallest space the config allows, or a few bits more.
	cfg.SeqBits = cfg.MinSeqBits() + rapid.IntRange(0, r.extraBits).Draw(t, "extra seqbits")
	if r.wide && cfg.validate() != nil {
		// Too many TCBs for Graceful: fewer incarnations always do.
		cfg.Incarnations = 1
		cfg.SeqBits = cfg.MinSeqBits()
	}
	variant := rapid.SampledFrom(VariantNames()).Draw(t, "variant")
	sys, err := NewSystem(cfg, variant)
	if err != nil {
		t.Fatalf("new system: %v", err)
	}
	return sys
}

// walk takes up to n random steps from the initial state, calling visit on every state.
func walk(t *rapid.T, sys System, n int, visit func(s SysState, a *Action)) SysState {
	return walkSteps(t, sys, n, func(_ SysState, a *Action, to SysState) { visit(to, a) })
}

// walkSteps is walk, calling visit with each step's source state too: first (initial,
// nil, initial), then (from, action, to) for every step.
func walkSteps(t *rapid.T, sys System, n int, visit func(from SysState, a *Action, to SysState)) SysState {
	s := sys.Init()[0]
	visit(s, nil, s)
	var acts []Action
	for i := 0; i < n; i++ {
		acts = sys.Enabled(s, acts[:0])
		if len(acts) == 0 {
			break
		}
		a := acts[rapid.IntRange(0, len(acts)-1).Draw(t, "action")]
		next, ok := sys.Next(s, a)
		if !ok {
			t.Fatalf("enabled action %s not enabled in %s", sys.Label(s, a), s)
		}
		visit(s, &a, next)
		s = next
	}
	return s
}

func TestEveryRuleKeepsTheTCBInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sys := genSystem(t)
		walk(t, sys, 60, func(s SysState, a *Action) {
			if err := sys.Check(s); err != nil {
				t.Fatalf("%v\nafter %v in %s", err, a, s.Detail())
			}
		})
	})
}

func TestStateEncodingRoundTripsAndIsCanonical(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sys := genSystem(t)
		var states []SysState
		walk(t, sys, 40, func(s SysState, _ *Action) { states = append(states, s) })
		for _, s := range states {
			b := sys.Encode(nil, s)
			s.Step = 0 // what the step did is not part of the state (StepFacts)
			if got := sys.Decode(b); got != s {
				t.Fatalf("decode(encode(s)) = %s, want %s", got.Detail(), s.Detail())
			}
			// Rebuilding the bag in another order gives the same value and bytes.
			pkts := s.Net.Packets()
			perm := rapid.Permutation(pkts).Draw(t, "perm")
			var net Network
			for _, p := range perm {
				var ok bool
				net, ok = net.Add(p, MaxCapacity)
				if !ok {
					t.Fatalf("bag refused %v", p)
				}
			}
			s2 := s
			s2.Net = net
			if s2 != s || !bytes.Equal(sys.Encode(nil, s2), b) {
				t.Fatalf("permuted bag %v encodes differently from %v", net, s.Net)
			}
		}
		// Different states have different bytes.
		for i := range states {
			j := rapid.IntRange(0, len(states)-1).Draw(t, "j")
			same := bytes.Equal(sys.Encode(nil, states[i]), sys.Encode(nil, states[j]))
			if same != (states[i] == states[j]) {
				t.Fatalf("states %d and %d: equal %v, same bytes %v", i, j, states[i] == states[j], same)
			}
		}
	})
}

func TestEveryStepPutsAtMostOneSegmentOnTheNetwork(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sys := genSystem(t)
		prev := sys.Init()[0]
		walk(t, sys, 60, func(s SysState, a *Action) {
			if a != nil && a.Kind != ActDup && a.Kind != ActInject {
				if n := len(s.Net.Minus(prev.Net)); n > 1 {
					t.Fatalf("%s put %d segments on the network", sys.Label(prev, *a), n)
				}
			}
			prev = s
		})
	})
}

func TestActionLabelsAreDistinctWithinAState(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sys := genSystem(t)
		walk(t, sys, 40, func(s SysState, _ *Action) {
			seen := map[string]bool{}
			for _, a := range sys.Actions(s, nil) {
				l := sys.Label(s, a)
				if seen[l] {
					t.Fatalf("two actions labeled %q in %s", l, s)
				}
				seen[l] = true
			}
		})
	})
}

func TestLabelsAndStoriesReadLikeTheRFCFigures(t *testing.T) {
	sys, err := NewSystem(DefaultConfig(), RFC)
	require.NoError(t, err)
	s := sys.Init()[0]
	open := Action{Kind: ActCall, Side: A, Event: EvOpen}
	assert.Equal(t, "A open", sys.Label(s, open))
	assert.Equal(t, "A open (CLOSED -> SYN-SENT)", sys.Story(s, open))
	s, ok := sys.Next(s, open)
	require.True(t, ok)
	syn := Action{Kind: ActDeliver, Side: B, Pkt: s.Net.Packets()[0]}
	assert.Equal(t, "B deliver <SEQ=1><CTL=SYN> #1>-", sys.Label(s, syn), "from A's TCB 1, to no TCB yet")
	assert.Equal(t, "B deliver <SEQ=1><CTL=SYN> #1>- (LISTEN -> SYN-RECEIVED)", sys.Story(s, syn))
	old := Action{Kind: ActInject, Side: B, Pkt: sys.OldSegments()[0]}
	assert.Equal(t, "B inject <SEQ=124><CTL=SYN> old", sys.Label(s, old), "one stride of 5 (a data unit, SYN, FIN and a window of 2) below A's first ISS, 1, in a space of 128")
	assert.Equal(t, "B deliver SYN", sys.ProjectAction(s, syn))
	assert.Equal(t, "A=SYN-SENT B=LISTEN", sys.Project(s))
	assert.Equal(t, "A=SYN-SENT B=LISTEN net=[A->B <SEQ=1><CTL=SYN>#1>-]", s.String())
	assert.True(t, sys.Fair(s, syn))
	assert.False(t, sys.Fair(s, old))
	assert.False(t, sys.Fair(s, Action{Kind: ActLose, Side: B, Pkt: syn.Pkt}))
}

func TestNewSystemValidatesItsConfig(t *testing.T) {
	bad := []func(c *Config){
		func(c *Config) { c.Capacity = 0 },
		func(c *Config) { c.Capacity = MaxCapacity + 1 },
		func(c *Config) { c.Incarnations = 0 },
		func(c *Config) { c.Incarnations = MaxIncarnations + 1 },
		func(c *Config) { c.SeqBits = 0 },
		func(c *Config) { c.SeqBits = 2; c.Window = 1 },
		func(c *Config) { c.Shape = 7 },
	}
	for i, f := range bad {
		c := DefaultConfig()
		f(&c)
		_, err := NewSystem(c, RFC)
		assert.Error(t, err, "case %d", i)
	}
}

func TestTerminalStatesAreQuietAndClosed(t *testing.T) {
	sys, err := NewSystem(DefaultConfig(), RFC)
	require.NoError(t, err)
	s := sys.Init()[0]
	assert.True(t, sys.Terminal(s), "A CLOSED, B LISTEN, nothing in flight")
	s.Ep[A].State = StateFinWait2
	assert.False(t, sys.Terminal(s))
	s.Ep[A].State = StateClosed
	s.Net, _ = s.Net.Add(Packet{Src: A, Seg: Segment{Flags: SYN}}, 2)
	assert.False(t, sys.Terminal(s), "a segment is in flight")
}

func TestTheCheckRejectsBrokenTCBs(t *testing.T) {
	sys, err := NewSystem(DefaultConfig(), RFC)
	require.NoError(t, err)
	good := sys.Init()[0]
	good.Ep[A] = est
	require.NoError(t, sys.Check(good))
	for name, f := range map[string]func(e *Endpoint){
		"SND.UNA past SND.NXT":  func(e *Endpoint) { e.SndUna = 3 },
		"CLOSED with numbers":   func(e *Endpoint) { e.State = StateClosed },
		"no number for the FIN": func(e *Endpoint) { e.State = StateLastAck; e.RcvNxt = 10 },
		"peer's FIN uncounted":  func(e *Endpoint) { e.State = StateCloseWait },
		"SYN-SENT with an IRS":  func(e *Endpoint) { e.State = StateSynSent },
	} {
		s := good
		f(&s.Ep[A])
		assert.Error(t, sys.Check(s), name)
	}
}

// everyAction lists every action the system could ever take in s, whatever the state,
// budgets and configuration: each call and timer on each side, each packet in flight
// delivered, lost or duplicated, each old segment of the configuration injected, each
// crash. Actions may leave out only what Next refuses.
func everyAction(sys System, s SysState) []Action {
	var out []Action
	for side := A; side <= B; side++ {
		for ev := EvOpen; ev < numEventKinds; ev++ {
			out = append(out, Action{Kind: ActCall, Side: side, Event: ev}, Action{Kind: ActTimer, Side: side, Event: ev})
		}
		out = append(out, Action{Kind: ActCrash, Side: side})
	}
	for _, p := range s.Net.Slots[:s.Net.N] {
		for _, k := range []ActionKind{ActDeliver, ActLose, ActDup} {
			out = append(out, Action{Kind: k, Side: p.Dst(), Pkt: p})
		}
	}
	for _, p := range sys.OldSegments() {
		out = append(out, Action{Kind: ActInject, Side: p.Dst(), Pkt: p})
	}
	return out
}

func TestActionsListEveryEnabledActionOnce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sys := genSystem(t)
		walk(t, sys, 50, func(s SysState, _ *Action) {
			listed := map[Action]bool{}
			for _, a := range sys.Actions(s, nil) {
				if listed[a] {
					t.Fatalf("%s listed twice in %s", sys.Label(s, a), s)
				}
				listed[a] = true
			}
			for _, a := range everyAction(sys, s) {
				if _, ok := sys.Next(s, a); ok && !listed[a] {
					t.Fatalf("%s is enabled but not listed in %s", sys.Label(s, a), s.Detail())
				}
			}
		})
	})
}

// RFC 9293 §3.10.1: an active OPEN in LISTEN turns the connection active; it is the same
// incarnation, so it needs none left and counts none.
func TestAnActiveOpenInListenIsTheSameIncarnation(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Shape, cfg.Incarnations = BothActive, 1
	cfg.Calls = [2]Calls{AllCalls, AllCalls}
	cfg.SeqBits = cfg.MinSeqBits()
	sys, err := NewSystem(cfg, RFC)
	require.NoError(t, err)
	s := sys.Init()[0]
	s, ok := sys.Next(s, Action{Kind: ActCall, Side: A, Event: EvListen})
	require.True(t, ok)
	require.Equal(t, uint8(1), s.Ghost[A].Opens)
	s, ok = sys.Next(s, Action{Kind: ActCall, Side: A, Event: EvOpen})
	require.True(t, ok, "OPEN in LISTEN needs no incarnation left")
	assert.Equal(t, StateSynSent, s.Ep[A].State)
	assert.Equal(t, uint8(1), s.Ghost[A].Opens, "and counts none")
}

// StepResetAnswered records a reset answered (RFC 9293 §3.5.2 forbids it): never in the RFC
// table, at once when LISTEN's row for a reset is made to answer it, and only on that step.
func TestStepResetAnsweredRecordsAResetAnsweringAReset(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Faults = Faults{Dup: 1}
	cfg.SeqBits = cfg.MinSeqBits()
	for _, answers := range []bool{false, true} {
		sys, err := NewSystem(cfg, RFC)
		require.NoError(t, err)
		if answers {
			rules := slices.Clone(sys.Machine.Rules)
			i := slices.IndexFunc(rules, func(r Rule) bool { return r.ID == RuleListenRST })
			rules[i].Emit = EmitRSTACKSeg
			sys.Machine.Rules = rules
		}
		take := func(s SysState, a Action) SysState {
			t.Helper()
			next, ok := sys.Next(s, a)
			require.True(t, ok, "%s in %s", sys.Label(s, a), s)
			return next
		}
		inFlight := func(s SysState, f Flags) Packet {
			t.Helper()
			for _, p := range s.Net.Packets() {
				if p.Seg.Flags == f {
					return p
				}
			}
			t.Fatalf("no %s in flight: %s", f, s)
			return Packet{}
		}
		deliver := func(s SysState, f Flags) SysState {
			p := inFlight(s, f)
			return take(s, Action{Kind: ActDeliver, Side: p.Dst(), Pkt: p})
		}
		// A opens and gives up on it; its CLOSED answers B's SYN,ACK with a reset, which the
		// network duplicates: the first takes B back to LISTEN, the second reaches LISTEN.
		s := take(sys.Init()[0], Action{Kind: ActCall, Side: A, Event: EvOpen})
		s = deliver(s, SYN)
		s = take(s, Action{Kind: ActCall, Side: A, Event: EvClose})
		s = deliver(s, SYN|ACK)
		s = take(s, Action{Kind: ActDup, Pkt: inFlight(s, RST)})
		s = deliver(s, RST)
		require.Equal(t, StateListen, s.Ep[B].State)
		assert.Zero(t, s.Step)
		s = deliver(s, RST)
		assert.Equal(t, answers, s.Step&StepResetAnswered != 0, "LISTEN answers a reset: %v", answers)
		assert.Equal(t, SysState{}.Step, sys.Decode(sys.Encode(nil, s)).Step, "the encoding leaves the step out")
		if answers {
			s = deliver(s, RST|ACK) // CLOSED drops the answer, silently
			assert.Zero(t, s.Step, "the next step starts with no facts")
		}
	}
}

// An old ACK of A's TCB 2, which closed gracefully, completes B's third connection. It is
// TIME-WAIT's to keep out (StaleRun) only if the connection it belongs to closed
// gracefully at B's end too: when an older connection's FIN moved B's TCB 2 (Ghost.Moved),
// connection 2 was disturbed before it closed, and the old ACK is no-stale-acceptance's
// (the incarnations=3 run of clean-time-wait, with the ISN clock dropped).
func TestAnOldSegmentOfAConnectionAnOlderOneDisturbedIsNotTimeWaits(t *testing.T) {
	cfg, sys := threeIncarnationsSlowClock(t)
	for _, moved := range []bool{false, true} {
		s := sys.Init()[0]
		s.Clock = [2]uint8{3, 3}
		s.Ep[A] = Endpoint{Host: uint8(A), State: StateSynSent, ISS: 10, SndUna: 10, SndNxt: 11}
		s.Ep[B] = Endpoint{Host: uint8(B), State: StateSynReceived, Passive: true,
			ISS: 30, SndUna: 30, SndNxt: 31, IRS: 10, RcvNxt: 11}
		s.Ghost[A] = Ghost{Peer: NoTCB, Opens: 3, Graceful: 1 << 2}
		s.Ghost[B] = Ghost{Peer: 3, Opens: 3, Graceful: 1 << 2}
		if moved {
			s.Ghost[B].Moved = 1 << 2
		}
		s.Net = Network{}
		p := Packet{Src: A, Seg: Segment{Flags: ACK, Seq: 11, Ack: 31}, From: 2, To: 2}
		require.True(t, s.Net.add(p, cfg.Capacity))
		require.True(t, s.stale(&p))
		next, ok := sys.Next(s, Action{Kind: ActDeliver, Side: B, Pkt: p})
		require.True(t, ok)
		require.Equal(t, StateEstablished, next.Ep[B].State)
		assert.Equal(t, !moved, next.Ghost[B].StaleRun, "B's TCB 2 moved by an old segment: %v", moved)
		assert.True(t, next.Ghost[B].MovedByOld(3), "the old ACK moved B's TCB 3")
	}
}

// A TCB in LAST-ACK closes gracefully on its peer's ACK of its FIN: the peer then holds
// TIME-WAIT for the connection. The same ACK from a later TCB of the peer's host (one an
// old duplicate of this TCB's SYN opened after the peer gave up; the sweep found it at
// incarnations=3 with the ISN clock dropped) closes it too, but nobody holds TIME-WAIT for
// it, and its old segments are no-stale-acceptance's, not clean-time-wait's.
func TestLastACKClosesGracefullyOnlyOnItsPeersACK(t *testing.T) {
	cfg, sys := threeIncarnationsSlowClock(t)
	for _, from := range []TCB{1, 2} {
		s := sys.Init()[0]
		s.Clock = [2]uint8{1, 2}
		s.Ep[A] = Endpoint{Host: uint8(A), State: StateLastAck, ISS: 1, SndUna: 3, SndNxt: 4, IRS: 16, RcvNxt: 18}
		s.Ep[B] = Endpoint{Host: uint8(B), State: StateCloseWait, Passive: true,
			ISS: 17, SndUna: 18, SndNxt: 18, IRS: 1, RcvNxt: 4}
		s.Ghost[A] = Ghost{Peer: 1, Agreed: true, Opens: 1, Closes: 1}
		s.Ghost[B] = Ghost{Peer: 1, Opens: 2}
		s.Net = Network{}
		p := Packet{Src: B, Seg: Segment{Flags: ACK, Seq: 18, Ack: 4}, From: from, To: 1}
		require.True(t, s.Net.add(p, cfg.Capacity))
		next, ok := sys.Next(s, Action{Kind: ActDeliver, Side: A, Pkt: p})
		require.True(t, ok)
		require.Equal(t, StateClosed, next.Ep[A].State, "the ACK of its FIN ends LAST-ACK")
		assert.Equal(t, from == 1, next.Ghost[A].EndedGracefully(1), "acknowledged by B's TCB %d", from)
	}
}

// threeIncarnationsSlowClock is the RFC system of three incarnations with the ISN clock
// dropped, where the ghost's judgment of old segments is put to the test.
func threeIncarnationsSlowClock(t *testing.T) (Config, System) {
	cfg := DefaultConfig()
	cfg.Incarnations = 3
	cfg.Timing.SlowISNClock = true
	cfg.SeqBits = cfg.MinSeqBits()
	sys, err := NewSystem(cfg, RFC)
	require.NoError(t, err)
	return cfg, sys
}

func TestGhostPartsNameThemselvesAndACrashlessConfigCannotSetHalfOpen(t *testing.T) {
	assert.Equal(t, "none", GhostParts(0).String())
	assert.Equal(t, "open|timers|close-segs", ghostCloseCount.String())
	assert.Equal(t, "open|lost|timers|close|half-open|close-segs", AllGhost.String())
	cfg := DefaultConfig()
	cfg.Faults.Crash = 0
	assert.Equal(t, AllGhost&^GhostHalfOpen, cfg.Settable(AllGhost))
	cfg.Faults.Crash = 1
	assert.Equal(t, AllGhost, cfg.Settable(AllGhost))
}

// The close's count leaves out an ACK that answers a segment its side drops (an old or
// overtaken one, close-reorder.scn), but not one that carries the held ACK of the peer's
// FIN: that one is the close's second segment, whatever drew it.
func TestTheCloseCountsAnAnswerOnlyWhenItCarriesTheHeldACK(t *testing.T) {
	ack := Segment{Flags: ACK, Seq: 4, Ack: 66}
	for _, tc := range []struct {
		name           string
		answer, held   bool
		wantCountAfter uint8
	}{
		{"an ACK the close needs", false, false, 2},
		{"an answer to a dropped segment", true, false, 1},
		{"an answer that lets the held ACK go", true, true, 2},
		{"the held ACK let go by the timer", false, true, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s SysState
			s.Closing, s.CloseSegs = true, 1 // B's FIN and one more counted
			before := Endpoint{State: StateCloseWait, AckPending: tc.held, SndUna: 4, SndNxt: 4, RcvNxt: 66}
			after := before
			after.AckPending = false
			s.countClose(A, &before, &after, &ack, tc.answer)
			assert.Equal(t, tc.wantCountAfter, s.CloseSegs)
		})
	}
}
