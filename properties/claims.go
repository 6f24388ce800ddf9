package properties

import (
	"errors"
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
	// Premise, when set, says why a config contradicts what the claim is about (nil when it
	// does not): verify sweep reports the claim as not applicable at such a point instead of
	// checking it there. Only a claim that drops a timing assumption has one; the property's
	// own premise applies too (Contradicts).
	Premise func(fsm.Config) error
}

// Contradicts says why cfg contradicts the claim's premise or its property's (nil when it
// contradicts neither).
func (c Claim) Contradicts(cfg fsm.Config) error {
	for _, premise := range []func(fsm.Config) error{c.Premise, c.Property.Premise} {
		if premise == nil {
			continue
		}
		if err := premise(cfg); err != nil {
			return err
		}
	}
	return nil
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
	// The quiet time (RFC 9293 §3.4.3) matters where a restarted host's numbers may meet
	// its old segments: the reuse config, with a crash.
	quiet := reuse
	quiet.Faults.Crash = 1
	// Two active OPENs (RFC 9293 Figure 7).
	simultaneous := cfg
	simultaneous.Shape = fsm.BothActive
	// A crash leaves the survivor holding a half-open connection (RFC 9293 §3.5.2).
	crash := cfg
	crash.Faults.Crash = 1
	// Two losses let both sides hold unacceptable segments of each other's at once, the
	// confusion that ACK throttling (RFC 5961 §7) keeps from becoming an ACK war.
	confused := cfg
	confused.Faults.Loss = 2
	// Billington and Han's setting (ICATPN 2005): two active opens, so that a user may
	// CLOSE in SYN-RECEIVED, before the connection is established; no data; a network
	// that reorders but neither loses nor duplicates, so that only the ordering is at
	// fault.
	early := cfg
	early.Shape = fsm.BothActive
	early.Units = [2]uint8{0, 0}
	early.Faults = fsm.Faults{}
	// A new SYN that reaches TIME-WAIT (RFC 9293 §3.6.1 MAY-2): a second connection with
	// the ISN clock running, so the client's next SYN lies beyond the first connection,
	// and one old SYN from before the run, which does not. No data and no other fault.
	reopen := cfg
	reopen.Incarnations = 2
	reopen.Units = [2]uint8{0, 0}
	reopen.Faults = fsm.Faults{Inject: 1}
	// The thesis of the close is judged on runs that no fault has touched, and a config
	// without faults has every such run of one with them: the same verdicts, on a fraction
	// of the states (what a refuting variant of a sometimes property must explore whole).
	untouched := cfg
	untouched.Faults = fsm.Faults{}
	for _, c := range []*fsm.Config{&once, &patient, &prompt, &reuse, &simultaneous, &crash, &confused, &early, &quiet, &reopen, &untouched} {
		c.SeqBits = c.MinSeqBits()
	}
	return []Claim{
		{Name: "open-in-three", Reason: "three segments open a connection: SYN, SYN,ACK and the ACK that tells the server its SYN arrived (RFC 9293 §3.5 Figure 6)",
			Property: OpenTakesThree, Refuters: []string{"no-third-segment"}, Config: cfg, Premise: someoneListens},
		{Name: "ready-before-data", Reason: "both sides are ready before data flows: with two segments the server sends data to a client that has not yet learned the connection",
			Property: NoDataToStranger, Refuters: []string{"two-way-handshake"}, Config: cfg, Premise: needsData},
		{Name: "isn-agreement", Reason: "both sides agree on both ISNs",
			Property: ISNAgreement, Refuters: []string{"two-way-handshake", "fixed-isn"}, Config: cfg},
		{Name: "old-syn-rejected", Reason: "a delayed old SYN does not open a connection",
			Property: NoStaleAcceptance, Refuters: []string{"two-way-handshake"}, Config: cfg},
		{Name: "old-syn-recovery", Reason: "the handshake recovers from a delayed old SYN: the reset clears it without waiting for a timeout",
			Property: OldSYNRecoveredPromptly, Refuters: []string{"no-rst-on-bad-ack"}, Config: prompt},
		{Name: "data-after-handshake", Reason: "a server takes data only once the handshake has shown the SYN to be current: data delivered on a SYN without a cookie is delivered again by a duplicate of the SYN, a request served twice (RFC 7413 §6.3.1, RFC 1644)",
			Property: NoDataTwice, Refuters: []string{"syn-data"}, Config: cfg, Premise: listenerTakesData},
		{Name: "data-before-close", Reason: "all data arrives before the connection is gone",
			Property: NoDataLostOnClose, Refuters: []string{"fin-closes-both", "no-retransmission"}, Config: once},
		{Name: "clean-time-wait", Reason: "resources are released in order, and the next incarnation is clean",
			Property: CleanTimeWait, Refuters: []string{"no-time-wait"}, Config: reuse, Premise: reusePremise},
		{Name: "no-assassination", Reason: "a reset does not cut TIME-WAIT short: were it to, the reset that answers an old duplicate would end TIME-WAIT and let the old segments it guards against into the next connection (RFC 1337)",
			Property: CleanTimeWait, Refuters: []string{"time-wait-assassination"}, Config: reuse, Premise: reusePremise},
		{Name: "quiet-time", Reason: "a host that crashed keeps quiet for an MSL before it sends again, so its old segments die before they can pass for a new connection's (RFC 9293 §3.4.3)",
			Property: CleanTimeWait, Refuters: []string{"no-quiet-time"}, Config: quiet, Premise: reusePremise},
		{Name: "isn-cycle", Reason: "the ISN clock's cycle outlasts the maximum segment lifetime: in a sequence space too small for it the clock comes round while a connection's segments are alive, and an old segment passes for the new connection's (RFC 9293 §3.4.1)",
			Property: NoStaleAcceptance, Refuters: []string{"short-isn-cycle"}, Config: cfg, Premise: needsOldSegments},
		{Name: "time-wait-reopen", Reason: "a new SYN reopens a connection from TIME-WAIT only when it is numbered beyond the old one: an old duplicate SYN that did would cut TIME-WAIT short for a connection nobody opened (RFC 9293 §3.6.1 MAY-2, as BSD and Linux test SEG.SEQ > RCV.NXT)",
			Property: NoStaleAcceptance, Refuters: []string{"reopen-any-syn"}, Config: reopen, Premise: listenerReopens},
		{Name: "close-in-four", Reason: "four segments close a connection, three when a FIN rides on the ACK of the peer's FIN, and a FIN rides only when its user has nothing left to send: each direction is closed by its own user's CLOSE (RFC 9293 §3.6, §3.10.4)",
			Property: CloseTakesFour, Refuters: []string{"fin-answers-fin"}, Config: untouched},
		{Name: "fin-rides", Reason: "a FIN may ride on the ACK of the peer's FIN when that ACK is delayed: a close in three segments (RFC 9293 §3.8.6.3, RFC 1122 §4.2.3.2; Linux)",
			Property: FinRidesOnAck, Refuters: []string{"no-delayed-ack"}, Config: untouched},
		{Name: "half-close", Reason: "half-close works: data flows after the peer's FIN",
			Property: HalfCloseDelivers, Refuters: []string{"fin-closes-both"}, Config: cfg},
		{Name: "simultaneous-open", Reason: "two active opens that cross make one connection (RFC 9293 Figure 7)",
			Property: SimultaneousOpen, Refuters: []string{"no-simultaneous-open"}, Config: simultaneous},
		{Name: "simultaneous-close", Reason: "two closes that cross both complete, through CLOSING to TIME-WAIT (RFC 9293 Figure 13)",
			Property: SimultaneousClose, Refuters: []string{"no-simultaneous-close"}, Config: cfg},
		{Name: "early-release", Reason: "a close begun before the handshake completes still completes over a network that only reorders: the FIN that overtook our SYN,ACK and was dropped is retransmitted (Billington and Han, ICATPN 2005)",
			Property: CloseCompletes, Refuters: []string{"no-retransmission"}, Config: early},
		{Name: "last-ack-lost", Reason: "TIME-WAIT outlasts the peer's retransmitted FIN: a lost last ACK does not reset the peer (RFC 9293 §3.6)",
			Property: CloseNotReset, Refuters: []string{"no-time-wait", "short-time-wait"}, Config: cfg},
		{Name: "half-open-discovered", Reason: "a connection half-open after a crash is discovered and cleared: the survivor's keepalive draws a reset (RFC 9293 §3.5.2, Figures 10-12; RFC 1122 §4.2.3.6)",
			Property: CloseCompletes, Refuters: []string{"no-keepalive"}, Config: crash},
		{Name: "no-ack-war", Reason: "two confused endpoints cannot trade ACKs for ever: RFC 5961 §7 rate-limits the ACKs that answer unacceptable segments",
			Property: CloseCompletes, Refuters: []string{"no-throttle"}, Config: confused, Premise: windowExceeded},
	}
}

