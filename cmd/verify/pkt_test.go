package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const pktCorpus = "internal/pktplay/testdata/rfc9293"

func pktRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"pkt"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// pktScript writes a script into dir and returns its path.
func pktScript(t *testing.T, dir, name, src string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	return path
}

const pktHandshake = `0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 65535
+0 > S. 0:0(0) ack 1 <...>
+0 < . 1:1(0) ack 1 win 65535
+0 accept(3, ..., ...) = 4
`

func TestPktBadInputExitsTwoWithOneLine(t *testing.T) {
	dir := t.TempDir()
	good := pktScript(t, dir, "good.pkt", pktHandshake)
	garbled := pktScript(t, dir, "garbled.pkt", "0 socket(..., SOCK_STREAM\n")
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.Mkdir(empty, 0o755))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no arguments", nil, "no scripts"},
		{"missing file", []string{filepath.Join(dir, "nope.pkt")}, "nope.pkt"},
		{"unparsable script", []string{garbled}, "garbled.pkt:1:"},
		{"directory without scripts", []string{empty}, "no *.pkt files"},
		{"bad format", []string{"--format", "xml", good}, "format"},
		{"unknown variant", []string{"--variant", "three-way-and-a-half", good}, "unknown variant"},
		{"negative TIME-WAIT", []string{"--time-wait", "-1s", good}, "time-wait"},
		{"unknown flag", []string{"--colour", good}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := pktRun(t, tt.args...)
			assert.Equal(t, exitBadInput, code)
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			require.Len(t, lines, 1, "stderr: %q", stderr)
			assert.True(t, strings.HasPrefix(lines[0], "verify: "), lines[0])
			assert.Contains(t, lines[0], tt.want)
		})
	}
}

func TestPktPassesTheCorpusAndExitsZero(t *testing.T) {
	code, stdout, stderr := pktRun(t, pktCorpus)
	assert.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.NotContains(t, stdout, "\nfail ")
	assert.Contains(t, stdout, "segments injected, by state and kind")
}

func TestPktExitsOneWhenAScriptFailsAndNamesItsLine(t *testing.T) {
	dir := t.TempDir()
	bad := pktScript(t, dir, "bad.pkt", strings.Replace(pktHandshake, "> S. 0:0(0) ack 1", "> S. 0:0(0) ack 9", 1))
	good := pktScript(t, dir, "good.pkt", pktHandshake)
	code, stdout, _ := pktRun(t, good, bad)
	assert.Equal(t, exitViolated, code)
	assert.Contains(t, stdout, "fail "+bad+":5: ")
	assert.Contains(t, stdout, "pass "+good)
}

func TestPktVariantChangesTheVerdict(t *testing.T) {
	dir := t.TempDir()
	// The SYN alone does not establish the connection, so there is nothing to accept.
	s := pktScript(t, dir, "three.pkt", `0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 65535
+0 > S. 0:0(0) ack 1 <...>
+0 accept(3, ..., ...) = -1 EAGAIN (Resource temporarily unavailable)
`)
	code, stdout, _ := pktRun(t, s)
	assert.Equal(t, exitOK, code, stdout)
	code, stdout, _ = pktRun(t, "--variant", "two-way-handshake", s)
	assert.Equal(t, exitViolated, code, stdout)
	assert.Contains(t, stdout, ":7: accept returns 4 in the model")
}

func TestPktJSONGivesTheSameVerdicts(t *testing.T) {
	dir := t.TempDir()
	good := pktScript(t, dir, "good.pkt", pktHandshake)
	udp := pktScript(t, dir, "udp.pkt", pktHandshake+"+0 < udp (10)\n")
	code, stdout, _ := pktRun(t, "--format", "json", good, udp)
	assert.Equal(t, exitOK, code, "an unsupported script is not judged")
	var rep pktReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	require.Len(t, rep.Scripts, 2)
	assert.Equal(t, "pass", string(rep.Scripts[0].Status))
	assert.Equal(t, "unsupported", string(rep.Scripts[1].Status))
	assert.Equal(t, 8, rep.Scripts[1].Line)
	require.Len(t, rep.Folders, 1)
	assert.Equal(t, 1, rep.Folders[0].Pass)
	assert.Equal(t, 1, rep.Folders[0].Unsupported)
	assert.NotEmpty(t, rep.Cover)
}
