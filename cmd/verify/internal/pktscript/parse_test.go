package pktscript

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Shorthands for expected expressions.
func ell() Expr                  { return Expr{Kind: ExprEllipsis} }
func num(v int64) Expr           { return Expr{Kind: ExprInt, Int: v} }
func word(w string) Expr         { return Expr{Kind: ExprWord, Text: w} }
func str(s string) Expr          { return Expr{Kind: ExprString, Text: s} }
func or(a, b Expr) Expr          { return Expr{Kind: ExprBinary, Text: "|", List: []Expr{a, b}} }
func arr(es ...Expr) Expr        { return Expr{Kind: ExprArray, List: es} }
func st(fs ...Field) Expr        { return Expr{Kind: ExprStruct, Fields: fs} }
func fld(n string, v Expr) Field { return Field{Name: n, Value: v} }
func fn(name string, args ...Expr) Expr {
	return Expr{Kind: ExprFunc, Text: name, List: args}
}

func abs(s float64) Time { return Time{Kind: TimeAbsolute, Start: s} }
func rel(s float64) Time { return Time{Kind: TimeRelative, Start: s} }

func mustParse(t *testing.T, src string) *Script {
	t.Helper()
	s, err := Parse("test.pkt", []byte(src))
	require.NoError(t, err)
	return s
}

func TestParseOptionsAndInitCommand(t *testing.T) {
	s := mustParse(t, `// header comment
--tolerance_usecs=10000
--ip_version=ipv6 --mss=1000
--verbose
--define=CC="reno"
--local_ip="192.168.0.1"
`+"`../common/defaults.sh`"+`

0 close(3) = 0
`)
	assert.Equal(t, "test.pkt", s.Name)
	assert.Equal(t, []Option{
		{Line: 2, Name: "tolerance_usecs", Value: "10000"},
		{Line: 3, Name: "ip_version", Value: "ipv6"},
		{Line: 3, Name: "mss", Value: "1000"},
		{Line: 4, Name: "verbose"},
		{Line: 5, Name: "define", Value: `CC="reno"`},
		{Line: 6, Name: "local_ip", Value: "192.168.0.1"},
	}, s.Options)
	require.Len(t, s.Events, 2)
	assert.Equal(t, Event{Line: 7, Time: abs(0), Text: "`../common/defaults.sh`",
		Command: &Command{Text: "../common/defaults.sh"}}, s.Events[0])
	assert.Equal(t, 9, s.Events[1].Line)
}

func TestParseTimes(t *testing.T) {
	s := mustParse(t, `0 close(3) = 0
0.100 close(3) = 0
.1 close(3) = 0
+0 close(3) = 0
+.1 close(3) = 0
+1.5 close(3) = 0
* > . 1:1(0) ack 1
0.1~0.2 > . 1:1(0) ack 1
+0.1~+0.2 > . 1:1(0) ack 1
3 close(3) = 0
`)
	want := []Time{abs(0), abs(0.1), abs(0.1), rel(0), rel(0.1), rel(1.5),
		{Kind: TimeAny},
		{Kind: TimeRange, Start: 0.1, End: 0.2},
		{Kind: TimeRelativeRange, Start: 0.1, End: 0.2},
		abs(3),
	}
	require.Len(t, s.Events, len(want))
	for i, w := range want {
		assert.Equal(t, w, s.Events[i].Time, "event %d", i)
		assert.Equal(t, i+1, s.Events[i].Line)
	}
}

