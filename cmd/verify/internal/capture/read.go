package capture

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Errors a caller may want to tell apart; every error Read returns wraps one
// of them or an I/O error, and all of them mean "unreadable input" (exit 2).
// A file cut in the middle of a frame is not an error as long as a TCP
// segment precedes the cut (see Capture.Cut); ErrTruncated is for a file cut
// in its headers or before any TCP segment.
var (
	ErrUnknownFormat = errors.New("not a pcap or pcapng file")
	ErrTruncated     = errors.New("truncated file")
	ErrLinkType      = errors.New("unsupported link type")
	ErrNoTCP         = errors.New("no TCP segments")
)

// Format is the file format of a capture.
type Format string

// The two formats Read understands.
const (
	PCAP   Format = "pcap"
	PCAPNG Format = "pcapng"
)

// Capture is what Read found in one file.
type Capture struct {
	Format Format
	// BigEndian is the byte order the file was written in; nothing else
	// depends on it, it is reported for tests and diagnostics.
	BigEndian bool
	// Nanosecond is true for a pcap file with nanosecond timestamps; a
	// pcapng file's resolution is per interface and handled by pcapgo.
	Nanosecond bool
	// LinkTypes lists the link types of the frames, in order of first use.
	LinkTypes []layers.LinkType
	// Frames counts every frame in the file, TCP or not.
	Frames   int
	Segments []Segment
	Skipped  Skipped
	// Cut is set when the file ends in the middle of a record: Frames and
	// Segments then hold the whole frames before the cut, and the record the
	// cut falls in is dropped. Nil for a whole file.
	Cut *Cut
}

// Skipped counts the frames that did not become segments, by reason.
type Skipped struct {
	NonTCP    int // ARP, UDP, ICMP, ...: anything without a TCP header
	Fragments int // IP fragments: a fragment's TCP header, if any, describes bytes not in it
	Malformed int // a TCP header that gopacket could not decode, or IP lengths shorter than the headers
}

// pcap and pcapng magic numbers as the first four bytes read in file order.
var (
	pcapMagics = map[uint32]struct{ big, nano bool }{
		0xa1b2c3d4: {big: true}, 0xd4c3b2a1: {big: false},
		0xa1b23c4d: {big: true, nano: true}, 0x4d3cb2a1: {big: false, nano: true},
	}
	pcapngMagic uint32 = 0x0a0d0d0a // section header block type, a palindrome
)

// ReadFile reads the capture in the file at path.
func ReadFile(path string) (*Capture, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read capture: %w", err)
	}
	defer f.Close()
	c, err := Read(f)
	if err != nil {
		return nil, wrap(err, "read capture %s", path)
	}
	return c, nil
}

// Read decodes a pcap or pcapng capture, telling them apart by their magic
// number. It returns an error for a file it cannot read (wrong magic, an
// unsupported link type, a file cut in its headers) and for a file without a
// single TCP segment; frames that are not TCP are counted and skipped. A file
// cut in the middle of a record is read up to the last whole frame and says
// where it was cut in Capture.Cut. Read never panics, whatever the input, and
// returns either a capture or an error.
func Read(r io.Reader) (*Capture, error) {
	cr := &countingReader{r: r, tee: &ngBlocks{}}
	br := bufio.NewReader(cr)
	head, err := br.Peek(12)
	if len(head) < 4 {
		if err == nil || errors.Is(err, io.EOF) {
			err = ErrTruncated
		}
		return nil, wrap(err, "read file header")
	}
	magic := binary.BigEndian.Uint32(head)
	var c *Capture
	switch m, ok := pcapMagics[magic]; {
	case ok:
		c = &Capture{Format: PCAP, BigEndian: m.big, Nanosecond: m.nano}
		err = c.readPCAP(br, cr)
	case magic == pcapngMagic:
		c = &Capture{Format: PCAPNG}
		if len(head) == 12 {
			c.BigEndian = head[8] == 0x1a // byte-order magic 0x1a2b3c4d
		}
		err = c.readPCAPNG(br, cr)
	default:
		return nil, fmt.Errorf("magic %08x: %w", magic, ErrUnknownFormat)
	}
	if err != nil {
		return nil, err
	}
	if len(c.Segments) == 0 {
		if c.Cut != nil {
			return nil, fmt.Errorf("%w: %s, and no TCP segments in the %d frames before it", ErrTruncated, c.Cut, c.Frames)
		}
		return nil, fmt.Errorf("%w in %d frames", ErrNoTCP, c.Frames)
	}
	return c, nil
}

