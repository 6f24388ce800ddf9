package pktscript

import (
	"bytes"
	"fmt"
	"strings"
)

// Bounds on what one input can make the parser do, so that a hostile or broken file
// costs a bounded amount of memory and stack.
const (
	maxScriptBytes = 1 << 20  // a whole script
	maxLineBytes   = 64 << 10 // one line of it
	maxNesting     = 32       // brackets, braces and call parentheses inside one expression
)

// Error is a parse error: the file, the 1-based line and what is wrong there. Its text is
// "file:line: message", one line, lowercase.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// tokKind is the kind of a lexical token, after packetdrill's lexer.l.
type tokKind uint8

const (
	tEOF      tokKind = iota
	tErr              // the lexer failed; lexer.err says why
	tInt              // -?[0-9]+
	tHex              // 0x[0-9a-fA-F]+
	tFloat            // -?[0-9]*\.[0-9]+
	tWord             // [a-zA-Z0-9_]+ that is not a number
	tString           // "..." on one line, backslash escapes kept as written
	tEllipsis         // ...
	tCommand          // `...`, may span lines
	tCode             // %{ ... }%, may span lines
	tOption           // --name or --name=value
	tPunct            // any other single byte: < > ( ) [ ] { } , : = | + * ~ . - and so on
)

// token is one lexical token. Its text is the source as written; the parser joins the
// texts of an event's tokens, with one space wherever white space or a comment separated
// them, to make Event.Text and the texts of TCP options and notes.
type token struct {
	kind tokKind
	text string
	// val is the inside of a string or command, the trimmed inside of a code block, the
	// name of an option.
	val string
	// optVal is an option's value as written; optEq says the option had "=".
	optVal string
	optEq  bool
	// line and endLine are the lines the token starts and ends on.
	line, endLine int
	// gap says white space or a comment comes before the token; newline says it is the
	// first token on its line (events and options start a line, and most of a packet line
	// must stay on one line).
	gap, newline bool
}

// lexer cuts a script into tokens on demand, so that a lexical error is reported only
// when the parser reaches it, in file order with the syntax errors.
type lexer struct {
	name    string
	src     string
	pos     int
	line    int
	prevEnd int // endLine of the previous token, 0 before the first
	err     error
}

func newLexer(name string, src []byte) *lexer {
	return &lexer{name: name, src: string(src), line: 1}
}

func (lx *lexer) fail(line int, format string, args ...any) token {
	lx.err = &Error{File: lx.name, Line: line, Msg: fmt.Sprintf(format, args...)}
	return token{kind: tErr, line: line, endLine: line, newline: true}
}

// next returns the next token; after the end it keeps returning tEOF, after an error tErr.
func (lx *lexer) next() token {
	if lx.err != nil {
		return token{kind: tErr, line: lx.line, endLine: lx.line, newline: true}
	}
	gap, errTok, failed := lx.skip()
	if failed {
		return errTok
	}
	if lx.pos >= len(lx.src) {
		return token{kind: tEOF, line: lx.line, endLine: lx.line, gap: gap, newline: true}
	}
	t := lx.scan()
	if t.kind == tErr {
		return t
	}
	t.gap = gap
	t.newline = lx.prevEnd == 0 || t.line > lx.prevEnd
	lx.prevEnd = t.endLine
	return t
}

// skip passes white space and comments and says whether there were any.
func (lx *lexer) skip() (gap bool, errTok token, failed bool) {
	src := lx.src
	for lx.pos < len(src) {
		c := src[lx.pos]
		switch {
		case c == '\n':
			lx.line++
			lx.pos++
		case isSpace(c):
			lx.pos++
		case c == '/' && lx.at(lx.pos+1) == '/':
			if i := strings.IndexByte(src[lx.pos:], '\n'); i >= 0 {
				lx.pos += i
			} else {
				lx.pos = len(src)
			}
		case c == '/' && lx.at(lx.pos+1) == '*':
			i := strings.Index(src[lx.pos+2:], "*/")
			if i < 0 {
				return false, lx.fail(lx.line, "unterminated /* comment"), true
			}
			end := lx.pos + 2 + i + 2
			lx.line += strings.Count(src[lx.pos:end], "\n")
			lx.pos = end
		default:
			return gap, token{}, false
		}
		gap = true
	}
	return gap, token{}, false
}

func (lx *lexer) at(i int) byte {
	if i < len(lx.src) {
		return lx.src[i]
	}
	return 0
}

