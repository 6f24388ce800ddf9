package pktscript

import (
	"errors"
	"strings"
	"testing"
)

// goodScripts are valid scripts that between them use every construct the parser takes.
func goodScripts() []string {
	return []string{
		realistic,
		"--ip_version=ipv6\n--define=X=\"a b\"\n`true`\n0 close(3) = 0\n",
		"0 < udp (100)\n+0 > icmp unreachable port_unreachable\n+0 < [1:1(0)] icmp unreachable frag_needed mtu 1480\n",
		"0.1...0.25 read(4, ..., 1000) = 1000\n* > . 1:1(0) ack 1\n+0.1~+0.2 > [ect0] F. 1:1(0) ack 1 <nop,\n sack 1:2 3:4>\n",
		"0 sendmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 1000}], msg_flags=0}, 0) = 1000\n" +
			"+0 poll([{fd=4, events=POLLIN|POLLOUT, revents=POLLOUT}], 1, 0) = 1\n" +
			"+0 connect(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"192.0.2.1\")}, 16) = -1 EINPROGRESS (Operation now in progress)\n",
		"0 %{\nassert tcpi_state == 1\n}%\n/* c */ +0 write(4, \"a\\\"b\" \"c\", 3) = 3 // end\n",
		"0 < - 4294901760:4294967295(65535) ack 4294967295 win 65535\n",
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range goodScripts() {
		f.Add([]byte(s))
	}
	for _, b := range badScripts() {
		if len(b.src) <= 4096 {
			f.Add([]byte(b.src))
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("fuzz.pkt", src)
		if err != nil {
			checkError(t, err)
			return
		}
		checkScript(t, s)
	})
}

// checkError checks an error is a one-line *Error that names the file and a line.
func checkError(t *testing.T, err error) {
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is %T, not *Error", err, err)
	}
	if pe.Line < 1 || pe.File != "fuzz.pkt" {
		t.Fatalf("error %q has file %q line %d", err, pe.File, pe.Line)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "fuzz.pkt:") {
		t.Fatalf("error %q is not one line starting with the file", msg)
	}
}

// checkScript checks the invariants of a parsed script: one action per event, lines from
// 1 and in order, and seq:end(len) consistent on TCP packets.
func checkScript(t *testing.T, s *Script) {
	if len(s.Events) == 0 {
		t.Fatal("script parsed with no events")
	}
	prev := 0
	for i, ev := range s.Events {
		n := 0
		for _, set := range []bool{ev.Packet != nil, ev.Call != nil, ev.Command != nil, ev.Code != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("event %d (%q) has %d actions", i, ev.Text, n)
		}
		if ev.Line < 1 || ev.Line < prev {
			t.Fatalf("event %d has line %d after line %d", i, ev.Line, prev)
		}
		prev = ev.Line
		if pk := ev.Packet; pk != nil && pk.Proto == ProtoTCP && pk.End != pk.Seq+pk.Len {
			t.Fatalf("event %d: end %d != seq %d + len %d", i, pk.End, pk.Seq, pk.Len)
		}
	}
}
