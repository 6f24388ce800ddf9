package pktscript

import (
	"fmt"
	"math"
	"strconv"
)

// packet parses a packet line after its time: direction, optional IP info in brackets,
// then a TCP, UDP or ICMP description, all on one line (only a TCP option list may wrap
// after a comma).
func (p *parser) packet() (*Packet, error) {
	const ctx = "packet line"
	d := p.next()
	pk := &Packet{Dir: Direction(d.text[0])}
	// A bracket after the direction is IP info ("[ect0]", "[tos 0x1]") or, before "icmp",
	// the packet an ICMP message echoes ("[1:1(0)]", "[udp (100)]"), as in packetdrill's
	// older icmp_packet_spec.
	echoed := false
	if t := p.peek(); isPunct(t, '(') && sameLine(t) {
		// packetdrill also takes IP info in parentheses: "< (tos 0x1) S 0:0(0) ...".
		inner, err := p.bracketed(ctx, ')')
		if err != nil {
			return nil, err
		}
		if err := p.checkIPInfo(ctx, inner, t.line); err != nil {
			return nil, err
		}
		pk.ECN = joinTokens(inner)
	} else if isPunct(t, '[') && sameLine(t) {
		inner, err := p.bracketed(ctx, ']')
		if err != nil {
			return nil, err
		}
		if isEchoed(inner) {
			if err := p.checkEchoed(ctx, inner); err != nil {
				return nil, err
			}
			echoed = true
		} else {
			if err := p.checkIPInfo(ctx, inner, t.line); err != nil {
				return nil, err
			}
			pk.ECN = joinTokens(inner)
		}
	}
	t := p.peek()
	switch {
	case !sameLine(t):
		return nil, p.unexpected(ctx, "tcp flags, udp or icmp", t, true)
	case isWord(t, "icmp"):
		return pk, p.icmp(pk)
	case echoed:
		return nil, p.errAt(t.line, "%s: want icmp after the echoed packet, got %s", ctx, quote(t.text))
	case isWord(t, "udp"):
		return pk, p.udp(pk)
	}
	if err := p.flags(pk); err != nil {
		return nil, err
	}
	var err error
	if pk.Seq, pk.End, pk.Len, err = p.seq(ctx); err != nil {
		return nil, err
	}
	if t := p.peek(); isWord(t, "ack") && sameLine(t) {
		p.next()
		if pk.Ack, err = p.number(ctx, "ack", "ack", math.MaxUint32); err != nil {
			return nil, err
		}
		pk.HasAck = true
	}
	if t := p.peek(); isWord(t, "win") && sameLine(t) {
		p.next()
		if pk.Win, err = p.number(ctx, "win", "win", math.MaxUint16); err != nil {
			return nil, err
		}
		pk.HasWin = true
	}
	if t := p.peek(); isWord(t, "urg") && sameLine(t) {
		// The AST has no urgent pointer; dropping it silently would change the packet.
		return nil, p.errAt(t.line, "%s: urg pointer is not supported", ctx)
	}
	if t := p.peek(); isPunct(t, '<') && sameLine(t) {
		if err := p.tcpOptions(pk); err != nil {
			return nil, err
		}
	}
	return pk, nil
}

// flags parses the TCP flags: letters of SFRPUEW with an optional "." for ACK, a lone
// ".", or "-" for none.
func (p *parser) flags(pk *Packet) error {
	t := p.peek()
	switch {
	case isPunct(t, '.'):
		p.next()
		pk.Flags, pk.FlagsText = FlagACK, "."
		return nil
	case isPunct(t, '-'):
		p.next()
		pk.FlagsText = "-"
		return nil
	case t.kind != tWord:
		return p.unexpected("packet line", "tcp flags (S, S., ., F., R, P., -)", t, true)
	}
	for i := 0; i < len(t.text); i++ {
		f, ok := flagOf(t.text[i])
		if !ok {
			return p.errAt(t.line, "packet line: unknown tcp flag %q in %s", t.text[i:i+1], quote(t.text))
		}
		pk.Flags |= f
	}
	p.next()
	pk.FlagsText = t.text
	if d := p.peek(); isPunct(d, '.') && !d.gap && sameLine(d) {
		p.next()
		pk.Flags |= FlagACK
		pk.FlagsText += "."
	}
	return nil
}

func flagOf(c byte) (Flags, bool) {
	switch c {
	case 'S':
		return FlagSYN, true
	case 'F':
		return FlagFIN, true
	case 'R':
		return FlagRST, true
	case 'P':
		return FlagPSH, true
	case 'U':
		return FlagURG, true
	case 'E':
		return FlagECE, true
	case 'W':
		return FlagCWR, true
	}
	return 0, false
}

