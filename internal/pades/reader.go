package pades

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
)

// File is a parsed PDF with its revisions. The bytes are never copied or changed; objects
// are parsed lazily and cached by where they live, so reading one object in every
// revision costs one parse.
type File struct {
	data []byte
	// revs are the revisions, oldest first: revs[len-1] is the file as a reader sees it.
	revs []*revision

	cache    map[objLoc]Object
	objStms  map[int64]*objStm
	resolved int // objects parsed so far (capped by maxResolve)
	decoded  int // bytes decompressed so far (capped by maxDecodedTotal)
	inLength int // guards recursion of indirect /Length
	scanned  int // bytes searched for "endstream" (capped by maxScan)
}

// revision is one xref section and its trailer: the original file or one incremental
// update.
type revision struct {
	xrefPos int64 // where its xref table or stream starts
	trailer Dict
	entries map[int]xrefEntry
	stream  bool  // xref stream (true) or classic table
	eofEnd  int64 // offset just past the "%%EOF" that ends it (before any end-of-line)
	end     int64 // eofEnd plus the end-of-line that follows, if any
}

type xrefEntry struct {
	typ byte  // 0 free, 1 at an offset, 2 inside an object stream
	off int64 // offset (typ 1) or object stream number (typ 2)
	idx int   // index in the object stream (typ 2)
	gen int
}

type objLoc struct {
	off int64 // file offset of the object, or of its object stream
	idx int   // -1 for objects at an offset; index inside the object stream otherwise
}

type objStm struct {
	data    []byte
	offsets []int // offset of object i in data
	nums    []int
}

// ErrNotPDF reports data that has no readable PDF structure at all.
var ErrNotPDF = errors.New("not a readable PDF")

// Open parses the xref chain of data. It does not parse objects yet.
func Open(data []byte) (*File, error) {
	f := &File{data: data, cache: map[objLoc]Object{}, objStms: map[int64]*objStm{}}
	if !bytes.HasPrefix(bytes.TrimLeft(data[:min(len(data), 1024)], "\x00\t\r\n "), []byte("%PDF-")) {
		return nil, fmt.Errorf("%w: no %%PDF- header", ErrNotPDF)
	}
	sx := bytes.LastIndex(data, []byte("startxref"))
	if sx < 0 {
		return nil, fmt.Errorf("%w: no startxref", ErrNotPDF)
	}
	l := &lexer{b: data, pos: sx + len("startxref"), base: 0}
	t, err := l.next()
	if err != nil || t.kind != tInt {
		return nil, fmt.Errorf("%w: bad startxref", ErrNotPDF)
	}
	pos := t.i
	var chain []*revision // newest first
	seen := map[int64]bool{}
	total := 0
	for {
		if len(chain) >= maxRevisions {
			return nil, fmt.Errorf("%w: more than %d revisions", ErrNotPDF, maxRevisions)
		}
		if pos <= 0 || pos >= int64(len(data)) || seen[pos] {
			return nil, fmt.Errorf("%w: bad xref offset %d", ErrNotPDF, pos)
		}
		seen[pos] = true
		r, err := f.readSection(pos)
		if err != nil {
			return nil, fmt.Errorf("%w: xref at %d: %v", ErrNotPDF, pos, err)
		}
		total += len(r.entries)
		if total > maxXrefEntries {
			return nil, fmt.Errorf("%w: too many xref entries", ErrNotPDF)
		}
		chain = append(chain, r)
		prev, ok := r.trailer["Prev"].(int64)
		if !ok {
			if _, present := r.trailer["Prev"]; present {
				return nil, fmt.Errorf("%w: bad /Prev", ErrNotPDF)
			}
			break
		}
		pos = prev
	}
	for i := len(chain) - 1; i >= 0; i-- {
		f.revs = append(f.revs, chain[i])
	}
	return f, nil
}

