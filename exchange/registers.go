package exchange

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"motcua"
	"motcua/internal/render"
	"motcua/internal/store"
)

// The three registers of Decree 30/2020 appendix IV, as a table each: the outgoing
// register (sổ đăng ký văn bản đi, section I, 10 columns), the incoming register (sổ
// đăng ký văn bản đến, section VI, 10 columns) and the incoming-handling tracking book
// (sổ theo dõi giải quyết văn bản đến, section VIII, 7 columns). The same table is the
// page, the JSON, the XLSX workbook and the landscape PDF.

// Register kinds, as they appear in URLs.
const (
	BookOutgoing = "di"       // sổ đăng ký văn bản đi
	BookIncoming = "den"      // sổ đăng ký văn bản đến
	BookHandling = "theo-doi" // sổ theo dõi giải quyết văn bản đến
)

// BookKinds lists the registers in the order the pages show them.
var BookKinds = []string{BookIncoming, BookOutgoing, BookHandling}

// BookColumn is a column of a register: its heading (appendix IV's words) and its
// relative width in the PDF.
type BookColumn struct {
	Heading string  `json:"heading"`
	Width   float64 `json:"-"`
	Align   string  `json:"-"`
}

var bookColumns = map[string][]BookColumn{
	BookOutgoing: {
		{"Số, ký hiệu văn bản", 1.3, "center"}, {"Ngày tháng văn bản", 1, "center"},
		{"Tên loại và trích yếu nội dung văn bản", 3, "left"}, {"Người ký", 1.3, "left"},
		{"Nơi nhận văn bản", 2, "left"}, {"Đơn vị, người nhận bản lưu", 1.3, "left"},
		{"Số lượng bản", 0.7, "center"}, {"Ngày chuyển", 1, "center"}, {"Ký nhận", 0.8, "center"}, {"Ghi chú", 1, "left"}},
	BookIncoming: {
		{"Ngày đến", 1, "center"}, {"Số đến", 0.7, "center"}, {"Tác giả", 1.8, "left"},
		{"Số, ký hiệu văn bản", 1.3, "center"}, {"Ngày tháng văn bản", 1, "center"},
		{"Tên loại và trích yếu nội dung văn bản", 3, "left"}, {"Đơn vị hoặc người nhận", 1.5, "left"},
		{"Ngày chuyển", 1, "center"}, {"Ký nhận", 0.8, "center"}, {"Ghi chú", 1, "left"}},
	BookHandling: {
		{"Số đến", 0.7, "center"},
		{"Tên loại, số, ký hiệu, ngày, tháng và tên cơ quan, tổ chức ban hành văn bản", 3.5, "left"},
		{"Đơn vị hoặc người nhận", 2, "left"}, {"Thời hạn giải quyết", 1, "center"},
		{"Tiến độ giải quyết", 1.5, "left"}, {"Số, ký hiệu văn bản trả lời", 1.5, "left"}, {"Ghi chú", 1, "left"}},
}

var bookTitles = map[string]string{
	BookOutgoing: "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
	BookIncoming: "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
	BookHandling: "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN",
}

// incomingProgress is the Vietnamese label of an incoming document's state, the
// tracking book's "Tiến độ giải quyết".
var incomingProgress = map[string]string{
	store.IncomingRegistered: "Đã vào sổ, chờ ý kiến chỉ đạo",
	store.IncomingAssigned:   "Đã phân công",
	store.IncomingProcessing: "Đang giải quyết",
	store.IncomingDone:       "Đã hoàn thành",
	store.IncomingRevoked:    "Đã bị thu hồi",
}

// Book is one register of a year.
type Book struct {
	Kind    string       `json:"kind"`
	Title   string       `json:"title"`
	Year    int          `json:"year"`
	Columns []BookColumn `json:"columns"`
	Rows    [][]string   `json:"rows"`
}

