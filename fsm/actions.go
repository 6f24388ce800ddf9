package fsm

// ActionKind says what an Action does.
type ActionKind uint8

// Action kinds. Call, Timer and Crash feed an event to Side's endpoint; Deliver feeds
// it Pkt; Lose, Dup, Inject and Partition are network faults.
const (
	ActCall ActionKind = iota + 1
	ActTimer
	ActDeliver
	ActLose
	ActDup
	ActInject
	ActCrash
	// ActPartition fails the path between the hosts for good (Faults.Partition).
	ActPartition
)

// Action is one transition of the system.
type Action struct {
	Kind ActionKind
	Side Side
	// Event is the user call or timer, for ActCall and ActTimer.
	Event EventKind
	// Pkt is the packet delivered, lost, duplicated or injected.
	Pkt Packet
}

// calls in the fixed order Actions offers them, with the Calls bit that allows each.
var callOrder = []struct {
	ev  EventKind
	bit Calls
}{{EvOpen, CallOpen}, {EvListen, CallListen}, {EvSend, CallSend}, {EvClose, CallClose},
	{EvAbort, CallAbort}}

var timerOrder = []EventKind{EvRetransmit, EvGiveUp, EvTimeWait, EvKeepalive, EvUserTimeout, EvDelayedAck}

// callEvents and timerEvents are the events of ActCall and ActTimer, as bit sets: Next
// refuses an action of one kind carrying an event of another.
const (
	callEvents  = 1<<EvOpen | 1<<EvListen | 1<<EvSend | 1<<EvClose | 1<<EvAbort
	timerEvents = 1<<EvRetransmit | 1<<EvGiveUp | 1<<EvTimeWait | 1<<EvKeepalive | 1<<EvUserTimeout | 1<<EvDelayedAck
	// slowTimers are the timers whose expiry means that more time has passed than RFC
	// 5961's rate limiter waits (500 ms in Linux) and than a delayed ACK may be held: all
	// but the delayed-ACK timer, which ends within 500 ms (RFC 1122 §4.2.3.2; Linux's
	// TCP_DELACK_MAX is 200 ms). A property that asks whether "a timer" touched a run
	// means these: the delayed ACK is how a receiver acknowledges, not a recovery.
	slowTimers = timerEvents &^ (1 << EvDelayedAck)
)

// Actions appends the actions that may be enabled in s, in a fixed order: per side its
// calls and timers; then deliveries, losses, duplications and injections per distinct
// packet; then crashes. It lists candidates without computing their successors (as
// Stateright's actions do): Next decides, and refuses an action that is not enabled, so
// that the checker computes each successor once. What it leaves out cannot be enabled:
// a call the configuration does not allow, an event no row of the table handles in the
// side's state (Machine.Handled, which runs the rows' guards but not their effects), a
// fault whose budget is spent, a packet the full network cannot take.
func (sys *System) Actions(s SysState, dst []Action) []Action {
	var handled [2]EventSet
	cfg := &sys.Config
	for side := A; side <= B; side++ {
		evs := EventSet(timerEvents)
		if s.Left.Crash > 0 {
			evs |= 1 << EvCrash
		}
		allowed := cfg.calls(side)
		for _, c := range callOrder {
			if allowed&c.bit != 0 {
				evs |= 1 << c.ev
			}
		}
		if allowed&CallUserTimeout == 0 {
			evs &^= 1 << EvUserTimeout
		}
		handled[side] = sys.Machine.handled(&s.Ep[side], evs, int(s.Net.N) >= cfg.Capacity)
		for _, c := range callOrder {
			if handled[side]&(1<<c.ev) != 0 {
				dst = append(dst, Action{Kind: ActCall, Side: side, Event: c.ev})
			}
		}
		for _, t := range timerOrder {
			if handled[side]&(1<<t) != 0 {
				dst = append(dst, Action{Kind: ActTimer, Side: side, Event: t})
			}
		}
	}
	// The bag is sorted, so equal packets are neighbours: each distinct one is offered
	// once, since delivering either of two copies leads to the same state.
	n := s.Net.Slots[:s.Net.N]
	eachDistinct := func(kind ActionKind) {
		for i, p := range n {
			if i == 0 || p != n[i-1] {
				dst = append(dst, Action{Kind: kind, Side: p.Dst(), Pkt: p})
			}
		}
	}
	eachDistinct(ActDeliver)
	if s.Left.Loss > 0 {
		eachDistinct(ActLose)
	}
	// Across a failed path nothing arrives to be duplicated, and no old segment either.
	room := int(s.Net.N) < cfg.Capacity && !sys.partitioned(&s)
	if s.Left.Dup > 0 && room {
		eachDistinct(ActDup)
	}
	if s.Left.Inject > 0 && room {
		for _, p := range sys.old {
			dst = append(dst, Action{Kind: ActInject, Side: p.Dst(), Pkt: p})
		}
	}
	for side := A; side <= B; side++ {
		if handled[side]&(1<<EvCrash) != 0 {
			dst = append(dst, Action{Kind: ActCrash, Side: side})
		}
	}
	if s.Left.Partition > 0 {
		dst = append(dst, Action{Kind: ActPartition})
	}
	return dst
}

