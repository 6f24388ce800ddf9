package trace

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/capture"
	"github.com/tcpverify/tcpverify/fsm"
)

// Bounds of the search. They are generous for real captures, where ACK numbers pin
// almost every choice; they exist so that a hostile capture cannot make a check slow.
const (
	// Window is the model's fixed window for trace checking: 2^30, the largest window a
	// window-scaled TCP advertises (RFC 7323 §2.3), so no segment of a real connection is
	// outside it.
	Window = 1 << 30
	// MaxExtra is how many hidden steps other than deliveries may precede one observed
	// segment: a loss, a user call, a timer, a run of uncaptured data.
	MaxExtra = 2
	// MaxLag is how many more of the peer's segments a sender may leave unreceived than
	// the most eager way of sending the same segment does (see explore).
	MaxLag = 2
	// MaxLayer caps the configurations kept after each observed segment, the cheapest
	// first.
	MaxLayer = 256
	// maxLocal caps the hidden-step states tried before one segment from one
	// configuration.
	maxLocal = 512
	// maxGap is the most uncaptured data (in units) inferred before one segment.
	maxGap = 1 << 20
)

// NewMachine builds the machine trace checking uses for a variant: the real 32-bit
// sequence space and the fixed Window.
func NewMachine(variant string) (fsm.Machine, error) {
	m, err := fsm.NewMachine(variant, 32, Window)
	if err != nil {
		return fsm.Machine{}, fmt.Errorf("trace machine: %w", err)
	}
	return m, nil
}

// The two endpoints, as indices.
const (
	client = 0
	server = 1
)

var sideNames = [2]string{"client", "server"}

// observed is one captured segment in the model's terms.
type observed struct {
	frame int
	from  int
	seg   fsm.Segment // raw numbers
	text  string      // relative numbers, as capture.AbstractSegment.Text prints
	inc   int         // the incarnation it belongs to (an index of checker.isns)
}

// checker holds what one Check needs; it is not shared.
type checker struct {
	m   fsm.Machine
	obs []observed
	// isns holds each incarnation's ISNs, client's and server's; start, the index of each
	// incarnation's first observed segment.
	isns  [][2]fsm.Seq
	start []int
}

// isn is side's ISN in the incarnation of observed segment i.
func (c *checker) isn(side, i int) fsm.Seq { return c.isns[c.obs[i].inc][side] }

// nodeKey is a configuration: both endpoints and, for each, the index of the first
// observed segment of its peer it has not yet received or lost.
type nodeKey struct {
	ep   [2]fsm.Endpoint
	next [2]int32
}

// node is a configuration in a layer, with the steps that led to it from its parent in
// the previous layer.
type node struct {
	key    nodeKey
	parent int32
	hops   []Step
	notes  []string
	cost   int // of the run from the initial configuration, see costCall
}

// Check searches for a run of the model m that sends the segments of inc in the order
// captured. m should come from NewMachine (32-bit space); any variant may be used.
func Check(m fsm.Machine, inc capture.Incarnation) Result {
	c := &checker{m: m}
	ab := c.add(inc, inc.Client)
	res := c.search(inc.SimultaneousOpen)
	res.Notes = append(abstractionNotes(ab), res.Notes...)
	return res
}

// CheckJoined searches for one run of the model that sends the segments of several
// incarnations of one 4-tuple, in the order captured: the endpoints carry over from one
// incarnation to the next instead of starting afresh, so that a new SYN meets whatever
// the last connection left (TIME-WAIT, which a listener's new SYN may reopen: RFC 9293
// §3.6.1, row time-wait/reopen). The client is the first incarnation's; ok is false when
// a later incarnation's client is the other address (a reversed reuse is not joined).
func CheckJoined(m fsm.Machine, incs []capture.Incarnation) (res Result, ok bool) {
	if len(incs) == 0 {
		return Result{}, false
	}
	c := &checker{m: m}
	var notes []string
	for k, inc := range incs {
		if inc.Client != incs[0].Client {
			return Result{}, false
		}
		for _, n := range abstractionNotes(c.add(inc, incs[0].Client)) {
			notes = append(notes, fmt.Sprintf("incarnation %d: %s", k+1, n))
		}
	}
	res = c.search(incs[0].SimultaneousOpen)
	res.Notes = append(notes, res.Notes...)
	return res, true
}

