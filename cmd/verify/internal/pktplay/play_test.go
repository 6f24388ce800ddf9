package pktplay

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/pktscript"
)

// server is the opening every case below starts from: a passive OPEN and the handshake,
// accepted as descriptor 4.
const server = `
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 65535 <mss 1460>
+0  > S. 0:0(0) ack 1 <...>
+0  < . 1:1(0) ack 1 win 65535
+0  accept(3, ..., ...) = 4
`

// timeWait follows server: the server closes first and enters TIME-WAIT (lines 9 to 13).
const timeWait = `+0 close(4) = 0
+0 > F. 1:1(0) ack 1
+0 < . 1:1(0) ack 2 win 65535
+0 < F. 1:1(0) ack 2 win 65535
+0 > . 2:2(0) ack 2
`

func play(t *testing.T, src string, variant string) Result {
	t.Helper()
	s, err := pktscript.Parse("case.pkt", []byte(src))
	require.NoError(t, err)
	return Play(s, Options{Variant: variant})
}

func TestPlayJudgesWhatTheEndpointSendsAndTheCallsReturn(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		status Status
		line   int    // the failing line, for Fail and Unsupported
		reason string // a substring of the reason
		note   string // a substring of some note, for Pass
	}{
		{name: "a server's handshake passes", src: server, status: Pass},
		{name: "a SYN,ACK with the wrong ACK fails at its line",
			src:    strings.Replace(server, "> S. 0:0(0) ack 1", "> S. 0:0(0) ack 2", 1),
			status: Fail, line: 6, reason: "ACK 1, not 2"},
		{name: "a segment the endpoint never sends fails",
			src:    server + "+0 > F. 1:1(0) ack 1\n",
			status: Fail, line: 9, reason: "sent nothing"},
		{name: "a segment the endpoint sends but the script does not show fails at the end",
			src:    server + "+0 close(4) = 0\n",
			status: Fail, line: 9, reason: "which the script does not show"},
		{name: "a pure ACK the script skips is taken as delayed, with a note",
			src: server + `+0 < P. 1:11(10) ack 1 win 65535
+0 < P. 11:21(10) ack 1 win 65535
+0 > . 1:1(0) ack 21
`,
			status: Pass, note: "delayed ACK folded"},
		{name: "a pure ACK acknowledging more than the line shows is no delayed ACK",
			src: server + `+0 < P. 1:11(10) ack 1 win 65535
+0 > . 1:1(0) ack 5
`,
			status: Fail, line: 10, reason: "ACK 11, not 5"},
		{name: "data sent in units may be shown as one segment and then as two",
			src: server + `+0 write(4, ..., 10) = 10
+0 > P. 1:5(4) ack 1
+0 > P. 5:11(6) ack 1
`,
			status: Pass},
		{name: "a read returns what was delivered",
			src: server + `+0 < P. 1:11(10) ack 1 win 65535
+0 > . 1:1(0) ack 11
+0 read(4, ..., 4) = 4
+0 read(4, ..., 100) = 6
`,
			status: Pass},
		{name: "a read cannot return more than was delivered",
			src: server + `+0 < P. 1:11(10) ack 1 win 65535
+0 > . 1:1(0) ack 11
+0 read(4, ..., 100) = 20
`,
			status: Fail, line: 11, reason: "returns 10"},
		{name: "a reset is what read and SO_ERROR report",
			src: server + `+0 < R. 1:1(0) ack 1 win 0
+0 getsockopt(4, SOL_SOCKET, SO_ERROR, [ECONNRESET], [4]) = 0
+0 read(4, ..., 100) = 0
`,
			status: Pass},
		{name: "a RST,ACK line matches the model's bare RST, with a note",
			src: server + `+0 setsockopt(4, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0
+0 close(4) = 0
+0 > R. 1:1(0) ack 1
`,
			status: Pass, note: "only the ACK bit differs"},
		{name: "TIME-WAIT does not end before 2MSL: a segment 30 s on finds it",
			src: server + timeWait + `+30 < . 2:2(0) ack 2 win 65535
+0 > R 2:2(0)
`,
			status: Fail, line: 15, reason: "sent nothing"},
		{name: "TIME-WAIT ends after 2MSL: a segment 61 s on meets a closed port",
			src: server + "+0 close(3) = 0\n" + timeWait + `+61 < . 2:2(0) ack 2 win 65535
+0 > R 2:2(0)
`,
			status: Pass},
		{name: "a retransmission needs the clock to move on",
			src: server + `+0 write(4, ..., 1) = 1
+0 > P. 1:2(1) ack 1
+0 > P. 1:2(1) ack 1
`,
			status: Fail, line: 11, reason: "sent nothing"},
		{name: "a retransmission comes once the timer may expire",
			src: server + `+0 write(4, ..., 1) = 1
+0 > P. 1:2(1) ack 1
+.3 > P. 1:2(1) ack 1
`,
			status: Pass},
		{name: "a blocking connect returns ECONNREFUSED when reset",
			src: `0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 connect(3, ..., ...) = -1 ECONNREFUSED (Connection refused)
+0 > S 0:0(0) <...>
+0 < R. 0:0(0) ack 1 win 0
`,
			status: Pass},
		{name: "a blocking connect that never returns fails",
			src: `0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 connect(3, ..., ...) = 0
+0 > S 0:0(0) <...>
`,
			status: Fail, line: 2, reason: "never returned"},
		{name: "the user timeout bounds unacknowledged data, not idleness",
			src: server + `+0 setsockopt(4, IPPROTO_TCP, TCP_USER_TIMEOUT, [100], 4) = 0
+1 getsockopt(4, SOL_SOCKET, SO_ERROR, [ETIMEDOUT], [4]) = 0
`,
			status: Fail, line: 10, reason: "SO_ERROR is 0"},
		{name: "the user timeout counts from the data sent, not from its retransmissions",
			src: server + `+0 setsockopt(4, IPPROTO_TCP, TCP_USER_TIMEOUT, [1000], 4) = 0
+0 write(4, ..., 1) = 1
+0 > P. 1:2(1) ack 1
+.6 > P. 1:2(1) ack 1
+.5 getsockopt(4, SOL_SOCKET, SO_ERROR, [ETIMEDOUT], [4]) = 0
`,
			status: Pass},
		{name: "a FIN arriving again restarts TIME-WAIT's 2MSL",
			src: server + "+0 close(3) = 0\n" + timeWait + `+40 < F. 1:1(0) ack 2 win 65535
+0 > . 2:2(0) ack 2
+40 < . 2:2(0) ack 2 win 65535
+0 > R 2:2(0)
`,
			status: Fail, line: 18, reason: "sent nothing"},
		{name: "data arriving after close() resets the connection",
			src: server + `+0 close(4) = 0
+0 > F. 1:1(0) ack 1
+0 < . 1:1(0) ack 2 win 65535
+0 < P. 1:11(10) ack 2 win 65535
+0 > R 2:2(0)
`,
			status: Pass, note: "arrive after close()"},
		{name: "a connection reset before accept is still accepted, and reads the reset",
			src: `0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 65535
+0 > S. 0:0(0) ack 1 <...>
+0 < . 1:1(0) ack 1 win 65535
+0 < R. 1:1(0) ack 1 win 0
+0 accept(3, ..., ...) = 4
+0 read(4, ..., 10) = -1 ECONNRESET (Connection reset by peer)
`,
			status: Pass},
		{name: "a UDP line makes the script unsupported",
			src: server + "+0 < udp (100)\n", status: Unsupported, line: 9, reason: "UDP"},
		{name: "data on a SYN makes the script unsupported",
			src: `0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:10(10) win 65535
`, status: Unsupported, line: 4, reason: "Fast Open"},
		{name: "a second listener while the endpoint is in use is unsupported",
			src: server + `+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 5
+0 listen(5, 1) = 0
`, status: Unsupported, line: 10, reason: "one endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := play(t, tt.src, "")
			require.Equal(t, tt.status, r.Status, "%s", r.Summary())
			if tt.status != Pass {
				assert.Equal(t, tt.line, r.Line, "%s", r.Summary())
				assert.Contains(t, r.Reason, tt.reason)
			}
			if tt.note != "" {
				assert.Contains(t, strings.Join(r.Notes, "\n"), tt.note)
			}
		})
	}
}

