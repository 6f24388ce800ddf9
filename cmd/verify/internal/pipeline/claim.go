package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/msc"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// ClaimRun is one model of a claim: the RFC's, which must satisfy the property, or a
// refuting variant's, which must violate it. For a Sometimes property, holds means that
// its example is reachable.
type ClaimRun struct {
	Claim    string
	Property string
	Variant  string
	Want     checker.Status
	Got      checker.Status
	// Steps is the trace length (-1 for none); Loop the step a lasso returns to (-1).
	Steps  int
	Loop   int
	States uint64
	// Chart is the trace as a message sequence chart, nil for none.
	Chart *msc.Chart
	// Actions are the trace's actions, one per chart step.
	Actions []fsm.Action
	// MSC, when set, names the file the chart is written to: JSON then carries the name
	// instead of the chart.
	MSC string
	// Complete is false when a bound stopped the search. Elapsed is the search's time.
	// Neither is part of the JSON.
	Complete bool
	Elapsed  time.Duration
	// Coverage is the rows of the variant's table with how often each fired; nil unless
	// asked for (RunClaimWith). Not part of the JSON.
	Coverage []RuleCount
	// Stop says why the search stopped before it was complete ("" when it was complete);
	// a run cut short may still have decided (a violation found before the bound).
	Stop string
	// canceled: the search stopped because its context was cancelled.
	canceled bool
}

// Canceled reports whether the run was cut short by a cancelled context (a signal, say)
// rather than by one of its bounds.
func (r ClaimRun) Canceled() bool { return r.canceled }

// OK says whether the run found what the claim wants.
func (r ClaimRun) OK() bool { return r.Got == r.Want }

// Want is the verdict a claim wants of variant: the RFC model holds, a refuter violates.
func Want(variant string) checker.Status {
	if variant == fsm.RFC {
		return checker.Holds
	}
	return checker.Violated
}

// RunClaim checks the claim's property alone on the variant, at the claim's config.
func RunClaim(ctx context.Context, c properties.Claim, variant string, search checker.Config, watch Watcher) (ClaimRun, error) {
	return RunClaimWith(ctx, c, variant, search, watch, false)
}

// RunClaimWith is RunClaim, counting the rows that fire (ClaimRun.Coverage) when coverage
// is set.
func RunClaimWith(ctx context.Context, c properties.Claim, variant string, search checker.Config, watch Watcher, coverage bool) (ClaimRun, error) {
	runs, err := RunClaims(ctx, []properties.Claim{c}, variant, search, watch, coverage)
	if err != nil {
		return ClaimRun{}, err
	}
	return runs[0], nil
}