func TestParseTCPPackets(t *testing.T) {
	tests := []struct {
		line string
		want Packet
	}{
		{"0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>", Packet{Dir: Inbound,
			Flags: FlagSYN, FlagsText: "S", HasWin: true, Win: 32792,
			Options: []string{"mss 1000", "sackOK", "nop", "nop", "nop", "wscale 7"}}},
		{"0 > S. 0:0(0) ack 1 <...>", Packet{Dir: Outbound, Flags: FlagSYN | FlagACK, FlagsText: "S.",
			HasAck: true, Ack: 1, OptionsAny: true}},
		{"0 < . 1:1(0) ack 1 win 257", Packet{Dir: Inbound, Flags: FlagACK, FlagsText: ".",
			Seq: 1, End: 1, HasAck: true, Ack: 1, HasWin: true, Win: 257}},
		{"0 < P. 1:1001(1000) ack 1 win 257", Packet{Dir: Inbound, Flags: FlagPSH | FlagACK,
			FlagsText: "P.", Seq: 1, End: 1001, Len: 1000, HasAck: true, Ack: 1, HasWin: true, Win: 257}},
		{"0 > F. 1001:1001(0) ack 1", Packet{Dir: Outbound, Flags: FlagFIN | FlagACK, FlagsText: "F.",
			Seq: 1001, End: 1001, HasAck: true, Ack: 1}},
		{"0 < R 1:1(0) win 0", Packet{Dir: Inbound, Flags: FlagRST, FlagsText: "R", Seq: 1, End: 1,
			HasWin: true}},
		{"0 > R. 0:0(0) ack 1 win 0", Packet{Dir: Outbound, Flags: FlagRST | FlagACK, FlagsText: "R.",
			HasAck: true, Ack: 1, HasWin: true}},
		{"0 < FP. 1:11(10) ack 1 win 100", Packet{Dir: Inbound, Flags: FlagFIN | FlagPSH | FlagACK,
			FlagsText: "FP.", Seq: 1, End: 11, Len: 10, HasAck: true, Ack: 1, HasWin: true, Win: 100}},
		{"0 < SEW 0:0(0) win 65535", Packet{Dir: Inbound, Flags: FlagSYN | FlagECE | FlagCWR,
			FlagsText: "SEW", HasWin: true, Win: 65535}},
		{"0 < U. 1:2(1) ack 1", Packet{Dir: Inbound, Flags: FlagURG | FlagACK, FlagsText: "U.",
			Seq: 1, End: 2, Len: 1, HasAck: true, Ack: 1}},
		{"0 < - 1:1(0) win 10", Packet{Dir: Inbound, FlagsText: "-", Seq: 1, End: 1, HasWin: true, Win: 10}},
		{"0 < [ect0] S 0:0(0) win 100", Packet{Dir: Inbound, ECN: "ect0", Flags: FlagSYN, FlagsText: "S",
			HasWin: true, Win: 100}},
		{"0 > [ect0, flowlabel 0x1] . 1:1(0) ack 1", Packet{Dir: Outbound, ECN: "ect0, flowlabel 0x1",
			Flags: FlagACK, FlagsText: ".", Seq: 1, End: 1, HasAck: true, Ack: 1}},
		{"0 < (tos 0x1) S 0:0(0) win 100", Packet{Dir: Inbound, ECN: "tos 0x1", Flags: FlagSYN, FlagsText: "S",
			HasWin: true, Win: 100}},
		{"0 < . 4294967295:4294967295(0) ack 4294967295", Packet{Dir: Inbound, Flags: FlagACK,
			FlagsText: ".", Seq: 4294967295, End: 4294967295, HasAck: true, Ack: 4294967295}},
		{"0 < . 4294901760:4294967295(65535) ack 1", Packet{Dir: Inbound, Flags: FlagACK,
			FlagsText: ".", Seq: 4294901760, End: 4294967295, Len: 65535, HasAck: true, Ack: 1}},
		{"0 > . 1:1(0) ack 1 <nop, nop,  TS val 100 ecr 0 ,sack 1:2 3:4,FO abcd1234,md5 00ff,eol,exp 0xf989 1>",
			Packet{Dir: Outbound, Flags: FlagACK, FlagsText: ".", Seq: 1, End: 1, HasAck: true, Ack: 1,
				Options: []string{"nop", "nop", "TS val 100 ecr 0", "sack 1:2 3:4", "FO abcd1234",
					"md5 00ff", "eol", "exp 0xf989 1"}}},
		{"0 > S. 0:0(0) ack 1 <mss 1460,\n    sackOK, FO>", Packet{Dir: Outbound, Flags: FlagSYN | FlagACK,
			FlagsText: "S.", HasAck: true, Ack: 1, Options: []string{"mss 1460", "sackOK", "FO"}}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			s := mustParse(t, tt.line)
			require.Len(t, s.Events, 1)
			require.NotNil(t, s.Events[0].Packet)
			assert.Equal(t, tt.want, *s.Events[0].Packet)
		})
	}
}

