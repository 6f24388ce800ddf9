package fsm

import "fmt"

// Label names an action the way counterexample stories print it, e.g.
// "B deliver <SEQ=1><CTL=SYN> #1>-", the TCBs after # being the packet's From and To
// (Packet); a packet of the connection before the run is marked "old" instead. The label depends on the action alone, not on the state, because the checker
// takes it as the action's identity for fairness; Story adds the state change.
func (sys *System) Label(s SysState, a Action) string {
	switch a.Kind {
	case ActCall:
		return fmt.Sprintf("%s %s", a.Side, a.Event)
	case ActTimer:
		return fmt.Sprintf("%s timeout %s", a.Side, a.Event)
	case ActCrash:
		return fmt.Sprintf("%s crash", a.Side)
	case ActPartition:
		return "network partition"
	}
	// The TCBs the packet is between tell apart equal segments of different connections.
	old := fmt.Sprintf(" #%s>%s", a.Pkt.From, a.Pkt.To)
	if a.Pkt.From == PreRun {
		old = " old"
	}
	return fmt.Sprintf("%s %s %s%s", a.Side, a.Kind.verb(), a.Pkt.Seg, old)
}

// Story is Label plus the state change of the side acted on, e.g.
// "B deliver <SEQ=3><CTL=SYN> (LISTEN -> SYN-RECEIVED)".
func (sys *System) Story(s SysState, a Action) string {
	label := sys.Label(s, a)
	next, ok := sys.Next(s, a)
	if !ok {
		return label + " (not enabled)"
	}
	from, to := s.Ep[a.Side].State, next.Ep[a.Side].State
	if from == to || a.Kind == ActLose || a.Kind == ActDup || a.Kind == ActInject || a.Kind == ActPartition {
		return label
	}
	return fmt.Sprintf("%s (%s -> %s)", label, from, to)
}

// Project draws a state as its two endpoint states.
func (sys *System) Project(s SysState) string {
	return fmt.Sprintf("A=%s B=%s", s.Ep[A].State, s.Ep[B].State)
}

// ProjectAction draws an action without numbers, e.g. "B deliver SYN,ACK".
func (sys *System) ProjectAction(s SysState, a Action) string {
	switch a.Kind {
	case ActCall, ActTimer, ActCrash, ActPartition:
		return sys.Label(s, a)
	}
	return fmt.Sprintf("%s %s %s", a.Side, a.Kind.verb(), a.Pkt.Seg.Flags)
}

func (k ActionKind) verb() string {
	switch k {
	case ActCall:
		return "call"
	case ActTimer:
		return "timeout"
	case ActDeliver:
		return "deliver"
	case ActLose:
		return "lose"
	case ActDup:
		return "dup"
	case ActInject:
		return "inject"
	case ActCrash:
		return "crash"
	case ActPartition:
		return "partition"
	}
	return "action?"
}
