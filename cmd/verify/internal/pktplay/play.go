package pktplay

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/pktscript"
	"github.com/tcpverify/tcpverify/fsm"
)

// Window is the machine's fixed window: 2^30, the largest a window-scaled TCP advertises
// (RFC 7323 §2.3), so that no segment of a script falls outside it for want of window.
const Window = 1 << 30

// Timing is when the model's timers may expire between two lines of a script. A timer
// fires as a hidden step only when the script's clock has moved on by at least its
// duration since the timer was started; a "*" time allows any.
type Timing struct {
	// RTO is the shortest retransmission timeout: Linux's TCP_RTO_MIN, 200 ms (RFC 6298
	// §2.4 asks for 1 s; Linux's shorter floor is what scripts of Linux show).
	RTO float64
	// TwoMSL is how long TIME-WAIT lasts: Linux's TCP_TIMEWAIT_LEN, 60 s.
	TwoMSL float64
	// KeepIdle is how long a connection idles before a keepalive probe when SO_KEEPALIVE
	// is on: Linux's tcp_keepalive_time, 7200 s, or the script's TCP_KEEPIDLE.
	KeepIdle float64
}

// LinuxTiming is the timing of a Linux stack with default settings.
var LinuxTiming = Timing{RTO: 0.2, TwoMSL: 60, KeepIdle: 7200}

// Options configure Play.
type Options struct {
	// Variant names the rule table (fsm.RFC when empty).
	Variant string
	Timing  Timing
	// MaxRuns bounds the runs kept after each line (the hidden timer steps branch).
	MaxRuns int
	// MaxHidden bounds the hidden steps before one line.
	MaxHidden int
}

func (o Options) withDefaults() Options {
	if o.Variant == "" {
		o.Variant = fsm.RFC
	}
	if o.Timing == (Timing{}) {
		o.Timing = LinuxTiming
	}
	if o.MaxRuns == 0 {
		o.MaxRuns = 64
	}
	if o.MaxHidden == 0 {
		o.MaxHidden = 3
	}
	return o
}

// NewMachine builds the machine scripts are played against: the variant's table over the
// 32-bit sequence space, window Window, ISN clock stride 2^24, no ACK throttling (a script
// sees every answer; Linux's 500 ms rate limit is not modeled) and no give-up unless a
// script sets a retry count.
func NewMachine(variant string) (fsm.Machine, error) {
	m, err := fsm.NewMachine(variant, 32, Window)
	if err != nil {
		return fsm.Machine{}, fmt.Errorf("packetdrill machine: %w", err)
	}
	m.Stride = [2]uint32{1 << 24, 1 << 24}
	return m, nil
}

// player plays one script.
type player struct {
	m      fsm.Machine
	o      Options
	script *pktscript.Script
	res    Result
	// unjudged collects the lines not judged, in line order.
	unjudged []Unjudged
	// calls holds each call line, read once, by line.
	calls map[int]*callSpec
}

// lineError is why a run cannot match a line. unsupported marks a construct the model
// cannot play, as opposed to a mismatch.
type lineError struct {
	line        int
	text        string
	reason      string
	unsupported bool
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.reason) }

// Play plays a parsed script against one endpoint of the model and returns its verdict.
//
// The script is the peer and the network: its "<" lines are segments that arrive, its
// ">" lines segments the endpoint must send, its system calls the user's calls. Runs of
// the model are followed line by line; before a line, the endpoint's timers may expire as
// hidden steps where the script's clock allows (Timing), so that runs branch; a run that
// cannot match a line ends. The script passes when a run matches every line and then
// owes nothing: no call still blocked, no segment sent that the script does not show.
func Play(s *pktscript.Script, o Options) Result {
	o = o.withDefaults()
	p := &player{o: o, script: s, res: Result{File: s.Name, Variant: o.Variant}, calls: map[int]*callSpec{}}
	m, err := NewMachine(o.Variant)
	if err != nil {
		p.res.Status = Unsupported
		p.res.Reason = err.Error()
		return p.res
	}
	p.m = m
	for _, opt := range s.Options {
		p.unjudge(opt.Line, fmt.Sprintf("option --%s", opt.Name))
	}
	if e := p.static(); e != nil {
		return p.finish(nil, e)
	}
	runs := []*run{newRun()}
	prev := 0.0
	for i := range s.Events {
		ev := &s.Events[i]
		now, any := eventTime(ev.Time, prev)
		var next []*run
		var first *lineError
		seen := map[string]bool{}
		for _, r := range runs {
			for _, h := range p.hidden(r, ev.Line, now, any) {
				n := h.clone()
				n.now = now
				if e := p.apply(n, ev); e != nil {
					if first == nil {
						first = e
					}
					continue
				}
				if k := n.key(); !seen[k] {
					seen[k] = true
					next = append(next, n)
				}
			}
		}
		if len(next) == 0 {
			return p.finish(runs[0], first)
		}
		if len(next) > o.MaxRuns {
			next = next[:o.MaxRuns]
		}
		runs = next
		if ev.Time.Kind != pktscript.TimeAny {
			prev = now
		}
	}
	var first *lineError
	for _, r := range runs {
		if e := p.end(r); e != nil {
			if first == nil {
				first = e
			}
			continue
		}
		return p.finish(r, nil)
	}
	return p.finish(runs[0], first)
}

