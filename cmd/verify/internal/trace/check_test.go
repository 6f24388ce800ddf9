package trace_test

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/capture"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/trace"
	"github.com/tcpverify/tcpverify/fsm"
)

// ISNs of the synthetic connections: seg numbers below are relative to them, as in the
// .expect files, and build adds them back.
const cISN, sISN = 1000, 700000

var (
	cAddr = netip.MustParseAddrPort("10.0.0.1:40000")
	sAddr = netip.MustParseAddrPort("10.0.0.2:80")
)

// seg is one synthetic segment: "c" or "s", control bits as in <CTL=...>, relative SEQ,
// ACK and data length.
type seg struct {
	dir      string
	ctl      string
	seq, ack uint32
	n        int
}

// build turns segments into an incarnation, frames numbered from 1.
func build(t *testing.T, segs ...seg) capture.Incarnation {
	t.Helper()
	inc := capture.Incarnation{Index: 1, Client: cAddr, Server: sAddr}
	bareSYN := map[string]bool{}
	for i, s := range segs {
		var f capture.Flags
		for _, name := range strings.Split(s.ctl, ",") {
			switch name {
			case "SYN":
				f |= capture.SYN
			case "ACK":
				f |= capture.ACK
			case "FIN":
				f |= capture.FIN
			case "RST":
				f |= capture.RST
			case "":
			default:
				t.Fatalf("unknown control bit %q", name)
			}
		}
		cs := capture.Segment{Frame: i + 1, Flags: f, Len: s.n, Src: cAddr, Dst: sAddr,
			Seq: s.seq + cISN, Ack: s.ack + sISN}
		if s.dir == "s" {
			cs.Src, cs.Dst, cs.Seq, cs.Ack = sAddr, cAddr, s.seq+sISN, s.ack+cISN
		}
		if !f.Has(capture.ACK) {
			cs.Ack = 0
		}
		if f == capture.SYN {
			bareSYN[s.dir] = true
		}
		inc.Segments = append(inc.Segments, cs)
	}
	inc.SimultaneousOpen = bareSYN["c"] && bareSYN["s"]
	return inc
}

// handshake and its close are the common start and end of the synthetic connections.
var handshake = []seg{
	{"c", "SYN", 0, 0, 0},
	{"s", "SYN,ACK", 0, 1, 0},
	{"c", "ACK", 1, 1, 0},
}

