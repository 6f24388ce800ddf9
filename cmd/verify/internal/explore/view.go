package explore

import (
	"fmt"
	"slices"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
)

// View is one state as the page shows it: the state, what changed at the last step, the
// enabled actions, the properties' values and the path that led here.
type View struct {
	Path       []int           `json:"path"`
	State      StateView       `json:"state"`
	Changed    []string        `json:"changed"`
	Actions    []ActionView    `json:"actions"`
	Properties []PropertyValue `json:"properties"`
	Steps      []StepView      `json:"steps"`
}

// StateView is the system state: both endpoints, the segments in flight, the fault
// budgets left and the ISN clocks.
type StateView struct {
	A       EndpointView `json:"A"`
	B       EndpointView `json:"B"`
	Network []string     `json:"network"`
	Left    string       `json:"left"`
	Clock   [2]uint8     `json:"clock"`
	// Text is the whole state as traces print it.
	Text string `json:"text"`
}

// EndpointView is one endpoint's state and TCB variables (RFC 9293 §3.3.1); the sequence
// variables are omitted without a TCB.
type EndpointView struct {
	State      string `json:"state"`
	ISS        *int64 `json:"iss,omitempty"`
	IRS        *int64 `json:"irs,omitempty"`
	SndUna     *int64 `json:"snd_una,omitempty"`
	SndNxt     *int64 `json:"snd_nxt,omitempty"`
	RcvNxt     *int64 `json:"rcv_nxt,omitempty"`
	Retries    uint8  `json:"retries"`
	Passive    bool   `json:"passive"`
	Throttled  bool   `json:"throttled"`
	FinPending bool   `json:"fin_pending"`
}

// ActionView is an enabled action: its index (what a path records), what it does and
// the rows of the table it fires, each with its RFC 9293 citation.
type ActionView struct {
	Index int       `json:"index"`
	Label string    `json:"label"`
	Actor string    `json:"actor"`
	Kind  string    `json:"kind"`
	Story string    `json:"story"`
	Rules []RuleRef `json:"rules"`
	// To is the state it leads to, projected: "A=SYN-SENT B=LISTEN".
	To string `json:"to"`
}

// RuleRef names a row of the rule table.
type RuleRef struct {
	Name string `json:"name"`
	Cite string `json:"cite"`
}

// PropertyValue is a property's predicate at this state: for an always or eventually
// property whether it holds here, for a sometimes property whether this state is an
// example; for the deadlock property whether this state is a deadlock.
type PropertyValue struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Holds bool   `json:"holds"`
	// Violated is set when this state alone violates the property: an always property
	// false here, or a deadlock.
	Violated bool `json:"violated"`
}

// StepView is one step of the path, for the message sequence chart.
type StepView struct {
	N     int    `json:"n"`
	Index int    `json:"index"`
	Actor string `json:"actor"`
	Kind  string `json:"kind"`
	Label string `json:"label"`
	Story string `json:"story"`
	// Segment is the segment the step sends onto, takes off or drops from the network,
	// if any; Sent lists what it put on the network.
	Segment string   `json:"segment,omitempty"`
	Sent    []string `json:"sent,omitempty"`
	To      string   `json:"to"`
}

// View shows the state that path names.
func (e *Explorer) View(path []int) (View, error) {
	states, taken, err := e.walk(path)
	if err != nil {
		return View{}, err
	}
	s := states[len(states)-1]
	v := View{Path: slices.Clone(path), State: e.stateView(s), Changed: []string{}, Actions: []ActionView{},
		Steps: []StepView{}}
	if len(states) > 1 {
		v.Changed = changed(e.stateView(states[len(states)-2]), v.State)
	}
	var acts []fsm.Action
	acts = e.sys.Actions(s, acts)
	enabled := 0
	for i, a := range acts {
		next, ok := e.sys.Next(s, a)
		if !ok {
			continue
		}
		enabled++
		v.Actions = append(v.Actions, ActionView{Index: i, Label: e.sys.Label(s, a), Actor: actor(a),
			Kind: kind(a), Story: e.sys.Story(s, a), Rules: e.rules(s, a), To: e.sys.Project(next)})
	}
	for _, p := range e.props {
		pv := PropertyValue{Name: p.Name, Kind: p.Kind.String()}
		switch p.Kind {
		case checker.KindDeadlock:
			pv.Violated = enabled == 0 && !e.model.Terminal(s)
			pv.Holds = !pv.Violated
		default:
			pv.Holds = p.Holds(s)
			// A step property judges the step into s, the last of the path.
			pv.Violated = (p.Kind == checker.KindAlways || p.Kind == checker.KindStep) && !pv.Holds
		}
		v.Properties = append(v.Properties, pv)
	}
	for k, a := range taken {
		from, to := states[k], states[k+1]
		st := StepView{N: k + 1, Index: path[k], Actor: actor(a), Kind: kind(a), Label: e.sys.Label(from, a),
			Story: e.sys.Story(from, a), To: e.sys.Project(to)}
		if a.Kind != fsm.ActCall && a.Kind != fsm.ActTimer && a.Kind != fsm.ActCrash && a.Kind != fsm.ActPartition {
			st.Segment = a.Pkt.Seg.String()
		}
		for _, p := range to.Net.Minus(from.Net) {
			st.Sent = append(st.Sent, fmt.Sprintf("%s->%s %s", p.Src, p.Dst(), p.Seg))
		}
		v.Steps = append(v.Steps, st)
	}
	return v, nil
}

