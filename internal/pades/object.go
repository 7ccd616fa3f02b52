package pades

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
)

// The PDF object model motcua reads and writes. It is deliberately small: enough to read
// any revision of a file (classic xref tables, xref streams, object streams), compare
// objects between revisions and append incremental updates. Values keep what is needed to
// write them back unchanged (names, raw stream bytes), never a decoded copy.

// Object is one PDF value: nil (null), bool, int64, float64, String, Name, Array, Dict,
// Ref or *Stream.
type Object any

// Name is a PDF name without its leading slash, with #xx escapes decoded.
type Name string

// String is a PDF string. Pos and End locate the token in the file when it was read
// from the file itself (not from an object stream); otherwise both are -1. Verification
// uses them to check that a signature's gap is exactly its /Contents string.
type String struct {
	B        []byte
	Hex      bool
	Pos, End int64
}

// Array is a PDF array.
type Array []Object

// Dict is a PDF dictionary.
type Dict map[Name]Object

// Ref is an indirect reference.
type Ref struct {
	Num, Gen int
}

func (r Ref) String() string { return fmt.Sprintf("%d %d R", r.Num, r.Gen) }

// Stream is a stream object: its dictionary and its raw (still encoded) bytes.
type Stream struct {
	Dict Dict
	Data []byte
}

// Get returns d[key] (nil if d is nil).
func (d Dict) Get(key Name) Object {
	if d == nil {
		return nil
	}
	return d[key]
}

// clone returns a shallow copy of d, so that an updated version can be written without
// touching the parsed (cached) original.
func (d Dict) clone() Dict {
	c := make(Dict, len(d)+2)
	for k, v := range d {
		c[k] = v
	}
	return c
}

// equalObjects reports whether a and b are the same PDF value. References compare by
// number, not by what they point to: the revision diff checks referenced objects on
// their own.
func equalObjects(a, b Object) bool {
	return equalDepth(a, b, 0)
}

func equalDepth(a, b Object, depth int) bool {
	if depth > maxDepth {
		return false
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool, int64, Name, Ref:
		return a == b
	case float64:
		switch y := b.(type) {
		case float64:
			return x == y
		case int64:
			return x == float64(y)
		}
		return false
	case String:
		y, ok := b.(String)
		return ok && bytes.Equal(x.B, y.B)
	case Array:
		y, ok := b.(Array)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalDepth(x[i], y[i], depth+1) {
				return false
			}
		}
		return true
	case Dict:
		y, ok := b.(Dict)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equalDepth(v, w, depth+1) {
				return false
			}
		}
		return true
	case *Stream:
		y, ok := b.(*Stream)
		if !ok || !bytes.Equal(x.Data, y.Data) {
			return false
		}
		// /Length may be written differently (direct vs indirect) for the same bytes.
		xd, yd := x.Dict.clone(), y.Dict.clone()
		delete(xd, "Length")
		delete(yd, "Length")
		return equalDepth(xd, yd, depth+1)
	}
	return false
}

// writeObject serializes o in PDF syntax.
func writeObject(buf *bytes.Buffer, o Object) {
	switch x := o.(type) {
	case nil:
		buf.WriteString("null")
	case bool:
		if x {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
	case int64:
		buf.WriteString(strconv.FormatInt(x, 10))
	case int:
		buf.WriteString(strconv.Itoa(x))
	case float64:
		buf.WriteString(formatReal(x))
	case Name:
		writeName(buf, x)
	case String:
		writeHexString(buf, x.B)
	case Array:
		buf.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				buf.WriteByte(' ')
			}
			writeObject(buf, e)
		}
		buf.WriteByte(']')
	case Dict:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, string(k))
		}
		sort.Strings(keys)
		buf.WriteString("<<")
		for _, k := range keys {
			writeName(buf, Name(k))
			buf.WriteByte(' ')
			writeObject(buf, x[Name(k)])
		}
		buf.WriteString(">>")
	case Ref:
		fmt.Fprintf(buf, "%d %d R", x.Num, x.Gen)
	case *Stream:
		d := x.Dict.clone()
		d["Length"] = int64(len(x.Data))
		writeObject(buf, d)
		buf.WriteString("\nstream\n")
		buf.Write(x.Data)
		buf.WriteString("\nendstream")
	case rawObject:
		buf.Write(x)
	default:
		panic(fmt.Sprintf("pades: cannot write %T", o))
	}
}

// rawObject is already-serialized PDF syntax, used for the signature dictionary whose
// placeholders must sit at known offsets.
type rawObject []byte

// formatReal writes the shortest decimal that reads back as exactly f: a field or page
// copied into an update must compare equal to the original.
func formatReal(f float64) string {
	s := trimZeros(strconv.FormatFloat(f, 'f', -1, 64))
	if s == "-0" {
		return "0"
	}
	return s
}

func trimZeros(s string) string {
	if !bytes.ContainsRune([]byte(s), '.') {
		return s
	}
	for len(s) > 0 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

func writeName(buf *bytes.Buffer, n Name) {
	buf.WriteByte('/')
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c < 0x21 || c > 0x7e || c == '#' || isDelimiter(c) {
			fmt.Fprintf(buf, "#%02X", c)
			continue
		}
		buf.WriteByte(c)
	}
}

func writeHexString(buf *bytes.Buffer, b []byte) {
	const hexdigits = "0123456789ABCDEF"
	buf.WriteByte('<')
	for _, c := range b {
		buf.WriteByte(hexdigits[c>>4])
		buf.WriteByte(hexdigits[c&15])
	}
	buf.WriteByte('>')
}

// textString encodes s as a PDF text string: PDFDocEncoding-compatible ASCII stays as
// is, anything else becomes UTF-16BE with a byte order mark. Always written as a hex
// string, so no byte of it can end the string early (the defect of the pinned pdfsign).
func textString(s string) String {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return String{B: []byte(s), Hex: true, Pos: -1, End: -1}
	}
	b := []byte{0xfe, 0xff}
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			hi, lo := 0xd800+(r>>10), 0xdc00+(r&0x3ff)
			b = append(b, byte(hi>>8), byte(hi), byte(lo>>8), byte(lo))
			continue
		}
		b = append(b, byte(r>>8), byte(r))
	}
	return String{B: b, Hex: true, Pos: -1, End: -1}
}

// decodeText decodes a PDF text string (UTF-16BE with BOM, UTF-8 with BOM, or
// PDFDocEncoding, read here as Latin-1 which agrees with it on printable ASCII).
func decodeText(b []byte) string {
	if len(b) >= 2 && b[0] == 0xfe && b[1] == 0xff {
		var rs []rune
		for i := 2; i+1 < len(b); i += 2 {
			u := rune(b[i])<<8 | rune(b[i+1])
			if u >= 0xd800 && u < 0xdc00 && i+3 < len(b) {
				l := rune(b[i+2])<<8 | rune(b[i+3])
				if l >= 0xdc00 && l < 0xe000 {
					rs = append(rs, 0x10000+(u-0xd800)<<10+(l-0xdc00))
					i += 2
					continue
				}
			}
			rs = append(rs, u)
		}
		return string(rs)
	}
	if len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf {
		return string(b[3:])
	}
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	return string(rs)
}
