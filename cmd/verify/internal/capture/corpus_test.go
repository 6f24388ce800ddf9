package capture_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/capture"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/capture/expect"
)

// rfcStates are the eleven state names of RFC 9293 §3.3.2.
var rfcStates = map[string]bool{
	"CLOSED": true, "LISTEN": true, "SYN-SENT": true, "SYN-RECEIVED": true, "ESTABLISHED": true,
	"FIN-WAIT-1": true, "FIN-WAIT-2": true, "CLOSE-WAIT": true, "CLOSING": true, "LAST-ACK": true, "TIME-WAIT": true,
}

// TestCorpusDecodesToItsExpectations reads every capture in testdata and
// checks the decoder's incarnations and abstract segments against the
// .expect file beside it. The state paths and verdicts are the matcher's to
// check; here they only have to be well formed.
func TestCorpusDecodesToItsExpectations(t *testing.T) {
	files, err := filepath.Glob("testdata/*/*.expect")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 15, "the corpus and the mutations")
	for _, path := range files {
		t.Run(strings.TrimPrefix(path, "testdata/"), func(t *testing.T) {
			want, err := expect.ParseFile(path)
			require.NoError(t, err)
			c, err := capture.ReadFile(filepath.Join(filepath.Dir(path), want.Capture))
			require.NoError(t, err)
			require.Nil(t, c.Cut, "the corpus holds whole captures")
			got := expect.FromConnections(capture.Split(c.Segments))
			require.Len(t, got, len(want.Incarnations))
			frames := map[int]bool{}
			for i, w := range want.Incarnations {
				g := got[i]
				assert.Equal(t, w.Index, g.Index)
				assert.Equal(t, w.Client, g.Client)
				assert.Equal(t, w.Server, g.Server)
				assert.Equal(t, w.SimultaneousOpen, g.SimultaneousOpen)
				assert.Equal(t, w.Segments, g.Segments)
				for _, s := range g.Segments {
					frames[s.Frame] = true
				}
				mutated := strings.HasPrefix(path, "testdata/mutated/")
				assert.Equal(t, !mutated, w.Accepted, "corpus captures are accepted, mutated ones rejected")
				if !w.Accepted {
					assert.True(t, frames[w.RejectFrame], "rejection frame %d is a TCP segment of the incarnation", w.RejectFrame)
					assert.NotEmpty(t, w.RejectReason)
					continue
				}
				for _, p := range [][]string{w.ClientPath, w.ServerPath} {
					require.NotEmpty(t, p)
					for _, s := range p {
						assert.True(t, rfcStates[s], "%q is an RFC 9293 state", s)
					}
				}
			}
		})
	}
}

func TestCorpusPCAPNGTwinDecodesLikeItsPCAP(t *testing.T) {
	a, err := capture.ReadFile("testdata/corpus/half-close.pcap")
	require.NoError(t, err)
	b, err := capture.ReadFile("testdata/corpus/half-close-ng.pcapng")
	require.NoError(t, err)
	assert.Equal(t, capture.PCAP, a.Format)
	assert.Equal(t, capture.PCAPNG, b.Format)
	require.Equal(t, len(a.Segments), len(b.Segments))
	for i := range a.Segments {
		sa, sb := a.Segments[i], b.Segments[i]
		assert.True(t, sa.Time.Equal(sb.Time), "frame %d time", sa.Frame)
		sa.Time, sb.Time = sb.Time, sa.Time
		assert.Equal(t, sa, sb)
	}
}

func TestCorpusSplitsTheReused4TupleIntoTwoIncarnations(t *testing.T) {
	c, err := capture.ReadFile("testdata/corpus/reuse-after-time-wait.pcap")
	require.NoError(t, err)
	conns := capture.Split(c.Segments)
	require.Len(t, conns, 1)
	require.Len(t, conns[0].Incarnations, 2)
	first, second := conns[0].Incarnations[0], conns[0].Incarnations[1]
	assert.Equal(t, first.Client, second.Client)
	assert.NotEqual(t, first.Segments[0].Seq, second.Segments[0].Seq, "a new ISN")
	assert.True(t, second.Segments[0].Flags.Model() == capture.SYN)
}

func TestCorpusKeepsARetransmittedSYNInItsIncarnation(t *testing.T) {
	c, err := capture.ReadFile("testdata/corpus/listen-overflow.pcap")
	require.NoError(t, err)
	conns := capture.Split(c.Segments)
	require.Len(t, conns, 2)
	inc := conns[1].Incarnations
	require.Len(t, inc, 1)
	assert.Equal(t, capture.SYN, inc[0].Segments[0].Flags.Model())
	assert.Equal(t, capture.SYN, inc[0].Segments[1].Flags.Model())
	assert.Equal(t, inc[0].Segments[0].Seq, inc[0].Segments[1].Seq)
}
