package pktscript

import (
	"fmt"
	"strconv"
)

// call parses "[...END] name(args) = result [ERRNO] [(note)]". The arguments may wrap
// across lines; the rest stays on the line where the arguments end.
func (p *parser) call() (*Call, error) {
	const ctx = "system call"
	c := &Call{}
	if t := p.peek(); t.kind == tEllipsis {
		p.next()
		v, err := p.timeNumber(ctx, `an end time after "..."`, true)
		if err != nil {
			return nil, err
		}
		c.Blocking, c.End = true, v
	}
	name := p.peek()
	if name.kind != tWord || !sameLine(name) {
		return nil, p.unexpected(ctx, "a function name", name, true)
	}
	p.next()
	c.Name = name.text
	open := p.peek()
	if !isPunct(open, '(') || !sameLine(open) {
		return nil, p.unexpected(ctx, fmt.Sprintf("( after %s", name.text), open, true)
	}
	p.next()
	args, err := p.list(ctx, open, ')', 0)
	if err != nil {
		return nil, err
	}
	c.Args = args
	if t := p.peek(); !isPunct(t, '=') || !sameLine(t) {
		return nil, p.unexpected(ctx, fmt.Sprintf("= after %s(...)", name.text), t, true)
	}
	p.next()
	if t := p.peek(); !sameLine(t) {
		return nil, p.unexpected(ctx, "a result after =", t, true)
	}
	if c.Result, err = p.expr(ctx, 0); err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == tWord && sameLine(t) {
		p.next()
		c.Errno = t.text
	}
	if t := p.peek(); isPunct(t, '(') && sameLine(t) {
		if c.Note, err = p.note(ctx); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// note takes "(free text)" on the current line and returns the text inside, white space
// folded. packetdrill wants words only; any text is taken so that notes like
// "(Can't assign requested address)" do not fail.
func (p *parser) note(ctx string) (string, error) {
	open := p.next()
	var inner []token
	depth := 0
	for {
		t := p.peek()
		if t.kind == tErr {
			return "", p.lx.err
		}
		if !sameLine(t) {
			return "", p.errAt(open.line, "%s: missing ) to close the note", ctx)
		}
		p.next()
		if isPunct(t, '(') {
			depth++
		} else if isPunct(t, ')') {
			if depth == 0 {
				break
			}
			depth--
		}
		inner = append(inner, t)
	}
	if len(inner) == 0 {
		return "", p.errAt(open.line, "%s: empty note ()", ctx)
	}
	return joinTokens(inner), nil
}

// list parses the comma-separated expressions after open up to the closing byte: call
// arguments, array elements and function arguments. depth is the bracket nesting of the
// elements.
func (p *parser) list(ctx string, open token, closing byte, depth int) ([]Expr, error) {
	if isPunct(p.peek(), closing) {
		p.next()
		return nil, nil
	}
	var out []Expr
	for {
		e, err := p.item(ctx, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		t := p.peek()
		if isPunct(t, closing) {
			p.next()
			return out, nil
		}
		if !isPunct(t, ',') {
			return nil, p.unclosed(ctx, open, closing, t)
		}
		p.next()
	}
}

// unclosed reports t where a comma or the closing byte of open was wanted.
func (p *parser) unclosed(ctx string, open token, closing byte, t token) error {
	switch t.kind {
	case tErr:
		return p.lx.err
	case tEOF:
		return p.errAt(open.line, "%s: missing %q to close %q, got end of file", ctx, string(closing), open.text)
	}
	return p.errAt(t.line, `%s: want "," or %q, got %s (unclosed %q from line %d)`,
		ctx, string(closing), quote(t.text), open.text, open.line)
}

// item is an element of a list: an expression, or "NAME=expression", which packetdrill
// reads as a binary "=" expression.
func (p *parser) item(ctx string, depth int) (Expr, error) {
	if w, eq := p.peek(), p.peekN(1); w.kind == tWord && isPunct(eq, '=') {
		p.next()
		p.next()
		v, err := p.expr(ctx, depth)
		if err != nil {
			return Expr{}, err
		}
		return Expr{Kind: ExprBinary, Text: "=", List: []Expr{{Kind: ExprWord, Text: w.text}, v}}, nil
	}
	return p.expr(ctx, depth)
}

// expr parses "operand | operand | ...", left-associative.
func (p *parser) expr(ctx string, depth int) (Expr, error) {
	left, err := p.operand(ctx, depth)
	if err != nil {
		return Expr{}, err
	}
	return p.orChain(ctx, depth, left)
}

func (p *parser) orChain(ctx string, depth int, left Expr) (Expr, error) {
	for isPunct(p.peek(), '|') {
		p.next()
		right, err := p.operand(ctx, depth)
		if err != nil {
			return Expr{}, err
		}
		left = Expr{Kind: ExprBinary, Text: "|", List: []Expr{left, right}}
	}
	return left, nil
}

// operand parses one expression without "|".
func (p *parser) operand(ctx string, depth int) (Expr, error) {
	t := p.peek()
	switch t.kind {
	case tEllipsis:
		p.next()
		return Expr{Kind: ExprEllipsis}, nil
	case tInt:
		v, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			return Expr{}, p.errAt(t.line, "%s: integer %s out of range", ctx, quote(t.text))
		}
		p.next()
		return Expr{Kind: ExprInt, Int: v}, nil
	case tHex:
		v, err := strconv.ParseUint(t.text[2:], 16, 64)
		if err != nil {
			return Expr{}, p.errAt(t.line, "%s: integer %s out of range", ctx, quote(t.text))
		}
		p.next()
		// A 64-bit hex pattern keeps its bits; packetdrill reads it into an s64 too.
		return Expr{Kind: ExprInt, Int: int64(v)}, nil
	case tString:
		return p.str(), nil
	case tWord:
		if o := p.peekN(1); isPunct(o, '(') && !o.gap {
			if err := p.nest(ctx, o, depth); err != nil {
				return Expr{}, err
			}
			p.next()
			p.next()
			args, err := p.list(ctx, o, ')', depth+1)
			if err != nil {
				return Expr{}, err
			}
			return Expr{Kind: ExprFunc, Text: t.text, List: args}, nil
		}
		p.next()
		return Expr{Kind: ExprWord, Text: t.text}, nil
	case tPunct:
		switch t.text[0] {
		case '[':
			if err := p.nest(ctx, t, depth); err != nil {
				return Expr{}, err
			}
			p.next()
			elems, err := p.list(ctx, t, ']', depth+1)
			if err != nil {
				return Expr{}, err
			}
			return Expr{Kind: ExprArray, List: elems}, nil
		case '{':
			if err := p.nest(ctx, t, depth); err != nil {
				return Expr{}, err
			}
			p.next()
			return p.structure(ctx, t, depth+1)
		}
	}
	return Expr{}, p.unexpected(ctx, "an expression", t, false)
}

// nest refuses to open a bracket past maxNesting, which bounds the parser's recursion.
func (p *parser) nest(ctx string, open token, depth int) error {
	if depth >= maxNesting {
		return p.errAt(open.line, "%s: expression nested deeper than %d", ctx, maxNesting)
	}
	return nil
}

// str parses a string, "abc"... (StringEllipsis), or adjacent strings "a" "b", which
// packetdrill concatenates: a binary "." expression.
func (p *parser) str() Expr {
	t := p.next()
	e := Expr{Kind: ExprString, Text: t.val}
	if p.peek().kind == tEllipsis {
		p.next()
		e.StringEllipsis = true
		return e
	}
	for p.peek().kind == tString {
		n := p.next()
		e = Expr{Kind: ExprBinary, Text: ".", List: []Expr{e, {Kind: ExprString, Text: n.val}}}
	}
	return e
}

// structure parses the members of "{...}" after the brace: "name=value", "value"
// (iovec's {..., 1000}), or "name(...)=value" (msghdr's msg_name(...)=...), whose whole
// name is kept as written.
func (p *parser) structure(ctx string, open token, depth int) (Expr, error) {
	e := Expr{Kind: ExprStruct}
	if isPunct(p.peek(), '}') {
		p.next()
		return e, nil
	}
	for {
		f, err := p.field(ctx, depth)
		if err != nil {
			return Expr{}, err
		}
		e.Fields = append(e.Fields, f)
		t := p.peek()
		if isPunct(t, '}') {
			p.next()
			return e, nil
		}
		if !isPunct(t, ',') {
			return Expr{}, p.unclosed(ctx, open, '}', t)
		}
		p.next()
	}
}

func (p *parser) field(ctx string, depth int) (Field, error) {
	t, n := p.peek(), p.peekN(1)
	if t.kind == tWord && isPunct(n, '=') {
		p.next()
		p.next()
		v, err := p.expr(ctx, depth)
		return Field{Name: t.text, Value: v}, err
	}
	if t.kind == tWord && isPunct(n, '(') && !n.gap {
		start := len(p.consumed)
		fn, err := p.operand(ctx, depth)
		if err != nil {
			return Field{}, err
		}
		if isPunct(p.peek(), '=') {
			name := joinTokens(p.consumed[start:])
			p.next()
			v, err := p.expr(ctx, depth)
			return Field{Name: name, Value: v}, err
		}
		v, err := p.orChain(ctx, depth, fn)
		return Field{Value: v}, err
	}
	v, err := p.expr(ctx, depth)
	return Field{Value: v}, err
}
