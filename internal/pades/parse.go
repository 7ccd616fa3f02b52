package pades

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// Limits that keep parsing of an untrusted file bounded in time and memory. Verification
// serves citizens' uploads, so every loop and every allocation here is capped.
const (
	maxDepth        = 48      // nesting of arrays and dictionaries
	maxStringLen    = 1 << 20 // one string token (a CMS container is far smaller)
	maxCollection   = 1 << 16 // elements of one array or dictionary
	maxRevisions    = 64      // incremental updates followed from the last one
	maxXrefEntries  = 1 << 20 // entries over all xref sections
	maxResolve      = 1 << 18 // objects parsed while answering one request
	maxDecodedTotal = 64 << 20
	maxVisits       = 1 << 18 // array entries examined by one walk of fields or annotations
	maxSignatures   = 32      // signatures verified in one file
	maxScan         = 256 << 20
)

var errSyntax = errors.New("pdf syntax error")

func isWhite(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelimiter(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// lexer reads tokens from b. base is the file offset of b[0], or -1 when b is not the
// file itself (a decoded object stream).
type lexer struct {
	b    []byte
	pos  int
	base int64
}

type tokKind int

const (
	tEOF tokKind = iota
	tInt
	tReal
	tName
	tString
	tDictOpen
	tDictClose
	tArrOpen
	tArrClose
	tKeyword
)

type token struct {
	kind tokKind
	i    int64
	f    float64
	s    []byte // name, keyword or string bytes
	hex  bool
	pos  int // start in b
	end  int
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		if isWhite(c) {
			l.pos++
			continue
		}
		if c == '%' {
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		return
	}
}

func (l *lexer) next() (token, error) {
	l.skipSpace()
	start := l.pos
	if l.pos >= len(l.b) {
		return token{kind: tEOF, pos: start, end: start}, nil
	}
	c := l.b[l.pos]
	switch {
	case c == '<' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '<':
		l.pos += 2
		return token{kind: tDictOpen, pos: start, end: l.pos}, nil
	case c == '>' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '>':
		l.pos += 2
		return token{kind: tDictClose, pos: start, end: l.pos}, nil
	case c == '[':
		l.pos++
		return token{kind: tArrOpen, pos: start, end: l.pos}, nil
	case c == ']':
		l.pos++
		return token{kind: tArrClose, pos: start, end: l.pos}, nil
	case c == '/':
		l.pos++
		var n []byte
		for l.pos < len(l.b) && !isWhite(l.b[l.pos]) && !isDelimiter(l.b[l.pos]) {
			ch := l.b[l.pos]
			if ch == '#' && l.pos+2 < len(l.b) {
				if v, err := strconv.ParseUint(string(l.b[l.pos+1:l.pos+3]), 16, 8); err == nil {
					n = append(n, byte(v))
					l.pos += 3
					continue
				}
			}
			n = append(n, ch)
			l.pos++
		}
		return token{kind: tName, s: n, pos: start, end: l.pos}, nil
	case c == '(':
		s, err := l.literalString()
		return token{kind: tString, s: s, pos: start, end: l.pos}, err
	case c == '<':
		s, err := l.hexString()
		return token{kind: tString, s: s, hex: true, pos: start, end: l.pos}, err
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		for l.pos < len(l.b) && !isWhite(l.b[l.pos]) && !isDelimiter(l.b[l.pos]) {
			l.pos++
		}
		lit := string(l.b[start:l.pos])
		if i, err := strconv.ParseInt(lit, 10, 64); err == nil {
			return token{kind: tInt, i: i, pos: start, end: l.pos}, nil
		}
		f, err := strconv.ParseFloat(lit, 64)
		if err != nil {
			return token{}, fmt.Errorf("%w: bad number %q at %d", errSyntax, lit, start)
		}
		return token{kind: tReal, f: f, pos: start, end: l.pos}, nil
	case isDelimiter(c):
		return token{}, fmt.Errorf("%w: unexpected %q at %d", errSyntax, c, start)
	default:
		for l.pos < len(l.b) && !isWhite(l.b[l.pos]) && !isDelimiter(l.b[l.pos]) {
			l.pos++
		}
		return token{kind: tKeyword, s: l.b[start:l.pos], pos: start, end: l.pos}, nil
	}
}

func (l *lexer) literalString() ([]byte, error) {
	l.pos++ // (
	var out []byte
	depth := 1
	for l.pos < len(l.b) {
		if len(out) > maxStringLen {
			return nil, fmt.Errorf("%w: string too long", errSyntax)
		}
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
			out = append(out, c)
		case ')':
			depth--
			if depth == 0 {
				return out, nil
			}
			out = append(out, c)
		case '\\':
			if l.pos >= len(l.b) {
				return nil, fmt.Errorf("%w: unterminated string", errSyntax)
			}
			e := l.b[l.pos]
			l.pos++
			switch e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
			case '\n':
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; k++ {
						v = v*8 + int(l.b[l.pos]-'0')
						l.pos++
					}
					out = append(out, byte(v))
				} else {
					out = append(out, e)
				}
			}
		default:
			out = append(out, c)
		}
	}
	return nil, fmt.Errorf("%w: unterminated string", errSyntax)
}

