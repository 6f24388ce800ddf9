// Package capture turns packet captures into what the TCP model can be
// matched against: it decodes pcap and pcapng files, splits their TCP
// segments into connections and incarnations, and abstracts each segment
// into the model's terms. Matching against the model itself is cmd/verify/internal/trace's
// job; this package knows nothing of states.
//
// # Reading
//
// Read (and ReadFile) tells pcap from pcapng by the magic number, takes both
// byte orders and nanosecond pcap, and decodes Ethernet (with 802.1Q tags),
// Linux cooked v1 and v2, BSD loopback (DLT_NULL and DLT_LOOP) and raw IP
// (LINKTYPE_RAW, DLT_RAW's 12 and 14, LINKTYPE_IPV4 and LINKTYPE_IPV6), over
// IPv4 and IPv6 with extension headers. File formats and headers are
// gopacket's (pcapgo, layers). Frames that are not TCP are counted in
// Capture.Skipped; a file without any TCP segment, a file cut in its headers
// or before its first TCP segment, a wrong magic number or an unsupported link
// type is an error of one lowercase line (the CLI exits 2 with it). A file cut
// in the middle of a later frame is read up to its last whole frame, and
// Capture.Cut says where: "cut at byte 842 (frame 10 incomplete)" (the CLI
// judges those frames and exits 3). Read never panics.
//
// Each TCP segment becomes a Segment: frame number as Wireshark counts,
// time, endpoints, all eight flags, raw SEQ and ACK, the payload length from
// the IP length fields (a snap length does not shrink it), window and option
// kinds. Checksums are not validated: on loopback and with offload the
// capture point precedes the checksum.
//
// # Splitting
//
// Split groups segments by unordered 4-tuple and cuts each group into
// incarnations: a bare SYN with a new ISN opens a new one once the current one
// has carried a FIN or RST (see Split for the reasoning). In each incarnation
// the client is the sender of the first bare SYN; Incarnation documents the
// fallbacks and simultaneous open.
//
// # Abstracting
//
// Abstract rewrites an incarnation with SEQ and ACK relative to each side's
// ISN, modulo 2^32 as Wireshark's relative numbers (the SYN is 0, the first
// data byte 1), and flags reduced to SYN, ACK, FIN and RST:
//
//	c>s <SEQ=0><CTL=SYN> len=0 ; options ignored: mss,sackok,ts,nop,wscale
//	s>c <SEQ=0><ACK=1><CTL=SYN,ACK> len=0
//	c>s <SEQ=1><ACK=1><CTL=ACK> len=6 ; psh ignored
//
// Notes record what the model does not see: PSH, URG, ECN bits, options,
// pure window updates, and sides whose ISN the capture missed (numbers then
// count from one before the first SEQ seen, as Wireshark does).
//
// # Corpus
//
// testdata/corpus holds real loopback captures with their expectations,
// testdata/mutated captures altered so a faithful model must reject them at
// a known frame; package expect reads those files and testdata/README.md
// explains them and how mkcorpus regenerates them.
package capture
