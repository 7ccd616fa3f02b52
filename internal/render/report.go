package render

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"motcua"
)

// Report is a report laid out as a table on landscape A4 pages, with the heading of
// Decree 30/2020 (the reporting agency on the left, the national heading on the right),
// the form's number, a title, lines under it (the period), the table (its header row
// repeated on every page, its total row bold) and the signer's block. Form 06/VPCP/KSTT
// of Circular 01/2020/TT-VPCP is one (dossiers builds it from reports.Form06).
type Report struct {
	ParentAgency string // upper case; may be empty
	Agency       string // the reporting agency, upper case
	// Form names the form under the agency: "Biểu số 06/VPCP/KSTT".
	Form  string
	Place string    // "Hà Nội"
	Date  time.Time // the date of the report, Vietnam time
	Title string    // the report's title, upper case
	// Lines are centred under the title: "Kỳ báo cáo: từ ngày … đến ngày …", the unit.
	Lines   []string
	Columns []ReportColumn
	Rows    [][]string // each as many cells as Columns
	Total   []string   // the total row, bold; nil for none
	// Notes are the paragraphs after the table (how the figures were counted).
	Notes      []string
	Recipients []string
	Signer     Signer
}

// ReportColumn is a column of a Report: its heading, its relative width, and "left",
// "center" or "right" alignment of its cells.
type ReportColumn struct {
	Heading string
	Width   float64
	Align   string
}

// Limits of a Report: enough for a ministry's units and fields for a year, small enough
// that a request cannot ask for an unbounded layout.
const (
	maxReportRows    = 2000
	maxReportColumns = 24
	maxReportPages   = 100
)

// Landscape A4, with the margins of Decree 30/2020 Appendix I turned with the page: the
// binding edge (30 mm) is the top.
const (
	landWidth        = pageHeight
	landHeight       = pageWidth
	landMarginTop    = 25 * mm
	landMarginBottom = 15 * mm
	landMarginLeft   = 20 * mm
	landMarginRight  = 15 * mm
	landContentLeft  = landMarginLeft
	landContentWidth = landWidth - landMarginLeft - landMarginRight
	landRightCol     = 330.0 // national heading and the signer's block
	landLeftCol      = 300.0 // the agency and the form

	reportTableSize = 9.0  // the table's text
	reportSize      = 13.0 // title lines, notes, signer
)

// reportLayout flows a Report down landscape pages.
type reportLayout struct {
	*layouter
}

func (rl *reportLayout) bottom() float64 { return landHeight - landMarginBottom }

func (rl *reportLayout) newPage() {
	rl.page = rl.b.newPage()
	rl.pageNo++
	rl.y = landMarginTop
	if rl.pageNo > 1 {
		n := strconv.Itoa(rl.pageNo)
		w := rl.m[regular].width(n, sizePageNo)
		rl.b.drawText(rl.page, textSpan{f: regular, size: sizePageNo, x: landWidth/2 - w/2, y: landHeight - 14*mm, text: n})
	}
}

// RenderReport lays out rep on landscape A4 pages with embedded Liberation Serif. The
// signer's block is on the last page; Layout says where the signature image goes, so
// internal/pades can sign it. Text is normalized to NFC; bad input gives a
// *motcua.Error with code EINVALID.
func (r *Renderer) RenderReport(ctx context.Context, rep Report) (Output, error) {
	if err := ctx.Err(); err != nil {
		return Output{}, err
	}
	var clean Report
	copyClean(reflect.ValueOf(&clean).Elem(), reflect.ValueOf(rep), false)
	rep = clean
	if err := validateReport(rep); err != nil {
		return Output{}, err
	}
	if _, err := SetupFonts(); err != nil {
		return Output{}, fmt.Errorf("render report: %w", err)
	}
	m, err := loadMetrics()
	if err != nil {
		return Output{}, fmt.Errorf("render report: %w", err)
	}
	if err := reportGlyphs(rep, m); err != nil {
		return Output{}, err
	}
	lo := newLayouter(m, r.opt)
	lo.b.shared = r.fonts
	lo.b.width, lo.b.height = landWidth, landHeight
	lo.out.PageSize = Rect{0, 0, landWidth, landHeight}
	rl := &reportLayout{lo}
	rl.newPage()
	if err := rl.heading(rep); err != nil {
		return Output{}, err
	}
	rl.titles(rep)
	if err := ctx.Err(); err != nil {
		return Output{}, err
	}
	rl.table(rep)
	for _, n := range rep.Notes {
		rl.flow(paragraph{spans: spansOf(n, italic), size: reportTableSize + 1, align: alignJustify,
			x: landContentLeft, width: landContentWidth}, 2)
	}
	if err := rl.signer(rep); err != nil {
		return Output{}, err
	}
	if rl.pageNo > maxReportPages {
		return Output{}, invalid("Rows", "Báo cáo quá dài (%d trang, tối đa %d).", rl.pageNo, maxReportPages)
	}
	lo.out.PageCount = rl.pageNo
	lo.b.info = docInfo{title: plainText(rep.Title), subject: rep.Form, keywords: "report " + rep.Form}
	pdf, err := lo.b.write()
	if err != nil {
		return Output{}, err
	}
	return Output{PDF: pdf, Layout: lo.out}, nil
}