// Enabled appends the actions enabled in s, those of Actions whose Next succeeds, for
// callers that show choices rather than explore (tests, the trace checker, stories).
func (sys *System) Enabled(s SysState, dst []Action) []Action {
	n := len(dst)
	dst = sys.Actions(s, dst)
	out := dst[:n]
	for _, a := range dst[n:] {
		if _, ok := sys.Next(s, a); ok {
			out = append(out, a)
		}
	}
	return out
}

// OldSegments lists what an injection may add: segments of the connection before the run
// (TCBs PreRun, numbered by the ISN clock at reading 0), from each side that
// Config.OldFrom allows, of the kinds Config.OldKinds allows, in this order: its SYN, its
// SYN,ACK (had it opened passively), an ACK, a data unit, its FIN and a reset. They stand for delayed duplicates of a previous life of
// the connection (RFC 9293 §3.4, §3.5 Figure 8).
func (sys *System) OldSegments() []Packet { return append([]Packet(nil), sys.old...) }

// oldSegments computes OldSegments once, for NewSystem.
func (sys *System) oldSegments() []Packet {
	m := sys.Machine
	// The connection before the run read the ISN clock one stride before the first TCB
	// (reading 0), or, when the clock's cycle is shorter than the MSL, a whole cycle
	// before it: the first TCB's numbers (Timing.ShortISNCycle).
	reading := uint32(0)
	if sys.Config.Timing.ShortISNCycle {
		reading = 1
	}
	var out []Packet
	for src := A; src <= B; src++ {
		if !sys.Config.OldFrom[src] {
			continue
		}
		iss := m.ISN(uint8(src), reading)
		peer := m.ISN(uint8(src.Peer()), reading)
		ack := m.Space.Add(peer, 1)
		next := m.Space.Add(iss, 1)
		for i, seg := range []Segment{
			{Flags: SYN, Seq: iss},
			{Flags: SYN | ACK, Seq: iss, Ack: ack},
			{Flags: ACK, Seq: next, Ack: ack},
			{Flags: ACK, Seq: next, Ack: ack, Len: 1},
			{Flags: FIN | ACK, Seq: m.Space.Add(iss, 2), Ack: ack},
			{Flags: RST, Seq: next},
		} {
			if sys.Config.OldKinds&(1<<i) != 0 {
				out = append(out, Packet{Src: src, Seg: seg, From: PreRun, To: PreRun})
			}
		}
	}
	return out
}

// Next returns the state a leads to; ok is false when a is not enabled in s, and next is
// then s unchanged.
func (sys *System) Next(s SysState, a Action) (next SysState, ok bool) {
	s.Step = 0
	ok = sys.apply(&s, a, nil)
	return s, ok
}

// AppendFired appends to dst the table indices (in Machine.Rules) of the rows that fire
// when a is taken from s, in order, and returns it: the rows of the side's step, then the
// LISTEN row of a server that goes back to listening in the same step. A network fault
// fires no row; an action that is not enabled in s appends nothing. It re-runs the step
// and is as pure as Next.
func (sys *System) AppendFired(dst []int, s SysState, a Action) []int {
	n := len(dst)
	if !sys.apply(&s, a, &dst) {
		return dst[:n]
	}
	return dst
}

// AppendFiredTo is AppendFired for a transition already taken, to = Next(s, a): the same
// rows, found by stepping only the side's endpoint (the rows depend on nothing else), with
// the server's return to LISTEN read from to. It is what a search that counts rows
// affords on every transition.
func (sys *System) AppendFiredTo(dst []int, s SysState, a Action, to SysState) []int {
	if a.Kind != ActCall && a.Kind != ActTimer && a.Kind != ActDeliver && a.Kind != ActCrash {
		return dst
	}
	var ev Event
	a.event(&s, &ev)
	ev.Listener = sys.listens(&s, a.Side)
	ev.HasData = sys.hasData(&s, a.Side)
	var out Outcome
	sys.Machine.step(&out, &s.Ep[a.Side], &ev)
	dst = out.Fired.AppendTo(dst)
	if out.Next.State == StateClosed && to.Ep[a.Side].State == StateListen && s.Ep[a.Side].State != StateClosed {
		listen := Listen()
		var relisten Outcome
		sys.Machine.step(&relisten, &out.Next, &listen)
		dst = relisten.Fired.AppendTo(dst)
	}
	return dst
}

