package fsm

// Which rows of the table a state's successors depend on. A mutant changes one row; in a
// state whose successors never read that row in the way the mutant changes it, the mutant
// has the unmutated table's successors, and needs no comparison there (Mutant.MayDiffer).
// verify mutate so finds, in one search of the unmutated table's space, most mutants that
// are equivalent at a point, instead of searching that space once per mutant.

// RowSet is a set of rows by table index (Machine.Rules).
type RowSet [maxRules / 64]uint64

// Has reports whether row i is in the set.
func (r *RowSet) Has(i int) bool { return i >= 0 && i < maxRules && r[i/64]&(1<<(i%64)) != 0 }

func (r *RowSet) add(i int) { r[i/64] |= 1 << (i % 64) }

// Consulted is what finding the rows that handle events read of the table, by how far
// each lookup got (Machine.match, for Step and Handled alike):
//   - Candidate: the row's phase, event and state were those of a lookup (the rows the
//     index lists for it), whether or not the lookup got to it;
//   - Reached: the lookup got to the row and evaluated its guard (no earlier row matched);
//   - Matched: the row was the one the lookup found, so that its effects, target, segment,
//     Then (for a step) or Emit (for Handled's silent events) were read.
//
// Matched ⊆ Reached ⊆ Candidate.
type Consulted struct {
	Candidate, Reached, Matched RowSet
}

// Union adds o's rows to c's.
func (c *Consulted) Union(o *Consulted) {
	for w := range c.Candidate {
		c.Candidate[w] |= o.Candidate[w]
		c.Reached[w] |= o.Reached[w]
		c.Matched[w] |= o.Matched[w]
	}
}

// match is Machine.match recording what it reads in c. It scans the whole table, as a
// machine without an index does: the rows it records do not depend on the index.
func (c *Consulted) match(m *Machine, cx *ctx, p Phase) (int, bool) {
	found := -1
	for i := range m.Rules {
		r := &m.Rules[i]
		if r.Phase != p || r.On != cx.kind || !r.From.Has(cx.ep.State) {
			continue
		}
		c.Candidate.add(i)
		if found >= 0 {
			continue
		}
		c.Reached.add(i)
		if r.Guard.holds(cx) {
			c.Matched.add(i)
			found = i
		}
	}
	return found, found >= 0
}

// Consult adds to c the rows that computing s's successors reads: the candidate actions
// (Actions, whose calls and timers Handled finds) and each one's outcome (Next), for
// enabled and refused actions alike. scratch is reused for the actions; the grown slice
// is returned. It is as pure as Next, and safe to call from several goroutines (each with
// its own c and scratch).
func (sys *System) Consult(s SysState, c *Consulted, scratch []Action) []Action {
	own := *sys
	own.Machine.consult = c
	scratch = own.Actions(s, scratch[:0])
	for _, a := range scratch {
		own.Next(s, a)
	}
	return scratch
}

// Successor is an enabled action out of a state and the state it leads to.
type Successor struct {
	Action Action
	Next   SysState
}

// Candidate is what Next makes of one candidate action out of a state: whether it is
// enabled, the state it leads to, and the rows computing that read.
type Candidate struct {
	Action Action
	OK     bool
	Next   SysState
	Read   Consulted
}

// Outcomes is what ConsultOutcomes finds in a state: the rows finding the candidate
// actions read (Actions), and each candidate's outcome, in order.
type Outcomes struct {
	Actions Consulted
	Of      []Candidate
}

// ConsultOutcomes is Consult that also keeps, in o, what each part of computing s's
// successors read and made. A caller comparing several systems with sys in s so computes
// sys's successors once, and a mutant's only where it may differ (SameOutcomes). c gets
// what Consult gives it. scratch is reused for the actions; the grown slice is returned.
func (sys *System) ConsultOutcomes(s SysState, c *Consulted, o *Outcomes, scratch []Action) []Action {
	own := *sys
	o.Actions = Consulted{}
	own.Machine.consult = &o.Actions
	scratch = own.Actions(s, scratch[:0])
	c.Union(&o.Actions)
	o.Of = o.Of[:0]
	for _, a := range scratch {
		o.Of = append(o.Of, Candidate{Action: a})
		out := &o.Of[len(o.Of)-1]
		own.Machine.consult = &out.Read
		out.Next, out.OK = own.Next(s, a)
		c.Union(&out.Read)
	}
	return scratch
}

