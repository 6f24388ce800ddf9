package fsm

import (
	"fmt"
	"strings"
)

// Shape is how the two endpoints open.
type Shape uint8

// Shapes.
const (
	// ClientServer: A opens actively, B starts in LISTEN.
	ClientServer Shape = iota
	// BothActive: both start CLOSED and both may open actively (simultaneous open).
	BothActive
)

var shapeNames = []string{"client-server", "both-active"}

func (s Shape) String() string {
	if int(s) < len(shapeNames) {
		return shapeNames[s]
	}
	return fmt.Sprintf("Shape(%d)", uint8(s))
}

// ParseShape reads a shape name.
func ParseShape(name string) (Shape, error) {
	for i, n := range shapeNames {
		if n == name {
			return Shape(i), nil
		}
	}
	return 0, fmt.Errorf("unknown shape %q (valid: %s)", name, strings.Join(shapeNames, ", "))
}

// Calls is the set of user events a side may perform.
type Calls uint8

// User events.
const (
	CallOpen        Calls = 1 << iota // active OPEN
	CallListen                        // passive OPEN
	CallSend                          // SEND
	CallClose                         // CLOSE
	CallAbort                         // ABORT
	CallUserTimeout                   // let the user timeout expire

	// AllCalls is every user event: a side that may listen and open, send, close, abort
	// and let the user timeout expire.
	AllCalls = CallOpen | CallListen | CallSend | CallClose | CallAbort | CallUserTimeout
)

var callNames = []string{"open", "listen", "send", "close", "abort", "user-timeout"}

// ParseCalls reads a comma list of user calls (open, listen, send, close, abort,
// user-timeout) or "all".
func ParseCalls(text string) (Calls, error) {
	c, err := parseNameSet(text, callNames, "user call", true)
	return Calls(c), err
}

// Names lists the calls in c by the names ParseCalls reads.
func (c Calls) Names() []string { return nameSet(uint8(c), callNames) }

// Config is everything that sizes a system. Budgets bound a run: a complete search is
// exhaustive for the faults it allows, no more.
type Config struct {
	Shape Shape
	// SeqBits: the sequence space has 2^SeqBits numbers.
	SeqBits int
	// Window is RCV.WND in sequence numbers.
	Window uint32
	// Capacity is how many packets may be in flight.
	Capacity int
	// Units is how many data units each side's user may SEND per incarnation.
	Units [2]uint8
	// Incarnations is how many OPENs (active or passive) each side may make: reconnects of
	// the same 4-tuple. A passive side's initial LISTEN counts as one.
	Incarnations uint8
	// Faults are the budgets of network faults and host crashes.
	Faults Faults
	// Calls are the user events each side may do; zero means the shape's default.
	Calls [2]Calls
	// OldFrom says whose old segments an injection may add: OldFrom[A] for those of A's
	// TCB before the run, sent to B.
	OldFrom [2]bool
	// OldKinds says which kinds of old segment an injection may add.
	OldKinds OldKinds
	// Timing is what the model assumes about time instead of keeping clocks.
	Timing Timing
}

// DefaultConfig is the small configuration the checker explores by default: window 2,
// capacity 2, one data unit per side, one loss, one duplication, one old-segment
// injection (A's SYN, data or FIN: the old duplicates of RFC 9293 §3.5 Figure 8 and of
// TIME-WAIT's reasons), no crash, one incarnation (reconnects multiply the states by
// ten; claim clean-time-wait and verify sweep's incarnations point check them), R2 one
// more than the losses, every timing assumption kept, and the smallest sequence space
// those allow (MinSeqBits). The space costs no states, since no rule chooses a number
// freely.
func DefaultConfig() Config {
	c := Config{
		Shape: ClientServer, Window: 2, Capacity: 2, Units: [2]uint8{1, 1},
		Incarnations: 1, Faults: Faults{Loss: 1, Dup: 1, Inject: 1},
		OldFrom: [2]bool{true, false}, OldKinds: OldSYN | OldData | OldFIN,
		Timing: Timing{},
	}
	c.SeqBits = c.MinSeqBits()
	return c
}

// R2 is how many retransmissions of one item an endpoint makes before it gives up:
// Timing.R2, or, when that is 0, one more than the loss budget (at most MaxR2).
func (c Config) R2() uint8 {
	if c.Timing.R2 > 0 {
		return c.Timing.R2
	}
	return min(c.Faults.Loss+1, MaxR2)
}