// readPCAP reads a classic pcap file. pcapgo reports a file cut right after a
// record header as a clean io.EOF, so Read counts the bytes it was given and
// the bytes the records account for: any difference at the end is a
// truncated record, and so is an unexpected end of file inside one.
func (c *Capture) readPCAP(br *bufio.Reader, cr *countingReader) error {
	pr, err := pcapgo.NewReader(br)
	if err != nil {
		return c.readErr(err, "read pcap header")
	}
	lt := pr.LinkType()
	if !supported(lt) {
		return fmt.Errorf("%w %d (%s)", ErrLinkType, int(lt), lt)
	}
	used := int64(24) // the file header
	for {
		data, ci, err := pr.ReadPacketData()
		if errors.Is(err, io.EOF) && cr.n == used {
			return nil
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			// The stream has run dry, so cr.n is the file's length.
			c.Cut = &Cut{Byte: cr.n, Frame: c.Frames + 1, Complete: c.Frames}
			return nil
		}
		if err != nil {
			return c.readErr(err, "read frame %d", c.Frames+1)
		}
		used += 16 + int64(len(data))
		c.add(data, ci, lt)
	}
}

// readPCAPNG reads a pcapng file. Interfaces may differ in link type, so the
// reader hands each frame's link type over with the frame; frames from an
// interface with an unsupported link type make the file unreadable rather than
// silently vanish, which would shift what "frame N" means. An unexpected end
// of file after the section header is a cut: cr's block tracker says whether
// the block it fell in held a frame.
func (c *Capture) readPCAPNG(br *bufio.Reader, cr *countingReader) error {
	nr, err := pcapgo.NewNgReader(br, pcapgo.NgReaderOptions{WantMixedLinkType: true})
	if err != nil {
		return c.readErr(err, "read pcapng section header")
	}
	for {
		data, ci, err := nr.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			c.Cut = &Cut{Byte: cr.n, Complete: c.Frames}
			if cr.tee.holdsFrame() {
				c.Cut.Frame = c.Frames + 1
			}
			return nil
		}
		if err != nil {
			return c.readErr(err, "read frame %d", c.Frames+1)
		}
		lt, _ := ci.AncillaryData[0].(layers.LinkType)
		if !supported(lt) {
			return fmt.Errorf("frame %d: %w %d (%s)", c.Frames+1, ErrLinkType, int(lt), lt)
		}
		c.add(data, ci, lt)
	}
}

// add decodes one frame and files it as a segment or as skipped.
func (c *Capture) add(data []byte, ci gopacket.CaptureInfo, lt layers.LinkType) {
	c.Frames++
	seen := false
	for _, l := range c.LinkTypes {
		seen = seen || l == lt
	}
	if !seen {
		c.LinkTypes = append(c.LinkTypes, lt)
	}
	seg, why := decode(data, ci, lt)
	switch why {
	case skipNone:
		seg.Frame = c.Frames
		c.Segments = append(c.Segments, seg)
	case skipNonTCP:
		c.Skipped.NonTCP++
	case skipFragment:
		c.Skipped.Fragments++
	default:
		c.Skipped.Malformed++
	}
}

// readErr wraps an error from pcapgo, turning an unexpected end of file into
// ErrTruncated.
func (c *Capture) readErr(err error, format string, args ...any) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = ErrTruncated
	}
	return wrap(err, format, args...)
}

// countingReader counts the bytes read through it and shows them to a pcapng
// block tracker.
type countingReader struct {
	r   io.Reader
	n   int64
	tee *ngBlocks
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.tee.Write(p[:n])
	return n, err
}

// wrapped is an error whose message is reworded to the project's style (one
// line, lowercase start) while keeping the original for errors.Is.
type wrapped struct {
	msg string
	err error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }

// wrap prefixes err with context like fmt.Errorf("...: %w"), but also
// lowercases the first letter of err's text and folds it onto one line:
// pcapgo's messages start with capitals ("Unknown magic ...").
func wrap(err error, format string, args ...any) error {
	text := strings.Join(strings.Fields(err.Error()), " ")
	if text != "" && text[0] >= 'A' && text[0] <= 'Z' && !strings.HasPrefix(text, "TCP") {
		text = strings.ToLower(text[:1]) + text[1:]
	}
	return &wrapped{msg: fmt.Sprintf(format, args...) + ": " + text, err: err}
}