// event sets *ev, the zero Event, to the event a call, timer, delivery or crash feeds the
// side's endpoint in s. A new TCB reads the host's ISN clock one past its latest
// (SysState.Clock). It fills ev field by field rather than returning a value, which the
// compiler would build aside and copy.
func (a *Action) event(s *SysState, ev *Event) {
	clock := uint32(s.Clock[a.Side]) + 1
	switch a.Kind {
	case ActDeliver: // Arrive(a.Pkt.Seg, clock)
		ev.Kind, ev.Seg, ev.Clock = EvSegment, a.Pkt.Seg, clock
	case ActCrash:
		ev.Kind = EvCrash
	case ActCall:
		ev.Kind = a.Event
		if a.Event == EvOpen {
			ev.Clock = clock
		}
	default:
		ev.Kind = a.Event
	}
}

// apply takes a from *s, in place, and reports whether a is enabled; fired, when not nil,
// gets the rows that fire appended. When a is not enabled it leaves *s and *fired as they
// were: every check that can refuse a comes before the first change.
func (sys *System) apply(s *SysState, a Action, fired *[]int) bool {
	cfg := &sys.Config
	if a.Side > B {
		return false
	}
	switch a.Kind {
	case ActCall:
		if callEvents&(1<<a.Event) == 0 {
			return false
		}
		return sys.call(s, a, fired)
	case ActTimer:
		if timerEvents&(1<<a.Event) == 0 {
			return false
		}
		// A timer may expire at any moment while it runs, whatever is in flight; the
		// rows say when it runs. What its expiry implies about time is a timing
		// assumption (Config.Timing), applied here.
		if !sys.timerMayExpire(s, a) {
			return false
		}
		var ev Event
		a.event(s, &ev)
		var out Outcome
		if !sys.prepare(s, a.Side, &ev, 0, &out) {
			return false
		}
		peer := s.Ghost[a.Side].Peer // newerThan reads it from before the step
		sys.commit(s, a.Side, &ev, nil, &out, fired)
		if slowTimers&(1<<a.Event) != 0 {
			s.limiterIntervalPassed()
			s.Timed = s.Timed || s.oldSYNOpened()
		}
		if a.Event == EvTimeWait && !cfg.Timing.NoMSL {
			s.Net = s.Net.Keep(newerThan(a.Side, peer))
		}
		return true
	case ActDeliver:
		if a.Side != a.Pkt.Dst() {
			return false
		}
		i := s.Net.index(a.Pkt)
		if i < 0 {
			return false
		}
		var ev Event
		a.event(s, &ev)
		var out Outcome
		if !sys.prepare(s, a.Side, &ev, 1, &out) {
			return false
		}
		s.Net.removeAt(i)
		sys.commit(s, a.Side, &ev, &a.Pkt, &out, fired)
		return true
	case ActLose:
		if s.Left.Loss == 0 || !s.Net.remove(a.Pkt) {
			return false
		}
		s.Left.Loss--
		if sys.Tracks&(GhostOpen|GhostLost) == 0 || s.Net.index(a.Pkt) >= 0 || a.Pkt.From == PreRun || !sys.unreceived(s, &a.Pkt) {
			// A copy is still in flight, the segment is of the connection before the run,
			// or its receiver already has what it carries: nothing is lost for good.
			return true
		}
		seg := &a.Pkt.Seg
		open, lost := sys.Tracks&GhostOpen != 0 && !s.Opened, sys.Tracks&GhostLost != 0
		switch {
		case seg.Flags.Has(SYN | ACK):
			if open {
				s.Lost |= LostSYNACK
			}
		case seg.Flags.Has(SYN):
			if open {
				s.Lost |= LostSYN
			}
		case seg.Flags.Has(FIN):
			if lost {
				s.Lost |= LostFIN
			}
		case seg.Len > 0:
			if lost {
				s.Lost |= LostData
			}
		}
		return true
	case ActDup:
		if s.Left.Dup == 0 || s.Net.index(a.Pkt) < 0 || sys.partitioned(s) {
			return false
		}
		if !s.Net.add(a.Pkt, cfg.Capacity) {
			return false
		}
		s.Left.Dup--
		return true
	case ActInject:
		if s.Left.Inject == 0 || a.Pkt.From != PreRun || sys.partitioned(s) {
			return false
		}
		if !s.Net.add(a.Pkt, cfg.Capacity) {
			return false
		}
		s.Left.Inject--
		return true
	case ActPartition:
		if s.Left.Partition == 0 || a.Side != A {
			return false
		}
		// Fault, partition: every segment in flight dies with the path, and commit
		// drops every later one.
		s.Left.Partition--
		s.Net = Network{}
		return true
	case ActCrash:
		if s.Left.Crash == 0 {
			return false
		}
		var ev Event
		a.event(s, &ev)
		var out Outcome
		if !sys.prepare(s, a.Side, &ev, 0, &out) {
			return false
		}
		sys.commit(s, a.Side, &ev, nil, &out, fired)
		s.Left.Crash--
		if !cfg.Timing.NoQuietTime {
			// Timing, the quiet time (RFC 9293 §3.4.3): a host that lost its TCBs sends
			// nothing for an MSL after it restarts, so every segment in flight at the
			// crash has died before it speaks again. Abstraction: the crash, the
			// restart and the quiet time are one step; the survivor's timers run after it.
			s.Net = Network{}
			s.limiterIntervalPassed()
		}
		return true
	}
	return false
}

