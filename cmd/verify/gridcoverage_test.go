package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/pipeline"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

func TestUnfiredRowsOfATinyGrid(t *testing.T) {
	pts, err := gridPoints("ci")
	require.NoError(t, err)
	base, err := lookupPoint(pts, "ci", "base")
	require.NoError(t, err)
	abort, err := lookupPoint(pts, "ci", "calls=all")
	require.NoError(t, err)
	claims := tinyClaims()[:1]
	never, err := unfiredRows(context.Background(), []point{base}, claims, checker.Config{Workers: 1})
	require.NoError(t, err)
	withAbort, err := unfiredRows(context.Background(), []point{base, abort}, claims, checker.Config{Workers: 1})
	require.NoError(t, err)
	assert.Contains(t, never, "synchronized/abort", "no user may ABORT in the claim's own config")
	assert.NotContains(t, withAbort, "synchronized/abort")
	assert.NotContains(t, never, "closed/open")
	assert.Subset(t, never, withAbort, "a point only adds rows that fire")
}

// unfiredRows runs the RFC model at every distinct config the grid's points give the claims,
// counting the rows that fire, and returns the rows of fsm.Rules that fired in none of them,
// in table order: what verify sweep lists as never fired, without the refuters' runs and the
// properties.
func unfiredRows(ctx context.Context, pts []point, claims []properties.Claim, search checker.Config) ([]string, error) {
	row := map[fsm.RuleID]int{}
	for i, r := range fsm.Rules {
		row[r.ID] = i
	}
	fired := make([]bool, len(fsm.Rules))
	seen := map[fsm.Config]bool{}
	for _, p := range pts {
		for _, c := range claims {
			cfg, _, refused := configAt(c.Config, p, fsm.RFC)
			if refused != nil || seen[cfg] {
				continue
			}
			seen[cfg] = true
			res, err := pipeline.Run(ctx, pipeline.Job{Config: cfg, Variant: fsm.RFC, Search: search, Coverage: true})
			if err != nil {
				return nil, fmt.Errorf("point %s, claim %s: %w", p.name, c.Name, err)
			}
			if !res.Summary.Complete {
				return nil, fmt.Errorf("point %s, claim %s: incomplete: %w", p.name, c.Name, res.Summary.Stop)
			}
			for _, rc := range res.Coverage {
				if i, ok := row[rc.ID]; ok && rc.Fired > 0 {
					fired[i] = true
				}
			}
		}
	}
	var never []string
	for i, r := range fsm.Rules {
		if !fired[i] {
			never = append(never, r.Name)
		}
	}
	return never, nil
}
