package pktscript

import (
	"fmt"
	"strconv"
)

// Parse parses the packetdrill script src; name is the file it came from, for messages.
// An error says where: "name:line: what is wrong". Parse checks the grammar and the
// bounds packetdrill's own parser checks (numbers in range, end-seq == len, "*" and time
// ranges on outbound packets only); it does not judge what the script asks of TCP.
func Parse(name string, src []byte) (*Script, error) {
	if len(src) > maxScriptBytes {
		return nil, &Error{File: name, Line: 1,
			Msg: fmt.Sprintf("script is %d bytes, over the limit of %d", len(src), maxScriptBytes)}
	}
	if line, n := longLine(src); line > 0 {
		return nil, &Error{File: name, Line: line,
			Msg: fmt.Sprintf("line is %d bytes, over the limit of %d", n, maxLineBytes)}
	}
	p := &parser{name: name, lx: newLexer(name, src)}
	return p.script()
}

// parser is a recursive-descent parser over the lexer's tokens with a small lookahead.
type parser struct {
	name  string
	lx    *lexer
	ahead []token
	// consumed holds the tokens taken since the current event (or option) began; their
	// joined text is Event.Text, and parts of it name msghdr fields and ICMP details.
	consumed []token
	last     token // the last token taken, for "end of line" errors
}

func (p *parser) peekN(i int) token {
	for len(p.ahead) <= i {
		p.ahead = append(p.ahead, p.lx.next())
	}
	return p.ahead[i]
}

func (p *parser) peek() token { return p.peekN(0) }

// next takes the next token. At the end or after a lexical error it stays put.
func (p *parser) next() token {
	t := p.peek()
	if t.kind == tEOF || t.kind == tErr {
		return t
	}
	copy(p.ahead, p.ahead[1:])
	p.ahead = p.ahead[:len(p.ahead)-1]
	p.consumed = append(p.consumed, t)
	p.last = t
	return t
}

// sameLine says t continues the line of the tokens before it.
func sameLine(t token) bool { return t.kind != tEOF && t.kind != tErr && !t.newline }

func isPunct(t token, c byte) bool { return t.kind == tPunct && t.text[0] == c }

func isWord(t token, w string) bool { return t.kind == tWord && t.text == w }