// Stride is how far side's ISN clock moves between two of its TCBs: with the ISN clock
// assumption, one more number than a connection of that side can use (its SYN, its data
// units and its FIN) plus a window; one without it (Timing.SlowISNClock).
//
// The window is in the stride because a stale TCB accepts whatever falls in its receive
// window, not only the numbers its peer used: were the stride only the numbers used, the
// next TCB's first segments would lie in the window of a TCB of the previous connection
// that nothing has reset yet (found at shape=both-active, inject=2, window=4: an old SYN
// opens a TCB one stride below, and the new connection's data lands in its window). The
// clock-driven generator of RFC 9293 §3.4.1 is sized for the same reason: the clock must
// outrun not only the numbers a connection sends but the window its peer may still hold
// open for them (Tomlinson 1975; Dalal and Sunshine 1977's "forbidden region").
func (c Config) Stride(side Side) uint32 {
	if c.Timing.SlowISNClock {
		return 1
	}
	return uint32(c.Units[side]) + 2 + uint32(c.Window)
}

// MaxTCBs bounds how many TCBs side creates in a run: one per active OPEN, and, when it
// listens, one per SYN that can reach it: each of the peer's TCBs sends its SYN and at
// most R2 retransmissions, and the network adds at most its duplications and injections.
// Check holds every state to it.
func (c Config) MaxTCBs(side Side) int {
	n := 0
	calls := c.calls(side)
	if calls&CallOpen != 0 {
		n += int(c.Incarnations)
	}
	if calls&CallListen != 0 {
		peerOpens := 0
		if c.calls(side.Peer())&CallOpen != 0 {
			peerOpens = int(c.Incarnations)
		}
		n += peerOpens*(1+int(c.R2())) + int(c.Faults.Dup) + int(c.Faults.Inject)
	}
	return n
}

// SpaceError is NewSystem's error for a sequence space below MinSeqBits: Size numbers
// where Need are needed.
type SpaceError struct{ Size, Need uint64 }

func (e SpaceError) Error() string {
	return fmt.Sprintf("sequence space %d is too small: a run's numbers must lie within half "+
		"the space, so that comparisons order them (RFC 9293 §3.4) and the ISN clock never "+
		"wraps into numbers still alive (§3.4.1); this config needs at least %d", e.Size, e.Need)
}

// MinSeqBits is the smallest sequence space the timing assumptions allow: every number a
// host's TCBs use in a run, from the TCB before the run (clock reading 0) to its last
// one, plus a window, lies within half the space, so that no ISN wraps into numbers of
// segments that may still be alive (RFC 9293 §3.4.1: the ISN clock's cycle is longer
// than the MSL) and modular comparisons order them (§3.4).
func (c Config) MinSeqBits() int {
	need := uint64(0)
	for side := A; side <= B; side++ {
		// From one stride below the first TCB (the life before the run) past the last
		// TCB's start, plus a window; and one connection's SYN, data and FIN with a
		// window, which a slow clock's stride does not cover.
		span := uint64(c.MaxTCBs(side)+1)*uint64(c.Stride(side)) + uint64(c.Window) + 1
		span = max(span, uint64(c.Units[side])+3+uint64(c.Window))
		need = max(need, span)
	}
	bits := 1
	for bits < 32 && uint64(1)<<(bits-1) < need {
		bits++
	}
	return bits
}

// CallsOf returns the user events side may perform: Calls[side], or the shape's default
// when it is zero.
func (c Config) CallsOf(side Side) Calls { return c.calls(side) }

// calls returns the effective user events of side.
func (c Config) calls(side Side) Calls {
	if c.Calls[side] != 0 {
		return c.Calls[side]
	}
	if c.Shape == ClientServer && side == B {
		return CallListen | CallSend | CallClose
	}
	return CallOpen | CallSend | CallClose
}

func (c Config) validate() error {
	if c.Shape > BothActive {
		return fmt.Errorf("bad shape %d", c.Shape)
	}
	if c.Capacity < 1 || c.Capacity > MaxCapacity {
		return fmt.Errorf("capacity %d: want 1 to %d", c.Capacity, MaxCapacity)
	}
	if c.Incarnations < 1 || c.Incarnations > MaxIncarnations {
		return fmt.Errorf("incarnations %d: want 1 to %d", c.Incarnations, MaxIncarnations)
	}
	for side := A; side <= B; side++ {
		if n := c.MaxTCBs(side); n >= maxSerial {
			return fmt.Errorf("%s may make %d TCBs: want fewer than %d (fewer incarnations, duplications or injections)", side, n, maxSerial)
		}
	}
	if c.Faults.Partition > 1 {
		return fmt.Errorf("partition %d: want 0 or 1 (the path fails once, for good)", c.Faults.Partition)
	}
	if c.Timing.R2 > MaxR2 {
		return fmt.Errorf("R2 %d: want 1 to %d retransmissions before giving up (0: one more than the losses)", c.Timing.R2, MaxR2)
	}
	sp, err := NewSpace(c.SeqBits)
	if err != nil {
		return err
	}
	if minBits := c.MinSeqBits(); c.SeqBits < minBits {
		return SpaceError{Size: sp.Size(), Need: uint64(1) << minBits}
	}
	return nil
}
