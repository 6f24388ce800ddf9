package capture

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/stretchr/testify/require"
)

// pkt describes one test segment; the helpers turn it into a frame of any
// link type.
type pkt struct {
	v6       bool
	src, dst uint16 // ports; addresses are fixed per family
	flags    Flags
	seq, ack uint32
	win      uint16
	payload  int
	opts     bool // add MSS and NOP,NOP,timestamp options
	hopByHop bool // IPv6 only: a hop-by-hop extension header before TCP
	udp      bool // a UDP datagram instead of TCP
}

var (
	addr4a, addr4b = net.IP{10, 0, 0, 1}, net.IP{10, 0, 0, 2}
	addr6a, addr6b = net.ParseIP("2001:db8::1"), net.ParseIP("2001:db8::2")
)

// ipPacket serializes the IP packet of p; addresses follow the ports, so
// both directions of a connection use the same pair.
func ipPacket(t testing.TB, p pkt) []byte {
	t.Helper()
	var ls []gopacket.SerializableLayer
	var netLayer gopacket.NetworkLayer
	sa, da := addr4a, addr4b
	if p.v6 {
		sa, da = addr6a, addr6b
	}
	if p.src < p.dst { // the higher port is the client, on the first address
		sa, da = da, sa
	}
	proto := layers.IPProtocolTCP
	if p.udp {
		proto = layers.IPProtocolUDP
	}
	if p.v6 {
		ip := &layers.IPv6{Version: 6, HopLimit: 64, SrcIP: sa, DstIP: da, NextHeader: proto}
		ls = append(ls, ip)
		netLayer = ip
		if p.hopByHop {
			ip.NextHeader = layers.IPProtocolIPv6HopByHop
			hbh := &layers.IPv6HopByHop{}
			hbh.NextHeader = proto
			hbh.Options = []*layers.IPv6HopByHopOption{{OptionType: 1, OptionLength: 4, OptionData: []byte{0, 0, 0, 0}}}
			ls = append(ls, hbh)
		}
	} else {
		ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, SrcIP: sa, DstIP: da, Protocol: proto}
		ls = append(ls, ip)
		netLayer = ip
	}
	if p.udp {
		u := &layers.UDP{SrcPort: layers.UDPPort(p.src), DstPort: layers.UDPPort(p.dst)}
		require.NoError(t, u.SetNetworkLayerForChecksum(netLayer))
		ls = append(ls, u)
	} else {
		tcp := &layers.TCP{
			SrcPort: layers.TCPPort(p.src), DstPort: layers.TCPPort(p.dst), Seq: p.seq, Ack: p.ack, Window: p.win,
			FIN: p.flags.Has(FIN), SYN: p.flags.Has(SYN), RST: p.flags.Has(RST), PSH: p.flags.Has(PSH),
			ACK: p.flags.Has(ACK), URG: p.flags.Has(URG), ECE: p.flags.Has(ECE), CWR: p.flags.Has(CWR),
		}
		if p.opts {
			tcp.Options = []layers.TCPOption{
				{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
				{OptionType: layers.TCPOptionKindNop}, {OptionType: layers.TCPOptionKindNop},
				{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: make([]byte, 8)},
			}
		}
		require.NoError(t, tcp.SetNetworkLayerForChecksum(netLayer))
		ls = append(ls, tcp)
	}
	ls = append(ls, gopacket.Payload(bytes.Repeat([]byte{'x'}, p.payload)))
	buf := gopacket.NewSerializeBuffer()
	require.NoError(t, gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...))
	return buf.Bytes()
}

// linkFrame wraps an IP packet in the link header of lt; vlan adds an
// 802.1Q tag to Ethernet. SLL and SLL2 headers are built by hand because
// gopacket cannot serialize them; they are fixed 16- and 20-byte records.
func linkFrame(t testing.TB, lt layers.LinkType, vlan bool, ip []byte) []byte {
	t.Helper()
	v6 := ip[0]>>4 == 6
	et := layers.EthernetTypeIPv4
	if v6 {
		et = layers.EthernetTypeIPv6
	}
	switch lt {
	case layers.LinkTypeEthernet:
		eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: et}
		ls := []gopacket.SerializableLayer{eth}
		if vlan {
			eth.EthernetType = layers.EthernetTypeDot1Q
			ls = append(ls, &layers.Dot1Q{VLANIdentifier: 42, Type: et})
		}
		ls = append(ls, gopacket.Payload(ip))
		buf := gopacket.NewSerializeBuffer()
		require.NoError(t, gopacket.SerializeLayers(buf, gopacket.SerializeOptions{}, ls...))
		return buf.Bytes()
	case layers.LinkTypeLinuxSLL:
		h := make([]byte, 16)
		binary.BigEndian.PutUint16(h[2:], 772) // ARPHRD_LOOPBACK
		binary.BigEndian.PutUint16(h[4:], 6)
		binary.BigEndian.PutUint16(h[14:], uint16(et))
		return append(h, ip...)
	case layers.LinkTypeLinuxSLL2:
		h := make([]byte, 20)
		binary.BigEndian.PutUint16(h[0:], uint16(et))
		binary.BigEndian.PutUint32(h[4:], 1) // interface index
		binary.BigEndian.PutUint16(h[8:], 772)
		h[11] = 6
		return append(h, ip...)
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		fam := uint32(layers.ProtocolFamilyIPv4)
		if v6 {
			fam = uint32(layers.ProtocolFamilyIPv6Linux)
		}
		h := make([]byte, 4)
		if lt == layers.LinkTypeNull {
			binary.LittleEndian.PutUint32(h, fam) // host order, written on a little-endian host
		} else {
			binary.BigEndian.PutUint32(h, fam)
		}
		return append(h, ip...)
	}
	return ip // the raw-IP link types
}