func (p *parser) errAt(line int, format string, args ...any) error {
	return &Error{File: p.name, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// lastLine is the line the last taken token ends on, where "end of line" is reported.
func (p *parser) lastLine(t token) int {
	if p.last.endLine > 0 {
		return p.last.endLine
	}
	return t.line
}

// unexpected reports that t came where want was expected. With line set, a token on a
// later line counts as the end of the line.
func (p *parser) unexpected(ctx, want string, t token, line bool) error {
	switch {
	case t.kind == tErr:
		return p.lx.err
	case t.kind == tEOF && !line:
		return p.errAt(p.lastLine(t), "%s: want %s, got end of file", ctx, want)
	case line && t.newline:
		return p.errAt(p.lastLine(t), "%s: want %s, got end of line", ctx, want)
	}
	return p.errAt(t.line, "%s: want %s, got %s", ctx, want, quote(t.text))
}

// quote quotes source text for a message, cut short so a message stays one short line.
func quote(s string) string {
	const max = 40
	if len(s) > max {
		return strconv.Quote(s[:max]) + "..."
	}
	return strconv.Quote(s)
}

func (p *parser) script() (*Script, error) {
	s := &Script{Name: p.name}
	for {
		p.consumed = p.consumed[:0]
		t := p.peek()
		switch t.kind {
		case tErr:
			return nil, p.lx.err
		case tEOF:
			if len(s.Events) == 0 {
				return nil, p.errAt(1, "script has no events")
			}
			return s, nil
		case tOption:
			if len(s.Events) > 0 {
				return nil, p.errAt(t.line, "option --%s after the first event: options go at the top", t.val)
			}
			p.next()
			o, err := p.option(t)
			if err != nil {
				return nil, err
			}
			s.Options = append(s.Options, o)
		default:
			ev, err := p.event(len(s.Events) == 0)
			if err != nil {
				return nil, err
			}
			s.Events = append(s.Events, ev)
		}
	}
}

func (p *parser) option(t token) (Option, error) {
	o := Option{Line: t.line, Name: t.val, Value: t.optVal}
	if t.optEq && t.optVal == "" {
		return o, p.errAt(t.line, "option --%s: want a value after =", t.val)
	}
	// A value that is one quoted string loses its quotes, as packetdrill's option_value
	// STRING does; --define=CC="reno" stays as written.
	if v := t.optVal; len(v) >= 2 && v[0] == '"' {
		if end, ok := scanQuoted(v, 0, '"', false); ok && end == len(v) {
			o.Value = v[1 : len(v)-1]
		}
	}
	return o, nil
}

// event parses one event: a time and an action. first says no event came before, where a
// command may come without a time (packetdrill's opt_init_command).
func (p *parser) event(first bool) (Event, error) {
	t := p.peek()
	ev := Event{Line: t.line}
	var ctx, what string
	if t.kind == tCommand {
		if !first {
			return ev, p.errAt(t.line, "command: want an event time before `...`: only a command before the first event may go without one")
		}
		p.next()
		ev.Time = Time{Kind: TimeAbsolute}
		ev.Command = &Command{Text: t.val}
		ctx, what = "command", "command"
	} else {
		tm, err := p.eventTime()
		if err != nil {
			return ev, err
		}
		ev.Time = tm
		a := p.peek()
		switch {
		case !sameLine(a):
			return ev, p.unexpected("event", "an action after the time", a, true)
		case isPunct(a, '<') || isPunct(a, '>'):
			ctx, what = "packet line", "packet"
			ev.Packet, err = p.packet()
		case a.kind == tEllipsis || a.kind == tWord:
			ctx, what = "system call", "system call"
			ev.Call, err = p.call()
		case a.kind == tCommand:
			p.next()
			ctx, what = "command", "command"
			ev.Command = &Command{Text: a.val}
		case a.kind == tCode:
			p.next()
			ctx, what = "code", "code block"
			ev.Code = &Code{Text: a.val}
		default:
			return ev, p.unexpected("event",
				"a packet (< or >), a system call, a `command` or a %{ code }% after the time", a, true)
		}
		if err != nil {
			return ev, err
		}
		if err := p.checkTime(ev); err != nil {
			return ev, err
		}
	}
	if n := p.peek(); n.kind == tErr {
		return ev, p.lx.err
	} else if sameLine(n) {
		return ev, p.errAt(n.line, "%s: unexpected %s after the %s", ctx, quote(n.text), what)
	}
	ev.Text = joinTokens(p.consumed)
	return ev, nil
}

// checkTime applies packetdrill's rules on times that its parser enforces: "*" and time
// ranges are only for outbound packets, whose arrival the script cannot pin down.
func (p *parser) checkTime(ev Event) error {
	outbound := ev.Packet != nil && ev.Packet.Dir == Outbound
	switch ev.Time.Kind {
	case TimeAny:
		if !outbound {
			return p.errAt(ev.Line, "time: * can only be used with outbound packets")
		}
	case TimeRange, TimeRelativeRange:
		if !outbound {
			return p.errAt(ev.Line, "time: a time range can only be used with outbound packets")
		}
	}
	return nil
}

// eventTime parses 0.1, +0.1, *, 0.1~0.2 or +0.1~+0.2.
func (p *parser) eventTime() (Time, error) {
	const ctx = "time"
	t := p.peek()
	var tm Time
	switch {
	case isPunct(t, '*'):
		p.next()
		return Time{Kind: TimeAny}, nil
	case isPunct(t, '+'):
		p.next()
		v, err := p.timeNumber(ctx, `a number after "+"`, true)
		if err != nil {
			return tm, err
		}
		tm = Time{Kind: TimeRelative, Start: v}
	case t.kind == tInt || t.kind == tFloat:
		v, err := p.timeNumber(ctx, "a number", false)
		if err != nil {
			return tm, err
		}
		tm = Time{Kind: TimeAbsolute, Start: v}
	default:
		return tm, p.unexpected(ctx, "an event time (0.1, +0.1, *, 0.1~0.2)", t, false)
	}
	if tl := p.peek(); !isPunct(tl, '~') || !sameLine(tl) {
		return tm, nil
	}
	p.next()
	plus := p.peek()
	switch {
	case tm.Kind == TimeRelative && !(isPunct(plus, '+') && sameLine(plus)):
		return tm, p.unexpected(ctx, `"+" after "~" in a relative range (+0.1~+0.2)`, plus, true)
	case tm.Kind == TimeAbsolute && isPunct(plus, '+'):
		return tm, p.errAt(plus.line, "time: an absolute range (0.1~0.2) cannot end in a relative time")
	case tm.Kind == TimeRelative:
		p.next()
		tm.Kind = TimeRelativeRange
	default:
		tm.Kind = TimeRange
	}
	v, err := p.timeNumber(ctx, `a number after "~"`, true)
	if err != nil {
		return tm, err
	}
	tm.End = v
	if tm.End < tm.Start {
		return tm, p.errAt(t.line, "time: range %g~%g is backwards", tm.Start, tm.End)
	}
	return tm, nil
}

// timeNumber takes a non-negative number of seconds; with cont set it must continue the
// current line.
func (p *parser) timeNumber(ctx, want string, cont bool) (float64, error) {
	t := p.peek()
	if (t.kind != tInt && t.kind != tFloat) || cont && !sameLine(t) {
		return 0, p.unexpected(ctx, want, t, true)
	}
	p.next()
	v, err := strconv.ParseFloat(t.text, 64)
	if err != nil {
		return 0, p.errAt(t.line, "%s: %s out of range", ctx, quote(t.text))
	}
	if v < 0 {
		return 0, p.errAt(t.line, "%s: negative time %s", ctx, quote(t.text))
	}
	return v, nil
}
