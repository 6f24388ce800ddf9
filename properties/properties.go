package properties

import (
	"fmt"
	"strings"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
)

// Property is a named TCP property: what the command line calls it, the claim it supports,
// a precise statement, and how to build the checker property for a system.
type Property struct {
	// Name is the identifier used on the command line and in reports, e.g. "isn-agreement".
	Name string
	// Claim is the classic reason for the handshake or the close that the property makes
	// checkable, in one sentence.
	Claim string
	// Statement says exactly what is checked, in terms of the model.
	Statement string
	Kind      checker.Kind
	// Premise, when set, says why a config cannot have what the property is about (nil
	// when it can): a Sometimes property whose example needs something the config rules
	// out. verify sweep reports it as not applicable there, and verify check leaves it out
	// with a note.
	Premise func(fsm.Config) error
	// Reads is the optional ghost data the property reads (fsm.GhostParts): a system
	// bound to properties keeps only what they read.
	Reads fsm.GhostParts
	build func(sys fsm.System) func(fsm.SysState) bool
}

// Contradicts says why cfg rules out what the property is about (nil when it does not).
func (p Property) Contradicts(cfg fsm.Config) error {
	if p.Premise == nil {
		return nil
	}
	return p.Premise(cfg)
}

// For returns the checker property of p for sys.
func (p Property) For(sys fsm.System) checker.Property[fsm.SysState] {
	if p.Kind == checker.KindDeadlock {
		return checker.NoDeadlock[fsm.SysState](p.Name)
	}
	return checker.Property[fsm.SysState]{Name: p.Name, Kind: p.Kind, Holds: p.build(sys)}
}

// All lists every property, in report order: the claims' properties first, then deadlock
// freedom and liveness.
func All() []Property {
	return []Property{
		OpenTakesThree,
		OpenWithoutTimers,
		CloseTakesFour,
		FinRidesOnAck,
		CloseWithoutTimers,
		OpenRecoversLostSYN,
		OpenRecoversLostSYNACK,
		DataRecoversLoss,
		CloseRecoversLoss,
		NoHalfOpenAcceptance,
		NoDataToStranger,
		ISNAgreement,
		NoStaleAcceptance,
		NoDataTwice,
		DataInOrder,
		OldSYNRecoveredPromptly,
		NoDataLostOnClose,
		CleanTimeWait,
		HalfCloseDelivers,
		NoRSTForRST,
		ResetObeyed,
		ResetNotGuessed,
		ListenerKeepsListening,
		AcksAtOnce,
		UnacceptableAcked,
		ClosedPortResets,
		AckAdvancesSndUna,
		NoAckForAck,
		IRSFromSYN,
		R2Honoured,
		KeepaliveWhenIdle,
		CallsAsSpecified,
		CallsAccepted,
		CloseNotReset,
		SimultaneousOpen,
		SimultaneousClose,
		HalfOpenReset,
		NoDeadlock,
		OpenCompletes,
		CloseCompletes,
	}
}

// Safety lists the properties of All but the Eventually ones, in order: what a search that
// keeps no transitions can judge.
func Safety() []Property {
	var out []Property
	for _, p := range All() {
		if p.Kind != checker.KindEventually {
			out = append(out, p)
		}
	}
	return out
}

// Names lists the property names in All order.
func Names() []string {
	var names []string
	for _, p := range All() {
		names = append(names, p.Name)
	}
	return names
}

// Lookup finds properties by name, in the order given; the error lists the valid names.
func Lookup(names ...string) ([]Property, error) {
	var out []Property
	for _, n := range names {
		found := false
		for _, p := range All() {
			if p.Name == n {
				out = append(out, p)
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown property %q (valid: %s)", n, strings.Join(Names(), ", "))
		}
	}
	return out, nil
}
