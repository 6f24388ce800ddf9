package fsm

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func genSegment() *rapid.Generator[Segment] {
	return rapid.Custom(func(t *rapid.T) Segment {
		s := Segment{
			Flags: Flags(rapid.IntRange(0, 15).Draw(t, "flags")),
			Seq:   Seq(rapid.Uint32().Draw(t, "seq")),
			Len:   rapid.Uint32Range(0, 5).Draw(t, "len"),
		}
		if s.Flags.Has(ACK) {
			s.Ack = Seq(rapid.Uint32().Draw(t, "ack"))
		}
		return s
	})
}

func TestSegmentsPrintAndParseBack(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genSegment().Draw(t, "seg")
		got, err := ParseSegment(s.String())
		if err != nil {
			t.Fatalf("parse %q: %v", s.String(), err)
		}
		if got != s {
			t.Fatalf("parse %q = %+v, want %+v", s.String(), got, s)
		}
	})
}

func TestSegmentsPrintAsTheRFCFiguresDo(t *testing.T) {
	tests := []struct {
		seg  Segment
		want string
	}{
		{Segment{Flags: SYN, Seq: 100}, "<SEQ=100><CTL=SYN>"},
		{Segment{Flags: SYN | ACK, Seq: 300, Ack: 101}, "<SEQ=300><ACK=101><CTL=SYN,ACK>"},
		{Segment{Flags: ACK, Seq: 101, Ack: 301, Len: 1}, "<SEQ=101><ACK=301><CTL=ACK><DATA>"},
		{Segment{Flags: FIN | ACK, Seq: 5, Ack: 9}, "<SEQ=5><ACK=9><CTL=FIN,ACK>"},
		{Segment{Flags: RST | ACK, Ack: 2}, "<SEQ=0><ACK=2><CTL=RST,ACK>"},
		{Segment{Seq: 7, Len: 3}, "<SEQ=7><DATA=3>"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.seg.String())
	}
}

func TestMalformedSegmentsAreRejected(t *testing.T) {
	for _, text := range []string{
		"", "SEQ=1", "<SEQ=1", "<CTL=SYN>", "<SEQ=x>", "<SEQ=1><SEQ=2>", "<SEQ=1><CTL=SYN,FOO>",
		"<SEQ=1><ACK=2>", "<SEQ=1><CTL=ACK>", "<SEQ=1><DATA=0>", "<SEQ=1><URG=1>",
		"<SEQ=4294967296>",
	} {
		_, err := ParseSegment(text)
		assert.Error(t, err, "%q", text)
	}
	s, err := ParseSegment(" <CTL=SYN><SEQ=3> ")
	require.NoError(t, err)
	assert.Equal(t, Segment{Flags: SYN, Seq: 3}, s)
}

func TestSegLenCountsSYNAndFIN(t *testing.T) {
	assert.Equal(t, uint32(1), Segment{Flags: SYN}.SegLen())
	assert.Equal(t, uint32(3), Segment{Flags: FIN | ACK, Len: 2}.SegLen())
	assert.Equal(t, uint32(0), Segment{Flags: RST}.SegLen())
}
