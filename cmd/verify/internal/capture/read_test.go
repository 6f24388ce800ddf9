package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func frames(t testing.TB, lt layers.LinkType, vlan bool, ps []pkt) [][]byte {
	var out [][]byte
	for _, p := range ps {
		out = append(out, frameOf(t, lt, vlan, p))
	}
	return out
}

// wantHandshake checks the decoded form of handshake(v6).
func wantHandshake(t *testing.T, c *Capture, v6 bool) {
	t.Helper()
	require.Len(t, c.Segments, 8)
	client := netip.MustParseAddrPort("10.0.0.1:40000")
	server := netip.MustParseAddrPort("10.0.0.2:80")
	if v6 {
		client = netip.MustParseAddrPort("[2001:db8::1]:40000")
		server = netip.MustParseAddrPort("[2001:db8::2]:80")
	}
	s := c.Segments
	assert.Equal(t, 1, s[0].Frame)
	assert.Equal(t, client, s[0].Src)
	assert.Equal(t, server, s[0].Dst)
	assert.Equal(t, SYN, s[0].Flags)
	assert.Equal(t, uint32(0xfffffff0), s[0].Seq)
	assert.Equal(t, []uint8{2, 1, 1, 8}, s[0].Options)
	assert.Equal(t, SYN|ACK, s[1].Flags)
	assert.Equal(t, uint32(0xfffffff1), s[1].Ack)
	assert.Nil(t, s[2].Options)
	assert.Equal(t, PSH|ACK, s[3].Flags)
	assert.Equal(t, 20, s[3].Len)
	assert.Equal(t, uint16(500), s[4].Window)
	assert.Equal(t, FIN|ACK, s[6].Flags)
	assert.Equal(t, 8, s[7].Frame)
	assert.Equal(t, t0.Add(7_000_000), s[7].Time.UTC())
}

func TestReadDecodesEveryLinkTypeInBothFormatsAndFamilies(t *testing.T) {
	tests := []struct {
		name string
		lt   layers.LinkType
		vlan bool
	}{
		{"ethernet", layers.LinkTypeEthernet, false},
		{"ethernet with 802.1Q tag", layers.LinkTypeEthernet, true},
		{"linux cooked v1", layers.LinkTypeLinuxSLL, false},
		{"linux cooked v2", layers.LinkTypeLinuxSLL2, false},
		{"bsd loopback, host order", layers.LinkTypeNull, false},
		{"bsd loopback, network order", layers.LinkTypeLoop, false},
		{"raw ip, linktype 101", layers.LinkTypeRaw, false},
		{"raw ip, dlt 12", 12, false},
		{"raw ip, dlt 14", 14, false},
	}
	for _, tt := range tests {
		for _, v6 := range []bool{false, true} {
			fr := frames(t, tt.lt, tt.vlan, handshake(v6))
			for _, format := range []Format{PCAP, PCAPNG} {
				t.Run(fmt.Sprintf("%s/v6=%v/%s", tt.name, v6, format), func(t *testing.T) {
					file := writePCAP(t, tt.lt, false, fr...)
					if format == PCAPNG {
						file = writePCAPNG(t, tt.lt, fr...)
					}
					c, err := Read(bytes.NewReader(file))
					require.NoError(t, err)
					assert.Equal(t, format, c.Format)
					assert.Equal(t, []layers.LinkType{tt.lt}, c.LinkTypes)
					assert.Equal(t, 8, c.Frames)
					wantHandshake(t, c, v6)
				})
			}
		}
	}
}

func TestReadDecodesTheFamilySpecificRawLinkTypes(t *testing.T) {
	for _, tt := range []struct {
		lt layers.LinkType
		v6 bool
	}{{layers.LinkTypeIPv4, false}, {layers.LinkTypeIPv6, true}} {
		c, err := Read(bytes.NewReader(writePCAP(t, tt.lt, false, frames(t, tt.lt, false, handshake(tt.v6))...)))
		require.NoError(t, err, tt.lt)
		wantHandshake(t, c, tt.v6)
	}
}

func TestReadHandlesByteOrdersAndTimestampResolutions(t *testing.T) {
	fr := frames(t, layers.LinkTypeEthernet, false, handshake(false))
	tests := []struct {
		name      string
		file      []byte
		bigEndian bool
		nano      bool
	}{
		{"little-endian microseconds", writePCAP(t, layers.LinkTypeEthernet, false, fr...), false, false},
		{"little-endian nanoseconds", writePCAP(t, layers.LinkTypeEthernet, true, fr...), false, true},
		{"big-endian microseconds", bigEndianPCAP(t, writePCAP(t, layers.LinkTypeEthernet, false, fr...)), true, false},
		{"big-endian nanoseconds", bigEndianPCAP(t, writePCAP(t, layers.LinkTypeEthernet, true, fr...)), true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Read(bytes.NewReader(tt.file))
			require.NoError(t, err)
			assert.Equal(t, tt.bigEndian, c.BigEndian)
			assert.Equal(t, tt.nano, c.Nanosecond)
			wantHandshake(t, c, false)
		})
	}
}

