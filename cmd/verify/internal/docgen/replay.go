package docgen

import (
	"fmt"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/msc"
	"github.com/tcpverify/tcpverify/fsm"
)

// Replay checks that a recorded chart is still a run of sys: from the initial state, each
// recorded action must be enabled, the model must still tell it as the chart's step says,
// and a lasso's last step must return to the state its cycle starts from. It is cheap, so
// it can catch a rule change that makes a committed chart stale without searching again.
func Replay(sys fsm.System, actions []fsm.Action, c *msc.Chart) error {
	if len(actions) != len(c.Steps) {
		return fmt.Errorf("%d actions recorded for a chart of %d steps", len(actions), len(c.Steps))
	}
	s := sys.Init()[0]
	states := []fsm.SysState{s}
	for i, a := range actions {
		next, ok := sys.Next(s, a)
		if !ok {
			return fmt.Errorf("step %d %q: not enabled in %s", i+1, c.Steps[i].Note, s)
		}
		if told := sys.Story(s, a); told != c.Steps[i].Note {
			return fmt.Errorf("step %d: the chart says %q, the model now tells %q", i+1, c.Steps[i].Note, told)
		}
		s = next
		states = append(states, s)
	}
	if c.LoopFrom > 0 && s != states[c.LoopFrom-1] {
		return fmt.Errorf("the last step does not return to step %d's state", c.LoopFrom)
	}
	return nil
}