// eventTime is the time of an event whose predecessor happened at prev, and whether the
// script allows any time ("*"). A range counts as its end, the latest time it allows.
func eventTime(t pktscript.Time, prev float64) (float64, bool) {
	switch t.Kind {
	case pktscript.TimeAbsolute:
		return t.Start, false
	case pktscript.TimeRelative:
		return prev + t.Start, false
	case pktscript.TimeRange:
		return t.End, false
	case pktscript.TimeRelativeRange:
		return prev + t.End, false
	default:
		return prev, true
	}
}

func (p *player) unjudge(line int, what string) {
	p.unjudged = append(p.unjudged, Unjudged{Line: line, What: what})
}

// finish fills the result from the run reported and the error that ended the play.
func (p *player) finish(r *run, e *lineError) Result {
	res := p.res
	res.NotJudged = p.unjudged
	switch {
	case e == nil:
		res.Status = Pass
	case e.unsupported:
		res.Status = Unsupported
	default:
		res.Status = Fail
	}
	if e != nil {
		res.Line, res.Text, res.Reason = e.line, e.text, e.reason
	}
	if r != nil {
		res.Notes = append(slices.Clip(p.res.Notes), r.notes...)
		res.Steps = r.steps
		res.Cover = r.cover
		for _, i := range r.fired {
			res.Fired = append(res.Fired, p.m.Rules[i].Name)
		}
	}
	return res
}

// static checks the lines that make a script unplayable whatever the run, and records
// those not judged.
func (p *player) static() *lineError {
	for i := range p.script.Events {
		ev := &p.script.Events[i]
		switch {
		case ev.Command != nil:
			p.command(ev)
		case ev.Code != nil:
			p.unjudge(ev.Line, "Python block")
		case ev.Call != nil:
			if ev.Call.Blocking {
				p.unjudge(ev.Line, "the blocking call's end time (timing is not judged)")
			}
			spec, why, e := readCall(ev)
			if e != nil {
				return e
			}
			if why != "" {
				p.unjudge(ev.Line, why)
			}
			p.calls[ev.Line] = spec
		case ev.Packet != nil:
			if e := p.staticPacket(ev); e != nil {
				return e
			}
		}
		switch ev.Time.Kind {
		case pktscript.TimeRange, pktscript.TimeRelativeRange:
			p.unjudge(ev.Line, "time range (timing is not judged)")
		}
	}
	return nil
}

// staticPacket refuses what a packet line asks that the model has no counterpart for.
func (p *player) staticPacket(ev *pktscript.Event) *lineError {
	pk := ev.Packet
	unsup := func(why string) *lineError {
		return &lineError{line: ev.Line, text: ev.Text, reason: why, unsupported: true}
	}
	switch pk.Proto {
	case pktscript.ProtoUDP:
		return unsup("UDP packet: the model is TCP connection management")
	case pktscript.ProtoICMP:
		return unsup("ICMP packet: the model has no ICMP (RFC 9293 §3.9.1 soft errors)")
	}
	if pk.Flags&pktscript.FlagSYN != 0 && pk.Len > 0 {
		return unsup("data on a SYN (TCP Fast Open): the model carries no data on a SYN")
	}
	if pk.Flags&pktscript.FlagURG != 0 {
		return unsup("URG: urgent data is not modeled")
	}
	var parts []string
	if pk.HasWin {
		parts = append(parts, "window")
	}
	if len(pk.Options) > 0 || pk.OptionsAny {
		parts = append(parts, "TCP options")
	}
	if pk.Flags&(pktscript.FlagECE|pktscript.FlagCWR) != 0 || pk.ECN != "" {
		parts = append(parts, "ECN bits")
	}
	if pk.Flags&pktscript.FlagPSH != 0 {
		parts = append(parts, "PSH")
	}
	if len(parts) > 0 {
		p.unjudge(ev.Line, strings.Join(parts, ", "))
	}
	return nil
}

