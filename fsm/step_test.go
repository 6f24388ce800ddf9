package fsm

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func rfcMachine(t *testing.T) Machine {
	t.Helper()
	m, err := NewMachine(RFC, 4, 2)
	require.NoError(t, err)
	return m
}

func seg(t *testing.T, text string) Segment {
	t.Helper()
	s, err := ParseSegment(text)
	require.NoError(t, err)
	return s
}

// est is A after the handshake of handshake.scn: ISS 1, IRS 8.
var est = Endpoint{State: StateEstablished, ISS: 1, SndUna: 2, SndNxt: 2, IRS: 8, RcvNxt: 9}

func with(e Endpoint, f func(e *Endpoint)) Endpoint { f(&e); return e }

func TestStepFollowsRFC9293ClauseByClause(t *testing.T) {
	m := rfcMachine(t)
	synSent := Endpoint{State: StateSynSent, ISS: 1, SndUna: 1, SndNxt: 2}
	synRcvdPassive := Endpoint{State: StateSynReceived, Host: 1, Passive: true, ISS: 8,
		SndUna: 8, SndNxt: 9, IRS: 1, RcvNxt: 2}
	tests := []struct {
		name   string
		ep     Endpoint
		ev     Event
		state  State
		emit   string // the emitted segments, "" for none
		report Report
		rule   string // a row that must have fired
	}{
		{"3.10.1 OPEN from CLOSED sends a SYN with the clock's ISS", Endpoint{}, Open(1),
			StateSynSent, "<SEQ=1><CTL=SYN>", ReportNone, "closed/open"},
		{"3.10.1 OPEN with an observed ISS uses it", Endpoint{},
			Event{Kind: EvOpen, Clock: 1, SetISS: true, ISS: 13}, StateSynSent,
			"<SEQ=13><CTL=SYN>", ReportNone, "closed/open"},
		{"3.10.7.1 CLOSED answers an ACK with <SEQ=SEG.ACK><CTL=RST>", Endpoint{},
			Arrive(seg(t, "<SEQ=3><ACK=7><CTL=ACK><DATA>"), 1), StateClosed,
			"<SEQ=7><CTL=RST>", ReportNone, "closed/ack"},
		{"3.10.7.1 CLOSED answers a SYN with RST,ACK of SEG.SEQ+SEG.LEN", Endpoint{},
			Arrive(seg(t, "<SEQ=3><CTL=SYN>"), 1), StateClosed, "<SEQ=0><ACK=4><CTL=RST,ACK>",
			ReportNone, "closed/no-ack"},
		{"3.10.7.1 CLOSED discards a RST", Endpoint{}, Arrive(seg(t, "<SEQ=3><CTL=RST>"), 1),
			StateClosed, "", ReportNone, "closed/rst"},
		{"3.10.7.2 LISTEN answers an ACK with a reset", Endpoint{State: StateListen, Passive: true},
			Arrive(seg(t, "<SEQ=3><ACK=5><CTL=ACK>"), 1), StateListen, "<SEQ=5><CTL=RST>",
			ReportNone, "listen/ack"},
		{"3.10.7.2 LISTEN takes a SYN into SYN-RECEIVED", Endpoint{State: StateListen, Host: 1,
			Passive: true}, Arrive(seg(t, "<SEQ=1><CTL=SYN>"), 1), StateSynReceived,
			"<SEQ=8><ACK=2><CTL=SYN,ACK>", ReportNone, "listen/syn"},
		{"3.10.7.3 SYN-SENT resets on an ACK that does not acknowledge its SYN", synSent,
			Arrive(seg(t, "<SEQ=8><ACK=10><CTL=SYN,ACK>"), 1), StateSynSent, "<SEQ=10><CTL=RST>",
			ReportNone, "syn-sent/bad-ack"},
		{"3.10.7.3 SYN-SENT closes on a RST acknowledging its SYN", synSent,
			Arrive(seg(t, "<SEQ=0><ACK=2><CTL=RST,ACK>"), 1), StateClosed, "", ReportRefused,
			"syn-sent/rst-acks-syn"},
		{"3.10.7.3 SYN-SENT ignores a RST without ACK", synSent,
			Arrive(seg(t, "<SEQ=0><CTL=RST>"), 1), StateSynSent, "", ReportNone, "syn-sent/rst"},
		{"3.10.7.3 SYN-SENT completes on a SYN,ACK", synSent,
			Arrive(seg(t, "<SEQ=8><ACK=2><CTL=SYN,ACK>"), 1), StateEstablished,
			"<SEQ=2><ACK=9><CTL=ACK>", ReportNone, "syn-sent/syn-ack"},
		{"3.10.7.3 SYN-SENT answers a bare SYN with SYN,ACK (simultaneous open)", synSent,
			Arrive(seg(t, "<SEQ=8><CTL=SYN>"), 1), StateSynReceived,
			"<SEQ=1><ACK=9><CTL=SYN,ACK>", ReportNone, "syn-sent/syn"},
		{"3.10.7.4 first: an unacceptable segment is answered by an ACK", est,
			Arrive(seg(t, "<SEQ=12><ACK=2><CTL=ACK><DATA>"), 1), StateEstablished,
			"<SEQ=2><ACK=9><CTL=ACK>", ReportNone, "other/bad-seq"},
		{"3.10.7.4 first: an unacceptable RST is dropped silently", est,
			Arrive(seg(t, "<SEQ=12><CTL=RST>"), 1), StateEstablished, "", ReportNone,
			"other/bad-seq-rst"},
		{"3.10.7.4 second: a RST in the window but not at RCV.NXT draws a challenge ACK", est,
			Arrive(seg(t, "<SEQ=10><CTL=RST>"), 1), StateEstablished, "<SEQ=2><ACK=9><CTL=ACK>",
			ReportNone, "other/rst-in-window"},
		{"3.10.7.4 second: a RST at RCV.NXT resets ESTABLISHED", est,
			Arrive(seg(t, "<SEQ=9><CTL=RST>"), 1), StateClosed, "", ReportReset, "established/rst"},
		{"3.10.7.4 second: SYN-RECEIVED from a passive OPEN returns to LISTEN on a RST",
			synRcvdPassive, Arrive(seg(t, "<SEQ=2><CTL=RST>"), 1), StateListen, "", ReportNone,
			"syn-received/rst-passive"},
		{"3.10.7.4 second: TIME-WAIT ignores a RST (RFC 1337)",
			with(est, func(e *Endpoint) { e.State = StateTimeWait; e.SndNxt = 3; e.SndUna = 3; e.RcvNxt = 10 }),
			Arrive(seg(t, "<SEQ=10><CTL=RST>"), 1), StateTimeWait, "", ReportNone, "time-wait/rst"},
		{"3.10.7.4 fourth: a SYN in the window of ESTABLISHED draws a challenge ACK", est,
			Arrive(seg(t, "<SEQ=9><CTL=SYN>"), 1), StateEstablished, "<SEQ=2><ACK=9><CTL=ACK>",
			ReportNone, "other/syn"},
		{"3.10.7.4 fifth: SYN-RECEIVED resets on an unacceptable ACK", synRcvdPassive,
			Arrive(seg(t, "<SEQ=2><ACK=12><CTL=ACK>"), 1), StateSynReceived, "<SEQ=12><CTL=RST>",
			ReportNone, "syn-received/bad-ack"},
		{"3.10.7.4 fifth: an ACK of unsent data is answered by an ACK", est,
			Arrive(seg(t, "<SEQ=9><ACK=5><CTL=ACK>"), 1), StateEstablished,
			"<SEQ=2><ACK=9><CTL=ACK>", ReportNone, "synchronized/ack-out-of-range"},
		{"3.10.7.4 fifth: FIN-WAIT-1 moves to FIN-WAIT-2 when its FIN is acknowledged",
			with(est, func(e *Endpoint) { e.State = StateFinWait1; e.SndNxt = 3 }),
			Arrive(seg(t, "<SEQ=9><ACK=3><CTL=ACK>"), 1), StateFinWait2, "", ReportNone,
			"fin-wait-1/fin-acked"},
		{"3.10.7.4 seventh: in-order data is delivered and acknowledged", est,
			Arrive(seg(t, "<SEQ=9><ACK=2><CTL=ACK><DATA>"), 1), StateEstablished,
			"<SEQ=2><ACK=10><CTL=ACK>", ReportNone, "established/text"},
		{"3.10.7.4 seventh: data beyond RCV.NXT is acknowledged, not delivered", est,
			Arrive(seg(t, "<SEQ=10><ACK=2><CTL=ACK><DATA>"), 1), StateEstablished,
			"<SEQ=2><ACK=9><CTL=ACK>", ReportNone, "established/text-out-of-order"},
		{"3.10.7.4 eighth: a FIN with data moves ESTABLISHED to CLOSE-WAIT and holds its ACK (3.8.6.3)", est,
			Arrive(seg(t, "<SEQ=9><ACK=2><CTL=FIN,ACK><DATA>"), 1), StateCloseWait,
			"", ReportClosing, "established/fin"},
		{"3.8.6.3 the delayed-ACK timer sends the held ACK alone",
			with(est, func(e *Endpoint) { e.State = StateCloseWait; e.RcvNxt = 10; e.AckPending = true }),
			Timeout(EvDelayedAck), StateCloseWait, "<SEQ=2><ACK=10><CTL=ACK>", ReportNone, "close-wait/delayed-ack"},
		{"3.10.4 CLOSE in CLOSE-WAIT with the ACK held: the FIN carries it",
			with(est, func(e *Endpoint) { e.State = StateCloseWait; e.RcvNxt = 10; e.AckPending = true }), Close(),
			StateLastAck, "<SEQ=2><ACK=10><CTL=FIN,ACK>", ReportNone, "close-wait/close"},
		{"3.10.7.4 eighth: FIN-WAIT-1 with its FIN acknowledged by the peer's FIN ends in TIME-WAIT",
			with(est, func(e *Endpoint) { e.State = StateFinWait1; e.SndNxt = 3 }),
			Arrive(seg(t, "<SEQ=9><ACK=3><CTL=FIN,ACK>"), 1), StateTimeWait,
			"<SEQ=3><ACK=10><CTL=ACK>", ReportClosing, "fin-wait-2/fin"},
		{"3.10.4 CLOSE in CLOSE-WAIT sends a FIN and enters LAST-ACK",
			with(est, func(e *Endpoint) { e.State = StateCloseWait; e.RcvNxt = 10 }), Close(),
			StateLastAck, "<SEQ=2><ACK=10><CTL=FIN,ACK>", ReportNone, "close-wait/close"},
		{"3.10.5 ABORT in ESTABLISHED sends <SEQ=SND.NXT><CTL=RST>", est, Abort(), StateClosed,
			"<SEQ=2><CTL=RST>", ReportAborted, "synchronized/abort"},
		{"3.10.8 the retransmission timeout resends the oldest unacknowledged unit",
			with(est, func(e *Endpoint) { e.SndNxt = 3 }), Timeout(EvRetransmit), StateEstablished,
			"<SEQ=2><ACK=9><CTL=ACK><DATA>", ReportNone, "synchronized/rtx-data"},
		{"3.10.8 the retransmission timeout resends an unacknowledged FIN",
			with(est, func(e *Endpoint) { e.State = StateLastAck; e.SndNxt = 3; e.RcvNxt = 10 }),
			Timeout(EvRetransmit), StateLastAck, "<SEQ=2><ACK=10><CTL=FIN,ACK>", ReportNone,
			"synchronized/rtx-fin"},
		{"3.10.8 the user timeout aborts and tells the user", synSent, Timeout(EvUserTimeout),
			StateClosed, "", ReportTimeout, "any/user-timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := m.Step(tt.ep, tt.ev)
			require.True(t, out.OK)
			assert.Equal(t, tt.state, out.Next.State)
			assert.Equal(t, tt.emit, segs(out.Emit.Segments()))
			assert.Equal(t, tt.report, out.Report)
			assert.Contains(t, firedNames(m, out), tt.rule)
			assert.NoError(t, CheckEndpoint(m.Space, out.Next, 3))
		})
	}
}