func validateReport(rep Report) error {
	switch {
	case strings.TrimSpace(rep.Agency) == "":
		return invalid("Agency", "Thiếu tên cơ quan báo cáo.")
	case strings.TrimSpace(rep.Title) == "":
		return invalid("Title", "Thiếu tên báo cáo.")
	case len(rep.Columns) == 0 || len(rep.Columns) > maxReportColumns:
		return invalid("Columns", "Bảng báo cáo phải có từ 1 đến %d cột.", maxReportColumns)
	case len(rep.Rows) > maxReportRows:
		return invalid("Rows", "Báo cáo có quá nhiều dòng (%d, tối đa %d).", len(rep.Rows), maxReportRows)
	case rep.Total != nil && len(rep.Total) != len(rep.Columns):
		return invalid("Total", "Dòng tổng cộng có %d ô, bảng có %d cột.", len(rep.Total), len(rep.Columns))
	case strings.TrimSpace(rep.Signer.Title) == "" || strings.TrimSpace(rep.Signer.Name) == "":
		return invalid("Signer", "Thiếu chức danh hoặc họ tên người ký.")
	case rep.Date.IsZero():
		return invalid("Date", "Thiếu ngày báo cáo.")
	}
	for i, c := range rep.Columns {
		if c.Width <= 0 {
			return invalid(fmt.Sprintf("Columns[%d]", i), "Độ rộng cột phải lớn hơn 0.")
		}
	}
	for i, row := range rep.Rows {
		if len(row) != len(rep.Columns) {
			return invalid(fmt.Sprintf("Rows[%d]", i), "Dòng %d có %d ô, bảng có %d cột.", i+1, len(row), len(rep.Columns))
		}
	}
	return nil
}

// reportGlyphs refuses a character the document faces cannot draw.
func reportGlyphs(rep Report, m [3]*metrics) error {
	var err error
	check := func(field, s string) {
		for _, r := range s {
			if err != nil || r == '\n' {
				continue
			}
			for f := regular; f <= italic; f++ {
				if _, ok := m[f].gid(r); !ok {
					err = &motcua.Error{Code: motcua.EINVALID, Field: field,
						Message: fmt.Sprintf("Ký tự “%c” (U+%04X) không in được trong văn bản.", r, r)}
					return
				}
			}
		}
	}
	for _, s := range []string{rep.ParentAgency, rep.Agency, rep.Form, rep.Place, rep.Title, rep.Signer.Prefix,
		rep.Signer.Title, rep.Signer.Name} {
		check("", s)
	}
	for _, group := range [][]string{rep.Lines, rep.Notes, rep.Recipients, rep.Total} {
		for _, s := range group {
			check("", s)
		}
	}
	for _, c := range rep.Columns {
		check("Columns", c.Heading)
	}
	for i, row := range rep.Rows {
		for _, s := range row {
			check(fmt.Sprintf("Rows[%d]", i), s)
		}
	}
	return err
}

// flow places a paragraph, breaking pages between its lines.
func (rl *reportLayout) flow(p paragraph, spaceAfter float64) {
	lh := lineHeight(p.size)
	for _, l := range rl.wrap(p) {
		if rl.y+lh > rl.bottom() {
			rl.newPage()
		}
		rl.drawLine(rl.page, p, l, rl.y+rl.baselineOffset(p.size))
		rl.y += lh
	}
	rl.y += spaceAfter
}