func TestParseUDPAndICMP(t *testing.T) {
	s := mustParse(t, `0 < udp (100)
+0 > icmp unreachable port_unreachable
+0 < [1:1(0)] icmp unreachable frag_needed mtu 1480
+0 > [noecn] icmp echo_reply id 7 [udp (10)]
`)
	require.Len(t, s.Events, 4)
	assert.Equal(t, Packet{Dir: Inbound, Proto: ProtoUDP, UDPLen: 100}, *s.Events[0].Packet)
	assert.Equal(t, Packet{Dir: Outbound, Proto: ProtoICMP, ICMP: "unreachable port_unreachable"}, *s.Events[1].Packet)
	assert.Equal(t, Packet{Dir: Inbound, Proto: ProtoICMP, ICMP: "unreachable frag_needed mtu 1480"}, *s.Events[2].Packet)
	assert.Equal(t, Packet{Dir: Outbound, Proto: ProtoICMP, ECN: "noecn", ICMP: "echo_reply id 7 [udp (10)]"}, *s.Events[3].Packet)
	assert.Equal(t, "+0 < [1:1(0)] icmp unreachable frag_needed mtu 1480", s.Events[2].Text)
}

func TestParseCalls(t *testing.T) {
	tests := []struct {
		line string
		want Call
	}{
		{"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
			Call{Name: "socket", Args: []Expr{ell(), word("SOCK_STREAM"), word("IPPROTO_TCP")}, Result: num(3)}},
		{"0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0",
			Call{Name: "setsockopt", Args: []Expr{num(3), word("SOL_SOCKET"), word("SO_REUSEADDR"), arr(num(1)), num(4)},
				Result: num(0)}},
		{"0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0",
			Call{Name: "setsockopt", Args: []Expr{num(3), word("SOL_SOCKET"), word("SO_LINGER"),
				st(fld("onoff", num(1)), fld("linger", num(0))), num(8)}, Result: num(0)}},
		{"0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0",
			Call{Name: "getsockopt", Args: []Expr{num(3), word("SOL_SOCKET"), word("SO_ERROR"),
				arr(word("ECONNREFUSED")), arr(num(4))}, Result: num(0)}},
		{"0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK | 0x1f) = 0",
			Call{Name: "fcntl", Args: []Expr{num(3), word("F_SETFL"),
				or(or(word("O_RDWR"), word("O_NONBLOCK")), num(0x1f))}, Result: num(0)}},
		{"0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)",
			Call{Name: "connect", Args: []Expr{num(3), ell(), ell()}, Result: num(-1),
				Errno: "EINPROGRESS", Note: "Operation now in progress"}},
		{"0 bind(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"192.0.2.1\")}, 16) = 0",
			Call{Name: "bind", Args: []Expr{num(3), st(fld("sa_family", word("AF_INET")),
				fld("sin_port", fn("htons", num(8080))),
				fld("sin_addr", fn("inet_addr", str("192.0.2.1")))), num(16)}, Result: num(0)}},
		{"0 poll([{fd=4, events=POLLIN, revents=POLLIN}], 1, 0) = 1",
			Call{Name: "poll", Args: []Expr{arr(st(fld("fd", num(4)), fld("events", word("POLLIN")),
				fld("revents", word("POLLIN")))), num(1), num(0)}, Result: num(1)}},
		{"0 writev(4, [{..., 1000}, {..., 10}], 2) = 1010",
			Call{Name: "writev", Args: []Expr{num(4), arr(st(fld("", ell()), fld("", num(1000))),
				st(fld("", ell()), fld("", num(10)))), num(2)}, Result: num(1010)}},
		{"0 sendmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 1000}], msg_flags=0}, 0) = 1000",
			Call{Name: "sendmsg", Args: []Expr{num(4), st(fld("msg_name(...)", ell()),
				fld("msg_iov(1)", arr(st(fld("", ell()), fld("", num(1000))))),
				fld("msg_flags", num(0))), num(0)}, Result: num(1000)}},
		{`0 write(4, "abc\"d\n", 6) = 6`,
			Call{Name: "write", Args: []Expr{num(4), str(`abc\"d\n`), num(6)}, Result: num(6)}},
		{`0 getsockopt(4, SOL_TCP, TCP_CONGESTION, "cubic"..., [16]) = 0`,
			Call{Name: "getsockopt", Args: []Expr{num(4), word("SOL_TCP"), word("TCP_CONGESTION"),
				{Kind: ExprString, Text: "cubic", StringEllipsis: true}, arr(num(16))}, Result: num(0)}},
		{`0 f("a" "b") = ...`,
			Call{Name: "f", Args: []Expr{{Kind: ExprBinary, Text: ".", List: []Expr{str("a"), str("b")}}},
				Result: ell()}},
		{"0 close() = 0 (no errno here)", Call{Name: "close", Result: num(0), Note: "no errno here"}},
		{"0 read(4, ..., sizeof(x), []) = -1 EAGAIN (Resource temporarily unavailable)",
			Call{Name: "read", Args: []Expr{num(4), ell(), fn("sizeof", word("x")), arr()}, Result: num(-1),
				Errno: "EAGAIN", Note: "Resource temporarily unavailable"}},
		{"0 close(4) = -1 EBADF", Call{Name: "close", Args: []Expr{num(4)}, Result: num(-1), Errno: "EBADF"}},
		{"0 accept(3, ..., ...) = 4 (Can't stop)", Call{Name: "accept", Args: []Expr{num(3), ell(), ell()},
			Result: num(4), Note: "Can't stop"}},
		{"0 f(x=1|2, 0xffffffffffffffff) = POLLIN|POLLOUT",
			Call{Name: "f", Args: []Expr{{Kind: ExprBinary, Text: "=", List: []Expr{word("x"), or(num(1), num(2))}},
				num(-1)}, Result: or(word("POLLIN"), word("POLLOUT"))}},
		{"0.1...0.25 read(4, ..., 1000) = 1000",
			Call{Name: "read", Args: []Expr{num(4), ell(), num(1000)}, Result: num(1000), Blocking: true, End: 0.25}},
		{"0 recvmsg(4, {msg_name(...)=...,\n\tmsg_iov(1)=[{...,\n 100}],\n msg_flags=MSG_ERRQUEUE}, MSG_ERRQUEUE) = 100",
			Call{Name: "recvmsg", Args: []Expr{num(4), st(fld("msg_name(...)", ell()),
				fld("msg_iov(1)", arr(st(fld("", ell()), fld("", num(100))))),
				fld("msg_flags", word("MSG_ERRQUEUE"))), word("MSG_ERRQUEUE")}, Result: num(100)}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			s := mustParse(t, tt.line)
			require.Len(t, s.Events, 1)
			require.NotNil(t, s.Events[0].Call)
			assert.Equal(t, tt.want, *s.Events[0].Call)
		})
	}
}