func join(parts ...[]seg) []seg {
	var out []seg
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestSyntheticRuns(t *testing.T) {
	clientClose := []string{"CLOSED", "SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT"}
	serverPassive := []string{"LISTEN", "SYN-RECEIVED", "ESTABLISHED", "CLOSE-WAIT", "LAST-ACK", "CLOSED"}
	tests := []struct {
		name           string
		segs           []seg
		client, server []string
		note           string // a note the run must carry, if any
	}{
		{
			name: "a plain connection, the server's FIN riding on its ACK",
			segs: join(handshake, []seg{
				{"c", "ACK", 1, 1, 3}, {"s", "ACK", 1, 4, 2},
				{"c", "FIN,ACK", 4, 3, 0}, {"s", "FIN,ACK", 3, 5, 0}, {"c", "ACK", 5, 4, 0}}),
			client: clientClose, server: serverPassive,
		},
		{
			name: "simultaneous open: the bare SYNs cross",
			segs: []seg{
				{"c", "SYN", 0, 0, 0}, {"s", "SYN", 0, 0, 0},
				{"c", "SYN,ACK", 0, 1, 0}, {"s", "SYN,ACK", 0, 1, 0},
				{"c", "ACK", 1, 1, 0}, {"s", "ACK", 1, 1, 0}},
			client: []string{"CLOSED", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED"},
			server: []string{"CLOSED", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED"},
		},
		{
			name: "crossing FINs: both ends pass through CLOSING",
			segs: join(handshake, []seg{
				{"c", "FIN,ACK", 1, 1, 0}, {"s", "FIN,ACK", 1, 1, 0},
				{"c", "ACK", 2, 2, 0}, {"s", "ACK", 2, 2, 0}}),
			client: []string{"CLOSED", "SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "CLOSING", "TIME-WAIT"},
			server: []string{"LISTEN", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "CLOSING", "TIME-WAIT"},
		},
		{
			name:   "a retransmitted SYN after the first was dropped by the listener",
			segs:   join([]seg{{"c", "SYN", 0, 0, 0}}, handshake),
			client: []string{"CLOSED", "SYN-SENT", "ESTABLISHED"},
			server: []string{"LISTEN", "SYN-RECEIVED", "ESTABLISHED"},
		},
		{
			name:   "a retransmitted SYN,ACK",
			segs:   join(handshake[:2], handshake[1:]),
			client: []string{"CLOSED", "SYN-SENT", "ESTABLISHED"},
			server: []string{"LISTEN", "SYN-RECEIVED", "ESTABLISHED"},
		},
		{
			name: "data lost before the capture point, then retransmitted in one segment",
			segs: join(handshake, []seg{
				{"c", "ACK", 4, 1, 3}, // bytes 1-3 were never captured
				{"s", "ACK", 1, 1, 0}, // a duplicate ACK: the server still waits for byte 1
				{"c", "ACK", 1, 1, 6}, // the retransmission covers bytes 1-6
				{"s", "ACK", 1, 7, 0}}),
			client: []string{"CLOSED", "SYN-SENT", "ESTABLISHED"},
			server: []string{"LISTEN", "SYN-RECEIVED", "ESTABLISHED"},
			note:   "lost before the capture point",
		},
		{
			name:   "a pure window update",
			segs:   join(handshake, []seg{{"s", "ACK", 1, 1, 0}, {"s", "ACK", 1, 1, 0}}),
			client: []string{"CLOSED", "SYN-SENT", "ESTABLISHED"},
			server: []string{"LISTEN", "SYN-RECEIVED", "ESTABLISHED"},
			note:   "delayed ACK or window update",
		},
		{
			name: "data and FIN in one segment, retransmitted whole",
			segs: join(handshake, []seg{
				{"c", "FIN,ACK", 1, 1, 4}, {"c", "FIN,ACK", 1, 1, 4},
				{"s", "ACK", 1, 6, 0}, {"s", "FIN,ACK", 1, 6, 0}, {"c", "ACK", 6, 2, 0}}),
			client: clientClose, server: serverPassive,
			note: "more than the model's one unit",
		},
		{
			name:   "a FIN retransmitted alone",
			segs:   join(handshake, []seg{{"c", "FIN,ACK", 1, 1, 0}, {"c", "FIN,ACK", 1, 1, 0}, {"s", "ACK", 1, 2, 0}}),
			client: []string{"CLOSED", "SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2"},
			server: []string{"LISTEN", "SYN-RECEIVED", "ESTABLISHED", "CLOSE-WAIT"},
		},
		{
			// A closed port answers with raw SEQ 0 (RFC 9293 §3.10.7.1): relative to the
			// server's ISN, which it never shows, that is -sISN.
			name:   "a SYN to a closed port, refused",
			segs:   []seg{{"c", "SYN", 0, 0, 0}, {"s", "RST,ACK", 1<<32 - sISN, 1, 0}},
			client: []string{"CLOSED", "SYN-SENT", "CLOSED"},
			server: []string{"CLOSED"},
		},
		{
			name:   "an abort with RST,ACK",
			segs:   join(handshake, []seg{{"c", "ACK", 1, 1, 2}, {"c", "RST,ACK", 3, 1, 0}}),
			client: []string{"CLOSED", "SYN-SENT", "ESTABLISHED", "CLOSED"},
			server: []string{"LISTEN", "SYN-RECEIVED", "ESTABLISHED", "CLOSED"},
			note:   "RST also carries ACK",
		},
	}
	m := rfcMachine(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := trace.Check(m, build(t, tt.segs...))
			require.True(t, r.Accepted, "rejected at frame %d: %s", r.RejectFrame, r.Reason)
			assert.Equal(t, tt.client, r.Client.Strings(), "client path")
			assert.Equal(t, tt.server, r.Server.Strings(), "server path")
			if tt.note != "" {
				assert.Contains(t, strings.Join(r.Notes, "\n"), tt.note)
			}
			if t.Failed() {
				for _, s := range r.Run {
					t.Log(s)
				}
			}
		})
	}
}

func TestSyntheticRejections(t *testing.T) {
	tests := []struct {
		name   string
		segs   []seg
		frame  int
		reason string
	}{
		{
			name:   "an ACK of data never sent",
			segs:   join(handshake, []seg{{"s", "ACK", 1, 5, 0}}),
			frame:  4,
			reason: "ACK=5 acknowledges client sequence number 4, but the client has sent only up to 0 (its SYN)",
		},
		{
			name:   "data before the handshake completes",
			segs:   []seg{{"c", "SYN", 0, 0, 0}, {"c", "ACK", 1, 1, 3}},
			frame:  2,
			reason: "the client in SYN-SENT",
		},
		{
			name:   "a SYN,ACK with no SYN to answer",
			segs:   []seg{{"s", "SYN,ACK", 0, 1, 0}},
			frame:  1,
			reason: "the server in LISTEN",
		},
	}
	m := rfcMachine(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := trace.Check(m, build(t, tt.segs...))
			require.False(t, r.Accepted)
			assert.Equal(t, tt.frame, r.RejectFrame)
			assert.Contains(t, r.Reason, tt.reason)
		})
	}
}

func TestVariantWithoutRetransmissionRejectsARetransmittedSYN(t *testing.T) {
	m, err := trace.NewMachine("no-retransmission")
	require.NoError(t, err)
	r := trace.Check(m, build(t, join([]seg{{"c", "SYN", 0, 0, 0}}, handshake)...))
	require.False(t, r.Accepted)
	assert.Equal(t, 2, r.RejectFrame, r.Reason)
}

func TestResultMarshalsPathsAsStateNames(t *testing.T) {
	r := trace.Check(rfcMachine(t), build(t, handshake...))
	data, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"client":["CLOSED","SYN-SENT","ESTABLISHED"]`)
	var back trace.Result
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, r.Client, back.Client)
	assert.Equal(t, r.Server, back.Server)
}

func TestNewMachineRejectsAnUnknownVariant(t *testing.T) {
	_, err := trace.NewMachine("no-such-variant")
	require.Error(t, err)
	assert.Contains(t, err.Error(), fsm.RFC, "the error lists the valid names")
}

// BenchmarkBulkTransfer checks a connection that moves 100 segments of 64 KiB, each
// acknowledged: every byte is one SEND of the model.
func BenchmarkBulkTransfer(b *testing.B) {
	const n, size = 100, 65483
	segs := append([]seg(nil), handshake...)
	for k := uint32(0); k < n; k++ {
		segs = append(segs, seg{"c", "ACK", 1 + k*size, 1, size}, seg{"s", "ACK", 1, 1 + (k+1)*size, 0})
	}
	inc := build(&testing.T{}, segs...)
	m := rfcMachine(b)
	b.ResetTimer()
	for range b.N {
		if r := trace.Check(m, inc); !r.Accepted {
			b.Fatalf("rejected at frame %d: %s", r.RejectFrame, r.Reason)
		}
	}
}