// reusePremise is claim clean-time-wait's: it drops the ISN clock to show what TIME-WAIT
// does for the next incarnation, so it has no old segments of the connection before the
// run. Those are kept out by the ISN clock (RFC 9293 §3.4.1), which the claim drops, or
// by that connection's own TIME-WAIT, which ended before the run and which the run does
// not model: with both gone, an old segment overlaps the run's numbers whatever TIME-WAIT
// does (the isn-clock row of docs/model.md, Time).
func reusePremise(c fsm.Config) error {
	if c.Timing.SlowISNClock && c.Faults.Inject > 0 {
		return errors.New("with the ISN clock dropped, old segments of the connection before the run are not TIME-WAIT's to keep out (RFC 9293 §3.4.1)")
	}
	return nil
}

// listenerTakesData is claim data-after-handshake's premise: a client's data on its SYN is
// delivered early by a listener (RFC 7413 §3); with no data, or no side that listens (two
// active opens meet in SYN-SENT), there is nothing to deliver twice.
func listenerTakesData(c fsm.Config) error {
	if err := needsData(c); err != nil {
		return err
	}
	return needsListener(c)
}

// needsOldSegments is claim isn-cycle's premise: the connection before the run, whose
// numbers the clock's cycle decides, must have segments in the network.
func needsOldSegments(c fsm.Config) error {
	if c.Faults.Inject == 0 || !c.OldFrom[fsm.A] && !c.OldFrom[fsm.B] {
		return errors.New("no old segments of the connection before the run: nothing for the ISN clock's cycle to keep out (RFC 9293 §3.4.1)")
	}
	return nil
}