// timerMayExpire applies the timing assumptions that order one timer after another's
// work: 2MSL outlasts the peer's retransmissions of its FIN, and keepalive (two hours)
// outlasts every retransmission; the user timeout is the user's choice.
func (sys *System) timerMayExpire(s *SysState, a Action) bool {
	peer := &s.Ep[a.Side.Peer()]
	switch a.Event {
	case EvTimeWait:
		// Timing: 2MSL (4 minutes) outlasts the peer's retransmissions of its FIN (R2, at
		// least 100 seconds, RFC 1122 §4.2.3.5), so TIME-WAIT does not end while the
		// peer may still retransmit the FIN it acknowledged (the peer's SND.NXT is our
		// RCV.NXT). The peer gives up after R2, so this never waits for ever.
		return sys.Config.Timing.ShortTimeWait || !peer.FinUnacked() || peer.SndNxt != s.Ep[a.Side].RcvNxt
	case EvKeepalive:
		// Timing: the keepalive interval (at least two hours, RFC 1122 §4.2.3.6)
		// outlasts the peer's retransmissions: the peer has nothing unacknowledged, or
		// has given up.
		return !sys.Config.Timing.NoKeepalive && !peer.Unacked()
	case EvUserTimeout:
		return sys.Config.calls(a.Side)&CallUserTimeout != 0
	}
	return true
}

// newerThan is what survives the end of side's 2MSL (Timing, the maximum segment
// lifetime, RFC 9293 §3.4.1 and §3.6), peer being the side's Ghost.Peer when the timer
// expired: TIME-WAIT has lasted 2MSL since the last segment of its connection arrived, so
// every segment of that connection and of earlier ones has died; only segments from a
// newer TCB of the peer may still be in flight.
func newerThan(side Side, peer TCB) func(Packet) bool {
	return func(p Packet) bool {
		return p.Src != side && p.From != NoTCB && peer != NoTCB && p.From > peer
	}
}

// call performs a user call, within the side's allowed calls and budgets.
func (sys *System) call(s *SysState, a Action, fired *[]int) bool {
	cfg := &sys.Config
	side, ev := a.Side, a.Event
	for _, c := range callOrder {
		if c.ev == ev && cfg.calls(side)&c.bit == 0 {
			return false
		}
	}
	g := &s.Ghost[side]
	ep := &s.Ep[side]
	// An active OPEN in LISTEN changes the connection from passive to active (RFC 9293
	// §3.10.1, LISTEN STATE): the same incarnation, not a new one.
	newIncarnation := (ev == EvOpen || ev == EvListen) && ep.State != StateListen
	switch ev {
	case EvOpen, EvListen:
		if newIncarnation && g.Opens >= cfg.Incarnations {
			return false
		}
	case EvSend:
		if ep.DataSent(sys.Machine.Space) >= uint32(cfg.Units[side]) {
			return false
		}
	case EvClose, EvAbort:
		// Abstraction: a server does not stop listening, and a passive opener's user sees
		// a connection only once it is ESTABLISHED (as accept() does), so it cannot close
		// or abort one in SYN-RECEIVED.
		if ep.State == StateListen || (ep.State == StateSynReceived && ep.Passive) {
			return false
		}
	}
	var e Event
	a.event(s, &e)
	var out Outcome
	if !sys.prepare(s, side, &e, 0, &out) {
		return false
	}
	switch {
	case newIncarnation:
		g.Opens++
	case ev == EvSend:
		g.Sent++
	}
	sys.commit(s, side, &e, nil, &out, fired)
	if ev == EvOpen {
		// The data unit an OPEN sends with its SYN is the user's (variant syn-data).
		s.Ghost[side].Sent += uint8(s.Ep[side].DataSent(sys.Machine.Space))
	}
	return true
}

