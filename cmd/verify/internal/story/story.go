// Package story tells a trace of the TCP system as people read it: numbered steps that name
// the endpoint, the event or segment and the state change, and a message sequence chart with
// the two endpoints as lifelines and segments as arrows from the step that sent them to the
// step that delivered, lost or left them in flight.
package story

import (
	"fmt"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/msc"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/report"
	"github.com/tcpverify/tcpverify/fsm"
)

// Story is one trace, told.
type Story struct {
	Trace report.Trace
	Chart *msc.Chart
	// Actions are the trace's actions, one per step: the identity of each step, which a
	// recorded chart keeps so that it can be replayed on a later model.
	Actions []fsm.Action
}

// Tell replays tr through sys to recover each step's action (the trace keeps only labels
// and action indexes) and tells it. role is "counterexample" or "example".
func Tell(sys fsm.System, tr *checker.Trace[fsm.SysState], title, role string) (*Story, error) {
	if tr == nil || len(tr.States) == 0 {
		return nil, fmt.Errorf("story: empty trace")
	}
	start := tr.States[0]
	st := &Story{
		// Steps is never nil: a trace of no steps (a property decided in the initial state)
		// is an empty list in report.json, as its schema says.
		Trace: report.Trace{Role: role, Loop: tr.Loop, Start: start.String(), Steps: []report.Step{}},
		Chart: &msc.Chart{
			Title: title,
			Lifelines: []msc.Lifeline{
				{Name: "A " + sideRole(sys, fsm.A), Start: start.Ep[fsm.A].State.String()},
				{Name: "B " + sideRole(sys, fsm.B), Start: start.Ep[fsm.B].State.String()},
			},
		},
	}
	if tr.Loop >= 0 {
		st.Chart.LoopFrom = tr.Loop + 1
	}
	// inflight maps each packet in the network to the messages (chart indexes) carrying it,
	// oldest first: the bag holds values, so copies of one packet are told apart by age.
	inflight := map[fsm.Packet][]int{}
	take := func(p fsm.Packet) int {
		q := inflight[p]
		if len(q) == 0 {
			return -1
		}
		inflight[p] = q[1:]
		return q[0]
	}
	var acts []fsm.Action
	for i, step := range tr.Steps {
		prev, next := tr.States[i], tr.States[i+1]
		row := i + 1
		acts = sys.Actions(prev, acts[:0])
		if step.Index >= len(acts) {
			return nil, fmt.Errorf("story: step %d: action %d of %d: trace does not replay", row, step.Index, len(acts))
		}
		a := acts[step.Index]
		st.Actions = append(st.Actions, a)
		actor := a.Side.String()
		// Remove what the action consumed from the network, then see what is new.
		remaining := counts(prev.Net)
		switch a.Kind {
		case fsm.ActDeliver:
			remaining[a.Pkt]--
			if m := take(a.Pkt); m >= 0 {
				st.Chart.Messages[m].Recv = row
			}
		case fsm.ActLose:
			actor = "net"
			remaining[a.Pkt]--
			if m := take(a.Pkt); m >= 0 {
				st.Chart.Messages[m].Lost = row
			}
		case fsm.ActDup, fsm.ActInject:
			actor = "net"
		case fsm.ActPartition:
			// The path fails: everything in flight is lost with it. What the sides send
			// afterwards never enters the network, so the chart draws no arrow for it;
			// the step's story still says what was sent.
			actor = "net"
			for _, p := range prev.Net.Packets() {
				remaining[p]--
				if m := take(p); m >= 0 {
					st.Chart.Messages[m].Lost = row
				}
			}
		}
		after := counts(next.Net)
		for _, p := range next.Net.Distinct() { // canonical order, so charts are reproducible
			for extra := after[p] - remaining[p]; extra > 0; extra-- {
				m := msc.Message{Label: p.Seg.String(), From: int(p.Src), To: int(p.Dst()), Sent: row, Recv: -1}
				switch a.Kind {
				case fsm.ActInject:
					m.From, m.Old, m.Label = -1, true, p.Seg.String()+" old"
				case fsm.ActDup:
					m.Label += " dup"
				}
				if a.Kind != fsm.ActInject && next.Stale(p) {
					m.Old = true
				}
				inflight[p] = append(inflight[p], len(st.Chart.Messages))
				st.Chart.Messages = append(st.Chart.Messages, m)
			}
		}
		states := make([]string, 2)
		for side := fsm.A; side <= fsm.B; side++ {
			if prev.Ep[side].State != next.Ep[side].State {
				states[side] = next.Ep[side].State.String()
			}
		}
		story := sys.Story(prev, a)
		st.Chart.Steps = append(st.Chart.Steps, msc.Step{Note: story, States: states, Highlight: row == len(tr.Steps) && tr.Loop < 0})
		st.Trace.Steps = append(st.Trace.Steps, report.Step{N: row, Actor: actor, Action: step.Action, Story: story, State: next.String()})
	}
	return st, nil
}

// sideRole says how a side opens in the system's shape.
func sideRole(sys fsm.System, side fsm.Side) string {
	if sys.Config.Shape == fsm.ClientServer {
		if side == fsm.A {
			return "(client)"
		}
		return "(server)"
	}
	return "(active)"
}

func counts(n fsm.Network) map[fsm.Packet]int {
	c := map[fsm.Packet]int{}
	for _, p := range n.Packets() {
		c[p]++
	}
	return c
}
