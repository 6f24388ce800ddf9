package capture

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	cli = netip.MustParseAddrPort("10.0.0.1:40000")
	srv = netip.MustParseAddrPort("10.0.0.2:80")
)

// seg builds a segment from a (cli) or b (srv); frames are numbered by
// position.
func segs(ss ...Segment) []Segment {
	for i := range ss {
		ss[i].Frame = i + 1
	}
	return ss
}

func c2s(f Flags, seq, ack uint32, n int) Segment {
	return Segment{Src: cli, Dst: srv, Flags: f, Seq: seq, Ack: ack, Len: n, Window: 100}
}

func s2c(f Flags, seq, ack uint32, n int) Segment {
	return Segment{Src: srv, Dst: cli, Flags: f, Seq: seq, Ack: ack, Len: n, Window: 100}
}

func frameNumbers(inc Incarnation) []int {
	var out []int
	for _, s := range inc.Segments {
		out = append(out, s.Frame)
	}
	return out
}

func TestSplitCutsA4TupleIntoIncarnations(t *testing.T) {
	closeBoth := func(c, s uint32) []Segment {
		return []Segment{c2s(FIN|ACK, c, s, 0), s2c(FIN|ACK, s, c+1, 0), c2s(ACK, c+1, s+1, 0)}
	}
	open := func(c, s uint32) []Segment {
		return []Segment{c2s(SYN, c, 0, 0), s2c(SYN|ACK, s, c+1, 0), c2s(ACK, c+1, s+1, 0)}
	}
	tests := []struct {
		name   string
		in     []Segment
		frames [][]int
	}{
		{"a SYN retransmitted with the same ISN stays in the incarnation",
			segs(c2s(SYN, 7, 0, 0), c2s(SYN, 7, 0, 0), s2c(SYN|ACK, 9, 8, 0)),
			[][]int{{1, 2, 3}}},
		{"a new ISN after FINs starts a new incarnation",
			segs(append(append(append(open(100, 200), closeBoth(101, 201)...), open(5000, 6000)...), closeBoth(5001, 6001)...)...),
			[][]int{{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}}},
		{"a new ISN after a refusing RST starts a new incarnation",
			segs(c2s(SYN, 100, 0, 0), s2c(RST|ACK, 0, 101, 0), c2s(SYN, 900, 0, 0), s2c(SYN|ACK, 5, 901, 0)),
			[][]int{{1, 2}, {3, 4}}},
		{"a SYN with the old ISN after a RST stays",
			segs(c2s(SYN, 100, 0, 0), s2c(RST|ACK, 0, 101, 0), c2s(SYN, 100, 0, 0)),
			[][]int{{1, 2, 3}}},
		{"a new ISN without FIN or RST stays: it may be an old duplicate",
			segs(append(open(100, 200), c2s(SYN, 50, 0, 0))...),
			[][]int{{1, 2, 3, 4}}},
		{"a SYN,ACK with a new ISN after FINs does not start one",
			segs(append(append(open(100, 200), closeBoth(101, 201)...), s2c(SYN|ACK, 999, 5, 0))...),
			[][]int{{1, 2, 3, 4, 5, 6, 7}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conns := Split(tt.in)
			require.Len(t, conns, 1)
			var got [][]int
			for i, inc := range conns[0].Incarnations {
				assert.Equal(t, i+1, inc.Index)
				got = append(got, frameNumbers(inc))
			}
			assert.Equal(t, tt.frames, got)
		})
	}
}

func TestSplitKeepsDifferent4TuplesApartInOrderOfFirstSegment(t *testing.T) {
	other := netip.MustParseAddrPort("10.0.0.1:40001")
	in := segs(
		Segment{Src: other, Dst: srv, Flags: SYN, Seq: 1},
		c2s(SYN, 7, 0, 0),
		Segment{Src: srv, Dst: other, Flags: SYN | ACK, Seq: 3, Ack: 2},
	)
	conns := Split(in)
	require.Len(t, conns, 2)
	assert.Equal(t, other, conns[0].A)
	assert.Equal(t, []int{1, 3}, frameNumbers(conns[0].Incarnations[0]))
	assert.Equal(t, cli, conns[1].A)
}