func (l *lexer) hexString() ([]byte, error) {
	l.pos++ // <
	out := make([]byte, 0, 64)
	var hi byte
	half := false
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			if half {
				out = append(out, hi<<4)
			}
			return out, nil
		}
		if isWhite(c) {
			continue
		}
		v, ok := hexVal(c)
		if !ok {
			return nil, fmt.Errorf("%w: bad hex digit %q", errSyntax, c)
		}
		if half {
			out = append(out, hi<<4|v)
			if len(out) > maxStringLen {
				return nil, fmt.Errorf("%w: string too long", errSyntax)
			}
		} else {
			hi = v
		}
		half = !half
	}
	return nil, fmt.Errorf("%w: unterminated hex string", errSyntax)
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseValue reads one value (with "n g R" references) starting at the next token.
func (l *lexer) parseValue(depth int) (Object, error) {
	t, err := l.next()
	if err != nil {
		return nil, err
	}
	return l.valueFrom(t, depth)
}

// valueFrom reads the value that starts with token t. Arrays and dictionaries recurse
// through here, so the depth is checked here, once for both: a hostile file nests
// "[[[[…" a million deep to exhaust the stack.
func (l *lexer) valueFrom(t token, depth int) (Object, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nesting too deep", errSyntax)
	}
	switch t.kind {
	case tEOF:
		return nil, fmt.Errorf("%w: unexpected end of data", errSyntax)
	case tInt:
		// Look ahead for "gen R".
		save := l.pos
		t2, err := l.next()
		if err == nil && t2.kind == tInt {
			t3, err := l.next()
			if err == nil && t3.kind == tKeyword && string(t3.s) == "R" {
				if t.i < 0 || t.i > 1<<30 || t2.i < 0 || t2.i > 65535 {
					return nil, fmt.Errorf("%w: bad reference", errSyntax)
				}
				return Ref{Num: int(t.i), Gen: int(t2.i)}, nil
			}
		}
		l.pos = save
		return t.i, nil
	case tReal:
		return t.f, nil
	case tName:
		return Name(t.s), nil
	case tString:
		s := String{B: t.s, Hex: t.hex, Pos: -1, End: -1}
		if l.base >= 0 {
			s.Pos, s.End = l.base+int64(t.pos), l.base+int64(t.end)
		}
		return s, nil
	case tArrOpen:
		var a Array
		for {
			t, err := l.next()
			if err != nil {
				return nil, err
			}
			if t.kind == tArrClose {
				if a == nil {
					a = Array{}
				}
				return a, nil
			}
			if len(a) >= maxCollection {
				return nil, fmt.Errorf("%w: array too long", errSyntax)
			}
			v, err := l.valueFrom(t, depth+1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	case tDictOpen:
		d := Dict{}
		for {
			t, err := l.next()
			if err != nil {
				return nil, err
			}
			if t.kind == tDictClose {
				return d, nil
			}
			if t.kind != tName {
				return nil, fmt.Errorf("%w: dictionary key is not a name at %d", errSyntax, t.pos)
			}
			if len(d) >= maxCollection {
				return nil, fmt.Errorf("%w: dictionary too long", errSyntax)
			}
			v, err := l.parseValue(depth + 1)
			if err != nil {
				return nil, err
			}
			d[Name(t.s)] = v
		}
	case tKeyword:
		switch string(t.s) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		return nil, fmt.Errorf("%w: unexpected keyword %q at %d", errSyntax, t.s, t.pos)
	}
	return nil, fmt.Errorf("%w: unexpected token at %d", errSyntax, t.pos)
}

// expectKeyword reads the next token and checks it is the keyword kw.
func (l *lexer) expectKeyword(kw string) error {
	t, err := l.next()
	if err != nil {
		return err
	}
	if t.kind != tKeyword || string(t.s) != kw {
		return fmt.Errorf("%w: expected %q at %d", errSyntax, kw, t.pos)
	}
	return nil
}

// indexOf finds sep in b from start, returning -1 if absent.
func indexOf(b []byte, start int, sep string) int {
	if start < 0 || start > len(b) {
		return -1
	}
	i := bytes.Index(b[start:], []byte(sep))
	if i < 0 {
		return -1
	}
	return start + i
}
