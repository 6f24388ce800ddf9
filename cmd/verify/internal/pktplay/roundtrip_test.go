package pktplay

import (
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/pktscript"
	"github.com/tcpverify/tcpverify/fsm"
)

// A script written down from a run of the model's own endpoint, every segment it sent
// shown in order, must pass; with one shown segment changed, it must fail at that line.
// This checks the runner's numbering (what is relative to which ISS), its notation and its
// matching against the model itself, for any segments a peer may send.

// modelRun drives a listening endpoint with drawn segments and writes the script.
func modelRun(t *rapid.T) (src string, outbound []int) {
	m, err := NewMachine(fsm.RFC)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n")
	line := 3
	ep := m.Step(fsm.Endpoint{}, fsm.Listen()).Next
	var iss fsm.Seq // what the script's numbers of our side are relative to, as in run.iss
	var clock uint32
	// Away from 2^32: packetdrill writes no segment that wraps (end < seq).
	peer := fsm.Seq(rapid.Uint32Range(1000, 1<<31).Draw(t, "peer ISN"))
	for i := range rapid.IntRange(1, 14).Draw(t, "segments") {
		// A segment near what the endpoint expects: the peer's numbers around RCV.NXT
		// (or its ISN before a connection), the ACK around our SND.NXT.
		rcv := ep.RcvNxt
		if !ep.State.HasTCB() || ep.State == fsm.StateListen {
			rcv = peer
		}
		seq := m.Space.Add(rcv, uint32(rapid.IntRange(-3, 3).Draw(t, fmt.Sprintf("seq %d", i))))
		ack := m.Space.Add(ep.SndNxt, uint32(rapid.IntRange(-2, 2).Draw(t, fmt.Sprintf("ack %d", i))))
		flags := rapid.SampledFrom([]string{"S", "S.", ".", ".", "P.", "F.", "R", "R.", "-"}).Draw(t, fmt.Sprintf("flags %d", i))
		n := uint32(0)
		if flags == "P." || flags == "." && rapid.Bool().Draw(t, fmt.Sprintf("data %d", i)) {
			n = uint32(rapid.IntRange(1, 5).Draw(t, fmt.Sprintf("len %d", i)))
		}
		seg := fsm.Segment{Seq: seq, Len: n}
		for _, c := range flags {
			switch c {
			case 'S':
				seg.Flags |= fsm.SYN
			case 'F':
				seg.Flags |= fsm.FIN
			case 'R':
				seg.Flags |= fsm.RST
			case '.', 'P':
				seg.Flags |= fsm.ACK
			}
		}
		if seg.Flags.Has(fsm.SYN) && n > 0 {
			seg.Len = 0
		}
		text := fmt.Sprintf("+0 < %s %d:%d(%d)", flags, uint32(seg.Seq), uint32(seg.Seq)+seg.Len, seg.Len)
		if seg.Flags.Has(fsm.ACK) {
			seg.Ack = ack
			text += fmt.Sprintf(" ack %d", uint32(ack)-uint32(iss))
		}
		b.WriteString(text + "\n")
		line++
		clock++
		ev := fsm.Arrive(seg, clock)
		ev.Listener = true
		before := ep
		out := m.Step(ep, ev)
		ep = out.Next
		if ep.State.HasTCB() && (!before.State.HasTCB() || ep.ISS != before.ISS) {
			iss = ep.ISS
		}
		for _, s := range out.Emit.Segments() {
			fmt.Fprintf(&b, "+0 > %s\n", (&run{iss: iss}).renderSeg(s, uint32(s.Seq)-uint32(iss), false))
			line++
			outbound = append(outbound, line)
		}
		if ep.State == fsm.StateClosed {
			// The listening socket takes the next connection (as the runner's relisten).
			ep = m.Step(ep, fsm.Listen()).Next
		}
	}
	return b.String(), outbound
}

func TestAScriptOfTheModelsOwnRunPassesAndFailsWhereItIsChanged(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		src, outbound := modelRun(t)
		s, err := pktscript.Parse("run.pkt", []byte(src))
		if err != nil {
			t.Fatalf("parse: %v\n%s", err, src)
		}
		if r := Play(s, Options{}); r.Status != Pass {
			t.Fatalf("%s\n%s", r.Summary(), src)
		}
		if len(outbound) == 0 {
			return
		}
		// Change the SEQ of one segment the endpoint sent: the script must fail there.
		k := outbound[rapid.IntRange(0, len(outbound)-1).Draw(t, "changed")]
		lines := strings.Split(src, "\n")
		f := strings.Fields(lines[k-1])
		seq, _, _ := strings.Cut(f[3], ":")
		var v uint32
		fmt.Sscan(seq, &v)
		f[3] = fmt.Sprintf("%d:%d(0)", v+7, v+7)
		if strings.Contains(lines[k-1], "(0)") {
			lines[k-1] = strings.Join(f, " ")
		} else {
			return // a data segment: changing it needs its length kept; SEQ alone suffices below
		}
		s, err = pktscript.Parse("changed.pkt", []byte(strings.Join(lines, "\n")))
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		r := Play(s, Options{})
		if r.Status != Fail || r.Line > k {
			t.Fatalf("changed line %d (%s): got %s", k, lines[k-1], r.Summary())
		}
	})
}
