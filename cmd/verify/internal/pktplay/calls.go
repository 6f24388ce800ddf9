package pktplay

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tcpverify/tcpverify/cmd/verify/internal/pktscript"
	"github.com/tcpverify/tcpverify/fsm"
)

// callKind is what a system call does to the model.
type callKind uint8

const (
	callUnjudged callKind = iota // a call with no counterpart: its result is not compared
	callSocket
	callBind
	callListen
	callConnect
	callAccept
	callWrite
	callRead
	callClose
	callShutdown
	callSetsockopt
	callGetError
	callSetFlags
)

// callSpec is a system call line read once, before any run plays it.
type callSpec struct {
	kind callKind
	name string
	fd   int64
	// n is the byte count of a read or a write.
	n    uint64
	want expect
	// For socket and fcntl: O_NONBLOCK / SOCK_NONBLOCK. For setsockopt: the option and
	// its value. For shutdown: whether it shuts the sending side.
	nonblock bool
	opt      string
	val      int64
	linger0  bool
	shutWR   bool
	// errWant is the error getsockopt(SO_ERROR) must find ("" for none).
	errWant string
}

// expect is a call's result as the script writes it.
type expect struct {
	any   bool // "..."
	val   int64
	errno string
}

func (e expect) String() string {
	if e.any {
		return "..."
	}
	if e.errno != "" {
		return fmt.Sprintf("%d %s", e.val, e.errno)
	}
	return fmt.Sprint(e.val)
}

// outcome is a call's result in the model.
type outcome struct {
	val   int64
	errno string
}

func (o outcome) String() string {
	if o.errno != "" {
		return fmt.Sprintf("%d %s", o.val, o.errno)
	}
	return fmt.Sprint(o.val)
}

func (e expect) matches(o outcome) bool {
	if e.any {
		return true
	}
	return e.val == o.val && (e.errno == "" || e.errno == o.errno)
}

// readCall reads a call line; why is set when the line is not judged, and the error
// when the script cannot be played at all.
func readCall(ev *pktscript.Event) (spec *callSpec, why string, e *lineError) {
	c := ev.Call
	unsup := func(format string, args ...any) *lineError {
		return &lineError{line: ev.Line, text: ev.Text, reason: fmt.Sprintf(format, args...), unsupported: true}
	}
	s := &callSpec{name: c.Name, fd: -1}
	switch c.Result.Kind {
	case pktscript.ExprEllipsis:
		s.want = expect{any: true}
	case pktscript.ExprInt:
		s.want = expect{val: c.Result.Int, errno: c.Errno}
	default:
		return s, "result not a number", nil
	}
	if len(c.Args) > 0 {
		if v, ok := intOf(c.Args[0]); ok {
			s.fd = v
		}
	}
	arg := func(i int) (pktscript.Expr, bool) {
		if i < len(c.Args) {
			return c.Args[i], true
		}
		return pktscript.Expr{}, false
	}
	switch c.Name {
	case "socket":
		s.kind = callSocket
		t, _ := arg(1)
		words := wordsOf(t)
		if !slices.Contains(words, "SOCK_STREAM") {
			return nil, "", unsup("socket of type %s: only SOCK_STREAM (TCP) is modeled", strings.Join(words, "|"))
		}
		s.nonblock = slices.Contains(words, "SOCK_NONBLOCK")
		if s.want.any || s.want.val < 0 {
			return nil, "", unsup("socket must return a descriptor")
		}
	case "bind":
		s.kind = callBind
	case "listen":
		s.kind = callListen
	case "connect":
		s.kind = callConnect
	case "accept", "accept4":
		s.kind = callAccept
	case "write", "send", "sendto", "writev", "sendmsg":
		s.kind = callWrite
		s.n = byteCount(c, s.want)
	case "read", "recv", "recvfrom", "readv", "recvmsg":
		s.kind = callRead
		s.n = byteCount(c, s.want)
	case "close":
		s.kind = callClose
	case "shutdown":
		s.kind = callShutdown
		how, _ := arg(1)
		switch w := wordsOf(how); {
		case slices.Contains(w, "SHUT_WR"), slices.Contains(w, "SHUT_RDWR"):
			s.shutWR = true
		default:
			return s, "shutdown(SHUT_RD): the model has no receive side to shut", nil
		}
	case "setsockopt":
		s.kind = callSetsockopt
		name, _ := arg(2)
		val, _ := arg(3)
		s.opt = strings.Join(wordsOf(name), "|")
		switch s.opt {
		case "SO_LINGER":
			on, _ := fieldInt(val, "onoff")
			secs, ok := fieldInt(val, "linger")
			s.linger0 = on != 0 && ok && secs == 0
		case "SO_KEEPALIVE", "TCP_KEEPIDLE", "TCP_USER_TIMEOUT":
			v, ok := intOf(val)
			if !ok {
				return s, fmt.Sprintf("setsockopt(%s) with a value that is not a number", s.opt), nil
			}
			s.val = v
		default:
			s.kind = callUnjudged
			return s, fmt.Sprintf("setsockopt(%s)", s.opt), nil
		}
	case "getsockopt":
		name, _ := arg(2)
		if w := wordsOf(name); !slices.Contains(w, "SO_ERROR") {
			return s, fmt.Sprintf("getsockopt(%s)", strings.Join(w, "|")), nil
		}
		s.kind = callGetError
		val, _ := arg(3)
		if v, ok := intOf(val); ok && v == 0 {
			s.errWant = ""
		} else if w := wordsOf(val); len(w) == 1 {
			s.errWant = w[0]
		} else {
			return s, "getsockopt(SO_ERROR) with a value that is neither 0 nor an errno", nil
		}
	case "fcntl":
		cmd, _ := arg(1)
		if !slices.Contains(wordsOf(cmd), "F_SETFL") {
			return s, "fcntl other than F_SETFL", nil
		}
		s.kind = callSetFlags
		flags, _ := arg(2)
		s.nonblock = slices.Contains(wordsOf(flags), "O_NONBLOCK")
	default:
		return s, c.Name + ": no counterpart in the model", nil
	}
	if s.kind != callSocket && s.fd < 0 {
		return nil, "", unsup("%s: the first argument must be a descriptor", c.Name)
	}
	return s, "", nil
}

