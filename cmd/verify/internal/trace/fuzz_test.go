package trace_test

import (
	"reflect"
	"testing"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/capture"
	"github.com/tcpverify/tcpverify/cmd/verify/internal/trace"
)

// FuzzCheck feeds the matcher arbitrary segment lists, four bytes a segment: direction and
// control bits, then small SEQ, ACK and length offsets from the ISNs, so that the inputs
// come near enough to real connections to reach deep into the search. Check must not panic,
// must finish, and must give the same result twice.
func FuzzCheck(f *testing.F) {
	f.Add([]byte{0x02, 0, 0, 0, 0x83, 0, 1, 0, 0x08, 1, 1, 0})
	f.Add([]byte{0x02, 0, 0, 0, 0x82, 0, 0, 0, 0x0a, 0, 1, 0, 0x8a, 0, 1, 0})
	f.Add([]byte{0x02, 0, 0, 0, 0x83, 0, 1, 0, 0x08, 1, 1, 0, 0x08, 1, 1, 3, 0x88, 1, 4, 0, 0x09, 4, 1, 0})
	f.Add([]byte{0x02, 0, 0, 0, 0x86, 0x1f, 1, 0})
	m := rfcMachine(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4*40 {
			return
		}
		inc := capture.Incarnation{Index: 1, Client: cAddr, Server: sAddr}
		for i := 0; i+4 <= len(data); i += 4 {
			b := data[i : i+4]
			// Bit 7: from the server; bits 0-3: ACK, SYN, FIN, RST.
			var fl capture.Flags
			for bit, flag := range []capture.Flags{capture.ACK, capture.SYN, capture.FIN, capture.RST} {
				if b[0]&(1<<bit) != 0 {
					fl |= flag
				}
			}
			s := capture.Segment{Frame: i/4 + 1, Flags: fl, Src: cAddr, Dst: sAddr,
				Seq: cISN + uint32(b[1]), Ack: sISN + uint32(b[2]), Len: int(b[3] % 16)}
			if b[0]&0x80 != 0 {
				s.Src, s.Dst, s.Seq, s.Ack = sAddr, cAddr, sISN+uint32(b[1]), cISN+uint32(b[2])
			}
			if !fl.Has(capture.ACK) {
				s.Ack = 0
			}
			inc.Segments = append(inc.Segments, s)
		}
		r1 := trace.Check(m, inc)
		r2 := trace.Check(m, inc)
		if !reflect.DeepEqual(r1, r2) {
			t.Fatalf("two checks differ:\n%+v\n%+v", r1, r2)
		}
		if !r1.Accepted && (r1.RejectFrame < 1 || r1.RejectFrame > len(inc.Segments) || r1.Reason == "") {
			t.Fatalf("rejection without a frame of the input or a reason: %+v", r1)
		}
		if len(r1.Client) == 0 || len(r1.Server) == 0 {
			t.Fatalf("empty path: %+v", r1)
		}
	})
}