// add appends an incarnation's segments, the client being the endpoint at address
// clientAddr, and returns its abstraction.
func (c *checker) add(inc capture.Incarnation, clientAddr netip.AddrPort) capture.Abstraction {
	ab := capture.Abstract(inc)
	isn := [2]fsm.Seq{fsm.Seq(ab.ClientISN), fsm.Seq(ab.ServerISN)}
	c.start = append(c.start, len(c.obs))
	c.isns = append(c.isns, isn)
	for k, s := range inc.Segments {
		o := observed{frame: s.Frame, from: server, seg: modelSegment(s), text: ab.Segments[k].Text(), inc: len(c.isns) - 1}
		if s.Src == clientAddr {
			o.from = client
		}
		c.obs = append(c.obs, o)
	}
	return ab
}

// modelSegment reduces a captured segment to the model's fields, raw numbers kept.
func modelSegment(s capture.Segment) fsm.Segment {
	var f fsm.Flags
	for _, b := range []struct {
		c capture.Flags
		m fsm.Flags
	}{{capture.SYN, fsm.SYN}, {capture.ACK, fsm.ACK}, {capture.FIN, fsm.FIN}, {capture.RST, fsm.RST}} {
		if s.Flags.Has(b.c) {
			f |= b.m
		}
	}
	seg := fsm.Segment{Flags: f, Seq: fsm.Seq(s.Seq), Len: uint32(s.Len)}
	if f.Has(fsm.ACK) {
		seg.Ack = fsm.Seq(s.Ack)
	}
	return seg
}

// initial lists the starting configurations in order of preference: a client in CLOSED
// and a server in LISTEN (or in CLOSED: a port nobody listens on, or the second active
// opener of a simultaneous open, which is then preferred).
func (c *checker) initial(simultaneous bool) []nodeKey {
	cl := fsm.Endpoint{Host: client}
	closed := fsm.Endpoint{Host: server}
	listen := c.m.Step(closed, fsm.Listen()).Next
	servers := []fsm.Endpoint{listen, closed}
	if simultaneous {
		servers = []fsm.Endpoint{closed, listen}
	}
	var out []nodeKey
	for _, s := range servers {
		out = append(out, nodeKey{ep: [2]fsm.Endpoint{cl, s}})
	}
	return out
}

// search runs the layered search and builds the result.
func (c *checker) search(simultaneous bool) Result {
	var layers [][]node
	var first []node
	for _, k := range c.initial(simultaneous) {
		first = append(first, node{key: k, parent: -1})
	}
	layers = append(layers, first)
	var bounded bool
	for i := range c.obs {
		next, cut := c.advance(layers[i], i)
		bounded = bounded || cut
		if len(next) == 0 {
			return c.reject(layers, i, bounded)
		}
		layers = append(layers, next)
	}
	return c.accept(layers, bounded)
}

// advance computes layer i+1 from layer i: every configuration in which the sender of
// segment i has just sent it.
func (c *checker) advance(layer []node, i int) ([]node, bool) {
	var all []node
	for pi, n := range layer {
		c.explore(n.key, i, func(s success) {
			k := n.key
			k.ep[c.obs[i].from] = s.ep
			k.next[c.obs[i].from] = s.next
			all = append(all, node{key: k, parent: int32(pi), hops: s.hops, notes: s.notes, cost: n.cost + s.cost})
		}, nil)
	}
	// Cheapest first; ties keep the order of discovery (parent order, then fewer hidden
	// steps), so the result does not depend on map order.
	slices.SortStableFunc(all, func(a, b node) int { return a.cost - b.cost })
	var out []node
	seen := map[nodeKey]bool{}
	for _, n := range all {
		if seen[n.key] {
			continue
		}
		if len(out) >= MaxLayer {
			return out, true
		}
		seen[n.key] = true
		out = append(out, n)
	}
	return out, false
}

// accept finishes every configuration of the last layer by delivering what is still in
// flight, and reports the first.
func (c *checker) accept(layers [][]node, bounded bool) Result {
	last := layers[len(layers)-1]
	n := last[0]
	key := n.key
	var tail []Step
	for side := client; side <= server; side++ {
		for {
			j := c.head(side, key.next[side], len(c.obs))
			if j < 0 {
				break
			}
			out, states := c.step(key.ep[side], c.arrive(side, j))
			key.ep[side] = out.Next
			key.next[side] = int32(j + 1)
			tail = append(tail, Step{Side: sideNames[side],
				Event: fmt.Sprintf("deliver frame %d", c.obs[j].frame), States: states})
		}
	}
	res := c.trace(layers, len(layers)-1, 0)
	res.Accepted = true
	res.Run = append(res.Run, tail...)
	res.Client, res.Server = res.paths()
	if bounded {
		res.Notes = append(res.Notes, fmt.Sprintf("search bound: some layers were cut at %d configurations", MaxLayer))
	}
	return res
}