// byteCount is the bytes a read or write moves: its third argument when it is a number,
// else the result the script expects.
func byteCount(c *pktscript.Call, want expect) uint64 {
	if len(c.Args) > 2 {
		if v, ok := intOf(c.Args[2]); ok && v >= 0 {
			return uint64(v)
		}
	}
	if !want.any && want.val > 0 {
		return uint64(want.val)
	}
	return 0
}

func intOf(e pktscript.Expr) (int64, bool) {
	switch e.Kind {
	case pktscript.ExprInt:
		return e.Int, true
	case pktscript.ExprArray:
		if len(e.List) == 1 {
			return intOf(e.List[0])
		}
	}
	return 0, false
}

// wordsOf lists the words of an expression: a word, an or of words, an array of them.
func wordsOf(e pktscript.Expr) []string {
	switch e.Kind {
	case pktscript.ExprWord:
		return []string{e.Text}
	case pktscript.ExprBinary, pktscript.ExprArray:
		var out []string
		for _, x := range e.List {
			out = append(out, wordsOf(x)...)
		}
		return out
	}
	return nil
}

func fieldInt(e pktscript.Expr, name string) (int64, bool) {
	for _, f := range e.Fields {
		if f.Name == name {
			return intOf(f.Value)
		}
	}
	return 0, false
}

// call plays a system call line on r.
func (p *player) call(r *run, ev *pktscript.Event) *lineError {
	spec := p.calls[ev.Line]
	if spec == nil || spec.kind == callUnjudged {
		return nil
	}
	out, done, e := p.attempt(r, ev.Line, ev.Text, spec, true)
	if e != nil {
		return e
	}
	if !done {
		if b := r.blocked; b != nil {
			return &lineError{line: b.line, text: b.text, reason: fmt.Sprintf("%s has not returned in the model when line %d calls %s (endpoint %s)",
				b.call.name, ev.Line, spec.name, r.ep.State)}
		}
		r.blocked = &blocked{line: ev.Line, text: ev.Text, call: spec}
		return nil
	}
	if !spec.want.matches(out) {
		return &lineError{line: ev.Line, text: ev.Text, reason: fmt.Sprintf("%s returns %s in the model (endpoint %s)", spec.name, out, r.ep.State)}
	}
	return p.unblock(r, ev.Line)
}

// unblock tries the blocked call again after a step of line.
func (p *player) unblock(r *run, line int) *lineError {
	b := r.blocked
	if b == nil {
		return nil
	}
	out, done, e := p.attempt(r, line, b.text, b.call, false)
	if e != nil {
		return e
	}
	if !done {
		return nil
	}
	r.blocked = nil
	if !b.call.want.matches(out) {
		return &lineError{line: b.line, text: b.text, reason: fmt.Sprintf("%s returns %s in the model, at line %d (endpoint %s)", b.call.name, out, line, r.ep.State)}
	}
	return nil
}

