package docgen

import (
	"fmt"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/msc"
	"github.com/tcpverify/tcpverify/fsm"
)

// Replay checks that a recorded chart is still a run of sys: from the initial state, each
// step's note must be the story of an enabled action, and a lasso's last step must return
// to the state its cycle starts from. It is cheap, so it can catch a rule change that makes
// a committed chart stale without searching again.
func Replay(sys fsm.System, c *msc.Chart) error {
	s := sys.Init()[0]
	states := []fsm.SysState{s}
	var acts []fsm.Action
	for i, st := range c.Steps {
		acts = sys.Actions(s, acts[:0])
		found := false
		for _, a := range acts {
			if sys.Story(s, a) != st.Note {
				continue
			}
			next, ok := sys.Next(s, a)
			if !ok {
				continue
			}
			s, found = next, true
			break
		}
		if !found {
			return fmt.Errorf("step %d %q: no such action in %s", i+1, st.Note, s)
		}
		states = append(states, s)
	}
	if c.LoopFrom > 0 && s != states[c.LoopFrom-1] {
		return fmt.Errorf("the last step does not return to step %d's state", c.LoopFrom)
	}
	return nil
}