// trace walks back from node k of layer l and collects the run and the notes.
func (c *checker) trace(layers [][]node, l, k int) Result {
	var chain []node
	for ; l >= 0 && k >= 0; l-- {
		n := layers[l][k]
		chain = append(chain, n)
		k = int(n.parent)
	}
	slices.Reverse(chain)
	res := Result{}
	init := chain[0].key
	res.Run = append(res.Run,
		Step{Side: sideNames[client], Event: "starts", States: Path{init.ep[client].State}},
		Step{Side: sideNames[server], Event: "starts", States: Path{init.ep[server].State}})
	for _, n := range chain {
		res.Run = append(res.Run, n.hops...)
		res.Notes = append(res.Notes, n.notes...)
	}
	return res
}

// paths folds the run into each endpoint's state path.
func (r Result) paths() (Path, Path) {
	var p [2]Path
	for _, s := range r.Run {
		side := client
		if s.Side == sideNames[server] {
			side = server
		}
		p[side] = p[side].add(s.States...)
	}
	return p[client], p[server]
}

// head is the index of the first segment sent to side at or after index from and before
// index upto, or -1.
func (c *checker) head(side int, from int32, upto int) int {
	for j := int(from); j < upto; j++ {
		if c.obs[j].from != side {
			return j
		}
	}
	return -1
}

// arrive is the event of segment j reaching side. The ISS the side would choose, if the
// segment is a SYN it answers from LISTEN (or from TIME-WAIT), is the one it was seen to
// use in that segment's incarnation. The server listens: a new SYN that meets its
// TIME-WAIT may reopen the connection (RFC 9293 §3.6.1).
func (c *checker) arrive(side, j int) fsm.Event {
	return fsm.Event{Kind: fsm.EvSegment, Seg: c.obs[j].seg, SetISS: true, ISS: c.isn(side, j), Listener: side == server}
}

// step runs the machine and lists the states passed: the state before, then each state a
// fired rule entered (a FIN,ACK can take FIN-WAIT-1 through FIN-WAIT-2 to TIME-WAIT in one
// step). It is nil when the state did not change.
func (c *checker) step(ep fsm.Endpoint, ev fsm.Event) (fsm.Outcome, Path) {
	out := c.m.Step(ep, ev)
	if !out.OK {
		return out, nil
	}
	p := Path{ep.State}
	for i := range out.Fired.Len() {
		if to := c.m.Rules[out.Fired.At(i)].To; to != fsm.Stay {
			p = p.add(to)
		}
	}
	p = p.add(out.Next.State)
	if len(p) == 1 {
		return out, nil
	}
	return out, p
}

// abstractionNotes says what the model did not see: options, PSH, URG, ECN, unseen ISNs.
func abstractionNotes(ab capture.Abstraction) []string {
	var kinds []uint8
	var seen [256]bool
	var all capture.Note
	for _, s := range ab.Segments {
		all |= s.Notes
		for _, k := range s.Options {
			if !seen[k] {
				seen[k] = true
				kinds = append(kinds, k)
			}
		}
	}
	var notes []string
	if len(kinds) > 0 {
		list := ""
		for i, k := range kinds {
			if i > 0 {
				list += ","
			}
			list += fmt.Sprint(k)
		}
		notes = append(notes, "TCP options ignored (kinds "+list+")")
	}
	for _, n := range []struct {
		n    capture.Note
		text string
	}{{capture.NotePSH, "PSH ignored"}, {capture.NoteURG, "URG ignored"},
		{capture.NoteECN, "ECN bits ignored"}, {capture.NoteWindowUpdate, "window values ignored"}} {
		if all&n.n != 0 {
			notes = append(notes, n.text)
		}
	}
	if !ab.ClientISNSeen {
		notes = append(notes, "client ISN not seen: assumed one before its first SEQ")
	}
	if !ab.ServerISNSeen {
		notes = append(notes, "server ISN not seen: assumed one before its first SEQ")
	}
	return notes
}
