package fsm

import "fmt"

// StaleMark records, per side, what segments of an earlier incarnation have done to it.
// It is sticky ghost data: set once, never cleared.
type StaleMark uint8

// Stale effects.
const (
	// StaleOpened: an old SYN opened a TCB (LISTEN or SYN-SENT to SYN-RECEIVED). The RFC
	// allows this and recovers with a reset (§3.5, Figure 8).
	StaleOpened StaleMark = 1 << iota
	// StaleReset: an old segment (or a reply to one) moved the side to CLOSED or LISTEN.
	StaleReset
	// StaleMoved: an old segment caused any other state change, e.g. into ESTABLISHED or
	// CLOSE-WAIT: an old duplicate accepted.
	StaleMoved
	// StaleData: data of an old segment was delivered to the user.
	StaleData
)

func (m StaleMark) String() string {
	var parts []byte
	for i, n := range []string{"opened", "reset", "moved", "data"} {
		if m&(1<<i) != 0 {
			if len(parts) > 0 {
				parts = append(parts, ',')
			}
			parts = append(parts, n...)
		}
	}
	return string(parts)
}

// MaxIncarnations bounds Config.Incarnations, so that per-incarnation ghost data fits
// fixed arrays (incarnation 0 is the one before the run).
const MaxIncarnations = 7

// Ghost is what the system records about one side for properties; no rule reads it.
type Ghost struct {
	// Inc is the incarnation of the side's latest TCB: the OPEN count for an active open,
	// the SYN's tag for a passive one. Kept after the TCB is deleted.
	Inc uint8
	// ISS is the ISS of the side's latest TCB, kept after the TCB is deleted.
	ISS Seq
	// Took has bit k set once the side has had a TCB of incarnation k: it took part in
	// that incarnation's handshake.
	Took uint8
	// ISSOf[k] is the ISS of the side's first TCB of incarnation k (valid when Took has
	// bit k), so that a property can compare a peer's IRS with it.
	ISSOf [MaxIncarnations + 1]Seq
	// Opens counts OPEN calls, active and passive, against Config.Incarnations.
	Opens uint8
	// Sent and Delivered count the data units of incarnation Inc: passed to SEND by this
	// side's user, and delivered to this side's user. They restart when the side opens a
	// TCB of a new incarnation, so compare a side's Sent with the peer's Delivered only
	// when both Inc are equal.
	Sent, Delivered uint8
	// Told: this side's user has been told of a reset, refusal, timeout or abort in
	// incarnation Inc.
	Told bool
	// Closes counts the CLOSE calls of this side's user in incarnation Inc.
	Closes uint8
	// HalfCloseData: data was delivered to this side while it sat in FIN-WAIT-2, its own
	// FIN sent and acknowledged: the half-close at work (RFC 9293 §3.6.1).
	HalfCloseData bool
	// Stale is what old segments have done to this side.
	Stale StaleMark
	// StaleRun: an old segment of an incarnation of this run (tag 1 or more) moved the
	// side into a new synchronized state, or delivered data to it: the next incarnation
	// was disturbed by the last one.
	StaleRun bool
}

// HasTaken reports whether the side has had a TCB of incarnation k.
func (g Ghost) HasTaken(k uint8) bool { return k <= MaxIncarnations && g.Took&(1<<k) != 0 }

// SysState is the whole system: two endpoints, the network, the remaining fault budgets and
// the ghost data. It is a comparable value.
type SysState struct {
	Ep    [2]Endpoint
	Net   Network
	Left  Faults
	Ghost [2]Ghost
	// Cur is the current incarnation: the highest active OPEN count so far.
	Cur uint8
	// Clock is each host's ISN clock, counting the TCBs it has created: a new TCB reads
	// Clock+1. Abstraction: the clock ticks once per connection, slower than a connection
	// uses numbers (ISN steps by one, a connection uses up to three), so a fast reconnect
	// reuses its predecessor's numbers, the situation TIME-WAIT exists for; but two TCBs
	// of one host never start at the same ISN (RFC 9293 §3.4.1).
	Clock [2]uint8
}

// String is compact: the two states and the packets in flight.
func (s SysState) String() string {
	return fmt.Sprintf("A=%s B=%s net=%s", s.Ep[A].State, s.Ep[B].State, s.Net)
}

// Detail adds the TCBs, budgets and ghost data.
func (s SysState) Detail() string {
	return fmt.Sprintf("A: %v %+v\nB: %v %+v\nnet=%s left=%+v cur=%d",
		s.Ep[A], s.Ghost[A], s.Ep[B], s.Ghost[B], s.Net, s.Left, s.Cur)
}

// Stale reports whether p is an old segment for the side it goes to: older than that
// side's TCB, or, for a side without one, older than the current incarnation or of an
// incarnation the side has already had a TCB of (a late duplicate of a finished
// connection).
func (s SysState) Stale(p Packet) bool {
	dst := p.Dst()
	if s.Ep[dst].State.HasTCB() {
		return p.Inc < s.Ghost[dst].Inc
	}
	return p.Inc < s.Cur || s.Ghost[dst].HasTaken(p.Inc)
}

// System is the two-endpoint model: Init lists its initial state, Actions and Next its
// transitions, Encode and Decode its canonical bytes, Label, Fair and StrongFair what a
// model checker needs to print runs and judge liveness. It knows nothing of what is
// checked of it: package properties pairs it with properties for the checker.
type System struct {
	Config  Config
	Machine Machine
}

// NewSystem builds the system of cfg running the named variant.
func NewSystem(cfg Config, variant string) (System, error) {
	if err := cfg.validate(); err != nil {
		return System{}, fmt.Errorf("new system: %w", err)
	}
	m, err := NewMachine(variant, cfg.SeqBits, cfg.Window)
	if err != nil {
		return System{}, fmt.Errorf("new system: %w", err)
	}
	return System{Config: cfg, Machine: m}, nil
}

// Init is the single initial state: both CLOSED, or A CLOSED and B LISTEN.
func (sys System) Init() []SysState {
	var s SysState
	s.Ep[A].Host, s.Ep[B].Host = 0, 1
	s.Left = sys.Config.Faults
	s.Cur = 1
	if sys.Config.Shape == ClientServer {
		s.Ep[B].State = StateListen
		s.Ep[B].Passive = true
		s.Ghost[B].Opens = 1
	}
	return []SysState{s}
}

// Terminal is true for proper ends: nothing in flight and each side CLOSED or LISTEN, or
// left ESTABLISHED or CLOSE-WAIT because its user may not CLOSE.
func (sys System) Terminal(s SysState) bool {
	if s.Net.Len() > 0 {
		return false
	}
	for side := A; side <= B; side++ {
		st := s.Ep[side].State
		if st == StateClosed || st == StateListen {
			continue
		}
		if (st == StateEstablished || st == StateCloseWait) && sys.Config.calls(side)&CallClose == 0 {
			continue
		}
		return false
	}
	return true
}
