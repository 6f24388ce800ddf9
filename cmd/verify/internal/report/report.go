// Package report is the verify command's output: one Report value, written as report.json
// (a stable schema, schema.json beside this file) and report.md (for people). It holds data
// only; the command fills it from the model's config and the checker's result.
package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/tcpverify/tcpverify/checker"
)

// SchemaID names the JSON schema the report follows; it changes only with the schema.
const SchemaID = "https://tcpverify.dev/schema/report-1.json"

// Report is one verification run.
type Report struct {
	Schema     string     `json:"$schema"`
	Tool       string     `json:"tool"`
	Command    string     `json:"command"`
	Model      Model      `json:"model"`
	Search     Search     `json:"search"`
	Result     Result     `json:"result"`
	Properties []Property `json:"properties"`
	// Graph is the file name of the projected state graph, if written.
	Graph string `json:"graph,omitempty"`
	// GraphSVG is the file name of its drawing, when Graphviz laid it out.
	GraphSVG string `json:"graph_svg,omitempty"`
	// Coverage is each row of the variant's rule table, in table order, with how often it
	// fired in the explored transitions (verify check; absent for other commands).
	Coverage []RuleCoverage `json:"coverage,omitempty"`
	// Notes are remarks for the reader (e.g. "Graphviz not found: MSCs as DOT only").
	Notes []string `json:"notes,omitempty"`
}

// RuleCoverage is how often one rule row fired: the number of explored transitions whose
// step it took part in. Zero means the search never used the row.
type RuleCoverage struct {
	Rule  string `json:"rule"`
	Fired uint64 `json:"fired"`
}

// Model says what was checked.
type Model struct {
	Shape   string `json:"shape"`
	Variant string `json:"variant"`
	// Config is the model configuration as the fsm package defines it.
	Config json.RawMessage `json:"config"`
}

// Search holds the checker's options.
type Search struct {
	Workers        int     `json:"workers"`
	Visited        string  `json:"visited"`
	MaxStates      uint64  `json:"max_states"`
	MaxDepth       int     `json:"max_depth"`
	MaxMemory      uint64  `json:"max_memory_bytes"`
	TimeoutSeconds float64 `json:"timeout_seconds"`
}

// Result holds the counts and costs of the search.
type Result struct {
	Complete bool `json:"complete"`
	// Stop says which bound ended an incomplete search.
	Stop            string  `json:"stop,omitempty"`
	States          uint64  `json:"states"`
	Transitions     uint64  `json:"transitions"`
	MaxDepth        int     `json:"max_depth"`
	Seconds         float64 `json:"seconds"`
	StatesPerSecond float64 `json:"states_per_second"`
	PeakHeapBytes   uint64  `json:"peak_heap_bytes"`
	BytesPerState   float64 `json:"bytes_per_state"`
	OmissionBound   float64 `json:"omission_bound"`
}

// Property is one property's verdict.
type Property struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Description string `json:"description"`
	// Status is the verdict, spelt "holds", "violated" or "unknown".
	Status checker.Status `json:"status"`
	Trace  *Trace         `json:"trace,omitempty"`
}

// Trace is a counterexample, or a Sometimes property's example.
type Trace struct {
	// Role is "counterexample" or "example".
	Role string `json:"role"`
	// Loop is the step the cycle of a lasso returns to (0: before step 1), or -1.
	Loop  int    `json:"loop"`
	Start string `json:"start"`
	Steps []Step `json:"steps"`
	// MSC is the file name of the message sequence chart (DOT).
	MSC string `json:"msc,omitempty"`
	// MSCSVG is the file name of its drawing, when Graphviz rendered it.
	MSCSVG string `json:"msc_svg,omitempty"`
}

// Step is one transition, told as a story line.
type Step struct {
	N int `json:"n"`
	// Actor is the endpoint that acts ("A", "B") or "net" for the network.
	Actor  string `json:"actor"`
	Action string `json:"action"`
	// Story is the step in words, e.g. "B receives <SEQ=3><CTL=SYN>: LISTEN -> SYN-RECEIVED".
	Story string `json:"story"`
	// State is the whole system after the step.
	State string `json:"state"`
}

// WriteJSON writes r as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("report: write json: %w", err)
	}
	return nil
}