// ParseBookYear reads ?year=; empty is the current year, Vietnam time.
func (s *Service) ParseBookYear(v string) (int, error) {
	if v == "" {
		return store.RegisterYear(s.Now()), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2200 {
		return 0, &motcua.Error{Code: motcua.EINVALID, Field: "year", Message: "Năm của sổ không hợp lệ (ví dụ 2026)."}
	}
	return y, nil
}

func dateVN(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(motcua.Vietnam).Format("02/01/2006")
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// Book reads the register kind of year. Staff read the registers.
func (s *Service) Book(ctx context.Context, actor motcua.Actor, kind string, year int) (Book, error) {
	if !isStaff(actor) {
		return Book{}, forbidden("Chỉ cán bộ, công chức được xem sổ văn bản.")
	}
	cols, ok := bookColumns[kind]
	if !ok {
		return Book{}, &motcua.Error{Code: motcua.ENOTFOUND, Message: "Không có sổ văn bản này."}
	}
	b := Book{Kind: kind, Title: bookTitles[kind], Year: year, Columns: cols, Rows: [][]string{}}
	switch kind {
	case BookOutgoing:
		list, err := s.Store.OutgoingRegister(ctx, year)
		if err != nil {
			return Book{}, err
		}
		for _, e := range list {
			issued := e.IssuedOn
			if issued.IsZero() {
				issued = e.RegisteredAt
			}
			copies := ""
			if e.Copies > 0 {
				copies = strconv.Itoa(e.Copies)
			}
			b.Rows = append(b.Rows, []string{store.FormatRegisterNumber(e.Number) + "/" + e.Symbol, dateVN(issued),
				joinNonEmpty(": ", e.TypeName, e.Subject), e.Signer, e.Recipients, "", copies, "", "", e.Note})
		}
	case BookIncoming, BookHandling:
		list, err := s.Store.IncomingRegister(ctx, year)
		if err != nil {
			return Book{}, err
		}
		handled, err := s.Store.IncomingHandled(ctx, year)
		if err != nil {
			return Book{}, err
		}
		for _, e := range list {
			h := handled[e.ID]
			number := joinNonEmpty("/", e.CodeNumber, e.CodeNotation)
			recipient := e.Recipient
			if h.LeadUnit != "" {
				recipient = joinNonEmpty("; phối hợp: ", h.LeadUnit+" (chủ trì)", h.SupportingUnits)
			}
			if kind == BookIncoming {
				b.Rows = append(b.Rows, []string{dateVN(e.RegisteredAt), store.FormatRegisterNumber(e.Number), e.IssuerName,
					number, dateVN(e.IssuedOn), joinNonEmpty(": ", e.TypeName, e.Subject), recipient, "", "", e.Note})
				continue
			}
			deadline := h.Deadline
			if deadline.IsZero() {
				deadline = e.DueOn
			}
			progress := incomingProgress[h.State]
			if progress == "" {
				progress = incomingProgress[store.IncomingRegistered]
			}
			if h.State != store.IncomingDone && !deadline.IsZero() &&
				vietnamDay(s.Now()).After(vietnamDay(deadline)) {
				progress += " (quá hạn)"
			}
			var numPart, datePart string
			if number != "" {
				numPart = "số " + number
			}
			if !e.IssuedOn.IsZero() {
				datePart = "ngày " + dateVN(e.IssuedOn)
			}
			what := joinNonEmpty(", ", e.TypeName, numPart, datePart, e.IssuerName)
			b.Rows = append(b.Rows, []string{store.FormatRegisterNumber(e.Number), joinNonEmpty(": ", what, e.Subject),
				recipient, dateVN(deadline), progress, h.ReplyDocumentID, e.Note})
		}
	}
	return b, nil
}

// isStaff says whether the actor works for the agency (reads its registers).
func isStaff(a motcua.Actor) bool {
	for _, r := range []motcua.Role{motcua.RoleClerk, motcua.RoleLeader, motcua.RoleClerical, motcua.RoleAdmin} {
		if a.Has(r) {
			return true
		}
	}
	return false
}

// vietnamDay is the start of t's day in Vietnam time.
func vietnamDay(t time.Time) time.Time {
	y, m, d := t.In(motcua.Vietnam).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, motcua.Vietnam)
}

// Workbook writes a register as an XLSX workbook: the title, the year, the headings
// of appendix IV, their numbers (1)…(n), then one line per entry.
func (b Book) Workbook() ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	sheet := "Sổ"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	set := func(col, row int, v any) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		return x.SetCellValue(sheet, cell, v)
	}
	if err := set(1, 1, b.Title); err != nil {
		return nil, err
	}
	if err := set(1, 2, fmt.Sprintf("Năm %d", b.Year)); err != nil {
		return nil, err
	}
	const head = 4
	for i, c := range b.Columns {
		if err := set(i+1, head, c.Heading); err != nil {
			return nil, err
		}
		if err := set(i+1, head+1, fmt.Sprintf("(%d)", i+1)); err != nil {
			return nil, err
		}
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := x.SetColWidth(sheet, name, name, 8+c.Width*8); err != nil {
			return nil, err
		}
	}
	for r, row := range b.Rows {
		for i, v := range row {
			if err := set(i+1, head+2+r, v); err != nil {
				return nil, err
			}
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, fmt.Errorf("register workbook: %w", err)
	}
	return buf.Bytes(), nil
}

// BookPDF lays a register out as a landscape table whose heading row repeats on every
// page, under the agency's name, signed off by the reader who printed it.
func (s *Service) BookPDF(ctx context.Context, actor motcua.Actor, b Book) ([]byte, error) {
	if s.Renderer == nil {
		return nil, &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Dịch vụ tạo tệp PDF chưa sẵn sàng. Vui lòng thử lại sau."}
	}
	r, err := s.Renderer()
	if err != nil {
		return nil, fmt.Errorf("register pdf: %w", err)
	}
	agency := s.AgencyName
	if agency == "" {
		agency = "BỘ NỘI VỤ"
	}
	name := actor.Name
	if name == "" {
		name = actor.Username
	}
	rep := render.Report{Agency: strings.ToUpper(agency), Form: "Mẫu Phụ lục IV, Nghị định số 30/2020/NĐ-CP",
		Place: "Hà Nội", Date: s.Now(), Title: b.Title, Lines: []string{fmt.Sprintf("Năm %d", b.Year)},
		Signer: render.Signer{Title: "NGƯỜI IN SỔ", Name: name}}
	for _, c := range b.Columns {
		rep.Columns = append(rep.Columns, render.ReportColumn{Heading: c.Heading, Width: c.Width, Align: c.Align})
	}
	rep.Rows = b.Rows
	out, err := r.RenderReport(ctx, rep)
	if err != nil {
		return nil, fmt.Errorf("register pdf %s %d: %w", b.Kind, b.Year, err)
	}
	return out.PDF, nil
}
