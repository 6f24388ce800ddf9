package properties

import (
	"fmt"
	"strings"

	"github.com/tcpverify/tcpverify/fsm"
)

// Claim is one classic reason for the handshake or the close: a property that the RFC model
// satisfies and that every refuting variant, which drops the mechanism, violates (for a
// Sometimes property: the RFC model reaches it and the variants cannot).
type Claim struct {
	// Name is a short identifier, e.g. "ready-before-data".
	Name string
	// Reason is the classic reason, as a textbook would put it.
	Reason   string
	Property Property
	// Refuters are the variants that drop the mechanism.
	Refuters []string
	// Config sizes the model the claim is checked on.
	Config fsm.Config
}

// Claims lists the claims in the order of the handshake and then the close.
func Claims() []Claim {
	cfg := fsm.DefaultConfig()
	// Data loss is judged once per run (an Eventually property): a second incarnation
	// would let a run that lost data in the first one end well, so that claim uses one.
	once := cfg
	once.Incarnations = 1
	// Recovery is judged on users that never give up: with CLOSE available, a user's
	// CLOSE would end every hung handshake and hide that it hangs.
	patient := once
	patient.Calls = [2]fsm.Calls{fsm.CallOpen, fsm.CallListen}
	// Recovery from an old SYN is judged without duplication: a duplicate of the client's
	// SYN would do what the reset does (take the server back to LISTEN with a SYN still to
	// come) without any timer, and hide what the reset buys.
	prompt := patient
	prompt.Faults.Dup = 0
	// TIME-WAIT keeps old duplicates from the next connection on the same 4-tuple when the
	// connection outran the ISN clock (RFC 9293 §3.4.1): with the clock assumption the new
	// ISS lies beyond every old number and TIME-WAIT is not needed for that (RFC 6191).
	reuse := cfg
	reuse.Incarnations = 2
	reuse.Timing.SlowISNClock = true
	// The old duplicates are the network's own copies and retransmissions: no injected
	// segment of the connection before the run, no duplication budget (a retransmission
	// makes one), which keeps two connections' worth of states small.
	reuse.Faults = fsm.Faults{Loss: 1}
	for _, c := range []*fsm.Config{&once, &patient, &prompt, &reuse} {
		c.SeqBits = c.MinSeqBits()
	}
	return []Claim{
		{Name: "ready-before-data", Reason: "both sides are ready before data flows",
			Property: NoHalfOpenAcceptance, Refuters: []string{"two-way-handshake"}, Config: cfg},
		{Name: "isn-agreement", Reason: "both sides agree on both ISNs",
			Property: ISNAgreement, Refuters: []string{"two-way-handshake", "fixed-isn"}, Config: cfg},
		{Name: "old-syn-rejected", Reason: "a delayed old SYN does not open a connection",
			Property: NoStaleAcceptance, Refuters: []string{"two-way-handshake"}, Config: cfg},
		{Name: "old-syn-recovery", Reason: "the handshake recovers from a delayed old SYN: the reset clears it without waiting for a timeout",
			Property: OldSYNRecoveredPromptly, Refuters: []string{"no-rst-on-bad-ack"}, Config: prompt},
		{Name: "data-before-close", Reason: "all data arrives before the connection is gone",
			Property: NoDataLostOnClose, Refuters: []string{"fin-closes-both", "no-retransmission"}, Config: once},
		{Name: "clean-time-wait", Reason: "resources are released in order, and the next incarnation is clean",
			Property: CleanTimeWait, Refuters: []string{"no-time-wait"}, Config: reuse},
		{Name: "half-close", Reason: "half-close works: data flows after the peer's FIN",
			Property: HalfCloseDelivers, Refuters: []string{"fin-closes-both"}, Config: cfg},
	}
}

// LookupClaim finds a claim by name; the error lists the valid names.
func LookupClaim(name string) (Claim, error) {
	var names []string
	for _, c := range Claims() {
		if c.Name == name {
			return c, nil
		}
		names = append(names, c.Name)
	}
	return Claim{}, fmt.Errorf("unknown claim %q (valid: %s)", name, strings.Join(names, ", "))
}
