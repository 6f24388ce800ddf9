package twin

import "fmt"

// Rule is one of the anchor model's rules: an option of tcp.pml's do-loop, a rule (or
// ruleset) of tcp.m. Rules are listed in the do-loop's order, which is also the order in
// which Actions lists them.
type Rule uint8

const (
	RuleOpen    Rule = iota // "A open(iss)": OPT_OPEN, one per ISS
	RuleClose               // "close": one per endpoint
	RuleDeliver             // "deliver(slot, iss)": OPT_DELIVER, one per distinct slot and ISS
	RuleLoss                // "loss(slot)": OPT_LOSE, one per distinct slot
	RuleDup                 // "dup(slot)": OPT_DUP, one per distinct slot
	RuleOldSyn              // "old SYN(seq)": OPT_OLDSYN, one per seq
	RuleRtx                 // "retransmission timeout": one per endpoint
	Rule2MSL                // "2MSL timeout": one per endpoint
	RuleIdle                // "idle": the self-loop of terminal states
	numRules
)

// ruleNames are tcp.m's rule names, which Rumur prints in traces.
var ruleNames = [numRules]string{
	"A open(iss)", "close", "deliver(slot, iss)", "loss(slot)", "dup(slot)", "old SYN(seq)",
	"retransmission timeout", "2MSL timeout", "idle",
}

// String is the rule's name in tcp.m.
func (r Rule) String() string {
	if r < numRules {
		return ruleNames[r]
	}
	return fmt.Sprintf("Rule(%d)", uint8(r))
}

// Action is one rule instance: a rule and the values of its ruleset parameters. It is what
// tcp.pml's FOR_V/FOR_S expansions make one do-loop option of.
type Action struct {
	Rule Rule
	// Arg is the ruleset parameter: the ISS of "A open(iss)", the seq of "old SYN(seq)", the
	// endpoint (A or B) of "close", "retransmission timeout" and "2MSL timeout", the slot of
	// "deliver(slot, iss)", "loss(slot)" and "dup(slot)".
	Arg uint8
	// ISS is deliver's v: the ISS the receiver picks if the segment takes it out of LISTEN.
	// It ranges over the sequence space only for such a segment (NEEDS_ISS) and is 0
	// otherwise, so a delivery that chooses nothing is one transition, not SEQ_N.
	ISS uint8
}

// hasRoom is NET_HAS_ROOM: the last slot is free.
func (m *Model) hasRoom(s *State) bool { return s.Net[m.cap-1] == 0 }

// distinct is DISTINCT(i): slot i holds a segment and is its first copy, so that two copies
// of a segment give one rule instance, not two leading to the same state.
func distinct(s *State, i int) bool {
	return s.Net[i] != 0 && (i == 0 || s.Net[i] != s.Net[i-1])
}

// needsISS is NEEDS_ISS(c): a SYN without RST or ACK reaching an endpoint in LISTEN, which
// will choose its ISS.
func needsISS(s *State, c Seg) bool {
	return s.St[1-c.Src()] == Listen && c.Flags()&(FlagSYN|FlagRST|FlagACK) == FlagSYN
}

// closeEnabled is CLOSE_ENABLED(e).
func (m *Model) closeEnabled(s *State, e int) bool {
	return (e == A && s.St[e] == SynSent) ||
		((s.St[e] == Established || s.St[e] == CloseWait) && m.hasRoom(s))
}

// rtxEnabled is RTX_ENABLED(e): a budget left, room, and something unacknowledged to resend.
func (m *Model) rtxEnabled(s *State, e int) bool {
	if s.RtxLeft[e] == 0 || !m.hasRoom(s) {
		return false
	}
	switch s.St[e] {
	case SynSent, SynRcvd, FinWait1, Closing, LastAck:
		return true
	}
	return false
}

// twEnabled is TW_ENABLED(e): TIME-WAIT, and no segment from the peer in flight.
// Abstraction: 2MSL is "the peer has nothing left to say", not a duration.
func (m *Model) twEnabled(s *State, e int) bool {
	if s.St[e] != TimeWait {
		return false
	}
	for k := 0; k < m.cap; k++ {
		if c := s.Net[k]; c != 0 && int(c.Src()) == 1-e {
			return false
		}
	}
	return true
}

