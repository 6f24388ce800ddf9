package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/checker"
)

func TestUnfiredRowsOfATinyGrid(t *testing.T) {
	pts, err := gridPoints("ci")
	require.NoError(t, err)
	base, err := lookupPoint(pts, "ci", "base")
	require.NoError(t, err)
	abort, err := lookupPoint(pts, "ci", "calls=+abort+user-timeout")
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
