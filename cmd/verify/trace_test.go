package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const captures = "internal/capture/testdata"

// traceRun runs verify trace in-process and returns its exit code, stdout and stderr.
// It skips the test until main.go's commands() lists trace (the lead registers it).
func traceRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	registered := false
	for _, c := range commands() {
		registered = registered || c.name == "trace"
	}
	if !registered {
		t.Skip("trace is not registered in commands() yet")
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"trace"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// udpOnlyCapture writes a valid pcap file holding one UDP datagram and no TCP.
func udpOnlyCapture(t *testing.T, path string) {
	t.Helper()
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolUDP,
		SrcIP: net.IP{127, 0, 0, 1}, DstIP: net.IP{127, 0, 0, 1}}
	udp := &layers.UDP{SrcPort: 5353, DstPort: 5353}
	require.NoError(t, udp.SetNetworkLayerForChecksum(ip))
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	require.NoError(t, gopacket.SerializeLayers(buf, opts, ip, udp, gopacket.Payload("hello")))
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	w := pcapgo.NewWriter(f)
	require.NoError(t, w.WriteFileHeader(65535, layers.LinkTypeRaw))
	data := buf.Bytes()
	ci := gopacket.CaptureInfo{Timestamp: time.Unix(1, 0), CaptureLength: len(data), Length: len(data)}
	require.NoError(t, w.WritePacket(ci, data))
}

func TestTraceBadInputExitsTwoWithOneLine(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join(captures, "corpus", "normal-client-close.pcap"))
	require.NoError(t, err)
	truncated := filepath.Join(dir, "truncated.pcap")
	require.NoError(t, os.WriteFile(truncated, good[:len(good)-7], 0o644))
	wrongMagic := filepath.Join(dir, "magic.pcap")
	require.NoError(t, os.WriteFile(wrongMagic, []byte("this is not a packet capture at all, just text\n"), 0o644))
	noTCP := filepath.Join(dir, "udp.pcap")
	udpOnlyCapture(t, noTCP)
	corpusFile := filepath.Join(captures, "corpus", "refused.pcap")

	tests := []struct {
		name string
		args []string
		want string // a fragment of the one-line error
	}{
		{"truncated file", []string{truncated}, "truncated"},
		{"wrong magic", []string{wrongMagic}, "not a pcap or pcapng file"},
		{"capture without TCP", []string{noTCP}, "no TCP segments"},
		{"missing file", []string{filepath.Join(dir, "nope.pcap")}, "nope.pcap"},
		{"no arguments", nil, "no capture files"},
		{"bad format", []string{"--format", "xml", corpusFile}, "format"},
		{"unknown variant", []string{"--variant", "three-way-and-a-half", corpusFile}, "unknown variant"},
		{"unknown flag", []string{"--colour", corpusFile}, "flag provided but not defined"},
		{"a good file then a bad one", []string{corpusFile, truncated}, "truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := traceRun(t, tt.args...)
			assert.Equal(t, exitBadInput, code)
			assert.Empty(t, stdout, "bad input prints no verdicts")
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			require.Len(t, lines, 1, "stderr: %q", stderr)
			assert.True(t, strings.HasPrefix(lines[0], "verify: "), lines[0])
			assert.Contains(t, lines[0], tt.want)
		})
	}
}

func TestTraceAcceptsACorpusCapture(t *testing.T) {
	code, stdout, stderr := traceRun(t, filepath.Join(captures, "corpus", "normal-client-close.pcap"))
	assert.Equal(t, exitOK, code, stderr)
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, "incarnation 1: accepted\n")
	assert.Contains(t, stdout, "  client: CLOSED -> SYN-SENT -> ESTABLISHED -> FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT\n")
	assert.Contains(t, stdout, "  server: LISTEN -> SYN-RECEIVED -> ESTABLISHED -> CLOSE-WAIT -> LAST-ACK -> CLOSED\n")
	assert.Contains(t, stdout, "  notes: TCP options ignored (kinds 2,4,8,1,3); PSH ignored\n")
}

func TestTraceRejectsAMutatedCaptureAtItsFrame(t *testing.T) {
	code, stdout, stderr := traceRun(t, filepath.Join(captures, "mutated", "handshake-ack-plus-one.pcap"))
	assert.Equal(t, exitViolated, code)
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, "incarnation 1: rejected at frame 3: the client in SYN-SENT")
}

func TestTraceExitsOneWhenAnyFileIsRejected(t *testing.T) {
	code, _, _ := traceRun(t, filepath.Join(captures, "corpus", "abort.pcap"),
		filepath.Join(captures, "mutated", "ack-flag-removed.pcap"))
	assert.Equal(t, exitViolated, code)
}

func TestTraceJSONGivesTheSameVerdicts(t *testing.T) {
	code, stdout, stderr := traceRun(t, "--format", "json", filepath.Join(captures, "corpus", "listen-overflow.pcap"),
		filepath.Join(captures, "mutated", "data-segment-removed.pcap"))
	assert.Equal(t, exitViolated, code, stderr)
	var rep struct {
		Variant      string
		Accepted     bool
		Incarnations []struct {
			File        string
			Accepted    bool
			Client      []string
			Server      []string
			RejectFrame int `json:"reject_frame"`
			Reason      string
			Notes       []string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep), stdout)
	assert.Equal(t, "rfc9293", rep.Variant)
	assert.False(t, rep.Accepted)
	require.Len(t, rep.Incarnations, 3, "two connections, then the mutated one")
	for _, e := range rep.Incarnations[:2] {
		assert.True(t, e.Accepted)
		assert.Equal(t, []string{"LISTEN", "SYN-RECEIVED", "ESTABLISHED", "CLOSE-WAIT", "LAST-ACK", "CLOSED"}, e.Server)
	}
	last := rep.Incarnations[2]
	assert.False(t, last.Accepted)
	assert.Equal(t, 4, last.RejectFrame)
	assert.Contains(t, last.Reason, "ACK=7")
}

func TestTraceVariantWithoutRetransmissionRejectsTheRetransmittedSYN(t *testing.T) {
	code, stdout, _ := traceRun(t, "--variant", "no-retransmission", filepath.Join(captures, "corpus", "listen-overflow.pcap"))
	assert.Equal(t, exitViolated, code)
	assert.Contains(t, stdout, "rejected at frame 5: the client in SYN-SENT")
}

func TestTraceRunFlagPrintsTheInferredRun(t *testing.T) {
	code, stdout, _ := traceRun(t, "--run", filepath.Join(captures, "corpus", "refused.pcap"))
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "  run:\n")
	assert.Contains(t, stdout, "server deliver frame 1, sends frame 2")
}

func TestTraceHelpExitsZero(t *testing.T) {
	code, stdout, stderr := traceRun(t, "-help")
	assert.Equal(t, exitOK, code)
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, "usage: verify trace [flags] FILE...")
	assert.Contains(t, stdout, "-variant")
}