// readSection reads the xref table or stream at pos, its trailer, and where the revision
// ends.
func (f *File) readSection(pos int64) (*revision, error) {
	r := &revision{xrefPos: pos, entries: map[int]xrefEntry{}}
	l := &lexer{b: f.data, pos: int(pos), base: 0}
	t, err := l.next()
	if err != nil {
		return nil, err
	}
	if t.kind == tKeyword && string(t.s) == "xref" {
		if err := f.readTable(l, r); err != nil {
			return nil, err
		}
		if xs, ok := r.trailer["XRefStm"].(int64); ok {
			// Hybrid file: entries of the stream apply where the table has none.
			hr, err := f.readXrefStream(xs)
			if err == nil {
				for n, e := range hr.entries {
					if _, ok := r.entries[n]; !ok {
						r.entries[n] = e
					}
				}
			}
		}
	} else {
		xr, err := f.readXrefStream(pos)
		if err != nil {
			return nil, err
		}
		r.entries, r.trailer, r.stream = xr.entries, xr.trailer, true
		l.pos = int(pos)
	}
	// The revision ends at the first %%EOF after its xref.
	e := indexOf(f.data, l.pos, "%%EOF")
	if e < 0 {
		return nil, errors.New("no %%EOF after xref")
	}
	r.eofEnd = int64(e + 5)
	r.end = r.eofEnd
	if r.end < int64(len(f.data)) && f.data[r.end] == '\r' {
		r.end++
	}
	if r.end < int64(len(f.data)) && f.data[r.end] == '\n' {
		r.end++
	}
	return r, nil
}

func (f *File) readTable(l *lexer, r *revision) error {
	for {
		t, err := l.next()
		if err != nil {
			return err
		}
		if t.kind == tKeyword && string(t.s) == "trailer" {
			v, err := l.parseValue(0)
			if err != nil {
				return err
			}
			d, ok := v.(Dict)
			if !ok {
				return errors.New("trailer is not a dictionary")
			}
			r.trailer = d
			return nil
		}
		if t.kind != tInt {
			return fmt.Errorf("%w: bad xref subsection at %d", errSyntax, t.pos)
		}
		start := t.i
		t2, err := l.next()
		if err != nil || t2.kind != tInt || start < 0 || t2.i < 0 || start+t2.i > maxXrefEntries {
			return fmt.Errorf("%w: bad xref subsection", errSyntax)
		}
		for i := int64(0); i < t2.i; i++ {
			a, err1 := l.next()
			b, err2 := l.next()
			c, err3 := l.next()
			if err1 != nil || err2 != nil || err3 != nil || a.kind != tInt || b.kind != tInt || c.kind != tKeyword {
				return fmt.Errorf("%w: bad xref entry", errSyntax)
			}
			n := int(start + i)
			switch string(c.s) {
			case "n":
				r.entries[n] = xrefEntry{typ: 1, off: a.i, gen: int(b.i)}
			case "f":
				r.entries[n] = xrefEntry{typ: 0, gen: int(b.i)}
			default:
				return fmt.Errorf("%w: bad xref entry type", errSyntax)
			}
		}
	}
}

// readXrefStream reads the xref stream object at pos.
func (f *File) readXrefStream(pos int64) (*revision, error) {
	_, _, o, err := f.parseIndirectAt(pos, -1)
	if err != nil {
		return nil, err
	}
	s, ok := o.(*Stream)
	if !ok || s.Dict["Type"] != Name("XRef") {
		return nil, errors.New("not an xref stream")
	}
	w, ok := s.Dict["W"].(Array)
	if !ok || len(w) != 3 {
		return nil, errors.New("bad /W")
	}
	var ws [3]int
	rowLen := 0
	for i := range ws {
		v, ok := w[i].(int64)
		if !ok || v < 0 || v > 8 {
			return nil, errors.New("bad /W")
		}
		ws[i] = int(v)
		rowLen += ws[i]
	}
	if rowLen == 0 {
		return nil, errors.New("bad /W")
	}
	size, _ := s.Dict["Size"].(int64)
	index := Array{int64(0), size}
	if ix, ok := s.Dict["Index"].(Array); ok {
		index = ix
	}
	// The rows the stream declares bound what it may inflate to (a row per entry, plus
	// a predictor byte): a cross-reference stream that inflates past them is a bomb.
	rows := int64(0)
	for k := 1; k < len(index); k += 2 {
		if n, ok := index[k].(int64); ok && n > 0 {
			rows += min(n, maxXrefEntries)
		}
	}
	data, err := f.decodeStream(s, int(min(rows, maxXrefEntries))*(rowLen+1))
	if err != nil {
		return nil, err
	}
	r := &revision{xrefPos: pos, entries: map[int]xrefEntry{}, trailer: s.Dict, stream: true}
	p := 0
	for k := 0; k+1 < len(index); k += 2 {
		start, ok1 := index[k].(int64)
		count, ok2 := index[k+1].(int64)
		if !ok1 || !ok2 || start < 0 || count < 0 || start+count > maxXrefEntries {
			return nil, errors.New("bad /Index")
		}
		for i := int64(0); i < count; i++ {
			if p+rowLen > len(data) {
				return nil, errors.New("xref stream too short")
			}
			var fld [3]int64
			for j := 0; j < 3; j++ {
				for b := 0; b < ws[j]; b++ {
					fld[j] = fld[j]<<8 | int64(data[p])
					p++
				}
			}
			typ := fld[0]
			if ws[0] == 0 {
				typ = 1
			}
			n := int(start + i)
			switch typ {
			case 0:
				r.entries[n] = xrefEntry{typ: 0, gen: int(fld[2])}
			case 1:
				r.entries[n] = xrefEntry{typ: 1, off: fld[1], gen: int(fld[2])}
			case 2:
				r.entries[n] = xrefEntry{typ: 2, off: fld[1], idx: int(fld[2])}
			}
		}
	}
	return r, nil
}

