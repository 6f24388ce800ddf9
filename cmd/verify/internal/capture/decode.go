package capture

import (
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// skip says why a frame did not become a segment.
type skip int

const (
	skipNone skip = iota
	skipNonTCP
	skipFragment
	skipMalformed
)

// Raw-IP link types. LINKTYPE_RAW is 101 in files, but libpcap on most
// systems writes DLT_RAW's own value, 12 (14 on OpenBSD), and old files carry
// it, so all three mean "the frame starts with an IP header".
const (
	linkTypeDLTRaw12 layers.LinkType = 12
	linkTypeDLTRaw14 layers.LinkType = 14
)

// supported lists the link types Read decodes: Ethernet (with 802.1Q tags),
// Linux cooked v1 and v2, BSD loopback in host (DLT_NULL) and network
// (DLT_LOOP) byte order, and the raw-IP types.
func supported(lt layers.LinkType) bool {
	switch lt {
	case layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeLinuxSLL2,
		layers.LinkTypeNull, layers.LinkTypeLoop,
		layers.LinkTypeRaw, linkTypeDLTRaw12, linkTypeDLTRaw14,
		layers.LinkTypeIPv4, layers.LinkTypeIPv6:
		return true
	}
	return false
}

// firstDecoder picks the decoder for a frame's first byte. Raw IP is decided
// here from the version nibble rather than through gopacket's table, whose
// entry for DLT_RAW depends on the operating system the reader runs on.
func firstDecoder(lt layers.LinkType, data []byte) gopacket.Decoder {
	switch lt {
	case layers.LinkTypeRaw, linkTypeDLTRaw12, linkTypeDLTRaw14:
		if len(data) > 0 && data[0]>>4 == 6 {
			return layers.LayerTypeIPv6
		}
		return layers.LayerTypeIPv4
	case layers.LinkTypeIPv4:
		return layers.LayerTypeIPv4
	case layers.LinkTypeIPv6:
		return layers.LayerTypeIPv6
	}
	return lt
}

// decode turns one frame into a segment. The innermost IP header before the
// TCP header supplies addresses and lengths, so IP-in-IP and IPv6 extension
// headers (hop-by-hop, routing, destination options) are walked over.
func decode(data []byte, ci gopacket.CaptureInfo, lt layers.LinkType) (seg Segment, why skip) {
	// gopacket recovers from panics in its decoders on its own; this second
	// net keeps the promise that Read never panics if one slips through.
	defer func() {
		if recover() != nil {
			seg, why = Segment{}, skipMalformed
		}
	}()
	pkt := gopacket.NewPacket(data, firstDecoder(lt, data), gopacket.DecodeOptions{NoCopy: true})
	var (
		ip4    *layers.IPv4
		ip6    *layers.IPv6
		tcp    *layers.TCP
		ext    int // bytes of IPv6 extension headers between ip6 and tcp
		before int // bytes of all headers before the TCP header
	)
	for _, l := range pkt.Layers() {
		switch l := l.(type) {
		case *layers.IPv4:
			ip4, ip6, ext = l, nil, 0
		case *layers.IPv6:
			ip4, ip6, ext = nil, l, 0
		case *layers.IPv6HopByHop, *layers.IPv6Routing, *layers.IPv6Destination:
			ext += len(l.LayerContents())
		case *layers.IPv6Fragment:
			return Segment{}, skipFragment
		case *layers.TCP:
			tcp = l
		}
		if tcp != nil {
			break
		}
		before += len(l.LayerContents())
	}
	if tcp == nil {
		if pkt.ErrorLayer() != nil && (ip4 != nil && ip4.Protocol == layers.IPProtocolTCP ||
			ip6 != nil && ip6.NextHeader == layers.IPProtocolTCP) {
			return Segment{}, skipMalformed
		}
		if ip4 != nil && (ip4.FragOffset != 0 || ip4.Flags&layers.IPv4MoreFragments != 0) {
			return Segment{}, skipFragment
		}
		return Segment{}, skipNonTCP
	}
	hdr := int(tcp.DataOffset) * 4
	var src, dst netip.Addr
	var ok1, ok2 bool
	payload := -1
	switch {
	case ip4 != nil:
		if ip4.FragOffset != 0 || ip4.Flags&layers.IPv4MoreFragments != 0 {
			return Segment{}, skipFragment
		}
		src, ok1 = netip.AddrFromSlice(ip4.SrcIP.To4())
		dst, ok2 = netip.AddrFromSlice(ip4.DstIP.To4())
		if ip4.Length != 0 { // 0 is what TCP segmentation offload leaves behind
			payload = int(ip4.Length) - int(ip4.IHL)*4 - hdr
		}
	case ip6 != nil:
		src, ok1 = netip.AddrFromSlice(ip6.SrcIP.To16())
		dst, ok2 = netip.AddrFromSlice(ip6.DstIP.To16())
		if ip6.Length != 0 { // 0 for jumbograms and offloaded segments
			payload = int(ip6.Length) - ext - hdr
		}
	default:
		return Segment{}, skipNonTCP
	}
	if !ok1 || !ok2 {
		return Segment{}, skipMalformed
	}
	if payload < 0 {
		// No usable IP length: fall back on the frame's length on the
		// wire, which snap-length truncation does not change either.
		payload = ci.Length - before - hdr
	}
	if payload < 0 || hdr < 20 {
		return Segment{}, skipMalformed
	}
	seg = Segment{
		Time:   ci.Timestamp,
		Src:    netip.AddrPortFrom(src, uint16(tcp.SrcPort)),
		Dst:    netip.AddrPortFrom(dst, uint16(tcp.DstPort)),
		Seq:    tcp.Seq,
		Ack:    tcp.Ack,
		Len:    payload,
		Window: tcp.Window,
		Flags:  tcpFlags(tcp),
	}
	for _, o := range tcp.Options {
		seg.Options = append(seg.Options, uint8(o.OptionType))
	}
	return seg, skipNone
}

// tcpFlags collects gopacket's booleans back into the header's flag bits.
func tcpFlags(t *layers.TCP) Flags {
	var f Flags
	for _, b := range []struct {
		set bool
		f   Flags
	}{
		{t.FIN, FIN}, {t.SYN, SYN}, {t.RST, RST}, {t.PSH, PSH},
		{t.ACK, ACK}, {t.URG, URG}, {t.ECE, ECE}, {t.CWR, CWR},
	} {
		if b.set {
			f |= b.f
		}
	}
	return f
}