// firedNames names the rows that fired, in order.
func firedNames(m Machine, out Outcome) []string {
	var names []string
	for i := range out.Fired.Len() {
		names = append(names, m.Rules[out.Fired.At(i)].Name)
	}
	return names
}

func segs(ss []Segment) string {
	out := ""
	for _, s := range ss {
		out += s.String()
	}
	return out
}

func TestStepDeliversTheTrimmedPartOfAStraddlingSegment(t *testing.T) {
	m := rfcMachine(t)
	// Units 8 and 9 arrive when 8 was already received: only 9 is new.
	out := m.Step(est, Arrive(Segment{Flags: ACK, Seq: 8, Ack: 2, Len: 2}, 1))
	assert.Equal(t, uint32(1), out.Delivered)
	assert.Equal(t, Seq(10), out.Next.RcvNxt)
	assert.Equal(t, []string{"other/trim", "synchronized/dup-ack", "established/text"}, firedNames(m, out))
}

func TestStepRefusesCallsTheRFCAnswersWithAnError(t *testing.T) {
	m := rfcMachine(t)
	for _, ev := range []Event{Send(), Close(), Abort(), Timeout(EvRetransmit), Timeout(EvTimeWait)} {
		out := m.Step(Endpoint{}, ev)
		assert.False(t, out.OK, "%s in CLOSED", ev)
		assert.Equal(t, Endpoint{}, out.Next)
		assert.Zero(t, out.Emit.Len())
	}
	out := m.Step(est, Open(2))
	assert.False(t, out.OK, "open in ESTABLISHED")
	assert.Equal(t, est, out.Next)
}

