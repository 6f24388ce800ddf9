package fsm

import (
	"fmt"
	"slices"
	"strings"
)

// EditOp is how a variant changes one row.
type EditOp uint8

// Edit operations.
const (
	// Remove deletes the row named Rule.
	Remove EditOp = iota + 1
	// Replace swaps the row named Rule for New (which keeps or changes the name).
	Replace
	// Add inserts New just before the row named Rule ("" appends), so it wins ties.
	Add
)

func (op EditOp) String() string {
	switch op {
	case Remove:
		return "removed"
	case Replace:
		return "changed"
	case Add:
		return "added"
	}
	return "edit?"
}

// Edit is one change to the table.
type Edit struct {
	Op EditOp
	// Rule is the row removed or replaced, or the row New is inserted before (ruleNone
	// appends).
	Rule RuleID
	New  Rule
}

// Variant is a named protocol variant: the RFC table with a few edits, or the RFC table
// without one of TCP's timing assumptions (Drops). Each exists to break one RFC claim, so
// that the claim's property is shown to be able to fail.
type Variant struct {
	Name string
	// Desc is one line for docs and usage messages.
	Desc  string
	Edits []Edit
	// Drops names the timing assumptions (Assumptions) the variant drops whatever the
	// config keeps: a mechanism of TCP that lives in its timers, not in its table.
	Drops []string
}

// Timing is t with the variant's assumptions dropped.
func (v Variant) Timing(t Timing) Timing {
	for _, name := range v.Drops {
		for _, a := range Assumptions {
			if a.Name == name {
				a.drop(&t)
			}
		}
	}
	return t
}

// RFC is the name of the unedited table.
const RFC = "rfc9293"

// change returns a copy of the RFC row id with f applied, for a Replace edit.
func change(id RuleID, f func(r *Rule)) Edit {
	i := indexOf(Rules, id)
	if i < 0 {
		panic(fmt.Sprintf("fsm: variant edits unknown rule %d", id))
	}
	r := Rules[i]
	r.Do = slices.Clone(r.Do)
	f(&r)
	return Edit{Op: Replace, Rule: id, New: r}
}

func remove(id RuleID) Edit { return Edit{Op: Remove, Rule: id} }

func swapEffect(from, to Effect) func(r *Rule) {
	return func(r *Rule) {
		for i, d := range r.Do {
			if d == from {
				r.Do[i] = to
			}
		}
	}
}

// indexOf is the index of row id in rules, or -1.
func indexOf(rules []Rule, id RuleID) int {
	return slices.IndexFunc(rules, func(r Rule) bool { return r.ID == id })
}

// name is the name of row id in rules, for messages.
func name(rules []Rule, id RuleID) string {
	if i := indexOf(rules, id); i >= 0 {
		return rules[i].Name
	}
	return fmt.Sprintf("#%d", id)
}