func TestParseCommandsCodeAndText(t *testing.T) {
	s := mustParse(t, "0 `sysctl -q net.ipv4.tcp_timestamps=0`\n"+
		"/* a comment\n   over lines */\n"+
		"+0 `tc qdisc add dev tun0 \\\n   root netem delay 10ms`\n"+
		"+0    write(4,   ...,\n\t 10)   =  10 // trailing\n"+
		"+0 %{\nassert tcpi_state == 1, tcpi_state\n}%\n"+
		"+0 %{ print(1) }%\n")
	require.Len(t, s.Events, 5)
	assert.Equal(t, &Command{Text: "sysctl -q net.ipv4.tcp_timestamps=0"}, s.Events[0].Command)
	assert.Equal(t, 1, s.Events[0].Line)
	assert.Equal(t, &Command{Text: "tc qdisc add dev tun0 \\\n   root netem delay 10ms"}, s.Events[1].Command)
	assert.Equal(t, 4, s.Events[1].Line)
	assert.Equal(t, "+0 `tc qdisc add dev tun0 \\ root netem delay 10ms`", s.Events[1].Text)
	assert.Equal(t, 6, s.Events[2].Line)
	assert.Equal(t, "+0 write(4, ..., 10) = 10", s.Events[2].Text)
	assert.Equal(t, &Code{Text: "\nassert tcpi_state == 1, tcpi_state\n"}, s.Events[3].Code)
	assert.Equal(t, 8, s.Events[3].Line)
	assert.Equal(t, "+0 %{ assert tcpi_state == 1, tcpi_state }%", s.Events[3].Text)
	assert.Equal(t, &Code{Text: "print(1)"}, s.Events[4].Code)
	assert.Equal(t, 11, s.Events[4].Line)
}