// sockOf finds the open socket fd.
func (r *run) sockOf(fd int64) int {
	for i := len(r.socks) - 1; i >= 0; i-- {
		if r.socks[i].fd == fd && !r.socks[i].closed {
			return i
		}
	}
	return -1
}

// freeFD is the lowest descriptor from 3 up (0 to 2 are the standard streams) that no
// open socket uses.
func (r *run) freeFD() int64 {
	for fd := int64(3); ; fd++ {
		if r.sockOf(fd) < 0 {
			return fd
		}
	}
}

// busy reports whether the endpoint holds a connection or a listener, so that a second
// one cannot start.
func (r *run) busy() bool { return r.ep.State != fsm.StateClosed || r.listener >= 0 }

// attempt runs a call on r: first is its own line, later attempts are a blocked call
// tried again. done is false when the call blocks.
func (p *player) attempt(r *run, line int, text string, s *callSpec, first bool) (outcome, bool, *lineError) {
	ok := outcome{}
	fail := func(errno string) (outcome, bool, *lineError) { return outcome{val: -1, errno: errno}, true, nil }
	unsup := func(format string, args ...any) (outcome, bool, *lineError) {
		return outcome{}, false, &lineError{line: line, text: text, reason: fmt.Sprintf(format, args...), unsupported: true}
	}
	if s.kind == callSocket {
		r.socks = append(r.socks, sock{fd: s.want.val, conn: -1, nonblock: s.nonblock})
		return outcome{val: s.want.val}, true, nil
	}
	si := r.sockOf(s.fd)
	if si < 0 {
		return fail("EBADF")
	}
	k := &r.socks[si]
	c := k.conn
	alive := c >= 0 && c == r.cur && !r.conns[c].over
	switch s.kind {
	case callBind:
		return ok, true, nil
	case callSetFlags:
		k.nonblock = s.nonblock
		return ok, true, nil
	case callSetsockopt:
		switch s.opt {
		case "SO_LINGER":
			k.linger0 = s.linger0
		case "SO_KEEPALIVE":
			r.keepalive = s.val != 0
		case "TCP_KEEPIDLE":
			r.idle = float64(s.val)
		case "TCP_USER_TIMEOUT":
			r.userTimeout = float64(s.val) / 1000
		}
		return ok, true, nil
	case callGetError:
		got := ""
		if c >= 0 {
			got, r.conns[c].err = r.conns[c].err, ""
		}
		if got != s.errWant {
			if got == "" {
				got = "0"
			}
			return outcome{}, false, &lineError{line: line, text: text, reason: fmt.Sprintf("SO_ERROR is %s in the model (endpoint %s)", got, r.ep.State)}
		}
		return ok, true, nil
	case callListen:
		if r.busy() {
			return unsup("listen while the endpoint holds a connection: the model has one endpoint")
		}
		r.newConn()
		if !p.step(r, line, fsm.Listen(), false) {
			return fail("EINVAL")
		}
		k.listener = true
		r.listener = si
		return ok, true, nil
	case callConnect:
		if first {
			if k.listener || r.busy() {
				return unsup("connect while the endpoint holds a connection or a listener: the model has one endpoint")
			}
			r.newConn()
			k.conn = r.cur
			if !p.step(r, line, fsm.Open(0), false) {
				return fail("EISCONN")
			}
			if k.nonblock {
				return fail("EINPROGRESS")
			}
			return ok, false, nil
		}
		cc := &r.conns[k.conn]
		switch {
		case cc.synced:
			return ok, true, nil
		case cc.err != "":
			errno := cc.err
			cc.err = ""
			return fail(errno)
		case r.ep.State == fsm.StateClosed:
			return fail("ECONNREFUSED")
		}
		return ok, false, nil
	case callAccept:
		if !k.listener {
			return fail("EINVAL")
		}
		// The oldest connection that reached ESTABLISHED and was not accepted, even if it
		// has since been reset: accept returns it, and reading it gives the reset.
		j := slices.IndexFunc(r.conns, func(c conn) bool { return c.synced && !c.accepted })
		if j >= 0 {
			// The script names the new descriptor (packetdrill maps it to the live one); a
			// script that expects no connection gets the lowest free one, as a kernel does.
			fd := s.want.val
			if s.want.any || fd < 0 {
				fd = r.freeFD()
			}
			r.conns[j].accepted = true
			r.socks = append(r.socks, sock{fd: fd, conn: j})
			return outcome{val: fd}, true, nil
		}
		if k.nonblock {
			return fail("EAGAIN")
		}
		return ok, false, nil
	case callWrite:
		if c < 0 {
			return fail("ENOTCONN")
		}
		if e := r.conns[c].err; e != "" {
			r.conns[c].err = ""
			return fail(e)
		}
		if !alive {
			return fail("EPIPE")
		}
		switch r.ep.State {
		case fsm.StateEstablished, fsm.StateCloseWait:
			if !p.sends(r, line, s.n) {
				return fail("EPIPE")
			}
			return outcome{val: int64(s.n)}, true, nil
		case fsm.StateSynSent, fsm.StateSynReceived:
			if k.nonblock {
				return fail("EAGAIN")
			}
			return ok, false, nil
		}
		return fail("EPIPE")
	case callRead:
		if c < 0 {
			return fail("ENOTCONN")
		}
		cc := &r.conns[c]
		switch {
		case cc.unread > 0:
			n := min(cc.unread, s.n)
			cc.unread -= n
			return outcome{val: int64(n)}, true, nil
		case cc.err != "":
			e := cc.err
			cc.err = ""
			return fail(e)
		case cc.eof || cc.over || r.ep.State == fsm.StateClosed:
			return ok, true, nil
		case k.nonblock:
			return fail("EAGAIN")
		}
		return ok, false, nil
	case callClose:
		return p.close(r, line, si)
	case callShutdown:
		if !alive {
			return fail("ENOTCONN")
		}
		if !p.step(r, line, fsm.Close(), false) {
			return fail("ENOTCONN")
		}
		return ok, true, nil
	}
	return ok, true, nil
}