// Variants lists every variant, the RFC first.
var Variants = []Variant{
	{Name: RFC, Desc: "RFC 9293 with its RFC 5961 checks; TIME-WAIT ignores RSTs (RFC 1337) and throttles ACKs"},
	{Name: "two-way-handshake",
		Desc: "an endpoint enters ESTABLISHED on the peer's SYN: a two-way handshake",
		Edits: []Edit{
			change(RuleListenSYN, func(r *Rule) { r.To = StateEstablished }),
			// In a simultaneous open (both-active) the SYN meets SYN-SENT, not LISTEN.
			change(RuleSYNSentSYN, func(r *Rule) { r.To = StateEstablished }),
		}},
	{Name: "no-third-segment",
		Desc:  "the client enters ESTABLISHED on the SYN,ACK without acknowledging it: the handshake's third segment is never sent",
		Edits: []Edit{change(RuleSYNSentSYNACK, func(r *Rule) { r.Emit = EmitNone })}},
	{Name: "no-rst-on-bad-ack",
		Desc: "no reset for an unacceptable ACK in SYN-SENT or SYN-RECEIVED: it is dropped",
		Edits: []Edit{
			change(RuleSYNSentBadACK, func(r *Rule) { r.Emit = EmitNone }),
			change(RuleSYNReceivedBadACK, func(r *Rule) { r.Emit = EmitNone }),
		}},
	{Name: "no-time-wait",
		Desc: "no TIME-WAIT: the active closer goes straight to CLOSED",
		Edits: []Edit{
			change(RuleFINWait2FIN, func(r *Rule) { r.To = StateClosed }),
			change(RuleClosingFINAcked, func(r *Rule) { r.To = StateClosed }),
		}},
	{Name: "fin-closes-both",
		Desc: "a FIN closes both directions: data after our FIN is acknowledged and discarded",
		Edits: []Edit{
			change(RuleEstablishedText, func(r *Rule) { r.From = In(StateEstablished) }),
			{Op: Add, Rule: RuleEstablishedTextOutOfOrder, New: Rule{
				ID: RuleFINWaitTextDiscarded, Name: "fin-wait/text-discarded", From: In(StateFinWait1, StateFinWait2),
				On: EvSegment, Phase: PhaseText, Guard: all(hasText, seqExact),
				Do: []Effect{EffectDiscard}, To: Stay, Emit: EmitACK,
				Cite: "RFC 9293 §3.6.1 half-closed connections (violated on purpose)"}},
		}},
	// FreeBSD acknowledges a FIN at once (tcp_input sets TF_ACKNOW): every close takes
	// four segments. Not a hazard: it refutes only that a FIN may ride on an ACK.
	{Name: "no-delayed-ack",
		Desc: "the ACK of a FIN is sent at once, as FreeBSD does (TF_ACKNOW): a FIN never rides on the ACK of the peer's FIN",
		Edits: []Edit{change(RuleEstablishedFIN, func(r *Rule) {
			r.Do, r.Emit = []Effect{EffectTakeFIN}, EmitACK
			r.Cite = "RFC 9293 §3.10.7.4 eighth: SYN-RECEIVED, ESTABLISHED, acknowledged at once (FreeBSD TF_ACKNOW)"
		})}},
	{Name: "fin-answers-fin",
		Desc: "a FIN is answered at once by our own FIN on its ACK, as if it closed both directions: every close takes three segments, whatever the user still had to send",
		Edits: []Edit{change(RuleEstablishedFIN, func(r *Rule) {
			r.Do, r.To, r.Emit = []Effect{EffectTakeFIN, EffectSendNext}, StateLastAck, EmitFIN
			r.Cite = "RFC 9293 §3.6.1 half-closed connections (violated on purpose: the FIN closes both directions)"
		})}},
	// TCP Fast Open (RFC 7413) sends data on the SYN and has the server deliver it before
	// the handshake completes, which is safe only with its cookie and an idempotent
	// request (§6.3.1); T/TCP (RFC 1644) needed its TAO test. Without either, nothing tells
	// a duplicate of the SYN from the original.
	{Name: "syn-data",
		Desc: "data on the SYN without a cookie (TCP Fast Open without its cookie, T/TCP without TAO): the client's first data unit rides on its SYN and the server delivers it on the SYN",
		Edits: []Edit{
			{Op: Add, Rule: RuleClosedOpen, New: Rule{
				ID: RuleClosedOpenData, Name: "closed/open-data", From: In(StateClosed), On: EvOpen, Guard: hasData,
				Do: []Effect{EffectChooseISS, EffectSetActive, EffectSendNext}, To: StateSynSent, Emit: EmitSYN,
				Cite: "RFC 9293 §3.10.1 OPEN, CLOSED, active, with data on the SYN (RFC 7413 §3, TCP Fast Open without its cookie)"}},
			change(RuleListenSYN, func(r *Rule) {
				r.Do = append(r.Do, EffectDeliver)
				r.Cite = "RFC 9293 §3.10.7.2 LISTEN, third: SYN, its data delivered at once (RFC 7413 §3 without the cookie check of §4.1.3)"
			}),
		}},
	{Name: "fixed-isn",
		Desc: "every incarnation uses the same ISN, the one of the incarnation before the run",
		Edits: []Edit{
			change(RuleClosedOpen, swapEffect(EffectChooseISS, EffectFixedISS)),
			change(RuleListenOpen, swapEffect(EffectChooseISS, EffectFixedISS)),
			change(RuleListenSYN, swapEffect(EffectChooseISS, EffectFixedISS)),
		}},
	{Name: "no-retransmission",
		Desc: "nothing is ever retransmitted",
		Edits: []Edit{
			remove(RuleSYNSentRtx), remove(RuleOtherRtxSYNACK),
			remove(RuleSynchronizedRtxData), remove(RuleSynchronizedRtxFIN),
		}},
	{Name: "abort-ends-time-wait",
		Desc: "RFC 9293 to the letter: the user may ABORT a TCB in TIME-WAIT, which ends it early",
		Edits: []Edit{change(RuleClosingAbort, func(r *Rule) {
			r.From = In(StateClosing, StateLastAck, StateTimeWait)
			r.Cite = "RFC 9293 §3.10.5 ABORT, CLOSING, LAST-ACK and TIME-WAIT"
		})}},
	{Name: "no-simultaneous-open",
		Desc:  "a SYN in SYN-SENT is dropped: two active opens cannot meet (RFC 9293 Figure 7 undone)",
		Edits: []Edit{remove(RuleSYNSentSYN)}},
	{Name: "no-simultaneous-close",
		Desc:  "a FIN in FIN-WAIT-1 is ignored until our own FIN is acknowledged: two closes cannot cross (RFC 9293 Figure 13 undone)",
		Edits: []Edit{remove(RuleFINWait1FIN)}},
	// 4.4BSD and FreeBSD (tcp_usrclosed: TF_NEEDFIN, the state stays SYN-RECEIVED) hold a
	// CLOSE in SYN-RECEIVED until our SYN is acknowledged, then send the FIN. Not a
	// refuter: an alternative that holds every property too, kept so that the sweep shows
	// it (it once looked necessary, against old data taken in FIN-WAIT-1, a hazard that
	// was the ISN clock's stride falling short of a window).
	{Name: "fin-after-ack",
		Desc: "4.4BSD and FreeBSD: CLOSE in SYN-RECEIVED queues the FIN until our SYN is acknowledged (TF_NEEDFIN)",
		Edits: []Edit{
			change(RuleSYNReceivedClose, func(r *Rule) {
				r.Guard, r.Do, r.To, r.Emit = not(finPending), []Effect{EffectQueueFIN}, Stay, EmitNone
				r.Cite = "RFC 9293 §3.10.4 CLOSE, SYN-RECEIVED: queued until ESTABLISHED (4.4BSD TF_NEEDFIN)"
			}),
			{Op: Add, Rule: RuleSYNReceivedSimultaneousSYNACK, New: Rule{
				ID: RuleSYNReceivedSimultaneousClose, Name: "syn-received/simultaneous-close", From: In(StateSynReceived),
				On: EvSegment, Phase: PhaseSeq, Guard: all(isSYN, isACK, synAgain, ackAll, not(passive), finPending),
				Do: []Effect{EffectTakeACK, EffectSendQueuedFIN}, To: StateFinWait1, Emit: EmitFIN, Then: Drop,
				Cite: "RFC 9293 §3.5 Figure 7 and §3.10.4: the SYN,ACK completes a simultaneous open, and the queued CLOSE sends its FIN"}},
			{Op: Add, Rule: RuleSYNReceivedACK, New: Rule{
				ID: RuleSYNReceivedACKClose, Name: "syn-received/ack-close", From: In(StateSynReceived), On: EvSegment,
				Phase: PhaseACK, Guard: all(ackAcceptable, finPending), Do: []Effect{EffectTakeACK, EffectSendQueuedFIN},
				To: StateFinWait1, Emit: EmitFIN,
				Cite: "RFC 9293 §3.10.7.4 fifth: SYN-RECEIVED, acceptable ACK; §3.10.4: the queued CLOSE sends its FIN"}},
		}},
	{Name: "short-time-wait",
		Desc:  "TIME-WAIT's 2MSL may end while the peer still retransmits its FIN (drops time-wait-outlasts-r2)",
		Drops: []string{"time-wait-outlasts-r2"}},
	{Name: "short-isn-cycle",
		Desc:  "the ISN clock's cycle is shorter than the MSL, as in a sequence space too small for the segment lifetime: a connection a cycle earlier used the same numbers (drops isn-cycle)",
		Drops: []string{"isn-cycle"}},
	{Name: "no-quiet-time",
		Desc:  "a host that crashes may restart while its old segments are still in flight (drops quiet-time)",
		Drops: []string{"quiet-time"}},
	{Name: "no-keepalive",
		Desc:  "no keepalive or FIN-WAIT-2 timeout: an idle side whose peer is gone waits for ever (drops keepalive)",
		Drops: []string{"keepalive"}},
	{Name: "no-throttle",
		Desc:  "every unacceptable segment is answered with an ACK, without RFC 5961's rate limit (drops throttle)",
		Drops: []string{"throttle"}},
	{Name: "reopen-any-syn",
		Desc: "any SYN reopens TIME-WAIT for a listener, an old duplicate too (RFC 9293 §3.6.1 MAY-2 without its safeguards)",
		Edits: []Edit{change(RuleTimeWaitReopen, func(r *Rule) {
			r.Guard = all(isSYN, not(isACK), not(isRST), listener)
			r.Cite = "RFC 9293 §3.6.1 MAY-2, without SEG.SEQ > RCV.NXT"
		})}},
	{Name: "time-wait-assassination",
		Desc: "RFC 9293 to the letter: a RST ends TIME-WAIT early (the RFC 1337 hazard)",
		Edits: []Edit{change(RuleTimeWaitRST, func(r *Rule) {
			r.To = StateClosed
			r.Cite = "RFC 9293 §3.10.7.4 second: TIME-WAIT, RST closes"
		})}},
}

