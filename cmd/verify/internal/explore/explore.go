// Package explore lets a person step through the model: from the initial state, choose
// one enabled action after another, step back, search for the shortest path to a state
// or a violation, and check the model from any state. A state is named by its path: the
// indices, in Model.Actions of each state along the way, of the actions taken from the
// initial state, the same indices the checker's traces record (checker.Step.Index). The
// package holds no session: every request carries its path, so a URL names a state.
//
//	e, _ := explore.New(model, explore.Limits{})
//	v, _ := e.View([]int{0, 2})   // the state after actions 0 then 2
//	fmt.Println(v.State.A.State)  // e.g. SYN-SENT
//
// Server (server.go) serves the page (page/, embedded) and a JSON API over these.
package explore

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// Limits bound what one request may cost.
type Limits struct {
	// MaxPath is the longest path a request may name (default 10,000 steps).
	MaxPath int
	// MaxSearchStates and MaxSearchTime bound a search or a check (defaults 2,000,000
	// states and 30 s); a request may ask for less, never for more.
	MaxSearchStates int
	MaxSearchTime   time.Duration
	// MaxBody is the largest request body, in bytes (default 64 KiB).
	MaxBody int64
}

func (l Limits) withDefaults() Limits {
	if l.MaxPath <= 0 {
		l.MaxPath = 10_000
	}
	if l.MaxSearchStates <= 0 {
		l.MaxSearchStates = 2_000_000
	}
	if l.MaxSearchTime <= 0 {
		l.MaxSearchTime = 30 * time.Second
	}
	if l.MaxBody <= 0 {
		l.MaxBody = 64 << 10
	}
	return l
}

// Explorer answers questions about the states of one model. It is safe for concurrent
// use: it changes nothing after New.
type Explorer struct {
	model   properties.Model
	sys     *fsm.System
	props   []checker.Property[fsm.SysState]
	infos   []PropertyInfo
	variant string
	limits  Limits
	init    fsm.SysState
}

// PropertyInfo describes a property of the model.
type PropertyInfo struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Statement string `json:"statement,omitempty"`
}

// New prepares the exploration of model, whose properties are those of infos (by name;
// a property of the model without one is described by its name and kind alone).
func New(model properties.Model, variant string, described []properties.Property, limits Limits) (*Explorer, error) {
	inits := model.Init()
	if len(inits) != 1 {
		return nil, fmt.Errorf("explore: the model has %d initial states, want 1", len(inits))
	}
	e := &Explorer{model: model, sys: model.System, props: model.Properties(), variant: variant,
		limits: limits.withDefaults(), init: inits[0]}
	statements := map[string]string{}
	for _, p := range described {
		statements[p.Name] = p.Statement
	}
	for _, p := range e.props {
		e.infos = append(e.infos, PropertyInfo{Name: p.Name, Kind: p.Kind.String(), Statement: statements[p.Name]})
	}
	return e, nil
}

// ParsePath reads a path written "i,j,k" ("" is the initial state), within the limit.
func (e *Explorer) ParsePath(text string) ([]int, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return []int{}, nil
	}
	if n := strings.Count(text, ",") + 1; n > e.limits.MaxPath {
		return nil, fmt.Errorf("path has %d steps, more than %d", n, e.limits.MaxPath)
	}
	parts := strings.Split(text, ",")
	path := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("path step %d: %q is not an action index (a number from 0)", i+1, p)
		}
		path[i] = n
	}
	return path, nil
}

// ErrPath is wrapped by the errors of a path that does not name a state.
var ErrPath = errors.New("path names no state")

// walk replays path from the initial state and returns every state along it, the initial
// one first, and the action taken at each step.
func (e *Explorer) walk(path []int) ([]fsm.SysState, []fsm.Action, error) {
	if len(path) > e.limits.MaxPath {
		return nil, nil, fmt.Errorf("%w: %d steps, more than %d", ErrPath, len(path), e.limits.MaxPath)
	}
	states := []fsm.SysState{e.init}
	var taken []fsm.Action
	var acts []fsm.Action
	for k, i := range path {
		s := states[len(states)-1]
		acts = e.sys.Actions(s, acts[:0])
		if i < 0 || i >= len(acts) {
			return nil, nil, fmt.Errorf("%w: step %d: action %d does not exist (the state lists %d)", ErrPath, k+1, i, len(acts))
		}
		next, ok := e.sys.Next(s, acts[i])
		if !ok {
			return nil, nil, fmt.Errorf("%w: step %d: action %d (%s) is not enabled", ErrPath, k+1, i, e.sys.Label(s, acts[i]))
		}
		states = append(states, next)
		taken = append(taken, acts[i])
	}
	return states, taken, nil
}

// Model describes what is explored.
type Model struct {
	Variant    string         `json:"variant"`
	Config     string         `json:"config"`
	Properties []PropertyInfo `json:"properties"`
	Limits     LimitsView     `json:"limits"`
}

// LimitsView is Limits as JSON.
type LimitsView struct {
	MaxPath          int     `json:"max_path"`
	MaxSearchStates  int     `json:"max_search_states"`
	MaxSearchSeconds float64 `json:"max_search_seconds"`
}

// Describe says what is explored.
func (e *Explorer) Describe() Model {
	return Model{Variant: e.variant, Config: fmt.Sprintf("%+v", e.sys.Config), Properties: e.infos,
		Limits: LimitsView{MaxPath: e.limits.MaxPath, MaxSearchStates: e.limits.MaxSearchStates,
			MaxSearchSeconds: e.limits.MaxSearchTime.Seconds()}}
}

// TraceStep is one step of a trace as a report records it: the action's label and the
// whole state after it (report.Step's Action and State).
type TraceStep struct {
	Label string
	State string
}

// Replay finds the path of a trace recorded by its labels: at each step, the first
// enabled action with the step's label that leads to the step's state (any state when
// State is empty).
func (e *Explorer) Replay(steps []TraceStep) ([]int, error) {
	if len(steps) > e.limits.MaxPath {
		return nil, fmt.Errorf("trace has %d steps, more than %d", len(steps), e.limits.MaxPath)
	}
	s := e.init
	path := make([]int, 0, len(steps))
	var acts []fsm.Action
	for k, st := range steps {
		acts = e.sys.Actions(s, acts[:0])
		found := false
		for i, a := range acts {
			if e.sys.Label(s, a) != st.Label {
				continue
			}
			next, ok := e.sys.Next(s, a)
			if !ok || (st.State != "" && next.String() != st.State) {
				continue
			}
			path, s, found = append(path, i), next, true
			break
		}
		if !found {
			return nil, fmt.Errorf("trace step %d (%s): no enabled action of this model takes it there", k+1, st.Label)
		}
	}
	return path, nil
}