// parseIndirectAt parses "num gen obj value [stream]" at pos. wantNum < 0 accepts any
// number.
func (f *File) parseIndirectAt(pos int64, wantNum int) (int, int, Object, error) {
	if pos < 0 || pos >= int64(len(f.data)) {
		return 0, 0, nil, fmt.Errorf("object offset %d outside the file", pos)
	}
	f.resolved++
	if f.resolved > maxResolve || f.scanned > maxScan {
		return 0, 0, nil, errors.New("too many objects")
	}
	l := &lexer{b: f.data, pos: int(pos), base: 0}
	a, err := l.next()
	if err != nil {
		return 0, 0, nil, err
	}
	b, err := l.next()
	if err != nil {
		return 0, 0, nil, err
	}
	if a.kind != tInt || b.kind != tInt {
		return 0, 0, nil, fmt.Errorf("%w: no object header at %d", errSyntax, pos)
	}
	if err := l.expectKeyword("obj"); err != nil {
		return 0, 0, nil, err
	}
	if wantNum >= 0 && int(a.i) != wantNum {
		return 0, 0, nil, fmt.Errorf("object at %d is %d, not %d", pos, a.i, wantNum)
	}
	v, err := l.parseValue(0)
	if err != nil {
		return 0, 0, nil, err
	}
	save := l.pos
	t, err := l.next()
	if err == nil && t.kind == tKeyword && string(t.s) == "stream" {
		d, ok := v.(Dict)
		if !ok {
			return 0, 0, nil, errors.New("stream without dictionary")
		}
		start := l.pos
		if start < len(f.data) && f.data[start] == '\r' {
			start++
		}
		if start < len(f.data) && f.data[start] == '\n' {
			start++
		}
		data, err := f.streamData(d, start)
		if err != nil {
			return 0, 0, nil, err
		}
		return int(a.i), int(b.i), &Stream{Dict: d, Data: data}, nil
	}
	l.pos = save
	return int(a.i), int(b.i), v, nil
}

// streamData returns the raw bytes of a stream starting at start, by /Length when it is
// sound and by searching for "endstream" otherwise.
func (f *File) streamData(d Dict, start int) ([]byte, error) {
	n := int64(-1)
	switch v := d["Length"].(type) {
	case int64:
		n = v
	case Ref:
		if f.inLength == 0 {
			f.inLength++
			o, err := f.resolveIn(v, len(f.revs)-1)
			f.inLength--
			if err == nil {
				if x, ok := o.(int64); ok {
					n = x
				}
			}
		}
	}
	if n >= 0 && int64(start)+n <= int64(len(f.data)) {
		end := int(int64(start) + n)
		rest := f.data[end:min(len(f.data), end+32)]
		if bytes.Contains(rest, []byte("endstream")) {
			return f.data[start:end:end], nil
		}
	}
	e := indexOf(f.data, start, "endstream")
	if e < 0 {
		f.scanned += len(f.data) - start
		return nil, errors.New("stream without endstream")
	}
	f.scanned += e - start
	if f.scanned > maxScan {
		return nil, errors.New("too much searching for stream ends")
	}
	end := e
	if end > start && f.data[end-1] == '\n' {
		end--
	}
	if end > start && f.data[end-1] == '\r' {
		end--
	}
	return f.data[start:end:end], nil
}

// lookup returns the xref entry of object num as of revision rev.
func (f *File) lookup(num, rev int) (xrefEntry, bool) {
	for i := rev; i >= 0; i-- {
		if e, ok := f.revs[i].entries[num]; ok {
			return e, true
		}
	}
	return xrefEntry{}, false
}

// resolveIn returns object num in revision rev (nil for free or missing objects, as PDF
// readers treat them).
func (f *File) resolveIn(r Ref, rev int) (Object, error) {
	o, _, err := f.resolveLoc(r.Num, rev)
	return o, err
}