// heading draws the agency and the form on the left, the national heading and the place
// and date on the right (Decree 30/2020 Appendix I, parts 1–2 and 4).
func (rl *reportLayout) heading(rep Report) error {
	top := rl.y
	leftX := landContentLeft
	rightX := landContentLeft + landContentWidth - landRightCol
	cxL, cxR := leftX+landLeftCol/2, rightX+landRightCol/2
	y := top
	if rep.ParentAgency != "" {
		lines := rl.placeAt(paragraph{spans: []span{{rep.ParentAgency, regular}}, size: sizeParent, align: alignCenter,
			x: leftX, width: landLeftCol}, y)
		if len(lines) > 2 {
			return invalid("ParentAgency", "Tên cơ quan chủ quản quá dài (tối đa 2 dòng).")
		}
		y += float64(len(lines)) * lineHeight(sizeParent)
	}
	agency := rl.placeAt(paragraph{spans: []span{{rep.Agency, bold}}, size: sizeAgency, align: alignCenter,
		x: leftX, width: landLeftCol}, y)
	if len(agency) > 3 {
		return invalid("Agency", "Tên cơ quan báo cáo quá dài (tối đa 3 dòng).")
	}
	y += float64(len(agency)) * lineHeight(sizeAgency)
	rl.rule(cxL, y+2, max(widest(agency)*0.4, 30))
	leftBottom := y + 2

	natW := rl.m[bold].width(nationalHeading, sizeNational)
	rl.b.drawText(rl.page, textSpan{f: bold, size: sizeNational, x: cxR - natW/2,
		y: landHeight - (top + rl.baselineOffset(sizeNational)), text: nationalHeading})
	ry := top + lineHeight(sizeNational)
	mw := rl.m[bold].width(motto, sizeMotto)
	rl.b.drawText(rl.page, textSpan{f: bold, size: sizeMotto, x: cxR - mw/2,
		y: landHeight - (ry + rl.baselineOffset(sizeMotto)), text: motto})
	ry += lineHeight(sizeMotto)
	rl.rule(cxR, ry+2, mw)
	rightBottom := ry + 2

	row := max(leftBottom, rightBottom) + 8
	if rep.Form != "" {
		rl.placeAt(paragraph{spans: []span{{rep.Form, regular}}, size: sizeNumber, align: alignCenter,
			x: leftX, width: landLeftCol}, row)
	}
	date := rep.Place + ", " + longDate(rep.Date)
	if rl.m[italic].width(date, sizeDate) > landRightCol {
		return invalid("Place", "Địa danh quá dài.")
	}
	rl.placeAt(paragraph{spans: []span{{date, italic}}, size: sizeDate, align: alignCenter, x: rightX, width: landRightCol}, row)
	rl.y = row + lineHeight(sizeNumber) + 12
	return nil
}

// rule draws a horizontal line centred on cx at top-down position y.
func (rl *reportLayout) rule(cx, y, length float64) {
	rl.page.line(cx-length/2, landHeight-y, cx+length/2, landHeight-y, 0.6)
}

func (rl *reportLayout) titles(rep Report) {
	rl.flow(paragraph{spans: spansOf(rep.Title, bold), size: sizeTitle, align: alignCenter,
		x: landContentLeft + 60, width: landContentWidth - 120}, 2)
	for _, l := range rep.Lines {
		rl.flow(paragraph{spans: spansOf(l, italic), size: reportSize, align: alignCenter,
			x: landContentLeft, width: landContentWidth}, 0)
	}
	rl.y += 8
}

