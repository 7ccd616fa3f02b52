package pades

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"

	"motcua"
	"motcua/internal/fonts"
)

// FillFields fills empty AcroForm text fields (motcua.number, motcua.date: the clerical
// office's number and date, given after the leader has signed) in one incremental
// update: new versions of the field objects with /V and an appearance stream, a font
// for the appearance, a new xref section and a trailer with /Prev. No byte the leader
// signed changes, and DocMDP level 2 permits it; the seal's signature then covers it.
//
// The appearance draws the value with a Type0 (Identity-H) font whose glyph IDs come
// from the TrueType program already embedded for the form (pdfcpu embeds form fonts
// whole), with a ToUnicode map so the value can be searched and copied. When no
// embedded program has the glyphs, DejaVu Serif is embedded.
func FillFields(pdf []byte, values map[string]string) ([]byte, error) {
	f, err := Open(pdf)
	if err != nil {
		return nil, &motcua.Error{Code: motcua.EINVALID, Message: "Tệp PDF không đọc được.", Err: err}
	}
	u, err := newIncremental(f)
	if err != nil {
		return nil, &motcua.Error{Code: motcua.EINVALID, Message: "Tệp PDF được mã hóa, không điền được.", Err: err}
	}
	last := len(f.revs) - 1
	if f.docMDP(last) == NoChanges {
		return nil, &motcua.Error{Code: motcua.ECONFLICT, Message: "Văn bản đã được chứng nhận không cho phép thay đổi; không thể điền số, ngày."}
	}
	all, err := f.fields(last)
	if err != nil {
		return nil, fmt.Errorf("fill fields: %w", err)
	}
	byName := map[string]field{}
	var locks []fieldLock
	for _, fl := range all {
		byName[fl.name] = fl
		if fl.ft == "Sig" {
			if sig, ok := f.resolveAt(fl.dict["V"], last).(Dict); ok {
				locks = append(locks, lockOf(f, sig, fl.dict, last))
			}
		}
	}
	names := make([]string, 0, len(values))
	for n := range values {
		names = append(names, n)
	}
	sort.Strings(names)
	var text string
	for _, n := range names {
		fl, ok := byName[n]
		if !ok {
			return nil, &motcua.Error{Code: motcua.ENOTFOUND, Message: fmt.Sprintf("Văn bản không có ô %q để điền.", n), Field: n}
		}
		if fl.ft != "Tx" {
			return nil, &motcua.Error{Code: motcua.EINVALID, Message: fmt.Sprintf("Ô %q không phải ô văn bản.", n), Field: n}
		}
		for _, l := range locks {
			if l.locks(n) {
				return nil, &motcua.Error{Code: motcua.ECONFLICT, Message: fmt.Sprintf("Ô %q đã bị khóa bởi một chữ ký số.", n), Field: n}
			}
		}
		text += norm.NFC.String(values[n])
	}

	// Each field is drawn with the font its DA names when the form's /DR has it with
	// every glyph (a date line set in italics gets an italic date), else with any /DR
	// font that has them, else with DejaVu Serif.
	byFont := map[string]*fillFont{}
	var used []*fillFont
	for _, n := range names {
		fl := byName[n]
		value := norm.NFC.String(values[n])
		want := daFont(fl.dict)
		fnt := byFont[want]
		if fnt == nil || !hasRunes(fnt.sf, text) {
			if fnt, err = formFont(f, u, last, text, want); err != nil {
				return nil, fmt.Errorf("fill fields: %w", err)
			}
			byFont[want] = fnt
			used = append(used, fnt)
		}
		nd := fl.dict.clone()
		nd["V"] = textString(value)
		widgets := []Ref{fl.ref}
		if kids, ok := f.resolveAt(fl.dict["Kids"], last).(Array); ok && len(kids) > 0 {
			widgets = nil
			for _, k := range kids {
				if r, ok := k.(Ref); ok {
					widgets = append(widgets, r)
				}
			}
		}
		for _, wr := range widgets {
			wd := nd
			if wr != fl.ref {
				d, ok := f.resolveAt(wr, last).(Dict)
				if !ok {
					continue
				}
				wd = d.clone()
			}
			ap, err := fnt.appearance(u, wd, fl.dict, value)
			if err != nil {
				return nil, fmt.Errorf("fill fields: %s: %w", n, err)
			}
			wd["AP"] = Dict{"N": ap}
			if wr != fl.ref {
				u.set(wr, wd)
			}
		}
		u.set(fl.ref, nd)
	}
	for _, fnt := range used {
		fnt.finish(u)
	}
	out, _, err := u.write()
	if err != nil {
		return nil, fmt.Errorf("fill fields: %w", err)
	}
	return out, nil
}