// prepare steps the endpoint of side in s on ev into *out, the zero Outcome, and reports
// whether the system can take the step: a row handles the event, and the network has room
// for what the step emits once leaving packets (1 for the packet delivered, else 0) are
// off it. It changes nothing in s: commit does.
func (sys *System) prepare(s *SysState, side Side, ev *Event, leaving int, out *Outcome) bool {
	ev.Listener = sys.listens(s, side)
	ev.HasData = sys.hasData(s, side)
	sys.Machine.step(out, &s.Ep[side], ev)
	// Abstraction: a full network refuses the action rather than losing the segment;
	// losses come only from the Loss budget. (Network.add takes a packet while the bag
	// holds fewer than the capacity and than MaxCapacity.)
	room := min(sys.Config.Capacity, MaxCapacity) - (int(s.Net.N) - leaving)
	return out.OK && out.Emit.Len() <= room
}

// commit applies to s, in place, a step of side's endpoint that prepare accepted: out is
// its outcome, ev the event and cause the delivered packet, if any, already taken off the
// network. It sets the endpoint, puts what it emits on the network and updates the ghost
// data; fired, when not nil, gets the rows that fire appended.
func (sys *System) commit(s *SysState, side Side, ev *Event, cause *Packet, out *Outcome, fired *[]int) {
	before := s.Ep[side]
	if fired != nil {
		*fired = out.Fired.AppendTo(*fired)
	}
	after := out.Next
	g := &s.Ghost[side]
	// Judged before the step changes the side's TCB.
	stale := cause != nil && s.stale(cause)
	reopened := before.State == StateTimeWait && after.State == StateSynReceived
	if reopened {
		// The listener's new TCB in place of TIME-WAIT (RFC 9293 §3.6.1): the user's next
		// passive OPEN, which the server would have made once TIME-WAIT ended.
		g.Opens++
	}
	newTCB := !before.State.HasTCB() && after.State.HasTCB() || reopened
	if newTCB {
		s.Step |= twiceFacts(g, cause, out) // before the ghost of the previous TCB goes
	}
	s.Step |= strangerFacts(&before, g.Peer, cause, stale)
	if newTCB {
		// A new TCB: the host's ISN clock has ticked (see SysState.Clock), and what the
		// ghost counts starts again.
		s.Clock[side]++
		*g = Ghost{Peer: NoTCB, Opens: g.Opens, Stale: g.Stale, StaleRun: g.StaleRun, Graceful: g.Graceful, Moved: g.Moved}
	}
	if cause != nil && before.State == StateSynReceived && g.Peer == PreRun && !after.State.HasTCB() &&
		cause.Seg.Flags.Has(RST) && cause.From != NoTCB {
		// A TCB an old SYN opened, reset by a TCB of the peer: RFC 9293 §3.5 Figure 8.
		g.Stale |= StaleCleared
	}
	if cause != nil && (learnsIRS(before, after) || reopened) {
		g.Peer = cause.From
		g.SimOpen = before.State == StateSynSent && after.State == StateSynReceived
	}
	if cause != nil && !before.State.Synchronized() && after.State.Synchronized() {
		g.Agreed = cause.From == g.Peer && cause.To == TCB(s.Clock[side])
	}
	if stale {
		// An old segment from a TCB its sender no longer holds belongs to a closed
		// connection: what TIME-WAIT is there to keep from the next one.
		closed := s.closedGracefully(cause)
		g.markStale(before.State, after.State, closed, out.Delivered)
		if before.State != after.State {
			g.Moved |= 1 << s.Clock[side]
		}
	}
	if sys.Tracks&GhostClose != 0 && cause != nil && cause.Seg.Flags.Has(RST) && g.Closes > 0 && before.State != StateTimeWait &&
		before.State.HasTCB() && (after.State == StateClosed || after.State == StateListen) &&
		g.Agreed {
		// A reset ended a TCB whose user had called CLOSE: in LAST-ACK or CLOSING the RFC
		// tells nobody (§3.10.7.4), but the close ended in a reset, not in its handshake.
		// A TCB in TIME-WAIT has finished its close (what a reset there does is RFC 1337's);
		// only a connection established at both ends (Agreed) has a close to end: a TCB an
		// old or abandoned SYN opened is rightly reset.
		s.ResetOnClose = true
	}
	if sys.Tracks&GhostTimers != 0 && slowTimers&(1<<ev.Kind) != 0 {
		s.TimerExpired = true
	}
	if sys.Tracks&GhostOpen != 0 && !s.Opened && (slowTimers&(1<<ev.Kind) != 0 || out.Report.IsReset() || ev.Kind == EvClose || ev.Kind == EvAbort) {
		s.Troubled = true
	}
	switch {
	case sys.Tracks&(GhostClose|GhostOpen) == 0:
	case ev.Kind == EvGiveUp || ev.Kind == EvUserTimeout || ev.Kind == EvAbort || ev.Kind == EvCrash:
		if before.State.HasTCB() && before.State != after.State {
			s.Abrupt = true
		}
	case ev.Kind == EvClose:
		// CLOSE in SYN-SENT deletes the TCB without a FIN (RFC 9293 §3.10.4): the user
		// abandons the open, and a peer that took its SYN has a connection nobody closes.
		if before.State == StateSynSent && !after.State.HasTCB() {
			s.Abrupt = true
		}
	}
	g.record(ev.Kind, before.State, out)
	if !g.MovedByOld(TCB(s.Clock[side])) && (after.State == StateTimeWait && before.State != StateTimeWait ||
		before.State.HasTCB() && !after.State.HasTCB() && gracefulEnd(&before, ev, out, cause, g.Peer)) {
		// The TCB has closed gracefully: it holds TIME-WAIT, or leaves LAST-ACK (or, in a
		// variant without TIME-WAIT, its closing state) after both FINs. How TIME-WAIT
		// then ends (2MSL, a reset under RFC 1337's hazard, an abort in a variant) does
		// not undo that: a TIME-WAIT cut short is the hazard clean-time-wait is about.
		g.Graceful |= 1 << s.Clock[side]
	}
	s.Ep[side] = after
	if cause != nil {
		s.Step |= sys.segmentFacts(&before, &after, &cause.Seg, out)
	}
	if ev.Kind == EvRetransmit || ev.Kind == EvGiveUp {
		s.Step |= sys.timerFacts(ev.Kind, &before, &after)
	}
	if ev.Kind == EvKeepalive {
		s.Step |= keepaliveFacts(&before, out)
	}
	if sys.Tracks&GhostHalfOpen != 0 && sys.Config.Faults.Crash > 0 {
		sys.trackHalfOpen(s, side, ev, cause, &before, &after)
	}
	s.Step |= listenerFacts(ev.Kind, &before, &after)
	s.Step |= heldAckFacts(ev.Kind, &before, &after, out)
	if cause == nil && callEvents&(1<<ev.Kind) != 0 {
		s.Step |= callFacts(ev.Kind, &before, &after, out, sys.Machine.ISN(after.Host, ev.Clock))
	}
	opens := sys.Tracks&GhostOpen != 0 && !s.Opened && s.openNow()
	partitioned := sys.partitioned(s)
	closes := sys.Tracks&ghostCloseCount == ghostCloseCount && s.Opened && !opens
	if closes && (s.TimerExpired || s.Abrupt || s.Left != sys.Config.Faults) {
		// A touched run's close is not judged: its count would only split states.
		closes = false
		if s.Closing && s.CloseSegs < CloseUntested {
			s.CloseSegs = CloseUntested
		}
	}
	// What this step sends answers a segment the receiver drops, an old or overtaken one,
	// and so is not the close's (countClose): one the window does not take (§3.10.7.4 first
	// check), or one whose ACK is older than SND.UNA - MAX.SND.WND or acknowledges what was
	// never sent (the fifth check, RFC 5961 §5.2). Both are the network's doing: with a
	// one-unit window a pure ACK that overtakes data draws B's ACK of RCV.NXT, which
	// reaches A after A's SND.UNA has moved on and draws a challenge ACK
	// (close-reorder.scn). An answer that lets a held ACK go is still counted.
	answer := closes && cause != nil && (sys.unacceptable(&before, &cause.Seg) || sys.ackOutOfRange(&before, &cause.Seg))
	for _, seg := range out.Emit.Segments() {
		if sys.Tracks&GhostOpen != 0 && !s.Opened && !opens && s.OpenSegs < maxOpenSegs && seg.Len == 0 && !seg.Flags.Has(FIN) && !seg.Flags.Has(RST) {
			s.OpenSegs++
		}
		if closes {
			s.countClose(side, &before, &after, &seg, answer)
		}
		p := Packet{Src: side, Seg: seg, From: NoTCB, To: NoTCB}
		if before.State.HasTCB() || after.State.HasTCB() {
			p.From, p.To = TCB(s.Clock[side]), g.Peer
		}
		if seg.Flags.Has(RST) && cause != nil {
			// A reset answering a segment is meant for the TCB that sent it.
			p.To = cause.From
		}
		if partitioned {
			continue // lost on the failed path
		}
		if !s.Net.add(p, sys.Config.Capacity) {
			panic("fsm: the network refused a segment prepare made room for")
		}
	}
	if after.State > StateEstablished && s.oldSYNOpened() {
		s.Timed = true
	}
	if opens {
		s.open(!s.Troubled && !s.Abrupt && s.Left == sys.Config.Faults)
	}
	if closes && s.Closing && s.CloseSegs < CloseUntested && closeDone(&before, &after, &s.Ep[side.Peer()]) {
		s.judgeClose()
	}
	// A server keeps listening: when the passive side's connection ends, it is back in
	// LISTEN at once while it has incarnations left (folding the user's next passive OPEN
	// into this step saves an interleaving that teaches nothing).
	if sys.Config.Shape == ClientServer && side == B && before.State != StateClosed &&
		after.State == StateClosed && g.Opens < sys.Config.Incarnations {
		g.Opens++
		listen := Listen()
		var relisten Outcome
		sys.Machine.step(&relisten, &after, &listen)
		if fired != nil {
			*fired = relisten.Fired.AppendTo(*fired)
		}
		s.Ep[side] = relisten.Next
	}
}

