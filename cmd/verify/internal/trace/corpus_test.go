package trace_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/capture"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/capture/expect"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/trace"
	"github.com/tcpverify/tcpverify/fsm"
)

const testdata = "../capture/testdata"

// checkFile runs the matcher on every incarnation of the capture an expectation file
// names, in the order the expectation lists them.
func checkFile(t *testing.T, m fsm.Machine, path string) (*expect.File, []capture.Incarnation, []trace.Result) {
	t.Helper()
	want, err := expect.ParseFile(path)
	require.NoError(t, err)
	c, err := capture.ReadFile(filepath.Join(filepath.Dir(path), want.Capture))
	require.NoError(t, err)
	require.Nil(t, c.Cut, "the corpus holds whole captures")
	var incs []capture.Incarnation
	var got []trace.Result
	for _, conn := range capture.Split(c.Segments) {
		for _, inc := range conn.Incarnations {
			incs = append(incs, inc)
			got = append(got, trace.Check(m, inc))
		}
	}
	require.Len(t, got, len(want.Incarnations))
	return want, incs, got
}

func rfcMachine(t testing.TB) fsm.Machine {
	m, err := trace.NewMachine(fsm.RFC)
	require.NoError(t, err)
	return m
}

// TestCorpusIsAcceptedWithTheExpectedPaths runs the matcher on every real capture and
// compares each incarnation's verdict and state paths with its .expect file.
func TestCorpusIsAcceptedWithTheExpectedPaths(t *testing.T) {
	files, err := filepath.Glob(testdata + "/corpus/*.expect")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	m := rfcMachine(t)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			want, incs, got := checkFile(t, m, path)
			for i, w := range want.Incarnations {
				g := got[i]
				require.Equal(t, w.Client, incs[i].Client, "incarnation order")
				require.True(t, g.Accepted, "incarnation %d rejected at frame %d: %s", w.Index, g.RejectFrame, g.Reason)
				assert.Equal(t, strings.Join(w.ClientPath, " -> "), g.Client.String(), "client path, incarnation %d", w.Index)
				assert.Equal(t, strings.Join(w.ServerPath, " -> "), g.Server.String(), "server path, incarnation %d", w.Index)
				if t.Failed() {
					for _, s := range g.Run {
						t.Log(s)
					}
				}
			}
		})
	}
}

// TestMutatedCapturesAreRejectedAtTheExpectedFrame runs the matcher on every mutated
// capture: each must be rejected at the frame its .expect file gives.
func TestMutatedCapturesAreRejectedAtTheExpectedFrame(t *testing.T) {
	files, err := filepath.Glob(testdata + "/mutated/*.expect")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	m := rfcMachine(t)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			want, _, got := checkFile(t, m, path)
			for i, w := range want.Incarnations {
				g := got[i]
				require.False(t, w.Accepted)
				assert.False(t, g.Accepted, "incarnation %d accepted", w.Index)
				assert.Equal(t, w.RejectFrame, g.RejectFrame, "rejection frame; reason: %s", g.Reason)
				assert.NotEmpty(t, g.Reason)
				t.Logf("frame %d: %s", g.RejectFrame, g.Reason)
				if t.Failed() {
					for _, s := range g.Run {
						t.Log(s)
					}
				}
			}
		})
	}
}