// close plays close(fd). A listener's close ends the LISTEN (or resets a connection it
// has not passed on, as Linux's inet_csk_listen_stop does); it leaves an accepted
// connection alone. A connection's close is CLOSE, or ABORT with SO_LINGER 0 or with
// data the user never read (RFC 1122 §4.2.2.13: a host SHOULD reset to show data was
// lost; Linux's tcp_close does).
func (p *player) close(r *run, line, si int) (outcome, bool, *lineError) {
	k := &r.socks[si]
	k.closed = true
	if k.listener {
		r.listener = -1
		if r.cur < 0 || r.conns[r.cur].accepted || r.conns[r.cur].over {
			return outcome{}, true, nil
		}
		if r.ep.State == fsm.StateListen {
			p.step(r, line, fsm.Close(), false)
		} else {
			r.note(line, "the listener closes before accepting its connection: ABORT (RFC 9293 §3.10.5); Linux resets an established connection left in the accept queue, but drops one still in SYN-RECEIVED without a word")
			p.step(r, line, fsm.Abort(), false)
		}
		return outcome{}, true, nil
	}
	c := k.conn
	if c < 0 || c != r.cur || r.conns[c].over {
		return outcome{}, true, nil
	}
	r.conns[c].closed = true
	switch {
	case k.linger0:
		p.step(r, line, fsm.Abort(), false)
	case r.conns[c].unread > 0:
		r.note(line, fmt.Sprintf("close with %d bytes unread: ABORT (RFC 1122 §4.2.2.13)", r.conns[c].unread))
		p.step(r, line, fsm.Abort(), false)
	default:
		p.step(r, line, fsm.Close(), false)
	}
	return outcome{}, true, nil
}

// sends plays n SEND calls: the first stepped, so that its row is recorded, the rest at
// once where the table allows (fsm.Machine.Sends).
func (p *player) sends(r *run, line int, n uint64) bool {
	if n == 0 {
		return true
	}
	if n > 1<<30 {
		return false
	}
	if !p.step(r, line, fsm.Send(), false) {
		return false
	}
	if n == 1 {
		return true
	}
	before := r.ep
	rule := ""
	if len(r.out) > 0 {
		rule = r.out[len(r.out)-1].rule
	}
	next, ok := p.m.Sends(r.ep, uint32(n-1))
	if !ok {
		for range n - 1 {
			if !p.step(r, line, fsm.Send(), false) {
				return false
			}
		}
		return true
	}
	r.ep = next
	r.rtxAt = r.now
	if !before.Unacked() {
		r.unaAt = r.now
	}
	more := sent{seg: fsm.Segment{Flags: fsm.ACK, Seq: before.SndNxt, Ack: before.RcvNxt, Len: uint32(n - 1)},
		rel: p.m.Space.Dist(r.iss, before.SndNxt), rule: rule, nxt: p.m.Space.Dist(r.iss, next.SndNxt)}
	r.push(more)
	// The step recorded for the first SEND stands for all n of them.
	last := r.steps[len(r.steps)-1]
	last.Event = fmt.Sprintf("send x%d", n)
	last.Sends = append(slices.Clip(last.Sends), r.render(more))
	r.steps = append(r.steps[:len(r.steps)-1:len(r.steps)-1], last)
	return true
}
