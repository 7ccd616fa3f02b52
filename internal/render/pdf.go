package render

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"unicode/utf16"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	pdffont "github.com/pdfcpu/pdfcpu/pkg/pdfcpu/font"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// This file is the only one that talks to pdfcpu's object model. Layout hands it pages of
// drawing operations in points with the origin at the bottom left (PDF user space); it
// builds the page tree, the Type0 (Identity-H) subset fonts, the AcroForm fields, and
// writes the file.

// A4 in points.
const (
	pageWidth  = 595.276
	pageHeight = 841.89
)

// canvas collects the content stream of one page.
type canvas struct {
	buf    bytes.Buffer
	fields []fieldSpec
}

// fieldSpec is an empty AcroForm text field to create on a page.
type fieldSpec struct {
	name  string
	rect  Rect
	size  float64
	align int // 0 left, 1 centre, 2 right (the PDF Q entry)
	face  face
}

// pdfBuilder accumulates pages and the glyphs used per face.
type pdfBuilder struct {
	m      [3]*metrics
	shared *sharedFonts // nil: every document gets its own font subsets
	pages  []*canvas
	used   [3]map[uint16]bool // glyph id -> used, per face
	uni    [3]map[uint16]rune // glyph id -> the character it was drawn for
	info   docInfo
	// width and height are the page size in points: A4 portrait unless a document asks
	// for landscape (the reports' tables).
	width, height float64
}

type docInfo struct {
	title, subject, keywords string
}

func newPDFBuilder(m [3]*metrics) *pdfBuilder {
	b := &pdfBuilder{m: m, width: pageWidth, height: pageHeight}
	for i := range b.used {
		b.used[i] = map[uint16]bool{}
		b.uni[i] = map[uint16]rune{}
	}
	return b
}

func (b *pdfBuilder) newPage() *canvas {
	c := &canvas{}
	b.pages = append(b.pages, c)
	return c
}