func TestPlayListsWhatItDoesNotJudge(t *testing.T) {
	r := play(t, "--tolerance_usecs=10000\n0 `sysctl -q net.ipv4.tcp_timestamps=0`\n"+server+
		"+0 %{ print('hello') }%\n+0 setsockopt(4, IPPROTO_TCP, TCP_NODELAY, [1], 4) = 0\n", "")
	require.Equal(t, Pass, r.Status, "%s", r.Summary())
	var whats []string
	for _, u := range r.NotJudged {
		whats = append(whats, u.What)
	}
	all := strings.Join(whats, "\n")
	for _, want := range []string{"option --tolerance_usecs", "shell command", "Python block", "setsockopt(TCP_NODELAY)", "window", "TCP options"} {
		assert.Contains(t, all, want)
	}
}

func TestARetryCountSysctlLetsTheEndpointGiveUp(t *testing.T) {
	src := "0 `sysctl -q net.ipv4.tcp_syn_retries=1`\n" + `0.1 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 connect(3, ..., ...) = -1 ETIMEDOUT (Connection timed out)
+0 > S 0:0(0) <...>
+1 > S 0:0(0) <...>
+3 getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0
`
	r := play(t, src, "")
	require.Equal(t, Pass, r.Status, "%s", r.Summary())
	assert.Contains(t, r.Fired, "any/give-up")
	// Without the sysctl the model never gives up, so the connect never returns.
	r = play(t, strings.Replace(src, "tcp_syn_retries=1", "tcp_timestamps=0", 1), "")
	assert.Equal(t, Fail, r.Status, "%s", r.Summary())
}