func TestReadTakesPayloadLengthFromIPNotFromTheSnapLength(t *testing.T) {
	p := pkt{src: 40000, dst: 80, flags: PSH | ACK, seq: 1, ack: 1, payload: 1000}
	full := frameOf(t, layers.LinkTypeEthernet, false, p)
	var b bytes.Buffer
	w := pcapgo.NewWriter(&b)
	require.NoError(t, w.WriteFileHeader(96, layers.LinkTypeEthernet))
	require.NoError(t, w.WritePacket(gopacket.CaptureInfo{Timestamp: t0, CaptureLength: 96, Length: len(full)}, full[:96]))
	c, err := Read(&b)
	require.NoError(t, err)
	require.Len(t, c.Segments, 1)
	assert.Equal(t, 1000, c.Segments[0].Len)
}

func TestReadWalksOverIPv6ExtensionHeaders(t *testing.T) {
	p := pkt{v6: true, src: 40000, dst: 80, flags: PSH | ACK, seq: 1, ack: 1, payload: 7, hopByHop: true}
	c, err := Read(bytes.NewReader(writePCAP(t, layers.LinkTypeRaw, false, frameOf(t, layers.LinkTypeRaw, false, p))))
	require.NoError(t, err)
	require.Len(t, c.Segments, 1)
	assert.Equal(t, 7, c.Segments[0].Len)
	assert.Equal(t, uint16(80), c.Segments[0].Dst.Port())
}

func TestReadCountsAndSkipsFramesThatAreNotTCP(t *testing.T) {
	udp := frameOf(t, layers.LinkTypeEthernet, false, pkt{src: 5353, dst: 5353, udp: true, payload: 4})
	tcp := frames(t, layers.LinkTypeEthernet, false, handshake(false))
	all := append([][]byte{udp}, tcp...)
	c, err := Read(bytes.NewReader(writePCAP(t, layers.LinkTypeEthernet, false, all...)))
	require.NoError(t, err)
	assert.Equal(t, 9, c.Frames)
	assert.Equal(t, 1, c.Skipped.NonTCP)
	assert.Equal(t, 2, c.Segments[0].Frame, "frame numbers count the skipped frame")
}

func TestReadRejectsUnreadableInputWithOneLowercaseLine(t *testing.T) {
	udp := frameOf(t, layers.LinkTypeEthernet, false, pkt{src: 53, dst: 53, udp: true})
	good := writePCAP(t, layers.LinkTypeEthernet, false, frames(t, layers.LinkTypeEthernet, false, handshake(false))...)
	badMagic := append([]byte{0xde, 0xad, 0xbe, 0xef}, good[4:]...)
	ppp := writePCAP(t, layers.LinkTypePPP, false, []byte{0xff, 0x03, 0, 0x21})
	badVersion := append([]byte(nil), good...)
	binary.LittleEndian.PutUint16(badVersion[4:], 3)
	tests := []struct {
		name string
		file []byte
		want error
		text string
	}{
		{"empty file", nil, ErrTruncated, "read file header: truncated file"},
		{"two bytes", []byte{0xd4, 0xc3}, ErrTruncated, "truncated file"},
		{"wrong magic", badMagic, ErrUnknownFormat, "magic deadbeef: not a pcap or pcapng file"},
		{"text file", []byte("hello, this is not a capture\n"), ErrUnknownFormat, "not a pcap or pcapng file"},
		{"unsupported link type", ppp, ErrLinkType, "unsupported link type 9"},
		{"only UDP", writePCAP(t, layers.LinkTypeEthernet, false, udp, udp), ErrNoTCP, "no TCP segments in 2 frames"},
		{"pcapng with only UDP", writePCAPNG(t, layers.LinkTypeEthernet, udp), ErrNoTCP, "no TCP segments in 1 frames"},
		{"unknown pcap version", badVersion, nil, "read pcap header: unknown major version 3"},
		{"header only", good[:24], ErrNoTCP, "no TCP segments in 0 frames"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tt.file))
			require.Error(t, err)
			if tt.want != nil {
				assert.ErrorIs(t, err, tt.want)
			}
			assert.Contains(t, err.Error(), tt.text)
			assertOneLowercaseLine(t, err)
		})
	}
}

func assertOneLowercaseLine(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	assert.NotContains(t, msg, "\n")
	assert.Equal(t, strings.ToLower(msg[:1]), msg[:1], "message starts lowercase: %q", msg)
	assert.False(t, strings.HasSuffix(msg, "."), "no trailing period: %q", msg)
}

// recordEnds lists the offsets at which a pcap file written by pcapgo ends a
// record: the only cut points at which a truncated file is still whole.
func recordEnds(t testing.TB, file []byte) map[int]bool {
	ends := map[int]bool{24: true}
	for off := 24; off < len(file); {
		off += 16 + int(binary.LittleEndian.Uint32(file[off+8:]))
		ends[off] = true
	}
	return ends
}

