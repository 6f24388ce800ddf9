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
)

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
	// OldFrom says whose old segments an injection may add: OldFrom[A] for old SYN, data
	// and FIN from A to B. The default injects A's only, the direction of RFC 9293 §3.5
	// Figure 8; injecting both ways doubles the choices.
	OldFrom [2]bool
}

// DefaultConfig is the small configuration the checker explores by default: sequence
// space 16, window 2, capacity 2, one data unit per side, one loss, one duplication, one
// old-segment injection (of A's), no crash, two incarnations: about half a million
// states, a few seconds on two cores. The space is 16 rather than 8 so that a host's ISN
// clock can tick a few times without wrapping into the previous life's numbers; it costs
// no states, since no rule chooses a number freely.
func DefaultConfig() Config {
	return Config{
		Shape: ClientServer, SeqBits: 4, Window: 2, Capacity: 2, Units: [2]uint8{1, 1},
		Incarnations: 2, Faults: Faults{Loss: 1, Dup: 1, Inject: 1}, OldFrom: [2]bool{true, false},
	}
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
	sp, err := NewSpace(c.SeqBits)
	if err != nil {
		return err
	}
	// A connection's SYN, data and FIN numbers must stay below half the space for modular
	// comparisons to order them, and the ACK range test spans them plus a window.
	for _, u := range c.Units {
		if uint64(u)+2 >= sp.Size()/2 || uint64(u)+3+uint64(c.Window) > sp.Size() {
			return fmt.Errorf("%d data units and window %d do not fit a %d-number space",
				u, c.Window, sp.Size())
		}
	}
	return nil
}
