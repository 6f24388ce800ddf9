package expect

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteThenParseGivesTheSameFile(t *testing.T) {
	f := &File{Capture: "x.pcap", Incarnations: []Incarnation{
		{Index: 1, Client: netip.MustParseAddrPort("127.0.0.1:1"), Server: netip.MustParseAddrPort("[::1]:2"),
			Accepted: true, ClientPath: []string{"CLOSED", "SYN-SENT"}, ServerPath: []string{"LISTEN"},
			Segments: []Segment{{Frame: 1, Dir: "c>s", Text: "<SEQ=0><CTL=SYN> len=0", Notes: "options ignored: mss"}}},
		{Index: 2, Client: netip.MustParseAddrPort("127.0.0.1:1"), Server: netip.MustParseAddrPort("127.0.0.1:2"),
			SimultaneousOpen: true, RejectFrame: 7, RejectReason: "ACK=9: past the FIN",
			Segments: []Segment{{Frame: 7, Dir: "s>c", Text: "<SEQ=1><ACK=9><CTL=ACK> len=0"}}},
	}}
	var b bytes.Buffer
	require.NoError(t, f.Write(&b, "a comment"))
	assert.True(t, strings.HasPrefix(b.String(), "# a comment\nfile x.pcap\n"))
	got, err := Parse(&b)
	require.NoError(t, err)
	assert.Equal(t, f, got)
}

func TestParseRejectsMalformedLines(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"no file line", "incarnation 1 client=1.2.3.4:1 server=1.2.3.4:2\n", "no file line"},
		{"segment before incarnation", "file x\nseg 1 c>s <SEQ=0> len=0\n", "before any incarnation"},
		{"bad direction", "file x\nincarnation 1 client=1.2.3.4:1 server=1.2.3.4:2\nseg 1 a>b <SEQ=0> len=0\n", "direction"},
		{"bad rejection", "file x\nincarnation 1 client=1.2.3.4:1 server=1.2.3.4:2\nrejected at 3\n", "frame=N"},
		{"unknown keyword", "file x\nincarnation 1 client=1.2.3.4:1 server=1.2.3.4:2\nmaybe\n", "unknown keyword"},
		{"bad address", "file x\nincarnation 1 client=nowhere server=1.2.3.4:2\n", "incarnation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.text))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