// seq parses "seq:end(len)" on the current line.
func (p *parser) seq(ctx string) (seq, end, n uint32, err error) {
	var ts []token
	for i := 0; i < 6; i++ {
		t := p.peekN(i)
		if !sameLine(t) {
			break
		}
		ts = append(ts, t)
	}
	if !seqShape(ts) {
		t := p.peek()
		if t.kind == tErr {
			return 0, 0, 0, p.lx.err
		}
		if !sameLine(t) {
			return 0, 0, 0, p.errAt(p.lastLine(t), "%s: want seq:end(len), got end of line", ctx)
		}
		return 0, 0, 0, p.errAt(t.line, "%s: want seq:end(len), got %s", ctx, quote(p.run()))
	}
	for range ts {
		p.next()
	}
	seq, end, n, msg := seqValues(ts)
	if msg != "" {
		return 0, 0, 0, p.errAt(ts[0].line, "%s: %s", ctx, msg)
	}
	return seq, end, n, nil
}

// run is the text of the tokens ahead that touch one another, as in "0:0" of "0:0 win 1",
// to show what stood where something else was wanted.
func (p *parser) run() string {
	var ts []token
	for i := 0; i < 16; i++ {
		t := p.peekN(i)
		if !sameLine(t) || i > 0 && t.gap {
			break
		}
		ts = append(ts, t)
	}
	return joinTokens(ts)
}

// seqShape says ts is INTEGER ':' INTEGER '(' INTEGER ')'.
func seqShape(ts []token) bool {
	return len(ts) == 6 && ts[0].kind == tInt && isPunct(ts[1], ':') && ts[2].kind == tInt &&
		isPunct(ts[3], '(') && ts[4].kind == tInt && isPunct(ts[5], ')')
}

// seqValues checks the numbers of a seqShape run as packetdrill does: seq and end fit
// 32 bits, len fits 16, and end == seq+len with no wrap. It returns a message when not.
func seqValues(ts []token) (seq, end, n uint32, msg string) {
	s, err := strconv.ParseUint(ts[0].text, 10, 32)
	if err != nil {
		return 0, 0, 0, fmt.Sprintf("sequence number %s out of range", ts[0].text)
	}
	e, err := strconv.ParseUint(ts[2].text, 10, 32)
	if err != nil {
		return 0, 0, 0, fmt.Sprintf("end sequence number %s out of range", ts[2].text)
	}
	l, err := strconv.ParseUint(ts[4].text, 10, 16)
	if err != nil {
		return 0, 0, 0, fmt.Sprintf("payload length %s out of range (at most %d)", ts[4].text, math.MaxUint16)
	}
	if s+l != e {
		return 0, 0, 0, fmt.Sprintf("inconsistent seq:end(len) %s:%s(%s): end-seq must equal len",
			ts[0].text, ts[2].text, ts[4].text)
	}
	return uint32(s), uint32(e), uint32(l), ""
}

// number takes the unsigned decimal that is what's value, at most max, after the token
// after.
func (p *parser) number(ctx, after, what string, max uint64) (uint32, error) {
	t := p.peek()
	if t.kind != tInt || !sameLine(t) {
		return 0, p.unexpected(ctx, fmt.Sprintf("a number after %q", after), t, true)
	}
	v, err := strconv.ParseUint(t.text, 10, 64)
	if err != nil || v > max {
		return 0, p.errAt(t.line, "%s: %s %s out of range (at most %d)", ctx, what, t.text, max)
	}
	p.next()
	return uint32(v), nil
}

// bracketed takes "[ ... ]" (or "( ... )") on the current line and returns the tokens
// inside.
func (p *parser) bracketed(ctx string, closing byte) ([]token, error) {
	open := p.next()
	var inner []token
	for {
		t := p.peek()
		if t.kind == tErr {
			return nil, p.lx.err
		}
		if !sameLine(t) {
			return nil, p.errAt(open.line, "%s: missing %c after %s", ctx, closing, open.text)
		}
		p.next()
		if isPunct(t, closing) {
			return inner, nil
		}
		inner = append(inner, t)
	}
}

// isEchoed says a bracket's inside describes an echoed packet rather than IP info.
func isEchoed(inner []token) bool {
	return len(inner) > 0 && (inner[0].kind == tInt || isWord(inner[0], "udp") || isWord(inner[0], "raw"))
}

// checkEchoed checks "seq:end(len)", "udp (N)" or "raw (N)" inside an echoed bracket.
func (p *parser) checkEchoed(ctx string, inner []token) error {
	if inner[0].kind == tInt {
		if !seqShape(inner) {
			return p.errAt(inner[0].line, "%s: want [seq:end(len)] for the echoed packet, got %s", ctx, quote(joinTokens(inner)))
		}
		if _, _, _, msg := seqValues(inner); msg != "" {
			return p.errAt(inner[0].line, "%s: echoed packet: %s", ctx, msg)
		}
		return nil
	}
	if len(inner) != 4 || !isPunct(inner[1], '(') || inner[2].kind != tInt || !isPunct(inner[3], ')') {
		return p.errAt(inner[0].line, "%s: want [%s (len)] for the echoed packet, got %s", ctx, inner[0].text, quote(joinTokens(inner)))
	}
	if _, err := strconv.ParseUint(inner[2].text, 10, 16); err != nil {
		return p.errAt(inner[0].line, "%s: echoed %s length %s out of range", ctx, inner[0].text, inner[2].text)
	}
	return nil
}