// terminal is TERMINAL: A CLOSED and B CLOSED or LISTEN.
func terminal(s *State) bool {
	return s.St[A] == Closed && (s.St[B] == Closed || s.St[B] == Listen)
}

// Actions appends the rule instances enabled in s, in the order of tcp.pml's do-loop
// options: every instance appended is one SPIN transition (and one Rumur rule firing).
func (m *Model) Actions(s State, dst []Action) []Action {
	room := m.hasRoom(&s)
	// FOR_V(OPT_OPEN): A open(iss), one per ISS.
	if s.St[A] == Closed && !s.AOpened && room {
		for v := uint8(0); v < m.n; v++ {
			dst = append(dst, Action{Rule: RuleOpen, Arg: v})
		}
	}
	// A close, B close.
	for e := A; e <= B; e++ {
		if m.closeEnabled(&s, e) {
			dst = append(dst, Action{Rule: RuleClose, Arg: uint8(e)})
		}
	}
	// FOR_S(DELIVER_ROW): deliver(slot, iss), v = 0 or any v when the segment NEEDS_ISS.
	for i := 0; i < m.cap; i++ {
		if !distinct(&s, i) {
			continue
		}
		nv := uint8(1)
		if needsISS(&s, s.Net[i]) {
			nv = m.n
		}
		for v := uint8(0); v < nv; v++ {
			dst = append(dst, Action{Rule: RuleDeliver, Arg: uint8(i), ISS: v})
		}
	}
	// FOR_S(OPT_LOSE): loss(slot).
	if s.LossLeft > 0 {
		for i := 0; i < m.cap; i++ {
			if distinct(&s, i) {
				dst = append(dst, Action{Rule: RuleLoss, Arg: uint8(i)})
			}
		}
	}
	// FOR_S(OPT_DUP): dup(slot).
	if s.DupLeft > 0 && room {
		for i := 0; i < m.cap; i++ {
			if distinct(&s, i) {
				dst = append(dst, Action{Rule: RuleDup, Arg: uint8(i)})
			}
		}
	}
	// FOR_V(OPT_OLDSYN): old SYN(seq).
	if s.OldSynLeft > 0 && room {
		for v := uint8(0); v < m.n; v++ {
			dst = append(dst, Action{Rule: RuleOldSyn, Arg: v})
		}
	}
	// A, B retransmission timeout; A, B 2MSL timeout.
	for e := A; e <= B; e++ {
		if m.rtxEnabled(&s, e) {
			dst = append(dst, Action{Rule: RuleRtx, Arg: uint8(e)})
		}
	}
	for e := A; e <= B; e++ {
		if m.twEnabled(&s, e) {
			dst = append(dst, Action{Rule: Rule2MSL, Arg: uint8(e)})
		}
	}
	// idle: the self-loop that makes terminal states no deadlock; it is a transition too.
	if terminal(&s) {
		dst = append(dst, Action{Rule: RuleIdle})
	}
	return dst
}

// enabled is the guard of a's rule, so that Next is defined for any action, not only those
// Actions listed.
func (m *Model) enabled(s *State, a Action) bool {
	if a.ISS != 0 && a.Rule != RuleDeliver {
		return false // not an action Actions makes: only deliver has an ISS
	}
	switch a.Rule {
	case RuleOpen:
		return a.Arg < m.n && s.St[A] == Closed && !s.AOpened && m.hasRoom(s)
	case RuleClose:
		return a.Arg <= B && m.closeEnabled(s, int(a.Arg))
	case RuleDeliver:
		i := int(a.Arg)
		return i < m.cap && distinct(s, i) && a.ISS < m.n && (a.ISS == 0 || needsISS(s, s.Net[i]))
	case RuleLoss:
		return int(a.Arg) < m.cap && s.LossLeft > 0 && distinct(s, int(a.Arg))
	case RuleDup:
		return int(a.Arg) < m.cap && s.DupLeft > 0 && m.hasRoom(s) && distinct(s, int(a.Arg))
	case RuleOldSyn:
		return a.Arg < m.n && s.OldSynLeft > 0 && m.hasRoom(s)
	case RuleRtx:
		return a.Arg <= B && m.rtxEnabled(s, int(a.Arg))
	case Rule2MSL:
		return a.Arg <= B && m.twEnabled(s, int(a.Arg))
	case RuleIdle:
		return a.Arg == 0 && terminal(s)
	}
	return false
}

