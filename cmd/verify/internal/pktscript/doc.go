// Package pktscript parses packetdrill scripts, the test-script language of
// google/packetdrill, into the AST of ast.go, for a runner that plays them against the
// model.
//
// A small script:
//
//	--tolerance_usecs=10000
//	`sysctl -q net.ipv4.tcp_timestamps=0`
//
//	0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
//	+0  bind(3, ..., ...) = 0
//	+0  listen(3, 1) = 0
//	+0  < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
//	+0  > S. 0:0(0) ack 1 <...>
//	+.1 < . 1:1(0) ack 1 win 257
//	+0  accept(3, ..., ...) = 4
//
// # What is accepted
//
// The grammar is packetdrill's (Syntax.md, lexer.l and parser.y), read line by line:
//
//   - Comments // to the end of the line and /* ... */, anywhere white space may go;
//     blank lines.
//   - Options --name=value or --name at the top, before the first event. A value that
//     is one quoted string loses its quotes.
//   - Events, each starting on a new line with a time and one action. Times: 0, 0.100,
//     .1 (absolute); +0, +.1 (relative); * (any); 0.1~0.2 and +0.1~+0.2 (ranges).
//     As in packetdrill, * and ranges are only for outbound packets, and a range must
//     not run backwards.
//   - Packet lines: < or >, optional IP info "[ect0]" or "(tos 0x1)" (words, numbers
//     and commas, kept without the brackets as Packet.ECN), then TCP flags (letters of S F R P U E W with an optional "." for
//     ACK, a lone ".", or "-" for none), seq:end(len), optional "ack N", optional
//     "win N", optional TCP options "<mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>"
//     or "<...>" (outbound only). Options are split at top-level commas and kept as
//     text; any option words are taken, since the runner does not judge options. As in
//     packetdrill, seq and end fit 32 bits, len and win 16 bits, and end == seq+len
//     with no wrap. "< udp (100)" and "> icmp unreachable port_unreachable", also with
//     an echoed packet "< [1:1(0)] icmp unreachable frag_needed mtu 1480", parse as UDP
//     and ICMP packets for the runner to report unjudged.
//   - System calls: an optional blocking end time "...0.2" before the name, then
//     name(args) = result, an optional errno word and an optional parenthesised note:
//     "connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)". Arguments
//     may wrap across lines. Expressions: ..., decimal and negative integers, hex 0x1f,
//     words, strings "abc" and "abc"..., a | b | c (left-associative), arrays [1, 2],
//     structs {onoff=1, linger=0} and {..., 1000} (members without a name), msghdr
//     member names such as msg_iov(1) kept whole, function calls htons(8080),
//     inet_addr("192.0.2.1"), and NAME=value inside lists (a binary "=").
//   - Backquoted shell commands `...` (may span lines), after a time or, for the first
//     event only, without one (packetdrill's init command), taken at absolute time 0.
//   - Python blocks %{ ... }% (may span lines) after a time.
//
// IPv4 and IPv6 scripts parse alike: addresses appear only inside strings.
//
// # Representation
//
// Times are seconds as float64 (".1" is 0.1). Sequence numbers, lengths, ack and window
// are uint32. Integers in expressions are int64; hex keeps its 64 bits. Strings, commands
// and notes keep their text as written between the delimiters: escapes are recognised
// to find the end but not decoded, as in packetdrill. A code block loses the blanks at
// its two ends. Event.Text is the event's source, comments removed and white space runs
// folded to one space.
//
// # Limits
//
// Parse rejects a script over 1 MiB, a line over 64 KiB and expressions nested deeper
// than 32 brackets, so no input costs unbounded time, memory or stack. Errors are one
// line: "file:line: what is wrong".
//
// The package parses and does not judge: whether a packet or call makes sense for TCP
// is the runner's business.
package pktscript