// checkIPInfo checks the inside of "[ect0]", "[tos 0x1]", "[ect0, flowlabel 0x12]": words
// and numbers separated by commas. Which words mean what is for the runner.
func (p *parser) checkIPInfo(ctx string, inner []token, line int) error {
	if len(inner) == 0 {
		return p.errAt(line, "%s: empty ip info", ctx)
	}
	for _, t := range inner {
		switch t.kind {
		case tWord, tInt, tHex:
		default:
			if !isPunct(t, ',') {
				return p.errAt(t.line, "%s: unexpected %s in ip info", ctx, quote(t.text))
			}
		}
	}
	return nil
}

// udp parses "udp (len)".
func (p *parser) udp(pk *Packet) error {
	const ctx = "packet line"
	p.next()
	if t := p.peek(); !isPunct(t, '(') || !sameLine(t) {
		return p.unexpected(ctx, "(len) after udp", t, true)
	}
	p.next()
	n, err := p.number(ctx, "(", "udp length", math.MaxUint16)
	if err != nil {
		return err
	}
	if t := p.peek(); !isPunct(t, ')') || !sameLine(t) {
		return p.unexpected(ctx, ") after the udp length", t, true)
	}
	p.next()
	pk.Proto, pk.UDPLen = ProtoUDP, n
	return nil
}

// icmp parses "icmp type [code] [mtu N] [id N] [[echoed]]"; the text after "icmp" is kept.
func (p *parser) icmp(pk *Packet) error {
	const ctx = "packet line"
	p.next()
	start := len(p.consumed)
	if t := p.peek(); t.kind != tWord || !sameLine(t) {
		return p.unexpected(ctx, "an icmp type after icmp", t, true)
	}
	p.next()
	if t := p.peek(); t.kind == tWord && sameLine(t) && t.text != "mtu" && t.text != "id" {
		p.next()
	}
	for _, w := range []string{"mtu", "id"} {
		if t := p.peek(); isWord(t, w) && sameLine(t) {
			p.next()
			if _, err := p.number(ctx, w, w, math.MaxUint32); err != nil {
				return err
			}
		}
	}
	if t := p.peek(); isPunct(t, '[') && sameLine(t) {
		inner, err := p.bracketed(ctx, ']')
		if err != nil {
			return err
		}
		if !isEchoed(inner) {
			return p.errAt(t.line, "%s: want [seq:end(len)] or [udp (len)] for the echoed packet, got %s", ctx, quote(joinTokens(inner)))
		}
		if err := p.checkEchoed(ctx, inner); err != nil {
			return err
		}
	}
	pk.Proto, pk.ICMP = ProtoICMP, joinTokens(p.consumed[start:])
	return nil
}

// tcpOptions parses "<...>" or "<opt, opt, ...>", keeping each option's text. The list
// may continue on the next line after a comma.
func (p *parser) tcpOptions(pk *Packet) error {
	const ctx = "tcp options"
	open := p.next()
	if e, c := p.peek(), p.peekN(1); e.kind == tEllipsis && isPunct(c, '>') && sameLine(e) && sameLine(c) {
		p.next()
		p.next()
		if pk.Dir != Outbound {
			return p.errAt(open.line, "%s: <...> can only be used with outbound packets", ctx)
		}
		pk.OptionsAny = true
		return nil
	}
	var cur []token
	depth := 0
	prev := open
	for {
		t := p.peek()
		if t.kind == tErr {
			return p.lx.err
		}
		if t.kind == tEOF || t.newline && !isPunct(prev, ',') {
			return p.errAt(open.line, "%s: missing > to close the option list", ctx)
		}
		p.next()
		prev = t
		switch {
		case depth == 0 && (isPunct(t, '>') || isPunct(t, ',')):
			if len(cur) == 0 {
				return p.errAt(t.line, "%s: empty option before %s", ctx, quote(t.text))
			}
			pk.Options = append(pk.Options, joinTokens(cur))
			cur = nil
			if isPunct(t, '>') {
				return nil
			}
		default:
			switch {
			case isPunct(t, '(') || isPunct(t, '[') || isPunct(t, '{'):
				depth++
			case (isPunct(t, ')') || isPunct(t, ']') || isPunct(t, '}')) && depth > 0:
				depth--
			}
			cur = append(cur, t)
		}
	}
}