func TestParseCRLFAndIPv6(t *testing.T) {
	s := mustParse(t, "--ip_version=ipv6\r\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\r\n"+
		"+0 connect(3, {sa_family=AF_INET6, sin_port=htons(8080), sin_addr=inet6_addr(\"fd3d:fa7b:d17d::1\")}, 28) = 0\r\n")
	require.Len(t, s.Events, 2)
	c := s.Events[1].Call
	require.NotNil(t, c)
	assert.Equal(t, fn("inet6_addr", str("fd3d:fa7b:d17d::1")), c.Args[1].Fields[2].Value)
}

// A script in the style of packetdrill's gtests/net/tcp tests, written for this test.
const realistic = `// Test a passive open, a data exchange and an active close.
--tolerance_usecs=10000

` + "`../common/defaults.sh\nsysctl -q net.ipv4.tcp_timestamps=1`" + `

// Initialize a server socket.
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0

   +0 < S 0:0(0) win 32792 <mss 1000,sackOK,TS val 100 ecr 0,nop,wscale 7>
   +0 > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 200 ecr 100,nop,wscale 8>
 +.02 < . 1:1(0) ack 1 win 257 <nop,nop,TS val 120 ecr 200>
   +0 accept(3, ..., ...) = 4

// Send 1000 bytes; the peer ACKs them.
   +0 write(4, ..., 1000) = 1000
   +0 > P. 1:1001(1000) ack 1 <nop,nop,TS val 210 ecr 120>
 +.02 < . 1:1(0) ack 1001 win 257 <nop,nop,TS val 140 ecr 210>

// Receive 500 bytes.
   +0 < P. 1:501(500) ack 1001 win 257 <nop,nop,TS val 150 ecr 210>
   +0 > . 1001:1001(0) ack 501 <...>
   +0 read(4, ..., 1000) = 500

// Active close.
   +0 close(4) = 0
   +0 > F. 1001:1001(0) ack 501 <...>
 +.02 < F. 501:501(0) ack 1002 win 257 <nop,nop,TS val 170 ecr 230>
   +0 > . 1002:1002(0) ack 502 <...>
`

