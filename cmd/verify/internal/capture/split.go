package capture

import (
	"fmt"
	"net/netip"
)

// Connection is every segment of one unordered 4-tuple, cut into
// incarnations.
type Connection struct {
	// A and B are the two endpoints, A the sender of the 4-tuple's first
	// segment.
	A, B         netip.AddrPort
	Incarnations []Incarnation
}

// Incarnation is one connection between the endpoints of a 4-tuple: from
// an opening SYN (or the start of the capture) to the next incarnation or the
// end of the capture.
type Incarnation struct {
	// Index counts the incarnations of the 4-tuple from 1.
	Index int
	// Client is the endpoint that sent the first SYN without ACK; failing
	// that, the one that received the first SYN+ACK (the capture began after
	// the SYN); failing that, the sender of the first segment. Server is the
	// other one, even when it also sent a bare SYN (SimultaneousOpen).
	Client, Server netip.AddrPort
	// SimultaneousOpen is set when both endpoints sent a SYN without ACK:
	// both are active openers (RFC 9293 §3.5, Figure 7).
	SimultaneousOpen bool
	Segments         []Segment
}

// FromClient reports whether s travels from the client to the server.
func (inc *Incarnation) FromClient(s Segment) bool { return s.Src == inc.Client }

// String names the incarnation for messages and expectation files.
func (inc *Incarnation) String() string {
	return fmt.Sprintf("%s -> %s #%d", inc.Client, inc.Server, inc.Index)
}

// tuple is an unordered 4-tuple: the smaller endpoint first.
type tuple struct{ lo, hi netip.AddrPort }

func tupleOf(s Segment) tuple {
	if s.Src.Compare(s.Dst) < 0 {
		return tuple{s.Src, s.Dst}
	}
	return tuple{s.Dst, s.Src}
}

// Split groups segments by unordered 4-tuple, in order of each 4-tuple's
// first segment, and cuts each group into incarnations.
//
// The incarnation rule: a SYN without ACK from endpoint X opens a new
// incarnation when the current one has already carried a FIN or a RST (from
// either side) and the SYN's SEQ differs from X's ISN in the current
// incarnation (or X sent no SYN in it). The reasoning:
//
//   - Within one connection an endpoint's ISN never changes (RFC 9293
//     §3.4.1), so a bare SYN repeating the ISN is a retransmission and stays
//     put, whatever came before it; Linux, for one, retransmits a SYN that a
//     full listen queue dropped.
//   - A 4-tuple is only reused once the earlier connection has closed or
//     been reset, which a capture shows as a FIN or RST: the normal case
//     (TIME-WAIT cut short by a new SYN, RFC 9293 §3.6.1; a refused port
//     tried again) is covered.
//   - Without a FIN or RST a bare SYN with a new ISN is left in the current
//     incarnation: it may be an old duplicate (RFC 9293 §3.5, Figure 8) or a
//     peer that crashed and came back (Figure 10), and those are for the
//     model to explain or reject, not for the splitter to hide.
func Split(segs []Segment) []Connection {
	var (
		conns []Connection
		index = map[tuple]int{}
		cur   = map[tuple]*splitState{}
	)
	for _, s := range segs {
		t := tupleOf(s)
		i, ok := index[t]
		if !ok {
			i = len(conns)
			index[t] = i
			conns = append(conns, Connection{A: s.Src, B: s.Dst})
		}
		c := &conns[i]
		st := cur[t]
		if st == nil || st.newIncarnation(s) {
			c.Incarnations = append(c.Incarnations, Incarnation{Index: len(c.Incarnations) + 1})
			st = &splitState{isn: map[netip.AddrPort]uint32{}}
			cur[t] = st
		}
		st.note(s)
		inc := &c.Incarnations[len(c.Incarnations)-1]
		inc.Segments = append(inc.Segments, s)
	}
	for i := range conns {
		for j := range conns[i].Incarnations {
			conns[i].Incarnations[j].assignRoles()
		}
	}
	return conns
}

// splitState is what the incarnation rule needs to remember.
type splitState struct {
	isn    map[netip.AddrPort]uint32 // ISN per endpoint that sent a SYN
	closed bool                      // a FIN or RST has been seen
}

func (st *splitState) newIncarnation(s Segment) bool {
	if !s.Flags.Has(SYN) || s.Flags.Has(ACK) || !st.closed {
		return false
	}
	isn, ok := st.isn[s.Src]
	return !ok || isn != s.Seq
}

func (st *splitState) note(s Segment) {
	if s.Flags.Has(SYN) {
		if _, ok := st.isn[s.Src]; !ok {
			st.isn[s.Src] = s.Seq
		}
	}
	if s.Flags&(FIN|RST) != 0 {
		st.closed = true
	}
}

// assignRoles picks client and server as documented on Incarnation.
func (inc *Incarnation) assignRoles() {
	first := inc.Segments[0]
	inc.Client, inc.Server = first.Src, first.Dst
	bare := map[netip.AddrPort]bool{}
	for _, s := range inc.Segments {
		if s.Flags.Has(SYN) && !s.Flags.Has(ACK) {
			bare[s.Src] = true
		}
	}
	inc.SimultaneousOpen = len(bare) == 2
	for _, s := range inc.Segments {
		if s.Flags.Has(SYN) && !s.Flags.Has(ACK) {
			inc.Client, inc.Server = s.Src, s.Dst
			return
		}
	}
	for _, s := range inc.Segments {
		if s.Flags.Has(SYN | ACK) {
			inc.Client, inc.Server = s.Dst, s.Src
			return
		}
	}
}
