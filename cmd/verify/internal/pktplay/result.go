package pktplay

import (
	"fmt"
	"strings"

	"github.com/tcpverify/tcpverify/fsm"
)

// Status is a script's verdict.
type Status string

// Verdicts. A script passes when some run of the model matches every line; it fails at
// the first line no run can match; it is unsupported when it uses a construct the model
// cannot play (a UDP socket, data on a SYN, a second connection at once): judging it
// would say nothing about the rule table.
const (
	Pass        Status = "pass"
	Fail        Status = "fail"
	Unsupported Status = "unsupported"
)

// Result is the verdict on one script.
type Result struct {
	File    string `json:"file"`
	Variant string `json:"variant"`
	Status  Status `json:"status"`
	// Line and Text name the first line no run matches (Fail) or the construct that
	// cannot be played (Unsupported); Reason says why: the rule that fired and what the
	// endpoint sent, or the call's outcome in the model.
	Line   int    `json:"line,omitempty"`
	Text   string `json:"text,omitempty"`
	Reason string `json:"reason,omitempty"`
	// NotJudged lists the lines (or parts of lines) that a model of connection management
	// cannot judge: shell commands, Python blocks, socket options it has no counterpart
	// for, window values, TCP options, timing tolerances.
	NotJudged []Unjudged `json:"not_judged,omitempty"`
	// Notes lists the abstractions the run relied on (a delayed ACK taken as folded into
	// a later segment, a RST,ACK matched to the model's RST, ...), each with its line.
	Notes []string `json:"notes,omitempty"`
	// Steps is the run that matched (Pass) or the run that got furthest (Fail): every
	// model step with its line, the event, the rows that fired and the state after.
	Steps []Step `json:"steps,omitempty"`
	// Cover lists the pairs (state, segment kind) of the segments the script injected,
	// in the run reported, once each in order of first appearance.
	Cover []Cover `json:"cover,omitempty"`
	// Fired lists the rows of the table that fired in the run reported, by name, once
	// each in order of first firing.
	Fired []string `json:"fired,omitempty"`
}

// Unjudged is one line, or part of one, that the runner does not judge.
type Unjudged struct {
	Line int    `json:"line"`
	What string `json:"what"`
}

// Step is one model step of a run.
type Step struct {
	Line int `json:"line"`
	// Hidden is set for steps the script does not show: timer expiries, the listener
	// listening again once its connection is CLOSED.
	Hidden bool     `json:"hidden,omitempty"`
	Event  string   `json:"event"`
	Fired  []string `json:"fired,omitempty"`
	// Sends lists what the step sent, in the script's notation.
	Sends []string `json:"sends,omitempty"`
	From  string   `json:"from"`
	To    string   `json:"to"`
}

// Cover is a state and the kind of segment that arrived in it.
type Cover struct {
	State string `json:"state"`
	Kind  string `json:"kind"`
}

// SegmentKind names a segment by its control bits and whether it carries data, as the
// summary tables group them: "SYN", "SYN,ACK", "ACK", "ACK+data", "FIN,ACK", "RST",
// "RST,ACK", "none" (no control bit).
func SegmentKind(s fsm.Segment) string {
	k := s.Flags.String()
	if k == "" {
		k = "none"
	}
	if s.Len > 0 {
		k += "+data"
	}
	return k
}

// Summary renders the verdict as one line: "pass FILE", "fail FILE:LINE: REASON".
func (r Result) Summary() string {
	switch r.Status {
	case Pass:
		return fmt.Sprintf("pass %s", r.File)
	default:
		return fmt.Sprintf("%s %s:%d: %s", r.Status, r.File, r.Line, strings.TrimSpace(r.Reason))
	}
}