// ABORT in TIME-WAIT: the RFC's text deletes the TCB (variant abort-ends-time-wait); the
// model, as Linux and FreeBSD, gives the user no handle on it.
func TestAbortReachesTimeWaitOnlyInTheVariant(t *testing.T) {
	tw := with(est, func(e *Endpoint) { e.State = StateTimeWait; e.SndUna, e.SndNxt, e.RcvNxt = 3, 3, 10 })
	out := rfcMachine(t).Step(tw, Abort())
	assert.False(t, out.OK, "abort in TIME-WAIT")
	assert.Equal(t, tw, out.Next)

	v, err := NewMachine("abort-ends-time-wait", 4, 2)
	require.NoError(t, err)
	out = v.Step(tw, Abort())
	assert.True(t, out.OK, "abort in TIME-WAIT under the variant")
	assert.Equal(t, StateClosed, out.Next.State)
	assert.Zero(t, out.Emit.Len(), "no reset: RFC 9293 §3.10.5 only deletes the TCB")
}

func TestStepWorksInTheReal32BitSpaceAcrossTheWrap(t *testing.T) {
	m, err := NewMachine(RFC, 32, 65535)
	require.NoError(t, err)
	a := m.Step(Endpoint{}, Event{Kind: EvOpen, SetISS: true, ISS: 0xFFFFFFFF})
	require.Equal(t, "<SEQ=4294967295><CTL=SYN>", segs(a.Emit.Segments()))
	b := m.Step(a.Next, Arrive(Segment{Flags: SYN | ACK, Seq: 1 << 31, Ack: 0}, 1))
	assert.Equal(t, StateEstablished, b.Next.State)
	assert.Equal(t, Seq(0), b.Next.SndUna)
	assert.Equal(t, "<SEQ=0><ACK=2147483649><CTL=ACK>", segs(b.Emit.Segments()))
	assert.NoError(t, CheckEndpoint(m.Space, b.Next, 0))
}

