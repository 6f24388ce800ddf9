package fsm

import "fmt"

// ActionKind says what an Action does.
type ActionKind uint8

// Action kinds. Call, Timer and Crash feed an event to Side's endpoint; Deliver feeds
// it Pkt; Lose, Dup and Inject are network faults.
const (
	ActCall ActionKind = iota + 1
	ActTimer
	ActDeliver
	ActLose
	ActDup
	ActInject
	ActCrash
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

var timerOrder = []EventKind{EvRetransmit, EvTimeWait, EvUserTimeout}

// Actions appends the actions enabled in s, in a fixed order: per side its calls and
// timers; then deliveries, losses, duplications and injections per distinct packet; then
// crashes. Only actions whose Next succeeds are listed.
func (sys System) Actions(s SysState, dst []Action) []Action {
	try := func(a Action) {
		if _, ok := sys.Next(s, a); ok {
			dst = append(dst, a)
		}
	}
	for side := A; side <= B; side++ {
		for _, c := range callOrder {
			try(Action{Kind: ActCall, Side: side, Event: c.ev})
		}
		for _, t := range timerOrder {
			try(Action{Kind: ActTimer, Side: side, Event: t})
		}
	}
	distinct := s.Net.Distinct()
	for _, p := range distinct {
		try(Action{Kind: ActDeliver, Side: p.Dst(), Pkt: p})
	}
	for _, p := range distinct {
		try(Action{Kind: ActLose, Side: p.Dst(), Pkt: p})
	}
	for _, p := range distinct {
		try(Action{Kind: ActDup, Side: p.Dst(), Pkt: p})
	}
	for _, p := range sys.OldSegments() {
		try(Action{Kind: ActInject, Side: p.Dst(), Pkt: p})
	}
	for side := A; side <= B; side++ {
		try(Action{Kind: ActCrash, Side: side})
	}
	return dst
}

// OldSegments lists what an injection may add: the SYN, a data unit and the FIN of the
// incarnation before the run (tag 0), from either side, numbered by the ISN clock at
// reading 0. They stand for delayed duplicates of a previous life of the connection.
func (sys System) OldSegments() []Packet {
	m := sys.Machine
	var out []Packet
	for src := A; src <= B; src++ {
		if !sys.Config.OldFrom[src] {
			continue
		}
		iss := m.ISN(uint8(src), 0)
		peer := m.ISN(uint8(src.Peer()), 0)
		ack := m.Space.Add(peer, 1)
		out = append(out,
			Packet{Src: src, Seg: Segment{Flags: SYN, Seq: iss}},
			Packet{Src: src, Seg: Segment{Flags: ACK, Seq: m.Space.Add(iss, 1), Ack: ack, Len: 1}},
			Packet{Src: src, Seg: Segment{Flags: FIN | ACK, Seq: m.Space.Add(iss, 2), Ack: ack}},
		)
	}
	return out
}

// Next returns the state a leads to; ok is false when a is not enabled in s.
func (sys System) Next(s SysState, a Action) (SysState, bool) {
	return sys.next(s, a, nil)
}

// AppendFired appends to dst the table indices (in Machine.Rules) of the rows that fire
// when a is taken from s, in order, and returns it: the rows of the side's step, then the
// LISTEN row of a server that goes back to listening in the same step. A network fault
// fires no row; an action that is not enabled in s appends nothing. It re-runs the step
// and is as pure as Next.
func (sys System) AppendFired(dst []int, s SysState, a Action) []int {
	n := len(dst)
	if _, ok := sys.next(s, a, &dst); !ok {
		return dst[:n]
	}
	return dst
}

// next is Next, appending the rows that fire to *fired when fired is not nil.
func (sys System) next(s SysState, a Action, fired *[]int) (SysState, bool) {
	cfg := sys.Config
	switch a.Kind {
	case ActCall:
		return sys.call(s, a.Side, a.Event, fired)
	case ActTimer:
		// Abstraction: timers are slower than the network. A timer expires only when
		// nothing is in flight, so a retransmission never races the segment or its
		// acknowledgment (early retransmissions are what the Dup fault stands for), 2MSL
		// comes after every segment of the connection has died (the MSL guarantee), and
		// the user timeout is the longest of all. Traffic can then keep a timer disabled
		// for a while, never for ever: the system marks timers strongly fair (fairness.go).
		if s.Net.Len() > 0 {
			return s, false
		}
		// Abstraction: 2MSL (4 minutes) outlasts the peer's FIN retransmissions (RFC
		// 1122's R2, at least 100 seconds), so TIME-WAIT never ends while the peer may
		// still retransmit the FIN it acknowledged (the peer's SND.NXT is our RCV.NXT).
		if peer := s.Ep[a.Side.Peer()]; a.Event == EvTimeWait && peer.FinUnacked() &&
			peer.SndNxt == s.Ep[a.Side].RcvNxt {
			return s, false
		}
		if a.Event == EvUserTimeout && cfg.calls(a.Side)&CallUserTimeout == 0 {
			return s, false
		}
		return sys.step(s, a.Side, Event{Kind: a.Event}, nil, fired)
	case ActDeliver:
		net, ok := s.Net.Remove(a.Pkt)
		if !ok || a.Side != a.Pkt.Dst() {
			return s, false
		}
		s.Net = net
		return sys.step(s, a.Side, Arrive(a.Pkt.Seg, uint32(s.Clock[a.Side])+1), &a.Pkt, fired)
	case ActLose:
		net, ok := s.Net.Remove(a.Pkt)
		if !ok || s.Left.Loss == 0 {
			return s, false
		}
		s.Net = net
		s.Left.Loss--
		return s, true
	case ActDup:
		if s.Left.Dup == 0 || s.Net.Count(func(p Packet) bool { return p == a.Pkt }) == 0 {
			return s, false
		}
		net, ok := s.Net.Add(a.Pkt, cfg.Capacity)
		if !ok {
			return s, false
		}
		s.Net = net
		s.Left.Dup--
		return s, true
	case ActInject:
		if s.Left.Inject == 0 || a.Pkt.Inc != 0 {
			return s, false
		}
		net, ok := s.Net.Add(a.Pkt, cfg.Capacity)
		if !ok {
			return s, false
		}
		s.Net = net
		s.Left.Inject--
		return s, true
	case ActCrash:
		if s.Left.Crash == 0 {
			return s, false
		}
		next, ok := sys.step(s, a.Side, Event{Kind: EvCrash}, nil, fired)
		if ok {
			next.Left.Crash--
		}
		return next, ok
	}
	return s, false
}

// call performs a user call, within the side's allowed calls and budgets.
func (sys System) call(s SysState, side Side, ev EventKind, fired *[]int) (SysState, bool) {
	cfg := sys.Config
	for _, c := range callOrder {
		if c.ev == ev && cfg.calls(side)&c.bit == 0 {
			return s, false
		}
	}
	g := &s.Ghost[side]
	ep := s.Ep[side]
	e := Event{Kind: ev}
	switch ev {
	case EvOpen, EvListen:
		if g.Opens >= cfg.Incarnations {
			return s, false
		}
		g.Opens++
		if ev == EvOpen {
			// An active open starts incarnation Opens of this side.
			s.Cur = max(s.Cur, g.Opens)
			e.Clock = uint32(s.Clock[side]) + 1
		}
	case EvSend:
		if ep.DataSent(sys.Machine.Space) >= uint32(cfg.Units[side]) {
			return s, false
		}
		g.Sent++
	case EvClose, EvAbort:
		// Abstraction: a server does not stop listening, and a passive opener's user sees
		// a connection only once it is ESTABLISHED (as accept() does), so it cannot close
		// or abort one in SYN-RECEIVED.
		if ep.State == StateListen || (ep.State == StateSynReceived && ep.Passive) {
			return s, false
		}
	}
	return sys.step(s, side, e, nil, fired)
}

// step runs the endpoint of side, puts what it emits on the network and updates the
// ghost data. cause is the delivered packet, if any; fired, when not nil, gets the rows
// that fire appended.
func (sys System) step(s SysState, side Side, ev Event, cause *Packet, fired *[]int) (SysState, bool) {
	before := s.Ep[side]
	out := sys.Machine.Step(before, ev)
	if !out.OK {
		return s, false
	}
	if fired != nil {
		*fired = out.Fired.AppendTo(*fired)
	}
	after := out.Next
	g := &s.Ghost[side]
	// Judged before the step changes the side's incarnation.
	stale := cause != nil && s.Stale(*cause)
	if !before.State.HasTCB() && after.State.HasTCB() {
		// The host's ISN clock has ticked (see SysState.Clock).
		s.Clock[side]++
		g.newTCB(after.ISS, incarnationOf(g, cause))
	}
	tag := s.tagOf(side, before, after, cause)
	if stale {
		g.markStale(before.State, after.State, cause.Inc, out.Delivered)
	}
	g.record(ev.Kind, before.State, out)
	s.Ep[side] = after
	for _, seg := range out.Emit {
		net, ok := s.Net.Add(Packet{Src: side, Seg: seg, Inc: tag}, sys.Config.Capacity)
		if !ok {
			// Abstraction: a full network refuses the action rather than losing the
			// segment; losses come only from the Loss budget.
			return s, false
		}
		s.Net = net
	}
	// A server keeps listening: when the passive side's connection ends, it is back in
	// LISTEN at once while it has incarnations left (folding the user's next passive OPEN
	// into this step saves an interleaving that teaches nothing).
	if sys.Config.Shape == ClientServer && side == B && before.State != StateClosed &&
		after.State == StateClosed && g.Opens < sys.Config.Incarnations {
		g.Opens++
		relisten := sys.Machine.Step(after, Listen())
		if fired != nil {
			*fired = relisten.Fired.AppendTo(*fired)
		}
		s.Ep[side] = relisten.Next
	}
	return s, true
}

// incarnationOf is the incarnation of a TCB the side is creating: its OPEN count for an
// active open or a user call, the segment's incarnation for one a segment creates.
func incarnationOf(g *Ghost, cause *Packet) uint8 {
	if cause != nil {
		return cause.Inc
	}
	return g.Opens
}

// newTCB records a new TCB of incarnation inc with the given ISS.
func (g *Ghost) newTCB(iss Seq, inc uint8) {
	if inc != g.Inc {
		// Counters and reports are per incarnation: what happened to earlier ones does
		// not matter to this one, and forgetting it keeps the state space small.
		g.Sent, g.Delivered, g.Closes, g.Told, g.HalfCloseData = 0, 0, 0, false, false
	}
	g.Inc = inc
	g.ISS = iss
	if !g.HasTaken(inc) {
		g.Took |= 1 << inc
		g.ISSOf[inc] = iss
	}
}

// tagOf is the incarnation the segments a step of side emits belong to: the TCB's, or,
// without a TCB, the segment's that the step answers (a reset belongs to the connection of
// the segment it answers), or the current one.
func (s SysState) tagOf(side Side, before, after Endpoint, cause *Packet) uint8 {
	switch {
	case before.State.HasTCB() || after.State.HasTCB():
		return s.Ghost[side].Inc
	case cause != nil:
		return cause.Inc
	}
	return s.Cur
}

// markStale records what a segment of an earlier incarnation (of incarnation inc) did to
// the side: the state change from -> to, and the units it delivered.
func (g *Ghost) markStale(from, to State, inc uint8, delivered uint32) {
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
	if inc >= 1 && (synced || delivered > 0) {
		g.StaleRun = true
	}
}

// record counts what the step told and gave the user: resets, delivered units (and
// whether they came in FIN-WAIT-2, the half-close at work), and CLOSE calls.
func (g *Ghost) record(ev EventKind, from State, out Outcome) {
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

// Label names an action the way counterexample stories print it, e.g.
// "B deliver <SEQ=1><CTL=SYN>". A packet older than the current incarnation is marked
// "old#k". The label leaves out the resulting state change, because the checker takes the
// label as the action's identity for fairness; Story adds it.
func (sys System) Label(s SysState, a Action) string {
	switch a.Kind {
	case ActCall:
		return fmt.Sprintf("%s %s", a.Side, a.Event)
	case ActTimer:
		return fmt.Sprintf("%s timeout %s", a.Side, a.Event)
	case ActCrash:
		return fmt.Sprintf("%s crash", a.Side)
	}
	old := ""
	if a.Pkt.Inc < s.Cur {
		old = fmt.Sprintf(" old#%d", a.Pkt.Inc)
	}
	return fmt.Sprintf("%s %s %s%s", a.Side, a.Kind.verb(), a.Pkt.Seg, old)
}

// Story is Label plus the state change of the side acted on, e.g.
// "B deliver <SEQ=3><CTL=SYN> (LISTEN -> SYN-RECEIVED)".
func (sys System) Story(s SysState, a Action) string {
	label := sys.Label(s, a)
	next, ok := sys.Next(s, a)
	if !ok {
		return label + " (not enabled)"
	}
	from, to := s.Ep[a.Side].State, next.Ep[a.Side].State
	if from == to || a.Kind == ActLose || a.Kind == ActDup || a.Kind == ActInject {
		return label
	}
	return fmt.Sprintf("%s (%s -> %s)", label, from, to)
}

// Fair: delivery, timers and the user's ordinary calls are weakly fair (timers strongly,
// see StrongFair); faults, ABORT, the user timeout and crashes are not, so liveness never
// relies on them.
func (sys System) Fair(s SysState, a Action) bool {
	switch a.Kind {
	case ActDeliver:
		return true
	case ActTimer:
		return a.Event != EvUserTimeout
	case ActCall:
		return a.Event != EvAbort
	}
	return false
}

// Project draws a state as its two endpoint states.
func (sys System) Project(s SysState) string {
	return fmt.Sprintf("A=%s B=%s", s.Ep[A].State, s.Ep[B].State)
}

// ProjectAction draws an action without numbers, e.g. "B deliver SYN,ACK".
func (sys System) ProjectAction(s SysState, a Action) string {
	switch a.Kind {
	case ActCall, ActTimer, ActCrash:
		return sys.Label(s, a)
	}
	return fmt.Sprintf("%s %s %s", a.Side, a.Kind.verb(), a.Pkt.Seg.Flags)
}

func (k ActionKind) verb() string {
	switch k {
	case ActCall:
		return "call"
	case ActTimer:
		return "timeout"
	case ActDeliver:
		return "deliver"
	case ActLose:
		return "lose"
	case ActDup:
		return "dup"
	case ActInject:
		return "inject"
	case ActCrash:
		return "crash"
	}
	return "action?"
}