func TestReadKeepsTheWholeFramesOfAPCAPCutAtAnyPoint(t *testing.T) {
	file := writePCAP(t, layers.LinkTypeEthernet, false, frames(t, layers.LinkTypeEthernet, false, handshake(false))...)
	ends := recordEnds(t, file)
	full, err := Read(bytes.NewReader(file))
	require.NoError(t, err)
	require.Nil(t, full.Cut)
	whole := 0 // whole records before the cut
	for cut := 0; cut < len(file); cut++ {
		if ends[cut] && cut > 24 {
			whole++
		}
		c, err := Read(bytes.NewReader(file[:cut]))
		switch {
		case cut < 24:
			assert.ErrorIs(t, err, ErrTruncated, "cut at %d", cut)
			assertOneLowercaseLine(t, err)
		case cut == 24:
			assert.ErrorIs(t, err, ErrNoTCP)
		case ends[cut]:
			// A cut between records leaves a shorter, whole capture.
			require.NoError(t, err, "cut at %d", cut)
			assert.Nil(t, c.Cut, "cut at %d", cut)
			assert.Equal(t, full.Segments[:whole], c.Segments, "cut at %d", cut)
		case whole == 0:
			// Cut inside the first frame: nothing to judge.
			require.Error(t, err, "cut at %d", cut)
			assert.ErrorIs(t, err, ErrTruncated, "cut at %d", cut)
			assert.Contains(t, err.Error(), fmt.Sprintf("cut at byte %d (frame 1 incomplete)", cut))
			assertOneLowercaseLine(t, err)
		default:
			require.NoError(t, err, "cut at %d", cut)
			assert.Equal(t, &Cut{Byte: int64(cut), Frame: whole + 1, Complete: whole}, c.Cut, "cut at %d", cut)
			assert.Equal(t, whole, c.Frames)
			assert.Equal(t, full.Segments[:whole], c.Segments, "cut at %d", cut)
		}
	}
}

// ngBlockStarts walks a little-endian pcapng file's block lengths and
// returns where each block starts and its type.
func ngBlockStarts(file []byte) (starts []int, types []uint32) {
	for off := 0; off+8 <= len(file); {
		starts = append(starts, off)
		types = append(types, binary.LittleEndian.Uint32(file[off:]))
		off += int(binary.LittleEndian.Uint32(file[off+4:]))
	}
	return starts, types
}

func TestReadKeepsTheWholeFramesOfAPCAPNGCutAtAnyPoint(t *testing.T) {
	fr := frames(t, layers.LinkTypeEthernet, false, handshake(false))
	file := writePCAPNG(t, layers.LinkTypeEthernet, fr...)
	// An interface statistics block at the end, as dumpcap writes: a cut in
	// it leaves every frame whole.
	isb := make([]byte, 24)
	binary.LittleEndian.PutUint32(isb[0:], 5)
	binary.LittleEndian.PutUint32(isb[4:], 24)
	binary.LittleEndian.PutUint32(isb[20:], 24)
	file = append(file, isb...)
	full, err := Read(bytes.NewReader(file))
	require.NoError(t, err)
	require.Nil(t, full.Cut)
	require.Len(t, full.Segments, 8)

	starts, types := ngBlockStarts(file)
	for cut := 0; cut < len(file); cut++ {
		// The block the cut falls in, and the whole frames before it.
		in, whole := -1, 0
		for i, st := range starts {
			if st > cut {
				break
			}
			in = i
			if types[i] == 6 && i+1 < len(starts) && starts[i+1] <= cut {
				whole++
			}
		}
		atBoundary := starts[in] == cut
		c, err := Read(bytes.NewReader(file[:cut]))
		switch {
		case atBoundary && whole > 0:
			require.NoError(t, err, "cut at %d", cut)
			assert.Nil(t, c.Cut, "cut at %d", cut)
			assert.Equal(t, full.Segments[:whole], c.Segments)
		case whole == 0:
			require.Error(t, err, "cut at %d", cut)
			assertOneLowercaseLine(t, err)
		case types[in] == 6 || cut-starts[in] < 4:
			// Fewer than four bytes of a block do not say its type: the
			// reader takes it for a frame, the usual case.
			require.NoError(t, err, "cut at %d", cut)
			assert.Equal(t, &Cut{Byte: int64(cut), Frame: whole + 1, Complete: whole}, c.Cut, "cut at %d", cut)
			assert.Equal(t, full.Segments[:whole], c.Segments, "cut at %d", cut)
		default:
			require.NoError(t, err, "cut at %d", cut)
			assert.Equal(t, &Cut{Byte: int64(cut), Complete: whole}, c.Cut, "cut at %d", cut)
			assert.Equal(t, fmt.Sprintf("cut at byte %d (after frame 8, in a pcapng block that holds no frame)", cut), c.Cut.String())
		}
	}
}

func TestCutSaysWhereAndWhichFrame(t *testing.T) {
	assert.Equal(t, "cut at byte 5120 (frame 17 incomplete)", Cut{Byte: 5120, Frame: 17, Complete: 16}.String())
}

func TestReadFileNamesThePathInItsErrors(t *testing.T) {
	_, err := ReadFile("testdata/does-not-exist.pcap")
	require.Error(t, err)
	assert.True(t, errors.Is(err, io.EOF) || strings.Contains(err.Error(), "does-not-exist.pcap"))
}
