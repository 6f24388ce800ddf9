package trace_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/capture"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/trace"
)

// joinedConnections checks every connection of a corpus capture that has more than one
// incarnation as one run.
func joinedConnections(t *testing.T, name, variant string) []trace.Result {
	t.Helper()
	c, err := capture.ReadFile(filepath.Join(testdata, "corpus", name))
	require.NoError(t, err)
	m, err := trace.NewMachine(variant)
	require.NoError(t, err)
	var out []trace.Result
	for _, conn := range capture.Split(c.Segments) {
		if len(conn.Incarnations) < 2 {
			continue
		}
		res, ok := trace.CheckJoined(m, conn.Incarnations)
		require.True(t, ok, "the reuse keeps the client's address")
		out = append(out, res)
	}
	return out
}

func TestAReusedFourTupleIsOneRunWhereTheNewSYNReopensTimeWait(t *testing.T) {
	got := joinedConnections(t, "reuse-after-time-wait.pcap", "rfc9293")
	require.Len(t, got, 1)
	res := got[0]
	require.True(t, res.Accepted, "rejected at frame %d: %s", res.RejectFrame, res.Reason)
	// The server closed first and sits in TIME-WAIT when the client's new SYN arrives: the
	// listener takes it and TIME-WAIT becomes the second connection's SYN-RECEIVED.
	assert.Contains(t, res.Server.String(), "TIME-WAIT -> SYN-RECEIVED", "server: %s", res.Server)
	assert.Equal(t, 2, strings.Count(res.Client.String(), "SYN-SENT"), "client: %s", res.Client)
	reopened := false
	for _, s := range res.Run {
		reopened = reopened || s.Side == "server" && strings.Contains(s.States.String(), "TIME-WAIT -> SYN-RECEIVED")
	}
	assert.True(t, reopened, "a step of the server goes from TIME-WAIT to SYN-RECEIVED")
}

func TestTheJoinedRunTakesTheReopenNotAnUnseen2MSL(t *testing.T) {
	// A capture has no clock, so the run could also end TIME-WAIT by its timer and listen
	// again before the SYN; that costs two hidden steps the reopen does without, and the
	// cheapest run is reported.
	got := joinedConnections(t, "reuse-after-time-wait.pcap", "rfc9293")
	require.Len(t, got, 1)
	for _, s := range got[0].Run {
		assert.NotEqual(t, "2msl", s.Event, "TIME-WAIT ended by its timer: %v", s)
	}
}