// scan reads the token at lx.pos, which is not white space.
func (lx *lexer) scan() token {
	src, start := lx.src, lx.pos
	c := src[start]
	t := token{line: lx.line}
	end := start + 1
	switch {
	case c == '"':
		e, ok := scanQuoted(src, start, '"', false)
		if !ok {
			return lx.fail(lx.line, "unterminated string")
		}
		t.kind, t.val, end = tString, src[start+1:e-1], e
	case c == '`':
		e, ok := scanQuoted(src, start, '`', true)
		if !ok {
			return lx.fail(lx.line, "unterminated ` command")
		}
		t.kind, t.val, end = tCommand, src[start+1:e-1], e
	case c == '%' && lx.at(start+1) == '{':
		i := strings.Index(src[start+2:], "}%")
		if i < 0 {
			return lx.fail(lx.line, "unterminated %%{ code block: no }%%")
		}
		// packetdrill strips blanks (not newlines) at both ends, for Python's sake.
		t.kind, t.val = tCode, strings.Trim(src[start+2:start+2+i], " \t")
		end = start + 2 + i + 2
	case c == '.' && lx.at(start+1) == '.' && lx.at(start+2) == '.':
		t.kind, end = tEllipsis, start+3
	case c == '-' && lx.at(start+1) == '-' && isWordByte(lx.at(start+2)):
		var bad bool
		t, end, bad = lx.option(t, start)
		if bad {
			return lx.fail(lx.line, "option %s: unterminated string", src[start:end])
		}
	case isDigit(c),
		c == '.' && isDigit(lx.at(start+1)),
		c == '-' && isDigit(lx.at(start+1)),
		c == '-' && lx.at(start+1) == '.' && isDigit(lx.at(start+2)):
		t.kind, end = lx.number(start)
	case isWordByte(c):
		for end < len(src) && isWordByte(src[end]) {
			end++
		}
		t.kind = tWord
	default:
		t.kind = tPunct
	}
	t.text = src[start:end]
	t.endLine = t.line + strings.Count(t.text, "\n")
	lx.line = t.endLine
	lx.pos = end
	return t
}

// option reads "--name" or "--name=value". The value runs to the next white space, but
// a quoted part of it may hold white space (--define=CC="a b"). bad reports an
// unterminated quote.
func (lx *lexer) option(t token, start int) (token, int, bool) {
	src := lx.src
	i := start + 2
	for i < len(src) && isWordByte(src[i]) {
		i++
	}
	t.kind, t.val = tOption, src[start+2:i]
	if lx.at(i) != '=' {
		return t, i, false
	}
	t.optEq = true
	j := i + 1
	for j < len(src) && !isSpace(src[j]) {
		if q := src[j]; q == '"' || q == '`' {
			e, ok := scanQuoted(src, j, q, false)
			if !ok {
				return t, j, true
			}
			j = e
			continue
		}
		j++
	}
	t.optVal = src[i+1 : j]
	return t, j, false
}

// number reads a number the way flex does: the longest of float, integer, hex and word
// wins, and a tie goes to the rule listed first in lexer.l (float, integer, hex, word), so
// "0x1f" is hex, "1.5" a float and "123abc" a word.
func (lx *lexer) number(start int) (tokKind, int) {
	src := lx.src
	i := start
	neg := src[i] == '-'
	if neg {
		i++
	}
	d := i
	for d < len(src) && isDigit(src[d]) {
		d++
	}
	f := -1
	if lx.at(d) == '.' && isDigit(lx.at(d+1)) {
		f = d + 1
		for f < len(src) && isDigit(src[f]) {
			f++
		}
	}
	if neg {
		if f > 0 {
			return tFloat, f
		}
		return tInt, d
	}
	kind, best := tInt, d
	if f > best {
		kind, best = tFloat, f
	}
	if src[start] == '0' && lx.at(start+1) == 'x' && isHexDigit(lx.at(start+2)) {
		h := start + 2
		for h < len(src) && isHexDigit(src[h]) {
			h++
		}
		if h > best {
			kind, best = tHex, h
		}
	}
	w := start
	for w < len(src) && isWordByte(src[w]) {
		w++
	}
	if w > best {
		kind, best = tWord, w
	}
	return kind, best
}

// scanQuoted finds the end (one past the closing quote) of the quoted text that starts at
// src[start]. A backslash escapes the byte after it. Only commands may span lines.
func scanQuoted(src string, start int, q byte, multiline bool) (int, bool) {
	for i := start + 1; i < len(src); i++ {
		switch src[i] {
		case '\\':
			if i+1 < len(src) && (multiline || src[i+1] != '\n') {
				i++
			}
		case q:
			return i + 1, true
		case '\n':
			if !multiline {
				return 0, false
			}
		}
	}
	return 0, false
}

// longLine returns the first line longer than maxLineBytes and its length, or 0.
func longLine(src []byte) (line, n int) {
	line = 1
	for len(src) > 0 {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			i = len(src)
		}
		if i > maxLineBytes {
			return line, i
		}
		if i == len(src) {
			break
		}
		src = src[i+1:]
		line++
	}
	return 0, 0
}

// joinTokens makes the text of a run of tokens: their texts with runs of white space
// folded to one space, and one space wherever white space or a comment separated two
// tokens.
func joinTokens(ts []token) string {
	var b strings.Builder
	for i, t := range ts {
		if i > 0 && t.gap {
			b.WriteByte(' ')
		}
		inSpace := false
		for j := 0; j < len(t.text); j++ {
			c := t.text[j]
			if isSpace(c) {
				if !inSpace {
					b.WriteByte(' ')
				}
				inSpace = true
				continue
			}
			inSpace = false
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHexDigit(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isWordByte(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}
