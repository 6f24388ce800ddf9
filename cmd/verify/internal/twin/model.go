package twin

import (
	"fmt"
	"math/bits"

	"github.com/tcpverify/tcpverify/checker"
)

// Model is the anchor model for one setting of Params, as a checker.Model[State, Action].
// It holds only the parameters and the encoding layout derived from them, so it is safe
// for concurrent use.
type Model struct {
	p   Params
	n   uint8 // SEQ_N
	cap int   // NET_CAP

	// Field widths of the encoding, in bits (see encode.go).
	seqBits, rtxBits, lossBits, dupBits, oldSynBits, segBits uint
	size                                                     int // bytes per encoded state
}

var _ checker.Model[State, Action] = (*Model)(nil)

// New returns the model for p, or p's validation error.
func New(p Params) (*Model, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	m := &Model{
		p:          p,
		n:          uint8(p.SeqN),
		cap:        p.NetCap,
		seqBits:    uint(bits.Len(uint(p.SeqN - 1))),
		rtxBits:    uint(bits.Len(uint(p.Rtx))),
		lossBits:   uint(bits.Len(uint(p.Loss))),
		dupBits:    uint(bits.Len(uint(p.Dup))),
		oldSynBits: uint(bits.Len(uint(p.OldSyn))),
	}
	m.segBits = segKindBits + m.seqBits*2
	total := 2*(stBits+5*m.seqBits+m.rtxBits) + m.lossBits + m.dupBits + m.oldSynBits +
		2 + m.seqBits + uint(m.cap)*m.segBits
	m.size = int(total+7) / 8
	return m, nil
}

// Params returns the model's parameters.
func (m *Model) Params() Params { return m.p }

// Init returns the one initial state, tcp.pml's initializers (tcp.m's startstate "A CLOSED,
// B LISTEN"): A CLOSED, B LISTEN, empty TCBs, empty network, full budgets.
func (m *Model) Init() []State {
	s := State{
		St:         [2]TCPState{Closed, Listen},
		RtxLeft:    [2]uint8{uint8(m.p.Rtx), uint8(m.p.Rtx)},
		LossLeft:   uint8(m.p.Loss),
		DupLeft:    uint8(m.p.Dup),
		OldSynLeft: uint8(m.p.OldSyn),
	}
	return []State{s}
}

// Terminal is tcp.pml's TERMINAL: A CLOSED and B CLOSED or LISTEN. Such states also have
// the idle self-loop, so P3 never flags them, exactly as in SPIN and Rumur.
func (m *Model) Terminal(s State) bool { return terminal(&s) }

// Label names a rule instance as Rumur's traces do: the rule's name in tcp.m, then its
// parameters, and for the rules that take a slot, the segment in it.
func (m *Model) Label(s State, a Action) string {
	switch a.Rule {
	case RuleOpen:
		return fmt.Sprintf("%v iss=%d", a.Rule, a.Arg)
	case RuleOldSyn:
		return fmt.Sprintf("%v seq=%d", a.Rule, a.Arg)
	case RuleClose, RuleRtx, Rule2MSL:
		return fmt.Sprintf("%v %c", a.Rule, "AB"[a.Arg&1])
	case RuleDeliver:
		return fmt.Sprintf("%v slot=%d iss=%d %v", a.Rule, a.Arg, a.ISS, s.Net[a.Arg%MaxNetCap])
	case RuleLoss, RuleDup:
		return fmt.Sprintf("%v slot=%d %v", a.Rule, a.Arg, s.Net[a.Arg%MaxNetCap])
	}
	return a.Rule.String()
}

// Fair is false for every action: the anchor model is checked for safety only (SPIN runs
// with -DSAFETY -DNOFAIR), and has no Eventually property.
func (m *Model) Fair(State, Action) bool { return false }

// Names of the properties, as tcp.m's invariants.
const (
	P1Name = "P1 no half-open acceptance"
	P2Name = "P2 sequence numbers agree when both ESTABLISHED"
	P3Name = "P3 no deadlock"
)

// Properties returns P1 and P2 (tcp.pml's asserts, tcp.m's invariants) and P3 (SPIN's
// invalid end state, Rumur's --deadlock-detection stuck).
func (m *Model) Properties() []checker.Property[State] {
	return []checker.Property[State]{
		checker.Always(P1Name, P1),
		checker.Always(P2Name, P2),
		checker.NoDeadlock[State](P3Name),
	}
}

// P1 is tcp.pml's P1: if B is ESTABLISHED, A did open, B's IRS is A's ISS, and A is
// synchronized or has been ESTABLISHED before closing.
func P1(s State) bool {
	return s.St[B] != Established ||
		(s.AOpened && s.IRS[B] == s.AISS &&
			(s.St[A].Synchronized() || (s.St[A] == Closed && s.AEst)))
}

// P2 is tcp.pml's P2: when both are ESTABLISHED, each one's RCV.NXT is the other's SND.NXT.
func P2(s State) bool {
	return !(s.St[A] == Established && s.St[B] == Established) ||
		(s.RcvNxt[A] == s.SndNxt[B] && s.RcvNxt[B] == s.SndNxt[A])
}