// partitioned reports whether the path between the hosts has failed (Faults.Partition).
func (sys *System) partitioned(s *SysState) bool {
	return s.Left.Partition < sys.Config.Faults.Partition
}

// hasData reports whether side's user has data units left to send on a new connection
// (Event.HasData): its SEND budget (Config.Units) for one incarnation.
func (sys *System) hasData(s *SysState, side Side) bool {
	return sys.Config.Units[side] > 0 && sys.Config.calls(side)&CallSend != 0
}

// listens reports whether side's host listens on the port, so that a SYN may reopen a
// connection from TIME-WAIT (Event.Listener): the server, while it would listen again
// once its connection is CLOSED.
func (sys *System) listens(s *SysState, side Side) bool {
	return sys.Config.Shape == ClientServer && side == B && s.Ghost[side].Opens < sys.Config.Incarnations
}

// closedGracefully reports whether the old packet p belongs to a connection of this run
// that closed gracefully: its sender no longer holds the TCB it came from, that TCB closed
// gracefully (Ghost.Graceful), and no old segment moved the TCB it was meant for (when it
// knew it). A connection one of whose ends an older connection's segment moved (an old
// FIN taken for the peer's, then a reset instead of TIME-WAIT) was disturbed before it
// closed: the ISN clock had already failed it, and its segments are no-stale-acceptance's
// to judge, not TIME-WAIT's to keep out. The receiving end need not have closed gracefully
// itself: without TIME-WAIT its last ACK draws a reset (no-time-wait, time-wait.scn).
func (s *SysState) closedGracefully(p *Packet) bool {
	if p.From == PreRun || s.Holds(p.Src, p.From) || !s.Ghost[p.Src].EndedGracefully(p.From) {
		return false
	}
	return !s.Ghost[p.Dst()].MovedByOld(p.To)
}