// Next fires a from s: the body of the rule's d_step in tcp.pml. ok is false when a is not
// enabled in s.
func (m *Model) Next(s State, a Action) (State, bool) {
	if !m.enabled(&s, a) {
		return s, false
	}
	switch a.Rule {
	case RuleOpen: // user_open(v), RFC 9293 3.10.1
		v := a.Arg
		s.AOpened, s.AISS = true, v
		s.ISS[A], s.SndUna[A], s.SndNxt[A] = v, v, m.inc(v)
		s.St[A] = SynSent
		m.send(&s, A, FlagSYN, v, 0)
	case RuleClose: // user_close(e), RFC 9293 3.10.4
		e := int(a.Arg)
		if s.St[e] == SynSent {
			toClosed(&s, e)
			break
		}
		m.send(&s, e, FlagFIN|FlagACK, s.SndNxt[e], s.RcvNxt[e])
		s.SndNxt[e] = m.inc(s.SndNxt[e])
		if s.St[e] == Established {
			s.St[e] = FinWait1
		} else {
			s.St[e] = LastAck
		}
	case RuleDeliver: // deliver(i, v)
		c := s.Net[a.Arg]
		m.remove(&s, int(a.Arg))
		m.arrive(&s, int(1-c.Src()), c.Flags(), c.Seq(), c.Ack(), a.ISS)
	case RuleLoss:
		s.LossLeft--
		m.remove(&s, int(a.Arg))
	case RuleDup:
		s.DupLeft--
		m.insert(&s, s.Net[a.Arg])
	case RuleOldSyn: // Figure 8's old duplicate SYN, always from A's side
		s.OldSynLeft--
		m.insert(&s, mkSeg(A, FlagSYN, a.Arg, 0))
	case RuleRtx: // retransmit(e)
		e := int(a.Arg)
		s.RtxLeft[e]--
		switch s.St[e] {
		case SynSent:
			m.send(&s, e, FlagSYN, s.ISS[e], 0)
		case SynRcvd:
			m.send(&s, e, FlagSYN|FlagACK, s.ISS[e], s.RcvNxt[e])
		default:
			m.send(&s, e, FlagFIN|FlagACK, s.SndUna[e], s.RcvNxt[e])
		}
	case Rule2MSL:
		toClosed(&s, int(a.Arg))
	case RuleIdle:
	}
	return s, true
}

// inc is (x + 1) % SEQ_N without a division.
func (m *Model) inc(x uint8) uint8 {
	if x+1 == m.n {
		return 0
	}
	return x + 1
}

// insert is bag_insert(c): shift smaller codes right so the bag stays sorted non-increasing.
// The caller has checked NET_HAS_ROOM (tcp.pml asserts it).
func (m *Model) insert(s *State, c Seg) {
	k := m.cap - 1
	for k > 0 && s.Net[k-1] < c {
		s.Net[k] = s.Net[k-1]
		k--
	}
	s.Net[k] = c
}

// remove is bag_remove(i): shift the rest left and free the last slot.
func (m *Model) remove(s *State, i int) {
	for k := i; k < m.cap-1; k++ {
		s.Net[k] = s.Net[k+1]
	}
	s.Net[m.cap-1] = 0
}

// send emits <SEQ=sq><ACK=ak><CTL=fl> from e; the ack field is 0 unless ACK is set.
func (m *Model) send(s *State, e int, fl, sq, ak uint8) {
	if fl&FlagACK == 0 {
		ak = 0
	}
	m.insert(s, mkSeg(uint8(e), fl, sq, ak))
}

// resetTCB, toClosed, toListen and toEstablished are tcp.pml's TCB helpers.
func resetTCB(s *State, e int) {
	s.ISS[e], s.SndUna[e], s.SndNxt[e], s.IRS[e], s.RcvNxt[e] = 0, 0, 0, 0, 0
}

func toClosed(s *State, e int) { s.St[e] = Closed; resetTCB(s, e) }

func toListen(s *State, e int) { s.St[e] = Listen; resetTCB(s, e) }

func toEstablished(s *State, e int) {
	s.St[e] = Established
	if e == A {
		s.AEst = true
	}
}