// command records a shell command. The sysctls that set how often a timer retries before
// giving up set the machine's R2 (RFC 1122 §4.2.3.5), since the model has one count for
// every retransmitted item; every other command is not judged.
func (p *player) command(ev *pktscript.Event) {
	text := ev.Command.Text
	for _, name := range []string{"tcp_syn_retries", "tcp_synack_retries", "tcp_retries2"} {
		key := "net.ipv4." + name + "="
		i := strings.Index(text, key)
		if i < 0 {
			continue
		}
		var n int
		if _, err := fmt.Sscanf(text[i+len(key):], "%d", &n); err == nil && n >= 0 && n <= math.MaxUint8 {
			p.m.R2 = uint8(n)
			p.res.Notes = append(p.res.Notes, fmt.Sprintf("line %d: %s sets R2=%d (the model has one retry count for every item)", ev.Line, name, n))
			return
		}
	}
	p.unjudge(ev.Line, "shell command")
}

// hidden lists r and the runs that follow it by up to MaxHidden timer expiries, each
// allowed by the script's clock at now, in breadth-first order (fewest first).
func (p *player) hidden(r *run, line int, now float64, any bool) []*run {
	out := []*run{r}
	seen := map[string]bool{r.key(): true}
	for q := 0; q < len(out); q++ {
		cur := out[q]
		if cur.depth >= p.o.MaxHidden {
			continue
		}
		for _, k := range timerKinds {
			if !p.timerAllowed(cur, k, now, any) {
				continue
			}
			n := cur.clone()
			// The timer expires at its deadline (or now, for a "*" line), so that the
			// timers after it start from there and several may expire before one line.
			// ... but not before the run's last event (a deadline long past expires just
			// after it).
			n.now = now
			if at := max(p.deadline(cur, k), cur.now); !any && at < now {
				n.now = at
			}
			n.depth++
			if !p.step(n, line, fsm.Timeout(k), true) || p.unblock(n, line) != nil {
				continue
			}
			if key := n.key(); !seen[key] {
				seen[key] = true
				out = append(out, n)
			}
		}
	}
	for _, h := range out {
		h.depth = 0
	}
	return out
}

// timerKinds are the timers that may expire as hidden steps, in the order they are tried.
var timerKinds = []fsm.EventKind{fsm.EvRetransmit, fsm.EvGiveUp, fsm.EvTimeWait, fsm.EvKeepalive, fsm.EvUserTimeout,
	fsm.EvDelayedAck}

// timerAllowed says whether timer k of r's endpoint may expire by now.
func (p *player) timerAllowed(r *run, k fsm.EventKind, now float64, any bool) bool {
	if p.m.Handled(r.ep, fsm.EventSet(1)<<k, false) == 0 {
		return false
	}
	since := func(t float64, d float64) bool { return any || now-t >= d-1e-9 }
	switch k {
	case fsm.EvRetransmit, fsm.EvGiveUp:
		return since(r.rtxAt, p.o.Timing.RTO)
	case fsm.EvTimeWait:
		return since(r.twAt, p.o.Timing.TwoMSL)
	case fsm.EvKeepalive:
		return r.keepalive && since(r.heardAt, r.keepIdle(p.o.Timing))
	case fsm.EvUserTimeout:
		// TCP_USER_TIMEOUT bounds how long sent data stays unacknowledged (RFC 5482).
		return r.userTimeout > 0 && r.ep.Unacked() && since(r.unaAt, r.userTimeout)
	case fsm.EvDelayedAck:
		// A held ACK of a FIN may leave at once: Linux acknowledges at once in quickack
		// mode (early in a connection) and within TCP_DELACK_MAX, 200 ms, otherwise.
		return true
	}
	return false
}

// deadline is when timer k of r's endpoint expires at the earliest.
func (p *player) deadline(r *run, k fsm.EventKind) float64 {
	switch k {
	case fsm.EvRetransmit, fsm.EvGiveUp:
		return r.rtxAt + p.o.Timing.RTO
	case fsm.EvTimeWait:
		return r.twAt + p.o.Timing.TwoMSL
	case fsm.EvKeepalive:
		return r.heardAt + r.keepIdle(p.o.Timing)
	case fsm.EvUserTimeout:
		return r.unaAt + r.userTimeout
	}
	return r.now
}

// end checks what a run owes once the script is over.
func (p *player) end(r *run) *lineError {
	last := 0
	if n := len(p.script.Events); n > 0 {
		last = p.script.Events[n-1].Line
	}
	if r.blocked != nil {
		c := r.blocked
		return &lineError{line: c.line, text: c.text, reason: fmt.Sprintf("%s never returned: the endpoint is %s at the end of the script", c.call.name, r.ep.State)}
	}
	for _, s := range r.out {
		if !s.pureACK() {
			return &lineError{line: last, text: "(end of script)", reason: fmt.Sprintf("the endpoint sent %s (%s), which the script does not show", r.render(s), s.rule)}
		}
	}
	for _, s := range r.out {
		r.note(last, fmt.Sprintf("the endpoint's ACK %s is not shown: taken as delayed past the end (RFC 1122 §4.2.3.2)", r.render(s)))
	}
	return nil
}

