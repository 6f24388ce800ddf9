package main

import (
	"context"
	"flag"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/properties"
)

// gridCoverage opts in to TestCIGridFiresEveryRowButTheKnownUnfired, which explores the RFC
// model at every config of the ci grid: a few minutes on two cores, too long for every
// go test run. CI runs it as a step of its own:
//
//	go test ./cmd/verify -run CIGrid -grid-coverage
var gridCoverage = flag.Bool("grid-coverage", false, "run the rule-coverage test over the whole ci grid (minutes)")

// knownUnfired are the rows of the RFC table that fire at no config of the ci grid. Each is
// a gap in the envelope (a situation no grid point reaches) or a row no run can take; the
// list must shrink to empty as the envelope work of issue 12 lands. The test fails when a
// row outside it stops firing, and when one in it starts to fire (then delete it here).
var knownUnfired = []string{
	"listen/open",  // probably: a server's user never turns LISTEN into an active OPEN
	"listen/other", // probably: nothing but SYN, ACK or RST reaches a LISTEN socket
	"other/trim",   // probably: no segment overlaps the window's left edge: data units are single numbers
	"other/no-ack", // probably: every segment after the SYN carries ACK
}

func TestCIGridFiresEveryRowButTheKnownUnfired(t *testing.T) {
	if !*gridCoverage {
		t.Skip("explores the whole ci grid; run with -grid-coverage")
	}
	pts, err := gridPoints("ci")
	require.NoError(t, err)
	never, err := unfiredRows(context.Background(), pts, properties.Claims(), checker.Config{})
	require.NoError(t, err)
	assert.Equal(t, knownUnfired, never, "rows of the RFC table that fire nowhere in the ci grid")
}

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
