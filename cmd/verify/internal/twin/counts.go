package twin

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
)

//go:embed testdata/counts.txt
var countsTxt []byte

// Count is SPIN's count of the model at one setting, as recorded in testdata/counts.txt.
type Count struct {
	Params Params
	// States is SPIN's "states, stored": the reachable states.
	States uint64
	// SPINTransitions is SPIN's "transitions (= stored+matched)". It counts the initial
	// state too, so it is checker.Result.Transitions + 1 (and Rumur's "rules fired" + 1).
	SPINTransitions uint64
	// Source says who produced the line: "spin+rumur" (both run, agreeing), "spin" (SPIN
	// run) or "readme" (the anchor README's table).
	Source string
}

// Firings is the number of rule firings, what checker.Result.Transitions counts.
func (c Count) Firings() uint64 { return c.SPINTransitions - 1 }

// RecordedCounts returns the counts of testdata/counts.txt, in its order (by states), so a
// caller (the benchmark command, the tests) can check a run without running SPIN.
func RecordedCounts() ([]Count, error) {
	var out []Count
	sc := bufio.NewScanner(bytes.NewReader(countsTxt))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Fields(line)
		if len(fs) != 9 {
			return nil, fmt.Errorf("counts.txt:%d: %d fields, want 9", n, len(fs))
		}
		var v [8]uint64
		for i := range v {
			var err error
			if v[i], err = strconv.ParseUint(fs[i], 10, 64); err != nil {
				return nil, fmt.Errorf("counts.txt:%d: %w", n, err)
			}
		}
		c := Count{
			Params: Params{SeqN: int(v[0]), NetCap: int(v[1]), Loss: int(v[2]), Dup: int(v[3]),
				OldSyn: int(v[4]), Rtx: int(v[5])},
			States: v[6], SPINTransitions: v[7], Source: fs[8],
		}
		if err := c.Params.Validate(); err != nil {
			return nil, fmt.Errorf("counts.txt:%d: %w", n, err)
		}
		if c.SPINTransitions == 0 {
			return nil, fmt.Errorf("counts.txt:%d: no transitions", n)
		}
		out = append(out, c)
	}
	return out, sc.Err()
}

// RecordedCount returns the recorded count at p, if there is one.
func RecordedCount(p Params) (Count, bool) {
	cs, err := RecordedCounts()
	if err != nil {
		return Count{}, false
	}
	for _, c := range cs {
		if c.Params == p {
			return c, true
		}
	}
	return Count{}, false
}
