package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
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
	require.NoError(t, os.WriteFile(truncated, good[:24+16+10], 0o644)) // inside frame 1
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
		{"file cut inside its first frame", []string{truncated}, "cut at byte 50 (frame 1 incomplete)"},
		{"wrong magic", []string{wrongMagic}, "not a pcap or pcapng file"},
		{"capture without TCP", []string{noTCP}, "no TCP segments"},
		{"missing file", []string{filepath.Join(dir, "nope.pcap")}, "nope.pcap"},
		{"no arguments", nil, "no capture files"},
		{"bad format", []string{"--format", "xml", corpusFile}, "format"},
		{"unknown variant", []string{"--variant", "three-way-and-a-half", corpusFile}, "unknown variant"},
		{"unknown flag", []string{"--colour", corpusFile}, "flag provided but not defined"},
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
	assert.Contains(t, stdout, "3  incomplete: a capture was cut mid-frame")
	assert.Contains(t, stdout, "2  some file unreadable")
}

// traceJSON is what the trace tests read of --format json.
type traceJSON struct {
	Variant      string
	Accepted     bool
	Complete     bool
	Incarnations []struct {
		File        string
		Accepted    bool
		Client      []string
		Server      []string
		RejectFrame int `json:"reject_frame"`
		Reason      string
		Notes       []string
	}
	Files []struct {
		File  string
		Error string
		Cut   *struct {
			Byte     int64
			Frame    int
			Complete int
		}
		Note         string
		Incarnations int
	}
}

func decodeTraceJSON(t *testing.T, stdout string) traceJSON {
	t.Helper()
	var rep traceJSON
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep), stdout)
	return rep
}

func TestTraceJudgesTheReadableFilesNextToUnreadableOnes(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pcap")
	require.NoError(t, os.WriteFile(garbage, []byte("GET / HTTP/1.1\r\nHost: example\r\n\r\n"), 0o644))
	missing := filepath.Join(dir, "missing.pcap")
	good := filepath.Join(captures, "corpus", "normal-client-close.pcap")

	t.Run("text", func(t *testing.T) {
		code, stdout, stderr := traceRun(t, garbage, good, missing)
		assert.Equal(t, exitBadInput, code, "an unreadable file is bad input, whatever the rest")
		assert.Contains(t, stdout, good+": 127.0.0.1:")
		assert.Contains(t, stdout, "incarnation 1: accepted\n")
		assert.Contains(t, stdout, "  client: CLOSED -> SYN-SENT -> ESTABLISHED -> FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT\n")
		assert.NotContains(t, stdout, garbage)
		lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
		require.Len(t, lines, 2, "one line per unreadable file: %q", stderr)
		assert.True(t, strings.HasPrefix(lines[0], "verify: trace: read capture "+garbage+": "), lines[0])
		assert.Contains(t, lines[0], "not a pcap or pcapng file")
		assert.True(t, strings.HasPrefix(lines[1], "verify: trace: read capture"), lines[1])
		assert.Contains(t, lines[1], missing)
	})
	t.Run("json", func(t *testing.T) {
		code, stdout, stderr := traceRun(t, "--format", "json", garbage, good)
		assert.Equal(t, exitBadInput, code)
		assert.Contains(t, stderr, garbage)
		rep := decodeTraceJSON(t, stdout)
		assert.False(t, rep.Accepted, "an unreadable file is not accepted")
		assert.False(t, rep.Complete)
		require.Len(t, rep.Incarnations, 1)
		assert.Equal(t, good, rep.Incarnations[0].File)
		assert.True(t, rep.Incarnations[0].Accepted)
		require.Len(t, rep.Files, 2)
		assert.Equal(t, garbage, rep.Files[0].File)
		assert.Contains(t, rep.Files[0].Error, "not a pcap or pcapng file")
		assert.Zero(t, rep.Files[0].Incarnations)
		assert.Equal(t, good, rep.Files[1].File)
		assert.Empty(t, rep.Files[1].Error)
		assert.Equal(t, 1, rep.Files[1].Incarnations)
	})
}