func TestSplitPicksTheClient(t *testing.T) {
	tests := []struct {
		name      string
		in        []Segment
		client    netip.AddrPort
		simulOpen bool
	}{
		{"the sender of the first bare SYN", segs(c2s(SYN, 1, 0, 0), s2c(SYN|ACK, 1, 2, 0)), cli, false},
		{"the receiver of the first SYN,ACK when the SYN was not captured",
			segs(s2c(SYN|ACK, 1, 2, 0), c2s(ACK, 2, 2, 0)), cli, false},
		{"the sender of the first segment mid-connection", segs(s2c(ACK, 10, 20, 5), c2s(ACK, 20, 15, 0)), srv, false},
		{"the first of two crossing SYNs",
			segs(s2c(SYN, 1, 0, 0), c2s(SYN, 9, 0, 0), s2c(SYN|ACK, 1, 10, 0), c2s(SYN|ACK, 9, 2, 0)), srv, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc := Split(tt.in)[0].Incarnations[0]
			assert.Equal(t, tt.client, inc.Client)
			assert.NotEqual(t, inc.Client, inc.Server)
			assert.Equal(t, tt.simulOpen, inc.SimultaneousOpen)
		})
	}
}

func TestAbstractCountsFromEachSidesISNAcrossWraparound(t *testing.T) {
	c, s := uint32(0xfffffff0), uint32(1000)
	in := segs(
		c2s(SYN, c, 0, 0),
		s2c(SYN|ACK, s, c+1, 0),
		c2s(ACK, c+1, s+1, 0),
		c2s(PSH|ACK, c+1, s+1, 20),
		s2c(FIN|ACK, s+1, c+21, 0),
	)
	ab := Abstract(Split(in)[0].Incarnations[0])
	assert.True(t, ab.ClientISNSeen)
	assert.True(t, ab.ServerISNSeen)
	var got []string
	for _, a := range ab.Segments {
		got = append(got, a.Dir.String()+" "+a.Text())
	}
	assert.Equal(t, []string{
		"c>s <SEQ=0><CTL=SYN> len=0",
		"s>c <SEQ=0><ACK=1><CTL=SYN,ACK> len=0",
		"c>s <SEQ=1><ACK=1><CTL=ACK> len=0",
		"c>s <SEQ=1><ACK=1><CTL=ACK> len=20",
		"s>c <SEQ=1><ACK=21><CTL=FIN,ACK> len=0",
	}, got)
	assert.Equal(t, NotePSH, ab.Segments[3].Notes)
}

func TestAbstractNotesWhatItIgnores(t *testing.T) {
	withOpts := c2s(ACK, 1, 1, 0)
	withOpts.Options = []uint8{1, 1, 8, 1}
	winUpdate := s2c(ACK, 1, 1, 0)
	winUpdate.Window = 999
	urgent := c2s(URG|ECE|CWR|ACK, 1, 1, 3)
	in := segs(
		c2s(SYN, 0, 0, 0), s2c(SYN|ACK, 0, 1, 0),
		withOpts,
		s2c(ACK, 1, 1, 0), // duplicate ACK, same window: no note
		winUpdate,
		urgent,
	)
	got := []string{}
	for _, a := range Abstract(Split(in)[0].Incarnations[0]).Segments {
		got = append(got, a.NoteText())
	}
	assert.Equal(t, []string{"", "", "options ignored: nop,ts", "", "window update", "urg ignored; ecn ignored"}, got)
}

func TestAbstractMarksSidesWhoseISNItDidNotSee(t *testing.T) {
	// The capture starts mid-connection: server data, then a client ACK.
	in := segs(s2c(PSH|ACK, 5000, 700, 10), c2s(ACK, 700, 5010, 0), s2c(ACK, 5010, 700, 0))
	ab := Abstract(Split(in)[0].Incarnations[0])
	assert.False(t, ab.ClientISNSeen)
	assert.False(t, ab.ServerISNSeen)
	s := ab.Segments
	assert.Equal(t, "<SEQ=1><ACK=1><CTL=ACK> len=10", s[0].Text())
	assert.Equal(t, NoteISNUnseen|NotePSH, s[0].Notes)
	assert.Equal(t, "<SEQ=1><ACK=11><CTL=ACK> len=0", s[1].Text())
	assert.Equal(t, NoteISNUnseen, s[1].Notes)
	assert.Equal(t, Note(0), s[2].Notes)
}

func TestAbstractGuessesASilentPeersISNFromTheACKsItReceives(t *testing.T) {
	in := segs(c2s(ACK, 700, 5010, 0), c2s(ACK, 700, 5020, 0))
	s := Abstract(Split(in)[0].Incarnations[0]).Segments
	assert.Equal(t, "<SEQ=1><ACK=1><CTL=ACK> len=0", s[0].Text())
	assert.Equal(t, NoteISNUnseen|NotePeerISNUnseen, s[0].Notes)
	assert.Equal(t, "<SEQ=1><ACK=11><CTL=ACK> len=0", s[1].Text())
}
