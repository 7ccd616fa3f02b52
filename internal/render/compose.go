package render

import (
	"fmt"
	"strconv"
	"strings"

	"rsc.io/qr"

	"motcua"
)

// Sizes in points of the parts of a document, per Decree 30/2020 Appendix I.
const (
	sizeParent    = 12.0 // parent agency, upper case
	sizeAgency    = 12.0 // agency, upper case, bold
	sizeNational  = 12.0 // CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM, bold
	sizeMotto     = 13.0 // Độc lập - Tự do - Hạnh phúc, bold
	sizeNumber    = 13.0 // Số: ...
	sizeDate      = 13.0 // place and date, italic
	sizeTitle     = 14.0 // title and subject, bold
	sizeRecipHead = 12.0 // "Nơi nhận:", bold (bold italic in the decree; DejaVu has no such face here)
	sizeRecip     = 11.0
	sizeExcerpt   = 12.0 // a letter's "V/v ..." under its number
	sizeURL       = 6.5
	sizePageNo    = 13.0

	firstIndent = 10 * mm // first-line indent of body paragraphs (1–1.27 cm)
	paraSpace   = 6.0     // space between paragraphs (at least 6 pt)

	qrSize = 25 * mm // the QR code with its quiet zone
)

const (
	nationalHeading = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	motto           = "Độc lập - Tự do - Hạnh phúc"
)

// layouter composes one document: it flows blocks down pages and records the layout.
type layouter struct {
	m      [3]*metrics
	b      *pdfBuilder
	opt    Options
	page   *canvas
	pageNo int
	y      float64 // top-down position of the next block on the page
	out    Layout
	qrBand float64 // height kept free at the bottom of page 1 for the QR code
}

func newLayouter(m [3]*metrics, opt Options) *layouter {
	lo := &layouter{m: m, b: newPDFBuilder(m), opt: opt}
	lo.out.PageSize = Rect{0, 0, pageWidth, pageHeight}
	return lo
}

func (lo *layouter) bottom() float64 {
	b := pageHeight - marginBottom
	if lo.pageNo == 1 {
		b -= lo.qrBand
	}
	return b
}

func (lo *layouter) newPage() {
	lo.page = lo.b.newPage()
	lo.pageNo++
	lo.y = marginTop
	if lo.pageNo > 1 {
		// Page numbers: centred in the top margin, from page 2 on.
		n := strconv.Itoa(lo.pageNo)
		w := lo.m[regular].width(n, sizePageNo)
		lo.b.drawText(lo.page, textSpan{f: regular, size: sizePageNo,
			x: pageWidth/2 - w/2, y: pageHeight - 12*mm, text: n})
	}
}

// place flows a paragraph down the page, breaking pages between lines, and returns the
// number of lines it took.
func (lo *layouter) place(p paragraph, spaceAfter float64) int {
	lines := lo.wrap(p)
	lh := lineHeight(p.size)
	for _, l := range lines {
		if lo.y+lh > lo.bottom() {
			lo.newPage()
		}
		lo.drawLine(lo.page, p, l, lo.y+lo.baselineOffset(p.size))
		lo.y += lh
	}
	lo.y += spaceAfter
	return len(lines)
}

// placeAt draws a paragraph at a fixed top-down position without flowing and returns
// its lines, for the heading and signer columns.
func (lo *layouter) placeAt(p paragraph, top float64) []textLine {
	lines := lo.wrap(p)
	lh := lineHeight(p.size)
	for i, l := range lines {
		lo.drawLine(lo.page, p, l, top+float64(i)*lh+lo.baselineOffset(p.size))
	}
	return lines
}

// rule draws a horizontal line centred on cx at top-down position y.
func (lo *layouter) rule(cx, y, length float64) {
	lo.page.line(cx-length/2, pageHeight-y, cx+length/2, pageHeight-y, 0.6)
}