// cutInLastFrame copies a corpus capture into dir, cut in the middle of its last frame,
// and returns the copy's path, the length it was cut to and the last frame's number.
// It walks little-endian pcap records or pcapng blocks (the corpus is little-endian).
func cutInLastFrame(t *testing.T, dir, name string) (string, int, int) {
	t.Helper()
	file, err := os.ReadFile(filepath.Join(captures, name))
	require.NoError(t, err)
	var start, end, frames int // the last frame's record or block
	if strings.HasSuffix(name, ".pcapng") {
		for off := 0; off < len(file); {
			n := int(binary.LittleEndian.Uint32(file[off+4:]))
			if binary.LittleEndian.Uint32(file[off:]) == 6 { // enhanced packet block
				start, end = off, off+n
				frames++
			}
			off += n
		}
	} else {
		for off := 24; off < len(file); {
			n := 16 + int(binary.LittleEndian.Uint32(file[off+8:]))
			start, end = off, off+n
			frames++
			off += n
		}
	}
	require.Positive(t, frames)
	cut := (start + end) / 2
	path := filepath.Join(dir, "cut-"+filepath.Base(name))
	require.NoError(t, os.WriteFile(path, file[:cut], 0o644))
	return path, cut, frames
}

func TestTraceJudgesTheWholeFramesOfACutCaptureAndExitsIncomplete(t *testing.T) {
	for _, name := range []string{"corpus/normal-client-close.pcap", "corpus/half-close-ng.pcapng"} {
		t.Run(name, func(t *testing.T) {
			path, cut, last := cutInLastFrame(t, t.TempDir(), name)
			note := fmt.Sprintf("cut at byte %d (frame %d incomplete)", cut, last)

			code, stdout, stderr := traceRun(t, path)
			assert.Equal(t, exitIncomplete, code, "accepted up to the cut, but the capture was cut")
			assert.Contains(t, stdout, fmt.Sprintf("%s: %s; the %d whole frames before it are judged\n", path, note, last-1))
			assert.Contains(t, stdout, "incarnation 1: accepted\n")
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			require.Len(t, lines, 1, "stderr: %q", stderr)
			assert.Equal(t, fmt.Sprintf("verify: trace %s: incomplete: the capture was %s; judged the %d whole frames before it", path, note, last-1), lines[0])

			code, stdout, _ = traceRun(t, "--format", "json", "--run", path)
			assert.Equal(t, exitIncomplete, code)
			rep := decodeTraceJSON(t, stdout)
			assert.True(t, rep.Accepted)
			assert.False(t, rep.Complete)
			require.Len(t, rep.Files, 1)
			f := rep.Files[0]
			require.NotNil(t, f.Cut)
			assert.Equal(t, int64(cut), f.Cut.Byte)
			assert.Equal(t, last, f.Cut.Frame)
			assert.Equal(t, last-1, f.Cut.Complete)
			assert.Equal(t, note, f.Note)
			require.Len(t, rep.Incarnations, 1)
			assert.True(t, rep.Incarnations[0].Accepted)
		})
	}
}

func TestTraceJudgesTheCutCaptureAgainstTheWholeOne(t *testing.T) {
	// The last frame of normal-client-close is the client's ACK of the server's FIN:
	// without it the server stays in LAST-ACK, and the client path is unchanged.
	path, _, _ := cutInLastFrame(t, t.TempDir(), "corpus/normal-client-close.pcap")
	code, stdout, _ := traceRun(t, path)
	assert.Equal(t, exitIncomplete, code)
	assert.Contains(t, stdout, "  client: CLOSED -> SYN-SENT -> ESTABLISHED -> FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT\n")
	assert.Contains(t, stdout, "  server: LISTEN -> SYN-RECEIVED -> ESTABLISHED -> CLOSE-WAIT -> LAST-ACK\n")
}

func TestTraceExitsOneWhenACutCaptureIsRejectedBeforeTheCut(t *testing.T) {
	path, _, _ := cutInLastFrame(t, t.TempDir(), "mutated/handshake-ack-plus-one.pcap")
	code, stdout, stderr := traceRun(t, path)
	assert.Equal(t, exitViolated, code, "a rejection before the cut is final")
	assert.Contains(t, stdout, "incarnation 1: rejected at frame 3")
	assert.Contains(t, stderr, "incomplete: the capture was cut at byte")
}