// frameOf is linkFrame(ipPacket(p)).
func frameOf(t testing.TB, lt layers.LinkType, vlan bool, p pkt) []byte {
	return linkFrame(t, lt, vlan, ipPacket(t, p))
}

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.UTC)

// writePCAP writes frames as a little-endian pcap file.
func writePCAP(t testing.TB, lt layers.LinkType, nano bool, frames ...[]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := pcapgo.NewWriter(&b)
	if nano {
		w = pcapgo.NewWriterNanos(&b)
	}
	require.NoError(t, w.WriteFileHeader(65536, lt))
	for i, f := range frames {
		ci := gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(i) * time.Millisecond), CaptureLength: len(f), Length: len(f)}
		require.NoError(t, w.WritePacket(ci, f))
	}
	return b.Bytes()
}

// writePCAPNG writes frames as a pcapng file with one interface.
func writePCAPNG(t testing.TB, lt layers.LinkType, frames ...[]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := pcapgo.NewNgWriter(&b, lt)
	require.NoError(t, err)
	for i, f := range frames {
		ci := gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(i) * time.Millisecond), CaptureLength: len(f), Length: len(f)}
		require.NoError(t, w.WritePacket(ci, f))
	}
	require.NoError(t, w.Flush())
	return b.Bytes()
}

// bigEndianPCAP rewrites a little-endian pcap file as a big-endian host
// would have written it. pcapgo only writes little-endian, and the file
// header and record headers are plain fixed-size integers, so swapping them
// is all there is to it.
func bigEndianPCAP(t testing.TB, le []byte) []byte {
	t.Helper()
	be := append([]byte(nil), le...)
	swap := func(b []byte) {
		for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
			b[i], b[j] = b[j], b[i]
		}
	}
	for _, f := range [][2]int{{0, 4}, {4, 6}, {6, 8}, {8, 12}, {12, 16}, {16, 20}, {20, 24}} {
		swap(be[f[0]:f[1]])
	}
	for off := 24; off < len(be); {
		require.LessOrEqual(t, off+16, len(be))
		capLen := int(binary.LittleEndian.Uint32(be[off+8:]))
		for k := 0; k < 16; k += 4 {
			swap(be[off+k : off+k+4])
		}
		off += 16 + capLen
	}
	return be
}

// handshake is a three-way handshake and close, client port 40000 to 80,
// ISNs chosen near 2^32 so relative numbering must wrap.
func handshake(v6 bool) []pkt {
	c, s := uint32(0xfffffff0), uint32(1000)
	return []pkt{
		{v6: v6, src: 40000, dst: 80, flags: SYN, seq: c, win: 65535, opts: true},
		{v6: v6, src: 80, dst: 40000, flags: SYN | ACK, seq: s, ack: c + 1, win: 65535, opts: true},
		{v6: v6, src: 40000, dst: 80, flags: ACK, seq: c + 1, ack: s + 1, win: 512},
		{v6: v6, src: 40000, dst: 80, flags: PSH | ACK, seq: c + 1, ack: s + 1, win: 512, payload: 20},
		{v6: v6, src: 80, dst: 40000, flags: ACK, seq: s + 1, ack: c + 21, win: 500},
		{v6: v6, src: 40000, dst: 80, flags: FIN | ACK, seq: c + 21, ack: s + 1, win: 512},
		{v6: v6, src: 80, dst: 40000, flags: FIN | ACK, seq: s + 1, ack: c + 22, win: 500},
		{v6: v6, src: 40000, dst: 80, flags: ACK, seq: c + 22, ack: s + 2, win: 512},
	}
}