// SameOutcomes reports whether sys, a mutant whose change shows only where sense says it
// may (Mutant.SensitivityIn of the table o was found with), has the same transitions out
// of s as the system whose outcomes o are there, as SameSuccessors compares them. When the
// mutant has the same candidate actions (as it does where the lookups that found them did
// not read its change), only the outcomes whose lookups read the change are computed
// again; else its successors are compared whole. scratch is reused for sys's candidate
// actions; the grown slice is returned.
func (sys *System) SameOutcomes(s SysState, o *Outcomes, sense Sensitivity, scratch []Action) (bool, []Action) {
	if sense.MayDiffer(&o.Actions) && !sys.sameCandidates(s, o, &scratch) {
		k := 0
		want := func() (Successor, bool) {
			for ; k < len(o.Of); k++ {
				if o.Of[k].OK {
					k++
					return Successor{o.Of[k-1].Action, o.Of[k-1].Next}, true
				}
			}
			return Successor{}, false
		}
		return sys.sameAs(s, scratch, want), scratch
	}
	for k := range o.Of {
		out := &o.Of[k]
		if !sense.MayDiffer(&out.Read) {
			continue
		}
		next, ok := sys.Next(s, out.Action)
		if ok != out.OK || ok && next != out.Next {
			return false, scratch
		}
	}
	return true, scratch
}

// sameCandidates reports whether sys's candidate actions out of s, which it leaves in
// *scratch, are those of o.
func (sys *System) sameCandidates(s SysState, o *Outcomes, scratch *[]Action) bool {
	*scratch = sys.Actions(s, (*scratch)[:0])
	if len(*scratch) != len(o.Of) {
		return false
	}
	for k, a := range *scratch {
		if a != o.Of[k].Action {
			return false
		}
	}
	return true
}

// Sensitivity is where a mutant's change can show: a row of the unmutated table, and
// how far a lookup must get to it (Mutant.SensitivityIn).
type Sensitivity struct {
	// Row is the changed row's index in the unmutated table, -1 when it is not there.
	Row  int
	need readDepth
}

// readDepth is how far a lookup got to a row (Consulted's three sets).
type readDepth uint8

const (
	readCandidate readDepth = iota + 1
	readReached
	readMatched
)

// SensitivityIn is where the mutant's change can show in table, the unmutated variant's
// table (Machine.Rules), which Sensitivity.MayDiffer tests:
//
//   - a row deleted, sent elsewhere, kept in its state, made silent, let go on, or one of
//     its effects forgotten, changes only lookups that found it (Matched): where it was
//     not found, its phase, event, states and guard, which the mutant keeps, make every
//     lookup find what it found;
//   - a guard with a term forgotten holds wherever the whole guard held, so it changes
//     only lookups that got to the row (Reached) and found it false;
//   - a row moved before the row it competes with changes at most the lookups it was a
//     candidate of (Candidate).
func (m Mutant) SensitivityIn(table []Rule) Sensitivity {
	out := Sensitivity{Row: -1}
	if len(m.Edits) == 0 {
		return out
	}
	for i := range table {
		if table[i].ID == m.Edits[0].Rule {
			out.Row = i
			break
		}
	}
	switch m.Kind {
	case MutDelete, MutRetarget, MutStay, MutNoEmit, MutContinue, MutNoEffect:
		out.need = readMatched
	case MutGuard:
		out.need = readReached
	default:
		out.need = readCandidate
	}
	return out
}

// MayDiffer reports whether the mutant can have other successors than the unmutated
// table in a state whose successors read c of it. False is a proof that it has the same
// ones. A mutant of a row not in the table (Row -1) may differ anywhere; one of no edit
// never does.
func (s Sensitivity) MayDiffer(c *Consulted) bool {
	switch {
	case s.need == 0:
		return false
	case s.Row < 0:
		return true
	case s.need == readMatched:
		return c.Matched.Has(s.Row)
	case s.need == readReached:
		return c.Reached.Has(s.Row)
	}
	return c.Candidate.Has(s.Row)
}

// MayDiffer is m.SensitivityIn(table).MayDiffer(c).
func (m Mutant) MayDiffer(table []Rule, c *Consulted) bool {
	return m.SensitivityIn(table).MayDiffer(c)
}
