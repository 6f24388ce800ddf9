// Package expect reads and writes the expectation files that sit beside the
// captures in cmd/verify/internal/capture/testdata: for each incarnation of each connection,
// the verdict a faithful model must reach, the state path of each endpoint and
// the abstract segments the decoder must produce.
//
// The format is line-based; blank lines and lines starting with # are
// ignored:
//
//	file normal-client-close.pcap
//	incarnation 1 client=127.0.0.1:41001 server=127.0.0.1:42001
//	accepted
//	client: CLOSED -> SYN-SENT -> ESTABLISHED -> FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT
//	server: LISTEN -> SYN-RECEIVED -> ESTABLISHED -> CLOSE-WAIT -> LAST-ACK -> CLOSED
//	seg 1 c>s <SEQ=0><CTL=SYN> len=0 ; options ignored: mss,sackok,ts,nop,wscale
//	seg 2 s>c <SEQ=0><ACK=1><CTL=SYN,ACK> len=0 ; options ignored: mss,sackok,ts,nop,wscale
//
// An incarnation line starts a block; it names the incarnation's index within
// its 4-tuple and its two endpoints, and ends with the word
// simultaneous-open when both sides sent a bare SYN. The verdict line is
// "accepted" or "rejected frame=N: why". Path lines list the states an
// endpoint entered, from the one it starts in to the one the capture leaves
// it in. Segment lines give frame, direction and the abstract segment, then
// after " ; " the notes (what the abstraction ignored).
package expect

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/capture"
)

// File is one expectation file.
type File struct {
	Capture      string // the capture's file name, relative to the .expect file
	Incarnations []Incarnation
}

// Incarnation is the expectation for one incarnation of one 4-tuple.
type Incarnation struct {
	Index            int
	Client, Server   netip.AddrPort
	SimultaneousOpen bool
	Accepted         bool
	RejectFrame      int    // when not Accepted
	RejectReason     string // when not Accepted
	ClientPath       []string
	ServerPath       []string
	Segments         []Segment
}

// Segment is one abstract segment as an expectation file writes it.
type Segment struct {
	Frame int
	Dir   string // c>s or s>c
	Text  string // <SEQ=1><ACK=1><CTL=ACK> len=0
	Notes string // psh ignored; options ignored: nop,ts
}

// String prints the segment as its seg line, without the keyword.
func (s Segment) String() string {
	line := fmt.Sprintf("%d %s %s", s.Frame, s.Dir, s.Text)
	if s.Notes != "" {
		line += " ; " + s.Notes
	}
	return line
}

// FromConnections builds the verdict-free part of an expectation from what
// the decoder made of a capture: every incarnation with its endpoints and
// abstract segments, in the order Split returns them.
func FromConnections(conns []capture.Connection) []Incarnation {
	var out []Incarnation
	for _, c := range conns {
		for _, inc := range c.Incarnations {
			e := Incarnation{Index: inc.Index, Client: inc.Client, Server: inc.Server, SimultaneousOpen: inc.SimultaneousOpen}
			for _, a := range capture.Abstract(inc).Segments {
				e.Segments = append(e.Segments, Segment{Frame: a.Frame, Dir: a.Dir.String(), Text: a.Text(), Notes: a.NoteText()})
			}
			out = append(out, e)
		}
	}
	return out
}

// Write prints f in the format Parse reads, after the comment lines in
// header (each written with a leading "# ").
func (f *File) Write(w io.Writer, header ...string) error {
	bw := bufio.NewWriter(w)
	for _, h := range header {
		fmt.Fprintf(bw, "# %s\n", h)
	}
	fmt.Fprintf(bw, "file %s\n", f.Capture)
	for _, inc := range f.Incarnations {
		fmt.Fprintf(bw, "\nincarnation %d client=%s server=%s", inc.Index, inc.Client, inc.Server)
		if inc.SimultaneousOpen {
			fmt.Fprint(bw, " simultaneous-open")
		}
		fmt.Fprintln(bw)
		if inc.Accepted {
			fmt.Fprintln(bw, "accepted")
		} else {
			fmt.Fprintf(bw, "rejected frame=%d: %s\n", inc.RejectFrame, inc.RejectReason)
		}
		if len(inc.ClientPath) > 0 {
			fmt.Fprintf(bw, "client: %s\n", strings.Join(inc.ClientPath, " -> "))
		}
		if len(inc.ServerPath) > 0 {
			fmt.Fprintf(bw, "server: %s\n", strings.Join(inc.ServerPath, " -> "))
		}
		for _, s := range inc.Segments {
			fmt.Fprintf(bw, "seg %s\n", s)
		}
	}
	return bw.Flush()
}