// resolveLoc also returns where the object lives, to compare revisions cheaply.
func (f *File) resolveLoc(num, rev int) (Object, objLoc, error) {
	e, ok := f.lookup(num, rev)
	if !ok || e.typ == 0 {
		return nil, objLoc{off: -1}, nil
	}
	if e.typ == 1 {
		loc := objLoc{off: e.off, idx: -1}
		if o, ok := f.cache[loc]; ok {
			return o, loc, nil
		}
		_, _, o, err := f.parseIndirectAt(e.off, num)
		if err != nil {
			return nil, loc, err
		}
		f.cache[loc] = o
		return o, loc, nil
	}
	// In an object stream: the stream itself must be a plain object.
	se, ok := f.lookup(int(e.off), rev)
	if !ok || se.typ != 1 {
		return nil, objLoc{off: -1}, fmt.Errorf("object stream %d of object %d not found", e.off, num)
	}
	loc := objLoc{off: se.off, idx: e.idx}
	if o, ok := f.cache[loc]; ok {
		return o, loc, nil
	}
	os, err := f.objectStream(int(e.off), se.off)
	if err != nil {
		return nil, loc, err
	}
	if e.idx < 0 || e.idx >= len(os.offsets) || os.nums[e.idx] != num {
		return nil, loc, fmt.Errorf("object %d not at index %d of its object stream", num, e.idx)
	}
	f.resolved++
	if f.resolved > maxResolve {
		return nil, loc, errors.New("too many objects")
	}
	l := &lexer{b: os.data, pos: os.offsets[e.idx], base: -1}
	o, err := l.parseValue(0)
	if err != nil {
		return nil, loc, err
	}
	f.cache[loc] = o
	return o, loc, nil
}

func (f *File) objectStream(num int, off int64) (*objStm, error) {
	if os, ok := f.objStms[off]; ok {
		return os, nil
	}
	_, _, o, err := f.parseIndirectAt(off, num)
	if err != nil {
		return nil, err
	}
	s, ok := o.(*Stream)
	if !ok || s.Dict["Type"] != Name("ObjStm") {
		return nil, fmt.Errorf("object %d is not an object stream", num)
	}
	data, err := f.decodeStream(s, 0)
	if err != nil {
		return nil, err
	}
	n, _ := s.Dict["N"].(int64)
	first, _ := s.Dict["First"].(int64)
	if n < 0 || n > maxCollection || first < 0 || first > int64(len(data)) {
		return nil, errors.New("bad object stream header")
	}
	os := &objStm{data: data}
	l := &lexer{b: data[:first], base: -1}
	for i := int64(0); i < n; i++ {
		a, err1 := l.next()
		b, err2 := l.next()
		if err1 != nil || err2 != nil || a.kind != tInt || b.kind != tInt || b.i < 0 || first+b.i > int64(len(data)) {
			return nil, errors.New("bad object stream header")
		}
		os.nums = append(os.nums, int(a.i))
		os.offsets = append(os.offsets, int(first+b.i))
	}
	f.objStms[off] = os
	return os, nil
}

// decodeStream decodes a stream's data (FlateDecode with optional PNG predictors, or no
// filter), within the file's decompression budget and, when limit > 0, within limit
// bytes (what the stream's own dictionary says it holds).
func (f *File) decodeStream(s *Stream, limit int) ([]byte, error) {
	var filters []Name
	switch v := s.Dict["Filter"].(type) {
	case nil:
	case Name:
		filters = []Name{v}
	case Array:
		for _, x := range v {
			n, ok := x.(Name)
			if !ok {
				return nil, errors.New("bad /Filter")
			}
			filters = append(filters, n)
		}
	default:
		return nil, errors.New("bad /Filter")
	}
	if len(filters) == 0 {
		return s.Data, nil
	}
	if len(filters) > 1 || filters[0] != "FlateDecode" {
		return nil, fmt.Errorf("unsupported filter %v", filters)
	}
	zr, err := zlib.NewReader(bytes.NewReader(s.Data))
	if err != nil {
		return nil, err
	}
	budget := maxDecodedTotal - f.decoded
	if limit > 0 {
		budget = min(budget, limit)
	}
	out, err := io.ReadAll(io.LimitReader(zr, int64(budget)+1))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	if len(out) > budget {
		return nil, errors.New("decompressed data too large")
	}
	f.decoded += len(out)
	var parms Dict
	switch p := s.Dict["DecodeParms"].(type) {
	case Dict:
		parms = p
	case Array:
		if len(p) > 0 {
			parms, _ = p[0].(Dict)
		}
	}
	if pred, _ := parms["Predictor"].(int64); pred >= 10 {
		cols, _ := parms["Columns"].(int64)
		if cols <= 0 {
			cols = 1
		}
		return unpredictPNG(out, int(min(cols, 1<<16)))
	}
	return out, nil
}