// apply plays one event on run r.
func (p *player) apply(r *run, ev *pktscript.Event) *lineError {
	switch {
	case ev.Packet != nil && ev.Packet.Dir == pktscript.Inbound:
		return p.inbound(r, ev)
	case ev.Packet != nil:
		return p.outbound(r, ev)
	case ev.Call != nil:
		return p.call(r, ev)
	}
	return nil
}

// step applies one event to r's endpoint and records it; ok is false when no row takes
// the event. After every step, a blocked call may return and a listener whose connection
// is CLOSED listens again.
func (p *player) step(r *run, line int, ev fsm.Event, hidden bool) bool {
	before := r.ep
	if ev.Kind == fsm.EvOpen || ev.Kind == fsm.EvSegment {
		r.clock++
		ev.Clock = r.clock
	}
	out := p.m.Step(r.ep, ev)
	if !out.OK {
		return false
	}
	r.record(p.m, line, ev, hidden, before, out)
	if r.ep.State == fsm.StateClosed && r.listener >= 0 && ev.Kind != fsm.EvListen {
		p.relisten(r, line)
	}
	return true
}

// relisten is the listening socket taking the next connection: the model's endpoint is
// one TCB, so once the connection the listener passed on is CLOSED, the endpoint listens
// again (a hidden LISTEN) and a new connection record starts.
func (p *player) relisten(r *run, line int) {
	if r.ep.State != fsm.StateClosed || r.listener < 0 {
		return
	}
	r.newConn()
	out := p.m.Step(r.ep, fsm.Listen())
	if out.OK {
		r.record(p.m, line, fsm.Listen(), true, fsm.Endpoint{}, out)
	}
}

// inbound delivers a "<" segment.
func (p *player) inbound(r *run, ev *pktscript.Event) *lineError {
	pk := ev.Packet
	seg := fsm.Segment{Flags: flagsOf(pk.Flags), Seq: fsm.Seq(pk.Seq), Len: pk.Len}
	if pk.Flags&pktscript.FlagACK != 0 {
		seg.Ack = fsm.Seq(uint32(r.iss) + pk.Ack)
	}
	r.cover = appendCover(r.cover, Cover{State: r.ep.State.String(), Kind: SegmentKind(seg)})
	r.heardAt = r.now
	c := r.cur
	var unread uint64
	if c >= 0 {
		unread = r.conns[c].unread
	}
	sentBefore := len(r.out)
	arrive := fsm.Arrive(seg, 0)
	// A listening socket takes a new SYN that reaches TIME-WAIT (RFC 9293 §3.6.1).
	arrive.Listener = r.listener >= 0
	if !p.step(r, ev.Line, arrive, false) {
		return &lineError{line: ev.Line, text: ev.Text, reason: "no row takes the segment"}
	}
	if c >= 0 && c == r.cur && r.conns[c].closed && r.conns[c].unread > unread {
		// No user will read it: RFC 1122 §4.2.2.13, a host SHOULD reset when data
		// arrives after CLOSE (Linux does, once close() has shut the receive side).
		r.note(ev.Line, fmt.Sprintf("%d bytes arrive after close(): ABORT (RFC 1122 §4.2.2.13), and the ACK of the data is not sent", r.conns[c].unread-unread))
		r.conns[c].unread = 0
		kept := r.out[:sentBefore:sentBefore]
		for _, s := range r.out[sentBefore:] {
			if !s.pureACK() {
				kept = append(kept, s)
			}
		}
		r.out = kept
		p.step(r, ev.Line, fsm.Abort(), true)
	}
	return p.unblock(r, ev.Line)
}

func appendCover(cs []Cover, c Cover) []Cover {
	if slices.Contains(cs, c) {
		return cs
	}
	return append(slices.Clip(cs), c)
}

// flagsOf maps the script's flags to the model's control bits. PSH, ECE, CWR and URG have
// no counterpart (the runner notes them as not judged or refuses the script).
func flagsOf(f pktscript.Flags) fsm.Flags {
	var out fsm.Flags
	if f&pktscript.FlagSYN != 0 {
		out |= fsm.SYN
	}
	if f&pktscript.FlagACK != 0 {
		out |= fsm.ACK
	}
	if f&pktscript.FlagFIN != 0 {
		out |= fsm.FIN
	}
	if f&pktscript.FlagRST != 0 {
		out |= fsm.RST
	}
	return out
}