func (e *Explorer) rules(s fsm.SysState, a fsm.Action) []RuleRef {
	out := []RuleRef{}
	for _, i := range e.sys.AppendFired(nil, s, a) {
		r := e.sys.Machine.Rules[i]
		out = append(out, RuleRef{Name: r.Name, Cite: r.Cite})
	}
	return out
}

func (e *Explorer) stateView(s fsm.SysState) StateView {
	v := StateView{A: endpointView(s.Ep[fsm.A]), B: endpointView(s.Ep[fsm.B]), Network: []string{},
		Left:  fmt.Sprintf("loss %d, dup %d, inject %d, crash %d, partition %d", s.Left.Loss, s.Left.Dup, s.Left.Inject, s.Left.Crash, s.Left.Partition),
		Clock: s.Clock, Text: s.String()}
	for _, p := range s.Net.Packets() {
		v.Network = append(v.Network, fmt.Sprintf("%s->%s %s", p.Src, p.Dst(), p.Seg))
	}
	return v
}

func endpointView(ep fsm.Endpoint) EndpointView {
	v := EndpointView{State: ep.State.String(), Retries: ep.Retries, Passive: ep.Passive, Throttled: ep.Throttled,
		FinPending: ep.FinPending}
	if ep.State.HasTCB() {
		n := func(x fsm.Seq) *int64 { y := int64(x); return &y }
		v.ISS, v.IRS, v.SndUna, v.SndNxt, v.RcvNxt = n(ep.ISS), n(ep.IRS), n(ep.SndUna), n(ep.SndNxt), n(ep.RcvNxt)
	}
	return v
}

// changed names the fields that differ between two states, e.g. "A.state", "B.snd_nxt",
// "network".
func changed(before, after StateView) []string {
	out := []string{}
	for _, side := range []struct {
		name string
		b, a EndpointView
	}{{"A", before.A, after.A}, {"B", before.B, after.B}} {
		for _, f := range []struct {
			name string
			b, a any
		}{
			{"state", side.b.State, side.a.State}, {"iss", deref(side.b.ISS), deref(side.a.ISS)},
			{"irs", deref(side.b.IRS), deref(side.a.IRS)}, {"snd_una", deref(side.b.SndUna), deref(side.a.SndUna)},
			{"snd_nxt", deref(side.b.SndNxt), deref(side.a.SndNxt)}, {"rcv_nxt", deref(side.b.RcvNxt), deref(side.a.RcvNxt)},
			{"retries", side.b.Retries, side.a.Retries}, {"passive", side.b.Passive, side.a.Passive},
			{"throttled", side.b.Throttled, side.a.Throttled}, {"fin_pending", side.b.FinPending, side.a.FinPending},
		} {
			if f.b != f.a {
				out = append(out, side.name+"."+f.name)
			}
		}
	}
	if !slices.Equal(before.Network, after.Network) {
		out = append(out, "network")
	}
	if before.Left != after.Left {
		out = append(out, "left")
	}
	return out
}

func deref(p *int64) int64 {
	if p == nil {
		return -1
	}
	return *p
}

func actor(a fsm.Action) string {
	switch a.Kind {
	case fsm.ActLose, fsm.ActDup:
		return "net"
	case fsm.ActInject, fsm.ActPartition:
		return "net"
	}
	return a.Side.String()
}

func kind(a fsm.Action) string {
	switch a.Kind {
	case fsm.ActCall:
		return "call"
	case fsm.ActTimer:
		return "timer"
	case fsm.ActDeliver:
		return "deliver"
	case fsm.ActLose:
		return "lose"
	case fsm.ActDup:
		return "dup"
	case fsm.ActInject:
		return "inject"
	case fsm.ActCrash:
		return "crash"
	case fsm.ActPartition:
		return "partition"
	}
	return "?"
}
