package fsm

import (
	"fmt"
	"strings"
)

// Timing holds TCP's timing assumptions. The model has no clock: a timer is an event that
// may happen at any moment while it runs, and these assumptions say what must have
// happened by the time it does. Each has its source, and each but R2 can be dropped (the
// zero value keeps it), so that a claim can show what it buys (docs/model.md, "Time").
type Timing struct {
	// R2 is how many times an endpoint retransmits its oldest unacknowledged item before
	// it gives up on the connection (RFC 9293 §3.8.3, RFC 1122 §4.2.3.5: R2 of at least
	// 100 seconds, 3 minutes for a SYN), 1 to MaxR2. 0 means one more than the loss
	// budget (Config.R2): the assumption that R2 outlasts the network's losses, since
	// about eight retransmissions fit in 100 seconds. Giving up is not optional: without
	// it a retransmission, and so the ISN clock, could run for ever.
	R2 uint8
	// SlowISNClock drops the assumption that a host's ISN clock outruns its connections
	// (RFC 9293 §3.4.1): the clock then moves one number between two TCBs, fewer than a
	// connection uses, so a fast reconnect reuses its predecessor's numbers, the case
	// TIME-WAIT exists for. With the assumption, a new TCB's ISS lies beyond every number
	// the host's earlier TCBs used.
	SlowISNClock bool
	// ShortISNCycle drops the assumption that the ISN clock's cycle outlasts the maximum
	// segment lifetime (RFC 9293 §3.4.1: a 32-bit clock ticking every 4 microseconds cycles
	// in 4.55 hours, an MSL is 2 minutes): with a sequence space too small for the segment
	// lifetime the clock comes round within an MSL, and the connection before the run,
	// a whole cycle earlier, used the numbers the run's first connection uses, while its
	// segments are still alive. With the assumption it used the numbers one stride below.
	ShortISNCycle bool
	// NoMSL drops the maximum segment lifetime (RFC 9293 §3.4.1, §3.6): segments then never
	// die, not even when TIME-WAIT's 2MSL ends.
	NoMSL bool
	// NoQuietTime drops the quiet time after a crash (RFC 9293 §3.4.3): without it, the
	// segments in flight when a host crashes survive its restart.
	NoQuietTime bool
	// ShortTimeWait drops the assumption that 2MSL outlasts the peer's retransmissions of
	// its FIN (2MSL is 4 minutes, R2 for data at least 100 seconds): TIME-WAIT may then
	// end while the peer still retransmits the FIN it acknowledged.
	ShortTimeWait bool
	// NoKeepalive drops keepalive probes (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6): an idle
	// side whose peer is gone then waits for ever unless its user sends.
	NoKeepalive bool
	// NoThrottle drops RFC 5961 §7 ACK throttling: every unacceptable segment is answered
	// with an ACK, and two confused endpoints can trade ACKs for ever.
	NoThrottle bool
}

// OldKinds is a set of kinds of old segment (Config.OldKinds).
type OldKinds uint8

// The kinds of old segment, as System.OldSegments builds them.
const (
	OldSYN OldKinds = 1 << iota
	OldSYNACK
	OldACK
	OldData
	OldFIN
	OldRST
	// AllOld is every kind.
	AllOld = OldSYN | OldSYNACK | OldACK | OldData | OldFIN | OldRST
)

var oldKindNames = []string{"syn", "syn-ack", "ack", "data", "fin", "rst"}

// ParseOldKinds reads a comma list of kinds (syn, syn-ack, ack, data, fin, rst) or "all".
func ParseOldKinds(text string) (OldKinds, error) {
	k, err := parseNameSet(text, oldKindNames, "old segment kind", false)
	return OldKinds(k), err
}

func (k OldKinds) String() string {
	if k == AllOld {
		return "all"
	}
	return strings.Join(nameSet(uint8(k), oldKindNames), ",")
}

// MaxR2 bounds Timing.R2.
const MaxR2 = 3

// Assumption is one timing assumption that can be dropped, by the name configs and
// scenarios use.
type Assumption struct {
	Name string
	// Source is where the assumption comes from.
	Source string
	drop   func(*Timing)
	kept   func(Timing) bool
}

// Assumptions lists the droppable timing assumptions.
var Assumptions = []Assumption{
	{"isn-clock", "RFC 9293 §3.4.1", func(t *Timing) { t.SlowISNClock = true }, func(t Timing) bool { return !t.SlowISNClock }},
	{"isn-cycle", "RFC 9293 §3.4.1", func(t *Timing) { t.ShortISNCycle = true }, func(t Timing) bool { return !t.ShortISNCycle }},
	{"msl", "RFC 9293 §3.4.1, §3.6", func(t *Timing) { t.NoMSL = true }, func(t Timing) bool { return !t.NoMSL }},
	{"quiet-time", "RFC 9293 §3.4.3", func(t *Timing) { t.NoQuietTime = true }, func(t Timing) bool { return !t.NoQuietTime }},
	{"time-wait-outlasts-r2", "RFC 9293 §3.6, RFC 1122 §4.2.3.5", func(t *Timing) { t.ShortTimeWait = true }, func(t Timing) bool { return !t.ShortTimeWait }},
	{"keepalive", "RFC 1122 §4.2.3.6", func(t *Timing) { t.NoKeepalive = true }, func(t Timing) bool { return !t.NoKeepalive }},
	{"throttle", "RFC 5961 §7", func(t *Timing) { t.NoThrottle = true }, func(t Timing) bool { return !t.NoThrottle }},
}

// AssumptionNames lists the names in Assumptions order.
func AssumptionNames() []string {
	out := make([]string, len(Assumptions))
	for i, a := range Assumptions {
		out[i] = a.Name
	}
	return out
}

// Drop switches off the named assumption; the error lists the valid names.
func (t *Timing) Drop(name string) error {
	for _, a := range Assumptions {
		if a.Name == name {
			a.drop(t)
			return nil
		}
	}
	return fmt.Errorf("unknown timing assumption %q (valid: %s)", name, strings.Join(AssumptionNames(), ", "))
}

// Dropped lists the names of the assumptions t drops, in Assumptions order.
func (t Timing) Dropped() []string {
	var out []string
	for _, a := range Assumptions {
		if !a.kept(t) {
			out = append(out, a.Name)
		}
	}
	return out
}