func TestNewMachineRejectsBadWindowsAndNames(t *testing.T) {
	_, err := NewMachine(RFC, 4, 0)
	assert.Error(t, err)
	_, err = NewMachine(RFC, 4, 8)
	assert.Error(t, err)
	_, err = NewMachine(RFC, 40, 2)
	assert.Error(t, err)
	_, err = NewMachine("rfc793", 4, 2)
	assert.ErrorContains(t, err, "unknown variant")
}

func TestTheISNClockMovesByItsStrideAndThePreviousLifeIsOneStrideBelow(t *testing.T) {
	m := rfcMachine(t) // 16 numbers
	m.Stride = [2]uint32{3, 4}
	assert.Equal(t, Seq(1), m.ISN(0, 1))
	assert.Equal(t, Seq(4), m.ISN(0, 2))
	assert.Equal(t, Seq(14), m.ISN(0, 0), "one stride below the first, wrapped")
	assert.Equal(t, Seq(8), m.ISN(1, 1))
	assert.Equal(t, Seq(12), m.ISN(1, 2))
	assert.Equal(t, Seq(4), m.ISN(1, 0))
	m.Stride = [2]uint32{}
	assert.Equal(t, Seq(2), m.ISN(0, 2), "a zero stride is one: the slow clock")
}