// ParseFile reads the expectation file at path.
func ParseFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read expectation: %w", err)
	}
	defer f.Close()
	e, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("read expectation %s: %w", path, err)
	}
	return e, nil
}

// Parse reads an expectation file.
func Parse(r io.Reader) (*File, error) {
	f := &File{}
	sc := bufio.NewScanner(r)
	n := 0
	var cur *Incarnation
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		if word != "file" && word != "incarnation" && cur == nil {
			return nil, fmt.Errorf("line %d: %q before any incarnation line", n, word)
		}
		var err error
		switch word {
		case "file":
			f.Capture = rest
		case "incarnation":
			f.Incarnations = append(f.Incarnations, Incarnation{})
			cur = &f.Incarnations[len(f.Incarnations)-1]
			err = parseIncarnation(cur, rest)
		case "accepted":
			cur.Accepted = true
		case "rejected":
			err = parseRejected(cur, rest)
		case "client:":
			cur.ClientPath = parsePath(rest)
		case "server:":
			cur.ServerPath = parsePath(rest)
		case "seg":
			var s Segment
			s, err = parseSegment(rest)
			cur.Segments = append(cur.Segments, s)
		default:
			err = fmt.Errorf("unknown keyword %q", word)
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if f.Capture == "" {
		return nil, fmt.Errorf("no file line")
	}
	return f, nil
}

func parseIncarnation(inc *Incarnation, rest string) error {
	fields := strings.Fields(rest)
	if len(fields) < 3 {
		return fmt.Errorf("incarnation: want index client=ADDR server=ADDR, got %q", rest)
	}
	var err error
	if inc.Index, err = strconv.Atoi(fields[0]); err != nil {
		return fmt.Errorf("incarnation index: %w", err)
	}
	for _, f := range fields[1:] {
		key, val, _ := strings.Cut(f, "=")
		switch key {
		case "client":
			inc.Client, err = netip.ParseAddrPort(val)
		case "server":
			inc.Server, err = netip.ParseAddrPort(val)
		case "simultaneous-open":
			inc.SimultaneousOpen = true
		default:
			err = fmt.Errorf("unknown field %q", f)
		}
		if err != nil {
			return fmt.Errorf("incarnation: %w", err)
		}
	}
	return nil
}

func parseRejected(inc *Incarnation, rest string) error {
	head, why, ok := strings.Cut(rest, ":")
	num, found := strings.CutPrefix(strings.TrimSpace(head), "frame=")
	if !ok || !found {
		return fmt.Errorf("rejected: want frame=N: reason, got %q", rest)
	}
	frame, err := strconv.Atoi(num)
	if err != nil {
		return fmt.Errorf("rejected frame: %w", err)
	}
	inc.RejectFrame, inc.RejectReason = frame, strings.TrimSpace(why)
	return nil
}

func parsePath(rest string) []string {
	var states []string
	for _, s := range strings.Split(rest, "->") {
		states = append(states, strings.TrimSpace(s))
	}
	return states
}

func parseSegment(rest string) (Segment, error) {
	body, notes, _ := strings.Cut(rest, " ; ")
	fields := strings.SplitN(body, " ", 3)
	if len(fields) != 3 {
		return Segment{}, fmt.Errorf("seg: want frame dir segment, got %q", rest)
	}
	frame, err := strconv.Atoi(fields[0])
	if err != nil {
		return Segment{}, fmt.Errorf("seg frame: %w", err)
	}
	if fields[1] != "c>s" && fields[1] != "s>c" {
		return Segment{}, fmt.Errorf("seg direction %q, want c>s or s>c", fields[1])
	}
	return Segment{Frame: frame, Dir: fields[1], Text: strings.TrimSpace(fields[2]), Notes: strings.TrimSpace(notes)}, nil
}