// someoneListens is claim open-in-three's premise: the third segment is the active
// opener's answer to a listener's SYN,ACK (Figure 6). When both sides open actively, the
// SYN,ACKs cross (Figure 7) and no third segment is sent, or only one SYN meets SYN-SENT
// and open-takes-three does not judge the open.
// listenerReopens is claim time-wait-reopen's premise: a new SYN reopens TIME-WAIT only
// where a listener takes it, and the server listens in client-server only.
func listenerReopens(c fsm.Config) error {
	if c.Shape != fsm.ClientServer {
		return errors.New("no side listens: a SYN reopens TIME-WAIT only for a listener (RFC 9293 §3.6.1)")
	}
	return nil
}

func someoneListens(c fsm.Config) error {
	if (c.CallsOf(fsm.A)|c.CallsOf(fsm.B))&fsm.CallListen == 0 {
		return errors.New("no side listens: a simultaneous open has no third segment (RFC 9293 Figure 7)")
	}
	return nil
}

// windowExceeded is claim no-ack-war's premise: the ACK war needs segments beyond the
// receiver's window. After losses a side's SND.NXT runs ahead of the peer's RCV.NXT by at
// most its data units and its FIN; with a window larger than that every segment of the
// connection is acceptable, none draws an answering ACK, and RFC 5961 §7's limiter has
// nothing to limit (verify sweep found no war at window=4 without it).
func windowExceeded(c fsm.Config) error {
	if ahead := uint32(max(c.Units[fsm.A], c.Units[fsm.B])) + 1; c.Window > ahead {
		return fmt.Errorf("a window of %d numbers holds all %d a side can run ahead after losses: no segment is unacceptable, and nothing draws the ACKs RFC 5961 §7 throttles", c.Window, ahead)
	}
	return nil
}

// Envelope lists a claim without refuters for each property that no claim checks at the
// default configuration, named "holds:" and the property: the RFC model satisfies it there.
// With them, verify sweep judges the RFC model by every property at every point of its
// grid, not only by the properties its claims are about.
func Envelope() []Claim {
	cfg := fsm.DefaultConfig()
	covered := map[string]bool{}
	for _, c := range Claims() {
		if c.Config == cfg {
			covered[c.Property.Name] = true
		}
	}
	var out []Claim
	for _, p := range All() {
		if !covered[p.Name] {
			out = append(out, Claim{Name: "holds:" + p.Name, Reason: "the RFC model satisfies " + p.Name,
				Property: p, Config: cfg})
		}
	}
	return out
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
