package fsm

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// names are the rows at table indices idx.
func names(m Machine, idx []int) []string {
	var out []string
	for _, i := range idx {
		out = append(out, m.Rules[i].Name)
	}
	return out
}

func TestAppendFiredNamesTheRowsOfTheStep(t *testing.T) {
	sys, err := NewSystem(DefaultConfig(), RFC)
	require.NoError(t, err)
	s := sys.Init()[0]
	open := Action{Kind: ActCall, Side: A, Event: EvOpen}
	assert.Equal(t, []string{"closed/open"}, names(sys.Machine, sys.AppendFired(nil, s, open)))

	s, ok := sys.Next(s, open)
	require.True(t, ok)
	syn := s.Net.Distinct()[0]
	assert.Empty(t, sys.AppendFired(nil, s, Action{Kind: ActLose, Pkt: syn}), "a network fault fires no row")
	assert.Equal(t, []string{"listen/syn"}, names(sys.Machine, sys.AppendFired(nil, s, Action{Kind: ActDeliver, Side: B, Pkt: syn})))

	dst := []int{-1}
	assert.Equal(t, []int{-1}, sys.AppendFired(dst, s, Action{Kind: ActCall, Side: A, Event: EvOpen}),
		"an action that is not enabled appends nothing")
}

func TestAppendFiredCountsTheServersReturnToListen(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Incarnations = 2 // the server listens again only for a second connection
	cfg.SeqBits = cfg.MinSeqBits()
	sys, err := NewSystem(cfg, RFC)
	require.NoError(t, err)
	// Breadth-first until some step ends B's connection in CLOSED: the server is back in
	// LISTEN in the same step, and the LISTEN row is the last that fired.
	seen := map[SysState]bool{}
	front := sys.Init()
	for depth := 0; depth < 12; depth++ {
		var next []SysState
		for _, s := range front {
			for _, a := range sys.Actions(s, nil) {
				to, ok := sys.Next(s, a)
				if !ok {
					continue
				}
				if a.Side == B && s.Ep[B].State != StateListen && s.Ep[B].State != StateClosed &&
					to.Ep[B].State == StateListen && a.Kind != ActLose && a.Kind != ActDup && a.Kind != ActInject {
					got := names(sys.Machine, sys.AppendFired(nil, s, a))
					if got[len(got)-1] == "closed/listen" {
						return
					}
				}
				if !seen[to] {
					seen[to] = true
					next = append(next, to)
				}
			}
		}
		front = next
	}
	t.Fatal("no step put the server back in LISTEN through CLOSED within 12 steps")
}

func TestAppendFiredToNamesTheRowsAppendFiredDoes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sys := genSystem(t)
		walk(t, sys, 50, func(s SysState, _ *Action) {
			for _, a := range sys.Enabled(s, nil) {
				to, _ := sys.Next(s, a)
				want := sys.AppendFired(nil, s, a)
				got := sys.AppendFiredTo(nil, s, a, to)
				if !slices.Equal(want, got) {
					t.Fatalf("%s in %s: AppendFiredTo gives %v, AppendFired %v", sys.Label(s, a), s, names(sys.Machine, got), names(sys.Machine, want))
				}
			}
		})
	})
}