// RunClaims checks several claims that share one config on the variant in a single search
// with all their properties, and returns one ClaimRun per claim, in order. A claim wants a
// verdict, so the search stops once every property is decided (checker's StopWhenDecided:
// a refuter's violations found, level by level) instead of exploring the rest. Each run's
// verdict and trace are what RunClaimWith would have returned for its claim alone: the
// checker decides each property on its own, breadth-first, so they do not depend on the
// other properties. States, Elapsed, Complete, Stop and Coverage are the shared search's,
// in every ClaimRun. Claims with the same property share its verdict. The claims' configs
// must be equal.
func RunClaims(ctx context.Context, claims []properties.Claim, variant string, search checker.Config, watch Watcher, coverage bool) ([]ClaimRun, error) {
	if len(claims) == 0 {
		return nil, errors.New("pipeline: no claims to run")
	}
	var names []string
	var props []properties.Property
	index := map[string]int{} // property name -> position in props
	for _, c := range claims {
		names = append(names, c.Name)
		if _, ok := index[c.Property.Name]; !ok {
			index[c.Property.Name] = len(props)
			props = append(props, c.Property)
		}
	}
	what := "claim " + claims[0].Name
	if len(claims) > 1 {
		what = "claims " + strings.Join(names, ", ")
	}
	for _, c := range claims[1:] {
		if c.Config != claims[0].Config {
			return nil, fmt.Errorf("%s, variant %s: %s has another config than %s", what, variant, c.Name, claims[0].Name)
		}
	}
	search.StopWhenDecided = true
	job := Job{Config: claims[0].Config, Variant: variant, Properties: props,
		Search: search, Watch: watch, Title: ClaimTitle, Coverage: coverage}
	res, err := Run(ctx, job)
	if err != nil {
		return nil, fmt.Errorf("%s, variant %s: %w", what, variant, err)
	}
	runs := make([]ClaimRun, len(claims))
	for i, c := range claims {
		v := res.Verdicts[index[c.Property.Name]]
		r := ClaimRun{Claim: c.Name, Property: c.Property.Name, Variant: variant, Want: Want(variant),
			Got: v.Status, Steps: v.Steps(), Loop: v.Loop(), States: res.Summary.States,
			Complete: res.Summary.Complete, Elapsed: res.Summary.Elapsed, Coverage: res.Coverage}
		if !res.Summary.Complete && res.Summary.Stop != nil {
			r.Stop = res.Summary.Stop.Error()
			r.canceled = errors.Is(res.Summary.Stop, checker.ErrCanceled)
		}
		if v.Story != nil {
			r.Chart, r.Actions = v.Story.Chart, v.Story.Actions
		}
		runs[i] = r
	}
	return runs, nil
}

// claimJSON is a ClaimRun as verify claims --format json and docs/generated/runs.json
// spell it.
type claimJSON struct {
	Claim    string       `json:"claim"`
	Property string       `json:"property"`
	Variant  string       `json:"variant"`
	Want     string       `json:"want"`
	Got      string       `json:"got"`
	OK       bool         `json:"ok"`
	Steps    int          `json:"steps"`
	Loop     int          `json:"loop"`
	States   uint64       `json:"states"`
	MSC      string       `json:"msc,omitempty"`
	Chart    *msc.Chart   `json:"chart,omitempty"`
	Actions  []fsm.Action `json:"actions,omitempty"`
	Stop     string       `json:"stop,omitempty"`
}

// MarshalJSON spells the verdicts as words and adds ok; the chart is carried by its file
// name (MSC) when it has one, inline otherwise.
func (r ClaimRun) MarshalJSON() ([]byte, error) {
	j := claimJSON{Claim: r.Claim, Property: r.Property, Variant: r.Variant, Want: r.Want.String(),
		Got: r.Got.String(), OK: r.OK(), Steps: r.Steps, Loop: r.Loop, States: r.States, MSC: r.MSC, Stop: r.Stop}
	if r.MSC == "" {
		j.Chart, j.Actions = r.Chart, r.Actions
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON wrote, rejecting unknown fields and verdicts.
func (r *ClaimRun) UnmarshalJSON(data []byte) error {
	var j claimJSON
	if err := decodeStrict(data, &j); err != nil {
		return err
	}
	want, err := ParseStatus(j.Want)
	if err != nil {
		return fmt.Errorf("claim %s: want: %w", j.Claim, err)
	}
	got, err := ParseStatus(j.Got)
	if err != nil {
		return fmt.Errorf("claim %s: got: %w", j.Claim, err)
	}
	*r = ClaimRun{Claim: j.Claim, Property: j.Property, Variant: j.Variant, Want: want, Got: got,
		Steps: j.Steps, Loop: j.Loop, States: j.States, Chart: j.Chart, Actions: j.Actions, MSC: j.MSC, Stop: j.Stop}
	if r.OK() != j.OK {
		return fmt.Errorf("claim %s: ok is %v but want %s, got %s", j.Claim, j.OK, j.Want, j.Got)
	}
	return nil
}

// ParseStatus reads a verdict as checker.Status.String spells it.
func ParseStatus(s string) (checker.Status, error) {
	var st checker.Status
	err := st.UnmarshalText([]byte(s))
	return st, err
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