// invalid is the error for input that does not fit the layout.
func invalid(field, format string, args ...any) error {
	return &motcua.Error{Code: motcua.EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// heading draws the agency column and the national heading column, then the number and
// the place/date line. For results and letters the number and the date are empty
// fields. A letter's excerpt goes under the number after "V/v".
func (lo *layouter) heading(h *Header, result bool, symbol, excerpt string) error {
	top := lo.y
	leftX, rightX := contentLeft, contentLeft+leftColWidth
	cxL, cxR := leftX+leftColWidth/2, rightX+rightColWidth/2

	// Left: parent agency, then the agency in bold with a short rule under it.
	y := top
	if h.ParentAgency != "" {
		lines := lo.placeAt(paragraph{spans: []span{{h.ParentAgency, regular}}, size: sizeParent,
			align: alignCenter, x: leftX, width: leftColWidth}, y)
		if len(lines) > 2 {
			return invalid("ParentAgency", "Tên cơ quan chủ quản quá dài (tối đa 2 dòng).")
		}
		y += float64(len(lines)) * lineHeight(sizeParent)
	}
	agency := lo.placeAt(paragraph{spans: []span{{h.Agency, bold}}, size: sizeAgency,
		align: alignCenter, x: leftX, width: leftColWidth}, y)
	if len(agency) > 3 {
		return invalid("Agency", "Tên cơ quan ban hành quá dài (tối đa 3 dòng).")
	}
	y += float64(len(agency)) * lineHeight(sizeAgency)
	// "đường kẻ ngang, nét liền, có độ dài bằng từ 1/3 đến 1/2 độ dài của dòng chữ"
	lo.rule(cxL, y+2, max(widest(agency)*0.4, 30))
	leftBottom := y + 2

	// Right: national heading, motto with a rule as long as the motto.
	natW := lo.m[bold].width(nationalHeading, sizeNational)
	scale := 100.0
	if natW > rightColWidth {
		scale = 100 * rightColWidth / natW
		natW = rightColWidth
	}
	lo.b.drawText(lo.page, textSpan{f: bold, size: sizeNational, x: cxR - natW/2,
		y: pageHeight - (top + lo.baselineOffset(sizeNational)), text: nationalHeading, hscale: scale})
	ry := top + lineHeight(sizeNational)
	mw := lo.m[bold].width(motto, sizeMotto)
	lo.b.drawText(lo.page, textSpan{f: bold, size: sizeMotto, x: cxR - mw/2,
		y: pageHeight - (ry + lo.baselineOffset(sizeMotto)), text: motto})
	ry += lineHeight(sizeMotto)
	lo.rule(cxR, ry+2, mw)
	rightBottom := ry + 2

	// Number (left) and place/date (right) share one row under the heading.
	row := max(leftBottom, rightBottom) + 8
	base := row + lo.baselineOffset(sizeNumber)
	fieldH := sizeNumber * 1.35
	fieldRect := func(x, w float64) Rect {
		return Rect{X: x, Y: pageHeight - base - lo.m[regular].descent*sizeNumber - 2, W: w, H: fieldH}
	}
	reg := lo.m[regular]
	switch {
	case result:
		label, suffix := "Số: ", "/"+symbol
		fw := reg.width("99999", sizeNumber) + 4
		total := reg.width(label, sizeNumber) + fw + reg.width(suffix, sizeNumber)
		if total > leftColWidth {
			return invalid("Symbol", "Ký hiệu văn bản quá dài.")
		}
		x := cxL - total/2
		lo.b.drawText(lo.page, textSpan{f: regular, size: sizeNumber, x: x, y: pageHeight - base, text: label})
		x += reg.width(label, sizeNumber)
		lo.addField(FieldNumber, fieldRect(x, fw), sizeNumber, 2, regular)
		x += fw
		lo.b.drawText(lo.page, textSpan{f: regular, size: sizeNumber, x: x, y: pageHeight - base, text: suffix})
	case h.Number != "":
		s := "Số: " + h.Number
		w := reg.width(s, sizeNumber)
		if w > leftColWidth {
			return invalid("Number", "Số, ký hiệu văn bản quá dài.")
		}
		lo.b.drawText(lo.page, textSpan{f: regular, size: sizeNumber, x: cxL - w/2, y: pageHeight - base, text: s})
	}
	it := lo.m[italic]
	if result {
		label := h.Place + ", "
		fw := reg.width("ngày 28 tháng 12 năm 2099", sizeDate) + 6
		total := it.width(label, sizeDate) + fw
		if total > rightColWidth {
			return invalid("Place", "Địa danh quá dài.")
		}
		x := cxR - total/2
		lo.b.drawText(lo.page, textSpan{f: italic, size: sizeDate, x: x, y: pageHeight - base, text: label})
		lo.addField(FieldDate, fieldRect(x+it.width(label, sizeDate), fw), sizeDate, 0, italic) // the date line is wholly italic
	} else {
		s := h.Place + ", " + longDate(h.Date)
		w := it.width(s, sizeDate)
		if w > rightColWidth {
			return invalid("Place", "Địa danh quá dài.")
		}
		lo.b.drawText(lo.page, textSpan{f: italic, size: sizeDate, x: cxR - w/2, y: pageHeight - base, text: s})
	}
	lo.y = row + lineHeight(sizeNumber) + 14
	if excerpt != "" {
		// Decree 30/2020 Appendix I, 5b: after "V/v", lower case, 12–13 pt, upright,
		// centred under the number and symbol, 6 pt below them.
		top := row + lineHeight(sizeNumber) + 6
		lines := lo.placeAt(paragraph{spans: []span{{"V/v " + excerpt, regular}}, size: sizeExcerpt,
			align: alignCenter, x: leftX, width: leftColWidth}, top)
		if len(lines) > maxExcerptLines {
			return invalid("Excerpt", "Trích yếu nội dung công văn quá dài (tối đa %d dòng dưới số, ký hiệu).", maxExcerptLines)
		}
		lo.y = max(lo.y, top+float64(len(lines))*lineHeight(sizeExcerpt)+14)
	}
	return nil
}

// maxExcerptLines bounds a letter's "V/v" excerpt under the number.
const maxExcerptLines = 5

// addressee draws "Kính gửi:" (Decree 30/2020 Appendix I, 9a; 14 pt, upright): one
// addressee on the same line; several each on a line under it, a dash aligned under the
// colon, ";" after each but the last, "." after the last.
func (lo *layouter) addressee(to []string, size float64) {
	if len(to) == 0 {
		return
	}
	reg := lo.m[regular]
	label := "Kính gửi:"
	lw := reg.width(label+" ", size)
	if len(to) == 1 {
		line := label + " " + to[0]
		w := reg.width(line, size)
		if w <= contentWidth-2*firstIndent {
			lo.place(paragraph{spans: []span{{line, regular}}, size: size, align: alignCenter,
				x: contentLeft, width: contentWidth}, paraSpace*2)
			return
		}
		lo.place(paragraph{spans: []span{{line, regular}}, size: size, align: alignLeft,
			x: contentLeft + firstIndent, width: contentWidth - firstIndent, restIndent: lw}, paraSpace*2)
		return
	}
	widest := 0.0
	items := make([]string, len(to))
	for i, t := range to {
		t = strings.TrimRight(t, ";.")
		if i == len(to)-1 {
			t += "."
		} else {
			t += ";"
		}
		items[i] = "- " + t
		widest = max(widest, reg.width(items[i], size))
	}
	x := contentLeft + max(firstIndent, (contentWidth-lw-widest)/2)
	lo.place(paragraph{spans: []span{{label, regular}}, size: size, align: alignLeft,
		x: x, width: contentLeft + contentWidth - x}, 0)
	for _, it := range items {
		lo.place(paragraph{spans: []span{{it, regular}}, size: size, align: alignLeft,
			x: x + lw, width: contentLeft + contentWidth - x - lw, restIndent: 8}, 0)
	}
	lo.y += paraSpace * 2
}

func (lo *layouter) addField(name string, r Rect, size float64, align int, f face) {
	lo.page.fields = append(lo.page.fields, fieldSpec{name: name, rect: r, size: size, align: align, face: f})
	lo.out.Fields = append(lo.out.Fields, FieldBox{Name: name, Page: lo.pageNo, Rect: r, FontSize: size,
		Align: [...]string{"left", "center", "right"}[align]})
}

// title draws the title lines, the subject with its short rule, and subtitle lines.
func (lo *layouter) title(title []string, subject string, subtitle []string, bodySize float64) {
	for _, t := range title {
		lo.place(paragraph{spans: spansOf(t, bold), size: sizeTitle, align: alignCenter,
			x: contentLeft + 20, width: contentWidth - 40}, 0)
	}
	if subject != "" {
		n := lo.wrap(paragraph{spans: spansOf(subject, bold), size: sizeTitle, x: contentLeft + 30, width: contentWidth - 60})
		lo.place(paragraph{spans: spansOf(subject, bold), size: sizeTitle, align: alignCenter,
			x: contentLeft + 30, width: contentWidth - 60}, 0)
		lo.rule(contentLeft+contentWidth/2, lo.y+3, max(widest(n)*0.4, 60))
		lo.y += 8
	}
	if len(subtitle) > 0 {
		lo.y += 2
	}
	for _, t := range subtitle {
		lo.place(paragraph{spans: spansOf(t, regular), size: bodySize, align: alignCenter,
			x: contentLeft, width: contentWidth}, 0)
	}
	lo.y += 10
}

// text places template output: each line is a paragraph in the block's style; in the
// style "addressee" each line is one addressee of "Kính gửi:".
func (lo *layouter) text(style, s string, size float64) {
	if style == "addressee" {
		var to []string
		for _, ln := range strings.Split(s, "\n") {
			if ln = strings.TrimSpace(plainText(ln)); ln != "" {
				to = append(to, ln)
			}
		}
		lo.addressee(to, size)
		return
	}
	for _, ln := range strings.Split(s, "\n") {
		if strings.TrimSpace(plainText(ln)) == "" {
			continue
		}
		p := paragraph{size: size, x: contentLeft, width: contentWidth}
		after := paraSpace
		switch style {
		case "", "para":
			p.spans, p.align, p.firstIndent = spansOf(ln, regular), alignJustify, firstIndent
		case "plain":
			p.spans, p.align = spansOf(ln, regular), alignJustify
			after = 3
		case "center":
			p.spans, p.align = spansOf(ln, regular), alignCenter
			after = 3
		case "heading":
			p.spans, p.align = spansOf(ln, bold), alignCenter
			lo.y += 4
			// keep a heading with at least two lines of what follows
			if lo.y+3*lineHeight(size) > lo.bottom() {
				lo.newPage()
			}
		case "basis":
			p.spans, p.align, p.firstIndent = spansOf(ln, italic), alignJustify, firstIndent
			after = 3
		case "hang":
			p.spans, p.align, p.firstIndent, p.restIndent = spansOf(ln, regular), alignJustify, firstIndent, firstIndent
			after = 3
		}
		lo.place(p, after)
	}
}

// table draws a bordered table whose rows do not split across pages; the header row is
// repeated on a new page.
func (lo *layouter) table(cols []templateColumn, cells [][]string, size float64) {
	const pad = 3.0
	total := 0.0
	for _, c := range cols {
		total += c.Width
	}
	xs := make([]float64, len(cols)+1)
	xs[0] = contentLeft
	for i, c := range cols {
		xs[i+1] = xs[i] + contentWidth*c.Width/total
	}
	lh := lineHeight(size)
	// A cell is one or more paragraphs (one per line of its text), stacked.
	cellPara := func(i int, s string, f face, align alignment) []paragraph {
		var ps []paragraph
		for _, part := range strings.Split(s, "\n") {
			ps = append(ps, paragraph{spans: spansOf(part, f), size: size, align: align,
				x: xs[i] + pad, width: xs[i+1] - xs[i] - 2*pad})
		}
		return ps
	}
	alignOf := func(s string) alignment {
		switch s {
		case "center":
			return alignCenter
		case "right":
			return alignRight
		}
		return alignLeft
	}
	rowHeight := func(cs [][]paragraph) float64 {
		n := 1
		for _, ps := range cs {
			k := 0
			for _, p := range ps {
				k += len(lo.wrap(p))
			}
			n = max(n, k)
		}
		return float64(n)*lh + 2*pad
	}
	drawRow := func(cs [][]paragraph, h float64) {
		top := lo.y
		for _, ps := range cs {
			y := top + pad
			for _, p := range ps {
				y += float64(len(lo.placeAt(p, y))) * lh
			}
		}
		c := lo.page
		yTop, yBot := pageHeight-top, pageHeight-(top+h)
		c.line(xs[0], yTop, xs[len(xs)-1], yTop, 0.5)
		c.line(xs[0], yBot, xs[len(xs)-1], yBot, 0.5)
		for _, x := range xs {
			c.line(x, yTop, x, yBot, 0.5)
		}
		lo.y += h
	}
	header := make([][]paragraph, len(cols))
	for i, c := range cols {
		header[i] = cellPara(i, c.Header, bold, alignCenter)
	}
	hh := rowHeight(header)
	if lo.y+hh+lh+2*pad > lo.bottom() {
		lo.newPage()
	}
	drawRow(header, hh)
	for _, row := range cells {
		ps := make([][]paragraph, len(cols))
		for i, c := range cols {
			ps[i] = cellPara(i, row[i], regular, alignOf(c.Align))
		}
		h := rowHeight(ps)
		if lo.y+h > lo.bottom() {
			lo.newPage()
			drawRow(header, hh)
		}
		drawRow(ps, h)
	}
	lo.y += paraSpace
}

// signature draws the signer block in the right column and "Nơi nhận:" in the left one,
// side by side and never split across pages, and records where the signature image and
// the seal go.
func (lo *layouter) signature(h *Header, defaultTitle string, size float64) error {
	s := h.Signer
	title := s.Title
	if title == "" {
		title = defaultTitle
	}
	if title == "" {
		return invalid("Signer.Title", "Thiếu chức danh người ký.")
	}
	rightX := contentLeft + leftColWidth
	col := func(text string, f face, sz float64) paragraph {
		return paragraph{spans: []span{{text, f}}, size: sz, align: alignCenter, x: rightX, width: rightColWidth}
	}
	lh := lineHeight(size)
	var heads []paragraph
	if s.Prefix != "" {
		p := col(s.Prefix, bold, size)
		if len(lo.wrap(p)) > 1 {
			return invalid("Signer.Prefix", "Thẩm quyền ký quá dài (tối đa 1 dòng).")
		}
		heads = append(heads, p)
	}
	tp := col(title, bold, size)
	if len(lo.wrap(tp)) > 2 {
		return invalid("Signer.Title", "Chức danh người ký quá dài (tối đa 2 dòng).")
	}
	heads = append(heads, tp)
	np := col(s.Name, bold, size)
	if len(lo.wrap(np)) > 1 {
		return invalid("Signer.Name", "Họ tên người ký quá dài (tối đa 1 dòng).")
	}
	headLines := 0
	for _, p := range heads {
		headLines += len(lo.wrap(p))
	}
	sigW, sigH, seal := lo.opt.SignatureWidth*mm, lo.opt.SignatureHeight*mm, lo.opt.SealSize*mm
	gap := max(sigH, seal) + 6
	rightH := float64(headLines)*lh + gap + lh

	var recips []paragraph
	leftH := 0.0
	if len(h.Recipients) > 0 {
		recips = append(recips, paragraph{spans: []span{{"Nơi nhận:", bold}}, size: sizeRecipHead,
			x: contentLeft, width: leftColWidth - 6})
		for _, r := range h.Recipients {
			if !strings.HasPrefix(r, "-") {
				r = "- " + r
			}
			recips = append(recips, paragraph{spans: []span{{r, regular}}, size: sizeRecip,
				x: contentLeft, width: leftColWidth - 6, restIndent: 8})
		}
		for _, p := range recips {
			leftH += float64(len(lo.wrap(p))) * lineHeight(p.size)
		}
	}
	lo.y += 10
	// On page 1 the signer column may go down beside the QR code; the recipients may not.
	rightBottom := lo.bottom()
	if lo.pageNo == 1 {
		rightBottom = pageHeight - marginBottom
	}
	if lo.y+rightH > rightBottom || lo.y+leftH > lo.bottom() {
		lo.newPage()
	}
	top := lo.y
	y := top
	for _, p := range heads {
		y += float64(len(lo.placeAt(p, y))) * lh
	}
	gapTop := y
	y += gap
	lo.placeAt(np, y)
	blockBottom := y + lh

	cx := rightX + rightColWidth/2
	mid := gapTop + gap/2
	img := Rect{X: cx - sigW/2, Y: pageHeight - mid - sigH/2, W: sigW, H: sigH}
	lo.out.Page = lo.pageNo
	lo.out.SignerImage = img
	// The seal covers about the left third of the signature image (Decree 30/2020).
	lo.out.Seal = Rect{X: img.X + img.W/3 - seal, Y: pageHeight - mid - seal/2, W: seal, H: seal}
	lo.out.SignerBlock = Rect{X: rightX, Y: pageHeight - blockBottom, W: rightColWidth, H: blockBottom - top}

	ly := top
	for _, p := range recips {
		ly += float64(len(lo.placeAt(p, ly))) * lineHeight(p.size)
	}
	lo.y = max(blockBottom, ly)
	return nil
}

// The QR code sits at the bottom left of page 1, inside the margins, with the URL in
// small text under it. Full-width text and "Nơi nhận:" stay above it; the signer block,
// in the right column, may go down beside it.

// qrLines wraps the URL under the code to the left column.
func (lo *layouter) qrLines(url string) (paragraph, []textLine) {
	p := paragraph{spans: []span{{url, regular}}, size: sizeURL, align: alignLeft,
		x: contentLeft, width: leftColWidth - 6}
	return p, lo.wrap(p)
}

// qrBandHeight is the height kept free at the bottom of page 1 for the QR code and the
// URL under it.
func (lo *layouter) qrBandHeight(url string) float64 {
	_, lines := lo.qrLines(url)
	return 8 + qrSize + 2 + float64(len(lines))*lineHeight(sizeURL)
}

// drawQR draws the verification QR code with the URL under it. The code is vector
// squares, so it stays sharp at any resolution.
func (lo *layouter) drawQR(first *canvas, url string) error {
	code, err := qr.Encode(url, qr.M)
	if err != nil {
		return invalid("VerifyURL", "Địa chỉ xác thực quá dài để mã hóa QR.")
	}
	p, lines := lo.qrLines(url)
	textTop := pageHeight - marginBottom - float64(len(lines))*lineHeight(sizeURL)
	for i, l := range lines {
		lo.drawLine(first, p, l, textTop+float64(i)*lineHeight(sizeURL)+lo.baselineOffset(sizeURL))
	}
	box := Rect{X: contentLeft, Y: pageHeight - (textTop - 2), W: qrSize, H: qrSize}
	lo.out.QR = box
	// Modules including a 4-module quiet zone on each side.
	n := code.Size + 8
	mod := qrSize / float64(n)
	var rs []Rect
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; {
			if !code.Black(x, y) {
				x++
				continue
			}
			start := x
			for x < code.Size && code.Black(x, y) {
				x++
			}
			// Rows top-down; a hair of overlap avoids seams between adjacent squares.
			rs = append(rs, Rect{
				X: box.X + float64(start+4)*mod,
				Y: box.Y + box.H - float64(y+4+1)*mod - 0.01,
				W: float64(x-start) * mod,
				H: mod + 0.02,
			})
		}
	}
	first.fillRects(rs)
	return nil
}