// table draws the bordered table; a row never splits, and the header row is drawn again
// at the top of every page the table continues on.
func (rl *reportLayout) table(rep Report) {
	const pad = 2.5
	size := reportTableSize
	total := 0.0
	for _, c := range rep.Columns {
		total += c.Width
	}
	xs := make([]float64, len(rep.Columns)+1)
	xs[0] = landContentLeft
	for i, c := range rep.Columns {
		xs[i+1] = xs[i] + landContentWidth*c.Width/total
	}
	lh := lineHeight(size)
	cell := func(i int, s string, f face, align alignment) paragraph {
		return paragraph{spans: []span{{s, f}}, size: size, align: align, x: xs[i] + pad, width: xs[i+1] - xs[i] - 2*pad}
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
	height := func(ps []paragraph) float64 {
		n := 1
		for _, p := range ps {
			n = max(n, len(rl.wrap(p)))
		}
		return float64(n)*lh + 2*pad
	}
	draw := func(ps []paragraph, h float64) {
		top := rl.y
		for _, p := range ps {
			rl.placeAt(p, top+pad)
		}
		c := rl.page
		yTop, yBot := landHeight-top, landHeight-(top+h)
		c.line(xs[0], yTop, xs[len(xs)-1], yTop, 0.5)
		c.line(xs[0], yBot, xs[len(xs)-1], yBot, 0.5)
		for _, x := range xs {
			c.line(x, yTop, x, yBot, 0.5)
		}
		rl.y += h
	}
	header := make([]paragraph, len(rep.Columns))
	numbers := make([]paragraph, len(rep.Columns))
	for i, c := range rep.Columns {
		header[i] = cell(i, c.Heading, bold, alignCenter)
		// The column numbers under the headings, as the forms of Circular 01/2020 have.
		numbers[i] = cell(i, "("+strconv.Itoa(i+1)+")", italic, alignCenter)
	}
	hh, nh := height(header), height(numbers)
	drawHeader := func() {
		draw(header, hh)
		draw(numbers, nh)
	}
	rows := make([][]paragraph, 0, len(rep.Rows)+1)
	for _, row := range rep.Rows {
		ps := make([]paragraph, len(row))
		for i, s := range row {
			ps[i] = cell(i, s, regular, alignOf(rep.Columns[i].Align))
		}
		rows = append(rows, ps)
	}
	if rep.Total != nil {
		ps := make([]paragraph, len(rep.Total))
		for i, s := range rep.Total {
			ps[i] = cell(i, s, bold, alignOf(rep.Columns[i].Align))
		}
		rows = append(rows, ps)
	}
	first := lh + 2*pad
	if len(rows) > 0 {
		first = height(rows[0])
	}
	if rl.y+hh+nh+first > rl.bottom() {
		rl.newPage()
	}
	drawHeader()
	for _, ps := range rows {
		h := height(ps)
		if rl.y+h > rl.bottom() {
			rl.newPage()
			drawHeader()
		}
		draw(ps, h)
	}
	rl.y += paraSpace
}

// signer draws "Nơi nhận:" on the left and the signer's block on the right, never split
// across pages, and records where the signature image goes.
func (rl *reportLayout) signer(rep Report) error {
	s := rep.Signer
	rightX := landContentLeft + landContentWidth - landRightCol
	col := func(text string, f face) paragraph {
		return paragraph{spans: []span{{text, f}}, size: reportSize, align: alignCenter, x: rightX, width: landRightCol}
	}
	var heads []paragraph
	if s.Prefix != "" {
		heads = append(heads, col(s.Prefix, bold))
	}
	heads = append(heads, col(s.Title, bold))
	np := col(s.Name, bold)
	if len(rl.wrap(np)) > 1 {
		return invalid("Signer.Name", "Họ tên người ký quá dài (tối đa 1 dòng).")
	}
	lh := lineHeight(reportSize)
	headLines := 0
	for _, p := range heads {
		headLines += len(rl.wrap(p))
	}
	sigW, sigH := rl.opt.SignatureWidth*mm, rl.opt.SignatureHeight*mm
	gap := sigH + 6
	rightH := float64(headLines)*lh + gap + lh
	var recips []paragraph
	leftH := 0.0
	if len(rep.Recipients) > 0 {
		recips = append(recips, paragraph{spans: []span{{"Nơi nhận:", bold}}, size: sizeRecipHead,
			x: landContentLeft, width: landLeftCol})
		for _, r := range rep.Recipients {
			if !strings.HasPrefix(r, "-") {
				r = "- " + r
			}
			recips = append(recips, paragraph{spans: []span{{r, regular}}, size: sizeRecip,
				x: landContentLeft, width: landLeftCol, restIndent: 8})
		}
		for _, p := range recips {
			leftH += float64(len(rl.wrap(p))) * lineHeight(p.size)
		}
	}
	rl.y += 6
	if rl.y+max(rightH, leftH) > rl.bottom() {
		rl.newPage()
	}
	top := rl.y
	y := top
	for _, p := range heads {
		y += float64(len(rl.placeAt(p, y))) * lh
	}
	gapTop := y
	y += gap
	rl.placeAt(np, y)
	blockBottom := y + lh
	cx := rightX + landRightCol/2
	mid := gapTop + gap/2
	img := Rect{X: cx - sigW/2, Y: landHeight - mid - sigH/2, W: sigW, H: sigH}
	rl.out.Page = rl.pageNo
	rl.out.SignerImage = img
	rl.out.SignerBlock = Rect{X: rightX, Y: landHeight - blockBottom, W: landRightCol, H: blockBottom - top}
	ly := top
	for _, p := range recips {
		ly += float64(len(rl.placeAt(p, ly))) * lineHeight(p.size)
	}
	rl.y = max(blockBottom, ly)
	return nil
}
