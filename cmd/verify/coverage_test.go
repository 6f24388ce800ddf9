package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/fsm"
)

func TestCheckReportsRuleCoverageWhateverTheWorkers(t *testing.T) {
	args := append([]string{"--units", "1", "--loss", "1"}, small...)
	var tables [2][]any
	for i, workers := range []string{"1", "2"} {
		dir := filepath.Join(t.TempDir(), "report")
		code, _, stderr := invoke(t, append([]string{"check", "--out", dir, "--workers", workers}, args...)...)
		require.Contains(t, []int{exitOK, exitViolated}, code, "stderr: %s", stderr)
		r := readReport(t, dir)
		require.Len(t, r.Coverage, len(fsm.Rules), "one entry per row of the RFC table")
		for j, c := range r.Coverage {
			assert.Equal(t, fsm.Rules[j].Name, c.Rule)
			tables[i] = append(tables[i], c)
		}
		md, err := os.ReadFile(filepath.Join(dir, "report.md"))
		require.NoError(t, err)
		assert.Contains(t, string(md), "## Rule coverage")
		assert.Contains(t, string(md), "| listen/abort | 0 (never fired) |")
	}
	assert.Equal(t, tables[0], tables[1], "coverage with 1 and 2 workers")
}
