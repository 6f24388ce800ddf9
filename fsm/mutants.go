package fsm

import (
	"fmt"
	"slices"
	"strings"
)

// Mutation testing of the properties (verify mutate): a mutant is the table of a variant
// with one deliberate mistake, of the kinds a user changing TCP might make. A property set
// that notices the mistake (some property the unmutated table satisfies fails) kills the
// mutant; one whose behaviour no run can tell apart from the original's is equivalent.

// MutantKind is the kind of mistake a mutant makes.
type MutantKind uint8

// Mutant kinds, in the order Mutants lists a row's mutants.
const (
	// MutDelete deletes the row: the event falls through to a later row, or to none.
	MutDelete MutantKind = iota + 1
	// MutRetarget sends the row to a wrong state: CLOSED, or the state after its target
	// in the order of RFC 9293 §3.3.2 (skipping a step, e.g. SYN-RECEIVED to ESTABLISHED);
	// a row that stays and takes a RST, to CLOSED (as RFC 9293 has TIME-WAIT do, and RFC
	// 1337 undoes).
	MutRetarget
	// MutStay keeps the state of a row that moves.
	MutStay
	// MutNoEmit drops the segment the row sends.
	MutNoEmit
	// MutContinue lets a segment a row drops go on to the later checks of RFC 9293
	// §3.10.7.4 (Then Drop becomes Continue), where a later check handles the state the
	// row leads to.
	MutContinue
	// MutGuard forgets one term of the row's guard: a check left out.
	MutGuard
	// MutNoEffect drops one effect of the row on the TCB (the table suggests it: each
	// effect is one named concern).
	MutNoEffect
	// MutReorder moves the row before the nearest earlier row that competes with it for
	// the same event in a state (the table suggests it: the first matching row wins).
	MutReorder
	numMutantKinds
)

var mutantKindNames = [numMutantKinds]string{"", "delete", "retarget", "stay", "no-emit", "continue",
	"guard", "no-effect", "reorder"}

func (k MutantKind) String() string {
	if k > 0 && k < numMutantKinds {
		return mutantKindNames[k]
	}
	return fmt.Sprintf("MutantKind(%d)", uint8(k))
}

// MutantKinds lists the kinds in order.
func MutantKinds() []MutantKind {
	out := make([]MutantKind, 0, numMutantKinds-1)
	for k := MutDelete; k < numMutantKinds; k++ {
		out = append(out, k)
	}
	return out
}

