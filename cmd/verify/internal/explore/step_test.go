package explore

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// A search for a step property's violation finds the step, even into a state the search
// has already reached by another path, and the view of that path's end marks it violated.
func TestSearchFindsAStepPropertysViolation(t *testing.T) {
	cfg := fsm.DefaultConfig()
	cfg.Faults = fsm.Faults{Loss: 1}
	cfg.SeqBits = cfg.MinSeqBits()
	rfc, err := fsm.LookupVariant(fsm.RFC)
	require.NoError(t, err)
	all, err := fsm.Mutants(rfc)
	require.NoError(t, err)
	var mut fsm.Variant
	for _, m := range all {
		if m.Name == "no-emit close-wait/delayed-ack" {
			mut = m.Of(rfc)
		}
	}
	require.NotEmpty(t, mut.Name)
	props, err := properties.Lookup("acks-at-once")
	require.NoError(t, err)
	for _, tc := range []struct {
		v     fsm.Variant
		found bool
	}{{rfc, false}, {mut, true}} {
		sys, err := fsm.NewSystemOf(cfg, tc.v)
		require.NoError(t, err)
		e, err := New(properties.Bind(sys, props), tc.v.Name, props, Limits{MaxPath: 200, MaxSearchStates: 100_000})
		require.NoError(t, err)
		res, err := e.Search(context.Background(), nil, "", "acks-at-once", 0, 0)
		require.NoError(t, err)
		assert.True(t, res.Complete, tc.v.Name)
		require.Equal(t, tc.found, res.Found, tc.v.Name)
		if !tc.found {
			continue
		}
		v, err := e.View(res.Path)
		require.NoError(t, err)
		require.Len(t, v.Properties, 1)
		assert.True(t, v.Properties[0].Violated, "the path ends in the step acks-at-once rejects")
		assert.Equal(t, "step", v.Properties[0].Kind)
	}
}