// VariantNames lists the names in Variants order.
func VariantNames() []string {
	names := make([]string, len(Variants))
	for i, v := range Variants {
		names[i] = v.Name
	}
	return names
}

// LookupVariant finds a variant by name; the error lists the valid names.
func LookupVariant(name string) (Variant, error) {
	for _, v := range Variants {
		if v.Name == name {
			return v, nil
		}
	}
	return Variant{}, fmt.Errorf("unknown variant %q (valid: %s)", name,
		strings.Join(VariantNames(), ", "))
}

// VariantRules returns a fresh copy of the table of a named variant.
func VariantRules(name string) ([]Rule, error) {
	v, err := LookupVariant(name)
	if err != nil {
		return nil, err
	}
	return v.Apply(Rules)
}

// Apply returns a copy of rules with the variant's edits made.
func (v Variant) Apply(rules []Rule) ([]Rule, error) {
	out := slices.Clone(rules)
	for _, e := range v.Edits {
		i := indexOf(out, e.Rule)
		if i < 0 && (e.Op != Add || e.Rule != ruleNone) {
			return nil, fmt.Errorf("variant %s: edit of rule %s: no such rule", v.Name, name(rules, e.Rule))
		}
		switch e.Op {
		case Remove:
			out = slices.Delete(out, i, i+1)
		case Replace:
			out[i] = e.New
		case Add:
			if i < 0 {
				out = append(out, e.New)
			} else {
				out = slices.Insert(out, i, e.New)
			}
		default:
			return nil, fmt.Errorf("variant %s: bad edit op %d", v.Name, e.Op)
		}
	}
	return out, nil
}

// Changed lists the names of the rows the variant touches, with what happened to each,
// e.g. "changed listen/syn", for docs to highlight.
func (v Variant) Changed() []string {
	out := make([]string, 0, len(v.Edits))
	for _, e := range v.Edits {
		n := name(Rules, e.Rule)
		if e.Op == Add {
			n = e.New.Name
		}
		out = append(out, e.Op.String()+" "+n)
	}
	for _, d := range v.Drops {
		out = append(out, "no row: drops timing assumption "+d)
	}
	return out
}