// unpredictPNG undoes PNG row predictors (one byte per sample, as xref streams use).
func unpredictPNG(data []byte, cols int) ([]byte, error) {
	row := cols + 1
	if len(data)%row != 0 {
		return nil, errors.New("bad predictor data length")
	}
	out := make([]byte, 0, len(data)/row*cols)
	prev := make([]byte, cols)
	cur := make([]byte, cols)
	for i := 0; i < len(data); i += row {
		typ := data[i]
		copy(cur, data[i+1:i+row])
		for j := 0; j < cols; j++ {
			var left, up, ul byte
			if j > 0 {
				left, ul = cur[j-1], prev[j-1]
			}
			up = prev[j]
			switch typ {
			case 0:
			case 1:
				cur[j] += left
			case 2:
				cur[j] += up
			case 3:
				cur[j] += byte((int(left) + int(up)) / 2)
			case 4:
				cur[j] += paeth(left, up, ul)
			default:
				return nil, errors.New("bad predictor")
			}
		}
		out = append(out, cur...)
		prev, cur = cur, prev
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Resolve follows o if it is a reference, in the newest revision.
func (f *File) Resolve(o Object) Object {
	return f.resolveAt(o, len(f.revs)-1)
}

// resolveAt follows references (a chain of at most a few) in revision rev; unreadable
// objects resolve to nil.
func (f *File) resolveAt(o Object, rev int) Object {
	for i := 0; i < 8; i++ {
		r, ok := o.(Ref)
		if !ok {
			return o
		}
		v, err := f.resolveIn(r, rev)
		if err != nil {
			return nil
		}
		o = v
	}
	return nil
}

// trailer returns the trailer of the newest revision.
func (f *File) trailer() Dict { return f.revs[len(f.revs)-1].trailer }

// catalog returns the document catalog of revision rev.
func (f *File) catalog(rev int) (Dict, Ref, error) {
	r, ok := f.revs[rev].trailer["Root"].(Ref)
	if !ok {
		return nil, Ref{}, errors.New("trailer has no /Root reference")
	}
	d, ok := f.resolveAt(r, rev).(Dict)
	if !ok {
		return nil, Ref{}, errors.New("catalog is not a dictionary")
	}
	return d, r, nil
}

// size returns the number of object numbers in use (the trailer's /Size, or more if an
// entry says so).
func (f *File) size() int {
	n := 0
	for _, r := range f.revs {
		if s, ok := r.trailer["Size"].(int64); ok && int(s) > n {
			n = int(s)
		}
		for k := range r.entries {
			if k+1 > n {
				n = k + 1
			}
		}
	}
	return n
}

// pageRefs returns the references of the pages of revision rev in order.
func (f *File) pageRefs(rev int) ([]Ref, error) { return f.pagesUpTo(rev, -1) }

// pagesUpTo is pageRefs that stops after limit pages (all when limit < 0): signing on
// page 1 of a long document need not read the others.
func (f *File) pagesUpTo(rev, limit int) ([]Ref, error) {
	cat, _, err := f.catalog(rev)
	if err != nil {
		return nil, err
	}
	root, ok := cat["Pages"].(Ref)
	if !ok {
		return nil, errors.New("catalog has no /Pages reference")
	}
	var out []Ref
	seen := map[int]bool{}
	var walk func(r Ref, depth int) error
	walk = func(r Ref, depth int) error {
		if depth > maxDepth || seen[r.Num] || len(out) > maxCollection {
			return errors.New("page tree is malformed")
		}
		seen[r.Num] = true
		d, ok := f.resolveAt(r, rev).(Dict)
		if !ok {
			return fmt.Errorf("page tree node %v is not a dictionary", r)
		}
		if d["Type"] == Name("Pages") {
			kids, _ := f.resolveAt(d["Kids"], rev).(Array)
			for _, k := range kids {
				if limit >= 0 && len(out) >= limit {
					return nil
				}
				kr, ok := k.(Ref)
				if !ok {
					return errors.New("page tree kid is not a reference")
				}
				if err := walk(kr, depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		out = append(out, r)
		return nil
	}
	if err := walk(root, 0); err != nil {
		return nil, err
	}
	return out, nil
}