func ff(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// glyphHex encodes s as the hex string of its glyph ids in face f and records the glyphs
// for subsetting. Runes without a glyph were refused by validation before layout.
func (b *pdfBuilder) glyphHex(f face, s string) string {
	out := make([]byte, 0, len(s)*4+2)
	out = append(out, '<')
	for _, r := range s {
		g, ok := b.m[f].gid(r)
		if !ok {
			continue
		}
		b.used[f][g] = true
		b.uni[f][g] = r
		out = append(out, hexDigits[g>>12&0xF], hexDigits[g>>8&0xF], hexDigits[g>>4&0xF], hexDigits[g&0xF])
	}
	return string(append(out, '>'))
}

const hexDigits = "0123456789ABCDEF"

// textSpan is a piece of text in one face drawn from a start point; spaceExtra is added
// after each space character (for justified lines) and hscale is the horizontal scaling
// in percent (100 = none).
type textSpan struct {
	f          face
	size       float64
	x, y       float64 // baseline start, PDF user space
	text       string
	spaceExtra float64
	hscale     float64
}

func (b *pdfBuilder) drawText(c *canvas, t textSpan) {
	fmt.Fprintf(&c.buf, "BT /F%d %s Tf ", int(t.f), ff(t.size))
	if t.hscale != 0 && t.hscale != 100 {
		fmt.Fprintf(&c.buf, "%s Tz ", ff(t.hscale))
	}
	fmt.Fprintf(&c.buf, "1 0 0 1 %s %s Tm ", ff(t.x), ff(t.y))
	if t.spaceExtra <= 0.001 {
		c.buf.WriteString(b.glyphHex(t.f, t.text))
		c.buf.WriteString(" Tj ET\n")
		return
	}
	// Justified: a TJ array with a negative adjustment after every space, in thousandths
	// of the font size. Keeping the real space glyphs lets text extraction see the words.
	adj := "-" + ff(t.spaceExtra*1000/t.size)
	c.buf.WriteString("[")
	start := 0
	for i, r := range t.text {
		if r == ' ' {
			c.buf.WriteString(b.glyphHex(t.f, t.text[start:i+1]))
			c.buf.WriteString(adj)
			start = i + 1
		}
	}
	c.buf.WriteString(b.glyphHex(t.f, t.text[start:]))
	c.buf.WriteString("] TJ ET\n")
}

// line strokes a black line of width w.
func (c *canvas) line(x1, y1, x2, y2, w float64) {
	fmt.Fprintf(&c.buf, "q %s w 0 G %s %s m %s %s l S Q\n", ff(w), ff(x1), ff(y1), ff(x2), ff(y2))
}

// fillRects fills rectangles in black in one path (used for the QR code).
func (c *canvas) fillRects(rs []Rect) {
	c.buf.WriteString("q 0 g\n")
	for _, r := range rs {
		fmt.Fprintf(&c.buf, "%s %s %s %s re\n", ff(r.X), ff(r.Y), ff(r.W), ff(r.H))
	}
	c.buf.WriteString("f Q\n")
}

// vietnameseRunes are the letters a form field may later be filled with: ASCII and every
// precomposed Vietnamese letter. Their glyphs are kept in the regular face's subset so
// that whoever fills motcua.number and motcua.date can draw with the DR font.
func vietnameseRunes() []rune {
	rs := []rune{}
	for r := rune(0x20); r < 0x7F; r++ {
		rs = append(rs, r)
	}
	const vi = "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư" +
		"ẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ"
	return append(rs, []rune(vi)...)
}

// write builds the PDF and returns its bytes.
func (b *pdfBuilder) write() ([]byte, error) {
	conf := model.NewDefaultConfiguration()
	conf.Cmd = model.CREATE
	ctx, err := pdfcpu.CreateContextWithXRefTable(conf, &types.Dim{Width: b.width, Height: b.height})
	if err != nil {
		return nil, fmt.Errorf("create pdf context: %w", err)
	}
	xt := ctx.XRefTable

	hasFields := false
	for _, p := range b.pages {
		if len(p.fields) > 0 {
			hasFields = true
		}
	}
	if hasFields {
		for _, f := range []face{regular, italic} {
			for _, r := range vietnameseRunes() {
				if g, ok := b.m[f].gid(r); ok {
					b.used[f][g] = true
					if _, seen := b.uni[f][g]; !seen {
						b.uni[f][g] = r
					}
				}
			}
		}
	}

	// Fonts: one Type0 subset font per face that was used, shared by all pages. They are
	// created after every page was drawn, because the subset is taken from UsedGIDs.
	fontRes := types.Dict{}
	fontRefs := [3]*types.IndirectRef{}
	for f := regular; f <= italic; f++ {
		if len(b.used[f]) == 0 {
			continue
		}
		ir, err := b.embedFont(xt, f)
		if err != nil {
			return nil, fmt.Errorf("embed font %s: %w", f.name(), err)
		}
		fontRefs[f] = ir
		fontRes.Insert("F"+strconv.Itoa(int(f)), *ir)
	}

	root, err := xt.Catalog()
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	pagesRef, err := xt.Pages()
	if err != nil {
		return nil, fmt.Errorf("page tree: %w", err)
	}
	pagesDict, err := xt.DereferenceDict(*pagesRef)
	if err != nil {
		return nil, fmt.Errorf("page tree: %w", err)
	}

	var fieldRefs types.Array
	for i, p := range b.pages {
		contents, err := xt.StreamDictIndRef(p.buf.Bytes())
		if err != nil {
			return nil, fmt.Errorf("page %d content: %w", i+1, err)
		}
		pd := types.Dict{
			"Type":      types.Name("Page"),
			"Parent":    *pagesRef,
			"MediaBox":  types.RectForDim(b.width, b.height).Array(),
			"Resources": types.Dict{"Font": fontRes},
			"Contents":  *contents,
		}
		pageRef, err := xt.IndRefForNewObject(pd)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", i+1, err)
		}
		var annots types.Array
		for _, fs := range p.fields {
			ref, err := b.field(xt, fs, *pageRef)
			if err != nil {
				return nil, fmt.Errorf("page %d field %s: %w", i+1, fs.name, err)
			}
			annots = append(annots, *ref)
			fieldRefs = append(fieldRefs, *ref)
		}
		if len(annots) > 0 {
			pd["Annots"] = annots
		}
		if err := model.AppendPageTree(pageRef, 1, pagesDict); err != nil {
			return nil, fmt.Errorf("page %d: append to page tree: %w", i+1, err)
		}
		ctx.PageCount++
	}

	if len(fieldRefs) > 0 {
		root["AcroForm"] = types.Dict{
			"Fields": fieldRefs,
			"DA":     types.StringLiteral("/" + regular.name() + " 0 Tf 0 g"),
			"DR":     types.Dict{"Font": types.Dict{regular.name(): *fontRefs[regular], italic.name(): *fontRefs[italic]}},
		}
	}

	info := types.NewDict()
	for k, v := range map[string]string{"Title": b.info.title, "Subject": b.info.subject,
		"Keywords": b.info.keywords, "Creator": "motcua"} {
		if v == "" {
			continue
		}
		esc, err := types.EscapedUTF16String(v)
		if err != nil {
			return nil, fmt.Errorf("info %s: %w", k, err)
		}
		info.Insert(k, types.StringLiteral(*esc))
	}
	infoRef, err := xt.IndRefForNewObject(info)
	if err != nil {
		return nil, fmt.Errorf("info dict: %w", err)
	}
	xt.Info = infoRef

	var out bytes.Buffer
	if err := api.WriteContext(ctx, &out); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return out.Bytes(), nil
}