// fillFont is a Type0 font over a TrueType program, built for the runes it draws.
type fillFont struct {
	sf      *sfnt.Font
	buf     sfnt.Buffer
	ref     Ref // the Type0 font (written by finish)
	fd      Ref // font descriptor to use
	newFD   Dict
	used    map[sfnt.GlyphIndex]rune
	unitsEm float64
	base    string // the BaseFont: the program's own name ("LiberationSerif-Italic")
}

var daFontRE = regexp.MustCompile(`/([^\s/]+)\s+[0-9.]+\s+Tf`)

// daFont is the font resource name a field's DA names ("LiberationSerif-Italic"), or "".
func daFont(d Dict) string {
	da, _ := d["DA"].(String)
	if m := daFontRE.FindSubmatch(da.B); m != nil {
		return string(m[1])
	}
	return ""
}

// formFont looks for an embedded TrueType program in the AcroForm's /DR fonts that has
// every rune of text, the font named prefer first, and otherwise prepares DejaVu Serif
// for embedding.
func formFont(f *File, u *incremental, rev int, text, prefer string) (*fillFont, error) {
	cat, _, _ := f.catalog(rev)
	acro, _ := f.resolveAt(cat["AcroForm"], rev).(Dict)
	dr, _ := f.resolveAt(acro["DR"], rev).(Dict)
	fontsDict, _ := f.resolveAt(dr["Font"], rev).(Dict)
	keys := make([]string, 0, len(fontsDict))
	for k := range fontsDict {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	if i := slices.Index(keys, prefer); i > 0 {
		keys = append([]string{prefer}, slices.Delete(keys, i, i+1)...)
	}
	for _, k := range keys {
		fd, _ := f.resolveAt(fontsDict[Name(k)], rev).(Dict)
		if fd == nil {
			continue
		}
		if desc, ok := f.resolveAt(fd["DescendantFonts"], rev).(Array); ok && len(desc) > 0 {
			if d, ok := f.resolveAt(desc[0], rev).(Dict); ok {
				fd = d
			}
		}
		descRef, ok := fd["FontDescriptor"].(Ref)
		if !ok {
			continue
		}
		desc, _ := f.resolveAt(descRef, rev).(Dict)
		s, ok := f.resolveAt(desc["FontFile2"], rev).(*Stream)
		if !ok {
			continue
		}
		prog, err := f.decodeStream(s, 0)
		if err != nil {
			continue
		}
		sf, err := sfnt.Parse(prog)
		if err != nil || !hasRunes(sf, text) {
			continue
		}
		ff := newFillFont(sf, descRef, nil)
		if n, ok := desc["FontName"].(Name); ok && n != "" {
			ff.base = string(n)
		}
		return ff, nil
	}
	sf, err := sfnt.Parse(fonts.Serif)
	if err != nil {
		return nil, err
	}
	ff := u.add(&Stream{Dict: Dict{"Length1": int64(len(fonts.Serif)), "Filter": Name("FlateDecode")}, Data: deflate(fonts.Serif)})
	fdDict := Dict{
		"Type": Name("FontDescriptor"), "FontName": Name("DejaVuSerif"), "Flags": int64(32),
		"FontBBox": Array{int64(-770), int64(-347), int64(2106), int64(1110)}, "ItalicAngle": int64(0),
		"Ascent": int64(928), "Descent": int64(-236), "CapHeight": int64(729), "StemV": int64(80),
		"FontFile2": ff,
	}
	return newFillFont(sf, u.add(fdDict), fdDict), nil
}

func newFillFont(sf *sfnt.Font, fd Ref, newFD Dict) *fillFont {
	return &fillFont{sf: sf, fd: fd, newFD: newFD, used: map[sfnt.GlyphIndex]rune{}, unitsEm: float64(sf.UnitsPerEm()), base: "DejaVuSerif"}
}

func hasRunes(sf *sfnt.Font, text string) bool {
	var buf sfnt.Buffer
	for _, r := range text {
		g, err := sf.GlyphIndex(&buf, r)
		if err != nil || g == 0 {
			return false
		}
	}
	return true
}

var daSize = regexp.MustCompile(`([0-9.]+)\s+Tf`)

// appearance writes the normal appearance of a text widget showing value.
func (ff *fillFont) appearance(u *incremental, widget, fieldDict Dict, value string) (Ref, error) {
	rect, _ := widget["Rect"].(Array)
	if len(rect) != 4 {
		return Ref{}, fmt.Errorf("widget has no /Rect")
	}
	var r [4]float64
	for i, v := range rect {
		switch x := v.(type) {
		case int64:
			r[i] = float64(x)
		case float64:
			r[i] = x
		}
	}
	w, h := r[2]-r[0], r[3]-r[1]
	if w < 0 {
		w = -w
	}
	if h < 0 {
		h = -h
	}
	size := 12.0
	da, _ := widget["DA"].(String)
	if len(da.B) == 0 {
		da, _ = fieldDict["DA"].(String)
	}
	if m := daSize.FindSubmatch(da.B); m != nil {
		if s, err := strconv.ParseFloat(string(m[1]), 64); err == nil && s > 0 {
			size = s
		}
	}
	var gids []sfnt.GlyphIndex
	width := 0.0
	for _, ch := range value {
		g, err := ff.sf.GlyphIndex(&ff.buf, ch)
		if err != nil || g == 0 {
			return Ref{}, fmt.Errorf("font has no glyph for %q", ch)
		}
		gids = append(gids, g)
		ff.used[g] = ch
		width += ff.advance(g)
	}
	const pad = 2.0
	if width*size/1000 > w-2*pad && width > 0 {
		size = (w - 2*pad) / (width / 1000)
	}
	if size > h-2 {
		size = max(h-2, 1)
	}
	tw := width * size / 1000
	x := pad
	switch q, _ := fieldDict["Q"].(int64); q {
	case 1:
		x = (w - tw) / 2
	case 2:
		x = w - pad - tw
	}
	y := (h-size*0.7)/2 + 0.0
	var c bytes.Buffer
	fmt.Fprintf(&c, "/Tx BMC q BT /FMotcua %s Tf 0 g %s %s Td <", formatReal(size), formatReal(x), formatReal(y))
	for _, g := range gids {
		fmt.Fprintf(&c, "%04X", uint16(g))
	}
	c.WriteString("> Tj ET Q EMC")
	if ff.ref == (Ref{}) {
		ff.ref = u.add(nil) // filled by finish, once every glyph is known
	}
	return u.add(&Stream{Dict: Dict{
		"Type": Name("XObject"), "Subtype": Name("Form"), "BBox": Array{0.0, 0.0, w, h},
		"Resources": Dict{"Font": Dict{"FMotcua": ff.ref}},
	}, Data: c.Bytes()}), nil
}

// advance returns the advance of g in 1/1000 em.
func (ff *fillFont) advance(g sfnt.GlyphIndex) float64 {
	a, err := ff.sf.GlyphAdvance(&ff.buf, g, fixed.Int26_6(ff.unitsEm*64), font.HintingNone)
	if err != nil {
		return 0
	}
	return float64(a) / 64 * 1000 / ff.unitsEm
}

// finish writes the Type0 font, its CIDFont with widths, and the ToUnicode map.
func (ff *fillFont) finish(u *incremental) {
	if ff.ref == (Ref{}) {
		return
	}
	gids := make([]int, 0, len(ff.used))
	for g := range ff.used {
		gids = append(gids, int(g))
	}
	sort.Ints(gids)
	var widths Array
	var cmap bytes.Buffer
	cmap.WriteString("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n" +
		"1 begincodespacerange <0000> <FFFF> endcodespacerange\n")
	fmt.Fprintf(&cmap, "%d beginbfchar\n", len(gids))
	for _, g := range gids {
		widths = append(widths, int64(g), Array{int64(ff.advance(sfnt.GlyphIndex(g)) + 0.5)})
		r := ff.used[sfnt.GlyphIndex(g)]
		var utf16 string
		if r >= 0x10000 {
			r -= 0x10000
			utf16 = fmt.Sprintf("%04X%04X", 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		} else {
			utf16 = fmt.Sprintf("%04X", r)
		}
		fmt.Fprintf(&cmap, "<%04X> <%s>\n", g, utf16)
	}
	cmap.WriteString("endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n")
	toUni := u.add(&Stream{Dict: Dict{}, Data: cmap.Bytes()})
	cid := u.add(Dict{
		"Type": Name("Font"), "Subtype": Name("CIDFontType2"), "BaseFont": Name(ff.base),
		"CIDSystemInfo":  Dict{"Registry": textString("Adobe"), "Ordering": textString("Identity"), "Supplement": int64(0)},
		"FontDescriptor": ff.fd, "CIDToGIDMap": Name("Identity"), "DW": int64(1000), "W": widths,
	})
	u.set(ff.ref, Dict{
		"Type": Name("Font"), "Subtype": Name("Type0"), "BaseFont": Name(ff.base),
		"Encoding": Name("Identity-H"), "DescendantFonts": Array{cid}, "ToUnicode": toUni,
	})
}