// gracefulEnd reports whether a step that deletes the TCB before ends a connection that
// closed gracefully: both FINs were exchanged (the peer's perhaps in this step), ours was
// acknowledged (perhaps by this step, then by a segment of peer, the TCB whose SYN ours
// accepted), and the user was not told of a reset, abort or timeout. Such a TCB is in
// TIME-WAIT, or leaves LAST-ACK on its peer's ACK of its FIN (or, in a variant without
// TIME-WAIT, goes straight to CLOSED). A reset that ends TIME-WAIT early (RFC 1337) does
// not make the close less graceful: that is a hazard TIME-WAIT is for.
//
// The ACK must be the peer's because a peer that acknowledges the FIN that LAST-ACK waits
// for holds TIME-WAIT for it (RFC 9293 §3.6): what keeps the TCB's old segments from
// the next connection. A TCB of a later connection of the peer's host can acknowledge
// it too (one that an old duplicate of this TCB's SYN opened after the peer gave up, at
// incarnations=3 with the ISN clock dropped); then nobody holds TIME-WAIT for this
// connection, whose close was cut short by the peer's timeout, and its old segments are
// no-stale-acceptance's to judge, not clean-time-wait's.
func gracefulEnd(before *Endpoint, ev *Event, out *Outcome, cause *Packet, peer TCB) bool {
	if !before.State.FinSent() || out.Report.IsReset() || ev.Kind == EvCrash || ev.Kind == EvAbort {
		return false
	}
	seg := ev.Seg
	finAcked := before.SndUna == before.SndNxt ||
		ev.Kind == EvSegment && !seg.Flags.Has(RST) && seg.Flags.Has(ACK) && seg.Ack == before.SndNxt && cause != nil && cause.From == peer
	return finAcked && (before.State.FinReceived() || out.Report == ReportClosing)
}