// field creates an empty text field with its widget (one merged dictionary), no border,
// no background, and an empty normal appearance, so viewers and validators accept it as
// is and a later incremental update only has to set V and a new appearance.
func (b *pdfBuilder) field(xt *model.XRefTable, fs fieldSpec, page types.IndirectRef) (*types.IndirectRef, error) {
	ap, err := xt.NewStreamDictForBuf([]byte("/Tx BMC EMC"))
	if err != nil {
		return nil, err
	}
	ap.Insert("Type", types.Name("XObject"))
	ap.Insert("Subtype", types.Name("Form"))
	ap.Insert("BBox", types.RectForDim(fs.rect.W, fs.rect.H).Array())
	if err := ap.Encode(); err != nil {
		return nil, err
	}
	apRef, err := xt.IndRefForNewObject(*ap)
	if err != nil {
		return nil, err
	}
	d := types.Dict{
		"Type":    types.Name("Annot"),
		"Subtype": types.Name("Widget"),
		"FT":      types.Name("Tx"),
		"T":       types.StringLiteral(fs.name),
		"F":       types.Integer(model.AnnPrint),
		"Rect":    types.NewRectangle(fs.rect.X, fs.rect.Y, fs.rect.X+fs.rect.W, fs.rect.Y+fs.rect.H).Array(),
		"P":       page,
		"DA":      types.StringLiteral("/" + fs.face.name() + " " + ff(fs.size) + " Tf 0 g"),
		"Q":       types.Integer(fs.align),
		"MK":      types.Dict{},
		"BS":      types.Dict{"W": types.Integer(0)},
		"AP":      types.Dict{"N": *apRef},
	}
	return xt.IndRefForNewObject(d)
}

// embedFont adds face f's font to xt: a copy of the shared subset when it has every
// glyph the document drew with f, else a subset of the document's own.
func (b *pdfBuilder) embedFont(xt *model.XRefTable, f face) (*types.IndirectRef, error) {
	if b.shared != nil {
		// A shared subset that could not be made leaves every document its own.
		if sf, err := b.shared.face(f, b.m); err == nil && sf.covers(b.used[f]) {
			return sf.copyInto(xt)
		}
	}
	xt.UsedGIDs[f.name()] = b.used[f]
	ir, err := pdffont.EnsureFontDict(xt, f.name(), "", "", false, nil)
	if err != nil {
		return nil, err
	}
	if err := b.replaceToUnicode(xt, f, ir); err != nil {
		return nil, err
	}
	return ir, nil
}

// replaceToUnicode rewrites the ToUnicode CMap of the embedded font. pdfcpu v0.15.0
// writes at most 100 entries (font.bf caps the total at the size of the first block), so
// text drawn with any glyph past the 100th used one cannot be extracted or searched. We
// know which character each glyph was drawn for and write the full map ourselves.
func (b *pdfBuilder) replaceToUnicode(xt *model.XRefTable, f face, fontRef *types.IndirectRef) error {
	d, err := xt.DereferenceDict(*fontRef)
	if err != nil {
		return fmt.Errorf("read font dict: %w", err)
	}
	ref, ok := d["ToUnicode"].(types.IndirectRef)
	if !ok {
		return fmt.Errorf("font dict has no ToUnicode reference")
	}
	gids := make([]int, 0, len(b.uni[f]))
	for g := range b.uni[f] {
		gids = append(gids, int(g))
	}
	sort.Ints(gids)
	var cm bytes.Buffer
	cm.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for len(gids) > 0 {
		n := min(len(gids), 100)
		fmt.Fprintf(&cm, "%d beginbfchar\n", n)
		for _, g := range gids[:n] {
			fmt.Fprintf(&cm, "<%04X> <", g)
			for _, u := range utf16.Encode([]rune{b.uni[f][uint16(g)]}) {
				fmt.Fprintf(&cm, "%04X", u)
			}
			cm.WriteString(">\n")
		}
		cm.WriteString("endbfchar\n")
		gids = gids[n:]
	}
	cm.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	sd, err := xt.NewStreamDictForBuf(cm.Bytes())
	if err != nil {
		return err
	}
	if err := sd.Encode(); err != nil {
		return fmt.Errorf("encode ToUnicode: %w", err)
	}
	entry, ok := xt.FindTableEntryLight(ref.ObjectNumber.Value())
	if !ok {
		return fmt.Errorf("ToUnicode object %d not found", ref.ObjectNumber.Value())
	}
	entry.Object = *sd
	return nil
}