func TestTheSmallestSequenceSpaceHoldsEveryTCBOfARun(t *testing.T) {
	cfg := DefaultConfig()
	for side := A; side <= B; side++ {
		span := uint64(cfg.MaxTCBs(side)+1)*uint64(cfg.Stride(side)) + uint64(cfg.Window)
		assert.Less(t, span, uint64(1)<<(cfg.SeqBits-1), "side %s", side)
	}
	small := cfg
	small.SeqBits = cfg.MinSeqBits() - 1
	_, err := NewSystem(small, RFC)
	assert.ErrorContains(t, err, "§3.4.1")
	slow := cfg
	slow.Timing.SlowISNClock = true
	assert.Less(t, slow.MinSeqBits(), cfg.MinSeqBits(), "a slow clock needs fewer numbers")
}

// A TCB that nothing has reset accepts whatever falls in its receive window, so the ISN
// clock's stride must carry the next TCB's numbers past the previous connection's last
// number and the window a stale TCB of the peer still holds open after it (at
// shape=both-active, inject=2, window=4 a stride of the numbers used alone let old data
// in through such a window).
func TestTheNextTCBStartsBeyondTheWindowAStaleTCBHoldsOpen(t *testing.T) {
	for window := uint32(1); window <= 4; window++ {
		for units := uint8(0); units <= 2; units++ {
			cfg := DefaultConfig()
			cfg.Window, cfg.Units = window, [2]uint8{units, units}
			cfg.SeqBits = cfg.MinSeqBits()
			sys, err := NewSystem(cfg, RFC)
			require.NoError(t, err)
			m := sys.Machine
			for host := uint8(0); host <= 1; host++ {
				for reading := uint32(0); reading < 2; reading++ {
					iss := m.ISN(host, reading)
					// After the FIN the peer's RCV.NXT is ISS + units + 2, and its window
					// reaches RCV.NXT + window - 1.
					rcvNxt := m.Space.Add(iss, uint32(units)+2)
					lastAcceptable := m.Space.Add(rcvNxt, window-1)
					next := m.ISN(host, reading+1)
					assert.False(t, m.Space.InWindow(next, rcvNxt, window))
					assert.True(t, m.Space.Lt(lastAcceptable, next),
						"window %d, units %d, host %d, reading %d: next ISS %d within the stale window ending at %d",
						window, units, host, reading, next, lastAcceptable)
				}
			}
		}
	}
}