func TestParseRealisticScript(t *testing.T) {
	s := mustParse(t, realistic)
	assert.Equal(t, []Option{{Line: 2, Name: "tolerance_usecs", Value: "10000"}}, s.Options)
	require.Len(t, s.Events, 19)

	ev := s.Events[0]
	assert.Equal(t, 4, ev.Line)
	assert.Equal(t, abs(0), ev.Time)
	assert.Equal(t, "../common/defaults.sh\nsysctl -q net.ipv4.tcp_timestamps=1", ev.Command.Text)

	assert.Equal(t, "socket", s.Events[1].Call.Name)
	assert.Equal(t, 8, s.Events[1].Line)

	syn := s.Events[5].Packet
	require.NotNil(t, syn)
	assert.Equal(t, Inbound, syn.Dir)
	assert.Equal(t, FlagSYN, syn.Flags)
	assert.Equal(t, []string{"mss 1000", "sackOK", "TS val 100 ecr 0", "nop", "wscale 7"}, syn.Options)
	assert.Equal(t, uint32(32792), syn.Win)

	ack := s.Events[7]
	assert.Equal(t, rel(0.02), ack.Time)
	assert.Equal(t, 15, ack.Line)
	assert.Equal(t, "+.02 < . 1:1(0) ack 1 win 257 <nop,nop,TS val 120 ecr 200>", ack.Text)

	data := s.Events[10].Packet
	assert.Equal(t, Outbound, data.Dir)
	assert.Equal(t, [3]uint32{1, 1001, 1000}, [3]uint32{data.Seq, data.End, data.Len})

	assert.Equal(t, "read", s.Events[14].Call.Name)
	assert.Equal(t, num(500), s.Events[14].Call.Result)

	fin := s.Events[16].Packet
	assert.Equal(t, FlagFIN|FlagACK, fin.Flags)
	assert.True(t, fin.OptionsAny)
	last := s.Events[18]
	assert.Equal(t, 32, last.Line)
	assert.Equal(t, uint32(502), last.Packet.Ack)
}

