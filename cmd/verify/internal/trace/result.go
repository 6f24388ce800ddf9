package trace

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tcpverify/tcpverify/fsm"
)

// Result is the verdict on one incarnation.
type Result struct {
	// Accepted is true when some run of the model produces the observed segments.
	Accepted bool `json:"accepted"`
	// Client and Server are the states each endpoint entered along the run found, from its
	// initial state to the one the capture leaves it in. For a rejected incarnation they
	// stop before the segment that could not be explained.
	Client Path `json:"client"`
	Server Path `json:"server"`
	// RejectFrame is the frame number (as Wireshark counts) of the first segment no run
	// explains; zero when accepted.
	RejectFrame int `json:"reject_frame,omitempty"`
	// Reason says why that segment cannot be sent, naming both endpoints' states.
	Reason string `json:"reason,omitempty"`
	// Notes say what the model did not see (options, PSH, ...) and where the run relied on
	// an abstraction workaround or a loss.
	Notes []string `json:"notes,omitempty"`
	// Run is the inferred run, hidden steps included, up to the end of the capture (or to
	// the rejected segment).
	Run []Step `json:"run,omitempty"`
}

// Step is one event of the inferred run.
type Step struct {
	// Frame is the frame this step sends (an observed segment) or delivers; 0 for a user
	// call or timer that sends nothing observed.
	Frame int `json:"frame,omitempty"`
	// Side is "client" or "server".
	Side string `json:"side"`
	// Event says what happened, e.g. "deliver frame 2", "close", "send 6 units",
	// "retransmit".
	Event string `json:"event"`
	// Sends is the observed segment this step produced, in relative numbers, if any.
	Sends string `json:"sends,omitempty"`
	// States is the endpoint's state before the step, then every state it entered; empty
	// when the step left the state unchanged.
	States Path `json:"states,omitempty"`
	// Note says what the step assumed, e.g. a loss, if anything.
	Note string `json:"note,omitempty"`
}

// String prints the step as one line, e.g.
// "server deliver frame 1, sends frame 2 <SEQ=0><ACK=1><CTL=SYN,ACK> len=0 (LISTEN -> SYN-RECEIVED)".
func (s Step) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", s.Side, s.Event)
	if s.Sends != "" {
		fmt.Fprintf(&b, ", sends frame %d %s", s.Frame, s.Sends)
	}
	if len(s.States) > 0 {
		fmt.Fprintf(&b, " (%s)", s.States)
	}
	return b.String()
}

// Path is a sequence of states an endpoint entered. It prints as the RFC names joined by
// arrows and marshals to JSON as a list of names.
type Path []fsm.State

// String is e.g. "CLOSED -> SYN-SENT -> ESTABLISHED".
func (p Path) String() string {
	names := make([]string, len(p))
	for i, s := range p {
		names[i] = s.String()
	}
	return strings.Join(names, " -> ")
}

// Strings gives the state names, as cmd/verify/internal/capture/expect stores paths.
func (p Path) Strings() []string {
	names := make([]string, len(p))
	for i, s := range p {
		names[i] = s.String()
	}
	return names
}

// MarshalJSON writes the state names.
func (p Path) MarshalJSON() ([]byte, error) {
	return json.Marshal(p.Strings())
}

// UnmarshalJSON reads the state names back.
func (p *Path) UnmarshalJSON(data []byte) error {
	var names []string
	if err := json.Unmarshal(data, &names); err != nil {
		return fmt.Errorf("path: %w", err)
	}
	out := make(Path, len(names))
	for i, n := range names {
		s, err := fsm.ParseState(n)
		if err != nil {
			return fmt.Errorf("path: %w", err)
		}
		out[i] = s
	}
	*p = out
	return nil
}

// add appends the states entered, skipping repeats of the last one.
func (p Path) add(states ...fsm.State) Path {
	for _, s := range states {
		if len(p) == 0 || p[len(p)-1] != s {
			p = append(p, s)
		}
	}
	return p
}
