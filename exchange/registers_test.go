package exchange_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/exchange"
	"motcua/internal/render"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

func vnAt(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, motcua.Vietnam)
}

// bookFixture is a store with two incoming registrations of 2026 (one directed to a lead
// unit with a deadline past at the fixture's clock, one paper), one of 2025, and two
// outgoing registrations of 2026; and the service over it with its clock on 20/12/2026.
func bookFixture(t *testing.T) *exchange.Service {
	t.Helper()
	ctx := context.Background()
	s := storetest.New(t)
	in := func(key string, at time.Time, channel, subject string) store.IncomingEntry {
		e := store.IncomingEntry{Key: key, RegisteredAt: at, Channel: channel, IssuerName: "Văn phòng Chính phủ",
			CodeNumber: "12", CodeNotation: "VPCP-KSTT", TypeName: "Công văn", Subject: subject,
			IssuedOn: at.AddDate(0, 0, -1), Recipient: "Văn phòng Bộ"}
		if channel == store.ChannelElectronic {
			e.IssuerID, e.DocumentID, e.AxisMessageID = "000.00.00.G01", "000.00.00.G01,2026/12/01,"+key, "axis-"+key
		}
		e2, err := s.RegisterIncoming(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		return e2
	}
	in("old", vnAt(2025, 12, 31, 10), store.ChannelPaper, "Văn bản năm trước")
	e1 := in("a", vnAt(2026, 12, 1, 9), store.ChannelElectronic, "Về việc rà soát thủ tục hành chính")
	in("b", vnAt(2026, 12, 2, 9), store.ChannelPaper, "Về việc báo cáo tháng")
	doc, err := s.CreateIncoming(ctx, store.Incoming{AxisMessageID: "axis-a", WorkflowID: "incoming/axis-a",
		DocumentID: e1.DocumentID, IssuerID: e1.IssuerID, IssuerName: e1.IssuerName, CodeNumber: "12",
		CodeNotation: "VPCP-KSTT", TypeName: "Công văn", Subject: e1.Subject, State: store.IncomingArrived,
		ArrivedAt: vnAt(2026, 12, 1, 8)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeIncoming(ctx, doc.ID, store.IncomingChange{State: store.IncomingAssigned, At: vnAt(2026, 12, 1, 15),
		RegisterID: e1.ID, LeadUnit: "Vụ Pháp chế", SupportingUnits: "Văn phòng Bộ", Deadline: vnAt(2026, 12, 15, 0)}); err != nil {
		t.Fatal(err)
	}
	for i, sym := range []string{"BNV-VP", "BNV-PC"} {
		if _, err := s.RegisterOutgoing(ctx, "000.00.00.G09", store.OutgoingEntry{Key: "o" + sym, Symbol: sym,
			RegisteredAt: vnAt(2026, 12, 3+i, 10), TypeName: "Công văn", Subject: "Về việc phối hợp " + sym,
			Signer: "Nguyễn Văn A", Recipients: "Văn phòng Chính phủ", Copies: 2}); err != nil {
			t.Fatal(err)
		}
	}
	return exchange.New(exchange.Deps{Store: s, Now: func() time.Time { return vnAt(2026, 12, 20, 9) },
		AgencyName: "Bộ Nội vụ", Renderer: func() (*render.Renderer, error) { return render.New(render.Options{}) }})
}

var clerical = motcua.Actor{UserID: 1, Username: "vanthu", Name: "Lê Thị Văn Thư", Roles: []motcua.Role{motcua.RoleClerical}}

// TestRegistersFollowAppendixIV: each register has appendix IV's columns, in its order,
// and the year's entries only; the tracking book shows the lead unit, the deadline and
// the overdue progress; citizens may not read them; an unknown register is 404.
func TestRegistersFollowAppendixIV(t *testing.T) {
	svc := bookFixture(t)
	ctx := context.Background()
	cases := []struct {
		kind    string
		columns []string
		rows    [][]string
	}{
		{exchange.BookIncoming, []string{"Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu văn bản", "Ngày tháng văn bản",
			"Tên loại và trích yếu nội dung văn bản", "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú"},
			[][]string{
				{"01/12/2026", "01", "Văn phòng Chính phủ", "12/VPCP-KSTT", "30/11/2026", "Công văn: Về việc rà soát thủ tục hành chính",
					"Vụ Pháp chế (chủ trì); phối hợp: Văn phòng Bộ", "", "", ""},
				{"02/12/2026", "02", "Văn phòng Chính phủ", "12/VPCP-KSTT", "01/12/2026", "Công văn: Về việc báo cáo tháng",
					"Văn phòng Bộ", "", "", ""}}},
		{exchange.BookOutgoing, []string{"Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản",
			"Người ký", "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận", "Ghi chú"},
			[][]string{
				{"01/BNV-VP", "03/12/2026", "Công văn: Về việc phối hợp BNV-VP", "Nguyễn Văn A", "Văn phòng Chính phủ", "", "2", "", "", ""},
				{"02/BNV-PC", "04/12/2026", "Công văn: Về việc phối hợp BNV-PC", "Nguyễn Văn A", "Văn phòng Chính phủ", "", "2", "", "", ""}}},
		{exchange.BookHandling, []string{"Số đến", "Tên loại, số, ký hiệu, ngày, tháng và tên cơ quan, tổ chức ban hành văn bản",
			"Đơn vị hoặc người nhận", "Thời hạn giải quyết", "Tiến độ giải quyết", "Số, ký hiệu văn bản trả lời", "Ghi chú"},
			[][]string{
				{"01", "Công văn, số 12/VPCP-KSTT, ngày 30/11/2026, Văn phòng Chính phủ: Về việc rà soát thủ tục hành chính",
					"Vụ Pháp chế (chủ trì); phối hợp: Văn phòng Bộ", "15/12/2026", "Đã phân công (quá hạn)", "", ""},
				{"02", "Công văn, số 12/VPCP-KSTT, ngày 01/12/2026, Văn phòng Chính phủ: Về việc báo cáo tháng",
					"Văn phòng Bộ", "", "Đã vào sổ, chờ ý kiến chỉ đạo", "", ""}}},
	}
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			b, err := svc.Book(ctx, clerical, c.kind, 2026)
			if err != nil {
				t.Fatal(err)
			}
			var cols []string
			for _, col := range b.Columns {
				cols = append(cols, col.Heading)
			}
			if !slices.Equal(cols, c.columns) {
				t.Errorf("columns %q, want %q", cols, c.columns)
			}
			if len(b.Rows) != len(c.rows) {
				t.Fatalf("%d rows, want %d: %q", len(b.Rows), len(c.rows), b.Rows)
			}
			for i := range c.rows {
				if !slices.Equal(b.Rows[i], c.rows[i]) {
					t.Errorf("row %d:\n got %q\nwant %q", i+1, b.Rows[i], c.rows[i])
				}
			}
		})
	}
	if b, err := svc.Book(ctx, clerical, exchange.BookIncoming, 2025); err != nil || len(b.Rows) != 1 {
		t.Errorf("2025: %v, %d rows, want the one of 2025", err, len(b.Rows))
	}
	citizen := motcua.Actor{UserID: 9, Roles: []motcua.Role{motcua.RoleCitizen}}
	if _, err := svc.Book(ctx, citizen, exchange.BookIncoming, 2026); motcua.ErrorCode(err) != motcua.EFORBIDDEN {
		t.Errorf("a citizen reads the register: %v, want EFORBIDDEN", err)
	}
	if _, err := svc.Book(ctx, clerical, "khac", 2026); motcua.ErrorCode(err) != motcua.ENOTFOUND {
		t.Errorf("unknown register: %v, want ENOTFOUND", err)
	}
	for _, y := range []string{"abc", "1999", "20266"} {
		if _, err := svc.ParseBookYear(y); motcua.ErrorCode(err) != motcua.EINVALID {
			t.Errorf("year %q: %v, want EINVALID", y, err)
		}
	}
	if y, err := svc.ParseBookYear(""); err != nil || y != 2026 {
		t.Errorf("no year: %d %v, want the clock's 2026", y, err)
	}
}