// badScripts are inputs Parse must reject, with the substring its error must contain
// (which starts with the file and line).
func badScripts() []struct{ src, want string } {
	nested := "0 f(" + strings.Repeat("[", 40) + strings.Repeat("]", 40) + ") = 0"
	return []struct{ src, want string }{
		{"0 < S 0:0 win 100", `bad.pkt:1: packet line: want seq:end(len), got "0:0"`},
		{"0 close(3) = 0\n+0 < S 0:0(0 win 1", `bad.pkt:2: packet line: want seq:end(len), got "0:0(0"`},
		{"0 < S\n", "bad.pkt:1: packet line: want seq:end(len), got end of line"},
		{"0 < . 1:10(5) ack 1", "bad.pkt:1: packet line: inconsistent seq:end(len) 1:10(5): end-seq must equal len"},
		{"0 < . 4294967295:3(4) ack 1", "bad.pkt:1: packet line: inconsistent seq:end(len)"},
		{"0 < . 4294967296:4294967296(0) ack 1", "bad.pkt:1: packet line: sequence number 4294967296 out of range"},
		{"0 < . 1:99999999999(0)", "bad.pkt:1: packet line: end sequence number 99999999999 out of range"},
		{"0 < . 0:70000(70000)", "bad.pkt:1: packet line: payload length 70000 out of range"},
		{"0 < . 1:1(0) ack 4294967296", `bad.pkt:1: packet line: ack 4294967296 out of range`},
		{"0 < . 1:1(0) win 65536", `bad.pkt:1: packet line: win 65536 out of range`},
		{"0 < . 1:1(0) ack x", `bad.pkt:1: packet line: want a number after "ack", got "x"`},
		{"0 write(3, \"abc, 3) = 3", "bad.pkt:1: unterminated string"},
		{"0 close(3) = 0\n/* open\n+0 close(4) = 0\n", "bad.pkt:2: unterminated /* comment"},
		{"0 close(3 = 0", `bad.pkt:1: system call: want "," or ")", got "="`},
		{"0 close(3)) = 0", `bad.pkt:1: system call: want = after close(...), got ")"`},
		{"0 write(4, [1, 2) = 1", `bad.pkt:1: system call: want "," or "]", got ")"`},
		{"0 write(4,\n..., 10\n+0 close(4) = 0", `bad.pkt:3: system call: want "," or ")", got "+" (unclosed "(" from line 1)`},
		{"0 write(4, [1,", `bad.pkt:1: system call: want an expression, got end of file`},
		{"0 close(3) = 0\n+0 %{ print(1)\n", "bad.pkt:2: unterminated %{ code block"},
		{"0 `echo hi\n", "bad.pkt:1: unterminated ` command"},
		{"0 ! S 0:0(0) win 1", `bad.pkt:1: event: want a packet (< or >), a system call, a ` + "`command`" + ` or a %{ code }% after the time, got "!"`},
		{"+x close(3) = 0", `bad.pkt:1: time: want a number after "+", got "x"`},
		{"close(3) = 0", `bad.pkt:1: time: want an event time (0.1, +0.1, *, 0.1~0.2), got "close"`},
		{"-1 close(3) = 0", `bad.pkt:1: time: negative time "-1"`},
		{"0.2~0.1 > . 1:1(0) ack 1", "bad.pkt:1: time: range 0.2~0.1 is backwards"},
		{"+0.1~0.2 > . 1:1(0) ack 1", `bad.pkt:1: time: want "+" after "~" in a relative range (+0.1~+0.2), got "0.2"`},
		{"0.1~+0.2 > . 1:1(0) ack 1", "bad.pkt:1: time: an absolute range (0.1~0.2) cannot end in a relative time"},
		{"* < . 1:1(0) ack 1", "bad.pkt:1: time: * can only be used with outbound packets"},
		{"0.1~0.2 close(3) = 0", "bad.pkt:1: time: a time range can only be used with outbound packets"},
		{"0 < S 0:0(0) win 1 <...>", "bad.pkt:1: tcp options: <...> can only be used with outbound packets"},
		{"0 < . 1:1(0) ack 1 win 257 foo", `bad.pkt:1: packet line: unexpected "foo" after the packet`},
		{"0 close(3) = 0 EBADF (x) y", `bad.pkt:1: system call: unexpected "y" after the system call`},
		{"0 `true` x", `bad.pkt:1: command: unexpected "x" after the command`},
		{"0 < SX 0:0(0) win 1", `bad.pkt:1: packet line: unknown tcp flag "X" in "SX"`},
		{"0 < 1:1(0) win 1", `bad.pkt:1: packet line: want tcp flags (S, S., ., F., R, P., -), got "1"`},
		{"0 < S 0:0(0) <mss 1000", "bad.pkt:1: tcp options: missing > to close the option list"},
		{"0 < S 0:0(0) <mss 1000,,nop>", `bad.pkt:1: tcp options: empty option before ","`},
		{"0 < S 0:0(0) <>", `bad.pkt:1: tcp options: empty option before ">"`},
		{"0 < . 1:1(0) urg 1", "bad.pkt:1: packet line: urg pointer is not supported"},
		{"0 close(3) = 0\n--mss=1000", "bad.pkt:2: option --mss after the first event"},
		{"--mss=", "bad.pkt:1: option --mss: want a value after ="},
		{"0 close(3) = 0\n`echo`", "bad.pkt:2: command: want an event time before `...`"},
		{"0 close(3)\n+0 close(4) = 0", "bad.pkt:1: system call: want = after close(...), got end of line"},
		{"0 close(3) = -1 EBADF (Bad file", "bad.pkt:1: system call: missing ) to close the note"},
		{"0 close(3) = 0 ()", "bad.pkt:1: system call: empty note ()"},
		{"0 close(3,) = 0", `bad.pkt:1: system call: want an expression, got ")"`},
		{"0 close(99999999999999999999) = 0", `bad.pkt:1: system call: integer "99999999999999999999" out of range`},
		{"0 close(0x1ffffffffffffffff) = 0", `bad.pkt:1: system call: integer "0x1ffffffffffffffff" out of range`},
		{"0 f(1.5) = 0", `bad.pkt:1: system call: want an expression, got "1.5"`},
		{"0 close (3) =\n0", "bad.pkt:1: system call: want a result after =, got end of line"},
		{"0 < udp (70000)", "bad.pkt:1: packet line: udp length 70000 out of range"},
		{"0 < udp 100", `bad.pkt:1: packet line: want (len) after udp, got "100"`},
		{"0 > icmp", "bad.pkt:1: packet line: want an icmp type after icmp, got end of line"},
		{"0 < [1:1(0)] S 0:0(0)", `bad.pkt:1: packet line: want icmp after the echoed packet, got "S"`},
		{"0 < [1:2(0)] icmp unreachable", "bad.pkt:1: packet line: echoed packet: inconsistent seq:end(len)"},
		{"0 < [ect0 S 0:0(0)", "bad.pkt:1: packet line: missing ] after ["},
		{"0 < (ect0 S 0:0 win 1", "bad.pkt:1: packet line: missing ) after ("},
		{"0 < [] S 0:0(0)", "bad.pkt:1: packet line: empty ip info"},
		{"0 < (1:1(0)) S 0:0(0)", `bad.pkt:1: packet line: unexpected ":" in ip info`},
		{"0\n+0 close(3) = 0", "bad.pkt:1: event: want an action after the time, got end of line"},
		{"// nothing\n\n", "bad.pkt:1: script has no events"},
		{"0 close(3) = 0\n%{ x }%", `bad.pkt:2: time: want an event time (0.1, +0.1, *, 0.1~0.2), got "%{ x }%"`},
		{"0 close(3) = 0\n+1e400 close(3) = 0", `bad.pkt:2: time: want a number after "+", got "1e400"`},
		{strings.Repeat("9", 400) + ".5 close(3) = 0", "bad.pkt:1: time: \"9999999999999999999999999999999999999999\"... out of range"},
		{"99" + strings.Repeat("9", 400) + " close(3) = 0", "bad.pkt:1: time: \"9999999999999999999999999999999999999999\"... out of range"},
		{nested, "bad.pkt:1: system call: expression nested deeper than 32"},
		{"0 f(" + strings.Repeat("{", 33) + strings.Repeat("}", 33) + ") = 0", "bad.pkt:1: system call: expression nested deeper than 32"},
		{"0 f(" + strings.Repeat("g(", 33) + strings.Repeat(")", 33) + ") = 0", "bad.pkt:1: system call: expression nested deeper than 32"},
		{"0 close(3) = 0\n" + strings.Repeat("x", maxLineBytes+1), "bad.pkt:2: line is 65537 bytes, over the limit of 65536"},
		{strings.Repeat("0 close(3) = 0\n", maxScriptBytes/15+1), "bad.pkt:1: script is 1048590 bytes, over the limit of 1048576"},
		{"--define=X=\"abc", "bad.pkt:1: option --define=X=: unterminated string"},
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range badScripts() {
		name := tt.src
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			s, err := Parse("bad.pkt", []byte(tt.src))
			require.Error(t, err)
			assert.Nil(t, s)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "\n")
			var pe *Error
			require.True(t, errors.As(err, &pe))
			assert.Equal(t, "bad.pkt", pe.File)
			assert.GreaterOrEqual(t, pe.Line, 1)
		})
	}
}

func TestParseNestingLimit(t *testing.T) {
	// 32 levels are fine; the 33rd is refused (see badScripts).
	src := "0 f(" + strings.Repeat("[", maxNesting) + strings.Repeat("]", maxNesting) + ") = 0"
	s := mustParse(t, src)
	e := s.Events[0].Call.Args[0]
	for i := 0; i < maxNesting-1; i++ {
		require.Equal(t, ExprArray, e.Kind)
		require.Len(t, e.List, 1)
		e = e.List[0]
	}
	assert.Equal(t, arr(), e)
}

func TestParseLongOrChain(t *testing.T) {
	// A long | chain is built by a loop, not recursion: no nesting limit applies.
	src := "0 f(A" + strings.Repeat(" | A", 5000) + ") = 0"
	s := mustParse(t, src)
	assert.Equal(t, ExprBinary, s.Events[0].Call.Args[0].Kind)
}