// unreceived reports whether p's receiver has not yet taken what p carries: a SYN from a
// TCB its sender still holds that its receiver, listening or in SYN-SENT, has not taken (a
// SYN,ACK: the TCB it is meant for is still in SYN-SENT), or data or a FIN at or beyond
// RCV.NXT of the TCB it is meant for.
func (sys *System) unreceived(s *SysState, p *Packet) bool {
	dst := &s.Ep[p.Dst()]
	if p.Seg.Flags.Has(SYN) {
		if !s.Holds(p.Src, p.From) {
			return false // its sender has given the TCB up
		}
		if p.Seg.Flags.Has(ACK) {
			return dst.State == StateSynSent && p.To == TCB(s.Clock[p.Dst()])
		}
		return dst.State == StateListen || dst.State == StateSynSent || dst.State == StateClosed
	}
	return dst.State.HasTCB() && p.To == TCB(s.Clock[p.Dst()]) &&
		sys.Machine.Space.InWindow(p.Seg.Seq, dst.RcvNxt, sys.Machine.Window)
}

// limiterIntervalPassed clears both rate limiters (Endpoint.Throttled). Timing: a slow timer's
// (slowTimers) expiry means at least an RTO (1 s, RFC 6298 §2.4) has passed, more than the interval in
// which an endpoint answers one unacceptable segment (Linux's tcp_invalid_ratelimit,
// 500 ms); so does a crash's quiet time.
func (s *SysState) limiterIntervalPassed() {
	s.Ep[A].Throttled, s.Ep[B].Throttled = false, false
}

// oldSYNOpened reports whether an old segment has opened a TCB at either side.
func (s *SysState) oldSYNOpened() bool {
	return (s.Ghost[A].Stale|s.Ghost[B].Stale)&StaleOpened != 0
}

// learnsIRS reports whether a step from before to after took the peer's SYN: the TCB had
// no IRS and now has one.
func learnsIRS(before, after Endpoint) bool {
	had := before.State.HasTCB() && before.State != StateSynSent
	has := after.State.HasTCB() && after.State != StateSynSent
	return !had && has
}

// markStale records what an old segment did to the side: the state change from -> to,
// and the units it delivered; closed says the segment is of a connection of this run that
// has closed gracefully.
func (g *Ghost) markStale(from, to State, closed bool, delivered uint32) {
	switch {
	case from == to:
	case to == StateClosed || to == StateListen:
		g.Stale |= StaleReset
	case to == StateSynReceived && (from == StateListen || from == StateSynSent):
		g.Stale |= StaleOpened
	default:
		g.Stale |= StaleMoved
	}
	if delivered > 0 {
		g.Stale |= StaleData
	}
	synced := from != to && to.Synchronized()
	if closed && (synced || delivered > 0) {
		g.StaleRun = true
	}
}

// record counts what the step told and gave the user: resets, delivered units (and
// whether they came in FIN-WAIT-2, the half-close at work), and CLOSE calls.
func (g *Ghost) record(ev EventKind, from State, out *Outcome) {
	if out.Report.IsReset() {
		g.Told = true
	}
	g.Delivered += uint8(out.Delivered)
	if out.Delivered > 0 && from == StateFinWait2 {
		g.HalfCloseData = true
	}
	if ev == EvClose {
		g.Closes++
	}
}