// readXLSX reads the first sheet of a workbook with Python's zipfile and XML parser, a
// reader that is not the writer: rows of cell texts in column order.
const readXLSX = `
import sys, zipfile, json, re, xml.etree.ElementTree as ET
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
z = zipfile.ZipFile(sys.argv[1])
shared = ["".join(t.text or "" for t in si.iter("{%(m)s}t" % ns)) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)] if "xl/sharedStrings.xml" in z.namelist() else []
rows = []
for row in ET.fromstring(z.read("xl/worksheets/sheet1.xml")).iter("{%(m)s}row" % ns):
    out = []
    for c in row.findall("m:c", ns):
        v = c.find("m:v", ns)
        if c.get("t") == "s":
            out.append(shared[int(v.text)])
        elif c.get("t") == "inlineStr":
            out.append("".join(t.text or "" for t in c.iter("{%(m)s}t" % ns)))
        elif v is not None:
            out.append(v.text)
    rows.append(out)
print(json.dumps(rows))
`

// TestRegisterWorkbooksAndPDFsOpenInOtherReaders: every register's XLSX, read back by
// Python, holds the title, the headings, their numbers and the rows of the register; its
// PDF is a landscape table pdftotext reads the headings and entries from.
func TestRegisterWorkbooksAndPDFsOpenInOtherReaders(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	svc := bookFixture(t)
	ctx := context.Background()
	dir := t.TempDir()
	for _, kind := range exchange.BookKinds {
		b, err := svc.Book(ctx, clerical, kind, 2026)
		if err != nil {
			t.Fatal(err)
		}
		x, err := b.Workbook()
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, kind+".xlsx")
		if err := os.WriteFile(path, x, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(py, "-c", readXLSX, path).CombinedOutput()
		if err != nil {
			t.Fatalf("python: %v\n%s", err, out)
		}
		var rows [][]string
		if err := json.Unmarshal(out, &rows); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		want := [][]string{{b.Title}, {"Năm 2026"}}
		var heads, nums []string
		for i, c := range b.Columns {
			heads, nums = append(heads, c.Heading), append(nums, fmt.Sprintf("(%d)", i+1))
		}
		want = append(append(want, heads, nums), b.Rows...)
		if len(rows) != len(want) {
			t.Fatalf("%s: %d rows, want %d: %q", kind, len(rows), len(want), rows)
		}
		for i := range want {
			if !slices.Equal(rows[i], want[i]) {
				t.Errorf("%s row %d: %q, want %q", kind, i+1, rows[i], want[i])
			}
		}

		pdf, err := svc.BookPDF(ctx, clerical, b)
		if err != nil {
			t.Fatal(err)
		}
		pp := filepath.Join(dir, kind+".pdf")
		if err := os.WriteFile(pp, pdf, 0o600); err != nil {
			t.Fatal(err)
		}
		txt, err := exec.Command("pdftotext", "-layout", pp, "-").CombinedOutput()
		if err != nil {
			t.Fatalf("pdftotext: %v\n%s", err, txt)
		}
		text := strings.Join(strings.Fields(string(txt)), " ")
		// Cells of one word do not wrap: all of them are in the text.
		check := []string{b.Title, "Năm 2026", "BỘ NỘI VỤ", "Lê Thị Văn Thư"}
		for _, r := range b.Rows {
			for _, c := range r {
				if c != "" && !strings.Contains(c, " ") {
					check = append(check, c)
				}
			}
		}
		for _, s := range check {
			if !strings.Contains(text, strings.Join(strings.Fields(s), " ")) {
				t.Errorf("%s PDF lacks %q:\n%s", kind, s, text)
			}
		}
		info, _ := exec.Command("pdfinfo", pp).CombinedOutput()
		if !strings.Contains(string(info), "841.89 x 595.276") && !strings.Contains(string(info), "842 x 595") {
			t.Errorf("%s PDF is not landscape A4:\n%s", kind, info)
		}
	}
}