// ParseMutantKind reads a kind by name; the error lists the valid names.
func ParseMutantKind(s string) (MutantKind, error) {
	for _, k := range MutantKinds() {
		if k.String() == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown mutant kind %q (valid: %s)", s, strings.Join(mutantKindNames[1:], ", "))
}

// Mutant is one mistake in a variant's table: edits made after the variant's own.
type Mutant struct {
	// Name says what was changed, unique among a table's mutants, e.g. "delete
	// syn-sent/syn-ack" or "retarget listen/syn -> ESTABLISHED".
	Name string
	Kind MutantKind
	// Rule is the name of the row changed (for MutReorder, the row moved).
	Rule  string
	Edits []Edit
}

// Of returns the mutant of base as a variant: base's edits, then the mutant's. Its name is
// base's and the mutant's, e.g. "rfc9293 delete syn-sent/syn-ack".
func (m Mutant) Of(base Variant) Variant {
	return Variant{Name: base.Name + " " + m.Name, Desc: "mutant of " + base.Name + ": " + m.Name,
		Edits: append(slices.Clone(base.Edits), m.Edits...), Drops: base.Drops}
}

// Mutants lists the mutants of base's table, row by row in table order and, for each row,
// kind by kind in MutantKind order. A mutant whose table equals base's, or an earlier
// mutant's, is left out, so each mutant is a different table.
func Mutants(base Variant) ([]Mutant, error) {
	table, err := base.Apply(Rules)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{tableKey(table): true}
	var out []Mutant
	add := func(m Mutant) error {
		mt, err := m.Of(base).Apply(Rules)
		if err != nil {
			return fmt.Errorf("mutant %s: %w", m.Name, err)
		}
		if k := tableKey(mt); !seen[k] {
			seen[k] = true
			out = append(out, m)
		}
		return nil
	}
	for i, r := range table {
		for _, m := range rowMutants(table, i) {
			m.Rule = r.Name
			if err := add(m); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// rowMutants lists the mutants of row i of table, kind by kind.
func rowMutants(table []Rule, i int) []Mutant {
	r := table[i]
	var out []Mutant
	edit := func(kind MutantKind, name string, f func(n *Rule)) {
		n := r
		n.Do = slices.Clone(r.Do)
		n.Guard.Terms = slices.Clone(r.Guard.Terms)
		f(&n)
		if len(n.Do) == 0 {
			n.Do = nil
		}
		if len(n.Guard.Terms) == 0 {
			n.Guard.Terms = nil
		}
		out = append(out, Mutant{Name: kind.String() + " " + name, Kind: kind,
			Edits: []Edit{{Op: Replace, Rule: r.ID, New: n}}})
	}
	out = append(out, Mutant{Name: MutDelete.String() + " " + r.Name, Kind: MutDelete,
		Edits: []Edit{{Op: Remove, Rule: r.ID}}})
	for _, to := range wrongTargets(r) {
		edit(MutRetarget, r.Name+" -> "+to.String(), func(n *Rule) { n.To = to })
	}
	if r.To != Stay {
		edit(MutStay, r.Name, func(n *Rule) { n.To = Stay })
	}
	if r.Emit != EmitNone {
		edit(MutNoEmit, r.Name, func(n *Rule) { n.Emit = EmitNone })
	}
	if r.On == EvSegment && r.Then == Drop && handledLater(table, r) {
		edit(MutContinue, r.Name, func(n *Rule) { n.Then = Continue })
	}
	for k := range r.Guard.Terms {
		rest := slices.Delete(slices.Clone(r.Guard.Terms), k, k+1)
		after := Guard{Terms: rest}.String()
		if after == "" {
			after = "always"
		}
		edit(MutGuard, fmt.Sprintf("%s %s -> %s", r.Name, r.Guard, after), func(n *Rule) { n.Guard.Terms = rest })
	}
	for k, d := range r.Do {
		edit(MutNoEffect, r.Name+" "+d.String(), func(n *Rule) { n.Do = slices.Delete(n.Do, k, k+1) })
	}
	if j := competitor(table, i); j >= 0 {
		out = append(out, Mutant{Name: fmt.Sprintf("%s %s before %s", MutReorder, r.Name, table[j].Name), Kind: MutReorder,
			Edits: []Edit{{Op: Remove, Rule: r.ID}, {Op: Add, Rule: table[j].ID, New: r}}})
	}
	return out
}

// wrongTargets are the states MutRetarget sends row r to: CLOSED, and the state after
// r's target in State order, leaving out r's own target; for a row that stays, CLOSED
// when it takes a RST in some state other than CLOSED.
func wrongTargets(r Rule) []State {
	var out []State
	if r.To == Stay {
		if r.Guard.Has(CondRST) && r.From != In(StateClosed) {
			out = append(out, StateClosed)
		}
		return out
	}
	if r.To != StateClosed {
		out = append(out, StateClosed)
	}
	if next := r.To + 1; next < numStates && next != StateClosed {
		out = append(out, next)
	}
	return out
}

// handledLater reports whether a row of a later phase than r's handles a segment in a
// state r leads to: else going on after r changes nothing.
func handledLater(table []Rule, r Rule) bool {
	var to StateSet
	for _, st := range r.Targets() {
		to |= In(st)
	}
	for _, q := range table {
		if q.On == r.On && q.Phase > r.Phase && q.From&to != 0 {
			return true
		}
	}
	return false
}

// competitor is the nearest row before row i of table that handles the same event in the
// same phase in some state of row i's, or -1.
func competitor(table []Rule, i int) int {
	r := table[i]
	for j := i - 1; j >= 0; j-- {
		q := table[j]
		if q.On == r.On && q.Phase == r.Phase && q.From&r.From != 0 {
			return j
		}
	}
	return -1
}

// tableKey is a table's behaviour as a string: equal keys, equal behaviour. Names,
// citations and marks are left out, so renaming a row does not make a new table.
func tableKey(rules []Rule) string {
	var b strings.Builder
	for _, r := range rules {
		fmt.Fprintf(&b, "%d|%d|%d|%d|%v|%v|%d|%d|%d|%d;", r.ID, r.From, r.On, r.Phase, r.Guard.Terms, r.Do,
			r.To, r.Emit, r.Then, r.Report)
	}
	return b.String()
}

// NewSystemOf builds the system of cfg running variant v, which need not be one of
// Variants: a mutant's (Mutant.Of), say. Its machine runs v's edits of the RFC table, set
// as a fresh slice as Machine.Rules allows.
func NewSystemOf(cfg Config, v Variant) (System, error) {
	rules, err := v.Apply(Rules)
	if err != nil {
		return System{}, fmt.Errorf("new system: %w", err)
	}
	if len(rules) > maxRules {
		return System{}, fmt.Errorf("new system: variant %s has %d rules, at most %d", v.Name, len(rules), maxRules)
	}
	cfg.Timing = v.Timing(cfg.Timing)
	sys, err := NewSystem(cfg, RFC)
	if err != nil {
		return System{}, err
	}
	sys.Machine.Variant = v.Name
	sys.Machine.Rules = rules
	sys.Machine.index = newRuleIndex(rules)
	return sys, nil
}

// SameSuccessors reports whether other has the same transitions out of s as sys: the same
// enabled actions, in the same order, each leading to the same state. Two systems of one
// Config that agree so on every state sys reaches reach the same states by the same
// labelled, equally fair transitions (Label, Fair and Terminal do not read the table), so
// no property tells them apart. scratch is reused for the candidate actions; the grown
// slice is returned.
func (sys *System) SameSuccessors(other *System, s SysState, scratch []Action) (bool, []Action) {
	scratch = sys.Actions(s, scratch[:0])
	n := len(scratch)
	scratch = other.Actions(s, scratch)
	mine, theirs := scratch[:n], scratch[n:]
	i := 0
	next := func() (Successor, bool) {
		for ; i < len(mine); i++ {
			if na, ok := sys.Next(s, mine[i]); ok {
				i++
				return Successor{mine[i-1], na}, true
			}
		}
		return Successor{}, false
	}
	return other.sameAs(s, theirs, next), scratch
}

// sameAs reports whether the enabled actions among sys's candidates out of s, with their
// states, are those that want yields, in order.
func (sys *System) sameAs(s SysState, candidates []Action, want func() (Successor, bool)) bool {
	j := 0
	for {
		w, okA := want()
		var b Action
		var nb SysState
		okB := false
		for ; j < len(candidates) && !okB; j++ {
			b = candidates[j]
			nb, okB = sys.Next(s, b)
		}
		if okA != okB {
			return false
		}
		if !okA {
			return true
		}
		if w.Action != b || w.Next != nb {
			return false
		}
	}
}
